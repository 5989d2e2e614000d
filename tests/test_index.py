"""The index: documents per turn, build / ensure / update / rebuild, staleness, damage, locking.

``make_records`` and ``seed`` build a small two-conference archive by hand (English and Chinese,
questions from named outlets, answers, regions, dates); test_search and test_cli_search use them too.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pressarchive import index
from pressarchive.errors import BusyError
from pressarchive.records import Conference, Record, Speaker, Turn, turn_id
from pressarchive.archive import Archive

CONF_A = "2023-03-05-miit-aaaaaa"
CONF_B = "2021-06-01-jsit-bbbbbb"


def _turns(cid: str, rows: list[tuple]) -> list[Turn]:
    out = []
    for seq, speaker, kind, lang, paragraphs, *rest in rows:
        extra = rest[0] if rest else {}
        q = extra.get("question")
        out.append(Turn(id=turn_id(cid, seq), seq=seq, speaker=speaker, kind=kind, lang=lang,
                        paragraphs=paragraphs, question=turn_id(cid, q) if q else None,
                        regions=extra.get("regions", [])))
    return out


def make_records() -> list[Record]:
    """Two small conferences: A (2023, English and Chinese, Shanghai and Chongqing), B (2021, Jiangsu)."""
    a = Record(
        conference=Conference(id=CONF_A, title="Press conference on regional manufacturing", date="2023-03-05",
                              organizer="Ministry of Industry and Information Technology", source="a.txt",
                              languages=["en", "zh"], content_hash="a" * 64),
        speakers=[
            Speaker(id="s1", name="Cheng Xiaoming", name_zh="程晓明", role="host", title="Inspector",
                    organization="General Office", region="National"),
            Speaker(id="s2", name="Zhang Hongtao", name_zh="张宏韬", role="presenter", title="Chief Engineer",
                    organization="Shanghai Municipal Commission of Economy and Information Technology",
                    region="Shanghai"),
            Speaker(id="s3", role="reporter", organization="Jiefang Daily"),
            Speaker(id="s4", role="reporter", organization="上海电视台"),
            Speaker(id="s5", name="Yang Zhenghua", name_zh="杨正华", role="presenter", title="Deputy Director",
                    organization="Chongqing Economic and Information Technology Commission", region="Chongqing"),
        ],
        turns=_turns(CONF_A, [
            (1, "s1", "statement", "en", ["Good morning. Today we talk about green factories and the orderly "
                                          "transfer of manufacturing."]),
            (2, "s3", "question", "en", ["The Yangtze River Delta is a key region. How will the integrated "
                                         "circuit industry grow?"]),
            (3, "s2", "answer", "en", ["Thank you for your question.",
                                       "Shanghai built 3 green factories last year, and the integrated circuits "
                                       "cluster kept transferring know-how to its neighbours."],
             {"question": 2, "regions": ["Shanghai"]}),
            (4, "s4", "question", "zh", ["请问上海在集成电路方面有哪些进展？"]),
            (5, "s2", "answer", "zh", ["集成電路产业规模达到1.27万亿元。", "我们推动產業轉移，构建高精尖经济结构。"],
             {"question": 4}),
            (6, "s5", "statement", "zh", ["重庆积极承接产业转移。"], {"regions": ["Chongqing"]}),
        ]),
    )
    b = Record(
        conference=Conference(id=CONF_B, title="Jiangsu manufacturing clusters briefing", date="2021-06-01",
                              organizer="Jiangsu Provincial Department of Industry and Information Technology",
                              source="b.txt", languages=["en"], content_hash="b" * 64),
        speakers=[
            Speaker(id="s1", name="Li Feng", role="presenter", title="Deputy Director",
                    organization="Jiangsu Provincial Department of Industry and Information Technology",
                    region="Jiangsu"),
            Speaker(id="s2", role="reporter", organization="China Youth Daily"),
        ],
        turns=_turns(CONF_B, [
            (1, "s2", "question", "en", ["What about advanced manufacturing clusters in Jiangsu?"]),
            (2, "s1", "answer", "en", ["Jiangsu has 16 advanced manufacturing clusters. Green development means "
                                       "that 4,804 chemical enterprises were closed and other factories moved."],
             {"question": 1, "regions": ["Jiangsu"]}),
            (3, "s1", "statement", "en", ["Xiong'an New District is far away. \x1b[31mred\x1b[0m [bold]not "
                                          "markup[/bold]"]),
        ]),
    )
    return [a, b]


def write_record(home: Path, record: Record) -> Path:
    folder = Path(home) / "corpus" / record.conference.id
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "record.json"
    path.write_text(json.dumps(record.to_dict(), ensure_ascii=False), encoding="utf-8")
    return path


def seed(home: Path, records: list[Record] | None = None) -> Archive:
    """An archive in ``home`` holding ``records`` (default: make_records())."""
    for record in records if records is not None else make_records():
        write_record(home, record)
    return Archive(home)


@pytest.fixture(autouse=True)
def no_lexicon(monkeypatch):
    """Building translate.py's lexicon loads CC-CEDICT (seconds): not needed here."""
    monkeypatch.setattr(index, "BUILD_LEXICON", False)


