"""A body printed twice: web pages often carry the text in a main block and again in a print
block, so a copy holds every paragraph twice in a row. The second copy is found as a long run
of lines repeating an earlier run in the same order (punctuation and spacing ignored) and kept
as furniture, so the document is read once.

Short repeats are normal — a title printed twice, a notice's sentence restated as the plan's
preamble — so a run counts only from :data:`MIN_LINES` lines and :data:`MIN_CHARS` characters.

Example::

    >>> body = [f"第{k}段，内容足够长的一句话，说明一项具体的工作安排和要求。" for k in range(8)]
    >>> repeated_runs(["标题", *body, *body])
    [(9, 16, 1)]
"""

from __future__ import annotations

from collections.abc import Sequence

from planctl.cjk import words_only

MIN_LINES = 5
"""A repeated run shorter than this many non-blank lines is left alone."""
MIN_CHARS = 200
"""… and so is one holding fewer characters."""
_ANCHOR_CHARS = 4  # lines shorter than this (blank, "一、", "目录") never start a run
_CANDIDATES = 8  # earlier copies of a line tried as the start of the original (keeps huge files linear)


def repeated_runs(texts: Sequence[str]) -> list[tuple[int, int, int]]:
    """``(first, last, original)`` index ranges of lines that repeat the run starting at ``original``."""
    keyed = [(k, words_only(t)) for k, t in enumerate(texts) if t.strip()]
    seen: dict[str, list[int]] = {}
    runs: list[tuple[int, int, int]] = []
    p = 0
    while p < len(keyed):
        key = keyed[p][1]
        length, chars, origin = 0, 0, -1
        if len(key) >= _ANCHOR_CHARS:
            for q in seen.get(key, [])[-_CANDIDATES:]:
                n, c = 0, 0
                while p + n < len(keyed) and q + n < p and keyed[q + n][1] == keyed[p + n][1]:
                    c += len(keyed[p + n][1])
                    n += 1
                if n > length:
                    length, chars, origin = n, c, q
        if length >= MIN_LINES and chars >= MIN_CHARS:
            runs.append((keyed[p][0], keyed[p + length - 1][0], keyed[origin][0]))
            p += length
            continue
        seen.setdefault(key, []).append(p)
        p += 1
    return runs
