#!/usr/bin/env python3
"""Score the search ranking against the judged relevance set (tests/relevance/README.md).

    python tests/relevance/evaluate.py --home /tmp/wh [--build] [--cmd "python -m pressarchive"]
    python tests/relevance/evaluate.py --home /tmp/wh --pool pool.jsonl   # unjudged hits to read and grade
    python tests/relevance/evaluate.py --run runs/baseline.json           # score a saved run again

Each query of queries.json runs as ``pressarchive search QUERY --format json --limit 20`` (through the
command line, as a user runs it). A hit is looked up in judgments.jsonl by a key that survives a
rebuild: a hash of the turn's text with case, spaces and punctuation folded away (turn ids change when
conference identity changes; the text does not). A hit that carries its answer (``answer``) counts
the better of the two grades. Reports nDCG@10 and P@5 (grade >= 2 is relevant) overall and by query
group, the share of the top 10 that is judged, and "substance": the share of top-5 hits with 25 words
or more over the topical queries.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import shlex
import subprocess
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUERIES = HERE / "queries.json"
JUDGMENTS = HERE / "judgments.jsonl"
SHARED = HERE.parents[1].parent / "shared"
RELEVANT = 2  # a grade at or above this is relevant for P@5
DEPTH = 20  # hits fetched per query (the pool depth)
SUBSTANCE_WORDS = 25
_FOLD = re.compile(r"[\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Text with case, width, spaces and punctuation folded away (what a key is made from)."""
    return _FOLD.sub("", unicodedata.normalize("NFKC", text or "").casefold())


def text_key(paragraphs: list[str]) -> str:
    return hashlib.sha1(fold(" ".join(paragraphs)).encode("utf-8")).hexdigest()[:16]


def words(paragraphs: list[str]) -> int:
    """Words of a turn: English words, and Chinese characters at 2 a word."""
    text = " ".join(paragraphs)
    han = len(re.findall(r"[\u3400-\u9fff]", text))
    return len(re.findall(r"[A-Za-z0-9][\w'’.-]*", text)) + han // 2


def load_judgments(path: Path = JUDGMENTS) -> dict[str, dict[str, dict]]:
    """query id -> key -> judgment (the last one written wins)."""
    out: dict[str, dict[str, dict]] = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                j = json.loads(line)
                out.setdefault(j["q"], {})[j["key"]] = j
    return out


def grade_of(judged: dict[str, dict], paragraphs: list[str]) -> int | None:
    """The grade of a turn: by its key, else by the start of its folded text (a turn whose text a
    parser change touched at the end, e.g. a paragraph joined); None when not judged."""
    j = judged.get(text_key(paragraphs))
    if j is not None:
        return j["grade"]
    start = fold(" ".join(paragraphs))[:80]
    for j in judged.values():
        if len(start) >= 40 and j.get("start", "").startswith(start[:60]):
            return j["grade"]
    return None


def hit_turns(hit: dict) -> list[list[str]]:
    """The turns a hit shows that count: its own, and the answer shown under a question."""
    out = [hit["turn"]["paragraphs"]]
    answer = hit.get("answer")
    if isinstance(answer, dict) and answer.get("paragraphs"):
        out.append(answer["paragraphs"])
    return out


def run_queries(cmd: str, home: str | None, queries: list[dict], depth: int = DEPTH) -> dict[str, list[dict]]:
    env = dict(os.environ)
    if home:
        env["PRESSARCHIVE_HOME"] = home
    run: dict[str, list[dict]] = {}
    for q in queries:
        argv = shlex.split(cmd) + ["search", q["query"], *q.get("options", []), "--format", "json", "--limit", str(depth)]
        proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=600)
        if proc.returncode != 0:
            sys.exit(f"{q['id']}: exit {proc.returncode}: {proc.stderr.strip()[-300:]}")
        hits = json.loads(proc.stdout)["hits"]
        run[q["id"]] = [{"id": h["turn"]["id"], "kind": h["turn"]["kind"], "source": h["conference"].get("source"),
                         "turns": hit_turns(h)} for h in hits]
    return run


