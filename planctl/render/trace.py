"""Renderers of ``planctl trace``: rich (the documents, then the measures), json, csv (one row per
adoption), graphml (measures and documents as a graph, for Gephi or networkx) and html (a
timeline of adoption and a table per measure)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any, TextIO

from planctl.compare.trace import Adoption, MeasureTrace, Trace, Uptake, date_key
from planctl.model import Document, Node
from planctl.render import register, write_json
from planctl.render.html import esc, file_links, page, source_link
from planctl.render.rows import write_csv
from planctl.render.show import console_for

RELATIONS = ("same", "adapted", "related")
CSV_COLUMNS = ("source_id", "measure_path", "measure_title", "measure_line", "document_id", "document_title",
               "region", "level", "date", "when", "node_path", "node_title", "node_line", "relation", "label",
               "confidence", "shared", "document_share", "document_text_share", "first_appearance",
               "first_appearance_date")
TYPED = ("measure_line", "node_line", "confidence", "shared", "document_share", "document_text_share")


def when(doc: Document, source: Document) -> str:
    """``before``, ``after`` or ``same day`` the source (by date), else ``undated``."""
    a, b = doc.dated, source.dated
    if not a or not b:
        return "undated"
    return "before" if a < b else ("after" if a > b else "same day")


def _doc(doc: Document) -> dict[str, Any]:
    return {"id": doc.id, "title": doc.title, "kind": doc.kind, "region": doc.region, "level": doc.level,
            "date": doc.dated, "path": doc.source.path}


def _measure_name(node: Node) -> str:
    if not node.title and node.number:  # an article: 第三条 …
        return f"{node.number} {node.text[:30]}"
    return node.title or node.text[:36]


def _first(m: MeasureTrace) -> Document | None:
    """The earliest appearance of the measure's longest shared passage."""
    if not m.passages:
        return None
    return max(m.passages, key=lambda p: (p.end - p.start, -p.start)).first


def _uptake(u: Uptake, source: Document) -> dict[str, Any]:
    return _doc(u.document) | {"when": when(u.document, source), "measures": u.measures, "share": u.share,
                               "text_share": u.text_share, "relations": {r: u.relations.get(r, 0) for r in RELATIONS},
                               "confidence": u.confidence}


def _adoption(a: Adoption, source: Document) -> dict[str, Any]:
    return {"document": a.document.id, "region": a.document.region, "level": a.document.level,
            "date": a.document.dated, "when": when(a.document, source),
            "path": a.node.path, "title": _measure_name(a.node), "line": a.node.line_start,
            "relation": a.relation, "label": a.label, "confidence": a.confidence, "shared": a.shared}


def trace_to_dict(t: Trace) -> dict[str, Any]:
    """The JSON contract of ``planctl trace --format json``."""
    return {
        "source": _doc(t.source) | {"measures": len(t.measures)},
        "considered": t.considered, "candidates": t.candidates, "aligned": t.aligned,
        "documents": [_uptake(u, t.source) for u in t.documents],
        "measures": [{"path": m.node.path, "title": _measure_name(m.node), "line": m.node.line_start,
                      "adoptions": [_adoption(a, t.source) for a in m.adoptions],
                      "passages": [{"text": p.text, "start": p.start, "end": p.end,
                                    "first": {"id": p.first.id, "date": p.first.dated},
                                    "holders": [h.id for h in p.holders]} for p in m.passages]}
                     for m in t.measures],
    }


@register("trace", "json")
def trace_json(t: Trace, stream: TextIO) -> None:
    write_json(trace_to_dict(t), stream)


def trace_rows(t: Trace) -> Iterator[dict[str, Any]]:
    """One row per adoption (source measure × document measure), measures in source order,
    documents in date order."""
    shares = {id(u.document): u for u in t.documents}
    for m in t.measures:
        first = _first(m)
        for a in m.adoptions:
            u = shares[id(a.document)]
            yield {"source_id": t.source.id, "measure_path": m.node.path, "measure_title": _measure_name(m.node),
                   "measure_line": m.node.line_start, "document_id": a.document.id,
                   "document_title": a.document.title, "region": a.document.region, "level": a.document.level,
                   "date": a.document.dated, "when": when(a.document, t.source),
                   "node_path": a.node.path, "node_title": _measure_name(a.node), "node_line": a.node.line_start,
                   "relation": a.relation, "label": a.label, "confidence": a.confidence, "shared": a.shared,
                   "document_share": u.share, "document_text_share": u.text_share,
                   "first_appearance": first.id if first else "",
                   "first_appearance_date": (first.dated) if first else ""}


@register("trace", "csv")
def trace_csv(t: Trace, stream: TextIO) -> None:
    write_csv(stream, CSV_COLUMNS, trace_rows(t))


