"""Numbering styles (GB/T 9704): one table of (pattern, rank, value), and the heading ranks.

A heading's rank says how deep it sits: smaller is higher. ``第一编`` is above ``第一章``, which is
above ``一、``, ``（一）``, ``1.``, ``（1）`` and ``①``. A style's pattern captures the marker's number
and the text after it; its value reads the number as an int (for consecutive-item checks) and its
number spells it the way paths show it.

Example::

    >>> n = match_numbering("（十三）稳定脱贫劳动力务工规模。")
    >>> n.rank.name, n.marker, n.number, n.value, n.rest
    ('PAREN_CN', '（十三）', '（十三）', 13, '稳定脱贫劳动力务工规模。')
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

from planctl.cjk import cn_to_int
from planctl.parse import patterns as pt


class Rank(IntEnum):
    """Heading ranks: smaller is higher. Unnumbered headings (前言) take the document's top rank,
    resolved in :mod:`planctl.parse.tree`; an appendix (附件) sits above everything, so all that
    follows it is inside it."""

    APPENDIX = -1
    TOP = 0
    BOOK = 1
    CHAPTER = 2
    PART = 3
    ARTICLE = 4
    CN = 5
    PAREN_CN = 6
    ARABIC = 7
    PAREN_ARABIC = 8
    CIRCLED = 9


_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def _ordinal_value(number: str) -> int | None:
    """``第十二章`` → 12."""
    return cn_to_int(number.strip("第章节条编部分"))


def _circled_value(number: str) -> int | None:
    """``③`` → 3."""
    return _CIRCLED.index(number) + 1


def _as_printed(number: str) -> str:
    return number


def _in_parens(number: str) -> str:
    """``(一)`` and ``（一）`` are one number: ``（一）``."""
    return f"（{number}）"


def _arabic(number: str) -> str:
    """``０３`` → ``3``."""
    return str(cn_to_int(number))


def _arabic_in_parens(number: str) -> str:
    return f"（{cn_to_int(number)}）"


@dataclass(frozen=True)
class NumberingStyle:
    """One way of numbering headings: its pattern, its rank and how its number is read."""

    pattern: re.Pattern[str]
    """Matches at the start of a line; group 1 is the number, group 2 the text after the marker."""
    rank: Rank
    """How deep a heading so numbered sits."""
    value: Callable[[str], int | None]
    """The number as an int (``十三`` → 13), for consecutive-item checks."""
    number: Callable[[str], str]
    """The number as paths show it (``(一)`` → ``（一）``, ``０３`` → ``3``)."""
    needs_text: bool = False
    """The marker alone on its line is no heading (``一、``)."""


# Tried in order; the first that matches decides.
NUMBERING: tuple[NumberingStyle, ...] = (
    NumberingStyle(pt.BOOK_RE, Rank.BOOK, _ordinal_value, _as_printed),
    NumberingStyle(pt.CHAPTER_RE, Rank.CHAPTER, _ordinal_value, _as_printed),
    NumberingStyle(pt.PART_RE, Rank.PART, _ordinal_value, _as_printed),
    NumberingStyle(pt.ARTICLE_RE, Rank.ARTICLE, _ordinal_value, _as_printed),
    NumberingStyle(pt.CN_ITEM_RE, Rank.CN, cn_to_int, _as_printed, needs_text=True),
    NumberingStyle(pt.PAREN_CN_RE, Rank.PAREN_CN, cn_to_int, _in_parens),
    NumberingStyle(pt.ARABIC_RE, Rank.ARABIC, cn_to_int, _arabic),
    NumberingStyle(pt.PAREN_ARABIC_RE, Rank.PAREN_ARABIC, cn_to_int, _arabic_in_parens),
    NumberingStyle(pt.CIRCLED_RE, Rank.CIRCLED, _circled_value, _as_printed),
)


@dataclass
class Numbering:
    """A numbering marker found at the start of a line."""

    rank: Rank
    marker: str
    """The marker as printed, trailing space dropped: ``（十三）``, ``第一章``."""
    number: str
    """The number as paths show it (see :attr:`NumberingStyle.number`)."""
    value: int | None
    rest: str
    """The text after the marker."""
    offset: int
    """Where ``rest`` starts in the line's text."""


def match_numbering(text: str) -> Numbering | None:
    """Recognise a GB/T 9704 numbering marker at the start of ``text``."""
    for style in NUMBERING:
        m = style.pattern.match(text)
        if not m:
            continue
        if style.needs_text and not m.group(2):
            return None  # "一、" alone is not a heading
        num, rest_start = m.group(1), m.start(2)
        return Numbering(style.rank, text[:rest_start].rstrip(), style.number(num), style.value(num), m.group(2),
                         rest_start)
    return None
