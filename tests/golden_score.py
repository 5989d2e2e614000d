"""A golden fixture's record scored the way ``../shared/tools/check_parse.py`` scores the sample.

check_parse aligns the gold's paragraphs with the record's in order (each gold paragraph is found at
or after the place the previous one was found) and then counts, per figure, what is right. Here the
gold is a fixture's hand-written ``expected.json`` (tests/fixtures/ingest/README.md): each expected
turn is aligned, in the same greedy in-order way, with the first record turn at or after the last
match whose first paragraph starts with its ``first_words``. The figures are check_parse's:

- turns attributed: aligned, right speaker, right kind (check_parse: paragraphs attributed);
- turns kept whole: the aligned turn has the expected number of paragraphs and ends as expected;
- Q&A pairs linked: an expected answer's turn points at the turn aligned with its question;
- speakers right: each expected speaker is exactly one roster entry with the expected fields;
- conference fields: date, organiser, title (each present in the expectation);
- excluded lines kept out: no excluded string inside any paragraph.

``score`` returns ``[(figure, got, want)]`` and the problems behind any shortfall.
"""
from __future__ import annotations

from typing import Any

from tests.test_golden import check_conference, check_speakers, matches_ref, norm


def _align(expected: list[dict], turns: list[dict]) -> dict[int, int]:
    placed: dict[int, int] = {}
    i = 0
    for e_idx, exp in enumerate(expected):
        want = norm(exp.get("first_words"))
        for j in range(i, len(turns)):
            first = norm((turns[j].get("paragraphs") or [""])[0])
            if first.startswith(want):
                placed[e_idx] = j
                i = j + 1
                break
    return placed


def score(expected: dict, record: dict) -> tuple[list[tuple[str, int, int]], list[str]]:
    roster = record.get("speakers") or []
    speakers = {s.get("id"): s for s in roster}
    turns = record.get("turns") or []
    exp_turns = expected.get("turns", [])
    placed = _align(exp_turns, turns)
    bad: list[str] = []

    ok_turns = ok_whole = 0
    for e_idx, exp in enumerate(exp_turns):
        j = placed.get(e_idx)
        if j is None:
            bad.append(f"turn {e_idx}: not found (in order): {exp.get('first_words')!r}")
            continue
        t = turns[j]
        if not matches_ref(speakers.get(t.get("speaker")), exp["speaker"]):
            bad.append(f"turn {e_idx}: speaker should be {exp['speaker']!r}")
        elif t.get("kind") != exp["kind"]:
            bad.append(f"turn {e_idx}: kind should be {exp['kind']!r}, is {t.get('kind')!r}")
        else:
            ok_turns += 1
        paragraphs = t.get("paragraphs") or []
        whole = ("paragraphs" not in exp or len(paragraphs) == exp["paragraphs"]) and (
            "last_words" not in exp or norm(paragraphs[-1] if paragraphs else "").endswith(norm(exp["last_words"])))
        if whole:
            ok_whole += 1
        else:
            bad.append(f"turn {e_idx}: not kept whole ({len(paragraphs)} paragraphs)")

    pairs = [(e_idx, exp["answers"]) for e_idx, exp in enumerate(exp_turns) if exp.get("answers") is not None]
    ok_qa = 0
    for a_idx, q_idx in pairs:
        a, q = placed.get(a_idx), placed.get(q_idx)
        if a is not None and q is not None and turns[a].get("question") == turns[q].get("id") and a != q:
            ok_qa += 1
        else:
            bad.append(f"Q&A: turn {a_idx} is not linked to question turn {q_idx}")

    exp_speakers = expected.get("speakers", [])
    speaker_problems = check_speakers(exp_speakers, roster)
    bad += speaker_problems
    wrong = {p.split(":", 1)[0] for p in speaker_problems}
    ok_sp = len(exp_speakers) - len(wrong)

    conf_exp = expected.get("conference", {})
    conf_problems = check_conference(conf_exp, record.get("conference") or {})
    bad += conf_problems
    conf_want = sum(1 for k in ("date", "title_startswith", "title_contains", "organizer_contains") if k in conf_exp)
    ok_conf = conf_want - len(conf_problems)

    excluded = expected.get("excluded", [])
    texts = [norm(p) for t in turns for p in t.get("paragraphs") or []]
    leaked = [e for e in excluded if norm(e) and any(norm(e) in p for p in texts)]
    bad += [f"excluded text inside a turn: {e!r}" for e in leaked]

    figures = [
        ("turns attributed", ok_turns, len(exp_turns)),
        ("turns kept whole", ok_whole, len(exp_turns)),
        ("Q&A pairs linked", ok_qa, len(pairs)),
        ("speakers right", ok_sp, len(exp_speakers)),
        ("conference fields", max(ok_conf, 0), conf_want),
        ("excluded lines kept out", len(excluded) - len(leaked), len(excluded)),
    ]
    if len(turns) != len(exp_turns):
        bad.append(f"{len(turns)} turns parsed, {len(exp_turns)} expected")
    return figures, bad


def total(figures: list[tuple[str, int, int]]) -> tuple[int, int]:
    return sum(f[1] for f in figures), sum(f[2] for f in figures)


def summary_row(record: dict) -> dict[str, Any]:
    """What docs/chinese-layouts.md tabulates for one parsed fixture."""
    speakers = record.get("speakers") or []
    turns = record.get("turns") or []
    people = [s for s in speakers if s.get("role") != "reporter"]
    outlets = []
    for s in speakers:
        if s.get("role") == "reporter" and (s.get("organization") or s.get("organization_zh")):
            both = " / ".join(x for x in (s.get("organization_zh"), s.get("organization")) if x)
            outlets.append(both)
    regions = sorted({s.get("region") for s in people if s.get("region")})
    return {
        "turns": len(turns),
        "speakers": len(speakers),
        "people": len(people),
        "qa": sum(1 for t in turns if t.get("kind") == "answer" and t.get("question")),
        "questions": sum(1 for t in turns if t.get("kind") == "question"),
        "regions": regions,
        "outlets": outlets,
    }