def dcg(gains: list[float]) -> float:
    return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def score(run: dict[str, list[dict]], queries: list[dict], judgments: dict) -> dict:
    """Per query: nDCG@10, P@5, judged share of the top 10, top-5 substance."""
    out = {}
    for q in queries:
        judged = judgments.get(q["id"], {})
        hits = run.get(q["id"], [])
        seen: set[str] = set()
        gains, known = [], 0
        for hit in hits[:10]:
            grades = []
            for paragraphs in hit["turns"]:
                g = grade_of(judged, paragraphs)
                if g is not None:
                    grades.append(g)
            key = text_key(hit["turns"][0])
            if grades:
                known += 1
            # a republished copy of a passage already shown adds nothing
            gains.append(0 if key in seen else max(grades, default=0))
            seen.add(key)
        ideal = sorted((j["grade"] for j in judged.values()), reverse=True)[:10]
        idcg = dcg(ideal)
        top5 = hits[:5]
        out[q["id"]] = {
            "group": q["group"],
            "ndcg10": dcg(gains) / idcg if idcg else 0.0,
            "p5": sum(1 for g in gains[:5] if g >= RELEVANT) / 5,
            "judged10": known / max(1, min(10, len(hits))),
            "long5": sum(1 for h in top5 if words(h["turns"][0]) >= SUBSTANCE_WORDS),
            "n5": len(top5),
        }
    return out


def summary(scores: dict) -> list[str]:
    groups: dict[str, list[dict]] = {}
    for s in scores.values():
        groups.setdefault(s["group"], []).append(s)
        groups.setdefault("all", []).append(s)
    lines = [f"{'group':<10} {'queries':>7} {'nDCG@10':>8} {'P@5':>6} {'judged@10':>10}"]
    for name in ["all", *sorted(g for g in groups if g != "all")]:
        rows = groups[name]
        mean = lambda k: sum(r[k] for r in rows) / len(rows)  # noqa: E731
        lines.append(f"{name:<10} {len(rows):>7} {mean('ndcg10'):>8.3f} {mean('p5'):>6.3f} {mean('judged10'):>10.0%}")
    topical = groups.get("topical", [])
    if topical:
        long5, n5 = sum(r["long5"] for r in topical), sum(r["n5"] for r in topical)
        lines.append(f"substance: {long5}/{n5} top-5 hits of the topical queries have >= {SUBSTANCE_WORDS} words "
                     f"({long5 / max(1, n5):.0%})")
    return lines


def pool(run: dict[str, list[dict]], queries: list[dict], judgments: dict, path: Path) -> int:
    """Write the hits not judged yet, one per line, for a judge to read and grade."""
    n = 0
    with open(path, "a", encoding="utf-8") as out:
        for q in queries:
            judged = judgments.get(q["id"], {})
            done: set[str] = set()
            for hit in run.get(q["id"], []):
                for paragraphs in hit["turns"]:
                    key = text_key(paragraphs)
                    if key in done or grade_of(judged, paragraphs) is not None:
                        continue
                    done.add(key)
                    out.write(json.dumps({"q": q["id"], "query": q["query"], "key": key, "id": hit["id"],
                                          "source": hit["source"], "words": words(paragraphs),
                                          "start": fold(" ".join(paragraphs))[:80],
                                          "text": "\n".join(paragraphs)}, ensure_ascii=False) + "\n")
                    n += 1
    return n


STOP = set("""about above after again against also among another because been before being below between
both could does doing down during each even every from further have having here however into itself just
least like made make many more most much must never once only other ought over same should since some
still such than that their theirs them then there these they this those through under until very want
were what when where which while whom with would your yours going think know said says tell thank thanks
really right today yesterday question questions follow sorry president""".split())


def qa_pairs(home: str, n: int = 30, seed: int = 15) -> list[dict]:
    """``n`` question-answer pairs of the archive at ``home`` (a fixed seed; answers of five words or
    more), each with a query of the three rarest words (fewest turns of the archive hold them) of the
    question that its answer lacks."""
    import random
    from collections import Counter

    records = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((Path(home) / "corpus").glob("*/record.json"))]
    tokens = lambda t: set(re.findall(r"[a-z]+", " ".join(t["paragraphs"]).lower()))  # noqa: E731
    df = Counter(w for data in records for t in data["turns"] for w in tokens(t))
    pairs = []
    for data in records:
        turns = {t["id"]: t for t in data["turns"]}
        for t in data["turns"]:
            q = turns.get(t.get("question") or "")
            if t["kind"] != "answer" or q is None or t.get("lang") != "en" or words(t["paragraphs"]) < 5:
                continue  # "Mm-hmm.", "Yeah.": a turn the parser calls an answer, not one to look for
            answer_words = tokens(t)
            only = [w for w in sorted(tokens(q)) if len(w) >= 5 and w not in STOP and w not in answer_words]
            if len(only) >= 3:
                pairs.append({"answer": t["id"], "question": q["id"],
                              "query": " ".join(sorted(only, key=lambda w: (df[w], w))[:3])})
    random.Random(seed).shuffle(pairs)
    return pairs[:n]


