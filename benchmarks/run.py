#!/usr/bin/env python3
"""Scale benchmark: pressarchive against the straightforward Whoosh build, at 1,000 and 10,000 conferences.

For each size it measures, through pressarchive's real path and through ``baseline.py``:
ingest throughput (MB/s, conferences/s: parse + store + index, ``Archive.add_sources``, the path of
``pressarchive add FOLDER``), index size, the time to add one more conference (fresh
``pressarchive --home H add FILE``; ``--adds`` of them one after another: the first, the median, the
slowest), warm query latency p50/p95 per query type, a cold CLI search
(fresh ``pressarchive --home H search 集成电路 --format json``, median of several runs) and peak memory
(``ru_maxrss`` of each child process). Every phase runs in its own child process.

Prints a Markdown table (our figure, the baseline's, and the gain: >1 means pressarchive is better)
and writes the figures as JSON under ``benchmarks/out/``.

    nice -n 10 python benchmarks/run.py --sizes 1000,10000
    python benchmarks/run.py --smoke          # a few conferences, seconds; what the test runs
    python benchmarks/run.py --sizes 1000 --profile   # cProfile of the build and the queries
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHECKOUT = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

# Query mix: (type, query text or None, filters). The same strings go to the baseline.
QUERY_TYPES = ["english_term", "english_and", "english_phrase", "chinese_word", "chinese_phrase",
               "filtered", "cross_language"]
QUERIES = [
    ("english_term", "clusters", {}),
    ("english_term", "hydrogen", {}),
    ("english_term", "magnesite", {}),
    ("english_term", "photovoltaics", {}),
    ("english_and", "chemical AND enterprises", {}),
    ("english_and", "green AND factories", {}),
    ("english_and", "industrial AND Internet AND platform", {}),
    ("english_phrase", '"green factories"', {}),
    ("english_phrase", '"advanced manufacturing clusters"', {}),
    ("english_phrase", '"Yangtze River Delta"', {}),
    ("chinese_word", "集成电路", {}),
    ("chinese_word", "产业转移", {}),
    ("chinese_word", "高精尖", {}),
    ("chinese_word", "制造业", {}),
    ("chinese_phrase", '"承接产业转移"', {}),
    ("chinese_phrase", '"高质量发展"', {}),
    ("chinese_phrase", '"工业互联网"', {}),
    ("filtered", "clusters", {"region": "Jiangsu"}),
    ("filtered", "制造业", {"region": "Shanghai", "kind": "answer"}),
    ("filtered", "transfer", {"kind": "question"}),
    ("filtered", "green", {"since": "2020-01-01"}),
    ("cross_language", "integrated circuit", {}),
    ("cross_language", "artificial intelligence", {}),
    ("cross_language", "集群", {}),
]
COLD_QUERY = "集成电路"

TARGETS = {  # issue 7, this 2-core machine
    "ingest_mb_s": (">=", 1.0),
    "build_10k_s": ("<=", 900.0),
    "add_one_s": ("<=", 2.0),
    "warm_p95_ms": ("<=", 100.0),
    "cold_search_s": ("<=", 0.4),
    "peak_mb": ("<=", 2048.0),
}


# --- child processes ------------------------------------------------------------------------------
def child_env() -> dict:
    env = dict(os.environ)
    env.pop("PRESSARCHIVE_HOME", None)
    env.pop("PYTEST_CURRENT_TEST", None)  # the CLI re-raises under pytest; here we want its exit code
    env["PRESSARCHIVE_NO_SEED"] = "1"
    env["PYTHONPATH"] = str(CHECKOUT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def run_child(cmd: list[str], timeout: float | None = None) -> dict:
    """Run a command; wall time, exit code, output and peak RSS (from wait4) of that one process."""
    import tempfile

    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, env=child_env(), cwd=str(CHECKOUT))
        tree = _TreeMemory(proc.pid)  # ru_maxrss is one process's peak; a build also runs workers
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        tree.stop()
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return {"wall": wall, "rc": proc.returncode, "stdout": out.decode("utf-8", "replace"), "stderr": stderr,
            "maxrss_mb": max(usage.ru_maxrss / 1024.0, tree.peak_mb)}


class _TreeMemory:
    """The peak of the summed RSS of a process and its descendants, sampled every 0.1 s (psutil)."""

    def __init__(self, pid: int):
        import threading

        self.peak_mb = 0.0
        self._done = threading.Event()
        try:
            import psutil

            self._root = psutil.Process(pid)
        except Exception:  # noqa: BLE001 - no psutil: ru_maxrss alone
            return
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self) -> None:
        while not self._done.wait(0.1):
            try:
                procs = [self._root, *self._root.children(recursive=True)]
                total = 0
                for p in procs:
                    try:
                        total += p.memory_info().rss
                    except Exception:  # noqa: BLE001 - it ended meanwhile
                        continue
            except Exception:  # noqa: BLE001
                return
            self.peak_mb = max(self.peak_mb, total / 2**20)

    def stop(self) -> None:
        self._done.set()


def worker(name: str, **kwargs) -> dict:
    """Run one phase of this file in a fresh interpreter; its JSON result plus wall time and peak RSS."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", name, "--worker-args", json.dumps(kwargs)]
    r = run_child(cmd)
    if r["rc"] != 0:
        raise SystemExit(f"worker {name} failed (exit {r['rc']}):\n{r['stderr'][-4000:]}")
    result = json.loads(r["stdout"].strip().splitlines()[-1])
    result["process_wall_s"] = r["wall"]
    result["peak_mb"] = r["maxrss_mb"]
    return result


