"""The renderers of ``list`` and ``show`` in every format."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, TextIO

from planctl.cjk import clip
from planctl.model import (
    APPENDIX,
    ARTICLE,
    CHAPTER,
    COLUMN,
    ITEM,
    MEASURE,
    PARAGRAPH,
    SECTION,
    TABLE,
    Document,
    Node,
)
from planctl.render import document_summary, documents_payload, register, write_json
from planctl.render.outline import outline_lines

if TYPE_CHECKING:
    from rich.console import Console
    from rich.tree import Tree


@dataclass
class ShowRequest:
    """What ``show`` renders: the documents and how much of each tree."""

    documents: Sequence[Document]
    """Documents to show."""
    everything: bool = False
    """Include paragraphs, metadata and furniture in the tree view."""
    depth: int | None = None
    """Deepest level shown in the tree view (1 = chapters only)."""


def console_for(stream: TextIO) -> Console:
    """A rich console writing to ``stream``: wide lines off a terminal, no syntax highlighting."""
    from rich.console import Console

    class PipeAwareConsole(Console):
        def on_broken_pipe(self) -> None:
            # rich exits with status 1 when the reader leaves (`| head`); let the command decide.
            self.quiet = True
            raise BrokenPipeError

    # A pipe or file gets wide lines instead of 80 columns of ellipses.
    tty = hasattr(stream, "isatty") and stream.isatty()
    return PipeAwareConsole(file=stream, highlight=False, soft_wrap=False, width=None if tty else 160)


# ---- list -------------------------------------------------------------------------------
@register("list", "json")
def list_json(docs: Sequence[Document], stream: TextIO) -> None:
    write_json([document_summary(d) for d in docs], stream)


@register("list", "markdown")
def list_markdown(docs: Sequence[Document], stream: TextIO) -> None:
    from tabulate import tabulate

    def cell(value: object) -> object:
        # a bar or a line break inside a cell would end the cell or the row (a title or a file name may hold one)
        return value.replace("|", "\\|").replace("\n", " ") if isinstance(value, str) else value

    rows = [
        [cell(v) for v in (s["id"], ", ".join(s["aliases"]), s["kind"], s["title"], s["region"] or s["level"],
                           s["date"], s["size"], s["file"])]
        for s in map(document_summary, docs)
    ]
    stream.write(tabulate(rows, headers=["id", "aliases", "kind", "title", "region", "date", "size", "file"],
                          tablefmt="github") + "\n")


@register("list", "rich")
def list_rich(docs: Sequence[Document], stream: TextIO) -> None:
    from rich.table import Table

    table = Table(title=f"{len(docs)} documents", title_justify="left")
    for col in ("id", "aliases", "kind", "title", "region", "date", "size", "file"):
        table.add_column(col, no_wrap=col in ("id", "date", "size", "aliases"), overflow="fold" if col == "file" else
                         "ellipsis", justify="right" if col == "size" else "left",
                         max_width=14 if col == "aliases" else None)
    for s in map(document_summary, docs):
        # the file's name and #N (json and markdown give its path)
        table.add_row(s["id"], ", ".join(s["aliases"]), s["kind"], s["title"], s["region"] or s["level"], s["date"],
                      str(s["size"]), f"{PurePath(s['path']).name}#{s['index']}")
    console_for(stream).print(table)


# ---- show -------------------------------------------------------------------------------
@register("show", "json")
def show_json(req: ShowRequest, stream: TextIO) -> None:
    write_json(documents_payload(req.documents), stream)


@register("show", "markdown")
def show_markdown(req: ShowRequest, stream: TextIO) -> None:
    from planctl.render.markdown import document_to_markdown  # reads the parser's rules: load on demand

    stream.write("\n\n".join(document_to_markdown(d) for d in req.documents))


@register("show", "outline")
def show_outline(req: ShowRequest, stream: TextIO) -> None:
    for doc in req.documents:
        stream.write(f"{doc.id}: {doc.title}\n")
        stream.write("\n".join(outline_lines(doc.children, 1, width=24)) + "\n")


_STYLE = {CHAPTER: "bold cyan", SECTION: "cyan", APPENDIX: "bold cyan", COLUMN: "magenta", TABLE: "yellow",
          MEASURE: "", ARTICLE: "", PARAGRAPH: "dim"}
_OUTLINE_KINDS = (CHAPTER, SECTION, APPENDIX, COLUMN, TABLE, MEASURE, ARTICLE)


def _node_label(node: Node) -> str:
    from rich.markup import escape

    style = _STYLE.get(node.kind, "dim")
    if node.kind == COLUMN:
        text = f"专栏{node.number} {node.title}"
    elif node.kind == TABLE:
        text = f"table: {len(node.rows)} rows" + (" (header)" if node.header else "")
        if node.note:
            text += f" — {node.note}"
    elif node.kind == MEASURE:
        text = (f"{node.number} " if node.number else "• ") + node.title
        if node.departments:
            text += f"  [dim]({escape('、'.join(node.departments))})[/]"
            return text if not style else f"[{style}]{text}[/]"
    elif node.kind in (CHAPTER, SECTION, APPENDIX):
        text = f"{node.number} {node.title}".strip() if node.number != node.title else node.title
    elif node.kind in (ARTICLE, ITEM):  # 第十七条 政务部门应当…, （一）法律、法规…
        text = f"{node.number} {clip(node.title or node.text, 40)}".strip()
    else:
        text = f"{node.kind}: {clip(node.text or node.title, 40)}"
    text = f"{escape(text)}  [dim]L{node.line_start}[/]"
    return f"[{style}]{text}[/]" if style else text


def _add(tree: Tree, nodes: Sequence[Node], req: ShowRequest, level: int) -> None:
    if req.depth is not None and level > req.depth:
        return
    for node in nodes:
        if not req.everything and node.kind not in _OUTLINE_KINDS:
            continue
        branch = tree.add(_node_label(node))
        _add(branch, node.children, req, level + 1)


@register("show", "rich")
def show_rich(req: ShowRequest, stream: TextIO) -> None:
    from rich.markup import escape
    from rich.tree import Tree

    console = console_for(stream)
    for doc in req.documents:
        facts = " · ".join(
            x for x in (doc.id, doc.kind, doc.region, doc.doc_number, doc.date,
                        f"{doc.source.path}:{doc.source.line_start}-{doc.source.line_end}",
                        doc.source.encoding) if x
        )
        tree = Tree(f"[bold]{escape(doc.title or doc.id)}[/]\n[dim]{escape(facts)}[/]")
        _add(tree, doc.children, req, 1)
        console.print(tree)
