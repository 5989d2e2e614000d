"""Add conferences one at a time through the CLI, as a user does, and time each add.

    python benchmarks/adds.py HOME FILE [FILE ...] [--json OUT]

Each add is `pressarchive --home HOME add FILE` in a fresh interpreter (wall time, start-up included).
An add that leaves MERGE_AT small index segments starts a merge in a detached process
(docs/archive.md, "Segments"); the next add starts at once, as a user's would, and waits for the index
lock only if that merge still holds it. Reported: every add's time, the median and the slowest, and
the number of index segments after each add (read when the add returned).
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path


def segments(home: Path) -> int:
    from pressarchive import index
    from pressarchive.archive import Archive

    return len(index.open_index(Archive(home))._segments())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("home", type=Path)
    ap.add_argument("files", type=Path, nargs="+")
    ap.add_argument("--json", type=Path, help="write the results here too")
    args = ap.parse_args(argv)
    rows = []
    for f in args.files:
        t0 = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "pressarchive", "--home", str(args.home), "add", str(f)],
                              capture_output=True, text=True)
        wall = time.perf_counter() - t0
        status = (done.stdout.strip().splitlines() or [done.stderr.strip()])[-1]
        rows.append({"file": f.name, "seconds": round(wall, 3), "rc": done.returncode,
                     "segments_after": segments(args.home), "summary": status})
        print(f"{wall:6.2f} s  rc={done.returncode}  segments={rows[-1]['segments_after']:3d}  {f.name}  {status}")
    times = [r["seconds"] for r in rows]
    result = {"home": str(args.home), "adds": rows, "median_s": statistics.median(times), "max_s": max(times)}
    print(f"median {result['median_s']:.2f} s, slowest {result['max_s']:.2f} s over {len(times)} adds")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0 if all(r["rc"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
