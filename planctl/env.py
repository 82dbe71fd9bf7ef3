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

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

Tick = Callable[[int], None]
"""A progress callback: called with the number of units done so far."""


def _no_progress(done: int) -> None:
    return None


@dataclass
class Environment:
    """Streams, colour and progress for one run of planctl."""

    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    """Where data goes."""
    stderr: TextIO | None = field(default_factory=lambda: sys.stderr)
    """Where warnings, notes and progress go; None records warnings without printing them."""
    color: bool | None = None
    """Colour on stdout; None decides by terminal and ``NO_COLOR``."""
    progress_bars: bool | None = None
    """Progress bars on stderr; None shows them on a terminal only."""
    debug: bool = False
    """Let errors raise with their traceback."""
    warnings: list[str] = field(default_factory=list)
    """Every warning given so far, in order (what a caller or a test may inspect)."""
    _once: set[str] = field(default_factory=set, repr=False)

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

    def warn(self, message: str) -> None:
        """A problem that did not stop the work: one line on stderr."""
        self.warnings.append(message)
        self._line(f"planctl: warning: {message}")

    def warn_once(self, key: str, message: str) -> None:
        """A warning given at most once per run for ``key`` (an unwritable cache, say)."""
        if key not in self._once:
            self._once.add(key)
            self.warn(message)

    def note(self, message: str) -> None:
        """Something worth knowing (how a file was decoded), one line on stderr."""
        self._line(f"planctl: {message}")

    def replay(self, warnings: list[str]) -> None:
        """Give warnings recorded elsewhere (a worker process) as if they happened here."""
        for message in warnings:
            self.warn(message)

    def _line(self, text: str) -> None:
        if self.stderr is not None:
            print(text, file=self.stderr, flush=True)

    def progress(self, label: str, total: int, *, minimum: int = 20, delay: float = 1.0) -> Tick:
        """A progress bar for ``total`` units of work on stderr: shown on a terminal only, for at
        least ``minimum`` units, once the work has taken ``delay`` seconds (quick work shows none)."""
        show = self.progress_bars if self.progress_bars is not None else _isatty(self.stderr)
        if not show or total < max(minimum, 1) or self.stderr is None:
            return _no_progress
        started = time.monotonic()
        state: dict[str, Any] = {}
        stream = self.stderr

        def tick(done: int) -> None:
            bar = state.get("bar")
            if bar is None:
                if done >= total or time.monotonic() - started < delay:
                    return
                from rich.console import Console
                from rich.progress import Progress

                bar = state["bar"] = Progress(console=Console(file=stream), transient=True)
                state["task"] = bar.add_task(label, total=total)
                bar.start()
            bar.update(state["task"], completed=done)
            if done >= total:
                bar.stop()

        return tick


def _isatty(stream: TextIO | None) -> bool:
    return stream is not None and hasattr(stream, "isatty") and stream.isatty()
