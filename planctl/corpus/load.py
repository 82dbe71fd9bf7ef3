"""Loading plan files: parse each (or take it from the parse cache) and make the ids unique.

Parsed files are cached by content hash and planctl's code, twice: whole, and as metadata
only, so that ``list`` and ``search`` never unpickle a tree they do not need.

Example::

    >>> files = corpus_files(corpus_dir())
    >>> [p.suffix for p in files][:1]
    ['.txt']
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from planctl import cache
from planctl.env import Environment
from planctl.errors import PlanctlError
from planctl.model import Document, ParsedFile
from planctl.paths import corpus_dir

CORPUS_SUFFIXES = (".txt", ".md", ".text", ".pdf")
PARALLEL_FROM = 40
"""Parse in worker processes when at least this many files miss the cache."""

__all__ = ["CORPUS_SUFFIXES", "LoadedFile", "assign_unique_ids", "corpus_dir", "corpus_files", "load_files",
           "load_parsed", "parse_one"]


@dataclass
class LoadedFile:
    """One corpus file: its documents, with their trees (``parsed``) or as metadata only."""

    path: Path
    """Where the file is."""
    display: str
    """The path its documents report (corpus-relative)."""
    key: str
    """Its parse-cache key (empty when the file could not be read)."""
    documents: list[Document]
    """Its documents (without trees when ``parsed`` is None)."""
    parsed: ParsedFile | None = None
    """The full parse, when loaded."""


def corpus_files(root: Path) -> list[Path]:
    """The plan files of a corpus directory, sorted by name."""
    if not root.is_dir():
        raise PlanctlError(f"{root}: corpus directory not found")
    return sorted(p for p in root.iterdir() if p.is_file() and p.suffix.lower() in CORPUS_SUFFIXES)


def parse_one(job: tuple[str, str], encoding: str | None = None,
              env: Environment | None = None) -> tuple[ParsedFile, list[str]]:
    """Read and parse one file: ``job`` is (path, path to report). Returns the parse and the
    warnings it gave (worker processes cannot print to the caller's environment)."""
    from planctl.parse import parse_path  # a warm corpus never parses

    path, shown = job
    recorder = Environment.recording() if env is None else env
    parsed = parse_path(path, display=shown, encoding=encoding, env=recorder)
    return parsed, recorder.warnings if env is None else []


def _display(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base.parent))
    except ValueError:
        return str(path)


def _store(key: str, parsed: ParsedFile) -> None:
    """Cache a parsed file twice: whole, and as metadata only (what `list` needs)."""
    if key:
        cache.store_pickle("parsed", key, parsed)
        cache.store_pickle("meta", key, [d.without_tree() for d in parsed.documents])


def load_parsed(loaded: LoadedFile, env: Environment) -> ParsedFile:
    """The full parse of a file loaded as metadata only: from the cache, else parsed again."""
    if loaded.parsed is None:
        full = cache.load_pickle("parsed", loaded.key) if loaded.key else None
        if not isinstance(full, ParsedFile):  # evicted or damaged: parse again
            full, warnings = parse_one((str(loaded.path), loaded.display))
            env.replay(warnings)
            _store(loaded.key, full)
        loaded.parsed = full
    return loaded.parsed


def load_files(root: Path | None, env: Environment, *, lazy: bool = False) -> list[LoadedFile]:
    """Every plan file of ``root`` (default: the shipped ``corpora/``), parsed or from the cache.

    ``lazy`` takes metadata-only entries from the cache when it has them; files that miss the
    cache are parsed, in worker processes when there are many of them."""
    base = root or corpus_dir()
    loaded: list[LoadedFile] = []
    missing: list[LoadedFile] = []
    for path in corpus_files(base):
        try:
            key = cache.content_key(path.read_bytes(), _display(path, base))
        except OSError:
            key = ""
        entry = LoadedFile(path, _display(path, base), key, [])
        meta = cache.load_pickle("meta", key) if key and lazy else None
        hit = cache.load_pickle("parsed", key) if key and meta is None else None
        if meta is not None:
            entry.documents = meta
        elif isinstance(hit, ParsedFile):
            entry.parsed, entry.documents = hit, hit.documents
        else:
            missing.append(entry)
        loaded.append(entry)
    _parse_missing(missing, env)
    assign_unique_ids([d for entry in loaded for d in entry.documents])
    return loaded


def _parse_missing(missing: Sequence[LoadedFile], env: Environment) -> None:
    tick = env.progress("parsing plans", len(missing))
    jobs = [(str(entry.path), entry.display) for entry in missing]
    with contextlib.ExitStack() as stack:
        results: Iterable[tuple[ParsedFile, list[str]]] = map(parse_one, jobs)
        if len(missing) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
            from concurrent.futures import ProcessPoolExecutor

            results = stack.enter_context(ProcessPoolExecutor()).map(parse_one, jobs, chunksize=8)
        for done, (entry, (parsed, warnings)) in enumerate(zip(missing, results, strict=True), 1):
            env.replay(warnings)
            entry.parsed, entry.documents = parsed, parsed.documents
            _store(entry.key, parsed)
            tick(done)


def assign_unique_ids(docs: Sequence[Document]) -> None:
    """Make ids unique: the primary edition (with a 文号) keeps the bare id, others get ``-2``…"""
    old_ids = {id(d): d.id for d in docs}
    groups: dict[str, list[Document]] = {}
    for doc in docs:
        groups.setdefault(doc.id, []).append(doc)
    for base, members in groups.items():
        if len(members) < 2:
            continue
        members.sort(key=lambda d: (not d.doc_number, d.source.path, d.source.index))
        for k, doc in enumerate(members[1:], 2):
            doc.id = f"{base}-{k}"
    # A plan names its cover notice (same file) by id; follow any renaming.
    for doc in docs:
        if doc.issued_by:
            cover = next((c for c in docs if c.source.path == doc.source.path
                          and old_ids[id(c)] == doc.issued_by), None)
            if cover is not None:
                doc.issued_by = cover.id
