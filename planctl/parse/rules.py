"""Lines to flat blocks: an ordered table of small rules.

Each rule looks at the line at ``i``; it either claims one or more lines, appends blocks and
returns the index after them, or declines with None. The first rule that claims wins. A 专栏
is a container whose contents are read by the same rules. Nesting happens later, in
:mod:`planctl.parse.tree`.

Example::

    >>> from planctl.ingest import decode_bytes
    >>> blocks = lines_to_blocks(decode_bytes("一、总体要求\\n保持经济就业良性互动。加强协同。\\n".encode()).lines)
    >>> [(b.node.kind, b.node.title) for b in blocks]
    [('section', '总体要求'), ('measure', '保持经济就业良性互动')]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from planctl.cjk import cn_to_int, is_complete
from planctl.model import (
    APPENDIX,
    COLUMN,
    FURNITURE,
    MEASURE,
    METADATA,
    PARAGRAPH,
    SECTION,
    TITLE,
    Line,
    Node,
)
from planctl.parse import patterns as pt
from planctl.parse.clean import CleanLine, clean_line
from planctl.parse.tables import lines_to_table, next_nonblank
from planctl.settings import ParseSettings

# Heading ranks: smaller is higher. Unnumbered headings (前言, 附件) take the document's top rank.
(RANK_BOOK, RANK_CHAPTER, RANK_PART, RANK_CN, RANK_PAREN_CN, RANK_ARABIC, RANK_PAREN_ARABIC,
 RANK_CIRCLED) = range(1, 9)
RANK_TOP = 0  # placeholder resolved in tree.py


@dataclass
class Block:
    """A flat parse result: one node plus what nesting needs to know about it."""

    node: Node
    """The node (a column block already holds its items as children)."""
    rank: int | None = None
    """Heading rank for headings, None for everything else."""
    inline: bool = False
    """A numbered heading that carried its body on the same line (may become a measure)."""
    boundary: str = ""
    """Document boundary signal: ``issuer_head``, ``web_meta``, ``notice_title``, ``plan_title``."""
    seq: int | None = None
    """Numeric value of the numbering (for consecutive-item checks)."""


# One-line elements of a document's head and tail, tried in order: (pattern, kind, role, boundary).
LINE_PATTERNS: tuple[tuple[re.Pattern[str], str, str, str], ...] = (
    (pt.WEB_CHROME_RE, FURNITURE, "web", ""),
    (pt.ISSUER_HEAD_RE, METADATA, "issuer_head", "issuer_head"),  # opens a new document
    (pt.DOC_NUMBER_LINE_RE, METADATA, "doc_number", ""),
    (pt.DATE_LINE_RE, METADATA, "date", ""),
    (pt.PRINTED_RE, METADATA, "printed", ""),
    (pt.PUBLICITY_RE, METADATA, "publicity", ""),
    (pt.CONTACT_RE, METADATA, "contact", ""),
    (pt.APPENDIX_REF_RE, METADATA, "attachment_ref", ""),
)


@dataclass
class _Numbering:
    rank: int
    marker: str
    number: str
    value: int | None
    rest: str
    offset: int  # where ``rest`` starts in the line text


_NUMBERING: tuple[tuple[object, int, Callable[[str], str]], ...] = (
    (pt.BOOK_RE, RANK_BOOK, lambda n: n),
    (pt.CHAPTER_RE, RANK_CHAPTER, lambda n: n),
    (pt.PART_RE, RANK_PART, lambda n: n),
    (pt.CN_ITEM_RE, RANK_CN, lambda n: n),
    (pt.PAREN_CN_RE, RANK_PAREN_CN, lambda n: f"（{n}）"),
    (pt.ARABIC_RE, RANK_ARABIC, lambda n: str(cn_to_int(n))),
    (pt.PAREN_ARABIC_RE, RANK_PAREN_ARABIC, lambda n: f"（{cn_to_int(n)}）"),
    (pt.CIRCLED_RE, RANK_CIRCLED, lambda n: n),
)


def match_numbering(text: str) -> _Numbering | None:
    """Recognise a GB/T 9704 numbering marker at the start of ``text``."""
    for regex, rank, canon in _NUMBERING:
        m = regex.match(text)  # type: ignore[attr-defined]
        if not m:
            continue
        num = m.group(1)
        rest_start = m.start(2)
        if rank == RANK_CN and not m.group(2):
            return None  # "一、" alone is not a heading
        if rank == RANK_CIRCLED:
            value: int | None = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳".index(num) + 1
        elif rank <= RANK_PART:
            value = cn_to_int(num.strip("第章节编部分"))
        else:
            value = cn_to_int(num)
        return _Numbering(rank, text[:rest_start].rstrip(), canon(num), value, m.group(2), rest_start)
    return None


def opens_block(text: str) -> bool:
    """Whether a line of ``text`` opens a structure of its own — a numbered heading, a 专栏, a
    dash lead, a table row, a head or tail line, a table of contents entry — and so can never be
    the tail of the line before it."""
    if "\t" in text or match_numbering(text) or pt.COLUMN_RE.match(text) or pt.DASH_LEAD_RE.match(text):
        return True
    return (
        any(regex.match(text) for regex, *_ in LINE_PATTERNS)
        or any(r.match(text) for r in (pt.WEB_META_RE, pt.TOC_HEAD_RE, pt.CC_RE, pt.APPENDIX_RE,
                                       pt.PREFACE_RE, pt.TABLE_NOTE_RE))
        or bool(pt.TOC_ENTRY_RE.search(text))
    )


def _shift(spans: Sequence[tuple[int, int]], offset: int) -> list[tuple[int, int]]:
    return [(s - offset, e - offset) for s, e in spans if e > offset]


def split_lead(text: str, bold: Sequence[tuple[int, int]] = ()) -> tuple[str, str]:
    """Split ``text`` into (lead phrase, body).

    A bold span at the start is the lead; else the first sentence. Punctuation between the
    two is dropped; neither part loses a Han character or digit.

        >>> split_lead("保持经济就业良性互动。加强就业政策")
        ('保持经济就业良性互动', '加强就业政策')
    """
    lead_end = None
    if bold and bold[0][0] <= 1:
        lead_end = bold[0][1]
    if lead_end is None:
        m = pt.LEAD_END_RE.search(text)
        if not m:
            return text.strip().rstrip("：:"), ""
        lead_end = m.start()
    lead = text[:lead_end].strip().rstrip("。：:；;，,、 ")
    body = text[lead_end:].lstrip("。：:；;，,、！？!? ")
    return lead, body


def split_departments(body: str) -> tuple[str, str, list[str]]:
    """Split a notice measure's closing ``（…负责）`` off its body.

    Returns (body without it, the parenthesis content, department names).
    """
    m = pt.RESPONSIBILITY_RE.search(body)
    if not m:
        return body, "", []
    inner = m.group(1).strip()
    departments: list[str] = []
    for clause in re.split(r"[，,；;]", inner):
        clause = clause.strip()
        # Only clauses that assign a role name departments ("不再一一列出" does not).
        if not pt.DEPT_TAIL_RE.search(clause):
            continue
        clause = pt.DEPT_TAIL_RE.sub("", clause)
        departments.extend(d.strip() for d in pt.DEPT_SPLIT_RE.split(clause) if d.strip())
    return body[: m.start()].rstrip(), inner, departments


def join_wrapped(lines: Sequence[CleanLine]) -> list[CleanLine]:
    """Fold lines a reader marked ``wrapped`` into the line before, unless they open a block
    of their own (a wrapped ``一、…`` is still a heading). The folded line keeps the first
    line's number; ``line_end`` spans are taken from the lines' own numbers later."""
    out: list[CleanLine] = []
    for line in lines:
        if line.wrapped and out and not out[-1].blank and not line.blank and not opens_block(line.text):
            prev = out[-1]
            offset = len(prev.text)
            out[-1] = CleanLine(prev.number, prev.raw + line.raw, prev.text + line.text, md_heading=prev.md_heading,
                                bold=prev.bold + [(s + offset, e + offset) for s, e in line.bold], page=prev.page,
                                trailing_tab=line.trailing_tab, last_number=line.number)
            continue
        out.append(line)
    return out


class BlockParser:
    """Runs the rule table over cleaned lines."""

    def __init__(self, lines: Sequence[Line], settings: ParseSettings | None = None) -> None:
        self.lines: list[CleanLine] = join_wrapped([clean_line(line) for line in lines])
        self.settings = settings or ParseSettings()
        self.rules: tuple[Callable[[int], tuple[list[Block], int] | None], ...] = (
            self.rule_web_meta,
            self.rule_toc,
            self.rule_line_patterns,
            self.rule_cc,
            self.rule_notice_title,
            self.rule_appendix,
            self.rule_plan_title,
            self.rule_org_line,
            self.rule_column,
            self.rule_table,
            self.rule_preface,
            self.rule_numbered,
            self.rule_paragraph,
        )

    # ---- helpers ---------------------------------------------------------------------------
    def next_nonblank(self, i: int) -> int:
        return next_nonblank(self.lines, i)

    def cleaned_texts(self, count: int) -> list[str]:
        """The text of each of the source's ``count`` lines as the rules saw it (markup gone, CJK
        spacing squeezed, tabs kept); a line folded into the one before it is empty."""
        texts = [""] * count
        for line in self.lines:
            if 0 < line.number <= count:
                texts[line.number - 1] = line.text
        return texts

    def text_at(self, i: int) -> str:
        return self.lines[i].text if i < len(self.lines) else ""

    def _node(self, kind: str, first: int, last: int, **fields: object) -> Node:
        node = Node(kind=kind, line_start=self.lines[first].number, line_end=self.lines[last].last_number, **fields)  # type: ignore[arg-type]
        node.page = self.lines[first].page
        return node

    def starts_block(self, i: int) -> bool:
        """Whether line ``i`` opens a structure (so it cannot continue a cut paragraph)."""
        line = self.lines[i]
        if line.md_heading or (line.bold and line.bold[0][0] == 0):
            return True
        return opens_block(line.text)

    def take_continuations(self, i: int, text: str) -> tuple[str, int, list[tuple[int, int]]]:
        """Join page-break fragments: while ``text`` ends mid-sentence and the next non-blank
        line opens no structure, append it. Returns (text, last line index, bold spans added)."""
        last = i
        extra: list[tuple[int, int]] = []
        while not is_complete(text):
            j = self.next_nonblank(last + 1)
            if j >= len(self.lines) or self.starts_block(j) or self._is_title_line(j):
                break
            if any(self.lines[k].rule for k in range(last + 1, j)):
                break  # "---" between two lines: never one cut paragraph
            offset = len(text)
            text += self.lines[j].text
            extra.extend((s + offset, e + offset) for s, e in self.lines[j].bold)
            last = j
        return text, last, extra

    def _is_title_line(self, i: int) -> bool:
        t = self.lines[i].text
        return bool(pt.NOTICE_TITLE_RE.match(t) or self._plan_title(t) or self._org_line(i))

    def _plan_title(self, text: str) -> bool:
        if len(text) > self.settings.title_max_chars or any(c in text for c in "。，；：:;,\t"):
            return False
        if text.startswith(("《", "附件")) or match_numbering(text):
            return False
        m = pt.PLAN_TITLE_RE.match(text)
        if not m:
            return False
        # A plan title names a place, a period or a year: "甘肃省“十四五”…规划".
        from planctl.regions import region_table

        return bool(pt.PERIOD_RE.search(text) or re.search(r"[12]\d{3}", text)
                    or region_table().find_in(text))

    def _org_line(self, i: int) -> bool:
        t = self.lines[i].text
        if len(t) > self.settings.org_line_max_chars or not pt.ORG_LINE_RE.match(t):
            return False
        j = self.next_nonblank(i + 1)
        nxt = self.text_at(j)
        # A signature sits above its date; an issuer above the notice title.
        return bool(pt.DATE_LINE_RE.match(nxt) or pt.PRINTED_RE.match(nxt) or pt.NOTICE_TITLE_RE.match(nxt))

    # ---- rules: document head and tail -----------------------------------------------------
    def _single(self, i: int, kind: str, role: str, boundary: str = "") -> tuple[list[Block], int]:
        node = self._node(kind, i, i, role=role, text=self.lines[i].text)
        return [Block(node, boundary=boundary)], i + 1

    def rule_line_patterns(self, i: int) -> tuple[list[Block], int] | None:
        """One-line head/tail elements recognised by pattern alone (see :data:`LINE_PATTERNS`)."""
        text = self.lines[i].text
        for regex, kind, role, boundary in LINE_PATTERNS:
            if regex.match(text):
                return self._single(i, kind, role, boundary)
        return None

    def rule_web_meta(self, i: int) -> tuple[list[Block], int] | None:
        t = self.lines[i].text.replace(" ", "")
        if not pt.WEB_META_RE.match(t):
            return None
        node = self._node(METADATA, i, i, role="web_meta", text=self.lines[i].text)
        return [Block(node, boundary="web_meta")], i + 1

    def rule_toc(self, i: int) -> tuple[list[Block], int] | None:
        t = self.lines[i].text
        head = bool(pt.TOC_HEAD_RE.match(t))
        if not head and not pt.TOC_ENTRY_RE.search(t):
            return None
        last = i
        j = self.next_nonblank(i + 1)
        entries = 0 if head else 1
        while j < len(self.lines) and pt.TOC_ENTRY_RE.search(self.lines[j].text):
            last, entries = j, entries + 1
            j = self.next_nonblank(j + 1)
        if not head and entries < 2:
            return None  # one dotted line is not a table of contents
        text = "\n".join(self.lines[k].text for k in range(i, last + 1) if not self.lines[k].blank)
        return [Block(self._node(FURNITURE, i, last, role="toc", text=text))], last + 1

    def rule_cc(self, i: int) -> tuple[list[Block], int] | None:
        if not pt.CC_RE.match(self.lines[i].text):
            return None
        # "抄送：…市中级人民法院，" / "市人民检察院，有关人民团体。"
        text, last, _ = self.take_continuations(i, self.lines[i].text)
        return [Block(self._node(METADATA, i, last, role="cc", text=text))], last + 1

    def rule_notice_title(self, i: int) -> tuple[list[Block], int] | None:
        t = self.lines[i].text
        if len(t) > 2 * self.settings.title_max_chars or "。" in t or not pt.NOTICE_TITLE_RE.match(t):
            return None
        return [Block(self._node(TITLE, i, i, role="notice", title=t), boundary="notice_title")], i + 1

    def rule_plan_title(self, i: int) -> tuple[list[Block], int] | None:
        t = self.lines[i].text
        if not self._plan_title(t):
            return None
        return [Block(self._node(TITLE, i, i, role="plan", title=t), boundary="plan_title")], i + 1

    def rule_org_line(self, i: int) -> tuple[list[Block], int] | None:
        if self._org_line(i):
            return self._single(i, METADATA, "issuer")
        return None

    def rule_appendix(self, i: int) -> tuple[list[Block], int] | None:
        m = pt.APPENDIX_RE.match(self.lines[i].text)
        if not m:
            return None
        last, title = i, ""
        j = self.next_nonblank(i + 1)
        nxt = self.text_at(j)
        if nxt and len(nxt) <= self.settings.title_max_chars and not self.starts_block(j) and "。" not in nxt:
            last, title = j, nxt
        node = self._node(APPENDIX, i, last, marker=m.group(1), number=m.group(1).replace(" ", ""), title=title)
        return [Block(node, rank=RANK_TOP)], last + 1

    # ---- rules: structure ------------------------------------------------------------------
    def rule_preface(self, i: int) -> tuple[list[Block], int] | None:
        t = self.lines[i].text
        if not pt.PREFACE_RE.match(t):
            return None
        return [Block(self._node(SECTION, i, i, title=t, number=t), rank=RANK_TOP)], i + 1

    def rule_column(self, i: int) -> tuple[list[Block], int] | None:
        m = pt.COLUMN_RE.match(self.lines[i].text)
        if not m:
            return None
        number = str(cn_to_int(m.group(2)) or m.group(2))
        column = self._node(COLUMN, i, i, marker=m.group(1), number=number, title=m.group(3).strip())
        j = self.next_nonblank(i + 1)
        expected: int | None = 1
        style: int | None = None
        while j < len(self.lines):
            line = self.lines[j]
            if "\t" in line.text:
                blocks, nxt = self.rule_table(j) or ([], j + 1)
                column.children.extend(b.node for b in blocks)
                j = nxt
                break  # a box holding a table ends with it
            num = match_numbering(line.text)
            if (
                num is None
                or line.md_heading
                or num.value != expected
                or (style is not None and num.rank != style)
                or num.rank <= RANK_PAREN_CN
            ):
                break
            blocks, nxt = self._numbered_item(j, num)
            for b in blocks:
                b.node.kind = MEASURE  # a box's numbered entries are items, even when short
                column.children.append(b.node)
            style, expected = num.rank, (num.value or 0) + 1
            j = self.next_nonblank(nxt)
        if column.children:
            column.line_end = max(n.line_end for n in column.children)
        return [Block(column)], max(j, i + 1) if column.children else i + 1

    def rule_table(self, i: int) -> tuple[list[Block], int] | None:
        if "\t" not in self.lines[i].text:
            return None
        table, last = lines_to_table(self.lines, i)
        return [Block(table)], last + 1

    def rule_numbered(self, i: int) -> tuple[list[Block], int] | None:
        num = match_numbering(self.lines[i].text)
        if num is None:
            return None
        return self._numbered_item(i, num)

    def _numbered_item(self, i: int, num: _Numbering) -> tuple[list[Block], int]:
        line = self.lines[i]
        own = line.text[num.offset :]
        if pt.LEAD_END_RE.search(own) or len(own) > self.settings.heading_max_chars:
            rest, last, extra = self.take_continuations(i, line.text)
        else:  # a heading alone on its line is complete without a full stop
            rest, last, extra = line.text, i, []
        rest = rest[num.offset :]
        bold = _shift(line.bold + extra, num.offset)
        lead, body = split_lead(rest, bold)
        if not body and len(lead) <= self.settings.heading_max_chars:
            node = self._node(SECTION, i, last, marker=num.marker, number=num.number, title=lead)
            return [Block(node, rank=num.rank, seq=num.value)], last + 1
        if len(lead) > self.settings.heading_max_chars and not (bold and bold[0][0] <= 1):
            # Task lists (``36.用好东西部协作…，健全…``): a long first sentence is no lead
            # phrase; its first clause is.
            cut = min((k for k in (rest.find("，"), rest.find(",")) if k > 0), default=-1)
            if cut > 0:
                lead, body = rest[:cut], rest[cut + 1 :]
        body, responsibility, departments = split_departments(body)
        kind = SECTION if num.rank <= RANK_CN else MEASURE
        node = self._node(
            kind, i, last, marker=num.marker, number=num.number, title=lead, text=body,
            responsibility=responsibility, departments=departments,
        )
        # 一、/（一） headings with an inline body stay headings for now; tree.py decides.
        return [Block(node, rank=num.rank, inline=True, seq=num.value)], last + 1

    def rule_paragraph(self, i: int) -> tuple[list[Block], int] | None:
        line = self.lines[i]
        text, last, extra = self.take_continuations(i, line.text)
        bold = line.bold + extra
        marker = ""
        m = pt.DASH_LEAD_RE.match(text)
        if m:
            marker = m.group(1)
            bold = _shift(bold, m.end())
            text = text[m.end() :]
        lead, body = split_lead(text, bold)
        s = self.settings
        bold_lead = bool(bold) and bold[0][0] <= 1
        colon = _colon_lead(text, s.colon_lead_max_chars)
        if colon and not bold_lead and len(colon[0]) < len(lead):
            lead, body = colon  # "通道：构建内畅外联…。" → the label is the lead
        is_measure = bool(body) and (
            bool(marker)
            or bold_lead
            or (len(lead) <= s.lead_max_chars and "，" not in lead and "," not in lead)
        )
        if not is_measure and colon:
            lead, body = colon
            is_measure = True
        if not is_measure:
            node = self._node(PARAGRAPH, i, last, text=text, marker=marker)
            return [Block(node)], last + 1
        body, responsibility, departments = split_departments(body)
        node = self._node(
            MEASURE, i, last, marker=marker, title=lead, text=body,
            responsibility=responsibility, departments=departments,
        )
        return [Block(node)], last + 1

    def run(self) -> list[Block]:
        """Apply the rules from the first line to the last."""
        blocks: list[Block] = []
        i = 0
        n = len(self.lines)
        while i < n:
            if self.lines[i].blank:
                i += 1
                continue
            for rule in self.rules:
                claimed = rule(i)
                if claimed is not None:
                    new_blocks, i = claimed
                    blocks.extend(new_blocks)
                    break
            else:  # pragma: no cover - rule_paragraph always claims
                i += 1
        return blocks


def _colon_lead(text: str, max_chars: int) -> tuple[str, str] | None:
    """``一核：构建…`` → ("一核", "构建…") when the label is short and comma-free."""
    for sep in ("：", ":"):
        k = text.find(sep)
        if 0 < k <= max_chars and "，" not in text[:k] and text[k + 1 :].strip():
            return text[:k], text[k + 1 :]
    return None


def lines_to_blocks(lines: Sequence[Line], settings: ParseSettings | None = None) -> list[Block]:
    """Turn source lines into a flat list of blocks (see module docstring)."""
    return BlockParser(lines, settings).run()
