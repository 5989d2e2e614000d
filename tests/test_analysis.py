"""The analysers: folding, English stemming, Chinese segmentation and bigrams, offsets and positions."""
from __future__ import annotations

import pytest
from whoosh import query as wq
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.qparser import QueryParser

from pressarchive import analysis
from pressarchive.analysis import fold, fold_with_offsets, key, stem


def tokens(analyzer, text, mode="index"):
    return [(t.text, t.pos, t.startchar, t.endchar) for t in analyzer(text, positions=True, chars=True, mode=mode)]


def test_fold_traditional_and_full_width():
    assert fold("集成電路") == "集成电路"
    assert fold("ＡＢＣ　１２３") == "ABC 123"
    assert fold("plain ascii") == "plain ascii"


def test_fold_offsets_map_back_to_the_original():
    text = "ﬁne 集成電路"  # the ligature folds to two characters
    folded, offsets = fold_with_offsets(text)
    assert folded == "fine 集成电路"
    assert offsets is not None and len(offsets) == len(folded) + 1
    start = folded.index("集成")
    assert text[offsets[start]:offsets[start + 4]] == "集成電路"


def test_english_words_lower_cased_and_stemmed():
    a = analysis.bilingual_analyzer()
    got = tokens(a, "Factories closed; the factory is closing")
    assert [t[0] for t in got] == ["factori", "close", "the", "factori", "is", "close"]
    assert [t[1] for t in got] == [0, 1, 2, 3, 4, 5]


def test_stemming_fixes_porter_step_1b_and_keeps_listed_words():
    assert stem("transferring") == stem("transfer") == stem("transferred")
    assert stem("planned") == stem("plan")
    assert stem("news") == "news"  # not conflated with "new"
    assert stem("5g") == "5g"


def test_apostrophes_possessives_and_numbers():
    a = analysis.bilingual_analyzer()
    text = "Xiong\u2019an and China's 1,134 factories"
    got = tokens(a, text)
    assert [t[0] for t in got] == ["xiong'an", "and", "china", "1,134", "factori"]
    assert text[got[0][2]:got[0][3]] == "Xiong\u2019an"
    assert text[got[2][2]:got[2][3]] == "China"


def test_chinese_words_have_consecutive_positions_and_original_offsets():
    a = analysis.bilingual_analyzer()
    text = "集成電路产业规模达到1.27万亿元"
    got = tokens(a, text, mode="query")
    words = [t[0] for t in got]
    assert words[:3] == ["集成电路", "产业", "规模"]
    assert "1.27" in words
    assert [t[1] for t in got] == list(range(len(got)))
    first = got[0]
    assert text[first[2]:first[3]] == "集成電路"


def test_indexing_adds_the_words_inside_a_longer_word_at_its_position():
    a = analysis.bilingual_analyzer()
    text = "集成電路产业 and 新能源汽车产业"
    got = tokens(a, text)  # index mode
    assert [(w, p) for w, p, _, _ in got if p == 0] == [("集成电路", 0), ("集成", 0), ("成电", 0), ("电路", 0)]
    assert ("产业", 4, 16, 18) in got and ("汽车产业", 4, 14, 18) in got  # 产业 inside 汽车产业
    assert text[got[1][2]:got[1][3]] == "集成"  # offsets into the text as written (traditional)
    assert sorted({p for _, p, _, _ in got}) == list(range(5))  # sub-words take no position of their own
    assert [t[0] for t in tokens(a, "新能源汽车产业", mode="query")] == ["新能源", "汽车产业"]


def test_mixed_text_keeps_one_position_stream():
    a = analysis.bilingual_analyzer()
    got = tokens(a, "Shanghai 集成电路 industry", mode="query")
    assert [(t[0], t[1]) for t in got] == [("shanghai", 0), ("集成电路", 1), ("industri", 2)]


