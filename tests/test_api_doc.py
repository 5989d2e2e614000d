"""docs/api.md's notebook session runs as written, with the package imported from its folder (not
installed) in an isolated interpreter; and the library loads neither click nor Rich."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, SAMPLE_NAME, sample_path

DRIVER = r"""
import doctest, json, pathlib, re, sys
root, doc, home, sample = sys.argv[1:5]
sys.path.insert(0, root)  # imported from a path: python -I ignores PYTHONPATH and the current folder
block = re.search(r"```pycon\n(.*?)```", pathlib.Path(doc).read_text(encoding="utf-8"), re.S).group(1)
test = doctest.DocTestParser().get_doctest(
    block, {"home": pathlib.Path(home), "sample": sample}, "docs/api.md", doc, 0)
runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
runner.run(test)
import pressarchive
print(json.dumps({"failed": runner.failures, "tried": runner.tries, "from": pressarchive.__file__,
                  "ui": sorted(m for m in sys.modules if m.split(".")[0] in ("click", "rich"))}))
"""


def test_the_notebook_session_in_docs_api_md_runs(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    sample = tmp_path / SAMPLE_NAME  # the bundled copy is corpus/<id>/raw.txt: the session adds it by its own name
    sample.write_bytes(sample_path().read_bytes())
    proc = subprocess.run([sys.executable, "-I", "-c", DRIVER, str(ROOT), str(ROOT / "docs" / "api.md"),
                           str(tmp_path / "archive"), str(sample)],
                          capture_output=True, text=True, env=env, cwd=str(tmp_path), timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    import json

    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["failed"] == 0, proc.stdout[-4000:]
    assert result["tried"] >= 20
    assert Path(result["from"]).resolve() == (ROOT / "pressarchive" / "__init__.py").resolve()
    assert result["ui"] == [], "the library imported click or rich"


def test_every_public_name_is_documented():
    import pressarchive

    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for name in ("open", "init", "add", "search", "hits", "show", "people", "conferences", "stats", "export",
                 "remove", "check", "compact"):
        assert re.search(rf"`(pressarchive)?\.{name}\(", text), name
    for name in pressarchive.__all__:
        assert hasattr(pressarchive, name), name
