"""translate.py: the lexicon built from CC-CEDICT + the glossary, its file, query expansion, name forms."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from pressarchive import translate as T
from pressarchive.errors import IndexError_

# What a small index might hold: Chinese words as the segmenter gives them, English surface words.
ZH = Counter({"集成电路": 3, "新能源": 2, "汽车": 4, "产业集群": 2, "集群": 1, "上海": 5, "发展": 9, "工业": 4,
              "实业": 1, "制造业": 6, "十四五": 2})
EN = ["integrated", "circuits", "new", "energy", "vehicles", "industrial", "clusters", "shanghai", "development",
      "growth", "manufacturing", "industry", "the", "of", "to", "a", "clan", "estate", "property", "14th", "five",
      "year", "plan"]


@pytest.fixture(scope="module")
def lex() -> dict:
    """A lexicon from the real glossary and CC-CEDICT, restricted to the small index above."""
    return T.build_lexicon(ZH, EN)


def zh_targets(lex: dict, english: str) -> list[str]:
    return [t for t, _, _ in T.targets(lex, "en", T.en_key(english))]


def en_targets(lex: dict, chinese: str) -> list[str]:
    return [t for t, _, _ in T.targets(lex, "zh", chinese)]


# --- building ------------------------------------------------------------------------------------
def test_both_directions(lex):
    assert zh_targets(lex, "integrated circuit") == ["集成电路"]
    assert "integrated circuit" in en_targets(lex, "集成电路")
    assert zh_targets(lex, "Shanghai") == ["上海"]
    assert en_targets(lex, "上海") == ["Shanghai"]
    assert zh_targets(lex, "industrial cluster")[0] == "产业集群"
    assert en_targets(lex, "产业集群")[0] == "industrial cluster"


def test_english_key_need_not_be_in_the_index(lex):
    """`semiconductor` must find 半导体 even where no English text says it: keys are free, targets are not."""
    assert "semiconductor" not in EN
    small = T.build_lexicon({"半导体": 1}, [])
    assert zh_targets(small, "semiconductor") == ["半导体"]
    assert small["zh"] == {}  # no English target is in that index


def test_restricted_to_what_the_index_holds(lex):
    assert zh_targets(lex, "semiconductor") == []  # 半导体 is not in the index
    assert "半导体" not in lex["zh"]  # "semiconductor" is not either
    for key, targets in lex["en"].items():
        for target, _, source in targets:
            if source != "name":
                assert target in ZH or T._Presence(ZH, EN, None).zh_term(target), (key, target)
    present = {T.fold_en(w) for w in EN}
    for key, targets in lex["zh"].items():
        for target, _, _ in targets:
            words = [w for w in T.en_words(target) if w not in T.STOP_WORDS]
            assert all(T.fold_en(w) in present for w in words), (key, target)


def test_glossary_outranks_and_replaces_cedict(lex):
    # CC-CEDICT glosses 集群 as "clan / to flock together"; the glossary says "cluster".
    cedict = dict((simp, glosses) for simp, _, glosses in T.cedict_entries())
    assert cedict["集群"][0][0] == "clan"
    assert "clan" in EN
    assert en_targets(lex, "集群") == ["cluster"]
    assert zh_targets(lex, "clan") == []
    # 产业 (CC-CEDICT: industry / estate / property) would be noise; 工业 comes from the glossary first.
    assert zh_targets(lex, "property") == []
    industry = T.targets(lex, "en", "industry")
    assert industry[0][0] == "工业" and industry[0][2] == "glossary"
    assert ("实业", 0.5, "cedict") in industry  # CC-CEDICT still adds what the glossary lacks, below it
    assert industry[0][1] > industry[-1][1]


def test_weights_below_one_and_ordered(lex):
    for direction in ("en", "zh"):
        for targets in lex[direction].values():
            weights = [w for _, w, _ in targets]
            assert all(0 < w < 1 for w in weights)
            assert weights == sorted(weights, reverse=True)
            assert len(targets) <= T.MAX_TARGETS


def test_generic_glosses_dropped(lex):
    for gloss in ("variant of 好[hao3]", "surname Zhang", "see 什麼|什么[shen2 me5]", "CL:個|个[ge4]",
                  "to", "the", "to make", "to help sb", "(archaic) to go", "used in 葡萄[pu2 tao5]",
                  "old variant of 發|发[fa1]", "abbr. for 集成電路|集成电路"):
        assert T.clean_gloss(gloss) == [], gloss
    assert T.clean_gloss("to develop") == ["develop"]
    assert T.clean_gloss("(computer) software") == ["software"]
    assert T.clean_gloss("Shanghai municipality, central east China, abbr. to 滬|沪[Hu4]") == [
        "Shanghai municipality", "Shanghai"]
    assert T.clean_gloss("Suzhou prefecture level city in Jiangsu") == ["Suzhou"]
    vague = T.STOP_WORDS | T.GENERIC_WORDS
    assert not vague & set(lex["en"])


def test_plural_folding():
    assert [T.fold_en(w) for w in ("vehicles", "clusters", "industries", "factories", "policies", "news",
                                   "series", "gas", "process", "status", "analysis", "boxes")] == [
        "vehicle", "cluster", "industry", "factory", "policy", "news", "series", "gas", "process", "status",
        "analysis", "box"]
    # "clusters" in the index makes "industrial cluster" a usable English target
    small = T.build_lexicon({}, ["industrial", "clusters"], use_cedict=False,
                            glossary={"产业集群": ["industrial cluster"]})
    assert T.targets(small, "zh", "产业集群") == [("industrial cluster", 0.7, "glossary")]


def test_compound_headwords_found_through_the_segmenter():
    """The index holds 新能源 / 汽车 (jieba's split), so 新能源汽车 is a target a phrase query finds."""
    glossary = {"新能源汽车": ["new energy vehicle"]}
    segmented = T.build_lexicon({"新能源": 1, "汽车": 1}, [], glossary=glossary, use_cedict=False)
    assert zh_targets(segmented, "new energy vehicles") == ["新能源汽车"]
    # with zh_complete the terms are taken as the whole truth: no guessing from the parts
    complete = T.build_lexicon({"新能源": 1, "汽车": 1}, [], glossary=glossary, use_cedict=False,
                               zh_complete=True)
    assert zh_targets(complete, "new energy vehicles") == []


def test_terms_from_texts_counts_headword_spans_and_subwords():
    zh, en = T.terms_from_texts(["在集成电路、新能源汽车等领域打造产业集群。Integrated circuits, New Energy vehicles."])
    assert {"新能源", "汽车"} <= set(zh)  # the segmenter's words
    assert zh["新能源汽车"] == 1  # a headword across two words
    assert zh["能源"] == 1  # a headword inside a word
    assert "车等" not in zh  # not a dictionary word
    assert {"integrated", "circuits", "new", "energy", "vehicles"} <= set(en)


def test_build_from_texts_with_names():
    lex = T.build_lexicon_from_texts(["上海持续推动打响“上海制造”品牌。", "Shanghai manufacturing, said Zhang Hongtao."],
                                     names=[("Zhang Hongtao", "张宏韬")])
    assert zh_targets(lex, "Shanghai") == ["上海"]
    assert en_targets(lex, "张宏韬") == ["Zhang Hongtao"]
    assert zh_targets(lex, "Zhang Hongtao") == ["张宏韬"]
    assert zh_targets(lex, "zhanghongtao") == ["张宏韬"]
    assert T.targets(lex, "zh", "张宏韬")[0][1:] == (T.W_NAME, "name")


# --- the file ------------------------------------------------------------------------------------
def test_save_load_round_trip(lex, tmp_path):
    path = tmp_path / "index" / T.LEXICON_FILE
    T.save_lexicon(lex, path)
    loaded = T.load_lexicon(path)
    assert path.read_text(encoding="utf-8").count("\n") == 3  # header, en, zh
    assert json.loads(path.read_text(encoding="utf-8").split("\n")[0])["version"] == T.LEXICON_VERSION
    for direction in ("en", "zh"):
        assert set(loaded[direction]) == set(lex[direction])
        for key in lex[direction]:
            assert T.targets(loaded, direction, key) == T.targets(lex, direction, key)
    for query in ("new energy vehicles", "产业集群 AND 集成電路", "Shanghai industrial clusters", "十四五"):
        assert T.expand(query, loaded) == T.expand(query, lex)
    # saving what was loaded gives the same file
    again = tmp_path / "again.json"
    T.save_lexicon(loaded, again)
    assert again.read_bytes() == path.read_bytes()
    assert not list(path.parent.glob(".lexicon-*"))  # no temporary file left behind


def test_load_errors(tmp_path):
    with pytest.raises(IndexError_, match="missing"):
        T.load_lexicon(tmp_path / "nothing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexError_, match="unreadable"):
        T.load_lexicon(bad)
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"format": T.LEXICON_FORMAT, "version": 1, "en": {}, "zh": {}}), encoding="utf-8")
    with pytest.raises(IndexError_, match="unknown version"):
        T.load_lexicon(old)


