"""The NumPy evaluator (evaluate.py) finds what Whoosh's matchers find: the same hits in the same
order, the same scores, the same match counts, over several segments and with deleted documents."""
from __future__ import annotations

import pytest

from conftest import sample_path
from pressarchive import evaluate, index
from pressarchive import search as S
from pressarchive.archive import Archive
from test_index import make_records, write_record

QUERIES = [
    ("clusters", None), ("magnesite", None), ("the industry", None), ("green AND factories", None),
    ('"green factories"', None), ('"advanced manufacturing clusters"', None), ("集成电路", None),
    ("产业转移", None), ('"承接产业转移"', None), ("制造业", None), ("集群", None), ("integrated circuit", None),
    ("manufacturing OR hydrogen", None), ("industri*", None), ("clusters", S.Filters(kind="answer")),
    ("制造业", S.Filters(region="Shanghai")), ("green", S.Filters(since="2020-01-01")),
    ("development", S.Filters(lang="en")), ("enterprises -chemical", None), ("zzzunknownword", None),
    ("manufacturing", S.Filters(until="2022-12-31")), ("集成电路", S.Filters(since="2021-01-01", until="2023-12-31")),
    ("green", S.Filters(speaker="Zhang Hongtao")), ("manufacturing", S.Filters(kind="answer", since="2022-06-01")),
    ("industry", S.Filters(region="Shanghai", lang="zh")),
]


def _run(archive, mode, monkeypatch, count_limit=S.COUNT_DEFAULT):
    archive.settings = archive.settings.with_(evaluator=mode)
    out = {}
    for text, filters in QUERIES:
        res = S.search(archive, text, filters, 10, count_limit=count_limit)
        out[(text, repr(filters))] = (res.total, res.total_exact, [(h["turn"]["id"], h["score"]) for h in res.hits])
    return out


@pytest.fixture
def archive(archive_home, monkeypatch):
    monkeypatch.delenv("PRESSARCHIVE_NO_SEED", raising=False)
    a = Archive(archive_home)
    a.add(sample_path().read_bytes(), sample_path().name, None)
    for record in make_records():  # more conferences: a second segment
        write_record(archive_home, record)
    index.ensure_index(a)
    return a


def test_same_hits_scores_and_counts_as_whoosh(archive, monkeypatch):
    calls = []
    real = evaluate.matches

    def counted(*a, **k):
        found = real(*a, **k)
        calls.append(found is not None)  # None: left to Whoosh
        return found

    monkeypatch.setattr(evaluate, "matches", counted)
    theirs = _run(archive, "whoosh", monkeypatch)
    assert not calls
    ours = _run(archive, "numpy", monkeypatch)
    assert len(calls) == len(QUERIES) and all(calls)  # every query evaluated here, none left to Whoosh
    assert any(v[2] for v in ours.values())
    for key in theirs:
        assert [h[0] for h in ours[key][2]] == [h[0] for h in theirs[key][2]], key
        for (_, a), (_, b) in zip(ours[key][2], theirs[key][2]):
            assert a == pytest.approx(b, rel=1e-9), key
        assert ours[key][:2] == theirs[key][:2], key
    # counting stops at the same place
    assert _run(archive, "numpy", monkeypatch, count_limit=2) == _run(archive, "whoosh", monkeypatch, count_limit=2)
    _unknown_nodes_are_left_to_whoosh(archive)


def test_deleted_documents_are_not_found(archive, archive_home, monkeypatch):
    ids = archive.ids()
    archive.remove(ids[0])
    index.ensure_index(archive)
    ix = index.open_index(archive)
    try:
        with ix.searcher() as s:
            assert any(r.has_deletions() for r, _ in s.reader().leaf_readers()) or len(ids) == 1
    finally:
        ix.close()
    theirs = _run(archive, "whoosh", monkeypatch)
    ours = _run(archive, "numpy", monkeypatch)
    assert {k: (v[0], [h[0] for h in v[2]]) for k, v in ours.items()} == \
        {k: (v[0], [h[0] for h in v[2]]) for k, v in theirs.items()}
    assert all(not h[0].startswith(ids[0] + ":") for v in ours.values() for h in v[2])


