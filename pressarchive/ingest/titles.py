"""English titles and organisations: ``Deputy Director of the X Bureau`` -> title + organisation.

Shared by the label reader (labels.py) and the speaker roster (roster.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_TITLE_HEAD = (
    r"director(?:[- ]general)?|engineer|inspector|secretary|minister|spokesperson|spokesman|spokeswoman|"
    r"commissioner|chairman|chairwoman|chairperson|chair|president|governor|mayor|member|head|chief|officer|"
    r"ambassador|consul|manager|researcher|professor|dean|editor|economist|counsel|administrator|coordinator|"
    r"advisor|adviser|representative|leader|deputy|counselor|counsellor|fellow|analyst|executive|principal|"
    r"premier|vice premier|councilor|councillor|chancellor|mayor|commander|attorney|press secretary|interpreter"
)
_TITLE_MOD = (
    r"(?:(?:first|second|third)-level|deputy|vice|executive|chief|assistant|associate|acting|senior|press|general|"
    r"principal|party|standing|permanent|special|level-one|level-two)"
)
_TITLE_PHRASE = re.compile(rf"^(?:(?:{_TITLE_MOD}|[A-Z][\w'’]*)[\s-]+){{0,4}}(?:{_TITLE_HEAD})\b", re.I)
_TRAILING_TITLE = re.compile(rf"\s((?:{_TITLE_MOD}[\s-]+)*(?:{_TITLE_HEAD}))$", re.I)
_PARTY_PREFIX = re.compile(
    r"^(?:(?:a\s+)?(?:member|secretary|deputy secretary) of the party (?:leadership )?group(?: and| ,)?\s+)+", re.I
)
_ORG_SUBUNIT = re.compile(r"\b(Office|Department|Bureau|Division|Center|Centre|Institute|Bureau|Section)\s+of\s+the\s+(?=[A-Z])")
_HONORIFIC = re.compile(r"^(?:Mr|Ms|Mrs|Dr|Prof|Madam|Miss)\.?\s+")


_ORG_WORDS = re.compile(r"\b(Ministry|Department|Office|Commission|Bureau|Council|Administration|Agency|Government|Embassy|Committee|Congress)\b")


@dataclass
class Description:
    """A title and an organisation said of one person somewhere in the text."""

    title: str | None = None
    organization: str | None = None
    organization_zh: str | None = None
    title_zh: str | None = None
    strength: int = 0  # caption 3, label 2, introduction 1


def _cap_title(title: str) -> str:
    words = title.split(" ")
    out = []
    for i, w in enumerate(words):
        if w.startswith("("):
            out.append(" ".join(words[i:]))
            break
        out.append(w if (i and w.lower() in ("of", "and", "the", "for")) else (w[:1].upper() + w[1:]))
    return " ".join(out)


def split_title_org(desc: str) -> Description | None:
    """``Deputy Director of the X Bureau (level)`` or ``X Bureau Deputy Director`` -> title + organisation."""
    desc = desc.strip().strip(",.;:，。；").strip()
    desc = _HONORIFIC.sub("", desc)
    if not desc:
        return None
    level = None
    m = re.search(r"\s*[(（]([^()（）]{1,40})[)）]$", desc)
    if m:
        level, desc = m.group(1), desc[: m.start()].strip()
    desc = re.sub(r"^(?:a|an|the)\s+", "", desc, flags=re.I)
    desc = _PARTY_PREFIX.sub("", desc)
    title = org = None
    head = _TITLE_PHRASE.match(desc)
    tail = _TRAILING_TITLE.search(desc)
    if head and head.end() >= len(desc.rstrip()) and tail and tail.start() > 3:
        head = None  # "Foreign Ministry Spokesperson": organisation first, title last
    if head:
        rest = desc[head.end():]
        m2 = re.match(r"^(?:\s+and\s+(?:{mod}[\s-]+)*(?:{head}))?\s*(?:,\s*|\s+(?:of|at|for|in|from)\s+(?:the\s+)?)(?P<org>.+)$".format(
            mod=_TITLE_MOD, head=_TITLE_HEAD), rest, re.I)
        if m2:
            title, org = desc[: head.end()], m2.group("org")
            extra = re.match(r"^\s+and\s+((?:%s[\s-]+)*(?:%s))" % (_TITLE_MOD, _TITLE_HEAD), rest, re.I)
            if extra:
                title = desc[: head.end()] + " and " + extra.group(1)
        elif not rest.strip():
            title = desc
    else:
        if tail and tail.start() > 3:
            title, org = tail.group(1), desc[: tail.start()].strip(" ,")
    if title is None:
        return None
    if org and len(org.split()) <= 2 and not _ORG_WORDS.search(org) and not org.replace(" ", "").isupper() and re.match(r"^(?:the\s+)?[A-Z]", org) and desc.startswith(title):
        title, org = desc, None  # "Secretary of Defense", "Secretary of State": the whole phrase is the title
    title = _cap_title(title.strip())
    if level:
        title = f"{title} ({level})"
    if org:
        more = re.search(rf"\s+and\s+((?:{_TITLE_MOD}[\s-]+)*(?:{_TITLE_HEAD})\b.*)$", org, re.I)
        if more:  # "... Office and spokesperson of the SCIO": a second title
            title = f"{title} and {more.group(1).split(' of ')[0]}"
            org = org[: more.start()]
        org = re.sub(r"^the\s+", "", org.strip(" ,."), flags=re.I)
        org = _ORG_SUBUNIT.sub(lambda mm: f"{mm.group(1)}, ", org)
        if len(org) > 150:
            org = org[:150].rsplit(" ", 1)[0]
    return Description(title=title, organization=org or None)
