"""Benchmark (``make bench``), never part of ``make test``.

Measures parse throughput on the shipped corpus (next to raw reading speed), whole-process
times of the main commands — cold (empty cache directory: jieba builds its dictionary cache)
and warm — and the matcher's precision/recall on the gold pairs against the naive baseline.
Prints a table and writes ``bench.json``.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from planctl.ingest.text import decode_bytes
from planctl.parse import parse_source

ROOT = Path(__file__).resolve().parent.parent
PLANCTL = str(Path(sys.executable).with_name("planctl"))
COMMANDS = {
    "help": ["--help"],
    "list": ["list", "--format", "json"],
    "show": ["show", "qinghai", "--format", "json"],
    "export": ["export", "indicators"],
    "diff gansu qinghai": ["diff", "gansu", "qinghai", "--format", "json"],
}


def _median(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _run(args: list[str], cache: str) -> float:
    env = {**os.environ, "PLANCTL_CACHE": cache}
    t0 = time.perf_counter()
    subprocess.run([PLANCTL, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t0


def parse_figures() -> dict[str, float]:
    files = sorted((ROOT / "corpora").glob("*.txt"))
    blobs = [f.read_bytes() for f in files]
    size = sum(len(b) for b in blobs)

    def read() -> None:
        for f in files:
            f.read_bytes().decode("utf-8")

    def parse() -> None:
        for f, b in zip(files, blobs, strict=True):
            parse_source(decode_bytes(b, path=f.name))

    parse()  # warm the region table
    t_read, t_parse = _median(read), _median(parse)
    return {"corpus_bytes": size, "read_mb_s": round(size / t_read / 1e6, 1),
            "parse_mb_s": round(size / t_parse / 1e6, 2)}


def command_figures() -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for name, args in COMMANDS.items():
        colds = []
        for _ in range(3):
            with tempfile.TemporaryDirectory() as cache:
                colds.append(_run(args, cache))
        with tempfile.TemporaryDirectory() as cache:
            _run(args, cache)
            warm = statistics.median(_run(args, cache) for _ in range(5))
        out[name] = {"cold_s": round(statistics.median(colds), 3), "warm_s": round(warm, 3)}
    return out


def pdf_figures() -> dict[str, float]:
    """PDF ingestion speed on the committed fixture (A4, ruled table across pages)."""
    from planctl.ingest.pdf import pdf_to_source

    path = ROOT / "tests" / "fixtures" / "pdf" / "wuwei-plan.pdf"
    _, report = pdf_to_source(path)
    seconds = _median(lambda: pdf_to_source(path), runs=3)
    return {"pages": report.pages, "seconds": round(seconds, 3), "pages_per_s": round(report.pages / seconds, 1)}


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall time and peak RSS (KB) of one process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - t0, usage.ru_maxrss


SEARCH_QUERIES = ("零工市场", "稳岗", "高校毕业生", "专精特新")


def scale_figures(sizes: tuple[int, ...] = (10, 100, 1000)) -> dict[str, dict[str, float]]:
    """Scaled corpora generated from the seeds: index build, search vs grep, list, memory."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from scale_corpus import generate

    out: dict[str, dict[str, float]] = {}
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            corpus, cache = Path(tmp) / "corpus", Path(tmp) / "cache"
            generate(n, corpus)
            size = sum(p.stat().st_size for p in corpus.iterdir())
            env = {**os.environ, "PLANCTL_CACHE": str(cache)}
            base = [PLANCTL, "--corpus", str(corpus)]
            build, build_rss = _timed([*base, "index"], env)
            index_bytes = sum(p.stat().st_size for p in cache.glob("index-*.sqlite"))
            searches = [_timed([*base, "search", q, "-n", "20"], env) for q in SEARCH_QUERIES for _ in range(3)]
            greps = [_timed(["grep", "-r", q, str(corpus)], env)[0] for q in SEARCH_QUERIES for _ in range(3)]
            rg = shutil.which("rg")
            rgs = [_timed([rg, q, str(corpus)], env)[0] for q in SEARCH_QUERIES for _ in range(3)] if rg else []
            lists = [_timed([*base, "list", "--format", "json"], env) for _ in range(3)]
            t0 = time.perf_counter()
            for path in corpus.iterdir():
                parse_source(decode_bytes(path.read_bytes(), path=path.name))
            parse_s = time.perf_counter() - t0
            out[str(n)] = {
                "documents": n, "mb": round(size / 1e6, 1), "parse_mb_s": round(size / parse_s / 1e6, 2),
                "index_build_s": round(build, 1), "index_mb": round(index_bytes / 1e6, 1),
                "index_peak_mb": round(build_rss / 1024, 1),
                "search_warm_s": round(statistics.median(t for t, _ in searches), 3),
                "search_peak_mb": round(max(m for _, m in searches) / 1024, 1),
                "grep_r_s": round(statistics.median(greps), 3),
                "rg_s": round(statistics.median(rgs), 3) if rgs else None,
                "list_s": round(statistics.median(t for t, _ in lists), 3),
                "list_peak_mb": round(max(m for _, m in lists) / 1024, 1),
            }
    return out


def quality_figures() -> dict[str, dict[str, float]]:
    sys.path.insert(0, str(ROOT))
    from planctl.corpus import load_corpus
    from tests.alignment_eval import GOLD, evaluate

    corpus = load_corpus()
    out = {}
    for path in sorted(GOLD.glob("*.tsv")):
        matcher, baseline = evaluate(corpus, path)
        out[path.stem] = {"precision": round(matcher.precision, 2), "recall": round(matcher.recall, 2),
                          "baseline_precision": round(baseline.precision, 2),
                          "baseline_recall": round(baseline.recall, 2), "gold_pairs": matcher.gold}
    return out


def main() -> None:
    result = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{os.cpu_count()} cores {platform.machine()} python {sys.version.split()[0]}",
        "parse": parse_figures(),
        "pdf": pdf_figures(),
        "commands": command_figures(),
        "alignment": quality_figures(),
        "scale": scale_figures(),
    }
    print(f"{result['date']} · {result['machine']}")
    p = result["parse"]
    print(f"parse {p['parse_mb_s']} MB/s (reading {p['read_mb_s']} MB/s) on {p['corpus_bytes']} bytes")
    f = result["pdf"]
    print(f"pdf ingestion {f['pages_per_s']} pages/s ({f['pages']} pages in {f['seconds']} s)")
    print(f"{'command':<22}{'cold s':>8}{'warm s':>8}")
    for name, t in result["commands"].items():
        print(f"{name:<22}{t['cold_s']:>8}{t['warm_s']:>8}")
    print(f"{'gold set':<22}{'P':>6}{'R':>6}{'base P':>8}{'base R':>8}")
    for name, q in result["alignment"].items():
        print(f"{name:<22}{q['precision']:>6}{q['recall']:>6}{q['baseline_precision']:>8}{q['baseline_recall']:>8}")
    print(f"{'docs':>6}{'MB':>6}{'parse MB/s':>11}{'index s':>9}{'index MB':>9}{'search s':>9}"
          f"{'grep -r s':>10}{'rg s':>6}{'list s':>8}{'peak MB':>8}")
    for s in result["scale"].values():
        peak = max(s["index_peak_mb"], s["search_peak_mb"], s["list_peak_mb"])
        print(f"{s['documents']:>6}{s['mb']:>6}{s['parse_mb_s']:>11}{s['index_build_s']:>9}{s['index_mb']:>9}"
              f"{s['search_warm_s']:>9}{s['grep_r_s']:>10}{s['rg_s'] or '-':>6}{s['list_s']:>8}{peak:>8}")
    Path("bench.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