@register("trace", "rich")
def trace_rich(t: Trace, stream: TextIO) -> None:
    from rich.markup import escape
    from rich.table import Table

    console = console_for(stream)
    src = t.source
    taken = sum(1 for m in t.measures if m.adoptions)
    console.print(f"[bold]{escape(src.title)}[/] ({escape(src.id)} · {escape(src.region or '—')} · "
                  f"{escape(src.date or 'undated')})")
    console.print(f"[dim]{len(t.measures)} measures, {taken} taken up by {len(t.documents)} of {t.considered} "
                  f"documents on its subject · {t.candidates} candidate measure pairs · {t.aligned} documents "
                  "aligned[/]")
    docs = Table(title="documents that took up its measures, in date order", title_justify="left")
    for col, justify in (("date", "left"), ("document", "left"), ("region", "left"), ("level", "left"),
                         ("measures", "right"), ("share", "right"), ("text", "right"), ("same", "right"),
                         ("adapted", "right"), ("related", "right"), ("sure", "right")):
        docs.add_column(col, justify=justify)  # type: ignore[arg-type]
    for u in t.documents:
        d = u.document
        docs.add_row(escape(d.dated or "—"), escape(d.id), escape(d.region or "—"), d.level or "—",
                     str(u.measures), f"{u.share:.0%}", f"{u.text_share:.0%}",
                     *(str(u.relations.get(r, 0)) for r in RELATIONS), f"{u.confidence:.2f}")
    console.print(docs)
    measures = Table(title="its measures: who took each up (first three in date order)", title_justify="left")
    for col in ("path", "measure", "taken up by", "same · adapted · related", "first appeared"):
        measures.add_column(col)
    for m in t.measures:
        counts = " · ".join(str(sum(a.relation == r for a in m.adoptions)) for r in RELATIONS)
        first = _first(m)
        takers = _per_document(m.adoptions)
        names = ", ".join(f"{a.document.id} ({a.relation[0]} {a.confidence:.2f})" for a in takers[:3])
        more = len(takers) - 3
        measures.add_row(escape(m.node.path), escape(_measure_name(m.node)),
                         escape(names + (f" +{more} more" if more > 0 else "")) or "[dim]—[/]",
                         counts if m.adoptions else "",
                         escape(f"{first.id} {first.date or ''}".strip()) if first else "")
    console.print(measures)


def _per_document(adoptions: list[Adoption]) -> list[Adoption]:
    """One adoption per document (its surest), date order."""
    best: dict[int, Adoption] = {}
    for a in adoptions:
        held = best.get(id(a.document))
        if held is None or a.confidence > held.confidence:
            best[id(a.document)] = a
    return sorted(best.values(), key=lambda a: date_key(a.document))


# ---- GraphML ---------------------------------------------------------------------------------
_NODE_KEYS = (("kind", "string"), ("label", "string"), ("title", "string"), ("region", "string"),
              ("level", "string"), ("date", "string"), ("path", "string"), ("line", "int"), ("share", "double"),
              ("text_share", "double"))
_EDGE_KEYS = (("relation", "string"), ("label", "string"), ("confidence", "double"), ("shared", "double"),
              ("path", "string"), ("line", "int"))


@register("trace", "graphml")
def trace_graphml(t: Trace, stream: TextIO) -> None:
    """The source document, its measures and the documents that took them up as a directed graph:
    document → its measure (``contains``), measure → adopting document (``adopted``, with the
    relation, label and confidence of the pair; ``path`` and ``line`` the document's measure)."""
    import xml.etree.ElementTree as ET

    ns = "http://graphml.graphdrawing.org/xmlns"
    root = ET.Element("graphml", {"xmlns": ns})
    for name, kind in _NODE_KEYS:
        ET.SubElement(root, "key", {"id": f"n_{name}", "for": "node", "attr.name": name, "attr.type": kind})
    for name, kind in (("type", "string"), *_EDGE_KEYS):
        ET.SubElement(root, "key", {"id": f"e_{name}", "for": "edge", "attr.name": name, "attr.type": kind})
    graph = ET.SubElement(root, "graph", {"id": t.source.id, "edgedefault": "directed"})

    def add(parent: ET.Element, tag: str, attrs: dict[str, str], data: dict[str, Any], prefix: str) -> None:
        el = ET.SubElement(parent, tag, attrs)
        for key, value in data.items():
            if value is not None and value != "":
                ET.SubElement(el, "data", {"key": f"{prefix}_{key}"}).text = str(value)

    def doc_data(d: Document, u: Uptake | None) -> dict[str, Any]:
        return {"kind": "document", "label": d.id, "title": d.title, "region": d.region, "level": d.level,
                "date": d.dated, "path": d.source.path, "share": u.share if u else 1.0,
                "text_share": u.text_share if u else 1.0}

    add(graph, "node", {"id": f"d:{t.source.id}"}, doc_data(t.source, None), "n")
    for u in t.documents:
        add(graph, "node", {"id": f"d:{u.document.id}"}, doc_data(u.document, u), "n")
    edges = 0
    for k, m in enumerate(t.measures):
        mid = f"m:{k}"
        add(graph, "node", {"id": mid}, {"kind": "measure", "label": _measure_name(m.node), "title": m.node.title,
                                         "path": m.node.path, "line": m.node.line_start}, "n")
        add(graph, "edge", {"id": f"e{edges}", "source": f"d:{t.source.id}", "target": mid}, {"type": "contains"}, "e")
        edges += 1
        for a in m.adoptions:
            add(graph, "edge", {"id": f"e{edges}", "source": mid, "target": f"d:{a.document.id}"},
                {"type": "adopted", "relation": a.relation, "label": a.label, "confidence": a.confidence,
                 "shared": a.shared, "path": a.node.path, "line": a.node.line_start}, "e")
            edges += 1
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n")


