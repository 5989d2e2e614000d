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
    assert path.read_text(encoding="utf-8").count("\n") == 4  # header, en, zh, more (spare renderings)
    assert json.loads(path.read_text(encoding="utf-8").split("\n")[0])["version"] == T.LEXICON_VERSION
    assert lex["more"]
    for direction in ("en", "zh", "more"):
        assert set(loaded[direction]) == set(lex[direction])
        for key in lex[direction]:
            assert T.targets(loaded, direction, key) == T.targets(lex, direction, key)
    for query in ("new energy vehicles", "产业集群 AND 集成電路", "Shanghai industrial clusters", "十四五"):
        assert T.expand(query, loaded) == T.expand(query, lex)
        assert T.expand(query, loaded, compose=True) == T.expand(query, lex, compose=True)
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


# --- the build visits only the CC-CEDICT entries that can add something: same result as a full walk -----
# The reference: build_lexicon and terms_from_texts as they were before the lookup tables (3f618ba), walking
# every CC-CEDICT entry and building the headword set on each call.
def _reference_terms_from_texts(texts, fold=None):
    segment = T._segmenter()
    headwords = set(T.load_glossary()) | {simp for simp, _, _ in T.cedict_entries()}
    longest = max(map(len, headwords), default=1)
    tokens_seen, spans, en = Counter(), Counter(), Counter()
    for text in texts:
        if fold is not None:
            text = fold(text)
        en.update(T.en_words(text))
        for run in T._rx("cjk").findall(T.unicodedata.normalize("NFKC", text)):
            tokens = [t for t in segment(run) if t.strip()]
            tokens_seen.update(tokens)
            for i in range(len(tokens) - 1):
                joined = tokens[i]
                for j in range(i + 1, min(i + T.MAX_ZH_SPAN_TOKENS, len(tokens))):
                    joined += tokens[j]
                    if len(joined) > longest:
                        break
                    if joined in headwords:
                        spans[joined] += 1
    zh = Counter(tokens_seen)
    zh.update(spans)
    for token, count in tokens_seen.items():
        n = len(token)
        for size in range(2, min(n, longest + 1)):
            for i in range(n - size + 1):
                if token[i : i + size] in headwords:
                    zh[token[i : i + size]] += count
    return zh, en


