"""``planctl eval``: score the matcher against pairs a reader labelled (a *gold* file).

A gold file is tab-separated UTF-8 text::

    # LEFT<TAB>RIGHT[<TAB>complete SPLIT]
    LEFT_PATH|LEFT_TITLE<TAB>RIGHT_PATH|RIGHT_TITLE[<TAB>SPLIT]
    !LEFT_PATH|LEFT_TITLE<TAB>RIGHT_PATH|RIGHT_TITLE[<TAB>SPLIT]
    ...

The first line names the two plans, as ``planctl diff`` would take them (an id, an alias or
a file; a relative file path is read from the gold file's folder first). Each further line is
one pair a reader is sure of: a node is named by its path in the tree (as ``planctl show``
prints it, ``一/（二）``) and its title, joined by ``|``. ``SPLIT`` is ``dev`` (pairs weights
were chosen on) or ``test`` (held out); without it a pair is ``test``. A line starting with ``!``
is a pair the reader judged *wrong* (what the report's ✗ writes): planctl making it counts against
precision, and nothing else about the two nodes is implied. Blank lines and further lines
starting with ``#`` are ignored.

Precision counts the pairs planctl makes that touch a node of the gold (either side): a pair
of two gold nodes not in the gold is wrong. Recall counts the gold pairs planctl makes.

A *complete* gold (``complete dev`` or ``complete test`` after the two plans) lists every pair
the two plans have, all in that split; then every other pair planctl makes is wrong. It is how
to say that two plans on different subjects share little or nothing (no lines at all: any
pair is wrong).

Example::

    >>> g = parse_gold("# a\\tb\\n一|总体要求\\t二|总体要求\\tdev\\n", "x.tsv")
    >>> g.refs, [(p.left, p.right, p.split) for p in g.pairs]
    (('a', 'b'), [(('一', '总体要求'), ('二', '总体要求'), 'dev')])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from planctl.errors import PlanctlError
from planctl.model import Document, Node

Key = tuple[str, str]
SPLITS = ("dev", "test")


@dataclass(frozen=True)
class GoldPair:
    left: Key
    right: Key
    split: str = "test"
    line: int = 0
    wrong: bool = False
    """A pair the reader judged wrong (``!`` before the line)."""


@dataclass
class Gold:
    path: str
    refs: tuple[str, str]
    pairs: list[GoldPair]
    complete: str | None = None
    """The split of a complete gold (every pair of the two plans listed), else None."""
    genre: str = ""
    """What kind of plan pair it is, from a ``# genre: …`` comment (same-subject plans, a city
    against its province, regulations, central documents across years …): figures are reported
    per genre."""

    def pairs_in(self, split: str) -> set[tuple[Key, Key]]:
        """The (left, right) pairs of ``split`` (``all``: every pair) the reader says are right."""
        return {(p.left, p.right) for p in self.pairs if (split == "all" or p.split == split) and not p.wrong}

    def wrong_in(self, split: str) -> set[tuple[Key, Key]]:
        """The pairs of ``split`` the reader says are wrong."""
        return {(p.left, p.right) for p in self.pairs if (split == "all" or p.split == split) and p.wrong}

    def judge(self, split: str) -> Callable[[Key, Key], bool]:
        """Whether a pair planctl makes between two nodes is judged by the ``split`` part: it
        touches a node of a right pair of that part (either side), it is a pair judged wrong, or
        the gold is complete in that split, so that every pair it does not list is wrong."""
        if self.complete is not None and split in ("all", self.complete):
            return lambda _a, _b: True
        pairs, wrong = self.pairs_in(split), self.wrong_in(split)
        lefts, rights = {a for a, _ in pairs}, {b for _, b in pairs}
        return lambda a, b: a in lefts or b in rights or (a, b) in wrong


def _key(text: str, path: str, line: int) -> Key:
    node_path, sep, title = text.partition("|")
    if not sep:
        raise PlanctlError(f"{path}:{line}: a node is written PATH|TITLE, got {text!r}")
    return (node_path.strip(), title.strip())


def parse_gold(text: str, path: str) -> Gold:
    """Read a gold file's text (``path`` is for messages)."""
    lines = text.lstrip("\ufeff").splitlines()
    head = lines[0].lstrip("# ").split("\t") if lines and lines[0].startswith("#") else []
    if len(head) not in (2, 3):
        raise PlanctlError(f"{path}:1: a gold file starts with '# LEFT<TAB>RIGHT' naming the two plans")
    left_ref, right_ref = (r.strip() for r in head[:2])
    complete = None
    if len(head) == 3:
        word, _, complete = head[2].strip().partition(" ")
        if word != "complete" or complete.strip() not in SPLITS:
            raise PlanctlError(f"{path}:1: the third field of the header is 'complete dev' or 'complete test', "
                               f"got {head[2].strip()!r}")
        complete = complete.strip()
    pairs: list[GoldPair] = []
    genre = ""
    for number, line in enumerate(lines[1:], start=2):
        if line.startswith("# genre:"):
            genre = line.partition(":")[2].strip()
        if not line.strip() or line.startswith("#"):
            continue
        wrong = line.startswith("!")
        cells = line[1:].split("\t") if wrong else line.split("\t")
        if len(cells) not in (2, 3):
            raise PlanctlError(f"{path}:{number}: expected LEFT<TAB>RIGHT[<TAB>dev|test], got {len(cells)} fields")
        split = cells[2].strip() if len(cells) == 3 else (complete or "test")
        if split not in SPLITS:
            raise PlanctlError(f"{path}:{number}: the split is dev or test, got {split!r}")
        if complete and split != complete:
            raise PlanctlError(f"{path}:{number}: a complete gold has all its pairs in {complete}, got {split!r}")
        pairs.append(GoldPair(_key(cells[0], path, number), _key(cells[1], path, number), split, number, wrong))
    return Gold(path, (left_ref, right_ref), pairs, complete, genre)