def test_merge_lexicon(lex, tmp_path):
    extra = T.build_lexicon({"半导体": 1}, ["semiconductor"], use_cedict=True)
    path = tmp_path / "lex.json"
    T.save_lexicon(lex, path)
    merged = T.merge_lexicon(T.load_lexicon(path), extra)
    assert zh_targets(merged, "semiconductor") == ["半导体"]
    assert "semiconductor" in en_targets(merged, "半导体")
    assert zh_targets(merged, "integrated circuit") == ["集成电路"]  # the base is kept
    T.save_lexicon(merged, path)
    assert zh_targets(T.load_lexicon(path), "semiconductor") == ["半导体"]


# --- expansion -----------------------------------------------------------------------------------
def test_expand_longest_match_and_typed_spans(lex):
    got = T.expand("New Energy Vehicles", lex)
    assert [(e.typed, e.target, e.lang) for e in got] == [("New Energy Vehicles", "新能源汽车", "zh")]
    assert got[0].weight == T.W_GLOSSARY and got[0].source == "glossary"
    got = T.expand("产业集群", lex)
    assert got[0] == T.Expansion("产业集群", "industrial cluster", "en", T.W_GLOSSARY, "glossary")
    assert all(e.typed == "产业集群" for e in got)  # not 产业 + 集群 separately


