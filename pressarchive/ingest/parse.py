"""Blocks -> Record: metadata, speaker roster, turns, question-and-answer links.

Nothing here knows the sample: every decision comes from the shape of the text (labels, captions,
punctuation, position) and from general tables (gazetteer, title words, outlet words).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from pressarchive.errors import NoTranscriptError
from pressarchive.ingest import meta, zhlayout
from pressarchive.ingest.askers import OUTLET, introduced, name_askers
from pressarchive.ingest.people import given_names_from_replies
from pressarchive.ingest.labels import OUTLET_WORDS, Label, parse_label, to_simplified
from pressarchive.ingest.names import name_key
from pressarchive.ingest.read import Block, Document
from pressarchive.ingest.regions import mentioned
from pressarchive.ingest.roster import Person, Roster, caption_person, introductions
from pressarchive.records import Conference, Record, Turn, conference_id, languages_of, turn_id
from pressarchive.text import pattern

_IMAGE = re.compile(r"^[\w\-. ()\[\]]{0,80}\.(?:jpe?g|png|gif|webp|bmp|tiff?|svg)$|^\[(?:图片|image|photo|img)[^\]]*\]$|^(?:图片|图)\s*\d*$", re.I)
_TERMINAL = ".!?。！？…;；\"”’』」)）:："
_CHROME = re.compile(
    r"^(?:message feedback|feedback|share(?: this| to)?|print|close|back to top|top|copyright.*|all rights reserved.*|"
    r"related (?:news|articles|links)|read more|more|login|log in|sign in|sign up|register|subscribe|"
    r"authenticated user.*|popular.*|previous(?: article| page)?|next(?: article| page)?|home|menu|search|"
    r"source:.*|editor:.*|responsible editor.*|\(?end\)?|-+ ?end ?-+|"
    r"分享到.*|打印.*|关闭.*|【?打印本页】?|【?关闭窗口】?|责任编辑.*|来源[:：].*|编辑[:：].*|相关新闻.*|相关链接.*|"
    r"扫一扫.*|返回顶部|字号.*|（完）|\(完\)|【完】|网站地图|联系我们|版权所有.*|主办单位.*|浏览次数.*|阅读次数.*|点击数.*|"
    r"an official website of .*|here's how you know|official websites use .*|a \.gov website belongs .*|"
    r"secure \.gov websites use https.*|skip to (?:main )?content|cookie settings|accept (?:all )?cookies)$",
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


_DATE_ONLY = re.compile(r"^[\d\s年月日/.\-:]+(?:[(（](?:星期|周|礼拜)?[一二三四五六日天]|[(（](?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?)?[)）]?$")


def is_chrome(text: str) -> bool:
    """Page furniture: share buttons, counters, footers, bullets of navigation, a bare date line."""
    if _CHROME.match(text.strip()) or (_DATE_ONLY.match(text.strip()) and meta.find_date(text)):
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
    body_lower = body.lower()
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
            corroborated = counts[key] >= 2 or body_lower.count(lab.name.lower()) >= 2
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
    prepared = zhlayout.prepare(split_inline(doc.blocks))  # header lines aside, bracket labels, time marks
    blocks = prepared.blocks
    labels = _accepted_labels(blocks)
    if not any(labels):
        raise NoTranscriptError(
            "no speaker turns found: expected labels such as 'Name:', 'Reporter from X:', 'Q:' or '问：'"
        )
    roster = Roster()
    for name, desc, role in prepared.people:  # 发布人：商务部新闻发言人 束珏婷
        person = roster.person(name)
        if desc is not None:
            desc.strength = 2
            person.describe(desc)
        person.role = role or person.role
    warnings: list[str] = list(doc.warnings)
    role_of = _classify_blocks(blocks, labels)

    # 1. label lines that only declare who someone is (主持人：邱垂正副主任委员兼发言人) are not turns
    for i, lab in enumerate(labels):
        declared = _declaration(lab) if lab is not None else None
        if declared:
            name, desc = declared
            person = roster.person(name)
            person.describe(desc)
            if lab.role == "host":
                person.role = "host"
            labels[i], role_of[i] = None, "declaration"
    first = next((i for i, lab in enumerate(labels) if lab is not None), None)
    if first is None:
        raise NoTranscriptError("no speaker turns found: the labels only list who attended")

    # 2. persons first named by labels, so that captions and introductions can attach to them
    for lab in labels:
        if lab is not None and lab.kind == "person" and lab.name:
            person = roster.person(lab.name, alias=lab.raw)
            if lab.role == "host":
                person.role = "host"
    full_text = "\n".join(b.text for b in blocks)
    roster.fold_misspelt(full_text)
    roster.expand_surnames(full_text, [doc.hints.get(k) for k in ("front_title", "og_title", "h1", "title")])
    _captions_and_descriptions(blocks, labels, role_of, roster, first)
    _headings(blocks, labels, role_of, first)

    preamble_idx = [i for i in range(first) if role_of[i] == "text"]
    preamble_blocks = [blocks[i] for i in preamble_idx]
    title_blocks = [b for i, b in enumerate(blocks[:first]) if role_of[i] in ("text", "heading")]
    preamble_text = "\n".join(b.text for b in blocks[:first] if b.kind != "image")
    cue_text = to_simplified(preamble_text) if re.search(r"[\u3400-\u9fff]", preamble_text) else preamble_text
    host_name = meta.host_cue(cue_text)
    spokes_name = meta.spokesperson_cue(cue_text, doc.hints)
    if not host_name:
        first_generic_host = next((k for k, lab in enumerate(labels) if lab and lab.kind == "generic" and lab.role == "host"), None)
        if first_generic_host is not None:
            opening = blocks[first_generic_host].text
            if not labels[first_generic_host].rest and first_generic_host + 1 < len(blocks):
                opening += blocks[first_generic_host + 1].text  # [主持人] on its own line, then the text
            host_name = meta.self_introduced(to_simplified(opening))
    host = roster.person(host_name) if host_name else next((p for p in roster.people if p.role == "host"), None)
    if not spokes_name:  # the one 发布人 a header names answers the 答：
        named = [name for name, _, role in prepared.people if role is None]
        spokes_name = named[0] if len(named) == 1 else None
    spokesperson = roster.person(spokes_name) if spokes_name else None
    if host:
        host.role = "host"
    if spokesperson is not None and spokesperson is not host:
        spokesperson.describe(meta.spokesperson_description(cue_text, doc.hints))

    # 3. turns
    drafts: list[_Draft] = []
    opening = _unlabelled_opening(blocks, role_of, preamble_idx, labels[first], spokesperson or host)
    if opening:
        speaker = spokesperson or host
        drafts.append(_Draft(person=speaker, label=labels[first], paragraphs=[blocks[i].text for i in opening],
                             lines=[blocks[i].line for i in opening]))
        preamble_blocks = [blocks[i] for i in preamble_idx if i not in opening]
    for i in range(first, len(blocks)):
        b, lab = blocks[i], labels[i]
        if lab is not None:
            person = _speaker_for(lab, drafts, roster, spokesperson, host, cue_text)
            if drafts and drafts[-1].person is person and (lab.kind == "generic") == (drafts[-1].label.kind == "generic"):
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
        if b.quoted and drafts and drafts[-1].person.role == "reporter" and not blocks[i - 1].quoted:
            answerer = spokesperson or _sole_official(drafts)
            if answerer is not None:  # Markdown notes: an unlabelled quote answers the question above it
                drafts.append(_Draft(person=answerer, label=drafts[-1].label))
        drafts[-1].paragraphs.append(b.text)
        drafts[-1].lines.append(b.line)
    _split_inner_labels(drafts, roster)
    _trim_tail(drafts)
    drafts = [d for d in drafts if d.paragraphs]
    if not drafts:
        raise NoTranscriptError("speaker labels were found but no text after them")
    _merge_translated_reporters(drafts, roster)
    _self_identified_reporters(drafts, roster)
    zhlayout.assign_askers(drafts, roster)
    name_askers(drafts, roster)  # English calls and self-introductions, for questions still unnamed
    merged: list[_Draft] = []
    for d in drafts:
        if merged and merged[-1].person is d.person and (d.label.kind == "generic") == (merged[-1].label.kind == "generic"):
            merged[-1].paragraphs += d.paragraphs
            merged[-1].lines += d.lines
        else:
            merged.append(d)
    drafts = merged
    given_names_from_replies(drafts)

    # 4. roles from cues in the text, then from behaviour
    intro = preamble_text + "\n" + "\n".join(drafts[0].paragraphs[:3])
    for name, desc in zhlayout.introduced(intro):  # 今天我们邀请到上海市委副书记、市长龚正先生
        if desc is not None:
            desc.strength = 1
            roster.person(name).describe(desc)
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
    if spokesperson is None:  # 答： belongs to the official called on, or who answered last
        drafts = _merge_same(drafts, zhlayout.assign_answers(drafts, roster))
    if sum(1 for d in drafts if d.person.role == "reporter") == 0 and spokesperson is None:
        warnings.append("no questions from reporters were recognised")

    # 5. speakers, kinds, Q&A links, languages, regions
    used = [d.person for d in drafts]
    speakers, ids = roster.speakers(used)
    roles = {id(p): s.role for p, s in zip(_unique(used), speakers)}
    answerers = {id(p) for p in used if roles[id(p)] not in ("reporter", "host", "interpreter")}
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
        elif current_q is None:
            pass
        elif role == "interpreter":
            if previous is not None and previous.kind == "answer":
                turn.kind, turn.question = "answer", current_q.id
        elif role != "host" or (previous is current_q and (host_answers or not _hands_off(d.paragraphs, d.person, used))):
            turn.kind = "answer"
            turn.question = current_q.id
        turns.append(turn)
        previous = turn
    if len(turns) == 1 and len(blocks) > 3:
        warnings.append("only one speaker turn was found; labels may be in a style not recognised")
    dropped = sum(1 for i in range(first, len(blocks)) if role_of[i] == "heading")
    if dropped:
        warnings.append(f"{dropped} heading line(s) between turns were left out of the turns")

    # 6. metadata
    conference = Conference(id=conf_id)
    meta.fill(conference, preamble_blocks + prepared.header, title_blocks, blocks, doc, source_name, overrides,
              header=[b.text for b in prepared.header + blocks[:first] if b.kind != "image"])
    _fill_regions(speakers, conference, turns)
    conference.languages = languages_of(turns)
    conference.preamble = [b.text for b in prepared.header + preamble_blocks]
    conference.encoding = doc.encoding
    record = Record(conference=conference, speakers=speakers, turns=turns, warnings=warnings)
    cid = conference_id(conference.date, conference.organizer or conference.organizer_zh, conference.title, fallback=source_name)
    return record.with_ids(cid)


_STAGE = re.compile(r"^[(（\[【][^()（）\[\]【】]{2,200}[)）\]】]\.?$")
_EDITORIAL = re.compile(
    r"^(?:the following (?:question|questions|is|are)\b.{0,120}|translated (?:and edited )?by\b.*|"
    r"(?:\(?photo|picture|image|video)\s*(?:by|credit|courtesy)\b.*|subscribe to\b.*|this transcript\b.*|"
    r"editor'?s note\b.*|transcript (?:provided|prepared) by\b.*|(?:photo|picture|image|图|图片|摄影)\s*[:：].*|"
    r"\(?end of (?:transcript|briefing)\)?\.?|\*+\s*end\s*\*+|read in (?:chinese|english)|查看(?:英文|中文)版.*)$",
    re.I,
)


_LOCAL = re.compile(r"^(?:市|省|区|县|州|自治区|全市|全省|本市|本省)[\u4e00-\u9fff]")  # 市商务委员会: the host city's own
_SUBUNIT = re.compile(r"\b(?:Department|Division|Office|Bureau|Cent(?:er|re)|Section|Secretariat)\b|[司局处厅]$|办公室$|中心$")


def _fill_regions(speakers, conference, turns) -> None:
    """An official whose organisation names no region belongs to the organiser's (a ministry: National);
    a Chief Executive (行政长官) to the SAR the transcript is about."""
    from pressarchive.ingest.regions import region_of

    home = region_of(conference.organizer, conference.organizer_zh)
    text = None
    for s in speakers:
        if s.region or s.role == "reporter":
            continue
        s.region = region_of(s.title) if s.title and not re.search(r"[\u3400-\u9fff]", s.title) else None
        if s.region is None and s.title and re.search(r"行政长官|行政長官|特首|Chief Executive", s.title):
            text = text if text is not None else " ".join(p for t in turns for p in t.paragraphs)
            hk, macao = text.count("香港") + text.count("港"), text.count("澳门") + text.count("澳門")
            s.region = "Hong Kong" if hk >= macao else "Macao"
        if s.region is None and (not (s.organization or s.organization_zh) or _SUBUNIT.search(
                f"{s.organization or ''} {s.organization_zh or ''}") or _LOCAL.match(s.organization_zh or s.title or "")):
            s.region = home  # the organiser's own department, or nobody said


def _classify_blocks(blocks: list[Block], labels: list[Label | None]) -> list[str]:
    """Each block's part: text, image, caption, heading, chrome (page furniture, stage directions)."""
    role_of = ["text"] * len(blocks)
    for i, b in enumerate(blocks):
        text = b.text.strip()
        if b.kind == "image" or (b.kind == "para" and labels[i] is None and _IMAGE.match(text)):
            role_of[i] = "image"
        elif b.kind == "caption":
            role_of[i] = "caption"
        elif b.kind == "heading" and labels[i] is None:
            role_of[i] = "heading"
        elif labels[i] is None and (is_chrome(text) or _STAGE.match(text) or _EDITORIAL.match(text)):
            role_of[i] = "chrome"
        elif labels[i] is None and re.fullmatch(r"[*_#=~\-–—\s]{3,}|\*\*[^*]{2,80}", text):
            role_of[i] = "heading"  # a rule of asterisks, or a bold-marked subheading in plain text
    for i, b in enumerate(blocks):
        if role_of[i] == "image" and i + 1 < len(blocks) and labels[i + 1] is None and role_of[i + 1] == "text":
            if len(blocks[i + 1].text) < 300:
                role_of[i + 1] = "caption"
    last = max((i for i, lab in enumerate(labels) if lab is not None), default=-1)
    for i in range(last + 1, len(blocks)):
        if blocks[i].kind == "heading" or role_of[i] == "chrome":  # the page footer, or notes after the transcript
            for j in range(i, len(blocks)):
                role_of[j] = "chrome"
            break
    return role_of


