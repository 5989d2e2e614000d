"""The layouts of Chinese official transcripts (国新办, 外交部, ministries, provinces, 国台办, china.com.cn
live text), applied before and after the general parser:

- ``prepare``: a header block of ``键：值`` lines (时间/地点/发布人/主持人 name…, ``Time:``/``Venue:``) is
  conference metadata, not speech, and the people it names seed the roster; ``[10:05]`` time marks are
  dropped; ``[主持人]`` bracket labels and a ``title name`` line standing alone before a paragraph become
  ordinary labels;
- ``introduced``: the people a host introduces (``今天我们邀请到上海市委副书记、市长龚正先生``), each
  read by ``zhtitles.person_of``: 龚正 with the whole title and the organisation of its first part;
- ``outlet_of_question``/``called_outlet``: the outlet of an unlabelled reporter, from ``我是第一财经记者``
  at the start of the question or the host's ``请新华社记者提问`` just before it;
- ``answerer``: the official a ``答：`` belongs to when no spokesperson is named: the one the host just
  called on, else the one who answered last.

Every rule reads the shape of the text; nothing here names a publisher or a person.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pressarchive.ingest.names import is_chinese_name
from pressarchive.ingest.read import Block
from pressarchive.ingest.script import to_simplified
from pressarchive.ingest.zhtitles import _HONOUR, ZH_TITLES_LONGEST, _clean, describe, people_in, person_of

from pressarchive.text.cjk import HAN_CHAR as _HAN  # noqa: E402 - the package's one range

# Header keys: metadata about the conference. People keys name who speaks (and seed the roster).
_META_KEYS = (
    "时间", "日期", "地点", "地址", "会场", "主题", "发布会主题", "发布主题", "议题", "发布时间", "举行时间", "召开时间",
    "发布地点", "举行地点", "发布内容", "发布会名称", "标题", "来源", "时 间", "地 点", "主 题",
)
_PEOPLE_KEYS = {
    "发布人": None, "发言人": None, "出席": None, "出席人": None, "出席人员": None, "出席嘉宾": None, "嘉宾": None,
    "发布嘉宾": None, "介绍人": None, "答问人": None, "发布人员": None, "出席领导": None,
    "主持人": "host", "主持": "host", "主 持 人": "host", "主持人员": "host",
}
_EN_META = re.compile(r"^(?:time|date|venue|location|place|subject|topic|theme)\s*[:：]", re.I)
_EN_PEOPLE = re.compile(r"^(?:speakers?|presenters?|attendees?|guests?|participants?)\s*[:：]", re.I)
_HEADER_LINE = re.compile(r"^(?P<k>[\u3400-\u9fff][\u3400-\u9fff \u3000]{0,6})\s*[:：]\s*(?P<v>.*)$", re.S)

_TIME_MARK = re.compile(r"^[\[【(（]?\s*(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s+)?\d{1,2}[:：]\d{2}(?:[:：]\d{2})?\s*[\]】)）]?$")
_LEADING_MARK = re.compile(r"^[\[【]\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?\s*[\]】]\s*")
_BRACKET = re.compile(r"^[\[【](?P<in>[^\[\]【】\n]{1,60})[\]】]\s*(?P<rest>.*)$", re.S)
_SENTENCE_END = "。！？!?…；;"


@dataclass
class Prepared:
    """The blocks the parser reads, the header lines kept aside, and the people the header names."""

    blocks: list[Block]
    header: list[Block] = field(default_factory=list)
    fields: list[tuple[str, str]] = field(default_factory=list)
    people: list[tuple[str, object, str | None]] = field(default_factory=list)  # (name, Description, role)


_INVITED = re.compile(r"(?:邀请到了|邀请到|邀请了|请到了|请到|出席今天(?:新闻)?发布会的(?:有|是)|出席发布会的(?:有|是)|邀请)(?P<list>[^。！!？?]{4,400})")


def introduced(text: str) -> list[tuple[str, object]]:
    """The people a host introduces: ``今天我们邀请到上海市委副书记、市长龚正先生，…吴清先生，请他们…``."""
    out = []
    for m in _INVITED.finditer(to_simplified(text)):
        listing = re.split(r"[，,](?:请|为|向|由|介绍|并|他们|她们|就)", m.group("list"))[0]
        pieces = [p for chunk in re.split(r"[，,；;]", listing)
                  for p in re.split(r"(?<=先生|女士|同志)(?:、|和|及|以及|与)", chunk)]
        for piece in pieces:
            piece = re.sub(r"(?<=先生|女士|同志)[^先女同]{0,12}$", "", piece.strip())  # …先生介绍情况
            if not re.search(r"(?:先生|女士)$", piece) and not person_of(piece):
                continue
            found = person_of(piece)
            if found:
                out.append(found)
            else:
                bare = _HONOUR.sub("", piece)
                for size in (3, 2):
                    if is_chinese_name(bare[-size:]):
                        out.append((bare[-size:], describe(bare[:-size]) if bare[:-size] else None))
                        break
    return out


# --- blocks ---------------------------------------------------------------------------------------
def _header_field(text: str) -> tuple[str, str, str | None] | None:
    """(key, value, people-role) of a ``键：值`` metadata line, or None."""
    head = text[:16]
    if ":" not in head and "：" not in head:
        return None
    if _EN_META.match(text):
        key, _, value = re.split(r"([:：])", text, maxsplit=1)
        return key.strip(), value.strip(), None
    if _EN_PEOPLE.match(text) and len(text) < 300:
        key, _, value = re.split(r"([:：])", text, maxsplit=1)
        return key.strip(), value.strip(), "people"
    m = _HEADER_LINE.match(to_simplified(text))
    if not m:
        return None
    key = re.sub(r"[ \u3000]", "", m.group("k"))
    value = text[m.start("v"):].strip() if len(to_simplified(text)) == len(text) else m.group("v").strip()
    if key in {k.replace(" ", "") for k in _META_KEYS}:
        return key, value, None
    if key in {k.replace(" ", "") for k in _PEOPLE_KEYS}:
        role = "host" if key.startswith("主持") else "people"
        if not value:
            return key, value, role
        if _people_line(value):
            return key, value, role
    return None


def _people_line(text: str) -> bool:
    """A line that only lists people (``商务部新闻发言人 束珏婷``, ``辛国斌、张宏韬``): no sentence in it."""
    text = text.strip()
    return 0 < len(text) <= 120 and not re.search(r"[。！？!?；;“”\"]", text.rstrip("。")) and bool(people_in(text))


def prepare(blocks: list[Block]) -> Prepared:
    """Header lines aside, time marks out, bracket and stand-alone title-name labels rewritten."""
    from pressarchive.ingest.labels import parse_label

    out = Prepared(blocks=[])
    seen_speech = False
    i = 0
    while i < len(blocks):
        b = blocks[i]
        text = b.text.strip()
        if b.kind == "para" and _TIME_MARK.match(text):
            if re.match(r"^\D{0,2}\d{4}[-/.]", text) and not seen_speech:
                out.header.append(b)  # 2023-06-12 10:00 under the title: the date, kept as metadata
            i += 1
            continue
        if b.kind == "para" and _LEADING_MARK.match(text):
            text = _LEADING_MARK.sub("", text)
            b = Block(text, b.kind, b.line, b.quoted)
        found = _header_field(text) if b.kind in ("para", "heading") else None
        if found and seen_speech and found[2] is not None:
            found = None  # after the first turn only 时间：/地点：… lines are metadata; 主持人：… is speech
        if found and found[2] == "host" and found[1] and i + 1 < len(blocks) and _opens_speech(blocks[i + 1]):
            named = people_in(found[1])  # 主持人：寿小丽 on its own line, then her opening
            if len(named) == 1:
                name, desc = named[0]
                out.people.append((name, desc, "host"))
                out.blocks.append(Block(f"{name}：", b.kind, b.line, b.quoted))
                seen_speech = True
                i += 1
                continue
        if found:
            key, value, role = found
            out.header.append(b)
            out.fields.append((key, value))
            listed = [value] if value else []
            while not value and role and i + 1 < len(blocks) and _people_line(blocks[i + 1].text) \
                    and _header_field(blocks[i + 1].text) is None:
                i += 1  # 发布人： then one person per line
                out.header.append(blocks[i])
                listed.append(blocks[i].text)
            if role:
                for item in listed:
                    for name, desc in people_in(item):
                        out.people.append((name, desc, "host" if role == "host" else None))
            i += 1
            continue
        if b.kind == "para":
            b = _bracket_label(b) or b
            if not seen_speech and parse_label(b.text) is not None:
                seen_speech = True
            elif i + 1 < len(blocks):  # (a line with no colon is no label: _standing_label checks that first)
                standing = _standing_label(b, blocks[i - 1] if i else None, blocks[i + 1])
                if standing is not None:
                    b, seen_speech = standing, True
        out.blocks.append(b)
        i += 1
    return out


def _opens_speech(b: Block) -> bool:
    """An unlabelled paragraph that greets the room: a host's opening, not a summary or a title."""
    from pressarchive.ingest.labels import parse_label

    text = to_simplified(b.text.strip())
    return (b.kind == "para" and parse_label(b.text) is None and text[-1:] in _SENTENCE_END + "”\"」"
            and bool(re.search(r"女士们|先生们|各位|大家(?:上午|下午|晚上)?好|欢迎", text[:30]))
            and not re.search(r"举行.{0,30}(?:发布会|记者会)", text[:80]))


