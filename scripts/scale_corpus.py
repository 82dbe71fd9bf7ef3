"""Generate a scaled corpus from the seeds for benchmarks: ``python scripts/scale_corpus.py N DIR``.

Each generated file holds one document cut from a seed file (a plan or a notice), with its
region renamed to another real one of the same level (a provincial plan to a province, a city's
to a city), measures shuffled inside their sections, and terms swapped through the synonym table
— realistic variety, not byte copies.

**Planted adoptions.** Cities copy from their province. Every ``GROUP`` cycles of the seeds, the
copy of 甘肃's employment plan becomes the plan of one province, dated in 2021; the copies of
武威's city plan in those cycles become plans of cities of that province, dated 1–24 months
later, and each takes up measures of the provincial plan: copied (word for word, 全省 → 全市),
edited (a sentence dropped, terms swapped) or reworded (every term of the synonym table swapped,
the clauses after the lead in reverse order), inserted among its own measures.

**Ground truth**, written beside the corpus as ``DIR.truth.json``: the planted adoptions (source
file and line, target file and line, kind, both dates), and for every file the span and *origin*
of each measure — the seed measure it was made from, measures of identical text (two editions of
one plan) one origin. A measure of one document corresponds to a measure of another when they
have the same origin (``scripts/bench.py`` scores ``planctl trace`` on it).
"""

from __future__ import annotations

import json
import random
import re
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from planctl.cjk import is_han
from planctl.compare.align import compared_text
from planctl.compare.trace import source_measures
from planctl.corpus import load_corpus
from planctl.lexicon import lexicon
from planctl.model import MEASURE, Document, Node
from planctl.regions import Region, region_table

PROVINCE_SEED = "gansu-employment-2021"
"""The provincial plan whose copies plant adoptions (dated by its 印发 line)."""
CITY_SEED = "wuwei-employment-2022"
"""The city plan whose copies adopt (dated by its 印发 line)."""
GOLD = Path(__file__).resolve().parent.parent / "tests" / "gold"
"""Gold pairs of the seeds: which seed measures correspond, which headings a city's measures go under."""
GROUP = 5
"""Seed cycles sharing one provincial source: up to this many cities adopt from each."""
KINDS = ("copy", "edit", "reword")
PLANTED_PER_CITY = (6, 12)
"""How many measures of its province a city takes up (at least, at most)."""


@dataclass
class Made:
    """One generated file: its lines, each line's seed line (0: none), the seed document."""

    doc: Document
    lines: list[str]
    seed_lines: list[int]
    region: Region | None = None
    date: date | None = None
    planted: list[dict[str, Any]] = field(default_factory=list)


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


def _shuffled_lines(doc: Document, lines: list[str], rng: random.Random) -> tuple[list[str], list[int]]:
    """The document's lines with each run of sibling measures in a new order, and each output
    line's line number in the seed (0 for a blank line put between measures)."""
    first, last = doc.source.line_start, doc.source.line_end
    replacement: dict[int, list[int]] = {}
    skip: set[int] = set()
    for run in _measure_runs(doc.children):
        blocks = [list(range(n.line_start, n.line_end + 1)) for n in run]
        order = blocks[:]
        rng.shuffle(order)
        start = run[0].line_start
        replacement[start] = [k for block in order for k in [*block, 0]]
        skip.update(range(start, run[-1].line_end + 1))
    numbers: list[int] = []
    for k in range(first, last + 1):
        if k in replacement:
            numbers.extend(replacement[k])
        elif k not in skip:
            numbers.append(k)
    return [lines[k - 1] if k else "" for k in numbers], numbers


def _han(text: str) -> str:
    return "".join(ch for ch in text if is_han(ch))