def _captions_and_descriptions(blocks, labels, role_of, roster: Roster, first: int) -> None:
    """Captions (``Name, Title of Org`` by a photo or before that person speaks) and roster lines."""
    for i, b in enumerate(blocks):
        if labels[i] is not None or role_of[i] not in ("text", "caption"):
            continue
        found = caption_person(b.text) if (role_of[i] == "caption" or not _ends_sentence(b.text) or len(b.text) < 200) else None
        if not found:
            continue
        name, desc = found
        known = roster.find_zh(name) if re.search(r"[\u3400-\u9fff]", name) else (roster.find_name(name) or roster.find_surname(name))
        if role_of[i] == "caption" or (known is not None and len(b.text) < 300 and not _ends_sentence(b.text)
                                       and _next_label_is(labels, i, known, roster)):
            role_of[i] = "caption"
            roster.person(name).describe(desc)
        elif known is not None and i < first and desc is not None:
            desc.strength = 2  # a "Speakers:" list in the header
            known.describe(desc)


def _headings(blocks, labels, role_of, first: int) -> None:
    """Short unpunctuated lines that stand before a label, an image or a caption are headings."""
    for i, b in enumerate(blocks):
        if role_of[i] != "text" or labels[i] is not None or i < first:
            continue
        text = b.text.strip()
        if _ends_sentence(text) or len(text) > 200 or "?" in text or "？" in text:
            continue
        nxt = next((j for j in range(i + 1, len(blocks)) if role_of[j] not in ("chrome",)), None)
        if nxt is None or labels[nxt] is not None or role_of[nxt] in ("image", "caption", "heading"):
            role_of[i] = "heading"


