"""The catalog: what the archive layer needs of every record without reading them all again.

For each stored conference: its identity (date, title, sources, source URL, former ids, content hash)
and its named speakers as the people register reads them (people.Mention). Derived from the
records only, and cached in ``<home>/index/.catalog.json`` (the index folder holds caches). An entry
is trusted while its record.json has the same modification time and size; any other record is read
again, so the cache is never wrong for long and deleting it loses nothing.
"""
from __future__ import annotations

import bisect
import contextlib
import hashlib
import json
import os

import orjson
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from pressarchive.people import Register
    from pressarchive.records import Record

CATALOG_FILE = ".catalog.json"
CATALOG_FORMAT = 3  # 3: each entry's people part, and the register, kept as JSON text (read on demand)
READ_FORMATS = (2, 3)
PEOPLE_PART = ("mentions", "names")  # what only the people register reads, ~3/4 of the file
RECORD_FILE = "record.json"


def summary(record: "Record") -> dict[str, Any]:
    """The catalog entry of one record (its stamp is added by the caller)."""
    from pressarchive.people import mentions_of, text_names

    c = record.conference
    return {
        "date": c.date,
        "title": c.title,
        "source": c.source,
        "sources": sources_of(c),
        "source_url": c.source_url,
        "aliases": list(getattr(c, "aliases", []) or []),
        "hash": c.content_hash,
        "mentions": [asdict(m) for m in mentions_of(record)],
        "names": text_names(p for t in record.turns for p in t.paragraphs),
    }


def _entry_of(record: "Record") -> "_Entry":
    """``summary(record)`` as a catalog entry, unstamped, its people part held as JSON text: a bulk
    add keeps the catalog of every conference in memory, and the decoded speakers and names of 20,000
    conferences took ~600 MB of the parent's memory while the index was built."""
    full = summary(record)
    part = {key: full.pop(key) for key in PEOPLE_PART}
    return _Entry({**full, "stamp": None, "_p": orjson.dumps(part).decode("utf-8")})


def sources_of(conf: Any) -> list[str]:
    """Every source a conference was added from (file names or URLs): its ``sources``, else (a record
    written before they were kept) its ``source``."""
    out: list[str] = []
    for s in [*(getattr(conf, "sources", None) or []), getattr(conf, "source", None)]:
        if s and s not in out:
            out.append(s)
    return out


class _Entry(dict):
    """A catalog entry whose people part (``PEOPLE_PART``) may still be JSON text under ``"_p"``:
    decoded the first time it is asked for. An add reads the catalog for identities only; decoding
    every entry's speakers was most of its time (13 MB at 6,000 conferences)."""

    def _decode(self) -> None:
        text = dict.pop(self, "_p", None)
        if text is not None:
            try:
                part = orjson.loads(text)
            except ValueError:
                part = {}
            for key in PEOPLE_PART:
                dict.__setitem__(self, key, part.get(key) if isinstance(part, dict) else None)

    def get(self, key: str, default: Any = None) -> Any:
        if key in PEOPLE_PART:
            self._decode()
        return dict.get(self, key, default)

    def __getitem__(self, key: str) -> Any:
        if key in PEOPLE_PART:
            self._decode()
        return dict.__getitem__(self, key)

    def stored(self) -> dict[str, Any]:
        """The entry as the file keeps it: the people part as JSON text."""
        out = {k: v for k, v in self.items() if k not in PEOPLE_PART and k != "_p"}
        text = dict.get(self, "_p")
        if text is None:
            text = orjson.dumps({k: dict.get(self, k) for k in PEOPLE_PART}).decode("utf-8")
        out["_p"] = text
        return out


class _Lookup:
    """The catalog's entries by what identity asks of them (identity.decide), so that adding one
    conference costs the same whatever the archive's size: by source key (a source's file name
    without its folder, or a URL), by date, by former id (alias), and the ids in order."""

    def __init__(self) -> None:
        self.by_key: dict[str, set[str]] = {}
        self.by_date: dict[str, set[str]] = {}
        self.aliases: dict[str, set[str]] = {}
        self.ids: list[str] = []

    @staticmethod
    def _keys(entry: dict[str, Any]) -> set[str]:
        from pressarchive.identity import base_name as _base

        keys = {_base(s) for s in entry.get("sources") or []} | {entry.get("source_url"), _base(entry.get("source"))}
        return {k for k in keys if k}

    def _slots(self, entry: dict[str, Any]):
        """(table, key) for each place an entry is filed: its sources, its date, its aliases."""
        for key in self._keys(entry):
            yield self.by_key, key
        if entry.get("date"):
            yield self.by_date, entry["date"]
        for alias in entry.get("aliases") or []:
            yield self.aliases, alias

    def add(self, cid: str, entry: dict[str, Any]) -> None:
        """Note ``cid``'s entry (its id in ``ids`` is the caller's)."""
        for table, key in self._slots(entry):
            table.setdefault(key, set()).add(cid)

    def discard(self, cid: str, entry: dict[str, Any]) -> None:
        for table, key in self._slots(entry):
            table.get(key, set()).discard(cid)