def _reference_build_lexicon(zh_terms, en_terms, *, names=(), glossary=None, use_cedict=True, zh_complete=False):
    present = T._Presence(zh_terms, en_terms, None, zh_complete)
    gloss = T.load_glossary() if glossary is None else glossary
    en_map, zh_map, spare_map = {}, {}, {}

    def add(table, key, target, weight, source):
        if not key or not target:
            return
        slot = table.setdefault(key, {})
        if target not in slot or slot[target][0] < weight:
            slot[target] = (weight, source)

    for zh, variants in gloss.items():
        base = T.W_GLOSSARY_ABBR if len(zh) == 1 else T.W_GLOSSARY
        zh_ok = present.zh_term(zh)
        for rank, en in enumerate(variants):
            if zh_ok:
                add(en_map, T.en_key(en), zh, base, "glossary")
            if present.en_keys(T._content_keys(en)):
                add(zh_map, zh, en, round(base - T.W_VARIANT_STEP * min(rank, 10), 2), "glossary")
    entries = T.cedict_entries() if use_cedict else ()
    for simp, _, glosses in entries:  # every entry
        if simp in gloss:  # CC-CEDICT's senses of a glossary headword: spare renderings only
            for rank, (en, key, content) in enumerate(glosses):
                if present.en_keys(content):
                    add(spare_map, simp, en, round(max(T.W_CEDICT_MIN, T.W_CEDICT - T.W_CEDICT_STEP * rank), 2),
                        "cedict")
            continue
        zh_ok = present.zh_term(simp)
        for rank, (en, key, content) in enumerate(glosses):
            weight = round(max(T.W_CEDICT_MIN, T.W_CEDICT - T.W_CEDICT_STEP * rank), 2)
            if zh_ok:
                add(en_map, key, simp, weight, "cedict")
            if present.en_keys(content):
                add(zh_map, simp, en, weight, "cedict")
    for name_en, name_zh in names:
        if not name_en and not name_zh:
            continue
        forms = T.name_forms(name_en, name_zh)
        zh_forms = sorted(f for f in forms if T._rx("cjk").fullmatch(f))
        latin = sorted(f for f in forms if not T._rx("cjk_char").search(f))
        display = name_en or next((f for f in latin if f[:1].isupper() and " " in f), None)
        for zh in zh_forms:
            for form in latin:
                add(en_map, T.en_key(form), zh, T.W_NAME, "name")
            if display:
                add(zh_map, zh, display, T.W_NAME, "name")

    if use_cedict:  # every single character of CC-CEDICT: spare renderings only
        for char, glosses in sorted(T._cedict_tables()["chars"].items()):
            if char in gloss:
                continue
            for rank, (en, key, content) in enumerate(glosses):
                if present.en_keys(content):
                    add(spare_map, char, en, round(max(T.W_CEDICT_MIN, T.W_CEDICT - T.W_CEDICT_STEP * rank), 2),
                        "cedict")
        for head, learned in sorted(T._cedict_tables()["learned"].items()):  # senses learned from compounds
            for en, key, content in learned:
                if present.en_keys(content):
                    add(spare_map, head, en, T.W_LEARNED, "compound")

    def items(table, key, zh_targets):
        return sorted(table.get(key, {}).items(), key=lambda kv: (
            -kv[1][0], -(present.zh_count(kv[0]) if zh_targets else 0), len(kv[0]), kv[0]))

    def ranked(table, zh_targets):
        out = {}
        for key in sorted(table):
            kept, seen = [], set()
            for target, (weight, source) in items(table, key, zh_targets):
                same = target if zh_targets else T.stem_key(target)
                if same in seen:
                    continue
                seen.add(same)
                kept.append([target, weight, source])
                if len(kept) == T.MAX_TARGETS:
                    break
            out[key] = kept
        return out

    def spares(direct):  # the senses past the cap, then the spare-only ones, de-duplicated like the direct ones
        out = {}
        for key in sorted(set(zh_map) | set(spare_map)):
            seen = {T.stem_key(t) for t, _, _ in direct.get(key, [])}
            more = []
            for target, (weight, source) in items(zh_map, key, False) + items(spare_map, key, False):
                if T.stem_key(target) not in seen and len(more) < T.MAX_SPARE:
                    seen.add(T.stem_key(target))
                    more.append([target, weight, source])
            if more:
                out[key] = more
        return out

    en_out, zh_out = ranked(en_map, True), ranked(zh_map, False)
    more_out = spares(zh_out)
    zh_chars = set("".join(zh_out)) | set("".join(more_out))
    return {
        "format": T.LEXICON_FORMAT,
        "version": T.LEXICON_VERSION,
        "cedict": T.cedict_edition() if use_cedict else None,
        "en_max": max((k.count(" ") + 1 for k in en_out), default=0),
        "zh_max": max(map(len, zh_out), default=0),
        "more_max": max(map(len, more_out), default=0),
        "en": en_out,
        "zh": zh_out,
        "more": more_out,
        "t2s": {t: s for t, s in T._t2s_chars(entries).items() if s in zh_chars},
    }


def _assert_same_lexicon(new: dict, old: dict) -> None:
    assert new == old
    # the same order too (save_lexicon writes t2s in its order)
    assert json.dumps(new, ensure_ascii=False) == json.dumps(old, ensure_ascii=False)


def _sample_texts_and_names():
    from pathlib import Path

    record = json.loads((Path(__file__).resolve().parent.parent / "corpus" / "2022-09-27-miit-dbc269" /
                         "record.json").read_text(encoding="utf-8"))
    texts = [p for turn in record["turns"] for p in turn["paragraphs"]]
    names = [(s.get("name"), s.get("name_zh")) for s in record["speakers"] if s.get("name") or s.get("name_zh")]
    return texts, names