def read_gold(path: Path) -> Gold:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanctlError(f"cannot read gold file {path}: {exc}") from exc
    return parse_gold(text, str(path))


def gold_ref(gold: Gold, ref: str) -> str:
    """A plan reference of the header: a relative file path is taken from the gold's folder."""
    path, hash_, index = ref.partition("#")  # PATH#N: the N-th document of the file
    beside = Path(gold.path).parent / path
    if ("/" in path or "\\" in path) and beside.exists():
        return f"{beside}{hash_}{index}"
    return ref


@dataclass
class Score:
    """Precision and recall over one kind of node (or all)."""

    kind: str
    found: int = 0
    gold: int = 0
    predicted: int = 0

    @property
    def precision(self) -> float:
        return self.found / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "found": self.found, "gold": self.gold, "predicted": self.predicted}


@dataclass
class Miss:
    """A gold pair planctl did not make, or a pair it made that the gold contradicts."""

    what: str
    """``missed`` or ``wrong``."""
    left: Key | None
    right: Key | None
    instead: str = ""
    """What planctl did instead."""
    split: str = ""

    def to_dict(self) -> dict[str, object]:
        return {"what": self.what, "left": "|".join(self.left) if self.left else None,
                "right": "|".join(self.right) if self.right else None, "instead": self.instead,
                "split": self.split}


@dataclass
class Evaluation:
    """The result of scoring one gold file."""

    gold: Gold
    left: Document
    right: Document
    split: str
    scores: list[Score]
    misses: list[Miss] = field(default_factory=list)
    unknown: list[tuple[int, Key]] = field(default_factory=list)
    """Gold nodes not found in the trees (line, key): the plan changed or the gold has a typo."""
    before: Score | None = None
    """The overall score with the shipped calibration, when a user's own calibration made this one."""
    calibrated_on: int = 0
    """How many of the user's judged pairs the calibration used here was refined on (0: shipped)."""

    @property
    def total(self) -> Score:
        return self.scores[-1]


def _kind_of(index: dict[Key, Node], key: Key) -> str:
    node = index.get(key)
    return node.kind if node is not None else "unknown"


def node_index(doc: Document) -> dict[Key, Node]:
    """Nodes by (path, title); the first in document order wins a clash."""
    index: dict[Key, Node] = {}
    for node in doc.walk():
        index.setdefault((node.path, node.title), node)
    return index


def score_pairs(
    gold: Gold, left: Document, right: Document, predicted: Iterable[tuple[Key, Key]], split: str = "all"
) -> Evaluation:
    """Score ``predicted`` pairs (left key, right key) against the gold pairs of ``split``."""
    chosen = [p for p in gold.pairs if (split == "all" or p.split == split) and not p.wrong]
    lindex, rindex = node_index(left), node_index(right)
    listed = [p for p in gold.pairs if split == "all" or p.split == split]
    unknown = [(p.line, k) for p in listed for k, ix in ((p.left, lindex), (p.right, rindex)) if k not in ix]
    made = set(predicted)
    by_left = dict(made)
    by_right = {b: a for a, b in made}
    gold_set = gold.pairs_in(split)
    judged = gold.judge(split)
    relevant = {(a, b) for a, b in made if judged(a, b)}
    kinds: dict[str, Score] = {}
    total = Score("all")

    def bucket(kind: str) -> Score:
        return kinds.setdefault(kind, Score(kind))

    for p in chosen:
        hit = (p.left, p.right) in made
        for s in (bucket(_kind_of(lindex, p.left)), total):
            s.gold += 1
            s.found += hit
    for a, _b in relevant:
        for s in (bucket(_kind_of(lindex, a)), total):
            s.predicted += 1
    misses: list[Miss] = []
    for p in chosen:
        if (p.left, p.right) in made:
            continue
        instead = []
        if p.left in by_left:
            instead.append(f"left paired with {'|'.join(by_left[p.left])}")
        if p.right in by_right:
            instead.append(f"right paired with {'|'.join(by_right[p.right])}")
        misses.append(Miss("missed", p.left, p.right, "; ".join(instead) or "both unmatched", p.split))
    for a, b in sorted(relevant - gold_set):
        misses.append(Miss("wrong", a, b, "not in the gold"))
    order = ("chapter", "section", "appendix", "measure", "article", "column", "unknown")
    scores = sorted(kinds.values(), key=lambda s: order.index(s.kind) if s.kind in order else len(order))
    return Evaluation(gold, left, right, split, [*scores, total], misses, unknown)
