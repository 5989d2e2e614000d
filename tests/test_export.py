"""Export writers read back with real parsers; the export command on a hand-made archive."""
from __future__ import annotations

import csv
import io
import json
import sys
import types
from html.parser import HTMLParser

import pytest
from bs4 import BeautifulSoup

from pressarchive import export
from pressarchive.cli import cli
from pressarchive.hits import citation, make_hit
from pressarchive.records import Conference, Record, Speaker, Turn

CONF = "2022-09-27-miit-abc123"
MARKUP = '<script>alert("x")</script> <b>bold</b> & R&D'


def make_record(cid: str = CONF, date: str = "2022-09-27", region: str = "Shanghai") -> Record:
    """A small bilingual conference: host statement, a reporter's question, a Chinese answer, hostile text."""
    t = lambda seq: f"{cid}:{seq:03d}"  # noqa: E731
    return Record(
        conference=Conference(id=cid, title="Regional manufacturing 制造业", date=date,
                              organizer="Ministry of Industry and Information Technology", source="miit.txt"),
        speakers=[
            Speaker("s1", name="Cheng Xiaoming", name_zh="程晓明", role="host", title="Inspector",
                    organization="General Office", region="National"),
            Speaker("s2", role="reporter", organization="=Economic Daily"),
            Speaker("s3", name="Zhang Hongtao", name_zh="张宏韬", role="presenter", title="Chief Engineer",
                    organization="Shanghai Municipal Commission", region=region),
        ],
        turns=[
            Turn(t(1), 1, "s1", "statement", "en", ["Good morning, everyone."]),
            Turn(t(2), 2, "s2", "question", "zh", ["请问集成电路产业有什么进展？"]),
            Turn(t(3), 3, "s3", "answer", "zh", ["上海集成电路产业规模占全国四分之一。", "+1 -2 @SUM(A1) =1+1"],
                 question=t(2), regions=["Shanghai"]),
            Turn(t(4), 4, "s1", "statement", "en", [MARKUP]),
        ],
    )


def answer_hit(record: Record | None = None) -> dict:
    record = record or make_record()
    return make_hit(record, record.turns[2], score=2.5, matched_terms=["集成电路"],
                    highlights=[{"paragraph": 0, "start": 2, "end": 6}])


@pytest.fixture
def hits() -> list[dict]:
    record = make_record()
    return [answer_hit(record), make_hit(record, record.turns[3])]


def render(fmt: str, hits: list[dict]) -> str:
    out = io.StringIO()
    export.write(hits, fmt, out)
    return out.getvalue()


def save(home, record: Record) -> None:
    folder = home / "corpus" / record.conference.id
    folder.mkdir(parents=True)
    (folder / "record.json").write_text(json.dumps(record.to_dict(), ensure_ascii=False), encoding="utf-8")


def run(*args: str):
    from click.testing import CliRunner

    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_json_and_jsonl_keep_hit_layout(hits):
    data = json.loads(render("json", hits))["hits"]
    lines = [json.loads(line) for line in render("jsonl", hits).splitlines()]
    assert data == lines and len(data) == 2
    h = data[0]
    assert h["turn"]["paragraphs"][0] == "上海集成电路产业规模占全国四分之一。"
    assert h["speaker"]["name_zh"] == "张宏韬" and h["speaker"]["region"] == "Shanghai"
    assert h["question"]["paragraphs"] == ["请问集成电路产业有什么进展？"]
    assert h["conference"]["organizer"] == "Ministry of Industry and Information Technology"
    assert h["citation"] == citation(hits[0]) == (
        'Zhang Hongtao (张宏韬), Chief Engineer, Shanghai Municipal Commission, "Regional manufacturing 制造业", '
        f"Ministry of Industry and Information Technology, 2022-09-27, miit.txt [{CONF}:003]")
    assert h["highlights"] == [{"paragraph": 0, "start": 2, "end": 6}]


def test_csv_bom_rows_and_chinese(hits):
    text = render("csv", hits)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert len(rows) == 2
    r = rows[0]
    assert r["turn_id"] == f"{CONF}:003" and r["kind"] == "answer"
    assert r["speaker_name"] == "Zhang Hongtao" and r["speaker_name_zh"] == "张宏韬"
    assert r["speaker_title"] == "Chief Engineer" and r["speaker_region"] == "Shanghai"
    assert r["question_text"] == "请问集成电路产业有什么进展？"
    assert r["conference_date"] == "2022-09-27" and r["conference_source"] == "miit.txt"
    assert "上海集成电路产业" in r["text"] and r["citation"].endswith(f"[{CONF}:003]")
    assert rows[1]["text"] == MARKUP


def test_csv_neutralises_formulas():
    record = make_record()
    record.turns[2].paragraphs = ["=HYPERLINK(\"http://evil\")"]
    row = next(csv.DictReader(io.StringIO(render("csv", [make_hit(record, record.turns[2])])[1:])))
    assert row["text"] == "'=HYPERLINK(\"http://evil\")"
    assert row["question_outlet"] == "'=Economic Daily"
    for cell in ("+1", "-2", "@SUM(A1)", "\t=1", "\r=1"):
        assert export.neutralise(cell) == "'" + cell
    assert export.neutralise("上海 -2") == "上海 -2" and export.neutralise(None) == ""


