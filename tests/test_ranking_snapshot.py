"""Speed changes must not change rankings: the top 10 hits, their scores and the match count of a
fixed set of queries on the bundled sample archive, against a snapshot (tests/fixtures/ranking-snapshot.json).

The queries are the seed queries of ../shared/gold/queries.seed.json (copied into the snapshot, so the
test needs no ../shared) plus one of each query type of the scale benchmark: AND, phrase, Chinese
phrase, filtered, cross-language, the English and Chinese common words.

A change meant to change the ranking (a new prior, new fields, other weights) rewrites the snapshot
deliberately, in the same commit, and says so:

    python tests/test_ranking_snapshot.py --write

A change meant only to make things faster must leave it as it is.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SNAPSHOT = HERE / "fixtures" / "ranking-snapshot.json"
TOLERANCE = 1e-4  # scores are rounded to 4 decimals in hits

# (query, filters) - the seed queries first
QUERIES: list[tuple[str | None, dict]] = [
    ("Xiong'an", {}), ("fuel cell vehicle", {}), ("Hengqin", {}), ("magnesite", {}),
    ("chemical enterprises closed", {}), ('"green factories"', {}), ("Yangtze River Delta", {"kind": "question"}),
    ("clusters", {"speaker": "Li Feng"}), (None, {"region": "Chongqing", "kind": "answer"}),
    (None, {"speaker": "张宏韬"}), ("集成电路", {}), ("集成電路", {}), ("产业转移", {}), ("高精尖", {}),
    ("重庆", {"kind": "question"}), ("transferring manufacturing", {}),
    # one of each type of the scale benchmark's mix
    ("green AND factories", {}), ("industrial AND Internet AND platform", {}), ('"advanced manufacturing clusters"', {}),
    ('"承接产业转移"', {}), ('"高质量发展"', {}), ("制造业", {}), ("制造业", {"region": "Shanghai", "kind": "answer"}),
    ("green", {"since": "2020-01-01"}), ("integrated circuit", {}), ("artificial intelligence", {}), ("集群", {}),
    ("manufacturing", {}), ("the industry", {}), ("development", {"kind": "answer"}),
]


def _key(query: str | None, filters: dict) -> str:
    return json.dumps([query, filters], ensure_ascii=False, sort_keys=True)


def rankings(home: Path) -> dict:
    """key -> {"total", "hits": [[turn id, score], ...]} for every query, on a fresh sample archive."""
    from pressarchive import search as S
    from pressarchive.archive import Archive

    sys.path.insert(0, str(HERE))
    from conftest import sample_path

    archive = Archive(home)
    archive.add(sample_path().read_bytes(), sample_path().name, None)
    out = {}
    for query, filters in QUERIES:
        res = S.search(archive, query, S.Filters(**filters) if filters else None, 10)
        out[_key(query, filters)] = {
            "total": res.total,
            "hits": [[h["turn"]["id"], h.get("score")] for h in res.hits],
        }
    return out


@pytest.mark.parametrize("evaluator", ["whoosh", "numpy"])
def test_rankings_are_those_of_the_snapshot(archive_home, monkeypatch, evaluator):
    """The same with Whoosh's matchers and with the NumPy evaluator (evaluate.py) forced on."""
    monkeypatch.setenv("PRESSARCHIVE_EVALUATOR", evaluator)
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))["rankings"]
    got = rankings(archive_home)
    assert set(got) == set(expected), "the query list and the snapshot differ: rewrite it (see the docstring)"
    for key, want in expected.items():
        have = got[key]
        assert [h[0] for h in have["hits"]] == [h[0] for h in want["hits"]], f"top hits of {key} changed"
        for (tid, s1), (_, s2) in zip(have["hits"], want["hits"]):
            if s1 is None or s2 is None:
                assert s1 == s2, f"score of {tid} for {key}"
            else:
                assert s1 == pytest.approx(s2, rel=TOLERANCE, abs=TOLERANCE), f"score of {tid} for {key}"
        assert have["total"] == want["total"], f"match count of {key} changed"


def main(argv: list[str]) -> int:
    import os
    import tempfile

    if argv != ["--write"]:
        print(__doc__)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["PRESSARCHIVE_NO_SEED"] = "1"
        data = {"about": "tests/test_ranking_snapshot.py: top 10 (turn id, score) and match count per query "
                         "on the bundled sample; rewrite with `python tests/test_ranking_snapshot.py --write`",
                "rankings": rankings(Path(tmp))}
    SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
    body = ",\n".join(f" {json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}"
                       for k, v in data["rankings"].items())  # one query a line: diffs show what moved
    SNAPSHOT.write_text(f'{{"about": {json.dumps(data["about"])},\n"rankings": {{\n{body}\n}}}}\n', encoding="utf-8")
    print(f"wrote {SNAPSHOT} ({len(data['rankings'])} queries)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
