"""The tree of every seed file is right: the documents DOMAIN.md lists, each plan's chapters,
every 专栏 with number and title, every table with all its rows, measures split from leads."""

from __future__ import annotations

from functools import cache

import pytest

from planctl.ingest import read_source
from planctl.model import APPENDIX, CHAPTER, COLUMN, MEASURE, TABLE, Document, Node
from planctl.parse import parse_source
from planctl.parse.lossless import lost_characters
from tests.helpers import CORPUS

FILES = sorted(CORPUS.glob("*.txt"))


@cache
def docs_of(name: str) -> list[Document]:
    return parse_source(read_source(CORPUS / name, display=name))


def kinds(doc: Document, kind: str) -> list[Node]:
    return [n for n in doc.walk() if n.kind == kind]


def chapter_numbers(doc: Document) -> list[str]:
    return [n.number for n in doc.children if n.kind == CHAPTER]


def columns(doc: Document) -> list[tuple[str, str]]:
    return [(n.number, n.title) for n in kinds(doc, COLUMN)]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_nothing_lost(path) -> None:
    src = read_source(path)
    assert not lost_characters(src, parse_source(src))


def test_ten_documents_in_five_files() -> None:
    found = {p.name: [(d.kind, d.title) for d in docs_of(p.name)] for p in FILES}
    assert sum(len(v) for v in found.values()) == 10
    assert [k for k, _ in found["gansu-2021-market-system-and-employment-plans.txt"]] == ["notice", "plan", "plan"]
    assert [k for k, _ in found["gansu-2021-employment-plan-web-edition.txt"]] == ["plan"]
    assert [k for k, _ in found["wuwei-2022-employment-plan.txt"]] == ["notice", "plan"]
    assert [k for k, _ in found["qinghai-2021-employment-plan.txt"]] == ["notice", "plan"]
    assert [k for k, _ in found["tianshui-gansu-2023-employment-notices.txt"]] == ["notice", "notice"]


def test_gansu_cover_notice_and_two_plans() -> None:
    notice, market, employment = docs_of("gansu-2021-market-system-and-employment-plans.txt")
    assert notice.doc_number == "甘政办发〔2021〕92号" and notice.date == "2021-10-11"
    assert notice.issuer == "甘肃省人民政府办公厅"
    assert market.title == "甘肃省“十四五”市场体系建设规划"
    assert chapter_numbers(market) == [f"第{n}章" for n in "一二三四五六七八"]
    assert columns(market) == [
        ("1", "消费促进转型升级行动"), ("2", "市场体系转型升级行动"),
        ("3", "强化市场监管行动"), ("4", "要素市场配置效率提升行动"),
    ]
    assert employment.title == "甘肃省“十四五”就业促进规划"
    assert chapter_numbers(employment) == ["一", "二", "三", "四"]
    assert [n for n, _ in columns(employment)] == [str(k) for k in range(1, 8)]
    assert columns(employment)[0][1] == "甘肃省“十四五”促进就业主要指标表"
    for plan in (market, employment):
        assert plan.issued_by == notice.id
        assert plan.doc_number == notice.doc_number and plan.date == notice.date


def test_gansu_indicator_table_all_rows() -> None:
    employment = docs_of("gansu-2021-market-system-and-employment-plans.txt")[2]
    table = kinds(employment, TABLE)[0]
    assert table.header and table.rows[0] == ["序号", "指标名称", "2020年基数", "2025年目标", "指标属性"]
    assert [r[0] for r in table.rows[1:]] == [str(k) for k in range(1, 12)]
    assert all(len(r) == 5 for r in table.rows)
    assert table.rows[8] == ["8", "失业保险参保人数（万人）", "〔170〕", "〔190〕", "约束性"]
    assert table.note == "注：〔〕表示五年累计数。"


def test_gansu_name_content_boxes_keep_every_row() -> None:
    employment = docs_of("gansu-2021-market-system-and-employment-plans.txt")[2]
    sizes = {n.number: len(t.rows) - 1 for n in kinds(employment, COLUMN) for t in n.children if t.kind == TABLE}
    # 专栏2: 3 rows; 专栏3: 5 (blank lines inside); 专栏4: 6; 专栏5: 5; 专栏6: 4; 专栏7: 4
    assert sizes == {"1": 11, "2": 3, "3": 5, "4": 6, "5": 5, "6": 4, "7": 4}


