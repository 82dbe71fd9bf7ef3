"""Candidate measure pairs (MinHash LSH and vector neighbours) and `planctl trace`: what it finds
on the shipped corpus, every format (GraphML read back by networkx when it is installed, else as
XML), the HTML page in a real browser, exit statuses."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planctl.cjk import is_han
from planctl.cli import app
from planctl.compare.candidates import MeasureKey, candidate_items, measure_candidates, plan_pairs, plans_to_align
from planctl.compare.items import items_of
from planctl.compare.similarity import documents_statistics
from planctl.compare.trace import date_key, trace_of
from planctl.corpus import load_corpus
from planctl.settings import CandidateSettings
from planctl.workspace import Workspace
from tests.helpers import script

runner = CliRunner()
CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def corpus():
    c = load_corpus()
    c.ensure_trees()
    return c


@pytest.fixture(scope="module")
def traced() -> dict:
    result = run("trace", "gansu-employment-2021", "-f", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


# ---- candidates ------------------------------------------------------------------------------
def test_an_identical_measure_is_a_text_candidate(corpus) -> None:
    """The web edition of 甘肃's plan holds the same measures: each is found by LSH."""
    docs = [corpus.by_id("gansu-employment-2021"), corpus.by_id("gansu-employment-2021-2")]
    found = measure_candidates(docs, documents_statistics(docs))
    by_text = {(p.left.item, p.right.item) for p in found if p.text >= 0.9}
    han = [{k: "".join(ch for ch in items_of(d)[k].own if is_han(ch)) for k in candidate_items(d)} for d in docs]
    same = [(i, j) for i, a in han[0].items() for j, b in han[1].items() if a == b]
    assert len(same) > 40
    assert set(same) <= by_text


def test_candidates_are_blocked_by_topic_and_never_within_a_document(corpus) -> None:
    market, gansu = corpus.by_id("gansu-market-system-2021"), corpus.by_id("gansu-employment-2021")
    docs = [market, gansu, corpus.by_id("wuwei-employment-2022")]
    stats = documents_statistics(docs)
    found = measure_candidates(docs, stats)
    assert found and all(p.left.doc != p.right.doc for p in found)
    assert set(plan_pairs(found)) == {(1, 2)}  # the market plan is of another topic
    everything = measure_candidates(docs, stats, block=lambda d: "")
    assert len(everything) > len(found)  # the check can fail: unblocked, the market plan has candidates


def test_sources_only_pair_with_other_documents(corpus) -> None:
    docs = [corpus.by_id(i) for i in ("wuwei-employment-2022", "gansu-employment-2021", "qinghai-employment-2021")]
    found = measure_candidates(docs, documents_statistics(docs), sources=[0])
    assert found and all(p.left.doc == 0 and p.right.doc != 0 for p in found)
    assert all(isinstance(p.left, MeasureKey) and p.via in ("text", "meaning", "both") for p in found)


def test_a_stricter_floor_finds_fewer_and_plan_pairs_need_enough(corpus) -> None:
    docs = [corpus.by_id("wuwei-employment-2022"), corpus.by_id("qinghai-employment-2021")]
    stats = documents_statistics(docs)
    loose = measure_candidates(docs, stats, CandidateSettings(vector_floor=0.7))
    strict = measure_candidates(docs, stats, CandidateSettings(vector_floor=0.95))
    assert len(strict) < len(loose)
    assert plans_to_align(loose) == [(0, 1)]
    assert plans_to_align(loose, CandidateSettings(plan_pairs_from=len(loose) + 1)) == []


# ---- the trace -------------------------------------------------------------------------------
def test_trace_of_gansu_finds_its_edition_and_its_city(traced: dict) -> None:
    docs = {d["id"]: d for d in traced["documents"]}
    edition = docs["gansu-employment-2021-2"]
    assert edition["share"] == 1.0 and edition["relations"]["same"] == traced["source"]["measures"]
    wuwei = docs["wuwei-employment-2022"]
    assert wuwei["level"] == "city" and wuwei["when"] == "after" and 0.3 < wuwei["share"] < 1.0
    assert wuwei["relations"]["same"] >= 3 and wuwei["relations"]["adapted"] >= 5
    assert "gansu-market-system-2021" not in docs  # another subject
    dated = [d["date"] for d in traced["documents"] if d["date"]]
    assert dated == sorted(dated) and traced["documents"][-1]["date"] == ""  # date order, undated last


