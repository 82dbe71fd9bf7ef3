"""Train planctl's domain word vectors on a corpus of Chinese government texts.

Reads every ``*.txt`` of the corpus folder (default ``../shared/corpus`` beside the repository),
segments it with jieba and planctl's own dictionaries (:func:`planctl.lexicon.lexicon`, the
segmentation the matcher sees), trains word vectors, cuts the vocabulary and writes
``dictionaries/vectors/``:

- ``words.txt``: one word a line, ``word<TAB>corpus count``, most frequent first;
- ``words.npy``: float16 unit vectors, row ``i`` for line ``i`` of ``words.txt``;
- ``chars.txt`` / ``chars.npy``: the same for single characters, the fallback for words the
  vocabulary lacks (a character's vector is the log-count-weighted mean of the unit vectors of the
  vocabulary words holding it);
- ``meta.json``: method, parameters, corpus digest and sizes (no timestamp, so a rebuild from the
  same corpus writes the same bytes).

Methods (``--method``): ``ppmi-svd``, the default (positive PMI of a distance-weighted
co-occurrence window with context distribution smoothing, factorised by a truncated SVD from a
seeded randomised range finder: deterministic by construction, two minutes), ``word2vec`` and
``fasttext`` (gensim skip-gram with negative sampling, fastText adding character n-grams of one
to three characters; one worker thread with a fixed seed and hash function, so they are
deterministic too, but they take many times longer). ``scripts/eval_vectors.py`` measures them;
the figures are in the card in ``dictionaries/README.md``.

Segmentation runs on every core (``--processes``) and is cached (``--cache-dir``, default
planctl's user cache) keyed by the corpus bytes and the dictionaries, so reruns only train.
Training needs the ``vectors`` extra: ``pip install -e '.[vectors]'``.

    python scripts/train_vectors.py                       # rebuild dictionaries/vectors/
    python scripts/train_vectors.py --method ppmi-svd --out /tmp/ppmi
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import re
import sys
import time
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planctl.lexicon import lexicon  # noqa: E402
from planctl.paths import cache_dir, dictionaries_dir  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"

# A token worth a vector holds a CJK character or a Latin letter: "就业", "5G", "GDP";
# numbers ("150", "5.5%"), 〔2021〕 and punctuation are dropped before training.
WORD_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaffA-Za-z]")
# Sentence ends: "城镇新增就业150万人。" — windows do not reach across them.
SENTENCE_END = frozenset("。！？；!?;")
# One CJK character (the character table of the fallback).
CJK_CHAR_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class TrainSettings:
    """Every parameter of a training run (written to meta.json)."""

    method: str = "ppmi-svd"
    """How vectors are made (``METHODS``); ppmi-svd measured best (dictionaries/README.md)."""
    dim: int = 128
    """Vector dimensions."""
    window: int = 5
    """Words either side that count as context."""
    min_count: int = 5
    """Words seen fewer times get no vector of their own (they fall back to their parts)."""
    vocab_size: int = 80_000
    """The shipped vocabulary: the most frequent words after stopwords are dropped."""
    seed: int = 24
    epochs: int = 5
    """word2vec: passes over the corpus."""
    negative: int = 5
    """word2vec: negative samples per positive."""
    sample: float = 1e-4
    """word2vec: down-sampling threshold for frequent words."""
    alpha: float = 0.75
    """ppmi-svd: context distribution smoothing exponent."""
    eig: float = 0.5
    """ppmi-svd: the singular values' exponent in the word vectors (U · S^eig)."""
    ppmi_vocab: int = 100_000
    """ppmi-svd: rows and columns of the co-occurrence matrix (most frequent words)."""

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}")
        for name in ("dim", "window", "min_count", "vocab_size", "epochs", "negative", "ppmi_vocab"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if not 0 < self.alpha <= 1 or not 0 <= self.eig <= 1:
            raise ValueError("alpha must be in (0, 1] and eig in [0, 1]")


METHODS = ("word2vec", "fasttext", "ppmi-svd")
# fastText: hash buckets for the character n-grams (Chinese words have few distinct n-grams).
FASTTEXT_BUCKETS = 200_000


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- segmentation


def _init_worker() -> None:
    lexicon().tokenizer  # noqa: B018 - build jieba once per process


def segment_text(text: str) -> list[list[str]]:
    """Sentences of kept tokens: planctl's segmentation, cut at sentence ends, numbers and
    punctuation dropped."""
    lex = lexicon()
    sentences: list[list[str]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        current: list[str] = []
        for token in lex.tokens(line, cache=False):
            if token in SENTENCE_END:
                if current:
                    sentences.append(current)
                current = []
            elif WORD_RE.search(token):
                current.append(token)
        if current:
            sentences.append(current)
    return sentences


def _segment_file(path: str) -> list[str]:
    return [" ".join(s) for s in segment_text(Path(path).read_text(encoding="utf-8"))]


def corpus_files(corpus: Path) -> list[Path]:
    files = sorted(p for p in corpus.glob("*.txt") if p.is_file())
    if not files:
        raise SystemExit(f"no .txt files in {corpus}")
    return files


def corpus_digest(files: list[Path]) -> str:
    """Hash of the corpus texts (names and bytes) and of planctl's dictionaries."""
    digest = hashlib.blake2b(digest_size=12)
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(lexicon().fingerprint.encode())
    return digest.hexdigest()


def segmented_corpus(files: list[Path], digest: str, cache: Path, processes: int) -> Path:
    """The segmented corpus (one sentence a line, tokens space-separated), built once per digest."""
    target = cache / f"segmented-{digest}.txt"
    if target.exists():
        log(f"segmented corpus: cached {target}")
        return target
    cache.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    started = time.monotonic()
    total = sum(p.stat().st_size for p in files)
    done = 0
    with multiprocessing.Pool(processes, initializer=_init_worker) as pool, partial.open("w", encoding="utf-8") as out:
        # imap keeps file order: the same corpus gives the same file, whatever the scheduling.
        for i, (path, lines) in enumerate(
            zip(files, pool.imap(_segment_file, map(str, files), chunksize=4), strict=True)
        ):
            for line in lines:
                out.write(line + "\n")
            done += path.stat().st_size
            if i % 200 == 0 or i == len(files) - 1:
                elapsed = time.monotonic() - started
                log(f"segmenting {i + 1}/{len(files)} files, {done / total:.0%}, {elapsed:.0f} s")
    partial.replace(target)
    return target


def read_sentences(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            tokens = line.split()
            if tokens:
                yield tokens


class Sentences:
    """Re-iterable sentences of the segmented file (gensim passes over it once per epoch)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __iter__(self) -> Iterator[list[str]]:
        return read_sentences(self.path)


# ---------------------------------------------------------------- training


def stable_hash(text: str) -> int:
    """A hash that does not change between processes (Python's str hash does)."""
    return zlib.crc32(text.encode("utf-8"))


def train_word2vec(sentences: Sentences, settings: TrainSettings) -> tuple[list[str], np.ndarray]:
    """gensim skip-gram (``fasttext``: with character n-grams of 1 to 3 characters, whose sums
    also give the words their vectors; only the word vectors are kept)."""
    from gensim.models import FastText, Word2Vec

    class Progress:
        # gensim's CallbackAny2Vec shape, without importing its logging
        def on_epoch_begin(self, model: object) -> None:
            self.started = time.monotonic()

        def on_epoch_end(self, model: object) -> None:
            self.epoch = getattr(self, "epoch", 0) + 1
            log(f"{settings.method} epoch {self.epoch}/{settings.epochs}: {time.monotonic() - self.started:.0f} s")

        def on_train_begin(self, model: object) -> None: ...

        def on_train_end(self, model: object) -> None: ...

    common = {
        "vector_size": settings.dim,
        "window": settings.window,
        "min_count": settings.min_count,
        "sg": 1,
        "negative": settings.negative,
        "sample": settings.sample,
        "epochs": settings.epochs,
        "seed": settings.seed,
        "workers": 1,  # one thread: the only way gensim's training is reproducible
        "hashfxn": stable_hash,
        "callbacks": [Progress()],
    }
    if settings.method == "fasttext":
        model = FastText(sentences, min_n=1, max_n=3, bucket=FASTTEXT_BUCKETS, **common)
    else:
        model = Word2Vec(sentences, **common)
    words = list(model.wv.index_to_key)
    return words, np.asarray(model.wv.vectors, dtype=np.float32)


def count_words(sentences: Iterable[list[str]]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for s in sentences:
        counts.update(s)
    return counts


def train_ppmi_svd(sentences: Sentences, counts: Counter[str], settings: TrainSettings) -> tuple[list[str], np.ndarray]:
    from scipy import sparse

    words = [w for w, c in sorted(counts.items(), key=lambda wc: (-wc[1], wc[0])) if c >= settings.min_count]
    words = words[: settings.ppmi_vocab]
    index = {w: i for i, w in enumerate(words)}
    n = len(words)
    # One long id array, -1 where a word is outside the matrix, sentence numbers beside it:
    # a window never crosses a sentence end.
    ids: list[int] = []
    sent: list[int] = []
    for k, s in enumerate(sentences):
        ids.extend(index.get(w, -1) for w in s)
        sent.extend([k] * len(s))
    id_arr = np.asarray(ids, dtype=np.int32)
    sent_arr = np.asarray(sent, dtype=np.int32)
    del ids, sent
    log(f"ppmi-svd: {len(id_arr):,} tokens, {n:,} words")
    matrix = sparse.csr_matrix((n, n), dtype=np.float64)
    for d in range(1, settings.window + 1):
        a, b = id_arr[:-d], id_arr[d:]
        keep = (a >= 0) & (b >= 0) & (sent_arr[:-d] == sent_arr[d:])
        a, b = a[keep], b[keep]
        # distance-weighted window (word2vec's dynamic window in expectation): (w - d + 1) / w
        weight = (settings.window - d + 1) / settings.window
        pairs = sparse.coo_matrix((np.full(len(a), weight), (a, b)), shape=(n, n)).tocsr()
        matrix = matrix + pairs + pairs.T
        log(f"ppmi-svd: co-occurrences at distance {d}: {len(a):,}")
    matrix.sum_duplicates()
    total = matrix.sum()
    row = np.asarray(matrix.sum(axis=1)).ravel()
    col = np.asarray(matrix.sum(axis=0)).ravel() ** settings.alpha
    col_p = col / col.sum()
    row_p = row / total
    coo = matrix.tocoo()
    pmi = np.log(coo.data / total) - np.log(row_p[coo.row]) - np.log(col_p[coo.col])
    keep = pmi > 0
    ppmi = sparse.csr_matrix((pmi[keep], (coo.row[keep], coo.col[keep])), shape=(n, n))
    log(f"ppmi-svd: {ppmi.nnz:,} positive cells; SVD to {settings.dim} dimensions")
    u, s = randomized_svd(ppmi, settings.dim, seed=settings.seed)
    return words, (u * s**settings.eig).astype(np.float32)


def randomized_svd(matrix: object, k: int, *, seed: int, oversample: int = 20, iterations: int = 4) -> tuple:
    """Left singular vectors and values of a sparse matrix (Halko, Martinsson, Tropp 2011)."""
    rng = np.random.default_rng(seed)
    n = matrix.shape[1]  # type: ignore[attr-defined]
    q, _ = np.linalg.qr(matrix @ rng.standard_normal((n, k + oversample)))  # type: ignore[operator]
    for _ in range(iterations):
        q, _ = np.linalg.qr(matrix.T @ q)  # type: ignore[attr-defined]
        q, _ = np.linalg.qr(matrix @ q)  # type: ignore[operator]
    b = (matrix.T @ q).T  # type: ignore[attr-defined]
    ub, s, _ = np.linalg.svd(b, full_matrices=False)
    u = q @ ub[:, :k]
    # A singular vector's sign is arbitrary: fix it so reruns agree.
    u *= np.where(u[np.abs(u).argmax(axis=0), range(k)] < 0, -1, 1)
    return u, s[:k]


# ---------------------------------------------------------------- cutting and writing


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def cut_vocabulary(
    words: list[str], vectors: np.ndarray, counts: Counter[str], size: int
) -> tuple[list[str], np.ndarray]:
    """The ``size`` most frequent words the matcher can meet: planctl drops stopwords before it
    compares, so they get no row (they still served as context in training)."""
    stop = lexicon().stopwords
    # A word whose every context fell outside the co-occurrence matrix has a zero row: no vector.
    norms = np.linalg.norm(vectors, axis=1)
    order = sorted(
        (i for i, w in enumerate(words) if w not in stop and counts[w] > 0 and norms[i] > 0),
        key=lambda i: (-counts[words[i]], words[i]),
    )[:size]
    return [words[i] for i in order], vectors[order]


def char_vectors(words: list[str], unit: np.ndarray, counts: Counter[str]) -> tuple[list[str], np.ndarray]:
    """Each CJK character's vector: the log-count-weighted mean of the unit vectors of the words
    holding it (a character's meaning in compounds, not as a word of its own)."""
    rows: dict[str, np.ndarray] = {}
    weight: Counter[str] = Counter()
    for i, w in enumerate(words):
        wt = np.log1p(counts[w])
        for ch in set(CJK_CHAR_RE.findall(w)):
            if ch in rows:
                rows[ch] += wt * unit[i]
            else:
                rows[ch] = wt * unit[i].astype(np.float64)
            weight[ch] += 1
    chars = sorted(rows, key=lambda c: (-weight[c], c))
    matrix = np.stack([rows[c] for c in chars]) if chars else np.zeros((0, unit.shape[1]))
    return chars, unit_rows(matrix)


def write_vectors(
    out: Path,
    words: list[str],
    vectors: np.ndarray,
    counts: Counter[str],
    settings: TrainSettings,
    digest: str,
    n_files: int,
    n_tokens: int,
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    unit = unit_rows(vectors.astype(np.float64))
    chars, char_unit = char_vectors(words, unit, counts)
    (out / "words.txt").write_text("".join(f"{w}\t{counts[w]}\n" for w in words), encoding="utf-8")
    np.save(out / "words.npy", unit.astype(np.float16))
    (out / "chars.txt").write_text("".join(f"{c}\n" for c in chars), encoding="utf-8")
    np.save(out / "chars.npy", char_unit.astype(np.float16))
    meta = {
        "format": 1,
        "settings": asdict(settings),
        "corpus_digest": digest,
        "corpus_files": n_files,
        "corpus_tokens": n_tokens,
        "words": len(words),
        "chars": len(chars),
        "dim": int(vectors.shape[1]),
        "dtype": "float16",
    }
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    size = sum(p.stat().st_size for p in out.iterdir())
    log(f"wrote {out}: {len(words):,} words, {len(chars):,} characters, {settings.dim} dims, {size / 1e6:.1f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS, help="folder of .txt files")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default dictionaries/vectors)")
    parser.add_argument("--method", choices=METHODS, default=TrainSettings.method)
    parser.add_argument("--dim", type=int, default=TrainSettings.dim)
    parser.add_argument("--window", type=int, default=TrainSettings.window)
    parser.add_argument("--min-count", type=int, default=TrainSettings.min_count)
    parser.add_argument("--vocab-size", type=int, default=TrainSettings.vocab_size)
    parser.add_argument("--epochs", type=int, default=TrainSettings.epochs)
    parser.add_argument("--seed", type=int, default=TrainSettings.seed)
    parser.add_argument("--alpha", type=float, default=TrainSettings.alpha, help="ppmi-svd: context smoothing")
    parser.add_argument("--eig", type=float, default=TrainSettings.eig, help="ppmi-svd: singular value exponent")
    parser.add_argument("--processes", type=int, default=multiprocessing.cpu_count(), help="segmentation processes")
    parser.add_argument("--cache-dir", type=Path, default=None, help="where the segmented corpus is kept")
    parser.add_argument("--segment-only", action="store_true", help="segment (and cache) the corpus, do not train")
    args = parser.parse_args(argv)
    settings = TrainSettings(
        method=args.method,
        dim=args.dim,
        window=args.window,
        min_count=args.min_count,
        vocab_size=args.vocab_size,
        epochs=args.epochs,
        seed=args.seed,
        alpha=args.alpha,
        eig=args.eig,
    )
    corpus = args.corpus.resolve()
    if not corpus.is_dir():
        parser.error(f"corpus folder not found: {corpus}")
    files = corpus_files(corpus)
    digest = corpus_digest(files)
    log(f"corpus {corpus}: {len(files):,} files, digest {digest}")
    segmented = segmented_corpus(files, digest, args.cache_dir or cache_dir() / "vectors", max(1, args.processes))
    if args.segment_only:
        print(segmented)
        return 0
    sentences = Sentences(segmented)
    counts = count_words(sentences)
    n_tokens = sum(counts.values())
    log(f"{n_tokens:,} tokens, {len(counts):,} distinct words")
    started = time.monotonic()
    if settings.method in ("word2vec", "fasttext"):
        words, vectors = train_word2vec(sentences, settings)
    else:
        words, vectors = train_ppmi_svd(sentences, counts, settings)
    log(f"{settings.method}: trained in {time.monotonic() - started:.0f} s")
    words, vectors = cut_vocabulary(words, vectors, counts, settings.vocab_size)
    write_vectors(
        args.out or dictionaries_dir() / "vectors", words, vectors, counts, settings, digest, len(files), n_tokens
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
