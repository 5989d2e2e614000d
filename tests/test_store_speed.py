"""The store's cost per conference: the content lookup (same bytes under another id) keeps a map of
raw files by size instead of stat-ing every stored raw file on each add, and stays right when another
Archive or process changes the corpus; the fsyncs a conference folder costs.

No timings here: the tests count file-system calls.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pressarchive import index
from pressarchive.archive import Archive
from test_store import IndexSpy, add, fake_ingest, fake_read_input, transcript  # noqa: F401


@pytest.fixture
def archive(archive_home, monkeypatch) -> Archive:
    import pressarchive.ingest as ingest

    monkeypatch.setattr(ingest, "ingest_bytes", fake_ingest, raising=False)
    monkeypatch.setattr(ingest, "read_input", fake_read_input, raising=False)
    IndexSpy(monkeypatch)  # the real index, without the cross-language lexicon
    return Archive(archive_home)


def conf(n: int, body: str = "Host: Welcome.\nReporter: A question?") -> bytes:
    return transcript(title=f"Briefing {n}", date=f"2023-03-{n % 28 + 1:02d}", body=body)


# --- the twin is found, whoever wrote it ------------------------------------------------------------
def test_same_bytes_under_another_id_replace_it(archive):
    first = add(archive, conf(1))
    add(archive, conf(2))
    out = add(archive, conf(1), title="Briefing 1 (corrected)")
    assert (out.status, out.conference_id) == ("updated", first.conference_id)  # found by its bytes: the id is kept
    assert first.conference_id in archive.ids() and archive.get(first.conference_id).conference.title == "Briefing 1 (corrected)"
    assert archive.raw_path(out.conference_id).read_bytes() == conf(1)


def test_twin_added_by_another_archive_after_the_map_was_built(archive):
    add(archive, conf(1))  # builds this instance's map
    assert archive.corpus._raw_files is not None
    other = add(Archive(archive.home), conf(2))
    out = add(archive, conf(2), title="Briefing 2 (corrected)")
    assert (out.status, out.conference_id) == ("updated", other.conference_id)  # found by its bytes: the id is kept


def test_twin_removed_by_another_archive_is_not_found(archive):
    first = add(archive, conf(1))
    add(archive, conf(2))
    Archive(archive.home).remove(first.conference_id)
    out = add(archive, conf(1), title="Briefing 1 (corrected)")
    assert (out.status, out.replaced) == ("added", None)


def test_twin_removed_by_this_archive_is_not_found(archive):
    first = add(archive, conf(1))
    archive.remove(first.conference_id)
    out = add(archive, conf(1), title="Briefing 1 (corrected)")
    assert (out.status, out.replaced) == ("added", None)


def test_replaced_raw_file_is_looked_up_by_its_new_bytes(archive):
    first = add(archive, conf(1))
    changed = conf(1, body="Host: Welcome.\nReporter: A question?\nMinister: An answer.")
    assert add(archive, changed).status == "updated"  # same id, new bytes: the map follows
    assert add(archive, conf(1), name="old.txt", title="Old text").status == "added"  # old bytes: not the twin
    out = add(archive, changed, title="New text")
    assert out.conference_id == first.conference_id


def test_twin_added_by_another_process(archive, tmp_path):
    add(archive, conf(1))
    source = tmp_path / "two.txt"
    source.write_bytes(conf(2))
    driver = (
        "import sys\n"
        "from pathlib import Path\n"
        "from pressarchive import index\n"
        "from pressarchive.archive import Archive\n"
        "index.BUILD_LEXICON = False\n"
        "sys.path.insert(0, sys.argv[3])\n"
        "import pressarchive.ingest as ingest\n"
        "from test_store import fake_ingest\n"
        "ingest.ingest_bytes = fake_ingest\n"
        "print(Archive(Path(sys.argv[1])).add_bytes(Path(sys.argv[2]).read_bytes(), 'two.txt').conference_id)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    done = subprocess.run([sys.executable, "-c", driver, str(archive.home), str(source), str(Path(__file__).parent)],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    out = add(archive, conf(2), title="Briefing 2 (corrected)")
    assert (out.status, out.conference_id) == ("updated", done.stdout.strip())  # found by its bytes: the id is kept


def test_whole_second_timestamps_are_not_trusted_while_recent(archive):
    """On a file system with whole-second mtimes, another write in the same second keeps the corpus
    folder's mtime: the map is rescanned until it was seen two seconds after that mtime."""
    add(archive, conf(1))
    second = time.time_ns() // 1_000_000_000 * 1_000_000_000
    os.utime(archive.corpus_dir, ns=(second, second))
    assert archive.corpus.find_by_content(b"nothing like it", exclude="x") is None  # map rebuilt at this stamp
    other = add(Archive(archive.home), conf(2))
    os.utime(archive.corpus_dir, ns=(second, second))  # the other write landed in the same second
    out = add(archive, conf(2), title="Briefing 2 (corrected)")
    assert (out.status, out.conference_id) == ("updated", other.conference_id)  # found by its bytes: the id is kept


