"""Load (issue 8, part 4): many ``pressarchive search`` processes at once while an ``add`` of several
files runs. Every search answers (exit 0 with hits, or exit 1 with "No turns matched"), none fails or
waits forever,
and the add completes with the archive consistent (``check`` clean).

The searches are the real command (``python -m pressarchive``); the add is the real command with a
short pause before each conference is written, so that it is still running while the searches go.
``PRESSARCHIVE_LOAD_ROUNDS=N`` sets the minimum number of rounds (default 2).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT

PARALLEL = 6
MIN_ROUNDS = max(1, int(os.environ.get("PRESSARCHIVE_LOAD_ROUNDS", "2") or 2))
MAX_ROUNDS = MIN_ROUNDS + 12
DEADLINE = 150.0  # seconds for the whole test: a hung search fails it rather than CI
NEW_FILES = 6

QUERIES = [
    ["集成电路"], ["industrial clusters"], ["industry", "--region", "Jiangsu"], ["产业转移", "--format", "json"],
    ["new energy vehicles", "--kind", "answer"], ["load item", "--sort", "date"], ["--speaker", "张宏韬"],
    ["manufacturing OR 制造业", "--limit", "3"], ['"regional coordinated development"'], ["progress", "--lang", "en"],
]

SLOW_ADD = r"""
import os, sys, time
from pressarchive import corpus
pause = float(os.environ.get("PAUSE", "0"))
real_write = corpus.Corpus.write_conference
def _write(self, *a, **k):
    time.sleep(pause)
    return real_write(self, *a, **k)
corpus.Corpus.write_conference = _write
from pressarchive.cli import main
main(sys.argv[1:])
"""

BODY = """Transcript of the Ministry of Commerce press conference on {topic}

June {day}, 2023

Zhao Ming: Good afternoon. Today Director-General Li Hong will introduce {topic} and industry.

Li Hong: Thank you. In the first quarter, work on {topic} made steady progress in manufacturing.

Xinhua News Agency Reporter: What new measures on {topic} will support industrial clusters this year?

Li Hong: We will keep improving policies on {topic} and support companies in Jiangsu and Shanghai.

Zhao Ming: That concludes today's press conference. Thank you.
"""


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PRESSARCHIVE_"))}
    env.update(PRESSARCHIVE_HOME=str(home), PRESSARCHIVE_NO_SEED="1", PRESSARCHIVE_MERGE="inline", COLUMNS="120", **extra)
    return env


def _search(home: Path, args: list[str]) -> tuple[subprocess.Popen, float, list[str]]:
    proc = subprocess.Popen([sys.executable, "-m", "pressarchive", "search", *args], env=_env(home),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return proc, time.monotonic(), args


def test_parallel_searches_while_adding(archive_home, tmp_path):
    home = archive_home
    shutil.rmtree(home)
    home.mkdir()
    shutil.copytree(ROOT / "corpus", home / "corpus")
    built = subprocess.run([sys.executable, "-m", "pressarchive", "search", "industry"], env=_env(home),
                           capture_output=True, text=True, timeout=120)  # builds the index and its lexicon
    assert built.returncode == 0, built.stderr
    folder = tmp_path / "incoming"
    folder.mkdir()
    for i in range(NEW_FILES):
        (folder / f"load-{i}.txt").write_text(BODY.format(topic=f"load item {i}", day=i + 1), encoding="utf-8")

    start = time.monotonic()
    adder = subprocess.Popen([sys.executable, "-c", SLOW_ADD, "add", str(folder)], env=_env(home, PAUSE="0.25"),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    results: list[dict] = []
    add_end = None
    rounds = 0
    while rounds < MAX_ROUNDS and (rounds < MIN_ROUNDS or adder.poll() is None):
        assert time.monotonic() - start < DEADLINE, "the load test ran out of time"
        batch = [_search(home, QUERIES[(rounds * PARALLEL + i) % len(QUERIES)]) for i in range(PARALLEL)]
        for proc, began, args in batch:
            out, err = proc.communicate(timeout=max(5.0, DEADLINE - (time.monotonic() - start)))
            results.append({"args": args, "code": proc.returncode, "out": out, "err": err,
                            "began": began - start, "took": time.monotonic() - began,
                            "during_add": adder.poll() is None or add_end is None})
        if adder.poll() is not None and add_end is None:
            add_end = time.monotonic() - start
        rounds += 1
    out, err = adder.communicate(timeout=max(5.0, DEADLINE - (time.monotonic() - start)))
    add_end = add_end or time.monotonic() - start

    failed = [r for r in results if r["code"] not in (0, 1) or "Error" in r["err"] or "Traceback" in r["err"]
              or not r["out"].strip() or (r["code"] == 1 and "No turns matched" not in r["out"])]
    assert not failed, json.dumps(failed[:3], ensure_ascii=False, indent=1)
    overlapped = [r for r in results if r["began"] < add_end]
    assert len(overlapped) >= PARALLEL, "no search ran while the add was running: the test proves nothing"
    assert adder.returncode == 0, out + err
    assert out.splitlines()[-1] == f"{NEW_FILES} added, 0 updated, 0 unchanged, 0 failed", out

    check = subprocess.run([sys.executable, "-m", "pressarchive", "check"], env=_env(home),
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0 and check.stdout.rstrip().endswith(": ok"), check.stdout + check.stderr
    found = subprocess.run([sys.executable, "-m", "pressarchive", "search", "load item", "--format", "json",
                            "--limit", "100"], env=_env(home), capture_output=True, text=True, timeout=120)
    conferences = {h["conference"]["id"] for h in json.loads(found.stdout)["hits"]}
    assert len(conferences) == NEW_FILES

    report = os.environ.get("PRESSARCHIVE_FUZZ_REPORT")
    if report:
        took = sorted(r["took"] for r in results)
        with open(report, "a", encoding="utf-8") as f:
            f.write(json.dumps({"module": __name__, "load": {
                "rounds": rounds, "parallel": PARALLEL, "searches": len(results), "failed": len(failed),
                "during_add": len(overlapped), "add_seconds": round(add_end, 2),
                "search_seconds_median": round(took[len(took) // 2], 2), "search_seconds_max": round(took[-1], 2),
            }}) + "\n")
