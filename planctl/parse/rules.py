"""Lines to flat blocks: an ordered table of small rules (markdown-it-py's ``parser_block``).

Each rule is a free function ``rule(state, i, silent)`` of the parse state
(:class:`~planctl.parse.state.ParseState`) and the index of the line it looks at. It either
claims that line and maybe the ones after it — pushes its blocks and moves ``state.line`` past
them — and returns True, or declines with False. In silent mode it only says whether the line
opens its block, pushing and learning nothing. The rules are tried in the order of
:data:`RULES`; the first that claims wins. Each row also names the runs of lines a line the rule
opens may interrupt (a paragraph a page break cut, a title broken over lines), so whether a line
ends one is asked of the rules in silent mode (:func:`interrupts`, :func:`opens_block`), never
listed by hand. A 专栏 is a container whose contents are read by the same rules. Nesting happens
later, in :mod:`planctl.parse.tree`.

Example::

    >>> from planctl.ingest import decode_bytes
    >>> blocks = lines_to_blocks(decode_bytes("一、总体要求\\n保持经济就业良性互动。加强协同。\\n".encode()).lines)
    >>> [(b.node.kind, b.node.title) for b in blocks]
    [('section', '总体要求'), ('measure', '保持经济就业良性互动')]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import NamedTuple

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
from planctl.parse.leads import colon_lead, shift_spans, split_departments, split_lead
from planctl.parse.numbering import Numbering, Rank, match_numbering
from planctl.parse.state import Block, ParseState
from planctl.parse.tables import flat_header, lines_to_flat_table, lines_to_table
from planctl.parse.titles import (
    announced_names,
    is_formal_title,
    issuer_of_title,
    looks_like_title,
    name_key,
    title_kind,
)
from planctl.settings import ParseSettings

# One-line elements of a document's head and tail, tried in order: (pattern, kind, role, boundary).
LINE_PATTERNS: tuple[tuple[re.Pattern[str], str, str, str], ...] = (
    (pt.WEB_CHROME_RE, FURNITURE, "web", ""),
    (pt.ISSUER_HEAD_RE, METADATA, "issuer_head", "issuer_head"),  # opens a new document
    (pt.DOC_NUMBER_LINE_RE, METADATA, "doc_number", ""),
    (pt.YEAR_NUMBER_LINE_RE, METADATA, "doc_number", ""),
    (pt.DATE_LINE_RE, METADATA, "date", ""),
    (pt.ADOPTED_RE, METADATA, "date", ""),
    (pt.HISTORY_LINE_RE, METADATA, "date", ""),
    (pt.HTML_COMMENT_RE, FURNITURE, "markup", ""),
    (pt.PRINTED_RE, METADATA, "printed", ""),
    (pt.PUBLICITY_RE, METADATA, "publicity", ""),
    (pt.CONTACT_RE, METADATA, "contact", ""),
    (pt.SOURCE_LINK_RE, METADATA, "source", "source"),
    (pt.SOURCE_HEADER_RE, FURNITURE, "source_header", ""),
)


RuleFn = Callable[[ParseState, int, bool], bool]
"""``rule(state, i, silent)``: whether the rule claims line ``i`` (see the module docstring)."""


class Rule(NamedTuple):
    """A row of :data:`RULES`."""

    name: str
    fn: RuleFn
    interrupts: tuple[str, ...] = ()
    """The rules whose run of lines a line this rule opens ends (asked in silent mode)."""


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
                                spaced=prev.spaced + line.spaced, lead_cells=prev.lead_cells,
                                trail_cells=line.trail_cells)
            continue
        num = match_numbering(line.text)
        if num is not None and num.value is not None:
            last[num.rank] = num.value
            for deeper in [r for r in last if r > num.rank]:
                del last[deeper]
        out.append(line)
    return out


# "—2020年" after a line that ends in "2016": a range cut at its dash
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


def lines_to_state(lines: Sequence[Line], settings: ParseSettings | None = None) -> ParseState:
    """Clean the source lines, fold wrapped ones, find a body printed twice: the state the rules
    start from."""
    cleaned = join_wrapped([clean_line(line) for line in lines])
    return ParseState(cleaned, settings or ParseSettings(), duplicates=repeated_runs([line.text for line in cleaned]))


# ---- what ends a run of lines: asked of the rules ------------------------------------------
def opens_at(state: ParseState, i: int, run: str) -> bool:
    """Whether a rule that may interrupt ``run`` (a rule's name: ``paragraph``, ``title``) opens
    a block at line ``i``, by asking each in silent mode."""
    for rule in _INTERRUPTERS[run]:  # noqa: SIM110 - a loop, not any(), on this hot path
        if rule(state, i, True):
            return True
    return False


def interrupts(state: ParseState, i: int, run: str) -> bool:
    """Whether line ``i`` ends a ``run`` of lines: a paragraph whose sentence a page break cut,
    or a title (a name) broken over lines. A line OCR marked as a heading or led by bold does;
    any other line does when a rule that may interrupt ``run`` opens a block there."""
    line = state.lines[i]
    if line.md_heading or (line.bold and line.bold[0][0] == 0):
        return True
    return opens_at(state, i, run)


def opens_block(text: str) -> bool:
    """Whether a line of ``text`` opens a structure of its own — a numbered heading, a 专栏, a
    dash lead, a table row, a head or tail line, a table of contents entry — and so can never be
    the tail of the line before it: the rules that may interrupt a title say so of the line alone.

        >>> opens_block("（一）指导思想。"), opens_block("注：〔 〕表示五年累计数。"), opens_block("坚持稳中求进")
        (True, True, False)
    """
    return opens_at(ParseState([CleanLine(0, text, text)]), 0, "title")


def take_continuations(state: ParseState, i: int, text: str) -> tuple[str, int, list[tuple[int, int]]]:
    """Join page-break fragments: while ``text`` ends mid-sentence and the next non-blank
    line does not interrupt a paragraph, append it. Returns (text, last line index, bold spans
    added)."""
    lines = state.lines
    last = i
    extra: list[tuple[int, int]] = []
    while not is_complete(text):
        j = state.next_nonblank(last + 1)
        if j >= len(lines) or interrupts(state, j, "paragraph"):
            break
        if any(lines[k].rule for k in range(last + 1, j)):
            break  # "---" between two lines: never one cut paragraph
        if lines[j].indented and not lines[last].indented:
            break  # an indented line opens a paragraph of its own
        if pt.MD_BULLET_RE.match(lines[j].text):
            break  # so does a markdown list item
        offset = len(text)
        text += lines[j].text
        extra.extend((s + offset, e + offset) for s, e in lines[j].bold)
        last = j
    return text, last, extra


# ---- titles --------------------------------------------------------------------------------
def _title_span(state: ParseState, i: int) -> tuple[str, int, str, str] | None:
    """A title starting at line ``i``: (kind, last line index, title, title as spaced).
    A title may be broken over up to three short lines (PDF, centred heads); a title known by
    its grammar or name wins over a first line taken as the title for want of one."""
    lines = state.lines
    pieces: list[int] = []
    leading: tuple[str, int, str, str] | None = None
    j = i
    while j < len(lines) and len(pieces) < 3:
        line = lines[j]
        if line.blank and pieces and _TITLE_OPEN_END_RE.search(lines[pieces[-1]].text):
            j = state.next_nonblank(j)  # "国务院关于印发" / "" / "“十四五”…规划的通知": a web page's blank line
            continue
        if line.blank or (pieces and (len(line.text) > 40 or interrupts(state, j, "title") or line.indented)):
            break
        pieces.append(j)
        text = "".join(lines[k].text for k in pieces)
        kind, by_position = _title_kind(state, text, single=len(pieces) == 1)
        if kind == "law" and not (line.md_heading or line.bold) and _mid_sentence(state, i):
            kind = None  # "…，制定实施" / "香港特别行政区维护国家安全法": a law named inside a sentence
        if kind:
            found = (kind, j, text, "".join(lines[k].spaced for k in pieces))
            if not by_position:
                return found
            leading = found
        if is_complete(line.text) or len(line.text) > 40:
            break
        j += 1
    return leading


def _mid_sentence(state: ParseState, i: int) -> bool:
    """Whether the line before ``i`` is a sentence in progress: clauses (，、) and no end."""
    k = i - 1
    while k >= 0 and state.lines[k].blank:
        k -= 1
    prev = state.lines[k].text if k >= 0 else ""
    return bool(prev) and not is_complete(prev) and any(c in prev for c in "，、,")


# "国务院关于印发", "甘肃省人民政府办公厅关于": a title line that stops before its 事由 and 文种 cannot be
# the whole title (GB/T 9704 breaks a long title between phrases)
_TITLE_OPEN_END_RE = re.compile(r"(?:关于|印发|转发|下发|颁发|公布)$")


def _title_kind(state: ParseState, text: str, *, single: bool) -> tuple[str | None, bool]:
    """The kind of document ``text`` titles (None if it is no title), and whether it is taken
    for the title only by its position (the first line of the file)."""
    s = state.settings
    if len(han_digits(text)) - sum(c.isdigit() for c in text) < 2:
        return None, False  # a title is words
    if match_numbering(text) or text.startswith(("《", "附件", "附录")) or "\t" in text:
        return None, False
    if name_key(text) in state.announced:  # the 《》 name a cover notice announced
        return title_kind(text) or "document", False
    if looks_like_title(text, 2 * s.title_max_chars):
        kind = title_kind(text)
        if is_formal_title(text) or (len(text) <= s.title_max_chars and _names_place_or_time(text)):
            return kind, False
    return (_leading_title(state, text) if single else None), True


def _leading_title(state: ParseState, text: str) -> str | None:
    """The first line of a file, short, with no sentence in it, ending in a 文种 or naming a
    place, a time or the centre (``2026年中央一号文件``), is its title."""
    if state.content_started or len(text) > state.settings.title_max_chars or any(c in text for c in "。，；：:;,"):
        return None
    if not (title_kind(text) or _names_place_or_time(text)):
        return None
    if pt.PREFACE_RE.match(text) or pt.TOC_HEAD_RE.match(text) or pt.COLUMN_RE.match(text):
        return None
    if pt.ORG_LINE_RE.match(text):  # an organ's name alone heads a notice; it is not a title
        return None
    return title_kind(text) or "document"


def _names_place_or_time(text: str) -> bool:
    """A plan-like title names a place, a period, a year or the centre: ``甘肃省“十四五”…规划``."""
    from planctl.regions import central_organ, region_table

    return bool(pt.PERIOD_RE.search(text) or re.search(r"[12]\d{3}", text) or region_table().find_in(text)
                or central_organ(text))


def _notice_body(state: ParseState, i: int, limit: int = 12) -> str:
    """The lines after a notice title, up to its signature: where it names what it issues."""
    out: list[str] = []
    for line in state.lines[i : i + limit * 3]:
        if not line.blank:
            out.append(line.text)
        if len(out) >= limit:
            break
    return "\n".join(out)


def _org_line(state: ParseState, i: int) -> bool:
    """A signature above its date, or an issuer above the notice title it issues."""
    t = state.lines[i].text
    if len(t) > state.settings.org_line_max_chars or not pt.ORG_LINE_RE.match(state.lines[i].spaced):
        return False
    j = state.next_nonblank(i + 1)
    nxt = state.text_at(j)
    # A signature sits above its date; an issuer above the notice title.
    return bool(pt.DATE_LINE_RE.match(nxt) or pt.PRINTED_RE.match(nxt) or pt.ADOPTED_RE.match(nxt)
                or (j < len(state.lines) and _title_span(state, j) and is_formal_title(nxt)))


# "title: 某某省促进就业政策汇编": a field of YAML front matter
_FIELD_LINE_RE = re.compile(r"^[\w\u4e00-\u9fff-]{1,20}\s*[:：]")


# ---- the document's head, before the body ---------------------------------------------------
def front_matter(state: ParseState) -> None:
    """A copier's YAML front matter (``---`` / ``title: …`` / ``---``) at the top of the file,
    as furniture; ``state.line`` is left after it (0 when there is none)."""
    lines = state.lines
    i = next((k for k, line in enumerate(lines) if line.raw.strip()), len(lines))
    if i >= len(lines) or not lines[i].rule:
        return
    for j in range(i + 1, min(len(lines), i + 30)):
        if lines[j].rule:
            text = state.joined(i + 1, j - 1)
            state.claim([Block(state.node(FURNITURE, i + 1, j - 1, role="source_header", text=text))], j + 1)
            return
        if not lines[j].blank and not _FIELD_LINE_RE.match(lines[j].raw.strip()):
            break


# ---- rules: document head and tail ----------------------------------------------------------
def _single(state: ParseState, i: int, kind: str, role: str, boundary: str = "") -> bool:
    node = state.node(kind, i, i, role=role, text=state.lines[i].text)
    return state.claim([Block(node, boundary=boundary)], i + 1)


def rule_duplicate(state: ParseState, i: int, silent: bool) -> bool:
    """The repeated copy of a body printed twice, as furniture (see :mod:`duplicates`)."""
    last = state.duplicate_at.get(i)
    if last is None:
        return False
    if silent:
        return True
    text = state.joined(i, last)
    return state.claim([Block(state.node(FURNITURE, i, last, role="duplicate", text=text))], last + 1)


def rule_source(state: ParseState, i: int, silent: bool) -> bool:
    """北大法宝 header fields: ``【法宝引证码】 CLI.12.4638041``, ``【发文字号】 …``."""
    m = pt.PKULAW_RE.match(state.lines[i].text)
    if not m:
        return False
    if silent:
        return True
    node = state.node(METADATA, i, i, role="source", text=state.lines[i].text)
    return state.claim([Block(node, boundary="source", fields={m.group(1): m.group(2).strip()})], i + 1)


def _web_meta_key(state: ParseState, j: int) -> str:
    """The label line ``j`` opens a web metadata field with (``成文日期``, ``来源``), or ''."""
    t = state.lines[j].text.replace(" ", "")
    m = pt.WEB_META_RE.match(t) or pt.WEB_META_SOURCE_RE.match(t)
    return re.sub(r"[:：\t]", "", m.group(0)) if m else ""


def _web_meta_value(state: ParseState, j: int) -> bool:
    """Whether line ``j`` may be the value of a label alone on the line before: short, no label
    itself, and no block of its own — except a date or 文号, which is what such a value often is."""
    if j >= len(state.lines) or _web_meta_key(state, j):
        return False
    text = state.lines[j].text
    if len(text) > 2 * state.settings.title_max_chars:
        return False
    metadata = any(regex.match(text) for regex, kind, *_ in LINE_PATTERNS if kind == METADATA)
    return metadata or not interrupts(state, j, "title")


def rule_web_meta(state: ParseState, i: int, silent: bool) -> bool:
    """The metadata block a government site prints above a document, as ``key：value``
    lines, a two-column table (``索引号\t…\t主题分类\t…``), or a key alone on its line with
    the value on the next; the whole run of such lines is one block (a page may print it twice,
    once as table cells and once as lines, with blank lines between every line)."""
    t = state.lines[i].text.replace(" ", "")
    if not pt.WEB_META_RE.match(t):
        return False
    if silent:
        return True
    fields: dict[str, str] = {}
    last, j = i, i
    while j < len(state.lines) and (label := _web_meta_key(state, j)):
        t = state.lines[j].text.replace(" ", "")
        for k, v in pt.WEB_META_FIELD_RE.findall(t):
            if v.strip():
                fields.setdefault(k, v.strip())
        last = j
        key = re.sub(r"[:：\t]", "", t)
        if key == label:  # "成文日期：" alone: the value is the next line
            v = state.next_nonblank(j + 1)
            if _web_meta_value(state, v):
                fields.setdefault(key, state.lines[v].text.strip())
                last = v
        j = state.next_nonblank(last + 1)
    text = state.joined(i, last)
    node = state.node(METADATA, i, last, role="web_meta", text=text)
    return state.claim([Block(node, boundary="web_meta", fields=fields)], last + 1)


_TOC_ENTRY_ENDS = "0123456789０１２３４５６７８９）)"


def _toc_entry(text: str) -> bool:
    """A table of contents entry: ``一、发展环境.....6``. It ends in its page number, so only a line
    that ends in a digit or a bracket is searched for the leader dots."""
    return text[-1:] in _TOC_ENTRY_ENDS and pt.TOC_ENTRY_RE.search(text) is not None


def rule_toc(state: ParseState, i: int, silent: bool) -> bool:
    """目录 and its entries (``一、发展环境.....6``); without the head, two entries in a row at least.
    Silent, a head or one entry is enough: it opens a table of contents."""
    t = state.lines[i].text
    head = bool(pt.TOC_HEAD_RE.match(t))
    if not head and not _toc_entry(t):
        return False
    if silent:
        return True
    last = i
    j = state.next_nonblank(i + 1)
    entries = 0 if head else 1
    while j < len(state.lines) and _toc_entry(state.lines[j].text):
        last, entries = j, entries + 1
        j = state.next_nonblank(j + 1)
    if not head and entries < 2:
        return False  # one dotted line is not a table of contents
    if head and entries == 0:
        last = _toc_without_pages(state, i)
    text = state.joined(i, last)
    return state.claim([Block(state.node(FURNITURE, i, last, role="toc", text=text))], last + 1)


def _toc_without_pages(state: ParseState, head: int) -> int:
    """目录 whose entries have no page numbers: the headings are listed once before the body
    (sometimes two on a line); the body starts where the first entry comes again."""
    lines = state.lines
    first = state.next_nonblank(head + 1)
    if first >= len(lines):
        return head
    key = name_key(lines[first].text)
    j = state.next_nonblank(first + 1)
    while j < len(lines) and j - first < 400:
        line = lines[j].text
        k = min(len(key), len(name_key(line)))  # "第一章 发展基础 第二章 总体要求" lists two
        if k >= 4 and key[:k] == name_key(line)[:k]:
            return j - 1
        if not (match_numbering(line) or pt.PREFACE_RE.match(line) or len(line) <= state.settings.title_max_chars) \
                or pt.LEAD_END_RE.search(line):
            break  # a sentence: the entries were not a table of contents after all
        j = state.next_nonblank(j + 1)
    return head


def rule_line_patterns(state: ParseState, i: int, silent: bool) -> bool:
    """One-line head/tail elements recognised by pattern alone (see :data:`LINE_PATTERNS`)."""
    text = state.lines[i].text
    for regex, kind, role, boundary in LINE_PATTERNS:
        if regex.match(text):
            return True if silent else _single(state, i, kind, role, boundary)
    return False


def _order_span(state: ParseState, i: int) -> int | None:
    """The last line of a promulgation order's head starting at ``i`` (``…令（第16号）``, or
    ``…令`` / ``第16号``), or None."""
    text = state.lines[i].text
    if pt.ORDER_RE.match(text):
        return i
    if pt.ORDER_HEAD_RE.match(text):
        j = state.next_nonblank(i + 1)
        if j < len(state.lines) and pt.ORDER_NUMBER_RE.match(state.lines[j].text):
            return j
    return None


def rule_order(state: ParseState, i: int, silent: bool) -> bool:
    """A promulgation order's head (``中山市人民政府令（第16号）``): metadata that opens a
    document; the rules it publishes (``《…办法》…现予公布``) are announced, so their title is
    read as one."""
    last = _order_span(state, i)
    if last is None:
        return False
    if silent:
        return True
    state.announced.update(name_key(n) for n in announced_names("", _notice_body(state, last + 1)))
    node = state.node(METADATA, i, last, role="order", text=state.joined(i, last))
    order = re.sub(r"\s+", "", "".join(state.lines[k].text for k in range(i, last + 1)))
    return state.claim([Block(node, boundary="order", fields={"order": order})], last + 1)


# "首页 | 机构 | 政务公开 | 政务服务 | 互动交流": a row of short links
_NAV_WORD_RE = re.compile(r"^[\u4e00-\u9fffA-Za-z]{1,8}$")


def _is_nav_bar(spaced: str) -> bool:
    """A site's navigation bar: four or more short words separated by spaces or bars, one of
    them 首页 (home)."""
    words = [w for w in re.split(r"[\s|｜/·•>＞»]+", spaced) if w]
    return len(words) >= 4 and "首页" in words and all(_NAV_WORD_RE.match(w) for w in words)


def rule_nav_bar(state: ParseState, i: int, silent: bool) -> bool:
    """A site's navigation bar (``首页 | 机构 | 政务公开 | …``), as furniture."""
    if not _is_nav_bar(state.lines[i].spaced):
        return False
    return True if silent else _single(state, i, FURNITURE, "web")


