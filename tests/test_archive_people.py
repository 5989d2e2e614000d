"""The archive side of real collections, end to end through the command line: one conference per
event with all its sources, one person per person, askers, former ids, archives built before."""
from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from pressarchive import render
from pressarchive.cli import cli

BRIEFING = """---
title: "{title}"
source_url: {url}
date: '{date}'
---

{location}

{host}:  Good afternoon, everyone. {opening}

Q    {intro}What about {topic} this week?

{host}:  {answer}

Q    And the follow-up on {topic}?

{host}:  We will say more on it tomorrow.
"""


def briefing(folder, name, title="Press Briefing by Press Secretary Jen\\_Psaki", date="2022-01-05",
             host="MS. PSAKI", opening="We have news on the economy today.", topic="inflation",
             answer="It is something we watch closely, and the President will speak to it tomorrow.",
             intro="", url=None, location="James S. Brady Press Briefing Room"):
    path = folder / name
    path.write_text(BRIEFING.format(title=title, date=date, host=host, opening=opening, topic=topic,
                                    answer=answer, intro=intro, location=location,
                                    url=url or f"https://example.gov/{name}"), encoding="utf-8")
    return path


def run(*args: str, code: int = 0) -> str:
    render.set_streams()
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


def conferences() -> list[dict]:
    return json.loads(run("conferences", "--format", "json"))["conferences"]


def speakers(*args: str) -> list[dict]:
    return json.loads(run("speakers", "--format", "json", *args))["speakers"]


def hits(*args: str) -> list[dict]:
    return json.loads(run("search", *args, "--format", "json", "--limit", "100"))["hits"]


