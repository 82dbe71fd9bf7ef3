"""Tab-separated tables: rows of cells, with the breakage OCR and copy-paste leave behind.

Repairs, each seen in real plans (DOMAIN.md):

* a row split over several lines: ``8\\t`` / ``企业劳动合同签订率`` / ``%\\t>95\\t>95``;
* the row number on a line of its own: ``10`` / ``技能劳动者总量\\t万人\\t42\\t预期性``;
* blank lines inside a table;
* a cell with the rest of its row glued on (``城镇就业占比%65左右预期性\\t%\\t65左右\\t预期性``):
  the duplicate is cut off the cell and kept as a furniture child, so nothing is lost.

Example::

    >>> from planctl.model import Line
    >>> from planctl.parse.clean import clean_line
    >>> lines = [clean_line(Line(k, t)) for k, t in enumerate(["序号\\t指标\\t单位", "10", "技能劳动者总量\\t万人"], 1)]
    >>> lines_to_table(lines, 0)[0].rows
    [['序号', '指标', '单位'], ['10', '技能劳动者总量', '万人']]
"""

from __future__ import annotations

from collections.abc import Sequence

from planctl.model import FURNITURE, TABLE, Node
from planctl.parse import patterns as pt
from planctl.parse.clean import CleanLine


def _cells(text: str) -> list[str]:
    cells = [c.strip() for c in text.split("\t")]
    while cells and not cells[-1]:
        cells.pop()
    while cells and not cells[0]:
        cells.pop(0)
    return cells


def _is_header(cells: list[str]) -> bool:
    """A header row has no numeric cell (``序号 指标名称 2020年基数 …`` has digits inside words)."""
    return bool(cells) and not any(pt.BARE_INT_RE.match(c) or _looks_numeric(c) for c in cells)


def _looks_numeric(cell: str) -> bool:
    stripped = cell.strip("〔〕[]()（）<>≤≥≈%~ ")
    return bool(stripped) and all(ch.isdigit() or ch in ".-" for ch in stripped)


def next_nonblank(lines: Sequence[CleanLine], i: int) -> int:
    """Index of the first line at or after ``i`` with text (``len(lines)`` when none)."""
    while i < len(lines) and lines[i].blank:
        i += 1
    return i


def _collect(lines: Sequence[CleanLine], i: int) -> tuple[list[tuple[int, list[str]]], int]:
    """The table's physical lines as (line index, cells); returns them and the last index."""
    fragments: list[tuple[int, list[str]]] = []
    last = i
    j = i
    width = len(_cells(lines[i].text))
    pending = 0  # cells gathered for the row being assembled
    while j < len(lines):
        line = lines[j]
        if line.blank:
            j += 1
            continue
        text = line.text
        if "\t" in text or line.trailing_tab:
            cells = _cells(text)
        else:
            k = next_nonblank(lines, j + 1)
            nxt_tab = k < len(lines) and "\t" in lines[k].text
            row_open = 0 < pending < width
            # A bare row number, or a fragment of a row still missing cells.
            if not ((pt.BARE_INT_RE.match(text) and nxt_tab) or (row_open and not _ends_table(text))):
                break
            cells = [text]
        fragments.append((j, cells))
        last = j
        pending = pending + len(cells) if 0 < pending < width else len(cells)
        if pending >= width:
            pending = 0
        j += 1
    return fragments, last


def _ends_table(text: str) -> bool:
    return bool(pt.TABLE_NOTE_RE.match(text) or pt.COLUMN_RE.match(text)) or "。" in text


def _assemble(fragments: list[tuple[int, list[str]]], width: int) -> tuple[list[list[str]], list[int]]:
    """Rows of cells, and the index of the line each row starts on."""
    rows: list[list[str]] = []
    starts: list[int] = []
    current: list[str] = []
    for index, cells in fragments:
        if current and len(current) + len(cells) > width and len(cells) >= width - 1:
            rows.append(current)  # a complete-looking row starts: close the short one
            current = []
        if not current:
            starts.append(index)
        current.extend(cells)
        if len(current) >= width:
            rows.append(current)
            current = []
    if current:
        rows.append(current)
    return rows, starts


def _unglue(rows: list[list[str]], first: int, last: int) -> list[Node]:
    """Cut duplicated row text off cells that end with the rest of their row."""
    dups: list[Node] = []
    for r, row in enumerate(rows):
        for c in range(len(row) - 1):
            tail = "".join(row[c + 1 :])
            if len(tail) >= 2 and row[c].endswith(tail) and len(row[c]) > len(tail):
                row[c] = row[c][: -len(tail)]
                dups.append(Node(kind=FURNITURE, role="ocr_duplicate", text=tail, path=f"row {r + 1}",
                                 line_start=first, line_end=last))
                break
    return dups


def lines_to_table(lines: Sequence[CleanLine], i: int) -> tuple[Node, int]:
    """Read the table that starts at line ``i``; returns the node and its last line index."""
    fragments, last = _collect(lines, i)
    width = len(fragments[0][1]) if fragments else 0
    rows, starts = _assemble(fragments, width)
    table = Node(kind=TABLE, line_start=lines[i].number, line_end=lines[last].number, page=lines[i].page)
    table.rows = rows
    table.row_lines = [lines[k].number for k in starts]
    table.header = _is_header(rows[0]) if rows else False
    table.children = _unglue(rows[1:] if table.header else rows, lines[i].number, lines[last].number)
    # The note printed under the table ("注：〔 〕表示五年累计数。").
    k = next_nonblank(lines, last + 1)
    if k < len(lines) and pt.TABLE_NOTE_RE.match(lines[k].text):
        table.note = lines[k].text
        table.line_end = lines[k].number
        last = k
    return table, last
