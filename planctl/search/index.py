"""The search index: an embedded SQLite database of every searchable node, with an FTS5 table
of jieba-segmented text (for BM25 ranking), a trigram table of the literal text (to narrow
literal matching) and a catalogue of the indexed documents' metadata.

The index lives in the cache directory, keyed by the corpus files, the dictionaries and
planctl's version, so it is rebuilt exactly when one of them changes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planctl import __version__
from planctl.cache import code_fingerprint
from planctl.env import Environment
from planctl.model import TABLE, Document, Node

SCHEMA_VERSION = "2"


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


# Copies of text indexed elsewhere: a glued table cell (its row is indexed), a body printed twice
# (its first copy is indexed: a search finds each passage once).
_NOT_INDEXED = ("ocr_duplicate", "duplicate")


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
        if node.role in _NOT_INDEXED:
            continue
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
    return json.dumps(doc.without_tree().to_dict(), ensure_ascii=False)


def build_index(conn: sqlite3.Connection, docs: Sequence[Document], lines_of: Callable[[Document], Sequence[str]],
                fingerprint: str, env: Environment | None = None) -> int:
    """Fill an empty database with the documents' rows and catalogue; returns the row count."""
    tick = (env or Environment.recording()).progress("indexing", len(docs), minimum=50)
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
                tick(k)
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
    """The index file (``:memory:`` when the cache could not hold it)."""
    rebuilt: bool
    """Whether it was (re)built by this call."""
    rows: int
    """Searchable rows it holds."""


def open_index(
    docs_factory: Callable[[], list[Document]],
    files: Sequence[Path],
    cache: Path,
    *,
    force: bool = False,
    lines_of: Callable[[Document], Sequence[str]],
    env: Environment | None = None,
) -> tuple[sqlite3.Connection, IndexStatus]:
    """Open the corpus index in ``cache``, building it when missing, stale, damaged or ``force``.

    An unwritable cache falls back to an in-memory index with a warning; nothing here is fatal.
    """
    from planctl.lexicon import lexicon

    env = env or Environment()
    fingerprint = corpus_fingerprint(files, lexicon().fingerprint)
    path = cache / f"index-{fingerprint}.sqlite"
    if not force and path.exists():
        try:
            conn = sqlite3.connect(path)
            if _index_ok(conn, fingerprint):
                (rows,) = conn.execute("SELECT count(*) FROM nodes").fetchone()
                return conn, IndexStatus(str(path), False, rows)
            conn.close()
            env.warn(f"search index {path} is damaged or incomplete; rebuilding")
        except sqlite3.DatabaseError:
            env.warn(f"search index {path} is damaged; rebuilding")
    try:
        cache.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".building")
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        conn = sqlite3.connect(tmp)
        target: Path | None = path
    except (OSError, sqlite3.Error) as exc:
        env.warn(f"cannot write the search index in {cache} ({exc}); using a temporary one")
        conn = sqlite3.connect(":memory:")
        target = None
    count = build_index(conn, docs_factory(), lines_of, fingerprint, env)
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
            env.warn(f"cannot keep the search index in {cache} ({exc})")
            conn = sqlite3.connect(tmp)
    return conn, IndexStatus(str(target or ":memory:"), True, count)


def memory_index(docs: Sequence[Document], lines_of: Callable[[Document], Sequence[str]]) -> sqlite3.Connection:
    """A throwaway index for plans given by path (outside the corpus)."""
    conn = sqlite3.connect(":memory:")
    build_index(conn, docs, lines_of, "memory")
    return conn


@dataclass
class IndexSummary:
    """What an index holds (``planctl index``)."""

    path: str
    """The index file."""
    rows: int
    """Searchable rows."""
    documents: int
    """Documents with at least one row."""
    kinds: list[tuple[str, int]]
    """Rows per node kind, most first."""


def index_summary(conn: sqlite3.Connection, status: IndexStatus) -> IndexSummary:
    """Count an open index's rows by kind and document."""
    kinds = conn.execute("SELECT kind, count(*) FROM nodes GROUP BY kind ORDER BY 2 DESC").fetchall()
    (plans,) = conn.execute("SELECT count(DISTINCT plan_id) FROM nodes").fetchone()
    return IndexSummary(status.path, status.rows, plans, [(str(k), int(n)) for k, n in kinds])
