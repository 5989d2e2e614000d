"""postings.py: our posting blocks written and read through Whoosh's codec API hold what Whoosh's
own codec holds (docnums, weights, positions, frequencies, every kind of field), over several
blocks, several segments, merges and deletions; Whoosh's own matchers and the evaluator read them;
an index of the previous format is rebuilt."""
from __future__ import annotations

import json
import random

import pytest
from whoosh import fields, formats
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import RamStorage

from pressarchive import evaluate, index, postings

WORDS = ["alpha", "beta", "gamma", "delta", "common", "rare", "zeta", "eta", "theta"]


def _schema(raw: bool):
    def text(**kw):
        f = fields.TEXT(phrase=True, **kw)
        return postings.raw_positions(f) if raw else f

    return fields.Schema(id=fields.ID(stored=True, unique=True), body=text(), boosted=text(field_boost=1.5),
                         tags=fields.KEYWORD(scorable=True), n=fields.NUMERIC(int, stored=True))


def _docs(n: int, seed: int = 3):
    rnd = random.Random(seed)
    for i in range(n):
        words = [rnd.choice(WORDS) for _ in range(rnd.randint(1, 30))]
        if i % 3 == 0:
            words += ["common"] * rnd.randint(1, 4)
        if i % 997 == 0:
            words.append(f"w{70000 + i}")  # far-apart docnums in one posting list
        yield {"id": f"d{i}", "body": " ".join(words), "boosted": " ".join(reversed(words)),
               "tags": " ".join(sorted(set(words[:3]))), "n": i}


def _index(codec, raw: bool, batches, delete=()):
    ix = RamStorage().create_index(_schema(raw))
    for batch in batches:
        w = ix.writer(codec=codec)
        for doc in batch:
            w.add_document(**doc)
        w.commit(merge=False)
    if delete:
        w = ix.writer(codec=codec)
        for i in delete:
            w.delete_by_term("id", f"d{i}")
        w.commit(merge=False)
    return ix


def _contents(ix):
    """Every live posting of every term, read by Whoosh's matchers: field -> term -> [(docnum, weight,
    frequency, positions)], in global docnums."""
    out = {}
    with ix.searcher() as s:
        r = s.reader()
        for fieldname, btext in r.all_terms():
            field = s.schema[fieldname]
            m = r.postings(fieldname, btext)
            rows = []
            while m.is_active():
                pos = m.value_as("positions") if field.format.supports("positions") else None
                freq = m.value_as("frequency") if field.format.supports("frequency") else None
                rows.append((m.id(), m.weight(), freq, pos))
                m.next()
            out.setdefault(fieldname, {})[btext] = rows
    return out


@pytest.fixture(scope="module")
def batches():
    docs = list(_docs(2600))
    return [docs[:1500], docs[1500:2200], docs[2200:]]


def test_round_trip_several_blocks_and_segments(batches):
    """Same postings as Whoosh's codec, term by term (multi-block lists included), in 3 segments,
    with deletions, and after merging them into one (a merge reads our blocks' values)."""
    deleted = [0, 5, 1499, 1500, 2599]
    theirs = _index(W3Codec(), False, batches, deleted)
    ours = _index(postings.Codec(), True, batches, deleted)
    assert len(ours._segments()) == 3
    assert all(type(seg.codec()) is postings.Codec for seg in ours._segments())
    expected = _contents(theirs)
    assert _contents(ours) == expected
    longest = max(len(rows) for rows in expected["body"].values())
    assert longest > 2 * postings.BLOCK_LIMIT  # several blocks
    w = ours.writer(codec=postings.Codec())
    w.commit(optimize=True)
    assert len(ours._segments()) == 1
    merged = _contents(ours)
    w = theirs.writer(codec=W3Codec())
    w.commit(optimize=True)
    assert merged == _contents(theirs)