@pytest.fixture
def archive(archive_home) -> Archive:
    return seed(archive_home)


def doc_ids(ix) -> list[str]:
    with ix.searcher() as s:
        return sorted(f["id"] for f in s.all_stored_fields())


def test_one_document_per_turn_answers_carry_their_question():
    a = make_records()[0]
    docs = {d["id"]: d for d in index.documents(a)}
    assert len(docs) == len(a.turns)
    answer = docs[turn_id(CONF_A, 3)]
    assert "Yangtze River Delta" in answer["question"] and answer["outlet"] == "Jiefang Daily"
    assert answer["kind"] == "answer" and answer["region"] == "Shanghai" and answer["date"] == "2023-03-05"
    assert {"Zhang Hongtao", "张宏韬"} <= set(answer["speaker_label"].split("\n"))
    assert "zhanghongtao" in {k.lower().replace(" ", "") for k in answer["speaker_key"].split("\n")}
    question = docs[turn_id(CONF_A, 4)]
    assert question["outlet"] == "上海电视台" and "question" not in question and "speaker_key" not in question
    assert set(docs[turn_id(CONF_A, 5)]["lang"].split("\n")) == {"zh"}


def test_build_in_ram_storage():
    from whoosh.filedb.filestore import RamStorage

    records = make_records()
    seen = []
    ix = index.build_in(RamStorage(), records, progress=lambda done, total: seen.append((done, total)), total=2)
    assert ix.doc_count() == sum(len(r.turns) for r in records)
    assert seen == [(1, 2), (2, 2)]


def test_ensure_index_builds_when_missing_then_reuses(archive):
    assert not archive.index_dir.exists()
    calls = []
    ix = index.ensure_index(archive, progress=lambda d, t: calls.append((d, t)))
    assert ix.doc_count() == 9 and calls[-1] == (2, 2)
    state = index.read_state(archive.index_dir)
    assert set(state["conferences"]) == {CONF_A, CONF_B}
    assert state["conferences"][CONF_A]["hash"] == "a" * 64
    before = sorted(p.name for p in archive.index_dir.iterdir() if p.name != index.MARK_FILE)
    calls.clear()
    index.ensure_index(archive, progress=lambda d, t: calls.append((d, t))).close()
    after = sorted(p.name for p in archive.index_dir.iterdir() if p.name != index.MARK_FILE)
    assert calls == [] and after == before


def test_unchanged_corpus_skips_the_per_record_scan(archive, monkeypatch):
    index.ensure_index(archive).close()
    index.ensure_index(archive).close()  # writes the mark: corpus and index in step
    scans = []
    real = index.stale_conferences
    monkeypatch.setattr(index, "stale_conferences", lambda *a: scans.append(1) or real(*a))
    index.ensure_index(archive).close()
    assert scans == []
    (archive.corpus_dir / "new-folder").mkdir()  # any add/remove renames a folder in corpus/
    index.ensure_index(archive).close()
    assert scans == [1]



