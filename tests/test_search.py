"""search.py on a small hand-built archive: words, phrases, operators, every filter, highlights,
bad queries with hints, sorting, translations, show and the listings."""
from __future__ import annotations

import pytest

from pressarchive import index
from pressarchive.errors import NotFoundError, QueryError
from pressarchive.records import turn_id
from pressarchive.highlight import Wanted, highlight_spans
from pressarchive.hits import turn_context
from pressarchive.listings import list_conferences, list_outlets, list_regions, list_speakers
from pressarchive.query import Filters
from pressarchive.search import search
from test_index import CONF_A, CONF_B, make_records, seed, write_record

A = lambda n: turn_id(CONF_A, n)  # noqa: E731
B = lambda n: turn_id(CONF_B, n)  # noqa: E731


@pytest.fixture(autouse=True)
def no_lexicon(monkeypatch):
    monkeypatch.setattr(index, "BUILD_LEXICON", False)


@pytest.fixture
def archive(archive_home):
    return seed(archive_home)


def ids(result) -> list[str]:
    """The turns a search found: each hit's own, then those of its question-answer pair that matched
    too (shown in the same hit, not as hits of their own)."""
    return [t for h in result.hits for t in [h["turn"]["id"], *h.get("also_matched", [])]]


def spans(hit) -> list[tuple[int, str]]:
    """(paragraph, highlighted text) of a hit."""
    paras = hit["turn"]["paragraphs"]
    return [(h["paragraph"], paras[h["paragraph"]][h["start"]:h["end"]]) for h in hit["highlights"]]


# --- words, phrases, operators ------------------------------------------------------------------
def test_english_words_are_stemmed_and_all_required(archive):
    r = search(archive, "factory", translate=False)
    assert set(ids(r)) == {A(1), A(3), B(2)} and r.total == 3
    r = search(archive, "transferring manufacturing", translate=False)
    assert ids(r) == [A(1)]  # "transfer of manufacturing"; A(3) has "transferring" but not "manufacturing"


def test_english_phrase(archive):
    r = search(archive, '"green factories"', translate=False)
    assert set(ids(r)) == {A(1), A(3)}  # B(2) has both words, apart
    assert set(ids(search(archive, "green factories", translate=False))) == {A(1), A(3), B(2)}
    hit = next(h for h in r.hits if h["turn"]["id"] == A(3))
    assert spans(hit) == [(1, "green factories")]
    assert hit["matched_terms"] == ["green factories"]


def test_one_chinese_character_is_found_anywhere_in_a_run(archive):
    """The bigram field keeps a unigram only at the end of a run; a lone character is a prefix query."""
    for char, where in (("积", A(6)), ("接", A(6)), ("移", A(6)), ("移", A(5))):  # start, middle, end of a run
        r = search(archive, char, translate=False)
        assert where in ids(r), char
        hit = next(h for h in r.hits if h["turn"]["id"] == where)
        assert char in [text for _, text in spans(hit)] or char in "".join(text for _, text in spans(hit))
    assert search(archive, "煤", translate=False).total == 0


def test_a_chinese_word_of_the_index_is_a_term_query_and_finds_it_inside_longer_words(archive):
    from whoosh import query as wq

    from pressarchive.query import _prefer_words, parse_query

    ix = index.ensure_index(archive)
    try:
        with ix.searcher() as s:
            q = _prefer_words(parse_query("集成电路", ix.schema), s.reader())
            fields = {getattr(leaf, "fieldname", None) for leaf in q.leaves()}
            assert "cjk" not in fields and wq.Term("text", "集成电路") in q.leaves()
            kept = _prefer_words(parse_query("精尖", ix.schema), s.reader())  # not an index word: bigrams stay
            assert "cjk" in {getattr(leaf, "fieldname", None) for leaf in kept.leaves()}
    finally:
        ix.close()
    r = search(archive, "电路", translate=False)  # a dictionary word inside the indexed word 集成电路
    assert A(5) in ids(r)
    hit = next(h for h in r.hits if h["turn"]["id"] == A(5))
    assert (0, "電路") in spans(hit)
    assert set(ids(search(archive, "精尖", translate=False))) == {A(5)}  # inside 高精尖, by bigrams


def test_chinese_word_phrase_and_traditional_text(archive):
    r = search(archive, "产业转移", translate=False)
    assert set(ids(r)) == {A(5), A(6)}
    hit = next(h for h in r.hits if h["turn"]["id"] == A(5))
    assert spans(hit) == [(1, "產業轉移")]  # offsets into the text as written (traditional)
    r = search(archive, '"产业 转移"', translate=False)
    assert set(ids(r)) == {A(5), A(6)}


