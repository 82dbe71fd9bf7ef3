"""Tables: rows of cells, with the breakage OCR and copy-paste leave behind.

A table arrives as tab-separated lines (text copies, markdown pipe tables, and the rows the Word
and web-page readers write), or flattened one cell per line. Repairs, each seen in real plans
(DOMAIN.md):

* a row split over several lines: ``8\\t`` / ``企业劳动合同签订率`` / ``%\\t>95\\t>95``;
* the row number on a line of its own: ``10`` / ``技能劳动者总量\\t万人\\t42\\t预期性``;
* blank lines inside a table;
* a cell with the rest of its row glued on (``城镇就业占比%65左右预期性\\t%\\t65左右\\t预期性``):
  the duplicate is cut off the cell and kept as a furniture child, so nothing is lost;
* empty cells keep their column: ``\\t2\\t…`` (a merged 类别 cell left empty) starts in the
  second column, ``1\\t…\\t%\\t\\t`` ends with two empty cells;
* a group row (``经济发展`` alone between the rows of a table of three or more columns) is a
  row of one cell, not the end of the table;
* a table flattened one cell per line (:func:`lines_to_flat_table`): the header's cells
  (``类别`` / ``序号`` / ``指标`` / ``单位`` / ``属性`` / ``目标值``) each on a line, then each
  row's cells, rows apart by a blank line. Rows under a merged cell are shorter (ragged); they
  are kept as printed and aligned when read as indicators (:mod:`planctl.indicators`).

Example::

    >>> from planctl.model import Line
    >>> from planctl.parse.clean import clean_line
    >>> lines = [clean_line(Line(k, t)) for k, t in enumerate(["序号\\t指标\\t单位", "10", "技能劳动者总量\\t万人"], 1)]
    >>> lines_to_table(lines, 0)[0].rows
    [['序号', '指标', '单位'], ['10', '技能劳动者总量', '万人']]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from planctl.model import FURNITURE, TABLE, Node
from planctl.parse import patterns as pt
from planctl.parse.clean import CleanLine
from planctl.parse.numbering import match_numbering
from planctl.settings import ParseSettings

_DEFAULT_SETTINGS = ParseSettings()


def _cells(text: str) -> list[str]:
    cells = [c.strip() for c in text.split("\t")]
    while cells and not cells[-1]:
        cells.pop()
    while cells and not cells[0]:
        cells.pop(0)
    return cells


def _line_cells(line: CleanLine) -> list[str]:
    """A tab line's cells, the empty cells before its text kept in their columns."""
    return [""] * line.lead_cells + _cells(line.text)


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


@dataclass
class _Fragment:
    """A physical line of a table: its cells, and how it leaves its row."""

    index: int
    cells: list[str]
    open: bool = False
    """The row goes on on the next line (``8\\t``, a row number alone, a cell alone)."""
    complete: bool = False
    """The line is a whole row by itself (all its columns, or a group row)."""


def _lone_cell(line: CleanLine, settings: ParseSettings) -> bool:
    """A line that may stand as one table cell: short, no sentence, no heading, no note, no box."""
    text = line.text
    return bool(
        text and len(text) <= settings.table_cell_max_chars and "\t" not in text and not line.md_heading
        and not any(c in text for c in "。；;") and not pt.TABLE_NOTE_RE.match(text) and not pt.COLUMN_RE.match(text)
        and match_numbering(text) is None
    )


