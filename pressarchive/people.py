"""The people register: one entry per person across the whole archive, derived from the records.

A record names its speakers as its own transcript gives them (``MS. PSAKI`` may stay ``Psaki`` when
the transcript never says her given name). The register joins them across conferences:

- a *mention* is one named speaker of one conference (``mentions_of``);
- mentions with the same Chinese name, or the same given name and surname, are one person; a short
  or initial given name (``Jen``, ``J.``) joins the one person whose given name it begins, when no
  evidence says they differ;
- a surname-only mention joins a person with that surname: one who speaks in the same conference
  first, else one whose title or organisation matches, else the one seen nearest in date;
- two people who merely share a surname are never joined when the evidence differs: different
  given names, two speakers of one conference, different organisations at the same time;
- reporters and officials are kept apart (a reporter never joins an official of the same name);
- honorifics, job titles (small typos tolerated) and stray words are taken off the front of a name.

Nothing here is a table of people: every name comes from the transcripts. Conflicts that cannot be
settled from the records (one romanised name claimed by two Chinese names, one person holding two
organisations on the same day in different conferences) are kept in ``Register.conflicts`` and
reported by ``check``.
"""
from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date as _date
from typing import Any, Iterable

REGISTER_VERSION = 1  # bump when the rules change: a cached register of another version is rebuilt
REPORTER = "reporter"
OFFICIAL = "official"

# Words that come before a name but are not part of it. Honorifics, and job-title words as the
# White House, Fed and Chinese ministries use them (titles are matched with small typos tolerated).
_HONORIFICS = {"mr", "ms", "mrs", "miss", "dr", "doctor", "doctors", "prof", "professor", "sir", "madam", "mx",
               "dame", "lord", "hon", "honorable", "honourable", "rev", "reverend"}
_TITLE_WORDS = {
    "acting", "administrator", "admiral", "adviser", "advisor", "ambassador", "assistant", "associate", "attorney",
    "captain", "chair", "chairman", "chairwoman", "chairperson", "chancellor", "chief", "colonel", "commander",
    "commissioner", "congressman", "congresswoman", "coordinator", "councilor", "counselor", "counsellor", "deputy",
    "director", "envoy", "executive", "first", "general", "governor", "lady", "leader", "lieutenant", "major",
    "mayor", "minister", "officer", "premier", "president", "press", "principal", "representative", "rep",
    "secretary", "senator", "sen", "senior", "sergeant", "special", "speaker", "spokesman", "spokesperson",
    "spokeswoman", "surgeon", "under", "undersecretary", "vice", "national", "economic", "security", "homeland",
    "gov", "gen", "amb", "adm", "lt", "col", "capt", "sgt", "supt", "superintendent", "inspector", "judge",
    "justice", "chef", "moderator",
}
# Words that start a sentence, never a name: a label glued to the word before it ("When Kirby").
_NOT_NAMES = {
    "a", "an", "and", "as", "at", "but", "by", "for", "from", "go", "here", "if", "in", "now", "of", "oh", "ok",
    "okay", "on", "or", "so", "thank", "thanks", "that", "the", "then", "this", "to", "well", "when", "where",
    "which", "while", "who", "with", "yes", "yeah", "no", "next", "also", "again", "after", "before", "all",
    "great", "sure", "right", "good", "hi", "hello", "please", "just", "q", "mr.", "ms.",
}
_HAN = re.compile(r"[\u3400-\u9fff]")
_NEAR_DAYS = 45  # organisations held within this many days of each other are "at the same time"