def _gold_pairs(docs: list[tuple[Document, list[str]]]) -> list[tuple[Node, Node]]:
    """The node pairs the gold files (tests/gold) say correspond between two seed documents."""
    from planctl.compare.evaluate import read_gold

    by_id = {doc.id: doc for doc, _ in docs}
    out: list[tuple[Node, Node]] = []
    for path in sorted(GOLD.glob("*.tsv")):
        gold = read_gold(path)
        if not all(ref in by_id for ref in gold.refs):
            continue
        nodes = [{(n.path, n.title): n for n in by_id[ref].walk()} for ref in gold.refs]
        out += [(nodes[0][a], nodes[1][b]) for a, b in gold.pairs_in("all") if a in nodes[0] and b in nodes[1]]
    return out


def _origins(docs: list[tuple[Document, list[str]]]) -> list[dict[int, tuple[int, Node]]]:
    """Per seed document, seed line → (origin, measure node) for the lines of its traced
    measures. Measures of identical Han text (two editions of one plan) share an origin, and so
    do measures a gold file pairs (武威's measures it took from 甘肃's plan)."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    by_text: dict[str, int] = {}
    measures = [source_measures(doc) for doc, _ in docs]
    for node in (n for ms in measures for n in ms):
        key = _han(compared_text(node))
        parent[find(id(node))] = find(by_text.setdefault(key, id(node)))
    traced = {id(n) for ms in measures for n in ms}
    for a, b in _gold_pairs(docs):
        if id(a) in traced and id(b) in traced:
            parent[find(id(a))] = find(id(b))
    number: dict[int, int] = {}
    out: list[dict[int, tuple[int, Node]]] = []
    for ms in measures:
        table: dict[int, tuple[int, Node]] = {}
        for node in ms:
            origin = number.setdefault(find(id(node)), len(number))
            for line in range(node.line_start, node.line_end + 1):
                table[line] = (origin, node)
        out.append(table)
    return out


def _placement(docs: list[tuple[Document, list[str]]], source: int, city: int) -> dict[str, str]:
    """Heading path of the source seed → the city seed's heading that corresponds to it (gold
    heading pairs): where a city puts what it takes from its province."""
    if source < 0 or city < 0:
        return {}
    heads = ("chapter", "section")
    out: dict[str, str] = {}
    for a, b in _gold_pairs(docs):
        if a.kind in heads and b.kind in heads:
            for x, y in ((a, b), (b, a)):
                if any(x is n for n in docs[source][0].walk()) and any(y is n for n in docs[city][0].walk()):
                    out[x.path] = y.path
    return out


def _spans(made: Made, origin: dict[int, tuple[int, Node]]) -> list[list[int]]:
    """[first line, last line, origin] of each seed measure in the generated file (1-based)."""
    spans: dict[int, list[int]] = {}
    for k, seed in enumerate(made.seed_lines, start=1):
        held = origin.get(seed)
        if held is None:
            continue
        span = spans.setdefault(id(held[1]), [k, k, held[0]])
        span[1] = k
    return sorted(spans.values())


def _dated(text: str, old: str, new: date) -> str:
    """``text`` with its date ``old`` (as printed: 2022年1月5日) replaced by ``new``."""
    return text.replace(old, f"{new.year}年{new.month}月{new.day}日")


def _edit(block: list[str], rng: random.Random, swap: Any) -> list[str]:
    """A sentence dropped (not the lead) and some terms swapped."""
    text = "\n".join(block)
    sentences = re.split(r"(?<=。)", text)
    sentences = [s for s in sentences if s]
    if len(sentences) >= 3:
        del sentences[rng.randrange(1, len(sentences))]
    return swap("".join(sentences), 0.5).split("\n")


def _reword(block: list[str], rng: random.Random, swap: Any) -> list[str]:
    """Every term of the synonym table swapped; after the lead, each sentence's clauses reversed."""
    text = swap("\n".join(block), 1.0)
    lead, sep, rest = text.partition("。")
    if not sep:
        return text.split("\n")
    sentences = [s for s in re.split(r"(?<=。)", rest) if s]
    reordered = []
    for s in sentences:
        end = "。" if s.endswith("。") else ""
        clauses = [c for c in s.rstrip("。").split("，") if c]
        reordered.append("，".join(reversed(clauses)) + end)
    return (lead + sep + "".join(reordered)).split("\n")


