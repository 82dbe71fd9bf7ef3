"""Renderers of typed indicator tables (``planctl show --indicators``): rich and json."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from planctl.indicators import CellValue, IndicatorTable, cell_dict
from planctl.render import register, write_json
from planctl.render.show import console_for

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

    console = console_for(stream)
    for t in tables:
        years = f"{t.base_year or '?'}→{t.target_year or '?'}"
        grid = Table(title=f"{t.doc.id} · {t.title or 'indicator table'} · {t.period} · {years}", title_justify="left",
                     caption=t.note or None, caption_justify="left")
        categories = any(ind.category for ind in t.indicators)
        if categories:
            grid.add_column("category")
        for col in ("#", "indicator", "unit"):
            grid.add_column(col, justify="right" if col == "#" else "left")
        for role, label in (("base", f"base {t.base_year or ''}"), ("target", f"target {t.target_year or ''}"),
                            ("actual", "actual")):
            if role in t.roles:
                grid.add_column(label.strip(), justify="right")
        grid.add_column("attribute")
        for ind in t.indicators:
            cells = [escape(ind.category)] if categories else []
            cells += [str(ind.seq or ""), escape(ind.name), escape(ind.unit)]
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
                "target_year": t.target_year, "roles": t.roles, "note": t.note,
                "source_line": t.node.line_start,
                "indicators": [
                    {"seq": i.seq, "name": i.name, "unit": i.unit, "attribute": i.attribute,
                     "base": cell_dict(i.base), "target": cell_dict(i.target), "actual": cell_dict(i.actual),
                     "category": i.category}
                    for i in t.indicators
                ],
            }
            for t in tables
        ],
        stream,
    )
