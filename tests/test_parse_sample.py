"""The bundled sample parses to its gold annotation (scored by the shared checker) and keeps its shape."""
from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from pressarchive.cli import cli
from pressarchive.ingest import ingest_bytes
from tests.conftest import SAMPLE_NAME, sample_path


def test_sample_scores_full_marks_against_gold(shared_dir, tmp_path):
    result = CliRunner().invoke(cli, ["parse", str(sample_path()), "--format", "json"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "parsed.json"
    out.write_text(result.stdout, encoding="utf-8")
    gold = shared_dir / "gold" / SAMPLE_NAME.replace(".txt", ".gold.json")
    proc = subprocess.run(
        [sys.executable, str(shared_dir / "tools" / "check_parse.py"), str(gold), str(out), "--verbose"],
        capture_output=True, text=True,
    )
    assert proc.stdout.strip().splitlines()[-1] == "score: 205/205", proc.stdout


def test_sample_record_shape(sample_bytes):
    record = ingest_bytes(sample_bytes, SAMPLE_NAME)
    conf = record.conference
    assert conf.date == "2022-09-27"
    assert conf.organizer == "Ministry of Industry and Information Technology"
    assert conf.id.startswith("2022-09-27-miit-")
    assert conf.languages == ["en", "zh"]
    assert len(record.turns) == 29
    kinds = [t.kind for t in record.turns]
    assert kinds.count("question") == 13 and kinds.count("answer") == 13
    zhang = [s for s in record.speakers if s.name == "Zhang Hongtao"]
    assert len(zhang) == 1 and zhang[0].name_zh == "张宏韬" and zhang[0].region == "Shanghai"
    # the Chinese-labelled answer and the English one are the same speaker
    zhang_turns = [t for t in record.turns if t.speaker == zhang[0].id]
    assert [t.lang for t in zhang_turns] == ["en", "zh"]
    shanghai_tv = next(s for s in record.speakers if s.organization_zh == "上海电视台")
    assert shanghai_tv.role == "reporter" and shanghai_tv.region == "Shanghai"
    # every answer points at the question just before it
    for t in record.turns:
        if t.kind == "answer":
            q = record.turn(t.question)
            assert q is not None and q.kind == "question" and q.seq < t.seq
    # positions cite the source lines
    first = record.turns[0]
    assert first.lines[0] == 13 and first.paragraphs[0].startswith("Good morning, everyone.")
    # mentioned regions include economic areas
    beijing_q = record.turns[4]
    assert "Beijing-Tianjin-Hebei" in beijing_q.regions


def test_parse_is_deterministic(sample_bytes):
    a = ingest_bytes(sample_bytes, SAMPLE_NAME).to_dict()
    b = ingest_bytes(sample_bytes, SAMPLE_NAME).to_dict()
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def test_bundled_record_matches_a_fresh_parse():
    """corpus/ holds the sample's raw bytes and its record; the record must not drift from the parser."""
    import json

    from tests.conftest import ROOT

    folders = [p for p in (ROOT / "corpus").iterdir() if (p / "record.json").is_file()]
    assert folders, "the bundled sample archive is missing from corpus/"
    for folder in folders:
        stored = json.loads((folder / "record.json").read_text(encoding="utf-8"))
        raw = next(p for p in folder.iterdir() if p.name.startswith("raw"))
        fresh = ingest_bytes(raw.read_bytes(), stored["conference"]["source"]).to_dict()
        for key in ("conference", "speakers", "turns"):
            assert fresh[key] == stored[key], f"{folder.name}: the parser changed: refresh it with `pressarchive --home . add <the raw file>` ({key} differs)"


def test_the_sample_is_the_bundled_copy():
    """conftest.sample_path finds the checkout's own corpus/ copy (which CI has), not ../shared's."""
    from tests.conftest import ROOT

    path = sample_path()
    assert path.is_relative_to(ROOT / "corpus"), path
    assert path.read_bytes()[:200].strip()