def test_block_kinds_and_arrays(batches):
    """Every weights kind (all 1.0, constant, small integers, floats) and values kind (none, fixed,
    variable): the evaluator's arrays equal what Whoosh's matcher reads, block by block."""
    import numpy as np

    ix = _index(postings.Codec(), True, batches[:1])
    kinds = set()
    with ix.searcher() as s:
        r = s.reader()
        for fieldname, btext in r.all_terms():
            fmt = s.schema[fieldname].format
            m = r._terms.matcher(fieldname, btext, fmt)
            assert type(m) is postings.LeafMatcher
            kinds.add((m._wkind, m._vkind))
            arrays = m.arrays(weights=True, values=True)
            ids, ws, pos = [], [], []
            while m.is_active():
                ids.append(m.id())
                ws.append(m.weight())
                if fieldname in ("body", "boosted"):
                    pos.append(m.value_as("positions"))
                m.next()
            assert arrays.ids.tolist() == ids
            assert arrays.weights.tolist() == ws
            if pos:
                pick = np.array(sorted(random.Random(len(ids)).sample(range(len(ids)), min(len(ids), 40))))
                owner, p = arrays.positions(pick)
                got = [p[owner == j].tolist() for j in range(len(pick))]
                assert got == [pos[i] for i in pick]
    assert {k[0] for k in kinds} >= {postings.W_ONES, postings.W_BYTES, postings.W_FLOATS}
    assert {k[1] for k in kinds} == {postings.V_NONE, postings.V_FIXED, postings.V_VARIABLE}


def test_weight_kinds_written():
    """A block's weights are stored in the smallest exact kind."""
    from io import BytesIO

    from whoosh.codec.whoosh3 import W3TermInfo
    from whoosh.filedb.structfile import StructFile
    from whoosh.system import pack_uint

    cases = [([1.0, 1.0], postings.W_ONES), ([2.5, 2.5], postings.W_CONST), ([1.0, 3.0, 255.0], postings.W_BYTES),
             ([1.0, 0.5], postings.W_FLOATS), ([1.0, 300.0], postings.W_FLOATS)]
    for weights, kind in cases:
        buf = BytesIO()
        f = StructFile(buf)
        w = postings.PostingsWriter(f, blocklimit=postings.BLOCK_LIMIT)
        w.start_postings(formats.Frequency(), W3TermInfo())
        for i, wt in enumerate(weights):
            w.add_posting(i * 7, wt, pack_uint(int(wt)), 3)
        info = w.finish_postings()
        data = buf.getvalue()
        offset, length = info.extent()
        head = postings.HEADER.unpack_from(data, offset + 4 + 4)
        assert head[7] == kind, weights
        m = postings.LeafMatcher(StructFile(BytesIO(data)), offset, length, formats.Frequency())
        got = []
        while m.is_active():
            got.append((m.id(), m.weight()))
            m.next()
        assert got == [(i * 7, pytest.approx(wt, rel=0, abs=0)) for i, wt in enumerate(weights)]


def test_whoosh_matchers_on_our_blocks(batches):
    """Whoosh's own queries (terms, phrases, prefixes, ranges, AND/OR/NOT) find and score the same on
    our blocks as on its own."""
    theirs = _index(W3Codec(), False, batches, [3, 1600])
    ours = _index(postings.Codec(), True, batches, [3, 1600])
    queries = [wq.Term("body", "common"), wq.Phrase("body", ["alpha", "beta"]),
               wq.Phrase("boosted", ["common", "common", "common"]), wq.Prefix("body", "th"),
               wq.And([wq.Term("body", "rare"), wq.Term("tags", "zeta")]),
               wq.Or([wq.Term("body", "eta"), wq.Term("boosted", "gamma")]),
               wq.AndNot(wq.Term("body", "beta"), wq.Term("body", "alpha")), wq.NumericRange("n", 100, 2000)]
    for q in queries:
        with theirs.searcher() as a, ours.searcher() as b:
            ra = [(h.docnum, h.score) for h in a.search(q, limit=50)]
            rb = [(h.docnum, h.score) for h in b.search(q, limit=50)]
            assert ra == rb and ra, q


@pytest.mark.parametrize("ours", [True, False])
def test_evaluator_on_our_blocks(batches, ours):
    """The evaluator reads our blocks directly and gives Whoosh's matchers' documents and scores; on
    Whoosh's own blocks (an index of format 6, searched as it is when it cannot be rebuilt) too."""
    ix = _index(postings.Codec() if ours else W3Codec(), ours, batches, [3, 1600, 2300])
    queries = [wq.Term("body", "common"), wq.Phrase("body", ["alpha", "beta"]), wq.Phrase("boosted", ["eta", "zeta", "eta"]),
               wq.Or([wq.Term("body", "eta"), wq.Term("boosted", "gamma")]), wq.And([wq.Term("body", "rare"), wq.Term("tags", "zeta")])]
    filters = [None, wq.Term("tags", "alpha"), wq.NumericRange("n", 100, 2000)]
    with ix.searcher() as s:
        for q in queries:
            for fq in filters:
                found = evaluate.matches(s, q, fq)
                assert found is not None
                expected = [(h.docnum, h.score) for h in s.search(q, limit=None, filter=fq)]
                got = found.top(len(expected) + 5)
                assert [d for d, _ in got] == [d for d, _ in expected], q
                assert [sc for _, sc in got] == pytest.approx([sc for _, sc in expected], rel=1e-12)


