"""Rows for ``planctl export``: tidy long format, one row per indicator / measure / node.

Column names and order are a contract: add columns after them, never rename or drop.

Example::

    >>> from planctl.corpus import load_corpus
    >>> rows = indicator_rows([load_corpus().resolve("wuwei")])
    >>> rows[0]["name"], rows[0]["target_value"], rows[0]["target_cumulative"], rows[0]["attribute"]
    ('城镇新增就业人数', 7.5, True, 'binding')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from planctl.indicators import Indicator, indicator_tables, warn_unread
from planctl.model import APPENDIX, ARTICLE, CHAPTER, COLUMN, MEASURE_KINDS, SECTION, TABLE, Document

INDICATOR_COLUMNS = (
    "plan_id", "plan_title", "region", "level", "table_title", "period", "seq", "name", "unit",
    "base_year", "base_raw", "base_value", "base_comparator", "base_cumulative",
    "target_year", "target_raw", "target_value", "target_comparator", "target_cumulative", "target_qualitative",
    "actual_raw", "actual_value", "attribute", "source_path", "source_line",
    # added after the contract's columns
    "actual_comparator", "actual_cumulative", "base_qualitative", "attribute_raw", "name_raw", "note",
    "category",
)
MEASURE_COLUMNS = ("plan_id", "path", "kind", "title", "text", "departments", "source_line")
OUTLINE_COLUMNS = ("plan_id", "path", "kind", "number", "title", "source_line")

# Columns whose values are numbers, booleans or a closed set of codes (the comparators
# ``=``, ``<`` …, which carry no formula): never formula-escaped.
TYPED_COLUMNS = frozenset({
    "seq", "base_year", "base_value", "base_cumulative", "target_year", "target_value", "target_cumulative",
    "actual_value", "actual_cumulative", "source_line", "base_comparator", "target_comparator", "actual_comparator",
})


def indicator_row(ind: Indicator) -> dict[str, Any]:
    """One indicator as an export row, columns in :data:`INDICATOR_COLUMNS` order."""
    table = ind.table
    if table is None:
        raise ValueError(f"indicator {ind.name!r} has no table")
    doc = table.doc
    row: dict[str, Any] = {
        "plan_id": doc.id, "plan_title": doc.title, "region": doc.region, "level": doc.level,
        "table_title": table.title, "period": table.period, "seq": ind.seq, "name": ind.name,
        "base_year": table.base_year, "target_year": table.target_year, "source_path": doc.source.path,
        "source_line": ind.line, "attribute_raw": ind.attribute_raw, "name_raw": ind.name_raw,
        "note": table.note, "category": ind.category,
    } | ind.values()
    return {col: row.get(col) for col in INDICATOR_COLUMNS}


def indicator_rows(docs: Iterable[Document], warn: Callable[[str], None] | None = None) -> list[dict[str, Any]]:
    """One row per indicator per document, columns in :data:`INDICATOR_COLUMNS` order. A table
    row that names no indicator is not a row here; ``warn`` hears of each one."""
    tables = [table for doc in docs for table in indicator_tables(doc)]
    warn_unread(tables, warn)
    return [indicator_row(ind) for table in tables for ind in table.indicators]


def measure_rows(docs: Iterable[Document]) -> list[dict[str, Any]]:
    """One row per measure (专栏 items included) and per article of a regulation (its whole text:
    paragraphs and numbered items, a bold lead inside it included)."""
    rows = []
    for doc in docs:
        inside: set[int] = set()  # what an article's row already holds
        for n in doc.walk():
            if n.kind not in MEASURE_KINDS or id(n) in inside:
                continue
            if n.kind == ARTICLE:
                inside |= {id(c) for c in n.walk()}
            rows.append({"plan_id": doc.id, "path": n.path, "kind": n.kind, "title": n.title,
                         "text": n.whole_text() if n.kind == ARTICLE else n.text,
                         "departments": "、".join(n.departments), "source_line": n.line_start})
    return rows


_OUTLINE_KINDS = (CHAPTER, SECTION, APPENDIX, COLUMN, TABLE)


def outline_rows(docs: Iterable[Document]) -> list[dict[str, Any]]:
    """One row per structural node: chapters, sections, appendices, 专栏, tables."""
    return [
        {"plan_id": doc.id, "path": n.path, "kind": n.kind, "number": n.number, "title": n.title,
         "source_line": n.line_start}
        for doc in docs for n in doc.walk() if n.kind in _OUTLINE_KINDS
    ]


EXPORTS = {
    "indicators": (indicator_rows, INDICATOR_COLUMNS),
    "measures": (measure_rows, MEASURE_COLUMNS),
    "outline": (outline_rows, OUTLINE_COLUMNS),
}


def export_rows(what: str, docs: Iterable[Document],
                warn: Callable[[str], None] | None = None) -> tuple[list[dict[str, Any]], tuple[str, ...]]:
    """The rows of ``what`` (``indicators``, ``measures`` or ``outline``) for ``docs``, and their
    columns; ``warn`` hears of what a table holds that is no row (an indicator row with no name)."""
    make_rows, columns = EXPORTS[what]
    rows = indicator_rows(docs, warn) if what == "indicators" else make_rows(docs)
    return rows, columns
