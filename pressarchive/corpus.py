"""The corpus: one folder per conference holding the raw file as received and its record.

Layout: ``<home>/corpus/<conference id>/record.json`` and ``<home>/corpus/<conference id>/raw<ext>``.
Every write happens under the archive's write lock (``<home>/.lock``) and is atomic: a conference
folder is written in full under a hidden name and renamed into place. A journal
(``<home>/.journal.json``) names the conferences a write is about to touch, so that a process killed
half-way is repaired by the next one (``Archive.recover``, which also brings the index along).

The corpus knows nothing of the search index: ``archive.Archive`` coordinates the two, and
``index`` reads records only through a ``Corpus``. See docs/archive.md.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from pressarchive.atomic import fsync_dir, write_atomic
from pressarchive.errors import ArchiveError, BusyError, InputError, NotFoundError
from pressarchive.records import Record, conference_id, content_hash, is_safe_id
from pressarchive.settings import Settings

RECORD_FILE = "record.json"
RAW_STEM = "raw"
LOCK_FILE = ".lock"
JOURNAL_FILE = ".journal.json"

_EXT = re.compile(r"^\.[a-z0-9]{1,8}$")
STAGING = (".new-", ".old-", ".trash-")  # prefixes of half-written folders in corpus/
_STAGING = STAGING


def raw_extension(source_name: str, raw: bytes = b"") -> str:
    """The extension the raw file keeps: the source's own when it is a plain one, else guessed."""
    name = source_name.split("?")[0].split("#")[0].rstrip("/")
    suffix = os.path.splitext(os.path.basename(name))[1].lower()
    if _EXT.match(suffix):
        return suffix
    head = raw[:512].lstrip().lower()
    return ".html" if head.startswith((b"<!doctype html", b"<html", b"<?xml")) else ".txt"




