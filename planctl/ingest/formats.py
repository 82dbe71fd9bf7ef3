"""What a file is, by its first bytes (and, for zip containers, what they hold): the reader to
use, or one line saying what the format is and what to do with it.

Example::

    >>> sniff(b"%PDF-1.7", "x.txt"), sniff("一、总体要求".encode(), "x.txt"), sniff(b"<!DOCTYPE html>", "x")
    ('pdf', 'text', 'html')
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import BinaryIO

from planctl.errors import PlanctlError

# Formats planctl cannot read: what each is, and what to do.
_CONVERT = "convert it to .docx or PDF, e.g. `soffice --headless --convert-to docx FILE`"
_OCR = "run OCR first (e.g. `tesseract FILE out -l chi_sim`)"
UNREADABLE = {
    "doc": f"a Word 97–2003 document (.doc); {_CONVERT}",
    "wps": "a WPS Office document (.wps); save it as .docx or PDF (WPS: 另存为), or "
           "`soffice --headless --convert-to docx FILE`",
    "xls": "an Excel 97–2003 workbook (.xls); planctl reads plan texts, not spreadsheets",
    "ole": f"an old Office file (.doc/.xls/.wps); {_CONVERT}",
    "xlsx": "an Excel workbook (.xlsx); planctl reads plan texts, not spreadsheets",
    "pptx": "a PowerPoint file (.pptx); planctl reads plan texts",
    "ofd": "an OFD document (.ofd, the Chinese fixed-layout format); export it to PDF with an OFD reader "
           "(数科/福昕 OFD)",
    "odt": f"an OpenDocument text (.odt); {_CONVERT}",
    "rtf": f"an RTF document (.rtf); {_CONVERT}",
    "zip": "a zip archive; unpack it and give planctl the files inside",
    "png": f"a PNG image; {_OCR}",
    "jpeg": f"a JPEG image; {_OCR}",
    "gif": f"a GIF image; {_OCR}",
    "tiff": f"a TIFF image; {_OCR}",
    "bmp": f"a BMP image; {_OCR}",
    "webp": f"a WebP image; {_OCR}",
    "gzip": "a gzip archive; unpack it first",
    "7z": "a 7-Zip archive; unpack it first",
    "rar": "a RAR archive; unpack it first",
}
_MAGIC = (
    (b"%PDF", "pdf"),
    (b"\x89PNG", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"{\\rtf", "rtf"),
    (b"\x1f\x8b", "gzip"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"Rar!", "rar"),
)
# A BMP file header: "BM", the file size, two reserved zero words, the pixel offset, then the size
# of the header that follows (12, 40, 52, 56, 64, 108 or 124); a text file starting "BM" has none.
_BMP_RE = re.compile(rb"BM.{4}\x00{4}.{4}[\x0c\x28\x34\x38\x40\x6c\x7c]\x00\x00\x00", re.DOTALL)
_HTML_RE = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|meta|body)\b", re.IGNORECASE | re.DOTALL)
_MHTML_RE = re.compile(rb"^(?:[\w-]+:.*\r?\n)*MIME-Version:", re.IGNORECASE)
_SUFFIX_FORMAT = {".doc": "doc", ".wps": "wps", ".xls": "xls", ".et": "xls", ".ofd": "ofd", ".odt": "odt"}


def _zip_format(path: Path | BinaryIO | None) -> str:
    if path is None:
        return "zip"
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return "zip"
    if "word/document.xml" in names:
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    if any(n.startswith("ppt/") for n in names):
        return "pptx"
    if "OFD.xml" in names or any(n.lower().endswith("ofd.xml") for n in names):
        return "ofd"
    if "content.xml" in names:
        return "odt"
    return "zip"


def sniff(head: bytes, name: str, path: Path | BinaryIO | None = None) -> str:
    """The format of a file from its first bytes (``name`` decides only between look-alikes:
    an OLE2 .doc, .xls or .wps)."""
    for magic, fmt in _MAGIC:
        if head.startswith(magic):
            if fmt == "ole":
                return _SUFFIX_FORMAT.get(Path(name).suffix.lower(), "ole")
            return fmt
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if _BMP_RE.match(head):
        return "bmp"
    if head.startswith(b"PK\x03\x04"):
        return _zip_format(path)
    probe = head.lstrip(b"\xef\xbb\xbf")
    if _MHTML_RE.match(probe):
        return "mhtml"
    if _HTML_RE.match(probe):
        return "html"
    suffix = Path(name).suffix.lower()
    if suffix == ".ofd":
        return "ofd"
    return "text"


def refuse_binary(head: bytes, path: str) -> None:
    """One clear line for a file in a format planctl does not read as text."""
    fmt = sniff(head, path)
    if fmt in UNREADABLE:
        raise PlanctlError(f"{path}: this is {UNREADABLE[fmt]}")
    if fmt == "pdf":
        raise PlanctlError(f"{path}: this is a PDF; give planctl its path (PDFs are read from files)")


def human_size(size: int) -> str:
    """``size`` bytes for a message: ``512 bytes``, ``4.4 KB``, ``32.0 MB``, ``2.0 GB``."""
    for unit, scale in (("GB", 2**30), ("MB", 2**20), ("KB", 2**10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"
