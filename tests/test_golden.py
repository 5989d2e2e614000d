"""Golden-file tests for the ingester: hand-written expectations for small inputs of every style.

Each folder ``tests/fixtures/ingest/<case>/`` holds one ``input.<ext>`` and an ``expected.json``
written by reading the input, not by running the parser (format: ``tests/fixtures/ingest/README.md``).
Files in ``tests/fixtures/ingest/bad*/`` must be refused with a one-line error and a non-zero exit.
"""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest

GOLDEN = Path(__file__).resolve().parent / "fixtures" / "ingest"
CASES = sorted(p for p in GOLDEN.iterdir() if p.is_dir() and (p / "expected.json").is_file())
BAD = sorted(p for d in GOLDEN.glob("bad*") for p in d.iterdir() if p.is_file() and p.suffix != ".md")


# --- normalisation (the same folding as ../shared/tools/check_parse.py, case kept for text) ------
def norm(text: Any) -> str:
    """NFKC, whitespace collapsed, trimmed; case kept (used for turn text)."""
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"\s+", " ", text).strip()


def fold(text: Any) -> str:
    """norm() and case-folded (used for names, outlets, titles, organisers)."""
    return norm(text).casefold()


def alternatives(value: Any) -> list[str]:
    """An expectation may be one string or a list of acceptable strings."""
    return list(value) if isinstance(value, list) else [value]


def input_file(case: Path) -> Path:
    found = sorted(case.glob("input.*"))
    assert len(found) == 1, f"{case.name}: expected exactly one input.* file, found {[p.name for p in found]}"
    return found[0]


# --- speakers -----------------------------------------------------------------------------------
def describe(s: dict | None) -> str:
    if not s:
        return "<no speaker>"
    who = " / ".join(x for x in (s.get("name"), s.get("name_zh")) if x) or "(unnamed)"
    org = " | ".join(x for x in (s.get("organization"), s.get("organization_zh")) if x)
    return (f"{who} [role={s.get('role')!r}, title={s.get('title')!r}, org={org or None!r}, "
            f"region={s.get('region')!r}]")


def org_text(s: dict) -> str:
    return fold(s.get("organization")) + " | " + fold(s.get("organization_zh"))


def is_person(s: dict, name: str) -> bool:
    """A person reference matches the romanised name or the Chinese name."""
    return fold(s.get("name")) == fold(name) or (bool(s.get("name_zh")) and norm(s.get("name_zh")) == norm(name))


def matches_ref(s: dict | None, ref: str) -> bool:
    """Does speaker ``s`` fit a turn's speaker reference (see README: name / reporter:<outlet> / ...)?"""
    if not s:
        return False
    if ref == "reporter":
        return s.get("role") == "reporter"
    if ref.startswith("reporter:"):
        return s.get("role") == "reporter" and fold(ref.split(":", 1)[1]) in org_text(s)
    if ref.startswith("role:"):
        return s.get("role") == ref.split(":", 1)[1]
    return is_person(s, ref)


def find_speakers(exp: dict, roster: list[dict]) -> tuple[str, list[dict]]:
    if "outlet" in exp:
        label = f"reporter from {exp['outlet']!r}"
        return label, [s for s in roster if s.get("role") == "reporter" and fold(exp["outlet"]) in org_text(s)]
    if exp.get("name") or exp.get("name_zh"):
        label = " / ".join(x for x in (exp.get("name"), exp.get("name_zh")) if x)
        return label, [s for s in roster
                       if (exp.get("name") and fold(s.get("name")) == fold(exp["name"]))
                       or (exp.get("name_zh") and norm(s.get("name_zh")) == norm(exp["name_zh"]))]
    label = f"the (unnamed) {exp['role']}"
    return label, [s for s in roster if s.get("role") in alternatives(exp["role"])]


def check_speakers(expected: list[dict], roster: list[dict]) -> list[str]:
    problems = []
    for exp in expected:
        label, found = find_speakers(exp, roster)
        if len(found) != 1:
            problems.append(f"speaker {label}: {len(found)} roster entries match (want exactly 1)"
                            + "".join(f"\n      {describe(s)}" for s in found))
            continue
        s, bad = found[0], []
        if exp.get("name") and fold(s.get("name")) != fold(exp["name"]):
            bad.append(f"name {s.get('name')!r} (want {exp['name']!r})")
        if exp.get("name_zh") and norm(s.get("name_zh")) != norm(exp["name_zh"]):
            bad.append(f"name_zh {s.get('name_zh')!r} (want {exp['name_zh']!r})")
        if "role" in exp and s.get("role") not in alternatives(exp["role"]):
            bad.append(f"role {s.get('role')!r} (want {' or '.join(map(repr, alternatives(exp['role'])))})")
        if "title_contains" in exp and not any(fold(t) in fold(s.get("title")) for t in alternatives(exp["title_contains"])):
            bad.append(f"title {s.get('title')!r} (want one containing {' or '.join(map(repr, alternatives(exp['title_contains'])))})")
        if "organization_contains" in exp and not any(fold(o) in org_text(s) for o in alternatives(exp["organization_contains"])):
            bad.append(f"organization {s.get('organization')!r} / {s.get('organization_zh')!r} "
                       f"(want one containing {' or '.join(map(repr, alternatives(exp['organization_contains'])))})")
        if "region" in exp and s.get("region") != exp["region"]:
            bad.append(f"region {s.get('region')!r} (want {exp['region']!r})")
        if bad:
            problems.append(f"speaker {label}: " + "; ".join(bad))
    return problems


