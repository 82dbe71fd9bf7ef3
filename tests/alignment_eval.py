"""The matcher against the gold pairs in tests/gold/ (via ``planctl.compare.evaluate``), and a
naive baseline scored the same way."""

from __future__ import annotations

from pathlib import Path

from planctl.compare.evaluate import Evaluation, Key, Score, read_gold, score_pairs
from planctl.compare.items import collect_items
from planctl.corpus import Corpus
from planctl.model import Document, Node
from planctl.workspace import Workspace

GOLD = Path(__file__).resolve().parent / "gold"
SHARED = Path(__file__).resolve().parents[2] / "shared"


def key(node: Node) -> Key:
    return (node.path, node.title)


def needs_shared(path: Path) -> bool:
    """Whether the gold file names documents from ../shared/real (absent outside CI)."""
    return "shared/" in read_gold(path).refs[0]


def splits(path: Path) -> set[str]:
    gold = read_gold(path)
    return {p.split for p in gold.pairs} | ({gold.complete} if gold.complete else set())


def baseline_pairs(left: Document, right: Document) -> list[tuple[Key, Key]]:
    """Nearest neighbour by character similarity of the raw text (rapidfuzz ratio), no threshold."""
    from rapidfuzz import fuzz

    ritems = collect_items(right)
    pairs = []
    for a in collect_items(left):
        best = max(ritems, key=lambda b: fuzz.ratio(a.own, b.own), default=None)
        if best is not None:
            pairs.append((key(a.node), key(best.node)))
    return pairs


def evaluate(corpus: Corpus, path: Path, split: str = "test") -> tuple[Evaluation, Score]:
    e = Workspace(corpus).evaluate(path, split)
    baseline = score_pairs(read_gold(path), e.left, e.right, baseline_pairs(e.left, e.right), split)
    return e, baseline.total