def generate(n: int, target: Path, seed: int = 14, *, plant: bool = True) -> list[Path]:
    """Write ``n`` one-document files into ``target`` (and, with ``plant``, the ground truth
    beside it: ``target.truth.json``); returns their paths."""
    rng = random.Random(seed)
    docs = _documents()
    table = region_table()
    cities_of = {r.name: [c for c in table.regions if c.parent == r.name and c.level == "city"]
                 for r in table.regions if r.level == "province"}
    provinces = [r for r in table.regions if r.level == "province" and len(cities_of[r.name]) >= GROUP]
    regions = {"province": [r for r in table.regions if r.level == "province"],
               "city": [r for r in table.regions if r.level == "city"]}
    lex = lexicon()
    classes = {term: lex.expand(term) for term in lex.synonyms}  # term → every term of its class
    swappable = sorted((t for t, c in classes.items() if len(c) > 1 and len(t) >= 3), key=len, reverse=True)
    swap_re = re.compile("|".join(map(re.escape, swappable)))

    def swap(text: str, share: float) -> str:
        def other(m: re.Match[str]) -> str:
            term = m.group(0)
            if rng.random() >= share:
                return term
            return rng.choice([t for t in classes[term] if t != term] or [term]) if share >= 1 else \
                rng.choice(classes[term])
        return swap_re.sub(other, text)

    origins = _origins(docs)
    ids = [d.id for d, _ in docs]
    source_index = ids.index(PROVINCE_SEED) if PROVINCE_SEED in ids else -1
    city_index = ids.index(CITY_SEED) if CITY_SEED in ids else -1
    placement = _placement(docs, source_index, city_index)
    made: list[Made] = []
    sources: dict[int, Made] = {}  # group → its provincial source
    for k in range(n):
        doc, lines = docs[k % len(docs)]
        group = k // (len(docs) * GROUP)
        out, numbers = _shuffled_lines(doc, lines, rng)
        item = Made(doc, out, numbers)
        planted_city = plant and k % len(docs) == city_index and group in sources
        if plant and k % len(docs) == source_index and group not in sources:
            item.region = rng.choice(provinces)
            item.date = date(2021, 1, 1) + timedelta(days=rng.randrange(365))
            sources[group] = item
        elif planted_city:
            province = sources[group].region
            taken = {m.region.name for m in made if m.planted and m.region is not None}
            cities = [c for c in cities_of[province.name] if c.name not in taken]  # type: ignore[union-attr]
            item.region = rng.choice(cities or regions["city"])
            item.date = sources[group].date + timedelta(days=rng.randrange(30, 730))  # type: ignore[operator]
        else:
            item.region = rng.choice(regions.get(doc.level, regions["province"] + regions["city"]))
        text = "\n".join(item.lines)
        if doc.region:
            short = doc.region[:-1] if doc.region.endswith(("省", "市")) else doc.region
            text = text.replace(doc.region, item.region.name).replace(short, item.region.short)
        if item.date is not None:
            text = _dated(text, {PROVINCE_SEED: "2021年10月13日", CITY_SEED: "2022年1月5日"}[doc.id], item.date)
        item.lines = swap(text, 0.3).split("\n")
        if planted_city:
            _plant(item, sources[group], origins[source_index], origins[city_index], placement, rng, swap)
        made.append(item)
    target.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    files: list[dict[str, Any]] = []
    planted: list[dict[str, Any]] = []
    names = {id(m): f"{k:05d}-{m.region.pinyin if m.region else 'x'}.txt" for k, m in enumerate(made)}
    for k, item in enumerate(made):
        path = target / names[id(item)]
        path.write_text("\n".join(item.lines) + "\n", encoding="utf-8")
        paths.append(path)
        spans = _spans(item, origins[k % len(docs)])
        spans += [[p["target_line"], p["target_line"] + p["lines"] - 1, p["origin"]] for p in item.planted]
        files.append({"file": path.name, "seed": item.doc.id, "topic": item.doc.topic,
                      "region": item.region.name if item.region else "",
                      "date": item.date.isoformat() if item.date else "", "measures": sorted(spans)})
        for p in item.planted:
            planted.append(p | {"target_file": path.name, "source_file": names[id(p.pop("source"))]})
    if plant:
        truth = {"documents": n, "seed": seed, "planted": planted, "files": files}
        target.with_name(target.name + ".truth.json").write_text(json.dumps(truth, ensure_ascii=False) + "\n",
                                                                 encoding="utf-8")
    return paths


