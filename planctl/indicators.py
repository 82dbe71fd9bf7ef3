"""Indicator tables (主要指标表) as typed data.

A table is an indicator table when its header names indicators and targets. Each header is
mapped to a role by meaning (类别 → category, 序号 → seq, 指标名称 → name, 单位 → unit,
2020年基数 → base, 2025年目标 / 规划目标 → target, 完成情况 → actual, 属性 → attribute), in any
order and subset; a header printed over two rows (``指标值`` above ``2020年`` and ``2025年``) is
read as one. Every base/target/actual cell is parsed into a :class:`CellValue`.

Rows are read as a reader reads them: a row shorter than the header (the cells a merged cell
above covers were not printed) is placed in its columns by what each cell looks like, the
merged 类别 and 属性 taken from the row above; a row holding a single cell is a group heading
(``经济发展``: the category of the rows under it) or the table's note (``注：…``); a row with no
indicator name or number is not an indicator and is listed in :attr:`IndicatorTable.unread`,
never dropped in silence.

Example::

    >>> parse_cell("〔150〕")
    CellValue(raw='〔150〕', value=150.0, comparator='=', cumulative=True, qualitative='', percent=False)
    >>> parse_cell("控制在5.5%左右").comparator
    '~'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

from planctl.cjk import five_year_period_years
from planctl.model import COLUMN, PARAGRAPH, TABLE, Document, Node
from planctl.parse.patterns import PERIOD_RE, TABLE_NOTE_RE
from planctl.settings import IndicatorSettings

_DEFAULT_SETTINGS = IndicatorSettings()

# ---- header roles ---------------------------------------------------------------------------
# Tried in order on each header cell; the first role whose pattern matches wins.
ROLE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("seq", re.compile(r"^(?:序号|编号|序)$")),
    ("category", re.compile(r"^(?:指标)?(?:类别|分类|领域|维度)$")),  # "类别", "领域"
    ("unit", re.compile(r"^(?:计量)?单位$")),
    ("attribute", re.compile(r"属性|性质|类型")),  # "指标属性"
    ("actual", re.compile(r"完成|实际|实现值|现状值")),  # "完成情况"
    ("base", re.compile(r"基数|基期|基准|基础值|现状")),  # "2020 年基数"
    ("target", re.compile(r"目标|预期值|规划值|指标值|\d{4}\s*年")),  # "2025 年目标", "规划目标", "目标值"
    ("name", re.compile(r"指标|名称|项目")),  # "指标名称", "指标"
)
_YEAR_RE = re.compile(r"([12]\d{3})\s*年?")
# "2020年", "2025" alone: a header's year
_YEAR_CELL_RE = re.compile(r"^[12]\d{3}\s*年?$")
# "城镇新增就业人数（万人）", "城镇调查失业率(%)", "城镇新增就业人数（万人，累计）"
_NAME_UNIT_RE = re.compile(r"^(.*?)\s*[（(]([^（）()]{1,16})[）)]\s*$")
# What a unit is written with: "%", "万人", "万人次", "万元/人", "个百分点", "微克/立方米", "万吨标准煤"
_UNIT_CHARS = frozenset("%％‰‱℃°万亿千百十个人次元美户家件项座所张床辆台套吨瓦时度公里米平方立克毫微升顷亩斤年岁天日"
                        "小位名部条处只头艘架标箱倍分点/／每·准煤二氧化碳当量ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz²³")
# "表1 “十四五”时期经济社会发展主要指标", "附表2 主要指标完成情况", "全市“十四五”促进就业主要指标表":
# a table's caption on the line above it
_CAPTION_RE = re.compile(
    r"^(?:附?表\s*[0-9一二三四五六七八九十]+|[^。；]*(?:主要指标|指标体系|指标表|指标完成情况))[^。；]*$")
# "1", "（1）", "1.", "1、": a row's number
_SEQ_RE = re.compile(r"^[（(]?(\d{1,3})[）)]?[.．、]?$")
# "注：〔 〕表示五年累计数。", "注:〔〕内为2016年以来累计数。"
_NOTE_CUMULATIVE_RE = re.compile(r"〔\s*〕[^；;。]*累计")
# "①“—”表示统计指标的变化"
_NOTE_DASH_RE = re.compile(r"[“\"]?[—－-]+[”\"]?\s*表示([^；;。]*)")

ATTRIBUTES = {"预期性": "expected", "约束性": "binding"}
# "预期性", "预期", "约束性（省定）": what the attribute cell says
_ATTRIBUTE_RE = re.compile(r"^[〔（(]?(预期|约束)性?")

# ---- cell grammar ---------------------------------------------------------------------------
_NUMBER_RE = re.compile(r"[-+]?\d+(?:\.\d+)?")
_CUMULATIVE_RE = re.compile(r"^[〔\[［【]\s*(.*?)\s*[〕\]］】]$")
# "〔150〕左右", "＞〔30〕": the brackets around the number, a comparator outside them
_CUMULATIVE_INNER_RE = re.compile(r"[〔\[［【]\s*([^〔〕\[\]［］【】]*?)\s*[〕\]］】]")
# "累计150", "150（累计）", "五年累计30": a total said in words
_CUMULATIVE_WORD_RE = re.compile(r"^(?:五年|“十[一二三四五六七八九]五”)?累计|[（(]累计[）)]$")
# "—", "-", "－", "——", "/", "无", "…", "–": no figure
_NO_FIGURE_RE = re.compile(r"^(?:[—–―‐‑－\-]+|[/／]|无|…+|\.{3,})$")
# (pattern on the cell with its number replaced by '#', comparator); first match wins.
_COMPARATORS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?:<=|≤|＜＝|不超过|不高于|控制在)#%?(?:以内|以下)?$"), "<="),
    (re.compile(r"^(?:>=|≥|＞＝|不低于|不少于)#%?(?:以上)?$"), ">="),
    (re.compile(r"^#%?(?:以内|以下)$"), "<="),
    (re.compile(r"^#%?以上$"), ">="),
    (re.compile(r"^(?:<|＜|低于|小于)#%?$"), "<"),
    (re.compile(r"^(?:>|＞|高于|大于|超过)#%?$"), ">"),
    (re.compile(r"^(?:≈|约|~|～|控制在|保持在)?#%?(?:左右)?$"), "~"),
)


@dataclass
class CellValue:
    """A parsed base/target/actual cell."""

    raw: str
    """The cell exactly as printed."""
    value: float | None = None
    """The number, or None (qualitative target, no figure, empty)."""
    comparator: str = ""
    """``=``, ``<``, ``<=``, ``>``, ``>=``, ``~`` (左右/约/≈); empty when there is no number."""
    cumulative: bool = False
    """Five-year (or period) cumulative total: ``〔150〕``, or the table's note says so."""
    qualitative: str = ""
    """Text of a target without a number (``稳步提高``)."""
    percent: bool = False
    """The cell printed a ``%`` sign."""


