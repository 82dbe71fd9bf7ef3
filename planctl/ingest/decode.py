"""Decoding text files into the line-based :class:`~planctl.model.Source`.

Plans arrive as UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK from Windows.
Detection order: BOM, then strict UTF-8, then strict GB18030; anything else is an error
that names the file and the offending byte.

Example::

    >>> src = decode_bytes("一、总体要求\\n".encode("gb18030"), path="x.txt")
    >>> src.encoding, src.lines[0].text
    ('gb18030', '一、总体要求')
"""

from __future__ import annotations

import codecs

from planctl.env import Environment
from planctl.errors import PlanctlError
from planctl.model import Line, Source

# Magic numbers of formats people rename to .txt by mistake.
_BINARY_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"PK\x03\x04": "a zip archive (docx/xlsx?)",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\xd0\xcf\x11\xe0": "an old Office file (doc/xls)",
    b"%PDF": "a PDF (give it a .pdf path)",
}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _detect_binary(data: bytes, path: str) -> None:
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise PlanctlError(f"{path}: this is {what}, not a text file")


def _decode(data: bytes, path: str, encoding: str | None, env: Environment) -> tuple[str, str]:
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise PlanctlError(f"unknown encoding {encoding!r}") from None
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            raise PlanctlError(
                f"{path}: not valid {encoding} at byte {exc.start} (try without --encoding to auto-detect)"
            ) from None
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError as exc:
                raise PlanctlError(f"{path}: {codec} BOM but invalid data at byte {exc.start}") from None
    _detect_binary(data, path)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    # Mostly valid UTF-8 with a few bad bytes (a truncated last character, a damaged byte):
    # GB18030 would "decode" such a file into mojibake, so keep UTF-8 and say what was replaced.
    lenient = data.decode("utf-8", errors="replace")
    bad = lenient.count("\ufffd")
    if bad <= max(2, len(lenient) // 1000):
        env.warn(f"{path}: invalid UTF-8 at byte {utf8_error.start} ({bad} character(s) replaced by �)")
        return lenient, "utf-8 (with replacements)"
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise PlanctlError(
            f"{path}: neither UTF-8 (bad byte at {utf8_error.start}) nor GB18030; "
            "pass --encoding if you know it"
        ) from None
    return text, "gb18030"


def decode_bytes(data: bytes, *, path: str = "<bytes>", encoding: str | None = None,
                 env: Environment | None = None) -> Source:
    """Decode ``data`` and split it into numbered lines; problems that do not stop the
    decoding are warned about through ``env``.

    Raises :class:`PlanctlError` for empty, binary or undecodable input.
    """
    text, used = _decode(data, path, encoding, env or Environment())
    if "\x00" in text:
        raise PlanctlError(f"{path}: contains NUL characters; looks like a binary file")
    if not text.strip():
        raise PlanctlError(f"{path}: file is empty")
    # splitlines() would also split on U+2028 and form feeds; keep line numbers grep-compatible.
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if raw_lines and raw_lines[-1] == "":
        raw_lines.pop()
    return Source(path=path, encoding=used, lines=[Line(i, t) for i, t in enumerate(raw_lines, 1)])
