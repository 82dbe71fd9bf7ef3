"""Reading saved web pages (.html, .htm, and .mhtml single-file archives) into lines.

A government page holds the document inside a lot of page: navigation, breadcrumbs, share and
print buttons, related links, a footer. What is kept, in page order:

* the **metadata block** sites print above the text (索引号, 发文字号, 成文日期 …), whether a
  table or a list of labelled spans — its cells as tab-separated lines, which the parser reads
  into the document's fields;
* the page's **title** (its ``<h1>``, or the heading just above the text);
* the **main text**: the container government content systems use (TRS editors' ``TRS_Editor``,
  ``#UCAP-CONTENT``, ``pages_content``, ``#zoom`` …), else the block with the most Chinese text
  outside links. Its paragraphs become lines, its ``<table>`` rows tab-separated lines, its
  attachment links lines of their own.

Everything else is page furniture and is left out. The encoding comes from the page (``<meta
charset>``), else it is detected as for text files.

Example::

    >>> page = ("<html><body><div class='nav'>首页 政务公开</div>"
    ...         "<div class='TRS_Editor'><p>一、总体要求</p></div></body></html>")
    >>> [line.text for line in html_bytes_to_source(page.encode(), "x.html").lines]
    ['一、总体要求']
"""

from __future__ import annotations

import email
import email.policy
import re
from typing import Any

from planctl.cjk import HAN
from planctl.conventions import WEB_META_KEYS
from planctl.env import Environment
from planctl.errors import PlanctlError
from planctl.ingest.decode import drop_controls
from planctl.ingest.grid import grid_to_lines
from planctl.model import Line, Source

# Content containers of the content systems government sites run (TRS WCM, UCAP, 政府网站集约化平台).
CONTENT_SELECTORS = (
    "#UCAP-CONTENT", ".TRS_Editor", ".TRS_UEDITOR", ".trs_editor_view", ".pages_content", "#zoom", ".zoom",
    ".article-content", ".article_content", ".art_con", ".artical-content", ".news_content", ".detail-content",
    ".content_text", ".xxgk_content", ".zwnr", "#zwnr", ".wzcon", "#fontzoom", ".view", "#Zoom", "article",
)
# Never part of the text
_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "object", "form", "button", "select",
              "input", "head")
_FURNITURE_HINTS = re.compile(r"nav|menu|header|footer|breadcrumb|crumb|share|toolbar|sidebar|related|copyright|"
                              r"position|location|search|login|banner|top-?bar|foot", re.IGNORECASE)
_BLOCK_TAGS = {"p", "div", "section", "article", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table",
               "blockquote", "pre", "center", "dl", "dt", "dd", "tbody", "thead", "header", "footer", "main",
               "figure", "figcaption", "address", "hr", "form", "nav", "aside"}
_HAN_RE = re.compile(f"[{HAN}]")
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_SPACES_RE = re.compile(r"[ \f\v\r\n\u00a0\u2002\u2003\u2009\u200b]+")


def _decode(data: bytes, shown: str, env: Environment) -> tuple[str, str]:
    m = _CHARSET_RE.search(data[:4096])
    if m:
        declared = m.group(1).decode("ascii", "replace").lower()
        declared = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030"}.get(declared, declared)
        try:
            return data.decode(declared), declared
        except (LookupError, UnicodeDecodeError):
            pass  # a page that lies about its encoding: detect it
    from planctl.ingest.decode import decode_text

    return decode_text(data, shown, None, env)


