"""Benchmark (``make bench``), never part of ``make test``.

Measures parse throughput on the shipped corpus (next to raw reading speed), whole-process
times of the main commands — cold (empty cache directory: jieba builds its dictionary cache)
and warm — and the matcher's precision/recall on the gold pairs against the naive baseline.
Prints a table and writes ``bench.json``.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from planctl.ingest import decode_bytes
from planctl.parse import parse_source

ROOT = Path(__file__).resolve().parent.parent
PLANCTL = str(Path(sys.executable).with_name("planctl"))
COMMANDS = {
    "help": ["--help"],
    "list": ["list", "--format", "json"],
    "show": ["show", "qinghai", "--format", "json"],
    "export": ["export", "indicators"],
    "diff gansu qinghai": ["diff", "gansu", "qinghai", "--format", "json"],
    # A user's own files, given by path (parsed, modelled and aligned outside the corpus).
    "diff FILE FILE": ["diff", str(ROOT / "corpora" / "wuwei-2022-employment-plan.txt"),
                       str(ROOT / "corpora" / "qinghai-2021-employment-plan.txt"), "--format", "json"],
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


# Start-up budget: warm time of each command as a multiple of `python -c pass` (issue targets).
STARTUP = {
    "--help": (["--help"], 5.0),
    "list --format json": (["list", "--format", "json"], 6.0),
    "search 零工市场 -n 20 --format jsonl": (["search", "零工市场", "-n", "20", "--format", "jsonl"], 6.0),
    "show qinghai --format json": (["show", "qinghai", "--format", "json"], None),
    "export indicators": (["export", "indicators"], None),
    "diff gansu qinghai --format json": (["diff", "gansu", "qinghai", "--format", "json"], None),
}


def startup_figures(runs: int = 11) -> dict[str, dict[str, Any]]:
    """Each command's warm wall time over ``python -c pass`` run alternately with it (so a drift
    in machine speed hits both); the median of the per-pair ratios. Bytecode is compiled first,
    as an installed package has it."""
    import compileall

    compileall.compile_dir(str(ROOT / "planctl"), quiet=1)
    out: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as cache:
        for name, (args, target) in STARTUP.items():
            _run(args, cache)  # warm the cache
            ratios, times, bases = [], [], []
            for _ in range(runs):
                t = _run(args, cache)
                b = _timed([sys.executable, "-c", "pass"], dict(os.environ))[0]
                ratios.append(t / b)
                times.append(t)
                bases.append(b)
            ratio = statistics.median(ratios)
            out[name] = {"warm_s": round(statistics.median(times), 3), "python_s": round(statistics.median(bases), 3),
                         "ratio": round(ratio, 1), "target": target,
                         "met": None if target is None else ratio <= target}
    return out


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


def format_figures() -> dict[str, dict[str, Any]]:
    """Reading and parsing 武威's plan in each format offices publish: units (lines, paragraphs,
    pages) per second, read + parse, next to the text twin."""
    sys.path.insert(0, str(ROOT))
    from planctl.env import Environment
    from planctl.ingest import read_source
    from planctl.parse import parse
    from tests.office import documents_to_docx, docx_to_pdf, gov_cn_page, soffice

    text = ROOT / "corpora" / "wuwei-2022-employment-plan.txt"
    docs = parse(read_source(text)).documents
    out: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        docx = documents_to_docx(docs, tmpdir / "wuwei.docx", running_header=docs[-1].title)
        page = tmpdir / "wuwei.html"
        page.write_bytes(gov_cn_page(docs, text.read_text(encoding="utf-8").splitlines()))
        files = {"text (.txt)": (text, "lines"), "Word (.docx)": (docx, "paragraphs"),
                 "web page (.html)": (page, "paragraphs"),
                 "PDF (reportlab)": (ROOT / "tests" / "fixtures" / "pdf" / "wuwei-plan.pdf", "pages")}
        if soffice():
            files["PDF (LibreOffice)"] = (docx_to_pdf(docx, tmpdir), "pages")
        for name, (path, unit) in files.items():
            source = read_source(path, env=Environment.recording())
            units = len(source.lines) if unit != "pages" else max(ln.page or 0 for ln in source.lines)
            seconds = _median(lambda path=path: parse(read_source(path, env=Environment.recording())), runs=3)
            out[name] = {"unit": unit, "units": units, "seconds": round(seconds, 3),
                         "per_s": round(units / seconds, 1)}
    return out


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall time and peak RSS (KB) of one process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - t0, usage.ru_maxrss


SEARCH_QUERIES = ("零工市场", "稳岗", "高校毕业生", "专精特新")


def _cold_warm(cmd: list[str], env: dict[str, str], fresh_cache) -> tuple[float, float, int]:
    """Cold = first run against an empty cache; warm = median of three more. Peak RSS over all."""
    fresh_cache()
    cold, peak = _timed(cmd, env)
    runs = [_timed(cmd, env) for _ in range(3)]
    return cold, statistics.median(t for t, _ in runs), max(peak, *(m for _, m in runs))


@contextlib.contextmanager
def _scaled_corpus(n: int) -> Iterator[tuple[Path, dict[str, str], Callable[[], None]]]:
    """A corpus of ``n`` documents generated from the seeds in a temporary folder, the environment
    pointing planctl at its own cache, and a function emptying that cache."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from scale_corpus import generate

    with tempfile.TemporaryDirectory() as tmp:
        corpus, cache = Path(tmp) / "corpus", Path(tmp) / "cache"
        generate(n, corpus)

        def fresh() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        yield corpus, {**os.environ, "PLANCTL_CACHE": str(cache)}, fresh


