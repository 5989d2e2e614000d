"""Shared fixtures: every test runs against its own archive home, never the checkout or ~/.local."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE_NAME = "miit-2022-09-27-regional-manufacturing.txt"


def sample_path() -> Path:
    """The bundled sample transcript (the copy in corpus/, which CI always has)."""
    found = sorted((ROOT / "corpus").glob(f"*/{SAMPLE_NAME}")) + sorted((ROOT / "corpus").glob(SAMPLE_NAME))
    if found:
        return found[0]
    return SHARED / "corpus" / SAMPLE_NAME


@pytest.fixture(autouse=True)
def archive_home(tmp_path, monkeypatch) -> Path:
    """Point PRESSARCHIVE_HOME at an empty temporary folder for every test."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("PRESSARCHIVE_HOME", str(home))
    monkeypatch.setenv("PRESSARCHIVE_NO_SEED", "1")  # tests that want the sample seeded delete this
    monkeypatch.setenv("PRESSARCHIVE_MERGE", "inline")  # no background merges outliving a test (test_compact.py)
    monkeypatch.delenv("PRESSARCHIVE_DEBUG", raising=False)
    return home


@pytest.fixture
def sample_bytes() -> bytes:
    return sample_path().read_bytes()


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the checkout")
    return SHARED
