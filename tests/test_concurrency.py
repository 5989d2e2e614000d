"""Separate processes: two adds at once, a writer that waits for the lock, and writers killed with
SIGKILL at each step of an add, a replacement, a removal and a reindex; the next command repairs."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from filelock import FileLock

from pressarchive.records import content_hash
from pressarchive.archive import Archive

# Runs the CLI in a child process; KILL_AT makes it SIGKILL itself at one step of a write.
DRIVER = r"""
import os, signal, sys
from pressarchive import corpus, index

index.BUILD_LEXICON = False  # the cross-language lexicon costs seconds and is not what is tested here
point = os.environ.get("KILL_AT")
after = int(os.environ.get("KILL_AFTER", "1"))
seen = [0]

def die():
    seen[0] += 1
    if seen[0] >= after:
        os.kill(os.getpid(), signal.SIGKILL)

if point == "write":  # after the n-th conference folder is in place, before the index hears of it
    real_write = corpus.Corpus.write_conference
    def _write(self, *a, **k):
        real_write(self, *a, **k)
        die()
    corpus.Corpus.write_conference = _write
elif point == "swap":  # a replacement: the old folder moved aside, the new one not yet in place
    real_rename = os.rename
    def _rename(src, dst):
        real_rename(src, dst)
        if os.path.basename(str(dst)).startswith(".old-"):
            die()
    os.rename = _rename
elif point == "index":  # inside the Whoosh writer of an update or a rebuild, before its commit
    real_add = index.add_records
    def _add(writer, records, *a, **k):
        real_add(writer, list(records), *a, **k)
        die()
    index.add_records = _add

from pressarchive.cli import main
main(sys.argv[1:])
"""

BODY = """Transcript of the Ministry of Commerce press conference on {topic}

April {day}, 2023

Zhao Ming: Good afternoon, friends from the press. Today Director-General Li Hong will introduce {topic}.

Li Hong: Thank you. In the first quarter, work on {topic} made steady progress across the country.

Xinhua News Agency Reporter: What new measures on {topic} will be introduced this year?

Li Hong: Thank you for your question. We will keep improving policies on {topic} and support companies.
{extra}
Zhao Ming: That concludes today's press conference. Thank you.
"""


@pytest.fixture(autouse=True)
def no_seed(monkeypatch):
    """Reads in this process (snapshots) must not seed the test home from the bundled sample."""
    monkeypatch.setenv("PRESSARCHIVE_NO_SEED", "1")


def transcripts(folder: Path, prefix: str, n: int, extra: str = "") -> list[Path]:
    """n small transcripts the real parser reads, each a distinct conference."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        p = folder / f"{prefix}-{i}.txt"
        p.write_text(BODY.format(topic=f"{prefix} trade item {i}", day=i % 28 + 1, extra=extra), encoding="utf-8")
        paths.append(p)
    return paths


def env(home: Path, **extra: str) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PRESSARCHIVE_"))}
    e.update(PRESSARCHIVE_HOME=str(home), PRESSARCHIVE_NO_SEED="1", PRESSARCHIVE_MERGE="inline", **extra)
    return e


def start(home: Path, *args: str, **extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", DRIVER, *args], env=env(home, **extra),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def cli(home: Path, *args: str, code: int | None = 0, **extra: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-c", DRIVER, *args], env=env(home, **extra),
                          capture_output=True, text=True, timeout=120)
    if code is not None:
        assert done.returncode == code, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    return done


def assert_clean(home: Path) -> None:
    done = cli(home, "check")
    assert "problem" not in done.stdout and done.stdout.rstrip().endswith(": ok"), done.stdout


def snapshot(home: Path) -> dict[str, str]:
    archive = Archive(home)
    return {cid: content_hash(archive.raw_path(cid).read_bytes()) for cid in archive.ids()}


def test_two_adds_at_once_both_succeed(archive_home, tmp_path):
    a = transcripts(tmp_path / "a", "alpha", 4)
    b = transcripts(tmp_path / "b", "beta", 4)
    procs = [start(archive_home, "add", str(tmp_path / "a")), start(archive_home, "add", str(tmp_path / "b"))]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, out + err
        assert out.splitlines()[-1] == "4 added, 0 updated, 0 unchanged, 0 failed"
    assert sorted(snapshot(archive_home).values()) == sorted(content_hash(p.read_bytes()) for p in a + b)
    assert_clean(archive_home)


def test_a_writer_waits_for_the_lock_with_a_message(archive_home, tmp_path):
    files = transcripts(tmp_path / "w", "wait", 1)
    lock = FileLock(str(archive_home / ".lock"))
    lock.acquire()
    try:
        proc = start(archive_home, "add", str(files[0]))
        first = proc.stderr.readline()  # blocks until the child reaches the lock (or dies)
        assert "waiting for another pressarchive process" in first
        assert proc.poll() is None and snapshot(archive_home) == {}  # nothing stored while it waits
    finally:
        lock.release()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, out + err
    assert out.splitlines()[-1] == "1 added, 0 updated, 0 unchanged, 0 failed"