@pytest.fixture
def src(tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    return folder


def test_two_different_same_day_same_title_briefings_are_two_conferences(src):
    briefing(src, "morning.md")
    briefing(src, "evening.md", opening="Tonight the President landed in Ohio for the plant visit.",
             topic="the union contract", answer="He met the union leaders for an hour in Detroit.")
    out = run("add", str(src))
    assert "2 added" in out
    confs = conferences()
    assert len(confs) == 2 and len({c["id"] for c in confs}) == 2
    assert sorted(s for c in confs for s in c["sources"]) == ["evening.md", "morning.md"]
    assert {c["source_url"] for c in confs} == {"https://example.gov/morning.md", "https://example.gov/evening.md"}


def test_a_republished_near_copy_is_one_conference_with_both_sources(src):
    briefing(src, "briefing.md")
    briefing(src, "briefing-2.md", answer="It is something we watch closely, and the President will speak "
                                          "to it tomorrow morning.")
    run("add", str(src))
    confs = conferences()
    assert len(confs) == 1
    assert confs[0]["sources"][:2] == ["briefing-2.md", "briefing.md"] or \
        sorted(confs[0]["sources"])[:2] == ["briefing-2.md", "briefing.md"]
    assert "unchanged" in run("add", str(src / "briefing-2.md"))


def test_the_same_file_is_unchanged_and_a_corrected_copy_keeps_its_id(src, tmp_path):
    path = briefing(src, "briefing.md")
    run("add", str(path))
    first = conferences()[0]
    assert "1 unchanged" in run("add", str(path))
    briefing(src, "briefing.md", title="Press Briefing by Press Secretary Jen Psaki and Brian Deese")
    out = run("add", str(path))
    assert "1 updated" in out
    confs = conferences()
    assert [c["id"] for c in confs] == [first["id"]]
    assert confs[0]["title"] == "Press Briefing by Press Secretary Jen Psaki and Brian Deese"


def test_speakers_are_people_and_any_alias_finds_them(src):
    briefing(src, "a.md", date="2022-01-05", title="Press Briefing by Press Secretary Jen Psaki",
             location="Press Secretary Jen Psaki took questions.")
    briefing(src, "b.md", date="2022-01-06", title="Press Gaggle aboard Air Force One",
             opening="Two things today.", topic="the trip", answer="The trip goes ahead as planned.")
    run("add", str(src))
    people = speakers()
    psaki = [p for p in people if "Psaki" in (p["name"] or "")]
    assert len(psaki) == 1 and psaki[0]["name"] == "Jen Psaki", people
    entry = psaki[0]
    assert entry["conferences"] == 2 and entry["turns"] == 6
    assert "MS. PSAKI" in entry["aliases"] and {"titles", "organizations", "role"} <= set(entry)
    for alias in ("Jen Psaki", "psaki", "MS. PSAKI"):
        assert len(hits("--speaker", alias)) == 6, alias
    assert run("search", "--speaker", "Nobody Atall", code=2)


def test_askers_are_shown_and_filtered(src):
    briefing(src, "a.md", intro="Trevor Hunnicutt with Reuters. ")
    run("add", str(src))
    result = json.loads(run("search", "--asker", "Trevor Hunnicutt", "--format", "json", "--limit", "100"))
    assert result["total"] == 4  # both questions (the follow-up too) and both answers; answers show under them
    assert [h["turn"]["kind"] for h in result["hits"]] == ["question", "question"]
    assert all(h["asker"]["organization"] == "Reuters" for h in result["hits"])
    assert json.loads(run("search", "--outlet", "Reuters", "--format", "json"))["total"] == 4
    assert json.loads(run("search", "--asker", "hunnicutt", "--kind", "answer", "--format", "json"))["total"] == 2
    assert "Q (Trevor Hunnicutt, Reuters)" in run("search", "inflation", "--kind", "question")
    assert "Q (Trevor Hunnicutt, Reuters)" in run("export", "--asker", "hunnicutt", "--format", "jsonl")
    reporters = speakers("--role", "reporter")
    assert [r["name"] for r in reporters] == ["Trevor Hunnicutt"]
    assert not any(p["name"] == "Trevor Hunnicutt" for p in speakers())


def test_a_former_id_keeps_resolving(src, archive_home):
    from pressarchive.archive import Archive

    run("add", str(briefing(src, "a.md")))
    cid = conferences()[0]["id"]
    archive = Archive(archive_home)
    record = archive.get(cid)
    record.conference.aliases = ["2021-12-31-old-abc123"]
    archive.corpus.write_conference(record, archive.raw_path(cid).read_bytes(), "a.md")
    shown = json.loads(run("show", "2021-12-31-old-abc123:002", "--format", "json"))
    assert shown["hit"]["turn"]["id"] == f"{cid}:002"
    line = json.loads(run("export", "--turn", "2021-12-31-old-abc123:002", "--format", "jsonl"))
    assert line["turn"]["id"] == f"{cid}:002" and line["citation"].endswith(f"[{cid}:002]")


def test_an_archive_built_before_keeps_working(src, archive_home):
    """Records written before sources and former ids were kept, and an index of the older format."""
    run("add", str(briefing(src, "a.md")))
    cid = conferences()[0]["id"]
    path = archive_home / "corpus" / cid / "record.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    for key in ("sources", "aliases"):
        data["conference"].pop(key, None)
    path.write_text(json.dumps(data), encoding="utf-8")
    shutil.rmtree(archive_home / "index")
    confs = conferences()
    assert confs[0]["sources"] == ["a.md", "https://example.gov/a.md"] or confs[0]["sources"][0] == "a.md"
    assert len(hits("--speaker", "psaki")) == 3
    run("reindex")
    assert run("check").strip()
    assert "1 unchanged" in run("add", str(src / "a.md"))


def test_check_reports_a_conflicting_merge(src, archive_home):
    from pressarchive.archive import Archive

    run("add", str(briefing(src, "a.md")))
    run("add", str(briefing(src, "b.md", date="2022-02-07", title="Gaggle", opening="A new week.")))
    archive = Archive(archive_home)
    for cid, zh in zip([c["id"] for c in conferences()], ("王宏", "王红")):
        record = archive.get(cid)
        host = next(s for s in record.speakers if s.name)
        host.name, host.name_zh = "Wang Hong", zh
        archive.corpus.write_conference(record, archive.raw_path(cid).read_bytes(), record.conference.source)
    out = run("check", code=1)
    assert "Wang Hong" in out and "王宏" in out and "王红" in out


def test_reindex_reparse_migrates_an_old_archive_with_nothing_lost(src, archive_home):
    """An archive an older pressarchive built: titles with Markdown escapes, no sources, and a
    republished copy stored as a second conference. `reindex --reparse` brings it to the new model."""
    from pressarchive.archive import Archive

    run("add", str(briefing(src, "a.md")))
    archive = Archive(archive_home)
    cid = conferences()[0]["id"]
    record = archive.get(cid)
    record.conference.title, record.conference.sources = "Press Briefing by Press Secretary Jen\\_Psaki\\", []
    archive.corpus.write_conference(record, archive.raw_path(cid).read_bytes(), "a.md")
    copy_raw = briefing(src, "a-2.md", answer="It is something we watch closely, and the President will speak "
                                               "to it tomorrow morning.").read_bytes()
    old_copy = archive.get(cid).with_ids("2022-01-05-old-copy01")
    old_copy.conference.source, old_copy.conference.sources = "a-2.md", []
    archive.corpus.write_conference(old_copy, copy_raw, "a-2.md")
    assert len(conferences()) == 2
    out = run("reindex", "--reparse")
    assert "merged    2022-01-05-old-copy01 into " + cid in out
    confs = conferences()
    assert [c["id"] for c in confs] == [cid]
    assert confs[0]["title"] == "Press Briefing by Press Secretary Jen\xa0Psaki" or "\\" not in confs[0]["title"]
    assert sorted(confs[0]["sources"]) == ["a-2.md", "a.md"] and confs[0]["aliases"] == ["2022-01-05-old-copy01"]
    shown = json.loads(run("show", "2022-01-05-old-copy01:002", "--format", "json"))
    assert shown["hit"]["turn"]["id"] == f"{cid}:002"
    assert archive.raw_path(cid).read_bytes() == (src / "a.md").read_bytes()  # raw files never change
    assert run("check").strip().endswith("ok")


def test_the_catalog_keeps_speakers_as_text_until_asked_and_reads_its_older_format(src, archive_home):
    """An add reads the catalog for identities only: each entry's speakers (and the register) stay JSON
    text until the people register is asked for. A catalog of the older format (speakers as JSON) is
    read as it is, its register reused."""
    from pressarchive import catalog
    from pressarchive.archive import open_archive

    run("add", str(briefing(src, "a.md")), str(briefing(src, "b.md", date="2022-01-06")))
    before = speakers()
    path = archive_home / "index" / catalog.CATALOG_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == 3 and isinstance(data["people"]["text"], str)
    entry = next(iter(data["conferences"].values()))
    assert "mentions" not in entry and isinstance(entry["_p"], str)

    known = catalog.load(open_archive(archive_home))
    cid, entry = next(iter(known.entries.items()))
    assert "_p" in entry and entry["date"] and entry.get("title")  # identities read, speakers not decoded
    assert [m["name"] for m in entry.get("mentions")] and "_p" not in entry
    assert known._register_text is not None and known._register is None
    assert [p.name for p in known.register().people] == [p["name"] for p in before]

    # the older format: speakers and register as JSON itself
    old = {"format": 2, "mark": data["mark"],
           "conferences": {c: {**{k: v for k, v in e.items() if k != "_p"}, **json.loads(e["_p"])}
                           for c, e in data["conferences"].items()},
           "people": {"key": data["people"]["key"], **json.loads(data["people"]["text"])}}
    path.write_text(json.dumps(old), encoding="utf-8")
    known = catalog.load(open_archive(archive_home))
    assert known._register_text is not None  # reused, not rebuilt
    assert speakers() == before
    assert "1 unchanged" in run("add", str(src / "a.md"))


def test_a_bulk_add_keeps_the_catalog_in_memory_and_saves_it_once(src, archive_home, monkeypatch):
    """A bulk add (more than one batch) reads the catalog once and writes it once, not per batch of
    32 (quadratic at 20,000 conferences); what it wrote is the catalog of every conference."""
    from pressarchive import archive as archive_mod, catalog
    from pressarchive.archive import open_archive

    n = archive_mod.BATCH_SIZE * 2 + 5
    for i in range(n):
        briefing(src, f"b{i:03d}.md", title=f"Briefing number {i} on topic {i}", date=f"2021-{1 + i % 12:02d}-{1 + i % 28:02d}",
                 topic=f"subject{i}")
    loads, saves = [], []
    real_load, real_save = catalog.load, catalog.Catalog.save
    monkeypatch.setattr(catalog, "load", lambda *a, **k: loads.append(1) or real_load(*a, **k))
    monkeypatch.setattr(catalog.Catalog, "save", lambda self, a: saves.append(1) or real_save(self, a))
    report = open_archive(archive_home).add(str(src))
    assert sum(o.status == "added" for o in report.outcomes) == n
    assert len(saves) == 1 and len(loads) <= 2
    monkeypatch.setattr(catalog, "load", real_load)
    monkeypatch.setattr(catalog.Catalog, "save", real_save)
    data = json.loads((archive_home / "index" / catalog.CATALOG_FILE).read_text(encoding="utf-8"))
    assert len(data["conferences"]) == n
    assert len(conferences()) == n
    assert f"{n} unchanged" in run("add", str(src))


def test_parsing_in_worker_processes_keeps_a_bounded_window_in_order():
    """Parsed transcripts wait for the store in a window of bounded size, in the sources' order (a
    map that submitted every source at once held all of them in memory when storing was slower)."""
    from concurrent.futures import Future

    from pressarchive.archive import _in_order

    submitted, taken = [], []

    class Pool:
        def submit(self, fn, item):
            submitted.append(item)
            assert len(submitted) - len(taken) <= 5
            done = Future()
            done.set_result(fn(item))
            return done

    items = [str(i) for i in range(23)]
    for result in _in_order(Pool(), lambda x: x + "!", items, window=5):
        taken.append(result)
    assert taken == [i + "!" for i in items] and submitted == items
    assert list(_in_order(Pool(), str, [], window=5)) == []
