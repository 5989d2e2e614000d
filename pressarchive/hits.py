"""The hit: one turn with its speaker, conference and the question it answers, as plain data.

Search, show and export all speak this layout (docs/architecture.md); build it only here.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pressarchive.errors import NotFoundError
from pressarchive.records import Record, Speaker, Turn, asker_label, speaker_display

if TYPE_CHECKING:  # pragma: no cover
    from pressarchive.archive import Archive

SPEAKER_FIELDS = ("id", "name", "name_zh", "role", "title", "organization", "organization_zh", "region")
CONFERENCE_FIELDS = ("id", "title", "date", "organizer", "source", "source_url")


def speaker_dict(speaker: Speaker | None) -> dict[str, Any]:
    if speaker is None:
        return {name: None for name in SPEAKER_FIELDS}
    return {name: getattr(speaker, name) for name in SPEAKER_FIELDS}


def turn_dict(turn: Turn) -> dict[str, Any]:
    return {
        "id": turn.id,
        "seq": turn.seq,
        "kind": turn.kind,
        "lang": turn.lang,
        "paragraphs": list(turn.paragraphs),
        "regions": list(turn.regions),
        "question": turn.question,
    }


def answer_dict(record: Record, turn: Turn) -> dict[str, Any]:
    """A question's answer as shown under it in a hit (``answer``): the layout of ``question``."""
    return {
        "id": turn.id,
        "seq": turn.seq,
        "lang": turn.lang,
        "paragraphs": list(turn.paragraphs),
        "speaker": speaker_dict(record.speaker(turn.speaker)),
    }


def copy_dict(record: Record, turn: Turn) -> dict[str, Any]:
    """A republished copy of a hit's passage (``copies``): its conference and turn id."""
    conf = record.conference
    return {"turn": turn.id, "conference": {name: getattr(conf, name) for name in ("id", "title", "date", "source")}}


def add_context(hit: dict[str, Any], record: Record, neighbours: int) -> None:
    """Put in ``hit["context"]`` the ``neighbours`` turns before and after it (as ``rg -C`` does with
    lines), around the turns the hit shows (its question above it, its answer under it)."""
    shown = {hit["turn"]["id"], (hit.get("question") or {}).get("id"), (hit.get("answer") or {}).get("id")}
    positions = [i for i, t in enumerate(record.turns) if t.id in shown]
    if not positions or neighbours < 1:
        return
    lo, hi = min(positions), max(positions)

    def brief(turn: Turn) -> dict[str, Any]:
        return {"turn": turn_dict(turn), "speaker": speaker_dict(record.speaker(turn.speaker))}

    hit["context"] = {
        "before": [brief(t) for t in record.turns[max(0, lo - neighbours):lo]],
        "after": [brief(t) for t in record.turns[hi + 1:hi + 1 + neighbours]],
    }


def make_hit(
    record: Record,
    turn: Turn,
    score: float | None = None,
    highlights: list[dict[str, int]] | None = None,
    matched_terms: list[str] | None = None,
    translated_from: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """A hit for ``turn`` of ``record``; ``question`` carries the question an answer answers."""
    question = None
    if turn.kind == "answer" and turn.question:
        q = record.turn(turn.question)
        if q is not None:
            question = {
                "id": q.id,
                "seq": q.seq,
                "lang": q.lang,
                "paragraphs": list(q.paragraphs),
                "speaker": speaker_dict(record.speaker(q.speaker)),
            }
    conf = record.conference
    asked = turn if turn.kind == "question" else (record.turn(turn.question) if turn.kind == "answer" and turn.question else None)
    asker = None
    if asked is not None:
        asker = speaker_dict(record.speaker(asked.speaker))
        asker["label"] = asker_label(asker)
    return {
        "turn": turn_dict(turn),
        "speaker": speaker_dict(record.speaker(turn.speaker)),
        "asker": asker,
        "conference": {name: getattr(conf, name) for name in CONFERENCE_FIELDS},
        "question": question,
        "score": score,
        "highlights": highlights or [],
        "matched_terms": matched_terms or [],
        "translated_from": translated_from or [],
    }


def _one_line(value: Any) -> str:
    return " ".join(str(value).split()) if value else ""


def citation(hit: dict[str, Any]) -> str:
    """A ready citation line: speaker, title, organisation, conference, organiser, date, source, turn id."""
    sp = {k: _one_line(v) for k, v in (hit.get("speaker") or {}).items()}
    if hit.get("asker"):
        hit = {**hit, "asker": {k: _one_line(v) for k, v in hit["asker"].items()}}
    conf = {k: _one_line(v) for k, v in (hit.get("conference") or {}).items()}
    turn = hit["turn"]
    org = sp.get("organization") or sp.get("organization_zh")
    named = sp.get("name") or sp.get("name_zh")
    who = speaker_display(sp)
    asker = asker_label(hit.get("asker"))
    if turn.get("kind") == "question":
        parts = [f"Q ({asker})" if asker else "Q"]
    else:
        parts = [who]
        if named and sp.get("title"):
            parts.append(sp["title"])
        if named and org:
            parts.append(org)
    title = (conf.get("title") or conf.get("id") or "").replace('"', "'")  # one level of double quotes
    tail = f'"{title}"'
    for extra in (conf.get("organizer"), conf.get("date") or "undated", conf.get("source_url") or conf.get("source")):
        if extra:
            tail += f", {extra}"
    return f"{', '.join(parts)}, {tail} [{turn['id']}]"


# --- one turn in its context (`show`) -----------------------------------------------------------
def split_turn_id(turn_id: str) -> tuple[str, int]:
    """``"<conference id>:<seq>"`` -> (conference id, seq); NotFoundError when it is not one."""
    conf_id, sep, seq = (turn_id or "").strip().rpartition(":")
    if not sep or not conf_id or not seq.isdigit():
        raise NotFoundError(f"{turn_id!r} is not a turn id",
                            hint="turn ids look like 2022-09-27-miit-3f9a1c:026 (see the last line of each hit)")
    return conf_id, int(seq)


def turn_context(archive: "Archive", turn_id: str, neighbours: int = 1) -> dict[str, Any]:
    """A turn as a hit, with the question it answers (in the hit), the answers it got, and the
    ``neighbours`` turns before and after it (those not already shown as question or answer)."""
    conf_id, seq = split_turn_id(turn_id)
    record = archive.get(conf_id)
    position = next((i for i, t in enumerate(record.turns) if t.seq == seq), None)
    if position is None:
        raise NotFoundError(f"no turn {seq} in conference {conf_id}",
                            hint=f"its turns are numbered 1 to {max((t.seq for t in record.turns), default=0)}")
    turn = record.turns[position]
    answers = [t for t in record.turns if t.kind == "answer" and t.question == turn.id]
    shown = {turn.question, *(t.id for t in answers)}  # not repeated as neighbours
    return {
        "hit": make_hit(record, turn),
        "answers": [make_hit(record, t) for t in answers],
        "before": [make_hit(record, t) for t in record.turns[max(0, position - neighbours):position]
                   if t.id not in shown],
        "after": [make_hit(record, t) for t in record.turns[position + 1:position + 1 + neighbours]
                  if t.id not in shown],
    }
