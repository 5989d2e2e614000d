"""What the library hands back: typed results whose ``to_dict()`` is the command line's JSON.

``Hit`` is one turn found (its ``to_dict()`` is exactly a hit of ``search --format json``, the layout
in docs/architecture.md, built by ``hits.make_hit``); ``Results`` a page of hits with the counts;
``AddReport`` what an add did; ``Person`` and ``ConferenceInfo`` the rows of the listings.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Iterator

HIT_KEYS = ("turn", "speaker", "conference", "question", "score", "highlights", "matched_terms", "translated_from")


@dataclass
class Hit:
    """One turn with its speaker, conference and the question it answers."""

    turn: dict[str, Any]
    speaker: dict[str, Any]
    conference: dict[str, Any]
    question: dict[str, Any] | None = None
    score: float | None = None
    highlights: list[dict[str, int]] = field(default_factory=list)
    matched_terms: list[str] = field(default_factory=list)
    translated_from: list[dict[str, str]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # keys a newer hit layout adds, kept in order

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Hit":
        known = {k: data[k] for k in HIT_KEYS if k in data}
        return cls(**known, extra={k: v for k, v in data.items() if k not in HIT_KEYS})

    def to_dict(self) -> dict[str, Any]:
        """The hit as search JSON has it (same keys, same order)."""
        out = {k: getattr(self, k) for k in HIT_KEYS}
        out.update(self.extra)
        return out

    @property
    def id(self) -> str:
        """The turn id, ``<conference id>:<seq>``."""
        return self.turn["id"]

    @property
    def text(self) -> str:
        return "\n\n".join(self.turn.get("paragraphs") or [])

    @property
    def kind(self) -> str:
        return self.turn.get("kind")

    @property
    def lang(self) -> str:
        return self.turn.get("lang")

    @property
    def speaker_name(self) -> str | None:
        return self.speaker.get("name") or self.speaker.get("name_zh")

    @property
    def conference_id(self) -> str:
        return self.conference.get("id")

    @property
    def date(self) -> str | None:
        return self.conference.get("date")

    @property
    def citation(self) -> str:
        from pressarchive.hits import citation

        return citation(self.to_dict())


@dataclass
class Results:
    """A page of hits (at most ``limit``), how many turns matched in all, and what the query became."""

    hits: list[Hit]
    total: int
    total_exact: bool = True  # False: at least ``total`` matched (counting stopped there)
    query_terms: list[str] = field(default_factory=list)
    expansions: list[dict[str, Any]] = field(default_factory=list)
    held_back: dict[str, int] = field(default_factory=dict)  # conference id -> matches beyond per_conference

    def __iter__(self) -> Iterator[Hit]:
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)

    def __getitem__(self, i: int) -> Hit:
        return self.hits[i]

    def __bool__(self) -> bool:
        return bool(self.hits)

    def to_dicts(self) -> list[dict[str, Any]]:
        return [hit.to_dict() for hit in self.hits]


@dataclass
class AddReport:
    """What an add did: one outcome per source (``archive.AddOutcome``), in the order given."""

    outcomes: list[Any]
    interrupted: bool = False

    def _with(self, status: str) -> list[Any]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def added(self) -> list[Any]:
        return self._with("added")

    @property
    def updated(self) -> list[Any]:
        return self._with("updated")

    @property
    def unchanged(self) -> list[Any]:
        return self._with("unchanged")

    @property
    def failed(self) -> list[Any]:
        return self._with("failed")

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        """``N added, N updated, N unchanged, N failed``: the last line `add` prints."""
        return (f"{len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
                f"{len(self.failed)} failed")


@dataclass
class Person:
    """One named speaker of the archive, with what they said (a row of `pressarchive speakers`)."""

    name: str | None
    name_zh: str | None
    role: str | None
    title: str | None
    organization: str | None
    region: str | None
    turns: int = 0
    answers: int = 0
    conferences: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Person":
        names = {f.name for f in fields(cls)} - {"extra"}
        return cls(**{k: data.get(k) for k in names if k in data},
                   extra={k: v for k, v in data.items() if k not in names})

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.update(out.pop("extra"))
        return out


@dataclass
class ConferenceInfo:
    """One stored conference (a row of `pressarchive conferences`)."""

    id: str
    date: str | None
    title: str | None
    organizer: str | None = None
    turns: int = 0
    questions: int = 0
    speakers: int = 0
    regions: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ConferenceInfo":
        names = {f.name for f in fields(cls)} - {"extra"}
        return cls(**{k: data[k] for k in names if k in data},
                   extra={k: v for k, v in data.items() if k not in names})

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.update(out.pop("extra"))
        return out