MIXED_TEXTS = [
    "在集成電路、新能源汽车等领域打造產業集群。Integrated circuits, New Energy Vehicles and industrial clusters.",
    "长三角一体化发展，粤港澳大湾区建设；雄安新区。The Yangtze River Delta, the Greater Bay Area, Xiong'an.",
    "ＳＨＡＮＧＨＡＩ manufacturing: 上海制造，专精特新“小巨人”企业 1,134 green factories, semiconductors.",
    "经济运行总体平稳 The economy is stable; 十四五规划 the 14th Five-Year Plan; 半导体 chips 芯片.",
]
MIXED_NAMES = [("Zhang Hongtao", "张宏韬"), (None, "欧阳修"), ("Li Wei", None), (None, None)]


@pytest.mark.parametrize("zh_complete", [True, False])
def test_build_equals_full_walk_on_the_sample(zh_complete):
    from pressarchive.analysis import fold

    texts, names = _sample_texts_and_names()
    zh, en = T.terms_from_texts(texts, fold=fold)
    assert (zh, en) == _reference_terms_from_texts(texts, fold=fold)
    new = T.build_lexicon(zh, en, names=names, zh_complete=zh_complete)
    _assert_same_lexicon(new, _reference_build_lexicon(zh, en, names=names, zh_complete=zh_complete))
    if zh_complete:
        _assert_same_lexicon(T.build_lexicon_from_texts(texts, names=names, fold=fold), new)
        # what made it slow is gone: only a part of CC-CEDICT is visited (the entries with something to add)
        assert len(T._cedict_candidates(T._Presence(zh, en, None, True))) < len(T.cedict_entries()) / 4
    assert new["en"] and new["zh"] and new["t2s"]


def test_build_equals_full_walk_on_small_inputs():
    zh, en = T.terms_from_texts(MIXED_TEXTS)
    assert (zh, en) == _reference_terms_from_texts(MIXED_TEXTS)
    cases = [  # (zh_terms, en_terms, zh_complete, other arguments)
        (zh, en, True, {"names": MIXED_NAMES}),
        (zh, en, False, {"names": MIXED_NAMES}),
        (ZH, EN, False, {}),
        (list(ZH), EN[:5], True, {}),  # an iterable of terms, not counts
        ({}, EN, True, {}),  # English only
        (ZH, [], False, {}),  # Chinese only
        ([], [], True, {"names": MIXED_NAMES[:1]}),
        ({"新能源": 1, "汽车": 1, "集群": 2}, ["industrial", "clusters", "clan"], False,
         {"glossary": {"产业集群": ["industrial cluster"], "集群": ["cluster"]}}),
        ({"新能源": 1, "汽车": 1}, ["new", "energy"], False,
         {"glossary": {"新能源汽车": ["new energy vehicle"]}, "use_cedict": False}),
    ]
    for zh_terms, en_terms, zh_complete, kwargs in cases:
        new = T.build_lexicon(zh_terms, en_terms, zh_complete=zh_complete, **kwargs)
        old = _reference_build_lexicon(zh_terms, en_terms, zh_complete=zh_complete, **kwargs)
        _assert_same_lexicon(new, old)


def test_cedict_index_tables():
    entries = (
        ("集成电路", "集成電路", (("integrated circuit", "integrated circuit", ("integrated", "circuit")),)),
        ("电路", "電路", (("circuit", "circuit", ("circuit",)), ("electric circuit", "electric circuit",
                                                               ("electric", "circuit")))),
        ("集群", "集群", (("clan", "clan", ("clan",)),)),
    )
    tables = T._cedict_index(entries)
    # each gloss filed once, under its rarest content key; positions ascending, once each
    assert tables["by_key"] == {"integrated": (0,), "circuit": (1,), "electric": (1,), "clan": (2,)}
    assert tables["t2s"] == {"電": "电"} and tables["longest"] == 4
    assert T._cedict_index(()) == {"by_key": {}, "learned": {}, "synonyms": {}, "chars": {}, "chars_by_key": {},
                                   "t2s": {}, "longest": 0}
    chars = {"墙": (("wall", "wall", ("wall",)),), "管": (("manage", "manage", ("manage",)), ("pipe", "pipe", ("pipe",)))}
    tables = T._cedict_index(entries, chars)
    assert tables["chars"] == chars and tables["chars_by_key"] == {"wall": ("墙",), "manage": ("管",), "pipe": ("管",)}


