"""The environment a planctl call runs in (httpie's ``Environment``): where data and messages
go, whether to colour, how to show progress. Library calls that warn or report progress take
one; nothing else in planctl prints.

Example::

    >>> import io
    >>> env = Environment(stdout=io.StringIO(), stderr=io.StringIO())
    >>> env.warn("x.txt: 2 bad bytes replaced")
    >>> env.stderr.getvalue(), env.warnings
    ('planctl: warning: x.txt: 2 bad bytes replaced\\n', ['x.txt: 2 bad bytes replaced'])
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import stat
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO, cast

Tick = Callable[[int], None]
"""A progress callback: called with the number of units done so far."""


def no_tick(done: int) -> None:
    """A :data:`Tick` that reports nothing (work nobody watches)."""
    return None


@dataclass
class Environment:
    """Streams, colour, progress and the run's choices of data for one run of planctl."""

    stdout: TextIO = field(default_factory=lambda: sys.stdout or cast(TextIO, ClosedStream()))
    """Where data goes."""
    stderr: TextIO | None = field(default_factory=lambda: sys.stderr)
    """Where warnings, notes and progress go; None records warnings without printing them."""
    color: bool | None = None
    """Colour on stdout; None decides by terminal and ``NO_COLOR``."""
    progress_bars: bool | None = None
    """Progress on stderr; None shows it on a terminal only (never with ``quiet``)."""
    debug: bool = False
    """Let errors raise with their traceback."""
    quiet: bool = False
    """No progress and no notes (``--quiet``); warnings and errors are still said."""
    progress_delay: float = field(default_factory=lambda: _seconds(os.environ.get("PLANCTL_PROGRESS_DELAY"), 1.0))
    """Seconds a step runs before its progress is drawn (``$PLANCTL_PROGRESS_DELAY``, default 1):
    quick work shows nothing."""
    corpus: Path | None = None
    """The corpus folder this run reads (``--corpus``); None means :func:`planctl.paths.corpus_dir`
    (``$PLANCTL_CORPUS`` or the sample corpus installed with planctl)."""
    corpus_given: bool = False
    """Whether the user named the corpus (``--corpus`` or ``$PLANCTL_CORPUS``): a command whose
    plans are all files given by path then still reads it, for its statistics."""
    warnings: list[str] = field(default_factory=list)
    """Every warning given so far, in order (what a caller or a test may inspect)."""
    _once: set[str] = field(default_factory=set, repr=False)
    _display: _Display | None = field(default=None, repr=False)

    @classmethod
    def recording(cls) -> Environment:
        """An environment that prints nothing and only records warnings (worker processes, tests)."""
        return cls(stderr=None, color=False, progress_bars=False)

    @property
    def stdout_color(self) -> bool:
        """Whether to colour what goes to stdout."""
        if self.color is not None:
            return self.color
        return _isatty(self.stdout) and not os.environ.get("NO_COLOR")

    def corpus_dir(self) -> Path:
        """The corpus folder of this run."""
        from planctl.paths import corpus_dir

        return self.corpus or corpus_dir()

    def warn(self, message: str) -> None:
        """A problem that did not stop the work: one line on stderr."""
        self.warnings.append(message)
        self.say(f"planctl: warning: {message}")

    def warn_once(self, key: str, message: str) -> None:
        """A warning given at most once per run for ``key`` (an unwritable cache, say)."""
        if key not in self._once:
            self._once.add(key)
            self.warn(message)

    def note(self, message: str) -> None:
        """Something worth knowing (how a file was decoded, what was written), one line on stderr;
        none with ``quiet``."""
        if not self.quiet:
            self.say(f"planctl: {message}")

    def replay(self, warnings: list[str]) -> None:
        """Give warnings recorded elsewhere (a worker process) as if they happened here."""
        for message in warnings:
            self.warn(message)

    def say(self, text: str) -> None:
        """One line on stderr as it is (above a live progress display, not through it). A closed
        or full stderr loses the line, nothing more (the exit status still tells)."""
        if self.stderr is None:
            return
        display = self._display
        with contextlib.suppress(OSError, ValueError):
            if display is not None:
                display.print(text)
            else:
                print(text, file=self.stderr, flush=True)

    # ---- progress ---------------------------------------------------------------------------
    @property
    def shows_progress(self) -> bool:
        """Whether progress is drawn: on a terminal (or when asked), never with ``quiet``."""
        if self.quiet or self.stderr is None:
            return False
        return self.progress_bars if self.progress_bars is not None else _isatty(self.stderr)

    def progress(self, label: str, total: int, *, unit: str = "", minimum: int = 1,
                 delay: float | None = None) -> Tick:
        """Progress through ``total`` units of work, said in words on stderr (``aligning 6 of 10
        pairs``): shown for at least ``minimum`` units once the work has taken ``delay`` seconds
        (default :attr:`progress_delay`; quick work shows nothing). Call the returned tick with the
        units done; the line goes when they reach ``total``."""
        if not self.shows_progress or total < max(minimum, 1):
            return no_tick
        task = self._display_for().add(label, total, unit, self.progress_delay if delay is None else delay)

        def tick(done: int) -> None:
            task.update(done)

        return tick

    @contextmanager
    def step(self, label: str, *, delay: float | None = None) -> Iterator[None]:
        """A step of unknown length, said in words on stderr (``fitting the word model on 1,900
        passages``) with a spinner and the time taken, once it has taken ``delay`` seconds."""
        if not self.shows_progress:
            yield
            return
        task = self._display_for().add(label, None, "", self.progress_delay if delay is None else delay)
        try:
            yield
        finally:
            task.finish()

    def close(self) -> None:
        """End any progress still pending or drawn (a command's end, an error)."""
        if self._display is not None:
            self._display.close()

    def _display_for(self) -> _Display:
        if self._display is None:
            assert self.stderr is not None
            self._display = _Display(self.stderr)
        return self._display