# ---- HTML ------------------------------------------------------------------------------------
TRACE_CSS = """
.timeline { position: relative; height: 150px; margin: 1rem 1.5rem 2.4rem; border-bottom: 2px solid var(--line); }
.timeline .dot { position: absolute; bottom: 0; transform: translateX(-50%); border-radius: 50%; opacity: .85;
                 border: 1px solid #fff; }
.timeline .src { background: #1f2328; } .timeline .same { background: var(--strong); }
.timeline .adapted { background: var(--likely); } .timeline .related { background: var(--right); }
.timeline .tick { position: absolute; bottom: -1.5rem; transform: translateX(-50%); font-size: .75rem;
                  color: var(--dim); }
.legend span { display: inline-block; width: .8rem; height: .8rem; border-radius: 50%; margin: 0 .2rem 0 .8rem;
               vertical-align: middle; }
.r-same { color: var(--strong); } .r-adapted { color: var(--likely); } .r-related { color: var(--right); }
details.measure { border: 1px solid var(--line); border-radius: 6px; margin: .5rem 0; padding: .3rem .7rem; }
details.measure summary { cursor: pointer; } details.measure table { margin: .4rem 0; }
.passage { font-size: .88rem; margin: .3rem 0; }
"""


def _dominant(u: Uptake) -> str:
    return max(RELATIONS, key=lambda r: (u.relations.get(r, 0), -RELATIONS.index(r)))


def _timeline(t: Trace) -> str:
    """Documents as dots on a time axis (size: share of the source taken up; colour: how most of it
    was taken up); the source in black; undated documents listed below."""
    from datetime import date

    def day(d: Document) -> date | None:
        text = d.dated
        try:
            return date.fromisoformat(text) if text else None
        except ValueError:
            return None

    dated: list[tuple[date, Uptake]] = []
    for u in t.documents:
        when_ = day(u.document)
        if when_ is not None:
            dated.append((when_, u))
    start = day(t.source)
    points = [p for p, _ in dated] + ([start] if start is not None else [])
    if not points:
        return '<p class="dim">No document here is dated: no timeline.</p>'
    lo, hi = min(points), max(points)
    span = max((hi - lo).days, 1)

    def left(p: date) -> float:
        return 100 * (p - lo).days / span

    dots = []
    if start is not None:
        dots.append(f'<div class="dot src" style="left:{left(start):.2f}%;width:18px;height:18px;'
                    f'bottom:60px" title="{esc(t.source.id)} (the source) {esc(t.source.date)}"></div>')
    for k, (p, u) in enumerate(dated):
        size = 8 + round(26 * u.share)
        rank = (k % 7) * 14  # documents of one day apart
        dots.append(f'<div class="dot {_dominant(u)}" style="left:{left(p):.2f}%;width:{size}px;height:{size}px;'
                    f'bottom:{rank}px" title="{esc(u.document.id)} {esc(u.document.date)}: {u.measures} measures '
                    f'({u.share:.0%}), {esc(_dominant(u))}"></div>')
    for year in sorted({lo.year, hi.year, *(p.year for p, _ in dated)}):
        tick = date(year, 1, 1)
        if lo <= tick <= hi:
            dots.append(f'<div class="tick" style="left:{left(tick):.2f}%">{year}</div>')
    undated = [u.document.id for u in t.documents if day(u.document) is None]
    tail = f'<p class="dim">Undated: {esc(", ".join(undated))}</p>' if undated else ""
    legend = ('<p class="legend dim">Each dot a document, its size the share of the source it took up, its colour '
              'how most of it was taken up:<span class="r-same" style="background:var(--strong)"></span>same'
              '<span style="background:var(--likely)"></span>adapted<span style="background:var(--right)"></span>'
              'related<span style="background:#1f2328"></span>the source</p>')
    return legend + f'<div class="timeline">{"".join(dots)}</div>' + tail