def seeded(home: Path, tmp_path: Path) -> tuple[list[Path], dict[str, str]]:
    files = transcripts(tmp_path / "first", "first", 2)
    cli(home, "add", *map(str, files))
    return files, snapshot(home)


@pytest.mark.parametrize("point, after, next_command", [
    ("write", 2, "add"),    # killed with two of three new conferences written
    ("index", 1, "check"),  # killed inside the index update, after the corpus was written
])
def test_add_killed_then_repaired(archive_home, tmp_path, point, after, next_command):
    _, before = seeded(archive_home, tmp_path)
    new = transcripts(tmp_path / "new", "new", 3)
    killed = cli(archive_home, "add", *map(str, new), code=None, KILL_AT=point, KILL_AFTER=str(after))
    assert killed.returncode == -signal.SIGKILL
    assert Archive(archive_home).pending() is not None  # the journal says a write was interrupted
    after_kill = snapshot(archive_home)
    assert {k: after_kill[k] for k in before} == before  # what was stored is intact
    if next_command == "add":
        extra = transcripts(tmp_path / "extra", "extra", 1)
        cli(archive_home, "add", str(extra[0]))
    else:
        assert "repaired  finished an interrupted add" in cli(archive_home, "check").stdout
    assert Archive(archive_home).pending() is None
    assert_clean(archive_home)
    again = cli(archive_home, "add", *map(str, new))  # nothing half-added: re-adding completes the batch
    assert again.returncode == 0
    assert_clean(archive_home)


def test_replacement_killed_between_renames_keeps_the_old_version(archive_home, tmp_path):
    files, before = seeded(archive_home, tmp_path)
    original = files[0].read_bytes()
    files[0].write_text(original.decode() + "\nLi Hong: One correction to the figures.\n", encoding="utf-8")
    killed = cli(archive_home, "add", str(files[0]), code=None, KILL_AT="swap")
    assert killed.returncode == -signal.SIGKILL
    assert len(Archive(archive_home).ids()) == 1  # the conference is aside under .old-, not lost
    assert any(p.name.startswith(".old-") for p in (archive_home / "corpus").iterdir())
    done = cli(archive_home, "check")
    assert "restored" in done.stdout and done.stdout.rstrip().endswith(": ok")
    assert snapshot(archive_home) == before
    assert cli(archive_home, "add", str(files[0])).stdout.splitlines()[-1].startswith("0 added, 1 updated")
    assert_clean(archive_home)


def test_remove_and_reindex_killed_then_repaired(archive_home, tmp_path):
    _, before = seeded(archive_home, tmp_path)
    gone = sorted(before)[0]
    killed = cli(archive_home, "remove", gone, code=None, KILL_AT="index")
    assert killed.returncode == -signal.SIGKILL
    assert_clean(archive_home)  # check finishes the removal and re-indexes
    assert sorted(snapshot(archive_home)) == sorted(before)[1:]
    killed = cli(archive_home, "reindex", code=None, KILL_AT="index")
    assert killed.returncode == -signal.SIGKILL
    assert Archive(archive_home).pending()["op"] == "reindex"
    extra = transcripts(tmp_path / "extra", "extra", 1)
    cli(archive_home, "add", str(extra[0]))  # the next write rebuilds first
    assert Archive(archive_home).pending() is None
    assert_clean(archive_home)


def test_sigkill_from_outside_during_a_batch(archive_home, tmp_path):
    _, before = seeded(archive_home, tmp_path)
    transcripts(tmp_path / "many", "many", 40)
    proc = start(archive_home, "add", str(tmp_path / "many"))
    corpus = archive_home / "corpus"
    deadline = time.monotonic() + 60
    # a bulk add (40 files: two batches) stores before it indexes: kill it while it writes folders
    while proc.poll() is None and len(list(corpus.iterdir())) <= len(before) and time.monotonic() < deadline:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    after_kill = snapshot(archive_home)
    assert {k: after_kill[k] for k in before} == before
    done = cli(archive_home, "add", str(tmp_path / "many"))
    assert done.stdout.splitlines()[-1].endswith("0 failed")
    assert len(snapshot(archive_home)) == len(before) + 40
    assert_clean(archive_home)


def test_reads_answer_while_a_writer_holds_the_lock(archive_home, tmp_path):
    from pressarchive.cli import cli as group

    _, before = seeded(archive_home, tmp_path)
    archive = Archive(archive_home)
    archive.corpus.write_journal("add", added=sorted(before))  # as an add under way would have it
    lock = FileLock(str(archive_home / ".lock"))
    lock.acquire()
    try:
        done = cli(archive_home, "check")  # never waits for the write lock, never touches the journal
        assert "waiting" not in done.stderr and done.stdout.rstrip().endswith(": ok")
        if "search" in group.commands:
            found = cli(archive_home, "search", "trade")
            assert "waiting" not in found.stderr and found.stdout.strip()
        assert archive.pending() is not None
    finally:
        lock.release()
    assert "repaired  finished an interrupted add" in cli(archive_home, "check").stdout
