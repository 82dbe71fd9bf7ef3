"""The corpus: every document of the shipped (or given) plan files, addressable by id, alias
or path (see :mod:`planctl.corpus.resolve`), with trees loaded when a command needs them.

Example::

    >>> corpus = load_corpus()
    >>> corpus.resolve("wuwei").id
    'wuwei-employment-2022'
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from planctl.corpus.load import (
    CORPUS_SUFFIXES,
    LoadedFile,
    Skipped,
    assign_unique_ids,
    corpus_files,
    load_files,
    load_parsed,
    parse_given,
)
from planctl.corpus.resolve import (
    match_reference,
    path_reference,
    pick_group,
    pick_one,
    pick_pair,
    select_index,
    substantive,
)
from planctl.env import Environment
from planctl.errors import PlanctlError
from planctl.model import Document, ParsedFile, Source
from planctl.settings import ReadLimits

__all__ = ["CORPUS_SUFFIXES", "Corpus", "Skipped", "corpus_files", "load_corpus", "path_reference"]


@dataclass
class Corpus:
    """Documents in corpus order (file name, then position in file)."""

    documents: list[Document] = field(default_factory=list)
    """All documents of the corpus files."""
    root: Path | None = None
    """Directory the corpus was loaded from."""
    files: list[LoadedFile] = field(default_factory=list)
    """The corpus files, in order."""
    env: Environment = field(default_factory=Environment)
    """Where warnings and progress go."""
    skipped: Skipped = field(default_factory=Skipped)
    """Files of the folder that could not be read, and why."""
    _by_path: dict[str, LoadedFile] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for entry in self.files:
            self._by_path[entry.display] = entry

    # ---- trees and lines ------------------------------------------------------------------
    def ensure_trees(self, docs: Iterable[Document] | None = None) -> None:
        """Give ``docs`` (default: all) their full trees. A lazily loaded corpus holds only
        metadata until a command needs more; the trees come from the parse cache."""
        wanted = {d.source.path for d in (self.documents if docs is None else docs)}
        for path in sorted(wanted):
            entry = self._by_path.get(path)
            if entry is None or entry.parsed is not None:
                continue
            parsed = load_parsed(entry, self.env)
            for stub, tree in zip(entry.documents, parsed.documents, strict=False):
                stub.children = tree.children

    def parsed_of(self, doc: Document) -> ParsedFile:
        """The whole parse of the file ``doc`` came from."""
        entry = self._by_path.get(doc.source.path)
        if entry is None:  # a document built elsewhere: read its file again
            entry = self._read_given(doc.source.path, doc.source.encoding)
        return load_parsed(entry, self.env)

    def source_of(self, doc: Document) -> Source:
        """The decoded file a document came from."""
        return self.parsed_of(doc).source

    def lines_of(self, doc: Document) -> list[str]:
        """The document's file as the parser read it, one string per source line."""
        return self.parsed_of(doc).lines

    def file_of(self, doc: Document) -> Path:
        """The file ``doc`` was read from, as an absolute path (its ``source.path`` is as shown:
        corpus files relative to the corpus's parent folder)."""
        entry = self._by_path.get(doc.source.path)
        return (entry.path if entry is not None else Path(doc.source.path)).resolve()

    def file_key(self, doc: Document) -> str:
        """The parse-cache key of the file ``doc`` came from (its bytes, path and planctl's code;
        empty when unknown)."""
        entry = self._by_path.get(doc.source.path)
        return entry.key if entry is not None else ""

    def fingerprint(self) -> str:
        """Changes whenever a file of the corpus (or planctl's code) changes."""
        keys = {entry.display: entry.key for entry in self.files}
        joined = "|".join(keys.get(d.source.path, d.source.path) for d in self.documents)
        return hashlib.blake2b(joined.encode(), digest_size=12).hexdigest()

    # ---- references -----------------------------------------------------------------------
    def by_id(self, doc_id: str) -> Document | None:
        return next((d for d in self.documents if d.id == doc_id), None)

    def is_member(self, doc: Document) -> bool:
        """Whether ``doc`` is one of the corpus files' documents (not a file given by path)."""
        return any(doc is d for d in self.documents)

    def _read_given(self, path: str, encoding: str | None) -> LoadedFile:
        """A file given by path, parsed (or from the parse cache) and kept for this corpus."""
        parsed, key = parse_given(path, encoding, self.env)
        entry = LoadedFile(Path(path), parsed.source.path, key, parsed.documents, parsed)
        self._by_path[parsed.source.path] = entry
        return entry

    def _file_documents(self, path: str, encoding: str | None) -> list[Document]:
        docs = self._read_given(path, encoding).documents
        assign_unique_ids(docs)
        self.env.note(f"read {docs[0].source.path} as {docs[0].source.encoding}")
        return docs

    def candidates(self, ref: str, *, encoding: str | None = None) -> list[Document]:
        """Every document ``ref`` may mean, before preferences are applied."""
        ref = ref.strip()
        if not ref:
            raise PlanctlError("empty plan reference")
        found = path_reference(ref)
        if found is not None:
            path, index = found
            return select_index(ref, self._file_documents(path, encoding), index)
        return match_reference(self.documents, ref)

    def label(self, doc: Document) -> str:
        """A name that resolves back to ``doc``: its id, or ``PATH#N`` for a file given by path."""
        return doc.id if self.is_member(doc) else f"{doc.source.path}#{doc.source.index}"

    def resolve(self, ref: str, *, prefer_topic: str | None = None, encoding: str | None = None) -> Document:
        """The one document ``ref`` names; :class:`PlanctlError` if none or several."""
        return pick_one(ref, self.candidates(ref, encoding=encoding), self.documents, prefer_topic, self.label)

    def resolve_pair(self, a: str, b: str, *, encoding: str | None = None) -> tuple[Document, Document]:
        """Resolve both sides of a comparison, letting each side's topic settle the other. When a
        side is a file of several documents, say on stderr which one was taken."""
        cands = (self.candidates(a, encoding=encoding), self.candidates(b, encoding=encoding))
        pair = pick_pair((a, b), cands, self.documents, self.label)
        for ref, found, doc in zip((a, b), cands, pair, strict=True):
            if len(found) > 1 and not self.is_member(doc):
                self.env.note(f"{ref}: comparing {self.label(doc)} ({doc.title}), one of its {len(found)} documents")
        return pair

    def resolve_group(self, refs: Sequence[str], *, topic: str | None = None,
                      encoding: str | None = None) -> list[Document]:
        """One document per reference, the references settling each other's topic (as
        :meth:`resolve_pair` does for two); ``topic`` settles any first."""
        cands = [self.candidates(ref, encoding=encoding) for ref in refs]
        return pick_group(refs, cands, self.documents, self.label, topic)

    def resolve_many(self, refs: Iterable[str], *, encoding: str | None = None,
                     main_only: bool = False) -> list[Document]:
        """Documents for ``refs`` (metadata only): a file given by path stands for all its
        documents — or, ``main_only``, for the one with a body of its own when it holds just one
        (a plan without the cover notice that issues it), said on stderr."""
        docs: list[Document] = []
        for ref in refs:
            found = path_reference(ref.strip()) if ref.strip() else None
            if found is not None and found[1] is None:
                docs.extend(self._file_selection(ref, self.candidates(ref, encoding=encoding), main_only))
            else:
                docs.append(self.resolve(ref, encoding=encoding))
        return list({id(d): d for d in docs}.values())

    def _file_selection(self, ref: str, docs: list[Document], main_only: bool) -> list[Document]:
        main = substantive(docs)
        if not main_only or len(docs) < 2 or len(main) != 1:
            return docs
        covers = ", ".join(self.label(d) for d in docs if d is not main[0])
        self.env.note(f"{ref}: taking {self.label(main[0])} ({main[0].title}), the document its cover notice "
                      f"{covers} issues")
        return main

    def resolve_all(self, refs: Iterable[str], *, encoding: str | None = None,
                    main_only: bool = False) -> list[Document]:
        """Documents for ``refs`` with their trees (every document of the corpus when none); see
        :meth:`resolve_many` for ``main_only``."""
        wanted = list(refs)
        docs = self.resolve_many(wanted, encoding=encoding, main_only=main_only) if wanted else list(self.documents)
        self.ensure_trees(docs)
        return docs


def load_corpus(root: str | Path | None = None, *, lazy: bool = False, env: Environment | None = None,
                strict: bool = False, follow_links: bool = False, limits: ReadLimits | None = None) -> Corpus:
    """Parse every plan file of ``root`` (default: the environment's corpus, see
    :meth:`planctl.env.Environment.corpus_dir`) and its subfolders.

    Files that cannot be read are skipped with one warning naming each and why (``strict``: an
    error instead); so are links leading out of the folder, unless ``follow_links``, and files
    beyond the ``limits`` (:class:`~planctl.settings.ReadLimits`). ``lazy`` returns documents
    without their trees when the cache has them (see :meth:`Corpus.ensure_trees`)."""
    env = env or Environment()
    base = Path(root) if root else env.corpus_dir()
    files, skipped = load_files(base, env, lazy=lazy, follow_links=follow_links, limits=limits)
    skipped.report(env, strict)
    docs = [d for entry in files for d in entry.documents]
    return Corpus(documents=docs, root=base, files=files, env=env, skipped=skipped)