def _bracket_label(b: Block) -> Block | None:
    """``[主持人]`` / ``[国家统计局新闻发言人 付凌晖]`` / ``【新华社记者】text`` -> ``X：text``."""
    from pressarchive.ingest.labels import GENERIC_EN, parse_label

    m = _BRACKET.match(b.text.strip())
    if not m:
        return None
    inner, rest = _clean(m.group("in")), m.group("rest").strip()
    if _HAN.search(inner):
        candidate = f"{inner}：{rest}"
        lab = parse_label(candidate)
        if lab is None and person_of(inner) is None:
            return None
    elif inner.lower() in GENERIC_EN:
        candidate = f"{inner}: {rest}"
    else:
        return None
    return Block(candidate.rstrip(), b.kind, b.line, b.quoted)


def _standing_label(b: Block, before: Block | None, after: Block) -> Block | None:
    """A line that is only ``title name`` (no colon), standing before an unlabelled paragraph of
    speech: the speaker's label (``上海市委副书记、市长 龚正`` then the speech)."""
    from pressarchive.ingest.labels import parse_label

    text = b.text.strip()
    if len(text) > 60 or not _HAN.search(text) or text[-1:] in _SENTENCE_END or re.search(r"[:：]", text):
        return None
    if before is not None and before.kind in ("image", "caption"):
        return None
    if after.kind != "para" or parse_label(after.text) is not None or person_of(after.text) is not None:
        return None
    nxt = after.text.strip()
    if len(nxt) < 8 or nxt[-1:] not in _SENTENCE_END + "”\"」』）)":
        return None
    if person_of(text) is None:
        return None
    label = Block(f"{text}：", b.kind, b.line, b.quoted)
    return label if parse_label(label.text) is not None else None


