"""CLI behaviour: output, formats and exit statuses, through typer's CliRunner."""

from __future__ import annotations

import io
import json
import re

from typer.testing import CliRunner

from planctl.cli import app
from tests.helpers import CORPUS

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_list_rich_and_json() -> None:
    result = run("list")
    assert result.exit_code == 0
    assert "wuwei-employment-2022" in result.stdout and "10 documents" in result.stdout
    rows = json.loads(run("list", "--format", "json").stdout)
    assert len(rows) == 10
    assert {"id", "aliases", "kind", "title", "region", "date", "size"} <= set(rows[0])
    by_id = {r["id"]: r for r in rows}
    assert by_id["gansu-employment-2021"]["aliases"] == ["gansu", "甘肃", "甘肃省"]


def test_list_markdown() -> None:
    result = run("list", "--format", "markdown")
    assert result.exit_code == 0 and result.stdout.startswith("| id")


def test_list_markdown_escapes_bars_in_cells(tmp_path) -> None:
    """A file name or title holding a bar stays one cell: every row has the header's columns."""
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "a|b.txt").write_text("青海省“十四五”就业促进规划\n\n一、总体要求\n\n坚持就业优先。\n", encoding="utf-8")
    result = run("list", "--corpus", str(folder), "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    bars = [len(re.findall(r"(?<!\\)\|", line)) for line in lines]
    assert len(lines) == 3 and len(set(bars)) == 1 and "a\\|b.txt" in lines[2], lines


def test_show_json_contract() -> None:
    result = run("show", "qinghai", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    (doc,) = data["documents"]
    keys = ("id", "title", "kind", "region", "level", "topic", "doc_number", "issuer", "date", "source", "children")
    for key in keys:
        assert key in doc
    assert set(doc["source"]) >= {"path", "line_start", "line_end"}
    assert doc["id"] == "qinghai-employment-2021" and doc["level"] == "province"
    nodes = []

    def walk(n):
        nodes.append(n)
        for c in n["children"]:
            walk(c)

    for c in doc["children"]:
        walk(c)
    for n in nodes:
        assert {"kind", "number", "title", "text", "path", "line_start", "line_end", "children"} <= set(n)
    tables = [n for n in nodes if n["kind"] == "table"]
    assert tables and all("rows" in t and "note" in t for t in tables)
    column = next(n for n in nodes if n["kind"] == "column" and n["number"] == "3")
    assert column["title"] == "支持发展平台经济下的新型就业模式" and column["path"] == "三/专栏3"
    assert any(n["path"] == "七/（二）" and n["kind"] == "measure" for n in nodes)


def test_show_tree_markdown_outline() -> None:
    tree = run("show", "wuwei", "--depth", "2")
    assert tree.exit_code == 0 and "（三） 主要目标" in tree.stdout
    md = run("show", "wuwei-employment-2022", "--format", "markdown").stdout
    assert md.startswith("# 武威市“十四五”就业促进规划")
    assert "## 一、发展环境" in md and "### （一）就业基础" in md and "#### 1. 就业规模总体平稳" in md
    assert "> 专栏1 全市“十四五”促进就业主要指标表" in md
    assert "| 序号 | 指标名称 | 2020年基数 | 2025年目标 | 指标属性 |" in md
    outline = run("show", "wuwei", "--format", "outline").stdout
    assert outline.startswith("wuwei-employment-2022: ")


def test_ambiguous_alias_lists_candidates() -> None:
    result = run("show", "gansu")
    assert result.exit_code == 2
    assert "ambiguous" in result.stderr
    assert "gansu-employment-2021" in result.stderr and "gansu-market-system-2021" in result.stderr
    assert result.stdout == ""


def test_alias_forms_and_edition_preference() -> None:
    for ref in ("wuwei", "武威", "武威市", "wuwei-employment"):
        assert json.loads(run("show", ref, "--format", "json").stdout)["documents"][0]["id"] == "wuwei-employment-2022"
    # Two editions of 甘肃's employment plan: the one with a 文号 is primary.
    doc = json.loads(run("show", "gansu-employment", "--format", "json").stdout)["documents"][0]
    assert doc["id"] == "gansu-employment-2021" and doc["doc_number"] == "甘政办发〔2021〕92号"


def test_unknown_plan_suggests() -> None:
    result = run("show", "qinhai")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "unknown plan 'qinhai'" in result.stderr and "qinghai" in result.stderr


def test_path_and_path_index(tmp_path) -> None:
    path = CORPUS / "wuwei-2022-employment-plan.txt"
    whole = run("show", str(path), "--format", "json")
    assert whole.exit_code == 0  # a file names all its documents: the cover notice and the plan
    assert [d["kind"] for d in json.loads(whole.stdout)["documents"]] == ["notice", "plan"]
    first = json.loads(run("show", f"{path}#1", "--format", "json").stdout)["documents"][0]
    assert first["kind"] == "notice" and first["doc_number"] == "武政办发〔2022〕10号"
    out_of_range = run("show", f"{path}#9")
    assert out_of_range.exit_code == 2 and "out of range" in out_of_range.stderr


def test_gb18030_file_reports_encoding(tmp_path) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes((CORPUS / "wuwei-2022-employment-plan.txt").read_text(encoding="utf-8").encode("gb18030"))
    result = run("show", f"{path}#2", "--format", "json")
    assert result.exit_code == 0
    assert "gb18030" in result.stderr
    assert json.loads(result.stdout)["documents"][0]["source"]["encoding"] == "gb18030"


def test_bad_inputs_exit_2_with_one_line(tmp_path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    png = tmp_path / "image.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    for ref, message in (
        (str(tmp_path / "missing.txt"), "no such file"),
        (str(empty), "empty"),
        (str(png), "PNG"),
    ):
        result = run("show", ref)
        assert result.exit_code == 2, ref
        assert message in result.stderr and result.stderr.count("\n") == 1
        assert "Traceback" not in result.output


def test_bad_format_is_an_error() -> None:
    result = run("show", "wuwei", "--format", "yaml")
    assert result.exit_code == 2 and "unknown format" in result.stderr


def test_debug_shows_the_exception() -> None:
    result = run("--debug", "show", "qinhai")
    assert result.exit_code != 0 and result.exception is not None


def test_corpus_option(tmp_path) -> None:
    (tmp_path / "one.txt").write_text("青海省“十四五”就业促进规划\n\n一、总体要求\n", encoding="utf-8")
    rows = json.loads(run("--corpus", str(tmp_path), "list", "--format", "json").stdout)
    assert [r["id"] for r in rows] == ["qinghai-employment-2021"]
    missing = run("--corpus", str(tmp_path / "nope"), "list")
    assert missing.exit_code == 2 and "not found" in missing.stderr


def test_readme_library_example_runs(monkeypatch) -> None:
    """The README's library example is real code: run it as written."""
    from tests.helpers import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Library"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert namespace["rows"] and namespace["differs"] and namespace["result"].hits
    assert namespace["parsed"].documents[1].id == "wuwei-employment-2022"


# ---- a file holding several documents, named by path --------------------------------------
COMBINED = CORPUS / "gansu-2021-market-system-and-employment-plans.txt"


def test_show_a_file_shows_all_its_documents() -> None:
    result = run("show", str(COMBINED), "--format", "json")
    assert result.exit_code == 0, result.stderr
    docs = json.loads(result.stdout)["documents"]
    assert [d["kind"] for d in docs] == ["notice", "plan", "plan"]


def test_export_a_file_exports_all_its_documents() -> None:
    result = run("export", "outline", str(COMBINED), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert {r["plan_id"] for r in json.loads(result.stdout)} == {"gansu-market-system-2021", "gansu-employment-2021"}


def test_search_plan_file_searches_all_its_documents() -> None:
    result = run("search", "市场", "--plan", str(COMBINED), "-l")
    assert result.exit_code == 0, result.stderr
    assert set(result.stdout.split()) >= {"gansu-market-system-2021", "gansu-employment-2021"}


def test_export_and_search_of_a_file_with_one_substantive_document_take_it_and_say_so() -> None:
    """A cover notice and the one plan it issues: the plan is the file's one document with a body
    of its own, and export and search --plan take it (the notice is still PATH#1)."""
    qinghai = CORPUS / "qinghai-2021-employment-plan.txt"
    result = run("export", "outline", str(qinghai), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert {r["plan_id"] for r in json.loads(result.stdout)} == {"qinghai-employment-2021"}
    assert f"taking {qinghai}#2" in result.stderr and f"{qinghai}#1" in result.stderr
    found = run("search", "就业", "--plan", str(qinghai), "-l")
    assert found.exit_code == 0 and found.stdout.split() == ["qinghai-employment-2021"], found.stderr
    notice = run("search", "就业", "--plan", f"{qinghai}#1", "-l")
    assert notice.stdout.split() == ["qinghai-employment-notice-2021"], notice.stderr


def test_diff_of_two_files_picks_the_plans_and_says_which() -> None:
    result = run("diff", str(COMBINED), str(CORPUS / "qinghai-2021-employment-plan.txt"), "--format", "json")
    assert result.exit_code == 1, result.stderr
    data = json.loads(result.stdout)
    assert (data["left"]["id"], data["right"]["id"]) == ("gansu-employment-2021", "qinghai-employment-2021")
    assert f"{COMBINED}#3" in result.stderr and "qinghai-2021-employment-plan.txt#2" in result.stderr


def test_ambiguous_file_lists_candidates_that_resolve() -> None:
    result = run("diff", str(COMBINED), str(COMBINED))
    assert result.exit_code == 2 and "ambiguous" in result.stderr
    candidates = re.findall(r"(\S+#\d+) \(", result.stderr)
    assert len(candidates) == 2
    for ref in candidates:
        shown = run("show", ref, "--format", "json")
        assert shown.exit_code == 0 and len(json.loads(shown.stdout)["documents"]) == 1


def test_show_lists_a_regulations_articles_by_number() -> None:
    # A 办法's substance is its 第X条: the outline shows them (numbered, their opening words),
    # and their （一）… items with --all.
    from planctl.model import ARTICLE, CHAPTER, ITEM, Document, Node, SourceRef
    from planctl.render import render
    from planctl.render.show import ShowRequest

    item = Node(ITEM, "（一）", "法律、法规、规章等依据发生变化的")
    article = Node(ARTICLE, "第十七条", text="政务部门应当对本部门的政务数据资源目录进行动态管理。", children=[item])
    doc = Document("x-measures", "某州政务数据资源管理暂行办法", "measures", SourceRef("x.txt", 1, 3),
                   children=[Node(CHAPTER, "第三章", "目录管理", children=[article])])
    for everything, wanted in ((False, ["第三章 目录管理", "第十七条 政务部门应当"]),
                               (True, ["第十七条 政务部门应当", "（一） 法律、法规、规章等依据发生变化的"])):
        out = io.StringIO()
        render("show", "rich", ShowRequest([doc], everything=everything), out)
        for text in wanted:
            assert text in out.getvalue(), out.getvalue()