def parse_cell(raw: str) -> CellValue:
    """Parse one indicator cell (see the module docstring for the grammar). Full-width digits,
    signs and ``％`` read as their ASCII forms; the raw text is kept as printed."""
    text = unicodedata.normalize("NFKC", re.sub(r"\s+", "", raw)).replace("〈", "<").replace("〉", ">")
    cell = CellValue(raw=raw)
    if not text or _NO_FIGURE_RE.match(text):
        return cell
    m = _CUMULATIVE_RE.match(text) or _CUMULATIVE_INNER_RE.search(text)
    if m:
        cell.cumulative = True
        text = m.group(1) if m.re is _CUMULATIVE_RE else text[: m.start()] + m.group(1) + text[m.end() :]
    words = _CUMULATIVE_WORD_RE.search(text)
    if words and _NUMBER_RE.search(text):
        cell.cumulative = True
        text = text[: words.start()] + text[words.end() :]
    numbers = _NUMBER_RE.findall(text)
    if len(numbers) != 1:
        cell.qualitative = raw.strip()
        return cell
    shape = _NUMBER_RE.sub("#", text, count=1)
    cell.percent = "%" in shape or "％" in shape
    shape = shape.replace("％", "%")
    plain = shape in ("#", "#%")
    comparator = "=" if plain else next((c for pattern, c in _COMPARATORS if pattern.match(shape)), "")
    if not comparator:
        cell.qualitative = raw.strip()  # a number inside words we do not understand: keep the text
        return cell
    # "控制在5.5%左右" is "about", "控制在4%以内" is "at most": the 左右 decides.
    if shape.startswith("控制在") and shape.endswith("左右"):
        comparator = "~"
    cell.value = float(numbers[0])
    cell.comparator = comparator
    return cell