def _mhtml_html(data: bytes, shown: str) -> bytes:
    """The HTML part of a single-file web archive (.mhtml), transfer encoding undone."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                charset = part.get_content_charset()
                if charset and not _CHARSET_RE.search(payload[:4096]):
                    payload = f'<meta charset="{charset}">'.encode("ascii") + payload
                return payload
    raise PlanctlError(f"{shown}: the web archive (.mhtml) holds no HTML page")


def _text(element: Any) -> str:
    return _SPACES_RE.sub(" ", element.text_content()).strip()


def _lines_of(element: Any, out: list[str]) -> None:
    """The element's text as lines: a line per block, a tab-separated line per table row.
    (A walk with a stack of its own: a page may nest elements thousands deep.)"""
    current: list[str] = []

    def flush() -> None:
        text = _SPACES_RE.sub(" ", "".join(current)).strip()
        if text:
            out.append(text)
        current.clear()

    # (element, entering): entering opens it and pushes its children; leaving ends its block and
    # adds its tail, the text after it inside its parent
    stack: list[tuple[Any, bool]] = [(element, True)]
    while stack:
        el, entering = stack.pop()
        tag = el.tag if isinstance(el.tag, str) else ""  # comments and processing instructions: no tag
        if not entering:
            if tag in _BLOCK_TAGS:
                flush()
            if el is not element and el.tail:
                current.append(el.tail)
            continue
        if tag in ("table", "br"):
            flush()
            if tag == "table":
                _table_lines(el, out)
            stack.append((el, False))
            continue
        if tag in _BLOCK_TAGS:
            flush()
        if el.text and tag:
            current.append(el.text)
        stack.append((el, False))
        stack.extend((child, True) for child in reversed(el))
    flush()


# Spans beyond this are a page's layout, not a table's cells
_MAX_SPAN = 20


def _span(cell: Any, name: str) -> int:
    value = str(cell.get(name, "1")).strip()
    return min(int(value), _MAX_SPAN) if value.isdigit() and int(value) else 1


def _fill_covered(row: list[str], below: dict[int, tuple[str, int]]) -> None:
    """Write the cells that cells of the rows above cover at the end of ``row``."""
    while len(row) in below:
        column = len(row)
        text, left = below.pop(column)
        row.append(text)
        if left > 1:
            below[column] = (text, left - 1)


def table_grid(table: Any) -> list[list[str]]:
    """The table's rows as a grid: a cell spanning rows (``rowspan``) repeats its text in each
    row it covers, one spanning columns (``colspan``) is written once and the columns it covers
    left empty — the grid Word's merged cells give (:mod:`planctl.ingest.docx`)."""
    rows: list[list[str]] = []
    below: dict[int, tuple[str, int]] = {}  # column → (text, rows it still covers)
    for tr in table.iter("tr"):
        if tr.getparent() is not None and _closest_table(tr) is not table:
            continue  # a nested table's rows are read with their own table
        row: list[str] = []
        for cell in tr:
            if not (isinstance(cell.tag, str) and cell.tag in ("td", "th")):
                continue
            _fill_covered(row, below)
            text, across, down = _text(cell), _span(cell, "colspan"), _span(cell, "rowspan")
            for k in range(across):
                if down > 1:
                    below[len(row)] = (text if k == 0 else "", down - 1)
                row.append(text if k == 0 else "")
        _fill_covered(row, below)
        while below and max(below) >= len(row):  # covered columns past the row's last cell
            row.append("")
            _fill_covered(row, below)
        rows.append(row)
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


def _table_lines(table: Any, out: list[str]) -> None:
    """A table's caption (``<caption>``) as a line of text, then its rows."""
    out.extend(text for caption in table.findall("caption") if (text := _text(caption)))
    out.extend(grid_to_lines(table_grid(table)))


def _closest_table(element: Any) -> Any:
    parent = element.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _inside(element: Any, container: Any) -> bool:
    """Whether ``element`` sits (at any depth) inside ``container``."""
    return any(anc is container for anc in element.iterancestors())


def _han(element: Any) -> int:
    return len(_HAN_RE.findall(element.text_content()))


def _link_han(element: Any) -> int:
    return sum(len(_HAN_RE.findall(a.text_content())) for a in element.iter("a"))


def _is_furniture(element: Any) -> bool:
    names = f"{element.get('id', '')} {element.get('class', '')}"
    return element.tag in ("nav", "header", "footer", "aside") or bool(_FURNITURE_HINTS.search(names))


