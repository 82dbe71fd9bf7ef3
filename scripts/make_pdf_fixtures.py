"""Make the PDF test fixtures (tests/fixtures/pdf/): ``python scripts/make_pdf_fixtures.py``.

Needs reportlab (a test extra). Writes:

* ``wuwei-plan.pdf`` — corpora/wuwei-2022-employment-plan.txt laid out as a real document: A4,
  justified paragraphs with a two-character first-line indent that wrap at the margin, a running
  header and ``— N —`` page numbers, every 专栏 drawn as a box, the indicator table as a ruled
  table with tall rows so it breaks across a page (header row repeated), the cover notice first;
* ``scanned.pdf`` — one page holding only an image (no text layer);
* ``corrupt.pdf`` — the first 2 KB of ``wuwei-plan.pdf`` (a truncated file);
* ``encrypted.pdf`` — a small text PDF with a user password.

The layout is driven by planctl's parse of the text, but every word printed is the source's.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from planctl.ingest import read_source
from planctl.model import APPENDIX, CHAPTER, COLUMN, MEASURE, METADATA, PARAGRAPH, SECTION, TABLE, TITLE, Node
from planctl.parse import parse_source
from planctl.render.markdown import numbered_label

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "pdf"
FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

BODY = ParagraphStyle("body", fontName=FONT, fontSize=12, leading=20, firstLineIndent=24, alignment=TA_JUSTIFY,
                      wordWrap="CJK")
HEAD = ParagraphStyle("head", parent=BODY, firstLineIndent=0, fontSize=13, spaceBefore=6, spaceAfter=4)
TITLE_STYLE = ParagraphStyle("title", parent=BODY, firstLineIndent=0, fontSize=18, leading=28, alignment=TA_CENTER,
                             spaceAfter=12)
PLAIN = ParagraphStyle("plain", parent=BODY, firstLineIndent=0)
CELL = ParagraphStyle("cell", parent=BODY, firstLineIndent=0, fontSize=10, leading=14, alignment=0)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _measure_text(node: Node) -> str:
    body = node.text + (f"（{node.responsibility}）" if node.responsibility else "")
    lead = numbered_label(node.number, node.title) if node.number else f"{node.marker}{node.title}"
    return f"{lead}。{body}"


def _flow(nodes: list[Node], out: list) -> None:
    for node in nodes:
        if node.kind in (CHAPTER, SECTION, APPENDIX):
            label = numbered_label(node.number, node.title)
            out.append(Paragraph(_esc(label + (f"。{node.text}" if node.text else "")), HEAD))
            _flow(node.children, out)
        elif node.kind == MEASURE:
            out.append(Paragraph(_esc(_measure_text(node)), BODY))
        elif node.kind == PARAGRAPH:
            out.append(Paragraph(_esc(node.text), BODY))
        elif node.kind in (TITLE,):
            out.append(Paragraph(_esc(node.title), TITLE_STYLE))
        elif node.kind == METADATA:
            out.append(Paragraph(_esc(node.text), PLAIN))
        elif node.kind == COLUMN:
            _column(node, out)
        elif node.kind == TABLE:
            out.append(_table(node))


def _column(node: Node, out: list) -> None:
    inner: list = [Paragraph(_esc(f"专栏{node.number} {node.title}"), HEAD)]
    tables = [c for c in node.children if c.kind == TABLE]
    for child in node.children:
        if child.kind == MEASURE:
            inner.append(Paragraph(_esc(_measure_text(child)), PLAIN))
    if tables:  # a box holding a table: title above, the ruled table itself below
        out.append(Paragraph(_esc(f"专栏{node.number} {node.title}"), HEAD))
        for t in tables:
            out.append(_table(t))
        return
    box = Table([[inner]], colWidths=[160 * mm])
    box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1, colors.black),
                             ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8)]))
    out.append(KeepTogether([Spacer(1, 4), box, Spacer(1, 4)]))


def _table(node: Node) -> list | Table:
    rows = [[Paragraph(_esc(c), CELL) for c in row] for row in node.rows]
    width = max(len(r) for r in node.rows)
    widths = [12 * mm, 62 * mm, 28 * mm, 28 * mm, 28 * mm][:width] if width == 5 else None
    table = Table(rows, colWidths=widths, repeatRows=1 if node.header else 0, rowHeights=[46] * len(rows))
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    note = [Paragraph(_esc(node.note), PLAIN)] if node.note else []
    return [Spacer(1, 120), table, *note]  # tall rows: the table breaks across a page


def _decorate(title: str):
    def draw(c: canvas.Canvas, doc: SimpleDocTemplate) -> None:
        c.saveState()
        c.setFont(FONT, 9)
        c.drawCentredString(A4[0] / 2, A4[1] - 15 * mm, title)  # running header
        c.setFont(FONT, 11)
        c.drawCentredString(A4[0] / 2, 12 * mm, f"— {doc.page} —")  # page number
        c.restoreState()

    return draw


def make_plan(source_path: Path, dest: Path) -> None:
    docs = parse_source(read_source(source_path))
    story: list = []
    for doc in docs:
        flow: list = []
        _flow(doc.children, flow)
        for item in flow:
            story.extend(item if isinstance(item, list) else [item])
    running = docs[-1].title
    doc = SimpleDocTemplate(str(dest), pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=25 * mm,
                            bottomMargin=22 * mm, title=running)
    doc.build(story, onFirstPage=_decorate(running), onLaterPages=_decorate(running))


def make_scanned(dest: Path) -> None:
    img = Image.new("RGB", (800, 1100), "white")
    draw = ImageDraw.Draw(img)
    for k in range(30):
        draw.rectangle([80, 80 + 32 * k, 700, 96 + 32 * k], fill=(40, 40, 40))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    c = canvas.Canvas(str(dest), pagesize=A4)
    c.drawImage(ImageReader(io.BytesIO(buf.getvalue())), 20 * mm, 20 * mm, width=170 * mm, height=250 * mm)
    c.showPage()
    c.save()


def make_encrypted(dest: Path) -> None:
    c = canvas.Canvas(str(dest), pagesize=A4, encrypt="secret")
    c.setFont(FONT, 12)
    c.drawString(30 * mm, 250 * mm, "一、总体要求")
    c.showPage()
    c.save()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    plan = OUT / "wuwei-plan.pdf"
    make_plan(ROOT / "corpora" / "wuwei-2022-employment-plan.txt", plan)
    make_scanned(OUT / "scanned.pdf")
    make_encrypted(OUT / "encrypted.pdf")
    (OUT / "corrupt.pdf").write_bytes(plan.read_bytes()[:2048])
    for p in sorted(OUT.glob("*.pdf")):
        print(f"{p.relative_to(ROOT)}  {p.stat().st_size} bytes")


if __name__ == "__main__":
    main()
