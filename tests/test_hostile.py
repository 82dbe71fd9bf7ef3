"""Hostile files and situations users and CI meet: each case one regression test, named after it.

planctl promises (README, "Reliability"): every error exits 2 with one line (``--debug`` adds the
traceback); no file can hang it or exhaust its memory (limits in ``ReadLimits``); nothing is
lost without a warning; nothing read from the cache, a corpus folder or a document can run code,
read outside the folder or drive the terminal; nothing it starts outlives it.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import pickle
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planctl.cli import app
from planctl.corpus import load_corpus
from planctl.env import Environment
from planctl.ingest import read_source
from planctl.settings import ReadLimits
from tests.helpers import CORPUS
from tests.hostile import (
    BOUND,
    PLANCTL,
    alive,
    children,
    numbered_list,
    paragraph,
    planctl_env,
    run,
    wait_until,
    write_docx,
)

runner = CliRunner()
WUWEI = CORPUS / "wuwei-2022-employment-plan.txt"
QINGHAI = CORPUS / "qinghai-2021-employment-plan.txt"
linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")


def one_line_error(status: int, stderr: str, *needles: str) -> None:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert status == 2, stderr
    assert len(lines) == 1 and lines[0].startswith("planctl: error:"), stderr
    assert "Traceback" not in stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def _folder(tmp_path: Path, *files: Path) -> Path:
    root = tmp_path / "folder"
    root.mkdir(exist_ok=True)
    for f in files:
        shutil.copy(f, root / f.name)
    return root


# ---- exit statuses that lied ---------------------------------------------------------------------
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_output_to_a_full_disk_exits_2(tmp_path) -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run([PLANCTL, "search", "就业"], stdout=full, stderr=subprocess.PIPE, text=True,
                                env=planctl_env(tmp_path / "cache"), timeout=BOUND, check=False)
    one_line_error(result.returncode, result.stderr, "cannot write to standard output", "No space left")


def test_a_closed_stdout_exits_2_and_files_are_still_written(tmp_path) -> None:
    cache = tmp_path / "cache"
    closed = subprocess.run(f"{PLANCTL} list >&-", shell=True, capture_output=True, text=True,
                            env=planctl_env(cache), timeout=BOUND, check=False)
    one_line_error(closed.returncode, closed.stderr, "standard output", "closed")
    report = tmp_path / "r.html"
    written = subprocess.run(f"{PLANCTL} diff wuwei gansu -f html -o {report} >&-", shell=True, capture_output=True,
                             text=True, env=planctl_env(cache), timeout=BOUND, check=False)
    assert written.returncode == 1 and report.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("codec", ["base64", "rot13", "hex", "zlib", "no-such-codec"])
def test_an_encoding_that_is_no_text_codec_is_one_line(codec: str) -> None:
    result = runner.invoke(app, ["show", str(WUWEI), "--encoding", codec])
    one_line_error(result.exit_code, result.stderr, repr(codec))


def test_debug_exits_2_too_with_the_traceback() -> None:
    plain = runner.invoke(app, ["show", "nonexistent"])
    debug = runner.invoke(app, ["--debug", "show", "nonexistent"])
    assert plain.exit_code == debug.exit_code == 2
    assert "Traceback" in debug.stderr and "PlanctlError" in debug.stderr
    assert debug.stderr.rstrip().splitlines()[-1] == plain.stderr.strip()


def test_a_fault_of_planctl_is_one_line_and_exit_2(monkeypatch) -> None:
    import planctl.corpus

    def broken(*args, **kwargs):
        raise RuntimeError("a bug\nover two lines")

    monkeypatch.setattr(planctl.corpus, "load_corpus", broken)
    result = runner.invoke(app, ["list"])
    one_line_error(result.exit_code, result.stderr, "internal error (RuntimeError: a bug over two lines)", "--debug")


# A planctl process whose pool workers run `work`: it kills the worker ("die"), or blocks it
# ("block", after leaving a file named by its pid in MARKERS). Thresholds lowered so that the
# shipped corpus takes the pools (compare: the worker processes of a local Dask cluster), as a
# large corpus does.
DRIVER = """
import importlib, os, signal, sys, time
mode, command, markers, corpus = sys.argv[1:5]
os.cpu_count = lambda: 2
load, index, workspace, engine, settings = map(importlib.import_module, [
    "planctl.corpus.load", "planctl.search.index", "planctl.workspace", "planctl.engine", "planctl.settings"])
