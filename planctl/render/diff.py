"""Renderers of ``planctl diff``: rich side by side, markdown, json, csv."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TextIO

from planctl.compare.align import compared_text
from planctl.compare.diff import Diff, DiffPair, IndicatorDiff
from planctl.export import indicator_row
from planctl.indicators import Indicator
from planctl.model import HEADING_KINDS, Node
from planctl.render import md_cell, register, write_json
from planctl.render.rows import write_csv
from planctl.render.show import console_for

if TYPE_CHECKING:
    from rich.text import Text

_STATUS_MARK = {"matched": "=", "changed": "~", "left_only": "<", "right_only": ">"}
_CONTEXT = 12  # characters of unchanged text kept around a word change


def _label(node: Node | None) -> str:
    if node is None:
        return "—"
    number = f"{node.path} " if node.path else ""
    return f"{number}{node.title or node.text[:30]}"


def _base_target(ind: Indicator | None) -> str:
    """``base → target (done actual)`` as printed; a column the table lacks is left out."""
    if ind is None:
        return "—"
    base, target, actual = (cell.raw if cell else "" for cell in (ind.base, ind.target, ind.actual))
    text = f"{base} → {target}" if base else target
    return f"{text} (done {actual})" if actual else text


def _compress(segments: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Keep only a little unchanged text around each change."""
    out: list[tuple[str, str]] = []
    for k, (op, text) in enumerate(segments):
        if op == "=" and len(text) > 2 * _CONTEXT:
            head = text[:_CONTEXT] if k > 0 else ""
            tail = text[-_CONTEXT:] if k < len(segments) - 1 else ""
            text = f"{head}…{tail}"
        out.append((op, text))
    return out


def _segments_text(segments: list[tuple[str, str]]) -> Text:
    from rich.text import Text

    text = Text()
    for op, part in _compress(segments):
        # git --word-diff=plain markers, so the edit reads without colour too
        if op == "-":
            text.append(f"[-{part}-]", style="red")
        elif op == "+":
            text.append(f"{{+{part}+}}", style="green")
        else:
            text.append(part, style="dim")
    return text


_LABEL_STYLE = {"strong": "green", "likely": "yellow", "weak": "dim"}
_RELATION_MARK = {"same": "≡", "adapted": "≈", "related": ""}


def _members(nodes: list[Node]) -> str:
    return "、".join(n.path or n.title for n in nodes)


def _passage_text(p: DiffPair) -> Text | None:
    """The longest passage both hold, in bold, and how much more they share."""
    from rich.text import Text

    passages = p.pair.passages
    if not passages:
        return None
    text = Text("  ")
    text.append(f"“{passages[0].text}”", style="bold")
    more = sum(x.length for x in passages[1:])
    if more:
        text.append(f"  +{len(passages) - 1} more ({more} characters)", style="dim")
    return text


def _summary_lines(d: Diff) -> list[str]:
    s = d.summary
    lines = []
    if s["matched"]:
        lines.append(f"[dim]pairs[/] [green]strong {s['strong']}[/] · [yellow]likely {s['likely']}[/] · "
                     f"[dim]weak {s['weak']}[/] · [dim]same text[/] {s['same']} · [dim]adapted[/] {s['adapted']} · "
                     f"[dim]related[/] {s['related']}")
    shared = d.shared()
    lines.append(f"[dim]text shared word for word[/] {d.left.id} {shared['left']:.0%} · "
                 f"{d.right.id} {shared['right']:.0%}")
    if s["grouped"] or s["restated"]:
        lines.append(f"[dim]headings matched as groups[/] {s['grouped']} · "
                     f"[dim]附件 items restating their own plan's measures (not counted)[/] {s['restated']}")
    if d.calibrated_on:
        lines.append(f"[dim]confidence calibrated on[/] {d.calibrated_on} [dim]of your pairs (planctl calibrate)[/]")
    adoption = d.adoption()
    if adoption:
        lines.append(f"[bold]adoption[/] {adoption['city']} from {adoption['province']}: "
                     "measures adopted word for word "
                     f"{adoption['adopted']} · adapted {adoption['adapted']} · reworded {adoption['reworded']} · "
                     f"added by the city {adoption['added']} · not taken up {adoption['not_taken_up']}")
    return lines


