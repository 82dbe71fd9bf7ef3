"""Intrinsic evaluation of word-vector folders (``scripts/train_vectors.py`` output).

Figures, each printed per folder:

- **pairs**: every pair of terms on one line of ``dictionaries/synonyms.tsv`` (same meaning) and
  of ``dictionaries/related.tsv`` (one subject). For a pair whose two words are in the
  vocabulary: the rank of the partner among the whole vocabulary by cosine to the word (1 = its
  nearest neighbour; both directions), its median, mean reciprocal rank (MRR, also for the pairs
  sharing no character: meaning that string similarity cannot see) and share within the top
  10 / 100, and the AUC of pair cosines against the cosines of random vocabulary pairs. Over all
  pairs, words outside the vocabulary taking the fallback vector: the AUC against random pairs,
  against pairs of terms from different lines (domain words naming different things: the
  negatives a matcher meets), for the pairs sharing no character against those, and against the
  different-line pairs that share a character (surface false friends).
- **cut**: the same pair figures with the vocabulary cut to its ``N`` most frequent words
  (``--cuts``), so the cost of a smaller file is visible.
- **fallback**: in-vocabulary words of three or more characters taken from the less frequent
  part of the vocabulary are treated as unseen: the cosine of their fallback vector (built from
  their parts, never themselves) to their true vector, and the true word's rank among the
  vocabulary by the fallback vector; beside the characters-only fallback and random pairs.
- **neighbours** of domain words.

The matcher's gold (tests/gold) is never read here.

    python scripts/eval_vectors.py dictionaries/vectors /tmp/ppmi --cuts 20000 40000
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planctl.compare.vectors import WordVectors  # noqa: E402
from planctl.paths import dictionaries_dir  # noqa: E402

DOMAIN_WORDS = (
    "农民工",
    "扶贫",
    "帮扶",
    "零工市场",
    "稳岗",
    "脱贫人口",
    "灵活就业",
    "数字经济",
    "高校毕业生",
    "创业",
    "生态环境",
    "乡村振兴",
    "养老保险",
    "营商环境",
)
RANDOM_PAIRS = 20_000
HELD_OUT = 1_000
SEED = 24


def term_lines(name: str) -> list[list[str]]:
    lines = []
    for line in (dictionaries_dir() / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            lines.append([t.strip() for t in line.split("\t") if t.strip()])
    return lines


def term_pairs(name: str) -> list[tuple[str, str]]:
    return sorted({(a, b) for terms in term_lines(name) for a, b in itertools.combinations(terms, 2) if a != b})


def cross_pairs(name: str) -> list[tuple[str, str]]:
    """Pairs of terms from different lines (and on no line together): domain words that name
    different things (农民工 / 退役军人), the negatives a matcher has to tell apart."""
    lines = term_lines(name)
    together = set(term_pairs(name))
    out = set()
    for i, j in itertools.combinations(range(len(lines)), 2):
        for a in lines[i]:
            for b in lines[j]:
                if a != b and (a, b) not in together and (b, a) not in together:
                    out.add((a, b))
    return sorted(out)


class Table:
    """A vocabulary's unit vectors in float32 for evaluation (the shipped rows, not re-normalised)."""

    def __init__(self, wv: WordVectors) -> None:
        self.wv = wv
        words = wv.words
        self.words = words
        self.index = {w: i for i, w in enumerate(words)}
        m = np.asarray(wv._load().matrix[: len(words)], dtype=np.float32)
        self.matrix = m / np.linalg.norm(m, axis=1, keepdims=True)

    def rank(self, query: np.ndarray, target: str, exclude: str | None) -> int:
        scores = self.matrix @ query
        if exclude in self.index:
            scores[self.index[exclude]] = -np.inf
        return int((scores > scores[self.index[target]]).sum()) + 1


def random_cosines(table: Table, rng: np.random.Generator) -> np.ndarray:
    n = len(table.words)
    a, b = rng.integers(0, n, RANDOM_PAIRS), rng.integers(0, n, RANDOM_PAIRS)
    keep = a != b
    return np.einsum("ij,ij->i", table.matrix[a[keep]], table.matrix[b[keep]])


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """P(a positive cosine beats a random one), ties half."""
    if len(pos) == 0:
        return float("nan")
    neg = np.sort(neg)
    below = np.searchsorted(neg, pos, side="left")
    equal = np.searchsorted(neg, pos, side="right") - below
    return float((below + equal / 2).mean() / len(neg))


def pair_figures(
    table: Table, pairs: list[tuple[str, str]], neg: np.ndarray, cross: list[tuple[str, str]]
) -> dict[str, float]:
    wv = table.wv
    ranks, disjoint_ranks, cos, cos_all, cos_disjoint = [], [], [], [], []
    inside = 0
    for a, b in pairs:
        share = bool(set(a) & set(b))
        if a in table.index and b in table.index:
            inside += 1
            va, vb = table.matrix[table.index[a]], table.matrix[table.index[b]]
            cos.append(float(va @ vb))
            r = [table.rank(va, b, a), table.rank(vb, a, b)]
            ranks += r
            if not share:
                disjoint_ranks += r
        c = similarity(wv, a, b)
        cos_all.append(c)
        if not share:
            cos_disjoint.append(c)
    cross_cos = np.asarray([similarity(wv, a, b) for a, b in cross])
    # domain words of different lines that share a character: the false friends of surface overlap
    cross_share = np.asarray([similarity(wv, a, b) for a, b in cross if set(a) & set(b)])
    r, rd = np.asarray(ranks, dtype=float), np.asarray(disjoint_ranks, dtype=float)
    return {
        "pairs": len(pairs),
        "in vocab": inside,
        "no shared char": len(cos_disjoint),
        "median rank": float(np.median(r)) if len(r) else float("nan"),
        "MRR": float((1 / r).mean()) if len(r) else float("nan"),
        "MRR no shared char": float((1 / rd).mean()) if len(rd) else float("nan"),
        "top10": float((r <= 10).mean()) if len(r) else float("nan"),
        "top100": float((r <= 100).mean()) if len(r) else float("nan"),
        "AUC": auc(np.asarray(cos), neg),
        "AUC all (fallback)": auc(np.asarray(cos_all), neg),
        "AUC vs other lines": auc(np.asarray(cos_all), cross_cos),
        "AUC no-shared-char pairs vs other lines": auc(np.asarray(cos_disjoint), cross_cos),
        "AUC vs other lines sharing a char": auc(np.asarray(cos_all), cross_share),
    }


