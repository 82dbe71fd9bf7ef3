"""Reliable under concurrency, bad files and broken caches.

- Stress: several planctl processes started together on a cold cache, on an outdated index and
  after a process was killed in the middle of building the index; every run exits as it should
  and prints the same output as a run on its own (≤ 8 processes). Tests wait for outcomes, never
  for a time: a bound (tests/hostile.py) only stops a hang from stopping the suite, and every
  process a test starts is ended before it returns.
- A catalogue of bad input, in a corpus folder and given by path: one clear line, the good
  files still served.
- Caches: junk entries, an unwritable directory, a full disk (simulated): one warning, the same
  output.
- The query language takes any string: a query or a one-line error, never a traceback.
"""

from __future__ import annotations

import codecs
import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from planctl.cli import app
from planctl.errors import PlanctlError
from planctl.search.query import parse_query
from tests.helpers import CORPUS
from tests.hostile import BOUND, alive, children, wait_until

PLANCTL = str(Path(sys.executable).with_name("planctl"))
FIXTURES = Path(__file__).parent / "fixtures" / "pdf"
runner = CliRunner()


def _run(args: list[str], cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PLANCTL_CACHE": str(cache), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([PLANCTL, *args], env=env, capture_output=True, text=True, timeout=BOUND, check=False)


def _together(commands: list[list[str]], cache: Path) -> list[tuple[int, str, str]]:
    """Start every command at once; wait for all (each ended, whatever happens). Returns
    (status, stdout, stderr) each."""
    env = {**os.environ, "PLANCTL_CACHE": str(cache), "PYTHONDONTWRITEBYTECODE": "1"}
    procs = [subprocess.Popen([PLANCTL, *c], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for c in commands]
    try:
        out = []
        for p in procs:
            stdout, stderr = p.communicate(timeout=BOUND)
            out.append((p.returncode, stdout, stderr))
        return out
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.communicate()


def _corpus_copy(tmp_path: Path, copies: int = 1) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    for k in range(copies):
        for f in sorted(CORPUS.glob("*.txt")):
            name = f.name if k == 0 else f"{f.stem}-copy{k}{f.suffix}"
            shutil.copy(f, root / name)
    return root


MIX = [
    ["search", "零工市场", "-n", "20", "--format", "jsonl"],
    ["search", "零工市场", "-n", "20", "--format", "jsonl"],
    ["search", "高校毕业生", "--format", "json"],
    ["export", "indicators", "--format", "csv"],
    ["diff", "wuwei", "wuwei", "--format", "json"],
    ["show", "qinghai", "--format", "outline"],
    # Files given by path: their parse and alignment go through the cache too.
    ["diff", str(CORPUS / "wuwei-2022-employment-plan.txt"), str(CORPUS / "qinghai-2021-employment-plan.txt"),
     "--format", "json"],
]


def _check_alone_and_together(root: Path, cache: Path, baseline: Path) -> None:
    commands = [["--corpus", str(root), *c] for c in MIX]
    alone = [_run(c, baseline) for c in commands]  # each on its own (its own warm cache)
    together = _together(commands, cache)
    for command, single, (status, stdout, stderr) in zip(commands, alone, together, strict=True):
        assert status == single.returncode and status in (0, 1), f"{command}: exit {status}\n{stderr}"
        assert "Traceback" not in stderr, stderr
        assert stdout == single.stdout, f"{command}: output differs from a run on its own"


def test_concurrent_commands_on_a_cold_cache(tmp_path) -> None:
    root = _corpus_copy(tmp_path)
    _check_alone_and_together(root, tmp_path / "cold", tmp_path / "baseline")
    assert not list((tmp_path / "cold").glob("index-*.partial")), "a finished build leaves no partial file"


def test_concurrent_searches_on_an_outdated_index(tmp_path) -> None:
    root = _corpus_copy(tmp_path)
    cache = tmp_path / "cache"
    assert _run(["--corpus", str(root), "search", "就业", "-c"], cache).returncode == 0  # build the index
    plan = root / "wuwei-2022-employment-plan.txt"
    plan.write_text(plan.read_text(encoding="utf-8") + "\n**建设零工市场服务站。**探索新就业。\n", encoding="utf-8")
    baseline = tmp_path / "baseline"
    _check_alone_and_together(root, cache, baseline)
    found = _run(["--corpus", str(root), "search", "零工市场服务站"], cache)
    assert found.returncode == 0 and "wuwei-employment-2022" in found.stdout


def test_a_build_killed_midway_is_resumed_by_the_others(tmp_path) -> None:
    root = _corpus_copy(tmp_path, copies=6)  # 30 files: long enough to kill the build inside
    cache = tmp_path / "cache"
    env = {**os.environ, "PLANCTL_CACHE": str(cache), "PYTHONDONTWRITEBYTECODE": "1"}
    victim = subprocess.Popen([PLANCTL, "--corpus", str(root), "index"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    partial: list[Path] = []
    workers: set[int] = set()

    def indexing() -> bool:  # progress, not time: the first document committed to the partial index
        nonlocal partial
        if Path("/proc").is_dir():
            workers.update(children(victim.pid))
        partial = [p for p in cache.glob("index-*.partial") if _indexed_documents(p) > 0]
        return bool(partial) or victim.poll() is not None

    try:
        wait_until(indexing, "the build to commit its first document")
        if victim.poll() is not None:
            pytest.skip("the build finished before it could be killed (machine too fast for this corpus)")
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=BOUND)
    finally:
        if victim.poll() is None:
            victim.kill()
            victim.wait()
    assert partial, "the build left no partial index to resume"
    # its segmenting workers die with it (they used to run on, seen 21 minutes later)
    wait_until(lambda: not any(alive(pid) for pid in workers), "the killed build's workers to end")
    _check_alone_and_together(root, cache, tmp_path / "baseline")
    assert not list(cache.glob("index-*.partial")), "the resumed build was published"


def _indexed_documents(path: Path) -> int:
    import sqlite3

    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.1)
        (n,) = conn.execute("SELECT count(*) FROM done").fetchone()
        conn.close()
        return int(n)
    except sqlite3.Error:
        return 0


# ---- a corpus folder with bad files ----------------------------------------------------------
def _bad_folder(tmp_path: Path) -> Path:
    root = tmp_path / "folder"
    root.mkdir()
    shutil.copy(CORPUS / "wuwei-2022-employment-plan.txt", root / "wuwei.txt")
    (root / "sub").mkdir()
    shutil.copy(CORPUS / "qinghai-2021-employment-plan.txt", root / "sub" / "qinghai.txt")
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (root / "nul.txt").write_bytes("天水市就业促进规划\n一、总体\x00要求\n（一）稳就业。\n".encode())
    text = (CORPUS / "tianshui-gansu-2023-employment-notices.txt").read_text(encoding="utf-8")
    (root / "utf16-nobom.txt").write_bytes(text.encode("utf-16-le"))
    (root / "noise.txt").write_bytes(bytes([0x80, 0x81, 0xFE]) * 400)
    shutil.copy(FIXTURES / "corrupt.pdf", root / "corrupt.pdf")
    shutil.copy(FIXTURES / "scanned.pdf", root / "scanned.pdf")
    (root / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with zipfile.ZipFile(root / "book.xlsx", "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    (root / "README.md").write_text("# My plans\n\n- 甘肃省“十四五”就业促进规划\n", encoding="utf-8")
    (root / "data.json").write_text("{}", encoding="utf-8")
    (root / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (root / "notes").mkdir()
    (root / "notes" / "todo.csv").write_text("a,b\n", encoding="utf-8")
    return root


BAD = {  # file → what the warning says about it
    "empty.txt": "empty",
    "binary.txt": "PNG image",
    "noise.txt": "--encoding",
    "corrupt.pdf": "corrupt",
    "scanned.pdf": "OCR",
    "old.doc": "Word 97–2003",
    "book.xlsx": "Excel",
}


def test_a_folder_with_bad_files_serves_the_good_ones(tmp_path) -> None:
    root = _bad_folder(tmp_path)
    result = _run(["--corpus", str(root), "list", "--format", "json"], tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    docs = json.loads(result.stdout)
    paths = {d["path"] for d in docs}
    assert {"folder/wuwei.txt", "folder/sub/qinghai.txt", "folder/nul.txt", "folder/utf16-nobom.txt"} <= paths
    assert not any(p.endswith((".md", ".json", ".png", ".csv")) for p in paths)  # not plan files: ignored
    skipped = [ln for ln in result.stderr.splitlines() if "skipped" in ln]
    assert len(skipped) == 1, result.stderr  # one warning lists every skipped file
    for name, reason in BAD.items():
        assert name in skipped[0] and reason in skipped[0], (name, skipped[0])
    assert "Traceback" not in result.stderr
    nul = [ln for ln in result.stderr.splitlines() if "nul.txt" in ln and "control" in ln]
    assert nul and "2:5" in nul[0]  # the NUL is dropped, and where it was is said


@pytest.mark.parametrize("command", [["search", "就业", "-c"], ["export", "measures"], ["show", "wuwei"]])
def test_bad_files_do_not_stop_other_commands(tmp_path, command: list[str]) -> None:
    root = _bad_folder(tmp_path)
    cache = tmp_path / "cache"
    for _ in range(2):  # cold, then warm (a fresh index still reports what its build skipped)
        result = _run(["--corpus", str(root), *command], cache)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip()
        assert sum("skipped" in ln for ln in result.stderr.splitlines()) == 1, result.stderr


def test_strict_makes_a_skipped_file_an_error(tmp_path) -> None:
    root = _bad_folder(tmp_path)
    result = _run(["--strict", "--corpus", str(root), "list"], tmp_path / "cache")
    assert result.returncode == 2 and not result.stdout
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("planctl: error:")]
    assert len(errors) == 1 and "--strict" in errors[0] and "empty.txt" in errors[0]


@pytest.mark.parametrize("name", sorted(BAD))
def test_each_bad_file_given_by_path_is_one_line(tmp_path, name: str) -> None:
    root = _bad_folder(tmp_path)
    result = runner.invoke(app, ["show", str(root / name)])
    assert result.exit_code == 2
    assert result.stderr.startswith("planctl: error:") and result.stderr.count("\n") == 1, result.stderr
    assert BAD[name] in result.stderr


def test_a_text_file_without_structure_is_a_document_titled_by_its_first_line(tmp_path) -> None:
    path = tmp_path / "memo.txt"
    path.write_text("会议纪要的若干说明\n今天讨论了明年的工作安排，大家发言踊跃。\n", encoding="utf-8")
    result = runner.invoke(app, ["show", str(path), "--format", "json"])
    (doc,) = json.loads(result.stdout)["documents"]
    assert doc["kind"] == "document" and doc["title"] == "会议纪要的若干说明" and doc["id"] != "doc"


# ---- caches ------------------------------------------------------------------------------------
def test_junk_in_the_cache_is_rebuilt_with_a_warning(tmp_path) -> None:
    cache = tmp_path / "cache"
    args = ["export", "indicators", "wuwei", "--format", "csv"]
    clean = _run(args, cache)
    assert clean.returncode == 0
    entries = [p for p in cache.rglob("*") if p.is_file() and p.suffix in (".pickle", ".json")]
    assert entries
    for path in entries:
        path.write_bytes(b"\x80\x04junk, not a pickle" + bytes(range(40)))
    again = _run(args, cache)
    assert again.returncode == 0 and again.stdout == clean.stdout
    assert "damaged" in again.stderr and "Traceback" not in again.stderr
    third = _run(args, cache)  # rebuilt: quiet again
    assert third.returncode == 0 and third.stdout == clean.stdout and "damaged" not in third.stderr


def test_files_given_by_path_are_cached_by_content_with_their_warnings(tmp_path) -> None:
    text = (CORPUS / "wuwei-2022-employment-plan.txt").read_text(encoding="utf-8")
    data = text.encode("utf-8")
    plan = tmp_path / "plan.txt"
    plan.write_bytes(data[:4000] + b"\xff" + data[4000:])  # one damaged byte: a warning
    cache = tmp_path / "cache"
    args = ["diff", f"{plan}#2", "gansu-employment-2021", "--format", "json"]
    cold = _run(args, cache)
    assert cold.returncode == 1 and "invalid UTF-8 at byte 4000" in cold.stderr, cold.stderr
    assert list((cache / "parsed-given").glob("*.json")) and list((cache / "alignment").glob("*.json"))
    warm = _run(args, cache)
    assert (warm.returncode, warm.stdout, warm.stderr) == (cold.returncode, cold.stdout, cold.stderr)
    # The file changed: read and aligned again, not served from the cache.
    plan.write_bytes(data.replace("武威市".encode(), "凉州区".encode()))
    changed = _run(args, cache)
    assert changed.returncode == 1 and "invalid UTF-8" not in changed.stderr
    assert "凉州区" in changed.stdout and "武威市" not in json.loads(changed.stdout)["left"]["title"]


def test_an_unwritable_cache_gives_one_warning(tmp_path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    cache = blocker / "cache"  # cannot be created: works like a read-only directory, even for root
    for args in (["diff", "wuwei", "gansu", "--format", "json"], ["search", "零工市场", "-c"]):
        result = _run(args, cache)
        assert result.returncode in (0, 1), result.stderr
        assert result.stdout
        warnings = [ln for ln in result.stderr.splitlines() if ln.strip()]
        assert len(warnings) == 1 and "cannot write the cache" in warnings[0], result.stderr
        assert "Traceback" not in result.stderr and "jieba" not in result.stderr.lower()


def test_a_full_disk_gives_one_warning(tmp_path, monkeypatch) -> None:
    from planctl import cache as caches

    monkeypatch.setenv("PLANCTL_CACHE", str(tmp_path / "cache"))

    def full(path, write):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(caches, "write_atomic", full)
    result = runner.invoke(app, ["export", "indicators", "wuwei", "--format", "csv"])
    assert result.exit_code == 0 and result.stdout.startswith("plan_id,")
    assert result.stderr.count("No space left on device") == 1


def test_stale_partial_index_of_a_killed_build_is_removed(tmp_path) -> None:
    root = _corpus_copy(tmp_path)
    cache = tmp_path / "cache"
    cache.mkdir()
    stale = cache / "index-0000-ffffffffffffffffffffffff.partial"
    stale.write_bytes(b"half an index")
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    assert _run(["--corpus", str(root), "index"], cache).returncode == 0
    assert not stale.exists()


# ---- arguments -----------------------------------------------------------------------------------
def test_exit_status_is_the_same_through_a_closed_pipe(tmp_path) -> None:
    cache = tmp_path / "cache"
    for args, status in ((["diff", "wuwei", "wuwei"], 0), (["diff", "wuwei", "gansu"], 1),
                         (["search", "就业"], 0), (["search", "火星基地"], 1)):
        env = {**os.environ, "PLANCTL_CACHE": str(cache)}
        piped = subprocess.run(f"{PLANCTL} {' '.join(args)} | head -c 1 >/dev/null; echo ${{PIPESTATUS[0]}}",
                               shell=True, executable="/bin/bash", env=env, capture_output=True, text=True,
                               timeout=BOUND, check=False)
        assert piped.stdout.strip() == str(status), (args, piped.stdout, piped.stderr)
        assert "Traceback" not in piped.stderr and "BrokenPipe" not in piped.stderr


@pytest.mark.parametrize(("args", "needle"), [
    (["search", "就业", "--kind", "measur"], "measure"),
    (["search", "就业", "--level", "village"], "province"),
    (["diff", "wuwei", "gansu", "--kind", "measur"], "measure"),
    (["diff", "wuwei", "gansu", "--only", "all"], "matched"),
    (["export", "everything"], "indicators"),
])
def test_invalid_option_values_exit_2_with_the_choices(args: list[str], needle: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert needle in result.output


@pytest.mark.parametrize("query", ["-扩岗 稳岗", "It's", '"零工市场', "稳岗 -扩岗"])
def test_awkward_queries(query: str) -> None:
    result = runner.invoke(app, ["search", query])
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_double_dash_then_a_negated_word() -> None:
    result = runner.invoke(app, ["search", "--", "-扩岗", "稳岗"])
    assert result.exit_code == 0 and "扩岗" not in "".join(ln.split("  ", 1)[-1] for ln in result.stdout.splitlines())


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_query_is_read_or_refused_in_one_line(text: str) -> None:
    try:
        query = parse_query(text)
    except PlanctlError as exc:
        assert "\n" not in str(exc)
        return
    assert query.positive_terms


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=3))
def test_any_search_words_exit_0_1_or_2(words: list[str]) -> None:
    result = runner.invoke(app, ["search", "--", *words])
    assert result.exit_code in (0, 1, 2)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


def test_utf16_without_bom_reads_like_utf8(tmp_path) -> None:
    text = (CORPUS / "wuwei-2022-employment-plan.txt").read_text(encoding="utf-8")
    for codec in ("utf-16-le", "utf-16-be"):
        path = tmp_path / f"{codec}.txt"
        path.write_bytes(codecs.encode(text, codec))
        result = runner.invoke(app, ["show", f"{path}#2", "--format", "json"])
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["documents"][0]["id"] == "wuwei-employment-2022"
