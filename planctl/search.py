"""``planctl search``: measures and other nodes containing a query, ranked, from an embedded
SQLite FTS5 index.

Matching is literal, like grep: a node matches a word when its text contains the word (so
every node grep would find is found, whatever jieba made of it). Ranking is BM25 over
jieba-segmented text (search mode: FTS5's own tokenizers cannot cut Chinese into words),
with exact-phrase and lead-phrase hits first.

The index lives in the cache directory, keyed by the corpus content, the dictionaries and
planctl's version, so it is rebuilt exactly when one of them changes.

Example::

    >>> q = parse_query('零工市场 -驿站 "就业服务" OR 人才市场')
    >>> [(g.terms, g.negated) for g in q.groups]
    [(['零工市场'], False), (['驿站'], True), (['就业服务', '人才市场'], False)]
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shlex
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planctl import __version__
from planctl.cache import code_fingerprint
from planctl.errors import PlanctlError
from planctl.model import TABLE, Document, Node
from planctl.parse.text import squeeze_spaces

SCHEMA_VERSION = "2"
TRIGRAM = 3  # the trigram index finds literal substrings of at least this many characters
# Ranking weights: BM25 over the segmented text, a hit in the lead phrase, a single exact phrase.
RANK_BM25, RANK_LEAD, RANK_PHRASE = 0.5, 0.3, 0.2
SNIPPET_CHARS = 24
_SENTENCE_RE = re.compile(r"[^。；！？!?;]*[。；！？!?;]?")


# ---- query ---------------------------------------------------------------------------------
@dataclass
class TermGroup:
    """Terms joined by OR; a negated group excludes nodes containing any of them."""

    terms: list[str]
    negated: bool = False


@dataclass
class Query:
    """A parsed query: every positive group must match, no negated group may."""

    groups: list[TermGroup]

    @property
    def positive_terms(self) -> list[str]:
        return [t for g in self.groups if not g.negated for t in g.terms]


def parse_query(text: str, *, any_term: bool = False) -> Query:
    """Words (all must match), ``A OR B``, ``-word`` to exclude, ``"exact phrase"``."""
    try:
        words = shlex.split(text, posix=True)
    except ValueError as exc:
        raise PlanctlError(f"cannot read the query: {exc}") from None
    groups: list[TermGroup] = []
    join_next = False
    for word in words:
        if word == "OR":
            join_next = bool(groups)
            continue
        negated = word.startswith("-") and len(word) > 1
        term = squeeze_spaces(word[1:] if negated else word).strip()
        if not term:
            continue
        if join_next and not negated and groups and not groups[-1].negated:
            groups[-1].terms.append(term)
        else:
            groups.append(TermGroup([term], negated))
        join_next = False
    if any_term:
        positive = [t for g in groups if not g.negated for t in g.terms]
        groups = [TermGroup(positive)] + [g for g in groups if g.negated] if positive else groups
    if not any(not g.negated for g in groups):
        raise PlanctlError("the query needs at least one word that is not excluded")
    return Query(groups)


# ---- rows ----------------------------------------------------------------------------------
@dataclass
class Row:
    """One searchable node as stored in the index."""

    plan_id: str
    doc_title: str
    region: str
    level: str
    kind: str
    path: str
    title: str
    text: str
    body: str
    line: int
    source_path: str
    line_end: int = 0


def _own_lines(node: Node) -> list[tuple[int, int]]:
    """Line ranges of ``node`` not covered by its children (a heading's own line)."""
    if not node.children:
        return [(node.line_start, node.line_end)]
    covered = sorted((c.line_start, c.line_end) for c in node.children)
    ranges, cursor = [], node.line_start
    for start, end in covered:
        if start > cursor:
            ranges.append((cursor, start - 1))
        cursor = max(cursor, end + 1)
    if cursor <= node.line_end and node.kind != TABLE:
        ranges.append((cursor, node.line_end))
    return ranges


def document_rows(doc: Document, lines: Sequence[str]) -> Iterator[Row]:
    """Searchable rows of a document; ``lines`` are the cleaned source lines (index = line - 1).

    A row's body is the cleaned source text of the node's own lines, so a query spanning a
    lead phrase and its body (``互动。加强``) is found as grep would find it. Table rows are
    rows of their own.
    """

    def text_of(ranges: Iterable[tuple[int, int]]) -> str:
        return "".join(lines[k - 1] for a, b in ranges for k in range(a, b + 1) if 0 < k <= len(lines))

    def row(node: Node, kind: str, title: str, text: str, body: str, line: int, line_end: int) -> Row:
        return Row(doc.id, doc.title, doc.region, doc.level, kind, node.path, title, text, body, line,
                   doc.source.path, line_end)

    for node in doc.walk():
        if node.role == "ocr_duplicate":
            continue  # its text is in the table's own lines, which are indexed as rows
        if node.kind == TABLE:
            starts = node.row_lines or [node.line_start] * len(node.rows)
            for k, cells in enumerate(node.rows):
                end = (starts[k + 1] - 1) if k + 1 < len(starts) else node.line_end
                body = text_of([(starts[k], end)]) or "".join(cells)
                # "1 | 城镇新增就业人数 | …" is named by its second cell, "雨露计划 | 扩大…" by its first
                named_second = len(cells) > 1 and cells[0].strip().isdigit()
                title = cells[1] if named_second else cells[0] if cells else ""
                yield row(node, "row", title, " ".join(cells), body, starts[k], end)
            if node.note:
                yield row(node, "table", node.note, node.note, node.note, node.line_end, node.line_end)
            continue
        ranges = _own_lines(node)
        body = text_of(ranges)
        if body.strip():
            yield row(node, node.kind, node.title, node.text, body, ranges[0][0], ranges[-1][1])


# ---- index ---------------------------------------------------------------------------------
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE nodes (
    id INTEGER PRIMARY KEY, plan_id TEXT, doc_title TEXT, region TEXT, level TEXT, kind TEXT,
    path TEXT, title TEXT, text TEXT, body TEXT, line INTEGER, source_path TEXT, line_end INTEGER
);
CREATE INDEX nodes_plan ON nodes(plan_id);
CREATE VIRTUAL TABLE fts USING fts5(seg, lead, content='', tokenize='unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE vocab USING fts5vocab(fts, 'row');
CREATE VIRTUAL TABLE tri USING fts5(body, content='nodes', content_rowid='id', tokenize='trigram case_sensitive 1');
CREATE TABLE docs (id TEXT PRIMARY KEY, meta TEXT);
"""


def corpus_fingerprint(files: Sequence[Path], lexicon_fingerprint: str) -> str:
    """Changes when a corpus file (name, size or modification time), the dictionaries or planctl
    (version or code) change. Stat, not content: a warm search must not read the corpus."""
    seed = f"{__version__}|{SCHEMA_VERSION}|{code_fingerprint()}|{lexicon_fingerprint}"
    digest = hashlib.blake2b(seed.encode(), digest_size=12)
    for path in files:
        st = path.stat()
        digest.update(f"{path.name}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _segment(text: str) -> str:
    from planctl.lexicon import lexicon

    # The index is the cache of these segmentations: do not copy them into the token cache.
    tokens = lexicon().tokens(text, search=True, cache=False)
    return " ".join(t for t in tokens if t.strip() and not re.fullmatch(r"\W+", t))


def _doc_meta(doc: Document) -> str:
    meta = doc.to_dict()
    meta["children"] = []
    return json.dumps(meta, ensure_ascii=False)


def build_index(conn: sqlite3.Connection, docs: Sequence[Document], lines_of: Callable[[Document], Sequence[str]],
                fingerprint: str, progress: Callable[[int, int], None] | None = None) -> int:
    """Fill an empty database with the documents' rows and catalogue; returns the row count."""
    conn.executescript(_SCHEMA)
    count = 0
    pool = _segmenter_pool(len(docs))
    try:
        with conn:
            conn.executemany("INSERT OR REPLACE INTO docs VALUES (?, ?)", [(d.id, _doc_meta(d)) for d in docs])
            for k, doc in enumerate(docs, 1):
                rows = list(document_rows(doc, lines_of(doc)))
                texts = [t for r in rows for t in (r.body, r.title)]
                segs = list(pool.map(_segment, texts, chunksize=64)) if pool else [_segment(t) for t in texts]
                for j, r in enumerate(rows):
                    _insert(conn, r, segs[2 * j], segs[2 * j + 1])
                count += len(rows)
                if progress:
                    progress(k, len(docs))
            conn.execute("INSERT INTO meta VALUES ('fingerprint', ?), ('complete', '1')", (fingerprint,))
    finally:
        if pool:
            pool.shutdown()
    return count


PARALLEL_DOCS = 50
"""Segment in worker processes (one per core) from this many documents on."""


def _segmenter_pool(documents: int) -> Any:
    cores = os.cpu_count() or 1
    if documents < PARALLEL_DOCS or cores < 2:
        return None
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=cores)


def catalogue(conn: sqlite3.Connection) -> list[Document]:
    """The indexed documents' metadata (no trees): enough to resolve plan references."""
    return [Document.from_dict(json.loads(meta)) for (meta,) in conn.execute("SELECT meta FROM docs ORDER BY rowid")]


def _insert(conn: sqlite3.Connection, r: Row, seg_body: str, seg_title: str) -> None:
    cur = conn.execute(
        "INSERT INTO nodes (plan_id, doc_title, region, level, kind, path, title, text, body, line, "
        "source_path, line_end) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        (r.plan_id, r.doc_title, r.region, r.level, r.kind, r.path, r.title, r.text, r.body, r.line,
         r.source_path, r.line_end),
    )
    conn.execute("INSERT INTO fts (rowid, seg, lead) VALUES (?,?,?)", (cur.lastrowid, seg_body, seg_title))
    conn.execute("INSERT INTO tri (rowid, body) VALUES (?, ?)", (cur.lastrowid, r.body))