def cli_cmd(home: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "pressarchive", "--home", str(home), *args]


def du(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(root, f)).st_size
            except OSError:
                pass
    return total


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


# --- workers (run in their own process) -----------------------------------------------------------
def _profiled(args: dict, label: str, fn):
    if not args.get("profile"):
        return fn()
    import cProfile
    import io
    import pstats

    prof = cProfile.Profile()
    result = prof.runcall(fn)
    out = Path(args["profile"])
    out.mkdir(parents=True, exist_ok=True)
    prof.dump_stats(str(out / f"{label}.prof"))
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)
    (out / f"{label}.txt").write_text(buf.getvalue(), encoding="utf-8")
    return result


def w_ours_build(args: dict) -> dict:
    """Parse, store and index the first N generated files, as ``pressarchive add FOLDER`` does."""
    import pressarchive.index as index_mod
    import pressarchive.ingest as ingest_mod
    from generate import load_manifest
    from pressarchive.archive import Archive

    gen, home = Path(args["gen"]), Path(args["home"])
    rows = load_manifest(gen, limit=args["n"])
    files = [str(gen / r["file"]) for r in rows]
    spent = {"parse": 0.0, "index": 0.0}

    depth = {"index": 0}

    def timed(key, fn):
        def wrapper(*a, **k):
            t = time.perf_counter()
            depth[key] = depth.get(key, 0) + 1
            try:
                return fn(*a, **k)
            finally:
                depth[key] -= 1
                if not depth[key]:  # the outermost call only (sync -> rebuild / update)
                    spent[key] += time.perf_counter() - t
        return wrapper

    ingest_mod.ingest_bytes = timed("parse", ingest_mod.ingest_bytes)
    index_mod.update = timed("index", index_mod.update)
    index_mod.sync = timed("index", index_mod.sync)  # a bulk add indexes once, at the end
    archive = Archive(home)

    def build():
        # the whole folder in one add_sources call, as `pressarchive add FOLDER` does: batches are
        # stored, then indexed once (--build-budget is the target the time is reported against)
        t0 = time.perf_counter()
        outcomes = archive.add_sources(files)
        t1 = time.perf_counter()
        index_mod.ensure_index(archive)  # whatever the adds left for later
        return outcomes, t1 - t0, time.perf_counter() - t1

    outcomes, add_s, ensure_s = _profiled(args, f"ours-build-{args['n']}", build)
    failed = [(o.source, o.reason) for o in outcomes if o.status == "failed"]
    statuses: dict = {}
    for o in outcomes:
        statuses[o.status] = statuses.get(o.status, 0) + 1
    total = add_s + ensure_s
    done = len(outcomes)
    return {
        "conferences": done, "requested": len(files), "complete": done == len(files),
        "bytes": sum(r["bytes"] for r in rows[:done]), "seconds": total,
        "add_sources_s": add_s, "ensure_index_s": ensure_s, "parse_s": spent["parse"], "index_s": spent["index"],
        "store_s": add_s - spent["parse"] - spent["index"], "statuses": statuses, "failed": failed[:10],
        "turns": sum(o.turns for o in outcomes),
    }


def w_ours_reindex(args: dict) -> dict:
    """A full rebuild of the index from the corpus (``pressarchive reindex``)."""
    import pressarchive.index as index_mod
    from pressarchive.archive import Archive

    archive = Archive(Path(args["home"]))
    t0 = time.perf_counter()
    _profiled(args, f"ours-reindex-{args['n']}", lambda: index_mod.rebuild(archive))
    return {"seconds": time.perf_counter() - t0}


