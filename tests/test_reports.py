"""`planctl diff --format html` and `planctl compare`: every format and exit status, CSV typed in
DuckDB, and the HTML pages opened in a real headless browser (Chromium)."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest
from typer.testing import CliRunner

from planctl.cli import app
from tests.helpers import CORPUS

runner = CliRunner()
CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
needs_browser = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium here (.ci/run installs it with apt-get)")


def run(*args: str):
    return runner.invoke(app, list(args))


def _rows(page: str) -> list[str]:
    return re.findall(r'<tr class="(row [^"]*)"', page)


# ---- diff --format html ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report") / "gansu-qinghai.html"
    result = run("diff", "gansu", "qinghai", "--format", "html", "-o", str(path))
    assert result.exit_code == 1 and result.stdout == ""
    return path


def test_report_is_one_self_contained_file(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing fetched from a network
    assert "<link" not in page and "@import" not in page
    for section in ("plans", "summary", "structure", "indicators", "restatements"):
        assert f'id="{section}"' in page
    assert "甘政办发〔2021〕92号" in page and "青政办〔2021〕83号" in page  # both plans' metadata


def test_report_holds_every_pair_with_its_texts_and_sources(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    data = json.loads(run("diff", "gansu", "qinghai", "-f", "json").stdout)
    assert len(_rows(page)) == len(data["pairs"])
    assert page.count("<mark>") >= 1  # shared passages marked
    assert "千方百计扩大农民工就业" in page and "促进农牧区劳动力转移就业" in page
    assert re.search(r'class="src" [^>]*corpora/gansu-2021-market-system-and-employment-plans\.txt, line \d+', page)
    assert "left only" in page and "right only" in page and "b-group" in page


def test_report_between_editions_shows_word_changes(tmp_path) -> None:
    out = tmp_path / "editions.html"
    run("diff", "gansu-employment-2021", "gansu-employment-2021-2", "-f", "html", "-o", str(out))
    page = out.read_text(encoding="utf-8")
    assert "<del>清零</del>" in page and "<ins>消零</ins>" in page


def test_report_of_a_city_against_its_province_reads_as_adoption() -> None:
    page = run("diff", "wuwei", "gansu", "-f", "html").stdout
    assert 'class="adoption"' in page and "took from gansu-employment-2021" in page


def test_report_to_an_unwritable_place_is_one_line() -> None:
    result = run("diff", "gansu", "qinghai", "-f", "html", "-o", "/nonexistent/dir/r.html")
    assert result.exit_code == 2 and "cannot write" in result.stderr


# ---- compare --------------------------------------------------------------------------------
def test_compare_every_format() -> None:
    rich = run("compare", "--topic", "employment")
    assert rich.exit_code == 0 and "Comparing 3 plans" in rich.stdout
    data = json.loads(run("compare", "--topic", "employment", "-f", "json").stdout)
    ids = [p["id"] for p in data["plans"]]
    assert ids == ["gansu-employment-2021", "qinghai-employment-2021", "wuwei-employment-2022"]
    sim = data["similarity"]
    assert len(sim) == 3 and sim[0][1] == sim[1][0] and 0 < sim[0][2]["measures_matched"] < 1
    assert data["clusters"][0]["plans_with_it"] == 3
    assert [c["plans_with_it"] for c in data["clusters"]] == sorted((c["plans_with_it"] for c in data["clusters"]),
                                                                   reverse=True)
    assert all(len(set(c["members"])) == len(c["members"]) for c in data["clusters"])
    new_jobs = next(r for r in data["indicators"] if r["indicator"] == "城镇新增就业人数")
    assert set(new_jobs["plans"]) == set(ids)  # 城镇新增就业 (青海) reconciled with 城镇新增就业人数
    md = run("compare", "gansu", "qinghai", "wuwei", "-f", "markdown").stdout
    assert md.startswith("# Comparing 3 plans") and "| gansu-employment-2021 |" in md
    page = run("compare", "--topic", "employment", "-f", "html").stdout
    assert 'class="heat"' in page and 'id="clusters"' in page and 'id="indicators"' in page


def test_compare_csv_tables_load_in_duckdb_typed(tmp_path) -> None:
    duckdb = pytest.importorskip("duckdb")
    types = {}
    for table in ("similarity", "indicators", "clusters"):
        path = tmp_path / f"{table}.csv"
        result = run("compare", "--topic", "employment", "-f", "csv", "--table", table, "-o", str(path))
        assert result.exit_code == 0
        rel = duckdb.sql(f"select * from read_csv_auto('{path}')")
        types[table] = dict(zip(rel.columns, (str(t) for t in rel.types), strict=True))
    assert types["similarity"]["measures_matched"] == "DOUBLE" and types["similarity"]["aligned"] == "BOOLEAN"
    assert types["indicators"]["target_value"] == "DOUBLE" and types["indicators"]["target_cumulative"] == "BOOLEAN"
    assert types["clusters"]["line"] == "BIGINT" and types["clusters"]["plans_with_it"] == "BIGINT"
    rows = list(csv.DictReader(io.StringIO(run("compare", "--topic", "employment", "-f", "csv").stdout)))
    assert len(rows) == 6 and {r["plan"] for r in rows} == {"gansu-employment-2021", "qinghai-employment-2021",
                                                           "wuwei-employment-2022"}


def test_compare_narrowed_and_refused() -> None:
    provinces = json.loads(run("compare", "--topic", "employment", "--level", "province", "-f", "json").stdout)
    assert [p["id"] for p in provinces["plans"]] == ["gansu-employment-2021", "qinghai-employment-2021"]
    in_gansu = json.loads(run("compare", "--topic", "employment", "--region", "甘肃", "-f", "json").stdout)
    assert [p["id"] for p in in_gansu["plans"]] == ["gansu-employment-2021", "wuwei-employment-2022"]
    for args, message in ((("compare",), "--topic"), (("compare", "--topic", "tourism"), "found 0"),
                          (("compare", "--topic", "employment", "--region", "火星"), "unknown region"),
                          (("compare", "--topic", "employment", "-f", "yaml"), "unknown format")):
        result = run(*args)
        assert result.exit_code == 2 and message in result.stderr, args


# ---- in a browser -----------------------------------------------------------------------------
def _chromium(url: str, *extra: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           f"--user-data-dir={tmp / 'profile'}", "--enable-logging=stderr", "--v=0", *extra, url],
                          capture_output=True, text=True, timeout=120, check=False)


def _console_errors(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if "CONSOLE" in ln or "Uncaught" in ln]


def _status(dom: str) -> tuple[int, int]:
    m = re.search(r'id="status" data-shown="(\d+)" data-total="(\d+)"', dom)
    assert m, "the page's script did not run"
    return int(m.group(1)), int(m.group(2))


@needs_browser
def test_report_in_a_browser(report: Path, tmp_path) -> None:
    url = report.resolve().as_uri()
    page = report.read_text(encoding="utf-8")
    rows = _rows(page)
    everything = _chromium(url, "--dump-dom", tmp=tmp_path)
    assert everything.returncode == 0 and not _console_errors(everything.stderr)
    assert _status(everything.stdout) == (len(rows), len(rows))
    for section in ("plans", "summary", "structure", "indicators"):
        assert f'id="{section}"' in everything.stdout
    # filters change what is shown: the counts the page reports follow the classes of the rows
    no_measures = _status(_chromium(url + "#hide=measure", "--dump-dom", tmp=tmp_path).stdout)
    assert no_measures[0] == sum("kind-measure" not in r for r in rows) < len(rows)
    strong = _status(_chromium(url + "#min=strong", "--dump-dom", tmp=tmp_path).stdout)
    assert strong[0] == sum("conf-weak" not in r and "conf-likely" not in r for r in rows) < len(rows)
    only_pairs = _status(_chromium(url + "#hide=unmatched,group", "--dump-dom", tmp=tmp_path).stdout)
    assert only_pairs[0] == sum("rel-unmatched" not in r and "rel-group" not in r for r in rows)
    shot = tmp_path / "report.png"
    _chromium(url, f"--screenshot={shot}", "--window-size=1400,1800", tmp=tmp_path)
    assert shot.exists() and shot.stat().st_size > 50_000


@needs_browser
def test_report_reads_without_scripts_and_prints(report: Path, tmp_path) -> None:
    # the page as a reader with scripts off gets it: the same file without its script
    page = report.read_text(encoding="utf-8")
    bare = tmp_path / "no-script.html"
    bare.write_text(re.sub(r"<script>.*?</script>", "", page, flags=re.S), encoding="utf-8")
    dom = _chromium(bare.resolve().as_uri(), "--dump-dom", tmp=tmp_path).stdout
    assert len(_rows(dom)) == len(_rows(page)) and 'id="status" data-shown' not in dom
    shot = tmp_path / "no-script.png"
    _chromium(bare.resolve().as_uri(), f"--screenshot={shot}", "--window-size=1400,1200", tmp=tmp_path)
    assert shot.exists() and shot.stat().st_size > 50_000
    url = report.resolve().as_uri()
    pdf = tmp_path / "report.pdf"
    _chromium(url, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", tmp=tmp_path)
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages) > 3
        text = unicodedata.normalize("NFKC", doc.pages[0].extract_text() or "")  # ⽢ (Kangxi) → 甘
    assert "甘肃省" in text and "qinghai-employment-2021" in text and "就业促进规划" in text


@needs_browser
def test_compare_page_in_a_browser(tmp_path) -> None:
    out = tmp_path / "compare.html"
    assert run("compare", "--topic", "employment", "-f", "html", "-o", str(out)).exit_code == 0
    url = out.resolve().as_uri()
    dom = _chromium(url, "--dump-dom", tmp=tmp_path)
    assert dom.returncode == 0 and not _console_errors(dom.stderr)
    for section in ("plans", "similarity", "indicators", "clusters"):
        assert f'id="{section}"' in dom.stdout
    assert dom.stdout.count('class="cell"') == 6
    shot = tmp_path / "compare.png"
    _chromium(url, f"--screenshot={shot}", "--window-size=1400,1800", tmp=tmp_path)
    assert shot.exists() and shot.stat().st_size > 50_000


def test_source_links_point_at_the_files_from_the_page(tmp_path, monkeypatch) -> None:
    corpus = tmp_path / "plans"
    shutil.copytree(CORPUS, corpus)
    monkeypatch.chdir(tmp_path)  # corpus paths are shown relative to the corpus's parent, not the cwd
    out = tmp_path / "reports" / "2026" / "report.html"
    out.parent.mkdir(parents=True)
    for args in (("diff", "gansu", "qinghai"), ("compare", "--topic", "employment")):
        printed = run("--corpus", str(corpus), *args, "-f", "html").stdout
        hrefs = set(re.findall(r'class="src" href="([^"]+)"', printed))
        assert hrefs and all((tmp_path / unquote(h)).is_file() for h in hrefs), args
        run("--corpus", str(corpus), *args, "-f", "html", "-o", str(out))
        hrefs = set(re.findall(r'class="src" href="([^"]+)"', out.read_text(encoding="utf-8")))
        assert hrefs and all(h.startswith("../../plans/") and (out.parent / unquote(h)).is_file() for h in hrefs)


def test_reports_carry_no_absolute_path_of_the_machine_that_wrote_them(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # the shipped corpus lies outside the working directory: no link climbs to it
    out = tmp_path / "report.html"
    for args in (("diff", "gansu", "qinghai"), ("compare", "--topic", "employment")):
        run(*args, "-f", "html", "-o", str(out))
        page = out.read_text(encoding="utf-8")
        assert "file:" not in page and str(CORPUS) not in page and str(tmp_path) not in page, args
        assert 'class="src" href=' not in page and 'class="src" title="corpora/' in page, args


@needs_browser
def test_report_judgements_download_as_a_gold_file_eval_reads(report: Path, tmp_path) -> None:
    # A reader ticks one pair right, one wrong and pairs a lone item; the page writes what eval reads.
    from planctl.compare.evaluate import parse_gold

    page = report.read_text(encoding="utf-8")
    clicks = """<script>
    var yes = document.querySelectorAll("input.judge-yes"), no = document.querySelectorAll("input.judge-no");
    yes[0].checked = true; no[1].checked = true;
    var pick = document.querySelector("select.pick"); pick.value = pick.options[1].value;
    document.dispatchEvent(new Event("change"));
    var out = document.createElement("pre"); out.id = "out"; out.textContent = window.planctlJudgements();
    document.body.appendChild(out);
    </script></body>"""
    judged = tmp_path / "judged.html"
    judged.write_text(page.replace("</body>", clicks), encoding="utf-8")
    dom = _chromium(judged.resolve().as_uri(), "--dump-dom", tmp=tmp_path).stdout
    text = re.search(r'<pre id="out">(.*?)</pre>', dom, re.S)
    assert text, "the page's script did not run"
    gold = parse_gold(__import__("html").unescape(text.group(1)), "judged.tsv")
    assert gold.refs == ("gansu-employment-2021", "qinghai-employment-2021")
    assert len(gold.pairs) == 3 and sum(p.wrong for p in gold.pairs) == 1
    assert re.search(r'id="judged">3 judged', dom)
    rows = re.findall(r'<tr class="row [^"]*" data-left="([^"]*)" data-right="([^"]*)"', page)
    first_pair = tuple(tuple(html_key.split("|", 1)) for html_key in rows[0])
    assert (first_pair[0], first_pair[1]) in gold.pairs_in("all")


@needs_browser
def test_report_review_order_puts_the_least_sure_pairs_first(report: Path, tmp_path) -> None:
    dom = _chromium(report.resolve().as_uri() + "#review", "--dump-dom", tmp=tmp_path).stdout
    confidences = [float(c) for c in re.findall(r'<tr class="row [^"]*"[^>]* data-conf="([0-9.]+)"', dom)]
    assert len(confidences) > 10 and confidences == sorted(confidences)
    first_row = re.search(r'<tbody>\s*<tr class="row [^"]*"[^>]*>', dom).group(0)
    assert f'data-conf="{confidences[0]:.3f}"' in first_row
