"""Askers: the question turn's speaker (a reporter with a name and/or outlet) shown after Q everywhere."""
from __future__ import annotations

import io

from pressarchive import export
from pressarchive.hits import citation, make_hit
from pressarchive.records import Conference, Record, Speaker, Turn, asker_label


def record() -> Record:
    conf = Conference(id="2022-04-05-wh-abc123", title="Press Briefing", date="2022-04-05", source="b.md",
                      source_url="https://example.org/b")
    speakers = [Speaker("s1", name="Jen Psaki", role="host", title="Press Secretary"),
                Speaker("s2", name="Trevor Hunnicutt", role="reporter", organization="Reuters"),
                Speaker("s3", role="reporter")]
    turns = [Turn("2022-04-05-wh-abc123:001", 1, "s2", "question", "en", ["What about inflation?"]),
             Turn("2022-04-05-wh-abc123:002", 2, "s1", "answer", "en", ["We watch it closely."],
                  question="2022-04-05-wh-abc123:001"),
             Turn("2022-04-05-wh-abc123:003", 3, "s3", "question", "en", ["And gas prices?"])]
    return Record(conf, speakers, turns)


def test_asker_label_names_the_reporter_and_outlet():
    assert asker_label({"name": "Trevor Hunnicutt", "organization": "Reuters"}) == "Trevor Hunnicutt, Reuters"
    assert asker_label({"organization": "Reuters"}) == "Reuters"
    assert asker_label({"name": "Karen"}) == "Karen"
    assert asker_label({"role": "reporter"}) is None


def test_hits_citations_and_exports_show_the_asker():
    r = record()
    question, answer, anonymous = (make_hit(r, t) for t in r.turns)
    assert question["asker"]["label"] == "Trevor Hunnicutt, Reuters"
    assert answer["asker"]["name"] == "Trevor Hunnicutt" and anonymous["asker"]["label"] is None
    assert citation(question).startswith("Q (Trevor Hunnicutt, Reuters), \"Press Briefing\"")
    assert citation(anonymous).startswith("Q, \"Press Briefing\"")
    assert citation(answer).startswith("Jen Psaki, Press Secretary, \"Press Briefing\"")
    out = io.StringIO()
    export.write([question, answer], "md", out)
    assert "**Q — Trevor Hunnicutt, Reuters**" in out.getvalue()
    row = export.csv_row(answer)
    assert row["question_speaker"] == "Trevor Hunnicutt, Reuters" and row["question_outlet"] == "Reuters"
