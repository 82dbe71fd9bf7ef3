"""What a new user meets first: options where they put them, usage errors in one line, locations
they can open, departments by the names people write, files said when written, progress on a
terminal (and none in a pipe or with --quiet)."""

from __future__ import annotations

import csv
import io
import json
import os
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from planctl.cli import app
from planctl.regions import department_table
from tests.helpers import CORPUS, ROOT

runner = CliRunner()
WUWEI = str(CORPUS / "wuwei-2022-employment-plan.txt")


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


# ---- options anywhere, usage errors ------------------------------------------------------
def test_global_options_before_or_after_the_command(tmp_path: Path) -> None:
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "wuwei.txt").write_bytes(Path(WUWEI).read_bytes())
    folder = str(tmp_path / "plans")
    before, after = run("--corpus", folder, "list", "-f", "json"), run("list", "-f", "json", "--corpus", folder)
    assert before.exit_code == after.exit_code == 0, after.stderr
    assert before.stdout == after.stdout and len(json.loads(after.stdout)) == 2
    assert run("list", f"--corpus={folder}", "-f", "json").stdout == before.stdout
    found = run("search", "零工市场", "--corpus", folder, "-f", "json")
    assert found.exit_code == 0 and {h["plan_id"] for h in json.loads(found.stdout)} == {"wuwei-employment-2022"}
    quiet = run("show", WUWEI, "--quiet", "--depth", "1")
    assert quiet.exit_code == 0 and quiet.stderr == "" and "保障措施" in quiet.stdout
    noted = run("show", WUWEI, "--depth", "1")
    assert "read " in noted.stderr  # how the file was decoded: a note --quiet leaves out
    # --encoding before the command applies to files given by path, as after it does
    assert run("--encoding", "utf-8", "show", WUWEI, "-f", "json").stdout == run("show", WUWEI, "--encoding", "utf-8",
                                                                                 "-f", "json").stdout
    # a word after -- stays a query word, even one spelled like a global option
    assert run("search", "零工市场", "-n", "1", "--", "--quiet").exit_code == 2


@pytest.mark.parametrize("args", [["list", "--corpuss", "x"], ["lst"], ["show", "wuwei", "--depth", "x"],
                                  ["diff", "wuwei", "gansu", "--kind", "measur"], ["search", "就业", "--limit", "0"]])
