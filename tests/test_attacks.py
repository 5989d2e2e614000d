"""Regressions for the faults an attack run found (issue 18), each met as a user meets it: through
``python -m pressarchive`` in a child process with a time limit (a hang fails the test instead of
stopping the suite), downloads from a server on 127.0.0.1 that misbehaves on purpose.

Numbers in the test names are the issue's items: 1 a damaged record, 2 hangs, 3 unbounded reads,
4 truncated downloads, 5 search during remove, 6 reads after a full disk, 7 markup in transcript
text, 8 folder walks leaving the folder, 9 redirects, protocol errors, boosts, bidi file names.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from pressarchive.archive import Archive

from conftest import ROOT

TRANSCRIPT = (
    "Host: Welcome to the briefing, rate :x: here and [bold]y[/bold] there.\n\n"
    "Reporter from Xinhua: What about the :thumbs_up: industry [red]now[/red]?\n\n"
    "Spokesperson: The industry grew :x: fast, [link=http://evil.example]click[/link].\n"
)


def pa(home: Path, *args: str, stdin=None, timeout: float = 120, env: dict | None = None,
       input: bytes | None = None) -> subprocess.CompletedProcess:
    """``python -m pressarchive --home HOME ARGS`` in a child process; a hang is a failure after ``timeout``."""
    full = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200", **(env or {})}
    full.pop("PYTEST_CURRENT_TEST", None)
    return subprocess.run([sys.executable, "-m", "pressarchive", "--home", str(home), *args], cwd=ROOT,
                          stdin=stdin, input=input, capture_output=True, timeout=timeout, env=full)


def text(result: subprocess.CompletedProcess) -> tuple[str, str]:
    return result.stdout.decode("utf-8", "replace"), result.stderr.decode("utf-8", "replace")


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith(("Error:", "failed"))]
    assert len(lines) >= 1, err
    assert "Traceback" not in err and "unexpected" not in err, err
    return lines[0]


# --- a misbehaving web server -------------------------------------------------------------------
@contextmanager
def server(answer):
    """A TCP server on 127.0.0.1 whose every connection is handed to ``answer(conn)``; yields its base URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            threading.Thread(target=_answer, args=(answer, conn, stop), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def _answer(answer, conn, stop):
    try:
        conn.settimeout(5)
        conn.recv(65536)  # the request
        answer(conn, stop)
    except OSError:
        pass
    finally:
        conn.close()


def _page() -> bytes:
    return TRANSCRIPT.encode("utf-8")


# --- 2. hangs -----------------------------------------------------------------------------------
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_2_a_named_pipe_in_a_folder_is_skipped_and_named(tmp_path, archive_home):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(TRANSCRIPT, encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")  # nobody ever writes to it: opening it to read would wait forever
    start = time.monotonic()
    result = pa(archive_home, "add", str(folder), timeout=60)
    out, err = text(result)
    assert result.returncode == 0, err
    assert "1 added, 0 updated, 0 unchanged, 0 failed" in out
    assert f"skipped   {folder / 'pipe.txt'}: a named pipe" in err
    assert time.monotonic() - start < 60
    named = pa(archive_home, "add", str(folder / "pipe.txt"), timeout=60)
    assert named.returncode == 1
    assert "is a named pipe, not a regular file" in one_error_line(text(named)[1])


def _drip(conn, stop, head: bytes, body_every: float = 0.3, limit: int = 400):
    """Send ``head``, then one byte of body every ``body_every`` seconds (``limit`` bytes at most)."""
    conn.sendall(head)
    for _ in range(limit):
        if stop.wait(body_every):
            return
        conn.sendall(b"x")


@pytest.mark.parametrize("where", ["body", "headers"])
def test_2_a_server_sending_a_byte_now_and_then_is_cut_at_the_deadline(archive_home, where):
    """The whole request has a wall-clock deadline (fetch.FETCH_DEADLINE, 90 s; 3 s here), not
    just each read: a byte every 0.3 s would otherwise hold the download for two minutes."""
    if where == "body":
        answer = lambda c, s: _drip(c, s, b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 400\r\n\r\n")
    else:
        def answer(conn, stop):
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"y" * 400:
                if stop.wait(0.3):
                    return
                conn.sendall(bytes([byte]))
    with server(answer) as base:
        start = time.monotonic()
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.pop("PYTEST_CURRENT_TEST", None)
        driver = ("import sys\nimport pressarchive.fetch as fetch\nfetch.FETCH_DEADLINE = 3.0\n"
                  "from pressarchive.cli import main\nmain(sys.argv[1:])\n")
        result = subprocess.run([sys.executable, "-c", driver, "--home", str(archive_home), "add", f"{base}/slow.txt"],
                                capture_output=True, timeout=60, env=env)
        took = time.monotonic() - start
    out, err = text(result)
    assert result.returncode == 1, (out, err)
    assert f"{base}/slow.txt: the download took longer than 3s" in one_error_line(err)
    assert took < 3 + 15, took  # the deadline plus the start of two Python processes
    assert Archive(archive_home).ids() == []


def test_2_the_documented_deadline():
    from pressarchive import fetch

    assert fetch.FETCH_DEADLINE == 90.0 and fetch.fetch_deadline() == 90.0
    assert "90 s" in (ROOT / "docs" / "archive.md").read_text(encoding="utf-8")


# --- 3. unbounded reads -------------------------------------------------------------------------
# The child's own peak memory: VmHWM belongs to the process image (ru_maxrss survives the exec and
# would count the pytest process it was forked from), in KiB like ru_maxrss where /proc is missing.
_MEASURED = (
    "import resource, sys\n"
    "from pressarchive.cli import main\n"
    "def peak():\n"
    "    try:\n"
    "        for line in open('/proc/self/status'):\n"
    "            if line.startswith('VmHWM:'):\n"
    "                return int(line.split()[1])\n"
    "    except OSError:\n"
    "        pass\n"
    "    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "try:\n"
    "    main(sys.argv[1:])\n"
    "finally:\n"
    "    sys.stderr.write('maxrss=%d\\n' % peak())\n"
)


def test_3_a_huge_standard_input_is_refused_while_it_is_read(tmp_path, archive_home):
    """256 MB piped to ``add -``: refused once 50 MB are read, in well under 256 MB of memory."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTEST_CURRENT_TEST", None)
    err_file = open(tmp_path / "stderr", "w+b")
    child = subprocess.Popen([sys.executable, "-c", _MEASURED, "--home", str(archive_home), "add", "-"],
                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=err_file, env=env)
    block = b"Host: " + b"a" * (1024 * 1024 - 6)
    sent = 0

    def feed():
        nonlocal sent
        try:
            for _ in range(256):
                child.stdin.write(block)
                sent += len(block)
            child.stdin.close()
        except (BrokenPipeError, ValueError, OSError):
            pass

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    try:
        child.wait(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
    feeder.join(10)
    err_file.seek(0)
    err = err_file.read().decode("utf-8", "replace")
    err_file.close()
    assert child.returncode == 1, err
    assert "standard input is over 50 MB; transcripts over 50 MB are refused" in err
    maxrss_mb = int(err.rsplit("maxrss=", 1)[1].split()[0]) / 1024
    assert maxrss_mb < 200, f"{maxrss_mb:.0f} MB used for a 256 MB input"
    assert sent < 256 * 1024 * 1024, "the whole input was read"
    assert Archive(archive_home).ids() == []


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_3_a_link_to_dev_zero_is_never_read(tmp_path, archive_home):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(TRANSCRIPT, encoding="utf-8")
    os.symlink("/dev/zero", folder / "zero.txt")
    result = pa(archive_home, "add", str(folder), timeout=60)
    out, err = text(result)
    assert result.returncode == 0 and "1 added" in out, err
    assert f"skipped   {folder / 'zero.txt'}: a link leading out of the folder" in err
    followed = pa(archive_home, "add", "--follow-links", str(folder), timeout=60)
    assert followed.returncode == 0 and f"skipped   {folder / 'zero.txt'}: a device" in text(followed)[1]
    named = pa(archive_home, "add", str(folder / "zero.txt"), timeout=60)
    assert named.returncode == 1 and "is a device, not a regular file" in one_error_line(text(named)[1])
    parsed = pa(archive_home, "parse", str(folder / "zero.txt"), timeout=60)
    assert parsed.returncode == 2 and "is a device, not a regular file" in one_error_line(text(parsed)[1])


def test_3_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path, archive_home):
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:  # sparse: 60 MB without writing them
        f.write(b"Host: hello\n")
        f.truncate(60 * 1024 * 1024)
    result = pa(archive_home, "add", str(big), timeout=60)
    assert result.returncode == 1
    assert "the file is 60 MB; transcripts over 50 MB are refused" in one_error_line(text(result)[1])


# --- 4. truncated downloads ---------------------------------------------------------------------
def test_4_a_download_shorter_than_its_content_length_is_an_error(archive_home):
    def answer(conn, stop):
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n")
        conn.sendall((_page() * 200)[:5000])
    with server(answer) as base:
        result = pa(archive_home, "add", f"{base}/cut.txt", timeout=60)
    out, err = text(result)
    assert result.returncode == 1, (out, err)
    assert "0 added" in out and "1 failed" in out
    assert "the download was cut short (5,000 of 100,000 bytes)" in one_error_line(err)
    assert Archive(archive_home).ids() == []


def test_4_a_whole_download_is_added(archive_home):
    page = _page()

    def answer(conn, stop):
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n" % len(page) + page)
    with server(answer) as base:
        result = pa(archive_home, "add", f"{base}/whole.txt", timeout=60)
    assert result.returncode == 0 and "1 added" in text(result)[0], text(result)


# --- 7. transcript text is shown as written -----------------------------------------------------
def test_7_markup_and_emoji_codes_in_a_transcript_are_shown_literally(tmp_path, archive_home):
    source = tmp_path / "briefing.txt"
    source.write_text(TRANSCRIPT, encoding="utf-8")
    env = {"FORCE_COLOR": "1", "TERM": "xterm-256color"}
    added = pa(archive_home, "add", str(source), "--title", "Rates :x: and [bold]bold[/bold]", "--date", "2024-01-02",
               "--organizer", ":smile: Ministry [i]x[/i]")
    assert added.returncode == 0, text(added)
    (cid,) = Archive(archive_home).ids()
    runs = {
        "search": pa(archive_home, "search", "industry", env=env),
        "search here": pa(archive_home, "search", "welcome", env=env),
        "show": pa(archive_home, "show", f"{cid}:001", "--context", "2", env=env),
        "show answer": pa(archive_home, "show", f"{cid}:003", env=env),
        "parse": pa(archive_home, "parse", str(source), env=env),
        "conferences": pa(archive_home, "conferences", env=env),
        "speakers": pa(archive_home, "speakers", env=env),
        "outlets": pa(archive_home, "outlets", env=env),
        "stats": pa(archive_home, "stats", "industry", "--by", "conference", env=env),
    }
    import re

    sgr = re.compile(r"\x1b\[[0-9;]*m")
    for name, result in runs.items():
        out, err = text(result)
        assert result.returncode == 0, (name, err)
        plain = sgr.sub("", out)
        assert "❌" not in plain and "👍" not in plain and "😄" not in plain, (name, plain)
        assert "\x1b]8" not in out, (name, "a live hyperlink")
    show = sgr.sub("", text(runs["show"])[0])
    assert "rate :x: here and [bold]y[/bold] there." in show
    assert "What about the :thumbs_up: industry [red]now[/red]?" in show
    assert "[link=http://evil.example]click[/link]" in sgr.sub("", text(runs["show answer"])[0])
    assert "rate :x: here and [bold]y[/bold]" in sgr.sub("", text(runs["search here"])[0])
    assert "[red]now[/red]" in sgr.sub("", text(runs["search"])[0])
    assert ":x: here" in sgr.sub("", text(runs["parse"])[0])
    for name in ("conferences", "search", "stats"):
        assert "Rates :x: and" in sgr.sub("", text(runs[name])[0]), name
    assert "[bold]bold[/bold]" in sgr.sub("", text(runs["conferences"])[0])


# --- 8. folder walks stay inside the folder -----------------------------------------------------
def test_8_a_link_out_of_an_added_folder_is_not_followed(tmp_path, archive_home):
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "passwd.txt").write_text("Admin: The secret word is swordfish.\n\nReporter: Which word?\n",
                                       encoding="utf-8")
    folder = tmp_path / "in"
    (folder / "names").mkdir(parents=True)
    (folder / "a.txt").write_text(TRANSCRIPT, encoding="utf-8")
    os.symlink(secret / "passwd.txt", folder / "names" / "passwd.txt")
    os.symlink(secret, folder / "elsewhere")
    os.symlink(folder / "a.txt", folder / "names" / "same.txt")  # inside: read, once
    result = pa(archive_home, "add", str(folder), timeout=60)
    out, err = text(result)
    assert result.returncode == 0 and "1 added, 0 updated, 0 unchanged, 0 failed" in out, err
    assert f"skipped   {folder / 'names' / 'passwd.txt'}: a link leading out of the folder" in err
    assert f"skipped   {folder / 'elsewhere'}: a link leading out of the folder" in err
    found = pa(archive_home, "search", "swordfish")
    assert found.returncode == 1 and "No turns matched" in text(found)[0]  # 1: nothing matched
    followed = pa(archive_home, "add", "--follow-links", str(folder), timeout=60)
    assert followed.returncode == 0 and "1 added" in text(followed)[0], text(followed)
    assert "swordfish" in text(pa(archive_home, "search", "swordfish"))[0]


def test_8_a_link_loop_with_follow_links_ends(tmp_path, archive_home):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "a.txt").write_text(TRANSCRIPT, encoding="utf-8")
    os.symlink(folder, folder / "sub" / "up")
    result = pa(archive_home, "add", "--follow-links", str(folder), timeout=60)
    assert result.returncode == 0 and "1 added, 0 updated, 0 unchanged, 0 failed" in text(result)[0], text(result)


# --- 9. smaller ---------------------------------------------------------------------------------
def test_9_a_redirect_to_ftp_is_refused(archive_home):
    def answer(conn, stop):
        conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: ftp://127.0.0.1/etc/passwd\r\nContent-Length: 0\r\n\r\n")
    with server(answer) as base:
        result = pa(archive_home, "add", f"{base}/moved", timeout=60)
    assert result.returncode == 1
    assert "redirected to 'ftp://127.0.0.1/etc/passwd', which is not an http(s) URL" in one_error_line(text(result)[1])


@pytest.mark.parametrize("reply, message", [
    (b"SPEAK FRIEND AND ENTER\r\n\r\n", "the server's answer is not HTTP"),
    (b"", "the server closed the connection without an answer"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n400\r\nHost: hello", "the connection closed before"),
    (b"HTTP/1.1 200 OK\r\nX-Long: " + b"z" * 70000 + b"\r\n\r\n", "the server's answer has a header line too long"),
], ids=["not-http", "no-answer", "cut-chunk", "long-header"])
def test_9_http_protocol_errors_are_one_clear_line(archive_home, reply, message):
    with server(lambda conn, stop: conn.sendall(reply)) as base:
        result = pa(archive_home, "add", f"{base}/page", timeout=60)
    assert result.returncode == 1
    line = one_error_line(text(result)[1])
    assert f"{base}/page: could not fetch ({message}" in line, line


@pytest.mark.parametrize("query", ["a^-1", "a^1e309", "a^nan", "industry^0", "industry^x", "industry^2."])
def test_9_a_boost_that_is_not_a_positive_number_is_a_query_error(tmp_path, archive_home, query):
    source = tmp_path / "briefing.txt"
    source.write_text(TRANSCRIPT, encoding="utf-8")
    pa(archive_home, "add", str(source))
    result = pa(archive_home, "search", "--", query)
    assert result.returncode == 2, text(result)
    assert one_error_line(text(result)[1]).startswith("Error: the boost ^")
    assert pa(archive_home, "search", "industry^2").returncode == 0


def test_9_bidi_controls_in_a_file_name_never_reach_the_terminal(tmp_path, archive_home):
    bad = tmp_path / "report\u202etxt.exe.txt"
    bad.write_bytes(b"\x00\x01binary")
    good = tmp_path / "brief\u2066ing\u202e.txt"
    good.write_text(TRANSCRIPT, encoding="utf-8")
    missing = tmp_path / "gone\u202e.txt"
    for args in (["add", str(bad), str(good)], ["add", str(missing)], ["parse", str(missing)],
                 ["parse", str(bad)]):
        result = pa(archive_home, *args)
        out, err = text(result)
        for stream in (out, err):
            assert not any(ch in stream for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), (args, stream)
        if args != ["parse", str(bad)]:  # that error names no file
            assert "<U+202E>" in out + err, (args, out, err)
    assert "<U+2066>ing<U+202E>.txt" in text(pa(archive_home, "add", str(good)))[0]


# --- archives for items 1, 5 and 6 --------------------------------------------------------------
def _archive_of(home: Path, tmp_path: Path, n: int) -> list[str]:
    """``home`` holding ``n`` small conferences (the real parser's), indexed; their ids."""
    from test_faults import transcripts

    files = transcripts(tmp_path / "src", "attack", n)
    result = pa(home, "add", *map(str, files), timeout=300)
    assert result.returncode == 0, text(result)
    ids = Archive(home).ids()
    assert len(ids) == n
    return ids


def _warnings(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("Warning:")]


# --- 1. a damaged record.json, then reindex -----------------------------------------------------
def test_1_a_damaged_record_then_reindex_does_not_wedge_the_archive(tmp_path, archive_home):
    ids = _archive_of(archive_home, tmp_path, 3)
    damaged, others = ids[0], ids[1:]
    (archive_home / "corpus" / damaged / "record.json").write_text("garbage{{{", encoding="utf-8")
    reindexed = pa(archive_home, "reindex")
    out, err = text(reindexed)
    assert reindexed.returncode == 0, err
    assert "indexed 2 conferences" in out
    assert f"1 conference left out ({damaged}: record {damaged} is unreadable" in err
    assert not (archive_home / ".journal.json").exists()
    assert not list(archive_home.glob(".index.building-*"))
    for args in (["search", "measures"], ["conferences"], ["speakers"], ["stats", "measures"],
                 ["show", f"{others[0]}:002"], ["export", "measures", "--format", "jsonl"]):
        result = pa(archive_home, *args)
        assert result.returncode == 0, (args, text(result))
        assert "Error:" not in text(result)[1], (args, text(result))
    listed = pa(archive_home, "conferences", "--format", "json")
    import json

    assert sorted(c["id"] for c in json.loads(listed.stdout)["conferences"]) == others
    found = pa(archive_home, "search", "measures", "--format", "json", "--limit", "50")
    assert {h["conference"]["id"] for h in json.loads(found.stdout)["hits"]} == set(others)
    checked = pa(archive_home, "check")
    assert checked.returncode == 1
    assert f"problem  {damaged}: record {damaged} is unreadable" in text(checked)[0]
    removed = pa(archive_home, "remove", others[1])  # a write goes on beside it
    assert removed.returncode == 0, text(removed)
    added = pa(archive_home, "add", str(tmp_path / "src" / "attack-2.txt"))
    assert added.returncode == 0, text(added)
    fixed = pa(archive_home, "check", "--fix")
    assert fixed.returncode == 0 and f"fixed    {damaged}" in text(fixed)[0], text(fixed)
    assert text(pa(archive_home, "check"))[0].rstrip().endswith(": ok")
    again = pa(archive_home, "search", "measures", "--format", "json", "--limit", "50")
    assert damaged in {h["conference"]["id"] for h in json.loads(again.stdout)["hits"]}


def test_1_a_journal_that_cannot_be_finished_is_rolled_back_not_retried(tmp_path, archive_home, monkeypatch):
    """An interrupted reindex whose rebuild fails again: the next command rolls it back (one note),
    and the one after has nothing left to finish."""
    import json

    from pressarchive import index
    from pressarchive.errors import IndexError_
    from test_fuzz_ingest import run_cli

    ids = _archive_of(archive_home, tmp_path, 2)
    (archive_home / ".journal.json").write_text(json.dumps({"op": "reindex", "added": [], "removed": []}))
    (archive_home / ".index.building-left").mkdir()
    calls = []

    def failing(*a, **k):
        calls.append(1)
        raise IndexError_("cannot write the search index: No space left on device")

    monkeypatch.setattr(index, "rebuild", failing)
    code, out, err = run_cli(["--home", str(archive_home), "check"])
    assert "could not finish an interrupted reindex (cannot write the search index: No space left on device): " \
           "rolled back" in out, (out, err)
    assert len(calls) == 1 and not (archive_home / ".journal.json").exists()
    assert not (archive_home / ".index.building-left").exists()
    code, out, err = run_cli(["--home", str(archive_home), "check"])
    assert len(calls) == 1 and "repaired" not in out, out
    monkeypatch.undo()
    code, out, err = run_cli(["--home", str(archive_home), "search", "measures", "--format", "json", "--limit", "50"])
    assert code == 0 and {h["conference"]["id"] for h in json.loads(out)["hits"]} == set(ids)


# --- 5. searches during removes -----------------------------------------------------------------
def test_5_a_conference_removed_between_index_and_record_is_skipped_and_counted(tmp_path, archive_home,
                                                                                  monkeypatch):
    """The race made certain: the conference goes after the index answered, before its record is read."""
    import json
    import shutil

    from pressarchive import search as search_mod
    from test_fuzz_ingest import run_cli

    ids = _archive_of(archive_home, tmp_path, 3)
    gone = ids[1]
    real = search_mod._matched_terms

    def remove_meanwhile(*a, **k):
        shutil.rmtree(archive_home / "corpus" / gone, ignore_errors=True)
        return real(*a, **k)

    monkeypatch.setattr(search_mod, "_matched_terms", remove_meanwhile)
    code, out, err = run_cli(["--home", str(archive_home), "search", "measures", "--limit", "50"])
    assert code == 0, err
    assert "Error:" not in err and gone not in out
    assert f"Warning: 1 conference left out ({gone}: removed while it was being read)" in err
    code, out, err = run_cli(["--home", str(archive_home), "search", "measures", "--format", "json"])
    data = json.loads(out)
    assert code == 0 and data["skipped"] == 0 and data["hits"]


def test_5_searches_alongside_removes_all_answer(tmp_path, archive_home):
    """8 removes in a child process, searches in this one meanwhile (bounded): every search exits 0."""
    from test_fuzz_ingest import run_cli

    ids = _archive_of(archive_home, tmp_path, 8)
    script = ("import sys\nfrom pressarchive.cli import main\n"
              "for cid in sys.argv[2:]:\n"
              "    try:\n        main(['--home', sys.argv[1], 'remove', cid])\n"
              "    except SystemExit as e:\n        assert not e.code, e.code\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTEST_CURRENT_TEST", None)
    remover = subprocess.Popen([sys.executable, "-c", script, str(archive_home), *ids], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    searches, failures = 0, []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and (remover.poll() is None or searches < 5):
            code, out, err = run_cli(["--home", str(archive_home), "search", "measures", "--limit", "20"])
            searches += 1
            if code not in (0, 1) or "Error:" in err:  # 1: nothing matched (all removed)
                failures.append(err)
            if searches >= 200:
                break
        remover.wait(timeout=120)
    finally:
        if remover.poll() is None:
            remover.kill()
    assert remover.returncode == 0, remover.stderr.read().decode()
    assert not failures, failures[:3]
    assert searches >= 5 and Archive(archive_home).ids() == []


# --- 6. reads after a full disk -----------------------------------------------------------------
FULL_DISK = r"""
import builtins, errno, os, sys
home, where = os.environ["FULL_HOME"], os.environ["FULL_WHERE"]
roots = [os.path.join(home, "index"), os.path.join(home, ".index")] if where == "index" else [home]

def full(path):
    p = os.path.abspath(os.fsdecode(path)) if isinstance(path, (str, bytes, os.PathLike)) else ""
    return any(p.startswith(r) for r in roots)

def enospc(path):
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), os.fsdecode(path))

real_open, real_os_open = builtins.open, os.open
real = {name: getattr(os, name) for name in ("replace", "rename", "mkdir", "unlink", "rmdir")}

def fake_open(file, mode="r", *a, **k):
    if isinstance(mode, str) and any(c in mode for c in "wax+") and full(file):
        raise enospc(file)
    return real_open(file, mode, *a, **k)

def fake_os_open(path, flags, *a, **k):
    if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) and full(path):
        raise enospc(path)
    return real_os_open(path, flags, *a, **k)

def guard(name):
    def fake(src, *a, **k):
        if full(src) or (a and isinstance(a[0], (str, bytes, os.PathLike)) and full(a[0])):
            raise enospc(src)
        return real[name](src, *a, **k)
    return fake

builtins.open, os.open = fake_open, fake_os_open
for name in real:
    setattr(os, name, guard(name))
from pressarchive.cli import main
main(sys.argv[1:])
"""


def _full(home: Path, where: str, *args: str) -> subprocess.CompletedProcess:
    """``pressarchive ARGS`` with every write under ``home`` (or under its index only) failing: ENOSPC."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "FULL_HOME": str(home), "FULL_WHERE": where, "COLUMNS": "200"}
    env.pop("PYTEST_CURRENT_TEST", None)
    return subprocess.run([sys.executable, "-c", FULL_DISK, "--home", str(home), *args], capture_output=True,
                          timeout=120, env=env)


def test_6_after_a_disk_full_add_reads_answer_and_say_the_archive_needs_repair(tmp_path, archive_home):
    ids = _archive_of(archive_home, tmp_path, 2)
    from test_faults import transcripts

    (new,) = transcripts(tmp_path / "new", "late", 1)
    failed = _full(archive_home, "index", "add", str(new))
    out, err = text(failed)
    assert failed.returncode == 2 and "No space left on device" in err, (out, err)
    assert "Traceback" not in err
    assert (archive_home / ".journal.json").exists()  # the add stopped half-way: the index lags
    stored = Archive(archive_home).ids()
    assert set(ids) < set(stored)
    (late,) = set(stored) - set(ids)
    # the disk is still full: every write fails, and the reads do not need one
    for args in (["search", "measures"], ["search", "measures", "--format", "json"], ["show", f"{ids[0]}:002"],
                 ["show", f"{late}:002"], ["stats", "measures"], ["stats"], ["conferences"], ["speakers"],
                 ["outlets"], ["regions"], ["export", "measures", "--format", "jsonl"]):
        result = _full(archive_home, "all", *args)
        out, err = text(result)
        assert result.returncode == 0, (args, err)
        warned = _warnings(err)
        assert warned == ["Warning: the archive needs repair (an interrupted add): answering from what was "
                          "committed; `pressarchive check --fix` (or the next add or remove) repairs it"], (args, err)
        assert "Error:" not in err
    listed = text(_full(archive_home, "all", "conferences", "--format", "json"))[0]
    import json

    assert sorted(c["id"] for c in json.loads(listed)["conferences"]) == sorted(stored)
    found = json.loads(text(_full(archive_home, "all", "search", "measures", "--format", "json", "--limit", "50"))[0])
    assert {h["conference"]["id"] for h in found["hits"]} >= set(ids)
    assert (archive_home / ".journal.json").exists()  # nothing was repaired by a read
    fixed = pa(archive_home, "check", "--fix")
    assert fixed.returncode == 0, text(fixed)
    after = pa(archive_home, "search", "measures", "--format", "json", "--limit", "50")
    assert {h["conference"]["id"] for h in json.loads(after.stdout)["hits"]} == set(stored)
    assert not _warnings(text(after)[1])
