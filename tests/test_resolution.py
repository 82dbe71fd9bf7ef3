"""Resolving plan references: ids, aliases, editions, topic matching for pairs."""

from __future__ import annotations

import pytest

from planctl.corpus import load_corpus
from planctl.errors import PlanctlError

corpus = load_corpus()


def test_ids_are_unique_and_derived() -> None:
    ids = [d.id for d in corpus.documents]
    assert len(ids) == len(set(ids)) == 10
    assert "gansu-employment-2021" in ids and "qinghai-employment-2021" in ids


def test_pair_prefers_matching_topic() -> None:
    a, b = corpus.resolve_pair("gansu", "qinghai")
    assert (a.id, b.id) == ("gansu-employment-2021", "qinghai-employment-2021")
    a, b = corpus.resolve_pair("wuwei", "甘肃")
    assert (a.id, b.id) == ("wuwei-employment-2022", "gansu-employment-2021")
    a, b = corpus.resolve_pair("甘肃省", "wuwei")
    assert a.id == "gansu-employment-2021"


def test_pair_mirrors() -> None:
    a, b = corpus.resolve_pair("qinghai", "gansu")
    assert (b.id, a.id) == ("gansu-employment-2021", "qinghai-employment-2021")


def test_primary_edition_has_doc_number() -> None:
    doc = corpus.resolve("gansu-employment")
    assert doc.doc_number and doc.source.index == 3
    web = corpus.by_id("gansu-employment-2021-2")
    assert web is not None and not web.doc_number


def test_ambiguous_and_unknown() -> None:
    with pytest.raises(PlanctlError, match="ambiguous") as err:
        corpus.resolve("gansu")
    assert len(err.value.hints) == 2
    with pytest.raises(PlanctlError, match="did you mean: wuwei"):
        corpus.resolve("wuwie")
    with pytest.raises(PlanctlError, match="no such file"):
        corpus.resolve("plans/missing.txt")


def test_plans_name_their_cover_notice() -> None:
    plan = corpus.resolve("wuwei")
    notice = corpus.by_id(plan.issued_by)
    assert notice is not None and notice.kind == "notice" and notice.doc_number == plan.doc_number


def test_a_group_settles_like_a_pair() -> None:
    ids = [d.id for d in corpus.resolve_group(["gansu", "qinghai", "wuwei"])]
    assert ids == ["gansu-employment-2021", "qinghai-employment-2021", "wuwei-employment-2022"]
    pair = corpus.resolve_pair("gansu", "wuwei")
    assert [d.id for d in corpus.resolve_group(["gansu", "wuwei"])] == [d.id for d in pair]
    assert corpus.resolve_group(["gansu", "qinghai"], topic="market-system")[0].id == "gansu-market-system-2021"
    with pytest.raises(PlanctlError, match="ambiguous"):
        corpus.resolve_group(["gansu"])


def test_a_file_names_the_document_its_cover_notice_issues() -> None:
    from planctl.corpus.resolve import prefer
    from planctl.model import Document, SourceRef

    def doc(kind: str, title: str, index: int) -> Document:
        return Document(f"x-{index}", title, kind, SourceRef("x.txt", index, index, index=index))

    notice, opinion = doc("notice", "关于印发实施意见的通知", 1), doc("opinion", "实施意见", 2)
    assert prefer([notice, opinion]) == [opinion]
    scheme, measures = doc("scheme", "行动计划", 3), doc("measures", "若干政策", 4)
    assert prefer([notice, scheme, measures]) == [scheme, measures]  # two documents: still ambiguous
    assert prefer([notice]) == [notice]
