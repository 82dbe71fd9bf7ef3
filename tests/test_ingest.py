"""Encodings and bad input: detect, report, and fail with one clear message."""

from __future__ import annotations

import codecs

import pytest

from planctl.errors import PlanctlError
from planctl.ingest import decode_bytes, read_source
from planctl.parse import parse_source
from tests.helpers import CORPUS

FILES = sorted(CORPUS.glob("*.txt"))


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
@pytest.mark.parametrize(
    ("codec", "prefix", "expected"),
    [
        ("gb18030", b"", "gb18030"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16"),
        ("utf-8", codecs.BOM_UTF8, "utf-8-sig"),
    ],
)
def test_other_encodings_parse_like_utf8(path, codec, prefix, expected) -> None:
    text = path.read_text(encoding="utf-8")
    twin = decode_bytes(prefix + text.encode(codec), path=path.name)
    assert twin.encoding == expected
    original = parse_source(decode_bytes(text.encode("utf-8"), path=path.name))
    again = parse_source(twin)
    for a, b in zip(original, again, strict=True):
        a.source.encoding = b.source.encoding
        assert a == b


def test_encoding_override() -> None:
    data = "一、总体要求\n".encode("gbk")
    assert decode_bytes(data, encoding="gbk").lines[0].text == "一、总体要求"
    with pytest.raises(PlanctlError, match="not valid utf-8"):
        decode_bytes(data, path="x.txt", encoding="utf-8")
    with pytest.raises(PlanctlError, match="unknown encoding"):
        decode_bytes(data, encoding="klingon")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \n\t\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
        (b"PK\x03\x04rest", "zip"),
        (b"abc\x00def", "NUL"),
        (bytes([0x80, 0x81]) * 300, "neither UTF-8"),
    ],
)
def test_bad_bytes_fail_clearly(data: bytes, message: str) -> None:
    with pytest.raises(PlanctlError, match=message):
        decode_bytes(data, path="bad.txt")


def test_missing_file_and_directory(tmp_path) -> None:
    with pytest.raises(PlanctlError, match="no such file"):
        read_source(tmp_path / "nope.txt")
    with pytest.raises(PlanctlError, match="is a directory"):
        read_source(tmp_path)


def test_line_numbers_match_grep() -> None:
    src = decode_bytes(b"a\r\nb\rc\n\nd", path="x")
    assert [(ln.number, ln.text) for ln in src.lines] == [(1, "a"), (2, "b"), (3, "c"), (4, ""), (5, "d")]