INDEX_BEFORE = {  # the index of the last release (0.1.0, README): text twice per row, trigram positions
    "10": {"index_build_s": 1.4, "index_mb": 2.4, "index_ratio": 8.0},
    "100": {"index_build_s": 4.3, "index_mb": 18.0, "index_ratio": 5.8},
    "1000": {"index_build_s": 37.0, "index_mb": 159.0, "index_ratio": 5.1},
}


def index_ratio(path: Path) -> float:
    """A search index's size ÷ the bytes of text it holds (its rows' bodies, UTF-8)."""
    import sqlite3

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (text,) = conn.execute("SELECT sum(length(body)) FROM texts").fetchone()
    finally:
        conn.close()
    return round(path.stat().st_size / text, 2)


def scale_figures(sizes: tuple[int, ...] = (10, 100, 1000)) -> dict[str, dict[str, Any]]:
    """Scaled corpora generated from the seeds: each command cold and warm, index build, search
    vs grep, parse throughput next to raw reading and raw jieba speed, peak memory."""
    from planctl.corpus import load_corpus
    from planctl.lexicon import lexicon

    out: dict[str, dict[str, Any]] = {}
    for n in sizes:
        with _scaled_corpus(n) as (corpus, env, fresh):
            cache = Path(env["PLANCTL_CACHE"])
            files = sorted(corpus.iterdir())
            size = sum(p.stat().st_size for p in files)
            base = [PLANCTL, "--corpus", str(corpus)]

            t0 = time.perf_counter()
            texts = [p.read_bytes().decode("utf-8") for p in files]
            read_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            for p, text in zip(files, texts, strict=True):
                parse_source(decode_bytes(text.encode("utf-8"), path=p.name))
            parse_s = time.perf_counter() - t0
            sample = "".join(texts)[:2_000_000]
            tk = lexicon().tokenizer
            t0 = time.perf_counter()
            list(tk.cut(sample))
            jieba_mb_s = len(sample.encode("utf-8")) / (time.perf_counter() - t0) / 1e6
            docs = load_corpus(corpus).documents
            plans = [d.id for d in docs if d.kind == "plan"]
            row: dict[str, Any] = {
                "documents": n, "mb": round(size / 1e6, 1), "read_mb_s": round(size / read_s / 1e6, 1),
                "parse_mb_s": round(size / parse_s / 1e6, 2), "jieba_mb_s": round(jieba_mb_s, 2),
            }
            commands = {
                "list": ["list", "--format", "json"],
                "show": ["show", plans[0], "--format", "json"],
                "diff": ["diff", plans[0], plans[1], "--format", "json"],
                "export": ["export", "indicators"],
                "search": ["search", SEARCH_QUERIES[0], "-n", "20"],
            }
            peak = 0
            for name, args in commands.items():
                cold, warm, rss = _cold_warm([*base, *args], env, fresh)
                row[f"{name}_cold_s"], row[f"{name}_warm_s"] = round(cold, 3), round(warm, 3)
                peak = max(peak, rss)
            fresh()
            build, rss = _timed([*base, "index"], env)
            row["index_build_s"] = round(build, 1)
            row["index_mb"] = round(sum(p.stat().st_size for p in cache.glob("index-*.sqlite")) / 1e6, 1)
            row["index_ratio"] = index_ratio(next(cache.glob("index-*.sqlite")))
            searches = [_timed([*base, "search", q, "-n", "20"], env)[0] for q in SEARCH_QUERIES for _ in range(3)]
            greps = [_timed(["grep", "-r", q, str(corpus)], env)[0] for q in SEARCH_QUERIES for _ in range(3)]
            rg = shutil.which("rg")
            rgs = [_timed([rg, q, str(corpus)], env)[0] for q in SEARCH_QUERIES for _ in range(3)] if rg else []
            row["search_warm_s"] = round(statistics.median(searches), 3)
            row["grep_r_s"] = round(statistics.median(greps), 3)
            row["rg_s"] = round(statistics.median(rgs), 3) if rgs else None
            row["peak_mb"] = round(max(peak, rss) / 1024, 1)
            out[str(n)] = row
    first, last = out[str(sizes[0])], out[str(sizes[-1])]
    factor = sizes[-1] / sizes[0]
    out["growth"] = {  # how each figure grows from the smallest to the largest corpus, per document
        key: round((last[key] / first[key]) / factor, 3)
        for key in ("list_warm_s", "show_warm_s", "diff_warm_s", "export_warm_s", "search_warm_s", "index_build_s",
                    "peak_mb")
        if first.get(key)
    }
    return out