def _plant(city: Made, source: Made, source_origin: dict[int, tuple[int, Node]],
           city_origin: dict[int, tuple[int, Node]], placement: dict[str, str], rng: random.Random,
           swap: Any) -> None:
    """Insert measures of ``source`` (its final text, renamed to the city) into ``city``'s runs
    of measures, under the heading that corresponds to the measure's own (anywhere when none
    does); records each in ``city.planted`` with both files' lines."""
    assert source.region is not None and city.region is not None
    blocks: dict[int, list[int]] = {}  # source measure → its output lines (0-based)
    for k, seed in enumerate(source.seed_lines):
        held = source_origin.get(seed)
        if held is not None and held[1].kind == MEASURE and not held[1].number:
            blocks.setdefault(id(held[1]), []).append(k)
    eligible = [rows for rows in blocks.values() if len(_han("".join(source.lines[r] for r in rows))) >= 30]
    # Where a city puts them: before one of its own run measures.
    starts: dict[str, list[int]] = {}  # heading path → lines where one of its run measures starts
    for k, seed in enumerate(city.seed_lines):
        node = city_origin[seed][1] if seed in city_origin else None
        if node is not None and node.kind == MEASURE and not node.number and node.line_start == seed:
            starts.setdefault(node.path, []).append(k)
    if not eligible or not starts:
        return
    chosen = rng.sample(eligible, min(len(eligible), rng.randint(*PLANTED_PER_CITY)))
    inserts: dict[int, list[tuple[list[str], dict[str, Any]]]] = {}
    for n, rows in enumerate(chosen):
        kind = KINDS[n % len(KINDS)]
        block = [source.lines[r] for r in rows]
        renamed = [ln.replace(source.region.name, city.region.name).replace(source.region.short, city.region.short)
                   .replace("全省", "全市") for ln in block]
        if kind == "edit":
            renamed = _edit(renamed, rng, swap)
        elif kind == "reword":
            renamed = _reword(renamed, rng, swap)
        held = source_origin[source.seed_lines[rows[0]]]
        near = starts.get(placement.get(held[1].path, ""), [])
        record = {"kind": kind, "source": source, "source_line": rows[0] + 1, "origin": held[0],
                  "lines": len(renamed), "source_date": source.date.isoformat() if source.date else "",
                  "target_date": city.date.isoformat() if city.date else ""}
        inserts.setdefault(rng.choice(near or [k for ks in starts.values() for k in ks]), []).append((renamed, record))
    lines: list[str] = []
    numbers: list[int] = []
    for k, (line, seed) in enumerate(zip(city.lines, city.seed_lines, strict=True)):
        for block, record in inserts.get(k, []):
            record["target_line"] = len(lines) + 1
            lines += [*block, ""]
            numbers += [0] * (len(block) + 1)
            city.planted.append(record)
        lines.append(line)
        numbers.append(seed)
    city.lines, city.seed_lines = lines, numbers


if __name__ == "__main__":
    count, out_dir = int(sys.argv[1]), Path(sys.argv[2])
    print(f"wrote {len(generate(count, out_dir))} files to {out_dir}")
