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
        (bytes(range(1, 32)) * 40, "binary"),
        (bytes([0x80, 0x81]) * 300, "--encoding"),
    ],
)
def test_bad_bytes_fail_clearly(data: bytes, message: str) -> None:
    with pytest.raises(PlanctlError, match=message):
        decode_bytes(data, path="bad.txt")


def test_a_few_stray_nul_bytes_are_dropped_and_named() -> None:
    from planctl.env import Environment

    env = Environment.recording()
    src = decode_bytes("一、总体\x00要求\n（一）稳就业。\x00\n".encode(), path="nul.txt", env=env)
    assert [ln.text for ln in src.lines] == ["一、总体要求", "（一）稳就业。"]
    assert len(env.warnings) == 1 and "1:5" in env.warnings[0] and "2:8" in env.warnings[0]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "big5"])
def test_encodings_without_a_bom_are_detected(codec: str) -> None:
    text = "一、總體要求\n（一）指導思想。堅持穩中求進工作總基調，推動經濟高質量發展。\n" * 20
    src = decode_bytes(text.encode(codec), path="x.txt")
    assert src.lines[0].text == "一、總體要求" and src.encoding.replace("_", "-").startswith(codec.split("-le")[0][:6])


def test_undecodable_names_what_was_tried() -> None:
    with pytest.raises(PlanctlError, match=r"tried UTF-8.*--encoding"):
        decode_bytes(bytes([0x80, 0x81, 0xfe]) * 300, path="x.txt")


def test_missing_file_and_directory(tmp_path) -> None:
    with pytest.raises(PlanctlError, match="no such file"):
        read_source(tmp_path / "nope.txt")
    with pytest.raises(PlanctlError, match="is a directory"):
        read_source(tmp_path)


def test_line_numbers_match_grep() -> None:
    src = decode_bytes(b"a\r\nb\rc\n\nd", path="x")
    assert [(ln.number, ln.text) for ln in src.lines] == [(1, "a"), (2, "b"), (3, "c"), (4, ""), (5, "d")]
