"""Renderers of ``planctl eval``: precision, recall and F1 per kind, and the misses."""

from __future__ import annotations

from typing import Any, TextIO

from planctl.compare.evaluate import Evaluation
from planctl.render import register, write_json
from planctl.render.show import console_for
from planctl.workspace import CalibrationResult


def _key(key: tuple[str, str] | None) -> str:
    return "|".join(key) if key else "—"


@register("eval", "rich")
def eval_rich(evaluations: list[Evaluation], stream: TextIO) -> None:
    from rich.markup import escape
    from rich.table import Table

    console = console_for(stream)
    for e in evaluations:
        console.print(f"[bold]{escape(e.gold.path)}[/]: {e.left.id} ⟷ {e.right.id} "
                      f"[dim](split: {e.split}{escape(_complete(e))})[/]")
        table = Table(expand=False)
        for col in ("kind", "precision", "recall", "F1", "found", "gold", "made"):
            table.add_column(col, justify="left" if col == "kind" else "right")
        for s in e.scores:
            style = "bold" if s.kind == "all" else ""
            table.add_row(s.kind, f"{s.precision:.2f}", f"{s.recall:.2f}", f"{s.f1:.2f}", str(s.found), str(s.gold),
                          str(s.predicted), style=style)
        console.print(table)
        if e.before is not None:
            b, t = e.before, e.total
            console.print(f"  shipped calibration: P {b.precision:.2f} · R {b.recall:.2f} · F1 {b.f1:.2f} → "
                          f"[bold]calibrated on {e.calibrated_on} of your pairs[/]: P {t.precision:.2f} · "
                          f"R {t.recall:.2f} · F1 {t.f1:.2f}")
        for line, key in e.unknown:
            console.print(f"[yellow]line {line}: {escape(_key(key))} is not in the plan's tree[/]")
        for m in e.misses:
            mark = "[red]missed[/]" if m.what == "missed" else "[yellow]wrong[/] "
            console.print(f"  {mark} {escape(_key(m.left))} ⟷ {escape(_key(m.right))} [dim]— {escape(m.instead)}[/]")
        console.print()


def _complete(e: Evaluation) -> str:
    return f"; complete gold, {e.gold.complete}: any pair not listed is wrong" if e.gold.complete else ""


def evaluation_to_dict(e: Evaluation) -> dict[str, Any]:
    return {"gold": e.gold.path, "left": e.left.id, "right": e.right.id, "split": e.split,
            "complete": e.gold.complete,
            "scores": [s.to_dict() for s in e.scores], "misses": [m.to_dict() for m in e.misses],
            "unknown": [{"line": line, "node": _key(key)} for line, key in e.unknown],
            "before": e.before.to_dict() if e.before is not None else None, "calibrated_on": e.calibrated_on}


@register("eval", "json")
def eval_json(evaluations: list[Evaluation], stream: TextIO) -> None:
    write_json([evaluation_to_dict(e) for e in evaluations], stream)


@register("eval", "markdown")
def eval_markdown(evaluations: list[Evaluation], stream: TextIO) -> None:
    out = []
    for e in evaluations:
        out += [f"### `{e.gold.path}` — {e.left.id} ⟷ {e.right.id} (split: {e.split}{_complete(e)})", "",
                "| kind | precision | recall | F1 | found | gold | made |", "|---|---:|---:|---:|---:|---:|---:|"]
        out += [f"| {s.kind} | {s.precision:.2f} | {s.recall:.2f} | {s.f1:.2f} | {s.found} | {s.gold} | {s.predicted} |"
                for s in e.scores]
        out.append("")
        out += [f"- {m.what}: {_key(m.left)} ⟷ {_key(m.right)} — {m.instead}" for m in e.misses]
        out.append("")
    stream.write("\n".join(out) + "\n")


@register("calibration", "text")
def calibration_text(result: CalibrationResult, stream: TextIO) -> None:
    cal, shipped = result.calibration, result.shipped
    lines = [f"calibrated on {cal.user_pairs} of your pairs; kept in {result.path}"]
    for group in ("heading", "measure"):
        before, after = shipped.platt.get(group), cal.platt.get(group)
        if before and after and before != after:
            lines.append(f"  {group} pairs: confidence of a candidate p = σ({after['a']:g}·logit p + {after['b']:g}) "
                         f"(shipped: σ({before['a']:g}·logit p + {before['b']:g}))")
    lines.append("planctl diff, compare and eval now use it (planctl eval shows the scores before and after; "
                 "planctl calibrate --reset goes back)")
    stream.write("\n".join(lines) + "\n")