class _Task:
    """One line of the progress display, drawn once its delay has passed."""

    def __init__(self, display: _Display, label: str, total: int | None, unit: str, delay: float) -> None:
        self.display, self.label, self.total, self.unit = display, label, total, unit
        self.done = 0
        self.handle: Any = None
        self.finished = False
        self.timer = threading.Timer(delay, self.display.show, (self,))
        self.timer.daemon = True
        self.timer.start()

    def words(self) -> str:
        if self.total is None:
            return self.label
        unit = f" {self.unit}" if self.unit else ""
        return f"{self.label} {self.done:,} of {self.total:,}{unit}"

    def update(self, done: int) -> None:
        self.done = done
        if self.total is not None and done >= self.total:
            self.finish()
        else:
            self.display.refresh(self)

    def finish(self) -> None:
        self.timer.cancel()
        self.display.remove(self)


class _Display:
    """The live progress lines of one environment (rich, on stderr, cleared when done). One
    display serves every task, so steps may nest."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.lock = threading.Lock()
        self.tasks: list[_Task] = []
        self.pending: list[_Task] = []
        self.progress: Any = None

    def add(self, label: str, total: int | None, unit: str, delay: float) -> _Task:
        task = _Task(self, label, total, unit, delay)
        with self.lock:
            self.pending.append(task)
        return task

    def close(self) -> None:
        with self.lock:
            pending = list(self.pending)
        for task in pending:
            task.finish()

    def show(self, task: _Task) -> None:
        with self.lock:
            if task.finished:
                return
            if self.progress is None:
                from rich.console import Console
                from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

                self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                         TimeElapsedColumn(), console=Console(file=self.stream), transient=True)
                self.progress.start()
            task.handle = self.progress.add_task(task.words(), total=task.total, completed=task.done)
            self.tasks.append(task)

    def refresh(self, task: _Task) -> None:
        with self.lock:
            if task.handle is not None and self.progress is not None:
                self.progress.update(task.handle, description=task.words(), completed=task.done)

    def remove(self, task: _Task) -> None:
        with self.lock:
            task.finished = True
            if task in self.pending:
                self.pending.remove(task)
            if task.handle is None or self.progress is None:
                return
            self.progress.remove_task(task.handle)
            self.tasks.remove(task)
            if not self.tasks:
                self.progress.stop()
                self.progress = None

    def print(self, text: str) -> None:
        with self.lock:
            if self.progress is not None:
                self.progress.console.print(text, markup=False, highlight=False, soft_wrap=True)
                return
        print(text, file=self.stream, flush=True)


def _seconds(text: str | None, default: float) -> float:
    try:
        return max(0.0, float(text)) if text else default
    except ValueError:
        return default


@contextlib.contextmanager
def replacing(path: str | os.PathLike[str]) -> Iterator[TextIO]:
    """A text stream (UTF-8) for the file ``path`` that replaces it only once everything is
    written: a full disk or an error on the way leaves the old file as it was and no partial file
    behind. Something that is not a regular file (``/dev/stdout``, a FIFO) is written directly.
    Errors are one-line :class:`PlanctlError`."""
    from planctl.errors import PlanctlError

    target = os.path.realpath(path)  # a link is followed: the file it names is replaced
    try:
        st: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise PlanctlError(f"cannot write {path}: {exc.strerror or exc}") from None
    tmp = ""
    try:
        if st is not None and not stat.S_ISREG(st.st_mode):
            with open(target, "w", encoding="utf-8", newline="") as stream:
                yield stream
            return
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".tmp",
                                   dir=os.path.dirname(target))
        os.close(fd)
        with open(tmp, "w", encoding="utf-8", newline="") as stream:  # named: a page links relative to it
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask())
        os.replace(tmp, target)
        tmp = ""
    except OSError as exc:
        raise PlanctlError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _isatty(stream: TextIO | None) -> bool:
    return stream is not None and hasattr(stream, "isatty") and stream.isatty()


class ClosedStream(io.TextIOBase):
    """What stdout is when the process was started with it closed (``planctl list >&-``): every
    write fails as writing to a closed descriptor does."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")
