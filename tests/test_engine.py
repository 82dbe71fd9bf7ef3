"""The engine: alignments on a Dask cluster give what a serial run gives, byte for byte; small
work stays in this process; an existing cluster is used with --scheduler; its faults are one line."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planctl.cli import app
from planctl.corpus import load_corpus
from planctl.engine import Engine
from planctl.env import Environment
from planctl.render import render
from planctl.render.compare import CompareView
from planctl.settings import EngineSettings
from planctl.workspace import Workspace
from tests.helpers import script

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def _scaled_corpus(n: int, target: Path) -> Path:
    module = script("scale_corpus")
    module.generate(n, target)
    return target


def _compare(corpus: Path, engine: Engine, cache: Path, monkeypatch) -> tuple[str, dict[str, bytes], int]:
    """``compare --topic employment`` as JSON, every alignment it cached (file → bytes), and how
    many pairs it aligned; run on ``engine`` with a cache of its own."""
    monkeypatch.setenv("PLANCTL_CACHE", str(cache))
    env = Environment.recording()
    ws = Workspace(load_corpus(corpus, lazy=True, env=env), engine=engine)
    with engine:
        result = ws.compare_plans(ws.plans_for(topic="employment"))
        started = engine.connected
    out = io.StringIO()
    render("compare", "json", CompareView(result, "similarity"), out)
    cached = {p.name: p.read_bytes() for p in sorted((cache / "alignment").iterdir())}
    assert started == (engine.workers != 1), "the engine ran where it was meant to"
    assert not env.warnings, env.warnings
    return out.getvalue(), cached, len(cached)


def test_a_two_worker_local_cluster_gives_what_a_serial_run_gives(tmp_path, monkeypatch) -> None:
    corpus = _scaled_corpus(12, tmp_path / "corpus")
    serial = _compare(corpus, Engine(workers=1), tmp_path / "serial", monkeypatch)
    cluster = Engine(workers=2, settings=EngineSettings(local_from=2))
    assert cluster.where(serial[2]) == "a local Dask cluster of 2 worker processes"
    parallel = _compare(corpus, cluster, tmp_path / "cluster", monkeypatch)
    assert serial[2] >= 6, "enough pairs for both workers to take some"
    assert parallel[1] == serial[1], "every alignment identical, byte for byte"
    assert parallel[0] == serial[0], "the comparison identical, byte for byte"
    assert not cluster.connected, "closed with the workspace's work"


def test_small_work_runs_in_this_process() -> None:
    engine = Engine(workers=2)
    local_from = engine.settings.local_from
    assert engine.where(local_from - 1) == "this process"
    assert engine.where(local_from) == "a local Dask cluster of 2 worker processes"
    assert Engine(workers=1).where(10_000) == "this process"
    assert Engine(scheduler="tcp://example:8786").where(2) == "the Dask cluster at tcp://example:8786"
    with engine:
        assert engine.map(divmod, range(3), shared=2) == [(0, 0), (0, 1), (1, 0)]
        assert not engine.connected


def test_compare_runs_on_the_cluster_named_by_scheduler(tmp_path, monkeypatch) -> None:
    from distributed import LocalCluster

    monkeypatch.setenv("PLANCTL_CACHE", str(tmp_path / "here"))
    here = runner.invoke(app, ["compare", "--topic", "employment", "-f", "json"])
    assert here.exit_code == 0, here.stderr
    monkeypatch.setenv("PLANCTL_CACHE", str(tmp_path / "there"))
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=logging.CRITICAL) as cluster:
        monkeypatch.setenv("PLANCTL_SCHEDULER", cluster.scheduler_address)
        there = runner.invoke(app, ["compare", "--topic", "employment", "-f", "json"])
        ran = set(cluster.scheduler.task_prefixes)
        # workers whose planctl differs from this one's (here: this one's code is another)
        monkeypatch.setenv("PLANCTL_CACHE", str(tmp_path / "other"))
        monkeypatch.setattr("planctl.cache.code_fingerprint", lambda: "another")
        other = runner.invoke(app, ["compare", "--topic", "employment", "-f", "json"])
    assert there.exit_code == 0, there.stderr
    assert "align_in_worker" in ran, ran  # the prefix of its tasks' keys
    assert there.stdout == here.stdout
    lines = other.stderr.strip().splitlines()
    assert other.exit_code == 2 and len(lines) == 1, other.stderr
    assert "workers of the Dask cluster at" in lines[0] and "run another planctl" in lines[0], lines[0]


def test_an_unreachable_scheduler_is_one_line_and_exit_2(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PLANCTL_CACHE", str(tmp_path / "cache"))
    result = runner.invoke(app, ["compare", "--topic", "employment", "--scheduler", "tcp://127.0.0.1:9"])
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2, result.stderr
    assert len(lines) == 1 and lines[0].startswith("planctl: error: cannot reach the Dask scheduler at "
                                                   "tcp://127.0.0.1:9"), result.stderr


@pytest.mark.parametrize("value", [0, -1, True])
def test_engine_settings_are_validated(value) -> None:
    with pytest.raises(ValueError, match="must be a positive integer"):
        EngineSettings(local_from=value)