def rule_cc(state: ParseState, i: int, silent: bool) -> bool:
    """``抄送：…市中级人民法院，`` / ``市人民检察院，有关人民团体。``: the 版记's copy list."""
    if not pt.CC_RE.match(state.lines[i].text):
        return False
    if silent:
        return True
    text, last, _ = take_continuations(state, i, state.lines[i].text)
    return state.claim([Block(state.node(METADATA, i, last, role="cc", text=text))], last + 1)


def rule_title(state: ParseState, i: int, silent: bool) -> bool:
    """A document's title, over up to three lines; a notice's title also says which documents
    it issues (their names open documents of their own later in the file)."""
    line = state.lines[i]
    # A line another rule opens is no title, unless OCR marked it (bold, #).
    if (opens_at(state, i, "title") and not line.md_heading and not line.bold) or _org_line(state, i):
        return False
    span = _title_span(state, i)
    if span is None:
        return False
    if silent:
        return True
    kind, last, text, spaced = span
    if kind == "notice":
        body = _notice_body(state, last + 1)
        state.announced.update(name_key(n) for n in announced_names(text, body))
    node = state.node(TITLE, i, last, role=kind, title=text)
    state.content_started = True
    return state.claim([Block(node, boundary="title", issuer=issuer_of_title(spaced))], last + 1)


