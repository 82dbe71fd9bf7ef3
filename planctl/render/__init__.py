"""Renderers: the only layer that prints. Chosen from a registry by format; each writes to
an injected stream so tests capture output without a terminal.

Example::

    >>> import io
    >>> buf = io.StringIO()
    >>> render("list", "json", [], buf)
    >>> buf.getvalue()
    '[]\\n'
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from planctl.model import Document

Renderer = Callable[[Any, TextIO], None]
_REGISTRY: dict[tuple[str, str], Renderer] = {}


def register(view: str, fmt: str) -> Callable[[Renderer], Renderer]:
    """Decorator: make a function the renderer of ``view`` in format ``fmt``."""

    def deco(fn: Renderer) -> Renderer:
        _REGISTRY[(view, fmt)] = fn
        return fn

    return deco


def formats(view: str) -> list[str]:
    """Formats available for a view, e.g. ``formats("show")``."""
    _load()
    return sorted(f for v, f in _REGISTRY if v == view)


def render(view: str, fmt: str, data: Any, stream: TextIO) -> None:
    """Render ``data`` for ``view`` in ``fmt`` onto ``stream``."""
    _load()
    try:
        fn = _REGISTRY[(view, fmt)]
    except KeyError:
        from planctl.errors import PlanctlError

        raise PlanctlError(f"unknown format '{fmt}' for {view}; choose from: {', '.join(formats(view))}") from None
    fn(data, stream)


def write_json(data: Any, stream: TextIO) -> None:
    """JSON with Chinese kept readable (``ensure_ascii=False``)."""
    stream.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _load() -> None:
    # Import for their @register side effects; rich is only imported when a rich view runs.
    from planctl.render import diffs, hits, tables, views  # noqa: F401


def document_summary(doc: Document) -> dict[str, Any]:
    """The row ``planctl list`` shows for a document."""
    from planctl.model import COLUMN, MEASURE, TABLE

    counts = {MEASURE: 0, COLUMN: 0, TABLE: 0}
    chars = 0
    for node in doc.walk():
        if node.kind in counts:
            counts[node.kind] += 1
        chars += sum(len(s) for s in node.source_strings())
    return {
        "id": doc.id, "aliases": doc.aliases, "kind": doc.kind, "title": doc.title, "region": doc.region,
        "level": doc.level, "topic": doc.topic, "doc_number": doc.doc_number, "date": doc.date,
        "size": chars, "measures": counts[MEASURE], "columns": counts[COLUMN], "tables": counts[TABLE],
        "path": doc.source.path, "index": doc.source.index,
    }


def documents_payload(docs: Sequence[Document]) -> dict[str, Any]:
    """The JSON contract of ``planctl show --format json``."""
    return {"documents": [d.to_dict() for d in docs]}
