"""The corpus: every document of the shipped (or given) plan files, addressable by id,
alias or path.

A reference (``PLAN`` on the command line) may be:

* an id: ``gansu-employment-2021``;
* an alias: ``gansu``, ``甘肃``, ``甘肃省``, ``wuwei`` (region names from the region table), or an
  id prefix such as ``gansu-employment``;
* a file path, parsed on the fly; ``PATH#N`` picks its N-th document (1-based).

When a reference names several documents, plans win over notices, a topic shared with the
other side of a ``diff`` wins, and among editions of one plan the one with a 文号 is primary.
Anything still ambiguous, or unknown, is a :class:`PlanctlError` listing candidates or
suggestions.

Example::

    >>> corpus = load_corpus()
    >>> corpus.resolve("wuwei").id
    'wuwei-employment-2022'
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from planctl.errors import PlanctlError
from planctl.ingest.text import Source, read_source
from planctl.model import Document
from planctl.parse import parse_source
from planctl.paths import corpus_dir

CORPUS_SUFFIXES = (".txt", ".md", ".text", ".pdf")
_PATH_INDEX_RE = re.compile(r"^(.*)#(\d+)$")


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


def _edition_key(doc: Document) -> tuple[str, str, str]:
    return (doc.kind, doc.region, re.sub(r"\W", "", doc.title))


def _prefer(cands: list[Document], topic: str | None = None) -> list[Document]:
    """Narrow candidates: topic match, plans over notices, primary edition of each plan."""
    if topic:
        same = [d for d in cands if d.topic == topic]
        cands = same or cands
    plans = [d for d in cands if d.kind == "plan"]
    cands = plans or cands
    primary: dict[tuple[str, str, str], Document] = {}
    for doc in cands:
        key = _edition_key(doc)
        held = primary.get(key)
        if held is None or (doc.doc_number and not held.doc_number):
            primary[key] = doc
    return list(primary.values())


@dataclass
class Corpus:
    """Documents in corpus order (file name, then position in file)."""

    documents: list[Document] = field(default_factory=list)
    """All documents."""
    root: Path | None = None
    """Directory the corpus was loaded from."""
    sources: dict[str, Source] = field(default_factory=dict)
    """Decoded files by the path documents report (``doc.source.path``)."""
    files: list[Path] = field(default_factory=list)
    """The corpus files, in order."""
    keys: dict[str, str] = field(default_factory=dict)
    """Cache key of each corpus file, by the path its documents report."""
    _loaded: set[str] = field(default_factory=set)

    def ensure_trees(self, docs: Iterable[Document] | None = None) -> None:
        """Give ``docs`` (default: all) their full trees. A lazily loaded corpus holds only
        metadata until a command needs more; the trees come from the parse cache."""
        from planctl import cache

        wanted = {d.source.path for d in (self.documents if docs is None else docs)}
        for path in sorted(wanted - self._loaded):
            if path not in self.keys:
                self._loaded.add(path)  # parsed on the fly: already complete
                continue
            full = cache.load_pickle("parsed", self.keys[path])
            if full is None:  # evicted or damaged: parse again
                full = _parse_one((str(self.root.parent / path) if self.root else path, path))
                cache.store_pickle("parsed", self.keys[path], full)
            source, file_docs = full
            self.sources[path] = source
            stubs = [d for d in self.documents if d.source.path == path]
            for stub, tree in zip(stubs, file_docs, strict=False):
                stub.children = tree.children
            self._loaded.add(path)

    def fingerprint(self) -> str:
        """Changes whenever a file of the corpus (or planctl's code) changes."""
        import hashlib

        return hashlib.blake2b("|".join(self.keys.get(d.source.path, d.source.path) for d in self.documents)
                               .encode(), digest_size=12).hexdigest()

    def idf(self) -> dict[str, float]:
        """IDF of canonical tokens over the whole corpus, cached on disk by corpus and dictionaries."""
        from planctl import cache
        from planctl.align import idf_table
        from planctl.lexicon import lexicon

        key = f"{self.fingerprint()}-{lexicon().fingerprint}"
        table = cache.load_json("idf", key)
        if not isinstance(table, dict):
            self.ensure_trees()
            table = idf_table(self.documents)
            cache.store_json("idf", key, table)
        return table

    def source_of(self, doc: Document) -> Source:
        """The decoded file a document came from."""
        source = self.sources.get(doc.source.path)
        if source is None:  # a document built elsewhere: read it again
            source = self.sources[doc.source.path] = read_source(doc.source.path, encoding=doc.source.encoding)
        return source

    def cleaned_lines(self, doc: Document) -> list[str]:
        """The document's file as the parser sees it, one string per source line."""
        from planctl.parse.text import clean_texts

        return clean_texts(self.source_of(doc).lines)

    def by_id(self, doc_id: str) -> Document | None:
        return next((d for d in self.documents if d.id == doc_id), None)

    def _file_documents(self, ref: str, encoding: str | None) -> tuple[list[Document], int | None] | None:
        m = _PATH_INDEX_RE.match(ref)
        if Path(ref).exists():  # a file whose name happens to contain "#2" is still that file
            path, index = ref, None
        elif m and Path(m.group(1)).exists():
            path, index = m.group(1), int(m.group(2))
        else:
            path = m.group(1) if m else ref
            if "/" in ref or "\\" in ref or Path(path).suffix.lower() in CORPUS_SUFFIXES:
                raise PlanctlError(f"{path}: no such file")
            return None
        source, docs = _parse_one((path, path), encoding)
        self.sources[source.path] = source
        assign_unique_ids(docs)
        return docs, index

    def candidates(self, ref: str, *, encoding: str | None = None) -> list[Document]:
        """Every document ``ref`` may mean, before preferences are applied."""
        ref = ref.strip()
        if not ref:
            raise PlanctlError("empty plan reference")
        found = self._file_documents(ref, encoding)
        if found is not None:
            docs, index = found
            if index is None:
                return docs
            if not 1 <= index <= len(docs):
                raise PlanctlError(f"{ref}: the file holds {len(docs)} document(s); #{index} is out of range")
            return [docs[index - 1]]
        exact = self.by_id(ref)
        if exact:
            return [exact]
        key = ref.lower()
        return [
            d for d in self.documents
            if key in (a.lower() for a in d.aliases) or d.id.startswith(key + "-")
        ]

    def resolve(self, ref: str, *, prefer_topic: str | None = None, encoding: str | None = None) -> Document:
        """The one document ``ref`` names; :class:`PlanctlError` if none or several."""
        cands = self.candidates(ref, encoding=encoding)
        if not cands:
            raise self._unknown(ref)
        if len(cands) == 1:
            return cands[0]
        narrowed = _prefer(cands, prefer_topic)
        if len(narrowed) == 1:
            return narrowed[0]
        raise self._ambiguous(ref, narrowed)

    def resolve_pair(self, a: str, b: str, *, encoding: str | None = None) -> tuple[Document, Document]:
        """Resolve both sides of a comparison, letting each side's topic settle the other."""
        ca, cb = (_prefer(self.candidates(r, encoding=encoding)) for r in (a, b))
        if not ca:
            raise self._unknown(a)
        if not cb:
            raise self._unknown(b)
        if len(ca) == 1 and len(cb) > 1:
            cb = _prefer(cb, ca[0].topic)
        elif len(cb) == 1 and len(ca) > 1:
            ca = _prefer(ca, cb[0].topic)
        elif len(ca) > 1 and len(cb) > 1:
            shared = {d.topic for d in ca} & {d.topic for d in cb}
            settled = [
                (ta, tb)
                for t in shared
                for ta, tb in [(_prefer(ca, t), _prefer(cb, t))]
                if len(ta) == 1 and len(tb) == 1
            ]
            if len(settled) == 1:
                ca, cb = settled[0]
        if len(ca) > 1:
            raise self._ambiguous(a, ca)
        if len(cb) > 1:
            raise self._ambiguous(b, cb)
        return ca[0], cb[0]

    def _ambiguous(self, ref: str, cands: Iterable[Document]) -> PlanctlError:
        ids = [f"{d.id} ({d.title})" for d in cands]
        return PlanctlError(f"'{ref}' is ambiguous; candidates: {', '.join(ids)}", hints=ids)

    def _unknown(self, ref: str) -> PlanctlError:
        from rapidfuzz import fuzz, process  # only needed when a name is wrong

        names = sorted({d.id for d in self.documents} | {a for d in self.documents for a in d.aliases})
        close = [m[0] for m in process.extract(ref, names, scorer=fuzz.WRatio, limit=3, score_cutoff=50)]
        hint = f"; did you mean: {', '.join(close)}" if close else "; run 'planctl list' to see the corpus"
        return PlanctlError(f"unknown plan '{ref}'{hint}", hints=close)


def corpus_files(root: Path) -> list[Path]:
    """The plan files of a corpus directory, sorted by name."""
    if not root.is_dir():
        raise PlanctlError(f"{root}: corpus directory not found")
    return sorted(p for p in root.iterdir() if p.is_file() and p.suffix.lower() in CORPUS_SUFFIXES)


PARALLEL_FROM = 40
"""Parse in worker processes when at least this many files miss the cache."""
progress_factory: Callable[[int], Callable[[int], None]] | None = None
"""Set by the CLI: given the number of files to parse, returns a per-file callback."""


def _parse_one(job: tuple[str, str], encoding: str | None = None) -> tuple[Source, list[Document]]:
    """Read and parse one file: ``job`` is (path, path to report)."""
    path, shown = job
    source = read_source(path, display=shown, encoding=encoding)
    return source, parse_source(source)


def _display(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base.parent))
    except ValueError:
        return str(path)


