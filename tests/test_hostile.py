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
from planctl.env import Environment
from tests.helpers import CORPUS
from tests.hostile import BOUND, PLANCTL, alive, children, planctl_env, run, wait_until

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
