"""Where the archive is, and that reading one never makes one: a missing or empty folder is an error
(exit 2) that creates nothing; `init` and `add` make an archive; only the default home is seeded;
the default home does not depend on how the package was installed. And the background work an add
starts runs however the package was imported, its failures reported by `check`."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, sample_path

import pressarchive
from pressarchive import index
from pressarchive.archive import open_archive
from pressarchive.settings import Settings


def cli(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    full = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
    return subprocess.run([sys.executable, "-m", "pressarchive", *args], capture_output=True, text=True,
                          env=full, cwd=str(cwd) if cwd else None, timeout=300)


def test_a_home_that_does_not_exist_is_exit_2_and_nothing_is_created(tmp_path):
    missing = tmp_path / "does" / "not" / "exist"
    proc = cli("--home", str(missing), "search", "x")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines()[0] == f"Error: no archive at {missing} (the folder does not exist)"
    assert f"pressarchive init {missing}" in proc.stderr.splitlines()[1]
    assert not (tmp_path / "does").exists()
    for args in (["speakers"], ["show", "a:1"], ["export", "--all"], ["check"], ["reindex"], ["remove", "--yes", "x"]):
        assert cli("--home", str(missing), *args).returncode == 2, args
    assert not (tmp_path / "does").exists()


def test_an_existing_folder_without_an_archive_is_not_made_one(tmp_path, monkeypatch):
    folder = tmp_path / "photos"
    folder.mkdir()
    monkeypatch.setenv("PRESSARCHIVE_HOME", str(folder))
    proc = cli("search", "x")
    assert proc.returncode == 2 and "(the folder holds no corpus/)" in proc.stderr
    assert list(folder.iterdir()) == []
    with pytest.raises(pressarchive.NoArchiveError):
        pressarchive.open(folder)
    assert list(folder.iterdir()) == []


def test_init_and_add_make_an_archive(tmp_path):
    made = tmp_path / "new"
    proc = cli("init", str(made))
    assert proc.returncode == 0 and "is an empty archive" in proc.stdout and (made / "corpus").is_dir()
    assert cli("--home", str(made), "search", "zzzzqqq").returncode == 1  # an empty archive: nothing matched
    added = tmp_path / "added"
    proc = cli("--home", str(added), "add", "--quiet", str(sample_path()))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["1 added, 0 updated, 0 unchanged, 0 failed"]  # --quiet: the summary only
    assert cli("--home", str(added), "search", "zzzzqqq").returncode == 1
    assert cli("--home", str(added), "search", "集成电路").returncode == 0


def test_the_default_home_is_the_data_folder_however_installed(tmp_path, monkeypatch):
    """Run from the checkout (as an editable install does), the default is still the user's data folder."""
    monkeypatch.delenv("PRESSARCHIVE_HOME")
    monkeypatch.delenv("PRESSARCHIVE_NO_SEED")
    data = tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    assert Settings.from_env().home_path() == data / "pressarchive"
    proc = cli("search", "集成电路", cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("bundled sample") == 1 and (data / "pressarchive" / "corpus").is_dir()
    assert not (ROOT / "corpus" / ".lock").exists()
    proc = cli("search", "集成电路", cwd=ROOT)
    assert proc.returncode == 0 and "bundled sample" not in proc.stderr


def test_only_the_default_home_is_seeded(tmp_path, monkeypatch):
    monkeypatch.delenv("PRESSARCHIVE_NO_SEED")
    with pytest.raises(pressarchive.NoArchiveError):
        open_archive(tmp_path / "elsewhere", settings=Settings.from_env())
    assert not (tmp_path / "elsewhere").exists()
    notes: list[str] = []
    settings = Settings(data_home=tmp_path / "data", seed=True, merge="inline")
    archive = open_archive(settings=settings, on_note=notes.append)
    assert archive.home == tmp_path / "data" / "pressarchive" and archive.ids() and len(notes) == 1
    open_archive(settings=settings, on_note=notes.append)
    assert len(notes) == 1
    with pytest.raises(pressarchive.NoArchiveError):  # seeding off: the default home is not made either
        open_archive(settings=Settings(data_home=tmp_path / "other", seed=False))
    assert not (tmp_path / "other").exists()


def test_library_errors_name_parameters_and_the_cli_writes_flags(archive_home, settings):
    archive = pressarchive.open(settings=settings)
    with pytest.raises(pressarchive.QueryError) as err:
        archive.search("x", since="soon")
    assert "--" not in err.value.message and err.value.params == ("since",)
    proc = cli("search", "x", "--since", "soon")
    assert proc.returncode == 2 and proc.stderr.startswith("Error: --since 'soon' is not a date")


def test_search_that_matches_nothing_exits_1(archive_home):
    cli("add", str(sample_path()))
    assert cli("search", "zzzzqqq").returncode == 1
    assert cli("show", "2022-09-27-miit-dbc269:999").returncode == 1
    proc = cli("export", "zzzzqqq", "--format", "json")
    assert proc.returncode == 1 and json.loads(proc.stdout)["hits"] == []


def test_export_with_no_query_wants_all_except_for_a_program(archive_home):
    cli("add", str(sample_path()))
    turns = sum(len(r.turns) for r in pressarchive.open(archive_home).records())
    proc = cli("export", "--format", "jsonl")  # to a pipe, a machine format: the whole archive
    assert proc.returncode == 0 and len(proc.stdout.splitlines()) == turns > 20
    proc = cli("export")  # Markdown, for a person: say so
    assert proc.returncode == 2 and "--all" in proc.stderr
    proc = cli("export", "--all")
    assert proc.returncode == 0 and proc.stdout.count("[2022-09-27-miit-dbc269:0") == turns


def test_remove_takes_several_ids_and_yes(archive_home, tmp_path):
    from test_concurrency import transcripts

    files = transcripts(tmp_path / "t", "rm", 3)
    cli("add", *map(str, files))
    ids = pressarchive.open(archive_home).ids()
    proc = cli("remove", "--yes", ids[0], ids[1])
    assert proc.returncode == 0 and proc.stdout.count("removed ") == 2
    assert pressarchive.open(archive_home).ids() == ids[2:]
    proc = cli("remove", ids[2], "nope")  # all are checked first
    assert proc.returncode == 1 and pressarchive.open(archive_home).ids() == ids[2:]


def test_broken_pipe_is_quiet(archive_home):
    cli("add", str(sample_path()))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(f"{sys.executable} -m pressarchive export --all --format jsonl | head -c 10",
                          shell=True, capture_output=True, text=True, env=env, timeout=300)
    assert proc.stdout and proc.stderr == ""


# --- the background work an add starts ------------------------------------------------------------
def _wait_for(predicate, seconds: float = 120) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_background_compact_runs_when_imported_from_a_path(tmp_path):
    """The package imported from a path in an isolated interpreter (no PYTHONPATH, not installed):
    the compact an add starts in the background still imports it, and leaves no failure."""
    from test_concurrency import transcripts

    home = tmp_path / "home"
    files = transcripts(tmp_path / "t", "bg", 2)
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); import pressarchive\n"
        "s = pressarchive.Settings.from_env(merge='background', seed=False)\n"
        "a = pressarchive.init(sys.argv[2], settings=s)\n"
        "print(a.add(sys.argv[3:]).summary())\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PRESSARCHIVE"))}
    proc = subprocess.run([sys.executable, "-I", "-c", script, str(ROOT), str(home), *map(str, files)],
                          capture_output=True, text=True, env=env, cwd=str(tmp_path), timeout=300)
    assert proc.returncode == 0 and "2 added" in proc.stdout, proc.stderr
    assert _wait_for(lambda: not (home / "index" / index.PENDING_FILE).exists()), "the background compact never ran"
    assert index.background_failure(home) is None
    assert pressarchive.open(home).check().ok


