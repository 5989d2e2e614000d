"""Hostile content (issue 8, part 3): a transcript's text must not reach the terminal as escape
sequences or Rich markup, must not inject into HTML / Markdown / CSV exports, and ids and file names
must not lead outside the archive folder.

Two routes in: a transcript read by the ingester (which drops control characters), and a crafted
record.json written straight into the corpus (an archive shared by someone else, an older version,
a hand edit), which only the views' own escaping stands between and the terminal.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pressarchive import index
from pressarchive.ingest import ingest_bytes
from pressarchive.records import content_hash
from pressarchive.archive import Archive

from test_fuzz_ingest import write_report, assert_cli_contract, run_cli

CASES: Counter[str] = Counter()

# What a hostile transcript carries: clear screen, an OSC 8 hyperlink, an OSC 52 clipboard write,
# a bell, C1 controls (CSI, DCS, ST, NEL), a cursor move, a title change.
ESCAPES = ("\x1b[2J", "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\", "\x1b]52;c;cm0gLXJmIH4=\x07",
           "\x07", "\x9b2J", "\x90qpayload\x9c", "\x85", "\x1b[10;10H", "\x1b]0;pwned\x07", "\x1bc")
HOSTILE = "".join(ESCAPES)
MARKUP = "[bold red]RED[/] [link=https://evil.example]link[/link] [/]"
HTML = '<script>alert(1)</script><img src=x onerror=alert(2)>"><svg onload=alert(3)>&amp;</p></body>'


@pytest.fixture(scope="module", autouse=True)
def _report_cases():
    yield
    write_report(__name__, cases=CASES)


@pytest.fixture(autouse=True)
def _fast_and_coloured(monkeypatch):
    """A forced-colour, wide terminal (so Rich emits its own escapes), and no lexicon build."""
    monkeypatch.setattr(index, "BUILD_LEXICON", False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("NO_COLOR", raising=False)


TRANSCRIPT = f"""Press conference on export controls {HOSTILE} {MARKUP}

May 5, 2023

Zhao Ming: Good afternoon. {HOSTILE} Today Director Li Hong will introduce the work. {MARKUP} {HTML}

Li Hong: =HYPERLINK("https://evil.example","click") Industry grew {HOSTILE} steadily. {HTML}

Xinhua News Agency Reporter: {HOSTILE}What about industry in Shanghai? {MARKUP} <b>bold</b>

Li Hong: +1 industry answer. @SUM(1,2) -2+3 {HTML} [red]x[/red] {HOSTILE}

Zhao Ming: That concludes today's press conference. Thank you.
"""


def pa(home: Path, *args: str, codes=(0,), stdin: bytes = b"") -> tuple[int, str, str]:
    code, out, err = run_cli(["--home", str(home), *args], stdin=stdin)
    if args[0] in ("check", "add") and code == 1 and "Error:" not in err:
        assert "Traceback" not in out + err
    else:
        assert_cli_contract(code, out, err, codes=codes)
    assert code in codes, (args, code, out, err)
    return code, out, err


SGR = re.compile(r"\x1b\[[0-9;]*m")  # the only escapes Rich itself emits for these views
DANGEROUS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def assert_terminal_safe(text: str, what: str) -> None:
    """Nothing but Rich's own colour codes: no ESC, BEL or C1 control from the transcript."""
    rest = SGR.sub("", text)
    bad = DANGEROUS.findall(rest)
    assert not bad, f"{what}: {sorted(set(map(hex, map(ord, bad))))} reached the terminal: {rest[:300]!r}"
    assert "\x1b]8;" not in text, f"{what}: a hyperlink escape was emitted"
    CASES["terminal views checked"] += 1


def _colours_are_on(home: Path) -> None:
    _, out, _ = pa(home, "conferences", "--format", "table")  # piped, a listing is TSV: the table asked for
    assert "\x1b[" in out, "FORCE_COLOR did not give a colour console: the check would prove nothing"


VIEWS = [
    ["search", "industry"], ["search", "industry", "--kind", "answer"], ["search", "Shanghai"],
    ["speakers"], ["outlets"], ["regions"], ["conferences"],  # TSV (piped)
    ["speakers", "--format", "table"], ["outlets", "--format", "table"], ["regions", "--format", "table"],
    ["conferences", "--format", "table"], ["conferences", "--format", "csv"], ["stats", "industry"],
    ["stats", "industry", "--by", "speaker"], ["stats", "industry", "--by", "outlet"],
    ["stats", "industry", "--by", "conference"], ["check"],
]


