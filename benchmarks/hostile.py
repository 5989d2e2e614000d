#!/usr/bin/env python3
"""Speed on hostile inputs: what the unit tests used to time (they now only catch a hang, with
pytest-timeout). Each case runs once after a warm-up and is reported against its target; the exit
status is 1 when one is over.

    python benchmarks/hostile.py            # from the checkout (the sample archive is indexed once)
    python benchmarks/hostile.py --json out.json

| case | target | why the target |
|---|---|---|
| 10,000 nested divs | 5 s | linear ~0.4 s; the quadratic container walk took minutes |
| 5,000 unclosed inline tags (span, b, i) | 15 s each | no block container to score |
| five 3 MB single lines, 0.5 MB of labelled lines | 60 s each | the parser is linear per line |
| a 12,000-character query (Latin, Chinese) | 0.5 s | linear well under 0.1 s; quadratic ~1.2 s |
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(CHECKOUT))

HUGE = 3 * 1024 * 1024


def _sample_text() -> str:
    raw = sorted((CHECKOUT / "corpus").glob("*/raw.txt"))
    return raw[0].read_text(encoding="utf-8") if raw else "Host: Welcome.\n\nReporter: A question?\n"


def _ingest(raw: bytes, name: str) -> None:
    from pressarchive.errors import PressArchiveError
    from pressarchive.ingest import ingest_bytes

    try:
        ingest_bytes(raw, name)
    except PressArchiveError:
        pass


def cases() -> list[tuple[str, float, object]]:
    sample = _sample_text()
    inner = "\n".join(sample.splitlines()[5:30])
    out: list[tuple[str, float, object]] = [
        ("10,000 nested divs", 5.0, lambda: _ingest(
            ("<html><body>" + "<div>" * 10_000 + inner + "</div>" * 10_000 + "</body></html>").encode(), "d.html")),
    ]
    for tag in ("span", "b", "i"):
        out.append((f"5,000 unclosed <{tag}>", 15.0, lambda tag=tag: _ingest(
            ("<html><body><p>" + f"<{tag}>" * 5000 + inner).encode(), "d.html")))
    lines = {
        "3 MB English line after a label": lambda: "Li Hong: " + "growth " * (HUGE // 7),
        "3 MB line without spaces": lambda: "Q: " + "x" * HUGE,
        "3 MB Chinese line": lambda: "张宏韬：" + "集成电路产业" * (HUGE // 18),
        "3 MB of colons": lambda: "a:" * (HUGE // 2),
        "the sample, then a 3 MB line": lambda: sample + "\n\nLi Hong: " + "growth, " * (HUGE // 8),
        "0.5 MB of labelled lines": lambda: "\n".join(f"Speaker {i}: word." for i in range(HUGE // 108)),
    }
    for name, make in lines.items():
        out.append((name, 60.0, lambda make=make: _ingest(make().encode("utf-8"), "huge.txt")))
    return out


def query_cases(home: Path) -> list[tuple[str, float, object]]:
    from pressarchive.errors import QueryError
    from pressarchive.search import Filters, search
    from pressarchive.archive import Archive

    archive = Archive(home)

    def run(text: str) -> None:
        try:
            search(archive, text, Filters(), limit=3)
        except QueryError:
            pass

    return [("12,000-character query (Latin)", 0.5, lambda: run("a" * 12_000)),
            ("12,000-character query (Chinese)", 0.5, lambda: run("集" * 12_000))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="pressarchive: speed on hostile inputs")
    ap.add_argument("--json", type=Path, help="write the figures here too")
    args = ap.parse_args(argv)
    from pressarchive import index
    from pressarchive.archive import Archive

    work = Path(tempfile.mkdtemp(prefix="pa-hostile-"))
    try:
        shutil.copytree(CHECKOUT / "corpus", work / "corpus")
        index.rebuild(Archive(work))
        rows, over = [], 0
        for name, target, fn in cases() + query_cases(work):
            fn()  # warm-up (imports, caches)
            start = time.perf_counter()
            fn()
            took = time.perf_counter() - start
            ok = took <= target
            over += not ok
            rows.append({"case": name, "seconds": round(took, 3), "target": target, "ok": ok})
            print(f"{'ok  ' if ok else 'SLOW'} {took:8.3f} s  (target {target:g} s)  {name}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
