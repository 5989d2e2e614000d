#!/usr/bin/env python3
"""Run a command; report its wall time and its process tree's peak memory (issue 17).

    python benchmarks/treemem.py pressarchive --home H add --quiet FOLDER

The peak is the largest sum of the RSS of the command and all its descendants (parsing and indexing
workers), sampled every 0.1 s with psutil: ``run.py``'s ``_TreeMemory``, which measures ``scale.py``'s
build. The command's output passes through; the figures go to stderr. Exit code: the command's.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import _TreeMemory  # noqa: E402 - beside this file


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python benchmarks/treemem.py COMMAND [ARG ...]", file=sys.stderr)
        return 2
    started = time.perf_counter()
    proc = subprocess.Popen(argv)
    tree = _TreeMemory(proc.pid)
    rc = proc.wait()
    tree.stop()
    print(f"wall {time.perf_counter() - started:.1f} s, peak {tree.peak_mb:.0f} MB (summed over the process tree)",
          file=sys.stderr)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