def _measure_section(t: Trace, m: MeasureTrace) -> str:
    rows = [f"<tr><td>{esc(a.document.dated or '—')}</td>"
            f"<td>{esc(a.document.id)}</td><td>{esc(a.document.region or '—')}</td><td>{esc(a.document.level)}</td>"
            f"<td><span class=\"path\">{esc(a.node.path)}</span>{esc(_measure_name(a.node))}"
            f"{source_link(a.document.source.path, a.node.line_start, t.files, compact=True)}</td>"
            f"<td class=\"r-{esc(a.relation)}\">{esc(a.relation)}</td>"
            f"<td><span class=\"badge b-{esc(a.label)}\">{a.confidence:.2f}</span></td></tr>"
            for a in m.adoptions]
    passages = "".join(f'<p class="passage"><mark>{esc(p.text)}</mark> <span class="dim">first in '
                       f'{esc(p.first.id)} {esc(p.first.dated or "(undated)")} · held by '
                       f"{len(p.holders)} documents</span></p>" for p in m.passages[:5])
    table = ("<table><thead><tr><th>date</th><th>document</th><th>region</th><th>level</th><th>its measure</th>"
             f"<th>relation</th><th>sure</th></tr></thead><tbody>{''.join(rows)}</tbody></table>") if rows else \
        '<p class="dim">No document took it up.</p>'
    counts = " · ".join(f"{sum(a.relation == r for a in m.adoptions)} {r}" for r in RELATIONS)
    link = source_link(t.source.source.path, m.node.line_start, t.files, compact=True)
    return (f'<details class="measure"{" open" if m.adoptions else ""}><summary><span class="path">'
            f"{esc(m.node.path)}</span><b>{esc(_measure_name(m.node))}</b>{link} <span class=\"dim\">"
            f"{len(_per_document(m.adoptions))} documents · {counts}</span></summary>{passages}{table}</details>")


@register("trace", "html")
def trace_html(t: Trace, stream: TextIO) -> None:
    from planctl import __version__

    t = replace(t, files=file_links(t.files, stream))
    src = t.source
    taken = sum(1 for m in t.measures if m.adoptions)
    docs = "".join(
        f"<tr><td>{esc(u.document.dated or '—')}</td><td>{esc(u.document.id)}</td>"
        f"<td>{esc(u.document.title)}</td><td>{esc(u.document.region or '—')}</td><td>{esc(u.document.level)}</td>"
        f"<td class=\"num\">{u.measures} ({u.share:.0%})</td><td class=\"num\">{u.text_share:.0%}</td>"
        + "".join(f"<td class=\"num r-{r}\">{u.relations.get(r, 0)}</td>" for r in RELATIONS)
        + f"<td>{esc(when(u.document, src))}</td></tr>" for u in t.documents)
    body = [f"<h1>Who took up {esc(src.title)}</h1>",
            f'<p class="dim">{esc(src.id)} · {esc(src.region or "—")} · {esc(src.date or "undated")} · '
            f"{source_link(src.source.path, src.source.line_start, t.files)}</p>",
            f'<div class="cards"><div class="card"><b>{len(t.measures)}</b><span>measures</span></div>'
            f'<div class="card"><b>{taken}</b><span>taken up elsewhere</span></div>'
            f'<div class="card"><b>{len(t.documents)}</b><span>documents took some up</span></div>'
            f'<div class="card"><b>{t.considered}</b><span>documents on its subject</span></div></div>',
            '<section id="timeline"><h2>Adoption over time</h2>', _timeline(t), "</section>",
            '<section id="documents"><h2>Documents, in date order</h2>',
            "<table><thead><tr><th>date</th><th>id</th><th>title</th><th>region</th><th>level</th>"
            "<th>measures taken up</th><th>text word for word</th><th>same</th><th>adapted</th><th>related</th>"
            f"<th>when</th></tr></thead><tbody>{docs}</tbody></table></section>",
            '<section id="measures"><h2>Each measure</h2>',
            '<p class="dim">Labels and confidence as in <code>planctl diff</code>: same (mostly its text), adapted '
            "(partly), related (the same thing in other words). A shared passage's first appearance is the earliest "
            "dated document holding it.</p>",
            *(_measure_section(t, m) for m in t.measures), "</section>",
            f"<footer>planctl {esc(__version__)} · planctl trace {esc(src.id)}</footer>"]
    stream.write(page(f"Trace of {src.id}", body).replace("</style>", TRACE_CSS + "</style>", 1))
