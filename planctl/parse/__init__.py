"""Parsing: Source → documents (each a tree of nodes).

    file ──ingest──▶ Source ──lines_to_blocks──▶ blocks ──blocks_to_groups──▶ per document
         ──blocks_to_tree──▶ Document tree (+ metadata)

Example::

    >>> from planctl.ingest import decode_bytes
    >>> [d.kind for d in parse_source(decode_bytes("青海省“十四五”就业促进规划\\n一、总体要求\\n".encode()))]
    ['plan']
"""

from __future__ import annotations

from pathlib import Path

from planctl.env import Environment
from planctl.errors import PlanctlError
from planctl.ingest import read_source
from planctl.model import Document, ParsedFile, Source, SourceRef
from planctl.parse.documents import blocks_to_groups, finish_metadata, group_to_document
from planctl.parse.rules import apply_rules, lines_to_state
from planctl.settings import ParseSettings, ReadLimits


def parse(source: Source, settings: ParseSettings | None = None, env: Environment | None = None) -> ParsedFile:
    """Parse a decoded source into its documents, keeping the cleaned lines."""
    env = env or Environment()
    state = lines_to_state(source.lines, settings)
    blocks = apply_rules(state, env.progress(f"parsing {source.path}:", len(source.lines), unit="lines", minimum=5000))
    cleaned = state.lines
    for first, last, original in state.duplicates:
        env.warn(
            f"{source.path}: lines {cleaned[first].number}–{cleaned[last].last_number} repeat the text from line "
            f"{cleaned[original].number} (a page printed twice?); kept once, the copy as furniture")
    docs: list[Document] = []
    lines = state.cleaned_texts(len(source.lines))
    for index, group in enumerate(blocks_to_groups(blocks, state.settings), 1):
        first = min(b.node.line_start for b in group)
        last = max(b.node.line_end for b in group)
        ref = SourceRef(path=source.path, line_start=first, line_end=last, encoding=source.encoding, index=index)
        docs.append(group_to_document(group, ref))
    if not docs:
        raise PlanctlError(f"{source.path}: no text to parse (only markup or blank lines)")
    finish_metadata(docs)
    return ParsedFile(source, docs, lines)


def parse_source(source: Source, settings: ParseSettings | None = None) -> list[Document]:
    """Parse a decoded source into its documents, in file order."""
    return parse(source, settings).documents


def parse_path(path: str | Path, *, encoding: str | None = None, display: str | None = None,
               settings: ParseSettings | None = None, env: Environment | None = None,
               limits: ReadLimits | None = None) -> ParsedFile:
    """Read (within ``limits``) and parse a plan file."""
    return parse(read_source(path, encoding=encoding, display=display, env=env, limits=limits), settings, env)


def parse_file(path: str | Path, *, encoding: str | None = None, display: str | None = None,
               settings: ParseSettings | None = None, env: Environment | None = None) -> list[Document]:
    """Read and parse a plan file into its documents."""
    return parse_path(path, encoding=encoding, display=display, settings=settings, env=env).documents


__all__ = ["ParsedFile", "parse", "parse_file", "parse_path", "parse_source"]
