"""planctl export: column contract, CSV typing, formats, exit statuses."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from planctl.cli import app
from planctl.export import INDICATOR_COLUMNS, MEASURE_COLUMNS, OUTLINE_COLUMNS
from planctl.render.rows import csv_value
from tests.helpers import CORPUS

runner = CliRunner()

CONTRACT = [
    "plan_id", "plan_title", "region", "level", "table_title", "period", "seq", "name", "unit", "base_year",
    "base_raw", "base_value", "base_comparator", "base_cumulative", "target_year", "target_raw", "target_value",
    "target_comparator", "target_cumulative", "target_qualitative", "actual_raw", "actual_value", "attribute",
    "source_path", "source_line",
]


def run(*args: str):
    return runner.invoke(app, list(args))


ADDED = ["actual_comparator", "actual_cumulative", "base_qualitative", "attribute_raw", "name_raw", "note", "category"]


def test_indicator_columns_keep_the_contract_order() -> None:
    assert list(INDICATOR_COLUMNS[: len(CONTRACT)]) == CONTRACT
    assert list(INDICATOR_COLUMNS[len(CONTRACT) :]) == ADDED  # added after the contract, in the order added
    assert MEASURE_COLUMNS == ("plan_id", "path", "kind", "title", "text", "departments", "source_line")
    assert OUTLINE_COLUMNS == ("plan_id", "path", "kind", "number", "title", "source_line")


def test_corpus_csv_reads_back_typed() -> None:
    result = run("export", "indicators")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 11 + 12 + 15 + 10
    assert not result.stdout.startswith("\ufeff")
    per_plan: dict[str, int] = {}
    for row in rows:
        per_plan[row["plan_id"]] = per_plan.get(row["plan_id"], 0) + 1
        for col in ("base_value", "target_value", "actual_value"):
            if row[col]:
                float(row[col])
        for col in ("base_cumulative", "target_cumulative"):
            assert row[col] in ("true", "false", "")
        assert row["target_comparator"] in ("=", "<", "<=", ">", ">=", "~", "")
        assert row["attribute"] in ("expected", "binding", "")
        int(row["source_line"])
        int(row["seq"])
    assert per_plan == {"gansu-employment-2021": 11, "qinghai-employment-2021": 25, "wuwei-employment-2022": 12}
    first = rows[0]
    assert (first["name"], first["unit"], first["target_value"], first["target_cumulative"]) == (
        "城镇新增就业人数", "万人", "150", "true")


def test_csv_loads_in_duckdb_with_numeric_types(tmp_path) -> None:
    duckdb = pytest.importorskip("duckdb")
    path = tmp_path / "indicators.csv"
    result = run("export", "indicators", "-o", str(path))
    assert result.exit_code == 0 and "wrote 48" in result.stderr
    rel = duckdb.sql(f"select * from read_csv_auto('{path}')")
    types = dict(zip(rel.columns, (str(t) for t in rel.types), strict=True))
    assert types["base_value"] == types["target_value"] == types["actual_value"] == "DOUBLE"
    assert types["seq"] in ("BIGINT", "INTEGER") and types["target_cumulative"] == "BOOLEAN"
    ((total,),) = duckdb.sql(f"select count(*) from read_csv_auto('{path}') where target_cumulative").fetchall()
    assert total == 6 + 6 + 3 + 4  # 〔…〕 targets: 甘肃, 武威, 青海 十三五, 青海 十四五


def test_excel_flag_writes_bom() -> None:
    result = run("export", "indicators", "wuwei", "--excel")
    assert result.exit_code == 0 and result.stdout.startswith("\ufeffplan_id,")


def test_formula_injection_escaped_in_text_only() -> None:
    assert csv_value("name", "=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert csv_value("title", "+1") == "'+1" and csv_value("text", "@x") == "'@x" and csv_value("text", "-x") == "'-x"
    assert csv_value("target_value", -3.5) == "-3.5"
    assert csv_value("target_comparator", "=") == "="
    assert csv_value("name", "城镇") == "城镇" and csv_value("seq", None) == ""


@pytest.mark.parametrize("fmt", ["json", "jsonl", "markdown", "csv"])
def test_every_format(fmt: str) -> None:
    result = run("export", "indicators", "qinghai", "--format", fmt)
    assert result.exit_code == 0
    out = result.stdout
    if fmt == "json":
        rows = json.loads(out)
        assert len(rows) == 25 and list(rows[0])[: len(CONTRACT)] == CONTRACT
        assert rows[13]["target_value"] == 5.5 and rows[13]["target_comparator"] == "~"
    elif fmt == "jsonl":
        lines = out.splitlines()
        assert len(lines) == 25 and json.loads(lines[0])["plan_id"] == "qinghai-employment-2021"
    elif fmt == "markdown":
        assert out.startswith("| plan_id") and "稳步提高" in out
    else:
        assert out.splitlines()[0] == ",".join(INDICATOR_COLUMNS)


def test_measures_and_outline_exports() -> None:
    measures = list(csv.DictReader(io.StringIO(run("export", "measures", "gansu-employment-notice-2023").stdout)))
    assert len(measures) == 18 and measures[0]["departments"] == "省人社厅、省财政厅"
    assert measures[0]["path"] == "一/（一）"
    outline = json.loads(run("export", "outline", "qinghai", "-f", "json").stdout)
    assert {"plan_id", "path", "kind", "number", "title", "source_line"} == set(outline[0])
    assert sum(1 for r in outline if r["kind"] == "column") == 10


def test_a_regulation_exports_one_row_per_article_with_its_items(tmp_path) -> None:
    path = tmp_path / "rules.txt"
    path.write_text("某市政务数据管理办法\n第一章 总则\n第一条 为规范政务数据管理，制定本办法。\n"
                    "第二条 政务部门应当更新目录。有下列情形之一的，应当及时更新：\n"
                    "（一）法律、法规依据发生变化的；\n（二）行政管理职能发生变化的。\n"
                    "第三条 本办法自印发之日起施行。\n", encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(run("export", "measures", str(path)).stdout)))
    assert [(r["path"], r["kind"]) for r in rows] == [
        ("第一章/第一条", "article"), ("第一章/第二条", "article"), ("第一章/第三条", "article")]
    assert "法律、法规依据发生变化" in rows[1]["text"] and "行政管理职能发生变化" in rows[1]["text"]


def test_exit_1_when_no_indicator_table() -> None:
    result = run("export", "indicators", "gansu-employment-2021-2")
    assert result.exit_code == 1 and result.stdout == "" and "no indicators" in result.stderr


def test_errors_exit_2(tmp_path) -> None:
    bad_format = run("export", "indicators", "--format", "xlsx")
    assert bad_format.exit_code == 2 and "unknown format" in bad_format.stderr
    unwritable = run("export", "indicators", "-o", str(tmp_path / "missing" / "x.csv"))
    assert unwritable.exit_code == 2 and "cannot write" in unwritable.stderr
    unknown = run("export", "indicators", "gansuu")
    assert unknown.exit_code == 2 and "did you mean" in unknown.stderr
    what = run("export", "tables")
    assert what.exit_code == 2


def test_export_accepts_a_path() -> None:
    result = run("export", "indicators", f"{CORPUS / 'wuwei-2022-employment-plan.txt'}#2", "-f", "jsonl")
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 12


def test_show_indicators_rich_and_json() -> None:
    rich = run("show", "qinghai", "--indicators")
    assert rich.exit_code == 0 and "〔30〕" in rich.stdout and "稳步提高" in rich.stdout and "≈5.5" in rich.stdout
    data = json.loads(run("show", "wuwei", "--indicators", "-f", "json").stdout)
    assert data[0]["base_year"] == 2020 and len(data[0]["indicators"]) == 12
    none = run("show", "gansu-employment-2021-2", "--indicators")
    assert none.exit_code == 1
