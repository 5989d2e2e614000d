"""Conference identity (identity.py): one conference per event, every source listed, stable ids."""
from __future__ import annotations

from pressarchive import identity
from pressarchive.catalog import Catalog, summary
from pressarchive.ingest import ingest_bytes
from pressarchive.corpus import settle as _settle

BRIEFING = """Press Gaggle by Press Secretary Jen Psaki
January 5, 2022

MS. PSAKI:  Good afternoon, everyone. {opening}

Q    Thank you. {question}

MS. PSAKI:  {answer}
"""


def parsed(name: str, opening="We have news on the economy today, and a trip to announce.",
           question="What about inflation and the prices at the pump this week?",
           answer="Inflation is something we watch closely, and the President will speak to it tomorrow."):
    raw = BRIEFING.format(opening=opening, question=question, answer=answer).encode("utf-8")
    return _settle(ingest_bytes(raw, name), raw), raw


class Stored:
    """A stand-in for the corpus: records and raw bytes by id, and their catalog."""

    def __init__(self):
        self.records, self.raws = {}, {}

    def put(self, cid, record, raw, sources=None):
        record.with_ids(cid)
        record.conference.sources = list(sources or [record.conference.source])
        self.records[cid], self.raws[cid] = record, raw

    def catalog(self):
        return Catalog({cid: summary(r) for cid, r in self.records.items()})

    def decide(self, record, raw):
        twin = next((c for c, b in self.raws.items() if b == raw), None)
        return identity.decide(record, self.catalog(), self.records.__getitem__,
                               lambda cid: self.raws.get(cid) == raw, twin)


def test_a_different_event_with_the_same_date_and_title_gets_its_own_id():
    store = Stored()
    first, raw1 = parsed("gaggle-morning.md")
    store.put(first.conference.id, first, raw1)
    second, raw2 = parsed("gaggle-evening.md", opening="Tonight the President landed in Ohio for the plant visit.",
                          question="Did he speak to the union leaders about the contract talks?",
                          answer="He met them for an hour and he will say more on Friday in Detroit.")
    assert second.conference.id == first.conference.id  # same date and title
    d = store.decide(second, raw2)
    assert d.status == "added" and d.id == f"{first.conference.id}-2" and d.write
    assert d.sources == ["gaggle-evening.md"]


def test_a_republished_near_copy_is_one_conference_listing_both_sources():
    store = Stored()
    first, raw1 = parsed("briefing.md")
    store.put(first.conference.id, first, raw1)
    copy, raw2 = parsed("briefing-2.md", answer="Inflation is something we watch closely, and the President "
                                                "will speak to it tomorrow morning.")
    d = store.decide(copy, raw2)
    assert d.status == "updated" and d.id == first.conference.id and not d.write
    assert d.sources == ["briefing.md", "briefing-2.md"]
    store.records[d.id].conference.sources = d.sources
    again = store.decide(*parsed("briefing-2.md", answer="Inflation is something we watch closely, and the "
                                                         "President will speak to it tomorrow morning."))
    assert again.status == "unchanged" and again.id == first.conference.id


def test_the_same_file_again_is_unchanged_and_a_corrected_copy_updates_keeping_the_id():
    store = Stored()
    first, raw1 = parsed("briefing.md")
    store.put(first.conference.id, first, raw1)
    same, raw = parsed("/elsewhere/briefing.md")
    assert store.decide(same, raw).status == "unchanged"
    fixed, raw3 = parsed("briefing.md", question="What about inflation and the price of gas at the pump this week?")
    fixed.conference.title = "Press Gaggle by Press Secretary Jen Psaki (corrected)"
    fixed.conference.id = "2022-01-05-conf-000000"  # a corrected title gives another computed id
    d = store.decide(fixed, raw3)
    assert d.status == "updated" and d.id == first.conference.id and d.write


def test_the_same_file_name_on_another_day_is_another_event():
    store = Stored()
    first, raw1 = parsed("transcript.txt")
    store.put(first.conference.id, first, raw1)
    raw2 = BRIEFING.replace("January 5", "March 9").format(
        opening="A new week.", question="Any news on the bill?", answer="Yes, the Senate votes today.").encode()
    other = _settle(ingest_bytes(raw2, "transcript.txt"), raw2)
    d = store.decide(other, raw2)
    assert d.status == "added" and d.id == other.conference.id != first.conference.id


def test_a_taken_or_former_id_is_never_given_again():
    cat = Catalog({"2022-01-05-conf-abc": {"aliases": []}, "x": {"aliases": ["2022-01-05-conf-abc-2"]}})
    assert identity.free_id("2022-01-05-conf-abc", cat) == "2022-01-05-conf-abc-3"
    assert identity.free_id("2022-01-06-conf-abc", cat) == "2022-01-06-conf-abc"
    assert cat.resolve("2022-01-05-conf-abc-2") == "x" and cat.resolve("nope") is None


def test_near_identical_tells_copies_from_different_texts():
    text = [f"Paragraph {i} says the economy grew {i} percent in the quarter." for i in range(40)]
    assert identity.near_identical(text, text[:-1] + ["Paragraph 39 says the economy grew fast."])
    assert not identity.near_identical(text, text[:10])
    assert not identity.near_identical(text, [p.replace("economy", "deficit").replace("grew", "fell") for p in text])