def _unknown_nodes_are_left_to_whoosh(archive):
    from whoosh import query as wq

    ix = index.open_index(archive)
    try:
        with ix.searcher() as s:
            assert evaluate.top_docs(s, wq.Not(wq.Term("text", "cluster")), None, 10) is None
            assert evaluate.top_docs(s, wq.Or([wq.Term("text", "cluster")], scale=0.9), None, 10) is None
            top, total = evaluate.top_docs(s, wq.Term("text", "cluster"), None, 3)
            assert len(top) == 3 and total >= 3 and top[0][1] >= top[1][1] >= top[2][1]
    finally:
        ix.close()


def test_filters_are_evaluated_from_postings(archive, monkeypatch):
    """A filter (kind, language, region, speaker, dates) is evaluated from its terms' postings, never
    through Whoosh's document-at-a-time ``_filter_to_comb``; its documents are exactly those Whoosh's
    matchers give, segment by segment; an unknown node still falls back to Whoosh."""
    from whoosh import query as wq
    from whoosh.searching import Searcher

    combed = []
    real = Searcher._filter_to_comb
    monkeypatch.setattr(Searcher, "_filter_to_comb", lambda self, obj: combed.append(obj) or real(self, obj))
    archive.settings = archive.settings.with_(evaluator="numpy")
    for text, filters in QUERIES:
        if filters is not None:
            S.search(archive, text, S.resolve_people(archive, filters), 10)
    assert combed == []
    filters = [
        wq.Term("kind", "answer"), wq.Term("lang", "zh"), wq.Term("nofield", "x"), wq.Term("kind", "nosuchkind"),
        wq.TermRange("date", "2021-01-01", None), wq.TermRange("date", None, "2022-12-31\uffff"),
        wq.TermRange("date", "2021-01-01", "2023-03-05", startexcl=True, endexcl=True),
        wq.And([wq.Term("kind", "answer"), wq.TermRange("date", "2022-01-01", None)]),
        wq.Or([wq.Term("region", "shanghai"), wq.Term("region", "jiangsu")]),
        wq.AndNot(wq.Term("lang", "en"), wq.Term("kind", "question")), wq.Not(wq.Term("kind", "answer")),
        wq.Every(), wq.NullQuery, wq.Prefix("date", "2021"), wq.And([]), wq.Or([]),
    ]
    ix = index.open_index(archive)
    try:
        with ix.searcher() as s:
            subs = list(s.subsearchers) or [(s, 0)]
            assert len(subs) >= 2  # several segments
            for fq in filters:
                assert evaluate.filter_supported(fq), fq
                for sub, _ in subs:
                    assert list(evaluate._docs(fq, sub)) == sorted(set(sub.docs_for_query(fq))), fq
            assert not evaluate.filter_supported(wq.Or([wq.Term("kind", "answer")], minmatch=2))
            phrase = wq.Phrase("text", ["green", "factori"])  # not a filter node here: Whoosh's set
            assert not evaluate.filter_supported(phrase)
            found = evaluate.matches(s, wq.Term("text", "green"), phrase)
            expected = sorted(set(s.docs_for_query(wq.And([wq.Term("text", "green"), phrase]))))
            assert sorted(found.ids.tolist()) == expected and expected
    finally:
        ix.close()


PHRASES = [("text", ["green", "factori"]), ("text", ["advanc", "manufactur", "cluster"]), ("cjk", ["产业", "转移"]),
           ("cjk", ["承接", "产业", "转移"]), ("text", ["the", "the"]), ("text", ["of", "the", "of"]),
           ("text", ["nosuchword", "green"]), ("nofield", ["a", "b"]), ("text", ["green"]), ("text", [])]


