"""One Settings, read once: every environment variable the package reads is a field documented in
docs/settings.md, and nothing under pressarchive/ but settings.py reads the environment."""
from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOT

from pressarchive.settings import ENV, Settings


def test_every_setting_is_in_the_table_and_nothing_else_reads_the_environment():
    table = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    for name, variable in ENV.items():
        assert re.search(rf"^\| `{name}` \| `{variable}`", table, re.M), (name, variable)
    assert set(ENV) == {f for f in Settings.__dataclass_fields__}
    readers = []
    for path in (ROOT / "pressarchive").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name != "settings.py" and re.search(r"os\.environ\.get|os\.getenv|environ\[", text):
            readers.append(str(path.relative_to(ROOT)))
    # the terminal's own conventions, read where output is made: PAGER (render.py), PYTEST_CURRENT_TEST (cli)
    assert set(readers) <= {"pressarchive/cli/__init__.py", "pressarchive/render.py"}, readers


def test_from_env_reads_each_variable(tmp_path):
    env = {"PRESSARCHIVE_HOME": str(tmp_path / "h"), "XDG_DATA_HOME": str(tmp_path / "d"),
           "XDG_CACHE_HOME": str(tmp_path / "c"), "PRESSARCHIVE_NO_SEED": "1",
           "PRESSARCHIVE_LOCK_TIMEOUT": "7.5", "PRESSARCHIVE_BUILD_PROCS": "3", "PRESSARCHIVE_MERGE": "Inline",
           "PRESSARCHIVE_DEBUG": "1"}
    s = Settings.from_env(env)
    assert s == Settings(home=tmp_path / "h", data_home=tmp_path / "d", cache_home=tmp_path / "c", seed=False,
                         lock_timeout=7.5, build_procs=3, merge="inline", debug=True)
    assert Settings.from_env(s.to_env()) == s  # what a child process is given
    d = Settings.from_env({"HOME": "/nowhere", "PRESSARCHIVE_MERGE": "sometimes", "PRESSARCHIVE_BUILD_PROCS": "x"})
    assert (d.home, d.merge, d.build_procs, d.seed) == (None, "background", None, True)
    assert Settings(data_home=Path("/d")).home_path() == Path("/d/pressarchive")
    assert Settings(data_home=Path("/d")).home_path("/x") == Path("/x")
    assert Settings.from_env({}, merge="off").merge == "off"