def _declaration(lab: Label):
    """A label whose text only names a person and a title: (name, Description) or None."""
    from pressarchive.ingest.names import is_chinese_name
    from pressarchive.ingest.roster import Description, split_title_org, split_zh_description

    rest = lab.rest.strip()
    if not rest or len(rest) > 80 or re.search(r"[。.!?！？]$", rest) or lab.kind == "person":
        return None
    simple = to_simplified(rest)
    for size in (3, 2, 4):
        head, tail = simple[:size], simple[size:]
        if is_chinese_name(head) and tail and (split_zh_description(tail) or re.search(r"(长|主任|委|发言人|主席|书记|局|司)", tail)):
            d = split_zh_description(tail.split("兼")[0]) or Description()
            d.title_zh = d.title_zh or tail
            d.title = tail if not d.title else d.title
            d.strength = 2
            return head, d
    m = re.match(r"^(?:(?:Mr|Ms|Mrs|Dr)\.?\s+)?(?P<n>[A-Z][^\W\d_]+(?:\s[A-Z][^\W\d_]+){1,3})(?:\s*,\s*(?P<d>.+))?$", rest)
    if m and lab.kind == "generic":
        d = split_title_org(m.group("d") or "") if m.group("d") else None
        if d:
            d.strength = 2
        return m.group("n"), d
    return None


