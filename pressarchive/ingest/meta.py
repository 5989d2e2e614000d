"""Conference metadata (title, date, organiser) and role cues (who hosts, who is the spokesperson)."""
from __future__ import annotations

import re

from pressarchive.ingest.blocks import Block, Document
from pressarchive.ingest.dates import find_date, normalise_date
from pressarchive.text import pattern

_CONF_WORDS = re.compile(
    r"press conference|news conference|press briefing|briefing|remarks|transcript|conference|q&a|interview|"
    r"发布会|记者会|吹风会|见面会|答记者问|例行|新闻发布|通气会",
    re.I,
)
_ORG_EN = re.compile(
    r"(?:the\s+)?(?P<org>State Council Information Office|White House|Federal Reserve|United Nations|"
    r"(?:U\.S\.\s+|US\s+)?(?:Department of (?:State|Defense|the Treasury|Commerce|Justice|Homeland Security)|"
    r"(?:Ministry|Department|Office|Bureau|Commission|Council) of (?:the\s+)?(?:[A-Z][\w'’-]*)(?:(?:\s+(?:and|of|the|for))*\s+[A-Z][\w'’-]*)*)|"
    r"(?:[A-Z][\w'’-]*\s+(?:(?:and|of|for|the|on)\s+)*){1,8}(?:Office|Bureau|Commission|Administration|Department|Council|Ministry|Government|Agency|Committee|Congress|Nations)"
    r"(?:\s+of\s+(?:the\s+)?(?:[A-Z][\w'’-]*)(?:(?:\s+(?:and|of|the))*\s+[A-Z][\w'’-]*)*)?)"
)
_ORG_ZH = re.compile(
    r"(?P<org>国务院新闻办公室|国务院新闻办|国新办|外交部|商务部|国防部|工业和信息化部|工信部|国家发展改革委|国家发展和改革委员会|"
    r"国务院台湾事务办公室|国务院台办|国台办|"
    r"[\u4e00-\u9fff]{2,14}?(?:部|委员会|办公室|局|厅|政府|署|院)(?:新闻办公室|新闻办)?)"
    r"(?=.{0,30}?(?:举行|召开|新闻发布会|例行记者会|记者会|发布会|发言人))"
)
ORG_ZH_EN = {
    "国务院新闻办公室": "State Council Information Office", "国务院新闻办": "State Council Information Office",
    "国新办": "State Council Information Office", "外交部": "Ministry of Foreign Affairs", "商务部": "Ministry of Commerce",
    "国防部": "Ministry of National Defense", "工业和信息化部": "Ministry of Industry and Information Technology",
    "工信部": "Ministry of Industry and Information Technology", "国家发展改革委": "National Development and Reform Commission",
    "国家发展和改革委员会": "National Development and Reform Commission", "财政部": "Ministry of Finance",
    "教育部": "Ministry of Education", "科技部": "Ministry of Science and Technology", "生态环境部": "Ministry of Ecology and Environment",
    "国家统计局": "National Bureau of Statistics", "海关总署": "General Administration of Customs",
    "中国人民银行": "People's Bank of China", "国务院台办": "Taiwan Affairs Office of the State Council",
    "国务院台湾事务办公室": "Taiwan Affairs Office of the State Council", "国台办": "Taiwan Affairs Office of the State Council", "国家卫生健康委员会": "National Health Commission", "国家卫健委": "National Health Commission",
}


def find_organizer(texts: list[str]) -> tuple[str | None, str | None]:
    """(English organiser, Chinese organiser) named in the title or summary."""
    for text in texts:
        held = re.search(r"(?:the\s+)?(?P<org>[A-Z][^.;:,\"“]{3,120}?)\s+(?:held|hosted|holds|hosts|organi[sz]ed|convened)\b", text)
        if held:
            inner = _ORG_EN.search(held.group("org"))
            if inner:
                return _clean_org(inner.group("org")), None
    for text in texts:
        m = _ORG_EN.search(text)
        if m and not re.match(r"^(?:The|This|Today|Press|News)\b", m.group("org")):
            return _clean_org(m.group("org")), None
        simple = _simplified(text)
        z = _ORG_ZH.search(simple)
        if z:
            org = z.group("org")
            org_simple = re.sub(r"^.*?(?:日|，|,)", "", org) or org
            if len(simple) == len(text):
                org = text[z.start("org"): z.end("org")]
            org = re.sub(r"^.*?(?:日|，|,)", "", org) or org
            return ORG_ZH_EN.get(org_simple), org
    return None, None


def _simplified(text: str) -> str:
    from pressarchive.ingest.script import to_simplified

    return to_simplified(text) if re.search(r"[\u3400-\u9fff]", text) else text