@register("diff", "rich")
def diff_rich(d: Diff, stream: TextIO) -> None:
    from rich.markup import escape
    from rich.table import Table

    console = console_for(stream)
    s = d.summary
    console.print(f"[bold]{escape(d.left.title)}[/] [dim]({d.left.id})[/]  ⟷  "
                  f"[bold]{escape(d.right.title)}[/] [dim]({d.right.id})[/]")
    mode = "versions: two editions of one plan" if d.mode == "versions" else "compare"
    console.print(f"[dim]mode[/] {mode} · [dim]matched[/] {s['matched']} ([dim]changed[/] {s['changed']}) · "
                  f"[red]only left {s['left_only']}[/] · [green]only right {s['right_only']}[/]")
    for line in _summary_lines(d):
        console.print(line)
    if d.pairs:
        table = Table(show_lines=False, expand=True, caption="confidence: [green]strong[/] [yellow]likely[/] "
                      "[dim]weak[/] · ≡ same text · ≈ adapted · ⊃ a group of headings", caption_justify="left")
        table.add_column(d.left.id, ratio=1)
        table.add_column("sure", justify="center", width=6)
        table.add_column(d.right.id, ratio=1)
        for p in d.pairs:
            _add_pair_rows(table, p, escape, d.explain)
        console.print(table)
    if d.indicators:
        console.print(_indicator_table(d))


_WHY_FEATURES = ("title", "soft_title", "content", "semantic", "latent", "context", "kids", "parents", "region",
                 "margin", "coverage")
"""The features shown by ``--explain``, most telling first (all of them are in the JSON)."""


def why_line(p: DiffPair) -> tuple[str, str, str]:
    """Why a pair was made, in three plain parts: the main feature values, the words both use and
    the differently worded terms planctl related."""
    f = p.pair.features
    values = " · ".join(f"{name} {f[name]:.2f}" for name in _WHY_FEATURES if f.get(name))
    ev = p.pair.evidence
    shared = "、".join(ev.shared_words[:6]) if ev else ""
    related = "、".join(f"{t.left}~{t.right}" for t in ev.related_terms[:4]) if ev else ""
    return values, shared, related


def _why_text(p: DiffPair) -> Text:
    from rich.text import Text

    values, shared, related = why_line(p)
    text = Text("  why ", style="dim")
    text.append(values or "same text", style="dim")
    if shared:
        text.append("\n  shared ", style="dim")
        text.append(shared)
    if related:
        text.append("\n  related ", style="dim")
        text.append(related)
    return text


def _add_pair_rows(table: Any, p: DiffPair, escape: Any, explain: bool = False) -> None:
    heading = p.pair.kind in HEADING_KINDS
    left, right = escape(_label(p.pair.left)), escape(_label(p.pair.right))
    if p.status == "left_only":
        table.add_row(f"[red]{left}[/]", "[red]<[/]", "[dim]—[/]")
        return
    if p.status == "right_only":
        table.add_row("[dim]—[/]", "[green]>[/]", f"[green]{right}[/]")
        return
    if p.status == "grouped":
        members = escape(_members(p.pair.group)) + " [dim](group)[/]"
        table.add_row(*((f"[cyan]{left}[/]", "⊃", members) if p.pair.left else (members, "⊂", f"[cyan]{right}[/]")))
        return
    mark = _RELATION_MARK.get(p.pair.relation, "")
    score = f"[{_LABEL_STYLE.get(p.pair.label, 'dim')}]{p.pair.confidence:.2f}{mark}[/]"
    if heading:
        left, right = f"[bold cyan]{left}[/]", f"[bold cyan]{right}[/]"
    # Between editions a changed pair is news; between two plans nearly every pair is worded differently.
    changed = "[yellow]~[/]" if p.status == "changed" and p.segments else ""
    table.add_row(left, score + changed, right)
    if explain:
        table.add_row(_why_text(p), "", "")
    if p.segments:
        table.add_row(_segments_text(p.segments), "", "")
    elif not heading and p.pair.relation != "same":
        passage = _passage_text(p)
        if passage is not None:
            table.add_row(passage, "", "")


