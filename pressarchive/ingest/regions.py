"""A gazetteer of China's 34 provincial-level divisions and its economic regions, in English,
Chinese and common short forms; a speaker's region from their organisation; the regions a text mentions.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

NATIONAL = "National"

# canonical name: (English forms, Chinese forms). Forms are matched as whole words (English) or substrings (Chinese).
PROVINCES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Beijing": (("Beijing", "Peking"), ("北京",)),
    "Tianjin": (("Tianjin",), ("天津",)),
    "Hebei": (("Hebei",), ("河北",)),
    "Shanxi": (("Shanxi",), ("山西",)),
    "Inner Mongolia": (("Inner Mongolia", "Nei Mongol"), ("内蒙古",)),
    "Liaoning": (("Liaoning",), ("辽宁",)),
    "Jilin": (("Jilin",), ("吉林",)),
    "Heilongjiang": (("Heilongjiang",), ("黑龙江",)),
    "Shanghai": (("Shanghai",), ("上海",)),
    "Jiangsu": (("Jiangsu",), ("江苏",)),
    "Zhejiang": (("Zhejiang",), ("浙江",)),
    "Anhui": (("Anhui",), ("安徽",)),
    "Fujian": (("Fujian",), ("福建",)),
    "Jiangxi": (("Jiangxi",), ("江西",)),
    "Shandong": (("Shandong",), ("山东",)),
    "Henan": (("Henan",), ("河南",)),
    "Hubei": (("Hubei",), ("湖北",)),
    "Hunan": (("Hunan",), ("湖南",)),
    "Guangdong": (("Guangdong", "Canton"), ("广东",)),
    "Guangxi": (("Guangxi",), ("广西",)),
    "Hainan": (("Hainan",), ("海南",)),
    "Chongqing": (("Chongqing",), ("重庆",)),
    "Sichuan": (("Sichuan",), ("四川",)),
    "Guizhou": (("Guizhou",), ("贵州",)),
    "Yunnan": (("Yunnan",), ("云南",)),
    "Tibet": (("Tibet", "Xizang"), ("西藏",)),
    "Shaanxi": (("Shaanxi",), ("陕西",)),
    "Gansu": (("Gansu",), ("甘肃",)),
    "Qinghai": (("Qinghai",), ("青海",)),
    "Ningxia": (("Ningxia",), ("宁夏",)),
    "Xinjiang": (("Xinjiang",), ("新疆",)),
    "Hong Kong": (("Hong Kong", "Hongkong"), ("香港",)),
    "Macao": (("Macao", "Macau"), ("澳门",)),
    "Taiwan": (("Taiwan",), ("台湾",)),
}

# Economic regions and city clusters a turn may mention.
AREAS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Yangtze River Delta": (("Yangtze River Delta",), ("长三角", "长江三角洲")),
    "Beijing-Tianjin-Hebei": (("Beijing-Tianjin-Hebei", "Jing-Jin-Ji"), ("京津冀",)),
    "Greater Bay Area": (("Greater Bay Area", "Guangdong-Hong Kong-Macao Greater Bay Area"), ("粤港澳大湾区", "大湾区")),
    "Chengdu-Chongqing": (("Chengdu-Chongqing", "Sichuan-Chongqing"), ("成渝", "川渝")),
    "Yangtze River Economic Belt": (("Yangtze River Economic Belt",), ("长江经济带",)),
    "Yellow River Basin": (("Yellow River Basin",), ("黄河流域",)),
    "Northeast China": (("Northeast China", "Northeast region", "northeastern region"), ("东北地区", "东北三省")),
    "Central China": (("central region", "Central China"), ("中部地区",)),
    "Western China": (("western region", "Western China"), ("西部地区",)),
    "Eastern China": (("eastern region", "Eastern China"), ("东部地区",)),
    "Xiong'an New Area": (("Xiong'an", "Xiongan"), ("雄安",)),
    "Hainan Free Trade Port": (("Hainan Free Trade Port",), ("海南自由贸易港", "海南自贸港")),
}

# Prefecture-level cities (and well-known districts) often named in an organisation without their
# province: data/cities.tsv, one row per city (province, Chinese, English).
CITIES_PATH = Path(__file__).resolve().parent.parent / "data" / "cities.tsv"


def _load_cities() -> dict[str, tuple[str, ...]]:
    cities: dict[str, list[str]] = {}
    for line in CITIES_PATH.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        province, zh, en = (line.split("\t") + ["", ""])[:3]
        names = cities.setdefault(province.strip(), [])
        names += [n.strip() for n in (en, zh) if n.strip()]
    return {p: tuple(n) for p, n in cities.items()}


CITIES: dict[str, tuple[str, ...]] = _load_cities()

# Central bodies: an organisation matching one of these (and no province) is "National".
_NATIONAL = re.compile(
    r"\b(Ministry|State Council|National|Central|People's Bank of China|General Office of the State|"
    r"Supreme People's|NDRC|MIIT|MOFCOM|CPC Central|Communist Party of China|State Administration|"
    r"State-owned Assets|Xinhua|CCTV|CGTN|China Central|People's Daily|China Daily|Guangming Daily|Economic Daily|"
    r"China Youth Daily|China Securities Journal|Science and Technology Daily|Workers' Daily|Legal Daily|"
    r"China News Service|China National Radio|China Radio International|Global Times|China Economic Net|"
    r"Securities Daily|China Business News|Economic Information Daily|Farmers' Daily|China Industry News|"
    r"China Electronics News|Study Times|Qiushi)\b|"
    r"(国务院|国家|中央|全国|中共中央|人民银行|工业和信息化部|工信部|外交部|商务部|财政部|发展改革委|发改委|"
    r"教育部|科技部|公安部|民政部|司法部|人力资源和社会保障部|自然资源部|生态环境部|住房和城乡建设部|交通运输部|"
    r"水利部|农业农村部|文化和旅游部|国家卫生健康委|卫健委|退役军人事务部|应急管理部|审计署|海关总署|"
    r"新华社|人民日报|中央广播电视总台|央视|中国日报|光明日报|经济日报|中国青年报|中国证券报|科技日报|工人日报|"
    r"法治日报|中新社|中国新闻社|环球时报|证券日报|第一财经|中国电子报|中国工业报)",
    re.I,
)

# Outlets whose region their name does not say.
OUTLET_REGIONS = {
    "jiefang daily": "Shanghai", "解放日报": "Shanghai", "wenhui daily": "Shanghai", "文汇报": "Shanghai",
    "the paper": "Shanghai", "澎湃新闻": "Shanghai", "xinmin evening news": "Shanghai", "新民晚报": "Shanghai",
    "dragon tv": "Shanghai", "东方卫视": "Shanghai", "yicai": "Shanghai", "cover news": "Sichuan", "封面新闻": "Sichuan",
    "daily economic news": "Sichuan", "每日经济新闻": "Sichuan", "southern daily": "Guangdong", "南方日报": "Guangdong",
    "nanfang daily": "Guangdong", "southern metropolis daily": "Guangdong", "南方都市报": "Guangdong",
    "21st century business herald": "Guangdong", "21世纪经济报道": "Guangdong", "yangcheng evening news": "Guangdong",
    "羊城晚报": "Guangdong", "xinhua daily": "Jiangsu", "新华日报": "Jiangsu", "zhejiang daily": "Zhejiang",
    "dazhong daily": "Shandong", "大众日报": "Shandong", "hubei daily": "Hubei", "changjiang daily": "Hubei",
    "长江日报": "Hubei", "the beijing news": "Beijing", "新京报": "Beijing", "chongqing daily": "Chongqing",
    "hunan tv": "Hunan", "湖南卫视": "Hunan", "phoenix tv": "Hong Kong", "凤凰卫视": "Hong Kong",
    "south china morning post": "Hong Kong", "ta kung pao": "Hong Kong", "大公报": "Hong Kong", "wen wei po": "Hong Kong",
    "文汇报(香港)": "Hong Kong", "shenzhen tv": "Guangdong", "深圳卫视": "Guangdong",
    "行政院": "Taiwan", "大陆委员会": "Taiwan", "大陸委員會": "Taiwan", "陆委会": "Taiwan", "陸委會": "Taiwan",
    "mainland affairs council": "Taiwan", "中央社": "Taiwan", "central news agency": "Taiwan", "联合报": "Taiwan",
    "聯合報": "Taiwan", "united daily news": "Taiwan", "自由时报": "Taiwan", "自由時報": "Taiwan",
    "liberty times": "Taiwan", "中国时报": "Taiwan", "中國時報": "Taiwan", "taipei times": "Taiwan",
    "特区政府": "Hong Kong", "特區政府": "Hong Kong", "hksar government": "Hong Kong", "legislative council": "Hong Kong",
    "立法会": "Hong Kong", "立法會": "Hong Kong", "rthk": "Hong Kong", "香港电台": "Hong Kong", "香港電台": "Hong Kong",
    "tvb": "Hong Kong", "now tv": "Hong Kong", "明报": "Hong Kong", "明報": "Hong Kong", "星岛日报": "Hong Kong", "星島日報": "Hong Kong",
}


def _word_pattern(forms: tuple[str, ...]) -> str:
    return "|".join(re.escape(f).replace(r"\ ", r"[\s-]+") for f in sorted(forms, key=len, reverse=True))


@lru_cache(maxsize=1)
def _tables():
    en_forms: dict[str, str] = {}
    zh_forms: dict[str, str] = {}
    for table in (AREAS, PROVINCES):
        for canon, (en, zh) in table.items():
            for form in en:
                en_forms.setdefault(_fold_en(form), canon)
            for form in zh:
                zh_forms.setdefault(form, canon)
    en_re = re.compile(
        r"(?<![A-Za-z])(?:" + _word_pattern(tuple(f for t in (AREAS, PROVINCES) for v in t.values() for f in v[0])) + r")(?![a-z])",
        re.I,
    )
    zh_re = re.compile("|".join(re.escape(f) for f in sorted(zh_forms, key=len, reverse=True)))
    city_en, city_zh = [], []
    for province, names in CITIES.items():
        for n in names:
            (city_zh if re.search(r"[\u3400-\u9fff]", n) else city_en).append((province, n))
    city_en.sort(key=lambda pn: -len(pn[1]))  # Ma'anshan before Anshan
    city_zh.sort(key=lambda pn: -len(pn[1]))  # 朝阳区 before 朝阳
    # One pattern for every English city name (hundreds of patterns of their own took 70 ms to
    # compile, a third of parsing one transcript): a lookahead finds, at each position, the
    # highest-ranked name starting there, so the best rank over all positions is that of the
    # first name of ``city_en`` found anywhere, as searching name by name gave.
    ranks: dict[str, tuple[int, str]] = {}
    for rank, (province, name) in enumerate(city_en):
        ranks.setdefault(name.lower(), (rank, province))
    city_en_re = re.compile(
        r"(?<![A-Za-z'’])(?=(" + "|".join(re.escape(n) for _, n in city_en) + r")(?![a-z]))", re.I
    )
    return en_re, en_forms, zh_re, zh_forms, (city_en_re, ranks), city_zh


@lru_cache(maxsize=256)
def _provinces_in(folded: str) -> tuple[str, ...]:
    return tuple(
        province for province, (forms, _) in PROVINCES.items()
        if any(re.search(rf"(?<![a-z]){re.escape(_fold_en(f))}(?![a-z])", folded) for f in forms)
    )


def _fold_en(form: str) -> str:
    return re.sub(r"[\s-]+", " ", form.lower()).replace("’", "'")


_CAPITAL_RUN = re.compile(r"[A-Z][A-Za-z'’]*(?:(?:[ \t-]+|-)(?:[A-Z][A-Za-z'’]*|[a-z]+(?=[ \t-]+[A-Z])))*")
_SEPARATORS = re.compile(r"[ \t-]+")
_LOWER_AREAS = re.compile(r"\b(central|western|eastern|northeast(?:ern)?) region\b", re.I)


def mentioned(text: str) -> list[str]:
    """Canonical names of the provinces and economic regions a text mentions, in first-mention order."""
    if not text:
        return []
    _, en_forms, zh_re, zh_forms, _, _ = _tables()
    found: dict[str, int] = {}
    for run in _CAPITAL_RUN.finditer(text):
        tokens = [t[:-2] if t.endswith("'s") else t for t in _SEPARATORS.split(run.group(0).lower().replace("’", "'"))]
        i = 0
        while i < len(tokens):
            for j in range(min(len(tokens), i + 7), i, -1):  # longest match first
                phrase = " ".join(tokens[i:j])
                canon = en_forms.get(phrase)
                if canon:
                    found.setdefault(canon, run.start())
                    if canon in AREAS and j - i > 1:
                        for province in _provinces_in(phrase):
                            found.setdefault(province, run.start())
                    i = j - 1
                    break
            i += 1
    for m in _LOWER_AREAS.finditer(text):
        canon = en_forms.get(_fold_en(m.group(0)))
        if canon:
            found.setdefault(canon, m.start())
    for m in zh_re.finditer(text):
        found.setdefault(zh_forms[m.group(0)], m.start())
    return [k for k, _ in sorted(found.items(), key=lambda kv: kv[1])]


@lru_cache(maxsize=1)
def _province_patterns():
    return [
        (canon, re.compile(rf"(?<![A-Za-z])(?:{_word_pattern(en)})(?![a-z])", re.I), zh)
        for canon, (en, zh) in PROVINCES.items()
    ]


@lru_cache(maxsize=4096)
def region_of(*names: str | None) -> str | None:
    """The region of an organisation or outlet: the province it names, else "National" for central bodies."""
    text = " ".join(n for n in names if n)
    if not text.strip():
        return None
    if re.search(r"[\u3400-\u9fff]", text):
        from pressarchive.ingest.script import to_simplified

        text = text + " " + to_simplified(text)  # 商務部 reads as 商务部, 廣東 as 广东
    low = text.lower().strip()
    for key, region in OUTLET_REGIONS.items():
        if key in low or key in text:
            return region
    _, _, _, _, city_en, city_zh = _tables()
    for province, name in city_zh:  # 海南藏族自治州 is in Qinghai, whatever the province name inside it says
        if name in text and any(f in name for _, zh in PROVINCES.values() for f in zh):
            return province
    best: tuple[int, str] | None = None
    for canon, pattern, zh in _province_patterns():
        m = pattern.search(text)
        positions = [m.start()] if m else []
        positions += [text.find(f) for f in zh if f in text]
        if positions and (best is None or min(positions) < best[0]):
            best = (min(positions), canon)
    if best:
        return best[1]
    city_en_re, ranks = city_en
    found = [r for m in city_en_re.finditer(text) if (r := ranks.get(m.group(1).lower()))]
    if found:
        return min(found)[1]
    for province, name in city_zh:
        if name in text:
            return province
    if _NATIONAL.search(text):
        return NATIONAL
    return None


def canonical(name: str) -> str | None:
    """The canonical region for a user's spelling (``shanghai``, ``上海``, ``沪``, ``GBA``...)."""
    key = name.strip().lower()
    if not key:
        return None
    if key == "national":
        return NATIONAL
    for table in (PROVINCES, AREAS):
        for canon, (en, zh) in table.items():
            if key == canon.lower() or key in (f.lower() for f in en) or name.strip() in zh:
                return canon
    return SHORT_FORMS.get(name.strip()) or SHORT_FORMS.get(key)


