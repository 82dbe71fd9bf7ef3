"""What two aligned texts share word for word: the longest common runs of Han characters.

Punctuation and spaces are left out before comparing (a full-width and a half-width comma, a
line break inside a sentence, do not cut a run); a run counts when it holds at least
``MIN_RUN`` Han characters. Offsets point into the original texts, so views can highlight them.

Example::

    >>> a = "加强就业政策与财税、金融、产业等经济政策的配套衔接。"
    >>> b = "推动加强就业政策与财税,金融,产业等经济政策配套衔接"
    >>> [(p.text, p.length) for p in shared_passages(a, b)]
    [('加强就业政策与财税、金融、产业等经济政策', 18)]
    >>> relation_of(0.8), relation_of(0.3), relation_of(0.0)
    ('same', 'adapted', 'related')
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from planctl.cjk import han_count, is_han
from planctl.settings import MatchSettings

MIN_RUN = MatchSettings().min_run
"""Han characters a shared run must hold, by default (:attr:`MatchSettings.min_run`)."""


@dataclass
class Passage:
    """A run both texts hold: ``[left_start, left_end)`` and ``[right_start, right_end)`` are
    offsets in the two original texts; ``length`` counts its Han characters."""

    text: str
    length: int
    left_start: int
    left_end: int
    right_start: int
    right_end: int

    def to_dict(self) -> dict[str, object]:
        return {"text": self.text, "length": self.length, "left": [self.left_start, self.left_end],
                "right": [self.right_start, self.right_end]}


def _han_only(text: str) -> tuple[str, list[int]]:
    """The Han characters (and digits, Latin letters) of ``text`` and each one's offset."""
    chars, offsets = [], []
    for k, ch in enumerate(text):
        if is_han(ch) or ch.isalnum():
            chars.append(ch)
            offsets.append(k)
    return "".join(chars), offsets


def shared_passages(left: str, right: str, min_run: int = MIN_RUN) -> list[Passage]:
    """Runs of at least ``min_run`` Han characters both texts hold, longest first, not overlapping."""
    a, aoff = _han_only(left)
    b, boff = _han_only(right)
    if len(a) < min_run or len(b) < min_run:
        return []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    out: list[Passage] = []
    for block in matcher.get_matching_blocks():
        if block.size < min_run:
            continue
        ls, le = aoff[block.a], aoff[block.a + block.size - 1] + 1
        rs, re_ = boff[block.b], boff[block.b + block.size - 1] + 1
        han = han_count(a[block.a:block.a + block.size])
        if han >= min_run:
            out.append(Passage(left[ls:le], han, ls, le, rs, re_))
    return sorted(out, key=lambda p: (-p.length, p.left_start))


def shared_share(passages: list[Passage], left: str, right: str) -> float:
    """Share of the shorter text (in Han characters) covered by the passages."""
    shorter = min(han_count(left), han_count(right))
    return min(1.0, sum(p.length for p in passages) / shorter) if shorter else 0.0


def relation_of(share: float, settings: MatchSettings | None = None) -> str:
    """``same`` (mostly shared text), ``adapted`` (partly) or ``related`` (other words)."""
    s = settings or MatchSettings()
    if share >= s.same_share:
        return "same"
    return "adapted" if share >= s.adapted_share else "related"
