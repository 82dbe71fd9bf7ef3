"""planctl search: grep recall, ranking, filters, formats, exit statuses, the index cache."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from planctl.cli import app
from planctl.corpus import load_corpus
from planctl.search import Query, TermGroup, memory_index, parse_query, search
from tests.helpers import CORPUS, ROOT

runner = CliRunner()
corpus = load_corpus()
CONN = memory_index(corpus.documents, corpus.lines_of)
RAW = {f.display: [ln.text for ln in f.parsed.source.lines] for f in corpus.files if f.parsed}
# Runs a clerk could type: Han, digits, Chinese punctuation; no markup, spaces or tabs.
RUN_RE = re.compile(r"[\u4e00-\u9fff0-9０-９，。、；：“”（）《》〔〕%．—]+")
RUNS = [(path, k, m.group(0)) for path, lines in RAW.items() for k, line in enumerate(lines, 1)
        for m in RUN_RE.finditer(line)]


def run(*args: str):
    return runner.invoke(app, list(args))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_grep_recall(data) -> None:
    _, _, text = data.draw(st.sampled_from(RUNS))
    start = data.draw(st.integers(0, len(text) - 1))
    needle = text[start : start + data.draw(st.integers(1, 8))]
    expected = {(p, k) for p, lines in RAW.items() for k, line in enumerate(lines, 1) if needle in line}
    hits = search(CONN, Query([TermGroup([needle])]))
    covered = {(h.source_path, k) for h in hits for k in range(h.line, max(h.line, h.line_end) + 1)}
    missing = expected - covered
    assert not missing, f"{needle!r}: grep finds {sorted(missing)[:3]} but search does not"


def test_query_syntax() -> None:
    q = parse_query('零工市场 "就业 服务" -驿站 A OR B')
    assert [(g.terms, g.negated) for g in q.groups] == [(["零工市场"], False), (["就业服务"], False),
                                                        (["驿站"], True), (["A", "B"], False)]
    assert [g.terms for g in parse_query("零工市场 劳务市场", any_term=True).groups] == [["零工市场", "劳务市场"]]


def test_and_or_not_semantics() -> None:
    both = search(CONN, parse_query("零工市场 人才市场"))
    assert both and all("零工市场" in h.body and "人才市场" in h.body for h in both)
    either = search(CONN, parse_query("零工市场 OR 零工驿站"))
    assert len(either) >= len(search(CONN, parse_query("零工市场")))
    without = search(CONN, parse_query("零工市场 -人才市场"))
    assert without and all("人才市场" not in h.body for h in without)


def test_ranking_lead_phrase_first() -> None:
    hits = search(CONN, parse_query("零工市场"))
    assert "零工市场" in hits[0].title and hits[0].kind == "measure"
    hits = search(CONN, parse_query("高校毕业生"))
    leads = [h for h in hits if "高校毕业生" in h.title]
    assert hits[: len(leads)] == leads  # every lead-phrase hit ranks above every body-only hit
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_grep_output_and_exit_status() -> None:
    result = run("search", "零工市场")
    assert result.exit_code == 0
    first = result.stdout.splitlines()[0]
    # file:line: first, as grep and ripgrep print it (a terminal or an editor opens it), then the plan and path
    assert re.match(r"^corpora/[\w.-]+\.txt:\d+: [a-z0-9-]+ \S+  ", first) and "零工市场" in first
    assert "\x1b[" not in first
    file, line = first.split(":")[:2]
    assert "零工市场" in (ROOT / file).read_text(encoding="utf-8").splitlines()[int(line) - 1]
    none = run("search", "火星基地")
    assert none.exit_code == 1 and none.stdout == ""


def test_json_contract_and_formats() -> None:
    hits = json.loads(run("search", "零工市场", "--format", "json").stdout)
    assert hits and set(hits[0]) >= {"plan_id", "path", "kind", "title", "text", "snippet", "score", "line"}
    jsonl = run("search", "零工市场", "-f", "jsonl").stdout.splitlines()
    assert len(jsonl) == len(hits)
    csv_out = run("search", "零工市场", "-f", "csv").stdout.splitlines()
    # the columns as they were, then the ones added since (never renamed or dropped)
    assert csv_out[0] == "plan_id,path,kind,title,text,snippet,score,line,file,departments"
    assert len(csv_out) == len(hits) + 1


def test_limit_count_plans_context() -> None:
    assert len(run("search", "就业", "-n", "3").stdout.splitlines()) == 3
    counts = dict(ln.rsplit(":", 1) for ln in run("search", "零工市场", "-c").stdout.splitlines())
    assert counts["wuwei-employment-2022"] == "2"
    plans = run("search", "零工市场", "-l").stdout.splitlines()
    assert "wuwei-employment-2022" in plans and len(plans) == len(set(plans))
    narrow = run("search", "就业见习规模", "-n", "1").stdout
    wide = run("search", "就业见习规模", "-n", "1", "-C", "1").stdout
    assert len(wide) > len(narrow)


def test_filters() -> None:
    only = json.loads(run("search", "就业", "--plan", "wuwei", "-f", "json").stdout)
    assert only and {h["plan_id"] for h in only} == {"wuwei-employment-2022"}
    gansu = {h["plan_id"] for h in json.loads(run("search", "零工市场", "--region", "甘肃", "-f", "json").stdout)}
    assert "wuwei-employment-2022" in gansu  # a city of 甘肃
    cities = {h["plan_id"] for h in json.loads(run("search", "就业", "--level", "city", "-f", "json").stdout)}
    assert cities == {"wuwei-employment-2022", "wuwei-employment-notice-2022", "tianshui-employment-notice-2023"}
    rows = json.loads(run("search", "失业率", "--kind", "row", "-f", "json").stdout)
    assert rows and {h["kind"] for h in rows} == {"row"}
    within = json.loads(run("search", "零工市场", "--in", "三/（五）", "-f", "json").stdout)
    assert within and all(h["path"].startswith("三/（五）") for h in within)
    expanded = run("search", "零工市场", "--expand", "-c").stdout
    assert "gansu-employment-notice-2023" in expanded


def test_search_a_path_outside_the_corpus(tmp_path) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text("青海省“十四五”就业促进规划\n\n一、总体要求\n\n**建设零工驿站。**推动零工市场规范发展。\n",
                    encoding="utf-8")
    result = run("search", "零工驿站", "--plan", str(plan))
    assert result.exit_code == 0 and "建设零工驿站" in result.stdout


def test_errors_exit_2() -> None:
    assert run("search", "-就业").exit_code == 2
    assert run("search", "就业", "--level", "village").exit_code == 2
    assert run("search", "就业", "--region", "火星").exit_code == 2
    assert run("search", "就业", "--plan", "qinhai").exit_code == 2
    assert run("search", "就业", "--kind", "measur").exit_code == 2
    assert run("search", "就业", "--limt", "5").exit_code == 2  # a mistyped option is not a word to exclude
    unclosed = run("search", '"unclosed')  # an unbalanced quote is an ordinary character
    assert unclosed.exit_code == 1 and not unclosed.stderr


def _corpus_copy(tmp_path):
    root = tmp_path / "corpus"
    shutil.copytree(CORPUS, root)
    return root


def test_index_rebuilds_when_a_corpus_file_changes(tmp_path, monkeypatch) -> None:
    root = _corpus_copy(tmp_path)
    monkeypatch.setenv("PLANCTL_CACHE", str(tmp_path / "cache"))
    assert run("--corpus", str(root), "search", "火星基地").exit_code == 1
    plan = root / "wuwei-2022-employment-plan.txt"
    plan.write_text(plan.read_text(encoding="utf-8") + "\n**建设火星基地。**探索新就业。\n", encoding="utf-8")
    found = run("--corpus", str(root), "search", "火星基地")
    assert found.exit_code == 0 and "wuwei-employment-2022" in found.stdout
    assert len(list((tmp_path / "cache").glob("index-*.sqlite"))) == 1  # the stale index was removed


def test_index_command_reports_counts(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PLANCTL_CACHE", str(tmp_path))
    result = run("index")
    assert result.exit_code == 0 and "from 10 documents" in result.stdout and "measure" in result.stdout


def test_damaged_index_is_rebuilt(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PLANCTL_CACHE", str(tmp_path))
    assert run("search", "零工市场").exit_code == 0
    (index,) = tmp_path.glob("index-*.sqlite")
    index.write_bytes(b"this is not a database" * 100)
    result = run("search", "零工市场")
    assert result.exit_code == 0 and "rebuilding" in result.stderr and "零工市场" in result.stdout


def test_unwritable_cache_is_bypassed(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv("PLANCTL_CACHE", str(blocker / "cache"))
    result = run("search", "零工市场")
    assert result.exit_code == 0 and "warning" in result.stderr and "零工市场" in result.stdout


@pytest.mark.parametrize("query", ["就业", "稳岗", "零工市场", "专精特新", "高校毕业生"])
def test_two_character_words_and_terms_are_found(query: str) -> None:
    expected = sum(query in line for lines in RAW.values() for line in lines)
    hits = search(CONN, parse_query(query))
    assert len(hits) >= min(expected, 1) and all(query in h.body for h in hits)
