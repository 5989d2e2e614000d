"""Names within one conference (issue 13, part 3): titles apart from names, typos in the title part,
damaged labels, words that are no first names, misspelt surname labels, evidence from the title."""
from __future__ import annotations

import pytest

from pressarchive.ingest import ingest_bytes
from pressarchive.ingest.labels import parse_label
from pressarchive.ingest.people import near, split_title, typo_of


@pytest.mark.parametrize("raw, name, title", [
    ("ACTING ADMINISTRATOR STONE:  Thanks.", "STONE", "Acting Administrator"),
    ("ACTING ADMINSTRATOR STONE:  Thanks.", "STONE", "Acting Administrator"),  # a typo in the title
    ("ACTING ADMINISTRATION STONE:  Thanks.", "STONE", "Acting Administrator"),
    ("SURGEON GENERAL OKAFOR:  Thanks.", "OKAFOR", "Surgeon General"),
    ("SECRETARY GENERAL LINDQVIST:  Thanks.", "LINDQVIST", "Secretary General"),
    ("Prime Minister Halvorsen: Thanks.", "Halvorsen", "Prime Minister"),
])
def test_titles_are_separated_from_names(raw, name, title):
    lab = parse_label(raw)
    assert lab.kind == "person" and lab.name == name and lab.title == title


def test_damaged_labels():
    assert (parse_label("QMS. HALE:  The President views it so.").name, parse_label("QMS. HALE:  x").honorific) == ("HALE", "MS")
    assert parse_label("QMS. HALE:  The President views it so.").rest.startswith("The President")
    assert parse_label("S. HALE:  I skipped the AP.").name == "HALE"
    assert parse_label("J. Hale: hello").name == "J. Hale"  # a real initial in mixed case stays


def test_misspelt_generic_labels_and_titles():
    assert parse_label("MODEARTOR:  Next question.").role == "host"
    assert parse_label("Moerator: Next question.").role == "host"
    assert parse_label("SENIOR ADMINISTRATION OFFIAL:  Sure.").title == "Senior Administration Official"
    assert parse_label("Speakers:  Ann Lee, Bo Chen") is None or parse_label("Speakers:  Ann Lee").role != "other"


def test_near_and_typo_rules():
    assert near("Adminstrator", {"administrator", "administration"}) == "administrator"
    assert near("Doctors", {"doctor"}) == "doctor"
    assert near("Carole", {"colonel", "counsel"}) is None
    assert split_title("Marcella Okafor-Smith") == (None, "Marcella Okafor-Smith")
    assert typo_of("walesnky", "walensky") and typo_of("sullian", "sullivan")
    assert not typo_of("rice", "price") and not typo_of("hale", "vale")


BRIEFING = """---
title: "Press Briefing by Press Secretary Dana\\_Hale and Health Adviser Dr.\\_Rosa Quint"
source_url: https://example.gov/briefing/1
---

MS. HALE:  Good afternoon.  When Quint spoke this morning, Doctors and nurses listened.  I'll turn it
over to Dr. Rosa Quint.

DR. QUINT:  Thank you, Dana.  Cases are down this week.

Q    Thanks.  Dr. Quint, are cases down everywhere?

DR. QUIANT:  Almost everywhere.  When we look at the data, when the data are in, we know more.

Q    And a follow-up on schools, when they reopen?

DR. QUINT:  When they reopen, we will say so.

MS. HALE:  Thanks, everyone.
"""


def test_one_person_per_person_within_a_conference():
    rec = ingest_bytes(BRIEFING.encode(), "briefing.md")
    people = {s.name: s for s in rec.speakers if s.role != "reporter"}
    assert set(people) == {"Dana Hale", "Rosa Quint"}, [s.name for s in rec.speakers]
    quint = people["Rosa Quint"]
    assert (quint.surname, quint.given_name, quint.honorific) == ("Quint", "Rosa", "Dr")
    assert "DR. QUIANT" in quint.aliases  # the misspelt label folded in, kept as an alias
    hale = people["Dana Hale"]
    assert hale.title == "Press Secretary" and hale.surname == "Hale" and hale.given_name == "Dana"


def test_a_similar_but_different_surname_is_not_folded_as_a_typo():
    text = ("MR. STONE:  Welcome.  Secretary Amy Stone is here.\n\nMS. STONE:  Thank you.\n\n"
            "Q    A question for the Secretary?\n\nMS. STONE:  An answer.\n\nMR. STONEMAN:  And mine.\n")
    rec = ingest_bytes(text.encode(), "t.txt")
    names = [s.name for s in rec.speakers if s.role != "reporter"]
    assert any(n and n.endswith("Stoneman") for n in names)
    assert any(n and n.endswith(" Stone") for n in names)


def test_a_surname_only_host_takes_the_first_name_reporters_thank():
    text = ("MR. VANCE:  Good morning.  Over to the doctor.\n\nDR. OKAFOR:  Thanks.  Cases are down.\n\n"
            "MR. VANCE:  Questions.\n\nQ    Thanks, Reid.  Is the plan funded?\n\nMR. VANCE:  It is.\n\n"
            "Q    Thank you, Reid.  And the states?\n\nMR. VANCE:  They are on board.\n\n"
            "Q    Thanks, Dr.  Okafor, when will cases fall?\n\nDR. OKAFOR:  Soon.\n")
    rec = ingest_bytes(text.encode(), "t.txt")
    names = {s.name for s in rec.speakers if s.role != "reporter"}
    assert "Reid Vance" in names and "Okafor" in names and not any(n and n.startswith("Dr ") for n in names)
