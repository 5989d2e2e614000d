"""Cross-language search on the sample archive, end to end through `pressarchive search --format json`.

The sample is mostly English (machine translated); its last answers exist only in Chinese. An English
query must find those Chinese answers, and a Chinese query the English ones, each hit saying which
translated term matched; --no-translate turns that off; and no English seed case gets worse.
"""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SHARED, sample_path
from pressarchive import render
from pressarchive.cli import cli


def invoke(*args: str, codes: tuple[int, ...] = (0,)) -> str:
    render.set_streams()  # consoles are rebuilt on the runner's streams
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False, env={"PRESSARCHIVE_NO_SEED": "1"})
    assert result.exit_code in codes, result.output
    return result.output


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    """An archive holding just the sample conference (its index is built by the first search)."""
    folder = tmp_path_factory.mktemp("crosslang") / "home"
    folder.mkdir()
    invoke("--home", str(folder), "add", str(sample_path()))
    return folder


def search(home: Path, *args: str) -> list[dict]:
    out = invoke("--home", str(home), "search", *args, "--format", "json", "--limit", "30", codes=(0, 1))
    hits = json.loads(out)["hits"]
    return hits


def text(hit: dict) -> str:
    return unicodedata.normalize("NFKC", " ".join(hit["turn"]["paragraphs"])).casefold()


def chinese(hit: dict) -> bool:
    return hit["turn"]["lang"] in ("zh", "mixed")


# --- English -> Chinese --------------------------------------------------------------------------
@pytest.mark.parametrize("query, term", [
    ("new energy vehicles", "新能源汽车"),
    ("integrated circuit", "集成电路"),
    ("Shanghai", "上海"),
    ("Yangtze River Delta", "长三角"),
    ("industrial transfer", "产业转移"),
    ("industrial internet", "工业互联网"),
    ("Chengdu-Chongqing", "成渝"),
])
def test_english_query_finds_chinese_answers(home, query, term):
    hits = search(home, query)
    found = [h for h in hits if chinese(h) and term in text(h)]
    assert found, f"no Chinese turn with {term} for {query!r}"
    assert any({"typed": query, "matched": term} in h["translated_from"] for h in found)
    assert all(not h["translated_from"] or h["translated_from"][0]["typed"] for h in hits)


def test_new_energy_vehicles_finds_the_chinese_shanghai_answer(home):
    hits = search(home, "new energy vehicles")
    zh = [h for h in hits if h["turn"]["lang"] == "zh" and "新能源汽车" in text(h)]
    assert zh and zh[0]["turn"]["kind"] == "answer"
    assert zh[0]["speaker"]["name_zh"] == "张宏韬"


# --- Chinese -> English --------------------------------------------------------------------------
@pytest.mark.parametrize("query, phrase", [
    ("产业集群", "industrial cluster"),
    ("集成電路", "integrated circuit"),  # traditional characters, folded
    ("十四五", "14th five-year plan"),
    ("专精特新", "specialized and special new"),
    ("长三角", "yangtze river delta"),
    ("绿色工厂", "green factor"),
])
def test_chinese_query_finds_english_answers(home, query, phrase):
    hits = search(home, query)
    found = [h for h in hits if h["turn"]["lang"] == "en" and phrase in text(h)]
    assert found, f"no English turn with {phrase!r} for {query!r}"
    assert any(t["typed"] == query for h in found for t in h["translated_from"])


# --- control ---------------------------------------------------------------------------------------
def test_no_translate_keeps_to_the_typed_language(home):
    assert not [h for h in search(home, "new energy vehicles", "--no-translate") if h["turn"]["lang"] == "zh"]
    assert not [h for h in search(home, "产业集群", "--no-translate") if h["turn"]["lang"] == "en"]
    assert all(not h["translated_from"] for h in search(home, "Shanghai", "--no-translate"))