def test_an_index_in_step_is_opened_without_reading_the_state_file(archive, monkeypatch):
    index.ensure_index(archive).close()
    index.ensure_index(archive).close()
    real = index.read_state
    reads = []
    monkeypatch.setattr(index, "read_state", lambda d: reads.append(1) or real(d))
    index.ensure_index(archive).close()
    assert reads == []
    # another lexicon version: the state file is read, the lexicon rebuilt, the state read again
    refreshed = []
    monkeypatch.setattr(index, "refresh_lexicon", lambda a: refreshed.append(1))
    monkeypatch.setattr(index, "_lexicon_version", lambda: "another")
    index.ensure_index(archive).close()
    assert reads == [1, 1] and refreshed == [1]
    index.ensure_index(archive, lexicon=False).close()  # no lexicon wanted: the mark is enough
    assert reads == [1, 1]
    # a state file damaged after the mark was written is read, and the index rebuilt
    index.ensure_index(archive).close()
    monkeypatch.undo()
    (archive.index_dir / index.STATE_FILE).write_text("{not json", encoding="utf-8")
    index.ensure_index(archive).close()
    assert index.read_state(archive.index_dir) is not None
    # a state file gone is never skipped
    (archive.index_dir / index.STATE_FILE).unlink()
    monkeypatch.undo()
    index.ensure_index(archive).close()
    assert index.read_state(archive.index_dir) is not None

def test_changed_record_is_reindexed_alone(archive, archive_home):
    index.ensure_index(archive).close()
    b = make_records()[1]
    b.turns[2].paragraphs = ["Hengqin is the new topic."]
    write_record(archive_home, b)
    changed, removed = index.stale_conferences(archive, index.read_state(archive.index_dir))
    assert (changed, removed) == ([CONF_B], [])
    progress = []
    ix = index.ensure_index(archive, progress=lambda d, t: progress.append((d, t)))
    assert progress == [(1, 1)]  # one conference's work
    from whoosh.query import Term

    with ix.searcher() as s:
        assert [h["id"] for h in s.search(Term("text", "hengqin"))] == [turn_id(CONF_B, 3)]
        assert len(s.search(Term("text", "xiong'an"))) == 0
    assert ix.doc_count() == 9


def test_removed_conference_leaves_the_index(archive, archive_home):
    index.ensure_index(archive).close()
    import shutil

    shutil.rmtree(archive_home / "corpus" / CONF_B)
    ix = index.ensure_index(archive)
    assert all(i.startswith(CONF_A) for i in doc_ids(ix)) and ix.doc_count() == 6
    assert list(index.read_state(archive.index_dir)["conferences"]) == [CONF_A]


def test_update_adds_and_removes_incrementally(archive_home):
    a, b = make_records()
    archive = seed(archive_home, [a])
    index.ensure_index(archive).close()
    write_record(archive_home, b)
    ix = index.update(archive, added=[b], removed=[])
    assert ix.doc_count() == 9
    ix = index.update(archive, added=[], removed=[CONF_A])
    assert doc_ids(ix) == [turn_id(CONF_B, n) for n in (1, 2, 3)]


def test_update_without_an_index_builds_one(archive):
    ix = index.update(archive, added=[], removed=[])
    assert ix.doc_count() == 9


@pytest.mark.parametrize("damage", ["state", "toc", "segments", "folder-is-a-file"])
def test_damaged_index_is_rebuilt(archive, damage):
    index.ensure_index(archive).close()
    d = archive.index_dir
    if damage == "state":
        (d / index.STATE_FILE).write_text("{not json", encoding="utf-8")
    elif damage == "toc":
        for p in d.glob("_MAIN_*.toc"):
            p.write_bytes(b"garbage")
    elif damage == "segments":
        for p in d.glob("*.seg"):
            p.unlink()
    else:
        import shutil

        shutil.rmtree(d)
        d.write_text("not a folder", encoding="utf-8")
    ix = index.ensure_index(archive)
    assert ix.doc_count() == 9 and d.is_dir()


def test_other_index_format_is_rebuilt(archive):
    index.ensure_index(archive).close()
    state = json.loads((archive.index_dir / index.STATE_FILE).read_text(encoding="utf-8"))
    state["format"] = -1
    (archive.index_dir / index.STATE_FILE).write_text(json.dumps(state), encoding="utf-8")
    assert index.read_state(archive.index_dir) is None
    assert index.ensure_index(archive).doc_count() == 9
    assert index.read_state(archive.index_dir)["format"] == index.INDEX_FORMAT


def test_busy_index_raises_busy_error(archive, monkeypatch):
    from filelock import FileLock

    index.ensure_index(archive).close()
    monkeypatch.setattr(index, "BUILD_TIMEOUT", 0.05)
    holder = FileLock(str(archive.index_dir.parent / f".{archive.index_dir.name}{index.LOCK_SUFFIX}"),
                      is_singleton=False)
    import threading

    held, release = threading.Event(), threading.Event()

    def hold():
        with holder:
            held.set()
            release.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    try:
        held.wait(10)
        with pytest.raises(BusyError) as err:
            index.rebuild(archive)
        assert "another process" in err.value.message
    finally:
        release.set()
        t.join()


