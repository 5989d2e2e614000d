#!/usr/bin/env python3
"""The straightforward Whoosh build that pressarchive is measured against (issue 7).

One document per paragraph of the generated texts (split on blank lines, labels left in), one field
of text analysed by jieba for Chinese runs and by Whoosh's StemmingAnalyzer chain (regex tokens,
lower case, stop words, Porter stemmer) for everything else, plus the conference, date, region and
kind of the paragraph (taken from the generator's manifest, for the filtered queries). One writer,
Whoosh's default settings, one commit at the end. Nothing is cached, nothing is lazy.

Used by ``run.py`` (``build``, ``add``, ``queries``, ``cold``); also runnable by hand::

    python benchmarks/baseline.py build GEN_DIR INDEX_DIR [--limit N]
    python benchmarks/baseline.py search INDEX_DIR "集成电路"
"""
from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

from whoosh import index
from whoosh.analysis import LowercaseFilter, StemFilter, StopFilter, Token, Tokenizer
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.qparser import QueryParser
from whoosh.query import And, Term

_RUN = re.compile(r"([\u3400-\u9fff\uf900-\ufaff]+)|(\w+(?:\.?\w+)*)", re.UNICODE)
_WORD = re.compile(r"\w", re.UNICODE)


class JiebaOrRegexTokenizer(Tokenizer):
    """Chinese runs cut by jieba; other runs tokenised like Whoosh's RegexTokenizer."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        import jieba

        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for m in _RUN.finditer(value):
            if m.group(1):
                pieces = [(w, m.start(1) + s, m.start(1) + e) for w, s, e in jieba.tokenize(m.group(1)) if _WORD.search(w)]
            else:
                pieces = [(m.group(2), m.start(2), m.end(2))]
            for word, s, e in pieces:
                t.text, t.boost, t.stopped = word, 1.0, False
                if keeporiginal:
                    t.original = word
                if positions:
                    t.pos = pos
                pos += 1
                if chars:
                    t.startchar, t.endchar = start_char + s, start_char + e
                yield t


def analyzer():
    # StemmingAnalyzer() is RegexTokenizer | LowercaseFilter | StopFilter | StemFilter; the same
    # chain with jieba taking the Chinese runs.
    return JiebaOrRegexTokenizer() | LowercaseFilter() | StopFilter() | StemFilter()


def schema() -> Schema:
    return Schema(
        text=TEXT(analyzer=analyzer(), stored=True),
        conf=ID(stored=True),
        date=ID(stored=True),
        region=ID(stored=True),
        kind=ID(stored=True),
        para=STORED,
    )


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def _add_file(writer, gen_dir: Path, row: dict) -> int:
    raw = (gen_dir / row["file"]).read_bytes()
    paras = paragraphs(raw.decode("utf-8"))
    meta = row.get("blocks") or []
    for i, para in enumerate(paras):
        region, kind, _lang = meta[i] if i < len(meta) else ("", "", "")
        writer.add_document(text=para, conf=row["file"], date=row["date"], region=region or "-",
                            kind=kind or "-", para=i)
    return len(raw)


def build(gen_dir: Path, index_dir: Path, rows: list[dict]) -> dict:
    """Index every paragraph of ``rows`` with one writer and default settings; one commit."""
    index_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    ix = index.create_in(str(index_dir), schema())
    writer = ix.writer()
    total = 0
    for row in rows:
        total += _add_file(writer, gen_dir, row)
    t1 = time.perf_counter()
    writer.commit()
    t2 = time.perf_counter()
    return {"bytes": total, "conferences": len(rows), "seconds": t2 - t0, "commit_seconds": t2 - t1}


def add(gen_dir: Path, index_dir: Path, row: dict) -> dict:
    """One more conference into an existing index: open, one writer, default commit (merges)."""
    t0 = time.perf_counter()
    ix = index.open_dir(str(index_dir))
    writer = ix.writer()
    n = _add_file(writer, gen_dir, row)
    writer.commit()
    return {"bytes": n, "seconds": time.perf_counter() - t0}


def make_query(ix, text: str | None, filters: dict | None):
    parser = QueryParser("text", ix.schema)
    q = parser.parse(text) if text else None
    flt = None
    if filters:
        terms = []
        for key in ("region", "kind"):
            if filters.get(key):
                terms.append(Term(key, filters[key]))
        if filters.get("since") or filters.get("until"):
            from whoosh.query import TermRange

            terms.append(TermRange("date", filters.get("since"), filters.get("until")))
        flt = And(terms) if terms else None
    if q is None:
        from whoosh.query import Every

        q = Every()
    return q, flt


def run_query(searcher, ix, text: str | None, filters: dict | None, limit: int = 10) -> list[dict]:
    q, flt = make_query(ix, text, filters)
    results = searcher.search(q, limit=limit, filter=flt)
    return [dict(hit.fields(), score=hit.score) for hit in results]


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description="naive Whoosh baseline")
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("gen_dir", type=Path)
    b.add_argument("index_dir", type=Path)
    b.add_argument("--limit", type=int, default=None)
    s = sub.add_parser("search", help="a fresh-process search: what a cold start of the baseline costs")
    s.add_argument("index_dir", type=Path)
    s.add_argument("query")
    s.add_argument("--limit", type=int, default=10)
    args = ap.parse_args(argv)
    if args.cmd == "build":
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from generate import load_manifest

        rows = load_manifest(args.gen_dir, limit=args.limit)
        print(json.dumps(build(args.gen_dir, args.index_dir, rows)))
    else:
        ix = index.open_dir(str(args.index_dir))
        with ix.searcher() as searcher:
            hits = run_query(searcher, ix, args.query, None, args.limit)
        json.dump(hits, sys.stdout, ensure_ascii=False, indent=1)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