def _matches(el: Any, selector: str) -> bool:
    """``#id``, ``.class`` or ``tag`` (all the content selectors need)."""
    if selector.startswith("#"):
        return el.get("id") == selector[1:]
    if selector.startswith("."):
        return selector[1:] in (el.get("class") or "").split()
    return el.tag == selector


def _main_content(root: Any) -> Any:
    """The element holding the document's text."""
    found = [el for el in root.iter() if isinstance(el.tag, str)
             and any(_matches(el, selector) for selector in CONTENT_SELECTORS)]
    found = [el for el in found if _han(el) >= 20]
    if found:
        return max(found, key=_han)
    best, best_score = root, 0.0
    for el in root.iter("div", "td", "article", "section", "main"):
        if _is_furniture(el):
            continue
        own = sum(len(_HAN_RE.findall(p.text_content())) for p in el.iter("p")) or _han(el)
        score = own - 2 * _link_han(el)
        if score > best_score:
            best, best_score = el, score
    return best


def _metadata_blocks(root: Any, content: Any) -> list[Any]:
    """Containers above the text that hold two or more of the labels sites print (索引号 …)."""
    blocks = []
    for el in root.iter("table", "div", "ul", "dl"):
        if el is content or _inside(content, el) or _inside(el, content):
            continue
        text = el.text_content().replace(" ", "").replace("\u3000", "")
        labels = sum(1 for key in WEB_META_KEYS if key in text)
        if labels >= 2 and len(text) < 600:
            blocks.append(el)
    # the innermost of nested candidates
    return [b for b in blocks if not any(other is not b and _inside(other, b) for other in blocks)]


def _title(root: Any, content: Any) -> str:
    for el in root.iter("h1", "h2"):
        if _inside(el, content):
            continue
        text = _text(el)
        if 4 <= len(text) <= 120 and _HAN_RE.search(text) and not _is_furniture(el):
            return text
    return ""


def html_bytes_to_source(data: bytes, shown: str, env: Environment | None = None) -> Source:
    """Read a page (or an .mhtml archive) from its bytes."""
    import lxml.html

    env = env or Environment()
    if re.match(rb"^(?:[\w-]+:.*\r?\n)*MIME-Version:", data[:2048], re.IGNORECASE):
        data = _mhtml_html(data, shown)
        encoding = "mhtml"
    else:
        encoding = "html"
    text, used = _decode(data, shown, env)
    # libxml2 cuts a text short at a control character: take them out first (and say where)
    text = drop_controls(text, shown, env)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    # huge_tree: libxml2 cuts a page nested deeper than 256 elements without it (2048 with it)
    parser = lxml.html.HTMLParser(huge_tree=True)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except Exception as exc:
        raise PlanctlError(f"{shown}: not a readable web page ({exc.__class__.__name__})") from None
    cut = [e for e in parser.error_log if e.level_name == "FATAL"]
    if cut:
        env.warn(f"{shown}: the page could not be read past line {cut[0].line}, column {cut[0].column} "
                 f"({cut[0].message.split(',')[0]}); the text after it is missing")
    for tag in _DROP_TAGS:
        for el in list(root.iter(tag)):
            if el.getparent() is not None:
                el.drop_tree()
    content = _main_content(root)
    lines: list[str] = []
    for block in _metadata_blocks(root, content):
        _lines_of(block, lines)
    title = _title(root, content)
    body: list[str] = []
    _lines_of(content, body)
    if title and not any(title.replace(" ", "") == b.replace(" ", "") for b in body[:5]):
        lines.append(title)
    lines += body
    if not any(_HAN_RE.search(line) for line in lines):
        raise PlanctlError(f"{shown}: the web page holds no Chinese text planctl could find")
    return Source(path=shown, encoding=f"{encoding} ({used})", lines=[Line(k, t) for k, t in enumerate(lines, 1)])
