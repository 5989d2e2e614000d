"""Small segments: an update writes one segment and merges none; `compact` merges the small ones,
started by the update in a detached process (or inline, as the other tests run it). Merging changes
neither what a search finds nor the state file."""
from __future__ import annotations

import os
import time

import pytest
from click.testing import CliRunner

from pressarchive import index
from pressarchive.cli import cli
from pressarchive.search import search
from pressarchive.archive import Archive
from test_concurrency import transcripts


def wanted_file(archive: Archive):
    prefix = index._wanted(archive)
    return prefix.with_name(prefix.name + ".test")


def wanted_files(archive: Archive) -> list:
    prefix = index._wanted(archive)
    return sorted(prefix.parent.glob(prefix.name + ".*"))


def segments(archive: Archive) -> int:
    return len(index.open_index(archive)._segments())


def found(archive: Archive, word: str) -> list[tuple[str, float]]:
    return [(h["turn"]["id"], h["score"]) for h in search(archive, word, limit=500, translate=False).hits]


def conferences(hits: list[tuple[str, float]]) -> int:
    return len({turn_id.rsplit(":", 1)[0] for turn_id, _ in hits})


@pytest.fixture
def archive(archive_home, monkeypatch) -> Archive:
    monkeypatch.setattr(index, "BUILD_LEXICON", False)
    return Archive(archive_home)


def add_each(archive: Archive, files) -> None:
    for f in files:
        assert archive.add_bytes(f.read_bytes(), f.name, None).status == "added"


def test_an_update_merges_no_segment(archive, tmp_path, monkeypatch):
    archive.settings = archive.settings.with_(merge="off")
    add_each(archive, transcripts(tmp_path, "one", 5))
    assert segments(archive) == 5