def _clean_org(org: str) -> str:
    org = re.sub(r"^(?:the)\s+", "", org.strip(), flags=re.I)
    if org == "White House":
        return "The White House"
    return org


_STRONG_CONF = re.compile(
    r"press conference|news conference|press briefing|briefing by|regular briefing|media briefing|"
    r"发布会|记者会|吹风会|见面会|答记者问",
    re.I,
)


def _ends_like_sentence(text: str) -> bool:
    return text.rstrip()[-1:] in ".。!！"


def pick_title(preamble: list[Block], hints: dict[str, str]) -> str | None:
    """The block that reads most like the conference's title: a heading naming a press conference."""
    best: tuple[float, str] | None = None
    for rank, b in enumerate(preamble[:10]):
        text = b.text.strip()
        if not 8 <= len(text) <= 300 or re.fullmatch(r"[\W\d]*", text):
            continue
        score = -0.3 * rank
        if b.kind == "heading":
            score += 3
        if _STRONG_CONF.search(text):
            score += 4
        elif _CONF_WORDS.search(text):
            score += 1.5
        words = text.split()
        if text.isupper() and len(words) <= 4:
            score -= 4
        if len(words) <= 2 and not re.search(r"[\u3400-\u9fff]", text):
            score -= 3
        if find_date(text) and len(text) < 60:
            score -= 2
        if "·" in text or text.startswith(("Source", "来源", "发布时间", "By ")):
            score -= 2
        if re.search(r"\s[>›»|/]\s", text) or re.match(r"^(?:Home|首页|当前位置|您的位置)", text):
            score -= 5  # a breadcrumb trail or a "place | time" line
        if re.match(r"^(?:update|updated|notes?|posted|published)\b", text, re.I):
            score -= 3
        if _ends_like_sentence(text) and re.search(r"\b(?:held|was|were|today|on (?:Monday|Tuesday|Wednesday|Thursday|Friday))\b", text):
            score -= 3  # a summary sentence about the conference, not its title
        if rank == 0:
            score += 1
        if len(text) > 200:
            score -= 1
        if best is None or score > best[0]:
            best = (score, text)
    for key, bonus in (("front_title", 20), ("h1", 3.5), ("og_title", 3), ("title", 2)):
        value = hints.get(key)
        if value and 8 <= len(value) <= 300:
            score = bonus + (4 if _STRONG_CONF.search(value) else 0)
            if best is None or score > best[0]:
                best = (score, value)
    return best[1] if best else None


def fill(conference, preamble: list[Block], title_blocks: list[Block], blocks: list[Block], doc: Document,
         source_name: str, overrides: dict, header: list[str] | None = None) -> None:
    """Title, dates, organiser and source: overrides first, then the file's own metadata (front matter,
    HTML meta), then the text, then the file name."""
    from pressarchive.ingest.source import TAG_SEP, clean_title

    texts = [b.text for b in preamble]
    title = overrides.get("title") or pick_title(title_blocks, doc.hints)
    conference.title = clean_title(title) if title else None
    published = doc.hints.get("published") or doc.hints.get("front_date") or doc.hints.get("date")
    conference.published = published or None
    conference.date = normalise_date(overrides["date"]) if overrides.get("date") else event_date(
        title, texts, blocks, doc.hints, source_name, overrides.get("source_url"), header)
    if overrides.get("organizer"):
        conference.organizer = overrides["organizer"]
    else:
        en, zh = find_organizer([title or ""] + texts[:8] + [doc.hints.get("title", "")])
        conference.organizer, conference.organizer_zh = en, zh
    conference.source = source_name or None
    conference.source_url = overrides.get("source_url") or doc.hints.get("source_url")
    conference.tags = [t for t in (doc.hints.get("tags") or "").split(TAG_SEP) if t]


def event_date(title: str | None, texts: list[str], blocks: list[Block], hints: dict, source_name: str,
               url: str | None = None, header: list[str] | None = None) -> str | None:
    """The day the conference took place.

    The date the transcript's header states (title and first lines) wins over the publisher's date
    (front matter, page metadata), which may be a day or more later; a header date is believed when no
    publication date is known, or when it falls up to 14 days before it (a date further away is some
    other day the header mentions). ``header``: every line before the first turn, stage lines such as
    ``(September 14, 2022)`` included. Then any date in the first lines, then one in the file name or URL."""
    from datetime import date as _d

    from pressarchive.ingest.source import date_in_name

    published = None
    for key in ("front_date", "published", "date"):
        if hints.get(key):
            published = normalise_date(hints[key])
            if published:
                break
    stated = find_date(" ".join([title or ""] + texts[:8])) or find_date(" ".join((header or [])[:12]))
    if stated and published:
        gap = (_d.fromisoformat(published) - _d.fromisoformat(stated)).days
        if not 0 <= gap <= 14:
            stated = None
    date = stated or published or find_date(" ".join(b.text for b in blocks[:40]))
    for name in (source_name, url, hints.get("source_url")):
        if not date and name:
            date = date_in_name(name)
    return date


