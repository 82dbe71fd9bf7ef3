"""Bad input: one clear line naming the file and the problem, exit 2, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planctl.cli import app
from planctl.ingest import decode_bytes
from planctl.parse import parse_source
from planctl.parse.lossless import lost_characters
from tests.helpers import CORPUS
from tests.hostile import BOUND

runner = CliRunner()
PLANCTL = str(Path(sys.executable).with_name("planctl"))


def show(path) -> object:
    return runner.invoke(app, ["show", str(path)])


def one_line_error(result, *needles: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("planctl: error:")
    for needle in needles:
        assert needle in result.stderr
    assert "Traceback" not in result.output


def test_missing_file(tmp_path) -> None:
    one_line_error(show(tmp_path / "nope.txt"), "nope.txt", "no such file")


def test_directory(tmp_path) -> None:
    one_line_error(show(tmp_path), "is a directory")


def test_permission_denied(tmp_path, monkeypatch) -> None:
    path = tmp_path / "locked.txt"
    path.write_text("一、总体要求\n", encoding="utf-8")
    # Tests may run as root, for whom chmod 000 changes nothing: simulate the refusal.
    real_open = Path.open

    def refuse(self, *args, **kwargs):
        if self == path:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    one_line_error(show(path), "locked.txt", "permission denied")


@pytest.mark.parametrize("content", [b"", b"   \n\t \n", "\u3000\n".encode()])
def test_empty_or_whitespace(tmp_path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    one_line_error(show(path), "empty.txt", "empty")


def test_png_renamed(tmp_path) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    one_line_error(show(path), "plan.txt", "PNG")


def test_zip_renamed(tmp_path) -> None:
    path = tmp_path / "plan.txt"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    one_line_error(show(path), "plan.txt", "Word")


def test_truncated_utf8_keeps_utf8_with_a_warning(tmp_path) -> None:
    text = (CORPUS / "wuwei-2022-employment-plan.txt").read_text(encoding="utf-8")
    data = text.encode("utf-8")[:-1]  # cut inside the last character
    cut = data[: len(data) - 2000] + b"\xff" + data[len(data) - 2000 :]  # and one damaged byte
    path = tmp_path / "cut.txt"
    path.write_bytes(cut)
    result = runner.invoke(app, ["show", f"{path}#2", "-f", "outline"])
    assert result.exit_code == 0 and "invalid UTF-8 at byte" in result.stderr
    assert "武威市“十四五”就业促进规划" in result.stdout  # not GB18030 mojibake


def test_undecodable_bytes(tmp_path) -> None:
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes([0x80, 0x81]) * 300)
    one_line_error(show(path), "noise.txt", "tried UTF-8", "--encoding")


@pytest.mark.parametrize("codec", ["gb18030", "utf-16"])
def test_other_encodings_via_cli(tmp_path, codec: str) -> None:
    path = tmp_path / f"plan-{codec}.txt"
    path.write_bytes((CORPUS / "qinghai-2021-employment-plan.txt").read_text(encoding="utf-8").encode(codec))
    ours = runner.invoke(app, ["show", f"{path}#2", "-f", "outline"])
    reference = runner.invoke(app, ["show", "qinghai", "-f", "outline"])
    assert ours.exit_code == 0 and ours.stdout == reference.stdout
    assert codec.replace("-", "")[:5] in ours.stderr.replace("-", "")


def test_ten_megabyte_single_line() -> None:
    line = ("加快发展就业服务，推动零工市场建设" * 700_000)[:3_500_000]  # ≈ 10 MB of UTF-8
    src = decode_bytes(line.encode("utf-8"), path="long.txt")
    docs = parse_source(src)
    assert not lost_characters(src, docs)


def test_hundred_thousand_headings() -> None:
    text = "\n".join(f"{'一二三四五六七八九'[i % 9]}、标题{i}" for i in range(100_000))
    src = decode_bytes(text.encode("utf-8"), path="headings.txt")
    docs = parse_source(src)
    assert len(docs[0].children) == 100_000 and not lost_characters(src, docs)


def test_numbering_ten_levels_deep() -> None:
    levels = ["第一编 总则", "第一章 总体要求", "第一节 指导思想", "一、基本原则", "（一）坚持人民至上", "1. 完善机制",
              "（1）健全制度", "①落实责任", "a）细化分工", "（a）明确要求"]
    src = decode_bytes(("\n".join(levels) + "\n加快发展就业服务。推动就业。\n").encode(), path="deep.txt")
    (doc,) = parse_source(src)
    depth, node = 0, doc.children[0]
    while node.children:
        depth, node = depth + 1, node.children[0]
    assert depth >= 7 and not lost_characters(src, [doc])


def test_unknown_and_ambiguous_plans() -> None:
    one_line_error(runner.invoke(app, ["show", "qinhai"]), "did you mean")
    one_line_error(runner.invoke(app, ["diff", "gansu", "gansu"]), "ambiguous")


def test_unwritable_output(tmp_path) -> None:
    one_line_error(runner.invoke(app, ["export", "indicators", "-o", str(tmp_path / "no" / "x.csv")]), "cannot write")


def test_broken_pipe_exits_quietly() -> None:
    proc = subprocess.run(f"{PLANCTL} search 就业 | head -1", shell=True, capture_output=True, text=True, check=False,
                          env={**os.environ, "NO_COLOR": "1"})
    assert proc.stdout.count("\n") == 1 and proc.stderr == ""


def test_ctrl_c_exits_130_without_traceback(monkeypatch) -> None:
    import planctl.corpus

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(planctl.corpus, "load_corpus", interrupted)
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 130 and "interrupted" in result.stderr and "Traceback" not in result.output


def test_ctrl_c_in_a_real_process() -> None:
    import signal

    code = ("import sys, time, planctl.corpus as c\n"
            "def slow(*a, **k):\n    print('working', flush=True)\n    time.sleep(3600)\n"
            "c.load_corpus = slow\nsys.argv=['planctl','list']\nfrom planctl.cli import main\nmain()\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "working\n"  # in the command: interrupt it
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=BOUND)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == 130 and "Traceback" not in err


def test_debug_shows_the_traceback(tmp_path) -> None:
    result = runner.invoke(app, ["--debug", "show", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2 and "Traceback" in result.stderr
    assert result.stderr.rstrip().splitlines()[-1].startswith("planctl: error:")
