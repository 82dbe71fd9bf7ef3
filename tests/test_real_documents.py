"""What a reader sees in every real file and every shipped file, written by reading them (before
the parser was taught their conventions), checked against the parsed tree.

For each document: kind, title, 文号, issuer, date, level; its top-level divisions in order
(appendices as ``附件…``), how many 专栏 and 第X条 articles it holds, and where the text numbers
its items, the numbers it runs through. Titles are compared without punctuation (北大法宝 prints
a title twice, once with ASCII brackets).

The real files are read from ``../shared/real/`` beside the checkout; without it those cases skip.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest

from planctl.cjk import words_only
from planctl.env import Environment
from planctl.ingest import decode_bytes, read_source
from planctl.model import APPENDIX, ARTICLE, CHAPTER, COLUMN, Document
from planctl.parse import parse
from planctl.parse.lossless import lost_characters
from tests.helpers import CORPUS, ROOT

REAL = ROOT.parent / "shared" / "real"
CN = "一二三四五六七八九十"


def cn(n: int) -> str:
    """1 → 一, 12 → 十二, 15 → 十五 (enough for headings)."""
    if n <= 10:
        return "一二三四五六七八九十"[n - 1]
    return ("" if n < 20 else CN[n // 10 - 1]) + "十" + (CN[n % 10 - 1] if n % 10 else "")


def cn_range(n: int) -> list[str]:
    return [cn(k) for k in range(1, n + 1)]


@dataclass
class Doc:
    kind: str
    title: str
    doc_number: str = ""
    issuer: str = ""
    date: str = ""
    level: str = ""
    top: list[str] = field(default_factory=list)
    """Numbers of the top-level divisions (chapters, prefaces, appendices), in order."""
    columns: int = 0
    articles: int = 0
    items: list[str] = field(default_factory=list)
    """Item numbers (1., 2. …) the document runs through, in order, where it numbers them continuously."""


EXPECTED: dict[str, list[Doc]] = {
    # ---- real documents nobody here wrote ------------------------------------------------------
    # gov.cn page copies: a curator's notes, the page's title and chrome, its metadata block twice
    # (as table cells with stray bars, then as lines), the notice's title broken over a blank line;
    # after the text, related links, the footer and the notice's first sentence again
    "01_guofa-2021-29_shisiwu-digital-economy-plan.txt": [
        Doc("notice", "国务院关于印发“十四五”数字经济发展规划的通知", "国发〔2021〕29号", "国务院", "2021-12-12",
            "national"),
        Doc("plan", "“十四五”数字经济发展规划", "国发〔2021〕29号", "国务院", "2021-12-12", "national",
            top=cn_range(11)),
    ],
    # … and the whole body printed twice (the page's main and print blocks); the 附件 is named, not included
    "02_renshebufa-2021-48_skills-china-action.txt": [
        Doc("notice", "人力资源社会保障部关于印发“技能中国行动”实施方案的通知", "人社部发〔2021〕48号", "人力资源社会保障部",
            "2021-06-30", "national"),
        Doc("scheme", "“技能中国行动”实施方案", "人社部发〔2021〕48号", "人力资源社会保障部", "2021-06-30", "national",
            top=cn_range(5), items=[str(k) for k in range(1, 21)]),
    ],
    "03_wanzhengbanmi-2021-82_anhui-industrial-internet-action-plan.txt": [
        Doc("notice", "安徽省人民政府办公厅关于印发支持工业互联网发展若干政策和安徽省工业互联网创新发展行动计划"
                      "（2021-2023年）的通知", "皖政办秘〔2021〕82号", "安徽省人民政府办公厅", "2021-09-02", "province"),
        Doc("measures", "支持工业互联网发展若干政策", "皖政办秘〔2021〕82号", "安徽省人民政府办公厅", "2021-09-02",
            "province", top=cn_range(8)),
        Doc("scheme", "安徽省工业互联网创新发展行动计划（2021-2023年）", "皖政办秘〔2021〕82号", "安徽省人民政府办公厅",
            "2021-09-02", "province", top=[*cn_range(4), "附件"], columns=12, items=[str(k) for k in range(1, 25)]),
    ],
    "04_baofubanfa-2022-43_baotou-digital-gov-assessment.txt": [
        Doc("notice", "包头市人民政府办公室关于印发《包头市2022年数字政府建设考评办法》的通知", "包府办发〔2022〕43号",
            "包头市人民政府办公室", "2022-04-14", "city"),
        Doc("measures", "包头市2022年数字政府建设考评办法", "包府办发〔2022〕43号", "包头市人民政府办公室", "2022-04-14",
            "city", top=[*cn_range(4), "附件"], items=[str(k) for k in range(1, 91)]),
    ],
    "05_wankaifangban-2022-6_anhui-rcep-opinions.txt": [
        Doc("notice", "安徽省推进“三地一区”建设领导小组改革开放新高地执行小组办公室关于印发安徽省关于加快对接"
                      "区域全面经济伙伴关系协定（RCEP）经贸新规则扎实推进高水平开放实施意见的通知", "皖开放办〔2022〕6号",
            "安徽省推进“三地一区”建设领导小组改革开放新高地执行小组办公室", "2022-03-23", "province"),
        Doc("opinion", "安徽省关于加快对接《区域全面经济伙伴关系协定》（RCEP）经贸新规则扎实推进高水平开放实施意见",
            "皖开放办〔2022〕6号", "安徽省推进“三地一区”建设领导小组改革开放新高地执行小组办公室", "2022-03-23",
            "province", top=cn_range(3), items=[str(k) for k in range(1, 25)]),
    ],
    "06_jingjingxinfa-2022-87_beijing-data-zone-guidance.txt": [
        Doc("notice", "北京市经济和信息化局印发《关于推进北京市数据专区建设的指导意见》的通知", "京经信发〔2022〕87号",
            "北京市经济和信息化局", "2022-11-21", "province"),
        Doc("opinion", "关于推进北京市数据专区建设的指导意见", "京经信发〔2022〕87号", "北京市经济和信息化局", "2022-11-21",
            "province", top=cn_range(8)),
    ],
    "07_cpc-2020-10-29_shisiwu-proposal.txt": [
        Doc("opinion", "中共中央关于制定国民经济和社会发展第十四个五年规划和二〇三五年远景目标的建议", "", "中共中央",
            "2020-10-29", "national", top=cn_range(15), items=[str(k) for k in range(1, 61)]),
    ],
    "08_zhongfa-2018-1_rural-revitalization-opinions.txt": [
        Doc("opinion", "中共中央 国务院关于实施乡村振兴战略的意见", "", "中共中央 国务院", "2018-01-02", "national",
            top=cn_range(12)),
    ],
    "11_afubanfa-2021-21_aba-gov-data-resource-measures.txt": [
        Doc("notice", "阿坝州人民政府办公室关于印发《阿坝州政务数据资源管理暂行办法》的通知", "阿府办发〔2021〕21号",
            "阿坝州人民政府办公室", "2021-10-11", "city"),
        Doc("measures", "阿坝州政务数据资源管理暂行办法", "阿府办发〔2021〕21号", "阿坝州人民政府办公室", "2021-10-11", "city",
            top=[f"第{cn(k)}章" for k in range(1, 10)], articles=49),
    ],
    "hainan-2024-2026_farm-machinery-subsidy-scheme.pdf": [
        Doc("notice", "关于印发2024-2026年海南省农机购置与应用补贴实施方案的通知", "",
            "海南省农业农村厅 海南省财政厅", "2024-07-01", "province"),
        Doc("scheme", "2024—2026年海南省农机购置与应用补贴实施方案", "", "海南省农业农村厅 海南省财政厅", "2024-07-01",
            "province", top=[*cn_range(7), "附件"]),
    ],
    "12_zhongfa-2026-1_central-no1-document.pdf": [
        Doc("document", "2026年中央一号文件", level="national", top=cn_range(6)),
    ],
    "12_zhongfa-2026-1_central-no1-document.docx": [
        Doc("document", "2026年中央一号文件", level="national", top=cn_range(6)),
    ],
    # a school site's saved page: its own title (a column name and a week) above the document; no 文号 or date
    "13_zhongfa-2023-1_no1-document-2023_webpage.aspx": [
        Doc("opinion", "中共中央 国务院关于做好2023年全面推进乡村振兴重点工作的意见", "", "中共中央 国务院", "", "national",
            top=cn_range(9)),
    ],
    # ---- the shipped corpus (DOMAIN.md's table) -----------------------------------------------
    "gansu-2021-market-system-and-employment-plans.txt": [
        Doc("notice", "甘肃省人民政府办公厅关于印发《甘肃省“十四五”市场体系建设规划》和《甘肃省“十四五”就业促进规划》的通知",
            "甘政办发〔2021〕92号", "甘肃省人民政府办公厅", "2021-10-11", "province"),
        Doc("plan", "甘肃省“十四五”市场体系建设规划", "甘政办发〔2021〕92号", "甘肃省人民政府办公厅", "2021-10-11", "province",
            top=[f"第{cn(k)}章" for k in range(1, 9)], columns=4),
        Doc("plan", "甘肃省“十四五”就业促进规划", "甘政办发〔2021〕92号", "甘肃省人民政府办公厅", "2021-10-11", "province",
            top=cn_range(4), columns=7),
    ],
    "gansu-2021-employment-plan-web-edition.txt": [
        Doc("plan", "甘肃省“十四五”就业促进规划", level="province", top=cn_range(4)),
    ],
    "wuwei-2022-employment-plan.txt": [
        Doc("notice", "武威市人民政府办公室关于印发《武威市“十四五”就业促进规划》的通知", "武政办发〔2022〕10号",
            "武威市人民政府办公室", "2022-01-05", "city"),
        Doc("plan", "武威市“十四五”就业促进规划", "武政办发〔2022〕10号", "武威市人民政府办公室", "2022-01-05", "city",
            top=["前言", *cn_range(4)], columns=7),
    ],
    "qinghai-2021-employment-plan.txt": [
        Doc("notice", "关于印发青海省“十四五”就业促进规划的通知", "青政办〔2021〕83号", "青海省人民政府办公厅", "2021-11-17",
            "province"),
        Doc("plan", "青海省“十四五”就业促进规划", "青政办〔2021〕83号", "青海省人民政府办公厅", "2021-11-17", "province",
            top=[*cn_range(9), "附件"], columns=10),
    ],
    "tianshui-gansu-2023-employment-notices.txt": [
        Doc("notice", "关于认真贯彻落实稳就业政策措施全力促发展惠民生的通知", "天就办发〔2023〕15号",
            "天水市政府就业工作领导小组办公室", "2023-08-08", "city"),
        Doc("notice", "甘肃省人民政府办公厅关于落实稳就业政策措施全力促发展惠民生的通知", "甘政办发〔2023〕60号",
            "甘肃省人民政府办公厅", "2023-07-25", "province", top=cn_range(5)),
    ],
}
# Files a reader does not read yet, by test: expected to fail (strict: the day they pass, the
# marker must go).
NOT_YET: dict[str, tuple[str, set[str]]] = {}


def _path(name: str) -> Path:
    return CORPUS / name if (CORPUS / name).exists() else REAL / name


@cache
def parsed(name: str):
    path = _path(name)
    if not path.exists():
        pytest.skip(f"{REAL} is not beside the checkout (CI puts shared/ there); real documents not checked")
    return parse(read_source(path, display=name, env=Environment.recording()))


def _top(doc: Document) -> list[str]:
    return [n.number or n.title for n in doc.children if n.kind in (CHAPTER, APPENDIX)]


def _items(doc: Document) -> list[str]:
    """Arabic item numbers in document order (1., 2. …), wherever they sit."""
    return [n.number for n in doc.walk() if n.number.isdecimal() and n.kind not in (CHAPTER, COLUMN)]


def _described(doc: Document) -> Doc:
    return Doc(doc.kind, words_only(doc.title), doc.doc_number, doc.issuer, doc.date, doc.level, _top(doc),
               sum(n.kind == COLUMN for n in doc.walk()), sum(n.kind == ARTICLE for n in doc.walk()))


CASES = [(name, k) for name, docs in EXPECTED.items() for k in range(len(docs))]


def _mark(name: str, test: str):
    reason, tests = NOT_YET.get(name, ("", set()))
    return [pytest.mark.xfail(reason=reason, strict=True)] if test in tests else []


@pytest.mark.parametrize("name", [pytest.param(n, marks=_mark(n, "count")) for n in EXPECTED])
def test_document_count(name: str) -> None:
    found = [(d.kind, d.title) for d in parsed(name).documents]
    assert len(found) == len(EXPECTED[name]), found


@pytest.mark.parametrize(("name", "k"), [pytest.param(n, k, marks=_mark(n, "reader")) for n, k in CASES])
def test_document_as_a_reader_sees_it(name: str, k: int) -> None:
    docs = parsed(name).documents
    assert k < len(docs), f"only {len(docs)} documents: {[d.title for d in docs]}"
    want = EXPECTED[name][k]
    doc = docs[k]
    got = _described(doc)
    expected = Doc(want.kind, words_only(want.title), want.doc_number, want.issuer, want.date, want.level, want.top,
                   want.columns, want.articles)
    assert got == expected
    if want.items:
        assert _items(doc) == want.items


@pytest.mark.parametrize("name", [pytest.param(n, marks=_mark(n, "lost")) for n in EXPECTED])
def test_nothing_lost(name: str) -> None:
    result = parsed(name)
    assert not lost_characters(result.source, result.documents)


@pytest.mark.parametrize("name", [pytest.param(n, marks=_mark(n, "ids")) for n in EXPECTED])
def test_ids_are_meaningful_and_unique(name: str) -> None:
    ids = [d.id for d in parsed(name).documents]
    assert len(set(ids)) == len(ids), ids
    for doc in parsed(name).documents:
        assert doc.id and not doc.id.startswith("doc"), doc.id
        assert doc.title, doc.id


def test_diff_of_files_takes_the_document_their_cover_notices_issue() -> None:
    from typer.testing import CliRunner

    from planctl.cli import app

    if not REAL.exists():
        pytest.skip(f"{REAL} is not beside the checkout (CI puts shared/ there); real documents not checked")
    result = CliRunner().invoke(app, ["diff", str(REAL / "05_wankaifangban-2022-6_anhui-rcep-opinions.txt"),
                                      str(REAL / "11_afubanfa-2021-21_aba-gov-data-resource-measures.txt"), "-f", "json"])
    assert result.exit_code == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["left"]["title"].endswith("实施意见") and "暂行办法" in data["right"]["title"]


@pytest.mark.parametrize("name", [pytest.param(n, marks=_mark(n, "markdown")) for n in EXPECTED])
def test_markdown_keeps_every_title_and_text(name: str) -> None:
    """`show --format markdown` prints every node's number, title and text (punctuation aside),
    and reads back through the parser to the same tree."""
    from planctl.render.markdown import document_to_markdown
    from tests.test_properties import _projection

    for doc in parsed(name).documents:
        rendered = document_to_markdown(doc)
        flat = re.sub(r"\W", "", rendered)
        for node in doc.walk():
            if node.kind != "furniture":
                assert re.sub(r"\W", "", node.title) in flat and re.sub(r"\W", "", node.text) in flat, node.path
        again = parse(decode_bytes(rendered.encode("utf-8"), path=f"{name}.md", env=Environment.recording()))
        assert _projection(again.documents) == _projection([doc]), doc.id


@pytest.mark.parametrize(("left", "right", "titles"), [
    # a saved page (its <title> a column name and a week) against a .docx: one document each
    ("13_zhongfa-2023-1_no1-document-2023_webpage.aspx", "12_zhongfa-2026-1_central-no1-document.docx",
     ("关于做好2023年全面推进乡村振兴重点工作的意见", "2026年中央一号文件")),
    # a word-cloud sample against a gov.cn copy under a curator's notes: the plan its notice issues
    ("07_cpc-2020-10-29_shisiwu-proposal.txt", "01_guofa-2021-29_shisiwu-digital-economy-plan.txt",
     ("第十四个五年规划和二〇三五年远景目标的建议", "“十四五”数字经济发展规划")),
    # a gov.cn copy printed twice against a seed with a site's metadata block
    ("02_renshebufa-2021-48_skills-china-action.txt", "../seeds/003_8208b2cc8b0a0594.txt",
     ("“技能中国行动”实施方案", "青海省“十四五”就业促进规划")),
])
def test_diff_of_bare_files_is_never_ambiguous(left: str, right: str, titles: tuple[str, str]) -> None:
    """Headers, page titles and chrome are no documents: a diff of two bare files picks each
    side's substantive document and runs the matcher."""
    from typer.testing import CliRunner

    from planctl.cli import app

    paths = [REAL / left, REAL / right]
    if not all(p.exists() for p in paths):
        pytest.skip(f"{REAL} is not beside the checkout (CI puts shared/ there); real documents not checked")
    result = CliRunner().invoke(app, ["diff", *map(str, paths), "-f", "json"])
    assert result.exit_code == 1, result.stderr
    data = json.loads(result.stdout)
    assert titles[0] in data["left"]["title"] and titles[1] in data["right"]["title"]
    assert data["summary"]["matched"] > 0