# --- names ------------------------------------------------------------------------------------------
def fold(text: str | None) -> str:
    """Letters and digits of ``text``, case and accents folded (``Núñez-Smith`` -> ``nunezsmith``)."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return re.sub(r"[\W_]+", "", text)


def _is_title_word(word: str) -> bool:
    w = fold(word)
    if not w:
        return False
    if w in _TITLE_WORDS or w in _HONORIFICS:
        return True
    return len(w) >= 7 and bool(difflib.get_close_matches(w, [t for t in _TITLE_WORDS if len(t) >= 7], 1, 0.84))


def split_name(name: str | None) -> tuple[list[str], str]:
    """(given names, surname) of an English-script name, with honorifics, titles and stray words taken
    off the front: ``Acting Adminstrator Slavitt`` -> ([], ``Slavitt``); ``Jen Psaki`` -> ([``Jen``],
    ``Psaki``). A Chinese name is returned whole as its surname part."""
    text = " ".join((name or "").replace("\xa0", " ").split())
    if not text:
        return [], ""
    if _HAN.search(text):
        return [], text
    words = text.split(" ")
    while len(words) > 1:
        w = words[0]
        letters = fold(w)
        if (w.endswith(".") and len(letters) >= 2) or _is_title_word(w) or letters in _NOT_NAMES or not letters:
            words.pop(0)
            continue
        break
    words = [w for w in words if fold(w)]
    if not words:
        return [], text
    return words[:-1], words[-1]


def _given_compatible(a: str, b: str) -> bool:
    """Can two given names be one person's? Equal, an initial of the other, or a short form of it
    (``Jen``/``Jennifer``; ``Tony``/``Anthony``)."""
    a, b = fold(a), fold(b)
    if not a or not b:
        return True
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short) == 1:
        return long_.startswith(short)
    if len(short) < 3:
        return False
    if long_.startswith(short):
        return True
    # a short form made of the longer name's letters in order, starting near its front (Tony/Anthony)
    at = long_.find(short[0])
    if at < 0 or at > 2:
        return False
    rest = iter(long_[at:])
    return all(ch in rest for ch in short) and short[-1] == long_[-1]


def _initial_only(given: list[str]) -> bool:
    """``S.`` or ``J`` alone: an initial, not a given name (a source's typo for ``MS.`` reads the same)."""
    return len(given) == 1 and len(fold(given[0])) == 1


def _days(a: str | None, b: str | None) -> int | None:
    try:
        return abs((_date.fromisoformat(a) - _date.fromisoformat(b)).days) if a and b else None
    except ValueError:
        return None


# --- mentions -----------------------------------------------------------------------------------------
@dataclass
class Mention:
    """One named speaker of one conference, as the register reads it."""

    conference: str
    speaker: str  # the speaker's id in that record
    date: str | None = None
    name: str | None = None
    name_zh: str | None = None
    aliases: list[str] = field(default_factory=list)
    role: str = "other"
    title: str | None = None
    organization: str | None = None
    organization_zh: str | None = None
    region: str | None = None
    turns: int = 0
    answers: int = 0
    questions: int = 0

    @property
    def kind(self) -> str:
        return REPORTER if self.role == REPORTER else OFFICIAL

    @property
    def ref(self) -> str:
        return speaker_ref(self.conference, self.speaker)


def speaker_ref(conference_id: str, speaker_id: str) -> str:
    """How the index names one speaker of one conference: ``<conference id>/<speaker id>``."""
    return f"{conference_id}/{speaker_id}"


def mentions_of(record: Any) -> list[Mention]:
    """The named speakers of one record (those with neither a name nor a Chinese name are left out)."""
    turns: dict[str, list[int]] = {}
    for t in record.turns:
        counts = turns.setdefault(t.speaker, [0, 0, 0])
        counts[0] += 1
        counts[1] += t.kind == "answer"
        counts[2] += t.kind == "question"
    out = []
    conf = record.conference
    for s in record.speakers:
        if not (s.name or s.name_zh):
            continue
        n, a, q = turns.get(s.id, (0, 0, 0))
        out.append(Mention(conf.id, s.id, conf.date, s.name, s.name_zh, list(s.aliases or []), s.role or "other",
                           s.title, s.organization, s.organization_zh, s.region, n, a, q))
    return out


_FULL_NAME = re.compile(r"\b([A-Z][a-z]{1,15})\s+((?:Mc|Mac|O')?[A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b")


def text_names(paragraphs: Iterable[str]) -> dict[str, int]:
    """Full names (``Andy Slavitt``) mentioned in a text, with how often: a capitalised given name
    (no title, honorific or sentence word) and a capitalised surname."""
    found: dict[str, int] = {}
    for p in paragraphs:
        for given, surname in _FULL_NAME.findall(p):
            g = given.casefold()
            if g in _TITLE_WORDS or g in _HONORIFICS or g in _NOT_NAMES or surname.casefold() in _TITLE_WORDS:
                continue
            key = f"{given} {surname}"
            found[key] = found.get(key, 0) + 1
    return found


# --- people -------------------------------------------------------------------------------------------
@dataclass
class Person:
    """One person of the archive with every name form seen, what they held and where they spoke."""

    id: str
    name: str | None
    name_zh: str | None
    role: str
    aliases: list[str]
    titles: list[dict[str, Any]]  # {"title", "since", "until", "conferences"}
    organizations: list[dict[str, Any]]  # {"name", "name_zh", "since", "until", "conferences"}
    conferences: list[str]
    speakers: list[str]  # speaker refs: "<conference id>/<speaker id>"
    turns: int = 0
    answers: int = 0
    questions: int = 0
    region: str | None = None
    first: str | None = None  # first and last dates seen
    last: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Cluster:
    def __init__(self, kind: str):
        self.kind = kind
        self.mentions: list[Mention] = []
        self.given: list[str] = []  # first given names seen (folded, longest first)
        self.surname = ""
        self.name_zh: str | None = None
        self.text_name: str | None = None  # a full name only the archive's text gives

    def add(self, m: Mention, given: list[str], surname: str) -> None:
        self.mentions.append(m)
        if given and fold(given[0]) not in self.given:
            self.given.append(fold(given[0]))
            self.given.sort(key=len, reverse=True)
        self.surname = self.surname or fold(surname)
        self.name_zh = self.name_zh or m.name_zh

    @property
    def conferences(self) -> set[str]:
        return {m.conference for m in self.mentions}

    def dates(self) -> list[str]:
        return sorted({m.date for m in self.mentions if m.date})


def _org(m: Mention) -> str:
    return fold(m.organization or m.organization_zh)


def _differs(a: _Cluster, b: _Cluster) -> bool:
    """Does the evidence say these are two people? Both speak (as different speakers) in one
    conference, or hold different organisations at the same time."""
    if a.conferences & b.conferences:
        return True
    for ma in a.mentions:
        oa = _org(ma)
        if not oa:
            continue
        for mb in b.mentions:
            ob = _org(mb)
            days = _days(ma.date, mb.date)
            if ob and days is not None and days <= _NEAR_DAYS and not _same_org(oa, ob):
                return True
    return False


def _same_org(a: str, b: str) -> bool:
    return a == b or a in b or b in a or difflib.SequenceMatcher(None, a, b).ratio() >= 0.85


class Register:
    """The people of an archive: built from mentions by ``build``; looked up by any alias."""

    def __init__(self, people: list[Person], conflicts: list[dict[str, Any]]):
        self.people = people
        self.conflicts = conflicts
        self._by_ref = {ref: p for p in people for ref in p.speakers}
        self._keys: dict[str, list[Person]] = {}
        for p in people:
            for k in _alias_keys(p):
                bucket = self._keys.setdefault(k, [])
                if p not in bucket:
                    bucket.append(p)

    def person_of(self, conference_id: str, speaker_id: str) -> Person | None:
        return self._by_ref.get(speaker_ref(conference_id, speaker_id))

    def find(self, value: str, kind: str | None = None, prefix: bool = True) -> list[Person]:
        """The people ``value`` names: any alias in any script, any case; else (``prefix``) the people
        with an alias that begins with it. ``kind``: only officials or only reporters."""
        k = fold(value)
        if not k:
            return []
        def fit(found: Iterable[Person]) -> list[Person]:
            out: list[Person] = []
            for p in found:
                if p not in out and (kind is None or _kind(p.role) == kind):
                    out.append(p)
            return out

        found = fit(self._keys.get(k, []))
        if not found and prefix and (len(k) >= 2 or not k.isascii()):
            found = fit(p for key, ps in sorted(self._keys.items()) if key.startswith(k) for p in ps)
        return found

    def labels(self, kind: str | None = None) -> list[str]:
        return sorted({p.name or p.name_zh or "" for p in self.people if kind is None or _kind(p.role) == kind} - {""},
                      key=str.casefold)


def _kind(role: str) -> str:
    return REPORTER if role == REPORTER else OFFICIAL


def _alias_keys(p: Person) -> set[str]:
    keys = {fold(a) for a in p.aliases} | {fold(p.name), fold(p.name_zh)}
    keys |= {fold(split_name(a)[1]) for a in [p.name, *p.aliases] if a and not _HAN.search(a)}  # the surname alone
    try:
        from pressarchive.translate import name_forms

        keys |= {fold(f) for f in name_forms(p.name, p.name_zh)}
    except Exception:  # noqa: BLE001 - pinyin forms are a bonus
        pass
    return {k for k in keys if k}


def build(mentions: Iterable[Mention], titles: Iterable[str] = (),
          names: Iterable[tuple[str, str, int]] = ()) -> Register:
    """The register of a set of mentions (pure: the same input gives the same register).

    ``titles``: the archive's conference titles, where the publisher names people formally: of two
    forms of one person's name (``Tony``/``Anthony Fauci``), the one a title uses is listed.
    ``names``: (given name, surname, count) of full names mentioned in the archive's text
    (``text_names``): a person known only by surname is listed under the one full name the text
    gives that surname, when it gives one clearly (``So as Andy Slavitt said``).
    """
    formal = _Titles(titles)
    said: dict[str, dict[str, int]] = {}
    for given, surname, count in names:
        bucket = said.setdefault(fold(surname), {})
        bucket[given] = bucket.get(given, 0) + count
    mentions = sorted(mentions, key=lambda m: (m.date or "9999", m.conference, m.speaker))
    conflicts: list[dict[str, Any]] = []
    clusters: list[_Cluster] = []
    by_zh: dict[tuple[str, str], _Cluster] = {}
    by_full: dict[tuple[str, str, str], _Cluster] = {}
    surname_only: list[tuple[Mention, str]] = []
    split = {id(m): split_name(m.name) for m in mentions}

    # 1. Chinese names: one person per Chinese name
    for m in mentions:
        if m.name_zh:
            zh = unicodedata.normalize("NFKC", m.name_zh).replace(" ", "")
            c = by_zh.get((m.kind, zh))
            if c is None:
                c = by_zh[(m.kind, zh)] = _Cluster(m.kind)
                clusters.append(c)
            given, surname = split[id(m)]
            c.add(m, given, surname)
    # a romanised name that two Chinese names claim cannot say whose it is
    roman: dict[tuple[str, str], list[_Cluster]] = {}
    for (kind, zh), c in by_zh.items():
        for m in c.mentions:
            if m.name:
                bucket = roman.setdefault((kind, fold(m.name)), [])
                if c not in bucket:
                    bucket.append(c)
    for (kind, key), cs in roman.items():
        if len(cs) > 1:
            conflicts.append({"name": next(m.name for m in cs[0].mentions if m.name),
                              "what": "one romanised name is given to " + ", ".join(sorted(c.name_zh or "" for c in cs)),
                              "conferences": sorted(set().union(*(c.conferences for c in cs)))})

    # 2. English full names: one person per (given name, surname); surname-only mentions wait
    for m in mentions:
        if m.name_zh:
            continue
        given, surname = split[id(m)]
        if not surname:
            continue
        zh = roman.get((m.kind, fold(m.name)))
        if zh and len(zh) == 1:  # the romanised form of a Chinese name seen elsewhere
            zh[0].add(m, given, surname)
            continue
        if zh:
            conflicts.append({"name": m.name, "what": "a speaker named only in English could be any of "
                              + ", ".join(sorted(c.name_zh or "" for c in zh)), "conferences": [m.conference]})
        if not given or _initial_only(given):
            # a lone initial is weak evidence: it goes where a surname alone would (see _likeliest)
            surname_only.append((m, surname))
            continue
        k = (m.kind, fold(given[0]), fold(surname))
        c = by_full.get(k)
        if c is None:
            c = by_full[k] = _Cluster(m.kind)
            clusters.append(c)
        c.add(m, given, surname)

    # 3. short or initial given names join the one person whose given name they begin
    # (the candidates come from the same kind and surname only, and clusters are marked merged in a
    # set: scanning every name for every name made the register quadratic, 30 minutes at 6,000
    # conferences)
    live = {id(c) for c in clusters}
    same_surname: dict[tuple[str, str], list[tuple[str, _Cluster]]] = {}
    for (kind, given, surname), o in by_full.items():
        same_surname.setdefault((kind, surname), []).append((given, o))
    for k, c in sorted(by_full.items(), key=lambda kv: len(kv[0][1])):
        if id(c) not in live:
            continue
        kind, given, surname = k
        others = [o for (given2, o) in same_surname[(kind, surname)] if o is not c and id(o) in live
                  and len(given2) > len(given) and _given_compatible(given, given2)]
        if len(others) == 1 and not _differs(c, others[0]):
            target = others[0]
            for m in c.mentions:
                target.add(m, *split[id(m)])
            live.discard(id(c))
            by_full[k] = target
    clusters = [c for c in clusters if id(c) in live]

    # 4. surname-only mentions: the person of that surname here, else the likeliest, else their own
    by_surname: dict[tuple[str, str], list[_Cluster]] = {}
    for c in clusters:
        if c.surname:
            by_surname.setdefault((c.kind, c.surname), [])
            if c not in by_surname[(c.kind, c.surname)]:
                by_surname[(c.kind, c.surname)].append(c)
    alone: dict[tuple[str, str], _Cluster] = {}
    for m, surname in surname_only:
        cands = by_surname.get((m.kind, fold(surname)), [])  # every one of them is in clusters
        target = _likeliest(m, cands)
        if target is None:
            key = (m.kind, fold(surname))
            target = alone.get(key)
            if target is None:
                target = alone[key] = _Cluster(m.kind)
                clusters.append(target)
        target.add(m, [] if target.given else split[id(m)][0], surname)

    # 5. one person holding two organisations on the same day in two conferences
    for c in clusters:
        seen: dict[str, tuple[str, Mention]] = {}
        for m in c.mentions:
            o = _org(m)
            if not o or not m.date:
                continue
            prev = seen.get(m.date)
            if prev and prev[1].conference != m.conference and not _same_org(prev[0], o):
                conflicts.append({"name": _display_name(c), "what": f"holds {prev[1].organization or prev[1].organization_zh!r}"
                                  f" and {m.organization or m.organization_zh!r} on {m.date}",
                                  "conferences": sorted({prev[1].conference, m.conference})})
            seen.setdefault(m.date, (o, m))

    for key, c in alone.items():  # known by surname only: the full name the archive's text gives it
        found = said.get(key[1], {})
        total = sum(found.values())
        if found and c.kind == OFFICIAL:
            given, count = max(found.items(), key=lambda kv: (kv[1], kv[0]))
            if count >= 2 and count * 3 >= total * 2:
                c.text_name = f"{given} {_surname_form(c)}"
    people = [_person(c, formal) for c in clusters if c.mentions]
    used: dict[str, int] = {}
    for p in sorted(people, key=lambda p: (p.first or "", p.id)):
        n = used.get(p.id, 0)
        used[p.id] = n + 1
        if n:
            p.id = f"{p.id}-{n + 1}"
    people.sort(key=lambda p: (-p.turns, (p.name or p.name_zh or "").casefold()))
    return Register(people, conflicts)


def _likeliest(m: Mention, cands: list[_Cluster]) -> _Cluster | None:
    """The person a surname-only mention most likely is: one of ``cands`` (same surname)."""
    if not cands:
        return None
    if len(cands) == 1:
        return cands[0]
    initial = next((fold(g)[:1] for g in split_name(m.name)[0][:1]), "")
    if initial:  # ``J. Smith``: a person whose given name starts with J, if there is one
        cands = [c for c in cands if any(g.startswith(initial) for g in c.given)] or cands
        if len(cands) == 1:
            return cands[0]
    here = [c for c in cands if m.conference in c.conferences]
    if len(here) == 1:
        return here[0]
    pool = here or cands
    if m.title or m.organization or m.organization_zh:
        wanted = [fold(x) for x in (m.title, m.organization, m.organization_zh) if x]
        held = [c for c in pool if any(_same_org(w, fold(x)) for w in wanted for n in c.mentions
                                       for x in (n.title, n.organization, n.organization_zh) if x)]
        if held:
            pool = held

    def distance(c: _Cluster) -> tuple[int, int]:
        days = [d for d in (_days(m.date, x) for x in c.dates()) if d is not None]
        return (min(days) if days else 10 ** 6, -sum(n.turns for n in c.mentions))

    return min(pool, key=distance)


def _surname_form(c: _Cluster) -> str:
    """The surname as the speakers' names spell it most (``Slavitt``, not ``SLAVITT``)."""
    forms = [split_name(m.name)[1] for m in c.mentions if m.name]
    forms = [f for f in forms if f] or [c.surname]
    return max(set(forms), key=lambda f: (forms.count(f), not f.isupper(), f))


class _Titles:
    """The archive's conference titles, looked up by the words they hold: a person's surname is
    searched for in the titles that have its words only (one pattern over every title for every
    person made the register quadratic in the archive's size)."""

    def __init__(self, titles: Iterable[str] = ()):
        self.titles = [" ".join((t or "").replace("\xa0", " ").split()) for t in titles]
        self.by_word: dict[str, set[int]] = {}
        for i, title in enumerate(self.titles):
            for word in re.findall(r"\w+", title.lower()):
                self.by_word.setdefault(word, set()).add(i)

    def __bool__(self) -> bool:
        return any(self.titles)

    def holding(self, name: str) -> str:
        """The titles that hold every word of ``name`` (case-blind), joined by " | "."""
        words = re.findall(r"\w+", name.lower())
        if not words:
            return " | ".join(self.titles)
        found = set.intersection(*(self.by_word.get(w, set()) for w in words))
        return " | ".join(self.titles[i] for i in sorted(found))


def _title_form(c: _Cluster, formal: _Titles | None) -> str | None:
    """The full form of this person's name that conference titles use (``Dr. Anthony Fauci`` for a
    person also called ``Tony Fauci``): a given name the person's given names fit, and the surname."""
    if not formal or not c.surname:
        return None
    surname = _surname_form(c)
    found: dict[str, int] = {}
    for m in re.finditer(r"\b([A-Z][a-z]{1,15})\s+" + re.escape(surname) + r"(?![\w-])", formal.holding(surname), re.I):
        given = m.group(1)
        g = given.casefold()
        if g in _TITLE_WORDS or g in _HONORIFICS or g in _NOT_NAMES or not given[:1].isupper():
            continue
        if any(_given_compatible(g, mine) for mine in c.given):
            form = f"{given} {m.group(0)[len(given):].strip()}"
            found[form] = found.get(form, 0) + 1
    return max(found.items(), key=lambda kv: (kv[1], kv[0]))[0] if found else None


def _display_name(c: _Cluster, formal: _Titles | None = None) -> str:
    """The name an entry is listed under: a full form a conference title uses, else the most used
    full form (by conferences, then turns); a surname alone only when nothing more is known."""
    forms: dict[str, list[int]] = {}
    for m in c.mentions:
        if not m.name:
            continue
        given, surname = split_name(m.name)
        form = " ".join([*given, surname]) if surname else m.name
        if given and given[0].endswith(".") and len(fold(given[0])) == 1:
            weight = 0  # an initial: only when nothing better is known
        else:
            weight = 1 + len(given)
        score = forms.setdefault(form, [0, 0, 0])
        score[0] = max(score[0], weight)
        score[1] += 1
        score[2] += m.turns
    if forms:
        has_given = any(v[0] > 1 for v in forms.values())
        if not has_given and c.text_name:
            return c.text_name
        titled = _title_form(c, formal) if has_given else None
        if titled:
            return titled
        best = max(forms.items(), key=lambda kv: ((kv[1][0] > 1) if has_given else 0, kv[1][1], kv[1][2],
                                                   len(kv[0]), kv[0]))
        return best[0]
    return c.name_zh or c.text_name or ""


def _spans(values: list[tuple[str, str | None, str | None]], key_of) -> list[dict[str, Any]]:
    """Group (value, date, conference) by a folded key, fuzzily (small typos are one value)."""
    groups: list[dict[str, Any]] = []
    for value, date, conf in values:
        k = key_of(value)
        if not k:
            continue
        g = next((g for g in groups if g["_key"] == k or (len(k) >= 6 and difflib.SequenceMatcher(None, g["_key"], k).ratio() >= 0.9)), None)
        if g is None:
            g = {"_key": k, "_forms": {}, "since": date, "until": date, "_conferences": set()}
            groups.append(g)
        g["_forms"][value] = g["_forms"].get(value, 0) + 1
        if date:
            g["since"] = min(filter(None, (g["since"], date)))
            g["until"] = max(filter(None, (g["until"], date)))
        if conf:
            g["_conferences"].add(conf)
    out = []
    for g in groups:
        form = max(g["_forms"].items(), key=lambda kv: (kv[1], _known_words(kv[0]), kv[0]))[0]
        out.append({"value": form, "since": g["since"], "until": g["until"], "conferences": len(g["_conferences"])})
    return sorted(out, key=lambda x: (x["since"] or "", x["value"]))


def _known_words(text: str) -> int:
    """How many words of a title are title words as spelled (of two spellings, the right one wins)."""
    return sum(fold(w) in _TITLE_WORDS for w in text.split())


def _person(c: _Cluster, formal: _Titles | None = None) -> Person:
    name = _display_name(c, formal) or None
    zh = c.name_zh
    aliases: list[str] = [c.text_name] if c.text_name else []
    for m in c.mentions:
        for a in (m.name, m.name_zh, *m.aliases):
            if a and a not in aliases:
                aliases.append(a)
    roles: dict[str, int] = {}
    for m in c.mentions:
        roles[m.role] = roles.get(m.role, 0) + m.turns + 1
    role = max(roles.items(), key=lambda kv: (kv[1], kv[0]))[0] if roles else "other"
    titles = [{"title": t["value"], **{k: v for k, v in t.items() if k != "value"}}
              for t in _spans([(m.title, m.date, m.conference) for m in c.mentions if m.title], fold)]
    orgs = [{"name": o["value"], **{k: v for k, v in o.items() if k != "value"}}
            for o in _spans([(m.organization or m.organization_zh, m.date, m.conference) for m in c.mentions
                             if m.organization or m.organization_zh], fold)]
    regions = [m.region for m in c.mentions if m.region]
    dates = c.dates()
    conferences = sorted(c.conferences)
    ident = _slug(name or zh or "person", zh)
    return Person(
        id=ident, name=None if name == zh else name, name_zh=zh, role=role,
        aliases=aliases, titles=titles, organizations=orgs, conferences=conferences,
        speakers=[m.ref for m in c.mentions], turns=sum(m.turns for m in c.mentions),
        answers=sum(m.answers for m in c.mentions), questions=sum(m.questions for m in c.mentions),
        # the most frequent region; of equally frequent ones the latest (a set's order, which
        # varies from process to process, chose before)
        region=max(dict.fromkeys(reversed(regions)), key=regions.count) if regions else None,
        first=dates[0] if dates else None, last=dates[-1] if dates else None,
    )


def _slug(name: str, name_zh: str | None) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()).strip("-")
    if not base:
        base = "p" + hashlib.sha1((name_zh or name).encode("utf-8")).hexdigest()[:8]
    return base[:60]


