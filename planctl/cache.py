"""On-disk caches in ``$PLANCTL_CACHE``: parsed files (keyed by content hash and planctl's
code), and small JSON values (IDF tables) keyed by whatever determines them.

A damaged or unwritable cache only costs speed: reads that fail are misses, writes that fail are
skipped.

Example::

    >>> key = content_key("一、总体要求".encode())
    >>> len(key)
    32
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
from functools import lru_cache
from pathlib import Path
from typing import Any

from planctl import __version__
from planctl.paths import cache_dir


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of planctl's version and source: any code change invalidates derived data."""
    digest = hashlib.blake2b(__version__.encode(), digest_size=8)
    for path in sorted(Path(__file__).resolve().parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def content_key(data: bytes, *extra: str) -> str:
    """Key for data derived from ``data`` by this planctl (and ``extra`` settings)."""
    digest = hashlib.blake2b(data, digest_size=16)
    digest.update("|".join((code_fingerprint(), *extra)).encode())
    return digest.hexdigest()


def _path(kind: str, key: str, suffix: str) -> Path:
    return cache_dir() / kind / f"{key}{suffix}"


def load_pickle(kind: str, key: str) -> Any | None:
    """A cached object, or None when absent or unreadable."""
    path = _path(kind, key, ".pickle")
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, IndexError, TypeError):
        return None


def store_pickle(kind: str, key: str, value: Any) -> None:
    """Cache ``value``; written atomically, errors ignored."""
    path = _path(kind, key, ".pickle")
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


def load_json(kind: str, key: str) -> Any | None:
    try:
        return json.loads(_path(kind, key, ".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def store_json(kind: str, key: str, value: Any) -> None:
    path = _path(kind, key, ".json")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass
