"""Who is who: titles and organisations from captions and introductions, and the speaker roster that
joins every label form of one person (English, Chinese, surname-only) into one speaker.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pressarchive.ingest import names as nm
from pressarchive.ingest.labels import Label, split_zh_title_name
from pressarchive.ingest.regions import region_of
from pressarchive.ingest.titles import _ORG_WORDS, _TITLE_HEAD, Description, _cap_title, split_title_org
from pressarchive.ingest.zhtitles import split_zh_description
from pressarchive.records import Speaker
from pressarchive.text import pattern as compiled_pattern

_NOT_FIRST = {
    "mr", "ms", "mrs", "dr", "prof", "miss", "madam", "sir", "chair", "chairman", "secretary", "president",
    "director", "minister", "ambassador", "governor", "senator", "general", "admiral", "spokesperson", "vice",
    "deputy", "the", "and", "thank", "thanks", "with", "by", "from", "to", "for", "of", "in", "on", "at", "dear",
    "mister", "representative", "commissioner", "coordinator", "press", "professor", "okay", "ok", "yes", "no",
}


_ZH_ORG_END = re.compile(r"(.+?(?:部|委员会|委|办公室|厅|局|署|院|会|政府|中心|集团|公司|司|处))$")


@dataclass
class Person:
    """A speaker being assembled: every name form, descriptions, role cues."""

    key: str
    name: str | None = None
    name_zh: str | None = None
    aliases: list[str] = field(default_factory=list)
    outlet: str | None = None
    outlet_zh: str | None = None
    role: str | None = None
    generic: str | None = None  # "reporter" / "host" / "spokesperson" for unnamed labels
    desc: Description = field(default_factory=Description)
    honorific: str | None = None
    other_keys: set[str] = field(default_factory=set)  # name keys of misspellings folded into this person

    def describe(self, d: Description | None) -> None:
        if d is None:
            return
        known = self.desc.title or self.desc.organization or self.desc.title_zh or self.desc.organization_zh
        if d.strength >= self.desc.strength or not known:
            merged = Description(
                title=d.title or self.desc.title,
                organization=d.organization or self.desc.organization,
                organization_zh=d.organization_zh or self.desc.organization_zh,
                title_zh=d.title_zh or self.desc.title_zh,
                strength=max(d.strength, self.desc.strength),
            )
            self.desc = merged
        else:
            self.desc.title = self.desc.title or d.title
            self.desc.organization = self.desc.organization or d.organization
            self.desc.organization_zh = self.desc.organization_zh or d.organization_zh
            self.desc.title_zh = self.desc.title_zh or d.title_zh


_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}


def _surname_of(name: str) -> str:
    words = [w for w in name.split() if w.lower().strip(",") not in _SUFFIXES]
    return words[-1] if words else name


class Roster:
    """Speakers keyed by romanised name (persons) or outlet (reporters); label forms resolve here."""

    def __init__(self) -> None:
        self.people: list[Person] = []

    # -- lookups ---------------------------------------------------------------------------
    def find_name(self, name: str) -> Person | None:
        key = nm.name_key(name)
        if not key:
            return None
        for p in self.people:
            if p.key == key:
                return p
        for p in self.people:
            if key in p.other_keys:
                return p
        return None

    def find_zh(self, name_zh: str) -> Person | None:
        for p in self.people:
            if p.name_zh == name_zh:
                return p
        keys = nm.pinyin_keys(name_zh)
        matches = [p for p in self.people if p.name and p.outlet is None and p.key in keys]
        return matches[0] if len(matches) == 1 else None

    def find_surname(self, name: str) -> Person | None:
        """``Jean-Pierre`` or ``Powell`` -> the one person whose full name ends with it."""
        key = nm.name_key(name)
        if len(key) < 3:
            return None
        matches = [p for p in self.people if p.name and p.outlet is None and p.key != key
                   and nm.name_key(_surname_of(p.name)) == key]
        return matches[0] if len(matches) == 1 else None

    # -- additions -------------------------------------------------------------------------
    def person(self, name: str, alias: str | None = None) -> Person:
        """The person named ``name`` (English or Chinese), created if new."""
        if re.search(r"[\u3400-\u9fff]", name):
            found = self.find_zh(name)
            if found is None:
                found = Person(key=nm.name_key(nm.romanise(name)) or name, name=nm.romanise(name), name_zh=name)
                self.people.append(found)
            found.name_zh = found.name_zh or name
        else:
            name = nm.tidy_name(name)
            found = self.find_name(name) or self.find_surname(name)
            if found is None:
                found = Person(key=nm.name_key(name), name=name)
                self.people.append(found)
            elif len(name) > len(found.name or "") and nm.name_key(_surname_of(name)) == nm.name_key(_surname_of(found.name or "")):
                found.name, found.key = name, nm.name_key(name)
        for form in (alias, name):
            if form and form not in found.aliases:
                found.aliases.append(form)
        return found

    def reporter(self, outlet: str | None, alias: str) -> Person:
        from pressarchive.ingest.outlets import outlet_key

        key = "reporter:" + (outlet_key(outlet) if outlet else "")
        for p in self.people:
            if p.key == key:
                if alias not in p.aliases:
                    p.aliases.append(alias)
                if outlet and re.search(r"[\u3400-\u9fff]", outlet):
                    p.outlet_zh = p.outlet_zh or outlet
                elif outlet:
                    p.outlet = p.outlet or outlet
                return p
        p = Person(key=key, role="reporter", generic=None if outlet else "reporter", aliases=[alias])
        if outlet:
            if re.search(r"[\u3400-\u9fff]", outlet):
                p.outlet_zh = outlet
            else:
                p.outlet = outlet
        self.people.append(p)
        return p

    def merge(self, keep: Person, drop: Person) -> None:
        """``drop`` is another spelling of ``keep`` (a translated label): fold it in."""
        for form in drop.aliases:
            if form not in keep.aliases:
                keep.aliases.append(form)
        keep.outlet = keep.outlet or drop.outlet
        keep.outlet_zh = keep.outlet_zh or drop.outlet_zh
        keep.name_zh = keep.name_zh or drop.name_zh
        keep.other_keys |= drop.other_keys
        keep.describe(drop.desc)
        if drop in self.people:
            self.people.remove(drop)

    def fold_misspelt(self, text: str) -> None:
        """``WALESNKY`` once beside ``WALENSKY`` throughout: a surname label one or two letters from
        another person's surname, and rarer in the text, is a typo for it (``ingest.people.typo_of``).
        A rare form that is the full name of its own (two words or more) is never folded."""
        from pressarchive.ingest.people import typo_of

        def count(word: str) -> int:
            return len(compiled_pattern(rf"(?<![\w'’-]){re.escape(word)}(?![\w'’-])", re.I).findall(text))

        people = [p for p in self.people if p.name and not p.outlet and not p.generic and not p.name_zh]
        for p in people:
            if " " in p.name.strip() or p not in self.people:
                continue
            rare = count(p.name)
            for q in people:
                if q is p or q not in self.people:
                    continue
                surname = _surname_of(q.name)
                if typo_of(nm.name_key(p.name), nm.name_key(surname)) and rare <= 2 and count(surname) >= 2 * rare:
                    q.other_keys.add(p.key)
                    self.merge(q, p)
                    break

    def expand_surnames(self, text: str, titles_text: list[str] | None = None) -> None:
        """``Jean-Pierre`` -> ``Karine Jean-Pierre`` (and title ``Press Secretary``) from the text itself;
        a full name in the conference's title (``titles_text``: front matter, page title) counts thrice.
        Words that are titles or ordinary words elsewhere in the text (``Doctors``, ``When``) are no first names."""
        from pressarchive.ingest.people import not_a_first_name

        sources = [(text, 1)] + [(t, 3) for t in titles_text or [] if t]
        for p in self.people:
            if not p.name or p.outlet or p.generic or " " in p.name.strip():
                continue
            surname = re.escape(p.name)
            found: dict[str, int] = {}
            titles: dict[str, str] = {}
            found_pattern = (rf"(?P<title>(?:[A-Z][\w.'’-]*\s+(?:(?:for|of|and|the)\s+)*){{0,8}}?)"
                       rf"(?P<first>[A-Z][^\W\d_]+(?:\s[A-Z]\.)?)\s+{surname}(?![\w'’-])(?P<suffix>,?\s+(?:Jr\.?|Sr\.?|II|III|IV)\b)?")
            matches = [(m, weight) for source, weight in sources for m in compiled_pattern(found_pattern).finditer(source)]
            for m, weight in matches:
                first = m.group("first")
                if first.lower().rstrip(".") in _NOT_FIRST or not_a_first_name(first.split()[0], text):
                    continue
                if m.group("suffix"):
                    first = first + "\x00" + m.group("suffix").strip(" ,")
                found[first] = found.get(first, 0) + weight
                title = m.group("title").strip()
                title = re.sub(r"^(?:[A-Z][\w.'’-]*\s+){0,6}?(?:by|with|and)\s+", "", title)
                if title and re.search(rf"\b(?:{_TITLE_HEAD})\b", title.split(" and ")[-1], re.I):
                    titles.setdefault(first, title.split(" and ")[-1].strip())
            if not found:
                continue
            for form in [f for f in found if re.search(r"\s[A-Z]\.$", f.split("\x00")[0])]:
                plain = re.sub(r"\s[A-Z]\.(?=$|\x00)", "", form)
                if plain in found:  # "Vivek H." and "Vivek": one first name, told without the initial
                    found[plain] += found.pop(form)
            first = max(found, key=lambda f: (found[f], "\x00" in f))
            first, _, suffix = first.partition("\x00")
            p.name = f"{first} {p.name}" + (f" {suffix}" if suffix else "")
            p.key = nm.name_key(p.name)
            key = first + ("\x00" + suffix if suffix else "")
            if key in titles or first in titles:
                p.describe(Description(title=titles.get(key) or titles[first], strength=1))

    def titled(self, label: Label, context: str) -> Person:
        """``行政长官`` or ``邱副主委``: the person the text names with that title (or surname), else a
        speaker known only by the title."""
        from pressarchive.ingest.script import to_simplified

        title = label.title or ""
        core = title[1:] if title.startswith("副") else title
        if not re.search(r"[\u3400-\u9fff]", title):  # "THE PRESIDENT": "President Joe Biden" in the text
            found: dict[str, int] = {}
            pattern = rf"(?i:{re.escape(title)})\s+(?P<n>[A-Z][^\W\d_]+(?:\s[A-Z]\.)?(?:\s[A-Z][^\W\d_'’-]*(?:-[A-Z][^\W\d_]+)?){{0,2}})"
            for m in re.finditer(pattern, context):
                name = m.group("n")
                if name.split()[0].lower() not in _NOT_FIRST:
                    found[name] = found.get(name, 0) + 1 + (name.count(" ") > 0)
            if found:
                p = self.person(max(found, key=found.get))
            else:
                p = self.generic("titled:" + title.lower(), "presenter", label.raw)
            if label.raw not in p.aliases:
                p.aliases.append(label.raw)
            if not p.desc.title:
                p.describe(Description(title=title, strength=1))
            return p
        if label.name:  # surname + title
            matches = [p for p in self.people if p.name_zh and p.name_zh.startswith(label.name)]
            if len(matches) == 1:
                p = matches[0]
            else:
                m = re.search(rf"{re.escape(label.name)}[\u4e00-\u9fff]{{1,2}}(?=[^\u4e00-\u9fff]{{0,2}}{re.escape(core)}|{re.escape(title)})", context)
                p = self.person(m.group(0)) if m and nm.is_chinese_name(m.group(0)) else self.generic("titled:" + label.raw, "presenter", label.raw)
        else:  # title only: find "行政长官李家超" in the text
            p = None
            for m in re.finditer(re.escape(title), to_simplified(context)):
                tail = to_simplified(context)[m.end(): m.end() + 4]
                for size in (3, 2):
                    if nm.is_chinese_name(tail[:size]):
                        p = self.person(tail[:size])
                        break
                if p:
                    break
            if p is None:
                p = self.generic("titled:" + title, "presenter", label.raw)
        if label.raw not in p.aliases:
            p.aliases.append(label.raw)
        if not (p.desc.title or p.desc.title_zh):
            p.describe(Description(title_zh=title, strength=1))
        return p

    def generic(self, what: str, role: str, alias: str) -> Person:
        key = "generic:" + what
        for p in self.people:
            if p.key == key:
                if alias not in p.aliases:
                    p.aliases.append(alias)
                return p
        p = Person(key=key, role=role, generic=what, aliases=[alias])
        self.people.append(p)
        return p

    def resolve(self, label: Label, spokesperson: Person | None, host: Person | None) -> Person:
        """The speaker a label names."""
        if label.kind == "reporter":
            return self.reporter(label.outlet, label.raw)
        if label.kind == "generic":
            if label.role == "host":
                return host or self.generic("host", "host", label.raw)
            if label.role == "presenter":
                return spokesperson or self.generic("spokesperson", "presenter", label.raw)
            if label.role == "interpreter":
                return self.generic("interpreter", "interpreter", label.raw)
            return self.generic("other", "other", label.raw)
        person = self.person(label.name or label.raw, alias=label.raw)
        if label.honorific and not person.honorific:
            person.honorific = label.honorific
        if label.role == "host":
            person.role = "host"
        if label.title:
            d = split_title_org(label.title) or Description(title=label.title)
            if re.search(r"[\u3400-\u9fff]", label.title):
                d = split_zh_description(label.title) or Description(title_zh=label.title)
            d.strength = 2
            person.describe(d)
        return person

    # -- output ----------------------------------------------------------------------------
    def speakers(self, used: list[Person]) -> tuple[list[Speaker], dict[int, str]]:
        """Speakers for the people who speak, in order of first turn; ids s1, s2, ..."""
        out: list[Speaker] = []
        ids: dict[int, str] = {}
        for p in used:
            if id(p) in ids:
                continue
            sid = f"s{len(out) + 1}"
            ids[id(p)] = sid
            role = p.role or "presenter"
            title = p.desc.title
            if not title and p.desc.title_zh:
                title = p.desc.title_zh
            if not title and p.honorific and p.honorific.lower() not in ("mr", "ms", "mrs", "miss", "dr", "madam", "m", "mme", "sir"):
                title = _cap_title(p.honorific.title() if p.honorific.isupper() else p.honorific)
            if p.generic == "spokesperson" and not title:
                title = "Spokesperson"
            org = p.outlet if p.role == "reporter" else p.desc.organization
            org_zh = p.outlet_zh if p.role == "reporter" else p.desc.organization_zh
            if p.role == "reporter" and (org or org_zh):
                from pressarchive.ingest.outlets import both_scripts

                org, org_zh = both_scripts(org, org_zh)  # 新华社 -> Xinhua News Agency too
                org = org or org_zh  # a reporter's organization is the outlet, in its own script when no other is known
            title = re.sub(r"\s+", " ", title).strip() if title else title
            org = re.sub(r"\s+", " ", org).strip() if org else org
            org_zh = re.sub(r"\s+", "", org_zh) if org_zh and re.search(r"[\u3400-\u9fff]", org_zh) else org_zh
            out.append(Speaker(
                id=sid,
                name=p.name,
                name_zh=p.name_zh,
                aliases=list(p.aliases),
                role=role,
                title=title,
                organization=org,
                organization_zh=org_zh,
                region=region_of(org, org_zh),
                **_name_parts(p),
            ))
        return out, ids


def _name_parts(p: Person) -> dict[str, str | None]:
    """Surname, given name and honorific of a person (what an archive needs to join ``Psaki`` in one
    conference to ``Jen Psaki`` in another): a Chinese name is family name first."""
    honorific = p.honorific.capitalize().rstrip(".") if p.honorific and p.honorific.lower() in (
        "mr", "ms", "mrs", "miss", "dr", "prof", "madam", "mme", "sir") else None
    if not p.name or p.generic or p.key.startswith("reporter:"):
        return {"surname": None, "given_name": None, "honorific": honorific}
    words = p.name.split()
    if p.name_zh and nm.is_chinese_name(p.name_zh) and len(words) == 2:
        return {"surname": words[0], "given_name": words[1], "honorific": honorific}
    surname = _surname_of(p.name)
    given = p.name[: p.name.rfind(surname)].strip(" ,") if len(words) > 1 else None
    return {"surname": surname, "given_name": given or None, "honorific": honorific}


# --- descriptions from captions and introductions ----------------------------------------
_EN_NAME = r"[A-Z][a-zA-Z'’\-]+(?:\s[A-Z][a-zA-Z'’\-]+){1,3}"


def caption_person(text: str) -> tuple[str, Description | None] | None:
    """``Wang Wei, Director of the Planning Department of ...`` -> (name, description)."""
    m = re.match(rf"^(?:(?:Mr|Ms|Mrs|Dr)\.?\s+)?(?P<name>{_EN_NAME})\s*[,，:]\s*(?P<desc>.+)$", text)
    if m:
        d = split_title_org(m.group("desc"))
        if d:
            d.strength = 3
        return m.group("name"), d
    compact = re.sub(r"\s+", " ", text).strip()
    zh = re.match(r"^(?P<desc>[\u3400-\u9fff、，,（）()]+?)\s*(?P<name>[\u3400-\u9fff]{2,4})$", compact)
    parts = compact.split(" ")
    if len(parts) == 2 and nm.is_chinese_name(parts[0]):
        d = split_zh_description(parts[1])
        if d:
            d.strength = 3
        return parts[0], d
    if len(parts) == 2 and nm.is_chinese_name(parts[1]):
        d = split_zh_description(parts[0])
        if d:
            d.strength = 3
        return parts[1], d
    if zh:
        split = split_zh_title_name(compact)
        if split:
            d = split_zh_description(split[0])
            if d:
                d.strength = 3
            return split[1], d
    return None


def introductions(text: str, roster: Roster) -> None:
    """Titles for people a host or summary introduces: ``Mr. X, Director of Y`` or ``Y Director Mr. X``."""
    for p in roster.people:
        if not p.name or p.outlet or p.generic:
            continue
        for m in compiled_pattern(rf"(?:(?:Mr|Ms|Mrs|Dr)\.?\s+)?{re.escape(p.name)}\b").finditer(text):
            after = text[m.end():]
            am = re.match(r"^\s*,\s*(?P<d>[^,;.\n*]+(?:\([^)]*\))?)", after)
            before = text[: m.start()]
            if am:
                d = split_title_org(am.group("d"))
                if d and d.title:
                    d.strength = 1
                    p.describe(d)
                    break
                lead = re.search(rf"((?:[A-Z][\w-]*\s+){{0,3}}(?:{_TITLE_HEAD}))\s*$", before, re.I)
                if lead and _ORG_WORDS.search(am.group("d")):  # "Spokesperson Shu Jueting, Ministry of Commerce"
                    p.describe(Description(title=_cap_title(lead.group(1).strip()), organization=am.group("d").strip(), strength=1))
                    break
            bm = re.search(r"(?:^|[,;:.\n]\s*)(?:and\s+)?(?P<d>[^,;:.\n]{6,160})\s*$", before)
            if bm:
                d = split_title_org(bm.group("d"))
                if d and d.title and d.organization and (
                        _ORG_WORDS.search(d.organization) or d.organization.replace(" ", "").isupper()):
                    d.strength = 1
                    p.describe(d)
                    break
        if p.name_zh:
            for m in re.finditer(re.escape(p.name_zh), text):
                before = text[max(0, m.start() - 40): m.start()]
                seg = re.split(r"[，,。；;：:\n]", before)[-1]
                d = split_zh_description(seg)
                if d:
                    d.strength = 1
                    p.describe(d)
                    break
