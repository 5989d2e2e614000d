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
