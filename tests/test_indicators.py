"""Indicator tables as typed data: cell grammar, header roles, broken rows, the seed tables."""

from __future__ import annotations

import pytest

from planctl.corpus import load_corpus
from planctl.indicators import header_roles, indicator_tables, is_indicator_header, parse_cell
from tests.helpers import parse_text

corpus = load_corpus()


# raw cell → (value, comparator, cumulative, qualitative, percent)
CELLS = [
    ("35.7", (35.7, "=", False, "", False)),
    ("〔150〕", (150.0, "=", True, "", False)),
    ("〔31.2〕", (31.2, "=", True, "", False)),
    ("[7.5]", (7.5, "=", True, "", False)),
    ("<6", (6.0, "<", False, "", False)),
    ("<5.5", (5.5, "<", False, "", False)),
    (">97", (97.0, ">", False, "", False)),
    ("≥90", (90.0, ">=", False, "", False)),
    ("≤4.5", (4.5, "<=", False, "", False)),
    ("≈6", (6.0, "~", False, "", False)),
    ("约6", (6.0, "~", False, "", False)),
    ("控制在5.5%左右", (5.5, "~", False, "", True)),
    ("控制在4.5%以内", (4.5, "<=", False, "", True)),
    ("65左右", (65.0, "~", False, "", False)),
    ("11.5左右", (11.5, "~", False, "", False)),
    ("95%以上", (95.0, ">=", False, "", True)),
    ("不低于90", (90.0, ">=", False, "", False)),
    ("稳步提高", (None, "", False, "稳步提高", False)),
    ("—", (None, "", False, "", False)),
    ("", (None, "", False, "", False)),
    ("〔 150 〕", (150.0, "=", True, "", False)),
    ("5-6", (None, "", False, "5-6", False)),
    # full-width signs and digits, ％, more ways to say "none", totals with a comparator
    ("＞7", (7.0, ">", False, "", False)),
    ("＜5.5", (5.5, "<", False, "", False)),
    ("≥95%", (95.0, ">=", False, "", True)),
    ("95％以上", (95.0, ">=", False, "", True)),
    ("５．５％左右", (5.5, "~", False, "", True)),
    ("6%左右", (6.0, "~", False, "", True)),
    ("5.5以内", (5.5, "<=", False, "", False)),
    ("≤5.5%", (5.5, "<=", False, "", True)),
    ("-", (None, "", False, "", False)),
    ("－", (None, "", False, "", False)),
    ("–", (None, "", False, "", False)),
    ("——", (None, "", False, "", False)),
    ("〔150〕左右", (150.0, "~", True, "", False)),
    ("＞〔30〕", (30.0, ">", True, "", False)),
    ("累计150", (150.0, "=", True, "", False)),
    ("高于地区生产总值增长", (None, "", False, "高于地区生产总值增长", False)),
    ("与经济增长基本同步", (None, "", False, "与经济增长基本同步", False)),
    ("完成省下达任务", (None, "", False, "完成省下达任务", False)),
    ("力争达到8", (None, "", False, "力争达到8", False)),
]


@pytest.mark.parametrize(("raw", "expected"), CELLS, ids=[c[0] or "empty" for c in CELLS])
def test_cell_grammar(raw: str, expected: tuple) -> None:
    cell = parse_cell(raw)
    assert (cell.value, cell.comparator, cell.cumulative, cell.qualitative, cell.percent) == expected
    assert cell.raw == raw


@pytest.mark.parametrize(
    ("header", "roles"),
    [
        (
            ["序号", "指标名称", "2020 年基数", "2025 年目标", "指标属性"],
            ["seq", "name", "base", "target", "attribute"],
        ),
        (["序号", "指标", "单位", "规划目标", "属性"], ["seq", "name", "unit", "target", "attribute"]),
        (["序号", "指标", "单位", "规划目标", "完成情况"], ["seq", "name", "unit", "target", "actual"]),
        (["指标", "属性", "2025年", "2020年"], ["name", "attribute", "target", "base"]),
        (["指标", "2020年", "2025年"], ["name", "base", "target"]),
        (["类别", "序号", "指标", "单位", "属性", "目标值"],
         ["category", "seq", "name", "unit", "attribute", "target"]),
        (["领域", "指标", "2020年基期值", "2025年目标值"], ["category", "name", "base", "target"]),
        (["一级指标", "二级指标", "单位", "2025年"], ["category", "name", "unit", "target"]),
        (["类别", "指标", "指标值2020年", "2025年"], ["category", "name", "base", "target"]),
    ],
)
def test_header_roles_by_meaning(header, roles) -> None:
    assert header_roles(header) == roles
    assert is_indicator_header(header)


def test_name_content_box_is_not_an_indicator_table() -> None:
    assert not is_indicator_header(["名称", "主要内容"])