@dataclass
class Indicator:
    """One row of an indicator table."""

    seq: int | None
    """Row number as printed (序号), if any."""
    name: str
    """Indicator name without a unit in parentheses."""
    unit: str
    """From the unit column, else from parentheses in the name, else empty (never guessed)."""
    base: CellValue | None
    """Base-year value, if the table has a base column."""
    target: CellValue | None
    """Target value, if the table has a target column."""
    actual: CellValue | None
    """Achieved value (完成情况), if the table has one."""
    attribute: str
    """``expected`` (预期性), ``binding`` (约束性) or empty."""
    attribute_raw: str
    """The attribute cell as printed."""
    name_raw: str
    """The name cell as printed."""
    line: int
    """Source line where the row starts."""
    table: IndicatorTable | None = field(default=None, repr=False, compare=False)
    """The table holding the row (its document, period and years)."""
    category: str = ""
    """The row's 类别 (``经济发展``): its category cell, a merged one above it, or the group row
    it stands under; empty when the table has none."""

    def values(self) -> dict[str, Any]:
        """The row's meaning as flat fields (``unit``, ``base_value``, ``target_comparator`` …):
        what tells two indicator rows apart beyond their names."""
        return {"unit": self.unit, **cell_fields("base", self.base), **cell_fields("target", self.target),
                **cell_fields("actual", self.actual), "attribute": self.attribute}


def cell_fields(prefix: str, cell: CellValue | None) -> dict[str, Any]:
    """A cell as flat fields: ``{prefix}_raw``, ``_value``, ``_comparator``, ``_cumulative``, ``_qualitative``."""
    if cell is None:
        return {f"{prefix}_raw": "", f"{prefix}_value": None, f"{prefix}_comparator": "",
                f"{prefix}_cumulative": None, f"{prefix}_qualitative": ""}
    return {
        f"{prefix}_raw": cell.raw,
        f"{prefix}_value": cell.value,
        f"{prefix}_comparator": cell.comparator,
        f"{prefix}_cumulative": cell.cumulative,
        f"{prefix}_qualitative": cell.qualitative,
    }


@dataclass
class IndicatorTable:
    """An indicator table with its context."""

    doc: Document
    """The document holding it."""
    node: Node
    """The table node."""
    title: str
    """The 专栏's title, or empty."""
    period: str
    """``十四五`` / ``十三五`` from the table's title, else the document's."""
    roles: list[str]
    """Role of each column, in column order."""
    base_year: int | None
    target_year: int | None
    cumulative_note: bool
    """The note says 〔〕 marks cumulative totals."""
    dash_note: str
    """What the note says ``—`` means, if it says."""
    indicators: list[Indicator] = field(default_factory=list)
    """The rows."""
    note: str = ""
    """The note under the table (``注：…``), or a note printed in a row of its own inside it."""
    unread: list[UnreadRow] = field(default_factory=list)
    """What the table holds that no indicator row carries: rows with no indicator name or
    number, cells past the header's columns. Said (:func:`unread_warnings`), never dropped in
    silence."""


class UnreadRow(NamedTuple):
    """A row, or part of one, that no indicator carries."""

    line: int
    """Source line where the row starts."""
    cells: list[str]
    """The cells not read, as printed."""
    reason: str
    """Why: ``names no indicator and is not exported``, ``has cells past the header's columns``."""


def header_roles(header: list[str]) -> list[str]:
    """Map header cells to roles: ``['序号', '指标名称', '2020年基数', …]`` → ``['seq', 'name', 'base', …]``.
    Of two columns naming indicators (``一级指标``, ``二级指标``), the last is the name and the
    first the category."""
    roles: list[str] = []
    names: list[int] = []
    for k, cell in enumerate(header):
        role = _role(cell)
        if role == "name":
            names.append(k)
        roles.append(role if role not in roles or role in ("", "target") else "")
    if len(names) >= 2:
        roles[names[0]] = "" if "category" in roles else "category"
        roles[names[-1]] = "name"
    if roles.count("target") >= 2 and "base" not in roles:
        # "2020年 | 2025年": the column with the earlier year is the base.
        years = {k: int(m.group(1)) for k, h in enumerate(header) if roles[k] == "target"
                 for m in [_YEAR_RE.search(re.sub(r"\s+", "", h))] if m}
        if years:
            roles[min(years, key=lambda k: years[k])] = "base"
    return roles


