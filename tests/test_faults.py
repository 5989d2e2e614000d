"""Fault injection against a real archive built from the sample (issue 8, part 2).

Each fault is injected into a copy of one archive (the bundled sample plus three small
conferences, indexed): damaged index files, damaged or missing record.json and raw files, a disk
that fails half-way through a write, processes killed with SIGKILL during add and reindex. Each must
be detected (``check`` names it, exit 1), reported in one line, and mended from the corpus
(``check --fix``, ``reindex`` or the next command) without losing a conference; ``search`` keeps
answering or says in one line what to run.

``PRESSARCHIVE_FUZZ_EXAMPLES=N`` multiplies the random cases (kill times, record mutations);
``PRESSARCHIVE_FUZZ_REPORT=FILE`` appends the faults injected and survived to FILE (JSON lines).
"""
from __future__ import annotations

import builtins
import copy
import errno
import gc
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pressarchive import index
from pressarchive.records import content_hash
from pressarchive.archive import Archive

from conftest import ROOT
from test_fuzz_ingest import write_report, assert_cli_contract, run_cli

SCALE = max(1, int(os.environ.get("PRESSARCHIVE_FUZZ_EXAMPLES", "1") or 1))
FAULTS: Counter[str] = Counter()

BODY = """Transcript of the Ministry of Commerce press conference on {topic}

April {day}, 2023

Zhao Ming: Good afternoon, friends from the press. Today Director-General Li Hong will introduce {topic}.

Li Hong: Thank you. In the first quarter, work on {topic} made steady progress across the country.

Xinhua News Agency Reporter: What new measures on {topic} will be introduced this year?

Li Hong: Thank you for your question. We will keep improving policies on {topic} and support companies.

Zhao Ming: That concludes today's press conference. Thank you.
"""


