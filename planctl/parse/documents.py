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

from planctl.cjk import cn_to_int, five_year_period_years
from planctl.model import FURNITURE, METADATA, PARAGRAPH, TITLE, Document, Node, SourceRef
from planctl.parse import patterns as pt
from planctl.parse.state import Block
from planctl.parse.titles import announced_names, name_key, spaced_organs, title_core, title_kind, topic_slug
from planctl.parse.tree import blocks_to_tree
from planctl.regions import Region, central_organ, central_organs, find_topic, region_table

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


def blocks_to_groups(blocks: Sequence[Block]) -> list[list[Block]]:
    """Split a file's flat blocks into one list per document."""
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


def _bare(group: Sequence[Block]) -> bool:
    """Head or tail lines only: no title, no content."""
    return not _has_content(group) and not _titles(group)


def _first(group: Sequence[Block], kind: str, role: str) -> Node | None:
    return next((b.node for b in group if b.node.kind == kind and b.node.role == role), None)


def _fields(group: Sequence[Block]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for b in group:
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
    issuer = spaced_organs(issuer or _field(fields, _ISSUER_FIELDS) or (title_block.issuer if title_block else ""))
    date_node = _first(group, METADATA, "date") or _first(group, METADATA, "printed")
    date = _iso(date_node.text) if date_node else _iso(_field(fields, _DATE_FIELDS))
    doc = Document(id="", title=title, kind=kind, source=source, doc_number=doc_number, issuer=issuer, date=date,
                   published=_iso(_field(fields, _PUBLISHED_FIELDS)))
    pm = pt.PERIOD_RE.search(title)
    doc.period = pm.group(1) if pm else ""
    doc.children = blocks_to_tree(group)
    return doc


def _year(doc: Document) -> str:
    if doc.date:
        return doc.date[:4]
    m = re.search(r"[〔\[［【(（]\s*([12]\d{3})", doc.doc_number)
    if m:
        return m.group(1)
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


_KIND_IN_ID = ("notice", "opinion", "measures", "scheme", "decision")


def finish_metadata(docs: list[Document]) -> None:
    """Region or level, topic, id and aliases; a document inherits 文号/issuer/date from the cover
    notice that issues it."""
    for k, doc in enumerate(docs):
        cover = _cover_of(doc, docs[:k]) if doc.kind != "notice" else None  # a relayed notice keeps its own
        if cover is not None and cover is not doc:
            doc.issued_by = cover.id or str(cover.source.index)
            doc.doc_number = doc.doc_number or cover.doc_number
            doc.issuer = doc.issuer or cover.issuer
            # A plan is dated by the notice that issues it, not by a 印发 line it inherited.
            doc.date = cover.date or doc.date
        region = _region(doc.title, doc.issuer, doc.doc_number)
        organs = central_organs(f"{doc.issuer} {doc.title}")
        if region:
            doc.region, doc.level = region.name, region.level
            doc.aliases = sorted({region.pinyin, region.short, region.name})
        elif organs or central_organ(doc.issuer) or central_organ(doc.title):
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
