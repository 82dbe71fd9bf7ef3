"""The region table covers the country, and region/topic/id are read from titles."""

from __future__ import annotations

from planctl.regions import find_topic, region_table


def test_table_covers_all_provinces_and_prefectures() -> None:
    table = region_table()
    levels = [r.level for r in table.regions]
    assert levels.count("province") == 34
    assert levels.count("city") >= 330
    assert table.get("wuwei").parent == "甘肃省"
    assert table.get("临夏").name == "临夏回族自治州"
    assert table.get("shaanxi").name == "陕西省" and table.get("shanxi").name == "山西省"
    assert {r.name for r in table.lookup("yichun") if r.level == "city"} == {"伊春市", "宜春市"}


def test_find_in_title_and_doc_number() -> None:
    table = region_table()
    assert table.find_in("广州市“十四五”就业促进规划").name == "广州市"
    assert table.find_in("关于印发《甘南藏族自治州乡村振兴规划》的通知").name == "甘南藏族自治州"
    assert table.find_in("关于做好就业工作的通知") is None
    assert table.from_doc_number("青政办〔2021〕83号").name == "青海省"


def test_topics() -> None:
    assert find_topic("甘肃省“十四五”就业促进规划") == "employment"
    assert find_topic("甘肃省“十四五”市场体系建设规划") == "market-system"
    assert find_topic("某某") == ""


def test_with_descendants() -> None:
    table = region_table()
    names = table.with_descendants(table.get("甘肃"))
    assert names[0] == "甘肃省" and "武威市" in names and "凉州区" in names and "西宁市" not in names