# --- askers ---------------------------------------------------------------------------------------
_NOT_OUTLET = re.compile(r"^(?:这位|那位|这边|那边|后排|前排|中间|左边|右边|最后一位|下一位|其他|外国|境外|各位|我们|你们|在座|一位|两位|第[一二三四五六七八九十\d]+位)")
_SELF = re.compile(r"^(?:[^。！？!?，,]{0,12}[，,。！!]\s*)?(?:我是来自|我来自|我是|来自)?(?P<o>[\u3400-\u9fffA-Za-z0-9·＋+]{2,16}?)(?:的)?记者(?P<n>[\u3400-\u9fff]{2,3})?(?=[。，,：:！!；;\s]|$)")
_CALL = re.compile(r"请(?P<o>[\u3400-\u9fffA-Za-z0-9·]{2,16}?)(?:的)?记者(?:朋友)?(?:提问|发问|来提问|问)?(?=[。，,！!；;\s]|$)")


_OUTLET_END = re.compile(r"(?:社|报|台|网|新闻|电视|卫视|杂志|刊|传媒|媒体|广播|频道|客户端|财经|之声|TV|News|Times|Post|Daily)$", re.I)


def _outlet_ok(name: str) -> bool:
    """An outlet's name: in the outlet table, or ending like one (…社, …报, …台, …网, …卫视); never
    ``这位``/``后排那位``."""
    from pressarchive.ingest.outlets import find

    simple = to_simplified(name)
    if not simple or _NOT_OUTLET.match(simple) or simple in ("记者", "本报", "本台", "新闻"):
        return False
    return find(simple) is not None or bool(_OUTLET_END.search(simple))


