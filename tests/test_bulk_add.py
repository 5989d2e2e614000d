"""A bulk add stores every batch, then indexes once: a full build when the new conferences
outnumber the indexed ones, else one update; the result is the same index as one add at a time."""
from __future__ import annotations

import pytest

from pressarchive import archive as archive_mod
from pressarchive import index
from pressarchive.search import search
from pressarchive.archive import Archive
from pressarchive.settings import Settings
from test_concurrency import transcripts


@pytest.fixture
def calls(monkeypatch):
    seen: list[tuple[str, int]] = []
    real_update, real_rebuild = index.update, index._rebuild

    def update(archive, added=(), removed=(), progress=None):
        seen.append(("update", len(list(added))))
        return real_update(archive, added, removed, progress)

    def rebuild(archive, progress=None, only_if_stale=False):
        seen.append(("rebuild", len(archive.ids())))
        return real_rebuild(archive, progress, only_if_stale)

    monkeypatch.setattr(index, "update", update)
    monkeypatch.setattr(index, "_rebuild", rebuild)
    monkeypatch.setattr(index, "BUILD_LEXICON", False)
    monkeypatch.setattr(archive_mod, "BATCH_SIZE", 3)
    monkeypatch.setattr(index, "REBUILD_BELOW", 3)
    return seen


def found(archive, word: str) -> set[str]:
    return {h["conference"]["id"] for h in search(archive, word, limit=100, translate=False).hits}


def test_bulk_add_into_an_empty_archive_builds_once(archive_home, tmp_path, calls):
    archive = Archive(archive_home)
    files = transcripts(tmp_path / "t", "bulk", 8)  # three batches
    outcomes = archive.add_sources([str(f) for f in files])
    assert [o.status for o in outcomes] == ["added"] * 8
    assert calls == [("rebuild", 8)]  # no update per batch
    assert archive.pending() is None
    assert len(found(archive, "trade")) == 8
    assert index.stale_conferences(archive, index.read_state(archive.index_dir)) == ([], [])


def test_bulk_add_into_a_larger_archive_updates_once(archive_home, tmp_path, calls):
    archive = Archive(archive_home)
    first = transcripts(tmp_path / "a", "first", 8)
    archive.add_sources([str(f) for f in first])
    calls.clear()
    more = transcripts(tmp_path / "b", "more", 4)  # two batches, fewer than the 8 indexed
    archive.add_sources([str(f) for f in more])
    assert calls == [("update", 4)]
    assert len(found(archive, "trade")) == 12


def test_one_batch_is_stored_and_indexed_together(archive_home, tmp_path, calls):
    archive = Archive(archive_home)
    files = transcripts(tmp_path / "c", "few", 2)
    archive.add_sources([str(f) for f in files])
    archive.add_sources([str(transcripts(tmp_path / "d", "one", 1)[0])])
    assert [name for name, _ in calls][-1] == "update"  # a small add: stored and indexed under the journal
    assert len(found(archive, "trade")) == 3


def test_bulk_add_parses_in_worker_processes_with_the_same_outcomes(archive_home, tmp_path, monkeypatch):
    monkeypatch.setattr(archive_mod, "BATCH_SIZE", 3)
    monkeypatch.setattr(index, "PARALLEL_MIN", 4)
    monkeypatch.setattr(index, "BUILD_LEXICON", False)
    files = [str(f) for f in transcripts(tmp_path / "t", "par", 7)]
    (tmp_path / "t" / "empty.txt").write_bytes(b"")
    (tmp_path / "t" / "binary.txt").write_bytes(b"\x00\x01\x02PNG" * 10)
    sources = files[:3] + [str(tmp_path / "t" / "empty.txt")] + files[3:] + [str(tmp_path / "t" / "binary.txt")]
    seen: list[str] = []

    def outcomes(home, procs):
        got = Archive(home, Settings.from_env(build_procs=int(procs))).add_sources(sources, progress=seen.append)
        return [(o.status, o.source, o.conference_id, o.reason) for o in got]

    serial = outcomes(tmp_path / "one", "1")
    assert seen == sources
    seen.clear()
    parallel = outcomes(tmp_path / "two", "2")
    assert seen == sources  # progress per source, in order, from the parent
    assert parallel == serial
    assert [s for s, *_ in parallel].count("failed") == 2 and parallel[3][0] == "failed"
    assert Archive(tmp_path / "one").ids() == Archive(tmp_path / "two").ids()


def test_a_parsing_worker_that_dies_is_one_error_and_stored_batches_stay(archive_home, tmp_path, monkeypatch):
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from pressarchive.errors import ArchiveError

    monkeypatch.setattr(archive_mod, "BATCH_SIZE", 3)
    monkeypatch.setattr(index, "PARALLEL_MIN", 4)
    monkeypatch.setattr(index, "BUILD_LEXICON", False)
    real_map = archive_mod._in_order  # results of the worker processes, in order

    def dying_map(pool, fn, items, window):
        assert isinstance(pool, ProcessPoolExecutor)
        for n, result in enumerate(real_map(pool, fn, items, window)):
            if n == 4:  # after the first batch of three was stored
                raise BrokenProcessPool("a child process terminated abruptly")
            yield result

    monkeypatch.setattr(archive_mod, "_in_order", dying_map)
    archive = Archive(archive_home, Settings.from_env(build_procs=2))
    files = [str(f) for f in transcripts(tmp_path / "t", "dying", 8)]
    with pytest.raises(ArchiveError) as err:
        archive.add_sources(files)
    assert "stopped" in err.value.message and "\n" not in err.value.message
    assert len(archive.ids()) == 3  # the first batch, whole
    monkeypatch.setattr(archive_mod, "_in_order", real_map)
    again = archive.add_sources(files)
    assert [o.status for o in again] == ["unchanged"] * 3 + ["added"] * 5
    assert len(found(archive, "trade")) == 8
