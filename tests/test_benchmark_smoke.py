"""A tiny run of the scale benchmark (benchmarks/run.py --smoke): the generator, our build, the
baseline and the report all work together. Not a timing test: only that every row is there."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import run  # noqa: E402


def test_generator_is_deterministic_and_parseable(tmp_path):
    a = generate.generate(tmp_path / "a", 3, seed=11, extra=1, quiet=True)
    b = generate.generate(tmp_path / "b", 2, seed=11, extra=0, quiet=True)
    files_a = sorted((tmp_path / "a" / "texts").iterdir())
    files_b = sorted((tmp_path / "b" / "texts").iterdir())
    assert a["count"] == 3 and len(files_a) == 3 and len(list((tmp_path / "a" / "extra").iterdir())) == 1
    # the first conferences of a bigger run are the same files as a smaller run's
    assert {f.name: f.read_bytes() for f in files_b}.items() <= {f.name: f.read_bytes() for f in files_a}.items()
    rows = generate.load_manifest(tmp_path / "a")
    assert len(rows) == 3
    for row in rows:
        text = (tmp_path / "a" / row["file"]).read_text(encoding="utf-8")
        assert len([p for p in text.split("\n\n") if p.strip()]) == len(row["blocks"])
        assert "Previewers" in text
        assert "reporter:" in text.lower() or "记者:" in text


def test_generated_text_is_not_a_verbatim_copy(tmp_path):
    generate.generate(tmp_path, 5, seed=3, extra=0, quiet=True)
    source = "\n".join(p.read_text(encoding="utf-8") for p in Path(generate.default_corpus()).rglob("*.txt"))
    paras = [p for f in (tmp_path / "texts").iterdir() for p in f.read_text(encoding="utf-8").split("\n\n")
             if len(p) > 300]
    assert paras
    copied = sum(1 for p in paras if p in source)
    assert copied < len(paras) * 0.2


def test_smoke_run_reports_every_row(tmp_path):
    pytest.importorskip("whoosh")
    pytest.importorskip("jieba")
    out = tmp_path / "out.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--smoke", "--work", str(tmp_path / "work"), "--json", str(out),
         "--quiet"],
        capture_output=True, text=True, timeout=300, cwd=str(ROOT),  # 120 s timed out at load 14
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = proc.stdout
    for name in ["ingest throughput (MB/s)", "ingest (conferences/s)", "build time (s)", "index size (MB)",
                 "add one more conference (s)", "cold CLI search", "peak memory (MB)"]:
        assert name in report, name
    for qtype in run.QUERY_TYPES:
        assert f"warm p50 {qtype} (ms)" in report and f"warm p95 {qtype} (ms)" in report, qtype
    data = json.loads(out.read_text(encoding="utf-8"))
    (size,) = data["sizes"]
    assert size["ours_build"]["statuses"].get("failed", 0) == 0, size["ours_build"]["failed"]
    assert size["ours_add_cli"]["rc"] == 0, size["ours_add_cli"]["stderr"]
    series = size["ours_add_series"]
    assert len(series["seconds"]) == 2 and series["failed"] == 0  # --smoke: two adds in a row
    assert "add one, slowest of 2 CLI adds in a row (s)" in report
    assert size["ours_cold"]["median_s"] is not None, size["ours_cold"]
    assert size["ours_queries"]["first_hits"] > 0
    assert size["base_build"]["conferences"] == size["ours_build"]["conferences"]


def test_scale_smoke_reports_every_query_type_against_fts5(tmp_path):
    """benchmarks/scale.py (issue 17): real turns sampled into new conferences, our figures and
    SQLite FTS5's on the same turns, every query type of the mix."""
    pytest.importorskip("whoosh")
    pytest.importorskip("jieba")
    import realgen

    try:
        realgen.default_whitehouse()
    except SystemExit:
        pytest.skip("../shared/real-archives/whitehouse is not beside the checkout")
    out = tmp_path / "scale.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH / "scale.py"), "--smoke", "--work", str(tmp_path / "work"), "--json", str(out),
         "--quiet"],
        capture_output=True, text=True, timeout=600, cwd=str(ROOT),  # ~45 s; minutes at load 14
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    (size,) = data["sizes"]
    build = size["builds"]["2"]
    assert build["statuses"].get("failed", 0) == 0, build["failed"]
    assert build["turns"] >= 700  # the generator's turns are turns of ours
    assert size["fts_build"]["turns"] == build["turns"]  # FTS5 indexes the very same turns
    for qtype in realgen.QUERY_TYPES:
        assert qtype in size["ours_queries"]["types"] and qtype in size["fts_queries"]["types"], qtype
        assert f"warm {qtype} p50 / p95 / max (ms)" in proc.stdout
    # the English queries were drawn by frequency band: rare ones match fewer turns than common ones
    first = size["ours_queries"]["first"]
    rare = [v for k, v in first.items() if k.startswith("english_rare")]
    common = [v for k, v in first.items() if k.startswith("english_common")]
    assert max(common) > 0 and sum(rare) <= sum(common)
    assert all(a["rc"] == 0 for a in size["ours_adds"])
    for row in ["cold CLI search", "add one conference", "build, 2 process(es)", "peak memory (MB)", "ours ÷ FTS5"]:
        assert row in proc.stdout, row


def test_real_turns_are_parsed_back_from_a_briefing(tmp_path):
    import realgen

    src = tmp_path / "b.md"
    src.write_text("---\ndate: '2022-04-01'\ntitle: \"Press Briefing by X, April 1,\\_2022\"\n---\n\n"
                   "Room\n\nMS. PSAKI:\u00a0 Hi, everyone.\nA wrapped\nline.  \n  \n\u00a0 \nSecond paragraph.\n\n"
                   "Q\u00a0 \u00a0 A question?\n\nMS. PSAKI:\u00a0 An answer.\n", encoding="utf-8")
    title, turns = realgen.read_turns(src)
    assert title.startswith("Press Briefing by X")
    assert turns == [("MS. PSAKI", ["Hi, everyone. A wrapped line.", "Second paragraph."]),
                     ("Q", ["A question?"]), ("MS. PSAKI", ["An answer."])]