def is_indicator_header(header: list[str]) -> bool:
    """An indicator table names indicators and at least one of base/target/actual."""
    roles = header_roles(header)
    return "name" in roles and bool({"base", "target", "actual"} & set(roles))


def _header_cell(text: str) -> bool:
    return bool(_YEAR_CELL_RE.match(re.sub(r"\s+", "", text)) or _role(text))


def merged_header(rows: list[list[str]]) -> tuple[list[str], int]:
    """The header of a table whose header may run over two or three rows (a merged ``指标值``
    above ``2020年`` and ``2025年``; Word and web pages repeat a cell merged down the rows):
    the header's cells, each column's texts joined, and the index of the first body row.

        >>> merged_header([["指标", "指标值", ""], ["指标", "2020年", "2025年"], ["城镇新增就业", "35.7", "〔150〕"]])
        (['指标', '指标值2020年', '2025年'], 2)
    """
    header = list(rows[0])
    k = 1
    spread = _spread_header(rows)
    if spread is not None:
        return spread, 2
    while k < min(len(rows), 3):
        row = rows[k]
        if len(row) < len(header):
            break
        padded = header + [""] * (len(row) - len(header))  # the first row's last cells were empty
        new = [c for h, c in zip(padded, row, strict=True) if c and c != h and c not in h]
        if not new or not all(_header_cell(c) for c in new):
            break
        header = [h + c if c and c not in h else h for h, c in zip(padded, row, strict=True)]
        k += 1
    return header, k


def _spread_header(rows: list[list[str]]) -> list[str] | None:
    """A header over two rows copied as text, its spanning cell written once: ``指标\t指标值\t属性``
    above ``2020年\t2025年`` (or ``\t2020年\t2025年\t``), over body rows of four cells. The
    cell the second row's cells stand under is spread over them: ``['指标', '指标值2020年',
    '指标值2025年', '属性']``; None when the rows are not that shape."""
    if len(rows) < 3:
        return None
    top, sub = _unpadded(rows[0]), _unpadded(rows[1])  # a markdown table pads its short rows
    lengths = [len(r) for r in rows[2:]]
    width = max(set(lengths), key=lengths.count)  # the body's width
    filled = [k for k, c in enumerate(sub) if c.strip()]
    if width <= len(top) or len(filled) < 2 or not all(_header_cell(sub[k]) for k in filled):
        return None
    if filled[0] > 0 and filled == list(range(filled[0], filled[-1] + 1)):
        first = filled[0]  # "\t\t2020年\t2025年": the second row in its columns
    elif filled[0] == 0 and len(sub) == len(filled):  # "2020年\t2025年": under the top row's value column
        first = next((c for c, cell in enumerate(top) if _role(cell) in ("base", "target", "actual")), -1)
    else:
        return None
    under = [sub[k] for k in filled]
    if not 0 <= first < len(top) or len(top) - 1 + len(under) != width:
        return None
    return top[:first] + [top[first] + cell for cell in under] + top[first + 1 :]


def _unpadded(row: list[str]) -> list[str]:
    """The row without the empty cells after its last one."""
    end = len(row)
    while end and not row[end - 1].strip():
        end -= 1
    return row[:end]


def _role(cell: str) -> str:
    text = re.sub(r"\s+", "", cell)
    return next((r for r, pattern in ROLE_PATTERNS if pattern.search(text)), "")


def _is_unit(text: str, settings: IndicatorSettings = _DEFAULT_SETTINGS) -> bool:
    return 0 < len(text) <= settings.unit_max_chars and all(ch in _UNIT_CHARS for ch in text)


def _split_name_unit(name: str, settings: IndicatorSettings = _DEFAULT_SETTINGS) -> tuple[str, str]:
    """``城镇新增就业人数（万人）`` → (``城镇新增就业人数``, ``万人``); words in parentheses that are
    no unit (``（累计）``) stay in the name."""
    m = _NAME_UNIT_RE.match(name)
    if not m:
        return name, ""
    unit = re.split(r"[，,、；;]", m.group(2).strip())[0].strip()
    return (m.group(1), unit) if _is_unit(unit, settings) else (name, "")