def _index_ok(conn: sqlite3.Connection, fingerprint: str) -> bool:
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.DatabaseError:
        return False
    return meta.get("fingerprint") == fingerprint and meta.get("complete") == "1"


@dataclass
class IndexStatus:
    """What ``open_index`` did."""

    path: str
    rebuilt: bool
    rows: int
    warning: str = ""


def _warn(message: str) -> None:
    print(f"planctl: warning: {message}", file=sys.stderr)


def open_index(
    docs_factory: Callable[[], list[Document]],
    files: Sequence[Path],
    cache: Path,
    *,
    force: bool = False,
    lines_of: Callable[[Document], Sequence[str]],
    progress: Callable[[int, int], None] | None = None,
) -> tuple[sqlite3.Connection, IndexStatus]:
    """Open the corpus index in ``cache``, building it when missing, stale, damaged or ``force``.

    An unwritable cache falls back to an in-memory index with a warning; nothing here is fatal.
    """
    from planctl.lexicon import lexicon

    fingerprint = corpus_fingerprint(files, lexicon().fingerprint)
    path = cache / f"index-{fingerprint}.sqlite"
    if not force and path.exists():
        try:
            conn = sqlite3.connect(path)
            if _index_ok(conn, fingerprint):
                (rows,) = conn.execute("SELECT count(*) FROM nodes").fetchone()
                return conn, IndexStatus(str(path), False, rows)
            conn.close()
            _warn(f"search index {path} is damaged or incomplete; rebuilding")
        except sqlite3.DatabaseError:
            _warn(f"search index {path} is damaged; rebuilding")
    warning = ""
    try:
        cache.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".building")
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        conn = sqlite3.connect(tmp)
        target: Path | None = path
    except (OSError, sqlite3.Error) as exc:
        warning = f"cannot write the search index in {cache} ({exc}); using a temporary one"
        _warn(warning)
        conn = sqlite3.connect(":memory:")
        target = None
    count = build_index(conn, docs_factory(), lines_of, fingerprint, progress)
    if target is not None:
        conn.close()
        try:
            tmp.replace(target)
            for old in cache.glob("index-*.sqlite"):
                if old != target:
                    with contextlib.suppress(OSError):
                        old.unlink()
            conn = sqlite3.connect(target)
        except OSError as exc:
            warning = f"cannot keep the search index in {cache} ({exc})"
            _warn(warning)
            conn = sqlite3.connect(tmp)
    return conn, IndexStatus(str(target or ":memory:"), True, count, warning)


