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
