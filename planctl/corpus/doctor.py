"""``planctl doctor``: what a clerk runs first on a folder. Each file is read as every command
reads it; the report says its format and encoding, the documents found in it (kinds, titles,
sizes, chapters), anything that looks wrong — an unreadable file, damaged bytes, a tiny document,
a title that reads like a page header, a plan without chapters, the same file twice — and what
to do about it.

Example::

    >>> from planctl.env import Environment
    >>> from planctl.paths import corpus_dir
    >>> report = examine(corpus_dir() / "wuwei-2022-employment-plan.txt", Environment.recording())
    >>> [(d.kind, d.chapters) for d in report.files[0].documents], report.needs_look
    ([('notice', 0), ('plan', 5)], False)
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from planctl.corpus.load import OFFICE_SUFFIXES, assign_unique_ids, corpus_files, parse_given
from planctl.env import Environment
from planctl.errors import PlanctlError
from planctl.model import HEADING_KINDS, Document

__all__ = ["Checkup", "DocumentReport", "FileReport", "Finding", "Severity", "examine"]

TINY_DOCUMENT = 40
"""A document of fewer characters than this is suspect (a cover notice has a hundred or more)."""
LONG_TITLE = 120
"""A title longer than this is more likely a paragraph read as a title."""
# Web chrome and running heads read as a title: "当前位置：首页 > 政务公开 > 政策文件",
# "来源：甘肃省人民政府办公厅  发布时间：2021-10-11", "【字体：大 中 小】 打印本页"
HEADER_TITLE_RE = re.compile(r"当前位置|首页\s*[>›»]|发布时间|来源[:：]|【?字[体号][:：]|打印本页|关闭窗口|浏览次数"
                             r"|^第\s*\d+\s*页")
WEB_SUFFIXES = (".aspx", ".asp", ".php", ".jsp", ".shtml", ".xhtml")
"""Web pages saved under their server's extension: left out of a corpus until renamed."""
FORMATS = {".txt": "text", ".text": "text", ".md": "markdown", ".pdf": "PDF", ".docx": "Word (.docx)",
           ".html": "web page", ".htm": "web page", ".mhtml": "web archive", ".mht": "web archive"}


class Severity(str, Enum):
    """How much a finding matters: ``note`` informs, ``check`` needs a look (exit status 1)."""

    NOTE = "note"
    CHECK = "check"


@dataclass
class Finding:
    """Something worth saying about a file or a document, and what to do about it."""

    severity: Severity
    message: str
    advice: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"severity": self.severity.value, "message": self.message, "advice": self.advice}


@dataclass
class DocumentReport:
    """One document found in a file."""

    name: str
    """``PATH#N``: how commands name it."""
    id: str
    kind: str
    title: str
    size: int
    """Characters of source text."""
    chapters: int
    """Top-level divisions (chapters, sections, appendices)."""
    lines: tuple[int, int]
    findings: list[Finding] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "id": self.id, "kind": self.kind, "title": self.title, "size": self.size,
                "chapters": self.chapters, "lines": list(self.lines), "findings": [f.to_dict() for f in self.findings]}


@dataclass
class FileReport:
    """One file of the folder."""

    path: str
    format: str
    encoding: str = ""
    """The codec the text was decoded with (empty when unreadable; ``pdf``, ``docx`` … for others)."""
    documents: list[DocumentReport] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    parsed: list[Document] = field(default_factory=list, repr=False)
    """The documents as read (their reports are made once every file's ids are unique)."""

    @property
    def all_findings(self) -> list[Finding]:
        return [*self.findings, *(f for d in self.documents for f in d.findings)]

    def to_dict(self) -> dict[str, object]:
        return {"path": self.path, "format": self.format, "encoding": self.encoding,
                "documents": [d.to_dict() for d in self.documents], "findings": [f.to_dict() for f in self.findings]}


@dataclass
class Checkup:
    """Every file of a folder, examined."""

    root: str
    files: list[FileReport]

    @property
    def needs_look(self) -> bool:
        """Whether anything found needs a look (``planctl doctor`` exits 1)."""
        return any(f.severity == Severity.CHECK for r in self.files for f in r.all_findings)

    def to_dict(self) -> dict[str, object]:
        return {"root": self.root, "needs_look": self.needs_look, "files": [f.to_dict() for f in self.files]}


def _advice_for_unreadable(path: Path, reason: str) -> str:
    if path.suffix.lower() in OFFICE_SUFFIXES:
        return "open it in an office program and save it as .docx (or PDF with text), then run doctor again"
    if "encoding" in reason or "decode" in reason:
        return f"name its encoding: planctl show '{path}' --encoding gb18030 (or big5, utf-16)"
    if "scanned" in reason or "OCR" in reason:
        return "the PDF holds page images, not text: run it through OCR first"
    return "open it to see what it holds; planctl reads text, Word (.docx), PDF with text and web pages"


