"""Blocks -> Record: metadata, speaker roster, turns, question-and-answer links.

Nothing here knows the sample: every decision comes from the shape of the text (labels, captions,
punctuation, position) and from general tables (gazetteer, title words, outlet words).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from pressarchive.errors import NoTranscriptError
from pressarchive.ingest import meta
from pressarchive.ingest.labels import Label, parse_label
from pressarchive.ingest.names import name_key
from pressarchive.ingest.read import Block, Document
from pressarchive.ingest.regions import mentioned
from pressarchive.ingest.roster import Person, Roster, caption_person, introductions
from pressarchive.records import Conference, Record, Turn, conference_id, languages_of, turn_id

_IMAGE = re.compile(r"^[\w\-. ()\[\]]{0,80}\.(?:jpe?g|png|gif|webp|bmp|tiff?|svg)$|^\[(?:图片|image|photo|img)[^\]]*\]$|^(?:图片|图)\s*\d*$", re.I)
_TERMINAL = ".!?。！？…;；\"”’』」)）:："
_CHROME = re.compile(
    r"^(?:message feedback|feedback|share(?: this| to)?|print|close|back to top|top|copyright.*|all rights reserved.*|"
    r"related (?:news|articles|links)|read more|more|login|log in|sign in|sign up|register|subscribe|"
    r"authenticated user.*|popular.*|previous(?: article| page)?|next(?: article| page)?|home|menu|search|"
    r"source:.*|editor:.*|responsible editor.*|\(?end\)?|-+ ?end ?-+|"
    r"分享到.*|打印.*|关闭.*|【?打印本页】?|【?关闭窗口】?|责任编辑.*|来源[:：].*|编辑[:：].*|相关新闻.*|相关链接.*|"
    r"扫一扫.*|返回顶部|字号.*|（完）|\(完\)|【完】|网站地图|联系我们|版权所有.*|主办单位.*|浏览次数.*|阅读次数.*|点击数.*)$",
    re.I,
)
_COUNTER = re.compile(r"\b\d[\d,.]*\s*(?:views?|previewers?|readers?|reads|page views|visits|likes|comments)\b|(?:浏览|阅读|点击)(?:量|数|次数)?[:：]?\s*\d", re.I)


@dataclass
class _Draft:
    """A turn being assembled."""

    person: Person
    label: Label
    paragraphs: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


def is_chrome(text: str) -> bool:
    """Page furniture: share buttons, counters, footers, bullets of navigation."""
    if _CHROME.match(text.strip()):
        return True
    return len(text) < 80 and bool(_COUNTER.search(text))


def _ends_sentence(text: str) -> bool:
    return text.rstrip()[-1:] in _TERMINAL


def _accepted_labels(blocks: list[Block]) -> list[Label | None]:
    """The label of each block, keeping weak or unknown ones only where the document corroborates them."""
    labels = [parse_label(b.text) if b.kind == "para" else None for b in blocks]
    counts: Counter[str] = Counter()
    for lab in labels:
        if lab and lab.kind == "person" and lab.name:
            counts[name_key(lab.name) or lab.name] += 1
    body = "\n".join(b.text for b in blocks)
    out: list[Label | None] = []
    for lab in labels:
        if lab is None or lab.kind != "person" or not lab.name:
            out.append(lab)
            continue
        key = name_key(lab.name) or lab.name
        raw_is_caps = lab.raw.replace(".", "").replace("-", "").replace(" ", "").isupper()
        corroborated = (
            counts[key] >= 2
            or body.count(lab.name) >= 2
            or (lab.honorific is not None and lab.strong)
            or (raw_is_caps and lab.strong)
            or bool(re.search(r"[\u3400-\u9fff]", lab.name))
            or lab.title is not None
        )
        if not lab.strong:
            corroborated = counts[key] >= 2 or body.lower().count(lab.name.lower()) >= 2
        out.append(lab if corroborated else None)
    weak_ok = {name_key(lab.name) for lab in out if lab and not lab.strong and lab.name}
    if len(weak_ok) >= 2:  # the document writes labels as NAME. : trust that style throughout
        out = [lab if lab is not None else (orig if orig is not None and not orig.strong else None)
               for lab, orig in zip(out, labels)]
    return out


def split_inline(blocks: list[Block]) -> list[Block]:
    """A transcript with no line breaks: split long blocks where a label follows a sentence end."""
    if len(blocks) > 3:
        return blocks
    out: list[Block] = []
    for block in blocks:
        if len(block.text) < 300:
            out.append(block)
            continue
        cuts = [0]
        for m in re.finditer(r"(?<=[.!?。！？\"”])\s*(?=\S)", block.text):
            pos = m.end()
            window = block.text[pos: pos + 160]
            lab = parse_label(window)
            if lab is not None and lab.strong and (lab.kind != "person" or len(lab.rest) > 0):
                cuts.append(pos)
        cuts.append(len(block.text))
        for a, b in zip(cuts, cuts[1:]):
            piece = block.text[a:b].strip()
            if piece:
                out.append(Block(piece, block.kind, block.line))
    return out


def parse(doc: Document, source_name: str = "", overrides: dict | None = None) -> Record:
    """The record of one transcript; raises NoTranscriptError when no speaker turn is found."""
    overrides = {k: v for k, v in (overrides or {}).items() if v}
    blocks = split_inline(doc.blocks)
    labels = _accepted_labels(blocks)
    first = next((i for i, lab in enumerate(labels) if lab is not None), None)
    if first is None:
        raise NoTranscriptError(
            "no speaker turns found: expected labels such as 'Name:', 'Reporter from X:', 'Q:' or '问：'"
        )
    roster = Roster()
    warnings: list[str] = []

    # 1. which blocks are images, captions, headings, chrome
    role_of = ["text"] * len(blocks)
    for i, b in enumerate(blocks):
        if b.kind == "image" or (b.kind == "para" and labels[i] is None and _IMAGE.match(b.text.strip())):
            role_of[i] = "image"
        elif b.kind == "caption":
            role_of[i] = "caption"
        elif b.kind == "heading" and labels[i] is None:
            role_of[i] = "heading"
        elif labels[i] is None and is_chrome(b.text):
            role_of[i] = "chrome"
    for i, b in enumerate(blocks):
        if role_of[i] == "image" and i + 1 < len(blocks) and labels[i + 1] is None and role_of[i + 1] == "text":
            if len(blocks[i + 1].text) < 300:
                role_of[i + 1] = "caption"

    # 2. persons first named by labels, so that captions and introductions can attach to them
    for lab in labels:
        if lab is not None and lab.kind == "person" and lab.name:
            roster.person(lab.name, alias=lab.raw)
    roster.expand_surnames("\n".join(b.text for b in blocks))
    for i, b in enumerate(blocks):
        if labels[i] is not None or role_of[i] not in ("text", "caption"):
            continue
        found = caption_person(b.text) if (role_of[i] == "caption" or not _ends_sentence(b.text)) else None
        if not found:
            continue
        name, desc = found
        known = roster.find_zh(name) if re.search(r"[\u3400-\u9fff]", name) else (roster.find_name(name) or roster.find_surname(name))
        if role_of[i] == "caption" or (known is not None and len(b.text) < 300 and _next_label_is(labels, i, known, roster)):
            role_of[i] = "caption"
            person = roster.person(name)
            person.describe(desc)

    # 3. headings: short unpunctuated lines that stand before a label, an image or a caption
    for i, b in enumerate(blocks):
        if role_of[i] != "text" or labels[i] is not None or i < first:
            continue
        text = b.text.strip()
        if _ends_sentence(text) or len(text) > 200 or "?" in text or "？" in text:
            continue
        nxt = next((j for j in range(i + 1, len(blocks)) if role_of[j] not in ("chrome",)), None)
        if nxt is None or labels[nxt] is not None or role_of[nxt] in ("image", "caption", "heading"):
            role_of[i] = "heading"

    preamble_blocks = [b for i, b in enumerate(blocks[:first]) if role_of[i] == "text"]
    title_blocks = [b for i, b in enumerate(blocks[:first]) if role_of[i] in ("text", "heading")]
    preamble_text = "\n".join(b.text for b in preamble_blocks)
    host_name, spokes_name = meta.host_cue(preamble_text), meta.spokesperson_cue(preamble_text, doc.hints)
    if not host_name:
        first_generic_host = next((k for k, lab in enumerate(labels) if lab and lab.kind == "generic" and lab.role == "host"), None)
        if first_generic_host is not None:
            host_name = meta.self_introduced(blocks[first_generic_host].text)
    host = roster.person(host_name) if host_name else None
    spokesperson = roster.person(spokes_name) if spokes_name else None
    if host:
        host.role = "host"

    # 4. turns
    drafts: list[_Draft] = []
    for i in range(first, len(blocks)):
        b, lab = blocks[i], labels[i]
        if lab is not None:
            person = roster.resolve(lab, spokesperson, host)
            if drafts and drafts[-1].person is person:
                current = drafts[-1]
            else:
                current = _Draft(person=person, label=lab)
                drafts.append(current)
            if lab.rest:
                current.paragraphs.append(lab.rest)
                current.lines.append(b.line)
            continue
        if role_of[i] != "text":
            continue
        drafts[-1].paragraphs.append(b.text)
        drafts[-1].lines.append(b.line)
    _trim_tail(drafts)
    drafts = [d for d in drafts if d.paragraphs]
    if not drafts:
        raise NoTranscriptError("speaker labels were found but no text after them")
    _merge_translated_reporters(drafts, roster)
    _self_identified_reporters(drafts)
    # merge neighbours left by dropped turns
    merged: list[_Draft] = []
    for d in drafts:
        if merged and merged[-1].person is d.person:
            merged[-1].paragraphs += d.paragraphs
            merged[-1].lines += d.lines
        else:
            merged.append(d)
    drafts = merged

    # 5. roles from cues in the text
    intro = preamble_text + "\n" + "\n".join(drafts[0].paragraphs[:3])
    introductions(intro, roster)
    for d in drafts:
        text = " ".join(d.paragraphs[:2])
        if d.person.role is None and meta.self_declared_host(text):
            d.person.role = "host"
    for p in roster.people:
        if p.role is None and p.name and meta.named_as_host(preamble_text + "\n" + " ".join(drafts[0].paragraphs), p):
            p.role = "host"
    if not any(d.person.role == "host" for d in drafts):
        structural = _structural_host(drafts, roster)
        if structural is not None:
            structural.role = "host"
    if sum(1 for d in drafts if d.person.role == "reporter") == 0 and spokesperson is None:
        warnings.append("no questions from reporters were recognised")

    # 6. speakers, kinds, Q&A links, languages, regions
    used = [d.person for d in drafts]
    speakers, ids = roster.speakers(used)
    roles = {id(p): s.role for p, s in zip(_unique(used), speakers)}
    answerers = {id(p) for p in used if roles[id(p)] not in ("reporter", "host")}
    host_answers = not answerers
    conf_id = "pending"
    turns: list[Turn] = []
    current_q: Turn | None = None
    previous: Turn | None = None
    for seq, d in enumerate(drafts, 1):
        role = roles[id(d.person)]
        para_langs = [lang_of(p) for p in d.paragraphs]
        turn = Turn(
            id=turn_id(conf_id, seq),
            seq=seq,
            speaker=ids[id(d.person)],
            kind="statement",
            lang=_turn_lang(para_langs),
            paragraphs=d.paragraphs,
            lines=d.lines,
            para_langs=para_langs,
            regions=mentioned(" ".join(d.paragraphs)),
        )
        if role == "reporter":
            turn.kind = "question"
            current_q = turn
        elif current_q is None or role == "interpreter":
            pass
        elif role != "host" or (previous is current_q and (host_answers or not _hands_off(d.paragraphs, d.person, used))):
            turn.kind = "answer"
            turn.question = current_q.id
        turns.append(turn)
        previous = turn
    if all(t.kind == "statement" for t in turns) and len(turns) == 1 and len(blocks) > 3:
        warnings.append("only one speaker turn was found; labels may be in a style not recognised")
    dropped = sum(1 for i in range(first, len(blocks)) if role_of[i] == "heading")
    if dropped:
        warnings.append(f"{dropped} heading line(s) between turns were left out of the turns")

    # 7. metadata
    conference = Conference(id=conf_id)
    meta.fill(conference, preamble_blocks, title_blocks, blocks, doc, source_name, overrides)
    conference.languages = languages_of(turns)
    conference.preamble = [b.text for b in preamble_blocks]
    conference.encoding = doc.encoding
    record = Record(conference=conference, speakers=speakers, turns=turns, warnings=warnings)
    cid = conference_id(conference.date, conference.organizer or conference.organizer_zh, conference.title, fallback=source_name)
    return record.with_ids(cid)


_HANDOFF = re.compile(
    r"\b(?:please|go ahead|next question|let'?s go to|over to|turn it over|floor is|would you like to add|"
    r"anyone else|last question|one more question)\b|请.{0,16}(?:回答|介绍|发言|补充|提问)|下面请|有请|下面进入|"
    r"谢谢.{0,8}(?:介绍|回答)",
    re.I,
)


def _hands_off(paragraphs: list[str], person: Person, people: list[Person]) -> bool:
    """A moderator's turn that passes the floor (or names another speaker) rather than answering."""
    text = " ".join(paragraphs)
    if len(text) > 400:
        return False
    if _HANDOFF.search(text):
        return True
    for other in people:
        if other is person or other.role == "reporter":
            continue
        for form in filter(None, (other.name, other.name_zh)):
            if form in text:
                return True
    return False