class Corpus:
    """The folder ``<home>/corpus/`` (the truth), its write lock and its journal."""

    def __init__(self, home: Path, settings: Settings | None = None):
        self.home = Path(home)
        self.settings = settings if settings is not None else Settings.from_env()
        self.dir = self.home / "corpus"
        self.lock_path = self.home / LOCK_FILE
        self.journal_path = self.home / JOURNAL_FILE
        self._lock = None
        # conferences a read left out, with why: a damaged record (quarantined: kept as it is, out of
        # listings and the index, reported by check) or one removed meanwhile by another process
        self.skipped: dict[str, str] = {}

    # --- reading ----------------------------------------------------------------------------
    def ids(self) -> list[str]:
        """Ids of the stored conferences, sorted."""
        if not self.dir.is_dir():
            return []
        return sorted(
            p.parent.name for p in self.dir.glob(f"*/{RECORD_FILE}") if is_safe_id(p.parent.name)
        )

    def get(self, conference_id: str) -> Record:
        """The record of one conference; NotFoundError for an unknown or unsafe id."""
        if not is_safe_id(conference_id):
            raise NotFoundError(f"no conference {conference_id!r} in the archive")
        path = self.dir / conference_id / RECORD_FILE
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
        """The readable records, by id. A damaged record is left out (never a blocker for the rest)
        and named in ``skipped``, as is one another process removed since the ids were listed."""
        for cid in self.ids():
            record = self.readable(cid)
            if record is not None:
                yield record

    def readable(self, conference_id: str) -> Record | None:
        """The record of a listed conference, or None (noted in ``skipped``) when it is damaged or gone."""
        try:
            return self.get(conference_id)
        except NotFoundError:
            self.skipped[conference_id] = "removed while it was being read"
        except ArchiveError as err:
            self.skipped[conference_id] = err.message
        return None

    def raw_path(self, conference_id: str) -> Path | None:
        """The raw file of a conference as received, or None when it is missing."""
        if not is_safe_id(conference_id):
            return None
        folder = self.dir / conference_id
        found = sorted(folder.glob(f"{RAW_STEM}.*")) if folder.is_dir() else []
        return found[0] if found else None


    def record_path(self, conference_id: str) -> Path:
        return self.dir / conference_id / RECORD_FILE

    def record_stat(self, conference_id: str) -> list[int] | None:
        """[mtime in ns, size] of a conference's record.json, or None when it is missing."""
        try:
            st = (self.dir / conference_id / RECORD_FILE).stat()
        except OSError:
            return None
        return [st.st_mtime_ns, st.st_size]

    def mark(self) -> str | None:
        """The corpus folder's modification time: every add, update and remove renames a conference
        folder in or out of it, so an unchanged mark means no record changed since it was taken."""
        try:
            return str(os.stat(self.dir).st_mtime_ns)
        except OSError:
            return None

    # --- seeding ----------------------------------------------------------------------------
    def exists(self) -> bool:
        """Does the home hold an archive (a ``corpus/`` folder, empty or not)?"""
        return self.dir.is_dir()

    def create(self) -> None:
        """Make the home an (empty) archive; ArchiveError when the folder cannot be written."""
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise ArchiveError(f"cannot create an archive in {self.home} ({err.strerror or err})") from err

    def seed(self, source: Path | None) -> int:
        """Fill a home that has no ``corpus/`` yet with the conferences of the bundled sample archive
        ``source``; returns how many (0: nothing was seeded).

        Only a home whose corpus folder does not exist is seeded (an emptied corpus stays empty), never
        from itself, and silently not at all when the home cannot be written. Opening the default home
        for the first time calls it (``archive.open_archive``), no other.
        """
        if self.dir.exists() or source is None or not source.is_dir():
            return 0
        with contextlib.suppress(OSError):
            if source.resolve() == self.dir.resolve():
                return 0
        folders = _seed_folders(source)
        if not folders:
            return 0
        staging = None
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            staging = _make_folder(".seed-", self.home)
            for cid, files in folders.items():
                (staging / cid).mkdir()
                for f in files:
                    shutil.copyfile(f, staging / cid / f.name)
            os.rename(staging, self.dir)  # fails if another process seeded meanwhile
            staging = None
            return len(folders)
        except OSError:
            return 0
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
            timeout = self.settings.lock_timeout
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

    def try_lock(self) -> bool:
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
        for folder in (self.home, self.dir):
            if folder.exists() and not os.access(folder, os.W_OK):
                raise self._read_only_error(None)

    def _read_only_error(self, err: OSError | None) -> ArchiveError:
        detail = f" ({err.strerror})" if err is not None and err.strerror else ""
        return ArchiveError(
            f"the archive at {self.home} is read-only{detail}: it can be searched but not changed",
            hint="choose a writable archive folder",
        )

    def write_journal(self, op: str, added: Iterable[str] = (), removed: Iterable[str] = ()) -> None:
        data = {"op": op, "added": sorted(set(added)), "removed": sorted(set(removed)),
                "pid": os.getpid(), "started": time.time()}
        _write_atomic(self.journal_path, json.dumps(data).encode("utf-8"))

    def clear_journal(self) -> None:
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

    def unlock(self) -> None:
        if self._lock is not None and self._lock.is_locked:
            self._lock.release()

    def needs_recovery(self) -> bool:
        """Did a write stop half-way (a journal or a half-written folder is left)?"""
        return self.journal_path.exists() or _has_staging(self.dir)

    def clean_staging(self) -> list[str]:
        """Remove half-written folders; put back a conference whose replacement never landed."""
        notes: list[str] = []
        if not self.dir.is_dir():
            return notes
        # names first: sorting 10,000 Path objects cost a quarter of a second on every write
        for name in sorted(n for n in os.listdir(self.dir) if n.startswith(_STAGING)):
            p = self.dir / name
            if not p.is_dir():
                continue
            if name.startswith(".old-"):
                cid = _staged_id(name, ".old-")
                if cid and not (self.dir / cid).exists():
                    os.rename(p, self.dir / cid)
                    notes.append(f"restored {cid} (its replacement was interrupted)")
                    continue
            shutil.rmtree(p, ignore_errors=True)
        for p in self.home.glob(".seed-*"):
            if p.is_dir() and time.time() - p.stat().st_mtime > 600:
                shutil.rmtree(p, ignore_errors=True)
        _fsync_dir(self.dir)
        return notes

    # This process's view of where raw files are, by size (see _RawFiles), and whether a new
    # conference folder was renamed into corpus/ without the corpus folder being fsynced since.
    _raw_files: "_RawFiles | None" = None
    _corpus_unsynced: bool = False

    def plan(self, record: Record, raw: bytes) -> tuple[str, str | None]:
        """Decide what storing ``record`` means: (status, id of another conference it replaces)."""
        cid = record.conference.id
        folder = self.dir / cid
        if (folder / RECORD_FILE).is_file():
            return ("unchanged" if self._same(cid, record, raw) else "updated"), None
        twin = self.find_by_content(raw, exclude=cid)
        return ("updated", twin) if twin else ("added", None)

    def _same(self, cid: str, record: Record, raw: bytes) -> bool:
        raw_file = self.raw_path(cid)
        try:
            stored = json.loads((self.dir / cid / RECORD_FILE).read_text(encoding="utf-8"))
            if raw_file is None or raw_file.read_bytes() != raw:
                return False
        except (OSError, ValueError):
            return False
        new = record.to_dict()
        new["conference"]["source"] = stored.get("conference", {}).get("source")
        return stored == new

    def find_by_content(self, raw: bytes, exclude: str) -> str | None:
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
                if (self.dir / cid / name).read_bytes() == raw:
                    return cid
            except OSError:
                continue
        return None

    def _current_raw_files(self, build: bool = True) -> "_RawFiles | None":
        """The raw files by size, rescanned when corpus/ changed since this process last saw it.

        Every add, replace and remove (by any process) renames a folder into or out of corpus/, which
        changes the folder's modification time; this process's own writes update the map in place
        (``write_conference``). ``build=False``: None instead of a rescan.
        """
        now = time.time_ns()  # before the stat: see _RawFiles.trusted
        stamp = _corpus_stamp(self.dir)
        known = self._raw_files
        if known is not None and known.trusted(stamp):
            return known
        self._raw_files = None
        if stamp is None or not build:
            return None
        self._raw_files = _RawFiles.scan(self.dir, stamp, now)
        return self._raw_files

    def write_conference(self, record: Record, raw: bytes, source_name: str, sync_corpus: bool = True) -> None:
        """Write a conference folder in full under a hidden name, then rename it into place.

        Crash safety: both files are fsynced, then the staging folder (their names), before the rename,
        so the folder is complete under its real name whenever the rename survives a crash. The
        rename itself is made durable by fsyncing corpus/: at once for a replacement (before the old
        folder is deleted), and for a new conference too unless ``sync_corpus=False``, when the caller
        must call ``sync`` before it reports success or clears the journal (one fsync for a
        whole batch instead of one per conference).
        """
        cid = record.conference.id
        raw_name = f"{RAW_STEM}{raw_extension(source_name, raw)}"
        known = self._current_raw_files(build=False) if self._raw_files is not None else None
        self._raw_files = None  # put back (updated) once this write has landed
        staging = _make_folder(f".new-{cid}-", self.dir)
        try:
            _write_file(staging / raw_name, raw)
            body = json.dumps(record.to_dict(), ensure_ascii=False, indent=1).encode("utf-8")
            _write_file(staging / RECORD_FILE, body)
            _fsync_dir(staging)
            target = self.dir / cid
            if target.exists():
                old = Path(tempfile.mkdtemp(prefix=f".old-{cid}-", dir=self.dir))
                old.rmdir()
                os.rename(target, old)
                os.rename(staging, target)
                staging = None
                self._corpus_unsynced = True
                self.sync()  # the renames are on disk before the old folder goes
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.rename(staging, target)
                staging = None
                self._corpus_unsynced = True
                if sync_corpus:
                    self.sync()
        except OSError as err:
            raise ArchiveError(f"could not write conference {cid}: {err.strerror or err}") from err
        finally:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
        if known is not None:
            now = time.time_ns()
            stamp = _corpus_stamp(self.dir)
            if stamp is not None:
                known.put(cid, ((raw_name, len(raw)),))
                known.stamp, known.seen_ns = stamp, now
                self._raw_files = known

    def sync(self) -> None:
        """Make the renames of new conference folders into corpus/ durable (see write_conference)."""
        if self._corpus_unsynced:
            _fsync_dir(self.dir)
            self._corpus_unsynced = False

    def discard(self, cid: str) -> None:
        """Move a conference folder aside, then delete it (the rename is the commit point)."""
        target = self.dir / cid
        if not target.exists():
            return
        trash = Path(tempfile.mkdtemp(prefix=f".trash-{cid}-", dir=self.dir))
        trash.rmdir()
        os.rename(target, trash)
        _fsync_dir(self.dir)
        shutil.rmtree(trash, ignore_errors=True)
    def old_record(self, cid: str) -> dict[str, Any] | None:
        try:
            conf = json.loads((self.dir / cid / RECORD_FILE).read_text(encoding="utf-8"))["conference"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return conf if isinstance(conf, dict) else None



# --- helpers ----------------------------------------------------------------------------------
def settle(record: Record, raw: bytes) -> Record:
    """Give a parsed record its content hash and a safe, stable conference id."""
    conf = record.conference
    conf.content_hash = content_hash(raw)
    cid = conf.id or conference_id(conf.date, conf.organizer, conf.title, fallback=conf.source or "")
    if not isinstance(cid, str) or not is_safe_id(cid):
        raise InputError(f"the conference id {cid!r} cannot name a folder in the archive")
    if conf.id != cid or any(not t.id.startswith(f"{cid}:") for t in record.turns):
        record.with_ids(cid)
    return record



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
    # names, not Path objects: this runs on every search (a tenth of a rare word's search at 2,000
    # conferences when each entry was a Path)
    try:
        return any(name.startswith(_STAGING) for name in os.listdir(corpus_dir))
    except OSError:
        return False


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
        than a lock hand-over and a conference write: trusted, as the index trusts Corpus.mark.
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