def transcripts(folder: Path, prefix: str, n: int) -> list[Path]:
    """``n`` small transcripts the real parser reads, each a distinct conference."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        p = folder / f"{prefix}-{i}.txt"
        p.write_text(BODY.format(topic=f"{prefix} item {i}", day=i % 28 + 1), encoding="utf-8")
        paths.append(p)
    return paths


@pytest.fixture(autouse=True)
def _no_lexicon(monkeypatch):
    """The cross-language lexicon costs seconds per build and is not what these tests are about."""
    monkeypatch.setattr(index, "BUILD_LEXICON", False)


@pytest.fixture(scope="module", autouse=True)
def _report_faults():
    yield
    write_report(__name__, faults=FAULTS)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """The archive every test starts from: the sample and three more conferences, indexed."""
    saved, index.BUILD_LEXICON = index.BUILD_LEXICON, False
    try:
        home = tmp_path_factory.mktemp("template")
        shutil.copytree(ROOT / "corpus", home / "corpus")
        archive = Archive(home)
        for path in transcripts(tmp_path_factory.mktemp("extra"), "base", 3):
            archive.add_bytes(path.read_bytes(), path.name)
        index.rebuild(archive)
    finally:
        index.BUILD_LEXICON = saved
    return home


@pytest.fixture
def home(template, archive_home) -> Path:
    shutil.rmtree(archive_home)
    shutil.copytree(template, archive_home)
    return archive_home


def pa(home: Path, *args: str, codes=(0,)) -> tuple[int, str, str]:
    """``pressarchive --home HOME ARGS`` in-process, held to the CLI contract."""
    code, out, err = run_cli(["--home", str(home), *args])
    if args[0] in ("check", "add") and code == 1 and "Error:" not in err:
        assert "Traceback" not in out + err  # a report (problems, failed sources) rather than an error
    else:
        assert_cli_contract(code, out, err, codes=codes)
    assert code in codes, (args, code, out, err)
    return code, out, err


def snapshot(home: Path) -> dict[str, str]:
    """Conference id -> hash of its raw file: what must survive every fault."""
    archive = Archive(home)
    return {cid: content_hash(p.read_bytes()) for cid in archive.ids() if (p := archive.raw_path(cid))}


def problems(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("problem")]


def assert_clean(home: Path) -> None:
    code, out, _ = pa(home, "check")
    assert not problems(out) and out.rstrip().endswith(": ok"), out


def assert_search_answers(home: Path) -> None:
    code, out, err = pa(home, "search", "industry", codes=(0, 1))  # 1: nothing matched (the conference removed)
    assert "turn" in out, out


# --- the index ----------------------------------------------------------------------------------
def _segments(home: Path) -> list[Path]:
    return sorted((home / "index").glob("*.seg"))


def _toc(home: Path) -> Path:
    return sorted((home / "index").glob("_MAIN_*.toc"))[-1]


def _scribble(path: Path) -> None:
    data = bytearray(path.read_bytes())
    rnd = random.Random(len(data))
    for _ in range(max(8, len(data) // 50)):
        data[rnd.randrange(len(data))] = rnd.randrange(256)
    path.write_bytes(bytes(data))


INDEX_DAMAGE = {
    "segment truncated to half": lambda h: [os.truncate(p, p.stat().st_size // 2) for p in _segments(h)],
    "segment truncated to nothing": lambda h: [os.truncate(p, 0) for p in _segments(h)],
    "segment deleted": lambda h: [p.unlink() for p in _segments(h)],
    "segment's last 4 KB overwritten": lambda h: [_tail(p) for p in _segments(h)],
    "TOC overwritten with garbage": lambda h: _toc(h).write_bytes(os.urandom(300)),
    "TOC truncated": lambda h: os.truncate(_toc(h), 10),
    "TOC deleted": lambda h: _toc(h).unlink(),
    "state file garbage": lambda h: (h / "index" / index.STATE_FILE).write_text("{not json"),
    "state file deleted": lambda h: (h / "index" / index.STATE_FILE).unlink(),
    "index folder replaced by a file": lambda h: (shutil.rmtree(h / "index"), (h / "index").write_text("x")),
}


def _tail(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-4096:] = os.urandom(min(4096, len(data)))
    path.write_bytes(bytes(data))


MENDS = ["search", "check --fix", "reindex"]


NOT_SEEN_BY_CHECK = {"index folder replaced by a file"}  # check: "index not built yet: ok"; search mends it


@pytest.mark.parametrize("damage", sorted(INDEX_DAMAGE))
def test_damaged_index_is_detected_and_mended(home, damage):
    before = snapshot(home)
    INDEX_DAMAGE[damage](home)
    FAULTS[f"index: {damage}"] += 1
    code, out, _ = pa(home, "check", codes=(0,) if damage in NOT_SEEN_BY_CHECK else (1,))
    found = problems(out)
    if damage not in NOT_SEEN_BY_CHECK:
        assert found and all(line.startswith("problem  index:") for line in found), out
        assert all("→ run `pressarchive reindex`" in line for line in found), out
    mend = MENDS[sorted(INDEX_DAMAGE).index(damage) % len(MENDS)]
    if mend == "search":
        assert_search_answers(home)  # the next command rebuilds it by itself
    else:
        pa(home, *mend.split())
    assert_clean(home)
    assert_search_answers(home)
    assert snapshot(home) == before
    FAULTS["survived"] += 1


@pytest.mark.parametrize("damage", ["segment's middle scribbled on", "TOC scribbled on"])
def test_scribbled_index_is_detected_or_harmless(home, damage):
    """Random bytes inside an index file: check finds it, or search still answers correctly."""
    before = snapshot(home)
    _scribble(_segments(home)[0] if damage.startswith("segment") else _toc(home))
    FAULTS[f"index: {damage}"] += 1
    code, out, _ = pa(home, "check", codes=(0, 1))
    if code == 1:
        assert all(line.startswith("problem  index:") for line in problems(out)), out
        pa(home, "reindex")
    assert_search_answers(home)
    assert_clean(home)
    assert snapshot(home) == before
    FAULTS["survived"] += 1


def test_damaged_lexicon_does_not_stop_search(home, monkeypatch):
    """The cross-language lexicon is a bonus: damaged, search still answers (without translations)."""
    monkeypatch.setattr(index, "BUILD_LEXICON", True)
    pa(home, "reindex")
    from pressarchive import translate

    (home / "index" / translate.LEXICON_FILE).write_text("{garbage", encoding="utf-8")
    FAULTS["index: lexicon garbage"] += 1
    assert_search_answers(home)
    code, out, _ = pa(home, "search", "集成电路", "--format", "json")
    assert json.loads(out)["total"] > 0
    pa(home, "reindex")
    assert json.loads(pa(home, "search", "integrated circuit", "--format", "json")[1])["expansions"]
    FAULTS["survived"] += 1


def test_check_names_a_damaged_lexicon(home):
    from pressarchive import translate

    (home / "index" / translate.LEXICON_FILE).write_text("{garbage", encoding="utf-8")
    code, out, _ = pa(home, "check", codes=(1,))
    assert [line for line in problems(out) if "lexicon" in line], out


# --- the corpus ---------------------------------------------------------------------------------
SAMPLE_ID = "2022-09-27-miit-dbc269"
RECORD_DAMAGE = {
    "garbage bytes": lambda p: p.write_bytes(os.urandom(200)),
    "truncated JSON": lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
    "empty file": lambda p: p.write_bytes(b""),
    "a JSON list": lambda p: p.write_text("[]"),
    "conference is a number": lambda p: p.write_text('{"conference": 5, "turns": []}'),
    "a newer schema": lambda p: p.write_text(json.dumps({**json.loads(p.read_text()), "schema_version": 99})),
    "names another id": lambda p: p.write_text(json.dumps(_renamed(json.loads(p.read_text())))),
    "deleted": lambda p: p.unlink(),
    "NUL bytes": lambda p: p.write_bytes(b"\x00" * 1000),
    "invalid UTF-8": lambda p: p.write_bytes(p.read_bytes().replace(b'"', b'\xff"', 3)),
}


def _renamed(data: dict) -> dict:
    data["conference"]["id"] = "2001-01-01-conf-000000"
    return data


def _record_damage_params():
    bugs = {
    }
    return [pytest.param(d, marks=pytest.mark.xfail(strict=True, reason=bugs[d])) if d in bugs else d
            for d in sorted(RECORD_DAMAGE)]


@pytest.mark.parametrize("damage", _record_damage_params())
def test_damaged_record_is_detected_and_reparsed(home, damage):
    before = snapshot(home)
    original = json.loads((home / "corpus" / SAMPLE_ID / "record.json").read_text(encoding="utf-8"))
    RECORD_DAMAGE[damage](home / "corpus" / SAMPLE_ID / "record.json")
    FAULTS[f"record.json: {damage}"] += 1
    code, out, _ = pa(home, "check", codes=(1,))
    named = [line for line in problems(out) if SAMPLE_ID in line]
    assert named and "check --fix" in named[0], out
    # meanwhile: search answers or says what to run; the other readers answer or fail in one line
    code, out, err = pa(home, "search", "industry", codes=(0, 1, 2))  # answers (1: nothing), or one error line
    assert code in (0, 1) or "pressarchive check" in err or "pressarchive reindex" in err, err
    for args in (["conferences"], ["show", f"{SAMPLE_ID}:001"], ["speakers"], ["export", "--conference", SAMPLE_ID]):
        pa(home, *args, codes=(0, 1, 2))
    pa(home, "check", "--fix")
    assert_clean(home)
    assert snapshot(home) == before
    mended = json.loads((home / "corpus" / SAMPLE_ID / "record.json").read_text(encoding="utf-8"))
    assert [t["paragraphs"] for t in mended["turns"]] == [t["paragraphs"] for t in original["turns"]]
    assert mended["conference"]["title"] == original["conference"]["title"]
    assert_search_answers(home)
    FAULTS["survived"] += 1


def test_deleted_raw_file_is_detected_and_the_original_mends_it(home):
    before = snapshot(home)
    raw = Archive(home).raw_path(SAMPLE_ID)
    original = raw.read_bytes()
    raw.unlink()
    FAULTS["raw file deleted"] += 1
    code, out, _ = pa(home, "check", codes=(1,))
    assert [line for line in problems(out) if SAMPLE_ID in line and "raw file is missing" in line], out
    assert_search_answers(home)  # the record is still there: search is unaffected
    code, out, _ = pa(home, "check", "--fix", codes=(1,))  # the corpus cannot re-create the raw file...
    assert "pressarchive add" in out  # ...so it says what will
    source = home.parent / "again" / "miit.txt"
    source.parent.mkdir()
    source.write_bytes(original)
    pa(home, "add", str(source))
    assert_clean(home)
    assert snapshot(home) == before
    FAULTS["survived"] += 1


def test_changed_raw_file_is_detected(home):
    raw = Archive(home).raw_path(SAMPLE_ID)
    raw.write_bytes(raw.read_bytes()[:-100])
    FAULTS["raw file changed"] += 1
    code, out, _ = pa(home, "check", codes=(1,))
    assert [line for line in problems(out) if SAMPLE_ID in line and "changed after it was stored" in line], out
    assert_search_answers(home)
    FAULTS["detected, needs the original"] += 1


def test_leftovers_in_the_corpus_are_detected_and_cleaned(home):
    before = snapshot(home)
    corpus = home / "corpus"
    shutil.copytree(corpus / SAMPLE_ID, corpus / f".new-{SAMPLE_ID}-abc123")
    (corpus / ".trash-x-1").mkdir()
    FAULTS["half-written folders left in corpus/"] += 1
    code, out, _ = pa(home, "conferences", "--format", "json")  # readers ignore them
    assert sorted(c["id"] for c in json.loads(out)["conferences"]) == sorted(before)
    code, out, _ = pa(home, "check")  # and check cleans them (they hold nothing stored)
    assert snapshot(home) == before
    assert not [p for p in corpus.iterdir() if p.name.startswith(".")]
    assert_clean(home)
    FAULTS["survived"] += 1


# --- mutated records (well-formed JSON, wrong shape) ----------------------------------------------
def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value[:3]):
            yield from _paths(v, prefix + (i,))


MUTANTS = [None, 0, -1, 10**20, 1.5, "", "x", [], {}, [None], {"a": 1}, True, "../../etc/passwd", "\x1b[2J"]


@st.composite
def mutations(draw, data):
    paths = [p for p in _paths(data) if p]
    chosen = draw(st.lists(st.sampled_from(paths), min_size=1, max_size=3, unique=True))
    return [(p, draw(st.one_of(st.sampled_from(MUTANTS), st.just("<delete>")))) for p in chosen]


def _apply(data, path, value):
    node = data
    for key in path[:-1]:
        node = node[key]
    if value == "<delete>":
        del node[path[-1]]
    else:
        node[path[-1]] = copy.deepcopy(value)


@settings(max_examples=15 * SCALE, deadline=None, derandomize=SCALE == 1,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_record_is_one_line_everywhere(template, tmp_path_factory, data):
    """A record.json that is valid JSON of the wrong shape: every command answers or fails in one
    line (an unexpected exception fails the test), and no other conference is harmed."""
    home = tmp_path_factory.mktemp("mutant")
    shutil.rmtree(home)
    shutil.copytree(template, home)
    archive = Archive(home)
    cid = sorted(c for c in archive.ids() if c != SAMPLE_ID)[0]
    path = home / "corpus" / cid / "record.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    for p, value in data.draw(mutations(record)):
        try:
            _apply(record, p, value)
        except (KeyError, IndexError, TypeError):
            continue
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    FAULTS["record.json mutated (valid JSON, wrong shape)"] += 1
    for args in (["check"], ["conferences"], ["show", f"{cid}:001"], ["export", "--conference", cid, "--format", "md"],
                 ["speakers"], ["search", "item"], ["check", "--fix"]):
        pa(home, *args, codes=(0, 1, 2))  # an unexpected exception propagates (PYTEST_CURRENT_TEST): a failure
    others = {c: h for c, h in snapshot(home).items() if c != cid}
    assert others == {c: h for c, h in snapshot(template).items() if c != cid}, "another conference was harmed"
    shutil.rmtree(home, ignore_errors=True)


@pytest.mark.parametrize("command", [["search", "item"], ["show", "{cid}:001"], ["export", "--conference", "{cid}"]])
def test_wrong_typed_record_is_an_archive_error(home, command):
    archive = Archive(home)
    cid = sorted(c for c in archive.ids() if c != SAMPLE_ID)[0]
    path = home / "corpus" / cid / "record.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    record["turns"][0]["paragraphs"] = None
    path.write_text(json.dumps(record), encoding="utf-8")
    pa(home, *[a.format(cid=cid) for a in command], codes=(0, 2))
    code, out, _ = pa(home, "check", codes=(1,))
    assert [line for line in problems(out) if cid in line], out


# --- a disk that fails half-way -------------------------------------------------------------------
class DiskFull:
    """Fail the n-th write operation under ``root`` with ENOSPC (0: count them, fail none).

    Write operations: opening a file for writing (the write then stores half its bytes and fails),
    os.fdopen for writing, os.replace, os.rename, os.mkdir.
    """

    def __init__(self, root: Path, fail_at: int = 0, kinds: tuple[str, ...] = ("open", "fdopen", "replace", "rename", "mkdir")):
        self.root, self.fail_at, self.kinds = str(root), fail_at, kinds
        self.count = 0
        self.failed: str | None = None

    def _due(self, kind: str, path) -> bool:
        if kind not in self.kinds or not str(path).startswith(self.root):
            return False
        self.count += 1
        if self.count == self.fail_at:
            self.failed = f"{kind} {os.path.basename(str(path))}"
            return True
        return False

    @staticmethod
    def error(path) -> OSError:
        return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    def install(self, monkeypatch) -> "DiskFull":
        real_open, real_fdopen = builtins.open, os.fdopen
        real_replace, real_rename, real_mkdir = os.replace, os.rename, os.mkdir
        injector = self

        class HalfWriter:
            def __init__(self, f, path):
                self._f, self._path = f, path

            def write(self, data):
                self._f.write(data[: len(data) // 2])
                raise DiskFull.error(self._path)

            def __getattr__(self, name):
                return getattr(self._f, name)

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self._f.close()

            def __iter__(self):
                return iter(self._f)

        def writing(mode) -> bool:
            return isinstance(mode, str) and any(c in mode for c in "wax+")

        def fake_open(file, mode="r", *a, **k):
            f = real_open(file, mode, *a, **k)
            if writing(mode) and not isinstance(file, int) and injector._due("open", file):
                return HalfWriter(f, file)
            return f

        def fake_fdopen(fd, mode="r", *a, **k):
            f = real_fdopen(fd, mode, *a, **k)
            try:
                path = os.readlink(f"/proc/self/fd/{fd}")
            except OSError:
                path = ""
            if writing(mode) and injector._due("fdopen", path):
                return HalfWriter(f, path)
            return f

        def fake_replace(src, dst, *a, **k):
            if injector._due("replace", dst):
                raise DiskFull.error(dst)
            return real_replace(src, dst, *a, **k)

        def fake_rename(src, dst, *a, **k):
            if injector._due("rename", dst):
                raise DiskFull.error(dst)
            return real_rename(src, dst, *a, **k)

        def fake_mkdir(path, *a, **k):
            if injector._due("mkdir", path):
                raise DiskFull.error(path)
            return real_mkdir(path, *a, **k)

        monkeypatch.setattr(builtins, "open", fake_open)
        monkeypatch.setattr(os, "fdopen", fake_fdopen)
        monkeypatch.setattr(os, "replace", fake_replace)
        monkeypatch.setattr(os, "rename", fake_rename)
        monkeypatch.setattr(os, "mkdir", fake_mkdir)
        return self


def _writes_during(home: Path, monkeypatch, args: list[str]) -> int:
    """How many write operations ``pressarchive ARGS`` makes on a fresh copy of the archive."""
    with monkeypatch.context() as m:
        counter = DiskFull(home).install(m)
        pa(home, *args)
    return counter.count


def _fail_points(total: int) -> list[int]:
    """Every write in the CI run when there are few; spread evenly otherwise (all of them in a big run)."""
    budget = 8 * SCALE
    if total <= budget:
        return list(range(1, total + 1))
    return sorted({1 + round(i * (total - 1) / (budget - 1)) for i in range(budget)})


def _survive(home: Path, before: dict[str, str], code: int, out: str, err: str) -> None:
    """After a failed write: the stored conferences are intact, and the next commands mend the rest."""
    after = snapshot(home)
    assert {k: after.get(k) for k in before} == before, "a stored conference was lost or changed"
    pa(home, "check", codes=(0, 1))  # finishes or undoes the interrupted write
    code, out, _ = pa(home, "check", codes=(0, 1))
    if code == 1:
        pa(home, "check", "--fix")
    assert_clean(home)
    assert_search_answers(home)


@pytest.mark.parametrize("command", ["add", "reindex", "remove"])
def test_disk_full_half_way(template, archive_home, tmp_path, monkeypatch, command):
    new = transcripts(tmp_path / "new", "new", 3)
    args = {"add": ["add", *map(str, new)], "reindex": ["reindex"], "remove": ["remove", SAMPLE_ID]}[command]
    shutil.rmtree(archive_home)
    shutil.copytree(template, archive_home)
    total = _writes_during(archive_home, monkeypatch, args)
    assert total > 3
    for n in _fail_points(total):
        shutil.rmtree(archive_home)
        shutil.copytree(template, archive_home)
        before = snapshot(archive_home)
        with monkeypatch.context() as m:
            DiskFull(archive_home, fail_at=n).install(m)
            code, out, err = run_cli(["--home", str(archive_home), *args])  # a raw OSError fails the test
        gc.collect()  # a Whoosh writer whose commit failed holds its lock until it is collected (or the process ends)
        FAULTS[f"disk full during {command}"] += 1
        assert_cli_contract(code, out, err, codes=(0, 2))
        if command == "remove":
            before.pop(SAMPLE_ID)  # removed or not, as long as the archive is consistent
        if code == 2:
            assert not err.startswith("Error: unexpected"), err
            assert "No space left on device" in err or "could not" in err or "cannot" in err, err
        _survive(archive_home, before, code, out, err)
        if command == "add":
            pa(archive_home, "add", *map(str, new))  # adding again completes the batch
            assert len(snapshot(archive_home)) == len(before) + 3
            assert_clean(archive_home)
        FAULTS["survived"] += 1


def test_disk_full_on_the_journal_is_one_line(home, tmp_path, monkeypatch):
    new = transcripts(tmp_path / "new", "new", 1)
    with monkeypatch.context() as m:
        DiskFull(home, fail_at=1, kinds=("fdopen",)).install(m)
        pa(home, "add", str(new[0]), codes=(2,))


# --- processes killed with SIGKILL ----------------------------------------------------------------
DRIVER = r"""
import os, sys, time
from pressarchive import corpus, index

