"""The search commands through click: search (table and json), show, speakers, outlets, regions,
conferences; errors are one line plus a hint and exit 2; transcript text cannot reach the terminal raw."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from pressarchive import index
from pressarchive.cli import cli
from pressarchive.records import turn_id
from test_index import CONF_A, CONF_B, seed


@pytest.fixture(autouse=True)
def no_lexicon(monkeypatch):
    monkeypatch.setattr(index, "BUILD_LEXICON", False)


@pytest.fixture
def archive(archive_home):
    return seed(archive_home)


def run(*args: str):
    result = CliRunner(env={"COLUMNS": "200"}).invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def run_split(*args: str):
    try:
        runner = CliRunner(mix_stderr=False)
    except TypeError:  # click >= 8.2 keeps stderr apart already
        runner = CliRunner()
    result = runner.invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_search_table_shows_who_where_question_snippet_and_id(archive):
    code, out = run("search", "集成电路", "--kind", "answer", "--no-translate")
    assert code == 0
    assert "Zhang Hongtao (张宏韬), Chief Engineer, Shanghai Municipal Commission" in out
    assert "· Shanghai" in out and "answer" in out
    assert "Press conference on regional manufacturing · 2023-03-05" in out
    assert "Q (上海电视台): 请问上海在集成电路方面有哪些进展？" in out
    assert "集成電路产业规模达到1.27万亿元" in out
    assert turn_id(CONF_A, 5) in out
    assert "1 turn · sorted by relevance" in out


def test_search_table_question_is_its_first_sentence(archive):
    code, out = run("search", "green factories", "--speaker", "zhang hongtao")
    assert code == 0
    assert "Q (Jiefang Daily): The Yangtze River Delta is a key region." in out
    assert "How will" not in out


def test_search_table_highlights_with_markup(archive, monkeypatch):
    from pressarchive import render

    hit = {"turn": {"paragraphs": ["Shanghai built 3 green factories [x]"]},
           "highlights": [{"paragraph": 0, "start": 17, "end": 32}]}
    text = render.snippet(hit)
    assert f"[{render.HIGHLIGHT}]green factories[/{render.HIGHLIGHT}]" in text
    assert text.endswith("\\[x]")  # transcript text is escaped, not read as markup


def test_search_json_layout(archive):
    code, out = run("search", '"green factories"', "--limit", "1", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["total"] == 2 and len(data["hits"]) == 1 and data["limit"] == 1
    hit = data["hits"][0]
    assert set(hit) >= {"turn", "speaker", "conference", "question", "score", "highlights", "matched_terms",
                        "translated_from"}
    assert set(hit["turn"]) >= {"id", "seq", "kind", "lang", "paragraphs", "regions"}
    assert set(hit["speaker"]) >= {"name", "name_zh", "role", "title", "organization", "region"}
    assert set(hit["conference"]) >= {"id", "title", "date"}
    para = hit["turn"]["paragraphs"][hit["highlights"][0]["paragraph"]]
    assert para[hit["highlights"][0]["start"]:hit["highlights"][0]["end"]] == "green factories"


def test_search_with_filters_only(archive):
    code, out = run("search", "--region", "Chongqing", "--format", "json")
    data = json.loads(out)
    assert code == 0 and [h["turn"]["id"] for h in data["hits"]] == [turn_id(CONF_A, 6)]
    assert data["filters"] == {"region": "Chongqing"}


def test_search_sort_date_and_limit(archive):
    code, out = run("search", "manufacturing", "--sort", "date", "--format", "json", "--no-translate")
    hits = json.loads(out)["hits"]
    assert [h["conference"]["date"] for h in hits] == ["2023-03-05", "2021-06-01"]
    # B's question and its answer both matched: one hit, in turn order the question with its answer under it
    assert hits[1]["turn"]["id"] == turn_id(CONF_B, 1) and hits[1]["answer"]["id"] == turn_id(CONF_B, 2)
    assert hits[1]["also_matched"] == [turn_id(CONF_B, 2)]


def test_no_matches_exits_1_as_grep_does_and_is_not_an_error(archive):
    code, out, err = run_split("search", "zeppelin")
    assert code == 1 and "No turns matched." in out and "Error" not in err
    code, out = run("search", "zeppelin", "--format", "json")
    assert code == 1 and json.loads(out)["hits"] == [] and json.loads(out)["total"] == 0
    code, out = run("search", "zeppelin", "--json")  # --json: the shortcut
    assert code == 1 and json.loads(out)["total"] == 0
    code, out = run("search", "集成电路", "--json", "--no-translate")
    assert code == 0 and json.loads(out)["total"] > 0


@pytest.mark.parametrize("args, first_line, hint", [
    (["search", "--region", "Atlantis"], "Error: no speaker from region 'Atlantis' in the archive",
     "Hint: known regions: Chongqing, Jiangsu, National, Shanghai"),
    (["search", "x", "--outlet", "Planet"], "Error: no outlet 'Planet' in the archive", "Jiefang Daily"),
    (["search", '"open'], "Error: unbalanced quote in the query", "Hint: close the phrase"),
    (["search", "colour:red"], "Error: unknown field 'colour' in the query", "Hint: fields:"),
    (["search"], "Error: give a query or a filter", "Hint:"),
    (["search", "x", "--limit", "none"], "Error: --limit must be a whole number, 1 or more, not 'none'", None),
    (["search", "x", "--sort", "random"], "Error: unknown sort 'random'", "relevance, date"),
    (["search", "x", "--format", "xml"], "Error: unknown format 'xml'", "table, json"),
    (["search", "--kind", "rant"], "Error: unknown kind 'rant'", "statement, question, answer"),
    (["search", "--since", "soon"], "Error: --since 'soon' is not a date", "YYYY-MM-DD"),
    (["speakers", "--region", "Mars"], "Error: no speaker from region 'Mars' in the archive", "Shanghai"),
    (["conferences", "--since", "2023-13"], "Error: --since '2023-13' is not a date", None),
])
def test_bad_input_is_one_line_and_exit_2(archive, args, first_line, hint):
    code, out, err = run_split(*args)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert lines[0].startswith(first_line) and "Traceback" not in err
    if hint:
        assert len(lines) == 2 and hint in lines[1]


def test_unknown_turn_is_exit_1(archive):
    code, out, err = run_split("show", "nonsense")
    assert code == 1 and err.startswith("Error: 'nonsense' is not a turn id")
    code, out, err = run_split("show", f"{CONF_A}:042")
    assert code == 1 and f"no turn 42 in conference {CONF_A}" in err


def test_terminal_escapes_never_reach_the_terminal(archive):
    code, out = run("search", "Xiong'an")
    assert code == 0 and "\x1b" not in out
    assert "[bold]not markup[/bold]" in out  # shown as typed, not interpreted
    code, out = run("show", turn_id(CONF_B, 3))
    assert code == 0 and "\x1b" not in out and "red" in out


def test_show_an_answer_with_its_question_and_neighbours(archive):
    code, out = run("show", turn_id(CONF_A, 3))
    assert code == 0
    assert "Press conference on regional manufacturing" in out
    assert "Question" in out and "The Yangtze River Delta is a key region." in out
    assert "Shanghai built 3 green factories last year" in out
    assert f"after: {turn_id(CONF_A, 4)}" in out and "before:" not in out  # turn 2 is shown as its question


def test_show_a_question_lists_its_answers_json(archive):
    code, out = run("show", f"{CONF_A}:4", "--format", "json", "--context", "0")
    data = json.loads(out)
    assert code == 0 and data["hit"]["turn"]["id"] == turn_id(CONF_A, 4)
    assert [a["turn"]["id"] for a in data["answers"]] == [turn_id(CONF_A, 5)]
    assert data["before"] == [] and data["after"] == []


def test_speakers_table_and_json(archive):
    code, out = run("speakers", "--format", "table")
    assert code == 0 and "Speakers (4)" in out and "Zhang Hongtao" in out and "张宏韬" in out
    code, out = run("speakers", "--region", "shanghai", "--format", "json")
    data = json.loads(out)
    assert data["total"] == 1 and data["speakers"][0]["name"] == "Zhang Hongtao"
    assert data["speakers"][0]["turns"] == 2 and data["speakers"][0]["conference_ids"] == [CONF_A]
    assert data["speakers"][0]["conferences"] == 1  # a count (issue 13); the ids are conference_ids


def test_outlets_regions_conferences(archive):
    code, out = run("outlets", "--conference", CONF_A, "--format", "json")
    assert code == 0 and {o["outlet"] for o in json.loads(out)["outlets"]} == {"Jiefang Daily", "上海电视台"}
    code, out = run("regions", "--format", "table")
    assert code == 0 and "Regions" in out and "Chongqing" in out and "Jiangsu" in out
    code, out = run("regions", "--format", "json")
    shanghai = next(r for r in json.loads(out)["regions"] if r["region"] == "Shanghai")
    assert shanghai["turns"] == 2 and shanghai["mentions"] == 1
    code, out = run("conferences", "--format", "json")
    assert [c["id"] for c in json.loads(out)["conferences"]] == [CONF_A, CONF_B]
    code, out = run("conferences", "--region", "Jiangsu", "--format", "table")
    assert code == 0 and CONF_B in out and CONF_A not in out


def test_index_is_built_on_first_use_and_refreshed(archive, archive_home):
    assert not (archive_home / "index").exists()
    code, _ = run("search", "green")
    assert code == 0 and (archive_home / "index" / index.STATE_FILE).is_file()
    (archive_home / "index" / index.STATE_FILE).write_text("garbage", encoding="utf-8")
    code, out = run("search", "Hengqin OR Xiong'an", "--format", "json")
    assert code == 0 and json.loads(out)["total"] == 1


def test_fresh_process_json_is_clean(archive, archive_home):
    """A real process: stdout is exactly the JSON (no progress bar), stderr carries no traceback."""
    index.ensure_index(archive).close()  # built here, without the (slow) lexicon
    env = dict(os.environ, PRESSARCHIVE_HOME=str(archive_home))
    proc = subprocess.run([sys.executable, "-m", "pressarchive", "search", "产业转移", "--format", "json",
                           "--no-translate"], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert {h["turn"]["id"] for h in data["hits"]} == {turn_id(CONF_A, 5), turn_id(CONF_A, 6)}
    assert "Traceback" not in proc.stderr


def test_embedded_default_searches_the_bundled_sample(archive_home, monkeypatch, tmp_path):
    """The default home is seeded with the bundled sample on first use, and says so once; the first
    search builds the index."""
    from pressarchive.home import bundled_corpus

    monkeypatch.delenv("PRESSARCHIVE_NO_SEED", raising=False)
    monkeypatch.delenv("PRESSARCHIVE_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))

    bundled = bundled_corpus()
    if bundled is None or not any(bundled.glob("*/record.json")):
        pytest.skip("no bundled sample archive")
    code, out, err = run_split("search", "集成电路", "--format", "json", "--no-translate")
    assert code == 0 and (tmp_path / "data" / "pressarchive" / "corpus").is_dir()
    assert "with the bundled sample" in err and str(tmp_path / "data" / "pressarchive") in err
    code, out, err = run_split("search", "集成电路", "--format", "json", "--no-translate")
    assert code == 0 and "bundled sample" not in err  # said once
    top = [" ".join(h["turn"]["paragraphs"]) for h in json.loads(out)["hits"][:3]]
    assert any("三大先导产业规模达到1.27万亿元" in t for t in top)
    code, out = run("search", "--speaker", "zhang hongtao", "--kind", "answer", "--format", "json")
    assert code == 0 and {h["speaker"]["name_zh"] for h in json.loads(out)["hits"]} == {"张宏韬"}


# --- conventions of the tools people know (rg, gh, sqlite-utils) --------------------------------
def test_listings_are_tsv_when_piped_and_take_every_format(archive):
    code, out = run("speakers")  # CliRunner's stdout is not a terminal: TSV
    lines = out.splitlines()
    assert code == 0 and lines[0].split("\t")[:3] == ["name", "name_zh", "role"]
    assert "┃" not in out and "│" not in out and all(len(line.split("\t")) == 9 for line in lines)
    code, out = run("speakers", "--format", "csv")
    assert out.splitlines()[0].startswith("name,name_zh,role,")
    code, out = run("conferences", "--format", "table")
    assert "┃" in out or "│" in out
    code, out = run("conferences", "--json")
    assert {c["id"] for c in json.loads(out)["conferences"]} >= {CONF_A}
    code, out = run("outlets", "--format", "tsv")
    assert out.splitlines()[0] == "outlet\toutlet_zh\tquestions\tconferences"
    code, out, err = run_split("regions", "--format", "xml")
    assert code == 2 and "table, tsv, csv, json" in err


def test_color_option(archive):
    code, out = run("--color", "always", "search", "集成电路", "--no-translate")
    assert code == 0 and "\x1b[" in out
    code, out = run("--color", "never", "search", "集成电路", "--no-translate")
    assert code == 0 and "\x1b[" not in out
    code, out, err = run_split("--color", "sometimes", "search", "x")
    assert code == 2


def test_completion_script(archive):
    code, out = run("completion", "bash")
    assert code == 0 and "_PRESSARCHIVE_COMPLETE" in out and "complete" in out


def test_show_json_shortcut(archive):
    code, out = run("show", f"{CONF_A}:4", "--json", "--context", "0")
    assert code == 0 and json.loads(out)["hit"]["turn"]["id"] == f"{CONF_A}:004"
