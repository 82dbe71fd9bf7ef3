"""The lexicon: user terms stay whole, numbers stay whole, synonyms canonicalise, boilerplate goes."""

from __future__ import annotations

import sys

import pytest

from planctl.lexicon import lexicon

LEX = lexicon()


def test_hundreds_of_user_terms() -> None:
    assert len(LEX.user_terms) >= 250


@pytest.mark.parametrize("term", LEX.user_terms)
def test_user_term_survives_segmentation(term: str) -> None:
    assert LEX.tokens(term) == [term]


@pytest.mark.parametrize("term", ["零工市场", "专精特新", "三支一扶", "就业见习", "以工代赈", "稳就业"])
def test_terms_survive_inside_sentences(term: str) -> None:
    assert term in LEX.tokens(f"鼓励有条件的地方推进{term}工作，加快发展。")


def test_numbers_percent_and_cumulative_brackets_are_single_tokens() -> None:
    tokens = LEX.tokens("城镇调查失业率控制在5.5%左右，累计〔150〕万人，2025年")
    assert "5.5%" in tokens and "〔150〕" in tokens and "2025" in tokens


def test_synonyms_canonicalise() -> None:
    assert LEX.canonical_tokens("农牧区劳动力转移就业") == LEX.canonical_tokens("输转城乡富余劳动力")
    assert LEX.canonical_tokens("城镇新增就业") == LEX.canonical_tokens("城镇新增就业人数")
    assert LEX.canonical_phrase("加强组织领导") == LEX.canonical_phrase("组织领导")


def test_boilerplate_and_stopwords_are_dropped() -> None:
    assert LEX.canonical_tokens("以习近平新时代中国特色社会主义思想为指导，加快推进零工市场建设") == ["零工市场"]


def test_jieba_is_loaded_lazily() -> None:
    import subprocess

    code = "import planctl.cli, planctl.corpus, planctl.lexicon, sys; print('jieba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_token_cache_round_trip(tmp_path, monkeypatch) -> None:
    from planctl.lexicon import Lexicon

    monkeypatch.setenv("PLANCTL_CACHE", str(tmp_path))
    fresh = Lexicon(user_terms=["零工市场"], synonyms={}, stopwords=frozenset(), boilerplate=[], fingerprint="t")
    assert fresh.tokens("发展零工市场") == ["发展", "零工市场"]
    fresh.save_cache()
    (cache_file,) = tmp_path.glob("tokens-t.sqlite")
    again = Lexicon(user_terms=[], synonyms={}, stopwords=frozenset(), boilerplate=[], fingerprint="t")
    assert again.tokens("发展零工市场") == ["发展", "零工市场"]  # served from the cache file
    assert again._tokenizer is None  # jieba was never needed
    cache_file.write_text("{damaged", encoding="utf-8")
    damaged = Lexicon(user_terms=["零工市场"], synonyms={}, stopwords=frozenset(), boilerplate=[], fingerprint="t")
    assert damaged.tokens("发展零工市场") == ["发展", "零工市场"]


def test_prefix_dictionary_is_jiebas() -> None:
    """The faster build of jieba's prefix dictionary (a cold start's larger part) is exactly jieba's."""
    import io

    import jieba

    from planctl.lexicon import _prefix_dictionary

    tk = jieba.Tokenizer()
    assert _prefix_dictionary(tk.get_dict_file()) == tk.gen_pfdict(tk.get_dict_file())
    # a word also the prefix of a longer word keeps its frequency; a line without a tag is read as jieba reads it
    odd = "中国 10 ns\n中国人 5\n中 7 n\n"
    assert _prefix_dictionary(io.BytesIO(odd.encode())) == ({"中": 7, "中国": 10, "中国人": 5}, 22)
    assert _prefix_dictionary(io.BytesIO(odd.replace(" 5\n", " 5 n\n").encode())) == (
        {"中": 7, "中国": 10, "中国人": 5}, 22)