def compare_figures(sizes: tuple[int, ...] = (30, 100)) -> dict[str, dict[str, Any]]:
    """``planctl compare --topic employment`` on scaled corpora of 30 and 100 documents: cold
    (empty cache: parsing, the corpus model and every alignment) and warm, peak memory of the
    main process (workers are separate processes), and how many alignments it rested on."""
    out: dict[str, dict[str, Any]] = {}
    for n in sizes:
        with _scaled_corpus(n) as (corpus, env, fresh):
            cmd = [PLANCTL, "--corpus", str(corpus), "compare", "--topic", "employment", "--format", "json"]
            cold, warm, rss = _cold_warm(cmd, env, fresh)
            result = json.loads(subprocess.run(cmd, env=env, capture_output=True, text=True, check=False).stdout)
            plans = len(result["plans"])
            out[str(n)] = {"documents": n, "plans_compared": plans, "alignments": result["aligned_pairs"],
                           "all_pairs": plans * (plans - 1) // 2, "cold_s": round(cold, 1),
                           "warm_s": round(warm, 2), "peak_mb": round(rss / 1024, 1)}
    return out


ENGINES = ("serial", "pool", "dask")
"""How ``engine_figures`` runs the same alignments: in one process, on the hand-made process pool
of earlier releases (each worker loading the corpus and its statistics from the cache), and on a
local Dask cluster (the statistics and documents shipped once)."""