# --- role cues -----------------------------------------------------------------------------
_NAME = r"(?:(?:Mr|Ms|Mrs|Dr)\.?\s+)?(?P<name>[A-Z][^\W\d_]+(?:[\s-][A-Z][^\W\d_]+){1,2})"


def host_cue(text: str) -> str | None:
    """The person a summary says presides: ``presided over by X``, ``hosted by X``, ``由X主持``."""
    h = re.search(r"(?:^|\n)\s*(?:Chairperson|Chair|Moderator|Host|Presided (?:over )?by)\s*:\s*\n?\s*" + _NAME, text)
    if h:
        return h.group("name")
    m = re.search(r"(?:presided over|hosted|moderated|chaired|emceed)\s+by\s+(?:the\s+)?(?:[a-z\-]+\s+){0,6}?" + _NAME, text)
    if m:
        return m.group("name")
    z = re.search(r"由([\u4e00-\u9fff]{2,4}?)(?:主持|担任主持)|主持人([\u4e00-\u9fff]{2,3})(?=[，,。\s])", text)
    if z:
        return z.group(1) or z.group(2)
    for m in re.finditer(r"([\u4e00-\u9fff]{2,20})主持(?:发布会|会议|记者会|新闻发布会|本次|今天)", text):
        name = _trailing_zh_name(m.group(1))
        if name:
            return name
    return None


def _trailing_zh_name(text: str) -> str | None:
    from pressarchive.ingest.names import is_chinese_name

    for size in (3, 2, 4):
        if len(text) >= size and is_chinese_name(text[-size:]):
            return text[-size:]
    return None


def self_introduced(text: str) -> str | None:
    """``我是国务院新闻办新闻发言人寿小丽`` / ``I am the host of this press conference, Cheng Xiaoming``."""
    m = re.search(r"我是([\u4e00-\u9fff、]{2,40})[。，,！!]", text)
    if m:
        return _trailing_zh_name(m.group(1))
    return None


def spokesperson_cue(text: str, hints: dict) -> str | None:
    """A spokesperson the title names (the answerer behind ``答：`` / ``A:`` labels)."""
    text = text + "\n" + hints.get("title", "") + "\n" + hints.get("h1", "")
    z = re.search(r"发言人([\u4e00-\u9fff]{2,3}?)(?:主持|答|在|就|表示|：|:|，|,|\s)", text)
    if z:
        return z.group(1)
    m = re.search(r"[Ss]pokes(?:person|man|woman)\s+" + _NAME, text)
    if m:
        return m.group("name")
    m = re.search(_NAME + r",\s+(?:the\s+)?(?:[A-Z][\w-]*\s+)?[Ss]pokes(?:person|man|woman)\b", text)
    if m:
        return m.group("name")
    return None


def spokesperson_description(text: str, hints: dict):
    """``Foreign Ministry Spokesperson``, ``Spokesman for the Secretary-General``: the spokesperson's title."""
    from pressarchive.ingest.roster import Description

    text = text + "\n" + hints.get("title", "") + "\n" + hints.get("h1", "")
    m = re.search(r"((?:[A-Z][\w-]*\s+){0,3}[Ss]pokes(?:person|man|woman)(?:\s+(?:of|for)\s+(?:the\s+)?[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,4})?)", text)
    if m:
        return Description(title=m.group(1).strip(), strength=1)
    z = re.search(r"([\u4e00-\u9fff]{0,10}发言人)", text)
    if z:
        return Description(title_zh="发言人", organization_zh=z.group(1)[:-3] or None, strength=1)
    return None


def self_declared_host(text: str) -> bool:
    return bool(re.search(r"\bI(?:'m| am) (?:the|your) (?:host|moderator)\b|我是(?:本次发布会的)?主持人", text, re.I))


def named_as_host(text: str, person) -> bool:
    for form in filter(None, (person.name, person.name_zh)):
        if form not in text:  # every pattern below holds the name as written
            continue
        f = re.escape(form)
        if pattern(rf"(?:presided over|hosted|moderated|chaired) by[^.;]{{0,60}}{f}").search(text):
            return True
        if pattern(rf"I(?:'m| am) the (?:host|moderator)[^.]{{0,80}}{f}").search(text):
            return True
        if pattern(rf"{f}[^.;]{{0,60}}(?:will (?:host|moderate|preside)|as (?:the )?(?:host|moderator))").search(text):
            return True
        if pattern(rf"主持人{f}|由{f}[^。]{{0,20}}主持|{f}主持").search(text):
            return True
    return False
