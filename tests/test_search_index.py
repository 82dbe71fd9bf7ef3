"""The compact search index: the same hits in the same order as the index it replaced, grep's
recall computed independently of the index, and an index no larger than twice its text."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import Any

import pytest

from planctl.corpus import load_corpus
from planctl.lexicon import lexicon
from planctl.search import Filters, memory_index, parse_query, search
from planctl.search.index import build_index, document_rows
from tests.helpers import ROOT, script

BEFORE = ROOT / "tests" / "fixtures" / "search" / "hits-before-compact-index.json"
"""Every hit of QUERIES on the shipped corpus as the previous index (text stored per row twice,
trigram table with positions) gave them, in order; written once by that code, never by this one."""

# name → (query, filters, expand synonyms, sentences of context)
QUERIES: dict[str, tuple[str, dict[str, Any], bool, int]] = {
    "one character": ("人", {}, False, 0),
    "two characters": ("就业", {}, False, 0),
    "two characters, rare": ("稳岗", {}, False, 0),
    "three characters": ("失业率", {}, False, 0),
    "four characters": ("零工市场", {}, False, 0),
    "five characters": ("高校毕业生", {}, False, 0),
    "long term": ("职业技能培训", {}, False, 0),
    "latin and digits": ("5G", {}, False, 0),
    "digits": ("2025", {}, False, 0),
    "percent sign": ("%", {}, False, 0),
    "punctuation": ("“十四五”", {}, False, 0),
    "numbering": ("（一）", {}, False, 0),
    "two words": ("就业 创业", {}, False, 0),
    "or": ("稳岗 OR 扩岗", {}, False, 0),
    "not": ("零工市场 -人才市场", {}, False, 0),
    "short not": ("就业 -创业", {}, False, 0),
    "phrase": ('"就业服务"', {}, False, 0),
    "absent": ("火星基地", {}, False, 0),
    "any of three": ("乡村振兴 OR 新就业形态 OR 专精特新", {}, False, 0),
    "context": ("就业见习", {}, False, 1),
    "expanded": ("零工市场", {}, True, 0),
    "kind row": ("失业率", {"kinds": ["row"]}, False, 0),
    "kinds": ("就业", {"kinds": ["measure", "paragraph"]}, False, 0),
    "one plan": ("就业", {"plans": ["wuwei-employment-2022"]}, False, 0),
    "region": ("零工市场", {"regions": ["甘肃省", "武威市", "天水市"]}, False, 0),
    "level": ("就业", {"level": "city"}, False, 0),
    "within": ("就业", {"path_prefix": "三"}, False, 0),
    "departments": ("", {"departments": ["人社厅", "人力资源社会保障厅", "人社局"]}, False, 0),
    "departments and a word": ("就业", {"departments": ["财政厅"]}, False, 0),
}


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def results_of(conn: sqlite3.Connection, name: str) -> list[list[Any]]:
    """The hits of one of QUERIES, in order: where each is, its score, and a digest of its texts
    (title, text, body, snippet, departments, document title, file)."""
    from planctl.search import Query

    text, filters, expand, context = QUERIES[name]
    query = parse_query(text) if text else Query([])
    if expand:
        query = query.expanded(lexicon().expand)
    return [[h.plan_id, h.path, h.kind, h.line, h.line_end, h.score,
             _digest("\x00".join((h.title, h.text, h.body, h.snippet, h.departments, h.doc_title, h.source_path)))]
            for h in search(conn, query, Filters(**filters), context_sentences=context)]


@pytest.fixture(scope="module")
def shipped() -> tuple[sqlite3.Connection, Any]:
    corpus = load_corpus()
    return memory_index(corpus.documents, corpus.lines_of), corpus


@pytest.mark.parametrize("name", list(QUERIES))
def test_hits_and_order_as_the_previous_index_gave_them(shipped, name: str) -> None:
    conn, _ = shipped
    before = json.loads(BEFORE.read_text(encoding="utf-8"))[name]
    assert results_of(conn, name) == before


# ---- grep's hits, computed from the source lines without the index ---------------------------
def _grep(lines_by_file: dict[str, list[str]], terms: list[str]) -> set[tuple[str, int]]:
    """(file, line) of every source line holding one of ``terms``, as ``grep -F -e … -e …``."""
    return {(path, k) for path, lines in lines_by_file.items() for k, line in enumerate(lines, 1)
            if any(t in line for t in terms)}


@pytest.mark.parametrize("name", [n for n, (q, f, expand, _) in QUERIES.items() if q and not f and not expand])
def test_every_line_grep_finds_is_in_a_hit_and_every_hit_matches(shipped, name: str) -> None:
    conn, corpus = shipped
    text = QUERIES[name][0]
    query = parse_query(text)
    hits = search(conn, query)
    lines_by_file = {f.display: [ln.text for ln in f.parsed.source.lines] for f in corpus.files if f.parsed}
    positive = [g for g in query.groups if not g.negated]
    if len(positive) == 1 and len(query.groups) == 1:  # one group: grep -F finds the same lines
        covered = {(h.source_path, k) for h in hits for k in range(h.line, max(h.line, h.line_end) + 1)}
        missing = _grep(lines_by_file, positive[0].terms) - covered
        assert not missing, f"{text}: grep finds {sorted(missing)[:3]} but search does not"
    for h in hits:  # every hit holds each positive group and no negated one, literally
        for g in query.groups:
            assert any(t in h.body for t in g.terms) != g.negated, (text, h.source_path, h.line)
    assert len({(h.source_path, h.line, h.path, h.kind) for h in hits}) == len(hits)  # each node once


# ---- size ------------------------------------------------------------------------------------
def index_ratio(conn: sqlite3.Connection) -> float:
    """Index size (its pages) ÷ the bytes of text it holds (its rows' bodies, UTF-8)."""
    (pages,) = conn.execute("PRAGMA page_count").fetchone()
    (page,) = conn.execute("PRAGMA page_size").fetchone()
    (text,) = conn.execute("SELECT sum(length(body)) FROM texts").fetchone()
    return float(pages * page / text)


SCALED_DOCUMENTS = 100
"""A scaled corpus of this many documents (3 MB) is indexed for the size test: from about this
size on, the pages every SQLite table takes whatever it holds weigh little."""


def test_index_is_at_most_twice_the_text_it_holds(tmp_path) -> None:
    scale = script("scale_corpus")
    files = scale.generate(SCALED_DOCUMENTS, tmp_path / "corpus")
    corpus = load_corpus(tmp_path / "corpus")
    path = tmp_path / "index.sqlite"
    conn = sqlite3.connect(path)
    build_index(conn, corpus.documents, corpus.lines_of, "size test")
    text = sum(len(b.encode("utf-8")) for d in corpus.documents for r in document_rows(d, corpus.lines_of(d))
               for b in [r.body])
    assert text > 0.95 * sum(p.stat().st_size for p in files)  # the index holds the corpus's text
    ratio = index_ratio(conn)
    conn.close()
    assert path.stat().st_size / text == pytest.approx(ratio)
    assert ratio <= 2.0, f"the index is {ratio:.2f} times the text it holds"
