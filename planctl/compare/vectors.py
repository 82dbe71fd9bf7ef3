"""Domain word vectors: what words mean, learned from thousands of government texts.

The vectors ship in ``dictionaries/vectors/`` (built by ``scripts/train_vectors.py``; the card in
``dictionaries/README.md`` says from what and how; :func:`planctl.workspace.shipped_vectors`
finds them, this module only reads the folder it is given): ``words.txt`` (one word a line, most frequent
first) with ``words.npy`` (float16 unit vectors, one row a word), and ``chars.txt`` /
``chars.npy``, one vector per CJK character, for words the vocabulary lacks. Nothing is read
until a vector is asked for, and the arrays are memory-mapped, so commands that never compare
pay nothing and the rest pay only for the rows they touch.

A word outside the vocabulary (a compound the corpus never had often enough: ``农民工工资``)
gets the mean of its parts: from left to right, the longest piece of it that is a vocabulary
word (``农民工`` + ``工资``), else one character's vector.

Example::

    >>> from planctl.workspace import shipped_vectors
    >>> wv = shipped_vectors()
    >>> wv.similarity("农民工", "务工人员") > wv.similarity("农民工", "大气污染")
    True
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planctl.errors import PlanctlError

if TYPE_CHECKING:
    import numpy as np

VECTORS_DIRNAME = "vectors"
WORDS_FILE, WORDS_ARRAY = "words.txt", "words.npy"
CHARS_FILE, CHARS_ARRAY = "chars.txt", "chars.npy"


@dataclass(frozen=True)
class VectorSettings:
    """How a word outside the vocabulary is built from its parts.

    Example::

        >>> VectorSettings().max_part_chars
        8
    """

    min_part_chars: int = 2
    """A vocabulary word used as a part has at least this many characters (shorter: characters)."""
    max_part_chars: int = 8
    """Longest part looked up (longer vocabulary words are rare and never parts of a compound)."""
    block_rows: int = 16_384
    """Rows converted to float32 at a time when a query is compared with the whole vocabulary."""

    def __post_init__(self) -> None:
        if not 1 <= self.min_part_chars <= self.max_part_chars:
            raise ValueError("VectorSettings needs 1 <= min_part_chars <= max_part_chars")
        if self.block_rows < 1:
            raise ValueError("VectorSettings.block_rows must be positive")


@dataclass(frozen=True)
class _Tables:
    words: list[str]
    index: dict[str, int]
    matrix: Any  # float16 (words × dim), memory-mapped
    chars: dict[str, int]
    char_matrix: Any  # float16 (chars × dim), memory-mapped


class WordVectors:
    """Word vectors of one directory, read on first use.

    Example::

        >>> from planctl.workspace import shipped_vectors
        >>> wv = shipped_vectors()
        >>> [w for w, _ in wv.nearest("扶贫", 20)].count("脱贫") == 1
        True
    """

    def __init__(self, directory: Path, settings: VectorSettings | None = None) -> None:
        self.directory = Path(directory)
        """The folder holding words.txt/words.npy and chars.txt/chars.npy."""
        self.settings = settings or VectorSettings()
        self._tables: _Tables | None = None
        self._memo: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"WordVectors({str(self.directory)!r})"

    # ---- loading ----

    def _load(self) -> _Tables:
        if self._tables is None:
            words = self._read_list(WORDS_FILE, tab=True)
            chars = self._read_list(CHARS_FILE, tab=False)
            matrix = self._map(WORDS_ARRAY, len(words), None)
            char_matrix = self._map(CHARS_ARRAY, len(chars), matrix.shape[1])
            self._tables = _Tables(
                words=words,
                index={w: i for i, w in enumerate(words)},
                matrix=matrix,
                chars={c: i for i, c in enumerate(chars)},
                char_matrix=char_matrix,
            )
        return self._tables

    def _read_list(self, name: str, *, tab: bool) -> list[str]:
        path = self.directory / name
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            raise PlanctlError(f"word vectors: {path} is missing (rebuild with scripts/train_vectors.py)") from None
        except (OSError, UnicodeDecodeError) as e:
            raise PlanctlError(f"word vectors: cannot read {path}: {e}") from None
        items = [ln.split("\t", 1)[0] if tab else ln for ln in lines]
        if not all(items):
            raise PlanctlError(f"word vectors: {path} has an empty entry")
        return items

    def _map(self, name: str, rows: int, dim: int | None) -> Any:
        import numpy as np

        path = self.directory / name
        try:
            matrix = np.load(path, mmap_mode="r", allow_pickle=False)
        except FileNotFoundError:
            raise PlanctlError(f"word vectors: {path} is missing (rebuild with scripts/train_vectors.py)") from None
        except (OSError, ValueError, EOFError) as e:
            raise PlanctlError(f"word vectors: {path} is damaged: {e}") from None
        if matrix.ndim != 2 or matrix.dtype != np.float16 or matrix.shape[0] != rows or matrix.shape[1] < 1:
            raise PlanctlError(
                f"word vectors: {path} holds a {matrix.dtype} array of shape {matrix.shape}, "
                f"expected float16 ({rows}, {dim or 'dims'})"
            )
        if dim is not None and matrix.shape[1] != dim:
            raise PlanctlError(f"word vectors: {path} has {matrix.shape[1]} dimensions, words.npy {dim}")
        return matrix

    def load(self) -> WordVectors:
        """Read the vocabulary and map the arrays now (they are otherwise read on first use);
        a missing or damaged file raises :class:`PlanctlError`. Returns ``self``."""
        self._load()
        return self

    # ---- the vocabulary ----

    @property
    def dim(self) -> int:
        """Dimensions of a vector."""
        return int(self._load().matrix.shape[1])

    @property
    def words(self) -> list[str]:
        """The vocabulary, most frequent first."""
        return self._load().words

    def __len__(self) -> int:
        return len(self._load().words)

    def __contains__(self, word: object) -> bool:
        return word in self._load().index

    # ---- vectors ----

    def _row(self, matrix: Any, i: int) -> np.ndarray:
        import numpy as np

        v = np.asarray(matrix[i], dtype=np.float32)
        n = float(np.linalg.norm(v))
        return v / n if n > 0 else v

    def parts(self, word: str) -> list[str]:
        """What stands in for ``word`` when it is not in the vocabulary: left to right, the
        longest shorter piece that is a vocabulary word, else one character with a vector.

        Example::

            >>> from planctl.workspace import shipped_vectors
            >>> shipped_vectors().parts("农民工工资")
            ['农民工', '工资']
        """
        t = self._load()
        s = self.settings
        out: list[str] = []
        i = 0
        while i < len(word):
            longest = min(s.max_part_chars, len(word) - i, len(word) - 1)
            for j in range(i + longest, i + s.min_part_chars - 1, -1):
                if word[i:j] in t.index:
                    out.append(word[i:j])
                    i = j
                    break
            else:
                if word[i] in t.index or word[i] in t.chars:
                    out.append(word[i])
                i += 1
        return out

    def _part_vector(self, part: str) -> np.ndarray:
        t = self._load()
        # A character stands for its meaning in compounds (chars.npy), not for its use as a
        # word of its own (the single-character row of words.npy: 工 as in 开工).
        if len(part) == 1 and part in t.chars:
            return self._row(t.char_matrix, t.chars[part])
        return self._row(t.matrix, t.index[part])

    def vector(self, word: str) -> np.ndarray | None:
        """``word``'s float32 unit vector: its own, else the normalised mean of its parts'
        (:meth:`parts`); ``None`` when neither exists.

        Example::

            >>> from planctl.workspace import shipped_vectors
            >>> wv = shipped_vectors()
            >>> wv.vector("农民工工资").shape == (wv.dim,)
            True
        """
        if word in self._memo:  # plans repeat their words: each is looked up once
            return self._memo[word]
        t = self._load()
        i = t.index.get(word)
        if i is not None:
            found = self._row(t.matrix, i)
        else:
            parts = self.parts(word)
            found = None
            if parts:
                import numpy as np

                v = np.sum([self._part_vector(p) for p in parts], axis=0)
                n = float(np.linalg.norm(v))
                found = v / n if n > 0 else None
        self._memo[word] = found
        return found

    def similarity(self, a: str, b: str) -> float:
        """Cosine of the two words' vectors; 0.0 when either has none.

        Example::

            >>> from planctl.workspace import shipped_vectors
            >>> round(shipped_vectors().similarity("稳岗", "稳岗"), 3)
            1.0
        """
        va, vb = self.vector(a), self.vector(b)
        if va is None or vb is None:
            return 0.0
        return float(va @ vb)

    def nearest_to(
        self, query: np.ndarray, k: int = 10, *, exclude: frozenset[str] = frozenset()
    ) -> list[tuple[str, float]]:
        """The ``k`` vocabulary words whose vectors are closest to ``query`` (cosine, highest first).

        Example::

            >>> from planctl.workspace import shipped_vectors
            >>> wv = shipped_vectors()
            >>> wv.nearest_to(wv.vector("帮扶"), 1)[0][0]
            '帮扶'
        """
        import numpy as np

        t = self._load()
        q = np.asarray(query, dtype=np.float32)
        n = float(np.linalg.norm(q))
        if n == 0 or k < 1:
            return []
        q = q / n
        step = self.settings.block_rows
        scores = np.empty(len(t.words), dtype=np.float32)
        for start in range(0, len(t.words), step):
            scores[start : start + step] = np.asarray(t.matrix[start : start + step], dtype=np.float32) @ q
        for w in exclude:
            if w in t.index:
                scores[t.index[w]] = -np.inf
        take = min(k, len(scores) - len(exclude & t.index.keys()))
        if take < 1:
            return []
        top = np.argpartition(-scores, take - 1)[:take]
        top = top[np.lexsort((top, -scores[top]))]
        return [(t.words[i], float(scores[i])) for i in top]

    def nearest(self, word: str, k: int = 10) -> list[tuple[str, float]]:
        """The ``k`` vocabulary words closest to ``word`` (itself left out); ``[]`` when it has
        no vector.

        Example::

            >>> from planctl.workspace import shipped_vectors
            >>> "脱贫" in [w for w, _ in shipped_vectors().nearest("扶贫", 10)]
            True
        """
        v = self.vector(word)
        return [] if v is None else self.nearest_to(v, k, exclude=frozenset({word}))

    def embed(self, weights: Mapping[str, float]) -> np.ndarray:
        """A text's vector: the weighted mean of its words' unit vectors (``weights``: word →
        weight, e.g. its IDF times its count), normalised; all zeros when no word has a vector.

        Example::

            >>> from planctl.workspace import shipped_vectors
            >>> wv = shipped_vectors()
            >>> a = wv.embed({"农民工": 2.0, "返乡": 1.5, "创业": 1.0})
            >>> b = wv.embed({"务工人员": 2.0, "返乡": 1.5, "创业": 1.0})
            >>> c = wv.embed({"大气": 2.0, "污染": 1.5, "防治": 1.0})
            >>> bool(a @ b > a @ c)
            True
        """
        import numpy as np

        total = np.zeros(self.dim, dtype=np.float32)
        for word, weight in weights.items():
            if weight:
                v = self.vector(word)
                if v is not None:
                    total += float(weight) * v
        n = float(np.linalg.norm(total))
        return total / n if n > 0 else total

    @property
    def fingerprint(self) -> str:
        """Changes when the vectors do (keys cached alignments): meta.json and the arrays' sizes."""
        import hashlib

        digest = hashlib.blake2b(digest_size=10)
        for name in ("meta.json", WORDS_ARRAY, CHARS_ARRAY, WORDS_FILE):
            path = self.directory / name
            try:
                digest.update(path.read_bytes() if name == "meta.json" else str(path.stat().st_size).encode())
            except OSError:
                digest.update(b"-")
        return digest.hexdigest()

    def meta(self) -> dict[str, Any]:
        """meta.json of the directory (method, parameters, corpus digest); ``{}`` when absent."""
        path = self.directory / "meta.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}


@lru_cache(maxsize=4)
def load_vectors(directory: Path) -> WordVectors:
    """The word vectors of ``directory``, one instance per directory (nothing is read until a
    vector is asked for); ``load_vectors.cache_clear()`` forgets them.

    Example::

        >>> from planctl.workspace import shipped_vectors
        >>> wv = load_vectors(shipped_vectors().directory)
        >>> wv is load_vectors(wv.directory)
        True
    """
    return WordVectors(Path(directory))
