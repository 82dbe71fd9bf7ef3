"""The "nothing lost" check: every Han character and digit of the input is in the tree.

Example::

    >>> from planctl.ingest import decode_bytes
    >>> from planctl.parse import parse_source
    >>> src = decode_bytes("一、总体要求\\n（一）稳就业。保就业。\\n".encode())
    >>> lost_characters(src, parse_source(src))
    Counter()
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from planctl.cjk import han_digits
from planctl.model import Document, Source


def tree_characters(docs: Iterable[Document]) -> Counter[str]:
    """Multiset of Han characters and digits held in the source-text fields of the trees."""
    counts: Counter[str] = Counter()
    for doc in docs:
        for node in doc.walk():
            for text in node.source_strings():
                counts.update(han_digits(text))
    return counts


def source_characters(source: Source) -> Counter[str]:
    """Multiset of Han characters and digits of the source."""
    counts: Counter[str] = Counter()
    for line in source.lines:
        counts.update(han_digits(line.text))
    return counts


def lost_characters(source: Source, docs: Iterable[Document]) -> Counter[str]:
    """Characters of ``source`` missing from the tree (positive counts) or invented by it.

    An empty Counter means the parse is lossless. Invented characters are reported with a
    ``+`` prefix so a single Counter carries both directions.
    """
    src = source_characters(source)
    tree = tree_characters(docs)
    diff: Counter[str] = Counter()
    diff.update(src - tree)
    diff.update({f"+{k}": v for k, v in (tree - src).items()})
    return diff
