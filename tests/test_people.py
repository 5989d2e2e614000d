"""The people register (people.py): one entry per person across conferences, from the records alone."""
from __future__ import annotations

from pressarchive import catalog, people
from pressarchive.people import Mention, build, split_name


def m(conf, name, date="2022-01-10", sid="s1", role="presenter", turns=3, **kw) -> Mention:
    return Mention(conference=conf, speaker=sid, date=date, name=name, role=role, turns=turns,
                   aliases=kw.pop("aliases", [name] if name else []), **kw)


def names(reg, kind="official"):
    return sorted(p.name or p.name_zh for p in reg.people if (p.role == "reporter") == (kind == "reporter"))


def test_split_name_takes_honorifics_titles_and_stray_words_off():
    assert split_name("Jen Psaki") == (["Jen"], "Psaki")
    assert split_name("Acting Administrator Slavitt") == ([], "Slavitt")
    assert split_name("Acting Adminstrator Slavitt") == ([], "Slavitt")  # a typo in the title
    assert split_name("Surgeon General Murthy") == ([], "Murthy")
    assert split_name("Doctors Walensky") == ([], "Walensky")
    assert split_name("Qms. Psaki") == ([], "Psaki")
    assert split_name("When Kirby") == ([], "Kirby")
    assert split_name("Marcella Nunez-Smith") == (["Marcella"], "Nunez-Smith")
    assert split_name("张宏韬") == ([], "张宏韬")


def test_surname_only_speakers_join_the_person_named_in_another_conference():
    reg = build([m("c1", "Jeff Zients", "2021-02-01"), m("c2", "Zients", "2021-03-01"),
                 m("c3", "Zients", "2021-04-01", aliases=["MR. ZIENTS"])])
    assert names(reg) == ["Jeff Zients"]
    p = reg.people[0]
    assert p.conferences == ["c1", "c2", "c3"] and p.turns == 9
    assert "MR. ZIENTS" in p.aliases and "Zients" in p.aliases
    assert reg.find("zients") == [p] and reg.find("MR. ZIENTS") == [p]
    assert reg.person_of("c3", "s1") is p


def test_surname_only_prefers_the_person_seen_nearest_in_date():
    reg = build([m("a", "Kevin Sullivan", "2021-01-05"), m("b", "Jake Sullivan", "2022-06-01"),
                 m("c", "Sullivan", "2022-06-20"), m("d", "Sullivan", "2021-01-09")])
    jake = next(p for p in reg.people if p.name == "Jake Sullivan")
    kevin = next(p for p in reg.people if p.name == "Kevin Sullivan")
    assert jake.conferences == ["b", "c"] and kevin.conferences == ["a", "d"]
    assert len(reg.people) == 2


def test_surname_only_prefers_the_person_in_the_same_conference():
    reg = build([m("a", "Kevin Sullivan", "2022-06-01", sid="s1"), m("a", "Sullivan", "2022-06-01", sid="s3"),
                 m("b", "Jake Sullivan", "2022-06-01")])
    kevin = next(p for p in reg.people if p.name == "Kevin Sullivan")
    assert sorted(kevin.speakers) == ["a/s1", "a/s3"]


def test_people_who_merely_share_a_surname_stay_apart():
    reg = build([m("a", "Jake Sullivan"), m("b", "Kevin Sullivan"), m("c", "John Smith"), m("d", "Mary Smith")])
    assert names(reg) == ["Jake Sullivan", "John Smith", "Kevin Sullivan", "Mary Smith"]
    # a short given name joins only when no evidence differs: two speakers of one conference are two people
    reg = build([m("a", "Chris Lu", sid="s1"), m("a", "Christopher Lu", sid="s2")])
    assert names(reg) == ["Chris Lu", "Christopher Lu"]
    # different organisations at the same time
    reg = build([m("a", "Dan Lee", "2022-01-01", organization="Treasury"),
                 m("b", "Daniel Lee", "2022-01-03", organization="Pentagon")])
    assert len(reg.people) == 2


def test_short_forms_and_initials_join_the_one_person_they_fit():
    reg = build([m("a", "Jennifer Granholm", "2021-05-01"), m("b", "Jen Granholm", "2021-05-02"),
                 m("c", "J. Granholm", "2021-05-03"), m("d", "Tony Fauci"), m("e", "Anthony Fauci"),
                 m("f", "Anthony Fauci")])
    assert names(reg) == ["Anthony Fauci", "Jennifer Granholm"]


def test_the_listed_name_is_the_full_name_most_used():
    reg = build([m("a", "Psaki"), m("b", "Jen Psaki"), m("c", "Jen Psaki"), m("d", "S. Psaki"),
                 m("e", "Qms. Psaki")])
    assert names(reg) == ["Jen Psaki"]
    assert reg.people[0].conferences == ["a", "b", "c", "d", "e"]


def test_a_name_alone_stays_one_entry_when_no_full_name_is_known():
    reg = build([m("a", "Acting Administrator Slavitt", title="Acting Administrator"),
                 m("b", "Acting Adminstrator Slavitt", title="Acting Adminstrator"), m("c", "Slavitt")])
    assert names(reg) == ["Slavitt"]
    p = reg.people[0]
    assert [t["title"] for t in p.titles] == ["Acting Administrator"]  # the typo is the same title
    assert p.titles[0]["conferences"] == 2


