"""How alike two items are, as named features, and how sure the matcher is of a pair.

Each item is prepared once: a TF-IDF vector of its canonical tokens and 词林 concepts, a latent
(LSA) vector, its title, context (enclosing headings) and the 8-character Han shingles of its
text. A candidate pair gets features (:data:`FEATURES`); a hand-set weighted sum of them, the
*score*, ranks candidates; a logistic model fitted on the dev part of the gold
(``scripts/calibrate.py`` → ``calibration.json``) turns the features into a *confidence*, the
estimated probability that the pair is right.

Example::

    >>> round(logistic([1.0, 2.0], {"bias": -1.0, "x": 1.0}, ("x", "y")), 3)
    0.5
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from planctl.cjk import is_han, words_only
from planctl.compare.items import Item, node_text
from planctl.compare.semantics import LatentModel
from planctl.compare.similarity import Vector, cosine, ratio, tokens_of, weighted
from planctl.lexicon import lexicon

SHINGLE = 8
FEATURES = ("content", "latent", "title", "context", "no_context", "region", "shingles", "kids", "parents",
            "depth_gap", "margin", "box_gap", "coverage")
"""The features of a candidate pair, in the order the calibration's coefficients follow."""

STRONG, LIKELY, WEAK = "strong", "likely", "weak"


@dataclass
class Prepared:
    """What an item is compared on."""

    item: Item
    vec: Vector
    latent: Any
    title_vec: Vector
    context_vec: Vector
    lead: str
    shingles: frozenset[str]
    han: int
    enclosing: frozenset[int] = frozenset()
    """ids of the enclosing headings' nodes."""
    exact: str = ""
    """The node's own text without punctuation: two items with the same are the same item."""
    kids: list[int] = field(default_factory=list)
    """Indices (in the prepared list) of the measures and leaf sections under a heading."""


def _shingles(text: str) -> tuple[frozenset[str], int]:
    han = "".join(ch for ch in text if is_han(ch))
    return frozenset(han[k:k + SHINGLE] for k in range(len(han) - SHINGLE + 1)), len(han)


def prepare(items: Sequence[Item], idf: Mapping[str, float], model: LatentModel | None) -> list[Prepared]:
    lex = lexicon()
    out = []
    for item in items:
        tokens = tokens_of(item.own)
        shingles, han = _shingles(item.own if item.group != "heading" else node_text(item.node))
        out.append(Prepared(
            item, weighted(tokens, idf), model.embed(tokens) if model else None,
            weighted(tokens_of(item.node.title), idf), weighted(tokens_of(item.context), idf),
            lex.canonical_phrase(item.node.title) or item.node.title, shingles, han,
            frozenset(id(n) for n in item.ancestors), words_only(node_text(item.node)),
        ))
    position = {id(p.item.node): k for k, p in enumerate(out)}
    for p in out:
        if p.item.group == "heading":
            p.kids = [position[id(n)] for n in p.item.node.walk()
                      if n is not p.item.node and id(n) in position and out[position[id(n)]].item.group != "heading"]
    return out


def latent_cosine(a: Prepared, b: Prepared) -> float:
    if a.latent is None or b.latent is None:
        return cosine(a.vec, b.vec)
    return max(0.0, float(a.latent @ b.latent))


def shingle_share(a: Prepared, b: Prepared) -> float:
    """Share of the shorter text's 8-character shingles the other holds."""
    small, large = (a.shingles, b.shingles) if len(a.shingles) <= len(b.shingles) else (b.shingles, a.shingles)
    return len(small & large) / len(small) if small else 0.0


def _coverage(a: Prepared, b: Prepared) -> float:
    """Share of the shorter text's TF-IDF weight (squared, so it sums to 1) on words the longer
    one also uses: a short principle restated inside a long measure covers itself well even
    when their cosine is small."""
    small, large = (a, b) if a.han <= b.han else (b, a)
    return sum(w * w for t, w in small.vec.items() if t in large.vec)


def base_features(a: Prepared, b: Prepared, content: float | None = None) -> dict[str, float]:
    """The features that depend on the two items alone (``content``: their TF-IDF cosine, when
    already known)."""
    no_context = not (a.context_vec and b.context_vec)
    return {
        "content": cosine(a.vec, b.vec) if content is None else content,
        "latent": latent_cosine(a, b),
        "title": max(ratio(a.lead, b.lead), cosine(a.title_vec, b.title_vec)),
        "context": 0.0 if no_context else cosine(a.context_vec, b.context_vec),
        "no_context": float(no_context),
        "shingles": shingle_share(a, b),
        "depth_gap": float(a.item.depth != b.item.depth),
        "box_gap": float(a.item.in_box != b.item.in_box),
        "coverage": _coverage(a, b),
    }


def score_of(f: Mapping[str, float], heading: bool) -> float:
    """The ranking score: a fixed weighted sum of the features (context weight spread over the
    rest when a node is top-level), in [0, 1]."""
    if heading:
        parts = (0.30 * f["title"] + 0.25 * f["content"] + 0.10 * f["latent"] + 0.20 * f.get("kids", 0.0))
        context = 0.15
    else:
        parts = (0.35 * f["content"] + 0.15 * f["latent"] + 0.20 * f["title"] + 0.10 * f["shingles"])
        context = 0.20
    total = parts / (1 - context) if f["no_context"] else parts + context * f["context"]
    total += 0.08 * f.get("region", 0.0) + 0.08 * f.get("parents", 0.0)
    if heading and f["depth_gap"]:
        total *= 0.85
    return max(0.0, min(total, 1.0))


def logistic(values: Sequence[float], coef: Mapping[str, float], names: Sequence[str] = FEATURES) -> float:
    z = coef.get("bias", 0.0) + sum(coef.get(n, 0.0) * v for n, v in zip(names, values, strict=False))
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


CALIBRATION = Path(__file__).with_name("calibration.json")


@lru_cache(maxsize=1)
def calibration() -> dict[str, Any]:
    """The fitted model: coefficients per group (``heading``, ``measure``), the confidence below
    which pairs are not made, and the label bars. Missing file: confidence = score."""
    try:
        return dict(json.loads(CALIBRATION.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


def confidence_of(f: Mapping[str, float], heading: bool, score: float) -> float:
    model = calibration().get("heading" if heading else "measure")
    if not model:
        return score
    return logistic([f.get(n, 0.0) for n in FEATURES], model)


def calibrated(p: float, heading: bool) -> float:
    """The probability that a pair the matcher *made* is right, from its candidate probability
    ``p`` (Platt scaling of logit p, fitted on the dev pairs the matcher makes)."""
    platt = calibration().get("platt", {}).get("heading" if heading else "measure")
    if not platt:
        return p
    p = min(max(p, 1e-6), 1 - 1e-6)
    z = platt["a"] * math.log(p / (1 - p)) + platt["b"]
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def threshold() -> float:
    """Pairs less likely than this to be right are not made."""
    return float(calibration().get("threshold", 0.3))


def label_of(confidence: float) -> str:
    bars = calibration().get("labels", {"strong": 0.9, "likely": 0.7})
    if confidence >= bars["strong"]:
        return STRONG
    return LIKELY if confidence >= bars["likely"] else WEAK
