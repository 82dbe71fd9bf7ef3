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
    """A 专栏 as offices draw it: a one-column framed table, its title in a header row Word
    repeats on every page the box runs over, its items in the row below."""
    frame = document.add_table(rows=2, cols=1)
    frame.style = "Table Grid"
    frame.rows[0].cells[0].paragraphs[0].add_run(f"专栏{node.number}　{node.title}").bold = True
    frame.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    cell = frame.rows[1].cells[0]
    cell.paragraphs[0].text = ""
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
        label = printed[: len(printed) - len(node.title)].strip() if node.title and printed.endswith(node.title) else ""
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


# ---- saved web pages ------------------------------------------------------------------------
def _body_html(source_lines: list[str], docs: list[PlanDocument]) -> str:
    """The document's lines as a content system writes them: a <p> a line, each table a <table>
    of the rows planctl read (a web page's table has whole rows, not the text file's broken ones)."""
    from html import escape

    from planctl.model import Line
    from planctl.parse.clean import clean_line

    tables = {n.line_start: n for d in docs for n in d.walk() if n.kind == TABLE}
    out: list[str] = []
    skip_to = 0
    for k, raw in enumerate(source_lines, 1):
        if k <= skip_to:
            continue
        table = tables.get(k)
        if table is not None:
            width = max(len(r) for r in table.rows)
            body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r + [""] * (width - len(r))) + "</tr>"
                           for r in table.rows)
            out.append(f'<table border="1" cellspacing="0">{body}</table>')
            if table.note:
                out.append(f"<p>{escape(table.note)}</p>")
            skip_to = table.line_end
            continue
        text = clean_line(Line(k, raw)).text
        if text.strip():
            out.append(f'<p style="text-indent:2em">{escape(text)}</p>')
    return "\n".join(out)


def gov_cn_page(docs: list[PlanDocument], source_lines: list[str]) -> bytes:
    """A page in the structure of www.gov.cn's policy library: navigation, breadcrumbs, the
    metadata table (索引号 … 发布日期), the title, the UCAP content div, share links, a footer."""
    from html import escape

    notice = docs[0]
    meta = (f'<tr><td>索&nbsp;引&nbsp;号：</td><td>000014349/2022-00012</td><td>主题分类：</td><td>劳动、人事、监察</td></tr>'
            f'<tr><td>发文机关：</td><td>{escape(notice.issuer)}</td><td>成文日期：</td><td>{notice.date}</td></tr>'
            f'<tr><td>标&nbsp;&nbsp;&nbsp;&nbsp;题：</td><td colspan="3">{escape(notice.title)}</td></tr>'
            f'<tr><td>发文字号：</td><td>{escape(notice.doc_number)}</td><td>发布日期：</td><td>2022-01-20</td></tr>')
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(notice.title)}_中国政府网</title>
<script>var _hmt = _hmt || [];</script><style>.nav li{{float:left}}</style></head>
<body>
<div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a>新闻</a></li><li><a>专题</a></li>
<li><a>政策</a></li><li><a>互动</a></li><li><a>服务</a></li><li><a>数据</a></li></ul></div>
<div class="BreadcrumbNav"><a>首页</a> &gt; <a>政策</a> &gt; <a>政策文件库</a></div>
<div class="policyLibraryOverview_header"><table class="bd1">{meta}</table></div>
<div class="article oneColumn pub_border">
<h1>{escape(notice.title)}</h1>
<div class="pages-date">2022-01-20 16:30 <span class="font">来源：政府网站</span>
<span class="font">【字体：<a>大</a> <a>中</a> <a>小</a>】</span></div>
<div class="pages_content" id="UCAP-CONTENT">
{_body_html(source_lines, docs)}
</div>
<div class="share">分享到：<a>微信</a> <a>微博</a></div>
<div class="editor">【我要纠错】 责任编辑：张三</div>
</div>
<div class="footer"><p>主办单位：国务院办公厅 运行维护单位：中国政府网运行中心</p>
<p>版权所有：中国政府网 中文域名：中国政府网.政务</p><p>网站标识码bm01000001 京ICP备05070218号 京公网安备11010202000001号</p></div>
</body></html>"""
    return page.encode("utf-8")


def provincial_page(docs: list[PlanDocument], source_lines: list[str]) -> bytes:
    """A provincial site's page, GBK-encoded: a navigation bar, the 信息公开 metadata as labelled
    spans, the TRS editor's content div, an attachment link, a footer."""
    from html import escape

    notice = docs[0]
    items = [("索引号", "620600000/2022-00003"), ("信息分类", "规划信息"), ("发布机构", notice.issuer),
             ("成文日期", notice.date), ("文号", notice.doc_number), ("公开方式", "主动公开")]
    meta = "".join(f"<li><span>{k}：</span>{escape(v)}</li>" for k, v in items)
    page = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{escape(notice.title)}</title></head><body>
<div id="nav">首页 | 走进{escape(notice.region[:2])} | 政务公开 | 政务服务 | 互动交流</div>
<div class="position">您现在的位置：首页 &gt; 政务公开 &gt; 政府信息公开</div>
<div class="xxgk_table"><ul>{meta}</ul></div>
<div class="title"><h2>{escape(notice.title)}</h2></div>
<div class="bt_link">【<a>打印</a>】【<a>关闭</a>】</div>
<div class="TRS_Editor">
{_body_html(source_lines, docs)}
<p>附件下载：<a href="/P020220110.pdf">规划全文.pdf</a></p>
</div>
<div class="foot">主办：{escape(notice.issuer)} 承办：大数据中心 网站标识码：6206000001 陇ICP备05001234号</div>
</body></html>"""
    return page.encode("gb18030")


def as_mhtml(page: bytes, charset: str) -> bytes:
    """A single-file web archive (.mhtml) of ``page``, quoted-printable, as browsers save them."""
    import quopri

    body = quopri.encodestring(page).decode("ascii")
    return (
        "From: <Saved by Blink>\r\nSnapshot-Content-Location: http://www.gansu.gov.cn/x.html\r\n"
        "Subject: page\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/related; type="text/html"; boundary="----MultipartBoundary--abc"\r\n\r\n'
        "------MultipartBoundary--abc\r\n"
        f"Content-Type: text/html\r\nContent-ID: <frame-1@mhtml.blink>\r\nContent-Transfer-Encoding: quoted-printable\r\n"
        f"Content-Location: http://www.gansu.gov.cn/x.html\r\n\r\n{body}\r\n"
        "------MultipartBoundary--abc\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        "iVBORw0KGgo=\r\n------MultipartBoundary--abc--\r\n"
    ).encode("ascii")
