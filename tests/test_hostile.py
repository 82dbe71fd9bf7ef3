"""Hostile files and situations users and CI meet: each case one regression test, named after it.

planctl promises (README, "Reliability"): every error exits 2 with one line (``--debug`` adds the
traceback); no file can hang it or exhaust its memory (limits in ``ReadLimits``); nothing is
lost without a warning; nothing read from the cache, a corpus folder or a document can run code,
read outside the folder or drive the terminal; nothing it starts outlives it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planctl.cli import app
from tests.helpers import CORPUS
from tests.hostile import BOUND, PLANCTL, alive, children, planctl_env, wait_until

runner = CliRunner()
WUWEI = CORPUS / "wuwei-2022-employment-plan.txt"
linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")


def one_line_error(status: int, stderr: str, *needles: str) -> None:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert status == 2, stderr
    assert len(lines) == 1 and lines[0].startswith("planctl: error:"), stderr
    assert "Traceback" not in stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


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
# shipped corpus takes the pools, as a large corpus does.
DRIVER = """
import importlib, os, signal, sys, time
mode, command, markers, corpus = sys.argv[1:5]
os.cpu_count = lambda: 2
load, index, workspace = map(importlib.import_module, ["planctl.corpus.load", "planctl.search.index",
                                                       "planctl.workspace"])
load.PARALLEL_FROM, index.PARALLEL_DOCS, workspace.PARALLEL_FROM = 1, 1, 1
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


# ---- data lost in silence -------------------------------------------------------------------------------
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