def test_phrases_match_and_score_as_whoosh(archive):
    """Phrases evaluated here (the words' documents intersected, positions decoded for those only)
    give Whoosh's phrase matcher's documents and scores, boosted or not, segment by segment."""
    from whoosh import query as wq

    from pressarchive.ranking import weighting

    archive.remove(archive.ids()[0])  # deletions in a segment
    index.ensure_index(archive)
    ix = index.open_index(archive)
    try:
        with ix.searcher(weighting=weighting()) as s:
            subs = list(s.subsearchers) or [(s, 0)]
            assert len(subs) >= 2
            nonempty = 0
            for fieldname, words in PHRASES:
                for boost in (1.0, 2.5):
                    node = wq.Phrase(fieldname, words, boost=boost)
                    for sub, _ in subs:
                        ids, scores = evaluate._eval(node, sub)  # deleted documents included
                        live = [not sub.reader().is_deleted(d) for d in ids.tolist()]
                        ids, scores = ids[live], scores[live]
                        theirs = evaluate._by_matcher(node, sub) if words else evaluate._empty()
                        assert ids.tolist() == theirs[0].tolist(), (words, boost)
                        assert scores.tolist() == pytest.approx(theirs[1].tolist(), rel=1e-12), (words, boost)
                        nonempty += bool(len(ids))
            assert nonempty >= 6
    finally:
        ix.close()


def test_pairs_are_looked_up_in_the_matches(archive):
    """Which turns of a hit's pair matched too is read from the evaluator's matches: the same answer
    as Whoosh's query over those turns (filters and deletions included)."""
    from pressarchive.query import filter_query, parse_query
    from pressarchive.ranking import weighting

    archive.remove(archive.ids()[-1])
    index.ensure_index(archive)
    ix = index.open_index(archive)
    try:
        with ix.searcher(weighting=weighting()) as s:
            turn_ids = sorted({s.stored_fields(d)["id"] for d in range(s.doc_count_all()) if not s.reader().is_deleted(d)})
            turn_ids.append("no-such-turn:1")
            for text, filters in QUERIES:
                q = parse_query(text, s.schema)
                fq = filter_query(s.reader(), S.resolve_people(archive, filters))
                found = evaluate.matches(s, q, fq)
                assert found.having(s, "id", turn_ids) == S._matching(s, q, fq, turn_ids), text
    finally:
        ix.close()


def test_union_and_intersection_add_in_one_order():
    """A union (dense or sparse) and an intersection give every document the same float sum, added
    part by part in the parts' order, whatever the path: compared with a plain Python sum."""
    import random

    import numpy as np

    rnd = random.Random(11)
    for size, n in [(50, 40), (10_000, 30), (1_000_000, 20), (300, 250)]:  # dense and sparse unions
        parts = []
        for _ in range(4):
            ids = np.array(sorted(rnd.sample(range(size), min(n, size))), dtype=np.int64)
            parts.append((ids, np.array([rnd.random() * 10 for _ in ids])))
        expected: dict = {}
        for ids, scores in parts:
            for d, sc in zip(ids.tolist(), scores.tolist()):
                expected[d] = expected.get(d, 0.0) + sc
        ids, scores = evaluate._union(parts)
        assert ids.tolist() == sorted(expected) and scores.tolist() == [expected[d] for d in sorted(expected)]
        common = set(parts[0][0].tolist())
        for p in parts[1:]:
            common &= set(p[0].tolist())
        ids, scores = evaluate._intersection(parts)
        order = [parts[0]] + sorted(parts[1:], key=lambda p: len(p[0]))
        want = []
        for d in sorted(common):
            total = None
            for pid, psc in order:
                v = psc[pid.tolist().index(d)]
                total = v if total is None else total + v
            want.append(total)
        assert ids.tolist() == sorted(common) and scores.tolist() == want


def test_phrase_count_is_whoosh_count(archive):
    """evaluate.phrase_count (for cross-language expansion's counts) gives what counting Whoosh's
    phrase matcher gives, capped or not, over several segments with deletions."""
    from itertools import islice

    from whoosh import query as wq
    from whoosh.searching import Searcher

    archive.remove(archive.ids()[0])
    index.ensure_index(archive)
    ix = index.open_index(archive)
    try:
        reader = ix.reader()
        assert not reader.is_atomic() and any(r.has_deletions() for r, _ in reader.leaf_readers())
        counted = 0
        for fieldname, words in PHRASES:
            if not words or fieldname not in ix.schema:
                continue
            for cap in (None, 1, 2, 50):
                m = wq.Phrase(fieldname, words).matcher(Searcher(reader))
                expected = sum(1 for _ in (m.all_ids() if cap is None else islice(m.all_ids(), cap)))
                assert evaluate.phrase_count(reader, fieldname, words, cap) == expected, (words, cap)
                counted += expected
        assert counted
        reader.close()
    finally:
        ix.close()