def test_compact_merges_the_small_segments_and_changes_no_result(archive, tmp_path, monkeypatch):
    archive.settings = archive.settings.with_(merge="off")
    archive.add_sources([str(f) for f in transcripts(tmp_path / "bulk", "bulk", 40)])  # one big segment
    add_each(archive, transcripts(tmp_path / "one", "one", 4))
    assert segments(archive) == 5
    before, state = found(archive, "trade"), index.read_state(archive.index_dir)
    assert conferences(before) == 44
    result = CliRunner().invoke(cli, ["compact"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "merged the small segments: 5 segments, now 2"
    assert segments(archive) == 2
    assert found(archive, "trade") == before
    assert index.read_state(archive.index_dir) == state
    again = CliRunner().invoke(cli, ["compact"])
    assert again.output.strip() == "nothing to do (2 segments)"
    assert archive.check().ok


def test_merges_start_once_enough_segments_are_small(archive, tmp_path, monkeypatch):
    monkeypatch.setattr(index, "MERGE_AT", 3)
    monkeypatch.setattr(index, "SMALL_SHARE", 0.2)
    archive.add_sources([str(f) for f in transcripts(tmp_path / "bulk", "bulk", 20)])
    counts = []
    for f in transcripts(tmp_path / "one", "one", 6):
        add_each(archive, [f])
        counts.append(segments(archive))
    assert counts == [2, 3, 2, 3, 2, 3]  # the third small segment triggers the merge (inline here)
    assert conferences(found(archive, "trade")) == 26


def test_an_update_starts_the_merge_in_the_background(archive, tmp_path, monkeypatch):
    archive.settings = archive.settings.with_(merge="off")
    archive.add_sources([str(f) for f in transcripts(tmp_path / "bulk", "bulk", 40)])
    add_each(archive, transcripts(tmp_path / "one", "one", index.MERGE_AT - 1))
    expected = found(archive, "trade")
    archive.settings = archive.settings.with_(merge="background")
    last = transcripts(tmp_path / "last", "last", 1)[0]
    add_each(archive, [last])  # MERGE_AT small segments now: a detached `pressarchive compact` merges them
    deadline = time.monotonic() + 60
    while (segments(archive) > 2 or index._pending(archive.index_dir)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert segments(archive) == 2
    assert index._pending(archive.index_dir) == []  # and the new conference's terms are in the lexicon
    done = index._lock(archive, 60)
    done.acquire()  # the merging process is done with the index
    done.release()
    assert conferences(found(archive, "trade")) == conferences(expected) + 1
    assert archive.check().ok


def test_compact_gives_way_to_a_writer(archive, tmp_path, monkeypatch):
    archive.settings = archive.settings.with_(merge="off")
    add_each(archive, transcripts(tmp_path, "one", 3))
    lock = index._lock(archive, 1)
    lock.acquire()
    try:
        assert index.compact(archive, timeout=0.1) is None
    finally:
        lock.release()


def test_compact_without_an_index(archive):
    result = CliRunner().invoke(cli, ["compact"])
    assert result.exit_code == 0
    assert result.output.strip() == "nothing to do (0 segments)"
    assert not os.path.exists(archive.index_dir / index.STATE_FILE)


def lexicon_has(archive: Archive, direction: str, key: str) -> bool:
    from pressarchive import translate

    return bool(translate.targets(translate.load_lexicon(archive.index_dir / translate.LEXICON_FILE), direction, key))


def test_an_added_conferences_terms_reach_the_lexicon_through_compact(archive_home, tmp_path, monkeypatch):
    archive = Archive(archive_home)
    archive.settings = archive.settings.with_(merge="background")
    started = []
    monkeypatch.setattr(index, "start_merge", lambda a: started.append(a))  # no process: compact by hand
    add_each(archive, transcripts(tmp_path / "a", "first", 2))  # the first add builds the index whole
    new = transcripts(tmp_path / "b", "chips", 1, extra="Li Hong: Semiconductor output grew. 半导体产量增长。\n")[0]
    conference = archive.add_bytes(new.read_bytes(), new.name, None).conference_id
    pending = index._pending(archive.index_dir)
    assert len(pending) == 2 and pending[-1] == conference and len(started) == 2
    assert not lexicon_has(archive, "en", "semiconductor")  # not yet: the add left it to compact
    assert index.compact(archive) == (3, 3, 2)  # three segments, none small enough to merge
    assert lexicon_has(archive, "en", "semiconductor") and lexicon_has(archive, "zh", "半导体")
    assert index._pending(archive.index_dir) == []
    hits = search(archive, "半导体", limit=10).hits  # the English turn, through its translation
    assert any("Semiconductor" in " ".join(h["turn"]["paragraphs"]) for h in hits)


def test_inline_merges_the_lexicon_in_the_update(archive_home, tmp_path):
    archive = Archive(archive_home)  # PRESSARCHIVE_MERGE=inline (conftest)
    add_each(archive, transcripts(tmp_path, "chips", 1, extra="Li Hong: Semiconductor output grew. 半导体产量增长。\n"))
    assert lexicon_has(archive, "en", "semiconductor")
    assert not (archive.index_dir / index.PENDING_FILE).exists()


def test_a_rebuilt_lexicon_clears_the_pending_list(archive_home, tmp_path, monkeypatch):
    archive = Archive(archive_home)
    archive.settings = archive.settings.with_(merge="background")
    monkeypatch.setattr(index, "start_merge", lambda a: None)
    add_each(archive, transcripts(tmp_path, "chips", 2, extra="Li Hong: Semiconductor output grew. 半导体产量增长。\n"))
    assert index._pending(archive.index_dir)
    monkeypatch.setattr(index, "_lexicon_version", lambda: "another")
    index.refresh_lexicon(archive)
    assert index._pending(archive.index_dir) == [] and lexicon_has(archive, "en", "semiconductor")


def test_a_background_merge_gives_way_to_a_waiting_writer(archive, tmp_path, monkeypatch):
    archive.settings = archive.settings.with_(merge="off")
    archive.add_sources([str(f) for f in transcripts(tmp_path / "bulk", "bulk", 40)])
    add_each(archive, transcripts(tmp_path / "one", "one", 4))
    wanted = wanted_file(archive)
    wanted.touch()  # a writer waits for the lock
    assert index.compact(archive, merge_at=2, give_way=True) == (5, 5, 0)
    assert segments(archive) == 5 and not index._lock(archive, 0).is_locked
    assert index.compact(archive, merge_at=2) == (5, 2, 0)  # `pressarchive compact` does not give way
    add_each(archive, transcripts(tmp_path / "two", "two", 3))
    os.utime(wanted, (time.time() - index.BUILD_TIMEOUT - 1,) * 2)  # its writer is long gone
    assert index.compact(archive, merge_at=2, give_way=True) == (5, 3, 0)  # the 4 merged are no longer small
    wanted.unlink()


def test_a_pile_of_small_segments_is_merged_whoever_waits(archive, tmp_path, monkeypatch):
    archive.settings = archive.settings.with_(merge="off")
    monkeypatch.setattr(index, "MERGE_AT", 1)  # four small segments are a pile
    archive.add_sources([str(f) for f in transcripts(tmp_path / "bulk", "bulk", 40)])
    add_each(archive, transcripts(tmp_path / "one", "one", 4))
    wanted_file(archive).touch()
    assert index.compact(archive, merge_at=2, give_way=True) == (5, 2, 0)


def test_a_waiting_writer_says_so_and_tidies_up(archive, tmp_path, monkeypatch):
    import threading

    archive.settings = archive.settings.with_(merge="off")
    add_each(archive, transcripts(tmp_path, "one", 1))
    holder = index._lock(archive, 1)
    holder.acquire()
    seen = []

    def write():
        with index._writing(archive, timeout=10):
            seen.append("written")

    threads = [threading.Thread(target=write) for _ in range(2)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 10
    while len(wanted_files(archive)) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert index._merge_wanted(index._wanted(archive))
    holder.release()
    while len(seen) < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    for t in threads:
        t.join()
    assert seen == ["written"] * 2 and wanted_files(archive) == []


def test_pending_terms_stay_pending_when_the_lexicon_cannot_be_saved(archive_home, tmp_path, monkeypatch):
    from pressarchive import translate

    archive = Archive(archive_home)
    archive.settings = archive.settings.with_(merge="background")
    monkeypatch.setattr(index, "start_merge", lambda a: None)
    add_each(archive, transcripts(tmp_path, "chips", 2, extra="Li Hong: Semiconductor output grew. 半导体产量增长。\n"))
    real = translate.save_lexicon

    def full(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(translate, "save_lexicon", full)
    assert index.compact(archive)[2] == 0
    assert len(index._pending(archive.index_dir)) == 1  # kept for the next try
    monkeypatch.setattr(translate, "save_lexicon", real)
    assert index.compact(archive)[2] == 1 and lexicon_has(archive, "en", "semiconductor")


def test_an_update_merges_the_pending_terms_when_no_background_run_got_through(archive_home, tmp_path, monkeypatch):
    archive = Archive(archive_home)
    archive.settings = archive.settings.with_(merge="background")
    monkeypatch.setattr(index, "start_merge", lambda a: None)  # the detached process never runs
    monkeypatch.setattr(index, "PENDING_MAX", 2)
    add_each(archive, transcripts(tmp_path, "one", 3))
    assert len(index._pending(archive.index_dir)) == 2
    add_each(archive, transcripts(tmp_path / "b", "two", 1, extra="Li Hong: Semiconductor output grew. 半导体产量增长。\n"))
    assert index._pending(archive.index_dir) == [] and lexicon_has(archive, "en", "semiconductor")
