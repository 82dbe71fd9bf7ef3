"""``planctl search``: measures and other nodes containing a query, ranked, from an embedded
SQLite FTS5 index (:mod:`~planctl.search.index`), matched and ranked by
:mod:`~planctl.search.rank`, queries read by :mod:`~planctl.search.query`.

Example::

    >>> from planctl.env import Environment
    >>> result = run(SearchRequest("零工市场", plans=["wuwei"], limit=1), env=Environment.recording())
    >>> [(h.plan_id, h.kind) for h in result.hits]
    [('wuwei-employment-2022', 'measure')]
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from planctl.corpus import Corpus, Skipped, load_corpus, path_reference
from planctl.corpus.load import scan_corpus
from planctl.env import Environment
from planctl.errors import PlanctlError
from planctl.lexicon import lexicon
from planctl.model import KINDS, Document
from planctl.paths import cache_dir
from planctl.regions import department_table, region_table
from planctl.search.index import IndexStatus, IndexSummary, catalogue, index_summary, memory_index, open_index
from planctl.search.query import Query, TermGroup, parse_query
from planctl.search.rank import Filters, Hit, search, snippet

__all__ = ["Filters", "Hit", "Query", "SearchRequest", "SearchResult", "TermGroup", "index", "memory_index",
           "open_corpus_index", "parse_query", "run", "search", "snippet"]

LEVELS = ("province", "city", "county", "national")
NODE_KINDS = (*KINDS, "row")
"""What ``--kind`` may name: node kinds, and ``row`` (a table row)."""


@dataclass
class SearchRequest:
    """Everything ``planctl search`` is asked."""

    query: str
    """Words (all must match), ``A OR B``, ``-word``, ``"exact phrase"``."""
    plans: list[str] = field(default_factory=list)
    """Only these plans: ids, aliases or paths (plans given by path are searched on their own)."""
    region: str = ""
    """Only plans of this region and the places under it (``甘肃`` includes 武威)."""
    level: str = ""
    """Only plans of this level: ``province``, ``city`` or ``county``."""
    kinds: list[str] = field(default_factory=list)
    """Only these node kinds (``measure``, ``row``, ``paragraph`` …)."""
    within: str = ""
    """Only nodes under this path (``三`` or ``三/（一）``)."""
    any_term: bool = False
    """Any positive word may match, instead of all."""
    expand: bool = False
    """Also match each word's synonyms (dictionaries/synonyms.tsv)."""
    limit: int | None = None
    """At most this many hits."""
    context: int = 0
    """Sentences of context around each hit's first match."""
    encoding: str | None = None
    """Decode plans given by path with this codec."""
    departments: list[str] = field(default_factory=list)
    """Only measures whose parsed departments (责任单位) name one of these, by any of its names
    (``人社厅`` finds 省人力资源社会保障厅; dictionaries/departments.tsv)."""

    def __post_init__(self) -> None:
        if self.level and self.level not in LEVELS:
            raise PlanctlError(f"unknown level '{self.level}'; choose from: {', '.join(LEVELS)}")
        unknown = [k for k in self.kinds if k not in NODE_KINDS]
        if unknown:
            raise PlanctlError(f"unknown kind '{unknown[0]}'; choose from: {', '.join(NODE_KINDS)}")


@dataclass
class SearchResult:
    """The hits of a search, best first, and the terms they were matched on."""

    hits: list[Hit]
    terms: list[str]
    """Positive query terms, synonyms included when expanded (what a view highlights)."""
    context: int = 0
    """Sentences of context asked for."""


