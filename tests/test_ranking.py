"""ranking.py (the prior folded into BM25) and grouping.py (pairs, a few per conference, copies)."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from pressarchive import index, ranking
from pressarchive.cli import cli
from pressarchive.records import Conference, Record, Speaker, Turn, turn_id
from pressarchive.search import Filters, search
from test_index import seed

LONG = ("Inflation is coming down: the consumer price index rose 0.1 percent last month, core prices rose less "
        "than forecasters expected, and gas prices have fallen for ninety days in a row, which is why families "
        "are starting to feel some breathing room at the pump and at the grocery store.")


@pytest.fixture(autouse=True)
def no_lexicon(monkeypatch):
    monkeypatch.setattr(index, "BUILD_LEXICON", False)


def conference(cid: str, date: str, rows: list[tuple], title: str = "Press briefing") -> Record:
    speakers = [Speaker(id="s1", name="Pat Doe", role="official"), Speaker(id="s2", role="reporter", organization="Wire")]
    turns = []
    for seq, speaker, kind, text, *q in rows:
        turns.append(Turn(id=turn_id(cid, seq), seq=seq, speaker=speaker, kind=kind, lang="en",
                          paragraphs=[text], question=turn_id(cid, q[0]) if q else None))
    return Record(conference=Conference(id=cid, title=title, date=date, source=f"{cid}.md", languages=["en"],
                                        content_hash=cid[-1] * 64), speakers=speakers, turns=turns)


def ids(result) -> list[str]:
    return [h["turn"]["id"] for h in result.hits]


# --- the prior ----------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["Thank you.", "Go ahead, Steve.", "Next question.", "Mm-hmm.", "Thanks, Jen.",
                                  "Sure. Go ahead.", "谢谢！", "Okay, last question."])
def test_procedural_turns(text):
    assert ranking.is_procedural([text])


@pytest.mark.parametrize("text", ["Inflation, you said?", "On the debt ceiling —", LONG, "集成电路产业规模达到1.27万亿元。"])
def test_turns_with_a_subject_are_not_procedural(text):
    assert not ranking.is_procedural([text])


def test_the_prior_saturates_in_length_and_ranks_questions_below_answers():
    def prior(kind: str, words: int) -> float:
        return ranking.prior_of(ranking.features(kind, [" ".join(["word"] * words)]))

    assert prior("answer", 3) < prior("answer", 25) < prior("answer", 100) < prior("answer", 1000) <= 1.0
    assert prior("answer", 1000) / prior("answer", 200) < 1.15  # length alone earns little beyond a few hundred words
    assert prior("question", 60) < prior("answer", 60)
    assert ranking.prior_of(ranking.features("answer", ["Thank you."])) < prior("answer", 2)


def test_a_substantive_answer_outranks_a_short_one_that_repeats_the_word(archive_home):
    rec = conference("2022-01-01-wh-aaaaaa", "2022-01-01", [
        (1, "s2", "question", "And on inflation, what do you say to families?"),
        (2, "s1", "answer", "Inflation? Inflation, you said?", 1),
        (3, "s2", "question", "What about prices at the pump?"),
        (4, "s1", "answer", LONG, 3),
        (5, "s1", "statement", "Thank you, inflation."),
    ])
    archive = seed(archive_home, [rec])
    r = search(archive, "inflation", translate=False)
    assert ids(r)[0] == turn_id(rec.conference.id, 4)
    assert r.hits[0]["question"]["id"] == turn_id(rec.conference.id, 3)


# --- hits: pairs, a few per conference, copies ------------------------------------------------
def test_a_question_and_its_answer_are_one_hit(archive_home):
    rec = conference("2022-01-01-wh-aaaaaa", "2022-01-01", [
        (1, "s2", "question", "What is the plan for the strategic petroleum reserve and its refill?"),
        (2, "s1", "answer", "The strategic petroleum reserve will be refilled when prices fall below seventy "
                            "dollars a barrel, which protects taxpayers and keeps supply steady.", 1),
    ])
    archive = seed(archive_home, [rec])
    cid = rec.conference.id
    r = search(archive, "petroleum reserve", translate=False)
    assert len(r.hits) == 1 and r.total == 2
    assert r.hits[0]["turn"]["id"] == turn_id(cid, 2) and r.hits[0]["question"]["id"] == turn_id(cid, 1)
    assert r.hits[0]["also_matched"] == [turn_id(cid, 1)]
    # --kind keeps its meaning: the question alone, with its answer under it
    q = search(archive, "petroleum reserve", Filters(kind="question"), translate=False)
    assert ids(q) == [turn_id(cid, 1)] and q.hits[0]["answer"]["id"] == turn_id(cid, 2)
    assert q.hits[0]["answer"]["speaker"]["name"] == "Pat Doe"
    a = search(archive, "petroleum reserve", Filters(kind="answer"), translate=False)
    assert ids(a) == [turn_id(cid, 2)] and "answer" not in a.hits[0]


def test_a_few_hits_per_conference_while_others_match(archive_home):
    busy = conference("2022-01-02-wh-bbbbbb", "2022-01-02", [
        (n, "s1", "statement", f"Tariffs and tariffs again, point {n}: tariffs on steel and tariffs on aluminium.")
        for n in range(1, 6)])
    other = conference("2022-01-03-wh-cccccc", "2022-01-03", [
        (1, "s1", "statement", "A long statement that mentions tariffs once among many other words about the "
                               "economy, jobs, wages, the budget, the deficit and the outlook for next year.")])
    archive = seed(archive_home, [busy, other])
    r = search(archive, "tariffs", limit=3, per_conference=2, translate=False)
    assert [h["conference"]["id"] for h in r.hits].count(busy.conference.id) == 2
    assert other.conference.id in [h["conference"]["id"] for h in r.hits]
    assert r.held_back == {busy.conference.id: 3} and r.total == 6
    assert len(search(archive, "tariffs", limit=3, per_conference=None, translate=False).hits) == 3
    assert other.conference.id not in [h["conference"]["id"] for h in
                                       search(archive, "tariffs", limit=3, per_conference=None, translate=False).hits]
    # fewer matches than the page holds: every match is shown, held back or not
    assert len(search(archive, "tariffs", per_conference=2, translate=False).hits) == 6
    # one conference alone: the page is not starved, the held-back turns fill it
    alone = search(archive, "tariffs", Filters(since="2022-01-02", until="2022-01-02"), per_conference=2, translate=False)
    assert len(alone.hits) == 5 and alone.held_back == {}


def test_a_republished_passage_is_one_hit_naming_its_copy(archive_home):
    text = ("We are sending another four hundred million dollars of security assistance, including air defense "
            "systems and artillery rounds, and we will keep supporting them for as long as it takes.")
    first = conference("2022-05-01-wh-dddddd", "2022-05-01", [(1, "s1", "statement", text)], title="Briefing")
    again = conference("2022-05-02-wh-eeeeee", "2022-05-01", [(1, "s1", "statement", " " + text.replace("  ", " "))],
                       title="Briefing (republished)")
    archive = seed(archive_home, [first, again])
    r = search(archive, "security assistance", translate=False)
    assert len(r.hits) == 1 and r.total == 2
    (copy,) = r.hits[0]["copies"]
    assert {copy["conference"]["id"], r.hits[0]["conference"]["id"]} == {first.conference.id, again.conference.id}


def test_cli_per_conference(archive_home):
    seed(archive_home, [conference("2022-01-02-wh-bbbbbb", "2022-01-02", [
        (n, "s1", "statement", f"Tariffs, point {n}: tariffs on steel.") for n in range(1, 5)])])
    runner = CliRunner()
    out = runner.invoke(cli, ["search", "tariffs", "--per-conference", "0", "--format", "json", "--no-translate"])
    assert out.exit_code == 0 and len(json.loads(out.output)["hits"]) == 4
    bad = runner.invoke(cli, ["search", "tariffs", "--per-conference", "some"])
    assert bad.exit_code == 2 and "--per-conference must be a whole number" in bad.output
    assert "Traceback" not in bad.output


# --- reading the results ------------------------------------------------------------------------
def long_title_archive(archive_home):
    title = "The tenth press conference of the series on industrial and information development " * 3
    rec = conference("2022-01-02-wh-bbbbbb", "2022-01-02", [
        (1, "s1", "statement", "Good afternoon. Before questions, a word on the weather."),
        (2, "s2", "question", "What is the outlook for tariffs on steel next year?"),
        (3, "s1", "answer", "Tariffs on steel stay where they are while the review runs, and the review ends in "
                            "March; after that the tariffs on steel may come down for our allies.", 2),
        (4, "s2", "question", "And on tariffs for aluminium?"),
        (5, "s1", "answer", "Aluminium tariffs follow the same review of tariffs, on the same timetable.", 4),
        (6, "s1", "statement", "Thank you all, see you tomorrow."),
    ], title=title.strip())
    return seed(archive_home, [rec]), rec


def test_table_groups_hits_under_one_title_cut_to_the_width(archive_home):
    _, rec = long_title_archive(archive_home)
    out = CliRunner().invoke(cli, ["search", "tariffs", "--no-translate"])
    assert out.exit_code == 0
    lines = out.output.splitlines()
    headers = [line for line in lines if line.startswith("The tenth press conference")]
    assert len(headers) == 1 and headers[0].endswith("· 2022-01-02") and "…" in headers[0]
    assert len(headers[0]) <= 80
    assert " 1. " in out.output and " 2. " in out.output  # both hits under the one header
    assert "Q (Wire): What is the outlook for tariffs on steel next year?" in out.output


def test_context_shows_neighbouring_turns(archive_home):
    _, rec = long_title_archive(archive_home)
    cid = rec.conference.id
    out = CliRunner().invoke(cli, ["search", "aluminium", "--kind", "answer", "--context", "1", "--no-translate"])
    assert out.exit_code == 0
    assert "│ Pat Doe (answer): Tariffs on steel stay" in out.output  # before its question
    assert "│ Pat Doe (statement): Thank you all" in out.output  # after the answer
    data = json.loads(CliRunner().invoke(cli, ["search", "aluminium", "--kind", "answer", "-C", "2", "--format",
                                               "json", "--no-translate"]).output)
    context = data["hits"][0]["context"]
    assert [t["turn"]["id"] for t in context["before"]] == [turn_id(cid, 2), turn_id(cid, 3)]
    assert [t["turn"]["id"] for t in context["after"]] == [turn_id(cid, 6)]
    assert "context" not in json.loads(CliRunner().invoke(
        cli, ["search", "aluminium", "--format", "json", "--no-translate"]).output)["hits"][0]


def test_pager_on_a_terminal_only_and_never_with_no_pager(archive_home, tmp_path, monkeypatch):
    from pressarchive import render

    long_title_archive(archive_home)
    paged_to = tmp_path / "paged.txt"
    monkeypatch.setenv("PAGER", f"cat > '{paged_to}'")
    monkeypatch.delenv("LESS", raising=False)
    # piped (CliRunner's output is no terminal): no pager
    out = CliRunner().invoke(cli, ["search", "tariffs", "--no-translate"])
    assert "Tariffs on steel" in out.output and not paged_to.exists()
    monkeypatch.setattr(render, "_is_terminal", lambda stream: True)
    monkeypatch.setattr(render, "_screen_lines", lambda: 4)
    out = CliRunner().invoke(cli, ["search", "tariffs", "--no-translate"])
    assert out.exit_code == 0 and out.output == "" and "Tariffs on steel" in paged_to.read_text(encoding="utf-8")
    paged_to.unlink()
    out = CliRunner().invoke(cli, ["search", "tariffs", "--no-translate", "--no-pager"])
    assert "Tariffs on steel" in out.output and not paged_to.exists()
    monkeypatch.setattr(render, "_screen_lines", lambda: 500)  # shorter than a screen: printed as it is
    out = CliRunner().invoke(cli, ["search", "tariffs", "--no-translate"])
    assert "Tariffs on steel" in out.output and not paged_to.exists()