def rule_appendix(state: ParseState, i: int, silent: bool) -> bool:
    """``附件2`` alone on its line, the attachment's title after it: everything that follows is
    inside the attachment."""
    m = pt.APPENDIX_RE.match(state.lines[i].text)
    if not m:
        return False
    if silent:
        return True
    s = state.settings
    last, title = i, ""
    j = state.next_nonblank(i + 1)
    # the attachment's title, which a PDF may break over lines: 2024—2026年海南省 / 农机…范围
    while j < len(state.lines) and len(title) < s.title_max_chars:
        nxt = state.text_at(j)
        if not nxt or len(nxt) > s.title_max_chars or interrupts(state, j, "title") or "。" in nxt:
            break
        if title and (j != last + 1 or is_complete(title)):
            break
        last, title = j, title + nxt
        j = state.next_nonblank(j + 1)
    node = state.node(APPENDIX, i, last, marker=m.group(1), number=m.group(1).replace(" ", ""), title=title)
    return state.claim([Block(node, rank=Rank.APPENDIX)], last + 1)


def rule_appendix_ref(state: ParseState, i: int, silent: bool) -> bool:
    """``附件：1. A 2. B`` after a notice's body names its attachments; followed by the
    attachment's own content instead (a table, its headings), it is the attachment's heading."""
    m = pt.APPENDIX_REF_RE.match(state.lines[i].text)
    if not m:
        return False
    if silent:
        return True
    last = i
    names = [m.group(1)] if m.group(1) else []
    j = state.next_nonblank(i + 1)
    while j < len(state.lines) and _attachment_name(state, j):
        names.append(state.lines[j].text)
        last = j
        j = state.next_nonblank(j + 1)
    text = state.joined(i, last)
    k = j
    while k < len(state.lines) and (pt.WEB_CHROME_RE.match(state.lines[k].text) or _is_nav_bar(state.lines[k].spaced)):
        k = state.next_nonblank(k + 1)  # a page's footer is no attachment's content
    if k >= len(state.lines) or _ends_notice(state, k):
        return state.claim([Block(state.node(METADATA, i, last, role="attachment_ref", text=text))], last + 1)
    line = state.lines[i].text
    number = line.split("：")[0].split(":")[0].replace(" ", "")
    node = state.node(APPENDIX, i, last, marker=line[: m.start(1)].strip(), number=number, title="".join(names))
    return state.claim([Block(node, rank=Rank.APPENDIX)], last + 1)