def _indicator_table(d: Diff) -> Any:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="indicators", title_justify="left", expand=True)
    for col in (d.left.id, "unit", "base → target", "", d.right.id, "unit ", "base → target "):
        table.add_column(col, justify="center" if col == "" else "left")
    for i in d.indicators:
        left, right = i.pair.left, i.pair.right
        mark = {"matched": "[green]=[/]", "changed": "[yellow]≠[/]", "left_only": "[red]<[/]",
                "right_only": "[green]>[/]"}[i.status]
        table.add_row(
            escape(left.name) if left else "[dim]—[/]", escape(left.unit) if left else "",
            escape(_base_target(left)) if left else "", mark,
            escape(right.name) if right else "[dim]—[/]", escape(right.unit) if right else "",
            escape(_base_target(right)) if right else "",
        )
    return table


@register("diff", "markdown")
def diff_markdown(d: Diff, stream: TextIO) -> None:
    s = d.summary
    out = [
        f"# {d.left.title} ⟷ {d.right.title}",
        "",
        f"`{d.left.id}` ⟷ `{d.right.id}` · mode **{d.mode}** · matched {s['matched']} (changed {s['changed']})"
        f" · only left {s['left_only']} · only right {s['right_only']}",
        "",
    ]
    if d.pairs:
        for line in _summary_lines(d):
            out += [_plain(line), ""]
        out += [f"| {d.left.id} | confidence | {d.right.id} |", "|---|:---:|---|"]
        for p in d.pairs:
            if p.status == "grouped":
                members = md_cell(_members(p.pair.group)) + " (group)"
                one = md_cell(_label(p.pair.left or p.pair.right))
                left, right = (one, members) if p.pair.left else (members, one)
                out.append(f"| {left} | {'⊃' if p.pair.left else '⊂'} | {right} |")
                continue
            score = {"left_only": "<", "right_only": ">"}.get(
                p.status, f"{p.pair.confidence:.2f} {p.pair.label}{_RELATION_MARK.get(p.pair.relation, '')}")
            left, right = md_cell(_label(p.pair.left)), md_cell(_label(p.pair.right))
            if p.pair.kind in HEADING_KINDS and p.pair.left and p.pair.right:
                left, right = f"**{left}**", f"**{right}**"
            out.append(f"| {left} | {score} | {right} |")
            if d.explain and p.pair.left and p.pair.right:
                values, shared, related = why_line(p)
                why = " — ".join(x for x in (values, f"shared {shared}" if shared else "",
                                             f"related {related}" if related else "") if x)
                out.append(f"| {md_cell(why)} | | |")
            if p.word_diff:
                out.append(f"| {md_cell(p.word_diff)} | | |")
        out.append("")
    if d.indicators:
        out += ["## Indicators", "", f"| {d.left.id} | base → target | | {d.right.id} | base → target |",
                "|---|---|:---:|---|---|"]
        for ind in d.indicators:
            lrow, rrow = ind.pair.left, ind.pair.right
            mark = _STATUS_MARK[ind.status]
            out.append(f"| {md_cell(lrow.name) if lrow else '—'} | {md_cell(_base_target(lrow)) if lrow else ''} "
                       f"| {mark} | {md_cell(rrow.name) if rrow else '—'} "
                       f"| {md_cell(_base_target(rrow)) if rrow else ''} |")
        out.append("")
    stream.write("\n".join(out) + "\n")


def _plain(markup: str) -> str:
    import re

    return re.sub(r"\[/?[a-z ]*\]", "", markup)


def _item(node: Node | None) -> dict[str, Any] | None:
    if node is None:
        return None
    return {"kind": node.kind, "path": node.path, "number": node.number, "title": node.title, "text": node.text,
            "line_start": node.line_start}


def _compared(p: DiffPair) -> dict[str, str] | None:
    """The two texts the passages' offsets index (title and body as compared), with passages only."""
    left, right = p.pair.left, p.pair.right
    if not p.pair.passages or left is None or right is None:
        return None
    return {"left": compared_text(left), "right": compared_text(right)}


