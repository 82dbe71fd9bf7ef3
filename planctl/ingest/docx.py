"""Reading Word documents (.docx) into the same line-based :class:`Source` as text.

python-docx opens the package; the body is walked in document order at the XML level, because
what matters in office documents sits where python-docx's paragraph text does not look:

* **automatic numbering** — a heading numbered by Word (``numbering.xml``) carries ``一、``,
  ``（一）`` or ``1.`` in no text run; the label is rendered from the list definitions (format,
  level text, start, restarts), through the paragraph's own properties or its style's;
* **tables** arrive as real cells: one line per row, cells separated by tabs (a cell spanning
  columns is written once, a vertically merged cell repeats the text above it; a caption or a
  note merged across the whole table is a line of text: :mod:`planctl.ingest.grid`), so the
  text parser's table rules read them; a one-column table is a box (a 专栏 drawn as a frame) and
  is read as its paragraphs;
* **text boxes** (``w:txbxContent``, another way of drawing a 专栏) are read after the paragraph
  that anchors them; **footnotes** after the paragraph that cites them (``注1：…``);
* headers and footers are page furniture and are not read into the text.

Lines are numbered by paragraph (a table row counts as one), so the ``line`` of a search hit or an
export row is the paragraph a reader finds by counting.

Example::

    >>> chinese_counting(14), chinese_counting(20), circled(3)
    ('十四', '二十', '③')
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from planctl.env import Environment
from planctl.errors import PlanctlError
from planctl.ingest.formats import human_size
from planctl.ingest.grid import grid_to_lines
from planctl.model import Line, Source
from planctl.settings import ReadLimits

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DIGITS = "〇一二三四五六七八九"


def chinese_counting(n: int) -> str:
    """1 → 一, 10 → 十, 14 → 十四, 20 → 二十, 105 → 一百零五 (Word's chineseCounting)."""
    if n <= 0:
        return str(n)
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if not rest else ("零" + _DIGITS[rest] if rest < 10 else chinese_counting(rest) if rest >= 20
                                 else "一" + chinese_counting(rest))
    return _DIGITS[n // 100] + "百" + tail if n < 1000 else str(n)


def circled(n: int) -> str:
    return chr(0x2460 + n - 1) if 1 <= n <= 20 else f"({n})"


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                           (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + numeral, n - value
    return out


def _letters(n: int) -> str:
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else ""


_FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: "".join(chr(0xFF10 + int(d)) for d in str(n)),
    "decimalFullWidth2": lambda n: "".join(chr(0xFF10 + int(d)) for d in str(n)),
    "chineseCounting": chinese_counting,
    "chineseCountingThousand": chinese_counting,
    "japaneseCounting": chinese_counting,
    "taiwaneseCounting": chinese_counting,
    "taiwaneseCountingThousand": chinese_counting,
    "ideographDigital": lambda n: "".join(_DIGITS[int(d)] for d in str(n)),
    "chineseLegalSimplified": lambda n: "".join("零壹贰叁肆伍陆柒捌玖"[int(d)] for d in str(n)),
    "ideographTraditional": lambda n: "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10],
    "ideographZodiac": lambda n: "子丑寅卯辰巳午未申酉戌亥"[(n - 1) % 12],
    "decimalEnclosedCircle": circled,
    "decimalEnclosedCircleChinese": circled,
    "decimalEnclosedParen": lambda n: f"({n})",
    "upperLetter": _letters,
    "lowerLetter": lambda n: _letters(n).lower(),
    "upperRoman": _roman,
    "lowerRoman": lambda n: _roman(n).lower(),
    "none": lambda n: "",
}


def _val(element: Any, tag: str, default: str = "") -> str:
    child = element.find(f"{W}{tag}") if element is not None else None
    return child.get(f"{W}val", default) if child is not None else default


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1


@dataclass
class Numbering:
    """Word's list definitions, and the counters of the lists met so far."""

    abstract: dict[str, dict[int, _Level]] = field(default_factory=dict)
    nums: dict[str, tuple[str, dict[int, int]]] = field(default_factory=dict)
    """numId → (abstractNumId, start overrides by level)."""
    counters: dict[str, dict[int, int]] = field(default_factory=dict)
    largest: int = ReadLimits().list_number
    """List numbers above this (:attr:`ReadLimits.list_number`) are written in digits."""
    beyond: int = 0
    """How many labels were written in digits for that reason."""

    @classmethod
    def from_part(cls, element: Any, largest: int = ReadLimits().list_number) -> Numbering:
        numbering = cls(largest=largest)
        if element is None:
            return numbering
        for abstract in element.findall(f"{W}abstractNum"):
            levels: dict[int, _Level] = {}
            for lvl in abstract.findall(f"{W}lvl"):
                levels[int(lvl.get(f"{W}ilvl", "0"))] = _Level(
                    _val(lvl, "numFmt", "decimal"), _val(lvl, "lvlText", "%1."), int(_val(lvl, "start", "1") or 1))
            numbering.abstract[abstract.get(f"{W}abstractNumId", "")] = levels
        for num in element.findall(f"{W}num"):
            overrides = {int(o.get(f"{W}ilvl", "0")): int(_val(o, "startOverride", "1") or 1)
                         for o in num.findall(f"{W}lvlOverride") if o.find(f"{W}startOverride") is not None}
            numbering.nums[num.get(f"{W}numId", "")] = (_val(num, "abstractNumId"), overrides)
        return numbering

    def label(self, num_id: str, ilvl: int) -> str:
        """The label the next paragraph of list ``num_id`` at level ``ilvl`` shows (``一、``)."""
        if num_id not in self.nums:
            return ""
        abstract_id, overrides = self.nums[num_id]
        levels = self.abstract.get(abstract_id, {})
        # Lists of one definition continue each other, unless a list restarts its numbering.
        key = num_id if overrides else abstract_id
        counters = self.counters.setdefault(key, {})
        level = levels.get(ilvl, _Level())
        if level.fmt == "bullet":
            return level.text
        start = overrides.get(ilvl, level.start)
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        text = level.text
        for k in range(9):
            if f"%{k + 1}" in text:
                lv = levels.get(k, _Level())
                value = counters.get(k, overrides.get(k, lv.start))
                text = text.replace(f"%{k + 1}", self._format(lv.fmt, value))
        return text

    def _format(self, fmt: str, value: int) -> str:
        # Roman numerals and letters grow with the number: 100000000000 in either takes minutes
        render = _FORMATS.get(fmt, str)
        if not 0 <= value <= self.largest and render is not str:
            self.beyond += 1  # said: the label is not what Word would show
            return str(value)
        return render(value)


@dataclass
class _Reader:
    numbering: Numbering
    style_numbering: dict[str, tuple[str, int]]
    footnotes: dict[str, str]
    lines: list[str] = field(default_factory=list)

    def paragraph(self, p: Any) -> None:
        text, boxes, notes = _runs(p)
        label = self._label(p)
        for k, part in enumerate((label + text).split("\n")):
            if part.strip() or k == 0:
                self.lines.append(part)
        for box in boxes:
            for inner in box:
                self.block(inner)
        for note_id in notes:
            if self.footnotes.get(note_id):
                self.lines.append(f"注{note_id}：{self.footnotes[note_id]}")

    def _label(self, p: Any) -> str:
        ppr = p.find(f"{W}pPr")
        num_pr = ppr.find(f"{W}numPr") if ppr is not None else None
        if num_pr is not None:
            num_id, ilvl = _num_ref(num_pr)
        else:
            style = _val(ppr, "pStyle") if ppr is not None else ""
            num_id, ilvl = self.style_numbering.get(style, ("", 0))
        return self.numbering.label(num_id, ilvl) if num_id and num_id != "0" else ""

    def table(self, tbl: Any) -> None:
        rows = [_row_cells(tr) for tr in tbl.findall(f"{W}tr")]
        width = max((sum(span for _, span, _ in row) for row in rows), default=0)
        if width <= 1:  # a one-column frame is a box of paragraphs (a 专栏), not a table
            for tr in tbl.findall(f"{W}tr"):
                for tc in tr.findall(f"{W}tc"):
                    for inner in tc:
                        self.block(inner)
            return
        above: dict[int, str] = {}
        grid: list[list[str]] = []
        for row in rows:
            cells: list[str] = []
            for text, span, continued in row:
                column = len(cells)
                value = above.get(column, "") if continued else text
                above[column] = value
                cells.extend([value] + [""] * (span - 1))
            grid.append(cells + [""] * (width - len(cells)))
        self.lines.extend(grid_to_lines(grid, empty_rows=True))

    def block(self, element: Any) -> None:
        tag = element.tag
        if tag == f"{W}p":
            self.paragraph(element)
        elif tag == f"{W}tbl":
            self.table(element)
        elif tag == f"{W}sdt":  # content control: read what it holds
            content = element.find(f"{W}sdtContent")
            for inner in content if content is not None else ():
                self.block(inner)


def _runs(p: Any) -> tuple[str, list[Any], list[str]]:
    """A paragraph's text (tabs and breaks kept), the text boxes it anchors, the footnotes it cites."""
    parts: list[str] = []
    boxes: list[Any] = []
    notes: list[str] = []

    def walk(element: Any) -> None:
        for child in element:
            tag = child.tag
            if tag == f"{W}txbxContent":
                boxes.append(child)
            elif tag == f"{W}t":  # deleted text (w:del, w:delText) is not read
                parts.append(child.text or "")
            elif tag == f"{W}tab":
                parts.append("\t")
            elif tag in (f"{W}br", f"{W}cr"):
                parts.append("\n")
            elif tag == f"{W}noBreakHyphen":
                parts.append("-")
            elif tag == f"{W}footnoteReference":
                notes.append(child.get(f"{W}id", ""))
            elif tag in (f"{W}del", f"{W}pPr", f"{W}rPr", f"{W}fldSimpleInstr", f"{W}instrText"):
                continue
            else:
                walk(child)

    walk(p)
    return "".join(parts), boxes, notes


def _num_ref(num_pr: Any) -> tuple[str, int]:
    """(numId, level) of a ``w:numPr`` (a paragraph's or a style's numbering)."""
    return _val(num_pr, "numId"), int(_val(num_pr, "ilvl", "0") or 0)


def _row_cells(tr: Any) -> list[tuple[str, int, bool]]:
    """(text, columns spanned, continues the merged cell above) for each cell of a row."""
    cells = []
    for tc in tr.findall(f"{W}tc"):
        pr = tc.find(f"{W}tcPr")
        span = int(_val(pr, "gridSpan", "1") or 1) if pr is not None else 1
        merge = pr.find(f"{W}vMerge") if pr is not None else None
        continued = merge is not None and merge.get(f"{W}val", "continue") != "restart"
        text = "".join(_runs(p)[0].replace("\n", "") for p in tc.iter(f"{W}p"))
        cells.append((text.replace("\t", " ").strip(), span, continued))
    return cells


def _style_numbering(styles: Any) -> dict[str, tuple[str, int]]:
    """styleId → (numId, ilvl) for styles that number their paragraphs (basedOn followed)."""
    if styles is None:
        return {}
    own: dict[str, tuple[str, int] | None] = {}
    based: dict[str, str] = {}
    for style in styles.findall(f"{W}style"):
        sid = style.get(f"{W}styleId", "")
        ppr = style.find(f"{W}pPr")
        num_pr = ppr.find(f"{W}numPr") if ppr is not None else None
        own[sid] = _num_ref(num_pr) if num_pr is not None else None
        based[sid] = _val(style, "basedOn")
    resolved: dict[str, tuple[str, int]] = {}
    for sid in own:
        seen, cur = set(), sid
        while cur and cur not in seen:
            seen.add(cur)
            if own.get(cur):
                resolved[sid] = own[cur]  # type: ignore[assignment]
                break
            cur = based.get(cur, "")
    return resolved


def _footnotes(document: Any) -> dict[str, str]:
    part = next((rel.target_part for rel in document.part.rels.values()
                 if rel.reltype.endswith("/footnotes") and not rel.is_external), None)
    if part is None:
        return {}
    from lxml import etree

    # as python-docx reads the other parts: no entity expanded, nothing fetched
    root = etree.fromstring(part.blob, etree.XMLParser(resolve_entities=False, no_network=True))
    _refuse_entities(root)
    return {fn.get(f"{W}id", ""): "".join(_runs(p)[0] for p in fn.iter(f"{W}p")).strip()
            for fn in root.findall(f"{W}footnote") if fn.get(f"{W}type") is None}


def _body_blocks(document: Any) -> Iterator[Any]:
    body = document.element.body
    for child in body:
        if child.tag != f"{W}sectPr":
            yield child


def docx_to_source(path: str | Path | BinaryIO, *, display: str | None = None, env: Environment | None = None,
                   limits: ReadLimits | None = None) -> Source:
    """Read a .docx (a path or an open file) into a :class:`Source` (one line per paragraph or
    table row). A part that unpacks beyond ``limits`` is refused before it is unpacked."""
    import docx

    env = env or Environment()
    limits = limits or ReadLimits()
    shown = display or str(path)
    try:
        _check_sizes(path, shown, limits)
        document = docx.Document(str(path) if isinstance(path, (str, Path)) else path)
        numbering_part = document.part.numbering_part.element if _has_numbering(document) else None
        for element in (document.element, numbering_part, document.styles.element):
            _refuse_entities(element)
        reader = _Reader(Numbering.from_part(numbering_part, limits.list_number),
                         _style_numbering(document.styles.element), _footnotes(document))
        for block in _body_blocks(document):
            reader.block(block)
    except _EntitiesError as exc:
        raise PlanctlError(f"{shown}: the document uses XML entities ({exc}), which Word never writes; "
                           "refused rather than read without the text they stand for") from None
    except PlanctlError:
        raise
    except Exception as exc:  # python-docx raises many kinds of errors on a damaged package
        raise PlanctlError(f"{shown}: not a readable Word document ({exc.__class__.__name__}); "
                           "the file may be damaged — open and save it again, or convert it to PDF") from None
    if reader.numbering.beyond:
        env.warn(f"{shown}: {reader.numbering.beyond} list number(s) beyond {limits.list_number} "
                 "(Word's largest) written in digits")
    lines = [Line(k, text) for k, text in enumerate(reader.lines, 1)]
    if not any(line.text.strip() for line in lines):
        raise PlanctlError(f"{shown}: the Word document (.docx) has no text")
    return Source(path=shown, encoding="docx", lines=lines)


def _check_sizes(path: str | Path | BinaryIO, shown: str, limits: ReadLimits) -> None:
    """Refuse a package whose parts unpack beyond the limit, before anything is unpacked (the
    sizes are the zip directory's, and unpacking never yields more than they say)."""
    import zipfile

    with zipfile.ZipFile(path) as package:
        for info in package.infolist():
            if info.file_size > limits.docx_part_bytes:
                raise PlanctlError(
                    f"{shown}: its part {info.filename} unpacks to {human_size(info.file_size)}, more than planctl "
                    f"unpacks from a part of a .docx ({human_size(limits.docx_part_bytes)}): a zip bomb, or a "
                    "document to split")
    if not isinstance(path, (str, Path)):
        path.seek(0)


class _EntitiesError(Exception):
    """An XML part holds entity references python-docx leaves unexpanded (their text would be lost)."""


def _refuse_entities(element: Any) -> None:
    if element is None:
        return
    from lxml import etree

    names = sorted({f"&{e.name};" for e in element.iter(etree.Entity)})
    if names:
        raise _EntitiesError(", ".join(names[:3]))


def _has_numbering(document: Any) -> bool:
    try:
        document.part.numbering_part  # noqa: B018 - raises when the package has none
    except (KeyError, NotImplementedError):
        return False
    return True