def _attachment_name(state: ParseState, j: int) -> bool:
    text = state.lines[j].text
    if j in state.duplicate_at:
        return False  # the body printed again starts here
    if len(text) > state.settings.title_max_chars or any(c in text for c in "。；;：:") or "\t" in text:
        return False
    num = match_numbering(text)
    if num is not None:
        return num.rank in (Rank.ARABIC, Rank.PAREN_ARABIC) and not pt.LEAD_END_RE.search(text)
    return not (interrupts(state, j, "title") or _org_line(state, j) or pt.DATE_LINE_RE.match(text))


def _ends_notice(state: ParseState, j: int) -> bool:
    """What closes a notice after its attachment list: signature, date, another 附件, a title."""
    text = state.lines[j].text
    return bool(_org_line(state, j) or pt.DATE_LINE_RE.match(text) or pt.APPENDIX_RE.match(text)
                or pt.PUBLICITY_RE.match(text) or pt.CC_RE.match(text) or _title_span(state, j)
                or any(regex.match(text) for regex, kind, *_ in LINE_PATTERNS if kind == METADATA))


def rule_org_line(state: ParseState, i: int, silent: bool) -> bool:
    """An organ's name alone on its line, above a date (a signature) or a notice title (its issuer)."""
    if not _org_line(state, i):
        return False
    if silent:
        return True
    # spacing kept: "海南省农业农村厅 海南省财政厅" are two issuers
    return state.claim([Block(state.node(METADATA, i, i, role="issuer", text=state.lines[i].spaced))], i + 1)