def diff_to_dict(d: Diff) -> dict[str, Any]:
    """The JSON contract of ``planctl diff --format json``."""
    return {
        "left": {"id": d.left.id, "title": d.left.title},
        "right": {"id": d.right.id, "title": d.right.title},
        "mode": d.mode,
        "summary": d.summary,
        "shared": d.shared(),
        "adoption": d.adoption(),
        "pairs": [
            {"kind": p.pair.kind, "score": p.pair.score, "status": p.status, "left": _item(p.pair.left),
             "right": _item(p.pair.right), "changes": [c.to_dict() for c in p.changes],
             "word_diff": p.word_diff, "confidence": p.pair.confidence, "label": p.pair.label,
             "relation": p.pair.relation, "shared": p.pair.shared, "stage": p.pair.stage,
             "passages": [x.to_dict() for x in p.pair.passages],
             "compared": _compared(p),
             "group": [_item(n) for n in p.pair.group], "features": p.pair.features,
             "evidence": p.pair.evidence.to_dict() if p.pair.evidence is not None else None}
            for p in d.pairs
        ],
        "restatements": [
            {"side": r.side, "item": _item(r.item), "restates": _item(r.body), "score": r.score}
            for r in d.restatements
        ],
        "indicators": [
            {"score": i.pair.score, "status": i.status, "left": _row(i.pair.left), "right": _row(i.pair.right),
             "changed_fields": i.changed_fields}
            for i in d.indicators
        ],
    }


def _row(ind: Indicator | None) -> dict[str, Any] | None:
    return indicator_row(ind) if ind else None


@register("diff", "json")
def diff_json(d: Diff, stream: TextIO) -> None:
    write_json(diff_to_dict(d), stream)


DIFF_CSV_COLUMNS = ("kind", "status", "confidence", "label", "score", "left_plan_id", "left_path", "left_title",
                    "left_line", "right_plan_id", "right_path", "right_title", "right_line", "word_diff", "relation",
                    "shared", "left_text", "right_text", "left_file", "right_file", "left_plan_title",
                    "right_plan_title")
"""A row per pair: how sure (confidence, label) before the raw score, as the terminal shows it;
each side's plan, place and text, so a row stands on its own in a spreadsheet."""


def _plans_csv(d: Diff) -> dict[str, Any]:
    return {"left_plan_id": d.left.id, "right_plan_id": d.right.id, "left_file": d.left.source.path,
            "right_file": d.right.source.path, "left_plan_title": d.left.title, "right_plan_title": d.right.title}


def _csv_rows(d: Diff) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    plans = _plans_csv(d)
    for p in d.pairs:
        left, right = p.pair.left, p.pair.right
        rows.append({
            **plans, "kind": p.pair.kind, "status": p.status, "score": p.pair.score,
            "left_path": left.path if left else "", "left_title": left.title if left else "",
            "left_line": left.line_start if left else None,
            "right_path": right.path if right else "", "right_title": right.title if right else "",
            "right_line": right.line_start if right else None, "word_diff": p.word_diff,
            "confidence": p.pair.confidence if left and right else None, "label": p.pair.label,
            "relation": p.pair.relation, "shared": p.pair.shared if left and right else None,
            "left_text": compared_text(left) if left else "", "right_text": compared_text(right) if right else "",
        })
    for i in d.indicators:
        rows.append({**plans, **_indicator_csv(i)})
    return rows


def _indicator_csv(i: IndicatorDiff) -> dict[str, Any]:
    left, right = i.pair.left, i.pair.right
    return {
        "kind": "indicator", "status": i.status, "score": i.pair.score,
        "left_path": _table_title(left), "left_title": left.name if left else "",
        "left_line": left.line if left else None,
        "right_path": _table_title(right), "right_title": right.name if right else "",
        "right_line": right.line if right else None, "word_diff": ", ".join(i.changed_fields),
        "confidence": None, "label": "", "relation": "", "shared": None,
        "left_text": f"{left.name} {left.unit} {_base_target(left)}".strip() if left else "",
        "right_text": f"{right.name} {right.unit} {_base_target(right)}".strip() if right else "",
    }


def _table_title(ind: Indicator | None) -> str:
    return ind.table.title if ind and ind.table else ""


@register("diff", "csv")
def diff_csv(d: Diff, stream: TextIO) -> None:
    write_csv(stream, DIFF_CSV_COLUMNS, _csv_rows(d), raw=("score", "left_line", "right_line", "confidence", "shared"))
