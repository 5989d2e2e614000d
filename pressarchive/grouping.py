"""Ranked turns -> the hits a reader wants (docs/search.md, "Hits: a question and its answer").

- A question and its answer are one hit: the one that ranks higher leads, the other is shown with
  it (an answer carries its question already; a question gets ``answer``), never twice.
- At most ``per_conference`` hits from one conference, so that one briefing cannot fill a page;
  the turns held back come back only when no other conference has anything left to show.
- A passage republished in another conference (a briefing posted twice) is one hit that names the
  other copies (``copies``).

Knows nothing of Whoosh: it takes the ranked (conference id, turn id, ...) rows and the records.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable

PER_CONFERENCE = 3  # hits from one conference on a page, by default
COPY_MIN_CHARS = 80  # folded characters a passage needs before it can be a republished copy (not "Thank you.")
COPY_PROBE = 160  # folded characters compared at each end of two passages
_FOLD = re.compile(r"[\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Text without case, width, spaces or punctuation: what two copies of a passage share."""
    return _FOLD.sub("", unicodedata.normalize("NFKC", text or "").casefold())


@dataclass
class Chosen:
    """One hit to show: the ranked row that leads it, the partner shown with it, other copies."""

    row: tuple
    record: Any
    turn: Any
    partner: Any = None  # the question's answer (for a question) shown under it
    copies: list[tuple[Any, Any]] = field(default_factory=list)  # (record, turn) of republished copies
    also_matched: list[str] = field(default_factory=list)  # ids of its pair's other turns that matched too


def _copy_keys(turn) -> list[str]:
    text = fold(" ".join(turn.paragraphs))
    if len(text) < COPY_MIN_CHARS:
        return []
    return ["h" + text[:COPY_PROBE], "t" + text[-COPY_PROBE:]]


def partners(item: Chosen) -> list[str]:
    """Ids of the turns of a hit's pair besides its own: a question's answers, an answer's question."""
    turn = item.turn
    if turn.kind == "question":
        return [t.id for t in item.record.turns if t.kind == "answer" and t.question == turn.id]
    if turn.kind == "answer" and turn.question:
        return [turn.question]
    return []


def settle_pairs(chosen: list[Chosen], matching: set[str]) -> None:
    """Note on each hit which turns of its pair matched the search too (``matching``: their ids), and
    give a question the answer to show under it: the first that matched, else the first."""
    for item in chosen:
        ids = partners(item)
        item.also_matched = [i for i in ids if i in matching]
        if item.turn.kind == "question" and ids:
            item.partner = item.record.turn((item.also_matched or ids)[0])


def choose(rows: list[tuple], get_record: Callable[[str], Any], limit: int, per_conference: int | None,
           complete: bool, group: bool = True) -> tuple[list[Chosen], dict[str, int], bool]:
    """The hits of a page from ranked ``rows`` ((conference id, turn id, ...) in rank order); with
    ``group`` False every row is a hit of its own (no pairs, no copies, no cap: export and stats).

    Returns (chosen, held back by conference, full): ``full`` is False when the page is short while
    rows were held back and ``complete`` is False (more rows may exist: fetch more and call again).
    """
    records: dict[str, Any] = {}
    chosen: list[Chosen] = []
    held: list[Chosen] = []
    held_by_conf: dict[str, int] = {}
    questions: dict[tuple[str, str], Chosen] = {}  # (conference, question id) -> the question's hit
    answered: dict[tuple[str, str], Chosen] = {}  # (conference, question id) -> the hit of an answer to it
    copies: dict[str, Chosen] = {}
    per_conf: dict[str, int] = {}
    for row in rows:
        conf_id, turn_id = row[0], row[1]
        if conf_id not in records:
            records[conf_id] = get_record(conf_id)
        record = records[conf_id]
        turn = record.turn(turn_id) if record is not None else None
        if turn is None:  # the index is behind its record, or the record is gone or damaged: skip the turn
            continue
        # a question and its answer are one hit (two answers to one question are two hits)
        if group and turn.kind == "answer" and turn.question:
            shown = questions.get((conf_id, turn.question))
        elif group and turn.kind == "question":
            shown = answered.get((conf_id, turn.id))
        else:
            shown = None
        if shown is not None:
            continue
        keys = _copy_keys(turn) if group else []
        original = next((copies[k] for k in keys if k in copies), None)
        if original is not None and original.record.conference.id != conf_id:
            original.copies.append((record, turn))
            continue
        item = Chosen(row=row, record=record, turn=turn)
        if group and turn.kind == "question":
            questions[(conf_id, turn.id)] = item
        elif group and turn.kind == "answer" and turn.question:
            answered.setdefault((conf_id, turn.question), item)
        for k in keys:
            copies.setdefault(k, item)
        if group and per_conference and per_conf.get(conf_id, 0) >= per_conference:
            held.append(item)
            held_by_conf[conf_id] = held_by_conf.get(conf_id, 0) + 1
            continue
        per_conf[conf_id] = per_conf.get(conf_id, 0) + 1
        chosen.append(item)
        if len(chosen) == limit:
            return chosen, held_by_conf, True
    if held and len(chosen) < limit:
        if not complete:
            return chosen, held_by_conf, False
        # nothing else to show: the held-back turns fill the page, in rank order
        order = {id(r): n for n, r in enumerate(rows)}
        extra = held[: limit - len(chosen)]
        for item in extra:
            conf_id = item.record.conference.id
            held_by_conf[conf_id] -= 1
            if not held_by_conf[conf_id]:
                del held_by_conf[conf_id]
        chosen = sorted(chosen + extra, key=lambda item: order[id(item.row)])
    return chosen, held_by_conf, True
