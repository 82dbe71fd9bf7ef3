"""Splitting a file's blocks into documents and reading each document's metadata.

A new document starts at a title (``关于…的通知``, a plan title, a name its cover notice announced),
a 红头 line (``…文件``), a web metadata block or a database header, unless the document being read
has not yet got past its own head; a title printed twice is one title. Metadata is read from
nodes that stay in the tree (title, 文号, signature, date lines) and from the fields web pages and
databases print (索引号 … 发文字号 … 成文日期, 【发文字号】); the text's own lines win over them.

Example::

    >>> from planctl.ingest import decode_bytes
    >>> from planctl.parse import parse_source
    >>> docs = parse_source(decode_bytes("甘肃省“十四五”就业促进规划\\n一、总体要求\\n".encode(), path="x"))
    >>> docs[0].id, docs[0].region, docs[0].topic
    ('gansu-employment-2021', '甘肃省', 'employment')
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from planctl.cjk import cn_to_int, five_year_period_years, han_digits, words_only
from planctl.model import (
    ARTICLE,
    COLUMN,
    FURNITURE,
    MEASURE,
    METADATA,
    PARAGRAPH,
    TABLE,
    TITLE,
    Document,
    Node,
    SourceRef,
)
from planctl.parse import patterns as pt
from planctl.parse.state import Block
from planctl.parse.titles import (
    announced_names,
    is_formal_title,
    name_key,
    spaced_organs,
    title_core,
    title_kind,
    topic_slug,
)
from planctl.parse.tree import blocks_to_tree
from planctl.regions import Region, central_organ, central_organs, find_topic, region_table
from planctl.settings import ParseSettings

_HEAD_KINDS = (METADATA, FURNITURE, TITLE)
# Field names web pages (索引号 block) and databases (北大法宝 【】 headers) use for each fact.
_NUMBER_FIELDS = ("发文字号", "文号")
_ISSUER_FIELDS = ("发文机关", "发布机构", "发布单位", "发布部门")
_DATE_FIELDS = ("成文日期",)
_PUBLISHED_FIELDS = ("发布日期", "公布日期")


def _has_content(group: Sequence[Block]) -> bool:
    return any(b.node.kind not in _HEAD_KINDS for b in group)


def _titles(group: Sequence[Block]) -> list[Node]:
    return [b.node for b in group if b.node.kind == TITLE]


def _starts_new(group: Sequence[Block], block: Block) -> bool:
    """Whether ``block`` (carrying a boundary signal) opens a new document after ``group``."""
    if not group:
        return False
    if block.boundary != "title":  # 红头, a web metadata block, a database header
        return _has_content(group)
    titles = _titles(group)
    if not _has_content(group):
        # Head lines, then the title; or the title printed twice (北大法宝; 青海: title, table of
        # contents, title again): still the same document.
        return bool(titles) and not any(name_key(t.title) == name_key(block.node.title) for t in titles)
    return True


def blocks_to_groups(blocks: Sequence[Block], settings: ParseSettings | None = None) -> list[list[Block]]:
    """Split a file's flat blocks into one list per document: where a document starts, then what
    is a document at all (see :func:`settle_groups`)."""
    return settle_groups(_split(blocks), settings or ParseSettings())


def _split(blocks: Sequence[Block]) -> list[list[Block]]:
    """The runs of blocks between document boundaries (a title, a 红头, a metadata block)."""
    groups: list[list[Block]] = [[]]
    for block in blocks:
        if block.boundary and _starts_new(groups[-1], block):
            groups.append([])
        elif block.boundary == "title" and _titles(groups[-1]):
            # A repeated title is furniture of the document it repeats.
            block.node.kind, block.node.role = FURNITURE, "duplicate_title"
        groups[-1].append(block)
    groups = [g for g in groups if g]
    # Head lines with no document of their own (a metadata block printed again below the text,
    # a footer) belong to the document before them (or, at the top of a file, the one after).
    merged: list[list[Block]] = []
    for group in groups:
        if merged and (_bare(group) or _bare(merged[-1])):
            merged[-1].extend(group)
        else:
            merged.append(group)
    return merged


# ---- what a document is -----------------------------------------------------------------------
# A sentence of running text: "现将《…》印发给你们，请认真贯彻执行。"
_SENTENCE_END_RE = re.compile(r"[。！？；!?;]")
# "- **标题**：…", "发布机构：国务院", "> 来源 URL：https://…": a header's labelled line, read as a
# measure whose lead is the label (list marker and spacing aside)
_LABEL_MARK_RE = re.compile(r"^[-*+•>\s]+|\s+")


def _prose(node: Node) -> int:
    """Han characters of a paragraph or measure that holds a sentence (labels, link lists and
    page chrome hold none)."""
    if node.kind not in (PARAGRAPH, MEASURE) or not _SENTENCE_END_RE.search(node.text or node.title):
        return 0
    return len(han_digits(node.title + node.text))


def _structured(group: Sequence[Block]) -> bool:
    """Numbered headings or items, articles, 专栏 or tables: the grammar of a document's body."""
    return any(b.rank is not None or b.node.kind in (COLUMN, TABLE, ARTICLE) for b in group)