def test_typed_words_still_count(home):
    """An expansion adds hits; every English hit of the plain query is still there."""
    plain = {h["turn"]["id"] for h in search(home, "integrated circuit", "--no-translate")}
    expanded = {h["turn"]["id"] for h in search(home, "integrated circuit")}
    assert plain and plain <= expanded


# --- names -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["张宏韬", "Zhang Hongtao", "zhanghongtao", "Hongtao Zhang", "ZHANG hongtao"])
def test_speaker_in_any_script(home, name):
    hits = search(home, "--speaker", name)
    assert hits
    assert {h["speaker"]["name"] for h in hits} == {"Zhang Hongtao"}
    assert {h["turn"]["lang"] for h in hits} >= {"en", "zh"}  # his English answer and his Chinese one


# --- English-only queries do not get worse --------------------------------------------------------
def _cases() -> list[dict]:
    path = SHARED / "gold" / "queries.seed.json"
    if not path.is_file():
        return []
    return json.loads(path.read_text(encoding="utf-8"))["cases"]


def _passes(hits: list[dict], case: dict) -> bool:
    def norm(s: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", s or "").split()).casefold()

    top = [norm(" ".join(h["turn"]["paragraphs"])) for h in hits[: case.get("within", 10)]]
    return all(any(norm(p) in t for t in top) for p in case["expect"])


@pytest.mark.parametrize("case", [c for c in _cases() if c.get("query")], ids=lambda c: c["query"])
def test_seed_case_not_worse_with_translation(home, case):
    args = [case["query"], *case.get("options", [])]
    if _passes(search(home, *args, "--no-translate"), case):
        assert _passes(search(home, *args), case), "translation pushed the expected passage out"


@pytest.mark.parametrize("query", ["industrial transfer", "产业集群"])
def test_typed_language_ranks_first_translations_follow(home, query):
    hits = search(home, query, "--limit", "8")
    typed_zh = any("\u4e00" <= ch <= "\u9fff" for ch in query)
    first_lang = hits[0]["turn"]["lang"]
    assert first_lang in (("zh", "mixed") if typed_zh else ("en", "mixed")), [h["turn"]["lang"] for h in hits]
    crossed = [h for h in hits if h["translated_from"] and h["turn"]["lang"] == ("en" if typed_zh else "zh")]
    assert crossed, "no passage found through translation"


def test_a_translated_phrase_holding_a_translated_word_is_left_out():
    """"manufacturing industry" beside "manufacturing": the word finds every turn the phrase would."""
    from whoosh import query as wq

    from pressarchive.expand import _drop_subsumed_phrases

    word = wq.Or([wq.Term("text", "manufactur"), wq.Term("question", "manufactur")])
    phrase = wq.Or([wq.Phrase("text", ["manufactur", "industri"]), wq.Phrase("question", ["manufactur", "industri"])])
    other = wq.Or([wq.Phrase("text", ["industri", "base"]), wq.Phrase("question", ["industri", "base"])])
    assert _drop_subsumed_phrases([word, phrase, other]) == [word, other]
    assert _drop_subsumed_phrases([phrase, other]) == [phrase, other]  # no word to stand in for it
    cjk = wq.Phrase("cjk", ["制造", "造业"])
    assert _drop_subsumed_phrases([word, cjk]) == [word, cjk]  # another field


# --- composed and derived renderings (issue 19) ------------------------------------------------------
def test_a_compound_no_dictionary_lists_is_composed_from_its_parts(home):
    """汽车产业 is no dictionary headword: 汽车 + 产业 give phrases, kept where the English text holds them."""
    hits = search(home, "汽车产业", "--lang", "en")
    assert hits
    how = [t for h in hits for t in h["translated_from"] if t.get("how") == "composed"]
    assert how and all(t["typed"] == "汽车产业" for t in how)
    # (automobile manufacture: WordNet's {industry, manufacture}, a synonym of 产业's sense, held by the text)
    assert {t["matched"] for t in how} <= {"automobile industry", "automotive industry", "car industry",
                                           "automobile manufacture"}
    assert any(target_in(t["matched"], text(h)) for h in hits[:3] for t in h["translated_from"])
    assert all(not h["translated_from"] for h in search(home, "汽车产业", "--lang", "en", "--no-translate"))


def target_in(phrase: str, haystack: str) -> bool:
    from pressarchive.translate import target_found

    return target_found(phrase, haystack)


def test_composed_rendering_is_shown_with_its_source(home):
    out = invoke("--home", str(home), "search", "汽车产业", "--lang", "en", "--limit", "3")
    assert "汽车产业 → automobile industry (composed)" in out or "汽车产业 → automotive industry (composed)" in out
    plain = invoke("--home", str(home), "search", "汽车产业", "--lang", "en", "--no-translate")
    assert "(composed)" not in plain and "translated:" not in plain


def test_english_words_composed_into_a_chinese_term_the_text_holds(home):
    hits = search(home, "automobile industry", "--lang", "zh")
    assert any({"typed": "automobile industry", "matched": "汽车产业", "how": "composed"} in h["translated_from"]
               for h in hits)
    assert "汽车产业" in text(hits[0])


def test_composed_renderings_rank_below_direct_ones(home):
    """A direct entry keeps its weight; composed and reduced renderings weigh less than any direct one."""
    from pressarchive import translate as T

    assert T.W_COMPOSED < T.W_CEDICT_MIN and T.W_PARTS < T.W_COMPOSED
    assert T.W_CEDICT_MIN * T.DERIVED_FACTOR < T.W_CEDICT_MIN
    res = invoke("--home", str(home), "search", "产业集群 汽车产业", "--format", "json")
    weights = {(e["target"], e.get("source")): e["weight"] for e in json.loads(res)["expansions"]}
    direct = [w for (t, s), w in weights.items() if s in ("glossary", "cedict")]
    composed = [w for (t, s), w in weights.items() if s == "composed"]
    assert direct and composed and max(composed) < min(direct)


BRIEFING = """Press Briefing by the Press Secretary, June 24, 2022

MS. SMITH: Good afternoon. Today the Supreme Court ruled on abortion. The President will protect access to abortion care.

Q: Thank you. On student loans: will the President extend the pause on student loan payments?

MS. SMITH: The pause on student loan payments is extended. Student loan borrowers will hear from the Department of Education.

Q: And on the debt ceiling: does the President expect Congress to raise the debt ceiling?

MS. SMITH: Congress has raised the debt limit many times. We expect it to act.

Q: Is the administration worried about cybersecurity at the ports?

MS. SMITH: We take cybersecurity seriously, and ransomware attacks on ports are a threat.

Q: What about the Federal Reserve and inflation?

MS. SMITH: The Federal Reserve is independent.
"""


@pytest.fixture(scope="module")
def briefing_home(tmp_path_factory) -> Path:
    """An English-only archive: one short briefing in the White House style."""
    folder = tmp_path_factory.mktemp("briefing")
    source = folder / "2022-06-24-press-briefing.txt"
    source.write_text(BRIEFING, encoding="utf-8")
    home = folder / "home"
    home.mkdir()
    invoke("--home", str(home), "add", str(source))
    return home


@pytest.mark.parametrize("query, how, matched", [
    ("学生贷款", "composed", "student loan"),  # no dictionary entry: 学生 + 贷款
    ("美联储", "reduced", "Federal Reserve"),  # CC-CEDICT: "US Federal Reserve", which the text does not say
])
def test_chinese_terms_reach_an_english_only_archive(briefing_home, query, how, matched):
    hits = search(briefing_home, query)
    assert hits, query
    want = {"typed": query, "matched": matched, **({"how": how} if how else {})}
    assert want in hits[0]["translated_from"]
    assert target_in(matched, text(hits[0]))
    assert not search(briefing_home, query, "--no-translate")