def engine_figures(sizes: tuple[int, ...] = (100, 300)) -> dict[str, dict[str, Any]]:
    """The alignments of ``compare --topic employment`` on scaled corpora, in one run: serial,
    the old pool and a local Dask cluster (one worker per core), each from a cache holding the
    parsed corpus and its statistics but no alignment, each in a process of its own. Also the
    cost of starting the cluster (what ``EngineSettings.local_from`` weighs), and whether the
    three gave the same comparison."""
    out: dict[str, dict[str, Any]] = {}
    for n in sizes:
        with _scaled_corpus(n) as (corpus, env, _fresh):
            base = Path(env["PLANCTL_CACHE"])
            _engine_run("prepare", corpus, base)
            row: dict[str, Any] = {"documents": n}
            digests = set()
            for mode in ENGINES:
                cache = base.with_name(f"cache-{mode}")
                shutil.copytree(base, cache)
                shutil.rmtree(cache / "alignment", ignore_errors=True)
                got = _engine_run(mode, corpus, cache)
                row["pairs"] = got["pairs"]
                row[f"{mode}_s"] = round(got["seconds"], 1)
                row[f"{mode}_cpu_s"] = round(got["cpu"], 1)
                row[f"{mode}_load"] = got["load"]
                if mode == "dask":
                    row["dask_start_s"] = round(got["start"], 1)
                digests.add(got["digest"])
            row["identical"] = len(digests) == 1
            row["dask_vs_serial"] = round(row["serial_s"] / row["dask_s"], 2)
            row["dask_vs_pool"] = round(row["pool_s"] / row["dask_s"], 2)
            row["serial_cpu_s_per_pair"] = round(row["serial_cpu_s"] / max(row["pairs"], 1), 2)
            out[str(n)] = row
            print_engines({str(n): row})  # as each size is done: the larger take long
    return out


def _engine_run(mode: str, corpus: Path, cache: Path) -> dict[str, Any]:
    env = {**os.environ, "PLANCTL_CACHE": str(cache)}
    proc = subprocess.run([sys.executable, __file__, "engine-run", mode, str(corpus)], env=env, capture_output=True,
                          text=True, check=True)
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


_POOL: dict[str, Any] = {}  # the old pool's worker state (a benchmark of the old code, kept as it was)


def _pool_start(root: str, settings: Any, calibration: Any) -> None:
    from planctl.corpus import load_corpus
    from planctl.engine import Engine
    from planctl.workspace import Workspace

    _POOL["ws"] = Workspace(load_corpus(root, lazy=True), settings, calibration, engine=Engine(workers=1))


def _pool_align(ids: tuple[str, str]) -> None:
    ws = _POOL["ws"]
    ws.alignment(ws.corpus.by_id(ids[0]), ws.corpus.by_id(ids[1]))


def engine_run(mode: str, root: str) -> None:
    """One of ``engine_figures``' runs, in this process: prints a JSON line."""
    import hashlib
    import io

    from planctl.corpus import load_corpus
    from planctl.engine import Engine
    from planctl.render import render
    from planctl.render.compare import CompareView
    from planctl.settings import EngineSettings
    from planctl.workers import process_pool
    from planctl.workspace import Workspace

    here = mode in ("serial", "pool", "prepare")
    engine = Engine(workers=1) if here else Engine(settings=EngineSettings(local_from=2))
    ws = Workspace(load_corpus(root, lazy=True), engine=engine)
    plans = ws.plans_for(topic="employment")
    stats = ws.corpus_statistics()
    if mode == "prepare":
        print(json.dumps({"plans": len(plans)}))
        return
    pairs = ws.pairs_to_align(plans, stats)  # what compare_plans aligns
    import resource

    def cpu() -> float:  # this process and its children (workers) once they ended
        own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

    c0 = cpu()
    t0 = time.perf_counter()
    start = 0.0
    if mode == "dask":
        engine._connected()
        start = time.perf_counter() - t0
    if mode == "pool":
        workers = min(len(pairs), os.cpu_count() or 1, 8)
        with process_pool(workers, _pool_start, (root, ws.settings, ws.calibration)) as pool:
            list(pool.map(_pool_align, [(plans[i].id, plans[j].id) for i, j in pairs]))
    result = ws.compare_plans(plans)
    ws.close()
    seconds = time.perf_counter() - t0
    text = io.StringIO()
    render("compare", "json", CompareView(result, "similarity"), text)
    print(json.dumps({"pairs": len(pairs), "seconds": seconds, "start": start, "cpu": cpu() - c0,
                      "load": round(os.getloadavg()[0], 1),
                      "digest": hashlib.blake2b(text.getvalue().encode()).hexdigest()}))


