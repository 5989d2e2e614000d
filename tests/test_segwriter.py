"""segwriter.py: the segment our writer writes is the one Whoosh's own writer writes from the same
documents (the same terms, term statistics and posting lists), whether the postings stay in memory
or are spilled to runs, through merges and deletions, and for real transcripts with the index's own
schema; the analysers' terms and positions computed without tokens are the analysers' own."""
from __future__ import annotations

from itertools import accumulate
from pathlib import Path

import pytest
from whoosh.filedb.filestore import RamStorage
from whoosh.writing import SegmentWriter as WhooshSegmentWriter

from pressarchive import analysis, index, postings, segwriter
from test_postings import _docs, _schema

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
TRICKY = [
    "", "   ", "The President's plan, the Presidents' plans; it's 1,134.5 and 3.2% — Xiong'an.",
    "国务院新闻办公室举行新闻发布会。汽车产业和集成电路产业 grew 12% in 2022年，同比增长。",
    "集成電路 ＡＢＣ full-width ＲＥＰＯＲＴＥＲ： 記者", "a 中 b 国 c", "中", "transferring transferred hoped",
    "Q  Thank you. — MS. JEAN-PIERRE: Go ahead, Karen.\n\nNext paragraph.", "'s 's's x's",
]


def _contents(ix):
    """Every term's statistics and live postings (docnum, weight, value bytes), in global docnums."""
    out = {}
    with ix.searcher() as s:
        r = s.reader()
        for fieldname, btext in r.all_terms():
            ti = r.term_info(fieldname, btext)
            stats = (ti.weight(), ti.doc_frequency(), ti.min_length(), ti.max_length(), ti.max_weight(),
                     ti.min_id(), ti.max_id())
            m = r.postings(fieldname, btext)
            rows = []
            while m.is_active():
                rows.append((m.id(), m.weight(), m.value()))
                m.next()
            out[(fieldname, btext)] = (stats, rows)
        lengths = {(f, d): r.doc_field_length(d, f) for f in s.schema.scorable_names()
                   for d in range(r.doc_count_all())}
        stored = list(r.all_stored_fields())
    return out, lengths, stored


def _build(writer_class, batches, limitmb=128, deleted=(), optimize=False, schema=None):
    ix = RamStorage().create_index(schema or _schema(True))
    for batch in batches:
        w = writer_class(ix, limitmb=limitmb, codec=postings.Codec())
        for doc in batch:
            w.add_document(**doc)
        w.commit(merge=False)
    if deleted:
        w = writer_class(ix, codec=postings.Codec())
        for i in deleted:
            w.delete_by_term("id", f"d{i}")
        w.commit(merge=False)
    if optimize:
        w = writer_class(ix, limitmb=limitmb, codec=postings.Codec())
        w.commit(optimize=True)
    return ix


@pytest.fixture(scope="module")
def batches():
    docs = list(_docs(2600))
    return [docs[:1500], docs[1500:2200], docs[2200:]]


@pytest.mark.parametrize("small_flush", [0, 10**9], ids=["numpy", "lists"])
def test_same_segments_as_whooshs_writer(batches, small_flush, monkeypatch):
    """Three segments with deletions, multi-block posting lists, a boosted field (Whoosh's own
    analysis path) and KEYWORD/NUMERIC/ID fields: term by term what Whoosh's writer writes, whether
    the posting lists are written as NumPy arrays or (a small segment) as lists."""
    monkeypatch.setattr(segwriter, "SMALL_FLUSH", small_flush)
    theirs = _build(WhooshSegmentWriter, batches, deleted=[0, 5, 1499, 2599])
    ours = _build(segwriter.SegmentWriter, batches, deleted=[0, 5, 1499, 2599])
    assert len(ours._segments()) == 3
    expected = _contents(theirs)
    assert _contents(ours) == expected
    assert max(len(rows) for _, rows in expected[0].values()) > 2 * postings.BLOCK_LIMIT


def test_spilled_runs_and_merges_give_the_same_segment(batches, tmp_path, monkeypatch):
    """A tiny ``limitmb`` spills many runs, merged term by term; an optimizing merge (Whoosh's
    ``add_reader`` into our buffer) gives the segment Whoosh's merge gives; no run file is left."""
    monkeypatch.setattr(segwriter.tempfile, "tempdir", str(tmp_path))
    spills = []
    real_spill = segwriter.PostingBuffer.spill

    def counting_spill(self):
        spills.append(len(self.fields))
        real_spill(self)

    monkeypatch.setattr(segwriter.PostingBuffer, "spill", counting_spill)
    theirs = _build(WhooshSegmentWriter, batches, deleted=[3, 1600], optimize=True)
    ours = _build(segwriter.SegmentWriter, batches, limitmb=0.05, deleted=[3, 1600], optimize=True)
    assert len(spills) > 5
    assert len(ours._segments()) == 1
    assert _contents(ours) == _contents(theirs)
    assert not list(tmp_path.glob("pressarchive-run-*"))