# --- conference ---------------------------------------------------------------------------------
def check_conference(exp: dict, conf: dict) -> list[str]:
    problems = []
    if "date" in exp and conf.get("date") != exp["date"]:
        problems.append(f"conference date {conf.get('date')!r} (want {exp['date']!r})")
    title = fold(conf.get("title"))
    if "title_startswith" in exp and not any(title.startswith(fold(t)) for t in alternatives(exp["title_startswith"])):
        problems.append(f"conference title {conf.get('title')!r} (want one starting with {exp['title_startswith']!r})")
    if "title_contains" in exp and not any(fold(t) in title for t in alternatives(exp["title_contains"])):
        problems.append(f"conference title {conf.get('title')!r} (want one containing {exp['title_contains']!r})")
    if "organizer_contains" in exp:
        org = fold(conf.get("organizer")) + " | " + fold(conf.get("organizer_zh"))
        if not any(fold(o) in org for o in alternatives(exp["organizer_contains"])):
            problems.append(f"conference organizer {conf.get('organizer')!r} / {conf.get('organizer_zh')!r} "
                            f"(want one containing {' or '.join(map(repr, alternatives(exp['organizer_contains'])))})")
    return problems


# --- turns --------------------------------------------------------------------------------------
def short(text: Any, n: int = 60) -> str:
    text = norm(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def check_turns(expected: list[dict], turns: list[dict], speakers: dict[str, dict]) -> list[str]:
    problems = []
    if len(turns) != len(expected):
        problems.append(f"{len(turns)} turns parsed, want {len(expected)} (compared in order below as far as both go)")
    ids = [t.get("id") for t in turns]
    if len(set(ids)) != len(ids):
        problems.append("turn ids are not unique")
    for t in turns:
        if t.get("speaker") not in speakers:
            problems.append(f"turn {t.get('id')!r}: speaker id {t.get('speaker')!r} is not in the roster")
    seen: dict[str, tuple[int, Any]] = {}  # named reference -> (first turn index, speaker id)
    for i, (exp, t) in enumerate(zip(expected, turns)):
        where = f"turn {i} (want {exp['speaker']} {exp['kind']}: {short(exp['first_words'], 40)!r})"
        s = speakers.get(t.get("speaker"))
        bad = []
        if not matches_ref(s, exp["speaker"]):
            bad.append(f"speaker is {describe(s)}, want {exp['speaker']!r}")
        elif exp["speaker"] != "reporter":
            first = seen.setdefault(exp["speaker"], (i, t.get("speaker")))
            if first[1] != t.get("speaker"):
                bad.append(f"speaker id {t.get('speaker')!r} differs from turn {first[0]}'s {first[1]!r} "
                           f"for the same {exp['speaker']!r} (one person, one speaker)")
        if t.get("kind") != exp["kind"]:
            bad.append(f"kind {t.get('kind')!r}, want {exp['kind']!r}")
        if "lang" in exp and t.get("lang") != exp["lang"]:
            bad.append(f"lang {t.get('lang')!r}, want {exp['lang']!r}")
        if "answers" in exp:
            want_q = exp["answers"]
            if want_q is None:
                if t.get("question") is not None:
                    bad.append(f"question link {t.get('question')!r}, want none")
            else:
                target = turns[want_q].get("id") if want_q < len(turns) else None
                if target is None or t.get("question") != target:
                    linked = next((j for j, u in enumerate(turns) if u.get("id") == t.get("question")), None)
                    now = ("is linked to no question" if t.get("question") is None
                           else f"answers turn {linked if linked is not None else t.get('question')!r}")
                    bad.append(f"{now}, want it to answer turn {want_q} ({short(expected[want_q]['first_words'], 30)!r})")
        paragraphs = t.get("paragraphs") or []
        if "paragraphs" in exp and len(paragraphs) != exp["paragraphs"]:
            bad.append(f"{len(paragraphs)} paragraphs, want {exp['paragraphs']}")
        first_p = norm(paragraphs[0]) if paragraphs else ""
        if "first_words" in exp and not first_p.startswith(norm(exp["first_words"])):
            bad.append(f"first paragraph starts {short(first_p)!r}, want it to start {short(exp['first_words'])!r}")
        last_p = norm(paragraphs[-1]) if paragraphs else ""
        if "last_words" in exp and not last_p.endswith(norm(exp["last_words"])):
            bad.append(f"last paragraph ends {'…' + last_p[-50:]!r}, want it to end {exp['last_words']!r}")
        if bad:
            problems.append(f"{where}: " + "; ".join(bad))
    return problems


def check_excluded(excluded: list[str], turns: list[dict]) -> list[str]:
    problems = []
    for text in excluded:
        want = norm(text)
        if not want:
            continue
        for i, t in enumerate(turns):
            for j, p in enumerate(t.get("paragraphs") or []):
                if want in norm(p):
                    problems.append(f"excluded text {text!r} appears in turn {i}, paragraph {j}: {short(p)!r}")
    return problems


def compare(expected: dict, record: dict) -> list[str]:
    """Every way the record differs from the hand-written expectation, one readable line each."""
    roster = record.get("speakers") or []
    speakers = {s.get("id"): s for s in roster}
    turns = record.get("turns") or []
    return (check_conference(expected.get("conference", {}), record.get("conference") or {})
            + check_speakers(expected.get("speakers", []), roster)
            + check_turns(expected.get("turns", []), turns, speakers)
            + check_excluded(expected.get("excluded", []), turns))


def summary(record: dict) -> str:
    conf = record.get("conference") or {}
    speakers = {s.get("id"): s for s in record.get("speakers") or []}
    ids = {t.get("id"): i for i, t in enumerate(record.get("turns") or [])}
    lines = [f"parsed conference: title={short(conf.get('title'), 70)!r} date={conf.get('date')!r} "
             f"organizer={conf.get('organizer')!r}", "parsed roster:"]
    lines += [f"  {sid}: {describe(s)}" for sid, s in speakers.items()]
    lines.append("parsed turns:")
    for i, t in enumerate(record.get("turns") or []):
        s = speakers.get(t.get("speaker")) or {}
        who = s.get("name") or s.get("name_zh") or f"{s.get('role')}:{s.get('organization') or s.get('organization_zh')}"
        q = ids.get(t.get("question"), t.get("question"))
        lines.append(f"  [{i}] {who} | {t.get('kind')} | {t.get('lang')} | answers={q} | "
                     f"{len(t.get('paragraphs') or [])} para | {short((t.get('paragraphs') or [''])[0], 50)!r}")
    return "\n".join(lines)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_golden(case: Path) -> None:
    from pressarchive.ingest import ingest_bytes

    src = input_file(case)
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    record = ingest_bytes(src.read_bytes(), src.name)
    data = record.to_dict() if hasattr(record, "to_dict") else record
    json.dumps(data, ensure_ascii=False)  # the record must be JSON-serialisable as `parse --format json` prints it
    problems = compare(expected, data)
    if problems:
        pytest.fail(
            f"{case.name}: {expected.get('description', '')}\n{len(problems)} problem(s):\n"
            + "\n".join(f"  - {p}" for p in problems) + "\n" + summary(data),
            pytrace=False,
        )


# --- bad input ----------------------------------------------------------------------------------
@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_bad_input_is_refused_with_one_line(path: Path, capsys) -> None:
    """`pressarchive parse BAD --format json` exits non-zero with 'Error: ...' (plus an optional 'Hint:'), no traceback."""
    from pressarchive.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["parse", str(path), "--format", "json"])
    out, err = capsys.readouterr()
    assert exited.value.code not in (0, None), f"{path.name}: exit code {exited.value.code!r}, want non-zero"
    assert "Traceback" not in out + err, f"{path.name}: traceback printed:\n{err}"
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines and lines[0].startswith("Error:"), f"{path.name}: stderr should start with 'Error:', is {err!r}"
    assert all(line.startswith("Hint:") for line in lines[1:]), f"{path.name}: error is not one line: {err!r}"
    assert not out.strip(), f"{path.name}: nothing should be printed on stdout, got {out[:200]!r}"


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_bad_input_raises_input_error(path: Path) -> None:
    """The library contract: ingest_bytes refuses bad input with InputError (or its NoTranscriptError)."""
    from pressarchive.errors import InputError
    from pressarchive.ingest import ingest_bytes

    with pytest.raises(InputError):
        ingest_bytes(path.read_bytes(), path.name)