def open_corpus_index(
    root: Path | None = None, *, force: bool = False, env: Environment | None = None, strict: bool = False,
    follow_links: bool = False,
) -> tuple[sqlite3.Connection, IndexStatus, Corpus]:
    """The corpus search index (built when stale), its status, and a corpus of the indexed
    documents for resolving plans. A fresh index is used without parsing the corpus at all; the
    files its build could not read are reported as when it was built (``strict``: an error)."""
    env = env or Environment()
    base = root or env.corpus_dir()
    files, outside = scan_corpus(base, follow_links=follow_links)
    loaded: list[Corpus] = []

    def documents() -> list[Document]:
        loaded.append(load_corpus(base, env=env, strict=strict, follow_links=follow_links))
        return list(loaded[0].documents)

    def notes() -> dict[str, str]:
        return {"skipped": json.dumps(loaded[0].skipped.files, ensure_ascii=False),
                "files": str(len(files) + len(outside))}

    name = hashlib.blake2b(os.fsencode(base.resolve()), digest_size=4).hexdigest()  # one index per folder
    conn, status = open_index(documents, files, cache_dir(), force=force, lines_of=lambda d: loaded[0].lines_of(d),
                              env=env, corpus=name, notes=notes)
    if not loaded:  # the index was fresh: say what its build skipped, as the build did
        Skipped([tuple(f) for f in json.loads(status.notes.get("skipped", "[]"))],
                len(files) + len(outside)).report(env, strict)
    corpus = loaded[0] if loaded else Corpus(documents=catalogue(conn), root=base, env=env)
    return conn, status, corpus


def index(root: Path | None = None, *, env: Environment | None = None, strict: bool = False,
          follow_links: bool = False) -> IndexSummary:
    """Rebuild the corpus search index now and say what it holds (``planctl index``)."""
    conn, status, _ = open_corpus_index(root, force=True, env=env, strict=strict, follow_links=follow_links)
    return index_summary(conn, status)


def _query(request: SearchRequest) -> Query:
    """The request's query, a department's abbreviation standing for all its names (``人社厅``
    also finds 人力资源社会保障厅); none needed when departments are asked for."""
    if not request.query.strip() and request.departments:
        return Query([])
    query = parse_query(request.query, any_term=request.any_term).expanded(department_table().aliases)
    return query.expanded(lexicon().expand) if request.expand else query


def _corpus_and_index(request: SearchRequest, root: Path | None, env: Environment | None, strict: bool,
                      follow_links: bool) -> tuple[sqlite3.Connection, Corpus, list[Document]]:
    """The index to search, a corpus to resolve plans with, and the plans asked for. Plans all
    given by path are indexed on their own: no corpus is read."""
    env = env or Environment()
    if request.plans and all(path_reference(p.strip()) for p in request.plans):
        corpus = Corpus(env=env)
        docs = corpus.resolve_many(request.plans, encoding=request.encoding, main_only=True)
        return memory_index(docs, corpus.lines_of), corpus, docs
    conn, _status, corpus = open_corpus_index(root, env=env, strict=strict, follow_links=follow_links)
    docs = corpus.resolve_many(request.plans, encoding=request.encoding, main_only=True)
    outside = [d for d in docs if not corpus.is_member(d)]
    if outside and len(outside) < len(docs):
        raise PlanctlError("mix of corpus plans and files in --plan: search them in two runs")
    if outside:
        conn = memory_index(outside, corpus.lines_of)
    return conn, corpus, docs


def _openable(source_path: str, corpus: Corpus) -> str:
    """A hit's file as a terminal opens it from the working directory: a corpus file's path is
    shown relative to the corpus's parent folder, a file given by path as it was given."""
    path = Path(source_path)
    if path.is_absolute() or corpus.root is None or all(d.source.path != source_path for d in corpus.documents):
        return source_path
    path = corpus.root.resolve().parent / path
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def run(request: SearchRequest, *, root: Path | None = None, env: Environment | None = None,
        strict: bool = False, follow_links: bool = False) -> SearchResult:
    """Search the corpus in ``root`` (or the plans given by path) as ``request`` asks; links out
    of its folder are followed only with ``follow_links``."""
    query = _query(request)
    conn, corpus, docs = _corpus_and_index(request, root, env, strict, follow_links)
    filters = Filters(kinds=list(request.kinds), level=request.level, path_prefix=request.within.strip("/"),
                      plans=[d.id for d in docs],
                      departments=[a for d in request.departments for a in department_table().aliases(d)])
    if request.region:
        found = region_table().get(request.region)
        if found is None:
            raise PlanctlError(f"unknown region '{request.region}'")
        filters.regions = region_table().with_descendants(found)  # 甘肃 includes 武威
    hits = search(conn, query, filters, limit=request.limit, context_sentences=request.context)
    for hit in hits:
        hit.file = _openable(hit.source_path, corpus)
    return SearchResult(hits, query.positive_terms, request.context)