def memory_index(docs: Sequence[Document], lines_of: Callable[[Document], Sequence[str]]) -> sqlite3.Connection:
    """A throwaway index for plans given by path (outside the corpus)."""
    conn = sqlite3.connect(":memory:")
    build_index(conn, docs, lines_of, "memory")
    return conn


# ---- searching -----------------------------------------------------------------------------
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

    def to_dict(self) -> dict[str, Any]:
        return {"plan_id": self.plan_id, "path": self.path, "kind": self.kind, "title": self.title,
                "text": self.text, "snippet": self.snippet, "score": self.score, "line": self.line,
                "source_path": self.source_path, "doc_title": self.doc_title, "line_end": self.line_end}


def _group_sql(group: TermGroup, expand: Callable[[str], list[str]]) -> tuple[str, list[str]]:
    terms = [v for t in group.terms for v in expand(t)]
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
    expand: Callable[[str], list[str]] | None = None,
    limit: int | None = None,
    context_sentences: int = 0,
) -> list[Hit]:
    """Every node matching ``query`` within ``filters``, best first."""
    f = filters or Filters()
    expander = expand or (lambda t: [t])
    where: list[str] = []
    params: list[Any] = []
    for group in query.groups:
        clause, terms = _group_sql(group, expander)
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
    # Narrow with the trigram index where every term of a group is long enough; the literal
    # instr() conditions above still decide, so recall stays exactly grep's.
    candidates: set[int] | None = None
    for group in query.groups:
        terms = [v for t in group.terms for v in expander(t)]
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
    sql = (f"SELECT id, plan_id, path, kind, title, text, body, line, source_path, doc_title, line_end FROM {source} "
           "WHERE " + " AND ".join(where))
    rows = conn.execute(sql, params).fetchall()
    if not rows:
        return []
    positives = [v for t in query.positive_terms for v in expander(t)]
    bm25: dict[int, float] = {}
    fts = _fts_query(conn, positives)
    if fts:
        # One ranking query over the whole index: cheaper than filtering it by thousands of ids.
        wanted = {r[0] for r in rows}
        for rid, rank in conn.execute("SELECT rowid, bm25(fts, 1.0, 2.0) FROM fts WHERE fts MATCH ?", (fts,)):
            if rid in wanted:
                bm25[rid] = -rank  # bm25() is lower-is-better
    top = max(bm25.values(), default=1.0) or 1.0
    single = len(query.positive_terms) == 1
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
            source_path, body, doc_title, line_end)
        for score, (_rid, plan_id, path, kind, title, text, body, line, source_path, doc_title, line_end) in scored
    ]

