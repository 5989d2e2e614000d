"""Where a rendering comes from (issue 19, second round): spare senses, single characters, senses learned
from CC-CEDICT's compounds, abbreviations closing a gloss, prefixes and overlaps in composition.

End to end on a small English-only briefing (the way a new user searches a White House archive in Chinese),
and unit by unit on the pieces.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pressarchive import render
from pressarchive import translate as T
from pressarchive.cli import cli

BRIEFING = """Press Briefing by the Press Secretary, March 3, 2023

MS. JONES: Good afternoon. Congress must act to prevent a government shutdown this week.

Q: Thank you. Has the Justice Department opened an investigation into the leak?

MS. JONES: I would refer you to the Justice Department on that.

Q: Did the CIA brief the President on the balloon?

MS. JONES: The CIA and the intelligence community briefed him this morning.

Q: What is the plan against cyber attacks on the power grid, and on carbon emissions?

MS. JONES: Cybersecurity is a priority, and we are cutting carbon emissions in half by 2030.

Q: And the border wall?

MS. JONES: No new border wall will be built. The border is secure and the ports stay open.

Q: Families say childcare costs too much. And reopening schools?

MS. JONES: Childcare is a cost families feel, for every child. The President's re-election is not my topic. The school reopening went safely. The labor shortage is easing.

Q: And small business owners?

MS. JONES: Small business owners will see the money fix roads and bridges. We raised the treatment of Uighur and other ethnic minorities with the group of seven.

Q: Will the President sign the National Defense Authorization Act?

