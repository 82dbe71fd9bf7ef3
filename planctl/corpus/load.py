"""Loading a corpus folder: find its plan files (subfolders included), parse each (or take it
from the parse cache) and make the ids unique. A file that cannot be read is skipped and said
so, with why; the rest are served.

Parsed files are cached (as JSON) by content hash and planctl's code, twice: whole, and as
metadata only, so that ``list`` and ``search`` never read a tree they do not need.

Example::

    >>> files = corpus_files(corpus_dir())
    >>> [p.suffix for p in files][:1]
    ['.txt']
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planctl import cache
from planctl.env import Environment
from planctl.errors import PlanctlError
from planctl.ingest import regular_file, shown_path
from planctl.model import Document, ParsedFile
from planctl.paths import corpus_dir
from planctl.settings import ReadLimits

CORPUS_SUFFIXES = (".txt", ".md", ".text", ".pdf", ".docx", ".html", ".htm", ".mhtml", ".mht")
"""Files read as plan documents."""
OFFICE_SUFFIXES = (".doc", ".wps", ".ofd", ".xls", ".xlsx", ".et", ".ppt", ".pptx", ".rtf", ".odt")
"""Formats offices publish that planctl does not read: listed as skipped, with what to do."""
# README.md, LICENSE, SOURCES.md, CHANGELOG: a folder's own notes, not plans
_NOTES_RE = re.compile(r"^(?:readme|license|licence|sources|changelog|notice|copying|authors)\b", re.IGNORECASE)
PARALLEL_FROM = 40
"""Parse in worker processes when at least this many files miss the cache."""

__all__ = ["CORPUS_SUFFIXES", "LoadedFile", "Skipped", "assign_unique_ids", "corpus_dir", "corpus_files",
           "load_files", "load_parsed", "parse_given", "parse_one", "scan_corpus"]


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


@dataclass
class Skipped:
    """The files of a corpus folder that could not be read, and why."""

    files: list[tuple[str, str]] = field(default_factory=list)
    """(path as shown, reason) for each."""
    total: int = 0
    """How many files the folder offered."""

    def message(self) -> str:
        reasons = "; ".join(f"{path} ({reason})" for path, reason in self.files)
        return f"skipped {len(self.files)} of {self.total} files that could not be read: {reasons}"

    def report(self, env: Environment, strict: bool) -> None:
        """Say which files were skipped, in one warning (``strict``: an error instead)."""
        if self.files and strict:
            raise PlanctlError(f"{self.message()} (--strict)")
        if self.files:
            env.warn(self.message())


def corpus_files(root: Path, *, follow_links: bool = False) -> list[Path]:
    """The plan files of a corpus directory and its subfolders, sorted by path. Hidden files, a
    folder's notes (README, LICENSE …) and files that are no plan by their extension (.json,
    .csv, images) are left out; office formats planctl cannot read are kept, to be reported.
    Links that lead out of the folder are left out unless ``follow_links`` (:func:`scan_corpus`)."""
    return scan_corpus(root, follow_links=follow_links)[0]


def scan_corpus(root: Path, *, follow_links: bool = False) -> tuple[list[Path], list[Path]]:
    """The plan files of a corpus directory (as :func:`corpus_files`), and the links found in it
    that lead out of it and were not followed: a link to ``/etc/passwd`` dropped into a shared
    folder must not make it searchable. With ``follow_links`` every link is followed (folders
    too, each folder once)."""
    if not root.is_dir():
        raise PlanctlError(f"{shown_path(root)}: corpus directory not found")
    wanted = CORPUS_SUFFIXES + OFFICE_SUFFIXES
    inside = os.path.realpath(root)
    found: list[Path] = []
    outside: list[Path] = []
    seen: set[tuple[int, int]] = set()
    for folder, dirs, names in os.walk(root, followlinks=follow_links):
        try:
            st = os.stat(folder)
        except OSError:  # gone since it was listed
            continue
        if (st.st_dev, st.st_ino) in seen:  # a link back into a folder already read
            dirs.clear()
            continue
        seen.add((st.st_dev, st.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        if not follow_links:
            outside += [Path(folder, d) for d in dirs if _leads_out(Path(folder, d), inside)]
        for name in names:
            path = Path(folder, name)
            if name.startswith(".") or path.suffix.lower() not in wanted or _NOTES_RE.match(name):
                continue
            if not follow_links and _leads_out(path, inside):
                outside.append(path)
            elif path.is_file():
                found.append(path)
    key = lambda p: p.relative_to(root).parts  # noqa: E731 - one key for both lists
    return sorted(found, key=key), sorted(outside, key=key)


def _leads_out(path: Path, inside: str) -> bool:
    """Whether ``path`` is a link whose target lies outside the folder ``inside`` (resolved)."""
    if not path.is_symlink():
        return False
    target = os.path.realpath(path)
    return os.path.commonpath([target, inside]) != inside


def parse_one(job: tuple[str, str], encoding: str | None = None, debug: bool = False,
              limits: ReadLimits | None = None) -> tuple[ParsedFile | None, list[str], str]:
    """Read and parse one file: ``job`` is (path, path to report). Returns the parse (None when
    the file cannot be read), the warnings it gave (worker processes cannot print to the
    caller's environment) and why it could not be read. A file that takes longer than
    ``limits.parse_seconds`` is given up, so that one file cannot block a folder."""
    from planctl.parse import parse_path  # a warm corpus never parses
    from planctl.workers import TimeUp, time_limit

    path, shown = job
    limits = limits or ReadLimits()
    recorder = Environment.recording()
    try:
        with time_limit(limits.parse_seconds):
            parsed = parse_path(path, display=shown, encoding=encoding, env=recorder, limits=limits)
        return parsed, recorder.warnings, ""
    except TimeUp:
        return None, recorder.warnings, (f"took more than {limits.parse_seconds:g} s to read; given up so that it "
                                         "does not hold up the others (ReadLimits.parse_seconds)")
    except PlanctlError as exc:
        return None, recorder.warnings, str(exc).removeprefix(f"{shown}: ")
    except Exception as exc:  # a parser fault on one odd file must not stop a corpus
        if debug:
            raise
        return None, recorder.warnings, f"planctl could not parse it ({exc.__class__.__name__}: {exc}); please report"


def parse_given(path: str, encoding: str | None, env: Environment) -> tuple[ParsedFile, str]:
    """A file given by path (outside the corpus), parsed or from the parse cache (keyed by its
    bytes, its path as shown and the codec asked for), and that key. The warnings its parse
    gave are kept with it and given again on a cache hit."""
    from planctl.parse import parse_path

    shown = shown_path(path)
    try:
        regular_file(path, shown)  # a FIFO would block the read below
        key = cache.file_key(path, "given", shown, encoding or "")
    except OSError:  # parse_path says why it cannot be read
        return parse_path(path, encoding=encoding, env=env), ""
    held = cache.load_as("parsed-given", key, _given_from_dict, env)
    if held is not None:
        env.replay(held[1])
        return held[0], key
    seen = len(env.warnings)
    parsed = parse_path(path, encoding=encoding, env=env)
    cache.store_json("parsed-given", key, {"parsed": parsed.to_dict(), "warnings": env.warnings[seen:]}, env)
    return parsed, key


def _given_from_dict(data: dict[str, Any]) -> tuple[ParsedFile, list[str]]:
    return ParsedFile.from_dict(data["parsed"]), [str(w) for w in data["warnings"]]


def _display(path: Path, base: Path) -> str:
    try:
        return shown_path(path.relative_to(base.parent))
    except ValueError:
        return shown_path(path)


def _store(key: str, parsed: ParsedFile, env: Environment) -> None:
    """Cache a parsed file twice: whole, and as metadata only (what `list` needs)."""
    if key:
        cache.store_json("parsed", key, parsed.to_dict(), env)
        cache.store_json("meta", key, [d.without_tree().to_dict() for d in parsed.documents], env)


def load_parsed(loaded: LoadedFile, env: Environment) -> ParsedFile:
    """The full parse of a file loaded as metadata only: from the cache, else parsed again."""
    if loaded.parsed is None:
        full = cache.load_as("parsed", loaded.key, ParsedFile.from_dict, env) if loaded.key else None
        if full is None:  # evicted or damaged: parse again
            full, warnings, error = parse_one((str(loaded.path), loaded.display), debug=env.debug)
            env.replay(warnings)
            if full is None:
                raise PlanctlError(f"{loaded.display}: {error}")
            _store(loaded.key, full, env)
        loaded.parsed = full
    return loaded.parsed


def _cached_meta(key: str, env: Environment) -> list[Document] | None:
    return cache.load_as("meta", key, lambda docs: [Document.from_dict(d) for d in docs], env)


def load_files(root: Path | None, env: Environment, *, lazy: bool = False, follow_links: bool = False,
               limits: ReadLimits | None = None) -> tuple[list[LoadedFile], Skipped]:
    """Every plan file of ``root`` (default: the environment's corpus), parsed or from the cache,
    and the files that could not be read (links out of the folder among them, unless
    ``follow_links``, and files beyond the ``limits``).

    ``lazy`` takes metadata-only entries from the cache when it has them; files that miss the
    cache are parsed, in worker processes when there are many of them."""
    base = root or env.corpus_dir()
    loaded: list[LoadedFile] = []
    missing: list[LoadedFile] = []
    files, outside = scan_corpus(base, follow_links=follow_links)
    skipped = Skipped(total=len(files) + len(outside))
    skipped.files += [(_display(path, base), f"a link to {shown_path(os.path.realpath(path))}, outside the corpus "
                       "folder; --follow-links reads it") for path in outside]
    for path in files:
        try:
            key = cache.file_key(path, _display(path, base))
        except OSError as exc:
            skipped.files.append((_display(path, base), f"cannot read ({exc.strerror or exc})"))
            continue
        entry = LoadedFile(path, _display(path, base), key, [])
        meta = _cached_meta(key, env) if lazy else None
        hit = cache.load_as("parsed", key, ParsedFile.from_dict, env) if meta is None else None
        if meta is not None:
            entry.documents = meta
        elif hit is not None:
            entry.parsed, entry.documents = hit, hit.documents
        else:
            missing.append(entry)
        loaded.append(entry)
    failed = _parse_missing(missing, env, limits or ReadLimits())
    skipped.files += failed
    skipped.files.sort()
    loaded = [entry for entry in loaded if entry.documents or entry.parsed is not None]
    assign_unique_ids([d for entry in loaded for d in entry.documents])
    return loaded, skipped


def _parse_missing(missing: Sequence[LoadedFile], env: Environment, limits: ReadLimits) -> list[tuple[str, str]]:
    tick = env.progress("parsing", len(missing), unit="files")
    jobs = [(str(entry.path), entry.display) for entry in missing]
    failed: list[tuple[str, str]] = []
    with contextlib.ExitStack() as stack:
        results: Iterable[tuple[ParsedFile | None, list[str], str]] = (
            parse_one(job, debug=env.debug, limits=limits) for job in jobs)
        if len(missing) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
            from functools import partial

            from planctl.workers import process_pool, worker_deaths

            stack.enter_context(worker_deaths("parsing the corpus"))
            results = stack.enter_context(process_pool()).map(partial(parse_one, limits=limits), jobs, chunksize=8)
        for done, (entry, (parsed, warnings, error)) in enumerate(zip(missing, results, strict=True), 1):
            env.replay(warnings)
            if parsed is None:
                failed.append((entry.display, error))
            else:
                entry.parsed, entry.documents = parsed, parsed.documents
                _store(entry.key, parsed, env)
            tick(done)
    return failed


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