index.BUILD_LEXICON = False
slow = float(os.environ.get("SLOW", "0"))
real_add = index.add_records
def _add(writer, records, *a, **k):
    def paced():
        for r in records:
            time.sleep(slow)
            yield r
    return real_add(writer, paced(), *a, **k)
index.add_records = _add
real_write = corpus.Corpus.write_conference
def _write(self, *a, **k):
    time.sleep(slow)
    return real_write(self, *a, **k)
corpus.Corpus.write_conference = _write

from pressarchive.cli import main
main(sys.argv[1:])
"""


def _child(home: Path, *args: str, slow: float) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PRESSARCHIVE_"))}
    env.update(PRESSARCHIVE_HOME=str(home), PRESSARCHIVE_NO_SEED="1", PRESSARCHIVE_MERGE="inline", SLOW=str(slow))
    return subprocess.Popen([sys.executable, "-c", DRIVER, *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _kill_when_writing(proc: subprocess.Popen, home: Path, delay: float) -> bool:
    """SIGKILL ``proc`` ``delay`` seconds after its journal appears; False if it finished first."""
    journal = home / ".journal.json"
    deadline = time.monotonic() + 60
    while proc.poll() is None and not journal.exists() and time.monotonic() < deadline:
        time.sleep(0.002)
    time.sleep(delay)
    if proc.poll() is not None:
        return False
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    return proc.returncode == -signal.SIGKILL


KILL_DELAYS = [0.0, 0.05, 0.15, 0.3, 0.45]


@pytest.mark.parametrize("command", ["add", "reindex"])
def test_sigkill_during_a_write(home, tmp_path, command):
    """Killed at several moments of an add (8 files) or a reindex: nothing stored is lost, the next
    command repairs, and search answers even before the repair."""
    rnd = random.Random(command)
    delays = KILL_DELAYS[:3] + [rnd.uniform(0, 0.5) for _ in range(2 * SCALE - 2)] if SCALE > 1 else KILL_DELAYS[:3]
    for round_, delay in enumerate(delays):
        new = transcripts(tmp_path / f"new{round_}", f"killed{round_}", 8)
        before = snapshot(home)
        args = ["add", *map(str, new)] if command == "add" else ["reindex"]
        killed = _kill_when_writing(_child(home, *args, slow=0.06), home, delay)
        FAULTS[f"SIGKILL during {command}"] += 1
        if not killed:
            FAULTS[f"SIGKILL during {command}: finished before the kill"] += 1
        after = snapshot(home)
        assert {k: after.get(k) for k in before} == before, f"killed at +{delay:.2f}s: a conference was lost"
        code, out, err = pa(home, "search", "industry", codes=(0, 1, 2))  # before any repair
        assert code in (0, 1) or "pressarchive" in err, err
        pa(home, "check", codes=(0, 1))  # repairs what the journal names
        assert Archive(home).pending() is None
        code, out, _ = pa(home, "check", codes=(0, 1))
        if code:
            pa(home, "check", "--fix")
        assert_clean(home)
        if command == "add":
            pa(home, "add", *map(str, new))
            assert set(before) <= set(snapshot(home)) and len(snapshot(home)) >= len(before)
            assert_clean(home)
        assert_search_answers(home)
        FAULTS["survived"] += 1
