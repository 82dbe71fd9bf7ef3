"""Small helpers for Chinese text that every layer shares: character classes, spacing,
numerals and sentence ends. No planctl imports: this module sits below everything.

Example::

    >>> squeeze_spaces("就业 促进 规划"), cn_to_int("二十三"), is_complete("加强")
    ('就业促进规划', 23, False)
"""

from __future__ import annotations

import re

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
"""Han characters (CJK unified ideographs, extension A, compatibility ideographs), as a regex class body."""
# CJK text and CJK punctuation: spaces next to these are OCR/layout artefacts, not word breaks.
CJK = HAN + r"\u3000-\u303f\uff00-\uffef“”‘’—…·"

# "就业 促进规划", "2020 年基数", "目   录": spaces with CJK on either side
_CJK_SPACE_RE = re.compile(rf"(?<=[{CJK}])[^\S\t\n]+|[^\S\t\n]+(?=[{CJK}])")
HAN_OR_DIGIT_RE = re.compile(rf"[{HAN}0-9０-９]")
# Punctuation and spacing, for comparing texts that differ only in them (，/, 。/.)
_NOT_WORD_RE = re.compile(r"[\s\W_]+")

# Sentence ends that close a paragraph; a line ending otherwise was cut by a page break.
_TERMINAL = (*tuple("。！？；!?;：:…）)"), "。”", "！”", "？”", "。」")


def squeeze_spaces(text: str) -> str:
    """Remove spaces that sit next to CJK characters (``就业 促进`` → ``就业促进``)."""
    return _CJK_SPACE_RE.sub("", text)


def is_han(ch: str) -> bool:
    """Whether ``ch`` is one Han character (the ranges of :data:`HAN`)."""
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF


def han_count(text: str) -> int:
    """How many Han characters ``text`` holds (what lengths and shares of text are counted in)."""
    return sum(map(is_han, text))


def han_digits(text: str) -> str:
    """Only the Han characters and digits of ``text`` (the 'nothing lost' alphabet)."""
    return "".join(HAN_OR_DIGIT_RE.findall(text))


def words_only(text: str) -> str:
    """``text`` without punctuation or spaces: ``“就业”，稳岗。`` → ``就业稳岗``."""
    return _NOT_WORD_RE.sub("", text)


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, with an ellipsis when it was cut."""
    return text[:width] + "…" if len(text) > width else text


def is_complete(text: str) -> bool:
    """Whether ``text`` ends a sentence (so the next line starts a new block)."""
    t = text.rstrip()
    return not t or t.endswith(_TERMINAL)


_CN_DIGITS = {
    "〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}


def cn_to_int(numeral: str) -> int | None:
    """``十八`` → 18, ``二十三`` → 23, ``12`` → 12; None if not a numeral."""
    s = numeral.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if s.isdecimal():  # not isdigit(): "①".isdigit() is True but int("①") fails
        return int(s)
    if not s or any(ch not in _CN_DIGITS and ch not in "十百" for ch in s):
        return None
    total, current = 0, 0
    for ch in s:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = current * 10 + _CN_DIGITS[ch]
    return total + current


def five_year_period_years(period: str) -> tuple[int, int] | None:
    """``十四五`` → (2021, 2025). Five-year plans run 1981–85 (六五) onward without gaps.

        >>> five_year_period_years("十三五")
        (2016, 2020)
    """
    n = cn_to_int(period[:-1]) if period.endswith("五") else None  # "十四五" → 十四 → 14
    if not n or n < 3:
        return None
    start = 1981 + 5 * (n - 6)
    return start, start + 4
