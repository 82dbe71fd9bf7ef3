"""The matcher's behaviour on the cases reported against it, confidence and relations, task
lists, groups, shared passages, and `planctl eval`."""

from __future__ import annotations

import itertools
import json

import pytest
from typer.testing import CliRunner

from planctl.cli import app
from planctl.compare.align import compared_text
from planctl.compare.evaluate import parse_gold, score_pairs
from planctl.compare.passages import shared_passages
from planctl.corpus import load_corpus
from planctl.errors import PlanctlError
from planctl.workspace import Workspace
from tests.alignment_eval import GOLD, SHARED
from tests.helpers import script

corpus = load_corpus()
runner = CliRunner()


def diff(a: str, b: str, **kw):
    left, right = corpus.resolve_pair(a, b)
    return Workspace(corpus).diff(left, right, **kw)[0]


def partner(d, title: str, path: str | None = None):
    for p in d.pairs:
        node = p.pair.left
        if node is not None and node.title == title and (path is None or node.path == path):
            return p
    raise AssertionError(f"{title} not on the left")


def test_structure_of_a_city_and_a_province_plan_of_different_shape() -> None:
    d = diff("wuwei", "qinghai", kinds=["chapter", "section"])
    env = partner(d, "发展环境", "一")
    assert env.pair.right is not None and env.pair.right.title == "发展基础与发展环境"
    tasks = partner(d, "主要任务", "三")
    # 三、主要任务 is not paired with the task list (附件): its sections went to 青海 三、–八、.
    assert tasks.status == "grouped" and tasks.pair.right is None
    assert {n.path for n in tasks.pair.group} >= {"三", "四", "五", "六", "七"}
    members = {id(n) for n in tasks.pair.group}
    assert not any(p.status == "right_only" and id(p.pair.right) in members for p in d.pairs)  # not "only 青海"
    assert not any(p.pair.right is not None and p.pair.right.kind == "appendix" and p.pair.left is not None
                   for p in d.pairs)


@pytest.mark.xfail(strict=True, reason="regressed when the matcher was refitted on the enlarged dev gold (issue 24): "
                   "a test-split gold pair that now falls under the threshold of 0.6")
def test_a_city_section_pairs_with_the_province_section_not_its_chapter() -> None:
    d = diff("wuwei", "qinghai", kinds=["chapter", "section"])
    trend = partner(d, "“十四五”就业形势")
    assert trend.pair.right is not None and (trend.pair.right.path, trend.pair.right.title) == ("一/（二）", "发展环境")


def test_measures_worded_differently() -> None:
    d = diff("gansu", "qinghai")
    migrant = partner(d, "千方百计扩大农民工就业")
    assert migrant.pair.right is not None and migrant.pair.right.title == "促进农牧区劳动力转移就业"
    principle = partner(d, "坚持就业政策与经济政策协调")
    assert principle.pair.right is not None and principle.pair.right.title == "坚持经济发展就业导向"


def test_confidence_labels_and_scores_in_json() -> None:
    data = json.loads(runner.invoke(app, ["diff", "gansu", "qinghai", "-f", "json"]).stdout)
    made = [p for p in data["pairs"] if p["left"] and p["right"]]
    assert made and all(0 <= p["confidence"] <= 1 and p["label"] in ("strong", "likely", "weak") for p in made)
    assert all("score" in p for p in data["pairs"])
    assert all(p["relation"] in ("same", "adapted", "related") for p in made)
    unmatched = [p for p in data["pairs"] if not (p["left"] and p["right"])]
    assert all(p["confidence"] == 0 and p["label"] == "" for p in unmatched)
    # the strongest pairs are the likeliest: label order follows confidence
    strong = min(p["confidence"] for p in made if p["label"] == "strong")
    assert all(p["confidence"] < strong for p in made if p["label"] != "strong")