def check_pairs(cmd: str, home: str, pairs: list[dict], within: int = 3) -> int:
    """How many questions have an answer within the first ``within`` hits of ``--kind answer`` for their query."""
    env = dict(os.environ, PRESSARCHIVE_HOME=home)
    found = 0
    for p in pairs:
        argv = shlex.split(cmd) + ["search", p["query"], "--kind", "answer", "--format", "json", "--limit", str(within)]
        proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=600)
        hits = json.loads(proc.stdout)["hits"] if proc.returncode == 0 else []
        # an answer to that question (a question answered in several turns, by several officials, has
        # several; the one sampled may be a hand-over: "Dr. Walensky, do you want to take that?")
        # (or a republished copy of that answer, folded into a hit of its original)
        found += any((h.get("question") or {}).get("id") == p["question"] or h["turn"]["id"] == p["answer"]
                     or p["answer"] in [c.get("turn") for c in h.get("copies") or []] for h in hits)
    return found


def build(cmd: str, home: str) -> None:
    """Add the White House briefings and the sample to ``home`` (minutes, once)."""
    wh = SHARED / "real-archives" / "whitehouse"
    sample = SHARED / "corpus" / "miit-2022-09-27-regional-manufacturing.txt"
    env = dict(os.environ, PRESSARCHIVE_HOME=home)
    for source in (wh, sample):
        subprocess.run(shlex.split(cmd) + ["add", str(source)], env=env, check=False,
                       stdout=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", help="the archive (built with --build when empty)")
    ap.add_argument("--build", action="store_true", help="add the White House briefings and the sample to --home first")
    ap.add_argument("--cmd", default=f"{sys.executable} -m pressarchive")
    ap.add_argument("--run", help="score this saved run instead of searching")
    ap.add_argument("--save", help="save the run (hits per query) to this file")
    ap.add_argument("--pool", help="append the unjudged hits to this JSONL file")
    ap.add_argument("--per-query", action="store_true", help="print each query's figures")
    ap.add_argument("--only", help="comma-separated query ids")
    ap.add_argument("--pairs", type=int, metavar="N", help="instead: N sampled question-answer pairs, each searched "
                    "with three words found only in the question (--kind answer); how many answers are in the top 3")
    args = ap.parse_args(argv)
    queries = json.loads(QUERIES.read_text(encoding="utf-8"))["queries"]
    if args.only:
        wanted = set(args.only.split(","))
        queries = [q for q in queries if q["id"] in wanted]
    judgments = load_judgments()
    if args.pairs:
        pairs = qa_pairs(args.home, args.pairs)
        found = check_pairs(args.cmd, args.home, pairs)
        print(f"questions lead to answers: {found}/{len(pairs)} answers in the top 3 (--kind answer)")
        return 0
    if args.run:
        run = json.loads(Path(args.run).read_text(encoding="utf-8"))
    else:
        if args.home and args.build:
            build(args.cmd, args.home)
        run = run_queries(args.cmd, args.home, queries)
    if args.save:
        Path(args.save).write_text(json.dumps(run, ensure_ascii=False), encoding="utf-8")
    if args.pool:
        print(f"{pool(run, queries, judgments, Path(args.pool))} unjudged hits written to {args.pool}")
        return 0
    scores = score(run, queries, judgments)
    if args.per_query:
        for qid, s in scores.items():
            print(f"{qid:<24} nDCG@10 {s['ndcg10']:.3f}  P@5 {s['p5']:.2f}  judged {s['judged10']:.0%}  long5 {s['long5']}/{s['n5']}")
    print("\n".join(summary(scores)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
