"""Reading plans from PDF (pdfplumber) into the same line-based :class:`Source` as text.

Per page: fake-bold duplicate characters removed, text outside ruled tables read as lines
(CJK spacing squeezed, Kangxi radicals normalised to ordinary Han characters), lines that only
wrap at the right margin marked ``wrapped`` (the parser rejoins them), running headers/footers
and page numbers set aside as furniture, and each ruled table written as tab-separated rows
(merged cells filled from their neighbour; a header repeated on the next page dropped) so the
text parser's table rules read it.
Every line keeps its page number.

Example::

    >>> is_page_number("— 5 —"), is_page_number("－12－"), is_page_number("2025")
    (True, True, False)
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, cast

from planctl.cjk import squeeze_spaces
from planctl.env import Environment
from planctl.errors import PlanctlError
from planctl.model import Line, Source

# "— 5 —", "－5－", "- 5 -", "5", "第 5 页", "5/20"
PAGE_NUMBER_RE = re.compile(r"^[\s—–\-－―]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*/\s*\d{1,4})?[\s—–\-－―]*$")
# "(cid:123)": a glyph pdfminer could not map to a character
CID_RE = re.compile(r"\(cid:\d+\)")
# "续表", "续表1": the rest of a table from the previous page
CONTINUED_RE = re.compile(r"^续表\s*\d*$")
# Kangxi radicals and CJK radical supplement: look like Han characters, are not (NFKC fixes them)
_RADICALS_RE = re.compile("[\u2e80-\u2fdf]")

MARGIN_BAND = 0.08  # top/bottom share of the page where running headers and page numbers live
GARBAGE_PAGE = 0.3  # a page whose text is more than this share garbage is reported
GARBAGE_FILE = 0.5  # a file with more than this share of garbage pages fails
MAX_COLUMNS = 12  # a ruled grid with more columns than this and one row of text is a page border


def is_page_number(text: str) -> bool:
    """Page furniture: ``— 5 —``, ``－5－``, ``- 5 -``, ``第5页``, ``5/20`` (not a year)."""
    t = text.strip()
    if not PAGE_NUMBER_RE.match(t):
        return False
    digits = re.sub(r"\D", "", t)
    return not (len(digits) == 4 and t == digits)  # "2025" alone is more likely a year


def normalise_radicals(text: str) -> str:
    """Kangxi radicals (``⼀`` U+2F00) → ordinary Han characters (``一``)."""
    return _RADICALS_RE.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)


def garbage_share(text: str) -> float:
    """Share of a page's characters that are unmapped glyphs or replacement characters."""
    if not text:
        return 0.0
    bad = sum(len(m.group(0)) for m in CID_RE.finditer(text)) + text.count("\ufffd")
    return bad / len(text)


@dataclass
class _Item:
    top: float
    kind: str  # "line" or "table"
    text: str = ""
    x0: float = 0.0
    x1: float = 0.0
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class PdfReport:
    """What reading a PDF found besides the text."""

    pages: int = 0
    furniture: list[Line] = field(default_factory=list)
    """Running headers, footers and page numbers set aside, with their pages."""
    empty_pages: list[int] = field(default_factory=list)
    """Pages without a text layer (scans)."""
    garbage_pages: list[int] = field(default_factory=list)
    """Pages whose text is mostly unmapped glyphs."""


def _fill_merged(rows: list[list[str | None]]) -> list[list[str]]:
    """Merged cells come back as None: a cell merged with its left neighbour (or, first in its
    row, with the one above) repeats its text — once: a longer run stays empty, so a grid that
    merely frames a line never copies it into thirty cells."""
    out: list[list[str]] = []
    for r, row in enumerate(rows):
        filled: list[str] = []
        for c, cell in enumerate(row):
            if cell is None:
                # a two-column span repeats its text; a longer run is a layout grid: left empty
                alone = c > 0 and row[c - 1] is not None and (c + 1 >= len(row) or row[c + 1] is not None)
                if c > 0:
                    cell = filled[c - 1] if alone else ""
                else:
                    cell = out[r - 1][c] if r > 0 and c < len(out[r - 1]) else ""
            filled.append(re.sub(r"\s*\n\s*", "", cell).strip())
        out.append(filled)
    return out


