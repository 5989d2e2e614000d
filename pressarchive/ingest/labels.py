"""Speaker labels at the start of a paragraph, in the many styles transcripts use.

``Wang Wei:``, ``MS. JEAN-PIERRE:``, ``Daily Economic News reporter:``, ``Reporter from X:``,
``上海电视台记者:``, ``张宏韬：``, ``Q``/``Q:``/``A:``, ``问：``/``答：``, ``主持人：``, ``Moderator:``,
``<NAME>Wang Wei</NAME>.``, ``CHAIR POWELL.``, ``Joe Biden: (00:52)``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pressarchive.ingest.names import CJK_NAME, chinese_surname, is_chinese_name
from pressarchive.ingest.script import restore_script, to_simplified  # noqa: F401 - to_simplified re-exported
from pressarchive.ingest.zhtitles import ZH_TITLES_LONGEST as _ZH_TITLES_LONGEST

# What a label says about the speaker.
GENERIC = "generic"  # Q, A, 问, 答, Moderator ...
PERSON = "person"
REPORTER = "reporter"  # identified by outlet (or not at all)
TITLED = "titled"  # 行政长官 / 邱副主委: a title, perhaps with a surname, standing for a person


@dataclass
class Label:
    """A recognised label: who (name or outlet), what role it implies, and the text after it."""

    raw: str
    kind: str  # person | reporter | generic
    rest: str
    name: str | None = None  # as written (honorific stripped)
    honorific: str | None = None  # Mr. / Chair / Secretary ...
    title: str | None = None  # "(Spokesperson)" and the like
    outlet: str | None = None
    role: str | None = None  # host | reporter | presenter | interpreter | other (for generic labels)
    strong: bool = True  # a colon label; False for `NAME.` styles that need corroboration


_TIMESTAMP = re.compile(r"^\(?\[?\d{1,2}:\d{2}(?::\d{2})?\]?\)?\s*")
_TAGGED = re.compile(r"^<\s*(name|speaker)\s*>\s*(.{1,80}?)\s*<\s*/\s*\1\s*>\s*[.:：]?\s*", re.I)
_COLON = re.compile(r"^(?P<label>[^:：\n]{1,120}?)\s*(?:\((?P<ts>\d{1,2}:\d{2}(?::\d{2})?)\))?\s*[:：]\s*(?P<rest>.*)$", re.S)
_CAPS_PERIOD = re.compile(r"^(?P<label>(?:[A-Z][A-Z'’\-]+\.?\s){0,3}[A-Z][A-Z'’\-]+)\.\s+(?P<rest>\S.*)$", re.S)
_Q_BARE = re.compile(r"^(Q|Q\.)\s+(?P<rest>[^\s(（:：].*)$", re.S)

GENERIC_EN = {
    "q": ("reporter", REPORTER), "question": ("reporter", REPORTER), "questioner": ("reporter", REPORTER),
    "reporter": ("reporter", REPORTER), "journalist": ("reporter", REPORTER), "correspondent": ("reporter", REPORTER),
    "audience member": ("reporter", REPORTER), "participant": ("reporter", REPORTER),
    "a": ("presenter", GENERIC), "answer": ("presenter", GENERIC), "response": ("presenter", GENERIC),
    "moderator": ("host", GENERIC), "host": ("host", GENERIC), "mc": ("host", GENERIC), "chair": ("host", GENERIC),
    "interpreter": ("interpreter", GENERIC), "translator": ("interpreter", GENERIC),
    "spokesperson": ("presenter", GENERIC), "spokesman": ("presenter", GENERIC), "spokeswoman": ("presenter", GENERIC),
    "presenter": ("presenter", GENERIC), "unidentified speaker": ("other", GENERIC), "speaker": ("other", GENERIC),
    "male speaker": ("other", GENERIC), "female speaker": ("other", GENERIC), "operator": ("host", GENERIC),
    "staff": ("host", GENERIC), "follow-up": ("reporter", REPORTER), "follow up": ("reporter", REPORTER),
    "followup": ("reporter", REPORTER), "follow-up question": ("reporter", REPORTER),
    "interviewer": ("reporter", REPORTER), "interviewee": ("presenter", GENERIC),
}
_GENERIC_LONG = {k for k in GENERIC_EN if " " not in k and "-" not in k and len(k) >= 7}
_NOT_OUTLETS = {"unidentified", "unknown", "another", "other", "a", "foreign", "female", "male", "second",
                "first", "next", "last", "same", "local", "chinese", "english", "one", "the"}
FOLLOW_UPS = {"follow-up", "follow up", "followup", "follow-up question", "追问", "追问一下"}
GENERIC_ZH = {
    "问": ("reporter", REPORTER), "提问": ("reporter", REPORTER), "记者": ("reporter", REPORTER), "记者问": ("reporter", REPORTER),
    "答": ("presenter", GENERIC), "回答": ("presenter", GENERIC), "主持人": ("host", GENERIC), "主持": ("host", GENERIC),
    "翻译": ("interpreter", GENERIC), "发言人": ("presenter", GENERIC), "新闻发言人": ("presenter", GENERIC),
    "追问": ("reporter", REPORTER), "口译": ("interpreter", GENERIC), "传译": ("interpreter", GENERIC),
}
HONORIFICS = (
    "mr", "ms", "mrs", "miss", "dr", "prof", "professor", "sir", "madam", "mme", "m",
    "chair", "chairman", "chairwoman", "chairperson", "vice chair", "vice chairman", "secretary", "press secretary",
    "deputy press secretary", "under secretary", "assistant secretary", "director", "deputy director", "minister",
    "vice minister", "deputy minister", "ambassador", "spokesperson", "spokesman", "spokeswoman", "governor",
    "president", "vice president", "premier", "vice premier", "senator", "representative", "admiral", "general",
    "commissioner", "administrator", "mayor", "deputy", "coordinator", "chief", "host", "moderator",
    "sec", "gen", "adm", "lt", "col", "maj", "capt", "rep", "sen", "gov", "amb", "pres", "lt. gen", "maj. gen",
    "brig. gen", "rear adm", "vice adm", "lt. col",
)
_HONORIFIC_RE = re.compile(
    r"^(?P<h>(?:" + "|".join(sorted((re.escape(h) for h in HONORIFICS), key=len, reverse=True)) + r")\.?)\s+(?P<n>\S.*)$",
    re.I,
)
_REPORTER_WORDS = r"reporter|journalist|correspondent"
_REPORTER_EN = [
    re.compile(rf"^(?:{_REPORTER_WORDS})s?\s+(?:from|of|with|at|for)\s+(?:(?-i:the)\s+)?(?P<o>.+)$", re.I),
    re.compile(rf"^(?P<o>.+?)\s+(?:{_REPORTER_WORDS})s?$", re.I),
    re.compile(rf"^(?:{_REPORTER_WORDS})\s*[(（,，]\s*(?P<o>.+?)\s*[)）]?$", re.I),
    re.compile(r"^(?:q|question)\s*[(（,，\-–]\s*(?P<o>.+?)\s*[)）]?$", re.I),
]
OUTLET_WORDS = re.compile(
    r"\b(news|daily|times|tv|television|radio|post|journal|herald|agency|press|network|media|broadcasting|"
    r"station|tribune|observer|economist|magazine|online|net|newspaper|gazette|channel|cctv|cgtn|xinhua|"
    r"reuters|bloomberg|afp|ap|kyodo|nhk|tass|yonhap|efe|dpa|ansa|bbc|cnn|abc|cbs|nbc|fox|npr|pbs|phoenix|"
    r"ria|sputnik|al jazeera|cnbc|wsj|nikkei|asahi|yomiuri|mainichi|ria novosti|anadolu|paper|caixin|"
    r"xinhua|weekly|review|report|wire|pravda|izvestia|gazeta|zeitung|monde|figaro|asahi|hankyoreh)\b",
    re.I,
)
_ZH_OUTLET_END = re.compile(r"(社|报|台|网|新闻|日报|晚报|电视|卫视|通讯社|杂志|传媒|媒体|广播|周刊|频道|客户端)$")
_NAME_WORD = re.compile(r"^(?:[A-Z][a-zA-Z'’\-]*\.?|[A-Z]{2,}[A-Z'’\-]*\.?|(?:de|da|van|von|der|bin|binti|al|el|la|le|di|du|dos)|[A-Z]\.)$")
_SMALL = {"of", "the", "and", "from", "for", "at", "with", "de", "du", "des", "la", "le", "on", "in", "&"}
_NOT_NAMES = {
    "note", "notes", "source", "sources", "editor", "editors", "update", "updated", "date", "time", "place",
    "venue", "location", "title", "subject", "topic", "theme", "summary", "background", "transcript", "attendees",
    "participants", "photo", "photos", "image", "picture", "video", "audio", "tags", "keywords", "contact",
    "email", "tel", "fax", "address", "website", "url", "link", "links", "download", "print", "share", "read more",
    "related", "see also", "for example", "example", "first", "second", "third", "fourth", "fifth", "finally",
    "in addition", "however", "therefore", "meanwhile", "now", "today", "yesterday", "tomorrow", "here", "there",
    "remarks", "statement", "opening statement", "closing", "agenda", "part", "chapter", "section", "article",
    "figure", "table", "chart", "warning", "important", "caption", "credit", "credits", "copyright", "http", "https",
    "www", "end", "ps", "nb", "re", "fw", "cc", "bcc", "from", "to", "sent", "speakers", "chairperson",
    "moderators", "hosts", "guests", "panelists", "panel", "in summary", "summary", "conclusion", "update",
    "breaking", "live", "watch", "listen", "photo", "photos", "tel", "phone", "mobile", "username", "password",
    "user name", "login", "key points", "highlights", "background", "context", "question and answer",
}
_ZH_BODY_END = re.compile(r"[部局厅委办署院司省市县]$")
_ZH_NOT_LABEL = re.compile(r"[，。！？、；,.!?;“”\"'‘’《》()（）\[\]【】0-9０-９%％\s]")


def parse_label(text: str) -> Label | None:
    """The label this paragraph opens with, or None."""
    from pressarchive.ingest.people import unglue_question_mark

    text = unglue_question_mark(text)
    tagged = _TAGGED.match(text)
    if tagged:
        inner = tagged.group(2).strip()
        found = _classify(inner, text[tagged.end():].strip(), colon=True)
        return found or Label(raw=inner, kind=PERSON, name=inner, rest=text[tagged.end():].strip())
    bare = _Q_BARE.match(text)
    if bare and not text.startswith(("Q&A", "Q & A")):
        return Label(raw="Q", kind=REPORTER, role="reporter", rest=bare.group("rest").strip())
    colon = _COLON.match(text)
    if colon:
        label = colon.group("label").strip().strip("*_").strip()
        rest = _TIMESTAMP.sub("", colon.group("rest").strip()) if colon.group("ts") is None else colon.group("rest").strip()
        rest = _TIMESTAMP.sub("", rest) if rest.startswith("(") else rest
        found = _classify(label, rest, colon=True)
        if found:
            return found
    caps = _CAPS_PERIOD.match(text)
    if caps:
        found = _classify(caps.group("label"), caps.group("rest").strip(), colon=False)
        if found:
            found.strong = False
            return found
    return None


def looks_like_label(text: str) -> bool:
    """Cheap test used while re-joining wrapped lines."""
    label = parse_label(text)
    return label is not None and label.strong


def _classify(label: str, rest: str, colon: bool) -> Label | None:
    label = re.sub(r"\s+", " ", label).strip()
    if not label or len(label) > 120:
        return None
    if re.search(r"[\u3400-\u9fff]", label):
        return _classify_zh(label, rest) if colon else None
    return _classify_en(label, rest, colon)


def _classify_en(label: str, rest: str, colon: bool) -> Label | None:
    low = label.lower().rstrip(".")
    numbered = re.fullmatch(r"(.+?)\s*#?\d{1,3}", low)
    if numbered and numbered.group(1) in GENERIC_EN and colon:
        low = numbered.group(1)
    if low not in GENERIC_EN and " " not in low and len(low) >= 7 and low not in _NOT_NAMES and low[-1] != "s":
        from pressarchive.ingest.people import near

        low = near(low, _GENERIC_LONG) or low  # MODEARTOR, Moerator: a misspelt generic label
    if low in GENERIC_EN:
        role, kind = GENERIC_EN[low]
        if not colon and low not in ("q",):
            return None
        return Label(raw=label, kind=kind, role=role, rest=rest)
    if re.search(r"https?|www\.|@|\d{3,}|[!?;\"“”]", label):
        return None
    title = None
    paren = re.match(r"^(?P<n>.+?)\s*[(（\[](?P<t>[^)）\]]+)[)）\]]$", label)
    if paren:
        label, title = paren.group("n").strip(), paren.group("t").strip()
        if re.search(r"\d{1,2}:\d{2}|\b[ap]\.?m\b", title, re.I):
            if not colon or re.search(r"\b[ap]\.?m\b", title, re.I):
                return None  # "Update (3:45 pm):" is a heading, not a speaker
            title = None
        generic = GENERIC_EN.get(label.lower().rstrip("."))
        if generic and generic[1] == REPORTER and title:
            return Label(raw=label, kind=REPORTER, outlet=_tidy_outlet(title), role="reporter", rest=rest)
        if generic and title and (re.fullmatch(r"[A-Z][^\W\d_]+(?:[ -][A-Z][^\W\d_]+){1,3}", title)
                                  or is_chinese_name(title)):
            role = generic[0] if generic[0] in ("host", "interpreter") else None
            return Label(raw=label, kind=PERSON, name=title, role=role, rest=rest)  # "Moderator (Wang Wei):"
    described = re.match(r"^(?P<n>[^,]{3,40}),\s*(?P<d>.{4,})$", label)
    if described and colon and title is None:
        from pressarchive.ingest.titles import split_title_org

        head = described.group("n").strip()
        head_words = head.split()
        if 1 < len(head_words) <= 4 and all(_name_word(w) for w in head_words) and split_title_org(described.group("d")):
            return Label(raw=label, kind=PERSON, name=head, title=described.group("d").strip(), rest=rest)
    for pattern in _REPORTER_EN:
        m = pattern.match(label)
        if m:
            outlet = m.group("o").strip(" ,.-")
            if outlet.lower() in _NOT_OUTLETS:  # "Unidentified reporter:", "Another reporter:"
                return Label(raw=label, kind=REPORTER, role="reporter", rest=rest)
            if outlet and len(outlet.split()) <= 10 and outlet.lower() not in _NOT_NAMES and (
                outlet[0].isupper() or OUTLET_WORDS.search(outlet)
            ):
                return Label(raw=label, kind=REPORTER, outlet=_tidy_outlet(outlet), role="reporter", rest=rest)
    if title and re.fullmatch(rf"(?:{_REPORTER_WORDS})", title, re.I):
        return Label(raw=label, kind=REPORTER, outlet=label, role="reporter", rest=rest)
    if colon and title is None and _known_outlet(label):  # Yicai:, The Paper:, AFP: (data/outlets.tsv)
        return Label(raw=label, kind=REPORTER, outlet=label, role="reporter", rest=rest)
    words = label.split()
    if not 1 <= len(words) <= 7 or low in _NOT_NAMES:
        return None
    if not all(_name_word(w) or w.lower() in _SMALL for w in words):
        return None
    titled = _english_title(words)
    if titled:
        return Label(raw=label, kind=TITLED, title=titled, rest=rest, strong=colon)
    if words[0].lower() in _SMALL and not (words[0] == "The" and len(words) > 1 and OUTLET_WORDS.search(label)):
        return None
    if _is_place(label):
        return None
    if OUTLET_WORDS.search(label) and not _HONORIFIC_RE.match(label) and colon:
        if len(words) >= 1 and (len(words) > 1 or label.isupper() or label in ("Reuters", "Bloomberg", "Xinhua")):
            return Label(raw=label, kind=REPORTER, outlet=label, role="reporter", rest=rest)
    honorific = None
    name = label
    m = _HONORIFIC_RE.match(label)
    role = None
    if m:
        honorific, name = m.group("h").rstrip("."), m.group("n").strip()
        if len(name.split()) > 4:
            return None
        if honorific.lower() in ("host", "moderator"):
            role, honorific = "host", None
    if len(name.split()) > 4:
        return None
    if not colon and len(name) < 2:
        return None
    name, honorific, title = _name_apart(name, honorific, title)
    return Label(raw=label, kind=PERSON, name=name, honorific=honorific, title=title, rest=rest, strong=colon, role=role)


_PLAIN_HONORIFICS = {"mr", "ms", "mrs", "miss", "dr", "prof", "professor", "sir", "madam", "mme", "m"}


def _name_apart(name: str, honorific: str | None, title: str | None) -> tuple[str, str | None, str | None]:
    """A job title written before the name (``ACTING ADMINSTRATOR SLAVITT``) moves to ``title``; a
    damaged honorific (``S. PSAKI``) is dropped (see ``ingest.people``)."""
    from pressarchive.ingest.people import damaged_honorific, split_title

    if honorific is None:
        bare = damaged_honorific(name)
        if bare:
            return bare, None, title
    lead, rest = split_title(name)
    if lead:
        if honorific and honorific.lower() not in _PLAIN_HONORIFICS:  # SECRETARY GENERAL STOLTENBERG
            lead = f"{honorific.title()} {lead}"
        return rest, honorific, title or lead
    return name, honorific, title


_TITLE_HEADS = {
    "president", "minister", "secretary", "spokesperson", "spokesman", "spokeswoman", "official", "officials",
    "ambassador", "governor", "mayor", "chairman", "chairwoman", "chair", "director", "commissioner", "premier",
    "chancellor", "lady", "executive", "general", "admiral", "king", "queen", "prince", "envoy", "representative",
    "coordinator", "adviser", "advisor", "counselor", "deputy", "leader", "speaker", "senator", "officer", "aide",
}
_TITLE_WORDS = _TITLE_HEADS | {
    "the", "vice", "prime", "foreign", "press", "senior", "administration", "first", "chief", "deputy", "state",
    "assistant", "under", "national", "security", "defense", "defence", "trade", "special", "white", "house",
    "department", "of", "for", "u.s.", "us", "un", "eu", "nato", "majority", "minority", "acting", "second",
    "finance", "economic", "health", "homeland", "energy", "treasury", "commerce", "agriculture", "labor",
}


def _english_title(words: list[str]) -> str | None:
    """``THE PRESIDENT`` / ``Senior Administration Official`` / ``Prime Minister``: a title standing for a person."""
    from pressarchive.ingest.people import near

    low = [w.lower().strip(".,") for w in words]
    low = [w if w in _TITLE_WORDS else (near(w, _TITLE_WORDS) or w) for w in low]  # OFFIAL, Adminstration
    if len(low) > 6 or not all(w in _TITLE_WORDS for w in low) or not any(w in _TITLE_HEADS for w in low):
        return None
    if low == ["speaker"] or low[-1] in ("of", "for", "the"):
        return None
    fixed = [w if w.lower().strip(".,") == c else c for w, c in zip(words, low)]  # a misspelt word corrected
    kept = [w for w in fixed if w.lower() != "the"] or fixed
    return " ".join(w.capitalize() if w.isupper() or w.islower() else w for w in kept)


def _is_place(label: str) -> bool:
    """``Beijing:`` or ``上海：`` opens a list item about a place, never a speaker."""
    from pressarchive.ingest.regions import canonical

    return canonical(label) is not None and len(label) > 1


def _known_outlet(label: str) -> bool:
    from pressarchive.ingest.outlets import find

    return find(label) is not None


def _name_word(word: str) -> bool:
    """A capitalised (or all-caps) name word in any Latin script: ``Renée``, ``JEAN-PIERRE``, ``O'Neil``, ``J.``."""
    if _NAME_WORD.match(word):
        return True
    core = word.rstrip(".")
    return bool(core) and core[0].isupper() and all(c.isalpha() or c in "'’-" for c in core)