def test_open_searcher_gives_a_searcher(archive):
    with index.open_searcher(archive) as s:
        assert s.doc_count() == 9


def test_a_build_finished_by_another_process_is_not_repeated(archive, monkeypatch):
    index.ensure_index(archive).close()
    built = []
    monkeypatch.setattr(index, "build_in", lambda *a, **k: built.append(1))
    # this process saw no index, then waited for the lock while another one built it
    ix = index._rebuild(archive, only_if_stale=True)
    assert built == [] and ix.doc_count() == 9


def test_a_rebuild_keeps_hidden_files_that_are_not_the_index(archive):
    """A checkout's index/.gitkeep survives `pressarchive reindex` (the folder is swapped whole)."""
    index.rebuild(archive).close()
    (archive.index_dir / ".gitkeep").write_text("", encoding="utf-8")
    index.rebuild(archive).close()
    assert (archive.index_dir / ".gitkeep").is_file()
    assert index.stale_conferences(archive, index.read_state(archive.index_dir)) == ([], [])


def test_a_segment_whose_turns_are_all_deleted_is_dropped(archive_home):
    """Re-adding or removing every turn of a segment leaves no empty segment in the index (Whoosh
    kept it: every search read its postings and its deletion set)."""
    a, b = make_records()
    archive = seed(archive_home, [a])
    index.ensure_index(archive).close()  # segment 1: A
    write_record(archive_home, b)
    index.update(archive, added=[b], removed=[]).close()  # segment 2: B
    ix = index.update(archive, added=[], removed=[CONF_A])  # every turn of segment 1 deleted
    segments = ix._segments()
    assert all(seg.doc_count() > 0 for seg in segments) and len(segments) == 1
    assert doc_ids(ix) == [turn_id(CONF_B, n) for n in (1, 2, 3)]
    ix.close()
    files = {p.name for p in Path(archive.index_dir).iterdir()}
    assert sum(name.endswith(".seg") for name in files) == 1  # the empty segment's file went too


def test_the_schema_is_unpickled_once_per_table_of_contents(archive, monkeypatch):
    """index._open hands Whoosh the schema it unpickled from the same .toc file before."""
    import pickle

    index.ensure_index(archive).close()
    index._open(Path(archive.index_dir)).close()
    loads = []
    real = pickle.loads
    monkeypatch.setattr(pickle, "loads", lambda b, *a, **k: loads.append(len(b)) or real(b, *a, **k))
    ix = index._open(Path(archive.index_dir))
    assert ix.schema is index._SCHEMAS[index._toc_key(Path(archive.index_dir))]
    with ix.searcher() as s:
        assert s.doc_count() == 9
    assert not loads  # neither open_dir, the reader nor ix.schema unpickled the schema again
    ix.close()


def test_a_search_that_loses_a_race_with_a_commit_reads_the_new_table(monkeypatch):
    """A writer's commit replaces the table of contents and deletes merged segments: a reader that
    listed a file a moment before finds it gone. That is tried again; any other error is not."""
    calls = []

    def racing(archive, progress=None, lexicon=True):
        calls.append(1)
        if len(calls) < 3:
            try:
                raise FileNotFoundError(2, "No such file or directory", "index/_MAIN_5.toc")
            except FileNotFoundError as err:
                raise index.IndexError_("the search index is unreadable") from err
        return "the index"

    monkeypatch.setattr(index, "_open_for_reading", racing)
    assert index.open_for_reading(object()) == "the index" and len(calls) == 3

    def damaged(archive, progress=None, lexicon=True):
        calls.append(1)
        raise index.IndexError_("the search index is damaged")

    calls.clear()
    monkeypatch.setattr(index, "_open_for_reading", damaged)
    with pytest.raises(index.IndexError_):
        index.open_for_reading(object())
    assert len(calls) == 1

    def gone(archive, progress=None, lexicon=True):
        calls.append(1)
        raise FileNotFoundError(2, "No such file or directory", "index/_MAIN_5.toc")

    calls.clear()
    monkeypatch.setattr(index, "_open_for_reading", gone)
    with pytest.raises(FileNotFoundError):
        index.open_for_reading(object())
    assert len(calls) == index.OPEN_TRIES
