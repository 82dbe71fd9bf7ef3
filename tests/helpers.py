"""Shared test helpers: a compact, reviewable rendering of parse results."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from planctl.ingest import decode_bytes
from planctl.model import TABLE, Document, Node
from planctl.parse import parse_source
from planctl.render.outline import outline_lines

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpora"


def script(name: str) -> ModuleType:
    """``scripts/NAME.py`` as a module, loaded once and registered in ``sys.modules`` (a dataclass
    looks its module up there: scale_corpus.py holds some)."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def parse_text(text: str, path: str = "case.txt") -> list[Document]:
    return parse_source(decode_bytes(text.encode("utf-8"), path=path))


def _with_rows(nodes: list[Node], depth: int) -> list[str]:
    out: list[str] = []
    for node in nodes:
        out.extend(outline_lines([Node(**{**node.__dict__, "children": []})], depth, width=16))
        if node.kind == TABLE:
            out.extend("  " * (depth + 1) + "| " + " | ".join(row) for row in node.rows)
        out.extend(_with_rows(node.children, depth + 1))
    return out


def case_outline(docs: list[Document]) -> str:
    """One header line per document, then its nodes (table rows spelled out)."""
    lines: list[str] = []
    for doc in docs:
        meta = " ".join(x for x in (doc.doc_number, doc.date, doc.region or doc.level,
                                    f"published {doc.published}" if doc.published else "",
                                    f"url {doc.source_url}" if doc.source_url else "") if x)
        lines.append(f"doc {doc.kind} {doc.id} | {doc.title}" + (f" | {meta}" if meta else ""))
        lines.extend(_with_rows(doc.children, 1))
    return "\n".join(lines)