def test_task_list_items_restate_their_own_plan() -> None:
    d = diff("wuwei", "qinghai")
    assert len(d.restatements) >= 30 and all(r.side == "right" for r in d.restatements)
    restating = {id(r.item) for r in d.restatements}
    # neither matched with 武威 nor counted as missing there
    assert not any(id(p.pair.right) in restating for p in d.pairs if p.pair.right is not None)
    first = next(r for r in d.restatements if r.item.title == "优化职业教育布局和专业结构")
    assert first.body.title == "深化职业教育产教融合"


def test_city_against_province_reads_as_adoption() -> None:
    d = diff("wuwei", "gansu")
    adoption = d.adoption()
    assert adoption is not None and adoption["city"] == "wuwei-employment-2022"
    assert adoption["adopted"] >= 3 and adoption["added"] > 0 and adoption["not_taken_up"] > 0
    same = partner(d, "坚持稳定规模与提高质量相并重")
    assert same.pair.relation == "same" and same.pair.passages
    assert diff("gansu", "qinghai").adoption() is None  # two provinces
    shared = d.shared()
    assert 0 < shared["left"] < 1 and 0 < shared["right"] < 1


def test_passage_offsets_point_into_both_texts() -> None:
    d = diff("wuwei", "gansu")
    checked = 0
    for p in d.pairs:
        for x in p.pair.passages:
            left, right = compared_text(p.pair.left), compared_text(p.pair.right)
            assert x.text == left[x.left_start:x.left_end]
            assert len(x.text) >= 8 and right[x.right_start:x.right_end]
            checked += 1
    assert checked > 10


def test_shared_passages_ignore_punctuation_and_need_eight_characters() -> None:
    assert shared_passages("稳定就业。", "稳定就业") == []
    runs = shared_passages("支持企业按职工总数2%接纳学生实习。", "支持企业按职工总数2％接纳学生实习")
    assert runs and runs[0].length >= 8


def test_diff_a_a_and_mirror_keep_labels() -> None:
    d = diff("qinghai-employment-2021", "qinghai-employment-2021")
    assert not d.has_differences and all(p.pair.label == "strong" for p in d.pairs if p.status == "matched")
    ab, ba = diff("wuwei", "gansu"), diff("gansu", "wuwei")
    fwd = sorted((p.pair.left.title, p.pair.right.title, p.pair.confidence, p.pair.relation)
                 for p in ab.pairs if p.pair.left and p.pair.right)
    bwd = sorted((p.pair.right.title, p.pair.left.title, p.pair.confidence, p.pair.relation)
                 for p in ba.pairs if p.pair.left and p.pair.right)
    assert fwd == bwd


def test_nodes_one_plan_lacks_stay_beside_their_siblings() -> None:
    d = diff("qinghai", "gansu")
    rows = {id(p.pair.right): k for k, p in enumerate(d.pairs) if p.pair.right is not None}
    checked = 0
    for parent in d.right.walk():
        kids = parent.children
        for before, node in itertools.pairwise(kids):
            row = rows.get(id(node))
            if row is None or d.pairs[row].status != "right_only" or id(before) not in rows:
                continue
            assert rows[id(before)] < row, (before.title, node.title)
            # what lies between is the sibling's own subtree or other nodes only this plan has
            inside = {id(n) for n in parent.walk()}
            between = d.pairs[rows[id(before)] + 1:row]
            assert all(p.pair.left is None or p.pair.right is None or id(p.pair.right) in inside for p in between)
            checked += 1
    assert checked >= 5


# ---- planctl eval --------------------------------------------------------------------------
def test_gold_format_errors_are_one_line() -> None:
    with pytest.raises(PlanctlError, match="starts with"):
        parse_gold("一|总体要求\t二|总体要求\n", "g.tsv")
    with pytest.raises(PlanctlError, match=r"g\.tsv:2"):
        parse_gold("# a\tb\n一 总体要求\t二|总体要求\n", "g.tsv")
    with pytest.raises(PlanctlError, match="split"):
        parse_gold("# a\tb\n一|x\t二|y\tlater\n", "g.tsv")


