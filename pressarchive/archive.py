"""The archive: one home's corpus (the truth) and search index (a cache of it), kept in step.

``Archive`` is the layer every command goes through: it stores parsed transcripts in the corpus
(``corpus.Corpus``: raw files, records, the write lock, the journal) and brings the index
(``index``) along, repairs a write that a killed process left half-done, removes, reindexes and
checks that corpus and index agree. See docs/archive.md and docs/architecture.md.
"""
from __future__ import annotations

import contextlib
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from pressarchive import catalog, identity, index
from pressarchive.corpus import STAGING, Corpus, settle
from pressarchive.errors import ArchiveError, NoArchiveError, NotFoundError, PressArchiveError
from pressarchive.records import Record, content_hash, is_safe_id, source_warnings
from pressarchive.results import AddReport, ConferenceInfo, Hit, Person, Results
from pressarchive.settings import Settings

BATCH_SIZE = 32  # conferences stored (and indexed) per hold of the write lock
_STAGING = STAGING


@dataclass
class AddOutcome:
    """What adding one transcript did: added, updated, unchanged or failed (with the reason)."""

    status: str  # "added" | "updated" | "unchanged" | "failed"
    source: str
    conference_id: str | None = None
    title: str | None = None
    replaced: str | None = None  # kept for callers; ids now stay stable, so an add never replaces another id
    reason: str | None = None  # for "failed": a one-line reason
    turns: int = 0
    warnings: list[str] = field(default_factory=list)  # about the source itself (front matter not YAML)
    note: str | None = None  # e.g. "another source of <id>" (a republished copy)


class Repair(str, Enum):
    """How a problem ``check`` found is mended: by ``check(fix=True)`` itself, or by hand."""

    CLEAN = "clean"  # remove a half-written folder (fix)
    REPARSE = "reparse"  # parse the stored raw file again (fix)
    REINDEX = "reindex"  # rebuild the index from the corpus (fix)
    COMPACT = "compact"  # run the background work again (fix)
    READD = "readd"  # add the original transcript again (by hand)
    READD_CHANGED = "readd-changed"  # the raw file was changed: add the original or corrected one (by hand)
    READD_OR_REMOVE = "readd-or-remove"  # re-parsing failed (by hand)
    REMOVE_READD = "remove-readd"  # no raw file to re-parse: remove it and add the original (by hand)
    MOVE_OUT = "move-out"  # a stray folder in corpus/ (by hand)
    CORRECT_NAMES = "correct-names"  # two people claimed to be one: the transcripts must say who is who (by hand)

    @property
    def by_fix(self) -> bool:
        return self in (Repair.CLEAN, Repair.REPARSE, Repair.REINDEX, Repair.COMPACT)


MENDS = {
    Repair.CLEAN: "run `pressarchive check --fix`",
    Repair.REPARSE: "run `pressarchive check --fix` (re-parses the raw file)",
    Repair.REINDEX: "run `pressarchive reindex`",
    Repair.COMPACT: "run `pressarchive compact` (or `pressarchive check --fix`)",
    Repair.READD: "add the original transcript again with `pressarchive add FILE`",
    Repair.READD_CHANGED: "add the original (or corrected) transcript again with `pressarchive add FILE`",
    Repair.READD_OR_REMOVE: "add the original transcript again with `pressarchive add FILE`, or remove it",
    Repair.REMOVE_READD: "remove it with `pressarchive remove ID` and add the original again",
    Repair.MOVE_OUT: "move it out of corpus/",
    Repair.CORRECT_NAMES: "correct the speaker's name in the transcripts and add them again",
}


@dataclass
class Problem:
    """One disagreement found by ``Archive.check``: what is wrong, where, and how it is mended."""

    where: str
    what: str
    repair: Repair
    fixed: bool = False

    @property
    def mend(self) -> str:
        """How to mend it, in words (the command line's)."""
        return MENDS[self.repair]


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