class Catalog:
    """Catalog entries by conference id, current with the corpus when it was loaded."""

    def __init__(self, entries: dict[str, dict[str, Any]], mark: str | None = None):
        self.entries = entries
        self.mark = mark  # the corpus folder's mark the entries describe (None: not known)
        self._register: "Register | None" = None
        self._register_key: str | None = None
        self._register_text: str | None = None  # the cached register, as JSON text, not yet read
        self._cache_to: Any = None  # the archive whose cache a register built here is saved to
        self._lookup: _Lookup | None = None  # built the first time an identity question is asked

    def __contains__(self, cid: str) -> bool:
        return cid in self.entries

    def resolve(self, cid: str) -> str | None:
        """The current id of a conference known by ``cid`` (itself, or a former id it keeps)."""
        if cid in self.entries:
            return cid
        holders = self.lookup().aliases.get(cid)
        return min(holders) if holders else None

    def by_source(self, name: str | None, url: str | None = None) -> list[str]:
        """Ids of the conferences with this source file name (compared without its folder) or URL."""
        from pressarchive.identity import base_name as _base

        want = {x for x in (_base(name), url) if x}
        by_key = self.lookup().by_key
        return sorted({cid for w in want for cid in by_key.get(w, ())})

    def on_date(self, date: str | None) -> set[str]:
        """Ids of the conferences of this date."""
        return set(self.lookup().by_date.get(date, ())) if date else set()

    def with_prefix(self, prefix: str) -> list[str]:
        """Ids that begin with ``prefix``, in order."""
        ids = self.lookup().ids
        start = bisect.bisect_left(ids, prefix)
        end = start
        while end < len(ids) and ids[end].startswith(prefix):
            end += 1
        return ids[start:end]

    def taken(self, cid: str) -> bool:
        """Does a conference have (or had) the id ``cid``."""
        return cid in self.entries or cid in self.lookup().aliases

    def lookup(self) -> "_Lookup":
        """The entries by source, date, former id and in id order (kept current by ``put``)."""
        if self._lookup is None:
            lookup = _Lookup()
            for cid, entry in self.entries.items():
                lookup.add(cid, entry)
            lookup.ids = sorted(self.entries)
            self._lookup = lookup
        return self._lookup

    def put(self, cid: str, record: "Record", mark: str | None = None) -> None:
        """Note a record just written (its stamp is taken when the catalog is saved); ``mark``: the
        corpus folder's mark after the write, when no other process can have written since."""
        entry = _entry_of(record)
        if self._lookup is not None:
            old = self.entries.get(cid)
            if old is not None:
                self._lookup.discard(cid, old)
            else:
                bisect.insort(self._lookup.ids, cid)
            self._lookup.add(cid, entry)
        self.entries[cid] = entry
        self._register = None
        self._register_text = None
        self.mark = mark

    def save(self, archive: Any) -> None:
        """Write the cache: the entries (stamped now), and the register when it is built."""
        for cid, entry in self.entries.items():
            if entry.get("stamp") is None:
                entry["stamp"] = _stamp(Path(archive.corpus_dir) / cid / RECORD_FILE)
        conferences = {cid: (e.stored() if isinstance(e, _Entry) else _Entry(e).stored())
                       for cid, e in self.entries.items()}
        body: dict[str, Any] = {"format": CATALOG_FORMAT, "mark": self.mark, "conferences": conferences}
        text = self._register_text
        if self._register is not None:
            text = orjson.dumps({"people": [p.as_dict() for p in self._register.people],
                                 "conflicts": self._register.conflicts}).decode("utf-8")
        if text is not None:
            body["people"] = {"key": _key(self.entries), "text": text}
        _save(Path(archive.index_dir) / CATALOG_FILE, body)

    def register(self) -> "Register":
        from pressarchive.people import Mention, build

        if self._register is None and self._register_text is not None:
            with contextlib.suppress(TypeError, ValueError, KeyError):
                from pressarchive.people import Person, Register

                data = orjson.loads(self._register_text)
                self._register = Register([Person(**p) for p in data["people"]], list(data.get("conflicts", [])))
            self._register_text = None
        if self._register is None:
            mentions = [Mention(**m) for e in self.entries.values() for m in e.get("mentions", [])]
            titles = [e.get("title") or "" for e in self.entries.values()]
            names = [(*name.split(" ", 1), n) for e in self.entries.values()
                     for name, n in (e.get("names") or {}).items() if " " in name]
            self._register = build(mentions, titles, names)
            if self._cache_to is not None:  # built once for these entries, not again by every command
                self.save(self._cache_to)
        return self._register