@dataclass
class _Grid:
    """The part of a ruled table that is a table: its rows, and where its cells are."""

    rows: list[list[str]]
    boxes: list[tuple[float, float, float, float]]
    top: float


def _contains(outer: tuple[float, ...], inner: tuple[float, ...]) -> bool:
    return (outer != inner and outer[0] <= inner[0] + 0.5 and outer[1] <= inner[1] + 0.5
            and outer[2] >= inner[2] - 0.5 and outer[3] >= inner[3] - 0.5)


def _grid(table: Any) -> _Grid | None:
    """What of a ruled table is a table. A cell that encloses other cells is a frame around them
    (a 专栏 box, a page border drawn by Word), not a cell: it is read as text. What remains is a
    table only where two or more rows hold two or more cells of distinct text; a grid whose rows
    each hold one line (body text in a bordered page) is text."""
    texts = table.extract()
    cells = [(r, c, bbox) for r, row in enumerate(table.rows) for c, bbox in enumerate(row.cells) if bbox]
    frames = {(r, c) for r, c, bbox in cells if any(_contains(bbox, other) for _, _, other in cells)}
    # A row that is one cell across the whole width (a box's title row) is text, not a table row.
    width = table.bbox[2] - table.bbox[0]
    spanning = 0
    for r, row in enumerate(table.rows):
        spans = [(c, b) for c, b in enumerate(row.cells) if b]
        if len(row.cells) > 1 and len(spans) == 1 and spans[0][1][2] - spans[0][1][0] >= 0.9 * width:
            frames.add((r, spans[0][0]))
            spanning += bool(texts[r][spans[0][0]])
    raw: list[list[str | None]] = []
    for r, row in enumerate(texts):
        raw.append(["" if (r, c) in frames else cell for c, cell in enumerate(row)])
    rows = _fill_merged(raw)
    keep_rows = [r for r, row in enumerate(rows) if any(row)]
    keep_cols = [c for c in range(max((len(row) for row in rows), default=0))
                 if any(c < len(rows[r]) and rows[r][c] for r in keep_rows)]
    grid = [[rows[r][c] if c < len(rows[r]) else "" for c in keep_cols] for r in keep_rows]
    real = [row for row in grid if len({cell for cell in row if cell}) >= 2]
    # Most rows of a table hold two or more cells (a table's last rows continued on a page: its
    # header repeated and one row's rest, half); a bordered page of body text holds one line a row.
    if len(keep_cols) < 2 or len(grid) < 2 or 2 * len(real) < len(grid) + spanning:
        return None
    if len(real) < 2 and len(keep_cols) > MAX_COLUMNS:
        return None
    boxes = [bbox for r, c, bbox in cells if (r, c) not in frames and r in keep_rows]
    return _Grid(grid, boxes, min(b[1] for b in boxes))


_TEXT_TABLES = {"vertical_strategy": "text", "horizontal_strategy": "text"}


def _plausible_text_table(rows: list[list[str]]) -> bool:
    """A table found by text alignment alone is kept only when it looks like one: three or more
    columns, a header without numbers, and mostly rows with two or more filled cells."""
    full = [r for r in rows if sum(bool(c) for c in r) >= 2]
    return (
        len(rows[0]) >= 3
        and len(full) >= 3
        and len(full) >= len([r for r in rows if any(r)]) / 2
        and not any(re.fullmatch(r"[\d.%〔〕<>≤≥≈~-]+", c) for c in rows[0] if c)
    )