def test_old_whole_second_timestamp_is_trusted(archive):
    add(archive, conf(1))
    second = (time.time_ns() // 1_000_000_000 - 10) * 1_000_000_000
    os.utime(archive.corpus_dir, ns=(second, second))
    archive.corpus.find_by_content(b"x", exclude="x")
    built = archive.corpus._raw_files
    archive.corpus.find_by_content(b"y", exclude="x")
    assert archive.corpus._raw_files is built  # not rescanned


# --- the lookup costs the same however many conferences are stored ----------------------------------
class FsCalls:
    """Count stat and directory listing calls on paths under ``root`` (pathlib's and os's)."""

    def __init__(self, root: Path, monkeypatch):
        self.root = str(root)
        self.stats = self.listings = self.raw_stats = 0
        inside = [False]
        real_stat, real_scandir, real_listdir, real_path_stat = os.stat, os.scandir, os.listdir, Path.stat

        def mine(path) -> bool:
            return not isinstance(path, int) and os.fspath(path).startswith(self.root)

        def count_stat(path):
            if mine(path) and not inside[0]:
                self.stats += 1
                self.raw_stats += os.path.basename(os.fspath(path)).startswith("raw.")

        def stat(path, *a, **k):
            count_stat(path)
            return real_stat(path, *a, **k)

        def path_stat(path, *a, **k):
            count_stat(path)
            inside[0] = True
            try:
                return real_path_stat(path, *a, **k)
            finally:
                inside[0] = False

        def scandir(path=".", *a, **k):
            self.listings += mine(path)
            return real_scandir(path, *a, **k)

        def listdir(path=".", *a, **k):
            self.listings += mine(path)
            return real_listdir(path, *a, **k)

        monkeypatch.setattr(os, "stat", stat)
        monkeypatch.setattr(os, "scandir", scandir)
        monkeypatch.setattr(os, "listdir", listdir)
        monkeypatch.setattr(Path, "stat", path_stat)

    def total(self) -> int:
        return self.stats + self.listings


def test_calls_per_add_do_not_grow_with_the_archive(archive, monkeypatch):
    monkeypatch.setattr(index, "update", lambda *a, **k: None)  # the store's own calls only
    for n in range(10):  # stored before counting: the first lookup scans them once
        add(archive, conf(n))
    calls = FsCalls(archive.corpus_dir, monkeypatch)
    per_add = []
    for n in range(10, 30):
        before = calls.total()
        assert add(archive, conf(n)).status == "added"
        per_add.append(calls.total() - before)
    assert calls.raw_stats <= 1  # no raw file is stat-ed (the first add may scan the corpus once)
    assert max(per_add) <= min(per_add) + 1, per_add  # the same for the 11th and the 30th


def test_calls_per_add_in_one_batch_do_not_grow(archive, monkeypatch):
    monkeypatch.setattr(index, "update", lambda *a, **k: None)
    items = [(fake_ingest(conf(n), f"{n}.txt"), conf(n), f"{n}.txt") for n in range(40)]
    calls = FsCalls(archive.corpus_dir, monkeypatch)
    archive.store(items[:20])
    small = calls.total()
    archive.store(items[20:])
    assert calls.total() - small <= small + 2  # not quadratic: the second 20 cost what the first did
    assert calls.raw_stats <= 1


# --- fsyncs per conference -----------------------------------------------------------------------------
@pytest.fixture
def fsyncs(monkeypatch) -> list[str]:
    """The fsync calls made, each named by what it flushed (a file name or a folder name + '/')."""
    seen: list[str] = []
    real = os.fsync

    def fsync(fd):
        path = os.readlink(f"/proc/self/fd/{fd}") if os.path.exists(f"/proc/self/fd/{fd}") else "?"
        seen.append(os.path.basename(path) + ("/" if os.path.isdir(path) else ""))
        return real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    return seen


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="names fds through /proc")
def test_a_new_conference_folder_costs_both_files_its_folder_and_corpus(archive, fsyncs):
    record = fake_ingest(conf(1), "one.txt")
    archive.corpus_dir.mkdir(parents=True, exist_ok=True)  # conftest made the home an empty archive
    archive.corpus.write_conference(record, conf(1), "one.txt")
    assert sorted(fsyncs) == sorted(["raw.txt", "record.json", fsyncs[2], "corpus/"])
    assert fsyncs[2].startswith(".new-") and fsyncs[2].endswith("/")  # the staging folder, before the rename
    assert fsyncs[-1] == "corpus/"  # the rename, after it


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="names fds through /proc")
def test_new_folders_can_share_one_corpus_fsync(archive, fsyncs):
    archive.corpus_dir.mkdir(parents=True, exist_ok=True)
    for n in range(5):
        archive.corpus.write_conference(fake_ingest(conf(n), f"{n}.txt"), conf(n), f"{n}.txt", sync_corpus=False)
    assert "corpus/" not in fsyncs and len(fsyncs) == 5 * 3
    archive.corpus.sync()
    archive.corpus.sync()  # nothing left to flush
    assert fsyncs.count("corpus/") == 1
    # a replacement flushes the corpus before the old folder is deleted, even when asked not to
    fsyncs.clear()
    changed = conf(1, body="Host: Welcome.\nReporter: A question?\nMinister: An answer.")
    archive.corpus.write_conference(fake_ingest(changed, "1.txt"), changed, "1.txt", sync_corpus=False)
    assert fsyncs.count("corpus/") == 1 and len(fsyncs) == 4
    assert archive.raw_path(fake_ingest(changed, "1.txt").conference.id).read_bytes() == changed
