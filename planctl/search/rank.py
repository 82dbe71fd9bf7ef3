"""Searching the index: literal matching (grep's recall), filters, BM25 ranking with
lead-phrase and exact-phrase boosts, snippets.

Matching is literal, like grep: a node matches a word when its text contains the word (so
every node grep would find is found, whatever jieba made of it). Ranking is BM25 over
jieba-segmented text (search mode: FTS5's own tokenizers cannot cut Chinese into words),
with exact-phrase and lead-phrase hits first.

Example::

    >>> snippet("坚持就业优先战略，发展零工市场，规范劳务派遣。", ["零工市场"])
    '坚持就业优先战略，发展零工市场，规范劳务派遣。'
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from planctl.search.query import Query, TermGroup

TRIGRAM = 3  # the trigram index finds literal substrings of at least this many characters
# Ranking weights: BM25 over the segmented text, a hit in the lead phrase, a single exact phrase.
RANK_BM25, RANK_LEAD, RANK_PHRASE = 0.5, 0.3, 0.2
SNIPPET_CHARS = 24
_SENTENCE_RE = re.compile(r"[^。；！？!?;]*[。；！？!?;]?")


@dataclass
class Filters:
    """Restrictions on which nodes are searched."""

    plans: list[str] = field(default_factory=list)
    """Plan ids."""
    regions: list[str] = field(default_factory=list)
    """Full region names; a plan matches when its region is one of them."""
    level: str = ""
    """``province``, ``city`` or ``county``."""
    kinds: list[str] = field(default_factory=list)
    """Node kinds (measure, row, paragraph, section, …)."""
    path_prefix: str = ""
    """Only nodes whose path starts with this (``三`` or ``三/（一）``)."""
    departments: list[str] = field(default_factory=list)
    """Only measures whose parsed departments name one of these (any of a department's names)."""


@dataclass
class Hit:
    """One search result."""

    plan_id: str
    path: str
    kind: str
    title: str
    text: str
    snippet: str
    score: float
    line: int
    source_path: str
    body: str
    doc_title: str
    line_end: int = 0
    departments: str = ""
    """A measure's parsed departments, joined with 、."""
    file: str = ""
    """The file as a terminal or an editor opens it from where planctl runs (relative when below
    the working directory, else absolute)."""

    def to_dict(self) -> dict[str, Any]:
        return {"plan_id": self.plan_id, "path": self.path, "kind": self.kind, "title": self.title,
                "text": self.text, "snippet": self.snippet, "score": self.score, "line": self.line,
                "source_path": self.source_path, "doc_title": self.doc_title, "line_end": self.line_end,
                "file": self.file, "departments": self.departments}


def _group_sql(group: TermGroup) -> tuple[str, list[str]]:
    terms = group.terms
    clause = " OR ".join("instr(body, ?) > 0" for _ in terms)
    return (f"NOT ({clause})" if group.negated else f"({clause})"), terms


def _fts_query(conn: sqlite3.Connection, terms: Iterable[str]) -> str:
    """An FTS OR-query of the indexed words found inside the query terms. Reading them off the
    index's vocabulary spares a search process from loading jieba."""
    words: list[str] = []
    for term in terms:
        found = [w for (w,) in conn.execute(
            "SELECT term FROM vocab WHERE instr(?, term) > 0 AND (length(term) >= 2 OR term = ?)", (term, term))]
        words.extend('"' + w.replace('"', '""') + '"' for w in found)
    return " OR ".join(dict.fromkeys(words))


def snippet(body: str, terms: Sequence[str], context_sentences: int = 0, mark: tuple[str, str] = ("", "")) -> str:
    """The text around the first hit; with ``context_sentences`` whole sentences around it."""
    hits = [(body.find(t), t) for t in terms if t and body.find(t) >= 0]
    if not hits:
        return body[: 2 * SNIPPET_CHARS]
    pos, term = min(hits)
    if context_sentences:
        spans = [(m.start(), m.end()) for m in _SENTENCE_RE.finditer(body) if m.end() > m.start()]
        k = next((i for i, (a, b) in enumerate(spans) if a <= pos < b), 0)
        a = spans[max(0, k - context_sentences)][0]
        b = spans[min(len(spans) - 1, k + context_sentences)][1]
        text = body[a:b]
    else:
        a = max(0, pos - SNIPPET_CHARS)
        b = min(len(body), pos + len(term) + SNIPPET_CHARS)
        text = ("…" if a > 0 else "") + body[a:b] + ("…" if b < len(body) else "")
    if mark != ("", ""):
        # Mark longest terms first, through placeholders, so a term inside another is not marked twice.
        for t in sorted({t for t in terms if t}, key=len, reverse=True):
            text = text.replace(t, f"\x00{t}\x01")
        text = text.replace("\x00", mark[0]).replace("\x01", mark[1])
    return text


def search(
    conn: sqlite3.Connection,
    query: Query,
    filters: Filters | None = None,
    *,
    limit: int | None = None,
    context_sentences: int = 0,
) -> list[Hit]:
    """Every node matching ``query`` within ``filters``, best first."""
    f = filters or Filters()
    where: list[str] = []
    params: list[Any] = []
    for group in query.groups:
        clause, terms = _group_sql(group)
        where.append(clause)
        params.extend(terms)
    for column, values in (("plan_id", f.plans), ("region", f.regions), ("level", [f.level] if f.level else []),
                           ("kind", f.kinds)):
        if values:
            where.append(f"{column} IN ({','.join('?' * len(values))})")
            params.extend(values)
    if f.path_prefix:
        where.append("(path = ? OR path LIKE ? || '/%')")
        params.extend([f.path_prefix, f.path_prefix])
    if f.departments:
        where.append("(" + " OR ".join("instr(depts, ?) > 0" for _ in f.departments) + ")")
        params.extend(f.departments)
    # Narrow with the trigram index where every term of a group is long enough; the literal
    # instr() conditions above still decide, so recall stays exactly grep's.
    candidates: set[int] | None = None
    for group in query.groups:
        terms = group.terms
        if group.negated or any(len(t) < TRIGRAM for t in terms):
            continue
        ids: set[int] = set()
        for term in terms:
            phrase = '"' + term.replace('"', '""') + '"'
            ids.update(rid for (rid,) in conn.execute("SELECT rowid FROM tri WHERE tri MATCH ?", (phrase,)))
        candidates = ids if candidates is None else candidates & ids
    source = "nodes"
    if candidates is not None:
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS cand (id INTEGER PRIMARY KEY)")
        conn.execute("DELETE FROM cand")
        conn.executemany("INSERT INTO cand VALUES (?)", ((i,) for i in candidates))
        source = "nodes JOIN cand USING (id)"
    sql = (f"SELECT id, plan_id, path, kind, title, text, body, line, source_path, doc_title, line_end, depts "
           f"FROM {source} WHERE " + " AND ".join(where or ["1"]))
    rows = conn.execute(sql, params).fetchall()
    if not rows:
        return []
    positives = query.positive_terms
    bm25: dict[int, float] = {}
    fts = _fts_query(conn, positives)
    if fts:
        # One ranking query over the whole index: cheaper than filtering it by thousands of ids.
        wanted = {r[0] for r in rows}
        for rid, rank in conn.execute("SELECT rowid, bm25(fts, 1.0, 2.0) FROM fts WHERE fts MATCH ?", (fts,)):
            if rid in wanted:
                bm25[rid] = -rank  # bm25() is lower-is-better
    top = max(bm25.values(), default=1.0) or 1.0
    single = query.positive_words == 1
    scored: list[tuple[float, Any]] = []
    for row in rows:
        rid, lead, body = int(row[0]), str(row[4]), str(row[6])
        exact = single and any(t in body for t in positives if len(t) > 1)
        in_lead = any(t in lead for t in positives)
        score = RANK_BM25 * (bm25.get(rid, 0.0) / top) + RANK_LEAD * in_lead + RANK_PHRASE * exact
        scored.append((round(score, 4), row))
    scored.sort(key=lambda sr: (-sr[0], sr[1][1], sr[1][7]))
    if limit:
        scored = scored[:limit]
    return [
        Hit(plan_id, path, kind, title, text, snippet(body, positives, context_sentences), score, line,
            source_path, body, doc_title, line_end, depts or "")
        for score, (_rid, plan_id, path, kind, title, text, body, line, source_path, doc_title, line_end, depts)
        in scored
    ]