def _is_value(cell: str) -> bool:
    parsed = parse_cell(cell)
    return parsed.value is not None or (not parsed.qualitative and bool(cell.strip()))


def _fit(role: str, cell: str, settings: IndicatorSettings) -> float:
    """How well ``cell`` fits a column of ``role`` (placing the cells of a short row), on an
    ordinal scale: 3 what only that column holds (a row number, 预期性), 2 the column's kind of
    cell (a unit, a figure), 1 text where text goes, 0 nothing said, below 0 misplaced."""
    text = re.sub(r"\s+", "", cell)
    if not text or not role:
        return 0.0
    attribute = bool(_ATTRIBUTE_RE.match(text))
    value = _is_value(text)
    if role == "seq":
        return 3.0 if _SEQ_RE.match(text) else -3.0
    if role == "attribute":
        return 3.0 if attribute else -3.0
    if attribute:
        return -3.0
    unit = _is_unit(text, settings)
    if role == "unit":
        return 2.0 if unit else -3.0 if value else -1.0
    if role in ("base", "target", "actual"):
        return -2.0 if unit else 2.0 if value else 0.0
    return -3.0 if value or _SEQ_RE.match(text) else -1.0 if unit else 1.0  # name, category


def align_row(row: list[str], roles: list[str],
              settings: IndicatorSettings = _DEFAULT_SETTINGS) -> tuple[list[str], list[int]]:
    """A row whose cells do not sit one a column — fewer than the header's (a merged cell above
    covers columns a copy did not print), or a cell wrapped onto two lines of a flattened table —
    placed in its columns by what each cell looks like (:func:`_fit`): each column takes no
    cell, one, or a few words in a row joined (a wrapped name). Returns the cells, empty where
    none was printed, and the columns left empty. A row that already fits is left as it is.

        >>> align_row(["2", "全员劳动生产率增长", "%", "预期性"], ["category", "seq", "name", "unit", "attribute"])
        (['', '2', '全员劳动生产率增长', '%', '预期性'], [0])
        >>> align_row(["3", "每万人口高价值发明", "专利拥有量", "件"], ["category", "seq", "name", "unit"])
        (['', '3', '每万人口高价值发明专利拥有量', '件'], [0])
    """
    width = len(roles)
    straight = [_fit(role, cell, settings) for role, cell in zip(roles, row, strict=False)]
    if len(row) == width and min(straight, default=0.0) >= 0:
        return list(row), []
    placed = _best_placement(row, roles, settings)
    if placed is None or (len(row) == width and placed[0] <= sum(straight)):
        cells = list(row[:width]) + [""] * (width - len(row))
        return cells, list(range(len(row), width))
    _, pieces = placed
    cells = ["".join(row[i : i + k]) for i, k in pieces]
    return cells, [c for c, (_, k) in enumerate(pieces) if k == 0]


def _best_placement(row: list[str], roles: list[str],
                    settings: IndicatorSettings) -> tuple[float, list[tuple[int, int]]] | None:
    """The best way to lay ``row`` over the columns of ``roles`` in order: for each column, the
    index of its first cell and how many cells it takes (0: none, 2 or more: words joined; an
    empty cell may also be left out, as the padding of a row printed short); None when the row
    cannot be laid (more cells than columns can take)."""
    n, width = len(row), len(roles)
    text = [_is_text(cell, settings) for cell in row]
    # best[i][j]: (score, the pieces of columns 0..j-1) with cells 0..i-1 placed
    best: list[list[tuple[float, list[tuple[int, int]]] | None]] = [[None] * (width + 1) for _ in range(n + 1)]
    best[0][0] = (0.0, [])
    for j in range(width + 1):
        for i in range(n + 1):
            here = best[i][j]
            if here is None:
                continue
            if i < n and not row[i].strip():  # an empty cell (a renderer's padding) stands for nothing
                target = best[i + 1][j]
                if target is None or here[0] > target[0]:
                    best[i + 1][j] = here
            if j == width:
                continue
            # an empty column: as likely as its role's merged weight; of equals, the leftmost
            empty = settings.merged_weight(roles[j]) - j * _TIE
            options = [(i, 0, here[0] + empty)]
            for k in range(1, min(settings.max_joined_cells, n - i) + 1):
                if k > 1 and not all(text[i : i + k]):
                    break
                piece = "".join(row[i : i + k])
                options.append((i, k, here[0] + _fit(roles[j], piece, settings) - (k - 1) * settings.join_penalty))
            for start, k, score in options:
                target = best[start + k][j + 1]
                if target is None or score > target[0]:
                    best[start + k][j + 1] = (score, [*here[1], (start, k)])
    return best[n][width]