def test_html_escapes_markup_and_marks_terms(hits):
    page = render("html", hits)
    assert "<script>" not in page and "<b>bold" not in page
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find("script") is None and soup.find("b") is None
    assert soup.find(id=f"{CONF}:004").find("div", class_="text").get_text(strip=True) == MARKUP
    answer = soup.find(id=f"{CONF}:003")
    assert [m.get_text() for m in answer.find_all("mark")] == ["集成电路"]
    assert answer.find("blockquote").find_all("p")[1].get_text() == "请问集成电路产业有什么进展？"
    assert "Zhang Hongtao (张宏韬)" in answer.get_text() and "Shanghai Municipal Commission" in answer.get_text()
    assert soup.find("style") is not None and soup.find("link") is None
    HTMLParser().feed(page)  # the stdlib parser reads it too


def test_html_highlight_with_markup_inside_mark():
    record = make_record()
    hit = make_hit(record, record.turns[3], highlights=[{"paragraph": 0, "start": 0, "end": 8}, {"paragraph": 0, "start": 99, "end": 120}])
    soup = BeautifulSoup(render("html", [hit]), "html.parser")
    assert [m.get_text() for m in soup.find_all("mark")] == ["<script>"]
    assert soup.find(id=f"{CONF}:004").find("div", class_="text").get_text(strip=True) == MARKUP


def test_markdown_groups_question_then_answer(hits):
    other = make_record("2023-01-05-miit-def456", "2023-01-05")
    text = render("md", hits + [answer_hit(other)])
    assert text.count("\n## Regional manufacturing 制造业") == 2
    q, a = text.index("请问集成电路产业"), text.index("上海**集成电路**产业")
    assert q < a < text.index("2023-01-05-miit-def456")
    assert "Zhang Hongtao (张宏韬)" in text and "\\<script>" in text and " <b>" not in text
    assert "*Cite:*" in text
    record = make_record()
    whole = render("md", [make_hit(record, t) for t in record.turns])
    assert whole.count("请问集成电路产业有什么进展？") == 1 and whole.index("请问") < whole.index("上海集成电路")


def test_unknown_format_and_bad_path(tmp_path, hits):
    with pytest.raises(export.QueryError, match="unknown export format 'xml'"):
        export.write(hits, "xml", io.StringIO())
    with pytest.raises(export.PressArchiveError, match="does not exist"):
        export.write_file(hits, "csv", tmp_path / "missing" / "out.csv")


def test_write_file_is_atomic(tmp_path, hits, monkeypatch):
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "out.csv"
    export.write_file(hits, "csv", target)
    assert target.read_bytes().startswith(b"\xef\xbb\xbf") and "张宏韬" in target.read_text(encoding="utf-8-sig")

    def broken(hits, out):
        out.write("half")
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(export.WRITERS, "csv", broken)
    with pytest.raises(RuntimeError):
        export.write_file(hits, "csv", target)
    assert "张宏韬" in target.read_text(encoding="utf-8-sig") and [p.name for p in folder.iterdir()] == ["out.csv"]


def test_search_all_asks_for_every_match(monkeypatch):
    calls = []

    def fake_search(archive, query, filters, limit, sort, translate=True, progress=None, count_limit=None, group=True):
        assert group is False  # every matching turn, not search's grouped hits
        calls.append((limit, count_limit))
        return types.SimpleNamespace(hits=[{"n": i} for i in range(min(limit, 1500))], total=1500)

    monkeypatch.setitem(sys.modules, "pressarchive.search", types.SimpleNamespace(search=fake_search))
    assert len(export.search_all(None, "x", None)) == 1500
    assert calls == [(export.SEARCH_PAGE, None), (1500, None)]  # exact counts: export needs every match


def test_cli_exports_conference_and_turns(archive_home, tmp_path):
    save(archive_home, make_record())
    out = tmp_path / "conf.json"
    result = run("export", "--conference", CONF[:15], "-o", str(out))
    assert result.exit_code == 0, result.output
    ids = [h["turn"]["id"] for h in json.loads(out.read_text(encoding="utf-8"))["hits"]]
    assert ids == [f"{CONF}:{i:03d}" for i in (1, 2, 3, 4)]
    result = run("export", "--turn", f"{CONF}:003", "--turn", f"{CONF}:001", "--format", "jsonl")
    assert [json.loads(x)["turn"]["seq"] for x in result.output.splitlines()] == [3, 1]


@pytest.mark.parametrize("args, message", [
    (["--conference", "nope"], "Error: conference 'nope' is not in the archive"),
    (["--turn", f"{CONF}:099"], f"Error: no turn '{CONF}:099'"),
    (["--conference", CONF, "--format", "xml"], "Error: unknown export format 'xml'"),
    (["--conference", CONF, "-o", "/nonexistent-dir/x.md"], "Error: cannot write /nonexistent-dir/x.md"),
])
def test_cli_errors_are_one_line(archive_home, capsys, args, message):
    from pressarchive.cli import main

    save(archive_home, make_record())
    with pytest.raises(SystemExit) as exit_:
        main(["export", *args])
    err = capsys.readouterr().err
    assert exit_.value.code != 0 and err.startswith(message) and "Traceback" not in err
