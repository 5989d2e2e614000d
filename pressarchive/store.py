"""The corpus: one folder per conference holding the raw file as received and its record.

Layout: ``<home>/corpus/<conference id>/record.json`` and ``<home>/corpus/<conference id>/raw<ext>``.
(Minimal read side; add / remove / locking are built on top of it.)
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

from pressarchive.errors import ArchiveError, NotFoundError
from pressarchive.records import Record, is_safe_id

RECORD_FILE = "record.json"


class Archive:
    """An archive home: ``corpus/`` (the truth) and ``index/`` (a cache of it)."""

    def __init__(self, home: Path):
        self.home = Path(home)
        self.corpus_dir = self.home / "corpus"
        self.index_dir = self.home / "index"

    def ids(self) -> list[str]:
        if not self.corpus_dir.is_dir():
            return []
        return sorted(p.parent.name for p in self.corpus_dir.glob(f"*/{RECORD_FILE}"))

    def get(self, conference_id: str) -> Record:
        if not is_safe_id(conference_id):
            raise NotFoundError(f"no conference {conference_id!r} in the archive")
        path = self.corpus_dir / conference_id / RECORD_FILE
        if not path.is_file():
            raise NotFoundError(f"no conference {conference_id!r} in the archive")
        try:
            return Record.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, KeyError, TypeError) as err:
            raise ArchiveError(
                f"record {conference_id} is unreadable ({err})", hint="run `pressarchive check`"
            ) from err

    def records(self) -> Iterator[Record]:
        for cid in self.ids():
            yield self.get(cid)