def test_scores_count_wrong_pairs_touching_gold_nodes() -> None:
    gold = parse_gold("# a\tb\n一|甲\t一|甲\n二|乙\t二|乙\n", "g.tsv")
    doc = corpus.by_id("wuwei-employment-2022")
    e = score_pairs(gold, doc, doc, [(("一", "甲"), ("一", "甲")), (("二", "乙"), ("三", "丙")),
                                     (("九", "x"), ("九", "y"))])
    assert (e.total.found, e.total.gold, e.total.predicted) == (1, 2, 2)
    assert [m.what for m in e.misses] == ["missed", "wrong"]


def test_files_outside_the_corpus_are_weighted_with_their_own_words(tmp_path) -> None:
    from planctl.compare.similarity import tokens_of

    plan = tmp_path / "farm.txt"
    plan.write_text("某县高标准农田建设规划\n一、总体要求\n（一）推进高标准农田建设。建设高标准农田十万亩，"
                    "推广节水灌溉和秸秆综合利用。\n二、保障措施\n（一）强化资金保障。统筹涉农资金用于高标准农田。\n",
                    encoding="utf-8")
    ws = Workspace(corpus)
    doc = corpus.resolve(str(plan))
    own_idf = ws.corpus_statistics().idf
    word = next(t for t in tokens_of("高标准农田") if t not in own_idf)  # the corpus never says it
    stats = ws.statistics((doc, corpus.by_id("gansu-employment-2021")))
    assert word in stats.idf and stats.idf[word] < stats.idf[""]  # seen, so weighted below a word seen nowhere
    assert stats.model is not None and word in stats.model.vocabulary  # and the latent model knows it
    assert ws.statistics((corpus.by_id("wuwei-employment-2022"),)).idf == own_idf


def test_a_complete_gold_counts_every_other_pair_wrong() -> None:
    gold = parse_gold("# a\tb\tcomplete dev\n一|甲\t一|甲\n", "g.tsv")
    assert gold.complete == "dev" and gold.pairs[0].split == "dev"
    doc = corpus.by_id("wuwei-employment-2022")
    made = [(("一", "甲"), ("一", "甲")), (("九", "x"), ("九", "y"))]
    e = score_pairs(gold, doc, doc, made, "dev")
    assert (e.total.found, e.total.gold, e.total.predicted) == (1, 1, 2)
    assert score_pairs(gold, doc, doc, made, "test").total.predicted == 0  # the test part is another split
    empty = parse_gold("# a\tb\tcomplete test\n", "g.tsv")
    t = score_pairs(empty, doc, doc, made, "test").total
    assert (t.gold, t.predicted, t.precision) == (0, 2, 0.0)
    with pytest.raises(PlanctlError, match="complete dev"):
        parse_gold("# a\tb\tall of them\n", "g.tsv")
    with pytest.raises(PlanctlError, match="all its pairs in dev"):
        parse_gold("# a\tb\tcomplete dev\n一|甲\t一|甲\ttest\n", "g.tsv")


def test_eval_command() -> None:
    path = str(GOLD / "wuwei-gansu.tsv")
    rich = runner.invoke(app, ["eval", path, "--split", "dev"])
    assert rich.exit_code in (0, 1) and "precision" in rich.stdout
    data = json.loads(runner.invoke(app, ["eval", path, "-f", "json"]).stdout)
    total = data[0]["scores"][-1]
    assert total["kind"] == "all" and total["gold"] == 49 and 0 <= total["precision"] <= 1
    assert {"kind", "precision", "recall", "f1", "found", "gold", "predicted"} <= set(total)
    md = runner.invoke(app, ["eval", path, "-f", "markdown"]).stdout
    assert "| kind | precision | recall | F1 |" in md
    missing = runner.invoke(app, ["eval", "no-such-gold.tsv"])
    assert missing.exit_code == 2 and "cannot read gold file" in missing.stderr


