"""`planctl --help` and `planctl list` (warm cache) never import jieba, pdfplumber or rapidfuzz."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = """
import atexit, sys
atexit.register(lambda: print("HEAVY:" + ",".join(m for m in ("jieba", "pdfplumber", "rapidfuzz") if m in sys.modules),
                              file=sys.stderr))
sys.argv = ["planctl", *{args!r}]
from planctl.cli import main
main()
"""


@pytest.mark.parametrize("args", [["--help"], ["list"], ["list", "--format", "json"], ["show", "wuwei"]])
def test_no_heavy_imports(args: list[str]) -> None:
    run = [sys.executable, "-c", PROBE.format(args=args)]
    subprocess.run(run, capture_output=True, text=True, check=False)  # warm the cache
    proc = subprocess.run(run, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "HEAVY:\n" in proc.stderr, proc.stderr
