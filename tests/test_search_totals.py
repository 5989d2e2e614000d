"""The total a search reports counts the filtered matches, whatever the page size."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from pressarchive.cli import cli
from tests.conftest import sample_path


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("totals")
    result = CliRunner().invoke(cli, ["--home", str(home), "add", str(sample_path())])
    assert result.exit_code == 0, result.output
    return home


def run(home, *args):
    result = CliRunner().invoke(cli, ["--home", str(home), "search", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("filters", [["--speaker", "Li Feng"], ["--kind", "answer"], ["--region", "Jiangsu"], ["--lang", "zh"]])
def test_total_is_the_filtered_count_for_any_limit(home, filters):
    everything = run(home, "clusters", *filters, "--limit", "100")
    assert everything["total"] == len(everything["hits"])
    for limit in ("1", "2", "5"):
        page = run(home, "clusters", *filters, "--limit", limit)
        assert page["total"] == everything["total"]
        assert len(page["hits"]) == min(int(limit), everything["total"])