# --- terminal escapes through the ingester -------------------------------------------------------
@pytest.fixture
def hostile_home(archive_home, tmp_path) -> tuple[Path, Path, str]:
    source = tmp_path / "hostile.txt"
    source.write_text(TRANSCRIPT, encoding="utf-8")
    pa(archive_home, "add", str(source))
    cid = Archive(archive_home).ids()[0]
    return archive_home, source, cid


def test_parse_preview_is_terminal_safe(hostile_home):
    home, source, _ = hostile_home
    _, out, err = pa(home, "parse", str(source))
    assert_terminal_safe(out + err, "parse")
    assert "RED" in out


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: " ".join(v))
def test_views_of_an_ingested_transcript_are_terminal_safe(hostile_home, view):
    home, _, cid = hostile_home
    _colours_are_on(home)
    code, out, err = pa(home, *view, codes=(0,))
    assert_terminal_safe(out + err, " ".join(view))


def test_show_is_terminal_safe(hostile_home):
    home, _, cid = hostile_home
    record = Archive(home).get(cid)
    for turn in record.turns:
        _, out, err = pa(home, "show", turn.id, "--context", "2")
        assert_terminal_safe(out + err, f"show {turn.id}")


def test_the_ingester_drops_control_characters(hostile_home):
    home, _, cid = hostile_home
    text = json.dumps(Archive(home).get(cid).to_dict(), ensure_ascii=False)
    assert not DANGEROUS.search(text.replace("\n", "")), "control characters were stored"


# --- terminal escapes and markup in a crafted record (no ingester in between) --------------------
def _poison(value, key=""):
    """Every human-readable string of a record with escapes and markup added."""
    keep = {"id", "speaker", "kind", "lang", "question", "role", "content_hash", "schema_version", "encoding"}
    if isinstance(value, dict):
        return {k: (v if k in keep else _poison(v, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_poison(v, key) for v in value]
    if isinstance(value, str) and value:
        return f"{value} {HOSTILE}{MARKUP}"
    return value


@pytest.fixture
def crafted_home(archive_home, tmp_path) -> tuple[Path, str]:
    raw = TRANSCRIPT.replace(HOSTILE, "").encode("utf-8")
    record = ingest_bytes(raw, "crafted.txt")
    cid = record.conference.id
    data = _poison(record.to_dict())
    for speaker in data["speakers"]:
        speaker["name"] = f"Li {HOSTILE}{MARKUP}"
        speaker["region"] = speaker.get("region") or f"Shanghai{HOSTILE}"
    folder = archive_home / "corpus" / cid
    folder.mkdir(parents=True)
    (folder / "raw.txt").write_bytes(raw)
    data["conference"]["content_hash"] = content_hash(raw)
    (folder / "record.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    index.rebuild(Archive(archive_home))
    return archive_home, cid


@pytest.mark.parametrize("view", VIEWS + [
    ["search", "industry", "--speaker", "nobody-at-all"],
    ["search", "industry", "--region", "Atlantis"],
    ["search", "industry", "--outlet", "Nowhere Daily"],
    ["speakers", "--region", "Atlantis"],
    ["conferences", "--region", "Atlantis"],
], ids=lambda v: " ".join(v))
def test_views_of_a_crafted_record_are_terminal_safe(crafted_home, view):
    home, cid = crafted_home
    code, out, err = pa(home, *view, codes=(0, 1, 2))
    assert_terminal_safe(out + err, " ".join(view))
    assert "\x1b[1m\x1b[31mRED" not in out, "Rich markup from the record was interpreted"


def test_show_of_a_crafted_record_is_terminal_safe(crafted_home):
    home, cid = crafted_home
    for turn in Archive(home).get(cid).turns:
        _, out, err = pa(home, "show", turn.id, "--context", "3")
        assert_terminal_safe(out + err, f"show {turn.id}")
        assert "[bold red]RED[/]" in out  # shown as written, not as markup


# --- markup in exports -------------------------------------------------------------------------
class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "section", "p", "span", "article",
                "blockquote", "div", "mark"}


def assert_inert_html(page: str) -> None:
    parser = _Tags()
    parser.feed(page)
    names = {tag for tag, _ in parser.tags}
    assert names <= ALLOWED_TAGS, f"injected elements: {names - ALLOWED_TAGS}"
    for tag, attrs in parser.tags:
        for name, value in attrs:
            assert not name.startswith("on"), f"event handler attribute {name} on <{tag}>"
            assert name in ("lang", "class", "id", "charset", "name", "content"), f"attribute {name} on <{tag}>"
            assert "javascript:" not in (value or "").lower()
    CASES["html exports checked"] += 1


@pytest.mark.parametrize("args", [["--conference", "{cid}"], ["industry"], ["script"], ["alert"], ["onerror"],
                                  ["img"]], ids=lambda a: " ".join(a))
def test_html_export_is_inert(hostile_home, args):
    home, _, cid = hostile_home
    code, out, err = pa(home, "export", "--format", "html", *[a.format(cid=cid) for a in args], codes=(0,))
    assert_inert_html(out)
    assert "&lt;script&gt;" in out or args != ["--conference", "{cid}"]


def test_html_export_of_a_crafted_record_is_inert(crafted_home):
    home, cid = crafted_home
    for args in (["--conference", cid], ["industry"], ["bold"]):
        _, out, _ = pa(home, "export", "--format", "html", *args)
        assert_inert_html(out)


def test_html_export_with_hostile_options(archive_home, tmp_path):
    source = tmp_path / "t.txt"
    source.write_text(TRANSCRIPT, encoding="utf-8")
    pa(archive_home, "add", str(source), "--title", "</title><script>alert(1)</script>", "--organizer",
       '"><img src=x onerror=alert(1)>', "--source-url", "javascript:alert(1)")
    _, out, _ = pa(archive_home, "export", "--format", "html", "industry")
    assert_inert_html(out)


def test_markdown_export_carries_no_raw_html_or_links(hostile_home):
    home, _, cid = hostile_home
    _, out, _ = pa(home, "export", "--format", "md", "--conference", cid)
    assert not re.search(r"(?<!\\)<", out), "an unescaped < (raw HTML) in the Markdown"
    assert not re.search(r"(?<!\\)\[[^\]]*(?<!\\)\]\(", out), "a live Markdown link"
    CASES["markdown exports checked"] += 1


# --- CSV formula injection ---------------------------------------------------------------------
FORMULA = ("=", "+", "-", "@", "\t", "\r")


def assert_no_formulas(text: str) -> None:
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) > 1
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA), f"formula cell {cell[:40]!r}"
            CASES["csv cells checked"] += 1


