"""`pressarchive parse` end to end: both formats, overrides, and one-line errors for bad input."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from pressarchive.cli import cli
from tests.conftest import sample_path


def test_parse_json_layout():
    result = CliRunner().invoke(cli, ["parse", str(sample_path()), "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) >= {"schema_version", "conference", "speakers", "turns", "warnings"}
    turn = data["turns"][3]
    assert set(turn) >= {"id", "seq", "speaker", "kind", "lang", "paragraphs", "question", "regions", "lines"}
    assert turn["kind"] == "answer" and turn["question"] == data["turns"][2]["id"]


def test_parse_text_preview_shows_roster_and_turns():
    result = CliRunner().invoke(cli, ["parse", str(sample_path())], env={"COLUMNS": "160"})
    assert result.exit_code == 0
    out = result.stdout
    assert "2022-09-27 · Ministry of Industry and Information Technology" in out
    assert "Zhang Hongtao (张宏韬)" in out and "Chief Engineer" in out and "Shanghai" in out
    assert "Turns (29)" in out and "Speakers (23)" in out


def test_overrides_fill_missing_metadata(tmp_path):
    f = tmp_path / "t.txt"
    f.write_text("Wang Wei: Good morning.\n\nXinhua reporter: A question?\n\nWang Wei: An answer.\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["parse", str(f), "--format", "json", "--title", "Briefing", "--date", "5 March 2023", "--organizer", "MIIT"]
    )
    conf = json.loads(result.stdout)["conference"]
    assert (conf["title"], conf["date"], conf["organizer"]) == ("Briefing", "2023-03-05", "MIIT")


def test_parse_reads_stdin():
    text = "主持人：现在开始。\n\n新华社记者：请问有何进展？\n\n张宏韬：谢谢提问。进展顺利。\n"
    result = CliRunner().invoke(cli, ["parse", "-", "--format", "json"], input=text.encode("utf-8"))
    data = json.loads(result.stdout)
    assert [t["kind"] for t in data["turns"]] == ["statement", "question", "answer"]
    assert data["speakers"][2]["name"] == "Zhang Hongtao" and data["speakers"][2]["name_zh"] == "张宏韬"


@pytest.mark.parametrize(
    "content,message",
    [
        (b"", "Error: the file is empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "Error: this is a PNG image, not a transcript"),
        (b"An essay. It has sentences but nobody speaks in it.\n\nAnother paragraph.\n", "Error: no speaker turns found"),
        (b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "Error: no text found in the file"),
    ],
)
def test_bad_input_is_one_line_and_non_zero(tmp_path, content, message):
    f = tmp_path / ("bad.html" if content.startswith(b"<html") else "bad.txt")
    f.write_bytes(content)
    proc = subprocess.run(
        [sys.executable, "-m", "pressarchive", "parse", str(f)], capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(sample_path().parents[2])},
    )
    assert proc.returncode == 2  # an error (errors.py: exit codes)
    assert proc.stderr.startswith(message) and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_missing_file_and_folder(tmp_path):
    runner = CliRunner()
    missing = runner.invoke(cli, ["parse", str(tmp_path / "nope.txt")])
    assert missing.exit_code == 2
    folder = runner.invoke(cli, ["parse", str(tmp_path)])
    assert folder.exit_code != 0


def test_errors_read_the_same_under_clirunner(tmp_path):
    f = tmp_path / "empty.txt"
    f.write_bytes(b"")
    result = CliRunner().invoke(cli, ["parse", str(f)])
    assert result.exit_code == 2
    assert result.stderr == "Error: the file is empty\n"
