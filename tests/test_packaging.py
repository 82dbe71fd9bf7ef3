"""planctl installs like a library: a wheel built from the checkout, installed into a fresh
virtual environment outside it, runs the README's commands from another folder, with its
dictionaries and sample corpus read as package data."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "README.md", "planctl", "corpora", "dictionaries")
"""What a wheel is built from (copied, so the build leaves nothing in the checkout)."""


def _packages() -> list[str]:
    tomllib = pytest.importorskip("tomllib", reason="reading pyproject.toml needs Python 3.11's tomllib")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return list(config["tool"]["setuptools"]["packages"])


def test_every_package_is_listed() -> None:
    """pyproject.toml lists the packages (a data package maps a top-level folder): a new
    subpackage of planctl must be listed too, or a wheel would lack it."""
    found = {".".join(p.relative_to(ROOT).parent.parts) for p in (ROOT / "planctl").rglob("*.py")
             if "__pycache__" not in p.parts}
    assert found | {"planctl.corpora", "planctl.dictionaries"} == set(_packages())


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A wheel built from a copy of the checkout and installed into a fresh venv whose only other
    packages are planctl's dependencies, taken from this environment (no network)."""
    try:
        import setuptools
    except ImportError:
        pytest.skip("building the wheel needs setuptools in this environment (make test installs it)")
    if tuple(int(x) for x in setuptools.__version__.split(".")[:2]) < (77, 0):
        pytest.skip(f"building the wheel needs setuptools >= 77 here, found {setuptools.__version__}")
    base = tmp_path_factory.mktemp("wheel")
    src, dist, env_dir = base / "src", base / "dist", base / "venv"
    src.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(path, src / name)
    # a data folder added under dictionaries/ (as vectors/ will be) goes into the wheel, quietly
    (src / "dictionaries" / "probe").mkdir()
    (src / "dictionaries" / "probe" / "words.txt").write_text("就业\n", encoding="utf-8")
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                            "-w", str(dist), str(src)], capture_output=True, text=True, timeout=600, check=False)
    assert build.returncode == 0, build.stderr
    # The install log is clean: no deprecation or other warning from the build.
    assert "warning" not in (build.stdout + build.stderr).lower(), build.stdout + build.stderr
    wheel = next(dist.glob("planctl-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"planctl/dictionaries/probe/words.txt", "planctl/dictionaries/regions.tsv",
            "planctl/corpora/wuwei-2022-employment-plan.txt", "planctl/compare/calibration.json"} <= names
    try:
        venv.EnvBuilder(with_pip=False, symlinks=True).create(env_dir)
    except Exception as exc:  # no venv module or no room: say so rather than fail
        pytest.skip(f"cannot create a virtual environment here: {exc}")
    python = env_dir / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True, timeout=60).stdout.strip())
    # planctl's dependencies, from this environment: its site-packages after the venv's own
    # (a directory named in a .pth file is searched, its own .pth files, such as the editable
    # install's finder, are not run).
    deps = [p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]
    (site / "planctl-test-deps.pth").write_text("\n".join(deps) + "\n", encoding="utf-8")
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                              "--no-index", "--quiet", str(wheel)], capture_output=True, text=True, timeout=300,
                             check=False)
    assert install.returncode == 0, install.stderr
    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    plan = elsewhere / "my plans" / "wuwei.txt"
    plan.parent.mkdir()
    shutil.copy2(ROOT / "corpora" / "wuwei-2022-employment-plan.txt", plan)
    return {"bin": env_dir / "bin", "python": python, "cwd": elsewhere, "plan": plan, "cache": base / "cache"}


def _run(installed: dict[str, Path], *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANCTL_") and k != "PYTHONPATH"}
    env["PLANCTL_CACHE"] = str(installed["cache"])
    return subprocess.run([str(installed["bin"] / "planctl"), *args], cwd=installed["cwd"], env=env,
                          capture_output=True, text=True, timeout=600, check=False)


def test_the_wheel_is_what_runs(installed: dict[str, Path]) -> None:
    where = subprocess.run([str(installed["python"]), "-c", "import planctl.paths as p; print(p.__file__); "
                            "print(p.dictionaries_dir()); print(p.corpus_dir())"], cwd=installed["cwd"],
                           capture_output=True, text=True, timeout=60, check=True).stdout.split("\n")
    venv_dir = str(installed["bin"].parent)
    assert all(line.startswith(venv_dir) for line in where[:3]), where
    assert not any(line.startswith(str(ROOT)) for line in where[:3]), where


def test_wheel_runs_readme_commands_from_another_folder(installed: dict[str, Path]) -> None:
    listed = _run(installed, "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    docs = json.loads(listed.stdout)
    assert len(docs) == 10 and {"wuwei-employment-2022", "qinghai-employment-2021"} <= {d["id"] for d in docs}

    shown = _run(installed, "show", str(installed["plan"]) + "#2", "--depth", "1")
    assert shown.returncode == 0, shown.stderr
    assert "武威市“十四五”就业促进规划" in shown.stdout and "保障措施" in shown.stdout

    relative = _run(installed, "show", "my plans/wuwei.txt", "--format", "json")
    assert relative.returncode == 0 and len(json.loads(relative.stdout)["documents"]) == 2, relative.stderr

    diff = _run(installed, "diff", "gansu", "qinghai", "--format", "json")
    assert diff.returncode == 1, diff.stderr  # the plans differ
    summary = json.loads(diff.stdout)["summary"]
    assert summary["matched"] > 20 and summary["left_only"] > 0

    found = _run(installed, "search", "零工市场", "-n", "3")
    assert found.returncode == 0 and found.stdout.count("\n") == 3, found.stderr
    assert "corpora/" in found.stdout

    at_path = _run(installed, "search", "零工市场", "--plan", str(installed["plan"]))
    assert at_path.returncode == 0 and "wuwei.txt:" in at_path.stdout, at_path.stderr


def test_plans_given_by_path_need_no_corpus(installed: dict[str, Path]) -> None:
    missing = str(installed["cwd"] / "no such folder")
    shown = _run(installed, "show", str(installed["plan"]), "--corpus", missing, "--format", "outline")
    assert shown.returncode == 0, shown.stderr
    listed = _run(installed, "list", "--corpus", missing)
    assert listed.returncode == 2 and listed.stderr.startswith("planctl: error:") and "not found" in listed.stderr