def test_usage_errors_are_one_line_with_a_hint(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith("planctl: error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "--help" in result.stderr and "Usage:" not in result.output


def test_every_command_help_lists_its_formats_and_the_global_options() -> None:
    for command in ("list", "show", "diff", "compare", "eval", "index", "search", "export"):
        text = " ".join(run(command, "--help").stdout.split())
        assert "--corpus DIR" in text and "--quiet" in text, command
    assert "rich (a table), json or markdown" in " ".join(run("list", "--help").stdout.split())


def test_plans_given_by_path_need_no_corpus(tmp_path: Path) -> None:
    missing = str(tmp_path / "none")
    assert run("--corpus", missing, "show", WUWEI, "--depth", "1").exit_code == 0
    assert run("export", "measures", WUWEI, "--corpus", missing).exit_code == 0
    assert run("search", "零工市场", "--plan", WUWEI, "--corpus", missing).exit_code == 0
    listed = run("--corpus", missing, "list")
    assert listed.exit_code == 2 and "corpus directory not found" in listed.stderr


def test_a_diff_of_two_files_reads_no_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    import planctl.corpus

    def no_corpus(*args: object, **kwargs: object) -> None:
        raise AssertionError("the corpus was read")

    qinghai = str(CORPUS / "qinghai-2021-employment-plan.txt")
    monkeypatch.setattr(planctl.corpus, "load_corpus", no_corpus)
    result = run("diff", WUWEI, qinghai, "-f", "json")
    assert result.exit_code == 1, result.stderr  # the plans differ
    assert json.loads(result.stdout)["summary"]["matched"] > 20
    needs = run("diff", "wuwei", qinghai)  # an id needs the corpus (a fault of any kind is one line, exit 2)
    assert needs.exit_code == 2 and "the corpus was read" in needs.stderr


# ---- locations -------------------------------------------------------------------------
def test_list_names_each_documents_file() -> None:
    docs = json.loads(run("list", "-f", "json").stdout)
    assert all(d["file"] == f"{d['path']}#{d['index']}" for d in docs)
    combined = [d for d in docs if d["path"].endswith("gansu-2021-market-system-and-employment-plans.txt")]
    assert sorted(d["file"][-2:] for d in combined) == ["#1", "#2", "#3"]
    table = run("list", "-f", "markdown").stdout.splitlines()
    assert table[0].split("|")[-2].strip() == "file" and "wuwei-2022-employment-plan.txt#2" in "".join(table)


def test_search_prints_a_location_an_editor_opens() -> None:
    lines = run("search", "零工市场", "-f", "vimgrep").stdout.splitlines()
    assert lines
    for line in lines:
        file, number, column, rest = line.split(":", 3)
        assert column == "1" and rest.startswith(" ")
        source = (ROOT / file).read_text(encoding="utf-8").splitlines()
        assert "零工" in "".join(source[int(number) - 1:int(number) + 3])
    by_path = run("search", "零工市场", "--plan", WUWEI).stdout.splitlines()
    assert by_path and all(line.startswith(f"{WUWEI}:") for line in by_path)


def test_diff_csv_stands_on_its_own() -> None:
    rows = list(csv.DictReader(io.StringIO(run("diff", "gansu", "qinghai", "-f", "csv").stdout)))
    header = list(rows[0])
    assert header.index("confidence") < header.index("score") and header.index("label") < header.index("score")
    old = ["kind", "status", "score", "left_path", "left_title", "left_line", "right_path", "right_title",
           "right_line", "word_diff", "confidence", "label", "relation", "shared"]
    assert set(old) <= set(header)  # every column it had, none renamed
    pair = next(r for r in rows if r["kind"] == "measure" and r["status"] == "changed")
    assert pair["left_plan_id"] == "gansu-employment-2021" and pair["right_plan_id"] == "qinghai-employment-2021"
    assert pair["left_file"].endswith("gansu-2021-market-system-and-employment-plans.txt")
    assert pair["left_title"] in pair["left_text"] and pair["right_title"] in pair["right_text"]
    assert rows[0]["left_plan_title"] == "甘肃省“十四五”就业促进规划"


def test_diff_json_passages_index_texts_it_carries() -> None:
    pairs = json.loads(run("diff", "wuwei", "gansu-employment", "-f", "json").stdout)["pairs"]
    with_passages = [p for p in pairs if p["passages"]]
    assert with_passages and any(p["left"]["text"] == "" for p in with_passages)  # a heading over paragraphs
    for p in with_passages:
        for passage in p["passages"]:
            for side in ("left", "right"):
                start, end = passage[side]
                taken = p["compared"][side][start:end]
                assert [c for c in taken if c.isalnum()] == [c for c in passage["text"] if c.isalnum()]
    assert all(p["compared"] is None for p in pairs if not p["passages"])


def test_output_files_are_said_on_stderr(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    result = run("diff", "wuwei", "gansu-employment", "-f", "html", "-o", str(target))
    assert result.exit_code == 1 and target.stat().st_size > 0
    assert f"wrote the html diff of wuwei-employment-2022 and gansu-employment-2021 to {target}" in result.stderr
    assert run("diff", "wuwei", "gansu-employment", "-f", "html", "-o", str(target), "-q").stderr == ""


def test_compare_html_without_indicators_has_no_empty_table(tmp_path: Path) -> None:
    target = tmp_path / "compare.html"
    result = run("compare", "tianshui-employment-notice-2023", "gansu-employment-notice-2023", "-f", "html",
                 "-o", str(target))
    assert result.exit_code == 0, result.stderr
    page = target.read_text(encoding="utf-8")
    assert "<th>indicator</th>" not in page and "None of these plans has an indicator table." in page


# ---- departments -----------------------------------------------------------------------
def test_department_names_people_write() -> None:
    table = department_table()
    assert "人力资源社会保障厅" in table.aliases("人社厅") and "人社局" in table.aliases("人社厅")
    assert table.aliases("省发改委")[:3] == ["省发改委", "省发展和改革委员会", "省发展改革委"]
    assert table.split("武威市住建局") is not None and table.split("武威市住建局")[0] == "武威市"
    assert table.aliases("就业") == ["就业"]


def test_search_by_department() -> None:
    hits = json.loads(run("search", "--dept", "人社厅", "-f", "json").stdout)
    assert hits and all(h["kind"] == "measure" for h in hits)
    names = department_table().aliases("人社厅")
    assert all(any(n in h["departments"] for n in names) for h in hits)
    # 青海's plan writes the full name: the abbreviation finds it
    assert any("省人力资源社会保障厅" in h["departments"] for h in hits)
    assert any("省人社厅" in h["departments"] for h in hits)
    narrowed = json.loads(run("search", "创业", "--dept", "人社厅", "-f", "json").stdout)
    assert narrowed and len(narrowed) < len(hits) and all("创业" in h["text"] + h["title"] for h in narrowed)
    plain = json.loads(run("search", "人社厅", "-f", "json").stdout)
    assert any("人力资源社会保障厅" in h["text"] and "人社厅" not in h["text"] for h in plain)
    assert run("search", "--dept", "火星局").exit_code == 1


# ---- progress --------------------------------------------------------------------------
def _on_a_terminal(args: list[str], cache: str, timeout: float = 600) -> tuple[int, str]:
    """Run planctl with stderr on a pseudo-terminal; its exit status and all it drew there."""
    master, slave = os.openpty()
    # progress drawn at once (not after a second): what is shown must not depend on this machine's speed
    env = {**os.environ, "PLANCTL_CACHE": cache, "COLUMNS": "120", "TERM": "xterm", "PLANCTL_PROGRESS_DELAY": "0"}
    proc = subprocess.Popen([sys.executable, "-m", "planctl.cli", *args], stdout=subprocess.DEVNULL, stderr=slave,
                            stdin=subprocess.DEVNULL, env=env)
    os.close(slave)
    drawn = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the terminal closed: the process is done
                    break
                if not chunk:
                    break
                drawn += chunk
            elif proc.poll() is not None:
                break
        status = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    return status, drawn.decode("utf-8", "replace")


def test_slow_steps_say_what_they_do_on_a_terminal() -> None:
    plans = [str(CORPUS / "qinghai-2021-employment-plan.txt") + "#2", WUWEI + "#2",
             str(CORPUS / "gansu-2021-employment-plan-web-edition.txt")]
    with tempfile.TemporaryDirectory() as cache:
        status, drawn = _on_a_terminal(["compare", *plans, "-f", "json"], cache)
        assert status == 0, drawn
        # a cold compare parses, weighs words, fits the word model and aligns three pairs, said in words
        assert "aligning" in drawn and " of 3 pairs of plans" in drawn, drawn
    with tempfile.TemporaryDirectory() as cache:
        status, drawn = _on_a_terminal(["compare", *plans, "-f", "json", "--quiet"], cache)
        assert status == 0 and drawn == "", drawn
    with tempfile.TemporaryDirectory() as cache:  # not a terminal: no progress
        piped = subprocess.run([sys.executable, "-m", "planctl.cli", "compare", *plans, "-f", "json"],
                               capture_output=True, text=True,
                               env={**os.environ, "PLANCTL_CACHE": cache, "PLANCTL_PROGRESS_DELAY": "0"},
                               timeout=600, check=False)
        assert piped.returncode == 0 and "aligning" not in piped.stderr, piped.stderr


# ---- doctor ----------------------------------------------------------------------------
def test_doctor_on_the_shipped_corpus_finds_nothing_to_look_at() -> None:
    result = run("doctor", str(CORPUS))
    assert result.exit_code == 0, result.stdout
    assert result.stdout.rstrip().endswith("5 files, 10 documents: nothing to look at")
    report = json.loads(run("doctor", str(CORPUS), "-f", "json").stdout)
    combined = next(f for f in report["files"] if f["path"].endswith("market-system-and-employment-plans.txt"))
    assert (combined["format"], combined["encoding"]) == ("text", "utf-8")
    assert [(d["kind"], d["chapters"] > 0) for d in combined["documents"]] == [
        ("notice", False), ("plan", True), ("plan", True)]
    web = next(f for f in report["files"] if f["path"].endswith("web-edition.txt"))
    assert web["documents"][0]["findings"][0]["severity"] == "note"  # an edition: said, not a problem


def test_doctor_says_what_needs_a_look_and_what_to_do(tmp_path: Path) -> None:
    plan = Path(WUWEI).read_bytes()
    (tmp_path / "plan.txt").write_bytes(plan)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "copy.txt").write_bytes(plan)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600)
    (tmp_path / "page.aspx").write_text("<html><body>就业</body></html>", encoding="utf-8")
    result = run("doctor", str(tmp_path))
    assert result.exit_code == 1, result.stdout
    text = result.stdout
    assert f"the same bytes as {tmp_path / 'plan.txt'}" in text
    assert "empty.txt" in text and "file is empty" in text
    assert "old.doc" in text and "save it as .docx" in text
    assert "rename it to page.html" in text
    report = json.loads(run("doctor", str(tmp_path), "-f", "json").stdout)
    assert report["needs_look"] is True
    checks = [f for file in report["files"] for f in file["findings"] if f["severity"] == "check"]
    assert len(checks) == 4 and all(f["advice"] for f in checks)
    one = run("doctor", str(tmp_path / "plan.txt"))
    assert one.exit_code == 0 and "武威市“十四五”就业促进规划" in one.stdout
