"""The matcher on the gold (tests/gold): precision / recall / F1 per plan pair on the dev and
the test part, the precision of each confidence label, and what each signal adds (removed at
run time, calibration unchanged). `make eval-match` prints the tables the README quotes."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tabulate import tabulate  # noqa: E402

from planctl.compare.confidence import Calibration  # noqa: E402
from planctl.compare.diff import diff_documents  # noqa: E402
from planctl.compare.evaluate import gold_ref, read_gold, score_pairs  # noqa: E402
from planctl.compare.similarity import Statistics  # noqa: E402
from planctl.corpus import load_corpus  # noqa: E402
from planctl.lexicon import lexicon  # noqa: E402
from planctl.workspace import Workspace  # noqa: E402

GOLD = ROOT / "tests" / "gold"
SHARED = ROOT.parent / "shared"


def files() -> list[Path]:
    out = []
    for path in sorted(GOLD.glob("*.tsv")):
        if "shared/" in read_gold(path).refs[0] and not SHARED.exists():
            print(f"skipped {path.name}: {SHARED} is not here", file=sys.stderr)
            continue
        out.append(path)
    return out


def run(corpus, paths, *, use_model: bool = True, calibration: Calibration | None = None):
    """Per gold file: the diff's pairs as (key, key, label)."""
    out = {}
    for path in paths:
        gold = read_gold(path)
        left, right = corpus.resolve_pair(*(gold_ref(gold, r) for r in gold.refs))
        corpus.ensure_trees([left, right])
        stats = Workspace(corpus).statistics((left, right))
        if not use_model:
            stats = Statistics(stats.idf)
        d = diff_documents(left, right, stats, calibration=calibration)
        made = [((p.pair.left.path, p.pair.left.title), (p.pair.right.path, p.pair.right.title), p.pair.label)
                for p in d.pairs if p.pair.left is not None and p.pair.right is not None]
        out[path] = (gold, left, right, made)
    return out


def table(results, split: str) -> list[list[object]]:
    rows = []
    tot = [0, 0, 0]
    for path, (gold, left, right, made) in results.items():
        t = score_pairs(gold, left, right, [(a, b) for a, b, _ in made], split).total
        if not t.gold:
            continue
        rows.append([path.stem, split, t.gold, f"{t.precision:.2f}", f"{t.recall:.2f}", f"{t.f1:.2f}"])
        tot = [tot[0] + t.found, tot[1] + t.gold, tot[2] + t.predicted]
    p, r = tot[0] / tot[2] if tot[2] else 1.0, tot[0] / tot[1] if tot[1] else 1.0
    rows.append(["all", split, tot[1], f"{p:.2f}", f"{r:.2f}", f"{2 * p * r / (p + r) if p + r else 0:.2f}"])
    return rows


def labels(results, split: str) -> list[list[object]]:
    counts: dict[str, list[int]] = {}
    for gold, _left, _right, made in results.values():
        wanted, judged = gold.pairs_in(split), gold.judge(split)
        for a, b, label in made:
            if judged(a, b):
                c = counts.setdefault(label, [0, 0])
                c[0] += 1
                c[1] += (a, b) in wanted
    return [[label, split, c[0], f"{c[1] / c[0]:.2f}"] for label, c in sorted(counts.items()) if c[0]]


@contextlib.contextmanager
def without(signal: str) -> Iterator[None]:
    """Switch one signal off for the block."""
    lex = lexicon()
    saved_related, saved_concepts = lex.related, lex.concepts
    try:
        if signal == "related terms":
            lex.related = {}
        elif signal == "词林 concepts":
            lex.concepts = {}
        from planctl.compare.similarity import forget_tokens

        forget_tokens()
        yield
    finally:
        lex.related, lex.concepts = saved_related, saved_concepts
        from planctl.compare.similarity import forget_tokens

        forget_tokens()


def main() -> None:
    corpus = load_corpus()
    paths = files()
    results = run(corpus, paths)
    print(tabulate(table(results, "dev") + table(results, "test"),
                   headers=["gold", "split", "pairs", "precision", "recall", "F1"], tablefmt="github"))
    print()
    print(tabulate(labels(results, "dev") + labels(results, "test"),
                   headers=["label", "split", "pairs made", "precision"], tablefmt="github"))
    print()
    rows = []
    for signal in ("latent model (LSA)", "词林 concepts", "related terms", "calibration"):
        # Without calibration: confidence = score, pairs from 0.3 as before calibration existed.
        uncalibrated = Calibration(threshold=0.3) if signal == "calibration" else None
        with without(signal):
            ablated = run(corpus, paths, use_model=signal != "latent model (LSA)", calibration=uncalibrated)
        for split in ("dev", "test"):
            rows.append([f"without {signal}", split, table(ablated, split)[-1][5]])
    for split in ("dev", "test"):
        rows.insert(0, ["everything", split, table(results, split)[-1][5]])
    print(tabulate(rows, headers=["matcher", "split", "F1 (all pairs)"], tablefmt="github"))


if __name__ == "__main__":
    main()