# ---- rules: structure -----------------------------------------------------------------------
def rule_column(state: ParseState, i: int, silent: bool) -> bool:
    """``专栏 1 消费促进转型升级行动``: a box whose numbered entries (or table) are read by the same
    rules and become its children."""
    m = pt.COLUMN_RE.match(state.lines[i].text)
    if not m:
        return False
    if silent:
        return True
    number = str(cn_to_int(m.group(2)) or m.group(2))
    column = state.node(COLUMN, i, i, marker=m.group(1), number=number, title=m.group(3).strip())
    j = state.next_nonblank(i + 1)
    expected: int | None = 1
    style: int | None = None
    while j < len(state.lines):
        line = state.lines[j]
        table_rule = next((rule for rule in _TABLE_RULES if rule(state, j, True)), None)
        if table_rule is not None:
            column.children.extend(b.node for b in _read_inside(state, table_rule, j))
            j = state.line
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
        for b in _read_inside(state, rule_numbered, j):
            b.node.kind = MEASURE  # a box's numbered entries are items, even when short
            column.children.append(b.node)
        style, expected = num.rank, (num.value or 0) + 1
        j = state.next_nonblank(state.line)
    if column.children:
        column.line_end = max(n.line_end for n in column.children)
    return state.claim([Block(column)], max(j, i + 1) if column.children else i + 1)


