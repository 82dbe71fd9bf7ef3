"""Renderers of ``planctl compare``: the similarity matrix, the indicator matrix and the measure
clusters, in rich, markdown, json, csv (one table, chosen by ``--table``) and html."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TextIO

from planctl.compare.many import Cluster, Comparison, IndicatorRow, Similarity
from planctl.indicators import Indicator
from planctl.model import Node
from planctl.render import md_cell, register, write_json
from planctl.render.html import bar, document_meta, esc, file_links, page, source_link
from planctl.render.rows import write_csv
from planctl.render.show import console_for

TABLES = ("similarity", "indicators", "clusters")


@dataclass
class CompareView:
    """A comparison and the one table a CSV holds."""

    comparison: Comparison
    table: str = "similarity"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _cell(ind: Indicator | None) -> str:
    """Target as printed, unit, and 约束性/预期性 as ◆/◇."""
    if ind is None:
        return "—"
    target = ind.target.raw if ind.target else ""
    mark = {"binding": " ◆", "expected": " ◇"}.get(ind.attribute, "")
    return f"{target}{mark}"


def _wording(node: Node) -> str:
    if not node.title and node.number:  # an article: 第三条 政务部门应当…
        return f"{node.number} {node.text[:36]}"
    return node.title or node.text[:40]


def similarity_rows(c: Comparison) -> list[dict[str, Any]]:
    rows = []
    for i, a in enumerate(c.plans):
        for j, b in enumerate(c.plans):
            if i == j:
                continue
            s = c.matrix[i][j]
            rows.append({"plan": a.id, "other": b.id, "measures_matched": s.measures, "text_shared": s.text,
                         "document_similarity": s.document, "aligned": s.measures is not None})
    return rows


def indicator_rows(c: Comparison) -> list[dict[str, Any]]:
    rows = []
    for k, row in enumerate(c.indicators, start=1):
        for p, ind in sorted(row.cells.items()):
            cell = ind.target
            rows.append({"concept": k, "indicator": row.name, "plan": c.plans[p].id, "name": ind.name,
                         "unit": ind.unit, "target_raw": cell.raw if cell else "",
                         "target_value": cell.value if cell else None,
                         "target_comparator": cell.comparator if cell else "",
                         "target_cumulative": cell.cumulative if cell else None,
                         "attribute": ind.attribute, "plans_with_it": len(row.cells)})
    return rows


def cluster_rows(c: Comparison) -> list[dict[str, Any]]:
    rows = []
    for k, cl in enumerate(c.clusters, start=1):
        for p, node in sorted(cl.members.items()):
            rows.append({"cluster": k, "plans_with_it": cl.size, "plan": c.plans[p].id, "path": node.path,
                         "title": node.title, "line": node.line_start})
    return rows


CSV_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "similarity": (("plan", "other", "measures_matched", "text_shared", "document_similarity", "aligned"),
                   ("measures_matched", "text_shared", "document_similarity", "aligned")),
    "indicators": (("concept", "indicator", "plan", "name", "unit", "target_raw", "target_value",
                    "target_comparator", "target_cumulative", "attribute", "plans_with_it"),
                   ("concept", "target_value", "target_cumulative", "plans_with_it")),
    "clusters": (("cluster", "plans_with_it", "plan", "path", "title", "line"), ("cluster", "plans_with_it", "line")),
}
_ROWS: dict[str, Callable[[Comparison], list[dict[str, Any]]]] = {
    "similarity": similarity_rows, "indicators": indicator_rows, "clusters": cluster_rows}


@register("compare", "csv")
def compare_csv(view: CompareView, stream: TextIO) -> None:
    columns, _typed = CSV_COLUMNS[view.table]
    write_csv(stream, columns, _ROWS[view.table](view.comparison))


def compare_to_dict(c: Comparison) -> dict[str, Any]:
    def item(node: Node) -> dict[str, Any]:
        return {"path": node.path, "title": node.title, "text": node.text, "line_start": node.line_start}

    def sim(s: Similarity) -> dict[str, Any]:
        return {"measures_matched": s.measures, "text_shared": s.text, "document_similarity": s.document}

    return {
        "plans": [{"id": p.id, "title": p.title, "region": p.region, "level": p.level, "source": p.source.path}
                  for p in c.plans],
        "aligned_pairs": c.aligned_pairs,
        "similarity": [[sim(s) for s in row] for row in c.matrix],
        "indicators": [{"indicator": r.name, "unit": r.unit, "plans": {c.plans[k].id: {
            "name": ind.name, "unit": ind.unit, "target_raw": ind.target.raw if ind.target else "",
            "target_value": ind.target.value if ind.target else None, "attribute": ind.attribute}
            for k, ind in sorted(r.cells.items())}} for r in c.indicators],
        "clusters": [{"plans_with_it": cl.size,
                      "members": {c.plans[k].id: item(n) for k, n in sorted(cl.members.items())}}
                     for cl in c.clusters],
    }


@register("compare", "json")
def compare_json(view: CompareView, stream: TextIO) -> None:
    write_json(compare_to_dict(view.comparison), stream)


@register("compare", "markdown")
def compare_markdown(view: CompareView, stream: TextIO) -> None:
    c = view.comparison
    ids = [p.id for p in c.plans]
    out = [f"# Comparing {len(c.plans)} plans", "", "## How alike (share of measures matched · of text shared)", "",
           "| | " + " | ".join(ids) + " |", "|---|" + "---|" * len(ids)]
    for i, a in enumerate(ids):
        cells = ["—" if i == j else f"{_pct(c.matrix[i][j].measures)} · {_pct(c.matrix[i][j].text)}"
                 for j in range(len(ids))]
        out.append(f"| {a} | " + " | ".join(cells) + " |")
    out += ["", "## Indicator targets (◆ binding, ◇ expected)", ""]
    if not c.indicators:
        out.append("None of these plans has an indicator table.")
    else:
        out += ["| indicator | unit | " + " | ".join(ids) + " |", "|---|---|" + "---|" * len(ids)]
    for r in c.indicators:
        out.append(f"| {md_cell(r.name)} | {md_cell(r.unit)} | " + " | ".join(md_cell(_cell(r.cells.get(k)))
                                                              for k in range(len(ids))) + " |")
    out += ["", "## Measures across plans (most shared first)", "", "| plans | " + " | ".join(ids) + " |",
            "|---|" + "---|" * len(ids)]
    for cl in c.clusters:
        out.append(f"| {cl.size} | " + " | ".join(md_cell(_wording(cl.members[k])) if k in cl.members else ""
                                                   for k in range(len(ids))) + " |")
    stream.write("\n".join(out) + "\n")


@register("compare", "rich")
def compare_rich(view: CompareView, stream: TextIO) -> None:
    from rich.markup import escape
    from rich.table import Table

    c = view.comparison
    console = console_for(stream)
    console.print(f"[bold]Comparing {len(c.plans)} plans[/] [dim]({c.aligned_pairs} pairwise alignments)[/]")
    sim = Table(title="how alike: measures matched · text shared", title_justify="left")
    sim.add_column("")
    for p in c.plans:
        sim.add_column(p.id, justify="center")
    for i, p in enumerate(c.plans):
        sim.add_row(p.id, *("—" if i == j else f"{_pct(c.matrix[i][j].measures)} · {_pct(c.matrix[i][j].text)}"
                            for j in range(len(c.plans))))
    console.print(sim)
    inds = Table(title="indicator targets (◆ binding, ◇ expected)", title_justify="left")
    for col in ("indicator", "unit", *(p.id for p in c.plans)):
        inds.add_column(col)
    for r in c.indicators:
        inds.add_row(escape(r.name), escape(r.unit), *(escape(_cell(r.cells.get(k))) for k in range(len(c.plans))))
    console.print(inds if c.indicators else "[dim]None of these plans has an indicator table.[/]")
    clusters = Table(title="measures across plans, most shared first", title_justify="left")
    clusters.add_column("plans", justify="right")
    for p in c.plans:
        clusters.add_column(p.id)
    for cl in c.clusters:
        clusters.add_row(str(cl.size), *(escape(_wording(cl.members[k])) if k in cl.members else "[dim]—[/]"
                                         for k in range(len(c.plans))))
    console.print(clusters)


def _heat(value: float | None) -> str:
    if value is None:
        return "background:#f6f8fa"
    # white → blue, by the share of measures matched
    level = max(0.0, min(1.0, value))
    r, g = round(255 - 190 * level), round(255 - 120 * level)
    color = "#fff" if level > 0.6 else "#1f2328"
    return f"background:rgb({r},{g},255);color:{color}"


def _cluster_row(c: Comparison, cl: Cluster) -> str:
    cells = []
    for k, plan in enumerate(c.plans):
        node = cl.members.get(k)
        link = "" if node is None else source_link(plan.source.path, node.line_start, c.files, compact=True)
        cells.append("<td class=\"dim\">—</td>" if node is None else f"<td>{esc(_wording(node))}{link}</td>")
    return f'<tr class="cl-{cl.size}"><td>{cl.size}</td>{"".join(cells)}</tr>'


def _indicator_row(c: Comparison, r: IndicatorRow) -> str:
    values = [ind.target.value for ind in r.cells.values() if ind.target and ind.target.value is not None
              and ind.unit == r.unit]
    top = max(values) if values else 0.0
    cells = []
    for k, plan in enumerate(c.plans):
        ind = r.cells.get(k)
        if ind is None:
            cells.append('<td class="dim">—</td>')
            continue
        value = ind.target.value if ind.target and ind.unit == r.unit else None
        cells.append(f"<td class=\"num\">{esc(_cell(ind))} {bar(value, top)}"
                     f"{source_link(plan.source.path, ind.line, c.files, compact=True)}</td>")
    return f"<tr><td class=\"name\">{esc(r.name)}</td><td>{esc(r.unit)}</td>{''.join(cells)}</tr>"


@register("compare", "html")
def compare_html(view: CompareView, stream: TextIO) -> None:
    from planctl import __version__

    c = replace(view.comparison, files=file_links(view.comparison.files, stream))
    ids = [p.id for p in c.plans]
    head = "".join(f"<th>{esc(i)}</th>" for i in ids)
    body = [f"<h1>Comparing {len(c.plans)} plans</h1>", '<section id="plans">', document_meta(c.plans, c.files),
            "</section>",
            '<section id="similarity"><h2>How alike the plans are</h2>',
            '<p class="dim">Each cell: share of the two plans\' measures matched to each other, and (smaller) the '
            "share of their text held word for word by the other. Darker is more alike; grey cells were not "
            "aligned (too unlike, or not among each plan's nearest).</p>",
            f'<table class="heat"><thead><tr><th></th>{head}</tr></thead><tbody>']
    for i, a in enumerate(ids):
        cells = []
        for j in range(len(ids)):
            s = c.matrix[i][j]
            if i == j:
                cells.append('<td class="cell dim">—</td>')
                continue
            cells.append(f'<td class="cell" style="{_heat(s.measures)}" title="document similarity '
                         f'{s.document:.2f}">{_pct(s.measures)}<br><small>{_pct(s.text)} text</small></td>')
        body.append(f"<tr><th>{esc(a)}</th>{''.join(cells)}</tr>")
    indicators = [
        '<p class="dim">One row per indicator (names reconciled through synonyms and the pairwise alignments); '
        "the target as printed, ◆ binding (约束性), ◇ expected (预期性), 〔〕 a five-year total.</p>",
        f"<table><thead><tr><th>indicator</th><th>unit</th>{head}</tr></thead><tbody>",
        *(_indicator_row(c, r) for r in c.indicators), "</tbody></table>",
    ] if c.indicators else ['<p class="dim">None of these plans has an indicator table.</p>']
    body += ["</tbody></table></section>", '<section id="indicators"><h2>Indicator targets</h2>', *indicators,
             "</section>", '<section id="clusters"><h2>Measures across plans</h2>',
             '<p class="dim">Measures that correspond across plans (pairs at least <i>likely</i>, never two of one '
             "plan together), most shared first, then the ones a single plan has.</p>",
             f'<table class="cluster"><thead><tr><th>plans</th>{head}</tr></thead><tbody>',
             *(_cluster_row(c, cl) for cl in c.clusters), "</tbody></table></section>",
             f"<footer>planctl {esc(__version__)} · planctl compare {' '.join(esc(i) for i in ids)}</footer>"]
    stream.write(page(f"Comparing {len(c.plans)} plans", body))