def _stub(doc: Document) -> Document:
    meta = Document.from_dict({**doc.to_dict(), "children": []})
    meta.stats = dict(doc.stats)
    return meta


def load_corpus(root: str | Path | None = None, *, lazy: bool = False) -> Corpus:
    """Parse every plan file of ``root`` (default: the shipped ``corpora/``).

    Parsed files are cached by content hash and planctl's code; files that miss the cache are
    parsed in worker processes when there are many of them. ``lazy`` returns documents without
    their trees when the cache has them (see :meth:`Corpus.ensure_trees`)."""
    from planctl import cache

    base = Path(root) if root else corpus_dir()
    files = corpus_files(base)
    parsed: dict[Path, tuple[Source, list[Document]]] = {}
    stubs: dict[Path, list[Document]] = {}
    keys: dict[str, str] = {}
    missing: list[tuple[Path, str]] = []
    for path in files:
        try:
            key = cache.content_key(path.read_bytes(), _display(path, base))
        except OSError:
            key = ""
        keys[_display(path, base)] = key
        meta = cache.load_pickle("meta", key) if key and lazy else None
        hit = cache.load_pickle("parsed", key) if key and meta is None else None
        if meta is not None:
            stubs[path] = meta
        elif hit is not None:
            parsed[path] = hit
        else:
            missing.append((path, key))
    tick = progress_factory(len(missing)) if progress_factory and missing else None
    jobs = [(str(path), _display(path, base)) for path, _ in missing]
    if len(missing) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor() as pool:
            results = pool.map(_parse_one, jobs, chunksize=8)
            for done, ((path, key), result) in enumerate(zip(missing, results, strict=True), 1):
                parsed[path] = result
                _store(key, result)
                if tick:
                    tick(done)
    else:
        for done, ((path, key), job) in enumerate(zip(missing, jobs, strict=True), 1):
            parsed[path] = result = _parse_one(job)
            _store(key, result)
            if tick:
                tick(done)
    docs: list[Document] = []
    sources: dict[str, Source] = {}
    loaded: set[str] = set()
    for path in files:
        if path in stubs:
            docs.extend(stubs[path])
            continue
        source, file_docs = parsed[path]
        sources[source.path] = source
        loaded.add(source.path)
        docs.extend(file_docs)
    assign_unique_ids(docs)
    return Corpus(documents=docs, root=base, sources=sources, files=files, keys=keys, _loaded=loaded)


def _store(key: str, result: tuple[Source, list[Document]]) -> None:
    """Cache a parsed file twice: whole, and as metadata only (what `list` needs)."""
    from planctl import cache

    if key:
        cache.store_pickle("parsed", key, result)
        cache.store_pickle("meta", key, [_stub(d) for d in result[1]])
