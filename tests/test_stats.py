"""stats: counts of matching turns checked against numbers worked out by hand."""
from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from pressarchive import export, render
from pressarchive.cli import cli
from pressarchive.hits import make_hit
from test_export import CONF, make_record, save

OTHER = "2023-01-05-miit-def456"


@pytest.fixture
def two_conferences(archive_home):
    """8 turns: per conference 2 host statements (National), 1 reporter question, 1 answer (Shanghai / Beijing)."""
    save(archive_home, make_record())
    save(archive_home, make_record(OTHER, "2023-01-05", region="Beijing"))


def run(*args: str):
    render.set_streams()  # consoles are rebuilt on the runner's stdout
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def counts(rows):
    return [(r["value"], r["count"]) for r in rows]


def test_tally_by_each_dimension():
    hits = [make_hit(r, t) for r in (make_record(), make_record(OTHER, "2023-01-05", "Beijing")) for t in r.turns]
    assert counts(export.tally(hits, "region")) == [("National", 4), ("Beijing", 1), ("Shanghai", 1), ("(none)", 2)]
    assert counts(export.tally(hits, "speaker")) == [
        ("Cheng Xiaoming", 4), ("=Economic Daily reporter", 2), ("Zhang Hongtao", 2)]
    assert counts(export.tally(hits, "outlet")) == [("=Economic Daily", 4), ("(none)", 4)]
    assert counts(export.tally(hits, "month")) == [("2022-09", 4), ("2023-01", 4)]
    assert counts(export.tally(hits, "conference")) == [(CONF, 4), (OTHER, 4)]
    with pytest.raises(export.QueryError):
        export.tally(hits, "colour")


def test_stats_json_csv_and_chart(two_conferences):
    data = json.loads(run("stats", "--by", "region", "--format", "json"))
    assert data["total"] == 8 and counts(data["rows"])[0] == ("National", 4)
    one = json.loads(run("stats", "--conference", CONF, "--by", "region", "--format", "json"))
    assert counts(one["rows"]) == [("National", 2), ("Shanghai", 1), ("(none)", 1)]
    text = run("stats", "--by", "outlet", "--format", "csv")
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text[1:]))) == [
        ["outlet", "label", "count"], ["'=Economic Daily", "'=Economic Daily", "4"], ["(none)", "(none)", "4"]]
    chart = run("stats", "--by", "speaker")
    assert "Zhang Hongtao (张宏韬)" in chart and "████" in chart and "8 matching turns in 3 groups" in chart
    lines = {line.split("  ")[0].strip(): line for line in chart.splitlines()}
    assert lines["Cheng Xiaoming (程晓明)"].count("█") == 40 and lines["Zhang Hongtao (张宏韬)"].count("█") == 20


def test_stats_bad_by_is_one_line(two_conferences, capsys):
    from pressarchive.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["stats", "--by", "colour"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines()[0] == "Error: cannot count by 'colour'"


def test_stats_and_export_count_every_search_match(two_conferences, monkeypatch):
    from pressarchive import index

    monkeypatch.setattr(index, "BUILD_LEXICON", False)
    monkeypatch.setattr(export, "SEARCH_PAGE", 1)  # force the second, limit=total request
    data = json.loads(run("stats", "集成电路", "--by", "region", "--format", "json"))
    assert data["total"] == 4 and counts(data["rows"]) == [("Beijing", 1), ("Shanghai", 1), ("(none)", 2)]
    rows = list(csv.DictReader(io.StringIO(run("export", "集成电路", "--kind", "answer", "--format", "csv")[1:])))
    assert sorted(r["speaker_region"] for r in rows) == ["Beijing", "Shanghai"]
    assert "<mark>集成电路</mark>" in run("export", "集成电路", "--limit", "1", "--format", "html")