def _collect(lines: Sequence[CleanLine], i: int, settings: ParseSettings) -> tuple[list[_Fragment], int]:
    """The table's physical lines as fragments; returns them and the last index."""
    fragments: list[_Fragment] = []
    last = i
    j = i
    width = len(_line_cells(lines[i]))
    pending = 0  # cells gathered for the row being assembled
    while j < len(lines):
        line = lines[j]
        if line.blank:
            j += 1
            continue
        text = line.text
        if "\t" in text or line.trailing_tab:
            cells = _line_cells(line)
            complete = pending == 0 and len(cells) < width <= len(cells) + line.trail_cells
            if complete:  # "1\t…\t%\t\t": its last cells are empty, not on the next line
                cells += [""] * (width - len(cells))
            frag = _Fragment(j, cells, open=line.trailing_tab and not complete, complete=complete)
        else:
            k = next_nonblank(lines, j + 1)
            nxt = lines[k] if k < len(lines) else None
            nxt_tab = nxt is not None and "\t" in nxt.text
            after_open = bool(fragments) and fragments[-1].open and 0 < pending < width
            if (pt.BARE_INT_RE.match(text) and nxt_tab) or (after_open and not _ends_table(text)):
                frag = _Fragment(j, [text], open=True)  # a row number, or the next cell of a row left open
            elif (width >= 3 and nxt_tab and nxt is not None and _lone_cell(line, settings)
                  and not _is_header(_line_cells(nxt))):
                # a row of one cell between rows: a group row ("经济发展" above its rows), or the
                # last cell of the row above (which the reader of its cells tells apart)
                frag = _Fragment(j, [text], complete=True)
            elif 0 < pending < width and not _ends_table(text):
                frag = _Fragment(j, [text], open=True)  # the last cells of the table's last row
            else:
                break
        fragments.append(frag)
        last = j
        pending = pending + len(frag.cells) if 0 < pending < width else len(frag.cells)
        if pending >= width or frag.complete:
            pending = 0
        j += 1
    return fragments, last


def _ends_table(text: str) -> bool:
    return bool(pt.TABLE_NOTE_RE.match(text) or pt.COLUMN_RE.match(text)) or "。" in text


def _assemble(fragments: list[_Fragment], width: int) -> tuple[list[list[str]], list[int]]:
    """Rows of cells, and the index of the line each row starts on."""
    rows: list[list[str]] = []
    starts: list[int] = []
    current: list[str] = []
    is_open = False
    for frag in fragments:
        cells = frag.cells
        overflow = len(current) + len(cells) > width
        if current and (frag.complete or (overflow and (not is_open or len(cells) >= width - 1))):
            rows.append(current)  # a complete-looking row starts: close the short one
            current = []
        if not current:
            starts.append(frag.index)
        current.extend(cells)
        is_open = frag.open
        if len(current) >= width or frag.complete:
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


def _with_note(table: Node, lines: Sequence[CleanLine], last: int) -> int:
    """Take the note printed under the table (``注：〔 〕表示五年累计数。``); returns the last index."""
    k = next_nonblank(lines, last + 1)
    if k < len(lines) and pt.TABLE_NOTE_RE.match(lines[k].text):
        table.note = lines[k].text
        table.line_end = lines[k].number
        return k
    return last


def lines_to_table(lines: Sequence[CleanLine], i: int, settings: ParseSettings | None = None) -> tuple[Node, int]:
    """Read the table that starts at line ``i``; returns the node and its last line index."""
    fragments, last = _collect(lines, i, settings or _DEFAULT_SETTINGS)
    width = len(fragments[0].cells) if fragments else 0
    rows, starts = _assemble(fragments, width)
    table = Node(kind=TABLE, line_start=lines[i].number, line_end=lines[last].number, page=lines[i].page)
    table.rows = rows
    table.row_lines = [lines[k].number for k in starts]
    table.header = _is_header(rows[0]) if rows else False
    table.children = _unglue(rows[1:] if table.header else rows, lines[i].number, lines[last].number)
    return table, _with_note(table, lines, last)


# ---- tables flattened one cell per line ------------------------------------------------------
def flat_header(lines: Sequence[CleanLine], i: int) -> int:
    """The index after the header of a table flattened one cell per line that starts at ``i``
    (``i`` when there is none): three or more header cells on consecutive lines, among them the
    indicator's name and a value column (``指标`` and ``2025年`` / ``目标值``)."""
    if not pt.TABLE_HEAD_CELL_RE.match(lines[i].text):  # the cheap test first: most lines fail it
        return i
    j = i
    while j < len(lines) and not lines[j].blank and "\t" not in lines[j].text and pt.TABLE_HEAD_CELL_RE.match(
            lines[j].text):
        j += 1
    head = [line.text for line in lines[i:j]]
    if (len(head) < 3 or not any(pt.TABLE_NAME_HEAD_RE.search(c) for c in head)
            or not any(pt.TABLE_VALUE_HEAD_RE.search(c) for c in head)):
        return i
    return j


