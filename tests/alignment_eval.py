"""Precision/recall of the matcher against the gold pairs in tests/gold/, and a naive baseline."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from planctl.compare.diff import diff_documents
from planctl.compare.items import collect_items
from planctl.corpus import Corpus
from planctl.model import Node

GOLD = Path(__file__).resolve().parent / "gold"
Key = tuple[str, str]  # (path, title)


def read_gold(path: Path) -> tuple[str, str, set[tuple[Key, Key]]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    left_id, right_id = lines[0].lstrip("# ").split("\t")
    pairs: set[tuple[Key, Key]] = set()
    for line in lines[1:]:
        if not line.strip():
            continue
        a, b = line.split("\t")
        pairs.add((tuple(a.split("|", 1)), tuple(b.split("|", 1))))  # type: ignore[arg-type]
    return left_id, right_id, pairs


def key(node: Node) -> Key:
    return (node.path, node.title)


@dataclass
class Score:
    precision: float
    recall: float
    found: int
    gold: int
    predicted: int


def score(predicted: set[tuple[Key, Key]], gold: set[tuple[Key, Key]]) -> Score:
    gold_left = {a for a, _ in gold}
    gold_right = {b for _, b in gold}
    relevant = {(a, b) for a, b in predicted if a in gold_left or b in gold_right}
    hit = len(relevant & gold)
    return Score(hit / len(relevant) if relevant else 0.0, hit / len(gold), hit, len(gold), len(relevant))


def matcher_pairs(corpus: Corpus, left_id: str, right_id: str) -> set[tuple[Key, Key]]:
    left, right = corpus.by_id(left_id), corpus.by_id(right_id)
    assert left is not None and right is not None
    d = diff_documents(left, right, corpus=corpus.documents)  # as `planctl diff` does: editions detected
    return {(key(p.pair.left), key(p.pair.right)) for p in d.pairs if p.pair.left and p.pair.right}


def baseline_pairs(corpus: Corpus, left_id: str, right_id: str) -> set[tuple[Key, Key]]:
    """Nearest neighbour by character similarity of the raw text (rapidfuzz ratio), no threshold."""
    from rapidfuzz import fuzz

    left, right = corpus.by_id(left_id), corpus.by_id(right_id)
    assert left is not None and right is not None
    ritems = collect_items(right)
    pairs = set()
    for a in collect_items(left):
        best = max(ritems, key=lambda b: fuzz.ratio(a.own, b.own), default=None)
        if best is not None:
            pairs.add((key(a.node), key(best.node)))
    return pairs


def evaluate(corpus: Corpus, path: Path) -> tuple[Score, Score]:
    left_id, right_id, gold = read_gold(path)
    return (score(matcher_pairs(corpus, left_id, right_id), gold),
            score(baseline_pairs(corpus, left_id, right_id), gold))
