"""Renderers of row exports (``planctl export``): csv, json, jsonl, markdown; the CSV cell rules
every CSV planctl writes follows."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from planctl.export import TYPED_COLUMNS
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