def print_engines(engines: dict[str, dict[str, Any]]) -> None:
    print(f"{'compare alignments':<20}{'pairs':>6}{'serial s':>9}{'pool s':>8}{'dask s':>8}{'start s':>8}"
          f"{'serial/dask':>12}{'pool/dask':>10}{'same':>6}   CPU s serial / pool / dask · load", flush=True)
    for n, t in engines.items():
        print(f"{n + ' documents':<20}{t['pairs']:>6}{t['serial_s']:>9}{t['pool_s']:>8}{t['dask_s']:>8}"
              f"{t['dask_start_s']:>8}{t['dask_vs_serial']:>12}{t['dask_vs_pool']:>10}"
              f"{'yes' if t['identical'] else 'NO':>6}   {t['serial_cpu_s']} / {t['pool_cpu_s']} / {t['dask_cpu_s']}"
              f" · {t['serial_load']} / {t['pool_load']} / {t['dask_load']}", flush=True)


def score_trace(data: dict[str, Any], truth: dict[str, Any]) -> dict[str, Any]:
    """``planctl trace --format json`` of a generated corpus scored on its ground truth
    (``scale_corpus.py``): a measure pair is right when both measures have one origin (the seed
    measure they were made from). Precision over the adoptions listed (by label and relation);
    recall over every (source measure, document of its subject holding a measure of that origin),
    and over the planted adoptions by kind."""
    files = {f["file"]: f for f in truth["files"]}

    def origin(file: str, line: int) -> int | None:
        return next((o for a, b, o in files[file]["measures"] if a <= line <= b), None)

    src = Path(data["source"]["path"]).name
    where = {d["id"]: Path(d["path"]).name for d in data["documents"]}
    found: set[tuple[int, str]] = set()
    right: dict[str, list[int]] = {}
    for m in data["measures"]:
        o = origin(src, m["line"])
        for a in m["adoptions"]:
            file = where[a["document"]]
            ok = o is not None and origin(file, a["line"]) == o
            for key in ("all", a["label"], a["relation"]):
                right.setdefault(key, [0, 0])[0] += ok
                right[key][1] += 1
            found.add((m["line"], file))
    topic = files[src]["topic"]
    truth_pairs = set()
    for m in data["measures"]:
        o = origin(src, m["line"])
        if o is None:
            continue
        truth_pairs |= {(m["line"], f["file"]) for f in truth["files"] if f["file"] != src and f["topic"] == topic
                        and any(x == o for _, _, x in f["measures"])}
    planted: dict[str, list[int]] = {}
    adoptions = {(m["line"], where[a["document"]], a["line"]) for m in data["measures"] for a in m["adoptions"]}
    for p in truth["planted"]:
        if p["source_file"] != src:
            continue
        hit = any(line == p["source_line"] and file == p["target_file"]
                  and p["target_line"] <= at < p["target_line"] + p["lines"] for line, file, at in adoptions)
        for key in ("all", p["kind"]):
            planted.setdefault(key, [0, 0])[0] += hit
            planted[key][1] += 1
    return {
        "adoptions": right.get("all", [0, 0])[1],
        "precision": {k: round(a / b, 3) for k, (a, b) in right.items() if b},
        "precision_counts": right,
        "recall_all_origins": round(len(found & truth_pairs) / len(truth_pairs), 3) if truth_pairs else None,
        "true_pairs": len(truth_pairs),
        "recall_planted": {k: round(a / b, 3) for k, (a, b) in planted.items() if b},
        "planted_counts": planted,
    }


