"""The search index: an embedded SQLite database holding each document's searchable text once,
an FTS5 table of its jieba-segmented words (for BM25 ranking; contentless: words and positions,
no text), the rows' places in the documents and a catalogue of the documents' metadata.

Each document's rows are stored as one UTF-8 block (``texts.body``) with their lengths; literal
matching scans these blocks (a substring search over the bytes, as grep does), so no copy of the
text is kept per row and no n-gram index is needed. A row's title and text, where they are part
of its body (nearly always), are stored as offsets into it. The index is about 1.9 times the text
it holds (the text once, its words with their positions 0.6 times, the rows' places 0.2 times);
the index it replaced, with the text twice per row and a trigram table with positions, was 5 times.

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
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planctl import __version__
from planctl.cache import code_fingerprint
from planctl.env import Environment
from planctl.model import TABLE, Document, Node

SCHEMA_VERSION = "4"


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
    departments: str = ""
    """A measure's parsed departments (责任单位), joined with 、."""


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
                   doc.source.path, line_end, "、".join(node.departments))

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
# texts: one row per indexed document, its metadata and its rows' bodies as one UTF-8 block
# (``sizes``: each body's length in bytes, ``first``: the id of its first row, the others follow).
# nodes: one row per searchable node; ``title``/``text`` are NULL when they are the characters
# ``*_at`` .. ``*_at + *_len`` of the node's body.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS texts (
    doc INTEGER PRIMARY KEY, plan_id TEXT, doc_title TEXT, region TEXT, level TEXT, source_path TEXT,
    first INTEGER, sizes BLOB, body BLOB
);
CREATE TABLE IF NOT EXISTS nodes (
    id INTEGER PRIMARY KEY, doc INTEGER, kind TEXT, path TEXT, title TEXT, title_at INTEGER, title_len INTEGER,
    text TEXT, text_at INTEGER, text_len INTEGER, line INTEGER, line_end INTEGER, depts TEXT
);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(seg, lead, content='', tokenize='unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE IF NOT EXISTS vocab USING fts5vocab(fts, 'row');
CREATE TABLE IF NOT EXISTS docs (id TEXT PRIMARY KEY, meta TEXT);
CREATE TABLE IF NOT EXISTS done (doc TEXT PRIMARY KEY) WITHOUT ROWID;
"""
SIZES = "I"
"""Array type code of ``texts.sizes`` (unsigned 32-bit: a body is at most ReadLimits.text_bytes)."""


def corpus_fingerprint(files: Sequence[Path], lexicon_fingerprint: str) -> str:
    """Changes when a corpus file (its path, size or modification time: a file moved to another
    subfolder too), the dictionaries or planctl (version or code) change. Stat, not content: a
    warm search must not read the corpus."""
    seed = f"{__version__}|{SCHEMA_VERSION}|{code_fingerprint()}|{lexicon_fingerprint}"
    digest = hashlib.blake2b(seed.encode(), digest_size=12)
    for path in files:
        st = path.stat()
        digest.update(os.fsencode(path) + f"|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _segment(text: str) -> str:
    from planctl.lexicon import lexicon

    # The index is the cache of these segmentations: do not copy them into the token cache.
    tokens = lexicon().tokens(text, search=True, cache=False)
    return " ".join(t for t in tokens if t.strip() and not re.fullmatch(r"\W+", t))


def _doc_meta(doc: Document) -> str:
    return json.dumps(doc.without_tree().to_dict(), ensure_ascii=False)


def _doc_key(doc: Document) -> str:
    return f"{doc.source.path}#{doc.source.index}"


SEGMENT_BATCH = 256
"""Rows segmented between two progress ticks (a single large document shows progress too)."""


def build_index(conn: sqlite3.Connection, docs: Sequence[Document], lines_of: Callable[[Document], Sequence[str]],
                fingerprint: str, env: Environment | None = None, notes: dict[str, str] | None = None) -> int:
    """Fill a database with the documents' rows and catalogue; returns the row count.

    Each document is committed on its own, and documents already in the database are skipped:
    a build that was interrupted (Ctrl-C, ``kill -9``) resumes where it stopped."""
    env = env or Environment.recording()
    conn.executescript(_SCHEMA)
    done = {key for (key,) in conn.execute("SELECT doc FROM done")}
    with conn:
        conn.executemany("INSERT OR IGNORE INTO docs VALUES (?, ?)", [(d.id, _doc_meta(d)) for d in docs])
    todo = [d for d in docs if _doc_key(d) not in done]
    total = sum(max(1, d.stats.get("size", 0)) for d in todo)
    tick = env.progress("indexing", total, unit="characters", minimum=0)
    progress = 0
    pool = _segmenter_pool(len(todo))
    try:
        for doc in todo:
            rows = list(document_rows(doc, lines_of(doc)))
            segs: list[str] = []
            for start in range(0, len(rows), SEGMENT_BATCH):
                texts = [t for r in rows[start : start + SEGMENT_BATCH] for t in (r.body, r.title)]
                segs += _segment_all(texts, pool)
                progress += sum(len(r.body) for r in rows[start : start + SEGMENT_BATCH])
                tick(progress)
            with conn:  # one transaction per document
                _insert(conn, doc, rows, segs)
                conn.execute("INSERT OR IGNORE INTO done VALUES (?)", (_doc_key(doc),))
        tick(total)
        with conn:
            # How long an indexed word can be: a query term's substrings up to it are looked up
            conn.execute("INSERT OR REPLACE INTO meta SELECT 'longest word', coalesce(max(length(term)), 0) FROM vocab")
            conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                             [(f"note:{k}", v) for k, v in (notes or {}).items()])
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (fingerprint,))
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('complete', '1')")
        _compact(conn)
    finally:
        if pool:
            pool.shutdown()
    return _rows(conn)


FREE_PAGES = 0.01
"""Share of free pages from which a finished index is compacted (VACUUM): a small index keeps
the pages FTS5 freed merging its segments (a tenth of a 10-document index), a large one has
reused them."""


def _compact(conn: sqlite3.Connection) -> None:
    (free,) = conn.execute("PRAGMA freelist_count").fetchone()
    (pages,) = conn.execute("PRAGMA page_count").fetchone()
    if free > FREE_PAGES * pages:
        conn.execute("VACUUM")


PARALLEL_DOCS = 50
"""Segment in worker processes (one per core) from this many documents on."""


def _segment_all(texts: list[str], pool: Any) -> list[str]:
    if pool is None:
        return [_segment(t) for t in texts]
    from planctl.workers import worker_deaths

    with worker_deaths("indexing the corpus"):
        return list(pool.map(_segment, texts, chunksize=64))


def _segmenter_pool(documents: int) -> Any:
    cores = os.cpu_count() or 1
    if documents < PARALLEL_DOCS or cores < 2:
        return None
    from planctl.workers import process_pool

    return process_pool(cores)


def catalogue(conn: sqlite3.Connection) -> list[Document]:
    """The indexed documents' metadata (no trees): enough to resolve plan references."""
    return [Document.from_dict(json.loads(meta)) for (meta,) in conn.execute("SELECT meta FROM docs ORDER BY rowid")]


def _span(value: str, body: str) -> tuple[str | None, int | None, int | None]:
    """``value`` as stored beside ``body``: NULL and its place when it is part of the body."""
    at = body.find(value) if value else -1
    return (value, None, None) if at < 0 else (None, at, len(value))


def _insert(conn: sqlite3.Connection, doc: Document, rows: Sequence[Row], segs: Sequence[str]) -> None:
    """One document's rows: its block of bodies, its nodes, their segmented words."""
    (first,) = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM nodes").fetchone()
    bodies = [r.body.encode("utf-8", "surrogatepass") for r in rows]
    cur = conn.execute(
        "INSERT INTO texts (plan_id, doc_title, region, level, source_path, first, sizes, body) "
        "VALUES (?,?,?,?,?,?,?,?)",
        (doc.id, doc.title, doc.region, doc.level, doc.source.path, first,
         array(SIZES, map(len, bodies)).tobytes(), b"".join(bodies)),
    )
    conn.executemany(
        "INSERT INTO nodes (id, doc, kind, path, title, title_at, title_len, text, text_at, text_len, line, line_end, "
        "depts) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(first + j, cur.lastrowid, r.kind, r.path, *_span(r.title, r.body), *_span(r.text, r.body), r.line,
          r.line_end, r.departments) for j, r in enumerate(rows)],
    )
    conn.executemany("INSERT INTO fts (rowid, seg, lead) VALUES (?,?,?)",
                     [(first + j, segs[2 * j], segs[2 * j + 1]) for j in range(len(rows))])


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
    notes: dict[str, str] = field(default_factory=dict)
    """What the build recorded beside the rows (``skipped``: the files it could not read)."""


