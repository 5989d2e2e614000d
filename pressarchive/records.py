"""The record one conference becomes: dataclasses, JSON round trip, schema version and upgrades.

A record is plain data. Everything downstream (store, index, search, export) reads it through
``Record.from_dict`` so that an older file on disk is upgraded by named steps before use.
"""
from __future__ import annotations

import copy
import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Callable, Iterable

SCHEMA_VERSION = 1

ROLES = ("host", "presenter", "official", "reporter", "interpreter", "other")
KINDS = ("statement", "question", "answer")
LANGS = ("en", "zh", "mixed")


@dataclass
class Speaker:
    """One person or outlet in a conference. A person labelled in two scripts is one speaker."""

    id: str
    name: str | None = None  # canonical romanised name, e.g. "Zhang Hongtao"
    name_zh: str | None = None  # 张宏韬
    aliases: list[str] = field(default_factory=list)  # every label form seen
    role: str = "other"  # one of ROLES
    title: str | None = None
    organization: str | None = None  # for a reporter: the outlet
    organization_zh: str | None = None
    region: str | None = None  # canonical province-level name, "National", or None
    surname: str | None = None  # family name in the romanised name ("Jean-Pierre", "Zhang")
    given_name: str | None = None  # given name(s) when the text gives them ("Karine", "Hongtao")
    honorific: str | None = None  # the courtesy form labels use ("Ms", "Dr"), never part of the name

    @property
    def display(self) -> str:
        """The name a person reads: both scripts where known, else the outlet."""
        return speaker_display(asdict(self))


@dataclass
class Turn:
    """One uninterrupted stretch of one speaker, label stripped."""

    id: str
    seq: int
    speaker: str  # a Speaker.id
    kind: str  # one of KINDS
    lang: str  # one of LANGS
    paragraphs: list[str]
    question: str | None = None  # for an answer: the id of the question turn it answers
    regions: list[str] = field(default_factory=list)  # regions the turn mentions (gazetteer)
    lines: list[int] = field(default_factory=list)  # source position of each paragraph (1-based)
    para_langs: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass
class Conference:
    """What the conference is: title, date, organiser, where it came from."""

    id: str
    title: str | None = None
    date: str | None = None  # YYYY-MM-DD: the day of the event
    organizer: str | None = None
    organizer_zh: str | None = None
    source: str | None = None  # file name as received
    source_url: str | None = None
    published: str | None = None  # when the source was published (ISO 8601), which may follow the event
    tags: list[str] = field(default_factory=list)  # the publisher's tags or categories
    sources: list[str] = field(default_factory=list)  # every file name or URL it was added from
    aliases: list[str] = field(default_factory=list)  # former ids that still resolve to it
    languages: list[str] = field(default_factory=list)
    content_hash: str | None = None  # sha256 of the raw bytes
    encoding: str | None = None
    preamble: list[str] = field(default_factory=list)  # text before the first turn (summary)


@dataclass
class Record:
    """A whole conference: metadata, speaker roster, turns, and parser warnings."""

    conference: Conference
    speakers: list[Speaker]
    turns: list[Turn]
    warnings: list[str] = field(default_factory=list)
    schema_version: int = SCHEMA_VERSION

    def speaker(self, speaker_id: str | None) -> Speaker | None:
        for s in self.speakers:
            if s.id == speaker_id:
                return s
        return None

    def turn(self, turn_id: str | None) -> Turn | None:
        for t in self.turns:
            if t.id == turn_id:
                return t
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "conference": _plain(self.conference),
            "speakers": [_plain(s) for s in self.speakers],
            "turns": [_plain(t) for t in self.turns],
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Record":
        if not isinstance(data, dict):
            raise ValueError("a record must be a JSON object")
        data = upgrade(data)
        for key in ("speakers", "turns", "warnings"):
            if not isinstance(data.get(key, []), list):
                raise ValueError(f"{key} should be a list")
        return cls(
            conference=_build(Conference, data["conference"]),
            speakers=[_build(Speaker, s) for s in data.get("speakers", [])],
            turns=[_build(Turn, t) for t in data.get("turns", [])],
            warnings=list(data.get("warnings", [])),
            schema_version=data.get("schema_version", SCHEMA_VERSION),
        )

    def with_ids(self, conference_id: str) -> "Record":
        """Give the conference (and its turns) a new id; turn ids are ``<conference id>:<seq>``."""
        old = {t.id: turn_id(conference_id, t.seq) for t in self.turns}
        self.conference.id = conference_id
        for t in self.turns:
            t.id = old[t.id]
            if t.question:
                t.question = old.get(t.question, t.question)
        return self


def speaker_display(sp: dict[str, Any] | None) -> str:
    """A speaker's name as shown everywhere (views, exports, citations): both scripts where known, else
    the outlet (``Xinhua reporter``), else the role or title."""
    sp = sp or {}
    name, name_zh = sp.get("name"), sp.get("name_zh")
    if name and name_zh:
        return f"{name} ({name_zh})"
    if name or name_zh:
        return name or name_zh
    org = sp.get("organization") or sp.get("organization_zh")
    role = sp.get("role")
    if org:
        return f"{org} reporter" if role == "reporter" else org
    if role in ("reporter", "host", "interpreter"):
        return {"reporter": "Reporter", "host": "Host", "interpreter": "Interpreter"}[role]
    return sp.get("title") or "Unidentified speaker"


def asker_label(sp: dict[str, Any] | None) -> str | None:
    """Who asked, as shown after ``Q``: ``Trevor Hunnicutt, Reuters``, ``Reuters``, ``Trevor Hunnicutt``;
    None when the question's speaker is not named (an anonymous ``Q``)."""
    sp = sp or {}
    name, name_zh = sp.get("name"), sp.get("name_zh")
    who = f"{name} ({name_zh})" if name and name_zh else (name or name_zh)
    org = sp.get("organization") or sp.get("organization_zh")
    if who and org:
        return f"{who}, {org}"
    return who or org or None


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_SCALARS = (str, int, float, bool, type(None))