def test_csv_export_neutralises_formulas(archive_home, tmp_path):
    source = tmp_path / "t.txt"
    source.write_text(TRANSCRIPT, encoding="utf-8")
    pa(archive_home, "add", str(source), "--title", "=1+1", "--organizer", "@SUM(A1)", "--source-url", "-cmd")
    cid = Archive(archive_home).ids()[0]
    _, out, _ = pa(archive_home, "export", "--format", "csv", "--conference", cid)
    assert_no_formulas(out)
    assert "'=HYPERLINK" in out and "'+1 industry" in out and "'=1+1" in out
    for by in ("speaker", "conference", "outlet", "region", "month"):
        _, out, _ = pa(archive_home, "stats", "industry", "--by", by, "--format", "csv")
        assert_no_formulas(out)


def test_csv_of_a_crafted_record(crafted_home):
    home, cid = crafted_home
    record_file = home / "corpus" / cid / "record.json"
    data = json.loads(record_file.read_text(encoding="utf-8"))
    for i, speaker in enumerate(data["speakers"]):
        speaker["name"] = ["=cmd|' /C calc'!A0", "+SUM(1)", "-1", "@x", "\t=1", "\r=1"][i % 6]
        speaker["title"] = "=HYPERLINK(\"x\")"
    data["conference"]["title"] = "=2+2"
    record_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    index.rebuild(Archive(home))
    _, out, _ = pa(home, "export", "--format", "csv", "--conference", cid)
    assert_no_formulas(out)
    _, out, _ = pa(home, "stats", "industry", "--by", "speaker", "--format", "csv")
    assert_no_formulas(out)


# --- paths: ids and names cannot leave the archive ----------------------------------------------
@pytest.fixture
def decoy(archive_home, tmp_path) -> Path:
    """A conference-shaped folder beside the archive, the target of every traversal attempt."""
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "record.json").write_text('{"conference": {"id": "victim"}}')
    (victim / "raw.txt").write_text("precious")
    return victim


def _tree(root: Path) -> dict[str, int]:
    """Every file under ``root`` except the archive home's own (``home/``), with its size."""
    files = (p for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink())
    return {str(p.relative_to(root)): p.stat().st_size for p in files if p.relative_to(root).parts[0] != "home"}


TRAVERSALS = ["../victim", "../../victim", "..", ".", "./", "/", "corpus", "index", "../victim/", "a/../../victim",
              "..%2fvictim", "....//victim", "~", "$HOME", "-", ".lock", ".journal.json", "2022-09-27-miit-dbc269/..",
              "2022-09-27-miit-dbc269/../..", "\\..\\victim", "..\\victim", ""]