def _titled(group: Sequence[Block]) -> bool:
    """A title by the conventions: a 文种 at its end, or ``…关于…的…`` (not a line taken for the
    title only because it came first)."""
    return any(b.node.kind == TITLE and (b.node.role != "document" or is_formal_title(b.node.title))
               for b in group)


def is_document(group: Sequence[Block]) -> bool:
    """A document has a title and a body of its own: document grammar (a title by the
    conventions, or a numbered body) and a body (numbered structure, or sentences of text). A
    page title, a scraper's or curator's notes, related links are not."""
    structured = _structured(group)
    return (structured or _titled(group)) and (structured or any(_prose(b.node) for b in group))


def _label(node: Node, settings: ParseSettings) -> str:
    """The label of a labelled line (``- **发布机构**：国务院…`` → ``发布机构``), or ''."""
    if node.kind != MEASURE or not node.text:
        return ""
    label = _LABEL_MARK_RE.sub("", node.title)
    return label if 0 < len(label) <= settings.label_max_chars and not _SENTENCE_END_RE.search(label) else ""


def _as_furniture(group: Sequence[Block], role: str, settings: ParseSettings) -> list[Block]:
    """A group that is no document, as furniture of the document it belongs to; the fields its
    labelled lines state (标题, 发布机构, 发文字号 …) stay with the blocks as metadata."""
    for b in group:
        node = b.node
        if node.kind in (METADATA, FURNITURE):
            continue
        label = _label(node, settings)
        if label:
            b.fields.setdefault(label, node.text.strip())
            b.header = True
        _furniture(node, "page_title" if node.kind == TITLE and role != "duplicate" else role)
        b.rank, b.boundary, b.inline = None, "", False
    return list(group)


def _novel_prose(group: Sequence[Block], earlier: str) -> int:
    """Han characters of the group's sentences that ``earlier`` (a document's words) does not hold."""
    return sum(_prose(b.node) for b in group
               if _prose(b.node) and words_only(b.node.title + b.node.text) not in earlier)


def _repeats(group: Sequence[Block], docs: Sequence[list[Block]], settings: ParseSettings) -> bool:
    """A copy of a document the file already holds: under its title again, with no structure and
    hardly a sentence that document does not hold (a page's share snippet, a related link)."""
    titles = {name_key(b.node.title) for b in group if b.node.kind == TITLE}
    if not titles or _structured(group):
        return False
    for doc in docs:
        if titles & {name_key(b.node.title) for b in doc if b.node.kind == TITLE}:
            words = "".join(words_only(f"{b.node.title}{b.node.text}") for b in doc)
            return _novel_prose(group, words) < settings.repeat_new_chars
    return False


