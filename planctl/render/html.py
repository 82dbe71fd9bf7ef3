"""Self-contained HTML pages: one file, inline CSS and script, no network, readable with
scripts disabled (filters are CSS, driven by form controls), printable.

Example::

    >>> esc("<规划>")
    '&lt;规划&gt;'
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterable, Mapping
from pathlib import PurePosixPath
from typing import TextIO
from urllib.parse import quote

from planctl.model import Document

CSS = """
:root { --fg:#1f2328; --dim:#656d76; --line:#d0d7de; --bg:#fff; --head:#f6f8fa; --strong:#1a7f37;
        --likely:#9a6700; --weak:#8c959f; --left:#cf222e; --right:#0969da; --mark:#fff3b0; }
* { box-sizing: border-box; }
body { font: 15px/1.55 "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       color: var(--fg); background: var(--bg); margin: 0 auto; padding: 1.2rem 1.6rem 3rem; max-width: 1400px; }
h1 { font-size: 1.45rem; margin: .2rem 0 .6rem; } h2 { font-size: 1.15rem; margin: 1.8rem 0 .6rem; }
.dim { color: var(--dim); } a { color: var(--right); text-decoration: none; } a:hover { text-decoration: underline; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .5rem; vertical-align: top; text-align: left; }
th { background: var(--head); font-weight: 600; position: sticky; top: 0; z-index: 1; }
.meta th { position: static; width: 9rem; } .meta td { width: 40%; }
.cards { display: flex; flex-wrap: wrap; gap: .6rem; margin: .8rem 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .45rem .8rem; min-width: 8.5rem; }
.card b { display: block; font-size: 1.3rem; } .card span { color: var(--dim); font-size: .85rem; }
.adoption { background: #f0f7ff; border: 1px solid #b6d7ff; border-radius: 6px; padding: .6rem .9rem; }
.filters { display: flex; flex-wrap: wrap; gap: 1.2rem; align-items: center; padding: .6rem .8rem;
           background: var(--head); border: 1px solid var(--line); border-radius: 6px; margin: 1rem 0 .6rem; }
.filters fieldset { border: 0; margin: 0; padding: 0; } .filters legend { font-weight: 600; float: left;
           margin-right: .5rem; } .filters label { margin-right: .6rem; white-space: nowrap; }
.badge { display: inline-block; min-width: 3.2rem; text-align: center; border-radius: 10px; padding: 0 .4rem;
         font-size: .85rem; color: #fff; }
.b-strong { background: var(--strong); } .b-likely { background: var(--likely); } .b-weak { background: var(--weak); }
.b-left { background: var(--left); } .b-right { background: var(--right); } .b-group { background: #6639ba; }
.rel { font-size: .8rem; color: var(--dim); display: block; }
tr.heading td { background: #f3f6fa; font-weight: 600; }
tr.row:not(.heading) td.side { padding-left: 1.6rem; }
tr.chapter td { background: #e8eef6; font-size: 1.02rem; }
td.side { width: 46%; } td.mid { width: 8%; text-align: center; white-space: nowrap; }
.path { color: var(--dim); font-size: .85rem; margin-right: .3rem; } .src { font-size: .75rem; margin-left: .4rem; }
.only-left td.side:first-child { border-left: 3px solid var(--left); }
.only-right td.side:last-child { border-right: 3px solid var(--right); }
input.toggle { position: absolute; opacity: 0; pointer-events: none; }
label.expand { cursor: pointer; } label.expand::before { content: "▸ "; color: var(--dim); }
tr:has(input.toggle:checked) label.expand::before { content: "▾ "; }
tr.texts { display: none; } tr:has(input.toggle:checked) + tr.texts { display: table-row; }
tr:has(input.toggle:checked) + tr.texts + tr.why { display: table-row; } tr.why td { font-size: .82rem; }
tr.texts td { background: #fcfcfd; font-size: .92rem; white-space: pre-wrap; }
mark { background: var(--mark); padding: 0 1px; } del { color: var(--left); background: #ffebe9; }
ins { color: var(--strong); background: #dafbe1; text-decoration: none; }
.bar { display: inline-block; height: .55rem; background: var(--right); border-radius: 2px; vertical-align: middle; }
.bar.l { background: #8250df; } .num { white-space: nowrap; }
.heat td.cell { text-align: center; font-variant-numeric: tabular-nums; }
.cluster td:first-child { white-space: nowrap; }
td.name { min-width: 13rem; }
.status { font-size: .9rem; color: var(--dim); }
.judge { display: block; font-size: .85rem; } .judge label { margin: 0 .2rem; cursor: pointer; }
select.pick { display: block; max-width: 9rem; font-size: .75rem; margin: .2rem auto 0; }
.review { font-size: .9rem; }
footer { margin-top: 2rem; font-size: .8rem; color: var(--dim); }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; } .filters, .noprint { display: none !important; }
  th { position: static; } tr.texts { display: table-row; } label.expand::before { content: ""; }
  tr { break-inside: avoid; }
}
"""


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def source_link(path: str, line: int | None, files: Mapping[str, str] | None = None, *,
                compact: bool = False) -> str:
    """``file:line``, linked when ``files`` (:func:`file_links`) holds a link for ``path``, the
    source path as shown (``corpora/…``). ``compact`` shows the line only (the file in the
    link's title)."""
    if not path:
        return ""
    name = PurePosixPath(path.replace("\\", "/")).name
    where = f"{name}:{line}" if line else name
    if compact:
        where = f"L{line}" if line else name
    href = (files or {}).get(path)
    title = f'title="{esc(path)}, line {esc(line)}"'
    if href is None:
        return f'<span class="src" {title}>{esc(where)}</span>'
    return f'<a class="src" href="{esc(href)}" {title}>{esc(where)}</a>'


def file_links(files: Mapping[str, str], stream: TextIO) -> dict[str, str]:
    """Each file of ``files`` (source path as shown → the file) as a link relative to the folder
    the page is written to (the file's, else the working directory). A page is made to be shared:
    it carries no absolute path of the machine that wrote it, so a file is linked only when it
    and the page both lie inside the working directory (a link never climbs above it)."""
    name = getattr(stream, "name", None)
    written = isinstance(name, str) and os.path.isfile(name)
    here = os.getcwd()
    base = os.path.dirname(os.path.abspath(name)) if written and isinstance(name, str) else here
    links = {}
    for shown, target in files.items():
        absolute = os.path.abspath(target)
        try:
            inside = os.path.commonpath([here, absolute, base]) == here
        except ValueError:  # another drive (Windows)
            continue
        if inside:
            links[shown] = quote(os.fsencode(os.path.relpath(absolute, base).replace(os.sep, "/")))
    return links


def page(title: str, body: Iterable[str], script: str = "") -> str:
    """A whole page around ``body``."""
    parts = ["<!DOCTYPE html>", '<html lang="zh-Hans">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{esc(title)}</title>", f"<style>{CSS}</style>", "</head>", "<body>", *body]
    if script:
        parts.append(f"<script>{script}</script>")
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def document_meta(docs: list[Document], files: Mapping[str, str] | None = None) -> str:
    """A table of the documents' metadata, one column per document."""
    fields = [("id", lambda d: d.id), ("title", lambda d: d.title), ("kind", lambda d: d.kind),
              ("region", lambda d: d.region or "—"), ("level", lambda d: d.level or "—"),
              ("文号", lambda d: d.doc_number or "—"), ("issuer", lambda d: d.issuer or "—"),
              ("date", lambda d: d.dated or "—"), ("measures", lambda d: d.stats.get("measures", "—"))]
    if any(d.stats.get("articles") for d in docs):  # a regulation: its 第X条 are what it does
        fields.append(("articles", lambda d: d.stats.get("articles", 0)))
    rows = ["<table class=\"meta\">"]
    for name, get in fields:
        rows.append(f"<tr><th>{esc(name)}</th>" + "".join(f"<td>{esc(get(d))}</td>" for d in docs) + "</tr>")
    rows.append("<tr><th>source</th>" + "".join(
        f"<td>{source_link(d.source.path, d.source.line_start, files)}</td>" for d in docs) + "</tr>")
    rows.append("</table>")
    return "\n".join(rows)


def highlight(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` escaped, with the ``[start, end)`` spans in ``<mark>``."""
    out, last = [], 0
    for start, end in sorted(spans):
        if start < last:
            start = last
        if start >= end:
            continue
        out += [esc(text[last:start]), f"<mark>{esc(text[start:end])}</mark>"]
        last = end
    out.append(esc(text[last:]))
    return "".join(out)


def bar(value: float | None, top: float, cls: str = "") -> str:
    """A small inline bar of ``value`` out of ``top`` (nothing when either is unknown)."""
    if value is None or not top or value < 0:
        return ""
    width = max(2, round(60 * min(value / top, 1.0)))
    return f'<span class="bar {cls}" style="width:{width}px" title="{esc(value)}"></span>'
