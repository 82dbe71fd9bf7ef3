"""A candidate pair's features: every number the matcher knows about two items, in one place.

Each item is prepared once (:func:`prepare`): a TF-IDF vector of its canonical tokens and 词林
concepts, a latent (LSA) vector, its title, context (enclosing headings) and the 8-character Han
shingles of its text. A candidate pair then gets the features of :data:`FEATURES`:

- from the two items alone (:func:`base_features`): ``content``, ``latent``, ``title``,
  ``context``/``no_context``, ``shingles``, ``depth_gap``, ``box_gap``, ``coverage``;
- from their neighbourhood: ``kids`` (headings: share of the measures under the two whose
  mutual best partner is under the other, :class:`Partners`), ``parents`` (headings: whether
  their parents were paired, :func:`parent_agreement`), ``region`` (measures: whether they sit
  under paired headings, :func:`region_of`) and ``margin`` (how far the candidate's ranking
  score is above its best rival's, :func:`add_margins`).

The ranking *score* (:func:`score_of`, hand-set weights in :class:`MatchSettings`) orders
candidates and gives the margin; :mod:`planctl.compare.confidence` turns the features into the
calibrated confidence.

Example::

    >>> f = {"content": 1.0, "latent": 1.0, "title": 1.0, "shingles": 0.0, "context": 0.0, "no_context": 1.0}
    >>> round(score_of(f, heading=False, settings=MatchSettings()), 3)  # no shingles: 0.7 of 0.8
    0.875
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from planctl.cjk import is_han, words_only
from planctl.compare.items import Item, node_text
from planctl.compare.kinds import ItemGroup
from planctl.compare.semantics import LatentModel
from planctl.compare.similarity import Vector, cosine, ratio, tokens_of, weighted
from planctl.lexicon import CONCEPT_PREFIX, lexicon
from planctl.model import Node
from planctl.settings import MatchSettings

FEATURES = ("content", "latent", "title", "context", "no_context", "region", "shingles", "kids", "parents",
            "depth_gap", "margin", "box_gap", "coverage", "semantic", "soft_title")
"""The features of a candidate pair, in the order the calibration's coefficients follow."""

MEASURE_GROUPS = (ItemGroup.MEASURE, ItemGroup.LEAF)
"""The groups whose items count as measures (a leaf heading is a measure in all but form)."""


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
    sem: Any = None
    """The text's vector in the domain word vectors (IDF-weighted mean of its words), or None."""
    title_words: list[tuple[Any, float]] = field(default_factory=list)
    """The lead's words as (unit vector, weight), for soft term matching."""


@dataclass
class Candidate:
    """A scored candidate pair (indices into the two prepared lists)."""

    i: int
    j: int
    features: dict[str, float]
    score: float
    confidence: float = 0.0
    """Probability that the pair is right if made (see :meth:`Calibration.calibrated`)."""
    rank: float = 0.0
    """Probability that the candidate is right among all candidates: what the assignment maximises."""
    stage: str = ""
    nodes: tuple[Node, Node] | None = None
    """The two nodes (filled in when the matcher is traced)."""


def _shingles(text: str, size: int) -> tuple[frozenset[str], int]:
    han = "".join(ch for ch in text if is_han(ch))
    return frozenset(han[k:k + size] for k in range(len(han) - size + 1)), len(han)


def word_weights(vec: Mapping[str, float]) -> dict[str, float]:
    """The words of a TF-IDF vector (thesaurus and related-term codes left out)."""
    return {t: w for t, w in vec.items() if not t.startswith(_CONCEPT_MARKS)}


def sentence_vector(vec: Mapping[str, float], vectors: Any) -> Any:
    """A text's vector in the domain word vectors: the mean of its words' vectors weighted by
    their IDF weights ``vec`` (what the *semantic* feature compares), or None without words."""
    words = word_weights(vec)
    return vectors.embed(words) if words else None