def test_trace_labels_are_the_diffs(traced: dict) -> None:
    """A measure's adoption by 武威 carries the label, relation and confidence diff gives the pair."""
    diff = json.loads(run("diff", "gansu-employment-2021", "wuwei", "-f", "json").stdout)
    made = {(p["left"]["line_start"], p["right"]["line_start"]): (p["label"], p["relation"], p["confidence"])
            for p in diff["pairs"] if p.get("left") and p.get("right")}
    checked = 0
    for m in traced["measures"]:
        for a in m["adoptions"]:
            if a["document"] == "wuwei-employment-2022":
                assert made[(m["line"], a["line"])] == (a["label"], a["relation"], a["confidence"])
                checked += 1
    assert checked == {d["id"]: d for d in traced["documents"]}["wuwei-employment-2022"]["measures"] or checked > 20


def test_shared_passages_say_where_they_appeared_first(traced: dict) -> None:
    passages = [p for m in traced["measures"] for p in m["passages"]]
    assert passages
    # The source (2021-10-11) is older than every dated holder: it is the first appearance.
    assert all(p["first"]["id"] == "gansu-employment-2021" for p in passages)
    later = json.loads(run("trace", "wuwei", "-f", "json").stdout)
    firsts = {p["first"]["id"] for m in later["measures"] for p in m["passages"]}
    assert "gansu-employment-2021" in firsts  # 武威 took these from its province, dated before it


def test_trace_of_pure_alignments_rejects_another_source(corpus) -> None:
    from planctl.compare.align import align

    gansu, wuwei = corpus.by_id("gansu-employment-2021"), corpus.by_id("wuwei-employment-2022")
    result = trace_of(gansu, [align(gansu, wuwei, corpus=corpus.documents)])
    assert [u.document.id for u in result.documents] == ["wuwei-employment-2022"]
    assert [date_key(u.document) for u in result.documents] == [("2022-01-05", "wuwei-employment-2022")]
    with pytest.raises(ValueError, match="not of the source"):
        trace_of(wuwei, [align(gansu, wuwei, corpus=corpus.documents)])


def test_workspace_trace_is_one_call(corpus) -> None:
    ws = Workspace(load_corpus(lazy=True))
    result = ws.trace(ws.corpus.resolve("qinghai"))
    assert result.considered >= 5 and result.candidates > 0 and result.aligned >= len(result.documents) > 0


