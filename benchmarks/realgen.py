#!/usr/bin/env python3
"""Generate an archive of N turns from REAL turns (issue 17): the vocabulary is the real one.

The pool is the White House briefings in ``../shared/real-archives/whitehouse/`` (663 transcripts,
~32,000 labelled turns) plus the Chinese sample (``../shared/corpus/``, through ``generate.py``'s
recombining generator, which lays its paragraphs out in the sample's bilingual label styles with
varied regions, presenters and outlets).

A White House-style conference here is an opening statement and 5-60 question/answer exchanges,
each exchange a real question turn followed by the real turn that answered it, sampled from the whole
pool (so the words co-occur as they really do within a turn). Its officials are 1-3 speaker labels
drawn from the labels seen in the pool (relabelled, so each conference has its own mix), its date is
drawn over 2012-2026 and its title and location line are composed from the pool's. About one
conference in four is a sample-style Chinese/bilingual one, about 8 % of the turns.

Every conference is generated from its own ``Random(f"{seed}:{index}")``: the first conferences of a
bigger run are those of a smaller one, so the 100,000-turn archive is the start of the 300,000 one.

Output (as ``generate.py``, so ``baseline.py`` reads it too)::

    OUT/texts/*.md|*.txt   conferences until --turns turns
    OUT/extra/...          --extra more, for "add one more"
    OUT/manifest.jsonl     per file: date, bytes, turns, per paragraph block [region, kind, lang]
    OUT/queries.json       the query mix, drawn from the pool's real term frequencies

Usage: ``python benchmarks/realgen.py --turns 300000 --out /tmp/gen300k``
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHECKOUT = HERE.parent
sys.path.insert(0, str(HERE))

_LABEL = re.compile(r"^(?:(Q)[\s\u00a0]|([A-Z][A-Z.'\- ]{1,48}[A-Z.]):[\s\u00a0])")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
# the short stop list of Whoosh's StemmingAnalyzer plus the briefing room's own fillers: a query
# term is drawn from the words a user would type
STOP = set("""a an and are as at be by can for from have if in is it may not of on or tbd that the this to
us we when will with yet you your i he she they them their our my me his her its was were been
what which who whom whose why how there here then than so do does did just about into out up down
would could should also very well think going know want said say says get got make made like
one two all any some more most other such only own same too s t don now i'm it's that's we're you're
let's there's he's she's they're i've we've i'll we'll""".split())


def default_whitehouse() -> Path:
    for cand in (CHECKOUT.parent / "shared" / "real-archives" / "whitehouse",
                 CHECKOUT / ".." / "shared" / "real-archives" / "whitehouse"):
        if cand.is_dir():
            return cand.resolve()
    raise SystemExit("no ../shared/real-archives/whitehouse beside the checkout: give --whitehouse DIR")


def _unwrap(lines: list[str]) -> str:
    return " ".join(" ".join(line.replace("\u00a0", " ").split()) for line in lines if line.strip())


def read_turns(path: Path) -> tuple[str, list[tuple[str, list[str]]]]:
    """(title, [(label or 'Q', [paragraphs])]) of one briefing; lines unwrapped, labels kept apart."""
    text = path.read_text(encoding="utf-8")
    title = ""
    if text.startswith("---"):
        end = text.find("\n---", 3)
        head = text[3:end] if end > 0 else ""
        m = re.search(r'^title:\s*"?(.*?)"?\s*$', head, re.M)
        title = (m.group(1) if m else "").replace("\\_", " ").replace("\\", "").strip()
        text = text[end + 4:] if end > 0 else text
    paras: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.strip():
            paras[-1].append(line)
        elif paras[-1]:
            paras.append([])
    turns: list[tuple[str, list[str]]] = []
    for lines in paras:
        para = _unwrap(lines)
        if not para:
            continue
        m = _LABEL.match(para)
        if m:
            label = "Q" if m.group(1) else m.group(2).strip()
            body = para[m.end():].strip()
            turns.append((label, [body] if body else []))
        elif turns:
            turns[-1][1].append(para)
    return title, [(lab, ps) for lab, ps in turns if ps]