def _merge_translated_reporters(drafts: list[_Draft], roster: Roster) -> None:
    """``China Daily:`` straight after ``中国日报记者：``: one outlet in two scripts, one speaker."""
    for a, b in zip(drafts, drafts[1:]):
        pa, pb = a.person, b.person
        if pa is pb or pa.role != "reporter" or pb.role != "reporter":
            continue
        if bool(pa.outlet) != bool(pb.outlet) and bool(pa.outlet_zh) != bool(pb.outlet_zh) and (
            lang_of(" ".join(a.paragraphs)) != lang_of(" ".join(b.paragraphs))
        ):
            roster.merge(pa, pb)
            for d in drafts:
                if d.person is pb:
                    d.person = pa


_SELF_ID = r"(?:with|from|of|at|for)\s+(?:the\s+)?(?P<o>[A-Z][\w&'’.-]*(?:\s+(?:of\s+|the\s+)?[A-Z][\w&'’.-]*){0,5})"


def _self_identified_reporters(drafts: list[_Draft]) -> None:
    """A named speaker who introduces themselves with an outlet (``Howard Schneider with Reuters``)."""
    for d in drafts:
        p = d.person
        if p.role is not None or not p.name or p.generic:
            continue
        head = " ".join(d.paragraphs[:1])[:300]
        m = re.search(rf"{re.escape(p.name)}\s*,?\s*{_SELF_ID}", head)
        if m is None and p.name_zh:
            mz = re.search(rf"(?:我是)?(?P<o>[\u4e00-\u9fff]{{2,12}}?)记者{re.escape(p.name_zh)}", head)
            if mz:
                p.role, p.outlet_zh = "reporter", mz.group("o")
            continue
        if m:
            p.role, p.outlet = "reporter", m.group("o").rstrip(".")