def _speaker_for(lab: Label, drafts: list[_Draft], roster: Roster, spokesperson, host, context: str) -> Person:
    """The person a label stands for, including follow-ups and title-only labels."""
    from pressarchive.ingest.labels import FOLLOW_UPS, TITLED

    if lab.kind == "reporter" and to_simplified(lab.raw).lower().rstrip(".") in FOLLOW_UPS:
        for d in reversed(drafts):
            if d.person.role == "reporter":
                return d.person
    if lab.kind == TITLED:
        return roster.titled(lab, context)

    return roster.resolve(lab, spokesperson, host)


def _merge_same(drafts: list[_Draft], changed: set[int]) -> list[_Draft]:
    """A ``答：`` given to the official who spoke just before it continues that turn."""
    merged: list[_Draft] = []
    for d in drafts:
        if merged and merged[-1].person is d.person and (id(d) in changed or id(merged[-1]) in changed):
            merged[-1].paragraphs += d.paragraphs
            merged[-1].lines += d.lines
        else:
            merged.append(d)
    return merged


def _sole_official(drafts: list[_Draft]) -> Person | None:
    officials = _unique([d.person for d in drafts if d.person.role not in ("reporter", "host")])
    return officials[0] if len(officials) == 1 else None


_HEADER_WORDS = re.compile(
    r"transcript|held|following is|presided|briefing by|press conference (?:was|is) held|near-verbatim|"
    r"举行(?=.{0,30}(?:发布会|记者会|吹风会|见面会))|主持|以下是|下面是|实录|全文",
    re.I,
)


