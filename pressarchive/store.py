"""The corpus: one folder per conference holding the raw file as received and its record.

Layout: ``<home>/corpus/<conference id>/record.json`` and ``<home>/corpus/<conference id>/raw<ext>``.
Every write happens under the archive's write lock (``<home>/.lock``) and is atomic: a conference
folder is written in full under a hidden name and renamed into place. A journal
(``<home>/.journal.json``) names the conferences a write is about to touch, so that a process killed
half-way is repaired by the next one (``Archive.recover``). See docs/archive.md.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from pressarchive.atomic import fsync_dir, write_atomic
from pressarchive.errors import ArchiveError, BusyError, InputError, NotFoundError, PressArchiveError
from pressarchive.records import Record, conference_id, content_hash, is_safe_id

RECORD_FILE = "record.json"
RAW_STEM = "raw"
LOCK_FILE = ".lock"
JOURNAL_FILE = ".journal.json"
NO_SEED_ENV = "PRESSARCHIVE_NO_SEED"
LOCK_TIMEOUT_ENV = "PRESSARCHIVE_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 120.0
BATCH_SIZE = 32  # conferences stored (and indexed) per hold of the write lock

_EXT = re.compile(r"^\.[a-z0-9]{1,8}$")
_STAGING = (".new-", ".old-", ".trash-")


@dataclass
class AddOutcome:
    """What adding one transcript did: added, updated, unchanged or failed (with the reason)."""

    status: str  # "added" | "updated" | "unchanged" | "failed"
    source: str
    conference_id: str | None = None
    title: str | None = None
    replaced: str | None = None  # the id of a stored conference this one replaced, when it differs
    reason: str | None = None  # for "failed": a one-line reason
    turns: int = 0


@dataclass
class Problem:
    """One disagreement found by ``Archive.check``: what is wrong, where, and how to mend it."""

    where: str
    what: str
    mend: str
    fixed: bool = False


@dataclass
class CheckReport:
    """The result of ``Archive.check``: conferences seen, problems found, repairs made."""

    conferences: int
    indexed: int | None
    problems: list[Problem]
    recovered: list[str]

    @property
    def ok(self) -> bool:
        return all(p.fixed for p in self.problems)


def raw_extension(source_name: str, raw: bytes = b"") -> str:
    """The extension the raw file keeps: the source's own when it is a plain one, else guessed."""
    name = source_name.split("?")[0].split("#")[0].rstrip("/")
    suffix = os.path.splitext(os.path.basename(name))[1].lower()
    if _EXT.match(suffix):
        return suffix
    head = raw[:512].lstrip().lower()
    return ".html" if head.startswith((b"<!doctype html", b"<html", b"<?xml")) else ".txt"