def _notes(conn: sqlite3.Connection) -> dict[str, str]:
    return {k[5:]: v for k, v in conn.execute("SELECT key, value FROM meta WHERE key LIKE 'note:%'")}


def _open_complete(path: Path, fingerprint: str,
                   env: Environment) -> tuple[sqlite3.Connection, IndexStatus] | None:
    """The finished index at ``path``, opened read-only, and its status (its rows counted: a
    damaged file fails there), or None (missing, or damaged: warned)."""
    if not path.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        if _index_ok(conn, fingerprint):
            return conn, IndexStatus(str(path), False, _rows(conn), _notes(conn))
        conn.close()
    except sqlite3.DatabaseError:
        pass
    env.warn_once(f"damaged:{path}", f"search index {path} is damaged or incomplete; rebuilding")
    return None


def _rows(conn: sqlite3.Connection) -> int:
    (rows,) = conn.execute("SELECT count(*) FROM nodes").fetchone()
    return int(rows)


def open_index(
    docs_factory: Callable[[], list[Document]],
    files: Sequence[Path],
    cache: Path,
    *,
    force: bool = False,
    lines_of: Callable[[Document], Sequence[str]],
    env: Environment | None = None,
    corpus: str = "corpus",
    notes: Callable[[], dict[str, str]] = dict,
) -> tuple[sqlite3.Connection, IndexStatus]:
    """Open the corpus index in ``cache``, building it when missing, stale, damaged or ``force``.

    Any number of processes may call this at once: one builds (into ``index-FP.partial``, under a
    lock, committing document by document) and publishes the finished index with an atomic
    rename; the others wait for the lock and use what it built. A build cut short resumes. An
    unwritable or full cache falls back to an in-memory index with a warning; nothing here is fatal.
    ``corpus`` names the corpus (its folder): each corpus keeps its own index, the latest only.
    ``notes`` (asked after the documents) are kept with the index and come back in its status.
    """
    from planctl import cache as caches
    from planctl.lexicon import lexicon

    env = env or Environment()
    fingerprint = corpus_fingerprint(files, lexicon().fingerprint)
    final = cache / f"index-{corpus}-{fingerprint}.sqlite"
    if not caches.usable(env, cache):
        conn = sqlite3.connect(":memory:")
        count = build_index(conn, docs_factory(), lines_of, fingerprint, env, notes())
        return conn, IndexStatus(":memory:", True, count, _notes(conn))
    if not force:
        found = _open_complete(final, fingerprint, env)
        if found is not None:
            return found
    waiting = "waiting for another planctl process to finish the search index"
    with caches.locked(f"index-{corpus}", env, waiting=waiting) as held:
        if held and not force:
            found = _open_complete(final, fingerprint, env)  # the process we waited for built it
            if found is not None:
                return found
        if held:
            try:
                return _build_file(final, corpus, fingerprint, docs_factory, lines_of, env, force=force, notes=notes)
            except (OSError, sqlite3.OperationalError) as exc:  # unwritable, full disk
                env.warn(f"cannot write the search index in {cache} ({exc}); using a temporary one")
    conn = sqlite3.connect(":memory:")
    count = build_index(conn, docs_factory(), lines_of, fingerprint, env, notes())
    return conn, IndexStatus(":memory:", True, count, _notes(conn))