def outlet_of_question(text: str) -> str | None:
    """``我是第一财经记者。`` / ``中国日报记者。`` / ``凤凰卫视记者：`` opening a question -> the outlet."""
    head = text.strip()[:60]
    m = _SELF.match(to_simplified(head))
    if not m or not _outlet_ok(m.group("o")):
        return None
    return head[m.start("o"): m.end("o")]


def called_outlet(text: str) -> str | None:
    """``请新华社记者提问`` in the host's words -> 新华社; ``请这位记者`` names none."""
    tail = text.strip()[-80:]
    found = None
    for m in _CALL.finditer(to_simplified(tail)):
        found = tail[m.start("o"): m.end("o")] if _outlet_ok(m.group("o")) else None
    return found


# --- who answers ----------------------------------------------------------------------------------
def called_official(text: str, officials) -> object | None:
    """The official a host's words call on (``请吴清副市长回答``): named by full name, or by surname and title."""
    from pressarchive.ingest.names import chinese_surname

    simple = to_simplified(text)
    titles = "|".join(re.escape(t) for t in ZH_TITLES_LONGEST)
    surnames = [chinese_surname(to_simplified(p.name_zh)) for p in officials if p.name_zh]
    hits = []
    for p in officials:
        if p.name_zh:
            name = to_simplified(p.name_zh)
            at = simple.rfind(name)
            surname = chinese_surname(name)
            if at < 0 and surname and surnames.count(surname) == 1:  # 请龚市长回答
                m = None
                for m in re.finditer(rf"{re.escape(surname)}(?:{titles})", simple):
                    pass
                at = m.start() if m else -1
            if at >= 0:
                hits.append((at, p))
        elif p.name and p.name in text:
            hits.append((text.rfind(p.name), p))
    if not hits:
        return None
    return max(hits, key=lambda h: h[0])[1]


def assign_askers(drafts, roster) -> None:
    """An unnamed reporter's question (``记者：``/``问：``/``Q:``) takes the outlet the question opens
    with (``我是第一财经记者。``) or the one the turn before called on (``请新华社记者提问``); a
    follow-up (``追问：``) stays with the reporter who asked last."""
    from pressarchive.ingest.labels import FOLLOW_UPS

    last_asker = None
    for i, d in enumerate(drafts):
        p = d.person
        if p.role != "reporter":
            continue
        if d.label is not None and to_simplified(d.label.raw).lower().rstrip(".：: ") in FOLLOW_UPS and last_asker is not None:
            d.person = last_asker
            continue
        if p.generic == "reporter" and not (p.outlet or p.outlet_zh):
            outlet = outlet_of_question(d.paragraphs[0]) if d.paragraphs else None
            if outlet is None and i > 0 and drafts[i - 1].person.role != "reporter":
                outlet = called_outlet(" ".join(drafts[i - 1].paragraphs[-1:]))
            if outlet:
                d.person = roster.reporter(outlet, d.label.raw if d.label is not None else outlet)
        last_asker = d.person


def assign_answers(drafts, roster) -> set[int]:
    """``答：`` with no spokesperson named: the official the host just called on (``请吴清副市长回答``),
    else the official who answered last; left as it is when there is neither. Returns the ids of the
    drafts given a speaker."""
    changed: set[int] = set()
    officials = [p for p in roster.people
                 if p.role not in ("reporter", "host", "interpreter") and not p.generic and (p.name or p.name_zh)]
    for i, d in enumerate(drafts):
        if d.person.generic != "spokesperson":
            continue
        chosen = None
        for prev in reversed(drafts[:i]):
            p = prev.person
            if p.role == "reporter":
                continue
            if p.role == "host":
                chosen = called_official(" ".join(prev.paragraphs[-1:]), officials)
                if chosen is not None:
                    break
                continue
            if p in officials:
                chosen = p
                break
        if chosen is not None:
            d.person = chosen
            changed.add(id(d))
    return changed
