"""pressarchive: a searchable, bilingual archive of press-conference transcripts.

    import pressarchive
    archive = pressarchive.open()                 # the default home, or $PRESSARCHIVE_HOME
    for hit in archive.search("集成电路", region="Shanghai", limit=5):
        print(hit.speaker_name, hit.id, hit.text[:80])

``open(home)`` reads an archive and never creates one (``NoArchiveError``); ``init(home)`` makes an
empty one. The whole session is in docs/api.md.
"""
from __future__ import annotations

import os as _os
from typing import TYPE_CHECKING

from pressarchive.errors import (ArchiveError, BusyError, IndexError_, InputError, NoArchiveError, NoTranscriptError,
                                 NotFoundError, PressArchiveError, QueryError)
from pressarchive.results import AddReport, ConferenceInfo, Hit, Person, Results
from pressarchive.settings import Settings

if TYPE_CHECKING:  # pragma: no cover
    from pressarchive.archive import Archive

__version__ = "0.1.0"

__all__ = [
    "open", "init", "Archive", "Settings", "Hit", "Results", "AddReport", "Person", "ConferenceInfo",
    "PressArchiveError", "InputError", "NoTranscriptError", "QueryError", "NotFoundError", "ArchiveError",
    "NoArchiveError", "IndexError_", "BusyError", "__version__",
]


def open(home: str | _os.PathLike[str] | None = None, *, settings: Settings | None = None) -> "Archive":  # noqa: A001
    """The archive at ``home`` (else $PRESSARCHIVE_HOME, else the default home, which is filled with the
    bundled sample on first use). A folder that holds no archive is a ``NoArchiveError``."""
    from pressarchive.archive import open_archive

    return open_archive(home, settings=settings)


def init(home: str | _os.PathLike[str], *, settings: Settings | None = None) -> "Archive":
    """Make ``home`` an empty archive (nothing happens to one that already is) and open it."""
    from pressarchive.archive import open_archive

    return open_archive(home, settings=settings, create=True)


def __getattr__(name: str):
    if name == "Archive":
        from pressarchive.archive import Archive

        return Archive
    raise AttributeError(f"module 'pressarchive' has no attribute {name!r}")