def test_traditional_and_full_width_queries_fold(archive):
    assert set(ids(search(archive, "集成電路", translate=False))) == {A(4), A(5)}
    assert set(ids(search(archive, "ＧＲＥＥＮ　ｆａｃｔｏｒｉｅｓ", translate=False))) == {A(1), A(3), B(2)}


def test_chinese_sub_words_are_found(archive):
    hit = search(archive, "电路", translate=False).hits[0]
    assert hit["turn"]["id"] in {A(4), A(5)}
    r = search(archive, "精尖", translate=False)  # inside the word 高精尖
    assert ids(r) == [A(5)] and spans(r.hits[0]) == [(1, "精尖")]
    assert set(ids(search(archive, "重", translate=False))) == {A(6)}


def test_or_not_and_minus(archive):
    assert set(ids(search(archive, "Hengqin OR Xiong'an", translate=False))) == {B(3)}
    assert set(ids(search(archive, "factories -green", translate=False))) == set()
    assert set(ids(search(archive, "factories NOT Shanghai", translate=False))) == {A(1), B(2)}
    # A(3) says "cluster" and answers a question about the Yangtze River Delta
    assert set(ids(search(archive, "(Jiangsu OR Yangtze) clusters", translate=False))) == {A(3), B(1), B(2)}
    # a hyphen inside a word is not an exclusion
    assert search(archive, "Xiong'an New-District", translate=False).total == 1


def test_field_queries(archive):
    assert set(ids(search(archive, "kind:question region:shanghai", translate=False))) == set()
    assert set(ids(search(archive, "kind:question", translate=False))) == {A(2), A(4), B(1)}
    assert set(ids(search(archive, 'speaker:"li feng" kind:answer', translate=False))) == {B(2)}
    assert set(ids(search(archive, "outlet:jiefang", translate=False))) == {A(2), A(3)}
    assert set(ids(search(archive, "mentions:chongqing", translate=False))) == {A(6)}
    assert set(ids(search(archive, "Region:Chongqing Kind:statement", translate=False))) == {A(6)}


def test_an_answer_is_found_through_its_question(archive):
    r = search(archive, "Yangtze", Filters(kind="answer"), translate=False)
    assert ids(r) == [A(3)]
    hit = r.hits[0]
    assert hit["highlights"] == [] and hit["matched_terms"] == ["Yangtze"]
    assert hit["question"]["id"] == A(2) and hit["question"]["speaker"]["organization"] == "Jiefang Daily"
    # the question itself ranks above the answer that only carries it
    assert ids(search(archive, "Yangtze", translate=False)) == [A(2), A(3)]


# --- hits ---------------------------------------------------------------------------------------
def test_hit_layout(archive):
    hit = search(archive, "集成电路", Filters(kind="answer"), translate=False).hits[0]
    assert hit["turn"]["id"] == A(5) and hit["turn"]["kind"] == "answer" and hit["turn"]["lang"] == "zh"
    assert hit["speaker"]["name"] == "Zhang Hongtao" and hit["speaker"]["name_zh"] == "张宏韬"
    assert hit["speaker"]["region"] == "Shanghai" and hit["speaker"]["title"] == "Chief Engineer"
    assert hit["conference"]["id"] == CONF_A and hit["conference"]["date"] == "2023-03-05"
    assert hit["question"]["paragraphs"] == ["请问上海在集成电路方面有哪些进展？"]
    assert isinstance(hit["score"], float) and hit["score"] > 0
    assert hit["highlights"] == [{"paragraph": 0, "start": 0, "end": 4}]
    assert hit["matched_terms"] == ["集成電路"] and hit["translated_from"] == []


def test_highlight_spans_merge_and_map_offsets():
    text = "ＧＲＥＥＮ factories, green factory; 集成電路产业"
    got = highlight_spans(text, Wanted(words={"green"}, phrases=[("green", "factori")], strings=["集成电路"]))
    assert [text[s:e] for s, e in got] == ["ＧＲＥＥＮ factories", "green factory", "集成電路"]


def test_limit_total_and_relevance_order(archive):
    r = search(archive, "manufacturing", limit=1, translate=False)
    assert len(r.hits) == 1 and r.total == 3
    scores = [h["score"] for h in search(archive, "manufacturing", translate=False).hits]
    assert scores == sorted(scores, reverse=True)


def test_filters_alone_sort_by_date_then_turn(archive):
    r = search(archive, None, Filters(kind="question"))
    assert ids(r) == [A(2), A(4), B(1)]
    assert all(h["score"] is None for h in r.hits)
    r = search(archive, "manufacturing", sort="date", translate=False)
    assert ids(r) == [A(1), B(1), B(2)]


# --- filters ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["Zhang Hongtao", "zhang hongtao", "ZHANGHONGTAO", "张宏韬", "張宏韜",
                                  "Hongtao Zhang", "zhang", "Zhāng Hóngtāo"])
