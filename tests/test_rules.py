"""The rule table's contract: what a rule declares and what its silent mode promises."""

from __future__ import annotations

import pytest

from planctl.ingest import read_source
from planctl.parse.rules import RULES, lines_to_state, opens_at, opens_block
from tests.helpers import CORPUS

FILES = sorted(CORPUS.glob("*.txt"))


def test_what_a_rule_may_interrupt_is_a_rule() -> None:
    names = [rule.name for rule in RULES]
    assert len(set(names)) == len(names)
    for rule in RULES:
        assert set(rule.interrupts) <= set(names), rule.name
    assert RULES[-1].name == "paragraph", "the paragraph rule claims any line, so it comes last"


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_silent_mode_pushes_and_learns_nothing(path) -> None:
    """Asked in silent mode on any line, a rule leaves the state as it found it."""
    state = lines_to_state(read_source(path).lines)
    state.line = -1
    for i, line in enumerate(state.lines):
        if line.blank:
            continue
        for rule in RULES:
            rule.fn(state, i, True)
            assert (state.blocks, state.line, state.announced, state.content_started) == ([], -1, set(), False), \
                f"{rule.name} in silent mode changed the state at line {line.number}"


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_what_interrupts_a_title_is_decided_by_the_line_alone(path) -> None:
    """opens_block(text) asks the rules about a line out of context; that must be what they say in it."""
    state = lines_to_state(read_source(path).lines)
    for i, line in enumerate(state.lines):
        if not line.blank:
            assert opens_at(state, i, "title") == opens_block(line.text), f"line {line.number}: {line.text}"


def test_opens_block() -> None:
    assert opens_block("（一）指导思想。") and opens_block("专栏1 重点群体就业") and opens_block("——加快培育新动能。")
    assert opens_block("目录") and opens_block("注：〔 〕表示五年累计数。") and opens_block("指标\t单位\t2025年")
    assert not opens_block("坚持稳中求进工作总基调") and not opens_block("甘肃省“十四五”就业促进规划")