def _structural_host(drafts: list[_Draft], roster: Roster) -> Person | None:
    """The moderator by behaviour: opens by introducing the others, or calls on the reporters."""
    people = _unique([d.person for d in drafts])
    officials = [p for p in people if p.role != "reporter" and p.generic != "reporter"]
    if len(officials) < 2:
        return None
    opener = drafts[0].person
    if opener in officials and opener.role is None:
        intro = " ".join(drafts[0].paragraphs)
        for other in officials:
            if other is opener:
                continue
            if any(form and form in intro for form in (other.name, other.name_zh)) or (
                other.name and other.name.split()[-1] in intro and len(other.name.split()[-1]) > 3
            ):
                return opener
    callers: Counter[int] = Counter()
    for a, b in zip(drafts, drafts[1:]):
        if b.person.role == "reporter" and a.person in officials and len(" ".join(a.paragraphs)) < 200:
            callers[id(a.person)] += 1
    if callers:
        best_id, count = callers.most_common(1)[0]
        if count >= 2:
            return next(p for p in officials if id(p) == best_id)
    return None


def _next_label_is(labels: list[Label | None], i: int, person: Person, roster: Roster) -> bool:
    for lab in labels[i + 1: i + 4]:
        if lab is None:
            continue
        if lab.kind != "person" or not lab.name:
            return False
        other = roster.find_zh(lab.name) if re.search(r"[\u3400-\u9fff]", lab.name) else (roster.find_name(lab.name) or roster.find_surname(lab.name))
        return other is person
    return False


def _unique(people: list[Person]) -> list[Person]:
    seen: set[int] = set()
    out = []
    for p in people:
        if id(p) not in seen:
            seen.add(id(p))
            out.append(p)
    return out


def _trim_tail(drafts: list[_Draft]) -> None:
    """Page chrome after the transcript: short unpunctuated or bulleted lines at the very end."""
    if not drafts:
        return
    last = drafts[-1]
    while len(last.paragraphs) > 1:
        tail = last.paragraphs[-1].strip()
        chrome = is_chrome(tail) or tail.startswith(("•", "·", "▪", "►", "»")) or (len(tail) < 100 and not _ends_sentence(tail))
        if not chrome:
            break
        last.paragraphs.pop()
        last.lines.pop()


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def lang_of(text: str) -> str:
    """en, zh or mixed, weighing one Chinese character like one short English word."""
    han = len(_HAN.findall(text))
    latin = len(_LATIN.findall(text)) / 5
    total = han + latin
    if total == 0:
        return "en"
    if han / total >= 0.8:
        return "zh"
    if latin / total >= 0.8:
        return "en"
    return "mixed"


def _turn_lang(langs: list[str]) -> str:
    kinds = set(langs)
    if len(kinds) == 1:
        return langs[0]
    return "mixed"