def _page_items(page: Any) -> tuple[list[_Item], str]:
    page = page.dedupe_chars()
    grids = [g for t in page.find_tables() if t.rows for g in [_grid(t)] if g is not None]
    if not grids:  # no ruled table: try one aligned by text alone
        grids = [_Grid(rows, [t.bbox], t.bbox[1]) for t in page.find_tables(_TEXT_TABLES) if t.rows
                 for rows in [[r for r in _fill_merged(t.extract()) if any(r)]] if _plausible_text_table(rows)]
    boxes = [b for g in grids for b in g.boxes]

    def outside(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

    text_page = page.filter(outside)
    items = [
        _Item(top=ln["top"], kind="line", text=ln["text"], x0=ln["x0"], x1=ln["x1"])
        for ln in text_page.extract_text_lines(strip=True)
        if ln["text"].strip()
    ]
    items += [_Item(top=g.top, kind="table", rows=g.rows) for g in grids]
    items.sort(key=lambda it: it.top)
    raw = "".join(ch["text"] for ch in page.chars)
    return items, raw


def _repeated_margin_lines(pages: Sequence[tuple[list[_Item], float]]) -> set[str]:
    """Texts that recur in the top/bottom band of most pages: running headers and footers."""
    counts: Counter[str] = Counter()
    for items, height in pages:
        seen = {it.text.strip() for it in items if it.kind == "line"
                and (it.top < height * MARGIN_BAND or it.top > height * (1 - MARGIN_BAND))}
        counts.update(seen)
    needed = max(2, len(pages) // 2)
    return {t for t, n in counts.items() if n >= needed and len(pages) > 1}


def _layout(lines: list[_Item]) -> tuple[float, float, float]:
    """Left margin, paragraph indent position and right edge of a page's body text."""
    if not lines:
        return 0.0, 0.0, 0.0
    left = min(it.x0 for it in lines)
    right = max(it.x1 for it in lines)
    widths = [(it.x1 - it.x0) / max(len(it.text), 1) for it in lines if len(it.text) > 4]
    char = statistics.median(widths) if widths else 12.0
    return left, left + 2 * char, right - 3 * char


def pdf_to_source(path: str | Path | BinaryIO, *, display: str | None = None,
                  env: Environment | None = None) -> tuple[Source, PdfReport]:
    """Read a PDF into a :class:`Source` (plus a report of furniture and unreadable pages)."""
    import pdfplumber

    env = env or Environment()
    shown = display or str(path)
    report = PdfReport()
    pages: list[tuple[list[_Item], float]] = []
    try:
        with pdfplumber.open(cast(Any, path)) as pdf:
            report.pages = len(pdf.pages)
            tick = env.progress("reading PDF", report.pages, unit="pages", minimum=21)
            for number, page in enumerate(pdf.pages, 1):
                items, raw = _page_items(page)
                if not raw.strip():
                    report.empty_pages.append(number)
                elif garbage_share("".join(it.text for it in items if it.kind == "line")) > GARBAGE_PAGE:
                    report.garbage_pages.append(number)
                pages.append((items, float(page.height)))
                tick(number)
    except PlanctlError:
        raise
    except Exception as exc:  # pdfminer raises many kinds of errors on damaged or locked files
        raise _unreadable(shown, exc) from None
    try:
        _check_readable(shown, report)
    except PlanctlError:
        # pdfminer misreads some files PDFium reads (copy-protected ones: an owner password only)
        found = _pdfium_pages(path)
        if found is None:
            raise
        pages, report = found
        _check_readable(shown, report)
        env.warn(f"{shown}: its text layer was read with PDFium (pdfminer could not map its fonts); "
                 "tables are read as lines of text")
    _warn_partial(shown, report, env)
    return _pages_to_source(shown, pages, report), report


def _pdfium_pages(path: str | Path | BinaryIO) -> tuple[list[tuple[list[_Item], float]], PdfReport] | None:
    """The lines of every page as PDFium reads them (no tables), or None when it cannot."""
    try:
        import pypdfium2  # pdfplumber's own dependency

        if not isinstance(path, (str, Path)):
            path.seek(0)
        document = pypdfium2.PdfDocument(path)
    except Exception:  # not installed, or it cannot open the file either
        return None
    report = PdfReport(pages=len(document))
    pages: list[tuple[list[_Item], float]] = []
    try:
        for number, page in enumerate(document, 1):
            items = _pdfium_lines(page)
            text = "".join(it.text for it in items)
            if not text.strip():
                report.empty_pages.append(number)
            elif garbage_share(text) > GARBAGE_PAGE:
                report.garbage_pages.append(number)
            pages.append((items, float(page.get_height())))
    except Exception:
        return None
    finally:
        document.close()
    return pages, report


def _pdfium_lines(page: Any) -> list[_Item]:
    """A page's lines in PDFium's reading order, each with the box of its characters."""
    textpage = page.get_textpage()
    height = float(page.get_height())
    items: list[_Item] = []
    chars: list[str] = []
    boxes: list[tuple[float, float, float, float]] = []

    def end_line() -> None:
        text = "".join(chars).strip()
        if text and boxes:
            items.append(_Item(top=height - max(b[3] for b in boxes), kind="line", text=text,
                               x0=min(b[0] for b in boxes), x1=max(b[2] for b in boxes)))
        chars.clear()
        boxes.clear()

    for k in range(textpage.count_chars()):
        ch = textpage.get_text_range(k, 1)
        if ch in ("", "\r", "\n"):
            end_line()
            continue
        chars.append(ch)
        if not ch.isspace():
            boxes.append(textpage.get_charbox(k))
    end_line()
    return items


def _unreadable(shown: str, exc: Exception) -> PlanctlError:
    """One line for a PDF pdfplumber cannot open: locked, or damaged. (pdfplumber wraps
    pdfminer's error, ``PdfminerException(PDFPasswordIncorrect())``: the cause is looked for
    in what it wraps.)"""
    seen: list[BaseException] = []
    todo: list[BaseException] = [exc]
    while todo and len(seen) < 10:
        err = todo.pop()
        seen.append(err)
        todo += [a for a in err.args if isinstance(a, BaseException)]
        todo += [e for e in (err.__cause__, err.__context__) if e is not None]
    said = " ".join(f"{e.__class__.__name__} {e}" for e in seen).lower()
    if "password" in said or "encrypt" in said:
        return PlanctlError(f"{shown}: the PDF is encrypted (it needs a password to open); "
                            "decrypt it first (e.g. qpdf --password=… --decrypt in.pdf out.pdf)")
    return PlanctlError(f"{shown}: not a readable PDF ({exc.__class__.__name__}); the file may be corrupt")


def _warn_partial(shown: str, report: PdfReport, env: Environment) -> None:
    """Unreadable pages in an otherwise readable file: say which, and go on."""
    if report.empty_pages:
        env.warn(f"{shown}: no text layer on pages {_pages_list(report.empty_pages)} (scanned?); they need OCR")
    if report.garbage_pages:
        env.warn(f"{shown}: unreadable glyphs on pages {_pages_list(report.garbage_pages)}")


def _pages_list(numbers: Sequence[int]) -> str:
    return ", ".join(map(str, numbers[:12])) + (" …" if len(numbers) > 12 else "")


def _check_readable(shown: str, report: PdfReport) -> None:
    if report.pages == 0:
        raise PlanctlError(f"{shown}: the PDF has no pages")
    if len(report.empty_pages) == report.pages:
        raise PlanctlError(
            f"{shown}: no text layer on any page (a scan?); run OCR first, e.g. `ocrmypdf in.pdf out.pdf` "
            f"(pages {_pages_list(report.empty_pages)})"
        )
    if len(report.garbage_pages) > GARBAGE_FILE * report.pages:
        raise PlanctlError(
            f"{shown}: the text layer is mostly unreadable glyphs on pages {_pages_list(report.garbage_pages)}; "
            "run OCR first, e.g. `ocrmypdf --force-ocr in.pdf out.pdf`"
        )


def _continues(previous: Line, row: list[str], page: int) -> bool:
    """Whether ``row``, the first on ``page``, is the rest of ``previous`` (the last row of the
    page before): Word breaks a tall row across pages, leaving its first cells empty."""
    cells = previous.text.split("\t")
    return previous.page is not None and previous.page < page and len(cells) == len(row) and not row[0] \
        and any(row)


def _joined(previous: Line, row: list[str]) -> Line:
    cells = [a + b for a, b in zip(previous.text.split("\t"), row, strict=True)]
    return Line(previous.number, "\t".join(cells), previous.page)


def _pages_to_source(shown: str, pages: list[tuple[list[_Item], float]], report: PdfReport) -> Source:
    repeated = _repeated_margin_lines(pages)
    lines: list[Line] = []
    head_rows: list[list[str]] = []  # the first rows of the table being read (Word repeats them on each page)
    runs_on = False  # the last line reached the right edge: the next may continue it
    open_row: int | None = None  # index in `lines` of the last table row, while nothing follows it
    box_title = ""  # the line above the last table (a box's title row, which Word repeats on each page)

    for number, (items, height) in enumerate(pages, 1):
        body: list[_Item] = []
        for it in items:
            text = it.text.strip()
            in_margin = it.top < height * MARGIN_BAND or it.top > height * (1 - MARGIN_BAND)
            if it.kind == "line" and ((in_margin and (text in repeated or is_page_number(text)))
                                      or CONTINUED_RE.match(text)):
                report.furniture.append(Line(0, text, number))
                continue
            body.append(it)
        left, indent, full = _layout([it for it in body if it.kind == "line"])
        # Word repeats a box's title row (and a table's header row) at the top of each page it runs
        # over: a first line that is a line of the page before is that repeat.
        repeats = {ln.text for ln in lines[-80:] if ln.page == number - 1 and len(ln.text) >= 6} | {box_title}
        for k, it in enumerate(body):
            if k == 0 and it.kind == "line" and normalise_radicals(squeeze_spaces(it.text.strip())) in repeats:
                report.furniture.append(Line(0, it.text.strip(), number))
                continue
            if it.kind == "table":
                rows = it.rows
                continued = bool(head_rows) and bool(rows) and rows[0] == head_rows[0]
                if continued:  # the header (and any heading rows) repeated on a continuation page
                    k = 0
                    while k < len(rows) and k < len(head_rows) and rows[k] == head_rows[k]:
                        k += 1
                    rows = rows[k:]
                else:
                    head_rows = it.rows[:3]
                if rows and open_row is not None and _continues(lines[open_row], rows[0], number):
                    # a row broken across the page: its rest goes back into it
                    lines[open_row] = _joined(lines[open_row], rows[0])
                    rows = rows[1:]
                if open_row is None and lines and "\t" not in lines[-1].text:
                    box_title = lines[-1].text
                base = len(lines)
                lines.extend(Line(base + j + 1, "\t".join(row), number) for j, row in enumerate(rows))
                open_row = len(lines) - 1 if lines and (rows or open_row is not None) else open_row
                runs_on = False
                continue
            text = normalise_radicals(squeeze_spaces(it.text.strip()))
            starts_paragraph = abs(it.x0 - indent) < (indent - left) / 3 if indent > left else False
            lines.append(Line(len(lines) + 1, text, number, wrapped=runs_on and not starts_paragraph))
            open_row = None
            runs_on = it.x1 >= full
            head_rows = [] if it.text.strip() else head_rows
        # a paragraph may go on over the page break: keep `runs_on`
    if not lines:
        raise PlanctlError(f"{shown}: no text found in the PDF")
    return Source(path=shown, encoding="pdf", lines=lines)