def test_web_edition_has_same_measures_without_boxes() -> None:
    (web,) = docs_of("gansu-2021-employment-plan-web-edition.txt")
    full = docs_of("gansu-2021-market-system-and-employment-plans.txt")[2]
    assert web.title == full.title and web.doc_number == "" and web.period == "十四五"
    assert chapter_numbers(web) == ["一", "二", "三", "四"]
    assert not kinds(web, COLUMN) and not kinds(web, TABLE)
    web_leads = {n.title for n in kinds(web, MEASURE)}
    full_leads = {n.title for n in kinds(full, MEASURE)}
    assert len(web_leads) >= 40
    assert web_leads <= full_leads


def test_wuwei_toc_skipped_boxes_and_table() -> None:
    notice, plan = docs_of("wuwei-2022-employment-plan.txt")
    assert notice.doc_number == "武政办发〔2022〕10号" and plan.issued_by == notice.id
    assert plan.region == "武威市" and plan.level == "city"
    assert chapter_numbers(plan) == ["前言", "一", "二", "三", "四"]
    assert [n for n, _ in columns(plan)] == [str(k) for k in range(1, 8)]
    assert columns(plan)[6] == ("7", "就业失业统计监测能力提升工程")
    (table,) = kinds(plan, TABLE)
    assert len(table.rows) == 13 and table.rows[5][0] == "5" and table.rows[6][0] == "6"
    assert any(n.role == "toc" for n in plan.children)


def test_qinghai_boxes_tables_and_appendix() -> None:
    notice, plan = docs_of("qinghai-2021-employment-plan.txt")
    assert notice.doc_number == "青政办〔2021〕83号" and notice.date == "2021-11-17"
    assert chapter_numbers(plan) == list("一二三四五六七八九")
    assert [n for n, _ in columns(plan)] == [str(k) for k in range(1, 11)]
    assert columns(plan)[0] == ("1", "“十三五”主要指标完成情况")
    done, targets = kinds(plan, TABLE)
    assert len(done.rows) == 11 and done.rows[8] == ["8", "企业劳动合同签订率", "%", ">95", ">95"]
    assert len(targets.rows) == 16 and targets.rows[10] == ["10", "技能劳动者总量", "万人", "42", "预期性"]
    assert targets.rows[5] == ["5", "城镇就业占比", "%", "65左右", "预期性"]
    (appendix,) = kinds(plan, APPENDIX)
    tasks = [n for n in appendix.children if n.kind == MEASURE]
    assert appendix.title == "重点任务分工方案" and len(tasks) == 44
    assert all(t.departments for t in tasks)


def test_qinghai_inline_items_are_measures() -> None:
    plan = docs_of("qinghai-2021-employment-plan.txt")[1]
    chapter7 = next(n for n in plan.children if n.number == "七")
    leads = [n.title for n in chapter7.children if n.kind == MEASURE]
    assert leads == ["切实做好高校毕业生就业工作", "促进农牧区劳动力转移就业", "持续推进脱贫人口就业工作",
                     "帮扶就业困难人员等群体就业"]


def test_notice_relaying_a_notice() -> None:
    city, province = docs_of("tianshui-gansu-2023-employment-notices.txt")
    assert city.region == "天水市" and city.doc_number == "天就办发〔2023〕15号"
    assert [m.title for m in kinds(city, MEASURE)] == [
        "一要提高站位靠实责任", "二要聚集重点全力推进", "三要强化督导迅速行动"
    ]
    assert province.doc_number == "甘政办发〔2023〕60号" and province.date == "2023-07-25"
    assert chapter_numbers(province) == list("一二三四五")
    measures = kinds(province, MEASURE)
    numerals = [*"一二三四五六七八九十", "十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八"]
    assert [m.number for m in measures] == [f"（{n}）" for n in numerals]
    assert all(m.departments for m in measures)
    assert measures[0].departments == ["省人社厅", "省财政厅"]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_measures_have_leads_and_bodies(path) -> None:
    for doc in docs_of(path.name):
        for m in kinds(doc, MEASURE):
            assert m.title, f"measure without lead at line {m.line_start}"
            assert m.text or m.number, f"measure without body at line {m.line_start}"
            assert "**" not in m.title + m.text and "<b>" not in m.title + m.text