def settle_groups(groups: list[list[Block]], settings: ParseSettings) -> list[list[Block]]:
    """Only documents stay documents. A part of the file with no document grammar or no body — a
    page title, a scraper's or curator's notes, a site's related links — is furniture of the
    document after it (its header), or, after the last document, of the one before (its tail);
    a part that repeats a document of the file under its title is a copy of it. A file holding
    no document at all keeps its parts as they are."""
    documents = [is_document(g) for g in groups]  # each group is judged once, before any is settled
    if not any(documents):
        return groups
    settled: list[list[Block]] = []
    pending: list[Block] = []  # blocks waiting for their document
    page_after: set[int] = set()  # documents the page's own material follows
    for k, group in enumerate(groups):
        later = next((groups[n] for n in range(k + 1, len(groups)) if documents[n]), None)
        if later is not None and _promulgates(group, later):
            pending.extend(_as_order(group))
        elif not documents[k]:
            pending.extend(_as_furniture(group, "header", settings))
        elif settled and _repeats(group, settled, settings):
            page_after.add(len(settled) - 1)
            settled[-1].extend(_as_tail(pending) + _as_furniture(group, "duplicate", settings))
            pending = []
        else:
            settled.append(pending + group)
            pending = []
    if pending:
        page_after.add(len(settled) - 1)
        settled[-1].extend(_as_tail(pending))
    return [_trim_tail(g, k in page_after) for k, g in enumerate(settled)]


def _promulgates(group: Sequence[Block], later: Sequence[Block]) -> bool:
    """A promulgation order (令, 公告) with no body of its own that publishes the document after it
    (by name, or by saying 现予公布): ``中山市人民政府令（第16号）`` / ``《…办法》已经…通过，现予公布``."""
    if not any(b.node.role == "order" for b in group) or _structured(group):
        return False
    text = "\n".join(f"{b.node.title}{b.node.text}" for b in group)
    named = {name_key(n) for n in announced_names("", text)}
    return bool(pt.PROMULGATES_RE.search(text)) or any(name_key(t) in named for t in _title_texts(later))


def _title_texts(group: Sequence[Block]) -> list[str]:
    return [b.node.title for b in group if b.node.kind == TITLE]


def _as_order(group: Sequence[Block]) -> list[Block]:
    """An order's lines as metadata of the document it publishes: its text (what it publishes,
    when it takes effect) and signature are part of the order; a title it printed above it (a
    database or page gives the rules' title first) is that document's title again."""
    for b in group:
        node = b.node
        if node.kind == TITLE:
            _furniture(node, "duplicate_title")
        elif node.kind not in (METADATA, FURNITURE):
            node.kind, node.role = METADATA, "order"
            node.text, node.title = "".join(t for t in (node.title, node.text) if t), ""
            _fold_measure_fields(node)
        b.rank, b.boundary, b.inline = None, "", False
    return list(group)


# What closes a document: its signature, date, attachment list, 版记
_CLOSING_ROLES = ("issuer", "date", "printed", "publicity", "attachment_ref", "cc")


def _trim_tail(group: list[Block], page_after: bool) -> list[Block]:
    """Lines after a document's close (signature, date, attachment list, 版记) that hold no
    sentence — a site's link lists and footer, left between its own furniture — are its tail; so
    are such lines ending a document the page's own material follows (``page_after``: related
    links, a share snippet)."""
    last_body = max((k for k, b in enumerate(group) if b.rank is not None or b.node.kind in (TITLE, COLUMN, TABLE)),
                    default=-1)
    closing = next((k for k in range(len(group) - 1, last_body, -1)
                    if group[k].node.kind == METADATA and group[k].node.role in _CLOSING_ROLES), None)
    if closing is not None:
        for b in group[closing + 1 :]:
            if b.node.kind in (PARAGRAPH, MEASURE) and not _prose(b.node):
                _furniture(b.node, "tail")
    elif page_after:
        for b in reversed(group[last_body + 1 :]):
            if b.node.kind not in (PARAGRAPH, MEASURE, FURNITURE) or _prose(b.node):
                break
            if b.node.kind != FURNITURE:
                _furniture(b.node, "tail")
    return group


def _furniture(node: Node, role: str) -> None:
    """``node`` as furniture: its text shows what it held (a title or a lead goes into it)."""
    node.kind, node.role = FURNITURE, role
    node.text, node.title = "：".join(t for t in (node.title, node.text) if t), ""
    _fold_measure_fields(node)


def _fold_measure_fields(node: Node) -> None:
    """A measure's responsibility back into its text, once it is no measure (only a measure
    keeps those fields)."""
    node.text, node.responsibility, node.departments = node.text + node.responsibility, "", []


