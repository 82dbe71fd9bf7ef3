"""Renderers of ``planctl search`` and ``planctl index``: grep-like lines, json, jsonl, csv;
counts and plan lists; the index summary."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from planctl.render import register, write_json
from planctl.search import Hit, SearchResult, snippet
from planctl.search.index import IndexSummary

_BOLD_RED, _RESET, _DIM, _CYAN = "\x1b[1;31m", "\x1b[0m", "\x1b[2m", "\x1b[36m"
HIT_COLUMNS = ("plan_id", "path", "kind", "title", "text", "snippet", "score", "line", "file", "departments")


@dataclass
class SearchView:
    """A search result plus how to show it."""

    result: SearchResult
    """The hits and their terms."""
    color: bool = False
    """ANSI colour (only on a terminal, never with NO_COLOR)."""
    departments: bool = False
    """Name each hit's departments at the end of its line (a search by department)."""

    @property
    def hits(self) -> Sequence[Hit]:
        return self.result.hits


def _line(hit: Hit, res: SearchView, column: bool = False) -> str:
    """``file:line: plan_id chapter-path  lead — snippet`` (grep's and ripgrep's ``path:line:``
    first, so a terminal or an editor opens the hit); ``column``: ``file:line:1:`` (vimgrep)."""
    color = res.color and not column
    mark = (_BOLD_RED, _RESET) if color else ("", "")
    text = snippet(hit.body, res.result.terms, res.result.context, mark).replace("\t", " ")
    lead = hit.title if hit.title and hit.title not in text else ""
    where = f"{hit.file or hit.source_path}:{hit.line}:" + ("1:" if column else "")
    node = f"{hit.plan_id} {hit.path or '-'}"
    if color:
        where, node = f"{_CYAN}{where}{_RESET}", f"{_DIM}{node}{_RESET}"
    tail = f"  【{hit.departments}】" if res.departments and hit.departments else ""
    return f"{where} {node}  {lead + ' — ' if lead else ''}{text}{tail}"


@register("search", "grep")
def hits_grep(res: SearchView, stream: TextIO) -> None:
    for hit in res.hits:
        stream.write(_line(hit, res) + "\n")


@register("search", "vimgrep")
def hits_vimgrep(res: SearchView, stream: TextIO) -> None:
    """``file:line:column:text``, as ``rg --vimgrep`` prints for editors' quickfix lists (the column
    is 1: the hit's node starts on that line)."""
    for hit in res.hits:
        stream.write(_line(hit, res, column=True) + "\n")


@register("search", "json")
def hits_json(res: SearchView, stream: TextIO) -> None:
    write_json([h.to_dict() for h in res.hits], stream)


@register("search", "jsonl")
def hits_jsonl(res: SearchView, stream: TextIO) -> None:
    for h in res.hits:
        stream.write(json.dumps(h.to_dict(), ensure_ascii=False) + "\n")


@register("search", "csv")
def hits_csv(res: SearchView, stream: TextIO) -> None:
    from planctl.render.rows import write_csv

    write_csv(stream, HIT_COLUMNS, (h.to_dict() for h in res.hits), raw=("score", "line"))


@register("search", "count")
def hits_count(res: SearchView, stream: TextIO) -> None:
    for plan, n in Counter(h.plan_id for h in res.hits).most_common():
        stream.write(f"{plan}:{n}\n")


@register("search", "plans")
def hits_plans(res: SearchView, stream: TextIO) -> None:
    for plan in dict.fromkeys(h.plan_id for h in res.hits):
        stream.write(plan + "\n")


@register("index", "text")
def index_text(summary: IndexSummary, stream: TextIO) -> None:
    stream.write(f"indexed {summary.rows} nodes from {summary.documents} documents into {summary.path}\n")
    stream.write("  " + ", ".join(f"{k} {n}" for k, n in summary.kinds) + "\n")
