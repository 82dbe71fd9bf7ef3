"""Readers: files to :class:`~planctl.model.Source` line lists, one reader per format.

:func:`read_source` picks the reader by what the file holds (its first bytes), not only by its
name. Readers know nothing of document structure: they produce lines and mark what they saw
(a page, a line that only wrapped); the parser decides what the lines mean.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import BinaryIO

from planctl.env import Environment
from planctl.errors import PlanctlError
from planctl.ingest.decode import decode_bytes
from planctl.ingest.formats import UNREADABLE, human_size, sniff
from planctl.model import Line, Source
from planctl.settings import ReadLimits

__all__ = ["decode_bytes", "read_source", "regular_file", "shown_path"]

# C0 control characters but tab, DEL and the C1 set: "\x1b]0;title\x07", "\x1b[2J", "\x9b2J" in a
# document would reach the terminal through show, outline and search output.
CONTROL_RE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")
# the same, for a path as shown (a file name can hold any byte but "/" and NUL)
_NAME_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f]")


def shown_path(path: str | os.PathLike[str]) -> str:
    """A path as planctl shows and keys it: bytes that are no UTF-8 (the names a zip made on
    Chinese Windows unpacks to) and control characters written as ``\\xNN`` escapes, so that the
    name can be printed, stored and told apart from every other.

    Example::

        >>> shown_path(os.fsdecode(b"corpus/\\xc7\\xe0.txt")), shown_path("a\\x1b[2J.txt")
        ('corpus/\\\\xc7\\\\xe0.txt', 'a\\\\x1b[2J.txt')
    """
    text = os.fsencode(path).decode("utf-8", "backslashreplace")
    return _NAME_CONTROL_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


_NOT_REGULAR = (
    (stat.S_ISFIFO, "a named pipe (FIFO) or a pipe such as <(…)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def regular_file(path: str | os.PathLike[str], shown: str) -> os.stat_result:
    """The status of ``path`` when it is a regular file; anything else is a one-line error
    before the file is opened (opening a FIFO waits for a writer, reading a device may never end)."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise PlanctlError(f"{shown}: no such file") from None
    if stat.S_ISDIR(st.st_mode):
        raise PlanctlError(f"{shown}: is a directory, not a plan file")
    if not stat.S_ISREG(st.st_mode):
        kind = next((name for test, name in _NOT_REGULAR if test(st.st_mode)), "not a regular file")
        raise PlanctlError(f"{shown}: is {kind}; planctl reads regular files only (save it to a file first)")
    return st


def read_source(path: str | Path, *, encoding: str | None = None, display: str | None = None,
                env: Environment | None = None, limits: ReadLimits | None = None) -> Source:
    """Read a plan file from disk into a :class:`Source`, with the reader its content calls for
    (PDF, Word .docx, a saved web page, text); other formats are one clear error, and so is a
    file beyond the ``limits``.

    ``display`` is the path to report in messages and JSON (defaults to ``path`` as
    :func:`shown_path` writes it). Control characters are removed from every line.
    """
    env = env or Environment()
    limits = limits or ReadLimits()
    p = Path(path)
    shown = display or shown_path(path)
    st = regular_file(p, shown)
    try:
        with p.open("rb") as fh:
            head = fh.read(4096)
            fmt = sniff(head, p.name, fh)
            if fmt in UNREADABLE:
                raise PlanctlError(f"{shown}: this is {UNREADABLE[fmt]}")
            fh.seek(0)
            reader = _READERS.get(fmt)
            if reader is not None:
                return _without_controls(reader(fh, shown, env, limits), env)
            data = read_capped(fh, st.st_size, limits.text_bytes, shown)
    except PermissionError:
        raise PlanctlError(f"{shown}: permission denied") from None
    except OSError as exc:
        raise PlanctlError(f"{shown}: cannot read ({exc.strerror or exc})") from None
    return decode_bytes(data, path=shown, encoding=encoding, env=env)


def read_capped(fh: BinaryIO, size: int, limit: int, shown: str) -> bytes:
    """The whole file, unless it is larger than ``limit`` (:class:`ReadLimits`): one line."""
    data = fh.read(limit + 1) if size <= limit else b""
    if size > limit or len(data) > limit:  # (or it grew since it was looked at)
        raise PlanctlError(f"{shown}: too large to read ({human_size(max(size, len(data)))}; planctl reads text "
                           f"files and web pages up to {human_size(limit)}); split it, e.g. one file per chapter")
    return data


def _without_controls(source: Source, env: Environment) -> Source:
    """The source with control characters taken out of every line (a text file's decoding does
    this itself), and one warning saying where they were."""
    where = [(line.number, m.start() + 1) for line in source.lines for m in CONTROL_RE.finditer(line.text)]
    if not where:
        return source
    shown = ", ".join(f"{n}:{c}" for n, c in where[:8]) + (f" and {len(where) - 8} more" if len(where) > 8 else "")
    env.warn(f"{source.path}: dropped {len(where)} control character(s) (ESC, BEL …) at line:column {shown}")
    lines = [Line(ln.number, CONTROL_RE.sub("", ln.text), ln.page, ln.wrapped) if CONTROL_RE.search(ln.text) else ln
             for ln in source.lines]
    return Source(source.path, source.encoding, lines)


def _read_pdf(fh: BinaryIO, shown: str, env: Environment, limits: ReadLimits) -> Source:
    from planctl.ingest.pdf import pdf_to_source

    return pdf_to_source(fh, display=shown, env=env)[0]


def _read_docx(fh: BinaryIO, shown: str, env: Environment, limits: ReadLimits) -> Source:
    from planctl.ingest.docx import docx_to_source

    return docx_to_source(fh, display=shown, env=env, limits=limits)


def _read_html(fh: BinaryIO, shown: str, env: Environment, limits: ReadLimits) -> Source:
    from planctl.ingest.html import html_bytes_to_source

    return html_bytes_to_source(read_capped(fh, os.fstat(fh.fileno()).st_size, limits.text_bytes, shown), shown, env)


_READERS = {"pdf": _read_pdf, "docx": _read_docx, "html": _read_html, "mhtml": _read_html}