def candidate_recall(root: Path | None = None) -> dict[str, Any]:
    """What candidates (LSH and vectors) lose against aligning every two documents of one topic:
    of the measure pairs exhaustive alignment makes (between measures candidates consider), the
    share that are candidate pairs (by label), and of the document pairs holding such a pair, the
    share candidates connect (what decides which documents trace and compare align)."""
    import itertools

    from planctl.compare.candidates import candidate_items, measure_candidates
    from planctl.compare.items import items_of
    from planctl.corpus import load_corpus
    from planctl.workspace import Workspace

    corpus = load_corpus(root)
    corpus.ensure_trees()
    ws = Workspace(corpus, workers=1)
    docs = corpus.documents
    stats = ws.corpus_statistics()
    t0 = time.perf_counter()
    found = measure_candidates(docs, stats, ws.candidate_settings)
    seconds = time.perf_counter() - t0
    keys = {(c.left.doc, c.left.item, c.right.doc, c.right.item) for c in found}
    made: dict[tuple[int, int, int, int], str] = {}
    t0 = time.perf_counter()
    for i, j in itertools.combinations(range(len(docs)), 2):
        if docs[i].topic != docs[j].topic:
            continue
        al = ws.alignment(docs[i], docs[j])
        pos = [{id(it.node): k for k, it in enumerate(items_of(d))} for d in (docs[i], docs[j])]
        usable = [set(candidate_items(d, ws.candidate_settings)) for d in (docs[i], docs[j])]
        for p in al.pairs:
            if p.left is not None and p.right is not None:
                a, b = pos[0].get(id(p.left)), pos[1].get(id(p.right))
                if a in usable[0] and b in usable[1]:
                    made[(i, a, j, b)] = str(p.label)
    exhaustive = time.perf_counter() - t0
    by_label: dict[str, list[int]] = {}
    for key, label in made.items():
        for k in ("all", label):
            by_label.setdefault(k, [0, 0])[0] += key in keys
            by_label[k][1] += 1
    doc_pairs = {(i, j) for i, _, j, _ in made}
    connected = {(c.left.doc, c.right.doc) for c in found}
    return {"documents": len(docs), "candidate_pairs": len(found), "candidates_s": round(seconds, 1),
            "exhaustive_s": round(exhaustive, 1), "measure_pairs_made": len(made),
            "recall": {k: round(a / b, 3) for k, (a, b) in by_label.items()},
            "document_pairs": len(doc_pairs), "document_recall": round(len(doc_pairs & connected) / len(doc_pairs), 3)
            if doc_pairs else None}


def trace_figures(sizes: tuple[int, ...] = (1000,)) -> dict[str, dict[str, Any]]:
    """``planctl trace`` of the first planted provincial plan on scaled corpora with planted
    adoptions: cold (empty cache: parsing, the corpus model, candidates, every alignment) and
    warm, peak memory of the main process, and precision / recall on the ground truth."""
    out: dict[str, dict[str, Any]] = {}
    for n in sizes:
        with _scaled_corpus(n) as (corpus, env, fresh):
            truth = json.loads(corpus.with_name(corpus.name + ".truth.json").read_text(encoding="utf-8"))
            source_file = truth["planted"][0]["source_file"]
            listed = json.loads(subprocess.run([PLANCTL, "--corpus", str(corpus), "list", "--format", "json"], env=env,
                                               capture_output=True, text=True, check=True).stdout)
            source = next(d["id"] for d in listed if Path(d["path"]).name == source_file)
            cmd = [PLANCTL, "--corpus", str(corpus), "trace", source, "--format", "json"]
            fresh()
            cold, peak = _timed(cmd, env)
            warm, rss = _timed(cmd, env)
            data = json.loads(subprocess.run(cmd, env=env, capture_output=True, text=True, check=False).stdout)
            out[str(n)] = {"documents": n, "source": source, "cold_s": round(cold, 1), "warm_s": round(warm, 2),
                           "peak_mb": round(max(peak, rss) / 1024, 1), "considered": data["considered"],
                           "candidates": data["candidates"], "aligned": data["aligned"],
                           "adopters": len(data["documents"]), **score_trace(data, truth)}
    return out