def _ours_search(archive, query, filters, limit=10):
    from pressarchive import search as search_mod

    flt = search_mod.Filters(**filters) if filters else None
    return search_mod.search(archive, query, flt, limit, "relevance")


def _hit_count(result) -> int:
    total = getattr(result, "total", None)
    if total is not None:
        return int(total)
    hits = getattr(result, "hits", result)
    return len(hits)


def _latencies(run_one, reps: int, profile_label: str | None, args: dict) -> dict:
    per_type: dict = {t: [] for t in QUERY_TYPES}
    hits: dict = {}
    for qtype, text, filters in QUERIES:  # warm up: open the searcher, load what is cached
        hits[f"{qtype}: {text} {filters or ''}".strip()] = run_one(text, filters)

    def timed_runs():
        for _ in range(reps):
            for qtype, text, filters in QUERIES:
                t = time.perf_counter()
                run_one(text, filters)
                per_type[qtype].append((time.perf_counter() - t) * 1000.0)

    if profile_label:
        _profiled(args, profile_label, timed_runs)
    else:
        timed_runs()
    return {
        "p50_ms": {t: pct(v, 0.5) for t, v in per_type.items()},
        "p95_ms": {t: pct(v, 0.95) for t, v in per_type.items()},
        "hits": hits,
    }


def w_ours_queries(args: dict) -> dict:
    from pressarchive.archive import Archive

    archive = Archive(Path(args["home"]))
    t0 = time.perf_counter()
    first = _ours_search(archive, "clusters", {})
    first_s = time.perf_counter() - t0
    res = _latencies(lambda q, f: _hit_count(_ours_search(archive, q, f)), args["reps"],
                     f"ours-queries-{args['n']}" if args.get("profile") else None, args)
    res["first_query_s"] = first_s
    res["first_hits"] = _hit_count(first)
    return res


def w_ours_add_api(args: dict) -> dict:
    """One more conference through the Python API (no interpreter start)."""
    from pressarchive.archive import Archive

    archive = Archive(Path(args["home"]))
    raw = Path(args["file"]).read_bytes()
    t0 = time.perf_counter()
    outcome = archive.add_bytes(raw, Path(args["file"]).name, None)
    return {"seconds": time.perf_counter() - t0, "status": outcome.status}


def w_base_build(args: dict) -> dict:
    import baseline
    from generate import load_manifest

    gen = Path(args["gen"])
    rows = load_manifest(gen, limit=args["n"])
    return _profiled(args, f"base-build-{args['n']}", lambda: baseline.build(gen, Path(args["index"]), rows))


def w_base_queries(args: dict) -> dict:
    import baseline
    from whoosh import index

    ix = index.open_dir(args["index"])
    with ix.searcher() as searcher:
        return _latencies(lambda q, f: len(baseline.run_query(searcher, ix, q, f)), args["reps"], None, args)


def w_base_add(args: dict) -> dict:
    import baseline
    from generate import load_manifest

    gen = Path(args["gen"])
    row = load_manifest(gen, folder="extra", limit=1)[0]
    return baseline.add(gen, Path(args["index"]), row)


WORKERS = {
    "ours-build": w_ours_build, "ours-reindex": w_ours_reindex, "ours-queries": w_ours_queries,
    "ours-add-api": w_ours_add_api, "base-build": w_base_build, "base-queries": w_base_queries,
    "base-add": w_base_add,
}


# --- the run --------------------------------------------------------------------------------------
def cold_runs(cmd: list[str], runs: int) -> dict:
    warm = run_child(cmd)  # builds anything left to build, fills the OS page cache: not counted
    if warm["rc"] != 0:
        return {"error": (warm["stderr"] or warm["stdout"])[-2000:], "median_s": None, "runs": []}
    times, peaks = [], []
    for _ in range(runs):
        r = run_child(cmd)
        times.append(r["wall"])
        peaks.append(r["maxrss_mb"])
    return {"median_s": statistics.median(times), "runs": times, "peak_mb": max(peaks),
            "output_bytes": len(warm["stdout"])}


