"""The store: layout, dedupe, replace, remove, journal recovery, check, seeding and the write lock.

These run on a tiny stand-in ingester and the real index (its calls recorded), so that they test the
store apart from the parser; test_cli_add.py and test_concurrency.py run the real ingester end to end.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from pressarchive.errors import ArchiveError, BusyError, InputError, NoTranscriptError, NotFoundError
from pressarchive.records import Conference, Record, Speaker, Turn, conference_id, content_hash
from pressarchive.archive import Archive
from pressarchive.corpus import raw_extension


# --- stand-ins --------------------------------------------------------------------------------
def fake_ingest(raw: bytes, source_name: str, overrides: dict | None = None) -> Record:
    """A toy format: ``Title:`` / ``Date:`` / ``Organizer:`` header lines, then ``Name: text`` turns."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(f"{source_name}: not UTF-8") from err
    meta, turns, speakers = {}, [], {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if not sep:
            continue
        if key.lower() in ("title", "date", "organizer"):
            meta[key.lower()] = value.strip()
            continue
        sid = speakers.setdefault(key.strip(), f"s{len(speakers) + 1}")
        turns.append(Turn(f"x:{len(turns) + 1:03d}", len(turns) + 1, sid, "statement", "en", [value.strip()]))
    meta.update({k: v for k, v in (overrides or {}).items() if v})
    if not turns:
        raise NoTranscriptError(f"{source_name}: no speaker turns found")
    conf = Conference(
        id=meta.get("id") or conference_id(meta.get("date"), meta.get("organizer"), meta.get("title")),
        title=meta.get("title"), date=meta.get("date"), organizer=meta.get("organizer"),
        source=source_name, source_url=meta.get("source_url"), content_hash=content_hash(raw),
    )
    record = Record(conf, [Speaker(sid, name=name) for name, sid in speakers.items()], turns)
    return record.with_ids(conf.id)


def fake_read_input(path_or_dash: str) -> tuple[bytes, str]:
    if path_or_dash == "-":
        return sys.stdin.buffer.read(), "stdin"
    try:
        return Path(path_or_dash).read_bytes(), os.path.basename(path_or_dash)
    except OSError as err:
        raise InputError(f"{path_or_dash}: {err.strerror}") from err


class IndexSpy:
    """The real index, with each update / rebuild call recorded."""

    def __init__(self, monkeypatch):
        from pressarchive import index

        self.index = index
        self.calls: list[tuple] = []
        real_update, real_rebuild = index.update, index.rebuild

        def update(archive, added=(), removed=(), progress=None):
            added = list(added)  # records, or ids loaded one at a time
            self.calls.append(("update", sorted(r if isinstance(r, str) else r.conference.id for r in added),
                               sorted(removed)))
            return real_update(archive, added, removed, progress=progress)

        def rebuild(archive, progress=None):
            self.calls.append(("rebuild",))
            return real_rebuild(archive, progress)

        monkeypatch.setattr(index, "update", update)
        monkeypatch.setattr(index, "rebuild", rebuild)
        monkeypatch.setattr(index, "BUILD_LEXICON", False)  # the cross-language lexicon is not tested here

    def state(self, archive) -> dict[str, str] | None:
        """{conference id: content hash} as the index records it."""
        data = self.index.read_state(archive.index_dir)
        return None if data is None else {cid: e["hash"] for cid, e in data["conferences"].items()}

    def turns(self, archive) -> dict[str, int]:
        """{conference id: number of turn documents} in the index."""
        from collections import Counter

        ix = self.index.open_index(archive)
        with ix.searcher() as searcher:
            counts = Counter(f["conference"] for f in searcher.all_stored_fields())
        ix.close()
        return dict(counts)


@pytest.fixture
def fake_ingester(monkeypatch):
    import pressarchive.ingest as ingest

    monkeypatch.setattr(ingest, "ingest_bytes", fake_ingest, raising=False)
    monkeypatch.setattr(ingest, "read_input", fake_read_input, raising=False)


@pytest.fixture
def spy(monkeypatch) -> IndexSpy:
    return IndexSpy(monkeypatch)


@pytest.fixture
def archive(archive_home, fake_ingester, spy, monkeypatch) -> Archive:
    monkeypatch.setenv("PRESSARCHIVE_NO_SEED", "1")
    return Archive(archive_home)


def transcript(title="Budget briefing", date="2023-03-01", body="Host: Welcome.\nReporter: A question?") -> bytes:
    return f"Title: {title}\nDate: {date}\nOrganizer: Ministry of Finance\n{body}\n".encode()


def add(archive: Archive, raw: bytes, name="brief.txt", **overrides):
    return archive.add_bytes(raw, name, overrides or None)


# --- layout and dedupe ------------------------------------------------------------------------
def test_add_writes_raw_bytes_and_record(archive, spy):
    raw = transcript()
    out = add(archive, raw)
    cid = conference_id("2023-03-01", "Ministry of Finance", "Budget briefing")
    assert (out.status, out.conference_id, out.turns) == ("added", cid, 2)
    folder = archive.corpus_dir / cid
    assert sorted(p.name for p in folder.iterdir()) == ["raw.txt", "record.json"]
    assert (folder / "raw.txt").read_bytes() == raw
    stored = json.loads((folder / "record.json").read_text(encoding="utf-8"))
    assert stored["conference"]["content_hash"] == content_hash(raw)
    assert [t["id"] for t in stored["turns"]] == [f"{cid}:001", f"{cid}:002"]
    assert archive.ids() == [cid] and archive.get(cid).conference.title == "Budget briefing"
    assert spy.calls == [("update", [cid], []), ("rebuild",)]  # the first update builds the index
    assert spy.state(archive) == {cid: content_hash(raw)} and spy.turns(archive) == {cid: 2}
    assert not archive.journal_path.exists()
    assert [p.name for p in archive.corpus_dir.iterdir()] == [cid]  # no staging folders left
    mask = os.umask(0)
    os.umask(mask)
    assert folder.stat().st_mode & 0o777 == 0o777 & ~mask  # as readable as any folder made here


def test_same_content_twice_is_one_conference(archive, spy):
    first = add(archive, transcript())
    record_file = archive.corpus_dir / first.conference_id / "record.json"
    copy = add(archive, transcript(), name="copy-of-brief.txt")  # the same bytes under another name
    assert copy.status == "updated" and copy.conference_id == first.conference_id  # one conference...
    assert archive.get(first.conference_id).conference.sources == ["brief.txt", "copy-of-brief.txt"]  # ...both sources
    assert archive.ids() == [first.conference_id]
    before = record_file.stat().st_mtime_ns
    spy.calls.clear()
    for name in ("brief.txt", "copy-of-brief.txt"):
        again = add(archive, transcript(), name=name)
        assert again.status == "unchanged" and again.conference_id == first.conference_id
    assert record_file.stat().st_mtime_ns == before
    assert spy.calls == []  # nothing re-indexed


def test_changed_version_replaces_its_conference(archive, spy):
    first = add(archive, transcript())
    changed = transcript(body="Host: Welcome.\nReporter: A question?\nMinister: An answer.")
    out = add(archive, changed)
    assert (out.status, out.conference_id, out.replaced) == ("updated", first.conference_id, None)
    assert archive.raw_path(out.conference_id).read_bytes() == changed
    assert len(archive.get(out.conference_id).turns) == 3
    assert spy.calls[-1] == ("update", [out.conference_id], [out.conference_id])  # old turns leave
    assert spy.turns(archive) == {out.conference_id: 3}
    assert archive.ids() == [out.conference_id]
    assert not any(p.name.startswith(".") for p in archive.corpus_dir.iterdir())


def test_same_bytes_under_a_new_title_keep_their_id(archive, spy):
    """Ids stay stable when the title or metadata is corrected (issue 13): the conference is updated."""
    first = add(archive, transcript())
    out = add(archive, transcript(), title="Budget briefing (corrected)")
    assert out.status == "updated" and out.conference_id == first.conference_id and out.replaced is None
    assert archive.ids() == [first.conference_id]
    assert archive.get(first.conference_id).conference.title == "Budget briefing (corrected)"
    assert spy.calls[-1] == ("update", [first.conference_id], [first.conference_id])  # old turns leave
    assert spy.turns(archive) == {first.conference_id: 2}


def test_html_keeps_its_extension(archive):
    raw = b"<html><body>" + transcript() + b"</body></html>"
    out = add(archive, raw, name="page.HTML")
    assert archive.raw_path(out.conference_id).name == "raw.html"


def test_raw_extension_is_plain_or_guessed():
    assert raw_extension("a/b/Brief.MD") == ".md"
    assert raw_extension("https://x.org/p/page.htm?x=1#top") == ".htm"
    assert raw_extension("stdin", b"  <!DOCTYPE html><p>") == ".html"
    assert raw_extension("weird.ta r", b"plain") == ".txt"
    assert raw_extension("-", b"text") == ".txt"


def test_unsafe_conference_id_is_refused(archive, monkeypatch):
    def evil(raw, name, overrides=None):
        record = fake_ingest(raw, name, overrides)
        record.conference.id = "../../etc"
        return record

    monkeypatch.setattr("pressarchive.ingest.ingest_bytes", evil)
    with pytest.raises(InputError, match="cannot name a folder"):
        add(archive, transcript())
    assert archive.ids() == []
    assert not (archive.home.parent / "etc").exists()


def test_bad_input_stores_nothing(archive):
    with pytest.raises(NoTranscriptError):
        add(archive, b"just a line of prose")
    assert archive.ids() == []


def test_batch_reports_each_source_and_keeps_going(archive, tmp_path):
    good = tmp_path / "good.txt"
    good.write_bytes(transcript())
    other = tmp_path / "other.md"
    other.write_bytes(transcript(title="Trade", date="2023-04-02"))
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00 binary")
    seen = []
    outs = archive.add_sources([str(good), str(bad), str(tmp_path / "missing.txt"), str(other), str(good)],
                               progress=seen.append)
    assert [o.status for o in outs] == ["added", "failed", "failed", "added", "unchanged"]
    assert "not UTF-8" in outs[1].reason and "No such file" in outs[2].reason
    assert len(seen) == 5 and len(archive.ids()) == 2


# --- remove -----------------------------------------------------------------------------------
def test_remove(archive, spy):
    out = add(archive, transcript())
    record = archive.remove(out.conference_id)
    assert record.conference.title == "Budget briefing"
    assert archive.ids() == [] and not (archive.corpus_dir / out.conference_id).exists()
    assert spy.calls[-1] == ("update", [], [out.conference_id])
    assert spy.state(archive) == {} and spy.turns(archive) == {}
    with pytest.raises(NotFoundError):
        archive.remove(out.conference_id)
    with pytest.raises(NotFoundError):
        archive.remove("../corpus")


# --- recovery after a killed writer -------------------------------------------------------------
def test_recover_restores_an_interrupted_replacement(archive, spy):
    out = add(archive, transcript())
    cid = out.conference_id
    # what a process killed between the two renames of a replacement leaves behind
    os.rename(archive.corpus_dir / cid, archive.corpus_dir / f".old-{cid}-k1ll3d")
    half = archive.corpus_dir / f".new-{cid}-zzzz"
    half.mkdir()
    (half / "raw.txt").write_bytes(b"half")
    archive.corpus.write_journal("add", added=[cid])
    notes = archive.recover()
    assert any("restored" in n for n in notes) and any("interrupted add" in n for n in notes)
    assert archive.ids() == [cid] and archive.raw_path(cid).read_bytes() == transcript()
    assert sorted(p.name for p in archive.corpus_dir.iterdir()) == [cid]
    assert spy.calls[-1] == ("update", [cid], [cid])
    assert archive.pending() is None and archive.recover() == []


def test_recover_after_interrupted_reindex_rebuilds(archive, spy):
    add(archive, transcript())
    archive.corpus.write_journal("reindex")
    archive.recover()
    assert spy.calls[-1] == ("rebuild",) and archive.pending() is None


def test_recover_leaves_a_live_writer_alone(archive, spy):
    add(archive, transcript())
    archive.corpus.write_journal("add", added=["x"])
    from filelock import FileLock

    with FileLock(str(archive.lock_path), timeout=1):
        assert archive.recover() == []
    assert archive.pending() is not None


# --- check ------------------------------------------------------------------------------------
def test_check_clean_and_tampered(archive, spy):
    a = add(archive, transcript()).conference_id
    b = add(archive, transcript(title="Trade", date="2023-04-02")).conference_id
    report = archive.check()
    assert report.ok and report.conferences == 2 and report.indexed == 2
    archive.raw_path(a).write_bytes(transcript(body="Host: Edited by hand."))
    archive.raw_path(b).unlink()
    from pressarchive.records import Conference as C

    ghost = Record(C("2020-01-01-ghost-000000", content_hash="h"), [Speaker("s1")],
                   [Turn("x:001", 1, "s1", "statement", "en", ["boo"])]).with_ids("2020-01-01-ghost-000000")
    spy.index.update(archive, added=[ghost], removed=[])
    ghost_id = "2020-01-01-ghost-000000"
    report = archive.check()
    found = {(p.where, p.what) for p in report.problems}
    assert (a, "raw.txt was changed after it was stored (its hash differs from record.json)") in found
    assert (b, "the raw file is missing") in found
    assert (ghost_id, "in the index but not in the corpus") in found
    assert not report.ok
    fixed = archive.check(fix=True)  # rebuilds the index; a damaged or lost raw file needs the original
    assert sorted(p.where for p in fixed.problems if not p.fixed) == sorted([a, b])
    assert archive.get(a).turns[0].paragraphs == ["Welcome."]  # the record was not rewritten from it
    assert spy.state(archive) == {a: content_hash(transcript()), b: archive.get(b).conference.content_hash}
    assert add(archive, transcript()).status == "updated"
    assert add(archive, transcript(title="Trade", date="2023-04-02")).status == "updated"
    assert archive.check().ok
    assert spy.turns(archive) == {a: 2, b: 2}


def test_check_reports_unreadable_record_and_unbuilt_index(archive, spy):
    a = add(archive, transcript()).conference_id
    (archive.corpus_dir / a / "record.json").write_text("{broken", encoding="utf-8")
    (archive.index_dir / spy.index.STATE_FILE).write_text("{not json", encoding="utf-8")
    report = archive.check()
    whats = [p.what for p in report.problems]
    assert any(w.startswith(f"record {a} is unreadable") for w in whats)
    assert "the index is unreadable or was built by another version" in whats
    report = archive.check(fix=True)
    assert report.ok and archive.get(a).conference.title == "Budget briefing"


# --- seeding ----------------------------------------------------------------------------------
@pytest.fixture
def bundled(tmp_path, monkeypatch) -> Path:
    src = tmp_path / "bundled"
    (src / "2022-01-01-conf-aaaaaa").mkdir(parents=True)
    (src / "2022-01-01-conf-aaaaaa" / "record.json").write_text("{}")
    (src / "2022-01-01-conf-aaaaaa" / "raw.txt").write_text("x")
    monkeypatch.setattr("pressarchive.home.bundled_corpus", lambda: src)
    monkeypatch.delenv("PRESSARCHIVE_NO_SEED", raising=False)
    return src


def default_home(tmp_path: Path, seed: bool = True) -> Archive:
    """The default home ($XDG_DATA_HOME/pressarchive), opened: the only one seeded, on first use."""
    from pressarchive.archive import open_archive
    from pressarchive.settings import Settings

    return open_archive(settings=Settings(data_home=tmp_path / "data", seed=seed), on_note=lambda text: None)


def test_a_fresh_default_home_is_seeded_on_first_open(tmp_path, bundled):
    archive = default_home(tmp_path)
    assert archive.home == tmp_path / "data" / "pressarchive"
    assert archive.ids() == ["2022-01-01-conf-aaaaaa"]
    assert (archive.corpus_dir / "2022-01-01-conf-aaaaaa" / "raw.txt").read_text() == "x"
    mask = os.umask(0)
    os.umask(mask)
    assert archive.corpus_dir.stat().st_mode & 0o777 == 0o777 & ~mask


def test_an_emptied_corpus_is_not_reseeded(tmp_path, bundled):
    (tmp_path / "data" / "pressarchive" / "corpus").mkdir(parents=True)
    assert default_home(tmp_path).ids() == []


def test_no_seed_setting(tmp_path, bundled, monkeypatch):
    from pressarchive.errors import NoArchiveError

    with pytest.raises(NoArchiveError):
        default_home(tmp_path, seed=False)
    assert not (tmp_path / "data").exists()
    assert Archive(tmp_path / "h").ids() == [] and not (tmp_path / "h").exists()  # reading never seeds


def test_seed_from_a_flattened_install(tmp_path, monkeypatch):
    src = tmp_path / "share"
    src.mkdir()
    (src / "record.json").write_text(json.dumps({"conference": {"id": "2022-01-01-conf-bbbbbb"}}))
    (src / "raw.txt").write_text("y")
    monkeypatch.setattr("pressarchive.home.bundled_corpus", lambda: src)
    monkeypatch.delenv("PRESSARCHIVE_NO_SEED", raising=False)
    archive = default_home(tmp_path)
    assert archive.ids() == ["2022-01-01-conf-bbbbbb"]
    assert sorted(p.name for p in (archive.corpus_dir / "2022-01-01-conf-bbbbbb").iterdir()) == ["raw.txt", "record.json"]


# --- the write lock ---------------------------------------------------------------------------
def test_read_only_archive_refuses_writes_but_reads(archive, monkeypatch):
    cid = add(archive, transcript()).conference_id
    home = str(archive.home)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **k: False if str(p).startswith(home) and mode & os.W_OK
                        else real_access(p, mode, **k))
    with pytest.raises(ArchiveError, match="is read-only"):
        add(archive, transcript(title="Another"))
    with pytest.raises(ArchiveError, match="is read-only"):
        archive.remove(cid)
    assert Archive(archive.home).get(cid).conference.title == "Budget briefing"
    assert archive.recover() == []


