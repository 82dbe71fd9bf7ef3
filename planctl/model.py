"""The data every layer of planctl passes around: source lines and the document tree.

A reader turns a file into a :class:`Source` of numbered :class:`Line`; the parser turns it
into one or more :class:`Document`, each a tree of :class:`Node`.
Nodes keep the text as printed (markup removed) so that every Han character and digit of
the source can be found again in the tree; normalised keys for matching are derived later.

Example::

    >>> n = Node(kind="measure", title="保持经济就业良性互动", text="加强就业政策……")
    >>> Node.from_dict(n.to_dict()) == n
    True
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from typing import Any

# Node kinds. The JSON contract promises at least these; more may be added.
CHAPTER = "chapter"  # a plan's top-level division (第一章, or 一、 when there are no chapters)
SECTION = "section"  # any lower heading: 一、 under 第X章, （一）, 1., （1）
MEASURE = "measure"  # 举措: lead phrase (title) + body (text)
COLUMN = "column"  # 专栏 box
TABLE = "table"  # tab-separated table; rows[0] is the header when header is true
PARAGRAPH = "paragraph"  # ordinary running text
FURNITURE = "furniture"  # table of contents, web chrome, OCR duplicates: kept, never content
TITLE = "title"  # a document's title line
METADATA = "metadata"  # document head and tail lines: 文号, issuer, date, 抄送 …
APPENDIX = "appendix"  # 附件 of a plan or notice
ARTICLE = "article"  # 第X条 of a regulation or 办法
ITEM = "item"  # a numbered entry inside an article (（一）… in 第十条)

_TABLE_FIELDS = ("rows", "header", "note", "row_lines")  # written for tables only
_MEASURE_FIELDS = ("responsibility", "departments")  # written for measures only

HEADING_KINDS = (CHAPTER, SECTION, APPENDIX)
"""What structures a document: its chapters, sections and appendices."""
MEASURE_KINDS = (MEASURE, ARTICLE)
"""What a document does, aligned as measures: a plan's measures and a regulation's articles."""

KINDS = (CHAPTER, SECTION, MEASURE, COLUMN, TABLE, PARAGRAPH, FURNITURE, TITLE, METADATA, APPENDIX, ARTICLE, ITEM)


@dataclass(frozen=True)
class Line:
    """One line of a source, as a reader produced it."""

    number: int
    """1-based line number in the file (for PDF and Word: in the extracted text)."""
    text: str
    """The line without its line ending."""
    page: int | None = None
    """Page number when known (PDF), else None."""
    wrapped: bool = False
    """The reader saw this line continue the previous one (a PDF line that only wrapped at the
    right margin); the parser joins it unless it opens a block of its own."""


@dataclass
class Source:
    """A decoded file as numbered lines."""

    path: str
    """The path as given by the user or the corpus."""
    encoding: str
    """Codec used to decode the bytes (``pdf``, ``docx`` … for other formats)."""
    lines: list[Line] = field(default_factory=list)
    """Lines, in order."""

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form; a line is ``[number, text, page, wrapped]``."""
        return {"path": self.path, "encoding": self.encoding,
                "lines": [[ln.number, ln.text, ln.page, ln.wrapped] for ln in self.lines]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Source:
        """Inverse of :meth:`to_dict`."""
        return cls(data["path"], data["encoding"], [Line(*line) for line in data["lines"]])


@dataclass
class Node:
    """One node of a document tree."""

    kind: str
    """One of :data:`KINDS`."""
    number: str = ""
    """Canonical numbering: ``第三章``, ``三``, ``（一）``, ``1``, ``（1）``; a column's N; else empty."""
    title: str = ""
    """Heading text, a measure's lead phrase, a column's name; markup and trailing 。 removed."""
    text: str = ""
    """Body text (a measure's body, a paragraph, an inline heading's body)."""
    marker: str = ""
    """The numbering exactly as printed (``### （一）``→``（一）``, ``专栏 2：``, ``——``)."""
    path: str = ""
    """Chain of numbers from the document root, e.g. ``三/（一）``."""
    line_start: int = 0
    """First source line (1-based) of this node."""
    line_end: int = 0
    """Last source line (1-based) of this node, children included."""
    page: int | None = None
    """Page number when the source has pages (PDF), else None."""
    role: str = ""
    """Finer classification: metadata role (doc_number, date …) or furniture role (toc, web …)."""
    weight: str = ""
    """A score or weight printed after a heading (``25分`` in ``一、政务服务（25分）``)."""
    rows: list[list[str]] = field(default_factory=list)
    """Table rows (tables only), header first when ``header`` is true."""
    header: bool = False
    """Whether ``rows[0]`` is a header row (tables only)."""
    note: str = ""
    """The note printed under a table (``注：〔 〕表示五年累计数。``)."""
    row_lines: list[int] = field(default_factory=list)
    """Source line where each row of ``rows`` starts (tables only)."""
    responsibility: str = ""
    """A notice measure's closing parenthesis as printed, without its brackets."""
    departments: list[str] = field(default_factory=list)
    """Departments named in ``responsibility`` (derived, not source text)."""
    children: list[Node] = field(default_factory=list)
    """Child nodes in source order."""

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form. Empty optional fields are still written so the shape is stable."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "children":
                out["children"] = [c.to_dict() for c in value]
            elif (f.name in _TABLE_FIELDS and self.kind != TABLE) or (
                f.name in _MEASURE_FIELDS and self.kind != MEASURE
            ):
                continue
            else:
                out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Node:
        """Inverse of :meth:`to_dict`; unknown keys are ignored."""
        known = _NODE_FIELDS
        kwargs = {k: v for k, v in data.items() if k in known and k != "children"}
        kwargs["children"] = [cls.from_dict(c) for c in data.get("children", [])]
        if "rows" in kwargs:
            kwargs["rows"] = [list(r) for r in kwargs["rows"]]
        return cls(**kwargs)

    def walk(self) -> Iterator[Node]:
        """This node and all its descendants, depth first, in source order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def whole_text(self) -> str:
        """The body with everything under it (a 第X条's paragraphs and numbered items, numbers
        kept): what an article says, in one string."""
        return "".join([self.text, *(f"{n.number}{n.title}{n.text}" for n in self.walk() if n is not self)])

    def source_strings(self) -> Iterator[str]:
        """Every string of this node that holds source text (not derived fields)."""
        yield self.marker
        yield self.title
        yield self.weight
        yield self.text
        yield self.note
        yield self.responsibility
        for row in self.rows:
            yield from row


_NODE_FIELDS = frozenset(f.name for f in fields(Node))
"""Node's fields, listed once: a tree has thousands of nodes to read back."""


@dataclass
class SourceRef:
    """Where a document came from."""

    path: str
    """File path as given (corpus-relative for shipped files)."""
    line_start: int
    """First line of the document in the file (1-based)."""
    line_end: int
    """Last line of the document in the file (1-based)."""
    encoding: str = "utf-8"
    """The encoding the file was decoded with."""
    index: int = 1
    """1-based position of the document inside its file (``PATH#N``)."""

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SourceRef:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class Document:
    """One document (cover notice, plan, notice) found in a source file."""

    id: str
    """Stable id derived from region, topic and year, e.g. ``gansu-employment-2021``."""
    title: str
    """Title as printed, markup and stray spaces removed."""
    kind: str
    """What its title says it is: ``plan`` (规划, 纲要), ``scheme`` (方案, 行动计划), ``opinion`` (意见, 建议),
    ``measures`` (办法, 规定, 细则, 若干政策), ``notice`` (通知), ``decision`` (决定), ``law`` (…法, 修正案),
    else ``document``."""
    source: SourceRef
    """File and line span."""
    region: str = ""
    """Full region name (``甘肃省``), empty when unknown."""
    level: str = ""
    """``province``, ``city`` or ``county`` (from the region table); ``national`` for central documents."""
    topic: str = ""
    """Topic slug (``employment``) from dictionaries/topics.tsv."""
    doc_number: str = ""
    """文号 such as ``甘政办发〔2021〕92号``; a plan carries its cover notice's."""
    issuer: str = ""
    """Issuing body (``甘肃省人民政府办公厅``)."""
    date: str = ""
    """ISO date (成文日期) when one is printed, else empty."""
    published: str = ""
    """ISO publication date (发布日期) when a web page or database states it; kept apart from ``date``."""
    aliases: list[str] = field(default_factory=list)
    """Short names that resolve to this document (``gansu``, ``甘肃``, ``甘肃省``)."""
    period: str = ""
    """Five-year plan period named in the title (``十四五``), if any."""
    issued_by: str = ""
    """Id of the cover notice that issues this plan, if it is in the same file."""
    stats: dict[str, int] = field(default_factory=dict)
    """Derived counts: ``size`` (characters), ``measures``, ``columns``, ``tables``."""
    source_url: str = ""
    """Where the text was taken from, when a database header, a page or a copier's notes say so
    (``原文链接：https://…``, ``来源 URL：…``)."""
    order: str = ""
    """The promulgation order (令, 公告) printed above the rules it publishes, as one line:
    ``中山市人民政府令（第16号）``; its text stays in the tree as metadata (role ``order``)."""
    children: list[Node] = field(default_factory=list)
    """Top-level nodes."""
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """What later layers compute from the tree and keep with it (alignment items); never serialised."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "derived":
                continue
            if f.name == "children":
                out["children"] = [c.to_dict() for c in value]
            elif f.name == "source":
                out["source"] = value.to_dict()
            else:
                out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        known = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in known and k not in ("children", "source", "derived")}
        kwargs["source"] = SourceRef.from_dict(data["source"])
        kwargs["children"] = [Node.from_dict(c) for c in data.get("children", [])]
        return cls(**kwargs)

    @property
    def dated(self) -> str:
        """The date a reader goes by: 成文日期 (``date``), else 发布日期 (``published``), else ''."""
        return self.date or self.published

    def walk(self) -> Iterator[Node]:
        """Every node of the document, depth first."""
        for child in self.children:
            yield from child.walk()

    def count_stats(self) -> dict[str, int]:
        """Characters of source text, and how many measures, 专栏, tables and articles (第X条 of a
        regulation) the document holds."""
        stats = {"size": 0, "measures": 0, "columns": 0, "tables": 0, "articles": 0}
        plural = {MEASURE: "measures", COLUMN: "columns", TABLE: "tables", ARTICLE: "articles"}
        for node in self.walk():
            if node.kind in plural:
                stats[plural[node.kind]] += 1
            stats["size"] += sum(len(s) for s in node.source_strings())
        return stats

    def without_tree(self) -> Document:
        """A copy holding the metadata and stats only: what listing and resolving need."""
        meta = Document.from_dict({**self.to_dict(), "children": []})
        meta.stats = dict(self.stats or self.count_stats())
        return meta


@dataclass
class ParsedFile:
    """Everything parsing one file produced."""

    source: Source
    """The decoded lines."""
    documents: list[Document]
    """The documents found in it, in file order."""
    lines: list[str] = field(default_factory=list)
    """Each source line as the parser read it (markup removed, spacing squeezed); index = line − 1."""

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form (what the parse cache stores): each document's metadata as in
        :meth:`Document.to_dict`, its tree as :func:`node_to_row` rows (read back three times
        faster than dicts).

        Example::

            >>> src = Source("x.txt", "utf-8", [Line(1, "一、总体要求")])
            >>> doc = Document("x", "规划", "plan", SourceRef("x.txt", 1, 1), children=[Node("chapter", "一")])
            >>> f = ParsedFile(src, [doc], ["一、总体要求"])
            >>> ParsedFile.from_dict(f.to_dict()) == f
            True
        """
        documents = [{**d.to_dict(), "children": [node_to_row(n) for n in d.children]} for d in self.documents]
        return {"source": self.source.to_dict(), "documents": documents, "lines": self.lines}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ParsedFile:
        """Inverse of :meth:`to_dict`."""
        documents = []
        for d in data["documents"]:
            doc = Document.from_dict({**d, "children": []})
            doc.children = [node_from_row(row) for row in d["children"]]
            documents.append(doc)
        return cls(Source.from_dict(data["source"]), documents, list(data["lines"]))


_NODE_ROW = tuple(f.name for f in fields(Node) if f.name != "children")
"""A node's fields in the order of :func:`node_to_row`, its children last."""


def node_to_row(node: Node) -> list[Any]:
    """A node and its subtree as nested lists (its fields in declaration order, then its
    children's rows): the parse cache's compact form."""
    return [*(getattr(node, name) for name in _NODE_ROW), [node_to_row(c) for c in node.children]]


def node_from_row(row: list[Any]) -> Node:
    """Inverse of :func:`node_to_row` (a row of another length is a TypeError)."""
    if len(row) != len(_NODE_ROW) + 1:
        raise TypeError(f"a node row has {len(_NODE_ROW) + 1} fields, not {len(row)}")
    node = Node(*row[:-1])
    node.children = [node_from_row(c) for c in row[-1]]
    return node

