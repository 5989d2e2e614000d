"""add / remove / reindex / check through the command line: files, folders, stdin, a local web page."""
from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from pressarchive import render
from pressarchive.cli import cli, main
from pressarchive.records import content_hash
from pressarchive.archive import Archive
from test_store import IndexSpy, fake_ingester, spy, transcript  # noqa: F401 - fixtures


def run(*args: str, input: bytes | None = None, code: int = 0):
    render.set_streams()  # consoles are rebuilt on the runner's streams
    result = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result


@pytest.fixture
def fakes(fake_ingester, spy, monkeypatch):  # noqa: F811
    monkeypatch.setenv("PRESSARCHIVE_NO_SEED", "1")
    return spy


@pytest.fixture
def web(tmp_path):
    """A local http.server (127.0.0.1 only) serving tmp_path/www; yields (base URL, folder)."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()


def stored(home: Path) -> dict[str, bytes]:
    archive = Archive(home)
    return {cid: archive.raw_path(cid).read_bytes() for cid in archive.ids()}


# --- with the stand-in ingester: the command's own behaviour ------------------------------------
def test_add_files_folder_and_stdin(fakes, archive_home, tmp_path):
    folder = tmp_path / "downloads"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_bytes(transcript(title="A"))
    (folder / "sub" / "b.md").write_bytes(transcript(title="B"))
    (folder / ".hidden.txt").write_bytes(transcript(title="Hidden"))
    (folder / "notes.pdf").write_bytes(b"%PDF")
    single = tmp_path / "c.html"
    single.write_bytes(b"<html>\n" + transcript(title="C") + b"</html>")
    result = run("add", str(folder), str(single), "-", input=transcript(title="D"))
    lines = result.stdout.splitlines()
    assert lines[-1] == "4 added, 0 updated, 0 unchanged, 0 failed"
    assert sum(line.startswith("added") for line in lines) == 4
    titles = sorted(Archive(archive_home).get(cid).conference.title for cid in stored(archive_home))
    assert titles == ["A", "B", "C", "D"]
    again = run("add", str(folder), str(single), "-", input=transcript(title="D"))
    assert again.stdout.splitlines()[-1] == "0 added, 0 updated, 4 unchanged, 0 failed"


def test_failures_are_reported_and_the_rest_still_added(fakes, archive_home, tmp_path):
    good = tmp_path / "good.txt"
    good.write_bytes(transcript())
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("add", str(tmp_path / "nope.txt"), str(good), str(empty), code=1)
    assert "1 added, 0 updated, 0 unchanged, 2 failed" in result.stdout
    assert f"failed    {tmp_path / 'nope.txt'}: " in result.stderr
    assert f"failed    {empty}: no transcripts" in result.stderr
    assert "Traceback" not in result.output and len(stored(archive_home)) == 1


def test_metadata_options_are_passed_on(fakes, archive_home):
    raw = b"Host: Welcome.\nReporter: Any news?\n"
    run("add", "-", "--title", "Spring briefing", "--date", "2024-03-05", "--organizer", "State Council",
        "--source-url", "https://example.org/x", input=raw)
    (cid,) = stored(archive_home)
    conf = Archive(archive_home).get(cid).conference
    assert (conf.title, conf.date, conf.organizer, conf.source_url) == (
        "Spring briefing", "2024-03-05", "State Council", "https://example.org/x")
    assert cid.startswith("2024-03-05-")


def test_add_a_page_from_a_local_web_server(fakes, archive_home, web):
    base, root = web
    (root / "briefing.html").write_bytes(b"<html><body>\n" + transcript(title="Web") + b"</body></html>")
    (root / "plain").write_bytes(transcript(title="Plain"))
    result = run("add", f"{base}/briefing.html", f"{base}/plain", f"{base}/missing.html", code=1)
    assert "2 added, 0 updated, 0 unchanged, 1 failed" in result.stdout
    assert f"{base}/missing.html: HTTP 404" in result.stderr
    archive = Archive(archive_home)
    by_title = {archive.get(cid).conference.title: cid for cid in archive.ids()}
    web_conf = archive.get(by_title["Web"]).conference
    assert web_conf.source_url == f"{base}/briefing.html" and web_conf.source == "briefing.html"
    assert archive.raw_path(by_title["Web"]).read_bytes() == (root / "briefing.html").read_bytes()
    assert archive.raw_path(by_title["Plain"]).name == "raw.txt"  # text/plain from the server


def test_fetch_limits(web, monkeypatch):
    from pressarchive import fetch
    from pressarchive.errors import InputError

    base, root = web
    (root / "big.html").write_bytes(b"x" * 5000)
    with pytest.raises(InputError, match="larger than"):
        fetch.fetch_url(f"{base}/big.html", max_bytes=4000)
    with pytest.raises(InputError, match="not an http"):
        fetch.fetch_url("file:///etc/passwd")
    with pytest.raises(InputError, match="could not fetch"):
        fetch.fetch_url("http://127.0.0.1:9/", timeout=2)  # discard port: connection refused


def test_url_file_names():
    from pressarchive.fetch import url_file_name

    assert url_file_name("https://x.gov.cn/art/2022/9/27/a.html") == "a.html"
    assert url_file_name("https://x.gov.cn/news/", "text/html") == "news.html"
    assert url_file_name("https://x.gov.cn", "text/plain") == "x.gov.cn.txt"
    assert url_file_name("https://x.gov.cn/%E5%8F%91%E5%B8%83/..%2F..%2Fetc") == "etc.html"


def test_changed_file_replaces_its_conference(fakes, archive_home, tmp_path):
    f = tmp_path / "brief.txt"
    f.write_bytes(transcript())
    run("add", str(f))
    f.write_bytes(transcript(body="Host: Welcome back.\nReporter: Another question?"))
    result = run("add", str(f))
    assert result.stdout.splitlines()[-1] == "0 added, 1 updated, 0 unchanged, 0 failed"
    assert list(stored(archive_home).values()) == [f.read_bytes()]
    assert fakes.calls[-1][0] == "update" and fakes.calls[-1][1] == fakes.calls[-1][2]


def test_remove_reindex_check(fakes, archive_home, tmp_path):
    f = tmp_path / "brief.txt"
    f.write_bytes(transcript())
    run("add", str(f))
    (cid,) = stored(archive_home)
    assert run("check").stdout.splitlines()[-1] == "1 conferences, 1 indexed: ok"
    fakes.index.update(Archive(archive_home), added=[], removed=[cid])
    result = run("check", code=1)
    assert f"problem  {cid}: stored but not in the index → run `pressarchive reindex`" in result.stdout
    assert run("reindex").stdout.strip() == "indexed 1 conferences"
    assert fakes.calls[-1] == ("rebuild",)
    run("check")
    assert run("remove", cid).stdout.strip() == f"removed {cid} (Budget briefing)"
    assert stored(archive_home) == {} and fakes.state(Archive(archive_home)) == {}
    assert run("check").stdout.splitlines()[-1] == "0 conferences, 0 indexed: ok"


def test_errors_are_one_line(fakes, archive_home, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["remove", "2020-01-01-nope-000000"])
    err = capsys.readouterr().err
    assert exit_.value.code == 1
    assert err.splitlines()[0] == "Error: no conference '2020-01-01-nope-000000' in the archive"
    with pytest.raises(SystemExit) as exit_:
        main(["add"])
    assert exit_.value.code == 2 and "Traceback" not in capsys.readouterr().err


# --- the real ingester and index: the sample corpus end to end -------------------------------------
@pytest.fixture
def real(monkeypatch) -> IndexSpy:
    monkeypatch.setenv("PRESSARCHIVE_NO_SEED", "1")
    return IndexSpy(monkeypatch)


def test_add_every_shared_transcript(real, shared_dir, archive_home, web):
    files = sorted(p for p in (shared_dir / "corpus").iterdir() if p.is_file())
    result = run("add", *map(str, files))
    assert result.stdout.splitlines()[-1] == f"{len(files)} added, 0 updated, 0 unchanged, 0 failed"
    archive = Archive(archive_home)
    assert sorted(content_hash(b) for b in stored(archive_home).values()) == sorted(
        content_hash(p.read_bytes()) for p in files)
    assert all(len(r.turns) > 10 for r in archive.records())
    assert run("check").stdout.splitlines()[-1].endswith(": ok")
    again = run("add", str(shared_dir / "corpus"))
    assert again.stdout.splitlines()[-1] == f"0 added, 0 updated, {len(files)} unchanged, 0 failed"
    # the same transcript through stdin and as a web page is still one conference
    base, root = web
    (root / files[0].name).write_bytes(files[0].read_bytes())
    run("add", "-", f"{base}/{files[0].name}", input=files[0].read_bytes())
    assert len(stored(archive_home)) == len(files)


def test_changed_sample_replaces_it_and_old_turns_leave_the_index(real, archive_home, tmp_path, sample_bytes):
    f = tmp_path / "sample.txt"
    f.write_bytes(sample_bytes)
    run("add", str(f))
    (cid,) = stored(archive_home)
    before = Archive(archive_home).get(cid)
    last = before.turns[-1].paragraphs[-1]
    f.write_bytes(sample_bytes.replace(last.encode("utf-8"), "这段已经更正。".encode("utf-8"), 1))
    result = run("add", str(f))
    assert result.stdout.splitlines()[-1] == "0 added, 1 updated, 0 unchanged, 0 failed"
    assert stored(archive_home) == {cid: f.read_bytes()}
    archive = Archive(archive_home)
    assert real.state(archive) == {cid: content_hash(f.read_bytes())}
    assert real.turns(archive) == {cid: len(archive.get(cid).turns)}
    assert run("check").stdout.splitlines()[-1].endswith(": ok")
    run("remove", cid)
    assert real.state(archive) == {} and real.turns(archive) == {}
    assert run("check").stdout.splitlines()[-1].endswith(": ok")


def test_a_fresh_home_is_seeded_from_the_bundled_sample_on_first_search(real, tmp_path, monkeypatch, sample_bytes):
    bundle_home = tmp_path / "bundle"  # stands for the checkout, or <prefix>/share/pressarchive
    sample = tmp_path / "sample.txt"
    sample.write_bytes(sample_bytes)
    run("--home", str(bundle_home), "add", str(sample))
    monkeypatch.setattr("pressarchive.home.bundled_corpus", lambda: bundle_home / "corpus")
    monkeypatch.delenv("PRESSARCHIVE_NO_SEED")
    monkeypatch.delenv("PRESSARCHIVE_HOME")  # the default home: the only one seeded
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    fresh = tmp_path / "data" / "pressarchive"
    found = run("search", "集成电路")
    assert "集成电路" in found.stdout
    assert stored(fresh) == stored(bundle_home)
    (cid,) = stored(fresh)
    run("remove", cid)
    run("check")  # an emptied corpus is not seeded again
    assert stored(fresh) == {}
    other = tmp_path / "other-home"  # any other home is never seeded: reading it is an error
    assert run("--home", str(other), "search", "集成电路", code=2).stderr.startswith(f"Error: no archive at {other}")
    assert not other.exists()
    from test_concurrency import transcripts

    writer = tmp_path / "first-use-is-a-write"  # the first add makes an archive of only what was added
    (mine,) = transcripts(tmp_path / "mine", "mine", 1)
    run("--home", str(writer), "add", str(mine))
    assert list(stored(writer).values()) == [mine.read_bytes()]


def test_read_only_archive_writes_fail_in_one_line_searches_work(real, archive_home, tmp_path, monkeypatch,
                                                                 sample_bytes):
    import os

    sample = tmp_path / "sample.txt"
    sample.write_bytes(sample_bytes)
    run("add", str(sample))
    (cid,) = stored(archive_home)
    assert "集成电路" in run("search", "集成电路").stdout  # the index is built and current
    real_access = os.access
    home = str(archive_home)
    monkeypatch.setattr(os, "access", lambda p, mode, **k: False if str(p).startswith(home) and mode & os.W_OK
                        else real_access(p, mode, **k))  # what a read-only mount answers (root ignores chmod)
    for args in (["add", str(sample)], ["remove", cid], ["reindex"]):
        result = run(*args, code=2)
        assert result.stderr.splitlines()[0] == (
            f"Error: the archive at {archive_home} is read-only: it can be searched but not changed")
        assert "Traceback" not in result.output
    assert "集成电路" in run("search", "集成电路").stdout
    assert run("check").stdout.rstrip().endswith(": ok")
    assert list(stored(archive_home)) == [cid]
