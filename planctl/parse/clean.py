"""Line cleaning: the markup OCR and web copies leave around the text.

Markup from OCR-to-markdown (``#`` prefixes, ``**``/``<b>`` bold) is removed here, once; the
bold spans are remembered because a bold lead phrase marks a measure's title.

Example::

    >>> c = clean_line(Line(7, "——**坚持政府引导与市场主导相结合**。充分发挥"))
    >>> c.text, c.bold
    ('——坚持政府引导与市场主导相结合。充分发挥', [(2, 16)])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from planctl.cjk import squeeze_spaces
from planctl.model import Line

# "## 第一章 发展基础与环境", "#### (一) 加快经济发展…": OCR guessed the depth; we ignore it.
MD_HEADING_RE = re.compile(r"^\s*#{1,6}\s*")
# "**扩大汽车和成品油消费。**鼓励…", "<b>专栏3 促进重点群体就业行动</b>"
BOLD_RE = re.compile(r"\*\*|</?(?:b|strong)>", re.IGNORECASE)
# "> 专栏1 …": markdown blockquote (planctl's own markdown puts 专栏 in one)
QUOTE_RE = re.compile(r"^\s*>\s?")
# "| 序号 | 指标 |": a markdown pipe-table row; "|---|---|" its separator
PIPE_ROW_RE = re.compile(r"^\s*\|(.*)\|\s*$")
PIPE_SEP_RE = re.compile(r"^\s*\|?(?:\s*:?-{3,}:?\s*\|)+\s*:?-*:?\s*$")
# "---" between the head of a 红头文件 and its title (markdown rule, no content)
RULE_RE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")
# " 索 引 号： | ", " 000014349/2021-00139 | ", " | ": the cell boundary of a page's table that a
# copy left at the end of a line (a pipe row starts with its bar too, and is read as a table)
TRAILING_BAR_RE = re.compile(r"(?:^|\s)[|｜]\s*$")


@dataclass
class CleanLine:
    """A physical line with markup removed."""

    number: int
    """1-based line number."""
    raw: str
    """The line as read."""
    text: str
    """Markup stripped, CJK spacing squeezed, outer whitespace removed. Tabs are kept."""
    md_heading: bool = False
    """The line carried a markdown ``#`` prefix (a heading by OCR's guess)."""
    bold: list[tuple[int, int]] = field(default_factory=list)
    """Spans of ``text`` that were bold, as (start, end) offsets."""
    page: int | None = None
    """Page number, when known."""
    trailing_tab: bool = False
    """The line ended with a tab (``8\t``): a table row that continues on the next line."""
    rule: bool = False
    """A markdown thematic break (``---``): no text, but no paragraph continues across it."""
    wrapped: bool = False
    """The reader marked the line as the continuation of the one before (see :class:`Line`)."""
    last_number: int = 0
    """The last source line this line holds (lines the reader marked ``wrapped`` fold in)."""
    spaced: str = ""
    """Markup stripped but spacing kept (runs of spaces collapsed): ``中共中央 国务院``."""
    indented: bool = False
    """The line starts with an indent (two spaces, a full-width space or a tab): a new paragraph."""
    lead_cells: int = 0
    """Empty tab-separated cells before its text (``\t2\t…``: a merged or empty first cell), which
    ``text`` no longer shows; a table row keeps them in their columns."""
    trail_cells: int = 0
    """Empty tab-separated cells after its text (``1\t…\t%\t\t``): a table row whose last cells
    are empty, or (``8\t``) one whose next cell is on the next line."""

    def __post_init__(self) -> None:
        self.last_number = max(self.last_number, self.number)

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def clean_line(line: Line) -> CleanLine:
    """Strip markdown heading marks and bold markers; remember bold spans."""
    raw = line.text
    body = QUOTE_RE.sub("", raw)
    if RULE_RE.match(body):
        return CleanLine(line.number, raw, "", page=line.page, rule=True)
    if PIPE_SEP_RE.match(body):
        return CleanLine(line.number, raw, "", page=line.page)
    pipe = PIPE_ROW_RE.match(body)
    if pipe:  # markdown table row → the tab-separated form the table rule reads
        body = "\t".join(cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", pipe.group(1)))
    else:
        body = TRAILING_BAR_RE.sub("", body)
    md = bool(MD_HEADING_RE.match(body))
    body = MD_HEADING_RE.sub("", body) if md else body
    indented = body.startswith(("\u3000", "  ", "\t")) and not md
    # Squeeze per segment so bold offsets stay valid after squeezing.
    pieces = BOLD_RE.split(body)
    text_parts: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    for k, piece in enumerate(pieces):
        seg = piece.replace("\u3000", " ")
        if k == 0:
            seg = seg.lstrip()
        seg = squeeze_spaces(seg)
        if k % 2 == 1 and seg.strip():
            spans.append((pos, pos + len(seg)))
        text_parts.append(seg)
        pos += len(seg)
    text = "".join(text_parts)
    stripped = text.rstrip()
    spans = [(s, min(e, len(stripped))) for s, e in spans if s < len(stripped)]
    trailing_tab = text.rstrip(" \u3000").endswith("\t")
    spaced = " ".join(BOLD_RE.sub("", body).replace("\u3000", " ").split())
    lead_cells, trail_cells = _empty_edge_cells(body) if "\t" in body and stripped else (0, 0)
    return CleanLine(line.number, raw, stripped, md_heading=md, bold=spans, page=line.page,
                     trailing_tab=trailing_tab, wrapped=line.wrapped, spaced=spaced,
                     indented=indented and bool(stripped), lead_cells=lead_cells, trail_cells=trail_cells)


def _empty_edge_cells(body: str) -> tuple[int, int]:
    """How many empty tab-separated cells stand before and after the text of a row."""
    cells = [BOLD_RE.sub("", c).replace("\u3000", " ").strip() for c in body.split("\t")]
    lead = next((k for k, c in enumerate(cells) if c), 0)
    trail = next((k for k, c in enumerate(reversed(cells)) if c), 0)
    return lead, trail