@pytest.mark.parametrize("bad", TRAVERSALS + ["{abs}"], ids=range(len(TRAVERSALS) + 1))
def test_ids_cannot_leave_the_archive(hostile_home, decoy, tmp_path, bad):
    home, _, cid = hostile_home
    bad = bad.replace("{abs}", str(decoy))
    outside = _tree(tmp_path)
    stored = sorted(Archive(home).ids())
    attempts = [["remove", bad], ["show", f"{bad}:001"], ["show", bad], ["export", "--conference", bad],
                ["export", "--turn", f"{bad}:001"], ["speakers", "--conference", bad],
                ["search", "industry", "--conference", bad], ["outlets", "--conference", bad]]
    for args in attempts:
        code, out, err = pa(home, *args, codes=(0, 1, 2))
        if args[0] == "remove":
            assert code != 0, f"remove {bad!r} succeeded"
        CASES["path traversal attempts"] += 1
    assert _tree(tmp_path) == outside, "something outside the archive changed"
    assert sorted(Archive(home).ids()) == stored
    assert (decoy / "raw.txt").read_text() == "precious"


def test_nul_bytes_in_ids(hostile_home):
    home, _, cid = hostile_home
    for args in (["remove", f"{cid}\x00"], ["show", f"{cid}\x00:001"], ["show", f"{cid}:00\x001"],
                 ["export", "--conference", f"\x00{cid}"], ["search", "industry", "--conference", f"{cid}\x00"]):
        pa(home, *args, codes=(0, 1, 2))
        CASES["path traversal attempts"] += 1
    assert Archive(home).ids() == [cid]


@pytest.mark.parametrize("option, value", [
    ("--title", "../../../../tmp/escaped"), ("--title", "/etc/passwd"), ("--date", "../../etc"),
    ("--date", "/tmp"), ("--organizer", "../../.."), ("--organizer", "/"), ("--title", "a\x00b"),
    ("--organizer", "x/../../y"), ("--source-url", "file:///etc/passwd"), ("--title", "..\\..\\x"),
])
def test_options_cannot_name_a_folder_outside(archive_home, decoy, tmp_path, option, value):
    source = tmp_path / "src" / "t.txt"
    source.parent.mkdir()
    source.write_text(TRANSCRIPT, encoding="utf-8")
    outside = _tree(tmp_path)
    pa(archive_home, "add", option, value, str(source), codes=(0, 1))
    CASES["path traversal attempts"] += 1
    assert _tree(tmp_path) == outside
    for folder in (archive_home / "corpus").iterdir():
        assert folder.parent == archive_home / "corpus" and not folder.is_symlink()
        assert ".." not in folder.name and "/" not in folder.name
    assert not Path("/tmp/escaped").exists()


@pytest.mark.parametrize("name", ["..%2f..%2fx.txt", "-rf.txt", "--home.txt", "a b.txt", "\u202etxt.exe",
                                  "x.txt.html", "con.txt", "\x1b[2J.txt", "名字.txt", ".hidden.txt"])
def test_odd_source_file_names(archive_home, tmp_path, name):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / name).write_text(TRANSCRIPT, encoding="utf-8")
    code, out, err = pa(archive_home, "add", str(folder / name), codes=(0, 1))
    assert_terminal_safe(out + err, f"add {name!r}")
    for f in (archive_home / "corpus").glob("*/*"):
        assert f.name == "record.json" or re.fullmatch(r"raw\.[a-z0-9]{1,8}", f.name), f.name
    CASES["odd file names"] += 1


def test_a_newline_in_a_file_name_cannot_forge_output_lines(archive_home, tmp_path):
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "evil\nadded     2099-01-01-fake-000000  99 turns.txt").write_text("x")
    code, out, err = pa(archive_home, "add", str(folder), codes=(0, 1))
    assert not [line for line in (out + err).splitlines() if line.startswith("added")], out + err


def test_a_symlinked_conference_folder_is_not_followed_out_on_remove(hostile_home, decoy):
    home, _, cid = hostile_home
    link = home / "corpus" / "2001-01-01-conf-abcdef"
    os.symlink(decoy, link)
    CASES["path traversal attempts"] += 1
    pa(home, "remove", "2001-01-01-conf-abcdef", codes=(0, 1))
    assert (decoy / "raw.txt").read_text() == "precious" and (decoy / "record.json").exists()


def test_export_output_path_is_the_users_choice_and_atomic(hostile_home, tmp_path):
    home, _, cid = hostile_home
    target = tmp_path / "out" / "x.html"
    target.parent.mkdir()
    pa(home, "export", "--conference", cid, "-o", str(target))
    assert_inert_html(target.read_text(encoding="utf-8"))
    assert [p.name for p in target.parent.iterdir()] == ["x.html"]  # no temporary file left