def test_english_and_chinese_analysers_keep_their_own_script():
    assert [t.text for t in analysis.english_analyzer()("Shanghai 集成电路 clusters")] == ["shanghai", "cluster"]
    assert [t.text for t in analysis.chinese_analyzer()("Shanghai 集成电路 clusters")] == ["集成电路"]


def test_bigrams_index_mode_ends_runs_with_a_unigram_query_mode_only_bigrams():
    a = analysis.cjk_bigram_analyzer()
    indexed = tokens(a, "集成电路 and 产业")
    assert ("集成", 0, 0, 2) in indexed and ("路", 3, 3, 4) in indexed and ("业", 6, 10, 11) in indexed
    assert [t[0] for t in indexed if len(t[0]) == 1] == ["路", "业"]  # the rest start a bigram
    queried = [(t[0], t[1]) for t in tokens(a, "集成电路", mode="query")]
    assert queried == [("集成", 0), ("成电", 1), ("电路", 2)]
    assert [t[0] for t in tokens(a, "煤", mode="query")] == ["煤"]
    # a phrase never spans two runs: positions leave a gap
    pos_lu = next(t[1] for t in indexed if t[0] == "路")
    pos_chan = next(t[1] for t in indexed if t[0] == "产业")
    assert pos_chan > pos_lu + 1


def test_name_analyser_never_stems():
    got = [t.text for t in analysis.name_analyzer()("Chongqing News 张宏韬")]
    assert got == ["chongqing", "news", "张宏韬"]


def test_key_folds_case_accents_spaces_and_script():
    assert key("Zhang Hongtao") == key("zhang-hongtao") == key("Zhāng Hóngtāo") == "zhanghongtao"
    assert key("張宏韜") == "张宏韬"
    assert [t.text for t in analysis.key_analyzer()("Shanghai\nNational")] == ["shanghai", "national"]
    assert [t.text for t in analysis.label_analyzer()("Jiefang Daily\n上海电视台")] == ["Jiefang Daily", "上海电视台"]


@pytest.fixture
def ram_index():
    schema = Schema(id=ID(stored=True), text=TEXT(analyzer=analysis.bilingual_analyzer(), phrase=True),
                    cjk=TEXT(analyzer=analysis.cjk_bigram_analyzer(), phrase=True, multitoken_query="phrase"))
    ix = RamStorage().create_index(schema)
    with ix.writer() as w:
        for i, text in enumerate(["我们推动產業轉移，构建高精尖经济结构", "产业发展和人员转移", "green factories in Henan"]):
            w.add_document(id=str(i), text=text, cjk=text)
    return ix


def ids(ix, field, text):
    with ix.searcher() as s:
        return sorted(h["id"] for h in s.search(QueryParser(field, ix.schema).parse(text)))


def test_phrase_queries_work_in_both_languages(ram_index):
    assert ids(ram_index, "text", '"产业转移"') == ["0"]  # traditional in the text, simplified typed
    assert ids(ram_index, "text", "产业 转移") == ["0", "1"]
    assert ids(ram_index, "text", '"green factories"') == ["2"]
    assert ids(ram_index, "text", '"factories green"') == []


def test_bigram_field_finds_any_substring(ram_index):
    assert ids(ram_index, "cjk", "精尖") == ["0"]  # inside the jieba word 高精尖
    assert ids(ram_index, "cjk", "业转") == ["0"]
    # one character: the first half of a bigram or a run's last character, so a prefix query
    # (search.parse_query turns a lone character on this field into one)
    assert ids(ram_index, "cjk", "转*") == ["0", "1"]
    assert ids(ram_index, "cjk", "建") == [] and ids(ram_index, "cjk", "建*") == ["0"]  # mid-run: no unigram
    with ram_index.searcher() as s:
        q = QueryParser("cjk", ram_index.schema).parse("集成電路")
        assert isinstance(q, wq.Phrase) and list(q.words) == ["集成", "成电", "电路"]