def test_speaker_filter_any_script_and_case(archive, name):
    r = search(archive, None, Filters(speaker=name))
    assert set(ids(r)) == {A(3), A(5)}
    assert {h["speaker"]["name"] for h in r.hits} == {"Zhang Hongtao"}


def test_region_outlet_kind_lang_filters(archive):
    assert set(ids(search(archive, None, Filters(region="chongqing")))) == {A(6)}
    assert set(ids(search(archive, None, Filters(region="Shanghai", kind="answer")))) == {A(3), A(5)}
    assert set(ids(search(archive, None, Filters(outlet="上海电视台")))) == {A(4), A(5)}
    assert set(ids(search(archive, None, Filters(outlet="youth daily")))) == {B(1), B(2)}
    assert set(ids(search(archive, None, Filters(kind="Statement")))) == {A(1), A(6), B(3)}
    assert set(ids(search(archive, None, Filters(lang="zh")))) == {A(4), A(5), A(6)}
    assert set(ids(search(archive, "manufacturing", Filters(lang="en"), translate=False))) == {A(1), B(1), B(2)}


def test_date_and_conference_filters(archive):
    assert set(ids(search(archive, "manufacturing", Filters(since="2022"), translate=False))) == {A(1)}
    assert set(ids(search(archive, "manufacturing", Filters(until="2021-06"), translate=False))) == {B(1), B(2)}
    assert search(archive, None, Filters(since="2021-06-01", until="2021-06-01")).total == 3
    assert search(archive, None, Filters(conference=CONF_B)).total == 3
    assert search(archive, None, Filters(conference="2023-03")).total == 6  # an unambiguous prefix


@pytest.mark.parametrize("filters, message, hint", [
    (Filters(region="Atlantis"), "no speaker from region 'Atlantis'", "Chongqing, Jiangsu, National, Shanghai"),
    (Filters(speaker="Nobody Here"), "no speaker 'Nobody Here'", "Li Feng"),
    (Filters(outlet="Daily Planet"), "no outlet 'Daily Planet'", "Jiefang Daily"),
    (Filters(kind="rant"), "unknown kind 'rant'", "statement, question, answer"),
    (Filters(lang="fr"), "unknown language 'fr'", "en, zh"),
    (Filters(conference="1999"), "conference '1999' is not in the archive", CONF_A),
    (Filters(conference="20"), "conference '20' matches several conferences", CONF_B),
    # the library names its parameters (the command line writes them as --since / --until)
    (Filters(since="yesterday"), "since 'yesterday' is not a date", "YYYY-MM-DD"),
    (Filters(until="2023-02-30"), "until '2023-02-30' is not a date", "YYYY"),
])
def test_unknown_filter_values_raise_with_known_values(archive, filters, message, hint):
    with pytest.raises(QueryError) as err:
        search(archive, None, filters)
    assert message in err.value.message and hint in (err.value.hint or "")
    assert err.value.exit_code == 2 and "--" not in err.value.message


# --- bad queries --------------------------------------------------------------------------------
@pytest.mark.parametrize("query, message", [
    ('"green factories', "unbalanced quote"),
    ("(green factories", "unbalanced parenthesis"),
    ("green)", "unbalanced parenthesis"),
    ("colour:red", "unknown field 'colour'"),
    ("green AND", "the operator AND has nothing to join"),
    ("OR green", "the operator OR has nothing to join"),
    ("-green", "has no words to look for"),
    ("!!! ???", "has no words to look for"),
    ("(-green)", "has no words to look for"),
])
def test_malformed_queries(archive, query, message):
    with pytest.raises(QueryError) as err:
        search(archive, query, translate=False)
    assert message in err.value.message and err.value.hint


def test_nothing_to_search_bad_sort_and_limit(archive):
    with pytest.raises(QueryError, match="give a query or a filter"):
        search(archive, "  ")
    with pytest.raises(QueryError, match="unknown sort"):
        search(archive, "green", sort="random")
    with pytest.raises(QueryError, match="^limit must be 1 or more"):
        search(archive, "green", limit=0)
    with pytest.raises(QueryError, match="is after"):
        search(archive, None, Filters(since="2023", until="2022"))


def test_question_marks_are_not_wildcards(archive):
    # one hit: the answer leads (a question ranks below the answer it got), its question matched too
    r = search(archive, "what about Jiangsu?", translate=False)
    assert ids(r) == [B(2), B(1)] and len(r.hits) == 1 and r.hits[0]["question"]["id"] == B(1)
    assert set(ids(search(archive, "重庆？", translate=False))) == {A(6)}
    assert set(ids(search(archive, "clust*", Filters(conference=CONF_B), translate=False))) == {B(1), B(2)}


