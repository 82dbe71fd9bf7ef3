"""Worker processes that die with the process that started them.

A planctl process killed with SIGKILL (what a CI job's timeout sends) cannot stop its workers,
and the workers of a :class:`~concurrent.futures.ProcessPoolExecutor` wait for work forever:
they were seen running 21 minutes later. Each worker of :func:`process_pool` therefore asks the
system to kill it when its parent dies (Linux: ``prctl(PR_SET_PDEATHSIG)``); where that is not
available a thread in the worker polls the parent's pid and ends the worker when it changes.

A worker that dies under its parent (killed, out of memory) breaks the pool:
:func:`worker_deaths` turns that into one line and exit status 2 instead of a traceback.
:func:`time_limit` bounds a piece of work (one file of a folder) in time.

Example::

    >>> with process_pool(1) as pool:
    ...     list(pool.map(abs, [-1, -2]))
    [1, 2]
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from planctl.errors import PlanctlError

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

PARENT_POLL_SECONDS = 1.0
"""How often a worker without ``PR_SET_PDEATHSIG`` looks whether its parent is still there."""
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def process_pool(max_workers: int | None = None, initializer: Callable[..., object] | None = None,
                 initargs: tuple[Any, ...] = ()) -> ProcessPoolExecutor:
    """A process pool whose workers end when this process ends, however it ends."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # A forkserver's workers are its children, not ours (it ends when we do, and they with it).
    direct = multiprocessing.get_start_method() != "forkserver"
    return ProcessPoolExecutor(max_workers=max_workers, initializer=_start_worker,
                               initargs=(os.getpid() if direct else None, initializer, initargs))


def _start_worker(parent: int | None, initializer: Callable[..., object] | None, initargs: tuple[Any, ...]) -> None:
    die_with_parent(parent)
    if initializer is not None:
        initializer(*initargs)


def die_with_parent(expected: int | None = None) -> None:
    """End this process when its parent ends; ``expected`` is the parent's pid, when known (if
    the parent is another already, it ended before the request took effect)."""
    asked = _ask_the_kernel()
    parent = os.getppid()  # after asking: a parent gone before it would not be signalled
    if expected is not None and parent != expected:
        os._exit(1)
    if not asked:
        threading.Thread(target=_watch_parent, args=(parent,), name="planctl-parent-watch", daemon=True).start()


def _ask_the_kernel() -> bool:
    """Linux: be sent SIGKILL when the parent dies. False where that cannot be asked."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


@contextlib.contextmanager
def worker_deaths(doing: str) -> Iterator[None]:
    """A worker process that died (killed, out of memory) while ``doing``: one line, exit 2.
    What was finished before it died is cached; running the command again goes on from there."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        yield
    except BrokenProcessPool:
        raise worker_died(doing) from None


def worker_died(doing: str) -> PlanctlError:
    """The one line said when a worker process (of a pool or a Dask cluster) died while ``doing``."""
    return PlanctlError(f"a worker process died while {doing} (killed, or out of memory?); "
                        "run the command again to go on from where it stopped")


class TimeUp(BaseException):
    """The time given to a piece of work ran out (a BaseException: the ``except Exception`` of a
    reader that turns any fault into "damaged file" must not take it for one)."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`TimeUp` in the work inside once ``seconds`` have passed. Measured by the
    interval timer, which the system offers to the main thread on Unix; elsewhere the work
    is not bounded. Work inside C code (one call of a library) ends before it is stopped."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return
    armed = [True]

    def expired(signum: int, frame: Any) -> None:
        if armed[0]:
            raise TimeUp

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
