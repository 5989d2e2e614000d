"""The search index: a Whoosh index in ``<home>/index/`` derived from the records only.

One document per turn. An answer also carries the text of the question it answers (its own,
lower-weighted fields), so a query that matches the question finds the answer too. Only the turn id
is stored: a hit is rebuilt from the record (``hits.make_hit``), so the index never drifts from it.

A small state file (``STATE_FILE``) maps each conference id to the content hash and the
``record.json`` size and mtime it was indexed from, so staleness is found with one ``stat`` per
conference. ``ensure_index`` rebuilds when the index is missing, unreadable or of another format,
and re-indexes only the conferences that changed otherwise. Whoosh errors become
``IndexError_`` / ``BusyError``; nothing else here knows about the terminal.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from contextlib import contextmanager, suppress
from itertools import count
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from pressarchive.errors import BusyError, IndexError_, PressArchiveError

if TYPE_CHECKING:  # pragma: no cover
    from pressarchive.archive import Archive
    from pressarchive.corpus import Corpus
    from pressarchive.records import Record

INDEX_FORMAT = 7  # bump whenever the schema, the analysers or the posting format (postings.py) change: old
# indexes are rebuilt (7: postings.py's blocks and RawPositions, docs/record-format.md)
STATE_FILE = "pressarchive-index.json"
LOCK_SUFFIX = ".lock"
WANTED_SUFFIX = ".wanted"  # beside the lock: a writer is waiting for it (see _locked, compact)
_WAITERS = count()  # numbers this process's wanted files
WRITER_TIMEOUT = 10.0  # seconds to wait for Whoosh's write lock
BUILD_TIMEOUT = 120.0  # seconds to wait for another process building the same index
BUILD_LEXICON = True  # build translate.py's lexicon with the index (tests may switch it off)
# The posting buffer (segwriter.PostingBuffer) of a full build, shared by its worker processes: past
# it, sorted runs of whole posting lists are spilled and merged a term at a time (cheap: Whoosh's pool
# spilled and merged single postings, so it was 256 MB; docs/performance.md, "Sixth session").
BUILD_LIMITMB = 128
UPDATE_LIMITMB = 64  # Whoosh's default, for an update of a few conferences
REBUILD_BELOW = 32  # ensure_index rebuilds rather than updates when more than this many and more than
# the indexed conferences changed (a bulk add into a small archive)
# Work an update leaves to `compact`, which it starts in the background (docs/archive.md, "Segments
# and lexicon"): merging small segments (Whoosh's default merge folded them into the update now and
# then: 1.5 s more on one add in nine at 10,000 conferences) and adding the new conferences' terms to
# the cross-language lexicon (0.3-0.6 s of every add at 10,000). A segment holding at most SMALL_SHARE
# of the documents is small; once MERGE_AT are, they are merged into one.
SMALL_SHARE = 0.05
MERGE_AT = 6
PENDING_FILE = "lexicon-pending.json"  # ids of conferences indexed whose terms the lexicon lacks yet
PENDING_MAX = 64  # more pending than this (the background `compact` never ran): an update merges them
# settings.merge ($PRESSARCHIVE_MERGE): "background" (default), "inline" (in the update itself) or "off"
BACKGROUND_LOG = ".background.log"  # in the home: what a background compact wrote to stderr when it failed
# ("off": no segment merge is started; the lexicon is then merged in the update, as with "inline")

Progress = Callable[[int, int], None]  # progress(done, total), called once per conference


# --- schema -------------------------------------------------------------------------------------
def schema():
    """The Whoosh schema: text fields (bilingual + bigrams), name fields, filter keys, labels."""
    from pressarchive import analysis  # first: it imports whoosh lightly

    from whoosh import fields
    from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, Schema

    from pressarchive.postings import raw_positions

    def TEXT(**kwargs):  # noqa: N802 - Whoosh's TEXT, its positions stored as postings.RawPositions
        return raw_positions(fields.TEXT(**kwargs))

    text = analysis.bilingual_analyzer()
    cjk = analysis.cjk_bigram_analyzer()
    names = analysis.name_analyzer()
    keys = analysis.key_analyzer()
    labels = analysis.label_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        conference=ID(stored=True, sortable=True),
        seq=NUMERIC(int, stored=True, sortable=True),
        date=ID(sortable=True),
        # what was said
        text=TEXT(analyzer=text, phrase=True, multitoken_query="phrase"),
        cjk=TEXT(analyzer=cjk, phrase=True, multitoken_query="phrase"),
        # for an answer: the question it answers
        question=TEXT(analyzer=text, phrase=True, multitoken_query="phrase"),
        qcjk=TEXT(analyzer=cjk, phrase=True, multitoken_query="phrase"),
        # who said it
        speaker=TEXT(analyzer=names, phrase=True, multitoken_query="phrase"),
        speaker_key=KEYWORD(analyzer=keys),
        speaker_label=KEYWORD(analyzer=labels),
        speaker_ref=ID(),  # "<conference id>/<speaker id>": the people register's handle on a turn
        asker_ref=ID(),  # the same for who asked (a question's speaker; an answer's question's)
        role=KEYWORD(analyzer=keys),
        title=TEXT(analyzer=names, phrase=True, multitoken_query="phrase"),
        org=TEXT(analyzer=names, phrase=True, multitoken_query="phrase"),
        region=KEYWORD(analyzer=keys),
        region_label=KEYWORD(analyzer=labels),
        mentions=KEYWORD(analyzer=keys),
        # who asked (a question's outlet; for an answer, the outlet of its question)
        outlet=TEXT(analyzer=names, phrase=True, multitoken_query="phrase"),
        outlet_key=KEYWORD(analyzer=keys),
        outlet_label=KEYWORD(analyzer=labels),
        kind=KEYWORD(analyzer=keys),
        lang=KEYWORD(analyzer=keys),
        tlang=STORED(),  # the turn's language, for re-ranking translations without loading records
        # words, kind and procedural flag of the turn, read by ranking.PriorBM25F for the turn's prior
        features=NUMERIC(int, bits=32, sortable=True),
    )


def codec():
    """The Whoosh codec every segment is written with: postings.py's posting blocks."""
    from pressarchive.postings import Codec

    return Codec()