def prepare(items: Sequence[Item], idf: Mapping[str, float], model: LatentModel | None,
            settings: MatchSettings, vectors: Any = None) -> list[Prepared]:
    """Each item's vectors, lead, shingles and kids, once per alignment (``vectors``: the
    domain word vectors, :class:`~planctl.compare.vectors.WordVectors`, or None)."""
    lex = lexicon()
    out = []
    for item in items:
        tokens = tokens_of(item.own)
        text = item.own if item.group != ItemGroup.HEADING else node_text(item.node)
        shingles, han = _shingles(text, settings.shingle)
        p = Prepared(
            item, weighted(tokens, idf), model.embed(tokens) if model else None,
            weighted(tokens_of(item.node.title), idf), weighted(tokens_of(item.context), idf),
            lex.canonical_phrase(item.node.title) or item.node.title, shingles, han,
            frozenset(id(n) for n in item.ancestors), words_only(node_text(item.node)),
        )
        if vectors is not None:
            p.sem = sentence_vector(p.vec, vectors)
            p.title_words = [(v, w) for t, w in word_weights(p.title_vec).items()
                             if (v := vectors.vector(t)) is not None]
        out.append(p)
    position = {id(p.item.node): k for k, p in enumerate(out)}
    for p in out:
        if p.item.group == ItemGroup.HEADING:
            p.kids = [position[id(n)] for n in p.item.node.walk()
                      if n is not p.item.node and id(n) in position
                      and out[position[id(n)]].item.group != ItemGroup.HEADING]
    return out


# ---- features of the two items alone -------------------------------------------------------
def latent_cosine(a: Prepared, b: Prepared) -> float:
    if a.latent is None or b.latent is None:
        return cosine(a.vec, b.vec)
    return max(0.0, float(a.latent @ b.latent))


def semantic_cosine(a: Prepared, b: Prepared) -> float:
    """Cosine of the two texts' vectors in the domain word vectors (the latent cosine when
    there are no word vectors, so a model fitted with them degrades gracefully without)."""
    if a.sem is None or b.sem is None:
        return latent_cosine(a, b)
    return max(0.0, float(a.sem @ b.sem))


def _soft_cover(xs: list[tuple[Any, float]], ys: list[tuple[Any, float]]) -> float:
    """Weighted mean over the words of ``xs`` of their best cosine with a word of ``ys``."""
    total = sum(w for _, w in xs)
    if not total or not ys:
        return 0.0
    return sum(w * max(max(0.0, float(v @ u)) for u, _ in ys) for v, w in xs) / total


def soft_title(a: Prepared, b: Prepared) -> float:
    """Soft term matching of the two leads: each word of one lead finds its nearest word of the
    other in the word vectors (an identical word scores 1), weighted by IDF, both ways averaged
    (稳岗 ~ 援企稳岗, 农民工 ~ 农村劳动力). Without vectors: the ``title`` feature."""
    if not a.title_words or not b.title_words:
        return max(ratio(a.lead, b.lead), cosine(a.title_vec, b.title_vec))
    return (_soft_cover(a.title_words, b.title_words) + _soft_cover(b.title_words, a.title_words)) / 2


def shingle_share(a: Prepared, b: Prepared) -> float:
    """Share of the shorter text's shingles the other holds."""
    small, large = (a.shingles, b.shingles) if len(a.shingles) <= len(b.shingles) else (b.shingles, a.shingles)
    return len(small & large) / len(small) if small else 0.0


def _coverage(a: Prepared, b: Prepared) -> float:
    """Share of the shorter text's TF-IDF weight (squared, so it sums to 1) on words the longer
    one also uses: a short principle restated inside a long measure covers itself well even
    when their cosine is small. Two texts of one length: the larger share, whichever comes first."""
    if a.han == b.han:
        return max(_covered(a, b), _covered(b, a))
    return _covered(a, b) if a.han < b.han else _covered(b, a)


def _covered(small: Prepared, large: Prepared) -> float:
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
        "semantic": semantic_cosine(a, b),
        "soft_title": soft_title(a, b),
    }


def score_of(f: Mapping[str, float], heading: bool, settings: MatchSettings) -> float:
    """The ranking score: a fixed weighted sum of the features (context weight spread over the
    rest when a node is top-level), in [0, 1]."""
    w = settings.heading_score if heading else settings.measure_score
    parts = 0.0
    for name, weight in w.terms:
        parts += weight * f.get(name, 0.0)
    total = parts / (1 - w.context) if f["no_context"] else parts + w.context * f["context"]
    total += settings.region_weight * f.get("region", 0.0) + settings.parents_weight * f.get("parents", 0.0)
    if heading and f["depth_gap"]:
        total *= settings.depth_gap_factor
    return max(0.0, min(total, 1.0))


