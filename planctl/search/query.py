"""The query language of ``planctl search``: words (all must match), ``A OR B``, ``-word``
to exclude, ``"exact phrase"``.

Example::

    >>> q = parse_query('零工市场 -驿站 "就业服务" OR 人才市场')
    >>> [(g.terms, g.negated) for g in q.groups]
    [(['零工市场'], False), (['驿站'], True), (['就业服务', '人才市场'], False)]
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass

from planctl.cjk import squeeze_spaces
from planctl.errors import PlanctlError

# NUL and other control characters: never in a document's text, and SQLite's FTS cannot take them
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class TermGroup:
    """Terms joined by OR; a negated group excludes nodes containing any of them."""

    terms: list[str]
    negated: bool = False


@dataclass
class Query:
    """A parsed query: every positive group must match, no negated group may."""

    groups: list[TermGroup]
    typed_words: int | None = None
    """Positive words as typed, when synonym expansion has added terms (None: count the terms)."""

    @property
    def positive_terms(self) -> list[str]:
        return [t for g in self.groups if not g.negated for t in g.terms]

    @property
    def positive_words(self) -> int:
        """How many positive words the user typed (synonyms added by expansion do not count)."""
        return len(self.positive_terms) if self.typed_words is None else self.typed_words

    def expanded(self, expand: Callable[[str], list[str]]) -> Query:
        """The same query with each term replaced by ``expand(term)`` (a term and its synonyms)."""
        groups = [TermGroup(list(dict.fromkeys(v for t in g.terms for v in expand(t))), g.negated) for g in self.groups]
        return Query(groups, self.positive_words)


def _words(text: str) -> list[str]:
    """Split on spaces, keeping ``"quoted phrases"`` whole; a quote that is never closed (``It's``)
    is an ordinary character."""
    try:
        lexer = shlex.shlex(text, posix=True)
        lexer.whitespace_split = True
        lexer.commenters = ""
        return list(lexer)
    except ValueError:
        return text.split()


def parse_query(text: str, *, any_term: bool = False) -> Query:
    """Words (all must match), ``A OR B``, ``-word`` to exclude, ``"exact phrase"``.

        >>> [g.terms for g in parse_query("It's 稳岗").groups]
        [["It's"], ['稳岗']]
    """
    words = _words(text)
    for word in words:
        if word.startswith("--") and len(word) > 2:
            raise PlanctlError(f"unknown option '{word.split('=')[0]}' (to exclude a word, put one '-' before it)")
    groups: list[TermGroup] = []
    join_next = False
    for word in words:
        if word == "OR":
            join_next = bool(groups)
            continue
        negated = word.startswith("-") and len(word) > 1
        term = _CONTROL_RE.sub("", squeeze_spaces(word[1:] if negated else word)).strip()
        if not term:
            continue
        if join_next and not negated and groups and not groups[-1].negated:
            groups[-1].terms.append(term)
        else:
            groups.append(TermGroup([term], negated))
        join_next = False
    if any_term:
        positive = [t for g in groups if not g.negated for t in g.terms]
        groups = [TermGroup(positive)] + [g for g in groups if g.negated] if positive else groups
    if not any(not g.negated for g in groups):
        raise PlanctlError("the query needs at least one word that is not excluded")
    return Query(groups)