def _unlabelled_opening(blocks, role_of, preamble_idx: list[int], first_label: Label, speaker) -> list[int]:
    """An opening statement printed without a label (a spokesperson's announcements before the first
    question): the preamble's speech paragraphs, when the first labelled turn is a question."""
    if speaker is None or first_label is None or first_label.kind != "reporter":
        return []
    start = None
    for i in preamble_idx:
        text = blocks[i].text
        if len(text) >= 60 and _ends_sentence(text) and not _HEADER_WORDS.search(text) and not blocks[i].kind == "heading":
            start = i
            break
    if start is None:
        return []
    return [i for i in preamble_idx if i >= start and _ends_sentence(blocks[i].text)]


_INNER_ZH_LABEL = re.compile(r"(?<=[.!?\"”’)])\s*(?P<label>[\u3400-\u9fff]{2,12})[:：]")


def _split_inner_labels(drafts: list[_Draft], roster: Roster) -> None:
    """``Wang Wei: We will... 王伟：我们将……``: a translation in the same paragraph is split off, its label dropped."""
    for d in drafts:
        paras, lines = [], []
        for text, line in zip(d.paragraphs, d.lines):
            m = _INNER_ZH_LABEL.search(text)
            if m and lang_of(text[: m.start()]) == "en":
                lab = parse_label(text[m.start("label"):])
                same = False
                if lab is not None and lab.kind == "person" and lab.name:
                    other = roster.find_zh(to_simplified(lab.name))
                    same = other is d.person or (other is None and d.person.name_zh is None)
                    if same and d.person.name_zh is None and d.person.name:
                        from pressarchive.ingest.names import name_key, pinyin_keys

                        if d.person.key in pinyin_keys(to_simplified(lab.name)) or name_key(d.person.name) in pinyin_keys(to_simplified(lab.name)):
                            d.person.name_zh = lab.name
                elif lab is not None and lab.kind == "reporter":
                    same = d.person.role == "reporter"
                    if same and lab.outlet and not d.person.outlet_zh:
                        d.person.outlet_zh = lab.outlet
                if same:
                    paras += [text[: m.start()].strip(), lab.rest]
                    lines += [line, line]
                    continue
            paras.append(text)
            lines.append(line)
        d.paragraphs, d.lines = [p for p in paras if p], [ln for p, ln in zip(paras, lines) if p]


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