def _stamp(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size]


def load(archive: Any, save: bool = True) -> Catalog:
    """The catalog of ``archive`` (an object with ``ids()``, ``get(id)``, ``corpus_dir``, ``index_dir``):
    the cached entries whose record is unchanged, the others read again; saved back when it changed."""
    from pressarchive.errors import PressArchiveError

    path = Path(archive.index_dir) / CATALOG_FILE
    mark = corpus_mark(archive)  # before anything is read: a write meanwhile leaves it stale
    cached: dict[str, Any] = {}
    people: dict[str, Any] | None = None
    with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):  # orjson's error is a ValueError
        data = orjson.loads(path.read_bytes())  # 13 MB at 6,000 conferences: json took 2-10x as long
        if data.get("format") in READ_FORMATS and isinstance(data.get("conferences"), dict):
            cached = {cid: _Entry(e) for cid, e in data["conferences"].items() if isinstance(e, dict)}
            people = data.get("people")
            if mark is not None and data.get("mark") == mark:  # no conference folder came or went
                catalog = Catalog(cached, mark)
                _reuse(catalog, people)
                catalog._cache_to = archive if save else None
                return catalog
    entries: dict[str, dict[str, Any]] = {}
    changed = False
    for cid in archive.ids():
        stamp = _stamp(Path(archive.corpus_dir) / cid / RECORD_FILE)
        entry = cached.get(cid)
        if entry is None or stamp is None or entry.get("stamp") != stamp:
            try:
                entry = _entry_of(archive.get(cid))
            except PressArchiveError:
                continue  # an unreadable record: `check` reports it
            entry["stamp"] = stamp
            changed = True
        entries[cid] = entry
    changed = changed or set(cached) != set(entries)
    catalog = Catalog(entries, mark)
    _reuse(catalog, people)
    if catalog._register is None and catalog._register_text is None:
        changed = True
    if changed and save:
        catalog.register()
        catalog.save(archive)
    catalog._cache_to = archive if save else None
    return catalog


def _reuse(catalog: Catalog, people: dict[str, Any] | None) -> None:
    """Take the cached register when it was built from exactly these entries (read when it is asked
    for: most commands never ask)."""
    if not isinstance(people, dict) or people.get("key") != _key(catalog.entries):
        return
    if isinstance(people.get("text"), str):
        catalog._register_text = people["text"]
    elif isinstance(people.get("people"), list):  # format 2 kept the register as JSON itself
        catalog._register_text = orjson.dumps({"people": people["people"],
                                               "conflicts": people.get("conflicts", [])}).decode("utf-8")


def corpus_mark(archive: Any) -> str | None:
    """What changes whenever a conference folder is added, replaced or removed: the corpus folder's
    inode, link count and modification time. None (never trusted) when the time is whole seconds,
    as on file systems whose timestamps cannot tell two writes within a second apart."""
    try:
        st = os.stat(archive.corpus_dir)
    except OSError:
        return None
    if st.st_mtime_ns % 1_000_000_000 == 0:
        return None
    return f"{st.st_ino}-{st.st_nlink}-{st.st_mtime_ns}"


def _key(entries: dict[str, dict[str, Any]]) -> str:
    from pressarchive.people import REGISTER_VERSION

    h = hashlib.sha1(f"register {REGISTER_VERSION}\n".encode())
    for cid in sorted(entries):
        h.update(f"{cid}:{entries[cid].get('stamp')}\n".encode())
    return h.hexdigest()


def _save(path: Path, body: dict[str, Any]) -> None:
    """Write the cache atomically, or not at all (a read-only home is searched without one)."""
    from pressarchive.atomic import write_atomic

    with contextlib.suppress(OSError):
        if not path.parent.is_dir():
            if not os.access(path.parent.parent, os.W_OK):
                return
            path.parent.mkdir(exist_ok=True)
        if not os.access(path.parent, os.W_OK):
            return
        write_atomic(path, orjson.dumps(body))


def forget(archive: Any) -> None:
    """Drop the cache (after a write that the stamps could miss, e.g. within one clock tick)."""
    with contextlib.suppress(OSError):
        (Path(archive.index_dir) / CATALOG_FILE).unlink()