MS. JONES: He will authorize the talks. Raising the debt limit, an upper bound set by law, comes first; food
security, from cereals to milk, matters to him as well.
"""


def invoke(*args: str, codes: tuple[int, ...] = (0,)) -> str:
    render.set_streams()
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False, env={"PRESSARCHIVE_NO_SEED": "1"})
    assert result.exit_code in codes, result.output
    return result.output


def archive_of(folder: Path, name: str, text: str) -> Path:
    """A home in ``folder`` holding one transcript, ``name``, added as a user would."""
    source = folder / name
    source.write_text(text, encoding="utf-8")
    home = folder / "home"
    home.mkdir()
    invoke("--home", str(home), "add", str(source))
    return home


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return archive_of(tmp_path_factory.mktemp("sources"), "2023-03-03-press-briefing.txt", BRIEFING)


def found(home: Path, query: str, *extra: str) -> tuple[list[dict], list[dict]]:
    out = json.loads(invoke("--home", str(home), "search", query, "--format", "json", *extra, codes=(0, 1)))
    return out["hits"], out["expansions"]


STEMMED = ("school reopen", "food secure", "national defense authorize")  # found by the index's stems (reopening, security), not as typed


@pytest.mark.parametrize("query, matched, source", [
    ("政府停摆", "government shutdown", "composed"),  # 停摆's fifth CC-CEDICT sense, past the cap of four
    ("司法部", "Justice Department", "cedict"),  # CC-CEDICT's sense where the glossary's is not said
    ("中央情报局", "CIA", "cedict"),  # "US Central Intelligence Agency, CIA": the closing abbreviation
    ("碳排放", "carbon emissions", "cedict"),  # the 2023 edition lists it (边境墙: a single character's sense)
    ("边境墙", "border wall", "composed"),
    ("网络安全", "cybersecurity", "composed"),  # 网络 -> cyber, learned from 网络空间 "cyberspace"
    ("儿童保育", "childcare", "composed"),  # child + childcare: the overlap drops out
    ("小企业", "small business", "composed"),  # "small enterprise" is not said: 小 (small) + 企业 (business)
    ("道路和桥梁", "road and bridge", "composed"),  # 和 inside a run is "and"
    ("维吾尔族", "Uighur", "reduced"),  # "Uighur ethnic group": the name before the noun
    ("债务上限", "debt limit", "composed"),  # 上限 "upper bound": its last character, 限 limit
    ("粮食安全", "food secure", "composed"),  # 粮食 "cereals": 食 food (the index stems: food security)
    ("国防授权法", "national defense authorize", "composed"),  # without 法 beside words (stems: authorization)
    ("学校重新开放", "school reopen", "composed"),  # re- + open -> reopen (the index stems: "school reopening")
])
def test_a_chinese_term_reaches_the_english_briefing(home, query, matched, source):
    hits, expansions = found(home, query)
    assert hits, query
    assert any(e["target"] == matched and e.get("source") == source for e in expansions), expansions
    assert any(t["matched"] == matched for t in hits[0]["translated_from"])
    assert T.target_found(matched, " ".join(hits[0]["turn"]["paragraphs"])) or matched in STEMMED
    assert not found(home, query, "--no-translate")[0]


def test_spare_and_learned_renderings_rank_below_direct_ones(home):
    _, expansions = found(home, "政府停摆")
    weights = [e["weight"] for e in expansions]
    assert weights and max(weights) < T.W_CEDICT_MIN
    assert T.W_LEARNED < T.W_CEDICT_MIN


def test_the_text_view_names_the_source(home):
    out = invoke("--home", str(home), "search", "政府停摆", "--limit", "1")
    assert "政府停摆 → government shutdown (composed)" in out


# --- the pieces -----------------------------------------------------------------------------------
def test_join_en_prefixes_and_overlaps():
    assert T.compose_candidates([["re-", "again"], ["open"]], "en") == ["reopen", "again open"]
    assert T.compose_candidates([["child"], ["childcare", "conservation"]], "en") == ["childcare", "child conservation"]
    assert T.compose_candidates([["student"], ["loan"]], "en") == ["student loan"]


def test_a_gloss_closing_with_an_abbreviation_gives_both():
    assert T.clean_gloss("US Central Intelligence Agency, CIA") == ["US Central Intelligence Agency", "CIA"]
    assert T.clean_gloss("carbon dioxide CO2") == ["carbon dioxide", "CO2"]
    assert T.clean_gloss("NATO") == ["NATO"]
    # a capitalised description is cut before its preposition, like a lower-case one
    assert T.clean_gloss("Uighur (Uyghur) ethnic group of Xinjiang") == ["Uighur ethnic group"]
    assert T.clean_gloss("Suzhou prefecture level city in Jiangsu") == ["Suzhou"]


def test_spares_take_the_place_of_direct_phrases_the_index_lacks():
    from pressarchive.expand import _spares_in_place

    E = T.Expansion
    held = {"suspended", "shutdown", "lockout", "Justice Department"}

    def is_held(lang, phrase):
        return 5 if phrase in held else 0

    got = _spares_in_place([
        E("停摆", "stop swinging", "en", 0.5, "cedict"), E("停摆", "suspended", "en", 0.4, "cedict"),
        E("停摆", "shutdown", "en", 0.3, "cedict", spare=True), E("停摆", "lockout", "en", 0.3, "cedict", spare=True),
        E("司法部", "Ministry of Justice", "en", 0.7, "glossary"),
        E("司法部", "Justice Department", "en", 0.5, "cedict", spare=True),
        E("网络", "Internet", "en", 0.5, "cedict"), E("网络", "cyber", "en", 0.25, "compound", spare=True),
    ], is_held, T)
    targets = [(e.typed, e.target, e.spare) for e in got]
    # one unheld phrase: one spare in its place (the first held), never a learned sense, none left spare
    assert ("停摆", "shutdown", False) in targets and ("停摆", "lockout", False) not in targets
    assert ("司法部", "Justice Department", False) in targets
    assert all(t != "cyber" for _, t, _ in targets) and not any(s for _, _, s in targets)


def test_single_characters_serve_composition_only():
    lex = T.build_lexicon({}, ["border", "wall", "carbon"], glossary={})
    assert T.targets(lex, "zh", "墙") == [] and T.targets(lex, "more", "墙")
    assert not [e for e in T.expand("墙", lex, compose=True) if not e.spare]
    composed = [e.target for e in T.expand("边境墙", lex, compose=True) if e.source == "composed"]
    assert "border wall" in composed
    parts = [e for e in T.expand("边境墙", lex, compose=True) if e.source == "parts"]
    assert parts and parts[0].optional in ((), (False, True))


def test_variants_of_a_name_with_a_noun_start_with_the_name():
    from pressarchive.expand import _variants

    assert _variants("Uighur ethnic group", T)[0] == "Uighur"
    assert _variants("State of the Union Address", T)[0] == "State of the Union"


def test_a_key_whose_renderings_are_all_phrases_is_composed_from_its_parts_too():
    lex = T.build_lexicon({}, ["small", "business", "enterprise", "company"], glossary={})
    got = [(e.target, e.source) for e in T.expand("小企业", lex, compose=True)]
    assert ("small enterprise", "cedict") in got and ("small business", "composed") in got
    assert not [e for e in T.expand("小企业", lex) if e.source == "composed"]  # only when composing


def test_a_conjunction_inside_a_run_composes_as_and():
    lex = T.build_lexicon({}, ["road", "bridge"], glossary={})
    assert "road and bridge" in [e.target for e in T.expand("道路和桥梁", lex, compose=True) if e.source == "composed"]


def test_head_senses_are_offered_apart():
    """A part's last character's senses are not mixed into its own: the caller tries them last."""
    lex = T.build_lexicon({}, ["debt", "upper", "bound", "limit"], glossary={})
    parts = [e for e in T.expand("债务上限", lex, compose=True) if e.source == "parts"][0]
    assert parts.parts == (("debt",), ("upper bound",)) and "limit" in parts.heads[1]
    assert "debt limit" not in [e.target for e in T.expand("债务上限", lex, compose=True) if e.source == "composed"]


def test_a_key_with_a_held_spare_rendering_is_not_composed_as_well(home):
    """司法部: the glossary's "Ministry of Justice" is not said, CC-CEDICT's "Justice Department" is: it takes
    the place, and 司法 + 部 is not composed beside it."""
    _, expansions = found(home, "司法部")
    assert [e["source"] for e in expansions] == ["cedict"]