# A hair's weight between placements of equal score: the leftmost column is the empty one
_TIE = 1e-3


def _row_to_indicator(row: list[str], roles: list[str], line: int, settings: IndicatorSettings) -> Indicator:
    cells: dict[str, str] = {}
    for role, cell in zip(roles, row, strict=False):
        if role and role not in cells:
            cells[role] = cell
    name, name_unit = _split_name_unit(cells.get("name", ""), settings)
    # "％" and "%" are one unit; a unit column's cell as printed otherwise
    unit = unicodedata.normalize("NFKC", cells.get("unit", "").strip() or name_unit)

    def value(role: str) -> CellValue | None:
        if role not in roles:
            return None
        parsed = parse_cell(cells.get(role, ""))
        return parsed

    seq = _SEQ_RE.match(unicodedata.normalize("NFKC", cells.get("seq", "").strip()))
    attribute_raw = cells.get("attribute", "")
    attribute = _ATTRIBUTE_RE.match(re.sub(r"\s+", "", attribute_raw))
    return Indicator(
        seq=int(seq.group(1)) if seq else None,
        name=name,
        unit=unit,
        base=value("base"),
        target=value("target"),
        actual=value("actual"),
        attribute=ATTRIBUTES[attribute.group(1) + "性"] if attribute else "",
        attribute_raw=attribute_raw,
        name_raw=cells.get("name", ""),
        line=line,
        category=cells.get("category", ""),
    )


def _caption(node: Node | None, settings: IndicatorSettings) -> str:
    """The caption a paragraph right above a table gives it (``表1 “十四五”时期经济社会发展主要指标``)."""
    if node is None or node.kind != PARAGRAPH:
        return ""
    text = node.text.strip()
    return text if len(text) <= settings.caption_max_chars and _CAPTION_RE.match(text) else ""


def _tables_with_context(nodes: list[Node], settings: IndicatorSettings,
                         column: Node | None = None) -> Iterator[tuple[Node, str]]:
    """Each table with its title: the 专栏's it stands in, else the caption above it."""
    before: Node | None = None
    for node in nodes:
        if node.kind == TABLE:
            yield node, column.title if column else _caption(before, settings)
        yield from _tables_with_context(node.children, settings, node if node.kind == COLUMN else column)
        before = node


def _squeezed(row: list[str]) -> list[str]:
    return [re.sub(r"\s+", "", c) for c in row]


def _is_text(cell: str, settings: IndicatorSettings) -> bool:
    """Words, not a figure, a unit or an attribute: a name, a category."""
    text = re.sub(r"\s+", "", cell)
    return not (_is_value(text) or _is_unit(text, settings) or _ATTRIBUTE_RE.match(text) or _SEQ_RE.match(text))


def _finish_short_rows(body: list[list[str]], lines: list[int], width: int,
                       settings: IndicatorSettings) -> tuple[list[list[str]], list[int]]:
    """A row of one cell that is a figure, a unit or an attribute, under a row short of cells,
    is that row's last cell put on a line of its own (``…\t42`` / ``预期性``)."""
    rows: list[list[str]] = []
    starts: list[int] = []
    for row, line in zip(body, lines, strict=False):
        own = _unpadded(row)
        if (rows and len(own) == 1 and len(_unpadded(rows[-1])) < width
                and not _is_text(own[0], settings) and not _SEQ_RE.match(own[0].strip())):
            rows[-1] = _unpadded(rows[-1]) + own
            continue
        rows.append(list(row))
        starts.append(line)
    return rows, starts


