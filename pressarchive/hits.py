"""The hit: one turn with its speaker, conference and the question it answers, as plain data.

Search, show and export all speak this layout (docs/architecture.md); build it only here.
"""
from __future__ import annotations

from typing import Any

from pressarchive.records import Record, Speaker, Turn, asker_label, speaker_display

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