@pytest.mark.parametrize("small_flush", [0, 10**9], ids=["numpy", "lists"])
def test_out_of_order_postings_write_the_same_segment(small_flush, monkeypatch):
    """A term's postings added out of document order (as no writer of ours adds them) are written in
    order, by either path."""
    from whoosh import fields

    monkeypatch.setattr(segwriter, "SMALL_FLUSH", small_flush)
    schema = fields.Schema(id=fields.ID(stored=True), body=postings.raw_positions(fields.TEXT(phrase=True)))
    ix = RamStorage().create_index(schema)
    w = segwriter.SegmentWriter(ix, codec=postings.Codec())
    for i in range(6):
        w.add_document(id=f"d{i}", body="alpha beta" if i % 2 else "beta gamma beta")
    buf = w.pool
    terms = buf.fields["body"]
    head, values = terms[b"beta"]
    rows = list(segwriter._POSTING.iter_unpack(head))
    starts = list(accumulate((r[2] for r in rows), initial=0))
    order = list(reversed(range(len(rows))))
    terms[b"beta"] = (bytearray(b"".join(segwriter._POSTING.pack(*rows[i]) for i in order)),
                      bytearray(b"".join(values[starts[i]:starts[i] + rows[i][2]] for i in order)))
    w.commit()
    with ix.searcher() as s:
        m = s.reader().postings("body", b"beta")
        got = []
        while m.is_active():
            got.append((m.id(), m.value_as("positions")))
            m.next()
    assert got == [(0, [0, 2]), (1, [1]), (2, [0, 2]), (3, [1]), (4, [0, 2]), (5, [1])]


def test_postings_out_of_document_order_are_sorted():
    import numpy as np

    buf = segwriter.PostingBuffer()
    for docnum, value in ((5, b"e"), (2, b"bb"), (9, b""), (7, b"ggg")):
        buf.add(("f", b"t", docnum, float(docnum), value))
    ((field, term, docs, weights, vlens, values),) = list(buf.terms())
    assert (field, term) == ("f", b"t")
    assert docs.tolist() == [2, 5, 7, 9] and weights.tolist() == [2.0, 5.0, 7.0, 9.0]
    assert vlens.tolist() == [2, 1, 3, 0] and values == b"bbeggg"
    assert list(buf.iter_postings())[0] == ("f", b"t", 2, 2.0, b"bb")
    assert isinstance(docs, np.ndarray)


def _records(tmp_path, monkeypatch):
    from conftest import sample_path
    from pressarchive.archive import Archive

    monkeypatch.setenv("PRESSARCHIVE_HOME", str(tmp_path / "home"))
    archive = Archive(tmp_path / "home")
    archive.add(sample_path().read_bytes(), sample_path().name, None)
    for name in ("bilingual-alternating", "mfa-wenda", "dod-briefing", "zh-only", "whitehouse",
                 "en-names-outlets", "scio-gov-html"):
        folder = FIXTURES / name
        for source in sorted(folder.glob("input.*")):
            try:
                archive.add(source.read_bytes(), f"{name}{source.suffix}", None)
            except Exception:  # noqa: BLE001 - a fixture this test does not need
                pass
    corpus = archive.corpus
    return [corpus.get(i) for i in corpus.ids()]


@pytest.mark.parametrize("small_flush", [0, 10**9], ids=["numpy", "lists"])
def test_real_transcripts_index_as_whooshs_writer_does(tmp_path, monkeypatch, small_flush):
    """The index's schema over the sample and Chinese, bilingual and English fixtures: the build
    (ours, with the fast analysis and the item caches) equals Whoosh's writer's, term by term."""
    monkeypatch.setattr(segwriter, "SMALL_FLUSH", small_flush)
    records = _records(tmp_path, monkeypatch)
    assert len(records) >= 5
    docs = [doc for record in records for doc in index.documents(record)]
    schema = index.schema()
    theirs = _build(WhooshSegmentWriter, [docs], schema=schema)
    ours = _build(segwriter.SegmentWriter, [docs], schema=schema)
    expected = _contents(theirs)
    assert any(f == "cjk" for f, _ in expected[0]) and any(f == "question" for f, _ in expected[0])
    assert _contents(ours) == expected


def test_fast_positions_are_the_analysers(tmp_path, monkeypatch):
    """``analysis.fast_positions`` gives ``field.index`` for the text, Chinese bigram and question
    fields, on tricky strings and on every paragraph of real transcripts."""
    schema = index.schema()
    texts = list(TRICKY)
    for record in _records(tmp_path, monkeypatch):
        texts += ["\n\n".join(t.paragraphs) for t in record.turns]
    for name in ("text", "cjk", "question", "qcjk"):
        field = schema[name]
        fast = analysis.fast_positions(field)
        assert fast is not None, name
        for text in texts:
            assert sorted(fast(text)) == sorted(field.index(text)), (name, text[:80])
    assert analysis.fast_positions(schema["speaker"]) is None  # names: Whoosh's path, cached
    assert analysis.fast_positions(schema["kind"]) is None
