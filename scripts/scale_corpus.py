"""Generate a scaled corpus from the seeds for benchmarks: ``python scripts/scale_corpus.py N DIR``.

Each generated file holds one document cut from a seed file (a plan or a notice), with its
region renamed to another real one, measures shuffled inside their sections, and terms swapped
through the synonym table — realistic variety, not byte copies.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

from planctl.corpus import load_corpus
from planctl.lexicon import lexicon
from planctl.model import MEASURE, Document, Node
from planctl.regions import region_table


def _documents() -> list[tuple[Document, list[str]]]:
    corpus = load_corpus()
    return [(doc, [ln.text for ln in corpus.source_of(doc).lines]) for doc in corpus.documents]


def _measure_runs(nodes: list[Node]) -> list[list[Node]]:
    """Maximal runs of consecutive sibling measures, at every level."""
    runs: list[list[Node]] = []
    run: list[Node] = []
    for node in nodes:
        if node.kind == MEASURE and not node.number:
            run.append(node)
            continue
        if len(run) > 1:
            runs.append(run)
        run = []
        runs.extend(_measure_runs(node.children))
    if len(run) > 1:
        runs.append(run)
    return runs


def _shuffled_lines(doc: Document, lines: list[str], rng: random.Random) -> list[str]:
    """The document's lines with each run of sibling measures in a new order."""
    first, last = doc.source.line_start, doc.source.line_end
    replacement: dict[int, list[str]] = {}
    skip: set[int] = set()
    for run in _measure_runs(doc.children):
        blocks = [lines[n.line_start - 1 : n.line_end] for n in run]
        order = blocks[:]
        rng.shuffle(order)
        start = run[0].line_start
        replacement[start] = [ln for block in order for ln in [*block, ""]]
        skip.update(range(start, run[-1].line_end + 1))
    out: list[str] = []
    for k in range(first, last + 1):
        if k in replacement:
            out.extend(replacement[k])
        elif k not in skip:
            out.append(lines[k - 1])
    return out


def generate(n: int, target: Path, seed: int = 14) -> list[Path]:
    """Write ``n`` one-document files into ``target``; returns their paths."""
    rng = random.Random(seed)
    docs = _documents()
    regions = [r for r in region_table().regions if r.level in ("province", "city")]
    lex = lexicon()
    classes = {term: lex.expand(term) for term in lex.synonyms}  # term → every term of its class
    swappable = sorted((t for t, c in classes.items() if len(c) > 1 and len(t) >= 3), key=len, reverse=True)
    swap_re = re.compile("|".join(map(re.escape, swappable)))
    target.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(n):
        doc, lines = docs[k % len(docs)]
        region_name = doc.region
        new = rng.choice(regions)
        text = "\n".join(_shuffled_lines(doc, lines, rng))
        if region_name:
            short = region_name[:-1] if region_name.endswith(("省", "市")) else region_name
            text = text.replace(region_name, new.name).replace(short, new.short)
        text = swap_re.sub(lambda m: rng.choice(classes[m.group(0)]) if rng.random() < 0.3 else m.group(0), text)
        path = target / f"{k:05d}-{new.pinyin}.txt"
        path.write_text(text + "\n", encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    count, out_dir = int(sys.argv[1]), Path(sys.argv[2])
    print(f"wrote {len(generate(count, out_dir))} files to {out_dir}")