def test_senses_learned_from_the_dictionary_s_compounds():
    """网络空间 "cyberspace" = 网络 + 空间 "space": 网络 -> cyber; 小企业 "small business" = 小 + 企业 "company":
    企业 -> business (after 小's gloss). A word the part already has, or a stop word, is not learned."""
    def entry(simp, *glosses):
        return (simp, simp, tuple((g, T.en_key(g), T._content_keys(g)) for g in glosses))

    entries = (entry("网络", "Internet", "network"), entry("空间", "space"), entry("网络空间", "cyberspace"),
               entry("企业", "company", "firm"), entry("小企业", "small business"),
               entry("网络化", "network"), entry("安全", "safe"), entry("网络安全", "the safe"))
    chars = {"小": (("small", "small", ("small",)),)}
    learned = T._learned_senses(entries, chars)
    assert [g[0] for g in learned["网络"]] == ["cyber"]
    assert [g[0] for g in learned["企业"]] == ["business"]
    assert set(learned) == {"网络", "企业"}


def test_learned_senses_are_spare_and_compose(tmp_path):
    """A learned sense is a spare rendering (source "compound"), never a direct one; it composes."""
    lex = T.build_lexicon({}, ["cyber", "cybersecurity", "security", "network", "internet", "safe", "secure"],
                          glossary={})
    assert ("cyber", T.W_LEARNED, "compound") in T.targets(lex, "more", "网络")
    assert "cyber" not in [t for t, _, _ in T.targets(lex, "zh", "网络")]
    composed = [e.target for e in T.expand("网络安全", lex, compose=True) if e.source == "composed"]
    assert "cyber secure" in composed or "cyber safe" in composed
    assert all(e.spare or e.target != "cyber" for e in T.expand("网络", lex, compose=True))


def test_cedict_disk_cache_round_trip(tmp_path, monkeypatch):
    """The cache file holds the headwords, each entry packed on its own and the tables; read back, it gives the
    same entries, and a build unpacks only the entries it visits."""
    entries = (
        ("集成电路", "集成電路", (("integrated circuit", "integrated circuit", ("integrated", "circuit")),)),
        ("电路", "電路", (("circuit", "circuit", ("circuit",)),)),
        ("集群", "集群", (("clan", "clan", ("clan",)),)),
    )
    caches = (T._cedict_data, T.cedict_entries, T._cedict_heads, T._cedict_by_first_char)

    def forget():
        for cached in caches:
            cached.cache_clear()
        T._ENTRIES.clear()

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(T, "_cedict_entries_uncached", lambda: entries)
    monkeypatch.setattr(T, "_cedict_chars_uncached", lambda: {})
    forget()
    try:
        assert T.cedict_entries() == entries  # built, and written
        path = T._cedict_cache_path()
        assert path is not None and path.parent.parent == tmp_path and path.is_file()
        monkeypatch.setattr(T, "_cedict_entries_uncached", lambda: pytest.fail("the cache was not used"))
        forget()
        lex = T.build_lexicon({"电路": 1}, ["circuits"], glossary={})
        assert T.targets(lex, "en", "circuit") == [("电路", 0.5, "cedict")]
        assert T.targets(lex, "zh", "电路") == [("circuit", 0.5, "cedict")] and lex["t2s"] == {"電": "电"}
        assert set(T._ENTRIES) == {1}  # only 电路 was unpacked
        assert T.cedict_entries() == entries
        assert T.terms_from_texts(["集成电路"], segment=lambda run: ["集成", "电路"])[0] == Counter(
            {"集成": 1, "电路": 1, "集成电路": 1})
    finally:
        forget()  # later tests load the real dictionary again