def _read_rows(table: IndicatorTable, header: list[str], body: list[list[str]], lines: list[int],
               settings: IndicatorSettings) -> None:
    """The body rows as indicators: short rows placed in their columns (a merged 类别 or 属性
    taken from the row above), group rows as categories, in-table notes as the note; rows that
    are none of these and name no indicator go to ``table.unread``."""
    roles = table.roles
    width = len(roles)
    above: dict[str, str] = {}  # the merged cells' texts: category and attribute of the row above
    group = ""
    body, lines = _finish_short_rows(body, lines, width, settings)
    for row, line in zip(body, lines, strict=False):
        filled = [c.strip() for c in row if c.strip()]
        if not filled or _squeezed(row) == _squeezed(header)[: len(row)]:
            continue  # an empty row; the header repeated (a table over pages)
        if len(filled) == 1 and TABLE_NOTE_RE.match(filled[0]):
            table.note = "\n".join(x for x in (table.note, filled[0]) if x)
            continue
        if len(filled) == 1 and row[0].strip() and width >= 3 and _is_text(filled[0], settings):
            group = filled[0]  # "经济发展" alone: the rows under it are of that category
            above.pop("category", None)
            continue
        cells, missing = align_row(row, roles, settings)
        cut = len("".join(_squeezed(cells))) < len("".join(_squeezed(row)))  # more cells than columns
        for role in ("category", "attribute"):
            if role in roles:
                k = roles.index(role)
                # a merged cell: the text of the row above (an empty 类别 is one too)
                if k in missing or (role == "category" and not cells[k].strip()):
                    cells[k] = above.get(role, "")
                above[role] = cells[k]
        ind = _row_to_indicator(cells, roles, line, settings)
        ind.category = ind.category or group
        if not ind.name and ind.seq is None:
            table.unread.append(UnreadRow(line, list(row), "names no indicator and is not exported"))
            continue
        if cut:
            extra = [c for c in _unpadded(row)[width:] if c.strip()]
            table.unread.append(UnreadRow(line, extra, "has cells past the header's columns, not exported"))
        ind.table = table
        for cell in (ind.base, ind.target, ind.actual):
            if cell and cell.percent and not ind.unit:
                ind.unit = "%"  # printed in the cell, not guessed
        table.indicators.append(ind)


def indicator_tables(doc: Document, settings: IndicatorSettings | None = None) -> list[IndicatorTable]:
    """Every indicator table of ``doc`` with typed rows."""
    settings = settings or _DEFAULT_SETTINGS
    found: list[IndicatorTable] = []
    for node, title in _tables_with_context(doc.children, settings):
        if not node.header or not node.rows:
            continue
        header, body_start = merged_header(node.rows)
        if not is_indicator_header(header):
            continue
        roles = header_roles(header)
        pm = PERIOD_RE.search(title)
        period = pm.group(1) if pm else doc.period
        years = {role: _YEAR_RE.search(re.sub(r"\s+", "", h)) for role, h in zip(roles, header, strict=False)}
        base_m, target_m = years.get("base"), years.get("target")
        years_of_period = five_year_period_years(period)
        end = years_of_period[1] if years_of_period else None
        table = IndicatorTable(
            doc=doc, node=node, title=title, period=period, roles=roles,
            base_year=int(base_m.group(1)) if base_m else (end - 5 if end and "base" in roles else None),
            target_year=int(target_m.group(1)) if target_m else end,
            cumulative_note=False, dash_note="", note=node.note,
        )
        lines = node.row_lines or [node.line_start] * len(node.rows)
        lines = lines + [lines[-1]] * (len(node.rows) - len(lines))
        _read_rows(table, node.rows[0], node.rows[body_start:], lines[body_start:], settings)
        table.cumulative_note = bool(_NOTE_CUMULATIVE_RE.search(table.note))
        dash = _NOTE_DASH_RE.search(table.note)
        table.dash_note = dash.group(1).strip() if dash else ""
        found.append(table)
    return found


def unread_warnings(tables: Iterable[IndicatorTable]) -> list[str]:
    """One line for each row of ``tables`` that holds something but no indicator (see
    :attr:`IndicatorTable.unread`)."""
    return [f"{t.doc.source.path}:{row.line}: a row of the indicator table at line {t.node.line_start} "
            f"{row.reason}: {' | '.join(row.cells)}" for t in tables for row in t.unread]


def warn_unread(tables: Iterable[IndicatorTable], warn: Callable[[str], None] | None) -> None:
    """Say each unread row of ``tables`` through ``warn`` (nothing when it is None)."""
    if warn is not None:
        for message in unread_warnings(tables):
            warn(message)


def cell_dict(cell: CellValue | None) -> dict[str, Any]:
    """A cell as plain data (for JSON)."""
    return asdict(cell) if cell else {}
