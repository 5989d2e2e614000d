"""Askers (issue 13, part 4): a reporter the host calls on, or who introduces themselves, is the named
speaker (role reporter, name and/or outlet) of the question that follows."""
from __future__ import annotations

import pytest

from pressarchive.ingest import ingest_bytes
from pressarchive.ingest.askers import called, introduced


@pytest.mark.parametrize("text, want", [
    ("Go ahead, Karen.", ("Karen", None)),
    ("Okay, Karen, go ahead.", ("Karen", None)),
    ("Next we'll go to Trevor Hunnicutt with Reuters.", ("Trevor Hunnicutt", "Reuters")),
    ("Our next question comes from Josh Boak with the Associated Press.", ("Josh Boak", "Associated Press")),
    ("Thanks. We'll go to Howard at Reuters.", ("Howard", "Reuters")),
    ("Kayla, you should be able to unmute.", ("Kayla", None)),
    ("Darlene, why don’t you kick us off.", ("Darlene", None)),
    ("Mike?", ("Mike", None)),
    ("Go ahead, Bloomberg.", (None, "Bloomberg")),
])
def test_calls(text, want):
    assert called(text, {"dana", "hale"}) == want


@pytest.mark.parametrize("text", [
    "We are working with Congress.", "That is all. Yes.", "Thank you, Karen.", "Jeff, do you want to take that?",
    "And that is the position of Russia.",
])
def test_no_call(text):
    assert called(text, {"jeff", "zane"}, "trouble in Russia") is None


@pytest.mark.parametrize("text, want", [
    ("Howard Schneider with Reuters. Thank you.", ("Howard Schneider", "Reuters")),
    ("Hi, Chair Stone. Nick Timiraos, Wall Street Journal. So, rates.", ("Nick Timiraos", "Wall Street Journal")),
    ("Thanks. Steve Liesman, CNBC. Mr. Chairman, the question is", ("Steve Liesman", "CNBC")),  # no run-on
    ("Hi, this is Kayla Epstein from Bloomberg News. Thanks", ("Kayla Epstein", "Bloomberg News")),
    ("我是第一财经记者，请问", (None, "第一财经")),
])
def test_self_introductions(text, want):
    assert introduced(text, set()) == want


BRIEFING = """MS. HALE:  Good afternoon.  Go ahead, Karen.

Q    Thanks, Dana.  Is the bill dead?

MS. HALE:  No.  We are still talking with members every day, and the President is engaged in it.

Q    And on the timing?

MS. HALE:  Next week, we hope.  Go ahead.

Q    Victoria Guida with Politico.  On rates?

MS. HALE:  Not for me to say.  Next we'll go to Trevor Hunnicutt with Reuters.

Q    Thank you.  On trade?

MS. HALE:  No news.  Kayla, you should be able to unmute.

Q    Thanks.  On Ohio?

MS. HALE:  We will see.  Thanks, everyone.
"""


def test_askers_in_a_briefing():
    rec = ingest_bytes(BRIEFING.encode(), "briefing.txt")
    sp = {s.id: s for s in rec.speakers}
    asked = [(sp[t.speaker].name, sp[t.speaker].organization, sp[t.speaker].role) for t in rec.turns if t.kind == "question"]
    assert asked == [
        ("Karen", None, "reporter"),
        ("Karen", None, "reporter"),  # the follow-up after a full answer
        ("Victoria Guida", "Politico", "reporter"),
        ("Trevor Hunnicutt", "Reuters", "reporter"),
        ("Kayla", None, "reporter"),
    ]
    assert [t.kind for t in rec.turns] == ["statement"] + ["question", "answer"] * 5


def test_a_speaker_tagged_by_name_whom_the_moderator_calls_on_is_a_reporter():
    text = ("<NAME>CHAIR STONE</NAME>.  Good afternoon.  We raised rates today.\n"
            "<NAME>DANA ORTIZ</NAME>.  Thanks.  We'll go to Howard at the Daily Planet.\n"
            "<NAME>HOWARD LIEBMAN</NAME>.  Thank you.  Will you raise rates again in June?\n"
            "<NAME>CHAIR STONE</NAME>.  We will decide meeting by meeting.\n"
            "<NAME>DANA ORTIZ</NAME>.  Next, Greta.\n"
            "<NAME>GRETA HOLM</NAME>.  Thanks.  And the balance sheet?\n"
            "<NAME>CHAIR STONE</NAME>.  It is shrinking as planned.\n")
    rec = ingest_bytes(text.encode(), "FOMCpresconf20230614.txt")
    sp = {s.name: s for s in rec.speakers}
    assert sp["Howard Liebman"].role == "reporter" and sp["Howard Liebman"].organization == "Daily Planet"
    assert sp["Greta Holm"].role == "reporter"
    assert [t.kind for t in rec.turns] == ["statement", "statement", "question", "answer", "statement", "question", "answer"]
    assert rec.conference.date == "2023-06-14"