def quality_figures() -> dict[str, dict[str, Any]]:
    """The matcher on the gold, dev and test parts apart, beside the naive baseline."""
    sys.path.insert(0, str(ROOT))
    from planctl.corpus import load_corpus
    from tests.alignment_eval import GOLD, SHARED, evaluate, needs_shared, splits

    corpus = load_corpus()
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(GOLD.glob("*.tsv")):
        if needs_shared(path) and not SHARED.exists():
            continue
        for split in sorted(splits(path)):
            matcher, baseline = evaluate(corpus, path, split)
            t = matcher.total
            out[f"{path.stem} {split}"] = {"precision": round(t.precision, 2), "recall": round(t.recall, 2),
                                           "baseline_precision": round(baseline.precision, 2),
                                           "baseline_recall": round(baseline.recall, 2), "gold_pairs": t.gold}
    return out


# Budgets of the issues, checked here (never in a test that can flake): a cold diff of two shipped
# plans and of two files given by path within 2 s, warm within 0.5 s.
DIFF_BUDGET = {"cold_s": 2.0, "warm_s": 0.5}
BUDGETED = ("diff gansu qinghai", "diff FILE FILE")
RELEASED = {  # the last release's figures (0.1.0, README), printed beside this run's
    "help": {"cold_s": None, "warm_s": 0.06}, "list": {"cold_s": 0.21, "warm_s": 0.08},
    "show": {"cold_s": 0.21, "warm_s": 0.11}, "export": {"cold_s": 0.20, "warm_s": 0.11},
    "diff gansu qinghai": {"cold_s": 1.75, "warm_s": 0.16}, "diff FILE FILE": {"cold_s": 1.86, "warm_s": 0.16},
}


def print_commands(commands: dict[str, dict[str, float]]) -> None:
    print(f"{'command':<22}{'cold s':>8}{'warm s':>8}{'released cold / warm':>24}")
    for name, t in commands.items():
        verdict = ""
        if name in BUDGETED:
            met = t["cold_s"] <= DIFF_BUDGET["cold_s"] and t["warm_s"] <= DIFF_BUDGET["warm_s"]
            verdict = f"  budget ≤{DIFF_BUDGET['cold_s']:g} / ≤{DIFF_BUDGET['warm_s']:g}: {'met' if met else 'MISSED'}"
        before = RELEASED.get(name, {})
        released = f"{before.get('cold_s') or '-'} / {before.get('warm_s') or '-'}"
        print(f"{name:<22}{t['cold_s']:>8}{t['warm_s']:>8}{released:>24}{verdict}")


