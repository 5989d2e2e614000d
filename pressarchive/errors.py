"""User-facing errors: each carries a one-line message; the command line (cli/) turns them into output and exit codes.

Exit codes (the command line's, as grep and rg have them): 0 success; 1 a report that is not all
good: nothing matched (a search, ``show`` or ``export`` found nothing: ``NotFoundError``), ``check``
found problems, or some sources of an ``add`` failed (each named); 2 an error: every other
``PressArchiveError``, a usage error, an unexpected failure (one ``Error:`` line). 130 interrupted,
141 the reader of the output went away (a broken pipe, quietly).

Messages speak the library's words, never a command-line flag: a parameter is named as the library
takes it (``limit``, ``since``), listed in ``params``, and the command line writes it as its flag
(``--limit``) when it reports the error (``cli.report``).
"""
from __future__ import annotations

EXIT_NO_MATCH = 1  # also: check found problems, some sources of an add failed
EXIT_ERROR = 2


class PressArchiveError(Exception):
    """Base class: a problem the user can act on, reported as one line."""

    exit_code = EXIT_ERROR

    def __init__(self, message: str, hint: str | None = None, params: tuple[str, ...] = ()):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.params = tuple(params)  # the parameters the message names, as the library calls them

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class InputError(PressArchiveError):
    """A transcript could not be read (empty, binary, undecodable)."""


class NoTranscriptError(InputError):
    """The input was readable but held no speaker turns."""


class QueryError(PressArchiveError):
    """A search query or filter value is malformed or unknown."""


class NotFoundError(PressArchiveError):
    """A conference or turn id is not in the archive: nothing matched."""

    exit_code = EXIT_NO_MATCH


class ArchiveError(PressArchiveError):
    """The archive folder is missing, unreadable, read-only or inconsistent."""


class NoArchiveError(ArchiveError):
    """The folder named as the archive holds none (or does not exist)."""


class IndexError_(PressArchiveError):
    """The search index is missing, stale or broken and could not be rebuilt."""


class BusyError(PressArchiveError):
    """Another process holds the archive's write lock for too long."""