# ---- formats ---------------------------------------------------------------------------------
def test_trace_csv_rows(traced: dict) -> None:
    text = run("trace", "gansu-employment-2021", "-f", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == sum(len(m["adoptions"]) for m in traced["measures"])
    assert rows[0]["source_id"] == "gansu-employment-2021" and rows[0]["relation"] in ("same", "adapted", "related")
    assert {"document_share", "first_appearance", "node_line", "confidence"} <= set(rows[0])


def test_trace_graphml_loads(traced: dict, tmp_path) -> None:
    out = tmp_path / "trace.graphml"
    assert run("trace", "gansu-employment-2021", "-f", "graphml", "-o", str(out)).exit_code == 0
    adopted = sum(len(m["adoptions"]) for m in traced["measures"])
    nodes = 1 + len(traced["documents"]) + len(traced["measures"])
    root = ET.parse(out).getroot()
    graph = root.find(f"{GRAPHML}graph")
    assert graph is not None and len(graph.findall(f"{GRAPHML}node")) == nodes
    assert len(graph.findall(f"{GRAPHML}edge")) == adopted + len(traced["measures"])
    try:
        import networkx
    except ImportError:
        return  # parsed as XML above
    g = networkx.read_graphml(out)
    assert g.number_of_nodes() == nodes and g.number_of_edges() == adopted + len(traced["measures"])
    assert g.nodes["d:wuwei-employment-2022"]["level"] == "city"


def test_trace_rich_and_exit_statuses(tmp_path) -> None:
    shown = run("trace", "gansu-employment-2021")
    assert shown.exit_code == 0 and "wuwei-employment-2022" in shown.stdout and "share" in shown.stdout
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(Path(__file__).parent.parent / "corpora" / "wuwei-2022-employment-plan.txt", alone)
    nothing = run("--corpus", str(alone), "trace", "wuwei-employment-2022")
    assert nothing.exit_code == 1  # nothing else on its subject took anything up
    for args, message in ((("trace", "nowhere"), "nowhere"), (("trace", "wuwei", "-f", "yaml"), "unknown format")):
        result = run(*args)
        assert result.exit_code == 2 and message in result.stderr


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium here (.ci/run installs it with apt-get)")
def test_trace_page_in_a_browser(tmp_path) -> None:
    out = tmp_path / "trace.html"
    assert run("trace", "gansu-employment-2021", "-f", "html", "-o", str(out)).exit_code == 0
    assert CHROMIUM is not None
    base = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([*base, "--dump-dom", out.resolve().as_uri()], capture_output=True, text=True,
                         timeout=120, check=False)
    assert dom.returncode == 0
    for section in ("timeline", "documents", "measures"):
        assert f'id="{section}"' in dom.stdout
    assert dom.stdout.count('class="dot ') >= 4 and dom.stdout.count('<details class="measure"') == 58
    shot = tmp_path / "trace.png"
    subprocess.run([*base, f"--screenshot={shot}", "--window-size=1400,1800", out.resolve().as_uri()],
                   capture_output=True, timeout=120, check=False)
    assert shot.exists() and shot.stat().st_size > 50_000


# ---- planted adoptions -----------------------------------------------------------------------
def test_a_scaled_corpus_plants_adoptions_that_trace_finds(tmp_path) -> None:
    """scripts/scale_corpus.py plants measures of a provincial plan in plans of its cities (copied,
    edited, reworded) and writes where; the planted lines are measures as parsed, the cities are
    dated after their province, and the trace of the province finds every word-for-word copy."""
    generate = script("scale_corpus").generate
    generate(20, tmp_path / "c")
    truth = json.loads((tmp_path / "c.truth.json").read_text(encoding="utf-8"))
    assert {p["kind"] for p in truth["planted"]} == {"copy", "edit", "reword"}
    corpus = load_corpus(tmp_path / "c")
    corpus.ensure_trees()
    from planctl.compare.trace import source_measures

    starts = {(Path(d.source.path).name, n.line_start) for d in corpus.documents for n in source_measures(d)}
    for p in truth["planted"]:
        assert (p["target_file"], p["target_line"]) in starts and (p["source_file"], p["source_line"]) in starts
        assert p["source_date"] < p["target_date"]
    files = {Path(d.source.path).name: d for d in corpus.documents}
    source = files[truth["planted"][0]["source_file"]]
    assert source.level == "province" and source.date == truth["planted"][0]["source_date"]
    result = Workspace(corpus, workers=1).trace(source)
    found = {(a.document.source.path.rsplit("/", 1)[-1], a.node.line_start, m.node.line_start, a.relation)
             for m in result.measures for a in m.adoptions}
    copies = [p for p in truth["planted"] if p["kind"] == "copy" and p["source_file"] == Path(source.source.path).name]
    assert copies
    for p in copies:
        assert (p["target_file"], p["target_line"], p["source_line"], "same") in found


def test_compare_aligns_at_most_the_plans_sharing_most_candidates() -> None:
    from planctl.compare.candidates import CandidatePair

    def pairs(a: int, b: int, n: int) -> list[CandidatePair]:
        return [CandidatePair(MeasureKey(a, k), MeasureKey(b, k)) for k in range(n)]

    found = pairs(0, 1, 5) + pairs(0, 2, 3) + pairs(0, 3, 1) + pairs(1, 2, 4)
    assert plans_to_align(found) == [(0, 1), (0, 2), (0, 3), (1, 2)]
    assert plans_to_align(found, limit=1) == [(0, 1), (0, 3), (1, 2)]  # 3 chose 0; 2 chose 1
    assert plans_to_align(found, CandidateSettings(plan_pairs_from=4), limit=1) == [(0, 1), (1, 2)]
