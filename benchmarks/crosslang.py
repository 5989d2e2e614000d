"""Cross-language recall: the share of query terms whose top hits hold an expected form (issue 19).

Each line of a term file is ``query<TAB>form|form...``: a Chinese policy term and the English words the
archive uses for it, or an English phrase and the Chinese words. A term counts when one of the first
``--top`` hits *in the other language* (``--lang en`` for a Chinese query, ``--lang zh`` for an English
one) holds one of its forms in its text: English forms as whole words, case-blind (an all-capital form
such as ``NATO`` case-sensitive), hyphen and space alike, with a plural or ``-ed``/``-ing`` ending allowed;
Chinese forms as substrings.

    python -m pressarchive --home /tmp/wh add ../shared/real-archives/whitehouse      # once
    python benchmarks/crosslang.py --home /tmp/wh benchmarks/crosslang/whitehouse-zh.tsv
    python benchmarks/crosslang.py --home /tmp/zh benchmarks/crosslang/sample-en.tsv --show fail

The archive's index is built by the first search when it is missing. Prints one line per term with
``--show all`` / ``--show fail`` and the share at the end; ``--json`` writes the details.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pressarchive.search import Filters, search  # noqa: E402
from pressarchive.archive import Archive  # noqa: E402

CJK = re.compile(r"[\u3400-\u9fff]")


def read_terms(path: Path) -> list[tuple[str, list[str]]]:
    terms = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        query, sep, forms = line.partition("\t")
        if not sep or not forms.strip():
            raise SystemExit(f"{path}:{lineno}: expected 'query<TAB>form|form...'")
        terms.append((query.strip(), [f.strip() for f in forms.split("|") if f.strip()]))
    return terms


def form_pattern(form: str) -> re.Pattern[str]:
    """A regular expression finding ``form`` in a text (see the module docstring)."""
    if CJK.search(form):
        return re.compile(re.escape(unicodedata.normalize("NFKC", form)))
    words = re.findall(r"[A-Za-z0-9]+", form)
    body = r"[\s\-]*".join(re.escape(w) for w in words)
    pattern = rf"(?<![A-Za-z0-9]){body}(?:s|es|ed|d|ing)?(?![A-Za-z0-9])"
    return re.compile(pattern, 0 if form.isupper() else re.I)


def holds(text: str, patterns: list[re.Pattern[str]]) -> bool:
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'")
    return any(p.search(text) for p in patterns)


def evaluate(archive: Archive, terms, top: int, translate: bool = True) -> list[dict]:
    out = []
    for query, forms in terms:
        patterns = [form_pattern(f) for f in forms]
        lang = "en" if CJK.search(query) else "zh"
        started = time.perf_counter()
        result = search(archive, query, Filters(lang=lang), limit=top, translate=translate)
        ms = (time.perf_counter() - started) * 1e3
        found = [i for i, hit in enumerate(result.hits) if holds(" ".join(hit["turn"]["paragraphs"]), patterns)]
        out.append({
            "query": query, "forms": forms, "ok": bool(found), "rank": found[0] + 1 if found else None,
            "total": result.total, "ms": round(ms, 1),
            "expansions": [f"{e['target']}" + (f" ({e['source']})" if e.get("source") else "")
                           for e in result.expansions],
        })
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("terms", type=Path, nargs="+", help="term files (query<TAB>form|form...)")
    ap.add_argument("--home", type=Path, required=True, help="the archive to search (built beforehand)")
    ap.add_argument("--top", type=int, default=3, help="hits looked at per term (default 3)")
    ap.add_argument("--show", choices=("none", "fail", "all"), default="none", help="terms to list")
    ap.add_argument("--no-translate", action="store_true", help="search without cross-language expansion")
    ap.add_argument("--json", type=Path, help="write the per-term details here")
    args = ap.parse_args(argv)
    archive = Archive(args.home)
    terms = [t for path in args.terms for t in read_terms(path)]
    search(archive, terms[0][0], limit=1)  # builds the index when missing: not timed below
    rows = evaluate(archive, terms, args.top, translate=not args.no_translate)
    for row in rows:
        if args.show == "all" or (args.show == "fail" and not row["ok"]):
            mark = f"ok@{row['rank']}" if row["ok"] else "MISS"
            print(f"{mark:6} {row['query']}\t{'|'.join(row['forms'])}\t{row['total']} hits\t"
                  f"{'; '.join(row['expansions'][:6])}")
    ok = sum(r["ok"] for r in rows)
    times = sorted(r["ms"] for r in rows)
    print(f"{ok}/{len(rows)} = {100 * ok / len(rows):.1f} % of terms have an expected form in the top {args.top} "
          f"(median search {times[len(times) // 2]:.0f} ms)")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