def _lines(values: Iterable[str | None]) -> str:
    seen: list[str] = []
    for v in values:
        v = (v or "").strip()
        if v and v not in seen:
            seen.append(v)
    return "\n".join(seen)


def _name_forms(name: str | None, name_zh: str | None) -> set[str]:
    """Every form of a person's name worth matching (pinyin of the Chinese name included)."""
    try:
        from pressarchive.translate import name_forms
    except ImportError:  # pragma: no cover - translate.py is optional
        return {n for n in (name, name_zh) if n}
    return name_forms(name, name_zh)


def documents(record: "Record") -> Iterator[dict[str, Any]]:
    """The Whoosh documents of one record, one per turn."""
    from pressarchive.ranking import features

    conf = record.conference
    forms_cache: dict[str, set[str]] = {}
    for turn in record.turns:
        sp = record.speaker(turn.speaker)
        question = record.turn(turn.question) if turn.kind == "answer" and turn.question else None
        asker = record.speaker(question.speaker) if question else (sp if turn.kind == "question" else None)
        asked_by = asker
        text = "\n\n".join(turn.paragraphs)
        qtext = "\n\n".join(question.paragraphs) if question else ""
        names: set[str] = set()
        if sp is not None and (sp.name or sp.name_zh):
            if sp.id not in forms_cache:
                forms_cache[sp.id] = _name_forms(sp.name, sp.name_zh) | set(sp.aliases or [])
            names = forms_cache[sp.id]
        outlets = [asker.organization, asker.organization_zh] if asker is not None and asker.role == "reporter" else []
        doc = {
            "id": turn.id,
            "conference": conf.id,
            "seq": turn.seq,
            "text": text,
            "cjk": text,
            "kind": turn.kind,
            "tlang": turn.lang,
            "features": features(turn.kind, turn.paragraphs),
            "lang": _lines([turn.lang, *turn.para_langs, *(["en", "zh"] if turn.lang == "mixed" else [])]),
            "mentions": _lines(turn.regions),
        }
        if conf.date:
            doc["date"] = conf.date
        if qtext:
            doc["question"] = qtext
            doc["qcjk"] = qtext
        if sp is not None:
            named = [sp.name, sp.name_zh] if (sp.name or sp.name_zh) else []
            doc["speaker"] = _lines([*named, *sorted(names - set(named))])
            doc["speaker_key"] = _lines(sorted(names))
            doc["speaker_label"] = _lines(named)
            doc["role"] = sp.role or ""
            doc["title"] = sp.title or ""
            doc["org"] = _lines([sp.organization, sp.organization_zh])
            doc["region"] = sp.region or ""
            doc["region_label"] = sp.region or ""
        if sp is not None:
            doc["speaker_ref"] = f"{conf.id}/{sp.id}"
        if asked_by is not None:
            doc["asker_ref"] = f"{conf.id}/{asked_by.id}"
        if outlets:
            doc["outlet"] = _lines(outlets)
            doc["outlet_key"] = _lines(outlets)
            doc["outlet_label"] = _lines(outlets)
        yield {k: v for k, v in doc.items() if v not in ("", None)}


