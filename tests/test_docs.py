"""Docs that cannot drift: generated files match the code; every command is documented."""
from __future__ import annotations

import dataclasses

from pressarchive import docgen, records
from pressarchive.cli import cli
from tests.conftest import ROOT


def test_every_record_field_is_documented():
    for cls in (records.Record, records.Conference, records.Speaker, records.Turn):
        names = {f.name for f in dataclasses.fields(cls)}
        assert names == set(docgen.FIELD_DOCS[cls.__name__]), cls.__name__


def test_generated_docs_are_up_to_date():
    for name, make in docgen.DOCS.items():
        on_disk = (ROOT / "docs" / name).read_text(encoding="utf-8")
        assert on_disk == make() + "\n", f"docs/{name} is stale: run `python3 -m pressarchive.docgen`"


def test_every_command_is_in_the_cli_reference_and_the_readme():
    reference = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in cli.commands:
        assert f"## pressarchive {name}" in reference
        assert f"`{name}`" in readme or f"pressarchive {name}" in readme, f"README does not mention `{name}`"