def _as_tail(blocks: list[Block]) -> list[Block]:
    """Header blocks no document followed: the tail of the one before."""
    for b in blocks:
        if b.node.role in ("header", "page_title"):
            b.node.role = "tail"
    return blocks


def _bare(group: Sequence[Block]) -> bool:
    """Head or tail lines only: no title, no content."""
    return not _has_content(group) and not _titles(group)


def _first(group: Sequence[Block], kind: str, role: str) -> Node | None:
    return next((b.node for b in group if b.node.kind == kind and b.node.role == role), None)


def _fields(group: Sequence[Block]) -> dict[str, str]:
    """The fields the group's metadata states; a header's labelled lines yield to the page's own."""
    fields: dict[str, str] = {}
    for header in (False, True):
        for b in group:
            if b.header == header:
                for key, value in b.fields.items():
                    fields.setdefault(key, value)
    return fields


def _field(fields: dict[str, str], names: Sequence[str]) -> str:
    return next((fields[n] for n in names if fields.get(n)), "")


_CN_DAY = "[一二三四五六七八九十]{1,3}"
_CN_DATE_RE = re.compile(rf"([〇零一二三四五六七八九]{{4}})年({_CN_DAY})月({_CN_DAY})日")


def _iso(text: str) -> str:
    """``2021年10月11日``, ``2021-10-11``, ``二〇二一年十月十一日`` → ``2021-10-11``."""
    m = pt.ISO_DATE_RE.search(text)
    if m:
        y, mo, d = (int(x) for x in m.groups())
    else:
        c = _CN_DATE_RE.search(text)
        if not c:
            return ""
        y, mo, d = (cn_to_int(g) or 0 for g in c.groups())  # 二〇二一 → 2021, 十二 → 12
    return f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else ""


def _region(title: str, issuer: str, doc_number: str) -> Region | None:
    table = region_table()
    return table.find_in(title) or table.find_in(issuer) or table.from_doc_number(doc_number)


def _first_sentence(group: Sequence[Block]) -> str:
    """A title for a document that prints none: the start of its first block of text (a file's
    first line stands alone, so an untitled memo is named by its first line)."""
    for b in group:
        if b.node.kind not in _HEAD_KINDS:
            text = (b.node.title or b.node.text).split("\n")[0]
            return re.split(r"[。；！？!?;]", text)[0][:60]
    return ""


def _source_url(group: Sequence[Block], fields: dict[str, str]) -> str:
    """The address a database's link line, a page's metadata or a copier's notes give the text."""
    texts = [b.node.text for b in group if b.node.kind == METADATA and b.node.role == "source"]
    for text in [*texts, *fields.values()]:
        m = pt.URL_RE.search(text)
        if m:
            return m.group(0)
    return ""


def group_to_document(group: Sequence[Block], source: SourceRef) -> Document:
    """Nest a document's blocks and read its metadata."""
    title_block = next((b for b in group if b.node.kind == TITLE), None)
    fields = _fields(group)
    title = title_block.node.title if title_block else fields.get("标题", "")
    kind = title_block.node.role if title_block else (title_kind(title) or "document")
    if not title:
        title = _first_sentence(group)
    number_node = _first(group, METADATA, "doc_number")
    doc_number = number_node.text if number_node else _field(fields, _NUMBER_FIELDS)
    if not doc_number:  # "- **标题**：国务院关于…的通知（国发〔2021〕29号）": a header names it
        doc_number = next((m.group(1) for v in fields.values() for m in [pt.DOC_NUMBER_RE.search(v)] if m), "")
    if doc_number:
        m = pt.DOC_NUMBER_RE.search(doc_number)
        doc_number = m.group(1) if m else doc_number
    head = _first(group, METADATA, "issuer_head")
    signature = _first(group, METADATA, "issuer")
    issuer = ""
    if head:
        issuer = pt.ISSUER_HEAD_RE.match(head.text).group(1)  # type: ignore[union-attr]
    elif signature:
        issuer = signature.text
    order = pt.ORDER_ORGAN_RE.match(fields.get("order", ""))  # "惠州市人民政府令（第16号）": 惠州市人民政府
    issuer = spaced_organs(issuer or _field(fields, _ISSUER_FIELDS) or (title_block.issuer if title_block else "")
                           or (order.group(1) if order else ""))
    date_node = _first(group, METADATA, "date") or _first(group, METADATA, "printed")
    date = _iso(date_node.text) if date_node else _iso(_field(fields, _DATE_FIELDS))
    doc = Document(id="", title=title, kind=kind, source=source, doc_number=doc_number, issuer=issuer, date=date,
                   published=_iso(_field(fields, _PUBLISHED_FIELDS)), source_url=_source_url(group, fields),
                   order=fields.get("order", ""))
    pm = pt.PERIOD_RE.search(title)
    doc.period = pm.group(1) if pm else ""
    doc.children = blocks_to_tree(group)
    return doc


