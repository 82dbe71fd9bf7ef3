"""Indicator tables in the shapes users have them: flattened one cell per line, tab and pipe
tables with merged cells, HTML tables with row and column spans, Word tables with merged cells
(gridSpan / vMerge), with or without a 属性 column — each read into the same typed rows.

The tables are synthetic, built in the layouts real 主要指标 tables use (DOMAIN.md): a 类别
column whose cells are merged down the rows, 序号, 指标, 单位, base and target years, 属性, and
a note under the table saying what 〔〕 marks. The text shapes' trees are golden cases
(tests/cases/indicator_table_*.case); here, what each row reads as.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from planctl.cli import app
from planctl.indicators import IndicatorTable, align_row, indicator_tables, merged_header
from planctl.ingest import read_source
from planctl.parse import parse, parse_file
from planctl.parse.lossless import lost_characters
from tests.helpers import parse_text

runner = CliRunner()
CASES = Path(__file__).parent / "cases"


def _case_input(name: str) -> str:
    text = (CASES / f"{name}.case").read_text(encoding="utf-8")
    return text.split("--- input\n", 1)[1].split("--- outline\n", 1)[0]


def _one_table(docs) -> IndicatorTable:
    tables = [t for d in docs for t in indicator_tables(d)]
    assert len(tables) == 1, [t.title for t in tables]
    return tables[0]


def _rows(table: IndicatorTable) -> list[tuple]:
    """(category, seq, name, unit, base raw, target raw, attribute) of each row."""
    return [(i.category, i.seq, i.name, i.unit, i.base.raw if i.base else None, i.target.raw if i.target else None,
             i.attribute) for i in table.indicators]


# ---- text: flattened, tab, pipe --------------------------------------------------------------
def test_flattened_table_one_cell_per_line() -> None:
    table = _one_table(parse_text(_case_input("indicator_table_flattened")))
    assert table.roles == ["category", "seq", "name", "unit", "attribute", "target"]
    assert table.title == "“十四五”时期经济社会发展主要指标" and table.period == "十四五" and table.target_year == 2025
    assert table.cumulative_note and not table.unread
    assert _rows(table) == [
        ("经济发展", 1, "地区生产总值增长", "%", None, "6左右", "expected"),
        ("经济发展", 2, "全员劳动生产率增长", "%", None, "高于地区生产总值增长", "expected"),  # ragged: 类别 merged
        ("创新驱动", 3, "研发经费投入增长", "%", None, "＞7", "expected"),  # ％ is %
        ("创新驱动", 4, "每万人口高价值发明专利拥有量", "件", None, "12", "expected"),  # name wrapped
        ("民生福祉", 5, "城镇调查失业率", "%", None, "≤5.5", "expected"),
        ("民生福祉", 6, "城镇新增就业人数", "万人", None, "〔30〕", "expected"),
        ("绿色生态", 7, "森林覆盖率", "%", None, "25以上", "binding"),
    ]
    targets = [(i.target.value, i.target.comparator, i.target.cumulative, i.target.qualitative)
               for i in table.indicators]
    assert targets == [(6.0, "~", False, ""), (None, "", False, "高于地区生产总值增长"), (7.0, ">", False, ""),
                       (12.0, "=", False, ""), (5.5, "<=", False, ""), (30.0, "=", True, ""),
                       (25.0, ">=", False, "")]


def test_flattened_table_without_blank_lines_between_rows() -> None:
    table = _one_table(parse_text(_case_input("indicator_table_flattened_no_blank_lines")))
    assert table.title == "表2主要指标" and (table.base_year, table.target_year) == (2020, 2025)
    assert _rows(table) == [
        ("就业", 1, "城镇新增就业人数", "万人", "〔31〕", "〔30〕", "expected"),
        ("就业", 2, "城镇调查失业率", "%", "5.2", "5.5以内", "expected"),
        ("技能", 3, "技能劳动者占就业人员比重", "%", "22", "26以上", "expected"),
    ]
    assert table.indicators[1].target.comparator == "<=" and table.indicators[2].target.comparator == ">="


def test_tab_table_with_merged_cells_group_rows_and_an_unread_row() -> None:
    table = _one_table(parse_text(_case_input("indicator_table_merged_cells")))
    assert table.title == "表1“十四五”时期经济社会发展主要指标"
    assert _rows(table) == [
        ("经济发展", 1, "地区生产总值增长", "%", "3.9", "6左右", "expected"),
        ("经济发展", 2, "全员劳动生产率增长", "%", "2.5", "高于地区生产总值增长", "expected"),  # empty 类别
        ("创新驱动", 3, "研发经费投入强度", "%", "1.2", "≥2", "expected"),
        ("创新驱动", 4, "每万人口发明专利拥有量", "件", "1.5", "3以上", "expected"),  # 类别 not printed
        ("民生福祉", 5, "城镇调查失业率", "%", "-", "＜5.5", "expected"),  # under the group row
        ("民生福祉", 6, "城镇新增就业人数", "万人", "〔1.8〕", "〔2〕", "expected"),
    ]
    fifth = table.indicators[4]
    assert fifth.base.value is None and fifth.base.raw == "-" and fifth.target.comparator == "<"
    assert [(row.line, row.cells) for row in table.unread] == [(15, ["", "", "", "", "12", "", ""])]  # no indicator


def test_pipe_table_without_attribute_column() -> None:
    table = _one_table(parse_text(_case_input("indicator_table_pipe")))
    assert table.roles == ["category", "name", "base", "target"]
    assert _rows(table) == [
        ("就业", None, "城镇新增就业人数", "万人", "〔52〕", "〔50〕", ""),
        ("就业", None, "城镇调查失业率", "%", "-", "5.5%左右", ""),
        ("就业", None, "零工市场覆盖率", "", "—", "基本实现全覆盖", ""),
        ("技能", None, "高技能人才占技能人才比重", "%", "28", "≥30", ""),
    ]
    third = table.indicators[2]
    assert third.target.qualitative == "基本实现全覆盖" and third.target.value is None


def test_cells_past_the_header_are_said() -> None:
    table = _one_table(parse_text("“十四五”就业促进规划\n一、发展目标\n序号\t指标\t2025年\t属性\n"
                                  "1\t城镇新增就业人数\t〔2〕\t预期性\t省考核指标\t新增\n"
                                  "2\t城镇调查失业率\t5.5以内\t预期性\n"))
    assert [(i.seq, i.target.raw, i.attribute) for i in table.indicators] == [(1, "〔2〕", "expected"),
                                                                             (2, "5.5以内", "expected")]
    assert [(row.line, row.cells) for row in table.unread] == [(4, ["省考核指标", "新增"])]


def test_last_cell_of_a_row_on_a_line_of_its_own() -> None:
    table = _one_table(parse_text("“十四五”就业促进规划\n一、发展目标\n序号\t指标\t单位\t2025年\t属性\n"
                                  "1\t城镇新增就业人数\t万人\t〔2〕\t预期性\n2\t技能劳动者总量\t万人\t42\n预期性\n"
                                  "3\t城镇调查失业率\t%\t5.5以内\t预期性\n"))
    assert [(i.seq, i.target.raw, i.attribute) for i in table.indicators] == [
        (1, "〔2〕", "expected"), (2, "42", "expected"), (3, "5.5以内", "expected")]


@pytest.mark.parametrize("second", ["2020年\t2025年", "\t\t\t\t2020年\t2025年\t"], ids=["short", "in-columns"])
def test_header_over_two_rows_copied_as_text(second: str) -> None:
    """指标值 merged over 2020年 | 2025年, copied as text: written once, the years on a row below."""
    table = _one_table(parse_text("某市“十四五”就业规划\n一、主要目标\n表1 主要指标\n"
                                  "类别\t序号\t指标\t单位\t指标值\t属性\n" + second + "\n"
                                  "就业规模\t1\t城镇新增就业人数\t万人\t〔31〕\t〔30〕\t预期性\n"
                                  "\t2\t城镇调查失业率\t%\t5.2\t5.5以内\t预期性\n\n二、主要任务\n"))
    assert table.roles == ["category", "seq", "name", "unit", "base", "target", "attribute"]
    assert (table.base_year, table.target_year) == (2020, 2025)
    assert _rows(table) == [("就业规模", 1, "城镇新增就业人数", "万人", "〔31〕", "〔30〕", "expected"),
                            ("就业规模", 2, "城镇调查失业率", "%", "5.2", "5.5以内", "expected")]


def test_row_cells_placed_by_what_they_look_like() -> None:
    roles = ["category", "seq", "name", "unit", "base", "target", "attribute"]
    assert align_row(["2", "全员劳动生产率增长", "%", "2.5", "6左右", "预期性"], roles)[1] == [0]
    assert align_row(["2", "全员劳动生产率增长", "%", "2.5", "6左右"], roles)[1] == [0, 6]  # 属性 merged too
    assert align_row(["就业", "3", "城镇调查失业率", "5.5", "预期性"], roles)[1] == [3, 4]  # no unit, no base
    wrapped = align_row(["5", "每万人口高价值", "发明专利拥有量", "件", "3.2", "8", "预期性"], roles)
    assert wrapped == (["", "5", "每万人口高价值发明专利拥有量", "件", "3.2", "8", "预期性"], [0])
    assert align_row(["经济发展", "1", "地区生产总值增长", "%", "3.9", "6左右", "预期性"], roles)[1] == []
    assert merged_header([["指标", "指标值", ""], ["指标", "2020年", "2025年"], ["就业", "1", "2"]])[1] == 2
    assert merged_header([["指标", "2020年"], ["城镇新增就业", "35.7"]]) == (["指标", "2020年"], 1)


# ---- web pages -------------------------------------------------------------------------------
PAGE = """<html><head><meta charset="utf-8"><title>某市“十四五”就业促进规划</title></head><body>
<div class="nav">首页 政务公开 规划计划</div>
<div class="TRS_Editor">
<p>某市“十四五”就业促进规划</p>
<p>一、主要目标</p>
<p>到2025年，就业规模稳中有增，就业结构更加优化。</p>
<table border="1">
<tr><td colspan="6">表1 “十四五”时期就业主要指标</td></tr>
<tr><th rowspan="2">类别</th><th rowspan="2">序号</th><th rowspan="2">指标</th><th rowspan="2">单位</th>
<th colspan="2">指标值</th></tr>
<tr><th>2020年</th><th>2025年</th></tr>
<tr><td rowspan="3">就业规模</td><td>1</td><td>城镇新增就业人数</td><td>万人</td><td>〔31.2〕</td><td>〔30〕</td></tr>
<tr><td>2</td><td>城镇调查失业率</td><td>%</td><td>5.9</td><td>≤5.5</td></tr>
<tr><td>3</td><td>城镇登记失业率</td><td rowspan="2">%</td><td>3.3</td><td>＜4.5</td></tr>
<tr><td rowspan="2">就业质量</td><td>4</td><td>新增劳动力受过高等教育比例</td><td>-</td><td>稳步提高</td></tr>
<tr><td>5</td><td>劳动年龄人口平均受教育年限</td><td>年</td><td>10.2</td><td>10.8以上</td></tr>
<tr><td colspan="6">注：〔〕内为五年累计数。</td></tr>
</table>
<p>二、主要任务</p>
<p>（一）扩大就业容量。坚持经济发展就业导向，扩大就业规模。</p>
</div></body></html>"""


def test_html_table_with_row_and_column_spans_and_no_attribute_column(tmp_path) -> None:
    path = tmp_path / "plan.html"
    path.write_text(PAGE, encoding="utf-8")
    table = _one_table(parse_file(path))
    assert table.roles == ["category", "seq", "name", "unit", "base", "target"]  # 指标值 over 2020年 | 2025年
    assert table.title == "表1“十四五”时期就业主要指标" and (table.base_year, table.target_year) == (2020, 2025)
    assert table.note == "注：〔〕内为五年累计数。" and table.cumulative_note
    assert _rows(table) == [
        ("就业规模", 1, "城镇新增就业人数", "万人", "〔31.2〕", "〔30〕", ""),
        ("就业规模", 2, "城镇调查失业率", "%", "5.9", "≤5.5", ""),
        ("就业规模", 3, "城镇登记失业率", "%", "3.3", "＜4.5", ""),
        ("就业质量", 4, "新增劳动力受过高等教育比例", "%", "-", "稳步提高", ""),  # 单位 merged from row 3
        ("就业质量", 5, "劳动年龄人口平均受教育年限", "年", "10.2", "10.8以上", ""),
    ]


def test_html_table_caption_element_is_the_title(tmp_path) -> None:
    path = tmp_path / "plan.html"
    path.write_text(PAGE.replace('<table border="1">\n<tr><td colspan="6">表1 “十四五”时期就业主要指标</td></tr>',
                                 '<table border="1"><caption>表1 “十四五”时期就业主要指标</caption>'),
                    encoding="utf-8")
    assert "<caption>" in path.read_text(encoding="utf-8")
    table = _one_table(parse_file(path))
    assert table.title == "表1“十四五”时期就业主要指标" and len(table.indicators) == 5


def test_html_and_word_tables_lose_nothing(tmp_path) -> None:
    html = tmp_path / "plan.html"
    html.write_text(PAGE, encoding="utf-8")
    for path in (html, _word_plan(tmp_path / "plan.docx", attribute=True)):
        source = read_source(path)
        assert not lost_characters(source, parse(source).documents), path.name


# ---- Word ------------------------------------------------------------------------------------
def _merge_down(table, column: int, first: int, last: int) -> None:
    table.cell(first, column).merge(table.cell(last, column))


def _word_plan(path: Path, *, attribute: bool) -> Path:
    """A plan whose 主要指标 table is a Word table: a title row merged across, a header over two
    rows (指标值 merged over 2020年 and 2025年, the other header cells merged down), 类别 cells
    merged down their rows, a note row merged across."""
    document = docx.Document()
    document.add_paragraph("某市“十四五”就业促进规划")
    document.add_paragraph("一、主要目标")
    document.add_paragraph("到2025年，就业规模稳中有增。")
    head = ["类别", "序号", "指标", "单位", "指标值", "", *(["属性"] if attribute else [])]
    body = [
        ["就业规模", "1", "城镇新增就业人数", "万人", "〔31.2〕", "〔30〕", "预期性"],
        ["", "2", "城镇调查失业率", "%", "5.9", "控制在5.5%以内", "预期性"],
        ["就业质量", "3", "劳动年龄人口平均受教育年限", "年", "10.2", "10.8", "约束性"],
        ["", "4", "新增劳动力受过高等教育比例", "%", "—", "稳步提高", "预期性"],
    ]
    width = len(head)
    table = document.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    rows = [["表1 “十四五”时期就业主要指标"] + [""] * (width - 1), head,
            ["", "", "", "", "2020年", "2025年", *([""] if attribute else [])],
            *[r[:width] for r in body], ["注：〔〕内为五年累计数。"] + [""] * (width - 1)]
    for values in rows:
        cells = table.add_row().cells
        for c, text in enumerate(values):
            cells[c].text = text
    table.cell(0, 0).merge(table.cell(0, width - 1))  # title row (gridSpan)
    table.cell(len(rows) - 1, 0).merge(table.cell(len(rows) - 1, width - 1))  # note row
    for c in [0, 1, 2, 3, *([6] if attribute else [])]:
        _merge_down(table, c, 1, 2)  # header cells over two rows (vMerge)
    table.cell(1, 4).merge(table.cell(1, 5))  # 指标值 over 2020年 | 2025年
    _merge_down(table, 0, 3, 4)
    _merge_down(table, 0, 5, 6)
    tr_pr = table.rows[1]._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))
    document.add_paragraph("二、主要任务")
    document.add_paragraph("（一）扩大就业容量。坚持经济发展就业导向。")
    document.save(str(path))
    return path


@pytest.mark.parametrize("attribute", [True, False], ids=["with-attribute", "without-attribute"])
def test_word_table_with_merged_cells(tmp_path, attribute: bool) -> None:
    path = _word_plan(tmp_path / "plan.docx", attribute=attribute)
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    assert "w:vMerge" in xml and "w:gridSpan" in xml
    table = _one_table(parse_file(path))
    assert table.title == "表1“十四五”时期就业主要指标" and table.cumulative_note
    roles = ["category", "seq", "name", "unit", "base", "target"]
    assert table.roles == roles + (["attribute"] if attribute else [])
    rows = _rows(table)
    assert [r[:6] for r in rows] == [
        ("就业规模", 1, "城镇新增就业人数", "万人", "〔31.2〕", "〔30〕"),
        ("就业规模", 2, "城镇调查失业率", "%", "5.9", "控制在5.5%以内"),
        ("就业质量", 3, "劳动年龄人口平均受教育年限", "年", "10.2", "10.8"),
        ("就业质量", 4, "新增劳动力受过高等教育比例", "%", "—", "稳步提高"),
    ]
    assert [r[6] for r in rows] == (["expected", "expected", "binding", "expected"] if attribute else [""] * 4)
    second = table.indicators[1]
    assert (second.target.value, second.target.comparator, second.target.percent) == (5.5, "<=", True)


# ---- the export: nothing dropped in silence, the contract kept --------------------------------
def test_export_reports_a_row_it_cannot_read_and_keeps_the_contract(tmp_path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(_case_input("indicator_table_merged_cells"), encoding="utf-8")
    result = runner.invoke(app, ["export", "indicators", str(path)])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 6 and [r["category"] for r in rows][:2] == ["经济发展", "经济发展"]
    assert list(rows[0])[-1] == "category"
    assert "plan.txt:15: a row of the indicator table at line 6 names no indicator" in result.stderr
    assert "12" in result.stderr.splitlines()[-1]
    shown = runner.invoke(app, ["show", str(path), "--indicators", "--format", "json"])
    data = json.loads(shown.stdout)
    assert data[0]["indicators"][4]["category"] == "民生福祉" and "names no indicator" in shown.stderr


def _exported(path: Path) -> list[dict]:
    result = runner.invoke(app, ["export", "indicators", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    return [{k: v for k, v in row.items() if k not in ("source_path", "source_line")}
            for row in json.loads(result.stdout)]


@pytest.mark.parametrize("shape", ["flattened", "flattened_no_blank_lines", "merged_cells", "pipe", "html", "docx"])
def test_markdown_of_a_table_reads_back_to_the_same_rows(tmp_path, shape: str) -> None:
    """`show --format markdown` writes every table as a pipe table (short rows padded with empty
    cells, a group row as a row of one cell): read back, it gives the same indicator rows."""
    if shape == "html":
        path = tmp_path / "plan.html"
        path.write_text(PAGE, encoding="utf-8")
    elif shape == "docx":
        path = _word_plan(tmp_path / "plan.docx", attribute=True)
    else:
        path = tmp_path / "plan.txt"
        path.write_text(_case_input(f"indicator_table_{shape}"), encoding="utf-8")
    markdown = runner.invoke(app, ["show", str(path), "--format", "markdown"])
    assert markdown.exit_code == 0
    again = tmp_path / "again.md"
    again.write_text(markdown.stdout, encoding="utf-8")
    assert _exported(again) == _exported(path)


_CELL_TEXTS = ["", "1", "12", "经济发展", "城镇调查失业率", "%", "万人", "3.9", "〔30〕", "6左右", "≥90", "-", "预期性",
               "约束性", "稳步提高", "高于地区生产总值增长"]
_ROLES = ["category", "seq", "name", "unit", "base", "target", "attribute"]


@given(st.lists(st.sampled_from(_CELL_TEXTS), min_size=1, max_size=9),
       st.lists(st.sampled_from(_ROLES), min_size=1, max_size=7, unique=True))
def test_laying_a_row_over_the_columns_invents_and_loses_nothing(row: list[str], roles: list[str]) -> None:
    """Whatever the row and the header: the cells come out in their order, none invented, and
    none lost when the row has no more cells than the header has columns."""
    cells, missing = align_row(row, roles)
    assert len(cells) == len(roles) and all(not cells[c] for c in missing)
    laid, printed = "".join(cells), "".join(row)
    assert laid == printed if len(row) <= len(roles) else printed.startswith(laid) or laid == printed