class Pool:
    """The real turns: openings (statements before the first question), exchanges (a question and
    the turn answering it), official labels, titles and location lines."""

    def __init__(self, folder: Path):
        self.openings: list[list[str]] = []
        self.exchanges: list[tuple[list[str], list[str]]] = []
        self.labels: list[str] = []
        self.titles: list[str] = []
        self.files = 0
        self.bytes = 0
        labels: Counter = Counter()
        for path in sorted(folder.rglob("*.md")):
            self.files += 1
            self.bytes += path.stat().st_size
            title, turns = read_turns(path)
            if title:
                self.titles.append(re.sub(r",?\s+\w+ \d{1,2}, ?\d{4}$", "", title))
            first_q = next((i for i, (lab, _) in enumerate(turns) if lab == "Q"), len(turns))
            for lab, ps in turns[:first_q]:
                if sum(map(len, ps)) > 200:
                    self.openings.append(ps)
            for (lab, ps), (lab2, ps2) in zip(turns, turns[1:]):
                if lab == "Q" and lab2 != "Q":
                    self.exchanges.append((ps, ps2))
                    labels[lab2] += 1
        self.labels = sorted(lab for lab in labels if lab not in ("MODERATOR", "THE PRESIDENT"))
        if not self.exchanges:
            raise SystemExit(f"no question/answer turns found under {folder}")

    def turn_texts(self) -> list[str]:
        out = [" ".join(ps) for ps in self.openings]
        for q, a in self.exchanges:
            out.append(" ".join(q))
            out.append(" ".join(a))
        return out


def whitehouse_conference(pool: Pool, rng: random.Random, index: int, day: date) -> dict:
    officials = rng.sample(pool.labels, min(len(pool.labels), rng.choice((1, 1, 2, 2, 3))))
    title = rng.choice(pool.titles) if pool.titles else "Press Briefing"
    blocks: list[tuple[str, str, str, str]] = []  # (text, region, kind, lang)
    turns = 0
    if pool.openings and rng.random() < 0.8:
        paras = rng.choice(pool.openings)
        for k, p in enumerate(paras):
            blocks.append(((f"{officials[0]}:  {p}" if k == 0 else p), "", "statement", "en"))
        turns += 1
    for _ in range(int(rng.triangular(5, 60, 25))):
        q, a = rng.choice(pool.exchanges)
        for k, p in enumerate(q):
            blocks.append(((f"Q    {p}" if k == 0 else p), "", "question", "en"))
        who = rng.choice(officials)
        for k, p in enumerate(a):
            blocks.append(((f"{who}:  {p}" if k == 0 else p), "", "answer", "en"))
        turns += 2
    body = "\n\n".join(b[0] for b in blocks)
    text = (f"---\ndate: '{day.isoformat()}'\ntags: press-briefings\ntitle: \"{title.replace(chr(34), '')}, "
            f"{day.strftime('%B')} {day.day}, {day.year}\"\n---\n\nJames S. Brady Press Briefing Room\n\n{body}\n")
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "briefing"
    return {"name": f"{day.isoformat()}-{slug}-{index:06d}.md", "text": text, "date": day.isoformat(),
            "title": title, "turns": turns, "kind": "whitehouse",
            # the baseline's paragraphs: the front matter and location line, then one block per paragraph
            "blocks": [["", "", ""], ["", "", ""]] + [[b[1], b[2], b[3]] for b in blocks]}


def sample_conference(pools, seed: int, index: int, start: date, days: int) -> dict:
    import generate

    conf = generate.conference(pools, seed, index, start, days)
    conf["turns"] = 3 + sum(1 for b in conf["blocks"] if b[1] == "question") * 2
    conf["kind"] = "sample"
    return conf


