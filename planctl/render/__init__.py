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
# The module holding each view's renderers: only that one is imported to draw the view.
_VIEW_MODULES = {"list": "show", "show": "show", "indicators": "indicators", "rows": "rows",
                 "diff": "diff report", "search": "search", "index": "search", "eval": "evaluation",
                 "calibration": "evaluation", "compare": "compare", "doctor": "doctor",
                 "trace": "trace"}


def register(view: str, fmt: str) -> Callable[[Renderer], Renderer]:
    """Decorator: make a function the renderer of ``view`` in format ``fmt``."""

    def deco(fn: Renderer) -> Renderer:
        _REGISTRY[(view, fmt)] = fn
        return fn

    return deco


def formats(view: str) -> list[str]:
    """Formats available for a view, e.g. ``formats("show")``."""
    _load(view)
    return sorted(f for v, f in _REGISTRY if v == view)


def render(view: str, fmt: str, data: Any, stream: TextIO) -> None:
    """Render ``data`` for ``view`` in ``fmt`` onto ``stream``."""
    _load(view)
    try:
        fn = _REGISTRY[(view, fmt)]
    except KeyError:
        from planctl.errors import PlanctlError

        raise PlanctlError(f"unknown format '{fmt}' for {view}; choose from: {', '.join(formats(view))}") from None
    fn(data, stream)


def md_cell(text: str) -> str:
    """``text`` as one cell of a markdown pipe table: ``|`` escaped, line breaks as spaces."""
    return text.replace("|", "\\|").replace("\n", " ")


def write_json(data: Any, stream: TextIO) -> None:
    """JSON with Chinese kept readable (``ensure_ascii=False``)."""
    stream.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _load(view: str) -> None:
    # Import the view's module for its @register side effects; rich only when a rich view runs.
    import importlib

    for module in _VIEW_MODULES.get(view, "show").split():
        importlib.import_module(f"planctl.render.{module}")


def document_summary(doc: Document) -> dict[str, Any]:
    """The row ``planctl list`` shows for a document (from its stats: no tree needed)."""
    stats = doc.stats or doc.count_stats()
    return {
        "id": doc.id, "aliases": doc.aliases, "kind": doc.kind, "title": doc.title, "region": doc.region,
        "level": doc.level, "topic": doc.topic, "doc_number": doc.doc_number, "date": doc.date,
        "size": stats["size"], "measures": stats["measures"], "columns": stats["columns"], "tables": stats["tables"],
        "path": doc.source.path, "index": doc.source.index, "articles": stats.get("articles", 0),
        "file": f"{doc.source.path}#{doc.source.index}",
    }


def documents_payload(docs: Sequence[Document]) -> dict[str, Any]:
    """The JSON contract of ``planctl show --format json``."""
    return {"documents": [d.to_dict() for d in docs]}
