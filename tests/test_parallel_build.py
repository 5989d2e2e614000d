"""A full build on several processes gives the index a one-process build gives: every term's
postings (document numbers, weights, positions), stored fields, field lengths, the state file and
the lexicon; and a worker's failure is one error, with the old index left as it was."""
from __future__ import annotations

import json

import pytest

from pressarchive import index
from pressarchive.errors import PressArchiveError
from pressarchive.archive import Archive
from test_concurrency import transcripts


def dump(archive) -> dict:
    ix = index.open_index(archive)
    try:
        with ix.searcher() as s:
            r = s.reader()
            out = {"docs": [r.stored_fields(d) for d in range(r.doc_count_all())],
                   "lengths": {f: [r.doc_field_length(d, f) for d in range(r.doc_count_all())]
                               for f in ix.schema.scorable_names()}}
            for fieldname in ix.schema.names():
                if not ix.schema[fieldname].indexed:
                    continue
                for term in r.lexicon(fieldname):
                    m = r.postings(fieldname, term)
                    postings = []
                    while m.is_active():
                        postings.append((m.id(), m.weight(), m.value()))
                        m.next()
                    out[f"{fieldname}:{term!r}"] = postings
        return out
    finally:
        ix.close()


@pytest.fixture
def archive(archive_home, tmp_path, monkeypatch):
    monkeypatch.setattr(index, "PARALLEL_MIN", 4)
    a = Archive(archive_home)
    a.settings = a.settings.with_(build_procs=1)
    a.add_sources([str(f) for f in transcripts(tmp_path / "t", "par", 9)])
    return a


def test_two_processes_build_the_same_index(archive, monkeypatch):
    archive.settings = archive.settings.with_(build_procs=1)
    index.rebuild(archive).close()
    one = dump(archive)
    state_one = json.loads((archive.index_dir / index.STATE_FILE).read_text(encoding="utf-8"))
    lexicon_one = (archive.index_dir / "lexicon.json").read_bytes() if (archive.index_dir / "lexicon.json").exists() else None
    archive.settings = archive.settings.with_(build_procs=2)
    assert index.build_procs(9, archive.settings.build_procs) == 2
    seen = []
    index.rebuild(archive, progress=lambda done, total: seen.append((done, total))).close()
    assert seen and seen[-1] == (9, 9)
    two = dump(archive)
    assert two == one and len(two["docs"]) > 9
    assert json.loads((archive.index_dir / index.STATE_FILE).read_text(encoding="utf-8")) == state_one
    if lexicon_one is not None:
        assert (archive.index_dir / "lexicon.json").read_bytes() == lexicon_one
    ix = index.open_index(archive)
    assert len(ix._segments()) == 2
    ix.close()


def _dying_part(home, folder, ids, part, procs, queue, lexicon):
    """A worker killed half-way (out of memory, a signal): part 1 exits without a word."""
    import os

    if part == 1:
        os._exit(3)
    index._build_part(home, folder, ids, part, procs, queue, lexicon)


def test_a_worker_failure_is_one_error_and_the_old_index_stays(archive, monkeypatch):
    archive.settings = archive.settings.with_(build_procs=1)
    index.rebuild(archive).close()
    before = dump(archive)
    # a damaged record no longer fails a worker (it is left out: the next test), so a worker dies
    monkeypatch.setattr(index, "_build_part", _dying_part)
    archive.settings = archive.settings.with_(build_procs=2)
    with pytest.raises(PressArchiveError) as err:
        index.rebuild(archive)
    assert "\n" not in err.value.message
    assert dump(archive) == before  # built aside, never swapped in
    assert not [p for p in archive.home.iterdir() if p.name.startswith(".index.building-")]


def test_a_damaged_record_is_left_out_of_a_parallel_build(archive, monkeypatch):
    damaged = archive.ids()[-1]
    (archive.corpus_dir / damaged / "record.json").write_text("{not json", encoding="utf-8")
    archive.settings = archive.settings.with_(build_procs=2)
    index.rebuild(archive).close()
    conferences = {d["conference"] for d in dump(archive)["docs"]}
    assert conferences == set(archive.ids()) - {damaged}
    state = json.loads((archive.index_dir / index.STATE_FILE).read_text(encoding="utf-8"))
    assert state["conferences"][damaged]["damaged"] is True  # not retried until the file changes
    assert index.stale_conferences(archive, index.read_state(archive.index_dir)) == ([], [])


def test_segment_parts_are_read_without_copying_them_first(archive, monkeypatch):
    """analysis._open_compound_parts_lazily: the same index read, no copy of a part at open time."""
    import whoosh.filedb.compound as compound
    from whoosh.filedb.structfile import BufferFile

    index.rebuild(archive).close()
    assert getattr(compound.BufferFile, "lazy", False)
    lazy = dump(archive)
    monkeypatch.setattr(compound, "BufferFile", BufferFile)  # whoosh's own: copies each part at open
    assert dump(archive) == lazy
