"""Fit the matcher's confidence on the dev part of the gold (tests/gold/*.tsv, split ``dev``).

Every candidate pair the matcher scores on a dev plan pair and that touches a dev gold node is a
sample: right when the gold holds it, wrong otherwise; on a complete gold (two plans on different
subjects, every pair they have listed) every candidate is a sample. A logistic regression per group (headings;
measures and 专栏) over the features of :mod:`planctl.compare.features` gives the probability
that a pair is right. The threshold below which pairs are not made is the one with the best dev
F1 among those keeping dev precision at or above ``TARGET_PRECISION``. The test part is never
read here. Writes planctl/compare/calibration.json (or the path given); run ``make calibrate``.

The features of the matcher's second structure pass depend on the pairs of its first, so the
fit is repeated: first with the calibration in the file being refitted, then with the first fit.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planctl.compare.align import align  # noqa: E402
from planctl.compare.confidence import CALIBRATION, Calibration  # noqa: E402
from planctl.compare.diff import diff_documents  # noqa: E402
from planctl.compare.evaluate import gold_ref, read_gold, score_pairs  # noqa: E402
from planctl.compare.features import FEATURES  # noqa: E402
from planctl.corpus import load_corpus  # noqa: E402
from planctl.model import HEADING_KINDS  # noqa: E402
from planctl.workspace import Workspace  # noqa: E402

GOLD = ROOT / "tests" / "gold"
TARGET_PRECISION = 0.93
L2 = 1.0


def dev_plans(corpus, files):
    """(gold, left plan, right plan, statistics) of every gold file with a dev part."""
    out = []
    ws = Workspace(corpus)
    for path in files:
        gold = read_gold(path)
        if gold.pairs_in("dev") or gold.complete == "dev":
            left, right = corpus.resolve_pair(*(gold_ref(gold, r) for r in gold.refs))
            corpus.ensure_trees([left, right])
            out.append((gold, left, right, ws.statistics((left, right))))
    return out


def samples(plans, calibration):
    """(group, features, label) of every dev candidate touching a dev gold node."""
    out = []
    for gold, left, right, stats in plans:
        dev, judged = gold.pairs_in("dev"), gold.judge("dev")
        trace = []
        align(left, right, stats, calibration=calibration, trace=trace)
        left_ids = {id(n) for n in left.walk()}
        for c in trace:
            a, b = c.nodes
            if id(a) not in left_ids:
                a, b = b, a
            ka, kb = (a.path, a.title), (b.path, b.title)
            if judged(ka, kb):
                group = "heading" if a.kind in HEADING_KINDS and b.kind in HEADING_KINDS else "measure"
                out.append((group, [c.features.get(n, 0.0) for n in FEATURES], (ka, kb) in dev))
    return out


def fit(x, y):
    """L2-regularised logistic regression by Newton's method (bias unpenalised)."""
    x = np.hstack([np.ones((len(x), 1)), np.asarray(x, dtype=float)])
    y = np.asarray(y, dtype=float)
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], L2)
    penalty[0] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(x @ w, -30, 30)))
        grad = x.T @ (p - y) + penalty * w
        hess = (x.T * (p * (1 - p))) @ x + np.diag(penalty) + 1e-9 * np.eye(x.shape[1])
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def made_pairs(plans, calibration):
    """(group, logit of the candidate probability, right) of every pair the matcher makes that
    touches a dev gold node."""
    out = []
    for gold, left, right, stats in plans:
        dev, judged = gold.pairs_in("dev"), gold.judge("dev")
        d = diff_documents(left, right, stats, calibration=calibration)
        for p in d.pairs:
            a, b = p.pair.left, p.pair.right
            if a is None or b is None:
                continue
            ka, kb = (a.path, a.title), (b.path, b.title)
            if judged(ka, kb):
                q = min(max(p.pair.confidence, 1e-6), 1 - 1e-6)
                group = "heading" if a.kind in HEADING_KINDS and b.kind in HEADING_KINDS else "measure"
                out.append((group, float(np.log(q / (1 - q))), (ka, kb) in dev))
    return out


def dev_scores(plans, calibration):
    found = gold_pairs = predicted = 0
    for gold, left, right, stats in plans:
        d = diff_documents(left, right, stats, calibration=calibration)
        made = [((p.pair.left.path, p.pair.left.title), (p.pair.right.path, p.pair.right.title))
                for p in d.pairs if p.pair.left is not None and p.pair.right is not None]
        t = score_pairs(gold, left, right, made, "dev").total
        found, gold_pairs, predicted = found + t.found, gold_pairs + t.gold, predicted + t.predicted
    p = found / predicted if predicted else 1.0
    r = found / gold_pairs if gold_pairs else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def fit_calibration(corpus, files, start: Calibration) -> dict:
    """The calibration fitted on the dev part of ``files``, starting from ``start``."""
    plans = dev_plans(corpus, files)
    current = start
    model = {}
    for rnd in range(2):  # features of the second pass depend on the first pass's pairs
        data = samples(plans, current)
        model = {"fitted_on": "dev part of tests/gold", "features": list(FEATURES),
                 "labels": {"strong": 0.9, "likely": 0.7}, "threshold": 0.5}
        for group in ("heading", "measure"):
            rows = [(f, y) for g, f, y in data if g == group]
            w = fit([f for f, _ in rows], [y for _, y in rows])
            model[group] = {"bias": round(float(w[0]), 4)} | {
                n: round(float(v), 4) for n, v in zip(FEATURES, w[1:], strict=True)}
            print(f"round {rnd}: {group}: {len(rows)} samples, {sum(y for _, y in rows)} right", file=sys.stderr)
        current = Calibration.from_dict(model)
    # Platt scaling on the pairs the matcher makes (no threshold yet): their confidence becomes the
    # estimated probability that a pair *shown* is right.
    model["threshold"] = 0.0
    made = made_pairs(plans, Calibration.from_dict(model))
    # One slope for both groups, an (L2-penalised) offset for headings: made heading pairs are
    # nearly all right on dev, and an unpenalised fit would call every heading pair certain.
    w = fit([[z, float(g == "heading")] for g, z, _ in made], [y for _, _, y in made])
    model["platt"] = {"heading": {"a": round(float(w[1]), 4), "b": round(float(w[0] + w[2]), 4)},
                      "measure": {"a": round(float(w[1]), 4), "b": round(float(w[0]), 4)}}
    for group in ("heading", "measure"):
        rows = [y for g, _, y in made if g == group]
        print(f"platt {group}: {len(rows)} made pairs, {sum(rows)} right", file=sys.stderr)
    best = None
    for threshold in [round(0.1 * k, 1) for k in range(1, 9)]:
        model["threshold"] = threshold
        p, r, f1 = dev_scores(plans, Calibration.from_dict(model))
        print(f"threshold {threshold:.2f}: dev precision {p:.3f} recall {r:.3f} F1 {f1:.3f}", file=sys.stderr)
        # Ties go to the higher threshold: fewer pairs, each surer (readers must trust every pair).
        if p >= TARGET_PRECISION and (best is None or round(f1, 3) >= round(best[1], 3)):
            best = (threshold, f1)
    model["threshold"] = best[0] if best else 0.5
    return model


def main(path: Path = CALIBRATION) -> None:
    corpus = load_corpus()
    model = fit_calibration(corpus, sorted(GOLD.glob("*.tsv")), Calibration.load(path))
    path.write_text(json.dumps(model, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(model, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else CALIBRATION)
