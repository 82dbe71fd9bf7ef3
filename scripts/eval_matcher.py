"""The matcher on the gold (tests/gold): precision / recall / F1 per plan pair and per genre on
the dev and the test part, the precision of each confidence label (``strong`` above all), and what
each signal adds (switched off at run time, calibration unchanged), each next to the figures of
the last release (scripts/eval_last_release.json). `make eval-match` prints the tables the README
quotes."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tabulate import tabulate  # noqa: E402

from planctl.compare.confidence import Calibration  # noqa: E402
from planctl.compare.diff import diff_documents  # noqa: E402
from planctl.compare.evaluate import Gold, gold_ref, read_gold, score_pairs  # noqa: E402
from planctl.compare.similarity import Statistics  # noqa: E402
from planctl.corpus import load_corpus  # noqa: E402
from planctl.env import Environment  # noqa: E402
from planctl.lexicon import lexicon  # noqa: E402
from planctl.model import Document  # noqa: E402
from planctl.workspace import Workspace  # noqa: E402

GOLD = ROOT / "tests" / "gold"
SHARED = ROOT.parent / "shared"
LAST = json.loads((ROOT / "scripts" / "eval_last_release.json").read_text(encoding="utf-8"))
SIGNALS = ("latent model (LSA)", "word vectors", "词林 concepts", "related terms", "calibration")


def files() -> list[Path]:
    out = []
    for path in sorted(GOLD.glob("*.tsv")):
        if "shared/" in read_gold(path).refs[0] and not SHARED.exists():
            print(f"skipped {path.name}: {SHARED} is not here", file=sys.stderr)
            continue
        out.append(path)
    return out


@dataclass
class Result:
    gold: Gold
    left: Document
    right: Document
    made: list[tuple[tuple[str, str], tuple[str, str], str]]
    """The pairs the diff makes: (left key, right key, label)."""


def run(corpus, paths, *, without: str = "") -> dict[Path, Result]:
    """Per gold file: the diff's pairs, with one signal switched off (``without``)."""
    ws = Workspace(corpus)
    calibration = Calibration(threshold=0.3) if without == "calibration" else None  # confidence = score
    out = {}
    for path in paths:
        gold = read_gold(path)
        left, right = corpus.resolve_pair(*(gold_ref(gold, r) for r in gold.refs))
        corpus.ensure_trees([left, right])
        stats = ws.statistics((left, right))
        if without == "latent model (LSA)":
            stats = Statistics(stats.idf, None, stats.vectors)
        elif without == "word vectors":
            stats = Statistics(stats.idf, stats.model, None)
        d = diff_documents(left, right, stats, calibration=calibration)
        made = [((p.pair.left.path, p.pair.left.title), (p.pair.right.path, p.pair.right.title), p.pair.label)
                for p in d.pairs if p.pair.left is not None and p.pair.right is not None]
        out[path] = Result(gold, left, right, made)
    return out


def _totals(results: list[Result], split: str) -> tuple[int, int, int]:
    found = gold = predicted = 0
    for r in results:
        t = score_pairs(r.gold, r.left, r.right, [(a, b) for a, b, _ in r.made], split).total
        found, gold, predicted = found + t.found, gold + t.gold, predicted + t.predicted
    return found, gold, predicted


def _prf(found: int, gold: int, predicted: int) -> tuple[float, float, float]:
    p, r = found / predicted if predicted else 1.0, found / gold if gold else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _strong(results: list[Result], split: str) -> tuple[int, int]:
    """(strong pairs made that the split judges, of them right)."""
    made = right = 0
    for r in results:
        wanted, judged = r.gold.pairs_in(split), r.gold.judge(split)
        for a, b, label in r.made:
            if label == "strong" and judged(a, b):
                made += 1
                right += (a, b) in wanted
    return made, right


def _last(name: str, split: str) -> tuple[str, str]:
    old = LAST["per_gold"].get(name, {}).get(split)
    return (f"{old['precision']:.2f}", f"{old['recall']:.2f}") if old else ("", "")


