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
from dataclasses import dataclass, field

from planctl.cjk import cn_to_int, han_digits, is_complete
from planctl.model import (
    APPENDIX,
    ARTICLE,
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
from planctl.parse.duplicates import repeated_runs
from planctl.parse.numbering import Numbering, Rank, match_numbering
from planctl.parse.tables import lines_to_table, next_nonblank
from planctl.parse.titles import (
    announced_names,
    is_formal_title,
    issuer_of_title,
    looks_like_title,
    name_key,
    title_kind,
)
from planctl.settings import ParseSettings


@dataclass
class Block:
    """A flat parse result: one node plus what nesting needs to know about it."""

    node: Node
    """The node (a column block already holds its items as children)."""
    rank: Rank | None = None
    """Heading rank for headings, None for everything else."""
    inline: bool = False
    """A numbered heading that carried its body on the same line (may become a measure)."""
    boundary: str = ""
    """Document boundary signal: ``issuer_head``, ``web_meta``, ``source``, ``title``."""
    seq: int | None = None
    """Numeric value of the numbering (for consecutive-item checks)."""
    issuer: str = ""
    """For a title: the issuing organs it names before 关于/印发 (joint issuers spaced)."""
    fields: dict[str, str] = field(default_factory=dict)
    """For a metadata block: the fields it states (``发文字号``, ``成文日期``, ``发布部门`` …)."""


# One-line elements of a document's head and tail, tried in order: (pattern, kind, role, boundary).
LINE_PATTERNS: tuple[tuple[re.Pattern[str], str, str, str], ...] = (
    (pt.WEB_CHROME_RE, FURNITURE, "web", ""),
    (pt.ISSUER_HEAD_RE, METADATA, "issuer_head", "issuer_head"),  # opens a new document
    (pt.DOC_NUMBER_LINE_RE, METADATA, "doc_number", ""),
    (pt.DATE_LINE_RE, METADATA, "date", ""),
    (pt.ADOPTED_RE, METADATA, "date", ""),
    (pt.PRINTED_RE, METADATA, "printed", ""),
    (pt.PUBLICITY_RE, METADATA, "publicity", ""),
    (pt.CONTACT_RE, METADATA, "contact", ""),
    (pt.SOURCE_LINK_RE, METADATA, "source", "source"),
    (pt.SOURCE_HEADER_RE, FURNITURE, "source_header", ""),
)


def opens_block(text: str) -> bool:
    """Whether a line of ``text`` opens a structure of its own — a numbered heading, a 专栏, a
    dash lead, a table row, a head or tail line, a table of contents entry — and so can never be
    the tail of the line before it."""
    if "\t" in text or match_numbering(text) or pt.COLUMN_RE.match(text) or pt.DASH_LEAD_RE.match(text):
        return True
    return (
        any(regex.match(text) for regex, *_ in LINE_PATTERNS)
        or any(r.match(text) for r in (pt.WEB_META_RE, pt.TOC_HEAD_RE, pt.CC_RE, pt.APPENDIX_RE, pt.APPENDIX_REF_RE,
                                       pt.PREFACE_RE, pt.TABLE_NOTE_RE, pt.PKULAW_RE))
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
    """Split a measure's closing ``（…负责）`` / ``（责任单位：…）`` off its body.

    Returns (body without it, the parenthesis content, department names).
    """
    m = pt.RESPONSIBILITY_RE.search(body)
    if not m:
        return body, "", []
    inner = m.group(1).strip()
    departments: list[str] = []
    for clause in re.split(r"[，,；;]", inner):
        clause = clause.strip()
        labelled = pt.DEPT_LABEL_RE.match(clause)
        if labelled:  # "责任单位：省经济和信息化厅、省财政厅"
            clause = labelled.group(1)
        elif pt.DEPT_TAIL_RE.search(clause):
            clause = pt.DEPT_TAIL_RE.sub("", clause)
        else:
            continue  # only clauses that assign a role name departments ("不再一一列出" does not)
        departments.extend(d.strip() for d in pt.DEPT_SPLIT_RE.split(clause) if d.strip())
    return body[: m.start()].rstrip(), inner, departments


def join_wrapped(lines: Sequence[CleanLine]) -> list[CleanLine]:
    """Fold lines a reader marked ``wrapped`` into the line before, unless they open a block of
    their own (a wrapped ``一、…`` is still a heading). A line cut mid-sentence stays cut even
    when what follows looks like a block: a numeral out of its sequence (``…按照`` / ``三、…`` where
    二、 has not come) or a range's dash (``2016`` / ``—2020年``) continues the sentence. The
    folded line keeps the first line's number."""
    out: list[CleanLine] = []
    last: dict[int, int] = {}  # the last value seen at each heading rank
    for line in lines:
        if line.wrapped and out and not out[-1].blank and not line.blank and _continues(out[-1], line, last):
            prev = out[-1]
            offset = len(prev.text)
            out[-1] = CleanLine(prev.number, prev.raw + line.raw, prev.text + line.text, md_heading=prev.md_heading,
                                bold=prev.bold + [(s + offset, e + offset) for s, e in line.bold], page=prev.page,
                                trailing_tab=line.trailing_tab, last_number=line.number,
                                spaced=prev.spaced + line.spaced)
            continue
        num = match_numbering(line.text)
        if num is not None and num.value is not None:
            last[num.rank] = num.value
            for deeper in [r for r in last if r > num.rank]:
                del last[deeper]
        out.append(line)
    return out


_RANGE_DASH_RE = re.compile(r"^[—–-][0-9０-９]")


def _continues(prev: CleanLine, line: CleanLine, last: dict[int, int]) -> bool:
    if not opens_block(line.text):
        return True
    if is_complete(prev.text):
        return False
    if _RANGE_DASH_RE.match(line.text):
        return True
    num = match_numbering(line.text)
    return num is not None and num.value is not None and num.value != last.get(num.rank, 0) + 1


class BlockParser:
    """Runs the rule table over cleaned lines."""

    def __init__(self, lines: Sequence[Line], settings: ParseSettings | None = None) -> None:
        self.lines: list[CleanLine] = join_wrapped([clean_line(line) for line in lines])
        self.settings = settings or ParseSettings()
        self.duplicates = repeated_runs([line.text for line in self.lines])
        """(first, last, original) line indices of a body printed twice (see :mod:`duplicates`)."""
        self._duplicate_at = {first: last for first, last, _ in self.duplicates}
        self.announced: set[str] = set()
        """Name keys of the documents a cover notice in this file issues or relays."""
        self.content_started = False
        """A content block (not head or tail furniture) has been read."""
        self.rules: tuple[Callable[[int], tuple[list[Block], int] | None], ...] = (
            self.rule_duplicate,
            self.rule_source,
            self.rule_web_meta,
            self.rule_toc,
            self.rule_line_patterns,
            self.rule_cc,
            self.rule_title,
            self.rule_appendix,
            self.rule_appendix_ref,
            self.rule_org_line,
            self.rule_column,
            self.rule_table,
            self.rule_preface,
            self.rule_chapter_article,
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

    def joined(self, first: int, last: int) -> str:
        """The non-blank lines ``first``..``last`` (inclusive), one per line of the result."""
        return "\n".join(self.lines[k].text for k in range(first, last + 1) if not self.lines[k].blank)

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
            if j >= len(self.lines) or self.starts_block(j) or self._title_span(j) or self._org_line(j):
                break
            if any(self.lines[k].rule for k in range(last + 1, j)) or j in self._duplicate_at:
                break  # "---" between two lines, or a repeated copy: never one cut paragraph
            if self.lines[j].indented and not self.lines[last].indented:
                break  # an indented line opens a paragraph of its own
            offset = len(text)
            text += self.lines[j].text
            extra.extend((s + offset, e + offset) for s, e in self.lines[j].bold)
            last = j
        return text, last, extra

    # ---- titles ----------------------------------------------------------------------------
    def _title_span(self, i: int) -> tuple[str, int, str, str] | None:
        """A title starting at line ``i``: (kind, last line index, title, title as spaced).
        A title may be broken over up to three short lines (PDF, centred heads); a title known by
        its grammar or name wins over a first line taken as the title for want of one."""
        pieces: list[int] = []
        leading: tuple[str, int, str, str] | None = None
        j = i
        while j < len(self.lines) and len(pieces) < 3:
            line = self.lines[j]
            if line.blank or (pieces and (len(line.text) > 40 or self.starts_block(j) or line.indented)):
                break
            pieces.append(j)
            text = "".join(self.lines[k].text for k in pieces)
            kind, by_position = self._title_kind(text, single=len(pieces) == 1)
            if kind:
                found = (kind, j, text, "".join(self.lines[k].spaced for k in pieces))
                if not by_position:
                    return found
                leading = found
            if is_complete(line.text) or len(line.text) > 40:
                break
            j += 1
        return leading

    def _title_kind(self, text: str, *, single: bool) -> tuple[str | None, bool]:
        """The kind of document ``text`` titles (None if it is no title), and whether it is taken
        for the title only by its position (the first line of the file)."""
        s = self.settings
        if len(han_digits(text)) - sum(c.isdigit() for c in text) < 2:
            return None, False  # a title is words
        if match_numbering(text) or text.startswith(("《", "附件", "附录")) or "\t" in text:
            return None, False
        if name_key(text) in self.announced:  # the 《》 name a cover notice announced
            return title_kind(text) or "document", False
        if looks_like_title(text, 2 * s.title_max_chars):
            kind = title_kind(text)
            if is_formal_title(text) or (len(text) <= s.title_max_chars and _names_place_or_time(text)):
                return kind, False
        return (self._leading_title(text) if single else None), True

    def _leading_title(self, text: str) -> str | None:
        """The first line of a file, short, with no sentence in it, ending in a 文种 or naming a
        place, a time or the centre (``2026年中央一号文件``), is its title."""
        if self.content_started or len(text) > self.settings.title_max_chars or any(c in text for c in "。，；：:;,"):
            return None
        if not (title_kind(text) or _names_place_or_time(text)):
            return None
        if pt.PREFACE_RE.match(text) or pt.TOC_HEAD_RE.match(text) or pt.COLUMN_RE.match(text):
            return None
        if pt.ORG_LINE_RE.match(text):  # an organ's name alone heads a notice; it is not a title
            return None
        return title_kind(text) or "document"

    def rule_title(self, i: int) -> tuple[list[Block], int] | None:
        if (self.starts_block(i) and not self.lines[i].md_heading and not self.lines[i].bold) or self._org_line(i):
            return None
        span = self._title_span(i)
        if span is None:
            return None
        kind, last, text, spaced = span
        if kind == "notice":
            body = self._notice_body(last + 1)
            self.announced.update(name_key(n) for n in announced_names(text, body))
        node = self._node(TITLE, i, last, role=kind, title=text)
        self.content_started = True
        return [Block(node, boundary="title", issuer=issuer_of_title(spaced))], last + 1

    def _notice_body(self, i: int, limit: int = 12) -> str:
        """The lines after a notice title, up to its signature: where it names what it issues."""
        out: list[str] = []
        for line in self.lines[i : i + limit * 3]:
            if not line.blank:
                out.append(line.text)
            if len(out) >= limit:
                break
        return "\n".join(out)

    # ---- rules: document head and tail -----------------------------------------------------
    def _single(self, i: int, kind: str, role: str, boundary: str = "") -> tuple[list[Block], int]:
        node = self._node(kind, i, i, role=role, text=self.lines[i].text)
        return [Block(node, boundary=boundary)], i + 1

    def rule_duplicate(self, i: int) -> tuple[list[Block], int] | None:
        last = self._duplicate_at.get(i)
        if last is None:
            return None
        text = self.joined(i, last)
        return [Block(self._node(FURNITURE, i, last, role="duplicate", text=text))], last + 1

    def front_matter(self) -> tuple[list[Block], int]:
        """A copier's YAML front matter (``---`` / ``title: …`` / ``---``) at the top of the file,
        as furniture, and the index after it (0 when there is none)."""
        i = next((k for k, line in enumerate(self.lines) if line.raw.strip()), len(self.lines))
        if i >= len(self.lines) or not self.lines[i].rule:
            return [], 0
        for j in range(i + 1, min(len(self.lines), i + 30)):
            if self.lines[j].rule:
                text = self.joined(i + 1, j - 1)
                return [Block(self._node(FURNITURE, i + 1, j - 1, role="source_header", text=text))], j + 1
            if not self.lines[j].blank and not _FIELD_LINE_RE.match(self.lines[j].raw.strip()):
                break
        return [], 0

    def rule_source(self, i: int) -> tuple[list[Block], int] | None:
        """北大法宝 header fields: ``【法宝引证码】 CLI.12.4638041``, ``【发文字号】 …``."""
        m = pt.PKULAW_RE.match(self.lines[i].text)
        if not m:
            return None
        node = self._node(METADATA, i, i, role="source", text=self.lines[i].text)
        return [Block(node, boundary="source", fields={m.group(1): m.group(2).strip()})], i + 1

    def rule_line_patterns(self, i: int) -> tuple[list[Block], int] | None:
        """One-line head/tail elements recognised by pattern alone (see :data:`LINE_PATTERNS`)."""
        text = self.lines[i].text
        for regex, kind, role, boundary in LINE_PATTERNS:
            if regex.match(text):
                return self._single(i, kind, role, boundary)
        if _is_nav_bar(self.lines[i].spaced):
            return self._single(i, FURNITURE, "web")
        return None

    def rule_web_meta(self, i: int) -> tuple[list[Block], int] | None:
        """The metadata block a government site prints above a document, as ``key：value``
        lines, a two-column table (``索引号\t…\t主题分类\t…``), or a key alone on its line with
        the value on the next."""
        t = self.lines[i].text.replace(" ", "")
        if not pt.WEB_META_RE.match(t):
            return None
        fields = {k: v.strip() for k, v in pt.WEB_META_FIELD_RE.findall(t) if v.strip()}
        last = i
        key = re.sub(r"[:：\t]", "", t)
        if key in pt.WEB_META_KEYS:  # "成文日期：" alone: the value is the next line
            j = self.next_nonblank(i + 1)
            short = len(self.text_at(j)) <= 2 * self.settings.title_max_chars
            if j < len(self.lines) and not self.starts_block(j) and short:
                fields[key] = self.lines[j].text.strip()
                last = j
        text = self.joined(i, last)
        node = self._node(METADATA, i, last, role="web_meta", text=text)
        return [Block(node, boundary="web_meta", fields=fields)], last + 1

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
        if head and entries == 0:
            last = self._toc_without_pages(i)
        text = self.joined(i, last)
        return [Block(self._node(FURNITURE, i, last, role="toc", text=text))], last + 1

    def _toc_without_pages(self, head: int) -> int:
        """目录 whose entries have no page numbers: the headings are listed once before the body
        (sometimes two on a line); the body starts where the first entry comes again."""
        first = self.next_nonblank(head + 1)
        if first >= len(self.lines):
            return head
        key = name_key(self.lines[first].text)
        j = self.next_nonblank(first + 1)
        while j < len(self.lines) and j - first < 400:
            line = self.lines[j].text
            k = min(len(key), len(name_key(line)))  # "第一章 发展基础 第二章 总体要求" lists two
            if k >= 4 and key[:k] == name_key(line)[:k]:
                return j - 1
            if not (match_numbering(line) or pt.PREFACE_RE.match(line) or len(line) <= self.settings.title_max_chars) \
                    or pt.LEAD_END_RE.search(line):
                break  # a sentence: the entries were not a table of contents after all
            j = self.next_nonblank(j + 1)
        return head

    def rule_cc(self, i: int) -> tuple[list[Block], int] | None:
        if not pt.CC_RE.match(self.lines[i].text):
            return None
        # "抄送：…市中级人民法院，" / "市人民检察院，有关人民团体。"
        text, last, _ = self.take_continuations(i, self.lines[i].text)
        return [Block(self._node(METADATA, i, last, role="cc", text=text))], last + 1

    def _org_line(self, i: int) -> bool:
        t = self.lines[i].text
        if len(t) > self.settings.org_line_max_chars or not pt.ORG_LINE_RE.match(self.lines[i].spaced):
            return False
        j = self.next_nonblank(i + 1)
        nxt = self.text_at(j)
        # A signature sits above its date; an issuer above the notice title.
        return bool(pt.DATE_LINE_RE.match(nxt) or pt.PRINTED_RE.match(nxt) or pt.ADOPTED_RE.match(nxt)
                    or (j < len(self.lines) and self._title_span(j) and is_formal_title(nxt)))

    def rule_org_line(self, i: int) -> tuple[list[Block], int] | None:
        if not self._org_line(i):
            return None
        # spacing kept: "海南省农业农村厅 海南省财政厅" are two issuers
        return [Block(self._node(METADATA, i, i, role="issuer", text=self.lines[i].spaced))], i + 1

    def rule_appendix(self, i: int) -> tuple[list[Block], int] | None:
        m = pt.APPENDIX_RE.match(self.lines[i].text)
        if not m:
            return None
        last, title = i, ""
        j = self.next_nonblank(i + 1)
        # the attachment's title, which a PDF may break over lines: 2024—2026年海南省 / 农机…范围
        while j < len(self.lines) and len(title) < self.settings.title_max_chars:
            nxt = self.text_at(j)
            if not nxt or len(nxt) > self.settings.title_max_chars or self.starts_block(j) or "。" in nxt:
                break
            if title and (j != last + 1 or is_complete(title)):
                break
            last, title = j, title + nxt
            j = self.next_nonblank(j + 1)
        node = self._node(APPENDIX, i, last, marker=m.group(1), number=m.group(1).replace(" ", ""), title=title)
        return [Block(node, rank=Rank.APPENDIX)], last + 1

    def rule_appendix_ref(self, i: int) -> tuple[list[Block], int] | None:
        """``附件：1. A 2. B`` after a notice's body names its attachments; followed by the
        attachment's own content instead (a table, its headings), it is the attachment's heading."""
        m = pt.APPENDIX_REF_RE.match(self.lines[i].text)
        if not m:
            return None
        last = i
        names = [m.group(1)] if m.group(1) else []
        j = self.next_nonblank(i + 1)
        while j < len(self.lines) and self._attachment_name(j):
            names.append(self.lines[j].text)
            last = j
            j = self.next_nonblank(j + 1)
        text = self.joined(i, last)
        if j >= len(self.lines) or self._ends_notice(j):
            return [Block(self._node(METADATA, i, last, role="attachment_ref", text=text))], last + 1
        number = self.lines[i].text.split("：")[0].split(":")[0].replace(" ", "")
        node = self._node(APPENDIX, i, last, marker=self.lines[i].text[: m.start(1)].strip(), number=number,
                          title="".join(names))
        return [Block(node, rank=Rank.APPENDIX)], last + 1

    def _attachment_name(self, j: int) -> bool:
        text = self.lines[j].text
        if len(text) > self.settings.title_max_chars or any(c in text for c in "。；;：:") or "\t" in text:
            return False
        num = match_numbering(text)
        if num is not None:
            return num.rank in (Rank.ARABIC, Rank.PAREN_ARABIC) and not pt.LEAD_END_RE.search(text)
        return not (self.starts_block(j) or self._org_line(j) or pt.DATE_LINE_RE.match(text))

    def _ends_notice(self, j: int) -> bool:
        """What closes a notice after its attachment list: signature, date, another 附件, a title."""
        text = self.lines[j].text
        return bool(self._org_line(j) or pt.DATE_LINE_RE.match(text) or pt.APPENDIX_RE.match(text)
                    or pt.PUBLICITY_RE.match(text) or pt.CC_RE.match(text) or self._title_span(j)
                    or any(regex.match(text) for regex, kind, *_ in LINE_PATTERNS if kind == METADATA))

    # ---- rules: structure ------------------------------------------------------------------
    def rule_preface(self, i: int) -> tuple[list[Block], int] | None:
        t = self.lines[i].text
        if not pt.PREFACE_RE.match(t):
            return None
        return [Block(self._node(SECTION, i, i, title=t, number=t), rank=Rank.TOP)], i + 1

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
                or num.rank <= Rank.PAREN_CN
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

    def rule_chapter_article(self, i: int) -> tuple[list[Block], int] | None:
        """``第一章　总则　　第一条　为规范…``: a regulation's chapter heading with its first article."""
        text = self.lines[i].text
        m = pt.CHAPTER_ARTICLE_RE.match(text)
        if not m:
            return None
        chapter = match_numbering(text)
        article = match_numbering(m.group(2))
        if chapter is None or article is None or article.rank != Rank.ARTICLE:
            return None
        title = m.group(1)[chapter.offset :].strip()
        node = self._node(SECTION, i, i, marker=chapter.marker, number=chapter.number, title=title)
        head = Block(node, rank=chapter.rank, seq=chapter.value)
        article.offset += m.start(2)
        blocks, nxt = self._numbered_item(i, article)
        return [head, *blocks], nxt

    def rule_numbered(self, i: int) -> tuple[list[Block], int] | None:
        num = match_numbering(self.lines[i].text)
        if num is None:
            return None
        return self._numbered_item(i, num)

    def _numbered_item(self, i: int, num: Numbering) -> tuple[list[Block], int]:
        line = self.lines[i]
        own = line.text[num.offset :]
        if num.rank == Rank.ARTICLE:  # 第X条: the whole article is its text
            rest, last, _ = self.take_continuations(i, line.text)
            node = self._node(ARTICLE, i, last, marker=num.marker, number=num.number, text=rest[num.offset :].strip())
            return [Block(node, rank=num.rank, seq=num.value)], last + 1
        if pt.LEAD_END_RE.search(own) or len(own) > self.settings.heading_max_chars:
            rest, last, extra = self.take_continuations(i, line.text)
        else:  # a heading alone on its line is complete without a full stop
            rest, last, extra = line.text, i, []
        rest = rest[num.offset :]
        bold = _shift(line.bold + extra, num.offset)
        lead, body = split_lead(rest, bold)
        weight = ""
        w = pt.WEIGHT_RE.search(lead) if not body else None
        if w:  # "一、政务服务“一网通办”（25分）": the score belongs to the heading, not its title
            weight, lead = w.group(1).replace(" ", ""), lead[: w.start()]
        if not body and len(lead) <= self.settings.heading_max_chars:
            node = self._node(SECTION, i, last, marker=num.marker, number=num.number, title=lead, weight=weight)
            return [Block(node, rank=num.rank, seq=num.value)], last + 1
        if len(lead) > self.settings.heading_max_chars and not (bold and bold[0][0] <= 1):
            # Task lists (``36.用好东西部协作…，健全…``): a long first sentence is no lead
            # phrase; its first clause is.
            cut = min((k for k in (rest.find("，"), rest.find(",")) if k > 0), default=-1)
            if cut > 0:
                lead, body = rest[:cut], rest[cut + 1 :]
        body, responsibility, departments = split_departments(body)
        kind = SECTION if num.rank <= Rank.CN else MEASURE
        node = self._node(
            kind, i, last, marker=num.marker, number=num.number, title=lead, text=body,
            responsibility=responsibility, departments=departments,
        )
        # 一、/（一） headings with an inline body stay headings for now; tree.py decides.
        return [Block(node, rank=num.rank, inline=True, seq=num.value)], last + 1

    def rule_paragraph(self, i: int) -> tuple[list[Block], int] | None:
        line = self.lines[i]
        # A file does not start mid-sentence: its first line of text stands alone (an untitled
        # memo's heading), later lines that end mid-sentence were cut by a page break.
        if self.content_started:
            text, last, extra = self.take_continuations(i, line.text)
        else:
            text, last, extra = line.text, i, []
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

    def run(self, tick: Callable[[int], None] | None = None) -> list[Block]:
        """Apply the rules from the first line to the last (``tick`` hears how far it got)."""
        blocks, i = self.front_matter()
        n = len(self.lines)
        next_tick = 2000
        while i < n:
            if tick is not None and i >= next_tick:
                tick(i)
                next_tick = i + 2000
            if self.lines[i].blank:
                i += 1
                continue
            for rule in self.rules:
                claimed = rule(i)
                if claimed is not None:
                    new_blocks, i = claimed
                    blocks.extend(new_blocks)
                    if any(b.node.kind not in (FURNITURE, METADATA) for b in new_blocks):
                        self.content_started = True
                    break
            else:  # pragma: no cover - rule_paragraph always claims
                i += 1
        if tick is not None:
            tick(n)
        return blocks


def _names_place_or_time(text: str) -> bool:
    """A plan-like title names a place, a period, a year or the centre: ``甘肃省“十四五”…规划``."""
    from planctl.regions import central_organ, region_table

    return bool(pt.PERIOD_RE.search(text) or re.search(r"[12]\d{3}", text) or region_table().find_in(text)
                or central_organ(text))


# "title: 某某省促进就业政策汇编": a field of YAML front matter
_FIELD_LINE_RE = re.compile(r"^[\w\u4e00-\u9fff-]{1,20}\s*[:：]")
# "首页 | 机构 | 政务公开 | 政务服务 | 互动交流": a row of short links
_NAV_WORD_RE = re.compile(r"^[\u4e00-\u9fffA-Za-z]{1,8}$")


def _is_nav_bar(spaced: str) -> bool:
    """A site's navigation bar: four or more short words separated by spaces or bars, one of
    them 首页 (home)."""
    words = [w for w in re.split(r"[\s|｜/·•>＞»]+", spaced) if w]
    return len(words) >= 4 and "首页" in words and all(_NAV_WORD_RE.match(w) for w in words)


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
