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


def test_count_stops_at_the_limit_and_says_so(home, monkeypatch):
    from pressarchive import search as search_mod
    from pressarchive.archive import Archive

    archive = Archive(home)
    exact = search_mod.search(archive, "industry", limit=2, count_limit=None, translate=False)
    assert exact.total_exact and exact.total > 5
    capped = search_mod.search(archive, "industry", limit=2, count_limit=4, translate=False)
    assert (capped.total, capped.total_exact) == (4, False)
    assert [h["turn"]["id"] for h in capped.hits] == [h["turn"]["id"] for h in exact.hits]
    roomy = search_mod.search(archive, "industry", limit=2, count_limit=exact.total, translate=False)
    assert (roomy.total, roomy.total_exact) == (exact.total, True)
    monkeypatch.setattr(search_mod, "COUNT_LIMIT", 3)  # the CLI's default, seen through JSON and the table
    data = run(home, "industry", "--limit", "2", "--no-translate")
    assert (data["total"], data["total_exact"]) == (3, False)
    table = CliRunner().invoke(cli, ["--home", str(home), "search", "industry", "--limit", "2", "--no-translate"])
    assert "2 of 3+ turns" in table.output


def test_matched_terms_are_looked_up_for_the_page_only(home):
    """Each hit lists the query words it holds (no Whoosh term records for every match)."""
    data = run(home, "clusters OR 集成电路", "--limit", "20", "--no-translate")
    found = {(h["turn"]["id"], tuple(sorted(t.casefold() for t in h["matched_terms"]))) for h in data["hits"]}
    assert any("集成电路" in terms for _, terms in found)
    assert any(any(t.startswith("cluster") for t in terms) for _, terms in found)
    for hit in data["hits"]:
        text = " ".join(hit["turn"]["paragraphs"]).casefold()
        assert all(t.casefold() in text for t in hit["matched_terms"]) or hit["turn"]["kind"] == "answer"


def test_records_are_read_for_the_page_only(home, monkeypatch):
    """The re-rank of translated hits reads the turn's language from the index, not from records."""
    from pressarchive import search as search_mod
    from pressarchive.archive import Archive

    archive = Archive(home)
    read: list[str] = []
    real_get = archive.get
    monkeypatch.setattr(archive, "get", lambda cid: read.append(cid) or real_get(cid))
    result = search_mod.search(archive, "industrial clusters", limit=1)  # translated: 12 hits fetched
    assert result.expansions and len(result.hits) == 1 and len(read) == 1
    assert result.hits == search_mod.search(Archive(home), "industrial clusters", limit=5).hits[:1]
