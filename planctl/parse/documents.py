"""Splitting a file's blocks into documents and reading each document's metadata.

A new document starts at a 红头 line (``…文件``), a web metadata block, a notice title or a
plan title, unless the document being read has not yet got past its own head. Metadata is
read from nodes that stay in the tree (title, 文号, signature, date lines).

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

from planctl.cjk import five_year_period_years
from planctl.model import FURNITURE, METADATA, TITLE, Document, Node, SourceRef
from planctl.parse import patterns as pt
from planctl.parse.rules import Block
from planctl.parse.tree import blocks_to_tree
from planctl.regions import Region, find_topic, region_table

_HEAD_KINDS = (METADATA, FURNITURE, TITLE)


def _has_content(group: Sequence[Block]) -> bool:
    return any(b.node.kind not in _HEAD_KINDS for b in group)


def _titles(group: Sequence[Block]) -> list[Node]:
    return [b.node for b in group if b.node.kind == TITLE]


def _starts_new(group: Sequence[Block], block: Block) -> bool:
    """Whether ``block`` (carrying a boundary signal) opens a new document after ``group``."""
    if not group:
        return False
    kinds = {b.node.kind for b in group}
    titles = _titles(group)
    if block.boundary == "issuer_head":
        return kinds != {FURNITURE}
    if block.boundary == "web_meta":
        return kinds != {FURNITURE} and group[-1].boundary != "web_meta"
    if block.boundary == "notice_title":
        return bool(titles) or _has_content(group)
    if block.boundary == "plan_title":
        if not titles and not _has_content(group):
            return False
        # 青海: title, table of contents, then the title again: still the same plan.
        same = [t for t in titles if t.title == block.node.title]
        return not (same and not _has_content(group))
    return False


def blocks_to_groups(blocks: Sequence[Block]) -> list[list[Block]]:
    """Split a file's flat blocks into one list per document."""
    groups: list[list[Block]] = [[]]
    for block in blocks:
        if block.boundary and _starts_new(groups[-1], block):
            groups.append([])
        groups[-1].append(block)
    return [g for g in groups if g]


def _first(group: Sequence[Block], kind: str, role: str) -> Node | None:
    return next((b.node for b in group if b.node.kind == kind and b.node.role == role), None)


def _web_meta(group: Sequence[Block]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for b in group:
        if b.node.role == "web_meta":
            for key, value in pt.WEB_META_FIELD_RE.findall(b.node.text.replace(" ", "")):
                fields.setdefault(key, value.strip())
    return fields


def _iso(text: str) -> str:
    m = pt.ISO_DATE_RE.search(text)
    if not m:
        return ""
    y, mo, d = (int(x) for x in m.groups())
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _region(title: str, issuer: str, doc_number: str) -> Region | None:
    table = region_table()
    return table.find_in(title) or table.find_in(issuer) or table.from_doc_number(doc_number)


def group_to_document(group: Sequence[Block], source: SourceRef) -> Document:
    """Nest a document's blocks and read its metadata."""
    titles = _titles(group)
    title_node = titles[0] if titles else None
    title = title_node.title if title_node else ""
    kind = {"notice": "notice", "plan": "plan"}.get(title_node.role, "document") if title_node else "document"
    web = _web_meta(group)
    number_node = _first(group, METADATA, "doc_number")
    doc_number = number_node.text if number_node else web.get("发文字号", "")
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
    elif web.get("发布机构"):
        issuer = web["发布机构"]
    elif kind == "notice":
        m = pt.NOTICE_TITLE_RE.match(title)
        issuer = m.group(1) if m else ""
    date_node = _first(group, METADATA, "date") or _first(group, METADATA, "printed")
    date = _iso(date_node.text) if date_node else _iso(web.get("成文日期", ""))
    doc = Document(id="", title=title, kind=kind, source=source, doc_number=doc_number, issuer=issuer, date=date)
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
    return str(years[0]) if years else ""


def finish_metadata(docs: list[Document]) -> None:
    """Region, topic, id and aliases; a plan inherits 文号/issuer/date from its cover notice."""
    for k, doc in enumerate(docs):
        if doc.kind == "plan":
            for cover in reversed(docs[:k]):
                if cover.kind == "notice" and doc.title and doc.title in cover.title.replace(" ", ""):
                    doc.issued_by = cover.id or str(cover.source.index)
                    doc.doc_number = doc.doc_number or cover.doc_number
                    doc.issuer = doc.issuer or cover.issuer
                    # A plan is dated by the notice that issues it, not by a 印发 line it inherited.
                    doc.date = cover.date or doc.date
                    break
        region = _region(doc.title, doc.issuer, doc.doc_number)
        if region:
            doc.region, doc.level = region.name, region.level
        doc.topic = find_topic(doc.title) or find_topic(" ".join(n.text for n in doc.walk() if n.kind == TITLE))
        slug_parts = [region.pinyin if region else "doc", doc.topic or ("plan" if doc.kind == "plan" else "")]
        if doc.kind == "notice":
            slug_parts.append("notice")
        slug_parts.append(_year(doc))
        doc.id = "-".join(p for p in slug_parts if p)
        doc.aliases = sorted({region.pinyin, region.short, region.name} if region else set())
    for doc in docs:
        doc.stats = doc.count_stats()
    # Cover notices are now named; point the plans at their ids.
    by_index = {str(d.source.index): d.id for d in docs}
    for doc in docs:
        if doc.issued_by in by_index:
            doc.issued_by = by_index[doc.issued_by]