def _read_inside(state: ParseState, rule: RuleFn, i: int) -> list[Block]:
    """Apply ``rule`` at line ``i`` for a container: the blocks it claims are returned, not pushed
    (``state.line`` moves past them as usual)."""
    outer, state.blocks = state.blocks, []
    try:
        if not rule(state, i, False):
            state.line = i + 1
        return state.blocks
    finally:
        state.blocks = outer


def rule_table(state: ParseState, i: int, silent: bool) -> bool:
    """A tab-separated row starts a table (see :mod:`planctl.parse.tables`)."""
    if "\t" not in state.lines[i].text:
        return False
    if silent:
        return True
    table, last = lines_to_table(state.lines, i, state.settings)
    return state.claim([Block(table)], last + 1)


def rule_flat_table(state: ParseState, i: int, silent: bool) -> bool:
    """A table flattened one cell per line: ``类别`` / ``序号`` / ``指标`` / ``单位`` / ``目标值`` /
    ``属性`` each on its line, then each row's cells (see :mod:`planctl.parse.tables`)."""
    if flat_header(state.lines, i) == i:  # most lines fail on a single regex
        return False
    read = lines_to_flat_table(state.lines, i, state.settings)
    if read is None:
        return False
    if silent:
        return True
    table, last = read
    return state.claim([Block(table)], last + 1)


_TABLE_RULES = (rule_table, rule_flat_table)


def rule_preface(state: ParseState, i: int, silent: bool) -> bool:
    """``前言``, ``结束语``: an unnumbered heading at the document's top rank."""
    t = state.lines[i].text
    if not pt.PREFACE_RE.match(t):
        return False
    if silent:
        return True
    return state.claim([Block(state.node(SECTION, i, i, title=t, number=t), rank=Rank.TOP)], i + 1)