def machine() -> dict:
    info = {"nproc": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    try:
        info["free_h"] = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.strip()
    except OSError:
        pass
    try:
        with open("/proc/cpuinfo") as fh:
            info["cpu"] = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "")
    except OSError:
        pass
    try:
        info["loadavg"] = os.getloadavg()
    except OSError:
        pass
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=CHECKOUT)
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "pressarchive"], capture_output=True,
                               text=True, cwd=CHECKOUT)
        info["git"] = rev.stdout.strip() + (" (pressarchive/ modified)" if dirty.stdout.strip() else "")
    except OSError:
        pass
    try:
        import whoosh

        info["whoosh"] = ".".join(map(str, whoosh.versioninfo))
    except Exception:  # noqa: BLE001
        pass
    return info


def bench_size(n: int, gen: Path, work: Path, args, log) -> dict:
    from generate import load_manifest

    extra = load_manifest(gen, folder="extra")
    res: dict = {"conferences": n, "loadavg_start": os.getloadavg()}
    home = work / f"ours-{n}"
    base_ix = work / f"base-{n}"
    for p in (home, base_ix):
        if p.exists():
            shutil.rmtree(p)
    prof = str(work / "profile") if args.profile else None

    log(f"[{n}] pressarchive: parse + store + index (add_sources) ...")
    b = worker("ours-build", gen=str(gen), home=str(home), n=n, profile=prof, budget=args.build_budget)
    res["ours_build"] = b
    log(f"[{n}]   {b['conferences']} conferences in {b['seconds']:.1f} s, {b['bytes'] / 1e6 / b['seconds']:.2f} MB/s, "
        f"statuses {b['statuses']}")
    res["ours_index_bytes"] = du(home / "index")
    res["ours_corpus_bytes"] = du(home / "corpus")
    if args.reindex:
        log(f"[{n}] pressarchive: reindex from the corpus ...")
        res["ours_reindex"] = worker("ours-reindex", home=str(home), n=n, profile=prof)
        res["ours_index_bytes_after_reindex"] = du(home / "index")
    log(f"[{n}] pressarchive: warm queries ...")
    res["ours_queries"] = worker("ours-queries", home=str(home), n=n, reps=args.reps, profile=prof)
    log(f"[{n}] pressarchive: cold CLI search ...")
    res["ours_cold"] = cold_runs(cli_cmd(home, "search", COLD_QUERY, "--format", "json"), args.cold_runs)
    log(f"[{n}] pressarchive: add {args.adds} more conferences, one CLI add after another ...")
    series = []
    for row in extra[:args.adds]:  # as a user adds them: the next add starts when the last returns
        r = run_child(cli_cmd(home, "add", str(gen / row["file"])))
        series.append({"seconds": r["wall"], "rc": r["rc"], "peak_mb": r["maxrss_mb"],
                       "stderr": r["stderr"][-1000:], "stdout": r["stdout"][-1000:]})
    res["ours_add_cli"] = series[0]
    times = [a["seconds"] for a in series]
    res["ours_add_series"] = {"seconds": times, "median_s": statistics.median(times), "max_s": max(times),
                              "failed": sum(1 for a in series if a["rc"] != 0)}
    if len(extra) > args.adds and not args.smoke:
        time.sleep(5)  # a merge an add started in the background is done
        res["ours_add_api"] = worker("ours-add-api", home=str(home), file=str(gen / extra[args.adds]["file"]))
    res["ours_peak_mb"] = max(x for x in (b["peak_mb"], res["ours_queries"]["peak_mb"],
                                          res["ours_cold"].get("peak_mb") or 0,
                                          *(a["peak_mb"] for a in series),
                                          res.get("ours_reindex", {}).get("peak_mb", 0)))

    if n <= args.baseline_max:
        log(f"[{n}] baseline: build ...")
        bb = worker("base-build", gen=str(gen), index=str(base_ix), n=n, profile=prof)
        res["base_build"] = bb
        log(f"[{n}]   {bb['seconds']:.1f} s, {bb['bytes'] / 1e6 / bb['seconds']:.2f} MB/s")
        res["base_index_bytes"] = du(base_ix)
        log(f"[{n}] baseline: warm queries ...")
        res["base_queries"] = worker("base-queries", index=str(base_ix), reps=args.reps)
        log(f"[{n}] baseline: cold search ...")
        res["base_cold"] = cold_runs([sys.executable, str(HERE / "baseline.py"), "search", str(base_ix), COLD_QUERY],
                                     args.cold_runs)
        ba = worker("base-add", gen=str(gen), index=str(base_ix))
        res["base_add"] = ba
        res["base_peak_mb"] = max(bb["peak_mb"], res["base_queries"]["peak_mb"],
                                  res["base_cold"].get("peak_mb") or 0, ba["peak_mb"])
    res["loadavg_end"] = os.getloadavg()
    if not args.keep:
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(base_ix, ignore_errors=True)
    return res


