"""docs/architecture.md lists every module of the package (and no module that is gone)."""
from __future__ import annotations

import re

from conftest import ROOT


def test_every_module_is_in_docs_architecture_md():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([\w/]+\.py|[\w]+/)` \|", text, re.M))
    modules = {p.relative_to(ROOT / "pressarchive").as_posix() for p in (ROOT / "pressarchive").rglob("*.py")}
    missing = sorted(m for m in modules if m not in listed and not (m.endswith("/__init__.py")
                                                                      and m[: -len("__init__.py")] in listed))
    assert not missing, f"docs/architecture.md does not list {missing}"
    gone = sorted(m for m in listed if m.endswith(".py") and m not in modules)
    assert not gone, f"docs/architecture.md lists modules that do not exist: {gone}"