def rule_chapter_article(state: ParseState, i: int, silent: bool) -> bool:
    """``第一章　总则　　第一条　为规范…``: a regulation's chapter heading with its first article."""
    text = state.lines[i].text
    m = pt.CHAPTER_ARTICLE_RE.match(text)
    if not m:
        return False
    chapter = match_numbering(text)
    article = match_numbering(m.group(2))
    if chapter is None or article is None or article.rank != Rank.ARTICLE:
        return False
    if silent:
        return True
    title = m.group(1)[chapter.offset :].strip()
    node = state.node(SECTION, i, i, marker=chapter.marker, number=chapter.number, title=title)
    head = Block(node, rank=chapter.rank, seq=chapter.value)
    article.offset += m.start(2)
    blocks, nxt = _numbered_item(state, i, article)
    return state.claim([head, *blocks], nxt)


def rule_numbered(state: ParseState, i: int, silent: bool) -> bool:
    """A line that starts with a numbering marker (see :mod:`planctl.parse.numbering`): a heading,
    or a numbered measure or article with its text."""
    num = match_numbering(state.lines[i].text)
    if num is None:
        return False
    if silent:
        return True
    return state.claim(*_numbered_item(state, i, num))


def _numbered_item(state: ParseState, i: int, num: Numbering) -> tuple[list[Block], int]:
    line = state.lines[i]
    s = state.settings
    own = line.text[num.offset :]
    if num.rank == Rank.ARTICLE:  # 第X条: the whole article is its text
        rest, last, _ = take_continuations(state, i, line.text)
        text, title = rest[num.offset :].strip(), ""
        label = pt.ARTICLE_LABEL_RE.match(text)
        if label and not match_numbering(text):  # "（目的和依据）" is its title, "（一）" its first item
            text, title = text[label.end() :], label.group(1)
        node = state.node(ARTICLE, i, last, marker=num.marker, number=num.number, title=title, text=text)
        return [Block(node, rank=num.rank, seq=num.value)], last + 1
    if pt.LEAD_END_RE.search(own) or len(own) > s.heading_max_chars:
        rest, last, extra = take_continuations(state, i, line.text)
    else:  # a heading alone on its line is complete without a full stop
        rest, last, extra = line.text, i, []
    rest = rest[num.offset :]
    bold = shift_spans(line.bold + extra, num.offset)
    lead, body = split_lead(rest, bold)
    weight = ""
    w = pt.WEIGHT_RE.search(lead) if not body else None
    if w:  # "一、政务服务“一网通办”（25分）": the score belongs to the heading, not its title
        weight, lead = w.group(1).replace(" ", ""), lead[: w.start()]
    if not body and len(lead) <= s.heading_max_chars:
        node = state.node(SECTION, i, last, marker=num.marker, number=num.number, title=lead, weight=weight)
        return [Block(node, rank=num.rank, seq=num.value)], last + 1
    if len(lead) > s.heading_max_chars and not (bold and bold[0][0] <= 1):
        # Task lists (``36.用好东西部协作…，健全…``): a long first sentence is no lead
        # phrase; its first clause is.
        cut = min((k for k in (rest.find("，"), rest.find(",")) if k > 0), default=-1)
        if cut > 0:
            lead, body = rest[:cut], rest[cut + 1 :]
    body, responsibility, departments = split_departments(body)
    kind = SECTION if num.rank <= Rank.CN else MEASURE
    node = state.node(
        kind, i, last, marker=num.marker, number=num.number, title=lead, text=body,
        responsibility=responsibility, departments=departments,
    )
    # 一、/（一） headings with an inline body stay headings for now; tree.py decides.
    return [Block(node, rank=num.rank, inline=True, seq=num.value)], last + 1


def rule_table_note(state: ParseState, i: int, silent: bool) -> bool:
    """A table's note (``注：…``) away from its table: read as a paragraph, but one that starts
    here, never the tail of the line before."""
    if not pt.TABLE_NOTE_RE.match(state.lines[i].text):
        return False
    return rule_paragraph(state, i, silent)


def rule_dash_lead(state: ParseState, i: int, silent: bool) -> bool:
    """``——加快培育高质量发展新动能。…``: a dash opens a measure (the paragraph rule reads it), never
    the tail of the line before."""
    if not pt.DASH_LEAD_RE.match(state.lines[i].text):
        return False
    return rule_paragraph(state, i, silent)


def rule_paragraph(state: ParseState, i: int, silent: bool) -> bool:
    """Any other line: a paragraph, or a measure when it leads with a short phrase (bold, a first
    sentence, a label before a colon) or a dash. Always claims."""
    if silent:
        return True
    line = state.lines[i]
    # A file does not start mid-sentence: its first line of text stands alone (an untitled
    # memo's heading), later lines that end mid-sentence were cut by a page break.
    if state.content_started and not line.md_heading:  # a markdown heading is a line of its own
        text, last, extra = take_continuations(state, i, line.text)
    else:
        text, last, extra = line.text, i, []
    bold = line.bold + extra
    marker = ""
    m = pt.DASH_LEAD_RE.match(text) or pt.LABEL_LEAD_RE.match(text)
    if m and text[m.end() :]:
        marker = m.group(0).strip()
        bold = shift_spans(bold, m.end())
        text = text[m.end() :]
    lead, body = split_lead(text, bold)
    s = state.settings
    bold_lead = bool(bold) and bold[0][0] <= 1
    colon = colon_lead(text, s.colon_lead_max_chars)
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
        return state.claim([Block(state.node(PARAGRAPH, i, last, text=text, marker=marker))], last + 1)
    body, responsibility, departments = split_departments(body)
    node = state.node(
        MEASURE, i, last, marker=marker, title=lead, text=body,
        responsibility=responsibility, departments=departments,
    )
    return state.claim([Block(node)], last + 1)