def test_expand_mixed_query_and_operators(lex):
    got = T.expand('"integrated circuits" OR 上海 -Shanghai region:Shanghai', lex)
    assert [(e.typed, e.target) for e in got] == [("integrated circuits", "集成电路"), ("上海", "Shanghai")]
    # n-grams do not run across punctuation or operators
    assert T.expand("integrated, circuits", lex) == []
    assert T.expand("integrated AND circuits", lex) == []
    got = T.expand("Shanghai development of the manufacturing industry in the 14th Five-Year Plan", lex)
    assert [(e.typed, e.target) for e in got] == [
        ("Shanghai", "上海"), ("development", "发展"), ("manufacturing industry", "制造业"),
        ("14th Five-Year Plan", "十四五")]


def test_expand_folds_traditional_and_full_width(lex):
    got = T.expand("集成電路", lex)
    assert got and got[0].typed == "集成電路" and got[0].target == "integrated circuit"
    got = T.expand("ＳＨＡＮＧＨＡＩ", lex)
    assert [e.target for e in got] == ["上海"]


def test_expand_nothing(lex):
    assert T.expand("", lex) == []
    assert T.expand("magnesite", lex) == []
    assert T.expand("-上海", lex) == []


# --- names ---------------------------------------------------------------------------------------
def test_name_forms_from_chinese_and_english():
    forms = T.name_forms("Zhang Hongtao", "张宏韬")
    assert {"张宏韬", "Zhang Hongtao", "zhang hongtao", "zhanghongtao", "Hongtao Zhang"} <= forms
    assert T.name_forms(None, "杨正华") >= {"杨正华", "Yang Zhenghua", "yangzhenghua"}
    keys = {T.name_key(f) for f in forms}
    for typed in ("ZHANG HONGTAO", "zhang-hongtao", "Zhāng Hóngtāo", "hongtao zhang", "张宏韬"):
        assert T.name_key(typed) in keys, typed


def test_name_forms_surnames():
    assert "Ouyang Xiu" in T.name_forms(None, "欧阳修")  # a two-character surname
    assert "Shan Lin" in T.name_forms(None, "单林")  # 单 as a surname reads shan, not dan
    lv = {T.name_key(f) for f in T.name_forms(None, "吕东")}
    assert {"lvdong", "ludong", "lyudong"} <= lv


# --- the glossary file ---------------------------------------------------------------------------
PROVINCIAL = ("北京 天津 河北 山西 内蒙古 辽宁 吉林 黑龙江 上海 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 广西 "
              "海南 重庆 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆 台湾 香港 澳门").split()


def test_glossary_file_is_well_formed():
    lines = T.GLOSSARY_PATH.read_text(encoding="utf-8").splitlines()
    heads = [line.split("\t")[0] for line in lines if line.strip() and not line.startswith("#")]
    assert len(heads) == len(set(heads)), "a headword appears twice"
    glossary = T.load_glossary()
    assert len(glossary) >= 300
    assert len(PROVINCIAL) == 34 and set(PROVINCIAL) <= set(glossary)
    for zh, variants in glossary.items():
        assert variants and all(v == v.strip() and v for v in variants), zh
        assert all(not any("\u4e00" <= c <= "\u9fff" for c in v) for v in variants), zh
    for zh, en in (("长三角", "Yangtze River Delta"), ("工业和信息化部", "MIIT"), ("专精特新", "specialized and sophisticated"),
                   ("十四五", "14th Five-Year Plan"), ("雄安新区", "Xiong'an New Area"), ("粤港澳大湾区", "Greater Bay Area")):
        assert en in glossary[zh]


def test_glossary_errors(tmp_path):
    bad = tmp_path / "g.tsv"
    bad.write_text("# fine\n集成电路 integrated circuit\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        T.load_glossary(bad)


def test_target_found():
    assert T.target_found("green factory", "By 2021, 1,134 Green Factories had been built.")
    assert T.target_found("14th Five-Year Plan", "During the 14th Five-Year Plan period")
    assert not T.target_found("green factory", "green and low-carbon factories")
    assert T.target_found("集成电路", "形成以集成电路、生物医药")
    assert not T.target_found("集成电路", "integrated circuits")
    assert not T.target_found("", "anything")