def test_a_failed_background_run_is_reported_by_check_and_mended(archive_home, settings, tmp_path):
    from pressarchive.background import main as background_main

    assert background_main(["background", str(tmp_path / "no-such-home")]) == 0 or True  # nothing to compact
    (archive_home / index.BACKGROUND_LOG).write_text("No module named pressarchive\n", encoding="utf-8")
    archive = pressarchive.open(settings=settings)
    report = archive.check()
    (problem,) = [p for p in report.problems if p.where == "background"]
    assert "No module named pressarchive" in problem.what and problem.repair.by_fix
    assert not report.ok and archive.check(fix=True).ok and archive.check().ok
    assert index.background_failure(archive_home) is None


# --- add interrupted, remove asking -------------------------------------------------------------
def test_ctrl_c_during_add_says_what_was_stored_and_how_to_finish(archive_home, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from pressarchive.archive import Archive
    from pressarchive.cli import cli as group
    from test_concurrency import transcripts

    from pressarchive import archive as archive_mod

    monkeypatch.setattr(archive_mod, "BATCH_SIZE", 2)  # two batches: Ctrl-C lands after the first
    files = transcripts(tmp_path / "t", "int", 4)
    real = Archive.add_sources

    def interrupted(self, sources, overrides=None, progress=None, on_wait=None, on_stored=None):
        heard: list = []

        def stop_after_two(outcome):  # the first batch is stored: Ctrl-C now
            on_stored(outcome)
            heard.append(outcome)
            if len(heard) == 2:
                raise KeyboardInterrupt

        return real(self, sources, overrides, progress, on_wait, stop_after_two)

    monkeypatch.setattr(Archive, "add_sources", interrupted)
    result = CliRunner().invoke(group, ["add", *map(str, files)])
    assert result.exit_code == 130
    assert "Interrupted: 2 of 4 conferences stored (2 added or updated)" in result.stderr
    assert "Run the same command again" in result.stderr
    monkeypatch.setattr(Archive, "add_sources", real)
    again = CliRunner().invoke(group, ["add", *map(str, files)])
    assert again.exit_code == 0 and again.stdout.splitlines()[-1] == "2 added, 0 updated, 2 unchanged, 0 failed"


def test_remove_asks_on_a_terminal(archive_home, tmp_path, monkeypatch):
    import types

    from click.testing import CliRunner

    from pressarchive.cli import archive_cmds
    from pressarchive.cli import cli as group
    from test_concurrency import transcripts

    cli("add", *map(str, transcripts(tmp_path / "t", "ask", 1)))
    (cid,) = pressarchive.open(archive_home).ids()
    terminal = types.SimpleNamespace(stdin=types.SimpleNamespace(isatty=lambda: True))
    monkeypatch.setattr(archive_cmds, "sys", terminal)
    no = CliRunner().invoke(group, ["remove", cid], input="n\n")
    assert no.exit_code == 1 and "Remove " in no.stderr and pressarchive.open(archive_home).ids() == [cid]
    yes = CliRunner().invoke(group, ["remove", cid], input="y\n")
    assert yes.exit_code == 0 and pressarchive.open(archive_home).ids() == []