def _table(text: str):
    (doc,) = parse_text(text)
    (table,) = indicator_tables(doc)
    return table


def test_broken_rows_become_whole_indicators() -> None:
    table = _table(
        "专栏2“十四五”时期就业主要指标\n\n序号\t指标\t单位\t规划目标\t属性\n"
        "5\t城镇就业占比%65左右预期性\t%\t65左右\t预期性\n"
        "8\t\n企业劳动合同签订率\n\n%\t>95\t>95\n"
        "10\n技能劳动者总量\t万人\t42\t预期性\n"
        "注:〔〕内为5年累计数。\n"
    )
    assert table.period == "十四五" and table.target_year == 2025 and table.cumulative_note
    by_seq = {i.seq: i for i in table.indicators}
    assert by_seq[5].name == "城镇就业占比" and by_seq[5].target.comparator == "~" and by_seq[5].unit == "%"
    assert by_seq[8].name == "企业劳动合同签订率"
    assert by_seq[8].target.value == 95 and by_seq[8].target.comparator == ">"
    assert by_seq[10].name == "技能劳动者总量" and by_seq[10].unit == "万人" and by_seq[10].attribute == "expected"


def test_words_in_parentheses_that_are_no_unit_stay_in_the_name() -> None:
    table = _table(
        "专栏 1 主要指标\n\n序号\t指标名称\t2025 年目标\t指标属性\n"
        "1\t城镇新增就业人数（累计）\t〔30〕\t预期性\n"
        "2\t空气质量优良天数比率（%，省考核口径）\t≥90\t约束性\n"
        "3\tPM2.5平均浓度（微克/立方米）\t35\t约束性\n"
    )
    assert [(i.name, i.unit) for i in table.indicators] == [
        ("城镇新增就业人数（累计）", ""), ("空气质量优良天数比率", "%"), ("PM2.5平均浓度", "微克/立方米")]


def test_unit_from_name_else_empty_never_guessed() -> None:
    table = _table(
        "专栏 1 主要指标\n\n序号\t指标名称\t2020 年基数\t2025 年目标\t指标属性\n"
        "1\t城镇新增就业人数（万人）\t2.06\t〔7.5〕\t约束性\n"
        "8\t失业保险参保人数\t10.66\t〔50〕\t预期性\n"
        "9\t城镇调查失业率\t5.9\t控制在5.5%左右\t预期性\n"
    )
    units = [i.unit for i in table.indicators]
    assert units == ["万人", "", "%"]  # the last one from the % printed in its cell
    assert (table.base_year, table.target_year) == (2020, 2025)
    assert table.indicators[0].attribute == "binding"


def _tables(doc_id: str):
    return indicator_tables(corpus.by_id(doc_id))


def test_seed_tables_found_with_all_rows() -> None:
    (gansu,) = _tables("gansu-employment-2021")
    (wuwei,) = _tables("wuwei-employment-2022")
    done, targets = _tables("qinghai-employment-2021")
    assert [len(t.indicators) for t in (gansu, wuwei, targets, done)] == [11, 12, 15, 10]
    assert [t.period for t in (gansu, wuwei, targets, done)] == ["十四五", "十四五", "十四五", "十三五"]
    assert done.target_year == 2020 and "actual" in done.roles
    assert not _tables("gansu-employment-2021-2")  # the web edition lost its table
    for doc in corpus.documents:
        if doc.kind == "notice":
            assert not indicator_tables(doc)


def test_seed_values_comparators_cumulative_units_attributes() -> None:
    (gansu,) = _tables("gansu-employment-2021")
    first, second, eighth = gansu.indicators[0], gansu.indicators[1], gansu.indicators[7]
    assert (first.name, first.unit, first.base.value, first.target.value, first.target.cumulative) == (
        "城镇新增就业人数", "万人", 35.7, 150.0, True)
    assert (second.target.value, second.target.comparator, second.unit) == (6.0, "<", "%")
    assert eighth.base.cumulative and eighth.attribute == "binding"
    (wuwei,) = _tables("wuwei-employment-2022")
    third = wuwei.indicators[2]
    assert third.base.raw == "—" and third.base.value is None and third.target.value == 50
    assert wuwei.dash_note == "统计指标的变化"
    assert wuwei.indicators[1].base.comparator == "~" and wuwei.indicators[4].target.comparator == ">="
    done, targets = _tables("qinghai-employment-2021")
    assert done.indicators[0].actual.value == 31.2 and done.indicators[0].actual.cumulative
    assert done.indicators[2].actual.comparator == "<"
    eighth = targets.indicators[7]
    assert eighth.target.value is None and eighth.target.qualitative == "稳步提高"
    assert targets.indicators[5].unit == "万元/人" and targets.indicators[6].attribute == "binding"
