"""Indicator tables (主要指标表) as typed data.

A table is an indicator table when its header names indicators and targets. Each header is
mapped to a role by meaning (序号 → seq, 指标名称 → name, 单位 → unit, 2020年基数 → base,
2025年目标 / 规划目标 → target, 完成情况 → actual, 属性 → attribute), in any order and subset.
Every base/target/actual cell is parsed into a :class:`CellValue`.

Example::

    >>> parse_cell("〔150〕")
    CellValue(raw='〔150〕', value=150.0, comparator='=', cumulative=True, qualitative='', percent=False)
    >>> parse_cell("控制在5.5%左右").comparator
    '~'
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from planctl.cjk import five_year_period_years
from planctl.model import COLUMN, TABLE, Document, Node
from planctl.parse.patterns import PERIOD_RE

# ---- header roles ---------------------------------------------------------------------------
# Tried in order on each header cell; the first role whose pattern matches wins.
ROLE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("seq", re.compile(r"^(?:序号|编号|序)$")),
    ("unit", re.compile(r"^(?:计量)?单位$")),
    ("attribute", re.compile(r"属性|性质|类型")),  # "指标属性"
    ("actual", re.compile(r"完成|实际|实现值|现状值")),  # "完成情况"
    ("base", re.compile(r"基数|基期|基准|基础值|现状")),  # "2020 年基数"
    ("target", re.compile(r"目标|预期值|规划值|\d{4}\s*年")),  # "2025 年目标", "规划目标"
    ("name", re.compile(r"指标|名称|项目")),  # "指标名称", "指标"
)
_YEAR_RE = re.compile(r"([12]\d{3})\s*年?")
# "城镇新增就业人数（万人）", "城镇调查失业率(%)"
_NAME_UNIT_RE = re.compile(r"^(.*?)\s*[（(]([^（）()]{1,12})[）)]\s*$")
# "注：〔 〕表示五年累计数。", "注:〔〕内为2016年以来累计数。"
_NOTE_CUMULATIVE_RE = re.compile(r"〔\s*〕[^；;。]*累计")
# "①“—”表示统计指标的变化"
_NOTE_DASH_RE = re.compile(r"[“\"]?[—－-]+[”\"]?\s*表示([^；;。]*)")

ATTRIBUTES = {"预期性": "expected", "约束性": "binding"}

# ---- cell grammar ---------------------------------------------------------------------------
_NUMBER_RE = re.compile(r"[-+]?\d+(?:\.\d+)?")
_CUMULATIVE_RE = re.compile(r"^[〔\[［【]\s*(.*?)\s*[〕\]］】]$")
_NO_FIGURE = {"—", "——", "-", "－", "--", "/", "／", "无", "…"}
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
    """Parse one indicator cell (see the module docstring for the grammar)."""
    text = re.sub(r"\s+", "", raw)
    cell = CellValue(raw=raw)
    if not text or text in _NO_FIGURE:
        return cell
    m = _CUMULATIVE_RE.match(text)
    if m:
        cell.cumulative = True
        text = m.group(1)
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


def header_roles(header: list[str]) -> list[str]:
    """Map header cells to roles: ``['序号', '指标名称', '2020年基数', …]`` → ``['seq', 'name', 'base', …]``."""
    roles: list[str] = []
    for cell in header:
        text = re.sub(r"\s+", "", cell)
        role = next((r for r, pattern in ROLE_PATTERNS if pattern.search(text)), "")
        roles.append(role if role not in roles or role in ("", "target") else "")
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


def _split_name_unit(name: str) -> tuple[str, str]:
    m = _NAME_UNIT_RE.match(name)
    return (m.group(1), m.group(2)) if m else (name, "")


def _row_to_indicator(row: list[str], roles: list[str], line: int) -> Indicator:
    cells: dict[str, str] = {}
    for role, cell in zip(roles, row, strict=False):
        if role and role not in cells:
            cells[role] = cell
    name, name_unit = _split_name_unit(cells.get("name", ""))
    unit = cells.get("unit", "") or name_unit

    def value(role: str) -> CellValue | None:
        if role not in roles:
            return None
        parsed = parse_cell(cells.get(role, ""))
        return parsed

    seq_text = cells.get("seq", "")
    attribute_raw = cells.get("attribute", "")
    return Indicator(
        seq=int(seq_text) if seq_text.isdigit() else None,
        name=name,
        unit=unit,
        base=value("base"),
        target=value("target"),
        actual=value("actual"),
        attribute=ATTRIBUTES.get(attribute_raw.strip(), ""),
        attribute_raw=attribute_raw,
        name_raw=cells.get("name", ""),
        line=line,
    )


def _tables_with_context(nodes: list[Node], column: Node | None = None) -> Iterator[tuple[Node, Node | None]]:
    for node in nodes:
        if node.kind == TABLE:
            yield node, column
        yield from _tables_with_context(node.children, node if node.kind == COLUMN else column)


def indicator_tables(doc: Document) -> list[IndicatorTable]:
    """Every indicator table of ``doc`` with typed rows."""
    found: list[IndicatorTable] = []
    for node, column in _tables_with_context(doc.children):
        if not node.header or not node.rows or not is_indicator_header(node.rows[0]):
            continue
        header = node.rows[0]
        roles = header_roles(header)
        title = column.title if column else ""
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
            cumulative_note=bool(_NOTE_CUMULATIVE_RE.search(node.note)),
            dash_note=(_NOTE_DASH_RE.search(node.note).group(1).strip()  # type: ignore[union-attr]
                       if _NOTE_DASH_RE.search(node.note) else ""),
        )
        lines = node.row_lines[1:] or [node.line_start] * (len(node.rows) - 1)
        for row, line in zip(node.rows[1:], lines, strict=False):
            ind = _row_to_indicator(row, roles, line)
            ind.table = table
            if not ind.name and ind.seq is None:
                continue
            for cell in (ind.base, ind.target, ind.actual):
                if cell and cell.percent and not ind.unit:
                    ind.unit = "%"  # printed in the cell, not guessed
            table.indicators.append(ind)
        found.append(table)
    return found


def cell_dict(cell: CellValue | None) -> dict[str, Any]:
    """A cell as plain data (for JSON)."""
    return asdict(cell) if cell else {}
