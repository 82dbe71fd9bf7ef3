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
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from planctl.search.index import SIZES
from planctl.search.query import Query

# Ranking weights: BM25 over the segmented text, a hit in the lead phrase, a single exact phrase.
RANK_BM25, RANK_LEAD, RANK_PHRASE = 0.5, 0.3, 0.2
SNIPPET_CHARS = 24
VOCAB_BATCH = 500  # substrings of a query term looked up in the index's vocabulary at once
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


def _literal(term: str) -> bytes:
    # Bodies are stored as UTF-8, in which a character's bytes never occur inside another's: a
    # byte substring is a character substring (surrogates pass, and match nothing a file holds).
    return term.encode("utf-8", "surrogatepass")


def _rows_holding(block: bytes, ends: Sequence[int], terms: Sequence[bytes]) -> set[int]:
    """Indexes of the rows (bodies ending at ``ends`` in ``block``) holding one of ``terms``;
    an occurrence across two rows' bodies is neither's."""
    rows: set[int] = set()
    for term in terms:
        if not term:  # as instr(): the empty string is in every body
            return set(range(len(ends)))
        pos = block.find(term)
        while pos >= 0:
            k = bisect_right(ends, pos)
            if pos + len(term) <= ends[k]:
                rows.add(k)
                pos = block.find(term, ends[k])  # this row holds it: on to the next
            else:
                pos = block.find(term, pos + 1)
    return rows


def _matching_rows(conn: sqlite3.Connection, query: Query, f: Filters) -> dict[int, str]:
    """Rows whose body matches every positive group of ``query`` and no negated one, with their
    bodies, in the documents ``f`` allows: a substring search over each document's block of
    bodies, so every node grep would find is found."""
    groups = [([_literal(t) for t in g.terms], g.negated) for g in query.groups]
    positive = [terms for terms, negated in groups if not negated]
    negative = [terms for terms, negated in groups if negated]
    where, params = ["1"], []
    for column, values in (("plan_id", f.plans), ("region", f.regions), ("level", [f.level] if f.level else [])):
        if values:
            where.append(f"{column} IN ({','.join('?' * len(values))})")
            params.extend(values)
    found: dict[int, str] = {}
    for first, sizes, block in conn.execute(f"SELECT first, sizes, body FROM texts WHERE {' AND '.join(where)} "
                                            "ORDER BY first", params):
        if not all(any(t in block for t in terms) for terms in positive):
            continue  # a document without every positive group has no row with them
        ends = list(accumulate(array(SIZES, sizes)))
        rows = set(range(len(ends)))
        for terms in positive:
            rows &= _rows_holding(block, ends, terms)
        for terms in negative:
            rows -= _rows_holding(block, ends, terms)
        for k in sorted(rows):
            found[first + k] = block[ends[k - 1] if k else 0 : ends[k]].decode("utf-8", "surrogatepass")
    return found


def _fts_query(conn: sqlite3.Connection, terms: Iterable[str]) -> str:
    """An FTS OR-query of the indexed words found inside the query terms (words of two characters
    or more, or the term itself), in the index's order. Looking them up in the index's vocabulary
    spares a search process from loading jieba."""
    found = conn.execute("SELECT value FROM meta WHERE key = 'longest word'").fetchone()
    longest = int(found[0]) if found else 0
    words: list[str] = []
    for term in terms:
        inside = {term[i:j] for i in range(len(term)) for j in range(i + 2, min(len(term), i + longest) + 1)}
        parts = sorted(p for p in {term} | inside if len(p) <= longest)
        known: set[str] = set()
        for start in range(0, len(parts), VOCAB_BATCH):
            batch = parts[start : start + VOCAB_BATCH]
            known.update(w for (w,) in conn.execute(
                f"SELECT term FROM vocab WHERE term IN ({','.join('?' * len(batch))})", batch))
        words.extend('"' + w.replace('"', '""') + '"' for w in sorted(known))
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
    bodies = _matching_rows(conn, query, f)
    if not bodies:
        return []
    where: list[str] = ["1"]
    params: list[Any] = []
    if f.kinds:
        where.append(f"kind IN ({','.join('?' * len(f.kinds))})")
        params.extend(f.kinds)
    if f.path_prefix:
        where.append("(path = ? OR path LIKE ? || '/%')")
        params.extend([f.path_prefix, f.path_prefix])
    if f.departments:
        where.append("(" + " OR ".join("instr(depts, ?) > 0" for _ in f.departments) + ")")
        params.extend(f.departments)
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS cand (id INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM cand")
    conn.executemany("INSERT INTO cand VALUES (?)", ((i,) for i in bodies))
    sql = ("SELECT id, plan_id, path, kind, title, title_at, title_len, text, text_at, text_len, line, source_path, "
           "doc_title, line_end, depts FROM cand JOIN nodes USING (id) JOIN texts USING (doc) WHERE "
           + " AND ".join(where) + " ORDER BY id")
    rows = []
    for rid, plan_id, path, kind, title, title_at, title_len, text, text_at, text_len, line, source_path, doc_title, \
            line_end, depts in conn.execute(sql, params):
        body = bodies[rid]
        if title is None:
            title = body[title_at : title_at + title_len]
        if text is None:
            text = body[text_at : text_at + text_len]
        rows.append((rid, plan_id, path, kind, title, text, body, line, source_path, doc_title, line_end, depts))
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