def generate(out: Path, turns: int, seed: int = 7, whitehouse: Path | None = None, corpus: Path | None = None,
             extra: int = 2, sample_share: float = 0.25, quiet: bool = False) -> dict:
    """Write conferences to out/texts until ``turns`` turns, ``extra`` more to out/extra."""
    import generate as gen_mod

    t0 = time.perf_counter()
    pool = Pool(Path(whitehouse) if whitehouse else default_whitehouse())
    pools = gen_mod.read_sources(Path(corpus) if corpus else gen_mod.default_corpus())
    out = Path(out)
    (out / "texts").mkdir(parents=True, exist_ok=True)
    (out / "extra").mkdir(parents=True, exist_ok=True)
    first, days = date(2012, 1, 1), 365 * 14  # to the end of 2025
    total_bytes = total_turns = count = n_extra = 0
    i = 0
    with open(out / "manifest.jsonl", "w", encoding="utf-8") as manifest:
        while n_extra < extra:
            rng = random.Random(f"{seed}:{i}")
            if rng.random() < sample_share:
                conf = sample_conference(pools, seed, i, first, days)
            else:
                day = first + timedelta(days=rng.randrange(days))
                conf = whitehouse_conference(pool, rng, i, day)
            i += 1
            folder = "texts" if total_turns < turns else "extra"
            data = conf.pop("text").encode("utf-8")
            (out / folder / conf["name"]).write_bytes(data)
            conf.update(file=f"{folder}/{conf['name']}", bytes=len(data))
            manifest.write(json.dumps(conf, ensure_ascii=False) + "\n")
            if folder == "texts":
                total_bytes += len(data)
                total_turns += conf["turns"]
                count += 1
                if not quiet and count % 1000 == 0:
                    print(f"  generated {count} conferences, {total_turns:,} turns", file=sys.stderr)
            else:
                n_extra += 1
    queries = choose_queries(pool, seed)
    (out / "queries.json").write_text(json.dumps(queries, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    summary = {"turns": total_turns, "count": count, "extra": extra, "seed": seed, "bytes": total_bytes,
               "sample_share": sample_share, "whitehouse_files": pool.files, "whitehouse_bytes": pool.bytes,
               "pool_exchanges": len(pool.exchanges), "pool_openings": len(pool.openings),
               "pool_labels": len(pool.labels), "seconds": round(time.perf_counter() - t0, 2)}
    (out / "summary.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return summary


# --- the query mix --------------------------------------------------------------------------------
# Chinese and cross-language queries come from the Chinese sample's own vocabulary (one transcript,
# so a fixed list checked against it); the English ones are drawn from the pool's real document
# frequencies, by band.
CHINESE_WORDS = ["集成电路", "产业转移", "制造业", "高精尖"]
CHINESE_PHRASES = ['"承接产业转移"', '"高质量发展"', '"工业互联网"']
CROSS_LANGUAGE = ["integrated circuit", "artificial intelligence", "集群", "manufacturing"]
BANDS = {"english_rare": (0.0003, 0.001), "english_medium": (0.004, 0.012), "english_common": (0.04, 0.12)}
QUERY_TYPES = ["english_rare", "english_medium", "english_common", "english_and", "english_phrase",
               "chinese_word", "chinese_phrase", "filtered", "cross_language"]


def choose_queries(pool: Pool, seed: int, per_band: int = 4) -> list[list]:
    """[(type, text, filters)]: English terms by document-frequency band over the pool's turns,
    AND pairs and phrases of medium frequency that occur together in a real turn."""
    rng = random.Random(f"{seed}:queries")
    texts = pool.turn_texts()
    n = len(texts)
    df: Counter = Counter()
    pairs: Counter = Counter()
    token_lists = []
    for t in texts:
        toks = _WORD.findall(t.lower())
        token_lists.append(toks)
        df.update(set(toks))
        pairs.update({(a, b) for a, b in zip(toks, toks[1:]) if a not in STOP and b not in STOP})
    ok = {w for w in df if len(w) >= 4 and w not in STOP and "'" not in w}
    out: list[list] = []
    band_words = {}
    for qtype, (lo, hi) in BANDS.items():
        words = sorted(w for w in ok if lo * n <= df[w] <= hi * n)
        band_words[qtype] = words
        for w in rng.sample(words, min(per_band, len(words))):
            out.append([qtype, w, {}])
    out.append(["english_common", "the President", {}])  # the slow case
    medium = set(band_words["english_medium"]) | set(band_words["english_common"])
    ands: list[str] = []
    for _ in range(2000):
        toks = [w for w in set(rng.choice(token_lists)) if w in medium]
        if len(toks) >= 2:
            a, b = rng.sample(sorted(toks), 2)
            ands.append(f"{a} AND {b}")
            if len(ands) == 3:
                break
    out += [["english_and", q, {}] for q in ands]
    phrases = sorted(p for p, c in pairs.items() if 0.001 * n <= c <= 0.01 * n and min(map(len, p)) >= 4)
    out += [["english_phrase", f'"{a} {b}"', {}] for a, b in rng.sample(phrases, min(3, len(phrases)))]
    out += [["chinese_word", w, {}] for w in CHINESE_WORDS]
    out += [["chinese_phrase", p, {}] for p in CHINESE_PHRASES]
    med = band_words["english_medium"]
    out += [["filtered", rng.choice(med), {"kind": "answer"}],
            ["filtered", rng.choice(band_words["english_common"]), {"since": "2024-01-01"}],
            ["filtered", "制造业", {"region": "Jiangsu"}],
            ["filtered", rng.choice(med), {"kind": "question"}]]
    out += [["cross_language", q, {}] for q in CROSS_LANGUAGE]
    return out


def load_manifest(out: Path, folder: str = "texts", limit_turns: int | None = None) -> list[dict]:
    """The manifest rows of one folder, in order, up to ``limit_turns`` turns (the first N turns)."""
    rows, turns = [], 0
    with open(Path(out) / "manifest.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if not row["file"].startswith(folder + "/"):
                continue
            if limit_turns is not None and turns >= limit_turns:
                break
            rows.append(row)
            turns += row["turns"]
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--turns", type=int, default=100_000, help="turns to write (default 100,000)")
    ap.add_argument("--out", "-o", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--whitehouse", type=Path, default=None, help="folder of real briefings (.md)")
    ap.add_argument("--corpus", type=Path, default=None, help="the Chinese sample's folder")
    ap.add_argument("--extra", type=int, default=2)
    args = ap.parse_args(argv)
    s = generate(args.out, args.turns, args.seed, args.whitehouse, args.corpus, args.extra)
    print(f"wrote {s['count']:,} conferences, {s['turns']:,} turns, {s['bytes'] / 1e6:.1f} MB to {args.out} "
          f"in {s['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
