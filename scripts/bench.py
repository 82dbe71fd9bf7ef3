"""Parse benchmark (``make bench``): throughput of the parser on the shipped corpus,
next to the raw reading speed of the same bytes. Not part of ``make test``.

Prints a table and writes ``bench.json`` beside the current directory.
"""

from __future__ import annotations

import json
import platform
import statistics
import sys
import time
from pathlib import Path

from planctl.ingest.text import decode_bytes
from planctl.parse import parse_source

ROOT = Path(__file__).resolve().parent.parent


def _median(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
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
    result = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()} {platform.processor() or ''} python {sys.version.split()[0]}".strip(),
        "corpus_bytes": size,
        "files": len(files),
        "read_mb_s": round(size / t_read / 1e6, 1),
        "parse_mb_s": round(size / t_parse / 1e6, 2),
        "parse_seconds": round(t_parse, 4),
    }
    width = max(len(k) for k in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    Path("bench.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
