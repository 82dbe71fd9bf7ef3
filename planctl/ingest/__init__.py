"""Readers: files to :class:`~planctl.model.Source` line lists, one reader per format.

:func:`read_source` picks the reader by what the file holds (its first bytes), not only by its
name. Readers know nothing of document structure: they produce lines and mark what they saw
(a page, a line that only wrapped); the parser decides what the lines mean.
"""

from __future__ import annotations

from pathlib import Path

from planctl.env import Environment
from planctl.errors import PlanctlError
from planctl.ingest.decode import decode_bytes
from planctl.ingest.formats import UNREADABLE, sniff
from planctl.model import Source

__all__ = ["decode_bytes", "read_source"]


def read_source(path: str | Path, *, encoding: str | None = None, display: str | None = None,
                env: Environment | None = None) -> Source:
    """Read a plan file from disk into a :class:`Source`, with the reader its content calls for
    (PDF, Word .docx, a saved web page, text); other formats are one clear error.

    ``display`` is the path to report in messages and JSON (defaults to ``path``).
    """
    env = env or Environment()
    p = Path(path)
    shown = display or str(path)
    if not p.exists():
        raise PlanctlError(f"{shown}: no such file")
    if p.is_dir():
        raise PlanctlError(f"{shown}: is a directory, not a plan file")
    try:
        with p.open("rb") as fh:
            head = fh.read(4096)
        fmt = sniff(head, p.name, p)
        if fmt in UNREADABLE:
            raise PlanctlError(f"{shown}: this is {UNREADABLE[fmt]}")
        reader = _READERS.get(fmt)
        if reader is not None:
            return reader(p, shown, env)
        data = p.read_bytes()
    except PermissionError:
        raise PlanctlError(f"{shown}: permission denied") from None
    except OSError as exc:
        raise PlanctlError(f"{shown}: cannot read ({exc.strerror})") from None
    return decode_bytes(data, path=shown, encoding=encoding, env=env)


def _read_pdf(path: Path, shown: str, env: Environment) -> Source:
    from planctl.ingest.pdf import pdf_to_source

    return pdf_to_source(path, display=shown, env=env)[0]


def _read_docx(path: Path, shown: str, env: Environment) -> Source:
    from planctl.ingest.docx import docx_to_source

    return docx_to_source(path, display=shown, env=env)


def _read_html(path: Path, shown: str, env: Environment) -> Source:
    from planctl.ingest.html import html_to_source

    return html_to_source(path, display=shown, env=env)


_READERS = {"pdf": _read_pdf, "docx": _read_docx, "html": _read_html, "mhtml": _read_html}
