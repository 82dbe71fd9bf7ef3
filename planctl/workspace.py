"""The service shell around the pure core: a :class:`Workspace` owns the corpus, the caches, the
corpus statistics (IDF, latent model) and the way work is executed (this process, or worker
processes), and answers what the commands ask — ``planctl diff``, ``compare``, ``eval``.

The core (:mod:`planctl.compare`) takes values and returns values: ``align(left, right, stats,
settings=…, calibration=…)`` never reaches for a corpus, a cache or the environment. Everything
that does — which statistics belong to which documents, what is cached under which key, which
alignments run where — lives here.

Example::

    >>> from planctl.corpus import load_corpus
    >>> ws = Workspace(load_corpus())
    >>> left, right = ws.corpus.resolve_pair("gansu", "qinghai")
    >>> shown, differs = ws.diff(left, right, kinds=["chapter"])
    >>> differs, [(p.pair.left.title, p.pair.right.title) for p in shown.pairs if p.status == "matched"]
    (True, [('总体要求', '总体要求')])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planctl import cache
from planctl.compare.align import Alignment, IndicatorPair, Pair, align, indicator_key, indicators_of
from planctl.compare.candidates import CandidatePair, measure_candidates, plans_to_align
from planctl.compare.confidence import Calibration, refine, shipped_calibration
from planctl.compare.diff import COMPARE, VERSIONS, Diff, are_editions, diff_from_alignment, diff_view
from planctl.compare.evaluate import Evaluation, Gold, gold_ref, read_gold, score_pairs
from planctl.compare.features import Evidence, RelatedTerm
from planctl.compare.items import idf_texts
from planctl.compare.kinds import Side
from planctl.compare.many import Comparison, comparison, document_similarities, one_edition_each
from planctl.compare.matcher import Group, Restatement
from planctl.compare.passages import Passage
from planctl.compare.semantics import LatentModel, build_latent
from planctl.compare.similarity import Statistics, idf_table, tokens_of
from planctl.compare.trace import Trace, trace_of
from planctl.compare.vectors import VECTORS_DIRNAME, WordVectors, load_vectors
from planctl.corpus import Corpus
from planctl.engine import Engine
from planctl.env import Environment, Tick, no_tick
from planctl.errors import PlanctlError
from planctl.lexicon import lexicon
from planctl.model import HEADING_KINDS, Document, Node
from planctl.settings import CandidateSettings, MatchSettings


@dataclass
class Workspace:
    """A corpus with its caches, statistics and executor."""

    corpus: Corpus
    settings: MatchSettings = field(default_factory=MatchSettings)
    """Every threshold and weight of the matcher."""
    calibration: Calibration = field(default_factory=shipped_calibration)
    """The confidence model pairs are judged by."""
    workers: int | None = None
    """Worker processes for many alignments (None: one per core, at most 8; 1: this process only)."""
    vectors: Any = field(default_factory=lambda: shipped_vectors())
    """The domain word vectors alignments use (memory-mapped on first use; None: none)."""
    engine: Engine | None = None
    """Where many alignments run (:class:`~planctl.engine.Engine`: this process, a local Dask
    cluster, or ``--scheduler``'s); None: a local engine of ``workers`` processes."""
    candidate_settings: CandidateSettings = field(default_factory=CandidateSettings)
    """How candidate measure pairs are found across many documents (trace, compare)."""
    _held: dict[str, Statistics] = field(default_factory=dict, init=False, repr=False)
    """The corpus statistics read so far, by corpus key (:meth:`corpus_statistics`)."""

    def __post_init__(self) -> None:
        if self.engine is None:
            self.engine = Engine(self.env, workers=self.workers)

    @property
    def executor(self) -> Engine:
        """The engine (:attr:`engine`, made on creation when none was given)."""
        assert self.engine is not None
        return self.engine

    def close(self) -> None:
        """Stop the engine's cluster, if one was started (the workspace stays usable)."""
        self.executor.close()

    @property
    def env(self) -> Environment:
        return self.corpus.env

    # ---- statistics --------------------------------------------------------------------------
    def _corpus_key(self) -> str:
        return f"{self.corpus.fingerprint()}-{lexicon().fingerprint}"

    def _texts(self, extra: list[list[str]], with_corpus: bool = True) -> list[list[str]]:
        """The IDF 'documents' of every corpus document (``with_corpus``), then of ``extra``
        (loads the trees)."""
        if not with_corpus:
            return list(extra)
        self.corpus.ensure_trees()
        return [*(idf_texts(doc) for doc in self.corpus.documents), *extra]

    def _idf(self, key: str, extra: list[list[str]], with_corpus: bool = True) -> dict[str, float]:
        """IDF over the corpus's items and ``extra``, cached on disk under ``key`` (the corpus's
        trees are loaded only when the table must be computed)."""
        table = cache.load_json("idf", key, dict, self.env)
        if table is None or not all(isinstance(v, (int, float)) for v in table.values()):
            texts = self._texts(extra, with_corpus)
            tick = self.env.progress("counting words in", len(texts), unit="documents")
            table = idf_table(_ticking(texts, tick))
            cache.store_json("idf", key, table, self.env)
        return table

    def _model(self, key: str, extra: list[list[str]], with_corpus: bool = True) -> LatentModel | None:
        """The latent (LSA) model over the corpus's items and ``extra``, cached on disk under ``key``."""
        held = cache.load_as("latent", key, LatentModel.from_dict, self.env)
        if held is None and not cache.load_json("latent-none", key, bool, self.env):
            with self.env.step("fitting the word model" + (" on the corpus" if with_corpus else "")):
                held = build_latent([tokens_of(t) for group in self._texts(extra, with_corpus) for t in group])
            if held is None:
                cache.store_json("latent-none", key, True, self.env)
            else:
                cache.store_json("latent", key, held.to_dict(), self.env)
        return held

    def corpus_statistics(self) -> Statistics:
        """IDF and latent model over every alignable item of the corpus (cached on disk by corpus
        and dictionaries)."""
        key = self._corpus_key()
        if key not in self._held:  # read from the disk cache once per workspace, not per caller
            self._held[key] = Statistics(self._idf(key, []), self._model(key, []), self.vectors)
        return self._held[key]

    def statistics(self, docs: Iterable[Document]) -> Statistics:
        """The statistics for comparing ``docs``: the corpus's own when every one belongs to it;
        fitted on the files given by path alone when none does (what a diff of two files weighs
        its words by is the same whatever corpus is at hand, or none); otherwise on the corpus
        together with the files given by path, so that words the corpus never uses are weighted
        and modelled like the rest. Cached on disk by corpus, dictionaries and the files' text."""
        unique = list({id(d): d for d in docs}.values())
        outside = [d for d in unique if not self.corpus.is_member(d)]
        if not outside:
            return self.corpus_statistics()
        with_corpus = len(outside) < len(unique)
        texts = [idf_texts(d) for d in outside]
        joined = "\x01".join("\x00".join(t) for t in texts)
        key = cache.content_key(joined.encode(), self.corpus.fingerprint() if with_corpus else "files alone",
                                lexicon().fingerprint)
        return Statistics(self._idf(key, texts, with_corpus), self._model(key, texts, with_corpus), self.vectors)

    # ---- one pair ----------------------------------------------------------------------------
    def alignment(self, left: Document, right: Document) -> Alignment:
        """The alignment of two documents, cached (keyed by the corpus, the two files' contents,
        the dictionaries, planctl's code, the settings and the calibration); documents not read
        from a file are aligned afresh."""
        self.corpus.ensure_trees([left, right])
        key = self._alignment_key(left, right)
        held = self._cached_alignment(key, left, right)
        if held is not None:
            return held
        al = self._align(left, right)
        if key is not None:
            cache.store_json("alignment", key, encode_alignment(al), self.env)
        return al

    def _alignment_key(self, left: Document, right: Document) -> str | None:
        """The cache key of the two documents' alignment; None for documents built in memory."""
        files = [self.corpus.file_key(d) for d in (left, right)]
        if not all(files):  # documents built in memory: nothing to key them by
            return None
        vectors = self.vectors.fingerprint if self.vectors is not None else "none"
        return cache.content_key(repr(self.settings).encode(), self.calibration.fingerprint, vectors,
                                 self.corpus.fingerprint(), lexicon().fingerprint, left.id,
                                 left.source.path, str(left.source.index), right.id, right.source.path,
                                 str(right.source.index), *[f for f in files if f])

    def _cached_alignment(self, key: str | None, left: Document, right: Document) -> Alignment | None:
        held = cache.load_json("alignment", key, dict, self.env) if key is not None else None
        if held is not None:
            try:
                return decode_alignment(held, left, right)
            except (IndexError, KeyError, TypeError, ValueError):
                pass  # a damaged entry: align afresh
        return None

    def _align(self, left: Document, right: Document) -> Alignment:
        stats = self.statistics((left, right))
        names = [Path(self.corpus.label(d)).name for d in (left, right)]  # an id, or a file's name and #N
        with self.env.step(f"aligning {names[0]} with {names[1]}"):
            return align(left, right, stats, settings=self.settings, calibration=self.calibration)

    def diff_of(self, left: Document, right: Document, mode: str | None = None) -> Diff:
        """The whole diff of two documents (``mode`` None detects editions)."""
        self.corpus.ensure_trees([left, right])
        chosen = mode or (VERSIONS if are_editions(left, right, self.settings) else COMPARE)
        return self._diff_from(self.alignment(left, right), chosen)

    def _diff_from(self, al: Alignment, mode: str) -> Diff:
        result = diff_from_alignment(al, mode)
        result.files = {d.source.path: str(self.corpus.file_of(d)) for d in (al.left, al.right)}
        result.refs = (self.corpus.label(al.left), self.corpus.label(al.right))
        result.calibrated_on = self.calibration.user_pairs
        return result

    def diff(self, left: Document, right: Document, *, mode: str | None = None, kinds: Sequence[str] = (),
             only: str | None = None, threshold: float | None = None) -> tuple[Diff, bool]:
        """``planctl diff``: the diff as shown and whether the plans differ in the kinds asked for."""
        return diff_view(self.diff_of(left, right, mode), kinds, only, threshold)

    # ---- many plans --------------------------------------------------------------------------
    def plans_for(self, refs: Sequence[str] = (), *, topic: str | None = None, level: str | None = None,
                  region: str | None = None) -> list[Document]:
        """The plans to compare: those named, else every document of ``topic`` that is not a
        notice (one edition of each plan), narrowed by ``level`` and ``region`` (a region and the
        regions under it)."""
        corpus = self.corpus
        if refs:
            docs = corpus.resolve_group(refs, topic=topic)
        else:
            if topic is None:
                raise PlanctlError("name the plans to compare, or a --topic (see `planctl list`)")
            docs = [d for d in corpus.documents if d.topic == topic and d.kind != "notice"]
        if level:
            docs = [d for d in docs if d.level == level]
        if region:
            from planctl.regions import region_table

            table = region_table()
            found = table.get(region)
            if found is None:
                raise PlanctlError(f"unknown region '{region}'")
            names = set(table.with_descendants(found))
            docs = [d for d in docs if d.region in names]
        corpus.ensure_trees(docs)  # editions are told by their measures too, not only their titles
        unique = sorted({id(d): d for d in docs}.values(), key=lambda d: (d.region, d.id)) if refs \
            else one_edition_each(docs)
        if len(unique) < 2:
            raise PlanctlError(f"compare needs two plans or more; found {len(unique)}"
                               + (f" for topic '{topic}'" if topic else ""))
        return sorted(unique, key=lambda d: d.id)

    def compare_plans(self, plans: list[Document]) -> Comparison:
        """``planctl compare``: many plans at once (see :mod:`planctl.compare.many`)."""
        self.corpus.ensure_trees(plans)
        stats = self.statistics(plans)
        sims = document_similarities(plans, stats.idf)
        pairs = self.pairs_to_align(plans, stats)
        tick = self.env.progress("aligning", len(pairs), unit="pairs of plans")
        aligned = self.alignments([(plans[i], plans[j]) for i, j in pairs], tick)
        diffs = {pair: self._diff_from(al, COMPARE) for pair, al in zip(pairs, aligned, strict=True)}
        result = comparison(plans, sims, diffs, self.settings)
        result.files = {p.source.path: str(self.corpus.file_of(p)) for p in plans}
        return result

    def pairs_to_align(self, plans: list[Document], stats: Statistics | None = None) -> list[tuple[int, int]]:
        """Which of ``plans`` ``compare`` aligns (indices): those sharing candidate measure pairs;
        beyond ``all_pairs_up_to`` plans, each only with the ``neighbours`` it shares most with."""
        limit = None if len(plans) <= self.settings.all_pairs_up_to else self.settings.neighbours
        return plans_to_align(self.candidates(plans, stats), self.candidate_settings, limit=limit)

    def alignments(self, pairs: Sequence[tuple[Document, Document]], tick: Tick | None = None) -> list[Alignment]:
        """Many alignments, each what :meth:`alignment` gives for its pair: those cached are
        read; the rest of the pairs of corpus documents are aligned on the :attr:`engine` (the
        corpus statistics, the settings and the documents shipped once), any other pair here.
        ``tick`` is called with the number of pairs done."""
        tick = tick or no_tick
        self.corpus.ensure_trees([d for pair in pairs for d in pair])
        keys = [self._alignment_key(left, right) for left, right in pairs]
        found = [self._cached_alignment(key, left, right) for key, (left, right) in zip(keys, pairs, strict=True)]
        done = sum(al is not None for al in found)
        tick(done)
        missing = [k for k, al in enumerate(found) if al is None]
        shipped = [k for k in missing if all(self.corpus.is_member(d) for d in pairs[k])]
        if shipped:
            docs = list({id(d): d for k in shipped for d in pairs[k]}.values())
            at = {id(d): n for n, d in enumerate(docs)}
            load = Shipment(self.corpus_statistics(), self.settings, self.calibration, docs)
            jobs = [(at[id(pairs[k][0])], at[id(pairs[k][1])]) for k in shipped]
            start = done

            def keep(n: int, data: dict[str, Any]) -> None:  # as each finishes: a failure loses no finished one
                k = shipped[n]
                found[k] = decode_alignment(data, *pairs[k])
                key = keys[k]
                if key is not None:
                    cache.store_json("alignment", key, data, self.env)

            self.executor.map(_align_in_worker, jobs, shared=load, tick=lambda n: tick(start + n), each=keep,
                              doing="aligning plans")
            done += len(shipped)
        for k in missing:
            if found[k] is None:
                found[k] = self.alignment(*pairs[k])
                done += 1
                tick(done)
        return [al for al in found if al is not None]

    def candidates(self, docs: list[Document], stats: Statistics | None = None, *,
                   sources: Sequence[int] | None = None) -> list[CandidatePair]:
        """Candidate measure pairs among ``docs`` (indices into it), every document against every
        other (``docs`` chosen already: no further blocking), or ``sources`` against the rest
        (see :mod:`planctl.compare.candidates`)."""
        self.corpus.ensure_trees(docs)
        stats = stats or self.statistics(docs)
        with self.env.step(f"finding candidate measures in {len(docs)} documents"):
            return measure_candidates(docs, stats, self.candidate_settings, sources=sources, block=lambda d: "")

    def trace(self, source: Document) -> Trace:
        """``planctl trace``: the documents of the corpus on the source's subject (its topic) that
        took up its measures. Candidate measure pairs say which documents to align with the
        source; each is aligned as ``planctl diff`` aligns two plans (cached, on the
        :attr:`engine` when there are many)."""
        block = [d for d in self.corpus.documents if d.topic == source.topic and d is not source
                 and not (d.source.path == source.source.path and d.source.index == source.source.index)]
        docs = [source, *block]
        self.corpus.ensure_trees(docs)
        found = self.candidates(docs, self.statistics((source,)), sources=[0])
        targets = sorted({c.right.doc for c in found})
        tick = self.env.progress("aligning", len(targets), unit="documents with the source")
        alignments = self.alignments([(source, docs[k]) for k in targets], tick)
        result = trace_of(source, alignments)
        result.considered, result.candidates = len(block), len(found)
        result.files = {d.source.path: str(self.corpus.file_of(d)) for d in [source, *(u.document
                                                                                       for u in result.documents)]}
        return result

    # ---- gold --------------------------------------------------------------------------------
    def _gold_diff(self, path: Path, encoding: str | None) -> tuple[Gold, Document, Document, Diff]:
        gold = read_gold(path)
        left, right = self.corpus.resolve_pair(*(gold_ref(gold, r) for r in gold.refs), encoding=encoding)
        shown, _ = self.diff(left, right)
        return gold, left, right, shown

    def evaluate(self, path: Path, split: str = "all", *, encoding: str | None = None) -> Evaluation:
        """``planctl eval``: the matcher run as ``planctl diff`` runs it on the gold's two plans,
        scored against the gold."""
        gold, left, right, shown = self._gold_diff(path, encoding)
        made = [((p.pair.left.path, p.pair.left.title), (p.pair.right.path, p.pair.right.title))
                for p in shown.pairs if p.pair.left is not None and p.pair.right is not None]
        return score_pairs(gold, left, right, made, split)

    def evaluate_all(self, paths: Sequence[Path], split: str = "all", *,
                     encoding: str | None = None) -> list[Evaluation]:
        """Every gold file scored; with a user's own calibration, each also with the shipped one
        (``before``), so ``planctl eval`` shows what the user's pairs changed."""
        results = [self.evaluate(path, split, encoding=encoding) for path in paths]
        if self.calibration.user_pairs:
            shipped = Workspace(self.corpus, self.settings, shipped_calibration(), self.workers,
                                engine=self.engine)
            for path, result in zip(paths, results, strict=True):
                result.before = shipped.evaluate(path, split, encoding=encoding).total
                result.calibrated_on = self.calibration.user_pairs
        return results

    def calibrate(self, paths: Sequence[Path], split: str = "all", *,
                  encoding: str | None = None) -> Calibration:
        """``planctl calibrate``: the shipped calibration refined on the pairs the matcher makes
        on the plans of ``paths`` that the user's gold judges (right when the gold lists them,
        wrong otherwise). Not stored: see :func:`save_user_calibration`."""
        base = shipped_calibration()
        ws = Workspace(self.corpus, self.settings, base, self.workers, engine=self.engine)
        samples: list[tuple[bool, float, bool]] = []
        for path in paths:
            gold, _left, _right, shown = ws._gold_diff(path, encoding)
            right_pairs, judged = gold.pairs_in(split), gold.judge(split)
            for p in shown.pairs:
                a, b = p.pair.left, p.pair.right
                if a is None or b is None or not judged((a.path, a.title), (b.path, b.title)):
                    continue
                heading = a.kind in HEADING_KINDS and b.kind in HEADING_KINDS
                samples.append((heading, base.probability(p.pair.features, heading, p.pair.score),
                                ((a.path, a.title), (b.path, b.title)) in right_pairs))
        if not samples:
            raise PlanctlError("the gold files judge none of the pairs planctl makes on their plans: nothing to "
                               "calibrate on (list pairs you are sure of, or mark wrong ones with '!')")
        return refine(base, samples, self.settings.user_prior)


def shipped_vectors() -> WordVectors:
    """The domain word vectors shipped in ``dictionaries/vectors`` (see its card in
    ``dictionaries/README.md``); nothing is read until a vector is asked for.

    Example::

        >>> shipped_vectors().similarity("稳岗", "援企稳岗") > 0.5
        True
    """
    from planctl.paths import dictionaries_dir

    return load_vectors(dictionaries_dir() / VECTORS_DIRNAME)


# ---- a user's own calibration ----------------------------------------------------------------
@dataclass
class CalibrationResult:
    """What ``planctl calibrate`` made: the refined calibration, the shipped one it started from,
    and where it is kept."""

    calibration: Calibration
    shipped: Calibration
    path: Path



def _ticking(items: list[list[str]], tick: Callable[[int], None]) -> Iterator[list[str]]:
    """``items`` one by one, saying how many were taken."""
    for done, item in enumerate(items, start=1):
        yield item
        tick(done)


def user_calibration_path(corpus: Corpus) -> Path:
    """Where the calibration fitted on a user's gold is kept for ``corpus`` (one per corpus folder,
    in planctl's data directory: it is the user's work, not a cache)."""
    import hashlib

    from planctl.paths import data_dir

    root = str(corpus.root.resolve()) if corpus.root is not None else ""
    return data_dir() / "calibrations" / f"{hashlib.blake2b(root.encode(), digest_size=10).hexdigest()}.json"


def save_user_calibration(corpus: Corpus, calibration: Calibration, golds: Sequence[Path]) -> Path:
    """Keep ``calibration`` for ``corpus`` (written atomically); the path written."""
    import json
    from datetime import date

    path = user_calibration_path(corpus)
    data = calibration.to_dict() | {"corpus": str(corpus.root), "gold": [str(Path(g).resolve()) for g in golds],
                                    "fitted": date.today().isoformat()}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        cache.write_atomic(path, lambda f: f.write(json.dumps(data, ensure_ascii=False, indent=2).encode()))
    except OSError as exc:
        raise PlanctlError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


def forget_user_calibration(corpus: Corpus) -> Path | None:
    """Remove the user's calibration of ``corpus`` (the shipped one applies again); the path
    removed, or None when there was none."""
    path = user_calibration_path(corpus)
    try:
        path.unlink()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise PlanctlError(f"cannot remove {path}: {exc.strerror or exc}") from None
    return path


def user_calibration(corpus: Corpus, env: Environment | None = None) -> Calibration | None:
    """The calibration a user fitted for ``corpus`` with ``planctl calibrate``, if any (a damaged
    file is reported and ignored)."""
    path = user_calibration_path(corpus)
    if not path.exists():
        return None
    held = Calibration.load(path)
    if not held.user_pairs:
        if env is not None:
            env.warn(f"{path}: not a calibration planctl wrote; using the shipped one (planctl calibrate --reset)")
        return None
    return held


# ---- alignments on the engine ---------------------------------------------------------------
@dataclass(frozen=True)
class Shipment:
    """What every alignment of :meth:`Workspace.alignments` shares, shipped to each worker once:
    the corpus statistics (IDF, latent model, word vectors), the matcher's settings and
    calibration, and the documents the pairs name (by position)."""

    stats: Statistics
    settings: MatchSettings
    calibration: Calibration
    documents: list[Document]

    def __getstate__(self) -> dict[str, Any]:
        vectors = self.stats.vectors
        if vectors is not None:
            vectors.load()  # the vectors travel themselves, not the path to this machine's copy
        return dict(self.__dict__)


def _align_in_worker(job: tuple[int, int], load: Shipment) -> dict[str, Any]:
    """A worker (or this process): align two of the shipment's documents; the alignment in its
    cached form (:func:`encode_alignment`), which the workspace decodes on its own trees."""
    left, right = load.documents[job[0]], load.documents[job[1]]
    return encode_alignment(align(left, right, load.stats, settings=load.settings, calibration=load.calibration))


# ---- a compact form of an alignment, for the cache -------------------------------------------
def encode_alignment(al: Alignment) -> dict[str, Any]:
    """The alignment as plain data: nodes by their position in document order, indicators by
    their position in :func:`~planctl.compare.align.indicators_of`."""
    lpos = {id(n): k for k, n in enumerate(al.left.walk())}
    rpos = {id(n): k for k, n in enumerate(al.right.walk())}
    lind = {indicator_key(x): k for k, x in enumerate(indicators_of(al.left))}
    rind = {indicator_key(x): k for k, x in enumerate(indicators_of(al.right))}

    def pos(node: Node | None, table: dict[int, int]) -> int:
        return -1 if node is None else table[id(node)]

    def own(side: Side) -> dict[int, int]:
        return lpos if side == Side.LEFT else rpos

    pairs = [(p.kind, p.score, pos(p.left, lpos), pos(p.right, rpos), p.confidence, p.label, p.relation,
              [(x.text, x.length, x.left_start, x.left_end, x.right_start, x.right_end) for x in p.passages],
              p.shared, [(rpos if p.left is not None else lpos)[id(n)] for n in p.group], p.stage, p.features,
              p.evidence.to_dict() if p.evidence is not None else None)
             for p in al.pairs]
    inds = [(i.score, -1 if i.left is None else lind[indicator_key(i.left)],
             -1 if i.right is None else rind[indicator_key(i.right)]) for i in al.indicators]
    rest = [(r.side.value, own(r.side)[id(r.item)], own(r.side)[id(r.body)], r.score) for r in al.restatements]
    groups = [(g.side.value, own(g.side)[id(g.node)], [own(g.side.other)[id(n)] for n in g.members], g.share)
              for g in al.groups]
    return {"pairs": pairs, "indicators": inds, "restatements": rest, "groups": groups}


def _evidence(data: dict[str, Any] | None) -> Evidence | None:
    if data is None:
        return None
    return Evidence(list(data["shared_words"]),
                    [RelatedTerm(t["left"], t["right"], t["via"], t["similarity"]) for t in data["related_terms"]])


def decode_alignment(data: dict[str, Any], left: Document, right: Document) -> Alignment:
    """The inverse of :func:`encode_alignment` on the same two trees."""
    lnodes, rnodes = list(left.walk()), list(right.walk())
    linds, rinds = indicators_of(left), indicators_of(right)

    def node(nodes: list[Node], k: int) -> Node | None:
        return None if k < 0 else nodes[k]

    def own(side: Side) -> list[Node]:
        return lnodes if side == Side.LEFT else rnodes

    pairs = []
    for kind, score, lk, rk, conf, label, relation, passages, shared, group, stage, features, evidence in data["pairs"]:
        members = [(rnodes if lk >= 0 else lnodes)[k] for k in group]
        pairs.append(Pair(kind, score, node(lnodes, lk), node(rnodes, rk), confidence=conf, label=label,
                          relation=relation, passages=[Passage(*x) for x in passages], shared=shared,
                          group=members, stage=stage, features=dict(features),
                          evidence=_evidence(evidence)))
    inds = [IndicatorPair(score, None if lk < 0 else linds[lk], None if rk < 0 else rinds[rk])
            for score, lk, rk in data["indicators"]]
    rest = [Restatement(Side(side), own(Side(side))[a], own(Side(side))[b], s)
            for side, a, b, s in data["restatements"]]
    groups = [Group(Side(side), own(Side(side))[k], [own(Side(side).other)[m] for m in members], share)
              for side, k, members, share in data["groups"]]
    return Alignment(left, right, pairs, inds, rest, groups)
