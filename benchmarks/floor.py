#!/usr/bin/env python3
"""Where a warm search's time goes: CPU ms of each part of ``search.search`` (records, highlights,
opening the index, the query itself, ...), each part timed by wrapping its function, averaged over
N warm searches with the NumPy evaluator.

    python benchmarks/floor.py HOME QUERY [N]

Use a copy of an archive nobody adds to meanwhile.
"""
from __future__ import annotations

import functools
import sys
import time


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    from pressarchive import evaluate, index
    from pressarchive import search as S
    from pressarchive.archive import Archive

    home, text = argv[0], argv[1]
    n = int(argv[2]) if len(argv) > 2 else 10
    spent: dict[str, float] = {}

    def wrap(owner, name: str, label: str) -> None:
        real = getattr(owner, name)

        @functools.wraps(real)
        def timed(*args, **kwargs):
            t = time.process_time()
            try:
                return real(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.process_time() - t

        setattr(owner, name, timed)

    wrap(index, "open_for_reading", "opening the index and its checks")
    wrap(S, "_noted", "loading the page's records")
    wrap(S, "_hit", "hit dicts and highlights")
    wrap(evaluate, "matches", "the query (evaluate.matches)")
    wrap(evaluate.Matches, "having", "pairs (Matches.having)")
    wrap(S, "_matched_terms", "_matched_terms")
    wrap(S, "expand_query", "cross-language expansion")
    wrap(S, "parse_query", "parsing")
    archive = Archive(home)
    archive.settings = archive.settings.with_(evaluator="numpy")
    S.search(archive, text, None, 10)  # warm-up
    spent.clear()
    t = time.process_time()
    for _ in range(n):
        S.search(archive, text, None, 10)
    total = (time.process_time() - t) * 1000 / n
    print(f"{text}: {total:.1f} ms CPU a search ({n} warm searches)")
    for label, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {label:34s} {seconds * 1000 / n:6.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