# ---- features of the neighbourhood ---------------------------------------------------------
class Partners:
    """Content similarity (TF-IDF cosine) of every left item with every right item, and each
    measure's *mutual* best partner on the other side by the better of that and the latent
    similarity: between plans on different subjects every measure still has a best partner,
    and one long chapter of the other plan could collect them all."""

    def __init__(self, left: Sequence[Prepared], right: Sequence[Prepared], settings: MatchSettings) -> None:
        import numpy as np

        vocab: dict[str, int] = {}
        for p in (*left, *right):
            for t in p.vec:
                vocab.setdefault(t, len(vocab))

        def dense(items: Sequence[Prepared]) -> Any:
            m = np.zeros((len(items), max(1, len(vocab))), dtype=np.float32)
            for row, p in enumerate(items):
                for t, w in p.vec.items():
                    m[row, vocab[t]] = w
            return m

        self.content = dense(left) @ dense(right).T
        """TF-IDF cosine of left item i and right item j: ``content[i, j]``."""
        li = [k for k, p in enumerate(left) if p.item.group in MEASURE_GROUPS]
        rj = [k for k, p in enumerate(right) if p.item.group in MEASURE_GROUPS]
        sim = self.content[np.ix_(li, rj)].copy() if li and rj else np.zeros((len(li), len(rj)), dtype=np.float32)
        if li and rj and all(left[i].latent is not None for i in li) and all(right[j].latent is not None for j in rj):
            latent = np.stack([left[i].latent for i in li]) @ np.stack([right[j].latent for j in rj]).T
            sim = np.maximum(sim, settings.partner_latent * np.clip(latent, 0, None))
        if li and rj and all(left[i].sem is not None for i in li) and all(right[j].sem is not None for j in rj):
            sem = np.stack([left[i].sem for i in li]) @ np.stack([right[j].sem for j in rj]).T
            sim = np.maximum(sim, settings.partner_latent * np.clip(sem, 0, None))
        best_right = {i: rj[int(sim[k].argmax())] for k, i in enumerate(li)} if rj else {}
        best_left = {j: li[int(sim[:, k].argmax())] for k, j in enumerate(rj)} if li else {}
        self.best_right = {i: j for i, j in best_right.items() if best_left.get(j) == i}
        """Left measure → its mutual best right partner."""
        self.best_left = {j: i for j, i in best_left.items() if best_right.get(i) == j}
        """Right measure → its mutual best left partner."""

    def kids_share(self, a: Prepared, b: Prepared) -> float:
        """Share of the measures under two headings whose mutual best partner is under the other."""
        ka, kb = set(a.kids), set(b.kids)
        if not ka or not kb:
            return 0.0
        hits = sum(1 for i in ka if self.best_right.get(i) in kb) + sum(1 for j in kb if self.best_left.get(j) in ka)
        return hits / (len(ka) + len(kb))


def parent_agreement(a: Prepared, b: Prepared, paired: Mapping[int, int], taken: set[int],
                     lpos: Mapping[int, int], rpos: Mapping[int, int]) -> float:
    """1 when the two headings' parents were paired with each other (or both are top-level),
    -1 when each parent went elsewhere (or is the top level while the other's went elsewhere)."""
    pa, pb = a.item.parent, b.item.parent
    if pa is None and pb is None:
        return 1.0
    ia = lpos.get(id(pa)) if pa is not None else None
    jb = rpos.get(id(pb)) if pb is not None else None
    if ia is not None and jb is not None and paired.get(ia) == jb:
        return 1.0
    left_elsewhere = ia is not None and ia in paired
    right_elsewhere = jb is not None and jb in taken
    return -1.0 if (pa is None or left_elsewhere) and (pb is None or right_elsewhere) else 0.0


def region_of(a: Prepared, b: Prepared, heads: set[tuple[int, int]]) -> float:
    """1 when the two items sit under headings paired with each other (``heads``: pairs of node
    ids), ½ when some ancestors are, 0 otherwise."""
    if a.item.parent is None and b.item.parent is None:
        return 1.0
    if (id(a.item.parent), id(b.item.parent)) in heads:
        return 1.0
    la = [id(n) for n in a.item.ancestors]
    lb = [id(n) for n in b.item.ancestors]
    return 0.5 if any((x, y) in heads for x in la for y in lb) else 0.0


def add_margins(cands: Iterable[Candidate], left: Sequence[Prepared], right: Sequence[Prepared]) -> None:
    """``margin``: how far a candidate's score is above the best rival of either node. A rival
    enclosing or enclosed by the candidate's own node (a chapter and its sections) is not one."""
    def related(x: Prepared, y: Prepared) -> bool:
        return id(y.item.node) in x.enclosing or id(x.item.node) in y.enclosing

    cands = list(cands)
    by_i: dict[int, list[Candidate]] = {}
    by_j: dict[int, list[Candidate]] = {}
    for c in cands:
        by_i.setdefault(c.i, []).append(c)
        by_j.setdefault(c.j, []).append(c)
    for c in cands:
        mine_l, mine_r = left[c.i], right[c.j]
        rival = 0.0
        for o in by_i[c.i]:
            if o is not c and o.score > rival and not related(right[o.j], mine_r):
                rival = o.score
        for o in by_j[c.j]:
            if o is not c and o.score > rival and not related(left[o.i], mine_l):
                rival = o.score
        c.features["margin"] = c.score - rival


