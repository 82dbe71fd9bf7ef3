"""Decoding text files into the line-based :class:`~planctl.model.Source`.

Plans arrive as UTF-8 (with or without BOM), UTF-16/32 (with or without BOM), GB18030/GBK from
Windows, Big5 from Taiwan and Hong Kong. Detection order: a BOM; strict UTF-8 (unless the
bytes look like UTF-16/32); UTF-8 with a few damaged bytes (kept, the bad ones replaced and
warned about); charset-normalizer's reading of the bytes; strict GB18030. A handful of NUL or
other control characters (a damaged copy) are dropped with a warning naming where; many mean a
binary file. Anything else is an error that says what was tried and how to force an encoding.

Example::

    >>> src = decode_bytes("一、总体要求\\n".encode("gb18030"), path="x.txt")
    >>> src.encoding, src.lines[0].text
    ('gb18030', '一、总体要求')
"""

from __future__ import annotations

import codecs
import re

from planctl.cjk import HAN
from planctl.env import Environment
from planctl.errors import PlanctlError
from planctl.model import Line, Source

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# C0 control characters other than tab, line feed and carriage return (NUL, form feed, ESC …),
# DEL and the C1 set: "一、总体\x00要求" (a damaged copy), "\x1b]0;标题\x07" (a terminal escape)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f]")
MAX_CONTROLS = 16
"""More stray control characters than this (or one per 200 characters) mean a binary file."""
_TRIED = "UTF-8, the encodings charset-normalizer detects (GB18030, Big5, UTF-16/32 …) and GB18030"


def check_encoding(encoding: str) -> None:
    """A one-line error unless ``encoding`` names a text codec (``base64``, ``rot13`` and ``hex``
    are codecs too, but not of text)."""
    try:
        info = codecs.lookup(encoding)
    except (LookupError, ValueError):
        raise PlanctlError(f"unknown encoding {encoding!r} (e.g. --encoding gbk)") from None
    if not getattr(info, "_is_text_encoding", True):
        raise PlanctlError(f"{encoding!r} is not a text encoding (e.g. --encoding gbk)")


def _with_codec(data: bytes, path: str, encoding: str) -> str:
    check_encoding(encoding)
    try:
        return data.decode(encoding)
    except LookupError:  # a codec the check above let through
        raise PlanctlError(f"{encoding!r} is not a text encoding (e.g. --encoding gbk)") from None
    except UnicodeDecodeError as exc:
        raise PlanctlError(
            f"{path}: not valid {encoding} at byte {exc.start} (try without --encoding to auto-detect)"
        ) from None


def _looks_wide(data: bytes) -> bool:
    """UTF-16/32 without a BOM: NUL bytes in a regular share of positions (text has none)."""
    sample = data[:4096]
    return len(sample) >= 8 and sample.count(0) > len(sample) // 10


# The encodings Chinese plans come in besides UTF-8 (charset-normalizer chooses among them).
_CANDIDATES = ["gb18030", "big5", "big5hkscs", "utf_16_le", "utf_16_be", "utf_32_le", "utf_32_be"]
_READABLE_RE = re.compile(rf"[{HAN}\s!-~\u3000-\u303f\uff00-\uffef“”‘’—…·●■□◆]")


def _plausible(text: str) -> bool:
    """Decoded Chinese text: mostly Han characters, ASCII and CJK punctuation, some Han."""
    sample = text[:20000]
    if not sample.strip():
        return False
    readable = len(_READABLE_RE.findall(sample))
    return readable >= 0.95 * len(sample) and len(re.findall(f"[{HAN}]", sample)) >= min(10, len(sample) // 4)


def _detected(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes  # only for files that are not UTF-8

    best = from_bytes(data, cp_isolation=_CANDIDATES).best()
    if best is None:
        return None
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    return (text, best.encoding.replace("_", "-")) if _plausible(text) else None


def _decode(data: bytes, path: str, encoding: str | None, env: Environment) -> tuple[str, str]:
    if encoding:
        return _with_codec(data, path, encoding), encoding
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError as exc:
                raise PlanctlError(f"{path}: {codec} BOM but invalid data at byte {exc.start}") from None
    if _looks_wide(data):
        found = _detected(data)
        if found:
            return found
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    # Mostly valid UTF-8 with a few bad bytes (a truncated last character, a damaged byte):
    # another codec would "decode" such a file into mojibake, so keep UTF-8 and say what was replaced.
    lenient = data.decode("utf-8", errors="replace")
    bad = lenient.count("\ufffd")
    if bad <= max(2, len(lenient) // 1000):
        env.warn(f"{path}: invalid UTF-8 at byte {utf8_error.start} ({bad} character(s) replaced by �)")
        return lenient, "utf-8 (with replacements)"
    found = _detected(data)
    if found:
        return found
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    if _plausible(text):
        return text, "gb18030"
    raise PlanctlError(
        f"{path}: cannot tell its encoding (invalid UTF-8 at byte {utf8_error.start}; tried {_TRIED}); "
        "if you know it, pass --encoding (e.g. --encoding gbk)"
    )


def drop_controls(text: str, path: str, env: Environment) -> str:
    """Drop a few stray control characters (a damaged copy), naming where; many mean binary."""
    found = [m.start() for m in _CONTROL_RE.finditer(text)]
    if not found:
        return text
    if len(found) > max(MAX_CONTROLS, len(text) // 200):
        raise PlanctlError(f"{path}: contains {len(found)} control characters (NUL …); looks like a binary file")
    where = []
    for pos in found[:8]:
        line = text.count("\n", 0, pos) + 1
        col = pos - (text.rfind("\n", 0, pos) + 1) + 1
        where.append(f"{line}:{col}")
    more = f" and {len(found) - 8} more" if len(found) > 8 else ""
    env.warn(f"{path}: dropped {len(found)} stray control character(s) (NUL, ESC …) at line:column "
             f"{', '.join(where)}{more}")
    return _CONTROL_RE.sub("", text)


def decode_text(data: bytes, path: str, encoding: str | None, env: Environment) -> tuple[str, str]:
    """The text of ``data`` and the encoding it was read with (stray control characters dropped)."""
    text, used = _decode(data, path, encoding, env)
    return drop_controls(text, path, env), used


def decode_bytes(data: bytes, *, path: str = "<bytes>", encoding: str | None = None,
                 env: Environment | None = None) -> Source:
    """Decode ``data`` and split it into numbered lines; problems that do not stop the
    decoding are warned about through ``env``.

    Raises :class:`PlanctlError` for empty, binary or undecodable input.
    """
    env = env or Environment()
    from planctl.ingest.formats import refuse_binary

    refuse_binary(data[:512], path)
    text, used = decode_text(data, path, encoding, env)
    if not text.strip():
        raise PlanctlError(f"{path}: file is empty")
    # splitlines() would also split on U+2028 and form feeds; keep line numbers grep-compatible.
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if raw_lines and raw_lines[-1] == "":
        raw_lines.pop()
    return Source(path=path, encoding=used, lines=[Line(i, t) for i, t in enumerate(raw_lines, 1)])