def test_curly_quotes_make_a_phrase(archive):
    assert set(ids(search(archive, "\u201cgreen factories\u201d", translate=False))) == {A(1), A(3)}


# --- translations -------------------------------------------------------------------------------
def test_translations_are_or_ed_in_at_lower_weight(archive):
    translate = pytest.importorskip("pressarchive.translate")
    index.ensure_index(archive).close()
    lexicon = translate.build_lexicon(["集成电路"], ["integrated", "circuit", "circuits"],
                                      glossary={"集成电路": ["integrated circuit"]}, use_cedict=False)
    translate.save_lexicon(lexicon, archive.index_dir / translate.LEXICON_FILE)
    plain = search(archive, "集成电路", translate=False)
    assert set(ids(plain)) == {A(4), A(5)}
    r = search(archive, "集成电路")
    assert set(ids(r)) == {A(2), A(3), A(4), A(5)}
    assert ids(r)[:2] == ids(plain)  # the words typed weigh more
    english = next(h for h in r.hits if h["turn"]["id"] == A(3))
    assert english["translated_from"] == [{"typed": "集成电路", "matched": "integrated circuit"}]
    assert {"typed": "集成电路", "target": "integrated circuit"}.items() <= r.expansions[0].items()
    # an exclusion is not translated
    assert set(ids(search(archive, "Shanghai -集成电路"))) >= {A(3)}


# --- show and listings --------------------------------------------------------------------------
def test_turn_context(archive):
    ctx = turn_context(archive, A(3))
    assert ctx["hit"]["question"]["id"] == A(2)
    assert ctx["before"] == [] and [h["turn"]["id"] for h in ctx["after"]] == [A(4)]  # A(2) is its question
    ctx = turn_context(archive, A(3), neighbours=2)
    assert [h["turn"]["id"] for h in ctx["before"] + ctx["after"]] == [A(1), A(4), A(5)]
    ctx = turn_context(archive, f"{CONF_A}:2", neighbours=0)
    assert [h["turn"]["id"] for h in ctx["answers"]] == [A(3)] and ctx["before"] == ctx["after"] == []
    with pytest.raises(NotFoundError, match="is not a turn id"):
        turn_context(archive, "nonsense")
    with pytest.raises(NotFoundError, match="no turn 99"):
        turn_context(archive, f"{CONF_A}:099")
    with pytest.raises(NotFoundError):
        turn_context(archive, "1999-01-01-x-000000:001")


def test_listings(archive):
    speakers = {s["name"]: s for s in list_speakers(archive)}
    assert set(speakers) == {"Zhang Hongtao", "Li Feng", "Cheng Xiaoming", "Yang Zhenghua"}
    assert speakers["Zhang Hongtao"]["turns"] == 2 and speakers["Zhang Hongtao"]["answers"] == 2
    assert [s["name"] for s in list_speakers(archive, region="jiangsu")] == ["Li Feng"]
    assert [s["name"] for s in list_speakers(archive, conference=CONF_B)] == ["Li Feng"]
    outlets = {o["outlet"]: o["questions"] for o in list_outlets(archive)}
    assert outlets == {"Jiefang Daily": 1, "上海电视台": 1, "China Youth Daily": 1}
    regions = {r["region"]: r for r in list_regions(archive)}
    assert regions["Shanghai"]["turns"] == 2 and regions["Shanghai"]["mentions"] == 1
    assert regions["Chongqing"]["speakers"] == ["Yang Zhenghua"]
    confs = list_conferences(archive)
    assert [c["id"] for c in confs] == [CONF_A, CONF_B] and confs[0]["questions"] == 2
    assert [c["id"] for c in list_conferences(archive, region="Jiangsu")] == [CONF_B]
    assert [c["id"] for c in list_conferences(archive, since="2022")] == [CONF_A]
    with pytest.raises(QueryError, match="no speaker from region 'Mars'"):
        list_speakers(archive, region="Mars")
    with pytest.raises(QueryError, match="conference 'x' is not in the archive"):
        list_outlets(archive, conference="x")


def test_search_sees_a_record_changed_after_indexing(archive, archive_home):
    assert search(archive, "Hengqin").total == 0
    b = make_records()[1]
    b.turns[2].paragraphs = ["Hengqin is the new topic."]
    write_record(archive_home, b)
    assert ids(search(archive, "Hengqin")) == [B(3)]


def test_search_index_on_a_ram_index():
    from whoosh.filedb.filestore import RamStorage

    from pressarchive.search import search_index

    records = {r.conference.id: r for r in make_records()}
    ix = index.build_in(RamStorage(), records.values())
    r = search_index(ix, records.__getitem__, "高精尖", Filters(speaker="张宏韬"))
    assert ids(r) == [A(5)] and spans(r.hits[0]) == [(1, "高精尖")]