# --- the report -----------------------------------------------------------------------------------
def rows_for(res: dict) -> list[tuple[str, float | None, float | None, bool, str]]:
    """(metric, ours, baseline, higher_is_better, target) for one size."""
    ob, bb = res["ours_build"], res.get("base_build")
    oq, bq = res["ours_queries"], res.get("base_queries")
    n = res["conferences"]
    rows = [
        ("ingest throughput (MB/s)", ob["bytes"] / 1e6 / ob["seconds"],
         bb and bb["bytes"] / 1e6 / bb["seconds"], True, ">= 1"),
        ("ingest (conferences/s)", ob["conferences"] / ob["seconds"],
         bb and bb["conferences"] / bb["seconds"], True, ""),
        ("build time (s)" if ob.get("complete", True) else f"build time (s; ours stopped at {ob['conferences']:,})",
         ob["seconds"] if ob.get("complete", True) else None, bb and bb["seconds"], False,
         "<= 900 at 10,000" if n >= 10000 else ""),
        ("index size (MB)", res["ours_index_bytes"] / 1e6, bb and res["base_index_bytes"] / 1e6, False, ""),
        ("add one more conference (s)", res["ours_add_cli"]["seconds"], res.get("base_add", {}).get("seconds"),
         False, "<= 2"),
    ]
    series = res.get("ours_add_series")
    if series and len(series["seconds"]) > 1:
        k = len(series["seconds"])
        rows.append((f"add one, median of {k} CLI adds in a row (s)", series["median_s"], None, False, "<= 2"))
        rows.append((f"add one, slowest of {k} CLI adds in a row (s)", series["max_s"], None, False, "<= 2"))
    for t in QUERY_TYPES:
        rows.append((f"warm p50 {t} (ms)", oq["p50_ms"][t], bq and bq["p50_ms"][t], False, ""))
        rows.append((f"warm p95 {t} (ms)", oq["p95_ms"][t], bq and bq["p95_ms"][t], False, "<= 100"))
    rows.append(("cold CLI search 集成电路 (s, median)", res["ours_cold"].get("median_s"),
                 res.get("base_cold", {}).get("median_s"), False, "<= 0.4"))
    rows.append(("peak memory (MB)", res["ours_peak_mb"], res.get("base_peak_mb"), False, "<= 2048"))
    return rows


def fmt(v) -> str:
    if v is None:
        return "n/a"
    if isinstance(v, float) and v != v:
        return "n/a"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def gain(ours, base, higher_better: bool):
    if not ours or not base or ours != ours or base != base:
        return None
    return ours / base if higher_better else base / ours