def main() -> None:
    # Commands are timed as an installed planctl runs: pip compiles its modules to bytecode when it
    # installs them, so a run does not compile them again. A shell that sets PYTHONDONTWRITEBYTECODE
    # (some CI images, this project's own machines) would add the compilation of some fifty modules,
    # a fifth of a second, to every command timed.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    if sys.argv[1:] == ["commands"]:  # `make bench-commands`: the commands' cold and warm times only
        print_commands(command_figures())
        return
    if sys.argv[1:2] == ["engine-run"]:
        engine_run(*sys.argv[2:4])
        return
    if sys.argv[1:] == ["engine"]:  # `make bench-engine`: serial, the old pool and Dask on the same alignments
        engine_figures()  # prints each size as it is done
        return
    if sys.argv[1:2] == ["candidates"]:  # `python scripts/bench.py candidates [N]`: candidates against all pairs
        if sys.argv[2:]:
            with _scaled_corpus(int(sys.argv[2])) as (corpus, env, _fresh):
                os.environ["PLANCTL_CACHE"] = env["PLANCTL_CACHE"]
                print(json.dumps(candidate_recall(corpus), indent=2))
        else:
            print(json.dumps(candidate_recall(), indent=2))
        return
    if sys.argv[1:2] == ["trace"]:  # `python scripts/bench.py trace [N ...]`: the trace figures only
        sizes = tuple(int(a) for a in sys.argv[2:]) or (1000,)
        print(json.dumps(trace_figures(sizes), ensure_ascii=False, indent=2))
        return
    result = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{os.cpu_count()} cores {platform.machine()} python {sys.version.split()[0]}",
        "startup": startup_figures(),
        "parse": parse_figures(),
        "pdf": pdf_figures(),
        "formats": format_figures(),
        "commands": command_figures(),
        "alignment": quality_figures(),
        "compare": compare_figures(),
        "engine": engine_figures(),
        "candidates": candidate_recall(),
        "trace": trace_figures(),
        "scale": scale_figures(),
    }
    print(f"{result['date']} · {result['machine']}")
    print(f"{'start-up (warm)':<40}{'s':>7}{'× python':>10}{'target':>8}")
    for name, t in result["startup"].items():
        target = f"≤{t['target']:g}" if t["target"] else ""
        verdict = "" if t["met"] is None else (" met" if t["met"] else " MISSED")
        print(f"{name:<40}{t['warm_s']:>7}{t['ratio']:>10}{target:>8}{verdict}")
    p = result["parse"]
    print(f"parse {p['parse_mb_s']} MB/s (reading {p['read_mb_s']} MB/s) on {p['corpus_bytes']} bytes")
    f = result["pdf"]
    print(f"pdf ingestion {f['pages_per_s']} pages/s ({f['pages']} pages in {f['seconds']} s)")
    print(f"{'format (read + parse)':<24}{'units':>16}{'s':>8}{'per s':>10}")
    for name, t in result["formats"].items():
        print(f"{name:<24}{t['units']:>6} {t['unit']:<9}{t['seconds']:>8}{t['per_s']:>10}")
    print_commands(result["commands"])
    print(f"{'gold set':<26}{'P':>6}{'R':>6}{'base P':>8}{'base R':>8}")
    for name, q in result["alignment"].items():
        print(f"{name:<26}{q['precision']:>6}{q['recall']:>6}{q['baseline_precision']:>8}{q['baseline_recall']:>8}")
    print(f"{'compare --topic employment':<28}{'plans':>6}{'aligned':>8}{'of pairs':>9}{'cold s':>8}{'warm s':>8}"
          f"{'peak MB':>9}")
    for n, t in result["compare"].items():
        print(f"{n + ' documents':<28}{t['plans_compared']:>6}{t['alignments']:>8}{t['all_pairs']:>9}{t['cold_s']:>8}"
              f"{t['warm_s']:>8}{t['peak_mb']:>9}")
    for n, t in result["trace"].items():
        print(f"trace of {t['source']} at {n} documents: cold {t['cold_s']} s, warm {t['warm_s']} s, peak "
              f"{t['peak_mb']} MB; {t['aligned']} of {t['considered']} documents aligned, {t['adopters']} took up "
              f"measures; precision {t['precision']}; recall {t['recall_all_origins']} of {t['true_pairs']} true "
              f"pairs, planted {t['recall_planted']}")
    scale = {k: v for k, v in result["scale"].items() if k != "growth"}
    cols = ["documents", "mb", "parse_mb_s", "read_mb_s", "jieba_mb_s", "list_cold_s", "list_warm_s", "show_cold_s",
            "show_warm_s", "diff_cold_s", "diff_warm_s", "export_cold_s", "export_warm_s", "search_cold_s",
            "search_warm_s", "grep_r_s", "rg_s", "index_build_s", "index_mb", "index_ratio", "peak_mb"]
    for col in cols:
        print(f"{col:<15}" + "".join(f"{s.get(col) if s.get(col) is not None else '-'!s:>10}" for s in scale.values()))
    print("growth 10→1000, ratio per document (≤ 1 = no faster than linear):", result["scale"]["growth"])
    print(f"{'search index':<16}{'build s':>9}{'MB':>8}{'× text':>8}{'released: build s / MB / × text':>36}")
    for n, row in scale.items():
        before = INDEX_BEFORE.get(n, {})
        released = " / ".join(str(before.get(k, "-")) for k in ("index_build_s", "index_mb", "index_ratio"))
        now = f"{row['index_build_s']:>9}{row['index_mb']:>8}{row['index_ratio']:>8}"
        print(f"{n + ' documents':<16}{now}{released:>36}")
    Path("bench.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
