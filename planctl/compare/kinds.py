"""The closed sets of the matcher: which group an item is compared in, a pair's status, which
side a node is on, how sure a pair is. String enums: each member equals its value (``"left"``),
so JSON, CSV and comparisons with plain strings see the same text as before.

Example::

    >>> PairStatus.LEFT_ONLY == "left_only", f"{Side.LEFT}", Side.LEFT.other
    (True, 'left', <Side.RIGHT: 'right'>)
"""

from __future__ import annotations

from enum import Enum


class Choice(str, Enum):
    """A string enum whose ``str()`` and ``format()`` are its value on every Python version."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class ItemGroup(Choice):
    """Only items of one group are compared with each other (a leaf heading with both)."""

    HEADING = "heading"
    """A chapter, section or appendix with measures, boxes or sub-sections under it."""
    LEAF = "leaf"
    """A section over running text only: a measure in all but form."""
    MEASURE = "measure"
    """A measure, a 专栏 item or a regulation's 第X条."""
    COLUMN = "column"
    """A 专栏 box as a whole."""


class PairStatus(Choice):
    """What a diff says of a pair."""

    MATCHED = "matched"
    """Paired, the same content."""
    CHANGED = "changed"
    """Paired, the content differs."""
    LEFT_ONLY = "left_only"
    RIGHT_ONLY = "right_only"
    GROUPED = "grouped"
    """A heading that corresponds to several of the other plan's headings."""


class Side(Choice):
    """The plan a node belongs to."""

    LEFT = "left"
    RIGHT = "right"

    @property
    def other(self) -> Side:
        return Side.RIGHT if self is Side.LEFT else Side.LEFT


class Label(Choice):
    """How sure planctl is of a pair, from its calibrated confidence."""

    STRONG = "strong"
    LIKELY = "likely"
    WEAK = "weak"