def test_busy_lock_waits_then_gives_up(archive):
    from filelock import FileLock

    told = []
    with FileLock(str(archive.lock_path)):
        with pytest.raises(BusyError, match="another pressarchive process"):
            with archive.write_lock(timeout=0.1, on_wait=lambda: told.append(1)):
                pass
    assert told == [1]
    with archive.write_lock(timeout=0.1):
        pass


def test_an_index_never_built_is_not_a_problem(archive, spy):
    import shutil

    a = add(archive, transcript()).conference_id
    shutil.rmtree(archive.index_dir)
    report = archive.check()
    assert report.ok and report.indexed is None and report.conferences == 1
    spy.index.ensure_index(archive)  # what the first search does
    assert spy.turns(archive) == {a: 2} and archive.check().indexed == 1


def test_record_fields_are_type_checked_on_read():
    """records._build checks each value against the field's declared type (compiled once per class)."""
    from pressarchive.records import Turn, _build

    ok = {"id": "c:001", "seq": 1, "speaker": "s1", "kind": "answer", "lang": "en", "paragraphs": ["a", "b"],
          "lines": [1, 2], "question": None}
    assert _build(Turn, ok).paragraphs == ["a", "b"]
    for field_name, bad in [("seq", "1"), ("seq", True), ("paragraphs", ["a", 1]), ("paragraphs", "ab"),
                            ("lines", [1, True]), ("lines", [1, "2"]), ("question", 3), ("speaker", None)]:
        with pytest.raises(ValueError, match=f"turn.{field_name} should be"):
            _build(Turn, {**ok, field_name: bad})
