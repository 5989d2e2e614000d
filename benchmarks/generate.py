#!/usr/bin/env python3
"""Generate a large, realistic archive of press-conference transcripts for the scale benchmarks.

Paragraphs are sampled from the real transcripts (``../shared/corpus`` beside the checkout, else the
checkout's ``corpus/``), split into sentences, recombined, and lightly perturbed (numbers, years,
places, industries), then laid out in the label styles the real transcripts use: a page header with
the title, a date line and a summary; ``N.jpg`` + caption blocks introducing each presenter;
``Name: text`` turns; reporters as ``Outlet reporter:``, ``Reporter from Outlet:`` and
``上海电视台记者:``; Chinese turns labelled with the speaker's Chinese name.

Every conference is generated from its own ``Random(f"{seed}:{index}")``, so the first 1,000
conferences of a 10,000 run are the same files as a 1,000 run with the same seed.

Output::

    OUT/texts/<date>-<organiser>-<index>.txt   the N transcripts
    OUT/extra/...                              --extra more, kept apart (the "add one more" case)
    OUT/manifest.jsonl                         one line per file: metadata and, per paragraph block,
                                               [region, kind, lang] (used by the baseline's filters)

Usage: ``python benchmarks/generate.py --count 1000 --out /tmp/gen --seed 7``
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHECKOUT = HERE.parent

# --- pools ----------------------------------------------------------------------------------------
# Surnames and given-name characters whose pinyin is unambiguous, so that the romanised name is the
# pinyin of the Chinese one (the ingester links "Zhang Hongtao" and "张宏韬" that way).
SURNAMES = (
    "王wang 李li 张zhang 刘liu 陈chen 杨yang 黄huang 赵zhao 吴wu 周zhou 徐xu 孙sun 马ma 朱zhu 胡hu "
    "郭guo 何he 林lin 罗luo 高gao 郑zheng 梁liang 谢xie 宋song 唐tang 韩han 冯feng 邓deng 彭peng 曹cao "
    "程cheng 袁yuan 姚yao 蒋jiang 沈shen 叶ye 潘pan 杜du 戴dai 夏xia 钟zhong 汪wang 田tian 任ren 姜jiang "
    "范fan 方fang 石shi 廖liao 邹zou 熊xiong 金jin 陆lu 郝hao 孔kong 崔cui 邱qiu 秦qin 江jiang 史shi "
    "顾gu 侯hou 邵shao 孟meng 龙long 万wan 段duan 钱qian 汤tang 尹yin 易yi 常chang 武wu 乔qiao 贺he "
    "赖lai 龚gong 文wen"
).split()
GIVEN = (
    "伟wei 明ming 华hua 军jun 峰feng 涛tao 宏hong 文wen 东dong 正zheng 海hai 学xue 晓xiao 建jian 国guo "
    "立li 平ping 志zhi 红hong 丽li 新xin 春chun 玉yu 林lin 云yun 杰jie 敏min 静jing 刚gang 勇yong "
    "斌bin 鹏peng 辉hui 磊lei 波bo 宇yu 浩hao 凯kai 琳lin 雪xue 燕yan 芳fang 霞xia 婷ting 鑫xin 森sen "
    "坤kun 翔xiang 俊jun 健jian 彬bin 超chao 丹dan 宁ning 慧hui 颖ying 佳jia 欣xin 岩yan 松song 江jiang "
    "梅mei 兰lan 英ying 亮liang 强qiang 洪hong 荣rong 飞fei 洁jie"
).split()

# (English, Chinese, kind): kind M = municipality, P = province, A = autonomous region, S = SAR
REGIONS = [
    ("Beijing", "北京", "M"), ("Tianjin", "天津", "M"), ("Shanghai", "上海", "M"), ("Chongqing", "重庆", "M"),
    ("Hebei", "河北", "P"), ("Shanxi", "山西", "P"), ("Liaoning", "辽宁", "P"), ("Jilin", "吉林", "P"),
    ("Heilongjiang", "黑龙江", "P"), ("Jiangsu", "江苏", "P"), ("Zhejiang", "浙江", "P"), ("Anhui", "安徽", "P"),
    ("Fujian", "福建", "P"), ("Jiangxi", "江西", "P"), ("Shandong", "山东", "P"), ("Henan", "河南", "P"),
    ("Hubei", "湖北", "P"), ("Hunan", "湖南", "P"), ("Guangdong", "广东", "P"), ("Hainan", "海南", "P"),
    ("Sichuan", "四川", "P"), ("Guizhou", "贵州", "P"), ("Yunnan", "云南", "P"), ("Shaanxi", "陕西", "P"),
    ("Gansu", "甘肃", "P"), ("Qinghai", "青海", "P"), ("Inner Mongolia", "内蒙古", "A"),
    ("Guangxi", "广西", "A"), ("Tibet", "西藏", "A"), ("Ningxia", "宁夏", "A"), ("Xinjiang", "新疆", "A"),
]

# Organisers: (name, national departments, department phrase for local counterparts)
ORGANIZERS = [
    ("Ministry of Industry and Information Technology",
     ["Planning Department", "Department of Raw Materials Industry", "Department of Equipment Industry",
      "Department of Consumer Goods Industry", "Department of Electronic Information"],
     "Industry and Information Technology"),
    ("National Development and Reform Commission",
     ["Department of Regional Economy", "Department of High-Tech Industry", "Department of Policy Research",
      "Department of Industrial Development"],
     "Development and Reform"),
    ("Ministry of Commerce",
     ["Department of Foreign Trade", "Department of Foreign Investment Administration",
      "Department of E-commerce and Informatization", "Department of Market Operation"],
     "Commerce"),
    ("Ministry of Science and Technology",
     ["Department of High and New Technology", "Department of Resource Allocation and Management",
      "Department of Rural Science and Technology", "Department of Science and Technology Policy"],
     "Science and Technology"),
    ("Ministry of Ecology and Environment",
     ["Department of Climate Change", "Department of Atmospheric Environment",
      "Department of Water Ecology and Environment", "Department of Laws, Regulations and Standards"],
     "Ecology and Environment"),
    ("Ministry of Transport",
     ["Department of Comprehensive Planning", "Department of Highway", "Department of Water Transport",
      "Department of Science and Technology"],
     "Transport"),
    ("National Energy Administration",
     ["Department of Development and Planning", "Department of Electric Power",
      "Department of New and Renewable Energy", "Department of Energy Conservation and Technology"],
     "Energy"),
    ("Ministry of Agriculture and Rural Affairs",
     ["Department of Development Planning", "Department of Rural Industry Development",
      "Department of Market and Informatization", "Department of Agricultural Mechanization"],
     "Agriculture and Rural Affairs"),
]
HOST_OFFICES = ["General Office", "Press Office", "Information Office"]
NATIONAL_TITLES = ["Director", "Deputy Director", "Deputy Director", "Chief Engineer", "Spokesperson",
                   "First-level Inspector", "Chief Economist"]
LOCAL_TITLES = ["Director", "Deputy Director", "Deputy Director", "Deputy Director", "Chief Engineer",
                "Chief Economist"]

# Outlets from many regions: English label forms and Chinese ones.
OUTLETS_EN = [
    "Xinhua News Agency", "People's Daily", "China Daily", "CCTV", "Economic Daily", "Guangming Daily",
    "China News Service", "China Securities Journal", "Daily Economic News", "Securities Times",
    "China Business Network", "21st Century Business Herald", "Caixin", "Science and Technology Daily",
    "Workers' Daily", "China Youth Daily", "Global Times", "Beijing News", "Beijing TV", "Jiefang Daily",
    "Wenhui Daily", "Cover News", "Sichuan Daily", "Chongqing Daily", "Henan Daily", "Hubei Daily",
    "Hunan Daily", "Liaoning Daily", "Jilin Daily", "Heilongjiang Daily", "Dazhong Daily", "Zhejiang Daily",
    "Anhui Daily", "Fujian Daily", "Jiangxi Daily", "Hainan Daily", "Shaanxi Daily", "Gansu Daily",
    "Xinjiang Daily", "Tibet Daily", "Ningxia Daily", "Inner Mongolia Daily", "Guangxi Daily",
    "Yunnan Daily", "Guizhou Daily", "Southern Daily", "Shenzhen Special Zone Daily", "Phoenix TV",
    "Hong Kong Commercial Daily", "Ta Kung Pao", "Macao Daily", "Bloomberg", "Reuters",
    "Agence France-Presse", "Kyodo News", "Yonhap News Agency", "Guangdong Radio and Television Station",
    "Jiangsu Radio and Television General Station", "Shandong Radio and Television Station",
]
OUTLETS_ZH = [
    "新华社", "人民日报", "中央广播电视总台", "经济日报", "光明日报", "中国新闻社", "中国证券报", "每日经济新闻",
    "证券时报", "第一财经", "21世纪经济报道", "科技日报", "工人日报", "中国青年报", "北京电视台", "上海电视台",
    "重庆电视台", "解放日报", "四川日报", "湖北日报", "湖南日报", "河南日报", "浙江日报", "南方日报", "大众日报",
    "辽宁日报", "新疆日报", "凤凰卫视", "香港商报", "澳门日报",
]

# Industries and topics, English and Chinese (substituted into sampled paragraphs).
TERMS_EN = [
    "integrated circuits", "biomedicine", "artificial intelligence", "new energy vehicles", "new materials",
    "high-end equipment", "industrial Internet", "robotics", "hydrogen energy", "semiconductors",
    "photovoltaics", "lithium batteries", "aerospace", "shipbuilding", "rare earths", "petrochemicals",
    "textiles", "steel", "nonferrous metals", "building materials", "electronic information", "software",
    "big data", "cloud computing", "5G", "blockchain", "quantum information", "smart grids",
    "marine engineering", "agricultural machinery", "medical devices", "energy storage", "wind power",
    "nuclear power", "modern logistics", "cold-chain logistics", "e-commerce", "cross-border trade",
    "the digital economy", "intelligent connected vehicles", "drones", "satellite navigation",
]
TERMS_ZH = [
    "集成电路", "生物医药", "人工智能", "新能源汽车", "新材料", "高端装备", "工业互联网", "机器人", "氢能", "半导体",
    "光伏", "锂电池", "航空航天", "船舶", "稀土", "石化", "纺织", "钢铁", "有色金属", "建材", "电子信息", "软件",
    "大数据", "云计算", "区块链", "量子信息", "智能电网", "海洋工程", "农机装备", "医疗器械", "储能", "风电",
    "核电", "现代物流", "冷链物流", "电子商务", "跨境贸易", "数字经济", "智能网联汽车", "无人机", "卫星导航",
]
SERIES = [
    "Industrial and Information Development in the New Era", "China's Economy in the New Era",
    "Ten Years of High-Quality Development", "Opening Up in the New Era", "Green and Low-Carbon Development",
    "Innovation-Driven Development", "Building a Digital China", "Revitalising the Real Economy",
    "Regional Coordinated Development", "Modern Industrial System",
]
TOPICS = [
    "the regional coordinated development of {term} over the past ten years",
    "progress in {term} in {region} and neighbouring provinces",
    "measures to stabilise the industrial chain of {term}",
    "the development of {term} clusters in {region}",
    "the green transformation of {term}",
    "the digital upgrading of {term} and small and medium-sized enterprises",
    "opening up and international cooperation in {term}",
    "the orderly transfer of {term} to the central and western regions",
]
ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
            "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
            "eighteenth", "nineteenth", "twentieth"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
OPENERS_EN = [
    "Thank you for your question. I will answer this question.",
    "Thank you for your question! This question is for me to answer.",
    "Thank you for your question. Let me answer it.",
    "Thanks for the question. I will take this one.",
]
OPENERS_ZH = ["谢谢您的提问,这个问题由我来回答。", "谢谢你的提问,我来回答这个问题。", "感谢记者朋友的提问。"]
HEADINGS_EN = ["A reporter asked", "Questions from reporters", "Q&A"]

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_IMAGE = re.compile(r"^\d+\.(jpe?g|png|gif)$", re.I)
_LABEL = re.compile(r"^(?P<label>[^:：]{1,60}?)\s*[:：]\s*(?P<body>.+)$")
_NAME_EN = re.compile(r"^[A-Z][a-z]+(?: [A-Z][a-z]+){1,2}$")
_NAME_ZH = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
_SENT_EN = re.compile(r"(?<!\bNo\.)(?<!\bMr\.)(?<!\bMs\.)(?<=[.!?;])\s+(?=[A-Z0-9\"“(])")
_SENT_ZH = re.compile(r"(?<=[。！？；!?])")
_NUMBER = re.compile(r"(?<![A-Za-z0-9_.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?")


def is_zh(text: str) -> bool:
    cjk = len(_CJK.findall(text))
    return cjk > 0 and cjk >= 0.3 * len(text.replace(" ", ""))


def default_corpus() -> Path:
    shared = CHECKOUT.parent / "shared" / "corpus"
    if shared.is_dir() and any(shared.iterdir()):
        return shared
    return CHECKOUT / "corpus"


# --- reading the sources --------------------------------------------------------------------------
@dataclass
class Pools:
    """Paragraphs of the real transcripts, labels stripped, sorted by what they are."""

    body: dict = field(default_factory=lambda: {"en": [], "zh": []})
    question: dict = field(default_factory=lambda: {"en": [], "zh": []})
    closing: dict = field(default_factory=lambda: {"en": [], "zh": []})
    headings: list = field(default_factory=list)
    source_bytes: int = 0
    sources: list = field(default_factory=list)

    def check(self) -> None:
        if not self.body["en"] and not self.body["zh"]:
            raise SystemExit("generate: no usable paragraphs in the source transcripts")
        for lang in ("en", "zh"):  # fall back on the other language rather than fail
            other = "zh" if lang == "en" else "en"
            for pool in (self.body, self.question):
                if not pool[lang]:
                    pool[lang] = list(pool[other] or self.body[other])


def _looks_like_label(label: str) -> bool:
    low = label.lower()
    return bool(_NAME_EN.match(label) or _NAME_ZH.match(label) or "reporter" in low or "记者" in label)


def read_sources(corpus: Path) -> Pools:
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() in (".txt", ".md"))
    files = [p for p in files if p.name != "record.json"]
    if not files:
        raise SystemExit(f"generate: no transcripts (*.txt, *.md) under {corpus}")
    pools = Pools()
    for path in files:
        raw = path.read_bytes()
        pools.source_bytes += len(raw)
        pools.sources.append(str(path))
        text = raw.decode("utf-8", errors="replace")
        lines = [line.strip() for line in text.splitlines()]
        labelled = [i for i, line in enumerate(lines) if (m := _LABEL.match(line)) and _looks_like_label(m["label"])]
        if not labelled:
            continue
        first, last = labelled[0], labelled[-1]
        previous_image = False
        for i in range(first, last + 1):
            line = lines[i]
            if not line:
                continue
            if _IMAGE.match(line):
                previous_image = True
                continue
            if previous_image:  # the caption under a photo
                previous_image = False
                continue
            nxt = next((lines[j] for j in range(i + 1, min(i + 4, len(lines))) if lines[j]), "")
            m = _LABEL.match(line)
            if m and _looks_like_label(m["label"]):
                label, body = m["label"], m["body"].strip()
                lang = "zh" if is_zh(body) else "en"
                if "reporter" in label.lower() or "记者" in label:
                    pools.question[lang].append(body)
                elif i == last:
                    pools.closing[lang].append(body)
                elif len(body) > 120 and i != first:
                    pools.body[lang].append(body)
                continue
            if _IMAGE.match(nxt) and not is_zh(line) and len(line) < 300:
                pools.headings.append(line)
                continue
            lang = "zh" if is_zh(line) else "en"
            if len(line) >= (20 if lang == "zh" else 60):
                pools.body[lang].append(line)
    pools.check()
    return pools


# --- perturbation ---------------------------------------------------------------------------------
_REGION_EN = {r[0]: r for r in REGIONS}
_REGION_EN_RE = re.compile(r"\b(" + "|".join(sorted((re.escape(r[0]) for r in REGIONS), key=len, reverse=True)) + r")\b")
_REGION_ZH_RE = re.compile("|".join(sorted((re.escape(r[1]) for r in REGIONS), key=len, reverse=True)))
_REGION_ZH = {r[1]: r for r in REGIONS}
_TERM_EN_RE = re.compile(r"\b(" + "|".join(sorted((re.escape(t) for t in TERMS_EN), key=len, reverse=True)) + r")\b")
_TERM_ZH_RE = re.compile("|".join(sorted((re.escape(t) for t in TERMS_ZH), key=len, reverse=True)))


def _perturb_number(rng: random.Random, m: re.Match, year_shift: int) -> str:
    whole, frac = m.group(1), m.group(2) or ""
    digits = whole.replace(",", "")
    value = int(digits)
    if len(digits) == 4 and 1949 <= value <= 2035 and not frac:  # a year: move it with the conference
        return str(min(2035, max(1978, value + year_shift)))
    if value < 10 and not frac and rng.random() < 0.7:  # ordinals and small counts mostly stay
        return whole
    factor = rng.uniform(0.6, 1.6)
    new = max(1, int(round(value * factor)))
    out = f"{new:,}" if "," in whole else str(new)
    if frac:
        out += "." + "".join(rng.choice("0123456789") for _ in range(len(frac) - 1))
    return out


def perturb(rng: random.Random, text: str, lang: str, region: tuple, year_shift: int) -> str:
    """Numbers, years, places and industries changed, so that no paragraph is a verbatim copy."""
    if region[2] == "N":  # a national speaker talks about some province
        region = rng.choice(REGIONS)
    text = _NUMBER.sub(lambda m: _perturb_number(rng, m, year_shift), text)
    if lang == "zh":
        text = _REGION_ZH_RE.sub(lambda m: region[1] if rng.random() < 0.6 else rng.choice(REGIONS)[1], text)
        text = _TERM_ZH_RE.sub(lambda m: m.group(0) if rng.random() < 0.4 else rng.choice(TERMS_ZH), text)
    else:
        text = _REGION_EN_RE.sub(lambda m: region[0] if rng.random() < 0.6 else rng.choice(REGIONS)[0], text)
        text = _TERM_EN_RE.sub(lambda m: m.group(0) if rng.random() < 0.4 else rng.choice(TERMS_EN), text)
    return text


def sentences(text: str, lang: str) -> list[str]:
    parts = _SENT_ZH.split(text) if lang == "zh" else _SENT_EN.split(text)
    return [p.strip() for p in parts if p.strip()]


def recombine(rng: random.Random, pool: list[str], lang: str) -> str:
    """A paragraph made of a run of one source paragraph's sentences, sometimes spliced with another's."""
    base = sentences(rng.choice(pool), lang)
    if len(base) > 2:
        start = rng.randrange(0, max(1, len(base) // 2))
        base = base[start:start + rng.randint(2, len(base))]
    if rng.random() < 0.6:
        other = sentences(rng.choice(pool), lang)
        k = rng.randint(1, min(3, len(other)))
        at = rng.randint(1, len(base)) if len(base) > 1 else 1
        base = base[:at] + other[:k] + base[at:]
    joiner = "" if lang == "zh" else " "
    return joiner.join(base)


# --- people ---------------------------------------------------------------------------------------
@dataclass
class Person:
    name: str
    name_zh: str
    title: str
    organization: str
    region: tuple  # an entry of REGIONS, or ("National", "全国", "N")
    caption: str


def person_name(rng: random.Random, used: set) -> tuple[str, str]:
    for _ in range(100):
        sur = rng.choice(SURNAMES)
        given = [rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2)))]
        name_zh = sur[0] + "".join(g[0] for g in given)
        name = sur[1:].capitalize() + " " + "".join(g[1:] for g in given).capitalize()
        if name not in used and name_zh not in used:
            used.update((name, name_zh))
            return name, name_zh
    raise RuntimeError("name pool exhausted")


def local_org(region: tuple, dept: str, rng: random.Random) -> str:
    en, _, kind = region
    if kind == "M":
        return rng.choice([f"{en} Municipal Commission of {dept}", f"{en} Municipal Bureau of {dept}"])
    if kind == "A":
        return f"{en} Autonomous Region Department of {dept}"
    return f"{en} Provincial Department of {dept}"


NATIONAL = ("National", "全国", "N")


# --- one conference -------------------------------------------------------------------------------
@dataclass
class Block:
    text: str
    region: str = ""
    kind: str = ""
    lang: str = ""


def ordinal(n: int) -> str:
    if n <= len(ORDINALS):
        return ORDINALS[n - 1]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def conference(pools: Pools, seed: int, index: int, start: date, days: int) -> dict:
    """One conference: returns {"name", "text", "blocks", metadata}."""
    rng = random.Random(f"{seed}:{index}")
    day = start + timedelta(days=rng.randrange(days))
    while day.weekday() >= 5:
        day += timedelta(days=1)
    year_shift = day.year - 2022
    org_name, national_depts, local_dept = rng.choice(ORGANIZERS)
    series = rng.choice(SERIES)
    number = rng.randint(1, 30)
    home_region = rng.choice(REGIONS)
    topic = rng.choice(TOPICS).format(term=rng.choice(TERMS_EN), region=home_region[0])
    title = f'The {ordinal(number)} press conference of the "{series}" series was held today, introducing {topic}'
    # language mix: mostly English, mixed like the sample, or mostly Chinese
    mix = rng.random()
    p_zh = 0.0 if mix < 0.35 else (rng.uniform(0.15, 0.45) if mix < 0.8 else rng.uniform(0.7, 0.95))

    used: set = set()
    host_name, host_zh = person_name(rng, used)
    office = rng.choice(HOST_OFFICES)
    host = Person(host_name, host_zh, rng.choice(["First-level Inspector", "Deputy Director", "Director", "Spokesperson"]),
                  f"{office} of the {org_name}", NATIONAL, "")
    host.caption = f"{host.name}, {host.title} of the {host.organization}"
    presenters: list[Person] = []
    for _ in range(rng.randint(1, 3)):
        name, name_zh = person_name(rng, used)
        dept = rng.choice(national_depts)
        title_ = rng.choice(NATIONAL_TITLES)
        org = f"{dept} of the {org_name}"
        presenters.append(Person(name, name_zh, title_, org, NATIONAL, f"{name}, {title_} of the {org}"))
    for region in rng.sample(REGIONS, rng.randint(2, 7)):
        name, name_zh = person_name(rng, used)
        title_ = rng.choice(LOCAL_TITLES)
        org = local_org(region, local_dept, rng)
        caption = rng.choice([f"{name}, {title_} of {org}", f"{name}, {title_} of the {org}",
                              f"{name}, {title_.lower()} of {org}"])
        presenters.append(Person(name, name_zh, title_, org, region, caption))

    blocks: list[Block] = []
    add = blocks.append
    if rng.random() < 0.7:
        add(Block("complete information"))
    add(Block(title))
    add(Block(f"{MONTHS[day.month - 1]} {day.day}, {day.year} {rng.randint(50, 5000)} Previewers"))
    names = ", ".join(f"{p.name}, {p.title} of the {p.organization}" for p in presenters)
    add(Block(
        f'The {org_name} held today the {ordinal(number)} press conference on the theme of "{series}". '
        f"This press conference set up the main venue in Beijing and {max(0, len(presenters) - 2)} local sub-venues. "
        f"{names} attended the press conference and answered questions from reporters. "
        f"The press conference was presided over by {host.name}, {host.title.lower()} of the {host.organization}. "
        "The following is the transcript of the press conference."
    ))

    image = [1]

    def caption(person: Person) -> None:
        image[0] += 1
        add(Block(f"{image[0]}.{rng.choice(('jpg', 'jpg', 'png'))}\n{person.caption}"))

    introduced: set = set()

    def turn(person: Person, kind: str, lang: str, paragraphs: list[str]) -> None:
        if person.name not in introduced:  # a photo and caption at a speaker's first turn, as in the sample
            caption(person)
        introduced.add(person.name)
        label = person.name_zh if lang == "zh" else person.name
        for k, para in enumerate(paragraphs):
            text = f"{label}:{para}" if lang == "zh" and k == 0 else (f"{label}: {para}" if k == 0 else para)
            add(Block(text, person.region[0], kind, lang))

    def body(lang: str, region: tuple, n: int) -> list[str]:
        return [perturb(rng, recombine(rng, pools.body[lang], lang), lang, region, year_shift) for _ in range(n)]

    # host introduction
    intro = (
        f'Good morning, everyone. Welcome to the {ordinal(number)} press conference of the "{series}" series. '
        f"The theme of today's conference is {topic}. The presenters are: "
        + ", ".join(f"Mr. {p.name}, {p.title} of the {p.organization}" for p in presenters)
        + f". I am the host of this press conference, {host.name} from the {office}."
    )
    lead = presenters[0]
    turn(host, "statement", "en", [intro, f"Now, first of all, {lead.title} {lead.name} will give an introduction."])
    if pools.headings and rng.random() < 0.6:
        add(Block(perturb(rng, rng.choice(pools.headings), "en", lead.region, year_shift)))
    lang = "zh" if rng.random() < p_zh else "en"
    turn(lead, "statement", lang, body(lang, lead.region, rng.randint(3, 8)))
    add(Block(rng.choice(HEADINGS_EN)))

    for _ in range(rng.randint(6, 16)):
        person = rng.choice(presenters)
        lang = "zh" if rng.random() < p_zh else "en"
        qtext = perturb(rng, rng.choice(pools.question[lang]), lang, person.region, year_shift)
        if lang == "zh":
            qlabel = rng.choice(OUTLETS_ZH) + "记者"
            add(Block(f"{qlabel}:{qtext}", "", "question", "zh"))
        else:
            outlet = rng.choice(OUTLETS_EN)
            qlabel = rng.choice([f"{outlet} reporter", f"{outlet} reporter", f"Reporter from {outlet}", f"{outlet} Reporter"])
            add(Block(f"{qlabel}: {qtext}", "", "question", "en"))
        opener = rng.choice(OPENERS_ZH if lang == "zh" else OPENERS_EN)
        turn(person, "answer", lang, [opener] + body(lang, person.region, rng.randint(2, 5)))

    closing_lang = "zh" if rng.random() < max(p_zh, 0.1) and pools.closing["zh"] else "en"
    if closing_lang == "zh":
        text = perturb(rng, rng.choice(pools.closing["zh"]), "zh", NATIONAL, year_shift)
    else:
        text = ("Thank you to all the presenters, and thank you, friends from the press. "
                "This concludes today's press conference. Goodbye, everyone.")
    turn(host, "statement", closing_lang, [text])
    if rng.random() < 0.5:
        add(Block("popular Authenticated user followig"))
        add(Block("Message feedback"))

    text = "\n\n".join(b.text for b in blocks) + "\n"
    slug = "".join(w[0] for w in org_name.split() if w[0].isupper()).lower()
    return {
        "name": f"{day.isoformat()}-{slug}-{index:05d}.txt",
        "text": text,
        "date": day.isoformat(),
        "organizer": org_name,
        "title": title,
        "blocks": [[b.region, b.kind, b.lang] for b in blocks],
    }


def generate(out: Path, count: int, seed: int = 7, corpus: Path | None = None, extra: int = 1,
             start: str = "2012-01-01", years: int = 13, quiet: bool = False) -> dict:
    """Write ``count`` transcripts to out/texts and ``extra`` more to out/extra; returns a summary."""
    corpus = Path(corpus) if corpus else default_corpus()
    pools = read_sources(corpus)
    out = Path(out)
    (out / "texts").mkdir(parents=True, exist_ok=True)
    (out / "extra").mkdir(parents=True, exist_ok=True)
    first = date.fromisoformat(start)
    days = 365 * years
    total = 0
    t0 = time.perf_counter()
    with open(out / "manifest.jsonl", "w", encoding="utf-8") as manifest:
        for i in range(count + extra):
            conf = conference(pools, seed, i, first, days)
            folder = "texts" if i < count else "extra"
            data = conf.pop("text").encode("utf-8")
            (out / folder / conf["name"]).write_bytes(data)
            total += len(data)
            conf.update(file=f"{folder}/{conf['name']}", bytes=len(data))
            manifest.write(json.dumps(conf, ensure_ascii=False) + "\n")
            if not quiet and (i + 1) % 1000 == 0:
                print(f"  generated {i + 1}/{count + extra}", file=sys.stderr)
    summary = {
        "count": count, "extra": extra, "seed": seed, "bytes": total, "corpus": str(corpus),
        "sources": pools.sources, "source_bytes": pools.source_bytes,
        "pools": {k: {lang: len(v) for lang, v in getattr(pools, k).items()} for k in ("body", "question", "closing")},
        "seconds": round(time.perf_counter() - t0, 2),
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return summary


def load_manifest(out: Path, folder: str = "texts", limit: int | None = None) -> list[dict]:
    """The manifest entries of one folder, in generation order (the first ``limit`` of them)."""
    rows = []
    with open(Path(out) / "manifest.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["file"].startswith(folder + "/"):
                rows.append(row)
                if limit is not None and len(rows) >= limit:
                    break
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", "-n", type=int, default=1000, help="conferences to write (default 1000)")
    ap.add_argument("--out", "-o", type=Path, required=True, help="output folder")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--corpus", type=Path, default=None,
                    help="folder of real transcripts (default: ../shared/corpus beside the checkout, else corpus/)")
    ap.add_argument("--extra", type=int, default=1, help="more conferences written to OUT/extra (default 1)")
    ap.add_argument("--start", default="2012-01-01", help="first possible date (default 2012-01-01)")
    ap.add_argument("--years", type=int, default=13, help="dates spread over this many years (default 13)")
    args = ap.parse_args(argv)
    summary = generate(args.out, args.count, args.seed, args.corpus, args.extra, args.start, args.years)
    mb = summary["bytes"] / 1e6
    print(f"wrote {args.count} + {args.extra} conferences, {mb:.1f} MB, to {args.out} in {summary['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
