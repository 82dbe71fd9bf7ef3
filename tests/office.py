"""Office-made twins of the shipped plans, the way offices make them: a .docx written with
python-docx — headings numbered by Word's automatic numbering (so ``一、`` and ``（一）`` are in no
text run), each 专栏 a one-cell framed table (its indicator table nested inside, header row
repeated on every page, rows tall enough to break across pages), measures with a bold lead, a
running header — and, when LibreOffice is installed, the PDF ``soffice --convert-to pdf`` prints
from it.

The layout follows planctl's parse of the text; every word written is the source's.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from planctl.model import (
    APPENDIX,
    CHAPTER,
    COLUMN,
    FURNITURE,
    MEASURE,
    METADATA,
    PARAGRAPH,
    SECTION,
    TABLE,
    TITLE,
    Node,
)
from planctl.model import Document as PlanDocument
from planctl.render.markdown import measure_line, numbered_label

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CN_COUNT = "一二三四五六七八九十"
# Word list definitions: (numFmt, lvlText) per level. Plans with 第X章 number chapters, then 一、, （一）.
LISTS = {
    "chapters": [("chineseCounting", "第%1章"), ("chineseCounting", "%2、"), ("chineseCounting", "（%3）")],
    "parts": [("chineseCounting", "%1、"), ("chineseCounting", "（%2）")],
}


def _cn(n: int) -> str:
    from planctl.ingest.docx import chinese_counting

    return chinese_counting(n)


class _Lists:
    """Word numbering instances, one per document and list style, written into numbering.xml."""

    def __init__(self, document) -> None:
        self.part = document.part.numbering_part.element
        self.next_id = 900
        self.abstract: dict[str, int] = {}

    def _element(self, xml: str):
        from lxml import etree

        return etree.fromstring(f'<root xmlns:w="{W_NS}">{xml}</root>')[0]

    def new_instance(self, kind: str) -> int:
        if kind not in self.abstract:
            aid = self.next_id
            self.next_id += 1
            levels = "".join(
                f'<w:lvl w:ilvl="{k}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
                f'<w:lvlJc w:val="left"/></w:lvl>'
                for k, (fmt, text) in enumerate(LISTS[kind])
            )
            abstract = self._element(f'<w:abstractNum w:abstractNumId="{aid}">'
                                     f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>')
            first_num = self.part.find(qn("w:num"))
            if first_num is not None:
                first_num.addprevious(abstract)
            else:
                self.part.append(abstract)
            self.abstract[kind] = aid
        nid = self.next_id
        self.next_id += 1
        self.part.append(self._element(
            f'<w:num w:numId="{nid}"><w:abstractNumId w:val="{self.abstract[kind]}"/>'
            f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'))
        return nid


def _number(paragraph, num_id: int, level: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    num_pr = OxmlElement("w:numPr")
    ilvl = OxmlElement("w:ilvl")
    ilvl.set(qn("w:val"), str(level))
    nid = OxmlElement("w:numId")
    nid.set(qn("w:val"), str(num_id))
    num_pr.append(ilvl)
    num_pr.append(nid)
    ppr.append(num_pr)


def _measure(container, node: Node) -> None:
    """A measure as printed (``measure_line``), its lead phrase in bold."""
    p = container.add_paragraph()
    line = measure_line(node).replace("**", "")
    lead = (numbered_label(node.number, node.title) if node.number else f"{node.marker}{node.title}") + line[
        len(numbered_label(node.number, node.title) if node.number else f"{node.marker}{node.title}")]
    p.add_run(lead).bold = True
    if line[len(lead):]:
        p.add_run(line[len(lead):])


def _table(container, node: Node, tall: bool) -> None:
    width = max(len(r) for r in node.rows)
    table = container.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    for k, row in enumerate(node.rows):
        cells = table.add_row().cells
        for c, text in enumerate(row):
            cells[c].text = text
        tr_pr = table.rows[k]._tr.get_or_add_trPr()
        if k == 0 and node.header:
            tr_pr.append(OxmlElement("w:tblHeader"))  # Word repeats it on every page
        if tall:
            height = OxmlElement("w:trHeight")
            height.set(qn("w:val"), str(int(Cm(2.2).twips)))
            tr_pr.append(height)
    if node.note:
        container.add_paragraph(node.note)


def _box(document, node: Node) -> None:
    frame = document.add_table(rows=1, cols=1)
    frame.style = "Table Grid"
    cell = frame.rows[0].cells[0]
    cell.paragraphs[0].add_run(f"专栏{node.number}　{node.title}").bold = True
    for child in node.children:
        if child.kind == MEASURE:
            _measure(cell, child)
        elif child.kind == TABLE:
            _table(cell, child, tall=True)
    document.add_paragraph()


class _Writer:
    def __init__(self, document) -> None:
        self.document = document
        self.lists = _Lists(document)
        self.num_id = 0
        self.kind = ""
        self.counters: list[int] = []

    def start(self, doc: PlanDocument) -> None:
        chapters = any(n.kind == CHAPTER and n.number.startswith("第") for n in doc.children)
        self.kind = "chapters" if chapters else "parts"
        self.num_id = self.lists.new_instance(self.kind)
        self.counters = [0, 0, 0]

    def heading(self, node: Node, level: int) -> None:
        """A heading numbered by Word when its number is the next of its list, else as printed."""
        p = self.document.add_paragraph()
        inline = f"。{node.text}" if node.text else ""
        formats = LISTS[self.kind]
        expected = ""
        if level < len(formats):
            text = formats[level][1].replace(f"%{level + 1}", _cn(self.counters[level] + 1))
            expected = text
        printed = numbered_label(node.number, node.title)
        label = printed[: len(printed) - len(node.title)] if node.title and printed.endswith(node.title) else ""
        if expected and label == expected:
            _number(p, self.num_id, level)
            self.counters[level] += 1
            for deeper in range(level + 1, len(self.counters)):
                self.counters[deeper] = 0
            p.add_run(node.title + inline)
        else:
            p.add_run(printed + inline)
        p.runs[0].bold = True

    def nodes(self, nodes: list[Node], level: int) -> None:
        for node in nodes:
            if node.kind in (CHAPTER, SECTION):
                self.heading(node, level)
                self.nodes(node.children, level + 1)
            elif node.kind == APPENDIX:
                self.document.add_paragraph(node.marker)
                if node.title:
                    self.document.add_paragraph(node.title)
                self.nodes(node.children, 0)
            elif node.kind == MEASURE:
                _measure(self.document, node)
            elif node.kind == PARAGRAPH:
                self.document.add_paragraph(f"{node.marker}{node.text}")
            elif node.kind == TITLE:
                self.document.add_paragraph().add_run(node.title).bold = True
            elif node.kind == METADATA:
                for line in node.text.split("\n"):
                    self.document.add_paragraph(line)
            elif node.kind == COLUMN:
                _box(self.document, node)
            elif node.kind == TABLE:
                _table(self.document, node, tall=True)
            elif node.kind == FURNITURE:
                continue  # tables of contents and web chrome are not part of an office's document


def documents_to_docx(docs: list[PlanDocument], dest: Path, running_header: str = "") -> Path:
    """Write ``docs`` (one file's documents) as a Word document."""
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(12)
    normal.font.name = "Noto Serif CJK SC"
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Noto Serif CJK SC")
    normal.paragraph_format.first_line_indent = Pt(24)  # two characters, as official documents indent
    if running_header:
        document.sections[0].header.paragraphs[0].text = running_header
    writer = _Writer(document)
    for doc in docs:
        writer.start(doc)
        writer.nodes(doc.children, 0)
    document.save(str(dest))
    return dest


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: Path, outdir: Path) -> Path:
    """Print ``docx`` to PDF with LibreOffice, as offices do."""
    profile = outdir / "lo-profile"
    subprocess.run([soffice() or "soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(outdir), str(docx)],
                   check=True, capture_output=True, timeout=180)
    return outdir / f"{docx.stem}.pdf"