class Archive:
    """An archive home: ``corpus/`` (the truth) and ``index/`` (a cache of it)."""

    def __init__(self, home: Path):
        self.home = Path(home)
        self.corpus_dir = self.home / "corpus"
        self.index_dir = self.home / "index"
        self.lock_path = self.home / LOCK_FILE
        self.journal_path = self.home / JOURNAL_FILE
        self._lock = None
        self._seed_checked = False

    # --- reading ----------------------------------------------------------------------------
    def ids(self) -> list[str]:
        """Ids of the stored conferences, sorted (a fresh home is seeded first: see seed_if_new)."""
        self.seed_if_new()
        if not self.corpus_dir.is_dir():
            return []
        return sorted(
            p.parent.name for p in self.corpus_dir.glob(f"*/{RECORD_FILE}") if is_safe_id(p.parent.name)
        )

    def get(self, conference_id: str) -> Record:
        """The record of one conference; NotFoundError for an unknown or unsafe id."""
        if not is_safe_id(conference_id):
            raise NotFoundError(f"no conference {conference_id!r} in the archive")
        path = self.corpus_dir / conference_id / RECORD_FILE
        if not path.is_file():
            raise NotFoundError(f"no conference {conference_id!r} in the archive")
        try:
            record = Record.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, KeyError, TypeError, AttributeError, OSError) as err:
            raise ArchiveError(
                f"record {conference_id} is unreadable ({err})", hint="run `pressarchive check --fix`"
            ) from err
        if record.conference.id != conference_id:
            raise ArchiveError(
                f"record {conference_id} names another conference ({record.conference.id})",
                hint="run `pressarchive check --fix`",
            )
        return record

    def records(self) -> Iterator[Record]:
        for cid in self.ids():
            yield self.get(cid)

    def raw_path(self, conference_id: str) -> Path | None:
        """The raw file of a conference as received, or None when it is missing."""
        if not is_safe_id(conference_id):
            return None
        folder = self.corpus_dir / conference_id
        found = sorted(folder.glob(f"{RAW_STEM}.*")) if folder.is_dir() else []
        return found[0] if found else None

    # --- seeding ----------------------------------------------------------------------------
    def seed_if_new(self) -> bool:
        """Fill a home that has no ``corpus/`` yet with the bundled sample archive.

        Only a home whose corpus folder does not exist is seeded (an emptied corpus stays empty),
        never the checkout's own corpus, never when $PRESSARCHIVE_NO_SEED is set, and silently not
        at all when the home cannot be written. Returns True when something was seeded.
        """
        if self._seed_checked:
            return False
        self._seed_checked = True
        if self.corpus_dir.exists() or os.environ.get(NO_SEED_ENV):
            return False
        from pressarchive.home import bundled_corpus

        source = bundled_corpus()
        if source is None or not source.is_dir():
            return False
        with contextlib.suppress(OSError):
            if source.resolve() == self.corpus_dir.resolve():
                return False
        folders = _seed_folders(source)
        if not folders:
            return False
        staging = None
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            staging = _make_folder(".seed-", self.home)
            for cid, files in folders.items():
                (staging / cid).mkdir()
                for f in files:
                    shutil.copyfile(f, staging / cid / f.name)
            os.rename(staging, self.corpus_dir)  # fails if another process seeded meanwhile
            staging = None
            return True
        except OSError:
            return False
        finally:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)

    # --- the write lock and the journal --------------------------------------------------------
    @contextlib.contextmanager
    def write_lock(
        self, timeout: float | None = None, on_wait: Callable[[], None] | None = None
    ) -> Iterator[None]:
        """Hold the archive's write lock; call ``on_wait`` once if another process holds it.

        Raises ArchiveError for a read-only archive and BusyError after ``timeout`` seconds.
        """
        from filelock import FileLock, Timeout

        if timeout is None:
            timeout = _lock_timeout()
        self._ensure_writable()
        if self._lock is None:
            self._lock = FileLock(str(self.lock_path))
        try:
            try:
                self._lock.acquire(timeout=0)
            except Timeout:
                if on_wait is not None:
                    on_wait()
                self._lock.acquire(timeout=timeout)
        except Timeout as err:
            raise BusyError(
                f"another pressarchive process has been writing to {self.home} for over {timeout:g}s",
                hint="try again when it has finished",
            ) from err
        except OSError as err:
            raise self._read_only_error(err) from err
        try:
            yield
        finally:
            self._lock.release()

    def _try_lock(self) -> bool:
        """Take the write lock only if nobody holds it (False also for a read-only home)."""
        from filelock import FileLock, Timeout

        if not os.access(self.home, os.W_OK):
            return False
        if self._lock is None:
            self._lock = FileLock(str(self.lock_path))
        try:
            self._lock.acquire(timeout=0)
            return True
        except (Timeout, OSError):
            return False

    def _ensure_writable(self) -> None:
        try:
            self.home.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise self._read_only_error(err) from err
        for folder in (self.home, self.corpus_dir):
            if folder.exists() and not os.access(folder, os.W_OK):
                raise self._read_only_error(None)

    def _read_only_error(self, err: OSError | None) -> ArchiveError:
        detail = f" ({err.strerror})" if err is not None and err.strerror else ""
        return ArchiveError(
            f"the archive at {self.home} is read-only{detail}: it can be searched but not changed",
            hint="use --home (or $PRESSARCHIVE_HOME) to choose a writable archive",
        )

    def _write_journal(self, op: str, added: Iterable[str] = (), removed: Iterable[str] = ()) -> None:
        data = {"op": op, "added": sorted(set(added)), "removed": sorted(set(removed)),
                "pid": os.getpid(), "started": time.time()}
        _write_atomic(self.journal_path, json.dumps(data).encode("utf-8"))

    def _clear_journal(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.journal_path.unlink()
        _fsync_dir(self.home)

    def pending(self) -> dict[str, Any] | None:
        """The journal of an unfinished write (None when the last write finished)."""
        try:
            data = json.loads(self.journal_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return {"op": "unknown", "added": [], "removed": []}
        return data if isinstance(data, dict) else {"op": "unknown", "added": [], "removed": []}

    def recover(self) -> list[str]:
        """Finish or undo a write that a killed process left half-done; returns what was repaired.

        Takes the write lock only if it is free (a live writer is never disturbed), so a search may
        call it. Cheap when nothing is pending.
        """
        if self.journal_path.exists() or _has_staging(self.corpus_dir):
            if self._try_lock():
                try:
                    return self._recover_locked()
                finally:
                    self._lock.release()
        return []

    def _recover_locked(self) -> list[str]:
        notes = self._clean_staging()
        journal = self.pending()
        if journal is None:
            return notes
        from pressarchive import index

        op = journal.get("op")
        if op in ("add", "remove"):
            touched = [i for i in (*journal.get("added", []), *journal.get("removed", [])) if is_safe_id(i)]
            present = [i for i in dict.fromkeys(touched) if (self.corpus_dir / i / RECORD_FILE).is_file()]
            index.update(self, added=[self.get(i) for i in present], removed=list(dict.fromkeys(touched)))
            notes.append(f"finished an interrupted {op}: re-indexed {len(set(touched))} conference(s)")
        else:
            index.rebuild(self)
            notes.append(f"finished an interrupted {op}: rebuilt the index")
        self._clear_journal()
        return notes

    def _clean_staging(self) -> list[str]:
        """Remove half-written folders; put back a conference whose replacement never landed."""
        notes: list[str] = []
        if not self.corpus_dir.is_dir():
            return notes
        # names first: sorting 10,000 Path objects cost a quarter of a second on every write
        for name in sorted(n for n in os.listdir(self.corpus_dir) if n.startswith(_STAGING)):
            p = self.corpus_dir / name
            if not p.is_dir():
                continue
            if name.startswith(".old-"):
                cid = _staged_id(name, ".old-")
                if cid and not (self.corpus_dir / cid).exists():
                    os.rename(p, self.corpus_dir / cid)
                    notes.append(f"restored {cid} (its replacement was interrupted)")
                    continue
            shutil.rmtree(p, ignore_errors=True)
        for p in self.home.glob(".seed-*"):
            if p.is_dir() and time.time() - p.stat().st_mtime > 600:
                shutil.rmtree(p, ignore_errors=True)
        _fsync_dir(self.corpus_dir)
        return notes

    # --- writing ----------------------------------------------------------------------------
    def add(self, raw: bytes, source_name: str, overrides: dict[str, Any] | None = None) -> AddOutcome:
        """Parse one transcript and store it (added / updated / unchanged); errors are raised."""
        from pressarchive.ingest import ingest_bytes

        record = ingest_bytes(raw, source_name, overrides)
        return self.store([(record, raw, source_name)])[0]

    def add_sources(
        self,
        sources: list[str],
        overrides: dict[str, Any] | None = None,
        progress: Callable[[str], None] | None = None,
        on_wait: Callable[[], None] | None = None,
    ) -> list[AddOutcome]:
        """Read, parse and store files / folders' files / ``-`` / URLs, in batches; one outcome each.

        A source that cannot be read or parsed becomes a "failed" outcome; the others are still stored.
        """
        given = {k: v for k, v in (overrides or {}).items() if v}
        outcomes: list[tuple[int, AddOutcome]] = []
        batch: list[tuple[Record, bytes, str]] = []
        labels: list[tuple[int, str]] = []

        # A bulk add (more than one batch) stores every batch first and indexes once at the end: one
        # writer instead of a commit (and a segment merge) per batch, or a full build when the new
        # conferences outnumber the indexed ones. Until then the index is only behind the corpus, which
        # every command detects and repairs (index.ensure_index), so no journal is needed for it.
        bulk = len(sources) > BATCH_SIZE

        def flush() -> None:
            for (position, label), outcome in zip(labels, self.store(batch, on_wait=on_wait, index_now=not bulk)):
                outcome.source = label
                outcomes.append((position, outcome))
            batch.clear()
            labels.clear()

        with _parsed(sources, given) as results:
            for position, (source, result) in enumerate(zip(sources, results)):
                if result[0] == "ok":
                    batch.append(result[1:])
                    labels.append((position, source))
                else:
                    outcomes.append((position, AddOutcome("failed", source, reason=result[1])))
                if progress is not None:
                    progress(source)
                if len(batch) >= BATCH_SIZE:
                    flush()
            if batch:
                flush()
        if bulk and any(o.status in ("added", "updated") for _, o in outcomes):
            from pressarchive import index

            index.sync(self, progress=None)
        return [outcome for _, outcome in sorted(outcomes, key=lambda pair: pair[0])]

    def store(
        self,
        items: list[tuple[Record, bytes, str]],
        on_wait: Callable[[], None] | None = None,
        index_now: bool = True,
    ) -> list[AddOutcome]:
        """Store parsed records with their raw bytes under one hold of the lock, then index them
        (``index_now=False``: leave that to the caller's ``index.sync``)."""
        from pressarchive import index

        prepared = [(_settle(record, raw), raw, name) for record, raw, name in items]
        outcomes: list[AddOutcome] = []
        with self.write_lock(on_wait=on_wait):
            self.corpus_dir.mkdir(parents=True, exist_ok=True)
            self._recover_locked()
            changed: dict[str, Record] = {}
            removed: set[str] = set()
            journal: tuple[set[str], set[str]] = (set(), set())
            for record, raw, name in prepared:
                cid = record.conference.id
                status, twin = self._plan(record, raw)
                if status != "unchanged":
                    if index_now and (cid not in journal[0] or (twin and twin not in journal[1])):
                        journal[0].add(cid)
                        journal[1].update([twin] if twin else [])
                        self._write_journal("add", added=journal[0], removed=journal[1])
                    self._write_conference(record, raw, name, sync_corpus=False)
                    if twin:
                        self._discard(twin)
                        removed.add(twin)
                        changed.pop(twin, None)
                    if status == "updated" and not twin and cid not in changed:
                        removed.add(cid)
                    changed[cid] = record
                outcomes.append(
                    AddOutcome(status, name, cid, record.conference.title, twin, turns=len(record.turns))
                )
            self._sync_corpus()  # the new folders' renames are on disk before success is reported
            if journal[0]:
                index.update(self, added=list(changed.values()), removed=sorted(removed))
                self._clear_journal()
            elif changed or removed:
                index.forget_mark(self)  # the next command compares the corpus with the index
        return outcomes

    # This process's view of where raw files are, by size (see _RawFiles), and whether a new
    # conference folder was renamed into corpus/ without the corpus folder being fsynced since.
    _raw_files: "_RawFiles | None" = None
    _corpus_unsynced: bool = False

    def _plan(self, record: Record, raw: bytes) -> tuple[str, str | None]:
        """Decide what storing ``record`` means: (status, id of another conference it replaces)."""
        cid = record.conference.id
        folder = self.corpus_dir / cid
        if (folder / RECORD_FILE).is_file():
            return ("unchanged" if self._same(cid, record, raw) else "updated"), None
        twin = self._find_by_content(raw, exclude=cid)
        return ("updated", twin) if twin else ("added", None)

    def _same(self, cid: str, record: Record, raw: bytes) -> bool:
        raw_file = self.raw_path(cid)
        try:
            stored = json.loads((self.corpus_dir / cid / RECORD_FILE).read_text(encoding="utf-8"))
            if raw_file is None or raw_file.read_bytes() != raw:
                return False
        except (OSError, ValueError):
            return False
        new = record.to_dict()
        new["conference"]["source"] = stored.get("conference", {}).get("source")
        return stored == new

    def _find_by_content(self, raw: bytes, exclude: str) -> str | None:
        """The id of a stored conference other than ``exclude`` whose raw file holds exactly these bytes.

        Only the raw files as long as ``raw`` are read; their sizes come from ``_current_raw_files``
        (one stat of corpus/ per call, not one per stored conference).
        """
        try:
            known = self._current_raw_files()
        except OSError:
            return None
        if known is None:
            return None
        for cid, name in known.of_size(len(raw)):
            if cid == exclude:
                continue
            try:
                if (self.corpus_dir / cid / name).read_bytes() == raw:
                    return cid
            except OSError:
                continue
        return None

    def _current_raw_files(self, build: bool = True) -> "_RawFiles | None":
        """The raw files by size, rescanned when corpus/ changed since this process last saw it.

        Every add, replace and remove (by any process) renames a folder into or out of corpus/, which
        changes the folder's modification time; this process's own writes update the map in place
        (``_write_conference``). ``build=False``: None instead of a rescan.
        """
        now = time.time_ns()  # before the stat: see _RawFiles.trusted
        stamp = _corpus_stamp(self.corpus_dir)
        known = self._raw_files
        if known is not None and known.trusted(stamp):
            return known
        self._raw_files = None
        if stamp is None or not build:
            return None
        self._raw_files = _RawFiles.scan(self.corpus_dir, stamp, now)
        return self._raw_files

    def _write_conference(self, record: Record, raw: bytes, source_name: str, sync_corpus: bool = True) -> None:
        """Write a conference folder in full under a hidden name, then rename it into place.

        Crash safety: both files are fsynced, then the staging folder (their names), before the rename,
        so the folder is complete under its real name whenever the rename survives a crash. The
        rename itself is made durable by fsyncing corpus/: at once for a replacement (before the old
        folder is deleted), and for a new conference too unless ``sync_corpus=False``, when the caller
        must call ``_sync_corpus`` before it reports success or clears the journal (one fsync for a
        whole batch instead of one per conference).
        """
        cid = record.conference.id
        raw_name = f"{RAW_STEM}{raw_extension(source_name, raw)}"
        known = self._current_raw_files(build=False) if self._raw_files is not None else None
        self._raw_files = None  # put back (updated) once this write has landed
        staging = _make_folder(f".new-{cid}-", self.corpus_dir)
        try:
            _write_file(staging / raw_name, raw)
            body = json.dumps(record.to_dict(), ensure_ascii=False, indent=1).encode("utf-8")
            _write_file(staging / RECORD_FILE, body)
            _fsync_dir(staging)
            target = self.corpus_dir / cid
            if target.exists():
                old = Path(tempfile.mkdtemp(prefix=f".old-{cid}-", dir=self.corpus_dir))
                old.rmdir()
                os.rename(target, old)
                os.rename(staging, target)
                staging = None
                self._corpus_unsynced = True
                self._sync_corpus()  # the renames are on disk before the old folder goes
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.rename(staging, target)
                staging = None
                self._corpus_unsynced = True
                if sync_corpus:
                    self._sync_corpus()
        except OSError as err:
            raise ArchiveError(f"could not write conference {cid}: {err.strerror or err}") from err
        finally:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
        if known is not None:
            now = time.time_ns()
            stamp = _corpus_stamp(self.corpus_dir)
            if stamp is not None:
                known.put(cid, ((raw_name, len(raw)),))
                known.stamp, known.seen_ns = stamp, now
                self._raw_files = known

    def _sync_corpus(self) -> None:
        """Make the renames of new conference folders into corpus/ durable (see _write_conference)."""
        if self._corpus_unsynced:
            _fsync_dir(self.corpus_dir)
            self._corpus_unsynced = False

    def _discard(self, cid: str) -> None:
        """Move a conference folder aside, then delete it (the rename is the commit point)."""
        target = self.corpus_dir / cid
        if not target.exists():
            return
        trash = Path(tempfile.mkdtemp(prefix=f".trash-{cid}-", dir=self.corpus_dir))
        trash.rmdir()
        os.rename(target, trash)
        _fsync_dir(self.corpus_dir)
        shutil.rmtree(trash, ignore_errors=True)

    def remove(self, conference_id: str, on_wait: Callable[[], None] | None = None) -> Record:
        """Remove one conference from the corpus and the index; returns its record."""
        from pressarchive import index

        if not is_safe_id(conference_id):
            raise NotFoundError(f"no conference {conference_id!r} in the archive")
        with self.write_lock(on_wait=on_wait):
            self._recover_locked()
            folder = self.corpus_dir / conference_id
            if not folder.is_dir():
                raise NotFoundError(
                    f"no conference {conference_id!r} in the archive",
                    hint="`pressarchive conferences` lists the conference ids",
                )
            try:
                record = self.get(conference_id)
            except ArchiveError:
                record = None
            self._write_journal("remove", removed=[conference_id])
            try:
                self._discard(conference_id)
            except OSError as err:
                raise ArchiveError(f"could not remove {conference_id}: {err.strerror or err}") from err
            index.update(self, added=[], removed=[conference_id])
            self._clear_journal()
        return record

    def reindex(self, progress: Callable[..., Any] | None = None, on_wait: Callable[[], None] | None = None) -> int:
        """Rebuild the index from the corpus alone; returns the number of conferences indexed."""
        from pressarchive import index

        with self.write_lock(on_wait=on_wait):
            self._clean_staging()
            self._write_journal("reindex")
            index.rebuild(self, progress=progress)
            self._clear_journal()
        return len(self.ids())

    # --- checking ---------------------------------------------------------------------------
    def check(self, fix: bool = False, on_wait: Callable[[], None] | None = None) -> CheckReport:
        """Do corpus and index agree? Every record readable, raw present with its hash, index current."""
        recovered = self.recover()
        problems: list[Problem] = []
        states: dict[str, tuple[str | None, int] | None] = {}
        if self.corpus_dir.is_dir():
            for p in sorted(self.corpus_dir.iterdir()):
                if p.name.startswith(".") and p.name.startswith(_STAGING):
                    problems.append(Problem(p.name, "a half-written folder is left in corpus/",
                                            "run `pressarchive check --fix`"))
                elif p.is_dir() and not is_safe_id(p.name):
                    problems.append(Problem(p.name, "a folder whose name is not a conference id",
                                            "move it out of corpus/"))
        for cid in self.ids():
            states[cid] = None
            try:
                record = self.get(cid)
            except ArchiveError as err:
                problems.append(Problem(cid, err.message, _mend_record(self.raw_path(cid))))
                continue
            if record.conference.id != cid:
                problems.append(Problem(cid, f"record.json names another id ({record.conference.id})",
                                        "run `pressarchive check --fix` (re-parses the raw file)"))
            raw_file = self.raw_path(cid)
            if raw_file is None:
                problems.append(Problem(cid, "the raw file is missing",
                                        "add the original transcript again with `pressarchive add FILE`"))
            else:
                actual = content_hash(raw_file.read_bytes())
                if actual != record.conference.content_hash:
                    problems.append(Problem(
                        cid, f"{raw_file.name} was changed after it was stored (its hash differs from record.json)",
                        "add the original (or corrected) transcript again with `pressarchive add FILE`"))
            states[cid] = (record.conference.content_hash, len(record.turns))
        if self.corpus_dir.is_dir():
            for p in sorted(self.corpus_dir.iterdir()):
                if p.is_dir() and is_safe_id(p.name) and not (p / RECORD_FILE).is_file():
                    problems.append(Problem(p.name, "record.json is missing", _mend_record(self.raw_path(p.name))))
        indexed = self._index_problems(states, problems)
        if fix and any(not p.fixed for p in problems):
            self._fix(problems, on_wait)
        return CheckReport(len(states), indexed, problems, recovered)

    def _index_problems(self, states: dict[str, tuple[str | None, int] | None], problems: list[Problem]) -> int | None:
        """Compare the index's own state (conference -> hash) and its turn documents with the corpus."""
        from collections import Counter

        from pressarchive import index

        state = index.read_state(self.index_dir)
        if state is None:
            built = self.index_dir.is_dir() and any(not p.name.startswith(".") for p in self.index_dir.iterdir())
            if built:  # never built is fine: the first search builds it
                problems.append(Problem("index", "the index is unreadable or was built by another version",
                                        "run `pressarchive reindex`"))
            return None
        try:
            ix = index.open_index(self)
            try:
                with ix.searcher() as searcher:
                    docs = Counter(fields.get("conference") for fields in searcher.all_stored_fields())
            finally:
                ix.close()
        except PressArchiveError as err:
            problems.append(Problem("index", err.message, "run `pressarchive reindex`"))
            return None
        except Exception as err:  # noqa: BLE001 - Whoosh raises many kinds for a damaged index
            problems.append(Problem("index", f"the index is unreadable ({type(err).__name__})",
                                    "run `pressarchive reindex`"))
            return None
        lexicon = self.index_dir / "lexicon.json"
        if lexicon.exists():
            try:
                from pressarchive import translate

                translate.load_lexicon(lexicon)
            except Exception:  # noqa: BLE001 - any damage: cross-language search would degrade silently
                problems.append(Problem("index", "the cross-language lexicon (index/lexicon.json) is unreadable",
                                        "run `pressarchive reindex`"))
        indexed = {cid: (entry or {}).get("hash") for cid, entry in state["conferences"].items()}
        for cid in sorted(set(states) - set(indexed)):
            problems.append(Problem(cid, "stored but not in the index", "run `pressarchive reindex`"))
        for cid in sorted((set(indexed) | {c for c in docs if c}) - set(states)):
            problems.append(Problem(cid, "in the index but not in the corpus", "run `pressarchive reindex`"))
        for cid in sorted(set(states) & set(indexed)):
            if states[cid] is None:
                continue
            digest, turns = states[cid]
            if digest and indexed[cid] and digest != indexed[cid]:
                problems.append(Problem(cid, "the index holds another version", "run `pressarchive reindex`"))
            elif docs.get(cid, 0) != turns:
                problems.append(Problem(cid, f"the index holds {docs.get(cid, 0)} of its {turns} turns",
                                        "run `pressarchive reindex`"))
        return len(indexed)

    def _fix(self, problems: list[Problem], on_wait: Callable[[], None] | None) -> None:
        """Mend what can be mended from the corpus itself: re-parse raw files, clean, rebuild the index."""
        from pressarchive import index
        from pressarchive.ingest import ingest_bytes

        with self.write_lock(on_wait=on_wait):
            self._clean_staging()
            for p in problems:
                if p.where.startswith(_STAGING):
                    p.fixed = True
                elif "re-parses" in p.mend:
                    raw_file = self.raw_path(p.where)
                    old = self._old_record(p.where)
                    overrides = _overrides_of(old)
                    try:
                        raw = raw_file.read_bytes()
                        name = (old or {}).get("source")
                        name = name if isinstance(name, str) and name else raw_file.name
                        record = _settle(ingest_bytes(raw, name, overrides), raw)
                    except (OSError, PressArchiveError) as err:
                        p.what += f"; re-parsing it failed: {getattr(err, 'message', err)}"
                        p.mend = "add the original transcript again with `pressarchive add FILE`, or remove it"
                        continue
                    if record.conference.id != p.where:
                        record.with_ids(p.where)
                    self._write_journal("add", added=[p.where])
                    self._write_conference(record, raw, name)
                    p.fixed = True
            self._write_journal("reindex")
            index.rebuild(self)
            self._clear_journal()
            for p in problems:
                if "reindex" in p.mend:
                    p.fixed = True

    def _old_record(self, cid: str) -> dict[str, Any] | None:
        try:
            conf = json.loads((self.corpus_dir / cid / RECORD_FILE).read_text(encoding="utf-8"))["conference"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return conf if isinstance(conf, dict) else None


# --- helpers ----------------------------------------------------------------------------------
def read_and_parse(source: str, given: dict[str, Any]) -> tuple:
    """("ok", record, raw bytes, name) for one source, or ("failed", reason): one bad file never
    sinks a batch. Runs in a worker process for a bulk add (``_parsed``)."""
    from pressarchive.fetch import is_url, read_source
    from pressarchive.ingest import ingest_bytes

    try:
        raw, name = read_source(source)
        these = dict(given)
        if is_url(source):
            these.setdefault("source_url", source)
        return ("ok", _settle(ingest_bytes(raw, name, these or None), raw), raw, name)
    except PressArchiveError as err:
        return ("failed", err.message)
    except Exception as err:  # noqa: BLE001 - one bad file must not sink a batch
        if os.environ.get("PRESSARCHIVE_DEBUG"):
            raise
        return ("failed", f"unexpected {type(err).__name__}: {err}")


@contextlib.contextmanager
def _parsed(sources: list[str], given: dict[str, Any]):
    """``read_and_parse`` of each source, in order: in this process, or, for more than a batch of
    files (no stdin) on a machine with several cores, in worker processes (index.build_procs)."""
    from pressarchive.index import build_procs

    procs = build_procs(len(sources)) if len(sources) > BATCH_SIZE and "-" not in sources else 1
    if procs == 1:
        yield (read_and_parse(source, given) for source in sources)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    from functools import partial

    with ProcessPoolExecutor(procs, mp_context=multiprocessing.get_context("spawn")) as pool:
        try:
            yield pool.map(partial(read_and_parse, given=given), sources, chunksize=4)
        except BrokenProcessPool as err:  # a worker was killed (out of memory, a signal)
            pool.shutdown(wait=False, cancel_futures=True)
            raise ArchiveError("a process parsing the transcripts stopped; the batches stored before it are kept",
                               hint="add the folder again (stored files are skipped as unchanged); "
                                    "PRESSARCHIVE_BUILD_PROCS=1 parses in one process") from err
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _settle(record: Record, raw: bytes) -> Record:
    """Give a parsed record its content hash and a safe, stable conference id."""
    conf = record.conference
    conf.content_hash = content_hash(raw)
    cid = conf.id or conference_id(conf.date, conf.organizer, conf.title, fallback=conf.source or "")
    if not isinstance(cid, str) or not is_safe_id(cid):
        raise InputError(f"the conference id {cid!r} cannot name a folder in the archive")
    if conf.id != cid or any(not t.id.startswith(f"{cid}:") for t in record.turns):
        record.with_ids(cid)
    return record


def _overrides_of(conf: dict[str, Any] | None) -> dict[str, Any] | None:
    if not conf or not isinstance(conf, dict):
        return None
    return {k: conf[k] for k in ("title", "date", "organizer", "source_url")  # a damaged record's odd values
            if isinstance(conf.get(k), str) and conf[k].strip()} or None


def _mend_record(raw_file: Path | None) -> str:
    if raw_file is None:
        return "remove it with `pressarchive remove ID` and add the original again"
    return "run `pressarchive check --fix` (re-parses the raw file)"


def _seed_folders(source: Path) -> dict[str, list[Path]]:
    """Conference folders of a bundled corpus: ``<id>/record.json`` folders, or one flattened folder."""
    found: dict[str, list[Path]] = {}
    for record_file in sorted(source.glob(f"*/{RECORD_FILE}")):
        cid = record_file.parent.name
        if is_safe_id(cid):
            found[cid] = [p for p in record_file.parent.iterdir() if p.is_file() and not p.name.startswith(".")]
    flat = source / RECORD_FILE
    if not found and flat.is_file():  # data_files installs corpus/*/* into one folder
        try:
            cid = json.loads(flat.read_text(encoding="utf-8"))["conference"]["id"]
        except (OSError, ValueError, KeyError, TypeError):
            return found
        if isinstance(cid, str) and is_safe_id(cid):
            found[cid] = [flat, *sorted(source.glob(f"{RAW_STEM}.*"))[:1]]
    return found


def _staged_id(name: str, prefix: str) -> str | None:
    """The conference id inside a staging folder name ``<prefix><id>-<random>``."""
    body = name[len(prefix):]
    cid = body.rsplit("-", 1)[0] if "-" in body else ""
    return cid if is_safe_id(cid) else None


def _has_staging(corpus_dir: Path) -> bool:
    try:
        return any(p.name.startswith(_STAGING) for p in corpus_dir.iterdir())
    except OSError:
        return False


def _lock_timeout() -> float:
    try:
        return float(os.environ.get(LOCK_TIMEOUT_ENV, DEFAULT_LOCK_TIMEOUT))
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT


def _make_folder(prefix: str, parent: Path) -> Path:
    """A fresh hidden folder, readable as the umask allows (mkdtemp alone makes it private, 0700)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(folder, 0o777 & ~mask)
    return folder


def _write_file(path: Path, data: bytes) -> None:
    """Write a new file and fsync it (its name is made durable by fsyncing its folder once)."""
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _write_atomic(path: Path, data: bytes) -> None:
    """Write a file through a temporary one in the same folder, fsync, then os.replace."""
    write_atomic(path, data)


def _fsync_dir(folder: Path) -> None:
    """Make a folder's entries (creations, renames, deletions in it) durable."""
    fsync_dir(folder)


_COARSE_MTIME_NS = 2_000_000_000  # whole-second (FAT: two-second) modification times


def _corpus_stamp(corpus_dir: Path) -> tuple[int, int, int, int] | None:
    """What identifies the corpus folder's state: device, inode, mtime (ns) and link count; None if absent."""
    import stat

    try:
        st = os.stat(corpus_dir)
    except OSError:
        return None
    if not stat.S_ISDIR(st.st_mode):
        return None
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_nlink)


class _RawFiles:
    """The raw files of the stored conferences, by size: ``{size: {id}}`` and ``{id: ((name, size), ...)}``.

    Holds folders whose name is a safe id, as ``corpus/*/raw.*`` finds them, whether or not they
    have a record. Describes corpus/ as it was when the folder had ``stamp`` (``_corpus_stamp``).
    """

    def __init__(self, stamp: tuple[int, int, int, int], seen_ns: int):
        self.stamp = stamp
        self.seen_ns = seen_ns  # a clock reading taken no later than the stat that gave ``stamp``
        self.by_size: dict[int, set[str]] = {}
        self.files: dict[str, tuple[tuple[str, int], ...]] = {}

    @classmethod
    def scan(cls, corpus_dir: Path, stamp: tuple[int, int, int, int], seen_ns: int) -> "_RawFiles":
        """One pass over corpus/: a listing of it, and of each conference folder (stat: raw files only)."""
        found = cls(stamp, seen_ns)
        prefix = f"{RAW_STEM}."
        with os.scandir(corpus_dir) as folders:
            for folder in folders:
                if not is_safe_id(folder.name):
                    continue
                try:
                    if not folder.is_dir():
                        continue
                    files = []
                    with os.scandir(folder.path) as entries:
                        for entry in entries:
                            if entry.name.startswith(prefix):
                                with contextlib.suppress(OSError):
                                    files.append((entry.name, entry.stat().st_size))
                except OSError:
                    continue
                found.put(folder.name, tuple(sorted(files)))
        return found

    def trusted(self, stamp: tuple[int, int, int, int] | None) -> bool:
        """Does this still describe corpus/, now that the folder has ``stamp``?

        Another process's add or remove changes the link count; any of its writes changes the mtime,
        unless it lands within the same timestamp tick as the change this process saw last. With
        nanosecond timestamps that tick is the kernel's clock tick (a few milliseconds), shorter
        than a lock hand-over and a conference write: trusted, as index._corpus_mark trusts it.
        Whole-second timestamps (ext3, FAT, some network file systems) are trusted only when this
        process saw them at least two seconds after they were set; until then the map is rescanned.
        """
        if stamp is None or stamp != self.stamp:
            return False
        mtime = stamp[2]
        return bool(mtime % 1_000_000_000) or self.seen_ns - mtime >= _COARSE_MTIME_NS

    def of_size(self, size: int) -> list[tuple[str, str]]:
        """(id, raw file name) of every raw file of ``size`` bytes, by id."""
        return sorted((cid, name) for cid in self.by_size.get(size, ()) for name, n in self.files[cid] if n == size)

    def put(self, cid: str, files: tuple[tuple[str, int], ...]) -> None:
        self.drop(cid)
        self.files[cid] = files
        for _, size in files:
            self.by_size.setdefault(size, set()).add(cid)

    def drop(self, cid: str) -> None:
        for _, size in self.files.pop(cid, ()):
            ids = self.by_size.get(size)
            if ids is not None:
                ids.discard(cid)
                if not ids:
                    del self.by_size[size]