_SELF_ID = rf"(?:with|from|of|at|for)\s+(?P<o>{OUTLET})"


_NAMED_Q = re.compile(
    r"^(?:(?i:thank you|thanks)[^.?!]{0,40}[.!]\s*)?(?:(?i:hi|hello)[,.]?\s*)?(?:(?i:I'?m|this is|my name is)\s+)?"
    r"(?P<n>[A-Z][^\W\d_]+(?:\s[A-Z][^\W\d_]+){1,2})\s*(?:,\s*|\s+(?:with|from|of|at)\s+(?:the\s+)?)"
    rf"(?P<o>{OUTLET})\s*[.,]"
)


_AFTER_NAME_SELF_ID = re.compile(rf"\s*,?\s*{_SELF_ID}")


def _after_name(name: str, head: str):
    r"""``re.search(name + r"\s*,?\s*" + _SELF_ID, head)`` without a pattern compiled per name: the
    first place the name is written that the introduction follows (the match of the part after it)."""
    start = head.find(name)
    while start >= 0:
        m = _AFTER_NAME_SELF_ID.match(head, start + len(name))
        if m:
            return m
        start = head.find(name, start + 1)
    return None


def _self_identified_reporters(drafts: list[_Draft], roster: Roster) -> None:
    """A speaker who introduces themselves with an outlet: a named label (``Howard Schneider with Reuters``)
    or an unnamed ``Q:`` (``Q: Thank you. Jim Garamone, DOD News.``) becomes that named reporter."""
    for d in drafts:
        p = d.person
        if p.role == "reporter" and p.generic == "reporter" and d.paragraphs:
            m = _NAMED_Q.match(d.paragraphs[0])
            if m and OUTLET_WORDS.search(m.group("o")) or (m and m.group("o").isupper()):
                named = roster.person(m.group("n"))
                named.role, named.outlet = "reporter", re.sub(r"^the\s+", "", m.group("o").rstrip("."), flags=re.I)
                d.person = named
            continue
        if p.role is not None or not p.name or p.generic:
            continue
        head = " ".join(d.paragraphs[:1])[:300]
        said = introduced(head, set())
        if said and said[0] and said[1] and (name_key(said[0]) == p.key or name_key(said[0].split()[-1]) == p.key):
            p.role, p.outlet = "reporter", said[1]  # <NAME>X</NAME>. X, Wall Street Journal. ...
            continue
        m = _after_name(p.name, head)
        if m is None and p.name_zh:
            mz = pattern(rf"(?:我是)?(?P<o>[\u4e00-\u9fff]{{2,12}}?)记者{re.escape(p.name_zh)}").search(head)
            if mz:
                p.role, p.outlet_zh = "reporter", mz.group("o")
            continue
        if m:
            p.role, p.outlet = "reporter", re.sub(r"^the\s+", "", m.group("o").rstrip("."), flags=re.I)


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
        chrome = is_chrome(tail) or tail.startswith(("•", "·", "▪", "►", "»")) or (
            len(tail) < 100 and not re.search(r"[.!?。！？…\"”’」』]$", tail))
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
