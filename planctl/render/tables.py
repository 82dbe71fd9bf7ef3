"""Renderers for row exports (``planctl export``) and typed indicator tables
(``planctl show --indicators``)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from planctl.export import TYPED_COLUMNS
from planctl.indicators import CellValue, IndicatorTable, cell_dict
from planctl.render import register, write_json

# Spreadsheet formula injection: text starting with these is escaped with a leading quote.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class RowsRequest:
    """Rows to write, their columns, and the CSV flavour."""

    rows: Sequence[dict[str, Any]]
    """The rows, keys in column order."""
    columns: Sequence[str]
    """Column names, in order."""
    excel: bool = False
    """Write a UTF-8 BOM so Excel on Chinese Windows opens the CSV correctly."""


def csv_value(column: str, value: Any) -> str:
    """A CSV cell: empty for null, ``true``/``false``, integral floats without ``.0``, escaped text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if column not in TYPED_COLUMNS and text.startswith(_FORMULA_START):
        return "'" + text
    return text


@register("rows", "csv")
def rows_csv(req: RowsRequest, stream: TextIO) -> None:
    write_csv(stream, req.columns, req.rows, bom=req.excel)


def write_csv(stream: TextIO, columns: Sequence[str], rows: Iterable[dict[str, Any]], *,
              raw: Iterable[str] = (), bom: bool = False) -> None:
    """CSV with a header row, cells through :func:`csv_value`; ``raw`` columns are written as
    they are (empty for None)."""
    keep = set(raw)
    if bom:
        stream.write("\ufeff")
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([("" if row.get(c) is None else row.get(c)) if c in keep else csv_value(c, row.get(c))
                         for c in columns])


@register("rows", "json")
def rows_json(req: RowsRequest, stream: TextIO) -> None:
    write_json([{c: row.get(c) for c in req.columns} for row in req.rows], stream)


@register("rows", "jsonl")
def rows_jsonl(req: RowsRequest, stream: TextIO) -> None:
    for row in req.rows:
        stream.write(json.dumps({c: row.get(c) for c in req.columns}, ensure_ascii=False) + "\n")


@register("rows", "markdown")
def rows_markdown(req: RowsRequest, stream: TextIO) -> None:
    from tabulate import tabulate

    body = [[csv_value(c, row.get(c)) for c in req.columns] for row in req.rows]
    stream.write(tabulate(body, headers=list(req.columns), tablefmt="github", disable_numparse=True) + "\n")


# ---- typed indicator tables ---------------------------------------------------------------
_SYMBOL = {"=": "", "<": "<", "<=": "≤", ">": ">", ">=": "≥", "~": "≈"}


def cell_label(cell: CellValue | None) -> str:
    """``〔150〕`` cumulative, ``<6`` bound, ``≈5.5`` about, ``稳步提高`` qualitative, ``—`` none."""
    if cell is None:
        return ""
    if cell.value is None:
        return cell.qualitative or "—"
    number = f"{cell.value:g}"
    text = f"{_SYMBOL.get(cell.comparator, '')}{number}"
    return f"〔{text}〕" if cell.cumulative else text


@register("indicators", "rich")
def indicators_rich(tables: Sequence[IndicatorTable], stream: TextIO) -> None:
    from rich.markup import escape
    from rich.table import Table

    from planctl.render.views import console_for

    console = console_for(stream)
    for t in tables:
        years = f"{t.base_year or '?'}→{t.target_year or '?'}"
        grid = Table(title=f"{t.doc.id} · {t.title or 'indicator table'} · {t.period} · {years}", title_justify="left",
                     caption=t.node.note or None, caption_justify="left")
        for col in ("#", "indicator", "unit"):
            grid.add_column(col, justify="right" if col == "#" else "left")
        for role, label in (("base", f"base {t.base_year or ''}"), ("target", f"target {t.target_year or ''}"),
                            ("actual", "actual")):
            if role in t.roles:
                grid.add_column(label.strip(), justify="right")
        grid.add_column("attribute")
        for ind in t.indicators:
            cells = [str(ind.seq or ""), escape(ind.name), escape(ind.unit)]
            for role, cell in (("base", ind.base), ("target", ind.target), ("actual", ind.actual)):
                if role in t.roles:
                    label = escape(cell_label(cell))
                    style = "cyan" if cell and cell.cumulative else ("yellow" if cell and cell.comparator not in
                                                                      ("=", "") else "")
                    cells.append(f"[{style}]{label}[/]" if style else label)
            cells.append(ind.attribute)
            grid.add_row(*cells)
        console.print(grid)
    console.print("[dim]〔 〕 cumulative over the period · < ≤ > ≥ bounds · ≈ about · — no figure[/]")


@register("indicators", "json")
def indicators_json(tables: Sequence[IndicatorTable], stream: TextIO) -> None:
    write_json(
        [
            {
                "plan_id": t.doc.id, "table_title": t.title, "period": t.period, "base_year": t.base_year,
                "target_year": t.target_year, "roles": t.roles, "note": t.node.note,
                "source_line": t.node.line_start,
                "indicators": [
                    {"seq": i.seq, "name": i.name, "unit": i.unit, "attribute": i.attribute,
                     "base": cell_dict(i.base), "target": cell_dict(i.target), "actual": cell_dict(i.actual)}
                    for i in t.indicators
                ],
            }
            for t in tables
        ],
        stream,
    )