def test_eval_on_a_gold_file_a_user_wrote(tmp_path) -> None:
    gold = tmp_path / "mine.tsv"
    gold.write_text("# wuwei\tgansu-employment-2021\n二|总体要求\t二|总体要求\n"
                    "二/（二）|坚持政府引导与市场主导相结合\t二/（二）|坚持政府引导与市场主导结合\n"
                    "九|没有这一章\t二|总体要求\n", encoding="utf-8")
    data = json.loads(runner.invoke(app, ["eval", str(gold), "-f", "json"]).stdout)[0]
    assert data["scores"][-1]["found"] == 2 and data["unknown"] == [{"line": 4, "node": "九|没有这一章"}]
    assert data["complete"] is None
    # The same two plans, said to share only their 总体要求: every other pair made counts as wrong.
    complete = tmp_path / "complete.tsv"
    complete.write_text("# wuwei\tgansu-employment-2021\tcomplete test\n二|总体要求\t二|总体要求\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", str(complete), "-f", "json"])
    data = json.loads(result.stdout)[0]
    total = data["scores"][-1]
    assert data["complete"] == "test" and total["found"] == 1 and total["predicted"] > 20 and result.exit_code == 1
    assert "complete gold" in runner.invoke(app, ["eval", str(complete)]).stdout


def test_a_cached_alignment_reads_like_a_fresh_one(tmp_path) -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    planctl = str(Path(sys.executable).with_name("planctl"))
    env = {**os.environ, "PLANCTL_CACHE": str(tmp_path / "cache")}
    runs = [subprocess.run([planctl, "diff", "wuwei", "qinghai", "-f", "json"], env=env, capture_output=True,
                           text=True, check=False, timeout=120) for _ in range(2)]
    assert [r.returncode for r in runs] == [1, 1] and runs[0].stderr == runs[1].stderr == ""
    assert runs[0].stdout == runs[1].stdout
    assert list((tmp_path / "cache" / "alignment").iterdir())


def test_the_latent_model_is_fitted_on_a_sparse_matrix() -> None:
    import numpy as np

    from planctl.compare.semantics import _SparseRows, build_latent

    rng = np.random.default_rng(0)
    dense = ((rng.random((300, 200)) < 0.05) * rng.random((300, 200))).astype(np.float32)
    rows, cols = np.nonzero(dense)
    sparse = _SparseRows(rows, cols, dense[rows, cols], dense.shape)
    x, y = rng.standard_normal((200, 5)).astype(np.float32), rng.standard_normal((300, 5)).astype(np.float32)
    assert np.allclose(sparse.dot(x), dense @ x, atol=1e-4) and np.allclose(sparse.tdot(y), dense.T @ y, atol=1e-4)
    # Two topics that never share a text: words of one topic end up near each other.
    topics = [[f"农{k}" for k in range(12)], [f"学{k}" for k in range(12)]]
    texts = [list(rng.choice(topics[k % 2], 4, replace=False)) for k in range(80)]
    model = build_latent(texts)
    assert model is not None
    assert model.embed(["农0"]) @ model.embed(["农1"]) > model.embed(["农0"]) @ model.embed(["学0"]) + 0.5


def test_shipped_calibration_is_what_make_calibrate_fits(tmp_path, capsys) -> None:
    # The calibration is fitted on the dev gold by scripts/calibrate.py. A change to the matcher's
    # candidates (new items, features) must come with a refit, or the shipped model is stale.
    import shutil

    from planctl.compare.confidence import CALIBRATION

    if not SHARED.exists():
        pytest.skip(f"the dev gold names documents in {SHARED}, which is not here (CI has it beside the clone)")
    shipped = json.loads(CALIBRATION.read_text(encoding="utf-8"))
    scratch = tmp_path / "calibration.json"
    shutil.copy(CALIBRATION, scratch)
    script("calibrate").main(scratch)
    capsys.readouterr()
    assert json.loads(scratch.read_text(encoding="utf-8")) == shipped, "run make calibrate and commit the result"


def test_diff_explain_says_why_each_pair_was_made() -> None:
    result = runner.invoke(app, ["diff", "gansu", "qinghai", "--kind", "measure", "--explain"])
    assert result.exit_code == 1, result.output
    assert "why title" in result.output and "shared" in result.output
    plain = runner.invoke(app, ["diff", "gansu", "qinghai", "--kind", "measure"])
    assert "why title" not in plain.output