def test_reporters_and_officials_are_kept_apart():
    reg = build([m("a", "Jeff Mason", role="reporter", organization="Reuters"), m("b", "Mason")])
    assert names(reg) == ["Mason"] and names(reg, "reporter") == ["Jeff Mason"]
    assert [p.name for p in reg.find("mason", kind="reporter")] == ["Jeff Mason"]


def test_titles_and_organisations_are_kept_with_dates():
    reg = build([m("a", "Gina Raimondo", "2021-05-01", title="Secretary of Commerce", organization="Commerce"),
                 m("b", "Raimondo", "2022-03-01", title="Secretary of Commerce", organization="Commerce")])
    p = reg.people[0]
    assert p.titles == [{"title": "Secretary of Commerce", "since": "2021-05-01", "until": "2022-03-01",
                         "conferences": 2}]
    assert p.organizations[0]["name"] == "Commerce" and p.first == "2021-05-01" and p.last == "2022-03-01"


def test_chinese_names_join_their_romanisation_and_any_alias_finds_them():
    reg = build([m("a", "Zhang Hongtao", name_zh="张宏韬", aliases=["张宏韬", "Zhang Hongtao"]),
                 m("b", None, name_zh="张宏韬", aliases=["张宏韬"]), m("c", "Zhang Hongtao")])
    assert len(reg.people) == 1
    p = reg.people[0]
    assert p.name == "Zhang Hongtao" and p.name_zh == "张宏韬" and p.conferences == ["a", "b", "c"]
    assert reg.find("张宏韬") == [p] and reg.find("zhang hongtao") == [p] and reg.find("ZHANG Hongtao") == [p]


def test_a_name_two_people_claim_is_a_conflict_not_a_merge():
    reg = build([m("a", "Wang Hong", name_zh="王宏"), m("b", "Wang Hong", name_zh="王红"), m("c", "Wang Hong")])
    assert len([p for p in reg.people if p.name_zh]) == 2
    assert reg.conflicts and "Wang Hong" in reg.conflicts[0]["name"]
    # one person holding two organisations on one day, in two conferences
    reg = build([m("a", "Li Qiang", "2022-01-01", organization="Ministry of Commerce"),
                 m("b", "Li Qiang", "2022-01-01", organization="People's Bank of China")])
    assert any("Li Qiang" == c["name"] for c in reg.conflicts)


def test_the_catalog_caches_the_register_and_reads_changed_records_again(archive_home, tmp_path):
    from pressarchive.archive import Archive

    a = Archive(archive_home)
    first = tmp_path / "gaggle-1.txt"
    first.write_text("Press Briefing by Press Secretary Jen Psaki\nJanuary 5, 2022\n\n"
                     "MS. PSAKI:  Good afternoon. We have news on the economy today.\n\n"
                     "Q    What about inflation?\n\nMS. PSAKI:  We watch it closely.\n", encoding="utf-8")
    second = tmp_path / "gaggle-2.txt"
    second.write_text("Press Gaggle aboard Air Force One\nJanuary 9, 2022\n\n"
                      "MS. PSAKI:  Hi everyone. Two things today.\n\n"
                      "Q    What about the trip?\n\nMS. PSAKI:  It goes ahead.\n", encoding="utf-8")
    a.add(first.read_bytes(), first.name)
    reg = catalog.load(a).register()
    assert names(reg) == ["Jen Psaki"]
    a.add(second.read_bytes(), second.name)
    cat = catalog.load(a)
    reg = cat.register()
    assert names(reg) == ["Jen Psaki"] and len(reg.people[0].conferences) == 2
    assert (a.index_dir / catalog.CATALOG_FILE).is_file()
    assert cat.by_source("/elsewhere/gaggle-2.txt") == [reg.people[0].conferences[1]] or \
        cat.by_source("gaggle-2.txt")
    again = catalog.load(a).register()  # from the cache
    assert [p.as_dict() for p in again.people] == [p.as_dict() for p in reg.people]
    assert people.speaker_ref("c", "s1") == "c/s1"


def test_a_surname_alone_takes_the_full_name_the_archive_text_gives_it():
    reg = build([m("a", "Acting Administrator Slavitt"), m("b", "Slavitt")],
                names=[("Andy", "Slavitt", 3), ("Andy", "Slavitt", 2), ("Andrew", "Jackson", 1)])
    assert names(reg) == ["Andy Slavitt"]
    assert reg.find("andy slavitt") == reg.find("slavitt") == reg.people
    # unclear text evidence names nobody
    reg = build([m("a", "Jackson")], names=[("Andrew", "Jackson", 2), ("Ketanji", "Jackson", 2)])
    assert names(reg) == ["Jackson"]
    assert people.text_names(["So as Andy Slavitt said, and Press Secretary Psaki, and Dr. Walensky."]) == \
        {"Andy Slavitt": 1}


def test_of_two_forms_of_a_name_the_one_a_title_uses_is_listed():
    mentions = [m("a", "Tony Fauci"), m("b", "Tony Fauci"), m("c", "Anthony Fauci")]
    assert names(build(mentions)) == ["Tony Fauci"]  # the form most used
    assert names(build(mentions, titles=["Press Briefing by Dr.\xa0Anthony Fauci, April 13, 2021"])) == \
        ["Anthony Fauci"]