def test_old_format_index_is_rebuilt(tmp_path, monkeypatch):
    """An archive whose index is of format 6 (Whoosh's own blocks and positions) is rebuilt in our
    format by the next search, and finds the same."""
    from conftest import sample_path
    from pressarchive import search as S
    from pressarchive.archive import Archive

    monkeypatch.setenv("PRESSARCHIVE_HOME", str(tmp_path / "home"))
    archive = Archive(tmp_path / "home")
    archive.add(sample_path().read_bytes(), sample_path().name, None)
    expected = [(h["turn"]["id"], h["score"]) for h in S.search(archive, '"green factories"', None, 10).hits]
    assert expected
    # write the index as format 6 did: Whoosh's codec, Whoosh's Positions
    monkeypatch.setattr(index, "codec", lambda: W3Codec())
    monkeypatch.setattr(postings, "raw_positions", lambda field: field)
    monkeypatch.setattr(index, "INDEX_FORMAT", 6)
    index.rebuild(archive).close()
    state = json.loads((archive.index_dir / index.STATE_FILE).read_text(encoding="utf-8"))
    assert state["format"] == 6
    ix = index.open_index(archive)
    assert all(type(seg.codec()) is W3Codec for seg in ix._segments())
    ix.close()
    monkeypatch.undo()
    monkeypatch.setenv("PRESSARCHIVE_HOME", str(tmp_path / "home"))
    archive = Archive(tmp_path / "home")
    assert [(h["turn"]["id"], h["score"]) for h in S.search(archive, '"green factories"', None, 10).hits] == expected
    assert index.read_state(archive.index_dir)["format"] == index.INDEX_FORMAT == 7
    ix = index.open_index(archive)
    try:
        assert all(type(seg.codec()) is postings.Codec for seg in ix._segments())
        assert type(ix.schema["text"].format) is postings.RawPositions
    finally:
        ix.close()


def test_skip_to_lands_where_whoosh_lands(batches):
    """skip_to (a binary search inside a block here) lands on the same posting as Whoosh's codec,
    within a block, across blocks and past the end."""
    theirs = _index(W3Codec(), False, batches[:1])
    ours = _index(postings.Codec(), True, batches[:1])
    rnd = random.Random(5)
    with theirs.searcher() as a, ours.searcher() as b:
        for term in ["common", "alpha", "w70000"]:
            targets = sorted(rnd.sample(range(1600), 60)) + [1499, 5000]
            ma, mb = a.reader().postings("body", term), b.reader().postings("body", term)
            for t in targets:
                if not ma.is_active():
                    assert not mb.is_active()
                    break
                ma.skip_to(t)
                mb.skip_to(t)
                assert ma.is_active() == mb.is_active(), (term, t)
                if ma.is_active():
                    assert (ma.id(), ma.weight(), ma.value_as("positions")) == (mb.id(), mb.weight(), mb.value_as("positions"))


@pytest.mark.parametrize("ours", [True, False])
def test_phrase_count_in_slices(batches, ours):
    """evaluate.phrase_count checks a phrase's candidates a slice at a time until the cap: the same
    count as Whoosh's phrase matcher, with thousands of candidates, deletions and three segments."""
    from itertools import islice

    from whoosh.searching import Searcher

    from pressarchive import evaluate as ev

    seen = []
    real = ev._phrase_hits
    for deleted in ([], [0, 3, 1600]):
        ix = _index(postings.Codec() if ours else W3Codec(), ours, batches, deleted)
        reader = ix.reader()
        try:
            for words in (["common", "common"], ["alpha", "beta"], ["eta", "zeta", "eta"], ["common", "nosuch"]):
                for cap in (None, 1, 50, 300, 5000):
                    m = wq.Phrase("body", words).matcher(Searcher(reader))
                    ids = m.all_ids() if cap is None else islice(m.all_ids(), cap)
                    ev._phrase_hits = lambda lists, btexts, where, rows: seen.append(len(rows)) or real(lists, btexts, where, rows)
                    try:
                        assert ev.phrase_count(reader, "body", words, cap) == sum(1 for _ in ids), (words, cap, deleted)
                    finally:
                        ev._phrase_hits = real
        finally:
            reader.close()
    assert 256 in seen and max(seen) > 256  # slices, and whole segments