def _year(doc: Document) -> str:
    if doc.date:
        return doc.date[:4]
    m = re.search(r"[〔\[［【(（﹝〖]\s*([12１２][0-9０-９]{3})|^([12]\d{3})年第", doc.doc_number)
    if m:
        return str(int(m.group(1) or m.group(2)))  # "２０２５" → "2025"; "2024年第4号" (a 公告's number)
    years = five_year_period_years(doc.period)
    if years:
        return str(years[0])
    m = re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", doc.title)
    return m.group(1) if m else doc.published[:4]


def _announces(cover: Document) -> set[str]:
    """Name keys of what a notice issues or relays (from its title and its own paragraphs)."""
    body = "\n".join(n.text for n in cover.children if n.kind == PARAGRAPH)
    names = announced_names(cover.title, body)
    return {name_key(n) for n in names} | {name_key(cover.title)}


def _cover_of(doc: Document, before: Sequence[Document]) -> Document | None:
    """The notice earlier in the file that issues ``doc``."""
    key = name_key(doc.title)
    for cover in reversed(before):
        if cover.kind == "notice" and key and (key in _announces(cover) or key in name_key(cover.title)):
            return cover
    return None


_KIND_IN_ID = ("notice", "opinion", "measures", "scheme", "decision", "law")


def finish_metadata(docs: list[Document]) -> None:
    """Region or level, topic, id and aliases; a document inherits 文号/issuer/date from the cover
    notice that issues it."""
    for k, doc in enumerate(docs):
        cover = _cover_of(doc, docs[:k]) if doc.kind != "notice" else None  # a relayed notice keeps its own
        if cover is not None and cover is not doc:
            doc.issued_by = cover.id or str(cover.source.index)
            doc.doc_number = doc.doc_number or cover.doc_number
            doc.issuer = doc.issuer or cover.issuer
            doc.source_url = doc.source_url or cover.source_url
            # A plan is dated by the notice that issues it, not by a 印发 line it inherited.
            doc.date = cover.date or doc.date
        national = bool(pt.NATIONAL_TITLE_RE.match(doc.title))
        region = None if national else _region(doc.title, doc.issuer, doc.doc_number)
        organs = central_organs(f"{doc.issuer} {doc.title}")
        if region:
            doc.region, doc.level = region.name, region.level
            doc.aliases = sorted({region.pinyin, region.short, region.name})
        elif national or organs or central_organ(doc.issuer) or central_organ(doc.title):
            doc.level = "national"
            doc.aliases = sorted({a for o in organs for a in (o.name, o.pinyin)})
        core = title_core(doc.title)
        doc.topic = (find_topic(core) or find_topic(" ".join(n.title for n in doc.walk() if n.kind == TITLE))
                     or topic_slug(core))
        prefix = region.pinyin if region else ("national" if doc.level == "national" else "")
        parts = [prefix, doc.topic, doc.kind if doc.kind in _KIND_IN_ID else "", _year(doc)]
        doc.id = "-".join(p for p in parts if p) or doc.kind
    for doc in docs:
        doc.stats = doc.count_stats()
    # Cover notices are now named; point the documents they issue at their ids.
    by_index = {str(d.source.index): d.id for d in docs}
    for doc in docs:
        if doc.issued_by in by_index:
            doc.issued_by = by_index[doc.issued_by]
