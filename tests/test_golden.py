"""Golden cases: tests/cases/*.case hold an input excerpt and the expected tree side by side.

Set PLANCTL_REGEN=1 to rewrite the expected part from the current parser (then review the diff).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from planctl.ingest import decode_bytes
from planctl.parse import parse_source
from planctl.parse.lossless import lost_characters
from tests.helpers import case_outline

CASES = sorted((Path(__file__).parent / "cases").glob("*.case"))
SEP = "--- outline\n"


def _split(path: Path) -> tuple[str, str, str]:
    text = path.read_text(encoding="utf-8")
    head, rest = text.split("--- input\n", 1)
    source, expected = rest.split(SEP, 1)
    return head, source, expected.strip("\n")


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_golden_case(case: Path) -> None:
    head, source, expected = _split(case)
    src = decode_bytes(source.encode("utf-8"), path=case.name)
    docs = parse_source(src)
    actual = case_outline(docs)
    if os.environ.get("PLANCTL_REGEN"):
        case.write_text(f"{head}--- input\n{source}{SEP}{actual}\n", encoding="utf-8")
    assert actual == expected
    assert not lost_characters(src, docs), "every Han character and digit must land in the tree"


def test_cases_exist() -> None:
    assert len(CASES) >= 15
