"""User-facing errors: each carries a one-line message; cli.py turns them into output and exit codes."""
from __future__ import annotations


class PressArchiveError(Exception):
    """Base class: a problem the user can act on, reported as one line."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class InputError(PressArchiveError):
    """A transcript could not be read (empty, binary, undecodable)."""


class NoTranscriptError(InputError):
    """The input was readable but held no speaker turns."""


class QueryError(PressArchiveError):
    """A search query or filter value is malformed or unknown."""

    exit_code = 2


class NotFoundError(PressArchiveError):
    """A conference or turn id is not in the archive."""


class ArchiveError(PressArchiveError):
    """The archive folder is missing, unreadable, read-only or inconsistent."""


class IndexError_(PressArchiveError):
    """The search index is missing, stale or broken and could not be rebuilt."""


class BusyError(PressArchiveError):
    """Another process holds the archive's write lock for too long."""