def open_archive(home: str | os.PathLike[str] | None = None, *, settings: Settings | None = None,
                 create: bool = False, on_note: Callable[[str], None] | None = None) -> "Archive":
    """The archive at ``home`` (else the settings' home, else the default home), opened.

    Opening never creates or changes an archive, except: ``create=True`` (what an add does) makes
    the folder an empty archive when it is not one yet, and the default home, on first use, is filled
    with the bundled sample (``on_note`` is told so, once; by default it goes to stderr). Any other
    folder that holds no archive is a ``NoArchiveError``. A write a killed process left half-done is
    finished or undone by the next write or `check` (``Archive.recover``), never by opening.
    """
    settings = settings if settings is not None else Settings.from_env()
    path = settings.home_path(home)
    archive = Archive(path, settings)
    if not archive.corpus.exists():
        if create:
            archive.corpus.create()
        elif not home and settings.home is None and settings.seed:  # the default home, first use
            from pressarchive.home import bundled_corpus

            seeded = archive.corpus.seed(bundled_corpus())
            if seeded:
                note = on_note or (lambda text: print(text, file=sys.stderr))
                note(f"pressarchive: made a new archive at {path} with the bundled sample "
                     f"({seeded} conference{'s' if seeded != 1 else ''}); add your own with `pressarchive add`")
        if not archive.corpus.exists():
            why = "the folder does not exist" if not path.exists() else "the folder holds no corpus/"
            raise NoArchiveError(f"no archive at {path} ({why})",
                                 hint=f"create one with `pressarchive init {path}`, "
                                      "or add transcripts to it with `pressarchive add`")
    # Opening repairs nothing (reads never write): each write recovers under the lock, as does `check`;
    # a read answers from what was committed and says so (Archive.note_needs_repair).
    archive.recovered = []
    return archive