def markdown(results: dict) -> str:
    lines = []
    for res in results["sizes"]:
        ob = res["ours_build"]
        bb = res.get("base_build") or {}
        if ob.get("complete", True):
            lines.append(f"### {res['conferences']:,} conferences ({ob['bytes'] / 1e6:.1f} MB of text, "
                         f"{ob.get('turns', 0):,} turns)")
        else:
            lines.append(f"### {res['conferences']:,} conferences (ours: {ob['conferences']:,} of them, "
                         f"{ob['bytes'] / 1e6:.1f} MB, {ob.get('turns', 0):,} turns; baseline: "
                         f"{bb.get('conferences', 0):,}, {bb.get('bytes', 0) / 1e6:.1f} MB)")
            lines.append("")
            lines.append(f"**Our build did not finish within the time budget: {ob['conferences']:,} of "
                         f"{ob['requested']:,} conferences stored in {ob['seconds']:.0f} s.** The pressarchive "
                         f"column below is measured on that partial archive; the baseline's on all of them.")
        lines.append("")
        lines.append("| metric | pressarchive | baseline | gain (×, >1 = better) | target |")
        lines.append("|---|---:|---:|---:|---|")
        for name, ours, base, hb, target in rows_for(res):
            lines.append(f"| {name} | {fmt(ours)} | {fmt(base)} | {fmt(gain(ours, base, hb))} | {target} |")
        lines.append("")
        parse = (f"parse {ob['parse_s']:.1f} s, " if ob["parse_s"] >= 0.05 else "")
        where = "store (write + lock + journal)" if parse else "parse in worker processes + store"
        lines.append(f"Build split: {parse}index {ob['index_s']:.1f} s, "
                     f"{where} {ob['store_s']:.1f} s, final ensure_index "
                     f"{ob['ensure_index_s']:.1f} s; first query in a fresh process "
                     f"{res['ours_queries']['first_query_s']:.2f} s.")
        if "ours_reindex" in res:
            lines.append(f"Full reindex from the corpus: {res['ours_reindex']['seconds']:.1f} s.")
        if "ours_add_api" in res:
            lines.append(f"Add one more through the API (no interpreter start): "
                         f"{res['ours_add_api']['seconds']:.2f} s.")
        if res["ours_add_cli"]["rc"] != 0:
            lines.append(f"**CLI add failed** (exit {res['ours_add_cli']['rc']}): "
                         f"{res['ours_add_cli']['stderr'].strip()[-300:]}")
        if res["ours_cold"].get("error"):
            lines.append(f"**CLI search failed**: {res['ours_cold']['error'].strip()[-300:]}")
        if ob.get("failed"):
            lines.append(f"**{ob['statuses'].get('failed', 0)} files failed to ingest**, e.g. {ob['failed'][:3]}")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="pressarchive scale benchmark")
    ap.add_argument("--sizes", default="1000,10000", help="comma-separated conference counts (default 1000,10000)")
    ap.add_argument("--smoke", action="store_true", help="a few conferences, 2 repetitions: seconds")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--corpus", type=Path, default=None, help="real transcripts to sample (default ../shared/corpus)")
    ap.add_argument("--work", type=Path, default=None, help="work folder (default benchmarks/out/work)")
    ap.add_argument("--reps", type=int, default=20, help="timed repetitions of the query mix (default 20)")
    ap.add_argument("--cold-runs", type=int, default=5, help="fresh-process searches (default 5)")
    ap.add_argument("--baseline-max", type=int, default=10**9, help="build the baseline only up to this size")
    ap.add_argument("--build-budget", type=float, default=None,
                    help="the time our build should take (reported against; the build always completes)")
    ap.add_argument("--reindex", action="store_true", help="also time a full reindex from the corpus")
    ap.add_argument("--adds", type=int, default=10, help="conferences added one CLI add at a time (default 10)")
    ap.add_argument("--profile", action="store_true", help="cProfile the build and queries into WORK/profile/")
    ap.add_argument("--keep", action="store_true", help="keep the archives and indexes built")
    ap.add_argument("--json", type=Path, default=None, help="where to write the JSON (default benchmarks/out/)")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--report", type=Path, default=None, help="print the table of a saved JSON file and stop")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--worker-args", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker:
        result = WORKERS[args.worker](json.loads(args.worker_args))
        print(json.dumps(result, ensure_ascii=False, default=str))
        return 0

    if args.report:
        print(markdown(json.loads(args.report.read_text(encoding="utf-8"))))
        return 0

    if args.smoke:
        sizes = [3]
        args.adds = min(args.adds, 2)
        args.reps = min(args.reps, 1)
        args.cold_runs = min(args.cold_runs, 1)
    else:
        sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    work = args.work or OUT / "work"
    work.mkdir(parents=True, exist_ok=True)

    def log(msg: str) -> None:
        if not args.quiet:
            print(msg, file=sys.stderr, flush=True)

    from generate import generate

    gen = work / "gen"
    summary_file = gen / "summary.json"
    want = max(sizes)
    have = json.loads(summary_file.read_text()) if summary_file.is_file() else {}
    extra = max(2, args.adds + 1)
    if have.get("count", 0) < want or have.get("seed") != args.seed or have.get("extra", 0) < extra:
        if gen.exists():
            shutil.rmtree(gen)
        log(f"generating {want} conferences (seed {args.seed}) ...")
        have = generate(gen, want, seed=args.seed, corpus=args.corpus, extra=extra, quiet=args.quiet)
    log(f"generated text: {have['bytes'] / 1e6:.1f} MB for {have['count']} conferences")

    started = time.strftime("%Y-%m-%dT%H:%M:%S")
    results = {"started": started, "command": " ".join([Path(sys.executable).name] + sys.argv),
               "machine": machine(), "generator": have, "queries": QUERIES, "cold_query": COLD_QUERY,
               "targets": TARGETS, "sizes": []}
    for n in sizes:
        results["sizes"].append(bench_size(n, gen, work, args, log))
    results["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S")

    report = markdown(results)
    print(report)
    path = args.json or OUT / f"results-{'smoke' if args.smoke else '-'.join(map(str, sizes))}-{started.replace(':', '')}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    log(f"figures written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