def similarity(wv: WordVectors, a: str, b: str) -> float:
    va, vb = wv.vector(a), wv.vector(b)
    return float(va @ vb) if va is not None and vb is not None else 0.0


def parts_vector(wv: WordVectors, word: str, *, chars_only: bool = False) -> np.ndarray | None:
    """The loader's fallback for ``word``, built from its parts even when it is in the vocabulary
    (:meth:`WordVectors.parts` never returns the whole word); or from its characters alone."""
    parts = [c for c in word if c in wv._load().chars] if chars_only else wv.parts(word)
    if not parts:
        return None
    v = np.sum([wv._part_vector(p) for p in parts], axis=0)
    return v / np.linalg.norm(v)


def fallback_figures(table: Table, rng: np.random.Generator) -> dict[str, float]:
    band = [w for w in table.words[5000:] if len(w) >= 3 and all("\u3400" <= c <= "\u9fff" for c in w)]
    held = [band[i] for i in sorted(rng.choice(len(band), min(HELD_OUT, len(band)), replace=False))]
    out: dict[str, float] = {"held out": len(held)}
    for label, chars_only in (("parts", False), ("chars", True)):
        cos, ranks = [], []
        for w in held:
            v = parts_vector(table.wv, w, chars_only=chars_only)
            if v is None:
                continue
            cos.append(float(v @ table.matrix[table.index[w]]))
            ranks.append(table.rank(v, w, None))
        r = np.asarray(ranks, dtype=float)
        out[f"{label}: mean cos"] = float(np.mean(cos))
        out[f"{label}: median rank"] = float(np.median(r))
        out[f"{label}: top10"] = float((r <= 10).mean())
    return out


def fmt(figures: dict[str, float]) -> str:
    return ", ".join(
        f"{k} {v:.3f}" if isinstance(v, float) and not v.is_integer() else f"{k} {v:g}" for k, v in figures.items()
    )


def cut_copy(source: Path, n: int, target: Path) -> Path:
    """``source`` with its vocabulary cut to the ``n`` most frequent words (characters kept)."""
    target.mkdir(parents=True, exist_ok=True)
    lines = (source / "words.txt").read_text(encoding="utf-8").splitlines(keepends=True)[:n]
    (target / "words.txt").write_text("".join(lines), encoding="utf-8")
    np.save(target / "words.npy", np.load(source / "words.npy")[:n])
    for name in ("chars.txt", "chars.npy"):
        (target / name).write_bytes((source / name).read_bytes())
    return target


def evaluate(directory: Path, cuts: list[int], neighbours: bool) -> None:
    wv = WordVectors(directory).load()
    meta = wv.meta()
    settings = meta.get("settings", {})
    print(f"\n## {directory}: {settings.get('method', '?')}, {len(wv):,} words × {wv.dim}")
    synonyms, related = term_pairs("synonyms.tsv"), term_pairs("related.tsv")
    cross_syn, cross_rel = cross_pairs("synonyms.tsv"), cross_pairs("related.tsv")
    with tempfile.TemporaryDirectory() as tmp:
        for n in [None, *cuts]:
            if n is not None and n >= len(wv):
                continue
            sub = wv if n is None else WordVectors(cut_copy(directory, n, Path(tmp) / str(n))).load()
            table = Table(sub)
            neg = random_cosines(table, np.random.default_rng(SEED))
            label = f"{len(sub):,} words"
            print(f"- {label}, random pairs: mean cos {neg.mean():.3f}")
            print(f"  - synonyms: {fmt(pair_figures(table, synonyms, neg, cross_syn))}")
            print(f"  - related: {fmt(pair_figures(table, related, neg, cross_rel))}")
            print(f"  - fallback: {fmt(fallback_figures(table, np.random.default_rng(SEED)))}")
    if neighbours:
        for w in DOMAIN_WORDS:
            near = wv.nearest(w, 10)
            mark = "" if w in wv else f" (not in vocabulary: {'+'.join(wv.parts(w))})"
            print(f"- {w}{mark}: " + " ".join(f"{x} {s:.2f}" for x, s in near))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="*", type=Path, default=[dictionaries_dir() / "vectors"])
    parser.add_argument("--cuts", type=int, nargs="*", default=[], help="vocabulary sizes to evaluate as well")
    parser.add_argument("--no-neighbours", action="store_true")
    args = parser.parse_args(argv)
    for folder in args.folders:
        evaluate(folder, args.cuts, not args.no_neighbours)
    return 0


if __name__ == "__main__":
    sys.exit(main())