def per_gold(results: dict[Path, Result]) -> list[list[object]]:
    rows: list[list[object]] = []
    for split in ("dev", "test"):
        for path, r in results.items():
            found, gold, predicted = _totals([r], split)
            if not gold and r.gold.complete != split:
                continue
            p, rec, f1 = _prf(found, gold, predicted)
            made, right = _strong([r], split)
            rows.append([path.stem, r.gold.genre, split, gold, f"{p:.2f}", f"{rec:.2f}", f"{f1:.2f}",
                         f"{right}/{made}" if made else "", *_last(path.stem, split)])
    return rows


def per_genre(results: dict[Path, Result]) -> list[list[object]]:
    rows: list[list[object]] = []
    genres = sorted({r.gold.genre or "(none)" for r in results.values()})
    for split in ("dev", "test"):
        for genre in [*genres, "all"]:
            chosen = [r for r in results.values() if genre in ("all", r.gold.genre or "(none)")]
            found, gold, predicted = _totals(chosen, split)
            if not (gold or predicted):
                continue
            p, rec, f1 = _prf(found, gold, predicted)
            made, right = _strong(chosen, split)
            rows.append([genre, split, gold, f"{p:.2f}", f"{rec:.2f}", f"{f1:.2f}",
                         f"{right / made:.2f} ({right}/{made})" if made else ""])
    return rows


def labels(results: dict[Path, Result]) -> list[list[object]]:
    rows: list[list[object]] = []
    for split in ("dev", "test"):
        counts: dict[str, list[int]] = {}
        for r in results.values():
            wanted, judged = r.gold.pairs_in(split), r.gold.judge(split)
            for a, b, label in r.made:
                if judged(a, b):
                    c = counts.setdefault(label, [0, 0])
                    c[0] += 1
                    c[1] += (a, b) in wanted
        for label in ("strong", "likely", "weak"):
            if label in counts:
                made, right = counts[label]
                old = LAST["labels"].get(label, {}).get(split)
                rows.append([label, split, made, f"{right / made:.2f}", f"{old['precision']:.2f}" if old else ""])
    return rows


@contextlib.contextmanager
def without(signal: str) -> Iterator[None]:
    """Switch a lexical signal off for the block (the statistics' signals are left out in run())."""
    from planctl.compare.similarity import forget_tokens

    lex = lexicon()
    saved_related, saved_concepts = lex.related, lex.concepts
    try:
        if signal == "related terms":
            lex.related = {}
        elif signal == "词林 concepts":
            lex.concepts = {}
        forget_tokens()
        yield
    finally:
        lex.related, lex.concepts = saved_related, saved_concepts
        forget_tokens()


def f1_of(results: dict[Path, Result], split: str) -> str:
    return f"{_prf(*_totals(list(results.values()), split))[2]:.2f}"


def main() -> None:
    corpus = load_corpus(env=Environment.recording())
    paths = files()
    results = run(corpus, paths)
    print("Per gold file (strong: right/made among the pairs the split judges; last: the last release's P and R)\n")
    print(tabulate(per_gold(results), headers=["gold", "genre", "split", "pairs", "precision", "recall", "F1",
                                               "strong right", "last P", "last R"], tablefmt="github"))
    print("\nPer genre\n")
    print(tabulate(per_genre(results), headers=["genre", "split", "pairs", "precision", "recall", "F1",
                                                "strong precision"], tablefmt="github"))
    print("\nConfidence labels\n")
    print(tabulate(labels(results), headers=["label", "split", "pairs made", "precision", "last release"],
                   tablefmt="github"))
    rows = [["everything", f1_of(results, "dev"), f1_of(results, "test"),
             LAST["ablation"]["everything"]["dev"], LAST["ablation"]["everything"]["test"]]]
    for signal in SIGNALS:
        with without(signal):
            ablated = run(corpus, paths, without=signal)
        old = LAST["ablation"].get(f"without {signal}", {})
        rows.append([f"without {signal}", f1_of(ablated, "dev"), f1_of(ablated, "test"), old.get("dev", ""),
                     old.get("test", "")])
    print("\nWhat each signal adds (F1 over all pairs with it switched off, calibration unchanged)\n")
    print(tabulate(rows, headers=["matcher", "dev F1", "test F1", "last dev F1", "last test F1"], tablefmt="github"))


if __name__ == "__main__":
    main()