load.PARALLEL_FROM, index.PARALLEL_DOCS = 1, 1
engine.EngineSettings = lambda: settings.EngineSettings(local_from=1)  # alignments on a local Dask cluster
if mode == "block-polling":  # where the kernel cannot be asked: the worker's own watch
    importlib.import_module("planctl.workers")._ask_the_kernel = lambda: False

def work(*args, **kwargs):
    open(os.path.join(markers, str(os.getpid())), "w").close()
    if mode == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(3600)

if command == "list":
    load.parse_one = work
elif command == "index":
    index._segment = work
else:
    workspace._align_in_worker = work
sys.argv = ["planctl", "--corpus", corpus, *command.split()]
from planctl.cli import main
main()
"""
POOLED = ["list", "index", "compare --topic employment"]


def _driver(mode: str, command: str, tmp_path: Path) -> tuple[subprocess.Popen[str], Path]:
    markers = tmp_path / "markers"
    markers.mkdir()
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    proc = subprocess.Popen([sys.executable, "-c", DRIVER, mode, command, str(markers), str(corpus)],
                            env=planctl_env(tmp_path / "cache"), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    return proc, markers


def _reap(proc: subprocess.Popen[str], workers: set[int], tmp_path: Path) -> None:
    """Leave nothing behind, whatever the test found: the driver, and any of its workers still
    running (a forked worker carries the driver's command line, which names ``tmp_path``)."""
    proc.kill()
    proc.communicate(timeout=BOUND)
    for pid in workers:
        with contextlib.suppress(OSError):
            if str(tmp_path) in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace"):
                os.kill(pid, signal.SIGKILL)


@linux_only
@pytest.mark.parametrize("command", POOLED)
def test_a_killed_pool_worker_is_one_line_and_exit_2(tmp_path, command: str) -> None:
    proc, _ = _driver("die", command, tmp_path)
    workers: set[int] = set()

    def ended() -> bool:
        workers.update(children(proc.pid))  # every worker it started, to check none is left
        return proc.poll() is not None

    try:
        wait_until(ended, "the command to end")
        _, stderr = proc.communicate(timeout=BOUND)
        one_line_error(proc.returncode, stderr, "a worker process died")
        wait_until(lambda: not any(alive(pid) for pid in workers), "the other workers to end")
    finally:
        _reap(proc, workers, tmp_path)


@linux_only
@pytest.mark.parametrize(("command", "mode"), [*((c, "block") for c in POOLED), ("index", "block-polling")])
def test_killing_planctl_ends_its_workers(tmp_path, command: str, mode: str) -> None:
    proc, markers = _driver(mode, command, tmp_path)
    workers: set[int] = set()
    try:
        wait_until(lambda: any(markers.iterdir()) or proc.poll() is not None, "a worker to start its work")
        assert proc.poll() is None, proc.communicate()[1]
        workers = children(proc.pid)
        assert {int(p.name) for p in markers.iterdir()} <= workers
        proc.send_signal(signal.SIGKILL)  # what a CI job's timeout sends: no chance to clean up
        proc.wait(timeout=BOUND)
        wait_until(lambda: not any(alive(pid) for pid in workers), "the workers of a killed planctl to end")
    finally:
        _reap(proc, workers, tmp_path)


def test_file_names_that_are_not_utf8_are_shown_escaped(tmp_path) -> None:
    # what unzipping a zip made on Chinese Windows gives: 青海.txt in GBK bytes
    root = _folder(tmp_path, WUWEI)
    name = os.fsdecode(b"\xc7\xe0\xba\xa3.txt")
    shutil.copy(QINGHAI, root / name)
    cache = tmp_path / "cache"
    for args in (["list", "-f", "json"], ["search", "零工市场", "-n", "3"], ["show", "qinghai", "-f", "outline"],
                 ["export", "measures", "qinghai"], ["diff", "qinghai", "wuwei", "-f", "json"]):
        result = run(["--corpus", str(root), *args], cache)
        assert result.returncode in (0, 1), result.stderr
        assert "Traceback" not in result.stderr and not result.stderr.strip(), result.stderr
    paths = {d["path"] for d in json.loads(run(["--corpus", str(root), "list", "-f", "json"], cache).stdout)}
    assert "folder/\\xc7ຣ.txt" in paths  # the bytes that are no UTF-8 escaped, the rest as they decode
    given = run(["show", os.fsdecode(os.fsencode(root)) + "/" + name + "#2", "-f", "json"], cache)
    assert given.returncode == 0 and json.loads(given.stdout)["documents"][0]["source"]["path"].endswith("\\xc7ຣ.txt")


# ---- files that hung or exhausted memory -------------------------------------------------------------
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_given_by_path_is_refused(tmp_path) -> None:
    fifo = tmp_path / "plan.txt"
    os.mkfifo(fifo)  # nobody writes to it: opening it would wait forever
    for args in (["show", str(fifo)], ["diff", str(fifo), "wuwei"], ["search", "就业", "--plan", str(fifo)]):
        result = run(args, tmp_path / "cache")
        one_line_error(result.returncode, result.stderr, "plan.txt", "FIFO", "regular files only")


def test_process_substitution_is_refused_not_read_twice(tmp_path) -> None:
    if not shutil.which("bash") or not Path("/dev/fd").exists():
        pytest.skip("needs bash and /dev/fd")
    result = subprocess.run(["bash", "-c", f"{PLANCTL} show <(cat {WUWEI})"], capture_output=True, text=True,
                            env=planctl_env(tmp_path / "cache"), timeout=BOUND, check=False)
    one_line_error(result.returncode, result.stderr, "pipe", "save it to a file first")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_device_given_by_path_is_refused() -> None:
    result = runner.invoke(app, ["show", "/dev/zero"])
    one_line_error(result.exit_code, result.stderr, "/dev/zero", "character device")


@pytest.mark.parametrize("fmt", ["upperRoman", "upperLetter", "lowerRoman", "decimal"])
def test_docx_numbering_start_huge_is_capped(tmp_path, fmt: str) -> None:
    root = _folder(tmp_path, WUWEI)
    body = paragraph("武威市就业促进规划") + paragraph("总体要求", "7") + paragraph("加快发展就业服务。")
    plan = write_docx(root / "huge.docx", body, numbering=numbered_list(fmt, 100_000_000_000))
    # in a folder: the file used to hold up `list` of everything beside it for minutes
    result = run(["--corpus", str(root), "list", "-f", "json"], tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    assert {d["id"] for d in json.loads(result.stdout)} >= {"wuwei-employment-2022"}
    env = Environment.recording()
    lines = [ln.text for ln in read_source(plan, env=env).lines]
    assert lines[1] == "100000000000、总体要求"
    assert any("beyond 32767" in w for w in env.warnings) == (fmt != "decimal")


def test_docx_numbering_within_the_cap_is_rendered() -> None:
    from planctl.ingest.docx import Numbering, _Level

    numbering = Numbering(abstract={"1": {0: _Level("upperRoman", "%1.", 32767)}}, nums={"7": ("1", {})})
    assert numbering.label("7", 0) == "MMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMDCCLXVII." and numbering.beyond == 0
    assert numbering.label("7", 0) == "32768." and numbering.beyond == 1


def test_docx_zip_bomb_is_refused_before_unpacking(tmp_path) -> None:
    limit = ReadLimits().docx_part_bytes
    bomb = write_docx(tmp_path / "bomb.docx", paragraph("武威市就业促进规划") + paragraph("加" * (limit // 3 + 1)))
    assert bomb.stat().st_size < limit // 100  # a small file …
    result = runner.invoke(app, ["show", str(bomb)])  # … whose text part unpacks beyond the limit
    one_line_error(result.exit_code, result.stderr, "bomb.docx", "word/document.xml", "zip bomb")
    small = ReadLimits(docx_part_bytes=4096)  # the limit is a setting
    plain = write_docx(tmp_path / "plain.docx", paragraph("武威市就业促进规划") + paragraph("加快发展。" * 300))
    with pytest.raises(Exception, match="unpacks to"):
        read_source(plain, limits=small)
    assert read_source(plain).lines[1].text.startswith("加快发展。")


@pytest.mark.parametrize("name", ["huge.txt", "huge.html"])
def test_text_beyond_the_size_cap_is_refused_with_a_clear_message(tmp_path, name: str) -> None:
    path = tmp_path / name
    with path.open("wb") as fh:
        fh.write(b"<html><body>" if name.endswith(".html") else "一、总体要求\n".encode())
        fh.truncate(ReadLimits().text_bytes + 1)  # sparse: nothing of it is ever read
    result = runner.invoke(app, ["show", str(path)])
    one_line_error(result.exit_code, result.stderr, name, "too large", "up to 32.0 MB", "split it")


def test_one_slow_file_does_not_hold_up_its_folder(tmp_path, monkeypatch) -> None:
    import planctl.parse

    monkeypatch.setenv("PLANCTL_CACHE", str(tmp_path / "cache"))  # parsed, not taken from the cache

    real = planctl.parse.parse

    def spin_on_qinghai(source, *args, **kwargs):
        while "qinghai" in source.path:  # a parse that never ends
            pass
        return real(source, *args, **kwargs)

    monkeypatch.setattr(planctl.parse, "parse", spin_on_qinghai)
    env = Environment.recording()
    corpus = load_corpus(_folder(tmp_path, WUWEI, QINGHAI), env=env, limits=ReadLimits(parse_seconds=0.5))
    assert {d.id for d in corpus.documents} == {"wuwei-employment-2022", "wuwei-employment-notice-2022"}
    (warning,) = env.warnings
    assert "folder/qinghai-2021-employment-plan.txt (took more than 0.5 s to read" in warning


# ---- data lost in silence -------------------------------------------------------------------------------
def _nested_page(depth: int) -> bytes:
    return ("<html><body><div class='TRS_Editor'><p>一、总体要求。加快发展就业服务，推动零工市场建设。</p>"
            + "<div>" * depth + "<p>二、主要任务。深处的段落也是正文，一字不能少。</p>" + "</div>" * depth
            + "<p>三、保障措施。加强组织领导。</p></div></body></html>").encode()


def test_html_nested_deeper_than_255_elements_keeps_its_text(tmp_path) -> None:
    page = tmp_path / "deep.html"
    page.write_bytes(_nested_page(300))
    result = runner.invoke(app, ["show", str(page), "-f", "json"])
    assert result.exit_code == 0 and "warning" not in result.stderr
    assert "深处的段落也是正文" in result.stdout and "加强组织领导" in result.stdout


def test_html_nested_beyond_the_parser_limit_says_what_is_missing(tmp_path) -> None:
    page = tmp_path / "deeper.html"
    page.write_bytes(_nested_page(3000))
    result = runner.invoke(app, ["show", str(page), "-f", "json"])
    assert result.exit_code == 0 and "加快发展就业服务" in result.stdout  # what it could read is kept
    assert "could not be read past line 1" in result.stderr and "the text after it is missing" in result.stderr


def test_docx_internal_entity_is_refused_in_one_line(tmp_path) -> None:
    # <!ENTITY t "就业"> and 武威市&t;促进规划: python-docx keeps &t; unexpanded, and the rest of the run
    # (here the title, which named the document) was dropped
    plan = write_docx(tmp_path / "entity.docx", paragraph("武威市&t;促进规划") + paragraph("加快发展。"),
                      doctype='<!DOCTYPE w:document [<!ENTITY t "就业">]>')
    result = runner.invoke(app, ["show", str(plan)])
    one_line_error(result.exit_code, result.stderr, "entity.docx", "XML entities (&t;)")


def test_docx_external_entity_reads_nothing(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("机密内容不得外泄", encoding="utf-8")
    plan = write_docx(tmp_path / "xxe.docx", paragraph("武威市&x;就业促进规划") + paragraph("加快发展。"),
                      doctype=f'<!DOCTYPE w:document [<!ENTITY x SYSTEM "{secret.as_uri()}">]>')
    result = runner.invoke(app, ["show", str(plan)])
    assert result.exit_code == 2 and "机密" not in result.output


def test_output_file_on_a_full_disk_keeps_the_old_content(tmp_path, monkeypatch) -> None:
    import planctl.env

    out = tmp_path / "indicators.csv"
    out.write_text("the previous export\n", encoding="utf-8")
    os.chmod(out, 0o640)

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(planctl.env.os, "fsync", full)
    result = runner.invoke(app, ["export", "indicators", "-o", str(out)])
    one_line_error(result.exit_code, result.stderr, "cannot write", "No space left")
    assert out.read_text(encoding="utf-8") == "the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["indicators.csv"]  # no partial file left
    monkeypatch.undo()
    assert runner.invoke(app, ["export", "indicators", "-o", str(out)]).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("plan_id,") and stat.S_IMODE(out.stat().st_mode) == 0o640


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_output_to_a_device_is_written_not_replaced() -> None:
    result = runner.invoke(app, ["export", "indicators", "-o", "/dev/full"])
    one_line_error(result.exit_code, result.stderr, "/dev/full", "No space left")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


# ---- security ----------------------------------------------------------------------------------------------
class _Planted:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_planted_pickle_in_the_cache_runs_nothing(tmp_path) -> None:
    cache = tmp_path / "cache"
    args = ["diff", "wuwei", "gansu", "--format", "json"]
    clean = run(args, cache)
    marker = tmp_path / "owned"
    payload = pickle.dumps(_Planted(marker))
    entries = [p for p in cache.rglob("*") if p.is_file() and p.suffix == ".json"]
    assert entries
    for entry in entries:  # over every entry, and beside it where a pickle used to be read
        entry.write_bytes(payload)
        entry.with_suffix(".pickle").write_bytes(payload)
    again = run(args, cache)
    assert not marker.exists()
    assert again.returncode == clean.returncode and again.stdout == clean.stdout and "damaged" in again.stderr


def test_a_cache_others_can_write_to_is_not_used(tmp_path, monkeypatch) -> None:
    from planctl import cache as caches

    shared = tmp_path / "shared-cache"
    shared.mkdir()
    os.chmod(shared, 0o777)
    result = run(["show", "wuwei", "-f", "outline"], shared)
    assert result.returncode == 0 and result.stdout
    (warning,) = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert "not using the cache" in warning and "mode 0777" in warning
    assert not list(shared.iterdir())  # nothing read, nothing written
    mine = tmp_path / "mine"
    assert caches.usable(None, mine) and stat.S_IMODE(mine.stat().st_mode) == 0o700  # created for the user alone
    if hasattr(os, "getuid"):
        caches._distrust.cache_clear()
        monkeypatch.setattr(os, "getuid", lambda: os.stat(mine).st_uid + 1)
        env = Environment.recording()
        assert not caches.usable(env, mine) and "belongs to another user" in env.warnings[0]
        caches._distrust.cache_clear()


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_link_out_of_the_corpus_is_not_followed(tmp_path) -> None:
    outside = tmp_path / "elsewhere" / "secret.txt"
    outside.parent.mkdir()
    outside.write_text("内部资料\n一、不公开的安排\n这一段不应被检索到。\n", encoding="utf-8")
    root = _folder(tmp_path, WUWEI)
    (root / "linked.txt").symlink_to(outside)
    (root / "sub").symlink_to(outside.parent, target_is_directory=True)
    cache = tmp_path / "cache"
    for args in (["list"], ["search", "不应被检索到"]):
        result = run(["--corpus", str(root), *args], cache)
        assert "不应被检索到" not in result.stdout and "不公开" not in result.stdout
        skipped = [ln for ln in result.stderr.splitlines() if "skipped" in ln]
        assert len(skipped) == 1 and "folder/linked.txt (a link to" in skipped[0] and "--follow-links" in skipped[0]
        assert "folder/sub (a link to" in skipped[0]
    followed = run(["--follow-links", "--corpus", str(root), "search", "不应被检索到"], cache)
    assert followed.returncode == 0 and "不应被检索到" in followed.stdout


TERMINAL = "\x1b]0;owned\x07\x1b[2J\x9b31m"  # set the window title, clear the screen, CSI in one character
C1_ONLY = "\x9b2J\x9b31m"  # XML 1.0 has no C0 controls: in a .docx only C1 ones can hide


@pytest.mark.parametrize("kind", ["txt", "docx", "html"])
def test_control_characters_never_reach_the_terminal(tmp_path, kind: str) -> None:
    bad = C1_ONLY if kind == "docx" else TERMINAL
    title, body = f"武威市{bad}就业促进规划", f"一、总体要求\n（一）加快发展{bad}零工市场建设。"
    if kind == "txt":
        (tmp_path / "plan.txt").write_text(f"{title}\n{body}\n", encoding="utf-8")
    elif kind == "docx":
        write_docx(tmp_path / "plan.docx", "".join(paragraph(t) for t in [title, *body.split("\n")]))
    else:
        (tmp_path / "plan.html").write_text(f"<html><body><h1>{title}</h1><div class='TRS_Editor'>"
                                            + "".join(f"<p>{t}</p>" for t in body.split("\n")) + "</div></body></html>",
                                            encoding="utf-8")
    plan = str(tmp_path / f"plan.{kind}")
    for args in (["show", plan], ["show", plan, "-f", "outline"], ["show", plan, "--all"], ["show", plan, "-f", "json"],
                 ["search", "零工市场", "--plan", plan], ["export", "outline", plan, "-f", "markdown"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.output)
        assert result.stdout.strip() and not any(ch in result.stdout for ch in "\x1b\x07\x9b"), (args, result.stdout)
        assert "control character" in result.stderr, result.stderr
    shown = runner.invoke(app, ["show", plan, "-f", "json"]).stdout
    assert "零工市场建设" in shown and "就业促进规划" in shown  # only the controls went: the text around them stays


def test_a_file_name_with_control_characters_is_shown_escaped(tmp_path) -> None:
    root = _folder(tmp_path)
    shutil.copy(WUWEI, root / "wuwei\x1b[2J.txt")
    result = run(["--corpus", str(root), "search", "零工市场", "-n", "1", "-f", "json"], tmp_path / "cache")
    assert result.returncode == 0 and "\x1b" not in result.stdout
    assert json.loads(result.stdout)[0]["source_path"] == "folder/wuwei\\x1b[2J.txt"


def test_a_file_moved_between_subfolders_is_found_at_its_new_path(tmp_path) -> None:
    root = _folder(tmp_path, WUWEI)
    (root / "2022").mkdir()
    cache = tmp_path / "cache"
    before = run(["--corpus", str(root), "search", "零工市场", "-n", "1", "-f", "json"], cache)
    assert json.loads(before.stdout)[0]["source_path"] == "folder/wuwei-2022-employment-plan.txt"
    os.rename(root / WUWEI.name, root / "2022" / WUWEI.name)  # same name, size and modification time
    after = run(["--corpus", str(root), "search", "零工市场", "-n", "1", "-f", "json"], cache)
    assert json.loads(after.stdout)[0]["source_path"] == "folder/2022/wuwei-2022-employment-plan.txt"


# ---- smaller ---------------------------------------------------------------------------------------------------
def _reportlab_pdf(path: Path, **encryption) -> Path:
    pytest.importorskip("reportlab")
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    page = canvas.Canvas(str(path), pagesize=A4, encrypt=StandardEncryption(strength=128, **encryption))
    page.setFont("STSong-Light", 14)
    for k, line in enumerate(["武威市“十四五”就业促进规划", "一、总体要求", "（一）指导思想",
                              "坚持稳中求进工作总基调，推动就业高质量发展。"]):
        page.drawString(72, 800 - 24 * k, line)
    page.showPage()
    page.save()
    return path


def test_a_copy_protected_pdf_is_read(tmp_path) -> None:
    # an owner password only: anyone may open it; pdfminer maps none of its glyphs, PDFium reads it
    pdf = _reportlab_pdf(tmp_path / "protected.pdf", userPassword="", ownerPassword="owner", canCopy=0, canPrint=0)
    result = runner.invoke(app, ["show", str(pdf), "-f", "outline"])
    assert result.exit_code == 0, result.stderr
    assert "武威市“十四五”就业促进规划" in result.stdout and "指导思想" in result.stdout
    assert "read with PDFium" in result.stderr


def test_a_pdf_that_needs_a_password_is_called_encrypted(tmp_path) -> None:
    pdf = _reportlab_pdf(tmp_path / "locked.pdf", userPassword="user", ownerPassword="owner")
    result = runner.invoke(app, ["show", str(pdf)])
    one_line_error(result.exit_code, result.stderr, "locked.pdf: the PDF is encrypted", "decrypt")


def test_a_text_file_starting_with_bm_is_text(tmp_path) -> None:
    path = tmp_path / "bm.txt"
    path.write_text("BM就业服务中心工作方案\n一、总体要求\n（一）加快发展就业服务。\n", encoding="utf-8")
    result = runner.invoke(app, ["show", str(path), "-f", "outline"])
    assert result.exit_code == 0 and "BM就业服务中心工作方案" in result.stdout
    bmp = tmp_path / "image.txt"  # a real BMP header still is an image
    bmp.write_bytes(b"BM" + (1000).to_bytes(4, "little") + b"\0" * 4 + (54).to_bytes(4, "little")
                    + (40).to_bytes(4, "little") + b"\0" * 100)
    refused = runner.invoke(app, ["show", str(bmp)])
    one_line_error(refused.exit_code, refused.stderr, "BMP image")


def test_a_paused_index_builder_does_not_hold_up_the_others(tmp_path, monkeypatch) -> None:
    if not hasattr(signal, "SIGSTOP"):
        pytest.skip("no SIGSTOP here")
    from planctl import cache as caches

    monkeypatch.setenv("PLANCTL_CACHE", str(tmp_path / "cache"))
    holder = _lock_holder("index-x")
    try:
        holder.send_signal(signal.SIGSTOP)  # a builder paused (Ctrl-Z, a debugger, a frozen machine)
        env = Environment.recording()
        with caches.locked("index-x", env, stall=1.0) as held:
            assert not held  # went on without it once the holder showed no life for `stall`
        assert "has shown no progress for 1 s" in env.warnings[0]
    finally:
        holder.kill()
        holder.wait(timeout=BOUND)


def test_a_live_lock_holder_renews_its_lock(tmp_path, monkeypatch) -> None:
    from planctl import cache as caches

    monkeypatch.setenv("PLANCTL_CACHE", str(tmp_path / "cache"))
    holder = _lock_holder("index-y", heartbeat=0.05)
    lock = tmp_path / "cache" / "locks" / "index-y.lock"
    try:
        first = lock.stat().st_mtime_ns
        wait_until(lambda: lock.stat().st_mtime_ns > first, "the holder to renew its lock")  # life, to wait for
        assert holder.stdin is not None
        holder.stdin.write("done\n")
        holder.stdin.flush()
        env = Environment.recording()
        with caches.locked("index-y", env, stall=BOUND) as held:  # released: taken, nothing said
            assert held and not env.warnings
    finally:
        holder.kill()
        holder.wait(timeout=BOUND)


def _lock_holder(name: str, heartbeat: float = 2.0) -> subprocess.Popen[str]:
    """A process holding the cache lock ``name`` until a line comes on its stdin."""
    script = (f"import sys\nfrom planctl import cache\ncache.HEARTBEAT_SECONDS = {heartbeat}\n"
              f"with cache.locked({name!r}) as held:\n    print('held' if held else 'not held', flush=True)\n"
              "    sys.stdin.readline()\n")
    holder = subprocess.Popen([sys.executable, "-c", script], env={**os.environ}, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder
