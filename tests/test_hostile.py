"""Hostile files and situations users and CI meet: each case one regression test, named after it.

planctl promises (README, "Reliability"): every error exits 2 with one line (``--debug`` adds the
traceback); no file can hang it or exhaust its memory (limits in ``ReadLimits``); nothing is
lost without a warning; nothing read from the cache, a corpus folder or a document can run code,
read outside the folder or drive the terminal; nothing it starts outlives it.
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planctl.cli import app
from tests.helpers import CORPUS
from tests.hostile import BOUND, PLANCTL, planctl_env

runner = CliRunner()
WUWEI = CORPUS / "wuwei-2022-employment-plan.txt"


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
