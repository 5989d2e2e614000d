"""Shared fixtures: every test runs against its own archive home, never the checkout or ~/.local."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE_NAME = "miit-2022-09-27-regional-manufacturing.txt"


def sample_path() -> Path:
    """The bundled sample transcript: the raw file of the conference in corpus/ whose record names
    SAMPLE_NAME as its source (CI always has it); ../shared's copy only if the checkout lacks it."""
    import json

    for record in sorted((ROOT / "corpus").glob("*/record.json")):
        try:
            source = json.loads(record.read_text(encoding="utf-8"))["conference"]["source"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if source == SAMPLE_NAME:
            raw = sorted(record.parent.glob("raw.*"))
            if raw:
                return raw[0]
    return SHARED / "corpus" / SAMPLE_NAME


TEST_ENV = {
    "PRESSARCHIVE_NO_SEED": "1",  # tests that want the sample seeded delete this
    "PRESSARCHIVE_MERGE": "inline",  # no background merges outliving a test (test_compact.py)
}


@pytest.fixture(autouse=True)
def archive_home(tmp_path, monkeypatch) -> Path:
    """An empty archive of its own for every test: PRESSARCHIVE_HOME for the command line (in-process
    or a child process), and the ``settings`` fixture for the library. The default home
    ($XDG_DATA_HOME/pressarchive) is a temporary folder too, never the user's."""
    home = tmp_path / "home"
    (home / "corpus").mkdir(parents=True)  # what `pressarchive init` makes
    monkeypatch.setenv("PRESSARCHIVE_HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    for name, value in TEST_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("PRESSARCHIVE_DEBUG", raising=False)
    return home


@pytest.fixture
def settings(archive_home, tmp_path):
    """The settings a test's library calls pass: the test's home, no seeding, merges inline."""
    from pressarchive.settings import Settings

    return Settings(home=archive_home, data_home=tmp_path / "xdg-data", cache_home=tmp_path / "xdg-cache",
                    seed=False, merge="inline")


@pytest.fixture
def sample_bytes() -> bytes:
    return sample_path().read_bytes()


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the checkout")
    return SHARED