_BOTH = ("paragraph", "title")
# The rules in the order they are tried: the first that claims a line wins. The last column says
# which runs a line the rule opens may interrupt: a paragraph (its sentence cut by a page break
# never continues there) and a title broken over lines (nor does the title). A title, a
# signature and a repeated copy look beyond their line, so they interrupt paragraphs only.
RULES: tuple[Rule, ...] = (
    Rule("duplicate", rule_duplicate, ("paragraph",)),
    Rule("source", rule_source, _BOTH),
    Rule("web_meta", rule_web_meta, _BOTH),
    Rule("toc", rule_toc, _BOTH),
    Rule("line_patterns", rule_line_patterns, _BOTH),
    Rule("order", rule_order, _BOTH),
    Rule("nav_bar", rule_nav_bar),
    Rule("cc", rule_cc, _BOTH),
    Rule("title", rule_title, ("paragraph",)),
    Rule("appendix", rule_appendix, _BOTH),
    Rule("appendix_ref", rule_appendix_ref, _BOTH),
    Rule("org_line", rule_org_line, ("paragraph",)),
    Rule("column", rule_column, _BOTH),
    Rule("table", rule_table, _BOTH),
    Rule("flat_table", rule_flat_table, _BOTH),
    Rule("preface", rule_preface, _BOTH),
    Rule("chapter_article", rule_chapter_article, _BOTH),
    Rule("numbered", rule_numbered, _BOTH),
    Rule("table_note", rule_table_note, _BOTH),
    Rule("dash_lead", rule_dash_lead, _BOTH),
    Rule("paragraph", rule_paragraph),
)
_RULE_FNS = tuple(rule.fn for rule in RULES)
# Each rule's name → the rules that may interrupt it, in table order (markdown-it-py's chains).
_INTERRUPTERS: Mapping[str, tuple[RuleFn, ...]] = MappingProxyType(
    {name: tuple(r.fn for r in RULES if name in r.interrupts) for name, *_ in RULES}
)


def apply_rules(state: ParseState, tick: Callable[[int], None] | None = None) -> list[Block]:
    """Apply the rules from the first line to the last (``tick`` hears how far it got); returns
    the state's blocks."""
    front_matter(state)
    lines = state.lines
    i, n = state.line, len(lines)
    next_tick = 2000
    while i < n:
        if tick is not None and i >= next_tick:
            tick(i)
            next_tick = i + 2000
        if lines[i].blank:
            i += 1
            continue
        start = len(state.blocks)
        for rule in _RULE_FNS:
            if rule(state, i, False):
                break
        else:  # pragma: no cover - the paragraph rule always claims
            state.line = i + 1
        if any(b.node.kind not in (FURNITURE, METADATA) for b in state.blocks[start:]):
            state.content_started = True
        i = state.line
    if tick is not None:
        tick(n)
    state.blocks[:] = split_run_in_headings(state.blocks)
    return state.blocks


def split_run_in_headings(blocks: list[Block]) -> list[Block]:
    """A ``一、`` heading a source ran into the end of a paragraph (``…强大合力。二、重点任务``) split
    off as the heading it is — only where it is the heading the document's ``一、`` numbering
    expects next and the document does not print that heading on its own line as well."""
    out: list[Block] = []
    expected: int | None = None  # the value of the next 一、 heading
    for k, b in enumerate(blocks):
        if b.boundary == "title":
            expected = None
        if b.rank == Rank.CN and b.seq is not None:
            expected = b.seq + 1
        node = b.node
        m = pt.RUN_IN_HEADING_RE.search(node.text) if node.kind in (PARAGRAPH, MEASURE) else None
        num = match_numbering(m.group(1)) if m else None
        if m is None or num is None or num.rank != Rank.CN or expected is None or num.value != expected:
            out.append(b)
            continue
        if any(later.rank == Rank.CN and later.seq == num.value for later in blocks[k + 1 :]):
            out.append(b)  # printed on its own line too: a reference, not the heading
            continue
        node.text = node.text[: m.start()]
        heading = Node(SECTION, number=num.number, marker=num.marker, title=m.group(1)[num.offset :].strip(),
                       line_start=node.line_end, line_end=node.line_end, page=node.page)
        out += [b, Block(heading, rank=Rank.CN, seq=num.value)]
        expected = num.value + 1
    return out


def lines_to_blocks(lines: Sequence[Line], settings: ParseSettings | None = None) -> list[Block]:
    """Turn source lines into a flat list of blocks (see module docstring)."""
    return apply_rules(lines_to_state(lines, settings))