def _plain(value: Any) -> Any:
    """``dataclasses.asdict`` of a record's parts (the same dicts, lists and tuples), without its
    deep copy of every string: a third of the time of writing a record."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    names = _FIELD_NAMES.get(kind)
    if names is None and hasattr(kind, "__dataclass_fields__"):
        names = _FIELD_NAMES[kind] = tuple(f.name for f in fields(value))
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if kind is list or kind is tuple:
        return kind(_plain(v) for v in value)
    if kind is dict:
        return {_plain(k): _plain(v) for k, v in value.items()}
    return copy.deepcopy(value)  # what asdict does with any other value


def _build(cls, data: dict[str, Any]):
    """An instance of ``cls`` from a dict, every field checked against its declared type (ValueError)."""
    if not isinstance(data, dict):
        raise ValueError(f"{cls.__name__.lower()} is {type(data).__name__}, not an object")
    values = {}
    for name, declared, check in _checks(cls):
        if name not in data:
            continue
        value = data[name]
        if not check(value):
            raise ValueError(f"{cls.__name__.lower()}.{name} should be {declared}, is {type(value).__name__}")
        values[name] = value
    return cls(**values)


_CHECKS: dict[type, list[tuple[str, str, Callable[[Any], bool]]]] = {}


def _checks(cls) -> list[tuple[str, str, Callable[[Any], bool]]]:
    """(field name, declared type, checker) of a record dataclass, made once per class: loading the
    records of a search's page parsed every declared type string for every value, ~40 % of a warm query."""
    found = _CHECKS.get(cls)
    if found is None:
        found = _CHECKS[cls] = [(f.name, str(f.type), _checker(str(f.type))) for f in fields(cls)]
    return found


def _checker(declared: str) -> Callable[[Any], bool]:
    """Does a JSON value fit a field declared as str, int, ``X | None`` or ``list[X]``? (parsed once)"""
    from itertools import repeat

    if declared.endswith(" | None"):
        inner = _checker(declared[: -len(" | None")])
        return lambda v: v is None or inner(v)
    if declared.startswith("list[") and declared.endswith("]"):
        item = declared[5:-1]
        if item == "str":
            return lambda v: isinstance(v, list) and all(map(isinstance, v, repeat(str)))
        if item == "int":
            return lambda v: (isinstance(v, list) and all(map(isinstance, v, repeat(int)))
                              and not any(map(isinstance, v, repeat(bool))))
        inner = _checker(item)
        return lambda v: isinstance(v, list) and all(map(inner, v))
    if declared == "str":
        return lambda v: isinstance(v, str)
    if declared == "int":
        return lambda v: isinstance(v, int) and not isinstance(v, bool)
    return lambda v: True


SOURCE_WARNING = "source: "  # a warning about the file itself (its metadata), shown when it is added


def source_warnings(record: "Record") -> list[str]:
    """The record's warnings about its source file (not about turns), e.g. front matter that is not YAML."""
    return [w for w in record.warnings if w.startswith(SOURCE_WARNING)]


def turn_id(conference_id: str, seq: int) -> str:
    return f"{conference_id}:{seq:03d}"


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


_SLUG = re.compile(r"[^a-z0-9]+")
_ORG_STOP = {"of", "the", "and", "for", "on", "in", "people's", "s"}


def organizer_slug(organizer: str | None) -> str:
    """A short, stable token for an organiser: the acronym of an English name, else pinyin-free hash."""
    if not organizer:
        return "conf"
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'’]*", organizer) if w.lower() not in _ORG_STOP]
    if len(words) >= 2:
        return "".join(w[0] for w in words).lower()[:8]
    if words:
        return _SLUG.sub("-", words[0].lower()).strip("-")[:12] or "conf"
    return "org" + hashlib.sha1(organizer.encode("utf-8")).hexdigest()[:4]


def conference_id(date: str | None, organizer: str | None, title: str | None, fallback: str = "") -> str:
    """Stable id from date + organiser + title: ``2022-09-27-miit-3f9a1c``.

    Only ASCII letters, digits and hyphens, so it is safe as a folder name.
    """
    folded = unicodedata.normalize("NFKC", (title or fallback or "")).casefold()
    folded = re.sub(r"\s+", " ", folded).strip()
    digest = hashlib.sha1(f"{organizer or ''}|{folded}".encode("utf-8")).hexdigest()[:6]
    return f"{date or 'undated'}-{organizer_slug(organizer)}-{digest}"


SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")


def is_safe_id(value: str) -> bool:
    """True when an id can name a folder inside the archive (no separators, no '..')."""
    return bool(SAFE_ID.match(value)) and ".." not in value


# --- upgrades ---------------------------------------------------------------------------------
# Each step takes a dict at version N and returns it at version N+1. Add one when the format changes.
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a record dict up to SCHEMA_VERSION by named steps; refuse a newer one."""
    version = int(data.get("schema_version", 1))
    if version > SCHEMA_VERSION:
        raise ValueError(
            f"record schema {version} is newer than this pressarchive understands ({SCHEMA_VERSION})"
        )
    while version < SCHEMA_VERSION:
        data = UPGRADES[version](dict(data))
        version += 1
        data["schema_version"] = version
    return data


def languages_of(turns: Iterable[Turn]) -> list[str]:
    seen: set[str] = set()
    for t in turns:
        seen.update(t.para_langs or [t.lang])
    return [lang for lang in ("en", "zh") if lang in seen]