def _document_report(doc: Document, shown: str) -> DocumentReport:
    stats = doc.stats or doc.count_stats()
    report = DocumentReport(f"{shown}#{doc.source.index}", doc.id, doc.kind, doc.title, stats["size"],
                            sum(c.kind in HEADING_KINDS for c in doc.children),
                            (doc.source.line_start, doc.source.line_end))
    where = f"lines {doc.source.line_start}–{doc.source.line_end}"
    if report.size < TINY_DOCUMENT:
        report.findings.append(Finding(Severity.CHECK, f"a document of only {report.size} characters ({where})",
                                       "a heading or page header read as a document of its own? look at those lines"))
    if not doc.title.strip():
        report.findings.append(Finding(Severity.CHECK, f"no title found ({where})",
                                       "the first lines may be a page header; put the title on a line of its own"))
    elif HEADER_TITLE_RE.search(doc.title) or len(doc.title) > LONG_TITLE:
        report.findings.append(Finding(Severity.CHECK, f"its title reads like a page header or a paragraph: "
                                       f"“{doc.title[:60]}”", "remove web-page chrome or running heads above the "
                                       "title, or put the title on a line of its own"))
    if doc.kind == "plan" and report.chapters == 0:
        report.findings.append(Finding(Severity.CHECK, "a plan without chapters or sections",
                                       f"its headings are in a form planctl does not read: planctl show '{shown}' "
                                       "--all shows what it saw; please report the file"))
    return report


def _examine_file(path: Path, shown: str, digests: dict[str, str]) -> FileReport:
    report = FileReport(shown, FORMATS.get(path.suffix.lower(), path.suffix.lower().lstrip(".") or "unknown"))
    recorder = Environment.recording()
    try:
        digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
        parsed, _ = parse_given(str(path), None, recorder)
    except (PlanctlError, OSError) as exc:
        reason = str(exc).removeprefix(f"{path}: ")
        report.findings.append(Finding(Severity.CHECK, f"cannot be read: {reason}", _advice_for_unreadable(path,
                                                                                                           reason)))
        return report
    if digest in digests:
        report.findings.append(Finding(Severity.CHECK, f"the same bytes as {digests[digest]}",
                                       "keep one copy: every document would be listed twice"))
    digests.setdefault(digest, shown)
    report.encoding = parsed.source.encoding
    for warning in recorder.warnings:
        codec = "byte" in warning or "decod" in warning or "control character" in warning
        advice = "look at the place it names" + ("; --encoding forces a codec" if codec else "")
        report.findings.append(Finding(Severity.CHECK, warning.removeprefix(f"{path}: "), advice))
    if not parsed.documents:
        report.findings.append(Finding(Severity.CHECK, "no document found in it", "open it to see what it holds"))
    report.parsed = parsed.documents
    return report


def _editions(files: list[FileReport]) -> None:
    """Documents of one title in several places: editions (a note), said on each."""
    by_title: dict[str, list[DocumentReport]] = {}
    for report in files:
        for doc in report.documents:
            if doc.kind != "notice" and doc.title:
                by_title.setdefault(doc.title, []).append(doc)
    for docs in by_title.values():
        for doc in docs if len(docs) > 1 else []:
            others = ", ".join(d.name for d in docs if d is not doc)
            other = next(d for d in docs if d is not doc)
            doc.findings.append(Finding(Severity.NOTE, f"another edition of this document: {others}",
                                        "planctl treats them as editions (the one with a 文号 is primary); "
                                        f"planctl diff '{doc.name}' '{other.name}' shows what differs"))


def examine(root: Path | None = None, env: Environment | None = None) -> Checkup:
    """Examine every plan file of ``root`` (a folder and its subfolders, or one file; default:
    the environment's corpus)."""
    env = env or Environment()
    base = root or env.corpus_dir()
    files = [base] if base.is_file() else corpus_files(base)
    saved_pages = [] if base.is_file() else sorted(
        p for p in base.rglob("*")
        if p.suffix.lower() in WEB_SUFFIXES and not any(part.startswith(".") for part in p.relative_to(base).parts))
    tick = env.progress("examining", len(files), unit="files")
    reports: list[FileReport] = []
    digests: dict[str, str] = {}
    for done, path in enumerate(files, start=1):  # each named as found, so the advice can be pasted
        reports.append(_examine_file(path, str(path), digests))
        tick(done)
    assign_unique_ids([d for r in reports for d in r.parsed])  # the ids `planctl list` shows
    for report in reports:
        report.documents = [_document_report(doc, report.path) for doc in report.parsed]
    _editions(reports)
    for page in saved_pages:
        reports.append(FileReport(str(page), "web page?", findings=[Finding(
            Severity.CHECK, f"left out: planctl does not read {page.suffix} files",
            f"a web page saved under its server's extension? rename it to {page.with_suffix('.html').name}")]))
    return Checkup(str(base), reports)
