#!/usr/bin/env python3
"""The NumPy evaluator against Whoosh's matchers on one archive: the same queries through both
paths in one process (the ``evaluator`` setting ``whoosh``, then ``numpy``), CPU time of the best of
``REPS`` warm searches each, and every hit, score and count compared.

    python benchmarks/evalcompare.py HOME benchmarks/out/scale/gen/queries.json [REPS]

Use a copy of an archive nobody adds to meanwhile (an add changes counts and scores).
"""
from __future__ import annotations

import json
import sys
import time


def run(archive, queries, mode: str, reps: int):
    from pressarchive import search as S
    from pressarchive.errors import QueryError

    archive.settings = archive.settings.with_(evaluator=mode)
    out, times = {}, {}
    for qtype, text, filters in queries:
        key = (qtype, text, json.dumps(filters, ensure_ascii=False))
        flt = S.Filters(**filters) if filters else None
        try:
            S.search(archive, text, flt, 10)
            best = float("inf")
            for _ in range(reps):
                t0 = time.process_time()
                res = S.search(archive, text, flt, 10)
                best = min(best, time.process_time() - t0)
        except QueryError as err:
            out[key] = str(err)
            continue
        out[key] = (res.total, res.total_exact, [(h["turn"]["id"], h["score"]) for h in res.hits])
        times[key] = best * 1000.0
    return out, times


def main(argv: list[str]) -> int:
    from pressarchive.archive import Archive

    if len(argv) < 2:
        print(__doc__)
        return 2
    archive = Archive(argv[0])
    queries = json.loads(open(argv[1], encoding="utf-8").read())
    reps = int(argv[2]) if len(argv) > 2 else 1
    theirs, t_whoosh = run(archive, queries, "whoosh", reps)
    ours, t_numpy = run(archive, queries, "numpy", reps)
    differences = 0
    print(f"{'type':15s} {'query':32s} {'whoosh ms':>10s} {'numpy ms':>10s}  total")
    for key in theirs:
        if theirs[key] != ours[key]:
            differences += 1
            print("DIFFERENT:", key, theirs[key], ours[key])
        total = theirs[key][0] if isinstance(theirs[key], tuple) else theirs[key]
        print(f"{key[0]:15s} {(key[1] + ' ' + (key[2] if key[2] != '{}' else ''))[:32]:32s} "
              f"{t_whoosh.get(key, 0):10.1f} {t_numpy.get(key, 0):10.1f}  {total}")
    print(f"differences: {differences}")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