def _tidy_outlet(outlet: str) -> str:
    return re.sub(r"\s+", " ", outlet).strip(" ,.-")




def _classify_zh(label: str, rest: str) -> Label | None:
    original = label
    label = to_simplified(label)
    found = _classify_zh_simplified(label, rest)
    if found is not None:
        found.raw = original
        restore_script(found, ("outlet", "name"), original, label)  # keep the script the transcript uses
    return found


def _classify_zh_simplified(label: str, rest: str) -> Label | None:
    if label in GENERIC_ZH:
        role, kind = GENERIC_ZH[label]
        return Label(raw=label, kind=kind, role=role, rest=rest)
    title = None
    paren = re.match(r"^(?P<n>.+?)\s*[(（](?P<t>[^)）]+)[)）]$", label)
    if paren:
        label, title = paren.group("n").strip(), paren.group("t").strip()
        generic = GENERIC_ZH.get(label.replace(" ", ""))
        if generic and generic[1] == REPORTER and title and (_known_outlet(title) or _ZH_OUTLET_END.search(title)):
            return Label(raw=label, kind=REPORTER, outlet=title, role="reporter", rest=rest)  # 问（新华社）：
        if generic and generic[1] == GENERIC and title:
            from pressarchive.ingest.zhtitles import person_of

            found = person_of(title)
            name = title if is_chinese_name(title.replace(" ", "")) else (found[0] if found else None)
            if name:  # 答（吴清）： / 主持人（寿小丽）：
                role = generic[0] if generic[0] in ("host", "interpreter") else None
                return Label(raw=label, kind=PERSON, name=name.replace(" ", ""), role=role, rest=rest,
                             title=found[1].title_zh if found and found[1] else None)
    compact = label.replace(" ", "")
    checked = re.sub(r"[0-9０-９]", "", compact) if compact.endswith("记者") else compact  # 21世纪经济报道记者
    if _ZH_NOT_LABEL.search(checked) or len(compact) > 24:
        if not _ZH_NOT_LABEL.search(re.sub(r"[、\s]", "", checked)) and len(compact) <= 60:
            from pressarchive.ingest.zhtitles import person_of

            found = person_of(label)  # 上海市委副书记、市长 龚正
            if found:
                return Label(raw=label, kind=PERSON, name=found[0], title=found[1].title_zh if found[1] else None, rest=rest)
        return None
    if compact.endswith("记者"):
        outlet = compact[: -len("记者")] or (title if title and _known_outlet(title) or (title and _ZH_OUTLET_END.search(title)) else "")  # 记者（新华社）
        named = re.match(r"^(?P<o>.+?)记者(?P<n>[\u3400-\u9fff]{2,4})$", compact)
        if named:
            outlet = named.group("o")
        return Label(raw=label, kind=REPORTER, outlet=outlet or None, role="reporter", rest=rest)
    m = re.match(r"^(?P<o>.+?)记者(?P<n>[\u3400-\u9fff]{2,4})$", compact)
    if m:
        return Label(raw=label, kind=REPORTER, outlet=m.group("o"), role="reporter", rest=rest)
    if compact.endswith(("主持人", "主持")):
        name = compact[: -3 if compact.endswith("主持人") else -2] or None
        return Label(raw=label, kind=PERSON if name else GENERIC, name=name, role="host", rest=rest)
    if compact.startswith("主持人") and is_chinese_name(compact[3:]):
        return Label(raw=label, kind=PERSON, name=compact[3:], role="host", rest=rest)
    if _ZH_OUTLET_END.search(compact) and len(compact) >= 3:
        return Label(raw=label, kind=REPORTER, outlet=compact, role="reporter", rest=rest)
    if _known_outlet(compact):  # 第一财经： / 路透社：
        return Label(raw=label, kind=REPORTER, outlet=compact, role="reporter", rest=rest)
    if is_chinese_name(compact) and not _ZH_BODY_END.search(compact):  # 商务部： heads a news item
        return Label(raw=label, kind=PERSON, name=compact, title=title, rest=rest)
    split = split_zh_title_name(compact)
    if split:
        title_zh, name = split
        return Label(raw=label, kind=PERSON, name=name, title=title or title_zh, rest=rest)
    for t in _ZH_TITLES_LONGEST:
        if compact == t or compact == "副" + t:
            return Label(raw=label, kind=TITLED, title=compact, rest=rest)
        if compact.endswith(t) and 1 <= len(compact) - len(t) <= 2 and chinese_surname(compact):
            surname = chinese_surname(compact)
            if compact[len(surname):] in (t, "副" + t) or compact[len(surname):] == t:
                return Label(raw=label, kind=TITLED, name=surname, title=compact[len(surname):], rest=rest)
    return None




def split_zh_title_name(text: str) -> tuple[str, str] | None:
    """``发言人汪文斌`` / ``汪文斌司长`` -> (title, name) when one side is a title and the other a name."""
    for title in _ZH_TITLES_LONGEST:
        if text.endswith(title) and len(text) - len(title) <= 4:
            if is_chinese_name(text[: -len(title)][-4:]) and not text[: -len(title)].endswith(("副", "正", "总")):
                return title, text[: -len(title)]
            break
        idx = text.rfind(title)
        if idx >= 0 and idx + len(title) < len(text):
            tail = text[idx + len(title):]
            if CJK_NAME.fullmatch(tail) and is_chinese_name(tail):
                return text[: idx + len(title)], tail
    return None