# --- state --------------------------------------------------------------------------------------
def read_state(index_dir: Path) -> dict[str, Any] | None:
    """The state file, or None when missing, unreadable or of another index format."""
    try:
        import orjson

        data = orjson.loads((Path(index_dir) / STATE_FILE).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != INDEX_FORMAT:
        return None
    if not isinstance(data.get("conferences"), dict):
        return None
    return data


def _write_state(index_dir: Path, conferences: dict[str, Any], lexicon: Any = None) -> None:
    """Write the state file atomically; ``lexicon`` is the translate.py lexicon version built."""
    import orjson

    from pressarchive.atomic import write_atomic

    write_atomic(Path(index_dir) / STATE_FILE,
                 orjson.dumps({"format": INDEX_FORMAT, "lexicon": lexicon, "conferences": conferences}))


def _entry(corpus: "Corpus", record: "Record") -> dict[str, Any]:
    return {"hash": record.conference.content_hash, "stat": corpus.record_stat(record.conference.id)}


def stale_conferences(archive: "Archive", state: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(changed or new conference ids, removed ids) of the corpus against the index state."""
    known = state["conferences"]
    corpus = archive.corpus
    ids = corpus.ids()
    changed = [cid for cid in ids if cid not in known or known[cid].get("stat") != corpus.record_stat(cid)]
    present = set(ids)
    removed = [cid for cid in known if cid not in present]
    return changed, removed


# --- opening ------------------------------------------------------------------------------------
def _open(index_dir: Path):
    """Open the Whoosh index in ``index_dir``; IndexError_ when missing or unreadable."""
    import pressarchive.analysis  # noqa: F401 - first: it imports whoosh lightly (docs/performance.md)
    from whoosh import index as wix

    try:
        key = _toc_key(index_dir)
        cached = _SCHEMAS.get(key) if key is not None else None
        if cached is None and key is not None:  # unpickled once, then every TOC read skips it
            from whoosh.filedb.filestore import FileStorage

            cached = wix.TOC.read(FileStorage(str(index_dir)), wix._DEF_INDEX_NAME, gen=key[1]).schema
            _SCHEMAS.clear()
            _SCHEMAS[key] = cached
        return wix.open_dir(str(index_dir), schema=cached)
    except Exception as err:  # noqa: BLE001 - Whoosh raises many kinds (EmptyIndexError, pickle, OSError, ...)
        raise IndexError_(f"the search index in {index_dir} is unreadable ({type(err).__name__}: {err})".strip(),
                          hint="run `pressarchive reindex`") from err


# Whoosh reads the table of contents (the .toc file: the pickled schema, ~300 KB with our analysers,
# and the segment list) on every ix.reader(), ix.schema and writer: 3-4 times a search, 10-25 ms
# each. The schema unpickled from one .toc file is kept (keyed by that file) and handed to open_dir,
# which then skips unpickling it; a commit writes a new .toc, which is read again once.
_SCHEMAS: dict[tuple, Any] = {}


def _toc_key(index_dir: Path) -> tuple | None:
    try:
        from whoosh.filedb.filestore import FileStorage
        from whoosh.index import TOC, _DEF_INDEX_NAME

        gen = TOC._latest_generation(FileStorage(str(index_dir)), _DEF_INDEX_NAME)
        if gen < 0:
            return None
        st = (Path(index_dir) / TOC._filename(_DEF_INDEX_NAME, gen)).stat()
        return (str(Path(index_dir).resolve()), gen, st.st_ino, st.st_size, st.st_mtime_ns)
    except (OSError, ImportError):
        return None


def _check_readable(ix, index_dir: Path, keep: bool = False) -> None:
    """Open a reader: missing or damaged segment files show up here, not mid-search. With ``keep`` the
    reader stays on the index (``checked_reader``) for the search that follows (opened once, not twice)."""
    try:
        reader = ix.reader()
        if keep:
            ix.checked_reader = reader
        else:
            reader.close()
    except Exception as err:  # noqa: BLE001 - OSError, struct/pickle errors, ...
        raise IndexError_(f"the search index in {index_dir} is damaged ({type(err).__name__})",
                          hint="run `pressarchive reindex`") from err


def open_index(archive: "Archive"):
    """The archive's Whoosh index, opened as it is (no staleness check)."""
    return _open(Path(archive.index_dir))


def open_searcher(archive: "Archive"):
    """A Whoosh searcher on the archive's index, built or refreshed first when needed."""
    ix = ensure_index(archive)
    try:
        return ix.searcher()
    except Exception as err:  # noqa: BLE001
        raise IndexError_(f"the search index is unreadable ({err})", hint="run `pressarchive reindex`") from err


MARK_FILE = "corpus.mark"


def _corpus_mark(archive: "Archive") -> str | None:
    """The corpus's mark (``Corpus.mark``): unchanged means no record changed since the index was last checked."""
    return archive.corpus.mark()


def _read_mark(index_dir: Path) -> str | None:
    try:
        return (Path(index_dir) / MARK_FILE).read_text(encoding="ascii").strip()
    except OSError:
        return None


def _write_mark(index_dir: Path, mark: str) -> None:
    """Remember a corpus state found in step with the index, with the index format and lexicon
    version it was found with (a read-only archive simply checks again)."""
    try:
        from pressarchive.atomic import atomic_open

        with atomic_open(Path(index_dir) / MARK_FILE) as handle:
            handle.write(mark)
    except OSError:
        pass


def forget_mark(archive: "Archive") -> None:
    """Make the next ``ensure_index`` compare the corpus with the index (records changed unindexed)."""
    try:
        (Path(archive.index_dir) / MARK_FILE).unlink(missing_ok=True)
    except OSError:
        pass


def sync(archive: "Archive", progress: Progress | None = None) -> None:
    """Bring the index up to date with the corpus (after a bulk add stored records unindexed)."""
    _close(ensure_index(archive, progress))


def _close(ix) -> None:
    reader = getattr(ix, "checked_reader", None)
    if reader is not None:
        reader.close()
        ix.checked_reader = None
    ix.close()


OPEN_TRIES = 5  # a search that lost a race with a writer's commit (a file it was about to read is gone) tries again


def _vanished(err: BaseException | None) -> bool:
    """Did ``err`` (or what caused it) come of a file that a writer removed meanwhile?"""
    seen = 0
    while err is not None and seen < 8:
        if isinstance(err, FileNotFoundError):
            return True
        err, seen = err.__cause__ or err.__context__, seen + 1
    return False


def open_for_reading(archive: "Archive", progress: Progress | None = None, lexicon: bool = True):
    """``_open_for_reading``, again when it lost a race with another process's commit: a writer
    replaces the table of contents and deletes merged segments, so a file listed a moment ago can be
    gone when it is opened. The next try reads the new table."""
    import time

    for attempt in range(OPEN_TRIES - 1):
        try:
            return _open_for_reading(archive, progress, lexicon)
        except (IndexError_, OSError) as err:
            if not _vanished(err):
                raise
            time.sleep(0.05 * (attempt + 1))
    return _open_for_reading(archive, progress, lexicon)


def _open_for_reading(archive: "Archive", progress: Progress | None = None, lexicon: bool = True):
    """The index for a search, which never needs to write: ``ensure_index`` as a rule; but while a
    write is left unfinished (a journal: a disk that filled, a killed process) the index is opened as
    it was last committed, and when bringing it up to date fails to write (a full disk, a read-only
    folder) the committed index answers too. Either way a line goes to ``archive.notices``; the
    repair is left to `check --fix` or the next write. Without a readable index, the error stands."""
    index_dir = Path(archive.index_dir)
    if archive.corpus.needs_recovery():
        try:
            ix = _open(index_dir)
            _check_readable(ix, index_dir, keep=True)
        except IndexError_:
            pass  # nothing committed to answer from: try to build it
        else:
            archive.note_needs_repair()
            return ix
    try:
        return ensure_index(archive, progress, lexicon)
    except (IndexError_, OSError) as err:
        try:
            ix = _open(index_dir)
            _check_readable(ix, index_dir, keep=True)
        except IndexError_:
            raise err from None
        reason = getattr(err, "message", None) or getattr(err, "strerror", None) or str(err)
        archive.notices.append(f"searched the index as last written: it could not be brought up to date ({reason})")
        return ix


def ensure_index(archive: "Archive", progress: Progress | None = None, lexicon: bool = True):
    """The archive's index, up to date: built when missing, unreadable or of another format,
    and updated for the conferences added, changed or removed since it was written; with
    ``lexicon``, translate.py's lexicon is rebuilt too when its format changed.

    When the mark file says the corpus, the index format, the lexicon and the state file itself are
    as last checked, the index is opened without reading the state file (14 ms at 10,000
    conferences, on every search)."""
    index_dir = Path(archive.index_dir)
    corpus_mark = _corpus_mark(archive)
    mark = (_read_mark(index_dir) or "").split(" ")
    stamp = _state_stamp(index_dir)
    if corpus_mark is not None and stamp is not None and mark[:2] == [corpus_mark, str(INDEX_FORMAT)] \
            and mark[3:] == [stamp] and (not lexicon or mark[2:3] == [str(_lexicon_version())]):
        try:
            ix = _open(index_dir)
            _check_readable(ix, index_dir, keep=True)
            return ix
        except IndexError_:
            pass  # the state file decides below: rebuilt
    state = read_state(index_dir)
    if state is None:
        return _rebuild(archive, progress, only_if_stale=True)
    try:
        ix = _open(index_dir)
        _check_readable(ix, index_dir, keep=True)
    except IndexError_:
        return _rebuild(archive, progress, only_if_stale=True)
    if corpus_mark is None or corpus_mark != mark[0]:
        changed, removed = stale_conferences(archive, state)
        if len(changed) > max(len(state["conferences"]), REBUILD_BELOW):
            # more new conferences than indexed ones: one full build is cheaper than an update
            _close(ix)
            ix = _rebuild(archive, progress, only_if_stale=True)
            state = read_state(index_dir) or state
        elif changed or removed:
            _close(ix)
            ix = update(archive, changed, removed, progress=progress)  # records loaded one at a time
            state = read_state(index_dir) or state
    if lexicon and state.get("lexicon") != _lexicon_version():
        refresh_lexicon(archive)
        state = read_state(index_dir) or state
    if corpus_mark is not None:
        _write_mark(index_dir, f"{corpus_mark} {INDEX_FORMAT} {state.get('lexicon')} {_state_stamp(index_dir)}")
    return ix


def _state_stamp(index_dir: Path) -> str | None:
    """The state file's modification time and size: a mark names the state file it was made with."""
    try:
        st = (Path(index_dir) / STATE_FILE).stat()
    except OSError:
        return None
    return f"{st.st_mtime_ns}:{st.st_size}"


# --- writing ------------------------------------------------------------------------------------
def _lock(archive: "Archive", timeout: float):
    from filelock import FileLock

    index_dir = Path(archive.index_dir)
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(str(index_dir.parent / f".{index_dir.name}{LOCK_SUFFIX}"), timeout=timeout)


def _wanted(archive: "Archive") -> Path:
    """The prefix of the files that writers waiting for the index lock touch, one each
    (``.index.wanted.<pid>-<n>``), so that a background merge gives way."""
    index_dir = Path(archive.index_dir)
    return index_dir.parent / f".{index_dir.name}{WANTED_SUFFIX}"


def _merge_wanted(wanted: Path) -> bool:
    """Whether a writer waits: a wanted file younger than BUILD_TIMEOUT (older ones: their writer is gone)."""
    now = time.time()
    for path in wanted.parent.glob(wanted.name + ".*"):
        try:
            if now - path.stat().st_mtime < BUILD_TIMEOUT:
                return True
        except OSError:
            continue
    return False


def _locked(archive: "Archive", timeout: float, announce: bool = True):
    """The index lock, acquired; BusyError after ``timeout`` seconds. While it waits, a writer says so
    (``announce``) and a background `compact` merging segments gives way within a segment."""
    from filelock import Timeout

    lock = _lock(archive, timeout)
    try:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if timeout <= 0:
                raise
            wanted = _wanted(archive)
            mine = wanted.with_name(f"{wanted.name}.{os.getpid()}-{next(_WAITERS)}")
            if announce:
                with suppress(OSError):
                    mine.touch()
            try:
                lock.acquire()
            finally:
                if announce:
                    with suppress(OSError):
                        mine.unlink(missing_ok=True)
    except Timeout as err:
        raise BusyError(f"another process is writing the search index ({lock.lock_file})",
                        hint="wait for it to finish, then try again") from err
    except OSError as err:
        raise IndexError_(f"cannot lock the search index: {err}") from err
    return lock


@contextmanager
def _writing(archive: "Archive", timeout: float | None = None, announce: bool = True) -> Iterator[Any]:
    """Hold the index lock (BusyError after ``timeout`` seconds, by default BUILD_TIMEOUT); a disk error
    inside becomes one IndexError_ line. The lock may be released early inside (``update`` hands over
    to ``rebuild``)."""
    lock = _locked(archive, BUILD_TIMEOUT if timeout is None else timeout, announce)
    try:
        yield lock
    except OSError as err:
        raise IndexError_(f"cannot write the search index in {archive.index_dir}: {err.strerror or err}",
                          hint="check that the archive folder is writable") from err
    finally:
        if lock.is_locked:
            lock.release()


def _writer(ix, limitmb: float, **kwargs):
    """A writer of a new segment of ``ix``: segwriter.SegmentWriter on our codec (the postings
    gathered per term in memory, ``limitmb`` of them before a run is spilled to disk)."""
    from pressarchive.segwriter import SegmentWriter

    kwargs.setdefault("timeout", WRITER_TIMEOUT)
    return SegmentWriter(ix, limitmb=limitmb, codec=codec(), **kwargs)


def add_records(writer, records: Iterable["Record"], progress: Progress | None = None, total: int = 0) -> int:
    """Add the documents of ``records`` to an open Whoosh writer; the number of turns added."""
    count = 0
    for done, record in enumerate(records, 1):
        for doc in documents(record):
            writer.add_document(**doc)
            count += 1
        if progress is not None:
            progress(done, total)
    return count


def build_in(storage, records: Iterable["Record"], progress: Progress | None = None, total: int = 0):
    """Create a fresh index in a Whoosh storage (a FileStorage or, in tests, a RamStorage)."""
    ix = storage.create_index(schema())
    writer = _writer(ix, BUILD_LIMITMB)
    try:
        add_records(writer, records, progress, total)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return ix


# --- a full build on several cores ---------------------------------------------------------------
# A full build of more than PARALLEL_MIN conferences splits the ids into one contiguous share per core:
# each worker process writes its share as a segment of its own (analysis, posting pool, segment files;
# and the lexicon's term counts), and the parent lists the segments in one table of contents, in id
# order, so document numbers, and with them the order of equal scores, are those of a one-process build.
PARALLEL_MIN = 64
MAX_BUILD_PROCS = 4
LEXICON_CHUNK = 4000  # paragraphs counted for the lexicon at a time (bounded memory)


def build_procs(total: int, wanted: int | None = None) -> int:
    """Worker processes for a full build of ``total`` conferences (1: build in this process);
    ``wanted``: settings.build_procs (None: the machine's cores)."""
    n = wanted if wanted else (os.cpu_count() or 1)
    n = max(1, min(n, MAX_BUILD_PROCS))
    return n if total >= max(PARALLEL_MIN, 2 * n) else 1


def _count_terms(translate, texts: list[str], zh, en) -> None:
    from pressarchive.analysis import fold

    z, e = translate.terms_from_texts(texts, fold=fold)
    zh.update(z)
    en.update(e)
    texts.clear()


def _build_part(home: str, folder: str, ids: list[str], part: int, procs: int, queue, lexicon: bool) -> None:
    """One worker of ``_build_parallel``: index ``ids`` into a new segment of the index in ``folder``."""
    from collections import Counter

    try:
        import pressarchive.analysis  # noqa: F401 - first: it imports whoosh lightly
        from whoosh.filedb.filestore import FileStorage
        from pressarchive.corpus import Corpus

        corpus = Corpus(Path(home))
        translate = _translate() if lexicon else None
        ix = FileStorage(folder).open_index()
        writer = _writer(ix, max(32, BUILD_LIMITMB // procs), _lk=False)
        entries: dict[str, Any] = {}
        texts: list[str] = []
        names: list[tuple[str | None, str | None]] = []
        zh: Counter = Counter()
        en: Counter = Counter()
        unreported = 0
        for record in _loaded(corpus, ids, entries, texts, names):
            for doc in documents(record):
                writer.add_document(**doc)
            if len(texts) >= LEXICON_CHUNK:
                if translate is not None:
                    _count_terms(translate, texts, zh, en)
                texts.clear()
            unreported += 1
            if unreported >= 8:
                queue.put(("progress", part, unreported))
                unreported = 0
        if translate is not None and texts:
            _count_terms(translate, texts, zh, en)
        segment = writer._finalize_segment()
        queue.put(("progress", part, unreported))
        queue.put(("done", part, {"segment": segment, "entries": entries, "zh": zh, "en": en, "names": names}))
    except PressArchiveError as err:
        queue.put(("error", part, type(err).__name__, err.message, err.hint))
    except BaseException as err:  # noqa: BLE001 - reported to the parent, which raises it as one line
        queue.put(("error", part, "IndexError_", f"indexing failed: {type(err).__name__}: {err}", None))


def _build_parallel(archive: "Archive", folder: Path, ids: list[str], procs: int,
                    progress: Progress | None) -> dict[str, Any]:
    """Build the index of ``ids`` in ``folder`` with ``procs`` worker processes; what they report:
    ``entries`` for the state file and the lexicon's ``zh`` / ``en`` term counts and ``names``."""
    import multiprocessing
    import queue as queue_mod
    from collections import Counter

    from whoosh.filedb.filestore import FileStorage

    from pressarchive import errors

    ix = FileStorage(str(folder)).create_index(schema())
    ctx = multiprocessing.get_context("spawn")  # no fork: the parent may run threads (progress bars)
    messages = ctx.Queue()
    n = len(ids)
    shares = [ids[k * n // procs:(k + 1) * n // procs] for k in range(procs)]
    workers = [ctx.Process(target=_build_part, daemon=True,
                           args=(str(archive.home), str(folder), share, k, procs, messages, _translate() is not None))
               for k, share in enumerate(shares)]
    results: dict[int, dict[str, Any]] = {}
    done = 0
    try:
        for w in workers:
            w.start()
        while len(results) < procs:
            try:
                msg = messages.get(timeout=1.0)
            except queue_mod.Empty:
                dead = [w for k, w in enumerate(workers) if k not in results and w.exitcode not in (None, 0)]
                if dead:
                    raise IndexError_(f"an indexing process stopped (exit code {dead[0].exitcode})",
                                      hint="run `pressarchive reindex` again; with PRESSARCHIVE_BUILD_PROCS=1 it builds in one process")
                continue
            if msg[0] == "progress":
                done += msg[2]
                if progress is not None:
                    progress(done, n)
            elif msg[0] == "done":
                results[msg[1]] = msg[2]
            else:
                _, _, kind, message, hint = msg
                raise getattr(errors, kind, IndexError_)(message, hint=hint)
    finally:
        for w in workers:
            if w.is_alive() and len(results) < procs:
                w.terminate()
            w.join(timeout=30)
    writer = ix.writer(timeout=WRITER_TIMEOUT, codec=codec())
    writer._close_segment()  # the parent's own (empty) segment
    writer._commit_toc([results[k]["segment"] for k in range(procs)])
    writer._finish()
    ix.close()
    out: dict[str, Any] = {"entries": {}, "zh": Counter(), "en": Counter(), "names": []}
    for k in range(procs):
        out["entries"].update(results[k]["entries"])
        out["zh"].update(results[k]["zh"])
        out["en"].update(results[k]["en"])
        out["names"].extend(results[k]["names"])
    return out


def _current(archive: "Archive"):
    """The index opened when it is readable and matches the corpus, else None."""
    index_dir = Path(archive.index_dir)
    state = read_state(index_dir)
    if state is None:
        return None
    try:
        ix = _open(index_dir)
        _check_readable(ix, index_dir)
    except IndexError_:
        return None
    if any(stale_conferences(archive, state)):
        ix.close()
        return None
    return ix


def rebuild(archive: "Archive", progress: Progress | None = None):
    """Build the whole index again from the corpus, in a side folder swapped in when complete."""
    return _rebuild(archive, progress)


def _rebuild(archive: "Archive", progress: Progress | None = None, only_if_stale: bool = False):
    """``rebuild``; with ``only_if_stale``, skip the work when, once the lock is ours, the index
    turns out to be current (another process built it while this one waited)."""
    import pressarchive.analysis  # noqa: F401 - first: it imports whoosh lightly
    from whoosh.filedb.filestore import FileStorage

    index_dir = Path(archive.index_dir)
    with _writing(archive):
        if only_if_stale:
            current = _current(archive)
            if current is not None:
                return current
        ids = archive.corpus.ids()
        try:
            tmp = Path(tempfile.mkdtemp(prefix=f".{index_dir.name}.building-", dir=index_dir.parent))
        except OSError as err:
            raise IndexError_(f"cannot build the search index in {index_dir.parent}: {err.strerror or err}",
                              hint="check that the archive folder is writable, or choose another") from err
        try:
            procs = build_procs(len(ids), archive.settings.build_procs)
            if procs > 1:
                built = _build_parallel(archive, tmp, ids, procs, progress)
                entries = built["entries"]
                _save_lexicon(tmp, [], built["names"], (built["zh"], built["en"]))
            else:
                entries = {}
                texts: list[str] = []
                names: list[tuple[str | None, str | None]] = []
                records = _loaded(archive.corpus, ids, entries, texts, names)
                ix = build_in(FileStorage(str(tmp)), records, progress, len(ids))
                ix.close()
                _save_lexicon(tmp, texts, names)
            _write_state(tmp, entries, _lexicon_version())
            _swap(tmp, index_dir)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return _open(index_dir)


def clean_builds(archive: "Archive") -> list[str]:
    """Remove the side folders of index builds a killed or failed process left (``.index.building-*``,
    ``.index.old-*``). Only when the index lock is free at once: a live build is never touched."""
    from filelock import Timeout

    index_dir = Path(archive.index_dir)
    prefixes = (f".{index_dir.name}.building-", f".{index_dir.name}.old-")
    try:
        left = [p for p in index_dir.parent.iterdir() if p.name.startswith(prefixes) and p.is_dir()]
    except OSError:
        return []
    if not left:
        return []
    lock = _lock(archive, 0)
    try:
        lock.acquire(timeout=0)
    except (Timeout, OSError):
        return []
    try:
        for p in left:
            shutil.rmtree(p, ignore_errors=True)
    finally:
        lock.release()
    return [f"removed {len(left)} unfinished index build folder{'s' if len(left) != 1 else ''}"]


def _swap(new: Path, index_dir: Path) -> None:
    """Put the freshly built folder ``new`` in place of ``index_dir`` (renames, then clean-up).

    Hidden files in ``index_dir`` are not the index's (Whoosh and this module never write one): they
    are carried over, so a checkout's ``index/.gitkeep`` survives a rebuild."""
    if index_dir.is_dir():
        for p in index_dir.iterdir():
            if p.name.startswith(".") and p.is_file() and not (new / p.name).exists():
                shutil.copy2(p, new / p.name)
    old = None
    if index_dir.exists() or index_dir.is_symlink():
        old = Path(tempfile.mkdtemp(prefix=f".{index_dir.name}.old-", dir=index_dir.parent))
        os.replace(index_dir, old / "index")
    os.replace(new, index_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def update(archive: "Archive", added: list["Record | str"] = (), removed: list[str] = (),
           progress: Progress | None = None):
    """Re-index the conferences in ``added`` (new or replaced: records, or ids whose records are
    loaded one at a time) and drop those in ``removed``.

    Costs about one conference's work per conference; falls back to ``rebuild`` when there is no
    usable index yet.
    """
    from pressarchive import analysis  # noqa: F401 - first: it imports whoosh lightly
    from whoosh.index import LockError

    index_dir = Path(archive.index_dir)
    added = list(added)
    with _writing(archive) as lock:
        state = read_state(index_dir)  # read under the lock: another writer may just have changed it
        try:
            ix = _open(index_dir) if state is not None else None
            if ix is not None:
                _check_readable(ix, index_dir)
        except IndexError_:
            ix = None
        if ix is None:
            lock.release()
            return rebuild(archive, progress)
        limitmb = BUILD_LIMITMB if len(added) > REBUILD_BELOW else UPDATE_LIMITMB
        try:
            writer = _writer(ix, limitmb)
        except LockError as err:
            raise BusyError("another process holds the search index's write lock",
                            hint="wait for it to finish, then try again") from err
        conferences = dict(state["conferences"])
        added_ids = [a if isinstance(a, str) else a.conference.id for a in added]
        texts: list[str] = []
        names: list[tuple[str | None, str | None]] = []
        try:
            for cid in [*removed, *added_ids]:
                writer.delete_by_term("conference", cid)
            add_records(writer, _loaded(archive.corpus, added, conferences, texts, names), progress, len(added))
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=_no_merge)  # small segments are merged by compact(), started below
        for cid in set(removed) - set(added_ids):
            conferences.pop(cid, None)
        background = archive.settings.merge == "background"
        if added and background:  # compact merges their terms, in the background
            if _add_pending(index_dir, added_ids) > PENDING_MAX:  # no background run got through
                _merge_pending(archive)
        elif added:
            _merge_lexicon(index_dir, texts, names)
        _write_state(index_dir, conferences, state.get("lexicon"))
    ix = _open(index_dir)
    if (background and added) or merge_due(ix):
        start_merge(archive)
    return ix


# --- merging small segments ---------------------------------------------------------------------
def _live(segments: list) -> list:
    """The segments that still hold a document: one whose documents were all deleted (every turn
    of it re-added or removed) is dropped from the table of contents, and its files with it. Whoosh
    kept them: their postings were still read (and skipped) by every search, and their deletion sets
    pickled into the table of contents read on every search (an update of all 98,000 turns of an
    archive had left 97,000 deleted documents in two segments)."""
    return [seg for seg in segments if seg.doc_count() > 0]


def _no_merge(writer, segments: list) -> list:
    """An update's merge policy: no merge (compact() does it), but no segment left empty."""
    return _live(segments)


def _small_segments(segments: list) -> list:
    total = sum(seg.doc_count_all() for seg in segments)
    return [seg for seg in segments if seg.doc_count_all() <= total * SMALL_SHARE]


def merge_due(ix) -> bool:
    """Whether MERGE_AT or more of the index's segments are small."""
    try:
        return len(_small_segments(ix._segments())) >= MERGE_AT
    except Exception:  # noqa: BLE001 - an unreadable table of contents: the next search reports it
        return False


class _GiveWay(Exception):
    """A writer is waiting for the index lock: the background merge stops and is tried again later."""


def _merge_small(writer, segments: list, wanted: Path | None = None) -> list:
    """A Whoosh merge policy: the small segments (at least two) merged into the segment written;
    _GiveWay before a segment when ``wanted`` says a writer waits (unless the small segments have
    piled up to four times MERGE_AT: then the merge finishes whoever waits)."""
    from whoosh.reading import SegmentReader

    segments = _live(segments)
    small = _small_segments(segments)
    if len(small) < 2:
        return segments
    must = len(small) >= 4 * MERGE_AT
    for seg in small:
        if wanted is not None and not must and _merge_wanted(wanted):
            raise _GiveWay()
        reader = SegmentReader(writer.storage, writer.schema, seg)
        try:
            writer.add_reader(reader)
        finally:
            reader.close()
    return [seg for seg in segments if seg not in small]


def compact(archive: "Archive", timeout: float | None = None, merge_at: int = 2,
            give_way: bool = False) -> tuple[int, int, int] | None:
    """Do what updates left: add the pending conferences' terms to the lexicon, then merge the
    index's small segments into one when there are ``merge_at`` of them (an update's background run
    passes MERGE_AT: merging two small segments after every add would cost what it saves). With
    ``give_way`` (the background run) the merge stops when a writer comes for the lock.
    (segments before, after, conferences whose terms were added);
    (0, 0, 0) when there is no index yet; None when another process holds the index lock for
    ``timeout`` seconds. The documents and the state file are unchanged; searches running meanwhile
    read the old segments."""
    from pressarchive import analysis  # noqa: F401 - first: it imports whoosh lightly
    from whoosh.index import LockError

    index_dir = Path(archive.index_dir)
    wanted = _wanted(archive) if give_way else None
    try:
        with _writing(archive, timeout, announce=not give_way):
            if read_state(index_dir) is None:
                return 0, 0, 0
            termed = _merge_pending(archive)
            ix = _open(index_dir)
            segments = ix._segments()
            before = len(segments)
            if len(_small_segments(segments)) < max(2, merge_at):
                return before, before, termed
            try:
                writer = _writer(ix, UPDATE_LIMITMB)
            except LockError:
                return None
            try:
                writer.commit(mergetype=lambda w, segments: _merge_small(w, segments, wanted))
            except _GiveWay:
                writer.cancel()
                return before, before, termed
            except BaseException:
                writer.cancel()
                raise
            return before, len(_open(index_dir)._segments()), termed
    except BusyError:
        return None


def _pending(index_dir: Path) -> list[str]:
    try:
        ids = json.loads((Path(index_dir) / PENDING_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [i for i in ids if isinstance(i, str)] if isinstance(ids, list) else []


def _add_pending(index_dir: Path, ids: list[str]) -> int:
    """Note conferences whose terms the lexicon lacks (under the index lock); how many are pending."""
    from pressarchive.atomic import atomic_open

    pending = list(dict.fromkeys([*_pending(index_dir), *ids]))
    with atomic_open(Path(index_dir) / PENDING_FILE) as handle:
        handle.write(json.dumps(pending, ensure_ascii=False))
    return len(pending)


def _merge_pending(archive: "Archive") -> int:
    """Add the pending conferences' terms to the lexicon (under the index lock); how many were added.
    A conference removed meanwhile is skipped; the list is cleared once the lexicon is saved, and
    kept for the next try when it could not be."""
    index_dir = Path(archive.index_dir)
    ids = _pending(index_dir)
    if ids and _translate() is not None:
        texts, names = _terms_of(archive.corpus, ids)
        if not _merge_lexicon(index_dir, texts, names):
            return 0
    (index_dir / PENDING_FILE).unlink(missing_ok=True)
    return len(ids)


def start_merge(archive: "Archive") -> None:
    """Run `compact` as ``archive.settings.merge`` says: in a detached process that outlives this one
    (the default, ``pressarchive.background``), here and now ("inline"), or not at all ("off").

    The process runs this interpreter with this package's own folder first on PYTHONPATH, so it
    imports the same code however this process imported it (installed, editable or from a path);
    its stderr goes to ``<home>/.background.log``, which `check` reports when anything is in it."""
    mode = archive.settings.merge
    if mode == "off":
        return
    if mode == "inline":
        compact(archive, merge_at=MERGE_AT)
        return
    import subprocess
    import sys

    package_parent = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ, **archive.settings.to_env())
    env["PYTHONPATH"] = os.pathsep.join([package_parent, *[p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]])
    try:
        with open(Path(archive.home) / BACKGROUND_LOG, "ab") as log:
            subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", "pressarchive.background", str(archive.home)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
                start_new_session=True, close_fds=True, env=env, cwd=str(archive.home),
            )
    except OSError:  # no process to spare: merge here, the add takes longer once
        compact(archive, merge_at=MERGE_AT)


def background_failure(home: Path) -> str | None:
    """The last line a failed background compact left in ``<home>/.background.log``, if any."""
    try:
        text = (Path(home) / BACKGROUND_LOG).read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None
    return text.splitlines()[-1].strip() if text else None


def clear_background_failure(home: Path) -> None:
    with suppress(OSError):
        (Path(home) / BACKGROUND_LOG).unlink(missing_ok=True)


# --- cross-language lexicon (translate.py) ------------------------------------------------------
def _loaded(corpus: "Corpus", items: Iterable["Record | str"], entries: dict[str, Any], texts: list[str],
            names: list[tuple[str | None, str | None]]) -> Iterator["Record"]:
    """The records of ``items`` (records, or ids loaded one at a time), each one's state-file entry
    put in ``entries`` and its paragraphs and speaker names in ``texts`` / ``names`` (for the lexicon)."""
    for item in items:
        if isinstance(item, str):
            record = corpus.readable(item)
            if record is None:  # damaged (kept out, reported by check) or removed meanwhile
                if item in corpus.skipped and corpus.record_stat(item) is not None:
                    # its state entry names the damaged file, so it is not retried until it changes
                    entries[item] = {"hash": None, "stat": corpus.record_stat(item), "damaged": True}
                continue
        else:
            record = item
        entries[record.conference.id] = _entry(corpus, record)
        _collect_terms(record, texts, names)
        yield record


def _terms_of(corpus: "Corpus", ids: Iterable[str]) -> tuple[list[str], list[tuple[str | None, str | None]]]:
    """The paragraphs and speaker names of the conferences ``ids`` (for the lexicon); an unreadable
    or removed conference is skipped."""
    texts: list[str] = []
    names: list[tuple[str | None, str | None]] = []
    for cid in ids:
        try:
            _collect_terms(corpus.get(cid), texts, names)
        except PressArchiveError:
            continue
    return texts, names


def _collect_terms(record: "Record", texts: list[str], names: list[tuple[str | None, str | None]]) -> None:
    texts.extend(p for t in record.turns for p in t.paragraphs)
    names.extend((s.name, s.name_zh) for s in record.speakers if s.name or s.name_zh)


def _translate():
    """translate.py when cross-language expansion is wanted and available, else None."""
    if not BUILD_LEXICON:
        return None
    try:
        from pressarchive import translate
    except ImportError:  # pragma: no cover - translate.py is optional
        return None
    return translate


def _lexicon_version() -> Any:
    """The version of the lexicon translate.py builds now (None: no lexicon is built)."""
    translate = _translate()
    return getattr(translate, "LEXICON_VERSION", None) if translate is not None else None


def refresh_lexicon(archive: "Archive") -> None:
    """Build the lexicon again from the whole corpus (translate.py's format changed)."""
    index_dir = Path(archive.index_dir)
    with _writing(archive):
        state = read_state(index_dir)
        if state is None or state.get("lexicon") == _lexicon_version():
            return
        texts, names = _terms_of(archive.corpus, state["conferences"])
        _save_lexicon(index_dir, texts, names)
        (index_dir / PENDING_FILE).unlink(missing_ok=True)  # their terms are in: built from every conference
        _write_state(index_dir, state["conferences"], _lexicon_version())


def _save_lexicon(index_dir: Path, texts: list[str], names: list[tuple[str | None, str | None]],
                  counts: tuple[Any, Any] | None = None) -> None:
    """Build translate.py's lexicon from the indexed ``texts`` and/or term ``counts`` already made
    (``translate.terms_from_texts``, summed); best effort: search works without it."""
    translate = _translate()
    if translate is None:
        return
    from collections import Counter

    try:
        zh, en = counts if counts is not None else (Counter(), Counter())
        if texts:
            _count_terms(translate, texts, zh, en)
        lexicon = translate.build_lexicon(zh, en, names=names, zh_complete=True)
        translate.save_lexicon(lexicon, index_dir / translate.LEXICON_FILE)
    except Exception:  # noqa: BLE001 - no lexicon only means no cross-language expansion
        (index_dir / translate.LEXICON_FILE).unlink(missing_ok=True)
        return
    _save_synonyms(translate, index_dir)


def _save_synonyms(translate, index_dir: Path) -> None:
    """Write ``synonyms.json`` beside the lexicon unless it is there, of this edition (archive-independent:
    never merged on add); best effort, as the lexicon: without it, composition has no synonyms."""
    try:
        translate.save_synonyms(index_dir / translate.SYNONYMS_FILE)
    except Exception:  # noqa: BLE001
        pass


def _merge_lexicon(index_dir: Path, texts: list[str], names: list[tuple[str | None, str | None]]) -> bool:
    """Merge the added conferences' terms into the lexicon, so they can be translation targets;
    False when that failed (the lexicon then only misses the new terms).

    Rebuilding it from the whole corpus would cost a full pass; a removed conference's targets stay
    until the next rebuild (they then match nothing, which is harmless).
    """
    translate = _translate()
    if translate is None:
        return True
    try:
        _merge_into(translate, index_dir, texts, names)
    except Exception:  # noqa: BLE001 - a stale lexicon only misses the new terms
        return False
    return True


def _merge_into(translate, index_dir: Path, texts: list[str], names: list[tuple[str | None, str | None]]) -> None:
    path = index_dir / translate.LEXICON_FILE
    from pressarchive.analysis import fold

    fresh = translate.build_lexicon_from_texts(texts, names=names, fold=fold)
    _save_synonyms(translate, index_dir)  # a no-op when synonyms.json is there, of this edition
    try:
        current = translate.load_lexicon(path)
    except IndexError_:
        translate.save_lexicon(fresh, path)
        return
    translate.save_lexicon(_merge_touched(translate, current, fresh), path)


def _merge_touched(translate, current, fresh: dict) -> dict:
    """``translate.merge_lexicon(current, fresh)``, unpacking only the keys ``fresh`` holds.

    The loaded lexicon's other keys keep their packed strings (``save_lexicon`` writes a packed value
    as it is): merging them would unpack and repack them into the same strings, which made an add to a
    1,000-conference archive pay for every key of its lexicon (docs/performance.md, "Indexing speed-ups").
    """
    base: dict = {k: v for k, v in current.items() if k not in translate.DIRECTIONS and k != "syn"}
    for direction in translate.DIRECTIONS:
        table = translate.direction_table(current, direction)
        base[direction] = {key: table[key] for key in translate.direction_table(fresh, direction) if key in table}
    merged = translate.merge_lexicon(base, fresh)
    for direction in translate.DIRECTIONS:
        table = translate.direction_table(current, direction)
        if isinstance(table, translate.Shards):  # only the shards of the changed keys are unpacked
            merged[direction] = table.updated(merged[direction])
        else:
            whole = dict(table)
            whole.update(merged[direction])
            merged[direction] = whole
    return merged
