"""On-disk caches in ``$PLANCTL_CACHE``: parsed files (keyed by content hash and planctl's
code), and small JSON values (IDF tables) keyed by whatever determines them.

Any number of planctl processes may share the directory: every entry is written to a temporary
file and published with an atomic rename, so a reader sees a whole entry or none. A damaged entry
is a miss (one warning, then rebuilt); a read-only or full directory costs speed only (one
warning, then planctl works uncached). Long builds that must happen once take a lock
(:func:`locked`).

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
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from planctl import __version__
from planctl.env import Environment
from planctl.paths import cache_dir

STALE_SECONDS = 3600
"""Temporary files older than this are left over from a killed process and may be removed."""
LOCK_TIMEOUT = 600.0
"""Seconds to wait for another process's build before building without the lock."""


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


def unwritable(env: Environment | None, exc: OSError) -> None:
    """Say once per run that the cache cannot be written, and carry on without it."""
    if env is not None:
        env.warn_once("cache-unwritable", f"cannot write the cache in {cache_dir()} ({exc.strerror or exc}); "
                                          "working without it (set PLANCTL_CACHE to a writable directory)")


def damaged(env: Environment | None, path: Path) -> None:
    if env is not None:
        env.warn(f"cache entry {path} was damaged; rebuilt")


def write_atomic(path: Path, write: Callable[[IO[bytes]], object]) -> None:
    """Write ``path`` through a temporary file in the same directory and an atomic rename.
    Raises OSError (unwritable, full) after removing the temporary file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def load_pickle(kind: str, key: str, expected: type | tuple[type, ...] = object,
                env: Environment | None = None) -> Any | None:
    """A cached object of type ``expected``, or None when absent or damaged (damage is warned)."""
    path = _path(kind, key, ".pickle")
    try:
        with path.open("rb") as fh:
            value = pickle.load(fh)
    except FileNotFoundError:
        return None
    except OSError:
        return None
    except Exception:  # junk in the file: pickle raises almost anything
        damaged(env, path)
        return None
    if not isinstance(value, expected):
        damaged(env, path)
        return None
    return value


def store_pickle(kind: str, key: str, value: Any, env: Environment | None = None) -> None:
    """Cache ``value`` (atomically); an unwritable cache is warned about once and skipped."""
    try:
        write_atomic(_path(kind, key, ".pickle"), lambda fh: pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError as exc:
        unwritable(env, exc)


def load_json(kind: str, key: str, expected: type = object, env: Environment | None = None) -> Any | None:
    """A cached JSON value of type ``expected``, or None when absent or damaged (damage is warned)."""
    path = _path(kind, key, ".json")
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except OSError:
        return None
    except ValueError:
        damaged(env, path)
        return None
    if not isinstance(value, expected):
        damaged(env, path)
        return None
    return value


def store_json(kind: str, key: str, value: Any, env: Environment | None = None) -> None:
    try:
        data = json.dumps(value, ensure_ascii=False).encode("utf-8")
        write_atomic(_path(kind, key, ".json"), lambda fh: fh.write(data))
    except OSError as exc:
        unwritable(env, exc)


@contextlib.contextmanager
def locked(name: str, env: Environment | None = None, *, timeout: float = LOCK_TIMEOUT,
           waiting: str = "") -> Iterator[bool]:
    """Hold the cache-wide lock ``name`` (a lock file, released by the system if the holder dies).
    Yields True when held, False when the lock could not be taken (unwritable cache, timeout):
    the caller then works on its own. ``waiting`` is said on stderr if another process holds it."""
    from filelock import FileLock, Timeout

    path = cache_dir() / "locks" / f"{name}.lock"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(path))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if waiting and env is not None:
                env.note(waiting)
            lock.acquire(timeout=timeout)
    except OSError as exc:
        unwritable(env, exc)
        yield False
        return
    except Timeout:
        if env is not None:
            env.warn(f"another planctl process has held {path} for {timeout:.0f} s; going on without it")
        yield False
        return
    try:
        yield True
    finally:
        lock.release()


def remove_stale(directory: Path, patterns: tuple[str, ...], keep: tuple[Path, ...] = ()) -> None:
    """Remove files left over from killed processes: ``patterns`` in ``directory`` older than
    :data:`STALE_SECONDS` (or any age when the caller holds the lock that guards them)."""
    now = time.time()
    for pattern in patterns:
        for path in directory.glob(pattern):
            if path in keep:
                continue
            with contextlib.suppress(OSError):
                if now - path.stat().st_mtime > STALE_SECONDS:
                    path.unlink()