def _flat_runs(lines: Sequence[CleanLine], j: int, settings: ParseSettings) -> list[list[int]]:
    """Runs of consecutive cell lines from ``j`` (a blank line between runs), up to the first
    line that is no cell or opens another flattened table. A lone cell at the end is not a row
    (a group row stands above rows): it is left to the text after the table."""
    runs: list[list[int]] = []
    run: list[int] = []
    while j < len(lines):
        line = lines[j]
        if line.blank:
            if run:
                runs.append(run)
                run = []
        elif _lone_cell(line, settings) and flat_header(lines, j) == j:
            run.append(j)
        else:
            break
        j += 1
    if run:
        runs.append(run)
    while runs and len(runs[-1]) == 1:
        runs.pop()
    return runs


def _split_run(run: list[int], texts: list[str], width: int, seq_col: int | None) -> list[list[int]]:
    """A run of cell lines as rows. A run holding one row number, or no longer than the header,
    is one row (shorter when a merged cell of the rows above covers some of its columns, longer
    when a cell wrapped onto two lines); a run of several rows (no blank line between them) is
    cut before each row number counting up, the cells past a full row going to the next row
    (its 类别) — or, in a table without row numbers, every ``width`` cells."""
    if len(run) <= width:
        return [run]
    if seq_col is None:
        if len(run) < 2 * width - 2:  # shorter than two rows, each short of a merged cell
            return [run]
        return [run[k : k + width] for k in range(0, len(run), width)]
    own = width - seq_col  # a full row's cells from its number on
    starts: list[int] = []
    expected: int | None = None
    for k, index in enumerate(run):
        text = texts[index]
        if (pt.BARE_INT_RE.match(text) and (expected is None or int(text) == expected)
                and (not starts or k - starts[-1] >= max(2, own - 1))):
            starts.append(k)
            expected = int(text) + 1
    if len(starts) < 2:
        return [run]
    rows: list[list[int]] = []
    first = 0
    for n, start in enumerate(starts):
        end = len(run) if n + 1 == len(starts) else min(starts[n + 1], start + own)
        rows.append(run[first:end])
        first = end
    return rows


def lines_to_flat_table(lines: Sequence[CleanLine], i: int,
                        settings: ParseSettings | None = None) -> tuple[Node, int] | None:
    """Read a table flattened one cell per line that starts at ``i`` (see the module docstring);
    None when there is none. Returns the node and its last line index.

        >>> from planctl.model import Line
        >>> from planctl.parse.clean import clean_line
        >>> text = "序号\\n指标\\n目标值\\n\\n1\\n城镇新增就业\\n〔30〕\\n\\n2\\n城镇调查失业率\\n≤5.5"
        >>> lines = [clean_line(Line(k, t)) for k, t in enumerate(text.split("\\n"), 1)]
        >>> lines_to_flat_table(lines, 0)[0].rows
        [['序号', '指标', '目标值'], ['1', '城镇新增就业', '〔30〕'], ['2', '城镇调查失业率', '≤5.5']]
    """
    settings = settings or _DEFAULT_SETTINGS
    head_end = flat_header(lines, i)
    if head_end == i:
        return None
    header = [line.text for line in lines[i:head_end]]
    width = len(header)
    runs = _flat_runs(lines, head_end, settings)
    if not any(len(run) >= 2 for run in runs):
        return None
    texts = [line.text for line in lines]
    seq_col = next((k for k, c in enumerate(header) if c in ("序号", "编号")), None)
    rows = [row for run in runs for row in _split_run(run, texts, width, seq_col)]
    last = rows[-1][-1]
    table = Node(kind=TABLE, line_start=lines[i].number, line_end=lines[last].number, page=lines[i].page,
                 header=True)
    table.rows = [header] + [[texts[k] for k in row] for row in rows]
    table.row_lines = [lines[i].number] + [lines[row[0]].number for row in rows]
    return table, _with_note(table, lines, last)
