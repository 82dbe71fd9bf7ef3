"""A table's grid of cells as lines for the text parser: what the Word and web-page readers share.

A grid arrives with its merged cells spread out: a cell merged down the rows (Word's
``vMerge``, HTML's ``rowspan``) repeats its text in each row it covers, a cell merged across
columns (``gridSpan``, ``colspan``) is written once and the columns it covers are left empty.
Each row becomes a tab-separated line, all its columns kept (``\\t2\\t…`` when the first is
empty). A row holding one cell is different: above the table's first row of several cells it
is the table's caption (``表1 “十四五”时期经济社会发展主要指标``), and a note (``注：〔〕内为五年
累计数。``) is the table's note wherever it stands — both are written as lines of text, so that
the parser reads them as a title and a note; one between the rows (``经济发展``) stays a row.

Example::

    >>> grid_to_lines([["表1 主要指标", "", ""], ["指标", "2020年", "2025年"], ["经济发展", "", ""],
    ...                ["", "6", "6左右"], ["注：〔〕内为五年累计数。", "", ""]])
    ['表1 主要指标', '指标\\t2020年\\t2025年', '经济发展\\t\\t', '\\t6\\t6左右', '注：〔〕内为五年累计数。']
"""

from __future__ import annotations

from planctl.conventions import TABLE_NOTE_RE


def grid_to_lines(rows: list[list[str]], *, empty_rows: bool = False) -> list[str]:
    """The lines of a table's rows (see the module docstring); an empty row is a blank line
    with ``empty_rows`` (Word: a line a row), else left out."""
    out: list[str] = []
    started = False  # a row of several cells has been written
    for row in rows:
        filled = [c for c in row if c]
        if not filled:
            if empty_rows:
                out.append("")
            continue
        if len(filled) == 1 and (not started or TABLE_NOTE_RE.match(filled[0]) or len(row) == 1):
            out.append(filled[0])
            continue
        started = True
        out.append("\t".join(row))
    return out
