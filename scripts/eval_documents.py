"""``make eval``: how planctl reads every real file in ../shared/real/ and every shipped file.

Per file: documents found against those a reader sees (tests/test_real_documents.py states them),
top-level divisions, 专栏, 第X条 articles, measures, 文号 read, indicator rows exported (and rows
of an indicator table that could not be read), and the share of characters kept as
furniture (web chrome, database headers, duplicates, tables of contents). A file that cannot be
read is a row saying why. Prints a markdown table (the README carries it).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tabulate import tabulate  # noqa: E402

from planctl.env import Environment  # noqa: E402
from planctl.errors import PlanctlError  # noqa: E402
from planctl.indicators import indicator_tables  # noqa: E402
from planctl.ingest import read_source  # noqa: E402
from planctl.model import APPENDIX, ARTICLE, CHAPTER, COLUMN, FURNITURE, MEASURE  # noqa: E402
from planctl.parse import parse  # noqa: E402
from tests.test_real_documents import CORPUS, EXPECTED, REAL  # noqa: E402


def _row(name: str, path: Path) -> list[object]:
    expected = len(EXPECTED.get(name, [])) or "?"
    try:
        result = parse(read_source(path, display=name, env=Environment.recording()))
    except PlanctlError as exc:
        return [name, "—", expected, str(exc).split(": ", 1)[-1][:40], "", "", "", "", "", ""]
    docs = result.documents
    nodes = [n for d in docs for n in d.walk()]
    total = sum(len(s) for n in nodes for s in n.source_strings()) or 1
    furniture = sum(len(s) for n in nodes if n.kind == FURNITURE for s in n.source_strings())
    found = len(docs)
    tables = [t for d in docs for t in indicator_tables(d)]
    rows = sum(len(t.indicators) for t in tables)
    unread = sum(len(t.unread) for t in tables)
    mark = "" if found == expected else " ✗"
    return [
        name, f"{found}{mark}", expected,
        " · ".join(str(sum(n.kind in (CHAPTER, APPENDIX) for n in d.children)) for d in docs),
        sum(n.kind == COLUMN for n in nodes), sum(n.kind == ARTICLE for n in nodes),
        sum(n.kind == MEASURE for n in nodes), " · ".join(dict.fromkeys(d.doc_number for d in docs if d.doc_number)),
        f"{rows}" + (f" ({unread} unread)" if unread else ""), f"{100 * furniture / total:.1f}%",
    ]


def main() -> None:
    files: list[tuple[str, Path]] = []
    if REAL.is_dir():
        files += [(p.name, p) for p in sorted(REAL.iterdir()) if p.is_file() and p.name != "SOURCES.md"]
    else:
        print(f"({REAL} not found: real documents skipped)")
    files += [(p.name, p) for p in sorted(CORPUS.glob("*.txt"))]
    rows = [_row(name, path) for name, path in files]
    headers = ["file", "documents", "expected", "top-level divisions per document", "专栏", "articles", "measures",
               "文号", "indicator rows", "furniture"]
    print(tabulate(rows, headers=headers, tablefmt="github", disable_numparse=True))
    wrong = [r[0] for r in rows if str(r[1]).endswith("✗") or r[1] == "—"]
    print(f"\n{len(rows) - len(wrong)} of {len(rows)} files read into the documents a reader sees"
          + (f"; not yet: {', '.join(map(str, wrong))}" if wrong else ""))


if __name__ == "__main__":
    main()