class Archive:
    """An archive home: ``corpus/`` (the truth) and ``index/`` (a cache of it).

    ``Archive(home)`` opens whatever is there without a check (a missing home reads as empty);
    ``open_archive`` is the checked way in, and ``pressarchive.open`` the library's.
    """

    def __init__(self, home: Path, settings: Settings | None = None):
        self.home = Path(home)
        self.corpus = Corpus(self.home, settings)
        self.recovered: list[str] = []
        self.corpus_dir = self.corpus.dir
        self.index_dir = self.home / "index"
        self.lock_path = self.corpus.lock_path
        self.journal_path = self.corpus.journal_path
        self.notices: list[str] = []  # what a reader should be told (one line each): see note_needs_repair
        self._catalog: catalog.Catalog | None = None  # as this process's last store left it (see store)

    def note_needs_repair(self) -> None:
        """Tell the reader, once, that a write was left unfinished and what answers meanwhile."""
        if not self.corpus.needs_recovery():
            return
        journal = self.corpus.pending()
        what = f"an interrupted {journal.get('op')}" if journal and isinstance(journal.get("op"), str) else \
            "a half-written conference folder"
        line = (f"the archive needs repair ({what}): answering from what was committed; "
                "`pressarchive check --fix` (or the next add or remove) repairs it")
        if line not in self.notices:
            self.notices.append(line)

    @property
    def settings(self) -> Settings:
        return self.corpus.settings

    @settings.setter
    def settings(self, value: Settings) -> None:
        self.corpus.settings = value

    # --- reading (the corpus's) -----------------------------------------------------------------
    def ids(self) -> list[str]:
        """Ids of the stored conferences, sorted (a fresh home is seeded first: see Corpus.seed_if_new)."""
        return self.corpus.ids()

    def get(self, conference_id: str) -> Record:
        """The record of one conference, by its id or a former id it keeps (``conference.aliases``);
        NotFoundError for an unknown or unsafe id."""
        try:
            return self.corpus.get(conference_id)
        except NotFoundError:
            current = self.resolve_id(conference_id)
            if current is None or current == conference_id:
                raise
            return self.corpus.get(current)

    def resolve_id(self, conference_id: str) -> str | None:
        """The id of the stored conference ``conference_id`` names: itself, or the conference that
        keeps it as a former id (read from the catalog); None when none does."""
        if is_safe_id(conference_id) and self.corpus.record_path(conference_id).is_file():
            return conference_id
        return catalog.load(self).resolve(conference_id)

    def records(self) -> Iterator[Record]:
        return self.corpus.records()

    def raw_path(self, conference_id: str) -> Path | None:
        """The raw file of a conference as received, or None when it is missing."""
        return self.corpus.raw_path(conference_id)

    def pending(self) -> dict[str, Any] | None:
        """The journal of an unfinished write (None when the last write finished)."""
        return self.corpus.pending()

    def write_lock(self, timeout: float | None = None, on_wait: Callable[[], None] | None = None):
        """Hold the archive's write lock (see Corpus.write_lock)."""
        return self.corpus.write_lock(timeout=timeout, on_wait=on_wait)

    # --- recovery -------------------------------------------------------------------------------
    def recover(self) -> list[str]:
        """Finish or undo a write that a killed process left half-done; returns what was repaired.

        Takes the write lock only if it is free (a live writer is never disturbed), so a search may
        call it. Cheap when nothing is pending.
        """
        if self.corpus.needs_recovery():
            if self.corpus.try_lock():
                try:
                    return self._recover_locked()
                finally:
                    self.corpus.unlock()
        return []

    def _recover_locked(self) -> list[str]:
        """Under the write lock: clean half-written folders, then finish the journal's operation in
        the index. One that cannot finish (a disk still full, an index that cannot be written) is
        rolled back instead: the corpus is complete as it stands (every conference folder is renamed
        in whole or not at all), so the journal is dropped and the index left to compare itself with
        the corpus on its next use (``index.forget_mark``). No command ever loops on a journal."""
        notes = self.corpus.clean_staging()
        notes += index.clean_builds(self)
        journal = self.corpus.pending()
        if journal is None:
            return notes
        op = journal.get("op") if isinstance(journal.get("op"), str) else "unknown"
        try:
            if op in ("add", "remove"):
                touched = list(dict.fromkeys([*_ids(journal.get("added")), *_ids(journal.get("removed"))]))
                present = [i for i in touched if self.corpus.record_path(i).is_file()]
                index.update(self, added=present, removed=touched)
                notes.append(f"finished an interrupted {op}: re-indexed {len(set(touched))} conference(s)")
            else:
                index.rebuild(self)
                notes.append(f"finished an interrupted {op}: rebuilt the index")
        except (PressArchiveError, OSError) as err:
            reason = getattr(err, "message", None) or getattr(err, "strerror", None) or str(err)
            index.forget_mark(self)
            notes.append(f"could not finish an interrupted {op} ({reason}): rolled back; the index catches "
                         "up with the corpus on the next search, or run `pressarchive reindex`")
        self.corpus.clear_journal()
        return notes

    # --- writing ----------------------------------------------------------------------------
    def add(self, sources: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | bytes,
            source_name: str | None = None, overrides: dict[str, Any] | None = None, *, title: str | None = None,
            date: str | None = None, organizer: str | None = None, source_url: str | None = None,
            progress: Callable[[str], None] | None = None, on_wait: Callable[[], None] | None = None,
            on_stored: Callable[[AddOutcome], None] | None = None):
        """Add transcripts: files (txt, md, html), folders (recursively), ``"-"`` for stdin, http(s) URLs;
        returns an ``AddReport``.

        ``title`` / ``date`` / ``organizer`` / ``source_url`` stand in where a text lacks them. A source
        that cannot be read or parsed is a failed outcome in the report; the others are stored.
        (Raw bytes with their ``source_name``, the older form, add one transcript: ``add_bytes``.)
        """
        from pressarchive.fetch import expand

        if isinstance(sources, (bytes, bytearray)):
            return self.add_bytes(bytes(sources), source_name or "stdin", overrides)

        if isinstance(sources, (str, os.PathLike)):
            sources = [sources]
        expanded = expand([os.fspath(s) for s in sources])  # regular files, inside each folder
        for path, why in expanded.skipped:
            self.notices.append(f"skipped {path}: {why}")
        items = expanded.sources
        overrides = {"title": title, "date": date, "organizer": organizer, "source_url": source_url}
        return AddReport(self.add_sources(items, overrides, progress=progress, on_wait=on_wait, on_stored=on_stored))

    def add_bytes(self, raw: bytes, source_name: str, overrides: dict[str, Any] | None = None) -> AddOutcome:
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
        on_stored: Callable[[AddOutcome], None] | None = None,
    ) -> list[AddOutcome]:
        """Read, parse and store files / folders' files / ``-`` / URLs, in batches; one outcome each.

        A source that cannot be read or parsed becomes a "failed" outcome; the others are still stored.
        ``on_stored(outcome)`` hears of each conference once it is safely in the corpus (an interrupted
        add keeps those; adding the same sources again completes it).
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
            stored = self.store(batch, on_wait=on_wait, index_now=not bulk, save_catalog=not bulk)
            for (position, label), outcome in zip(labels, stored):
                outcome.source = label
                outcomes.append((position, outcome))
                if on_stored is not None:
                    on_stored(outcome)
            batch.clear()
            labels.clear()

        with _parsed(sources, given, self.settings) as results:
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
        if bulk and self._catalog is not None and self._catalog.mark == catalog.corpus_mark(self):
            self._catalog.save(self)  # once, not after every batch (a cache: a stale one is only re-read)
        if bulk and any(o.status in ("added", "updated") for _, o in outcomes):
            index.sync(self, progress=None)
        return [outcome for _, outcome in sorted(outcomes, key=lambda pair: pair[0])]

    def store(
        self,
        items: list[tuple[Record, bytes, str]],
        on_wait: Callable[[], None] | None = None,
        index_now: bool = True,
        save_catalog: bool = True,
    ) -> list[AddOutcome]:
        """Store parsed records with their raw bytes under one hold of the lock, then index them
        (``index_now=False``: leave that to the caller's ``index.sync``; ``save_catalog=False``:
        leave the catalog's file to the caller, a bulk add saving it once at the end)."""
        prepared = [(settle(record, raw), raw, name) for record, raw, name in items]
        outcomes: list[AddOutcome] = []
        with self.write_lock(on_wait=on_wait):
            self.corpus.dir.mkdir(parents=True, exist_ok=True)
            self._recover_locked()
            changed: dict[str, Record] = {}
            removed: set[str] = set()
            journal: set[str] = set()
            # The catalog as this process's last store left it, while no other process wrote since
            # (the corpus folder's mark is the one it noted): a bulk add of 20,000 conferences read
            # and wrote the whole catalog file for every batch of 32, quadratic in the archive's size.
            held, self._catalog = self._catalog, None
            if held is not None and held.mark is not None and held.mark == catalog.corpus_mark(self):
                known = held
            else:
                known = catalog.load(self, save=False)
            stored: dict[str, Record] = {}

            def stored_record(cid: str) -> Record:
                if cid not in stored:
                    stored[cid] = self.get(cid)
                return stored[cid]

            for record, raw, name in prepared:
                twin = self.corpus.find_by_content(raw, exclude="")
                decision = identity.decide(record, known, stored_record, lambda cid: cid == twin, twin)
                cid = decision.id
                kept_raw = None if decision.write else self.raw_path(cid)
                if kept_raw is None and not decision.write:  # the stored raw file is lost: this one replaces it
                    decision.write, decision.status = True, "updated"
                if decision.status != "unchanged":
                    if decision.write:  # this transcript, under the conference's id
                        if record.conference.id != cid:
                            record.with_ids(cid)
                        record.conference.sources, record.conference.aliases = decision.sources, decision.aliases
                        write = (record, raw, name)
                    else:  # another source of a stored conference: its record lists it, nothing else changes
                        kept = stored_record(cid)
                        kept.conference.sources = decision.sources
                        write = (kept, kept_raw.read_bytes(), kept.conference.source or name)
                    if index_now and cid not in journal:
                        journal.add(cid)
                        self.corpus.write_journal("add", added=journal, removed=journal & set(known.entries))
                    self.corpus.write_conference(*write, sync_corpus=False)
                    if cid in known.entries and cid not in changed:
                        removed.add(cid)  # its old turns leave the index
                    changed[cid] = stored[cid] = write[0]
                    known.put(cid, write[0], catalog.corpus_mark(self) if known.mark else None)
                outcomes.append(
                    AddOutcome(decision.status, name, cid, record.conference.title, None, turns=len(record.turns),
                               warnings=source_warnings(record), note=decision.note)
                )
            self.corpus.sync()  # the new folders' renames are on disk before success is reported
            if changed and save_catalog:
                known.save(self)
            self._catalog = known
            if journal:
                index.update(self, added=list(changed.values()), removed=sorted(removed))
                self.corpus.clear_journal()
            elif changed or removed:
                index.forget_mark(self)  # the next command compares the corpus with the index
        return outcomes

    def remove(self, ids: str | Iterable[str], on_wait: Callable[[], None] | None = None):
        """Remove conferences from the corpus and the index: one id (returns its record) or several
        (returns their records, in order; all are checked before any is removed)."""
        self._catalog = None  # this write goes past store(): the next one reads the catalog again
        if isinstance(ids, str):
            return self._remove_one(ids, on_wait)
        ids = list(dict.fromkeys(ids))
        known = set(self.ids())
        for cid in ids:
            if cid not in known:
                raise NotFoundError(f"no conference {cid!r} in the archive",
                                    hint="`pressarchive conferences` lists the conference ids")
        return [self._remove_one(cid, on_wait) for cid in ids]

    def _remove_one(self, conference_id: str, on_wait: Callable[[], None] | None = None) -> Record:
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
            self.corpus.write_journal("remove", removed=[conference_id])
            try:
                self.corpus.discard(conference_id)
            except OSError as err:
                raise ArchiveError(f"could not remove {conference_id}: {err.strerror or err}") from err
            index.update(self, added=[], removed=[conference_id])
            self.corpus.clear_journal()
        return record

    def reindex(self, progress: Callable[..., Any] | None = None, on_wait: Callable[[], None] | None = None) -> int:
        """Rebuild the index from the corpus alone; returns the number of conferences indexed."""
        with self.write_lock(on_wait=on_wait):
            self.corpus.clean_staging()
            self.corpus.write_journal("reindex")
            index.rebuild(self, progress=progress)
            self.corpus.clear_journal()
        return len(self.ids()) - len(self.corpus.skipped)  # a damaged record is left out (see check)

    def compact(self) -> tuple[int, int, int] | None:
        """Finish what adds leave to the background now: new terms into the lexicon, small index
        segments merged. (segments before, after, conferences whose terms were added); None when
        another process holds the index."""
        return index.compact(self, merge_at=2)

    # --- reading through the index: the library's verbs ------------------------------------------
    def search(self, query: str | None = None, *, speaker: str | None = None, region: str | None = None,
               outlet: str | None = None, kind: str | None = None, lang: str | None = None,
               since: str | None = None, until: str | None = None, conference: str | None = None,
               asker: str | None = None, limit: int = 10, sort: str = "relevance", translate: bool = True,
               per_conference: int | None = None, context: int = 0,
               progress: Callable[[int, int], None] | None = None) -> Results:
        """Turns matching ``query`` (words, "phrases", AND/OR/NOT, -word, field:value) and the filters,
        best first (``sort="date"``: newest first); at most ``limit`` hits, with the total matched.
        ``per_conference``: at most so many hits from one conference while others match (None: the
        command line's default, 0: no limit); ``context``: neighbouring turns with each hit."""
        from pressarchive.query import Filters
        from pressarchive.search import PER_CONFERENCE, search

        filters = Filters(speaker=speaker, region=region, outlet=outlet, kind=kind, lang=lang, since=since,
                          until=until, conference=conference, asker=asker)
        cap = PER_CONFERENCE if per_conference is None else (per_conference or None)
        found = search(self, query, filters, limit=limit, sort=(sort or "").strip().lower(), translate=translate,
                       progress=progress, per_conference=cap, context=context)
        return Results([Hit.from_dict(h) for h in found.hits], found.total, found.total_exact,
                       list(found.query_terms), list(found.expansions), dict(getattr(found, "held_back", {}) or {}))

    def show(self, turn_id: str, context: int = 1) -> dict[str, Any]:
        """One turn in its context: ``{"hit", "answers", "before", "after"}`` as Hits."""
        from pressarchive.hits import turn_context

        found = turn_context(self, turn_id, context)
        return {"hit": Hit.from_dict(found["hit"]),
                **{k: [Hit.from_dict(h) for h in found[k]] for k in ("answers", "before", "after")}}

    def hits(self, query: str | None = None, *, turns: Iterable[str] = (), sort: str = "relevance",
             limit: int | None = None, **filters: str | None) -> list[Hit]:
        """Every hit, not a page: of a search, of listed turn ids, of one conference (``conference=``
        alone) or of the whole archive (nothing given), in order."""
        from pressarchive import export
        from pressarchive.query import Filters

        given = {k: v for k, v in filters.items() if v not in (None, "")}
        if turns:
            found = export.turn_hits(self, list(turns))
        elif not (query or "").strip() and set(given) <= {"conference"}:
            found = export.conference_hits(self, given["conference"]) if given else export.archive_hits(self)
        else:
            found = export.search_all(self, query, Filters(**given), sort=sort, limit=limit)
        found = found[:limit] if limit else found
        return [Hit.from_dict(h) for h in found]

    def export(self, hits: Iterable[Hit | dict[str, Any]], fmt: str = "md", file: Any = None) -> str | None:
        """Write ``hits`` as ``fmt`` (md, json, jsonl, csv, html) with citations: to ``file`` (a path,
        written atomically, or an open text stream), or returned as a string when ``file`` is None."""
        import io

        from pressarchive import export

        data = [h.to_dict() if isinstance(h, Hit) else h for h in hits]
        export.writer_for(fmt)
        if file is None:
            out = io.StringIO()
            export.write(data, fmt, out)
            return out.getvalue()
        if hasattr(file, "write"):
            export.write(data, fmt, file)
            return None
        export.write_file(data, fmt, file)
        return None

    def stats(self, query: str | None = None, by: str = "region", **filters: str | None) -> list[dict[str, Any]]:
        """Matching turns counted by region, speaker, outlet, conference or month: ``[{label, count}]``."""
        from pressarchive import export

        export.check_by(by)
        return export.tally([h.to_dict() for h in self.hits(query, **filters)], by)

    def people(self, region: str | None = None, conference: str | None = None, role: str | None = None,
               since: str | None = None, until: str | None = None) -> list[Person]:
        """The archive's named speakers, most turns first (what `pressarchive speakers` lists)."""
        from pressarchive.listings import list_speakers

        rows = list_speakers(self, region=region, conference=conference, role=role, since=since, until=until)
        return [Person.from_dict(row) for row in rows]

    def conferences(self, region: str | None = None, since: str | None = None,
                    until: str | None = None) -> list[ConferenceInfo]:
        """The stored conferences, newest first."""
        from pressarchive.listings import list_conferences

        return [ConferenceInfo.from_dict(row) for row in list_conferences(self, region=region, since=since, until=until)]

    def reparse(self, progress: Callable[..., Any] | None = None,
                on_wait: Callable[[], None] | None = None) -> dict[str, Any]:
        """The named migration of an archive built by an older pressarchive (``reindex --reparse``):
        every stored raw file is parsed again by the current parser, keeping its conference's id,
        sources and former ids (and any title, date, organiser or source URL the new parse lacks);
        near-identical copies of one event stored as two conferences become one conference listing
        both sources, the other id kept as a former id; then the index is rebuilt. Raw files are
        never changed. Returns {"conferences", "reparsed", "merged": [(kept, folded)], "failed": [(id, reason)]}.
        """
        self._catalog = None  # this write goes past store(): the next one reads the catalog again
        from pressarchive.ingest import ingest_bytes

        report: dict[str, Any] = {"conferences": 0, "reparsed": 0, "merged": [], "failed": []}
        with self.write_lock(on_wait=on_wait):
            self.corpus.clean_staging()
            self.corpus.write_journal("reindex")
            parsed: dict[str, tuple[Record, bytes, str]] = {}
            for cid in self.ids():
                report["conferences"] += 1
                try:
                    old = self.get(cid)
                    raw_file = self.raw_path(cid)
                    if raw_file is None:
                        raise ArchiveError("the raw file is missing")
                    raw = raw_file.read_bytes()
                    name = old.conference.source or raw_file.name
                    new = settle(ingest_bytes(raw, name, None), raw)
                except (PressArchiveError, OSError) as err:
                    report["failed"].append((cid, getattr(err, "message", None) or str(err)))
                    continue
                for key in ("title", "date", "organizer", "source_url"):
                    if not getattr(new.conference, key) and getattr(old.conference, key):
                        setattr(new.conference, key, getattr(old.conference, key))
                new.with_ids(cid)
                new.conference.sources = catalog.sources_of(old.conference)
                new.conference.aliases = list(old.conference.aliases)
                parsed[cid] = (new, raw, name)
            folded = _fold_copies(parsed)
            for kept, gone in folded:
                report["merged"].append((kept, gone))
            for cid, (record, raw, name) in parsed.items():
                if cid in {gone for _, gone in folded}:
                    continue
                self.corpus.write_conference(record, raw, name, sync_corpus=False)
                report["reparsed"] += 1
            self.corpus.sync()
            for _, gone in folded:  # after the conference that keeps its id as a former id is written
                self.corpus.discard(gone)
            index.rebuild(self, progress=progress)
            self.corpus.clear_journal()
        catalog.forget(self)
        return report

    # --- checking ---------------------------------------------------------------------------
    def check(self, fix: bool = False, on_wait: Callable[[], None] | None = None) -> CheckReport:
        """Do corpus and index agree? Every record readable, raw present with its hash, index current."""
        self._catalog = None  # this write goes past store(): the next one reads the catalog again
        recovered = self.recover()
        problems: list[Problem] = []
        states: dict[str, tuple[str | None, int] | None] = {}
        if self.corpus_dir.is_dir():
            for p in sorted(self.corpus_dir.iterdir()):
                if p.name.startswith(".") and p.name.startswith(_STAGING):
                    problems.append(Problem(p.name, "a half-written folder is left in corpus/", Repair.CLEAN))
                elif p.is_dir() and not is_safe_id(p.name):
                    problems.append(Problem(p.name, "a folder whose name is not a conference id", Repair.MOVE_OUT))
        for cid in self.ids():
            states[cid] = None
            try:
                record = self.get(cid)
            except ArchiveError as err:
                problems.append(Problem(cid, err.message, _mend_record(self.raw_path(cid))))
                continue
            if record.conference.id != cid:
                problems.append(Problem(cid, f"record.json names another id ({record.conference.id})", Repair.REPARSE))
            raw_file = self.raw_path(cid)
            if raw_file is None:
                problems.append(Problem(cid, "the raw file is missing", Repair.READD))
            else:
                actual = content_hash(raw_file.read_bytes())
                if actual != record.conference.content_hash:
                    problems.append(Problem(
                        cid, f"{raw_file.name} was changed after it was stored (its hash differs from record.json)",
                        Repair.READD_CHANGED))
            states[cid] = (record.conference.content_hash, len(record.turns))
        if self.corpus_dir.is_dir():
            for p in sorted(self.corpus_dir.iterdir()):
                if p.is_dir() and is_safe_id(p.name) and not self.corpus.record_path(p.name).is_file():
                    problems.append(Problem(p.name, "record.json is missing", _mend_record(self.raw_path(p.name))))
        indexed = self._index_problems(states, problems)
        failure = index.background_failure(self.home)
        if failure:
            problems.append(Problem("background", f"the work an add left to the background failed ({failure})",
                                    Repair.COMPACT))
        problems.extend(self._people_problems())
        if fix and any(not p.fixed for p in problems):
            self._fix(problems, on_wait)
        return CheckReport(len(states), indexed, problems, recovered)

    def _people_problems(self) -> list[Problem]:
        """Conflicts the people register could not settle (two people claimed to be one): reported,
        never resolved silently, and not mended by --fix (the transcripts must say who is who)."""
        from pressarchive import people

        try:
            register = catalog.load(self).register()
        except PressArchiveError:
            return []
        return [Problem(where, what, Repair.CORRECT_NAMES)
                for where, what in people.conflict_lines(register)]

    def _index_problems(self, states: dict[str, tuple[str | None, int] | None], problems: list[Problem]) -> int | None:
        """Compare the index's own state (conference -> hash) and its turn documents with the corpus."""
        state = index.read_state(self.index_dir)
        if state is None:
            built = self.index_dir.is_dir() and any(not p.name.startswith(".") for p in self.index_dir.iterdir())
            if built:  # never built is fine: the first search builds it
                problems.append(Problem("index", "the index is unreadable or was built by another version",
                                        Repair.REINDEX))
            return None
        try:
            ix = index.open_index(self)
            try:
                with ix.searcher() as searcher:
                    docs = Counter(fields.get("conference") for fields in searcher.all_stored_fields())
            finally:
                ix.close()
        except PressArchiveError as err:
            problems.append(Problem("index", err.message, Repair.REINDEX))
            return None
        except Exception as err:  # noqa: BLE001 - Whoosh raises many kinds for a damaged index
            problems.append(Problem("index", f"the index is unreadable ({type(err).__name__})",
                                    Repair.REINDEX))
            return None
        lexicon = self.index_dir / "lexicon.json"
        if lexicon.exists():
            try:
                from pressarchive import translate

                translate.load_lexicon(lexicon)
            except Exception:  # noqa: BLE001 - any damage: cross-language search would degrade silently
                problems.append(Problem("index", "the cross-language lexicon (index/lexicon.json) is unreadable",
                                        Repair.REINDEX))
        indexed = {cid: (entry or {}).get("hash") for cid, entry in state["conferences"].items()}
        for cid in sorted(set(states) - set(indexed)):
            problems.append(Problem(cid, "stored but not in the index", Repair.REINDEX))
        for cid in sorted((set(indexed) | {c for c in docs if c}) - set(states)):
            problems.append(Problem(cid, "in the index but not in the corpus", Repair.REINDEX))
        for cid in sorted(set(states) & set(indexed)):
            if states[cid] is None:
                continue
            digest, turns = states[cid]
            if digest and indexed[cid] and digest != indexed[cid]:
                problems.append(Problem(cid, "the index holds another version", Repair.REINDEX))
            elif docs.get(cid, 0) != turns:
                problems.append(Problem(cid, f"the index holds {docs.get(cid, 0)} of its {turns} turns",
                                        Repair.REINDEX))
        return len(indexed)

    def _fix(self, problems: list[Problem], on_wait: Callable[[], None] | None) -> None:
        """Mend what can be mended from the corpus itself: re-parse raw files, clean, rebuild the index."""
        from pressarchive.ingest import ingest_bytes

        with self.write_lock(on_wait=on_wait):
            self.corpus.clean_staging()
            for p in problems:
                if p.repair is Repair.CLEAN:
                    p.fixed = True
                elif p.repair is Repair.REPARSE:
                    raw_file = self.raw_path(p.where)
                    old = self.corpus.old_record(p.where)
                    overrides = _overrides_of(old)
                    try:
                        raw = raw_file.read_bytes()
                        name = (old or {}).get("source")
                        name = name if isinstance(name, str) and name else raw_file.name
                        record = settle(ingest_bytes(raw, name, overrides), raw)
                    except (OSError, PressArchiveError) as err:
                        p.what += f"; re-parsing it failed: {getattr(err, 'message', err)}"
                        p.repair = Repair.READD_OR_REMOVE
                        continue
                    if record.conference.id != p.where:
                        record.with_ids(p.where)
                    self.corpus.write_journal("add", added=[p.where])
                    self.corpus.write_conference(record, raw, name)
                    p.fixed = True
            self.corpus.write_journal("reindex")
            index.rebuild(self)  # the lexicon too: what a failed background compact left is done
            self.corpus.clear_journal()
            index.clear_background_failure(self.home)
            for p in problems:
                if p.repair in (Repair.REINDEX, Repair.COMPACT):
                    p.fixed = True


# --- helpers ----------------------------------------------------------------------------------
def read_and_parse(source: str, given: dict[str, Any], debug: bool = False) -> tuple:
    """("ok", record, raw bytes, name) for one source, or ("failed", reason): one bad file never
    sinks a batch. Runs in a worker process for a bulk add (``_parsed``)."""
    from pressarchive.fetch import is_url, read_source
    from pressarchive.ingest import ingest_bytes

    try:
        raw, name = read_source(source)
        these = dict(given)
        if is_url(source):
            these.setdefault("source_url", source)
        return ("ok", settle(ingest_bytes(raw, name, these or None), raw), raw, name)
    except PressArchiveError as err:
        return ("failed", err.message)
    except Exception as err:  # noqa: BLE001 - one bad file must not sink a batch
        if debug:
            raise
        return ("failed", f"unexpected {type(err).__name__}: {err}")


@contextlib.contextmanager
def _parsed(sources: list[str], given: dict[str, Any], settings: Settings):
    """``read_and_parse`` of each source, in order: in this process, or, for more than a batch of
    files (no stdin) on a machine with several cores, in worker processes (index.build_procs)."""
    many = len(sources) > BATCH_SIZE and "-" not in sources
    procs = index.build_procs(len(sources), settings.build_procs) if many else 1
    if procs == 1:
        yield (read_and_parse(source, given, settings.debug) for source in sources)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    from functools import partial

    with ProcessPoolExecutor(procs, mp_context=multiprocessing.get_context("spawn")) as pool:
        try:
            yield _in_order(pool, partial(read_and_parse, given=given, debug=settings.debug), sources,
                            window=PARSE_WINDOW * procs)
        except BrokenProcessPool as err:  # a worker was killed (out of memory, a signal)
            pool.shutdown(wait=False, cancel_futures=True)
            raise ArchiveError("a process parsing the transcripts stopped; the batches stored before it are kept",
                               hint="add the folder again (stored files are skipped as unchanged); "
                                    "PRESSARCHIVE_BUILD_PROCS=1 parses in one process") from err
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


PARSE_WINDOW = 16  # parsed transcripts waiting to be stored, per worker process, at most


def _in_order(pool: Any, fn: Callable[[str], Any], items: list[str], window: int) -> Iterator[Any]:
    """``fn`` of each item in worker processes, results in order, with at most ``window`` submitted
    and not yet taken. (``pool.map`` submits everything at once: when storing is slower than parsing,
    every parsed transcript waited in memory, 1.8 GB in the parent of a 20,000-conference add.)"""
    from collections import deque

    pending: deque = deque()
    queue = iter(items)
    for item in queue:
        pending.append(pool.submit(fn, item))
        if len(pending) >= window:
            break
    while pending:
        yield pending.popleft().result()
        for item in queue:  # the next one, once this one is taken
            pending.append(pool.submit(fn, item))
            break


def _ids(value: Any) -> list[str]:
    """The safe conference ids of a journal's list (a damaged journal's odd values left out)."""
    return [i for i in value if isinstance(i, str) and is_safe_id(i)] if isinstance(value, list) else []


def _fold_copies(parsed: dict[str, tuple[Record, bytes, str]]) -> list[tuple[str, str]]:
    """(kept id, folded id) for conferences that are near-identical copies of one event (same date):
    the kept one (the first id) lists the other's sources and keeps its ids as former ids."""
    by_date: dict[str, list[str]] = {}
    for cid, (record, _, _) in sorted(parsed.items()):
        if record.conference.date:
            by_date.setdefault(record.conference.date, []).append(cid)
    folded: list[tuple[str, str]] = []
    gone: set[str] = set()
    for ids in by_date.values():
        for i, keep in enumerate(ids):
            if keep in gone:
                continue
            kept = parsed[keep][0].conference
            for other in ids[i + 1:]:
                if other in gone:
                    continue
                if identity.near_identical(identity.text_of(parsed[keep][0]), identity.text_of(parsed[other][0])):
                    conf = parsed[other][0].conference
                    kept.sources = list(dict.fromkeys([*kept.sources, *conf.sources]))
                    kept.aliases = list(dict.fromkeys([*kept.aliases, other, *conf.aliases]))
                    folded.append((keep, other))
                    gone.add(other)
    return folded


def _overrides_of(conf: dict[str, Any] | None) -> dict[str, Any] | None:
    if not conf or not isinstance(conf, dict):
        return None
    return {k: conf[k] for k in ("title", "date", "organizer", "source_url")  # a damaged record's odd values
            if isinstance(conf.get(k), str) and conf[k].strip()} or None


def _mend_record(raw_file: Path | None) -> Repair:
    return Repair.REMOVE_READD if raw_file is None else Repair.REPARSE