def _build_file(final: Path, corpus: str, fingerprint: str, docs_factory: Callable[[], list[Document]],
                lines_of: Callable[[Document], Sequence[str]], env: Environment,
                *, force: bool, notes: Callable[[], dict[str, str]]) -> tuple[sqlite3.Connection, IndexStatus]:
    """Build (or resume) the index next to ``final`` and publish it. The caller holds the lock."""
    from planctl import cache as caches

    cache = final.parent
    cache.mkdir(parents=True, exist_ok=True)
    partial = final.with_suffix(".partial")
    # Builds of this corpus's earlier states, killed before they finished (we hold its lock), and
    # anything older than an hour left by planctl versions before resumable builds.
    caches.remove_stale(cache, ("index-*.building", "index-*.partial"), keep=(partial,))
    for old in cache.glob(f"index-{corpus}-*.partial"):
        if old != partial:
            with contextlib.suppress(OSError):
                old.unlink()
    if force:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    conn = sqlite3.connect(partial)
    try:
        docs = docs_factory()
        count = build_index(conn, docs, lines_of, fingerprint, env, notes())
    finally:
        conn.close()
    os.replace(partial, final)
    for old in cache.glob(f"index-{corpus}-*.sqlite"):  # this corpus's earlier states
        if old != final:
            with contextlib.suppress(OSError):
                old.unlink()
    conn = sqlite3.connect(f"file:{final}?mode=ro", uri=True)
    return conn, IndexStatus(str(final), True, count, _notes(conn))


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
    (plans,) = conn.execute("SELECT count(DISTINCT plan_id) FROM texts WHERE length(sizes) > 0").fetchone()
    return IndexSummary(status.path, status.rows, plans, [(str(k), int(n)) for k, n in kinds])
