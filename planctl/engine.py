"""Where many pieces of work run: in this process, on a local Dask cluster started for the
command, or on an existing Dask cluster (``--scheduler tcp://HOST:8786``, ``$PLANCTL_SCHEDULER``).

One small interface, :meth:`Engine.map`: ``fn(item, shared)`` for each item, results in the
items' order. ``shared`` is what every piece needs and is the same for all of them (the corpus
statistics, the documents): on a cluster it is shipped to each worker once (Dask's scatter with
broadcast), never with each task. ``fn`` must be a function of a module (workers import it) and
must not reach for this process's state: a corpus, a cache, the environment — everything it
needs comes in ``item`` and ``shared``, and what it returns comes back by value.

Work runs in this process when a local cluster would not pay for its start (fewer items than
:attr:`~planctl.settings.EngineSettings.local_from`), when one worker is asked for, or on a
machine of one core. The cluster is started (or connected to) on the first :meth:`map` that
needs it, kept for the next, and closed by :meth:`close` (the command's end). Dask is imported
only then: commands that do not map work over a cluster never load it.

A local cluster's worker processes end with this process, however it ends (Dask's own: each
holds a pipe to its parent and exits when it reads end-of-file). A worker that dies under its
work — killed, out of memory — is retried by Dask on another; when the same work has killed
workers too often it is one line and exit status 2, as with :mod:`planctl.workers`. Dask's logs
are silenced unless ``--debug``; no dashboard is served.

Example::

    >>> with Engine(workers=1) as engine:
    ...     engine.map(pow, [1, 2, 3], shared=2)
    [1, 4, 9]
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from planctl.env import Environment, Tick, no_tick
from planctl.errors import PlanctlError
from planctl.settings import EngineSettings
from planctl.workers import worker_died

T = TypeVar("T")
S = TypeVar("S")
R = TypeVar("R")


class Engine:
    """Maps work over this process or a Dask cluster (see the module's docstring)."""

    def __init__(self, env: Environment | None = None, *, scheduler: str | None = None, workers: int | None = None,
                 settings: EngineSettings | None = None) -> None:
        self.env = env if env is not None else Environment.recording()
        """Where the start of a cluster is said, and warnings go."""
        self.scheduler = scheduler or None
        """The address of an existing cluster's scheduler (``tcp://HOST:8786``); None: a local
        cluster when the work is large enough."""
        self.workers = workers
        """Worker processes of a local cluster (None: one per core, at most
        ``settings.max_workers``; 1: everything in this process)."""
        self.settings = settings if settings is not None else EngineSettings()
        """The threshold under which work runs here, and the other limits."""
        self._stack: contextlib.ExitStack | None = None
        self._client: Any = None

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Engine(scheduler={self.scheduler!r}, workers={self.workers!r})"

    # ---- where work runs ---------------------------------------------------------------------
    def local_workers(self) -> int:
        """How many worker processes a local cluster of this engine has."""
        if self.workers is not None:
            return max(1, self.workers)
        return max(1, min(os.cpu_count() or 1, self.settings.max_workers))

    def runs_here(self, count: int) -> bool:
        """Whether ``count`` pieces of work run in this process rather than on a cluster."""
        if count < 2:
            return True
        if self.scheduler is not None:
            return False
        return self.local_workers() < 2 or count < self.settings.local_from

    def where(self, count: int) -> str:
        """Where ``count`` pieces of work run, in words (for notes and tests)."""
        if self.runs_here(count):
            return "this process"
        if self.scheduler is not None:
            return f"the Dask cluster at {self.scheduler}"
        return f"a local Dask cluster of {self.local_workers()} worker processes"

    @property
    def connected(self) -> bool:
        """Whether a cluster was started or connected to (and not closed since)."""
        return self._client is not None

    def map(self, fn: Callable[[T, S], R], items: Iterable[T], *, shared: S = None,  # type: ignore[assignment]
            tick: Tick | None = None, each: Callable[[int, R], object] | None = None,
            doing: str = "working") -> list[R]:
        """``[fn(item, shared) for item in items]``, here or on the cluster. As pieces finish (in
        any order), ``tick`` is called with how many are done and ``each`` with the item's
        position and its result (to keep it: what finished before a failure is not lost).
        ``doing`` says what the work is in an error (``aligning plans``). An exception raised by
        ``fn`` is raised here."""
        work = list(items)
        tick = tick or no_tick
        if self.runs_here(len(work)):
            out = []
            for done, item in enumerate(work, start=1):
                out.append(fn(item, shared))
                if each is not None:
                    each(done - 1, out[-1])
                tick(done)
            return out
        return self._map_on_cluster(fn, work, shared, tick, each, doing)

    def close(self) -> None:
        """Close the connection, and stop the local cluster with its worker processes (if one
        was started); the engine starts or connects again when next asked. Never raises."""
        stack, self._stack, self._client = self._stack, None, None
        if stack is not None:
            with contextlib.suppress(Exception):
                stack.close()

    # ---- the cluster -------------------------------------------------------------------------
    def _map_on_cluster(self, fn: Callable[[T, S], R], work: list[T], shared: S, tick: Tick,
                        each: Callable[[int, R], object] | None, doing: str) -> list[R]:
        from distributed import as_completed

        client = self._connected()
        futures: list[Any] = []
        try:
            with self._faults(client, doing):
                [held] = client.scatter([shared], broadcast=True, hash=False)
                futures = client.map(fn, work, [held] * len(work), pure=False)
                index = {f.key: k for k, f in enumerate(futures)}
                results: list[Any] = [None] * len(work)
                for done, future in enumerate(as_completed(futures, loop=client.loop), start=1):
                    k = index[future.key]
                    results[k] = future.result()
                    if each is not None:
                        each(k, results[k])
                    tick(done)
                return results
        finally:
            if futures:
                with contextlib.suppress(Exception):
                    client.cancel(futures)

    @contextlib.contextmanager
    def _faults(self, client: Any, doing: str) -> Iterator[None]:
        """A worker's death, a lost scheduler or workers without planctl: one line each."""
        from distributed import CancelledError, KilledWorker
        from distributed.comm import CommClosedError

        where = f"the Dask cluster at {self.scheduler}" if self.scheduler else "the local Dask cluster"
        died = worker_died(doing)
        try:
            yield
        except KilledWorker:
            raise died from None
        except (ModuleNotFoundError, ImportError) as exc:
            raise PlanctlError(f"the workers of {where} cannot run planctl ({exc}): install planctl on them") from None
        except (CommClosedError, CancelledError) as exc:
            if client.status == "running":  # the workers holding the shipped data died with it
                raise died from None
            raise PlanctlError(f"lost {where} while {doing} ({exc.__class__.__name__}: {exc})") from None

    def _connected(self) -> Any:
        """The Dask client: connected to the scheduler named, or to a local cluster started now."""
        if self._client is not None:
            return self._client
        stack = contextlib.ExitStack()
        try:
            self._client = self._remote(stack) if self.scheduler else self._local(stack)
        except BaseException:
            with contextlib.suppress(Exception):
                stack.close()
            raise
        self._stack = stack
        return self._client

    def _log_level(self) -> int | bool:
        """What Dask may say on stderr: nothing that is not critical, unless ``--debug``."""
        import logging

        return False if self.env.debug else logging.CRITICAL

    def _local(self, stack: contextlib.ExitStack) -> Any:
        import warnings

        from distributed import Client, LocalCluster
        from distributed.utils import silence_logging_cmgr

        quiet = self._log_level()
        if quiet:
            stack.enter_context(silence_logging_cmgr(quiet))
        n = self.local_workers()
        with self.env.step(f"starting {n} Dask worker processes"), warnings.catch_warnings():
            if quiet:  # 'Port 8787 is already in use … Hosting the HTTP server on port … instead' (its status page)
                warnings.simplefilter("ignore")
            # processes, one thread each: alignment is Python code, which threads would serialise
            cluster = stack.enter_context(LocalCluster(
                n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1", scheduler_port=0,
                dashboard_address=None, silence_logs=quiet))
            return stack.enter_context(Client(cluster, set_as_default=False))

    def _remote(self, stack: contextlib.ExitStack) -> Any:
        import warnings

        from distributed import Client
        from distributed.utils import silence_logging_cmgr

        quiet = self._log_level()
        if quiet:
            stack.enter_context(silence_logging_cmgr(quiet))
        address, seconds = self.scheduler, self.settings.connect_seconds
        _check_address(address)
        with self.env.step(f"connecting to the Dask scheduler at {address}"), \
                warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            try:
                client = stack.enter_context(Client(address, timeout=seconds, set_as_default=False))
            except (OSError, TimeoutError, ValueError, TypeError) as exc:
                raise PlanctlError(f"cannot reach the Dask scheduler at {address}: {' '.join(str(exc).split())}") \
                    from None
            try:
                client.wait_for_workers(1, timeout=seconds)
            except (OSError, TimeoutError) as exc:
                raise PlanctlError(f"the Dask scheduler at {address} has no worker (waited {seconds:g} s): start "
                                   f"`dask worker {address}` on a machine with planctl installed") from exc
            self._check_workers(client)
        for warning in said:  # Dask's own notes (package versions that differ): one line each
            self.env.warn("Dask: " + " ".join(str(warning.message).split()))
        return client

    def _check_workers(self, client: Any) -> None:
        """Workers of another planctl (code or dictionaries) would align otherwise than this
        machine, and their results would be cached as this code's: refuse them."""
        with self._faults(client, "checking its workers"):
            theirs = client.run(planctl_fingerprint)
        mine = planctl_fingerprint()
        other = sorted(w for w, f in theirs.items() if f != mine)
        if other:
            raise PlanctlError(f"{len(other)} of the {len(theirs)} workers of the Dask cluster at {self.scheduler} run "
                               f"another planctl (code or dictionaries) than this one ({other[0]} …): install the same "
                               "planctl on them")


def _check_address(address: str | None) -> None:
    """A scheduler's address as Dask writes them (``tcp://10.0.0.5:8786``, ``10.0.0.5``,
    ``tls://[::1]:8786``), or a one-line error (Dask's client, given a malformed one, fails in a
    way that leaves a traceback at exit)."""
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        protocol, location = parse_address(address or "")
        if protocol in ("tcp", "tls", "ws", "wss"):
            parse_host_port(location)
        elif protocol != "inproc":
            raise ValueError(f"unknown protocol {protocol}://")
    except ValueError as exc:
        raise PlanctlError(f"--scheduler: '{address}' is not the address of a Dask scheduler "
                           f"(tcp://HOST:8786): {exc}") from None


def planctl_fingerprint() -> str:
    """planctl's code and dictionaries here (what a worker must share with the client for its
    results to be this machine's)."""
    from planctl.cache import code_fingerprint
    from planctl.lexicon import lexicon

    return f"{code_fingerprint()}-{lexicon().fingerprint}"