SHORT_FORMS = {
    "京": "Beijing", "津": "Tianjin", "冀": "Hebei", "晋": "Shanxi", "蒙": "Inner Mongolia", "辽": "Liaoning",
    "吉": "Jilin", "黑": "Heilongjiang", "沪": "Shanghai", "苏": "Jiangsu", "浙": "Zhejiang", "皖": "Anhui",
    "闽": "Fujian", "赣": "Jiangxi", "鲁": "Shandong", "豫": "Henan", "鄂": "Hubei", "湘": "Hunan", "粤": "Guangdong",
    "桂": "Guangxi", "琼": "Hainan", "渝": "Chongqing", "川": "Sichuan", "蜀": "Sichuan", "黔": "Guizhou",
    "贵": "Guizhou", "滇": "Yunnan", "云": "Yunnan", "藏": "Tibet", "陕": "Shaanxi", "秦": "Shaanxi", "甘": "Gansu",
    "陇": "Gansu", "青": "Qinghai", "宁": "Ningxia", "新": "Xinjiang", "港": "Hong Kong", "澳": "Macao", "台": "Taiwan",
    "gba": "Greater Bay Area", "yrd": "Yangtze River Delta", "jjj": "Beijing-Tianjin-Hebei",
    "hk": "Hong Kong", "hksar": "Hong Kong", "macau": "Macao", "inner mongolia": "Inner Mongolia",
}