# ---- why a pair was made, in words -----------------------------------------------------------
@dataclass
class RelatedTerm:
    """Two words, one on each side, that planctl takes to mean the same or related things."""

    left: str
    right: str
    via: str
    """``thesaurus`` (a 《同义词词林》 synonym group), ``related`` (dictionaries/related.tsv) or
    ``vectors`` (the domain word vectors)."""
    similarity: float = 1.0

    def to_dict(self) -> dict[str, object]:
        return {"left": self.left, "right": self.right, "via": self.via, "similarity": round(self.similarity, 3)}

    def mirrored(self) -> RelatedTerm:
        return RelatedTerm(self.right, self.left, self.via, self.similarity)


@dataclass
class Evidence:
    """Why two items were paired, in words a reader can check: the words both use (most telling
    first) and the differently worded terms planctl related."""

    shared_words: list[str] = field(default_factory=list)
    related_terms: list[RelatedTerm] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {"shared_words": list(self.shared_words), "related_terms": [t.to_dict() for t in self.related_terms]}

    def mirrored(self) -> Evidence:
        return Evidence(list(self.shared_words), [t.mirrored() for t in self.related_terms])


_CONCEPT_MARKS = (CONCEPT_PREFIX, "≈")  # thesaurus codes and related-term groups


def _words(p: Prepared) -> dict[str, float]:
    """The item's words that say something to a reader: two Han characters or more (numbers,
    units and single characters weigh in the matcher but explain nothing)."""
    return {t: w for t, w in p.vec.items() if not t.startswith(_CONCEPT_MARKS) and sum(map(is_han, t)) >= 2}


def _vector_terms(wa: Mapping[str, float], wb: Mapping[str, float], vectors: Any, limit: int,
                  floor: float = 0.55) -> list[RelatedTerm]:
    """The most telling words of each side that the other lacks, paired by the word vectors when
    they are close (each word used once, closest first)."""
    lefts = [t for t in sorted(wa, key=lambda t: -wa[t]) if t not in wb][:limit]
    rights = [t for t in sorted(wb, key=lambda t: -wb[t]) if t not in wa][:limit]
    scored = sorted(((vectors.similarity(x, y), x, y) for x in lefts for y in rights), reverse=True)
    used: set[str] = set()
    out: list[RelatedTerm] = []
    for sim, x, y in scored:
        if sim < floor or len(out) >= limit // 2:
            break
        if x not in used and y not in used:
            used |= {x, y}
            out.append(RelatedTerm(x, y, "vectors", sim))
    return out


def evidence_of(a: Prepared, b: Prepared, limit: int = 8, vectors: Any = None) -> Evidence:
    """The evidence for pairing ``a`` with ``b``: shared words by the weight they carry in both,
    and word pairs that differ but share a thesaurus or related-term group, or that the word
    vectors place close together.

        >>> Evidence(["就业"], [RelatedTerm("农民工", "农村劳动力", "related")]).mirrored().related_terms[0].left
        '农村劳动力'
    """
    from planctl.compare.semantics import concepts_of

    wa, wb = _words(a), _words(b)
    shared = sorted((t for t in wa if t in wb), key=lambda t: (-wa[t] * wb[t], t))
    lex = lexicon()

    def groups(word: str) -> list[tuple[str, str]]:
        return [(c, "thesaurus") for c in concepts_of(word)] + [(c, "related") for c in lex.related.get(word, ())]

    right_by_group: dict[str, list[str]] = {}
    for t in sorted(wb, key=lambda t: -wb[t]):
        if t not in wa:
            for code, _via in groups(t):
                right_by_group.setdefault(code, []).append(t)
    related: list[RelatedTerm] = []
    seen: set[tuple[str, str]] = set()
    for t in sorted(wa, key=lambda t: -wa[t]):
        if t in wb:
            continue
        for code, via in groups(t):
            for other in right_by_group.get(code, ()):
                if (t, other) not in seen:
                    seen.add((t, other))
                    related.append(RelatedTerm(t, other, via))
    if vectors is not None:
        related = _vector_terms(wa, wb, vectors, limit) + related
    return Evidence(shared[:limit], related[:limit])
