"""`planctl --help` and `planctl list` (warm cache) never import jieba, pdfplumber or rapidfuzz;
no command imports Dask unless it maps work over a cluster."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = """
import atexit, sys
atexit.register(lambda: print("HEAVY:" + ",".join(m for m in {modules!r} if m in sys.modules), file=sys.stderr))
sys.argv = ["planctl", *{args!r}]
from planctl.cli import main
main()
"""
HEAVY = ("jieba", "pdfplumber", "rapidfuzz", "dask", "distributed")
DASK = ("dask", "distributed")


def _heavy_modules(args: list[str], modules: tuple[str, ...]) -> tuple[int, str]:
    run = [sys.executable, "-c", PROBE.format(args=args, modules=modules)]
    subprocess.run(run, capture_output=True, text=True, check=False)  # warm the cache
    proc = subprocess.run(run, capture_output=True, text=True, check=False)
    return proc.returncode, proc.stderr


@pytest.mark.parametrize("args", [["--help"], ["list"], ["list", "--format", "json"], ["show", "wuwei"]])
def test_no_heavy_imports(args: list[str]) -> None:
    status, stderr = _heavy_modules(args, HEAVY)
    assert status == 0, stderr
    assert "HEAVY:\n" in stderr, stderr


# A diff aligns one pair in this process; a compare of the shipped corpus's three employment
# plans aligns three, fewer than a local cluster is started for (EngineSettings.local_from).
@pytest.mark.parametrize("args", [["diff", "gansu", "qinghai", "-f", "json"],
                                  ["compare", "--topic", "employment", "-f", "json"]])
def test_work_in_this_process_does_not_import_dask(args: list[str]) -> None:
    status, stderr = _heavy_modules(args, DASK)
    assert status in (0, 1), stderr
    assert "HEAVY:\n" in stderr, stderr