def test_diff_json_carries_features_and_evidence_mirrored() -> None:
    from planctl.compare.features import FEATURES

    forward = json.loads(runner.invoke(app, ["diff", "gansu", "qinghai", "-f", "json"]).output)
    backward = json.loads(runner.invoke(app, ["diff", "qinghai", "gansu", "-f", "json"]).output)
    made = [p for p in forward["pairs"] if p["left"] and p["right"]]
    assert made and all(set(p["features"]) <= set(FEATURES) and "margin" in p["features"] for p in made)
    assert all(p["evidence"] is not None for p in made)
    unmatched = [p for p in forward["pairs"] if not (p["left"] and p["right"])]
    assert all(p["features"] == {} and p["evidence"] is None for p in unmatched)
    by_right = {(p["left"]["path"], p["left"]["title"]): p for p in backward["pairs"] if p["left"] and p["right"]}
    for p in made:
        back = by_right[(p["right"]["path"], p["right"]["title"])]
        assert back["features"] == p["features"]
        assert back["evidence"]["shared_words"] == p["evidence"]["shared_words"]
        assert [(t["right"], t["left"]) for t in back["evidence"]["related_terms"]] == [
            (t["left"], t["right"]) for t in p["evidence"]["related_terms"]]


def test_a_pair_judged_wrong_counts_against_precision_and_nothing_else() -> None:
    gold = parse_gold("# a\tb\n一|甲\t一|甲\tdev\n!二|乙\t二|丙\tdev\n", "g.tsv")
    assert gold.pairs_in("dev") == {(("一", "甲"), ("一", "甲"))}
    judged = gold.judge("dev")
    assert judged(("二", "乙"), ("二", "丙"))  # the pair judged wrong
    assert not judged(("二", "乙"), ("三", "丁"))  # the same node with another partner: not judged


def test_calibrate_on_your_own_judgements_moves_confidence_and_eval_shows_before_and_after(
        tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PLANCTL_DATA", str(tmp_path / "data"))
    before = json.loads(runner.invoke(app, ["diff", "gansu", "qinghai", "-f", "json"]).output)
    made = [p for p in before["pairs"] if p["left"] and p["right"] and p["kind"] == "measure"]
    # a reader who finds every measure pair planctl made between these two plans wrong
    lines = ["# gansu-employment-2021\tqinghai-employment-2021"]
    lines += [f"!{p['left']['path']}|{p['left']['title']}\t{p['right']['path']}|{p['right']['title']}" for p in made]
    judged = tmp_path / "judged.tsv"
    judged.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["calibrate", str(judged)])
    assert result.exit_code == 0, result.output
    assert f"calibrated on {len(made)} of your pairs" in result.output
    after = json.loads(runner.invoke(app, ["diff", "gansu", "qinghai", "-f", "json"]).output)
    conf = {(p["left"]["path"], p["left"]["title"]): p["confidence"]
            for p in after["pairs"] if p["left"] and p["right"]}
    # surer of nothing it was told is wrong: each pair is less sure, or no longer made at all
    # (same-text pairs stay certain)
    moved = [conf.get((p["left"]["path"], p["left"]["title"]), 0.0) < p["confidence"] for p in made
             if p["confidence"] < 1.0]
    assert moved and all(moved)
    assert f"calibrated on {len(made)} of your pairs" in runner.invoke(app, ["diff", "gansu", "qinghai"]).output
    shown = runner.invoke(app, ["eval", str(judged)])
    assert "shipped calibration: P" in shown.output and "→ calibrated on" in shown.output
    assert runner.invoke(app, ["calibrate", "--reset"]).exit_code == 0
    assert "calibrated on" not in runner.invoke(app, ["diff", "gansu", "qinghai"]).output


def test_calibrate_without_judged_pairs_is_a_one_line_error(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PLANCTL_DATA", str(tmp_path / "data"))
    gold = tmp_path / "none.tsv"
    gold.write_text("# gansu-employment-2021\tqinghai-employment-2021\n", encoding="utf-8")
    result = runner.invoke(app, ["calibrate", str(gold)])
    assert result.exit_code == 2 and "nothing to calibrate on" in result.output
    assert not (tmp_path / "data").exists()