def test_a_merge_into_a_loaded_lexicon_writes_what_a_whole_table_merge_writes(tmp_path):
    """index._merge_touched leaves the shards of untouched keys packed (Shards.updated / packed)."""
    from pressarchive import index

    base = T.build_lexicon_from_texts(["新能源汽车产业 and industrial clusters in 上海", "集成电路 semiconductors"],
                                      names=[("Zhang Hongtao", "张宏韬")])
    T.save_lexicon(base, tmp_path / "base.json")
    fresh = T.build_lexicon_from_texts(["产业集群 and new energy vehicles", "green factories 绿色工厂"])
    merged = index._merge_touched(T, T.load_lexicon(tmp_path / "base.json"), fresh)
    assert isinstance(merged["en"], T.Shards)
    T.save_lexicon(merged, tmp_path / "shards.json")
    whole = T.merge_lexicon(T.build_lexicon_from_texts(["新能源汽车产业 and industrial clusters in 上海", "集成电路 semiconductors"],
                                                       names=[("Zhang Hongtao", "张宏韬")]), fresh)
    T.save_lexicon(whole, tmp_path / "whole.json")
    assert (tmp_path / "shards.json").read_bytes() == (tmp_path / "whole.json").read_bytes()
    assert T.targets(T.load_lexicon(tmp_path / "shards.json"), "zh", "产业集群")


# --- composition (issue 19) --------------------------------------------------------------------------
def test_compose_candidates_best_ranked_parts_first():
    got = T.compose_candidates([["student", "pupil"], ["loan", "credit"]], "en")
    assert got == ["student loan", "student credit", "pupil loan", "pupil credit"]
    assert T.compose_candidates([["出口"], ["管制", "控制"]], "zh") == ["出口管制", "出口控制"]
    assert T.compose_candidates([["student"]], "en") == []
    assert len(T.compose_candidates([["a", "b", "c", "d"]] * 3, "en", limit=5)) == 5


def test_expand_composes_a_run_no_key_covers():
    lex = T.build_lexicon({"学生": 3, "贷款": 2}, ["student", "students", "loan", "loans"], use_cedict=False,
                          glossary={"学生": ["student"], "贷款": ["loan"]})
    plain = T.expand("学生贷款", lex)
    assert {e.source for e in plain} == {"glossary"}  # without compose: as before, one expansion a part
    got = T.expand("学生贷款", lex, compose=True)
    composed = [e for e in got if e.source == "composed"]
    assert [(e.typed, e.target, e.lang) for e in composed] == [("学生贷款", "student loan", "en")]
    parts = [e for e in got if e.source == "parts"]
    assert parts and parts[0].parts == (("student",), ("loan",)) and parts[0].typed == "学生贷款"
    assert all(e.weight < T.W_GLOSSARY for e in composed + parts)
    # a key that covers the run: no composition
    assert not [e for e in T.expand("学生", lex, compose=True) if e.source in ("composed", "parts")]


def test_expand_composes_adjacent_english_words():
    lex = T.build_lexicon({"出口": 2, "管制": 1, "出口管制": 1}, ["export", "control"], use_cedict=False,
                          glossary={"出口": ["export"], "管制": ["control"]})
    got = T.expand("export controls", lex, compose=True)
    assert ("export controls", "出口管制", "composed") in [(e.typed, e.target, e.source) for e in got]
    assert not [e for e in got if e.source == "parts"]  # each English word is translated already


def test_glosses_reduced_to_the_words_a_text_uses():
    assert T.clean_gloss("to induce an abortion") == ["induce an abortion"]  # reduced at query time if need be
    assert T.clean_gloss("rent for a room or house") == ["rent"]  # too long: cut before its preposition
    assert T.clean_gloss("State of the Union Address (US)") == ["State of the Union Address"]  # a name
    assert T.clean_gloss("air raid") == ["air raid"]  # a noun compound keeps its words
    assert T.clean_gloss("to help sb") == [] and T.clean_gloss("Suzhou prefecture level city in Jiangsu") == ["Suzhou"]


def test_variants_of_a_rendering_the_index_lacks():
    from pressarchive.expand import _variants

    assert _variants("cyber security", T)[0] == "cybersecurity"
    assert _variants("US Federal Reserve", T) == ["Federal Reserve", "Reserve"]  # "US" reads as a stop word
    assert "State of the Union" in _variants("State of the Union Address", T)
    assert _variants("attack from the air", T)[0] == "attack"
    assert "abortion" in _variants("induced abortion", T)
    assert not {"the", "of", "make"} & set(_variants("make of the thing", T))