# --- listing ------------------------------------------------------------------------------------------
def listing(register: Register, entries: dict[str, dict[str, Any]], role: str | None = None,
            region: str | None = None, kind: str | None = OFFICIAL) -> list[dict[str, Any]]:
    """``speakers``: one row per person of ``register`` who speaks in the conferences ``entries``
    (catalog entries by id, already narrowed to a conference or dates), with what they said there.

    ``kind``: officials (the default; reporters are listed by ``outlets``), reporters, or None for
    everybody; ``role`` and ``region`` narrow further (exact values).
    """
    rows: dict[str, dict[str, Any]] = {}
    for cid, entry in entries.items():
        for raw in entry.get("mentions", []):
            p = register.person_of(cid, raw["speaker"])
            if p is None:
                continue
            if kind is not None and _kind(p.role) != kind:
                continue
            if role and raw.get("role") != role and p.role != role:
                continue
            if region and raw.get("region") != region:
                continue
            row = rows.get(p.id)
            if row is None:
                row = rows[p.id] = {
                    "id": p.id, "name": p.name, "name_zh": p.name_zh, "role": p.role,
                    "title": _current(p.titles, "title"),
                    "organization": _current(p.organizations, "name"),
                    "region": p.region, "aliases": list(p.aliases), "titles": p.titles,
                    "organizations": p.organizations, "turns": 0, "answers": 0, "questions": 0,
                    "conferences": 0, "conference_ids": [], "first": None, "last": None,
                }
            row["turns"] += raw.get("turns", 0)
            row["answers"] += raw.get("answers", 0)
            row["questions"] += raw.get("questions", 0)
            if cid not in row["conference_ids"]:
                row["conference_ids"].append(cid)
            date = raw.get("date")
            if date:
                row["first"] = min(filter(None, (row["first"], date)))
                row["last"] = max(filter(None, (row["last"], date)))
    for row in rows.values():
        row["conference_ids"].sort()
        row["conferences"] = len(row["conference_ids"])
    return sorted(rows.values(), key=lambda x: (-x["turns"], (x["name"] or x["name_zh"] or "").casefold()))


def _current(spans: list[dict[str, Any]], key: str) -> str | None:
    """The value held last (of two held until the same day, the one held in more conferences)."""
    if not spans:
        return None
    return max(spans, key=lambda x: (x.get("until") or "", x.get("conferences") or 0))[key]


def conflict_lines(register: Register) -> list[tuple[str, str]]:
    """(where, what) of each conflict the register could not settle, for ``check``."""
    return [(f"people: {c['name']}", f"{c['what']} (in {', '.join(c['conferences'][:4])}"
             f"{' ...' if len(c['conferences']) > 4 else ''})") for c in register.conflicts]


def refs_for(register: Register, value: str, kind: str | None = None) -> list[str] | None:
    """The speaker refs (``<conference id>/<speaker id>``) of every person ``value`` names (any alias,
    any script, a prefix of one); None when it names nobody."""
    found = register.find(value, kind=kind)
    if not found:
        return None
    return sorted({ref for p in found for ref in p.speakers})
