"""On-disk caches in ``$PLANCTL_CACHE``: parsed files (keyed by content hash and planctl's
code), alignments, models and small values, all as JSON keyed by whatever determines them.

Nothing read from the cache can run code: entries are JSON (no pickle), read back through the
``from_dict`` of what they hold. The directory must belong to the user and be writable by no
one else (:func:`usable`); otherwise planctl works without it and says so once.

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
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, TypeVar

from planctl import __version__
from planctl.env import Environment
from planctl.paths import cache_dir

T = TypeVar("T")

STALE_SECONDS = 3600
"""Temporary files older than this are left over from a killed process and may be removed."""
LOCK_STALL_SECONDS = 30.0
"""A process waiting for a lock waits as long as its holder shows life (the holder renews the
lock file's time every :data:`HEARTBEAT_SECONDS`), and goes on without the lock once the holder
has shown none for this long: a paused (``kill -STOP``) or hung builder no longer makes every
other process wait."""
HEARTBEAT_SECONDS = 2.0
"""How often the holder of a lock renews it."""


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


def file_key(path: str | os.PathLike[str], *extra: str) -> str:
    """:func:`content_key` of the file at ``path``, read in blocks (a large file is never held
    whole for its key)."""
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    digest.update("|".join((code_fingerprint(), *extra)).encode())
    return digest.hexdigest()


def _path(kind: str, key: str, suffix: str) -> Path:
    return cache_dir() / kind / f"{key}{suffix}"


@lru_cache(maxsize=8)
def _distrust(directory: Path) -> str:
    """Why ``directory`` may not serve as the cache (empty when it may): it must be the user's
    and writable by no one else, or whoever can write to it decides what planctl reports. A
    missing directory is created, readable by the user alone."""
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = directory.stat()
    except OSError:
        return ""  # cannot be made: writing fails later, with the warning that says so
    if not stat.S_ISDIR(st.st_mode):
        return "it is not a directory"
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        return f"it belongs to another user (uid {st.st_uid})"
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"other users can write to it (mode {stat.S_IMODE(st.st_mode):04o})"
    return ""


def usable(env: Environment | None = None, directory: Path | None = None) -> bool:
    """Whether planctl may read and write its cache in ``directory`` (default: the cache
    directory); when not, say once why."""
    directory = directory or cache_dir()
    reason = _distrust(directory)
    if reason and env is not None:
        env.warn_once("cache-distrusted", f"not using the cache in {directory}: {reason}; working without it "
                                          "(chmod go-w it, or set PLANCTL_CACHE to a directory of your own)")
    return not reason


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


def load_as(kind: str, key: str, decode: Callable[[Any], T], env: Environment | None = None) -> T | None:
    """A cached JSON value read back by ``decode`` (a ``from_dict``), or None when absent or
    damaged (damage is warned: a value ``decode`` cannot read is damaged too)."""
    value = load_json(kind, key, object, env)
    if value is None:
        return None
    try:
        return decode(value)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        damaged(env, _path(kind, key, ".json"))
        return None


def load_json(kind: str, key: str, expected: type = object, env: Environment | None = None) -> Any | None:
    """A cached JSON value of type ``expected``, or None when absent or damaged (damage is warned)."""
    if not usable(env):
        return None
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
    """Cache a JSON value (atomically); an unwritable cache is warned about once and skipped."""
    if not usable(env):
        return
    try:
        data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        write_atomic(_path(kind, key, ".json"), lambda fh: fh.write(data))
    except OSError as exc:
        unwritable(env, exc)


@contextlib.contextmanager
def locked(name: str, env: Environment | None = None, *, stall: float = LOCK_STALL_SECONDS,
           waiting: str = "") -> Iterator[bool]:
    """Hold the cache-wide lock ``name`` (a lock file, released by the system if the holder dies).
    Yields True when held, False when the lock could not be taken (unwritable cache, a holder
    that has shown no life for ``stall`` seconds): the caller then works on its own. ``waiting``
    is said on stderr if another process holds it. While held, the lock is renewed in the
    background (:data:`HEARTBEAT_SECONDS`)."""
    from filelock import FileLock, Timeout

    path = cache_dir() / "locks" / f"{name}.lock"
    if not usable(env):
        yield False
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(path))
        try:
            lock.acquire(timeout=0)
            held = True
        except Timeout:
            if waiting and env is not None:
                env.note(waiting)
            held = _wait_for(lock, path, stall)
    except OSError as exc:
        unwritable(env, exc)
        yield False
        return
    if not held:
        if env is not None:
            env.warn(f"the planctl process holding {path} has shown no progress for {stall:.0f} s "
                     "(paused or hung?); going on without it")
        yield False
        return
    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(path, stop), name="planctl-lock-heartbeat", daemon=True)
    _touch(path)
    beat.start()
    try:
        yield True
    finally:
        stop.set()
        beat.join()
        lock.release()


def _wait_for(lock: Any, path: Path, stall: float) -> bool:
    """Wait for ``lock`` while its holder renews ``path``; False once it has not for ``stall`` s."""
    from filelock import Timeout

    while True:
        try:
            lock.acquire(timeout=min(1.0, stall / 4))
            return True
        except Timeout:
            with contextlib.suppress(OSError):
                if time.time() - path.stat().st_mtime > stall:
                    return False


def _heartbeat(path: Path, stop: threading.Event) -> None:
    while not stop.wait(HEARTBEAT_SECONDS):
        _touch(path)


def _touch(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.utime(path)


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
