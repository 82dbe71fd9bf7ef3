"""Exit statuses and the one exception type that the CLI turns into a one-line message."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Process exit statuses, grep/diff style."""

    OK = 0
    NO_MATCH = 1  # nothing found / differences present
    ERROR = 2
    INTERRUPTED = 130


class PlanctlError(Exception):
    """A user-facing error: bad input, unknown plan, unreadable file.

    The message is one line; the CLI prints it to stderr and exits with status 2.
    """

    def __init__(self, message: str, *, hints: list[str] | None = None) -> None:
        super().__init__(message)
        self.hints = hints or []
