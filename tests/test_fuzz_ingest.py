"""Property-based and fuzz tests for the readers and the parser (issue 8, part 1).

Whatever bytes arrive, ``ingest_bytes`` gives a Record or raises a one-line ``InputError`` /
``NoTranscriptError``; ``pressarchive parse`` exits 0, 1 or 2 with exactly one ``Error:`` line
(and at most one ``Hint:`` line) and never a traceback. Records that come out are well formed and
carry no terminal control characters from the input.

Sizes: ``PRESSARCHIVE_FUZZ_EXAMPLES=N`` multiplies the example counts (default 1: the CI run);
``PRESSARCHIVE_FUZZ_REPORT=FILE`` appends the cases run per property to FILE as JSON lines.
"""
from __future__ import annotations

import codecs
import io
import json
import os
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pressarchive.errors import InputError, NoTranscriptError, PressArchiveError
from pressarchive.ingest import ingest_bytes
from pressarchive.records import KINDS, LANGS, Record, is_safe_id

from conftest import sample_path

SCALE = max(1, int(os.environ.get("PRESSARCHIVE_FUZZ_EXAMPLES", "1") or 1))
CASES: Counter[str] = Counter()


def examples(n: int) -> settings:
    """Hypothesis settings for one property: ``n`` examples in CI, ``n * SCALE`` in a big run."""
    return settings(max_examples=n * SCALE, deadline=None, derandomize=SCALE == 1,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large, HealthCheck.large_base_example])


def write_report(module: str, **figures) -> None:
    """Append a module's counters to $PRESSARCHIVE_FUZZ_REPORT (the bigger run's figures), if set."""
    report = os.environ.get("PRESSARCHIVE_FUZZ_REPORT")
    if report and any(figures.values()):
        with open(report, "a", encoding="utf-8") as f:
            f.write(json.dumps({"module": module, "scale": SCALE, **{k: dict(v) for k, v in figures.items()}}) + "\n")


@pytest.fixture(scope="module", autouse=True)
def _report_cases():
    yield
    write_report(__name__, cases=CASES)


# --- the contract -------------------------------------------------------------------------------
CONTROL = {chr(c) for c in range(0x20) if chr(c) not in "\n\t"} | {chr(0x7F)} | {chr(c) for c in range(0x80, 0xA0)}


def strings_of(value):
    """Every string inside a JSON-like value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from strings_of(k)
            yield from strings_of(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from strings_of(v)


def assert_well_formed(record: Record) -> None:
    """What every stored record must be: linked turns, known kinds, no control characters, JSON round trip."""
    assert record.turns, "a record without turns should have been a NoTranscriptError"
    conf = record.conference
    assert conf.id and is_safe_id(conf.id), conf.id
    speaker_ids = [s.id for s in record.speakers]
    assert len(set(speaker_ids)) == len(speaker_ids)
    ids = [t.id for t in record.turns]
    assert len(set(ids)) == len(ids)
    seqs = [t.seq for t in record.turns]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    by_id = {t.id: t for t in record.turns}
    for t in record.turns:
        assert t.id.startswith(conf.id + ":")
        assert t.kind in KINDS and t.lang in LANGS
        assert t.speaker in speaker_ids
        assert t.paragraphs and all(isinstance(p, str) and p for p in t.paragraphs)
        if t.question is not None:
            assert t.question in by_id and by_id[t.question].seq < t.seq
    data = record.to_dict()
    for s in strings_of({k: v for k, v in data.items() if k != "warnings"}):
        bad = CONTROL & set(s)
        assert not bad, f"control characters {sorted(map(ord, bad))} reached the record: {s[:80]!r}"
    again = Record.from_dict(json.loads(json.dumps(data, ensure_ascii=False)))
    assert again.to_dict() == data


def outcome(raw: bytes, name: str = "input.txt", overrides: dict | None = None) -> str:
    """Ingest ``raw``; a Record or a one-line InputError is fine, anything else fails the test."""
    try:
        record = ingest_bytes(raw, name, overrides)
    except (InputError, NoTranscriptError) as err:
        assert err.message and "\n" not in err.message and "Traceback" not in err.message, repr(err.message)
        assert err.hint is None or "\n" not in err.hint
        return "no-transcript" if isinstance(err, NoTranscriptError) else "input-error"
    assert_well_formed(record)
    return "record"


# --- the CLI contract ---------------------------------------------------------------------------
def run_cli(args: list[str], stdin: bytes = b"") -> tuple[int, str, str]:
    """Run ``pressarchive ARGS`` in-process (unexpected exceptions propagate: PYTEST_CURRENT_TEST);
    returns (exit code, stdout, stderr) as text."""
    from pressarchive import render
    from pressarchive.cli import main

    out_b, err_b = io.BytesIO(), io.BytesIO()
    out = io.TextIOWrapper(out_b, encoding="utf-8", errors="backslashreplace", write_through=True)
    err = io.TextIOWrapper(err_b, encoding="utf-8", errors="backslashreplace", write_through=True)
    stdin_stream = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    render.set_streams(None, None)
    code = 0
    with mock.patch.object(sys, "stdout", out), mock.patch.object(sys, "stderr", err), \
            mock.patch.object(sys, "stdin", stdin_stream):
        try:
            main(args)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out.flush()
    err.flush()
    return code, out_b.getvalue().decode("utf-8", "replace"), err_b.getvalue().decode("utf-8", "replace")


def assert_cli_contract(code: int, out: str, err: str, codes=(0, 1, 2)) -> None:
    """Exit 0/1/2; on an error exactly one ``Error:`` line, at most one ``Hint:`` after it, nothing else
    but click's own usage lines before it; never a traceback. Exit 1 without an ``Error:`` line is a
    report, not an error (nothing matched: errors.py)."""
    assert code in codes, (code, out[-500:], err[-500:])
    assert "Traceback" not in err and "Traceback" not in out
    if code == 0 or (code == 1 and not any(line.startswith("Error:") for line in err.splitlines())):
        assert not any(line.startswith("Error:") for line in err.splitlines()), err
        return
    lines = [line for line in err.splitlines() if line.strip()]
    errors = [i for i, line in enumerate(lines) if line.startswith("Error:")]
    assert len(errors) == 1, err
    before, after = lines[:errors[0]], lines[errors[0] + 1:]
    assert all(line.startswith(("Usage:", "Try ", "Warning:")) for line in before), err
    assert after == [] or (len(after) == 1 and after[0].startswith("Hint:")), err


# --- strategies ---------------------------------------------------------------------------------
SAMPLE_TEXT = sample_path().read_text(encoding="utf-8")
SAMPLE_LINES = [line for line in SAMPLE_TEXT.splitlines() if line.strip()]
WORDS = sorted({w for line in SAMPLE_LINES[:200] for w in line.split() if len(w) < 30})[:400] or ["word"]

LABELS = [
    "Li Hong:", "LI HONG:", "Zhao Ming:", "MR. SMITH:", "MS. JEAN-PIERRE:", "CHAIR POWELL.", "Q:", "Q.", "A:",
    "问：", "答：", "张宏韬：", "主持人 寇健文：", "Xinhua News Agency Reporter:", "上海电视台记者：",
    "Daily Economic News reporter:", "Reporter:", "**Wang Wei:**", "[00:01:02] Speaker 1:", "Speaker 2:",
    "Host:", "Moderator:", "THE PRESIDENT:", "Interpreter:", "Question:", "Answer:", "凤凰卫视记者：",
    "Zhang Hongtao (张宏韬):", "Ms. Mao Ning:", "Wang Wenbin：", "Q", "问", "－问：", "1. Reporter:",
]
NOISE = [
    "\x1b[2J", "\x1b]8;;http://evil.example/\x07link\x1b]8;;\x07", "\x1b]52;c;ZWNobyBwd25lZA==\x07", "\x07", "\x9b31m",
    "\x90q\x9c", "\x85", "\x00", "\x0b", "\x0c", "\x7f", "\u202e", "\u202d", "\u200f", "\u200e", "\u2066", "\u2069",
    "\u200b", "\u200d", "\ufeff", "\u2028", "\u2029", "\u3000", "\u00a0", "\ufffd", "\U0001f600", "\U00020000",
    "\U000e0041", "\U0010fffd", "\ue000", "́", "<script>alert(1)</script>", "[bold red]x[/]", "=1+1", "\r",
    "：", ":", "。", "？", "“", "”", "——", "…",
]
CODECS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "gb18030", "big5", "cp1252",
          "latin-1", "shift_jis", "koi8-r"]

any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=200)  # every plane, controls too
noise = st.sampled_from(NOISE)
sentence = st.lists(st.one_of(st.sampled_from(WORDS), noise, any_text.map(lambda s: s[:12])), min_size=0, max_size=25) \
    .map(" ".join)
label = st.one_of(st.sampled_from(LABELS),
                  st.builds(lambda a, b: f"{a}{b}", st.text(max_size=20), st.sampled_from([":", "：", ".", ""])))


@st.composite
def transcript_text(draw) -> str:
    """Label-like lines with sentences, noise and odd line breaks: what a messy download looks like."""
    lines = []
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(SAMPLE_LINES[:5])))
    for _ in range(draw(st.integers(0, 14))):
        kind = draw(st.integers(0, 9))
        if kind < 6:
            lines.append(f"{draw(label)} {draw(sentence)}")
        elif kind < 8:
            lines.append(draw(sentence))
        elif kind == 8:
            lines.append(draw(st.sampled_from(SAMPLE_LINES)))
        else:
            lines.append(draw(label))
    sep = draw(st.sampled_from(["\n", "\n\n", "\r\n", "\r", "\r\n\r\n", "\u2028", "\n \n"]))
    return sep.join(lines)


def encode(text: str, codec: str) -> bytes:
    return text.encode(codec, errors="replace" if codec not in ("utf-16", "utf-16-le", "utf-16-be", "utf-32") else "surrogatepass")


# --- properties: the readers --------------------------------------------------------------------
@examples(150)
@given(st.binary(max_size=4000))
def test_arbitrary_bytes(raw):
    CASES["arbitrary bytes"] += 1
    CASES["arbitrary bytes: " + outcome(raw)] += 1


@examples(50)
@given(st.binary(max_size=600), st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00",
                                                 b"\x00\x00\xfe\xff", b"\x89PNG", b"%PDF", b"PK\x03\x04", b"<html>"]))
def test_bytes_behind_a_signature(raw, head):
    CASES["bytes behind a BOM or magic number"] += 1
    outcome(head + raw)


@examples(100)
@given(any_text, st.sampled_from(CODECS), st.sampled_from(["x.txt", "x.html", "x.md", "x", "x.HTM"]))
def test_arbitrary_unicode_any_codec(text, codec, name):
    CASES["arbitrary unicode"] += 1
    outcome(encode(text, codec), name)


@examples(80)
@given(transcript_text(), st.sampled_from(CODECS), st.sampled_from(["t.txt", "t.md", "t.html", "stdin"]))
def test_label_like_lines(text, codec, name):
    CASES["label-like transcripts"] += 1
    CASES["label-like transcripts: " + outcome(encode(text, codec), name)] += 1


@examples(50)
@given(transcript_text(), st.lists(st.integers(0xD800, 0xDFFF), min_size=1, max_size=8), st.booleans(),
       st.sampled_from(["le", "be"]), st.randoms(use_true_random=False))
def test_lone_surrogates_in_utf16(text, surrogates, bom, order, rnd):
    CASES["utf-16 with lone surrogates"] += 1
    units = list(text.encode(f"utf-16-{order}", errors="surrogatepass"))
    pairs = [bytes(units[i:i + 2]) for i in range(0, len(units), 2)]
    for s in surrogates:
        pairs.insert(rnd.randint(0, len(pairs)), s.to_bytes(2, "little" if order == "le" else "big"))
    raw = b"".join(pairs)
    if bom:
        raw = (codecs.BOM_UTF16_LE if order == "le" else codecs.BOM_UTF16_BE) + raw
    outcome(raw)


@examples(50)
@given(st.lists(st.tuples(transcript_text(), st.sampled_from(CODECS)), min_size=2, max_size=5))
def test_mixed_encodings_in_one_file(parts):
    CASES["mixed encodings in one file"] += 1
    outcome(b"\n".join(encode(text, codec) for text, codec in parts))


@examples(40)
@given(st.integers(0, len(SAMPLE_TEXT.encode("utf-8"))), st.sampled_from(["utf-8", "gb18030", "utf-16"]),
       st.binary(max_size=64))
def test_sample_truncated_or_spliced(cut, codec, junk):
    CASES["the sample, truncated and spliced"] += 1
    raw = SAMPLE_TEXT.encode(codec)[:cut] + junk
    outcome(raw, "sample.txt")


# --- properties: HTML ---------------------------------------------------------------------------
TAGS = ["div", "p", "span", "b", "i", "a", "table", "tr", "td", "ul", "li", "section", "article", "main", "br",
        "h1", "h2", "figure", "figcaption", "img", "script", "style", "nav", "font", "center", "pre", "blockquote"]
ATTRS = ['', ' class="content"', ' class="nav"', ' id="footer"', ' role="navigation"', ' src="x.jpg"',
         ' onerror="alert(1)"', ' style="x"', ' class', ' id=""', " charset=gbk", ' class="a b c"']


def html_tree(max_leaves: int):
    leaf = st.one_of(transcript_text().map(lambda s: s[:300]), st.sampled_from(NOISE), st.sampled_from(SAMPLE_LINES))

    def extend(children):
        return st.builds(lambda tag, attrs, kids, close: f"<{tag}{attrs}>{''.join(kids)}" + (f"</{tag}>" if close else ""),
                         st.sampled_from(TAGS), st.sampled_from(ATTRS), st.lists(children, max_size=4), st.booleans())

    return st.recursive(leaf, extend, max_leaves=max_leaves)


@examples(60)
@given(html_tree(30), st.sampled_from(["utf-8", "gb18030", "utf-16"]), st.booleans())
def test_random_html(body, codec, doctype):
    CASES["random html trees"] += 1
    page = ("<!DOCTYPE html>" if doctype else "") + f"<html><head><title>T</title></head><body>{body}</body></html>"
    outcome(encode(page, codec), "page.html")


@examples(40)
@given(html_tree(15), st.integers(0, 300), st.integers(1, 400))
def test_truncated_html(body, depth, cut):
    CASES["truncated html"] += 1
    page = "<html><body>" + "<div>" * depth + body + "</div>" * depth + "</body></html>"
    raw = encode(page, "utf-8")
    outcome(raw[: max(1, len(raw) * cut // 400)], "page.html")


@examples(25)
@given(st.sampled_from(["div", "span", "p", "b", "table", "li", "font"]), st.integers(1, 250), st.booleans())
def test_deeply_nested_html(tag, depth, closed):
    CASES["deeply nested html (<=250)"] += 1
    inner = "\n".join(SAMPLE_LINES[5:30])
    page = "<html><body>" + f"<{tag}>" * depth + inner + (f"</{tag}>" * depth if closed else "") + "</body></html>"
    outcome(encode(page, "utf-8"), "deep.html")


@pytest.mark.timeout(120)  # a hang; the speed is benchmarks/hostile.py's
def test_nesting_far_beyond_the_recursion_limit():
    """Thousands of unclosed inline tags (no block container to score): a one-line outcome."""
    CASES["nesting beyond the recursion limit"] += 1
    inner = "\n".join(SAMPLE_LINES[5:30])
    for tag in ("span", "b", "i"):
        outcome(("<html><body><p>" + f"<{tag}>" * 5000 + inner).encode("utf-8"), "deep.html")


@pytest.mark.timeout(60)  # the quadratic walk took minutes; the speed is benchmarks/hostile.py's
def test_deeply_nested_divs_are_read():
    """Regression: ingest/html.py _main_container was quadratic in the nesting depth (2,000 nested
    divs took ~4 s, 50,000 over 5 minutes; fixed in 6564d89). 10,000 levels: an outcome."""
    CASES["deeply nested divs (10,000)"] += 1
    inner = "\n".join(SAMPLE_LINES[5:30])
    page = "<html><body>" + "<div>" * 10_000 + inner + "</div>" * 10_000 + "</body></html>"
    outcome(page.encode("utf-8"), "deep.html")


# --- huge lines ---------------------------------------------------------------------------------
HUGE = 3 * 1024 * 1024


@pytest.mark.parametrize("what, make", [
    ("one 3 MB English line after a label", lambda: "Li Hong: " + "growth " * (HUGE // 7)),
    ("one 3 MB line without spaces", lambda: "Q: " + "x" * HUGE),
    ("one 3 MB Chinese line", lambda: "张宏韬：" + "集成电路产业" * (HUGE // 18)),
    ("3 MB of colons", lambda: "a:" * (HUGE // 2)),
    ("the sample, then one 3 MB line", lambda: SAMPLE_TEXT + "\n\nLi Hong: " + "growth, " * (HUGE // 8)),
    ("0.5 MB of label-like lines", lambda: "\n".join(f"Speaker {i}: word." for i in range(HUGE // 108))),
])
@pytest.mark.timeout(300)  # a hang; the speed is benchmarks/hostile.py's
def test_huge_lines(what, make):
    CASES["huge lines (3 MB)"] += 1
    outcome(make().encode("utf-8"), "huge.txt")


def test_over_the_size_limit_is_one_line():
    from pressarchive.ingest.read import MAX_BYTES

    CASES["over the size limit"] += 1
    assert outcome(b"Q: " + b"a" * (MAX_BYTES + 1)) == "input-error"


# --- the parse command --------------------------------------------------------------------------
@examples(30)
@given(st.one_of(st.binary(max_size=800), transcript_text().map(lambda t: encode(t, "utf-8")),
                 st.tuples(transcript_text(), st.sampled_from(CODECS)).map(lambda p: encode(*p))),
       st.sampled_from(["text", "json"]), st.sampled_from(["t.txt", "t.html", "t.md"]))
def test_parse_command(tmp_path_factory, raw, fmt, name):
    CASES["pressarchive parse FILE"] += 1
    path = tmp_path_factory.mktemp("parse") / name
    path.write_bytes(raw)
    code, out, err = run_cli(["parse", "--format", fmt, str(path)])
    assert_cli_contract(code, out, err, codes=(0, 2))  # 2: an input error (errors.py)
    if code == 0 and fmt == "json":
        assert_well_formed(Record.from_dict(json.loads(out)))


@examples(20)
@given(st.binary(max_size=400), transcript_text())
def test_parse_from_stdin(raw, text):
    CASES["pressarchive parse - (stdin)"] += 2
    for data in (raw, encode(text, "utf-8")):
        code, out, err = run_cli(["parse", "-"], stdin=data)
        assert_cli_contract(code, out, err, codes=(0, 2))


@examples(25)
@given(st.text(max_size=60), st.text(max_size=30), st.text(max_size=40))
def test_parse_with_odd_overrides(title, date, organizer):
    CASES["parse with odd --title/--date/--organizer"] += 1
    try:
        record = ingest_bytes(SAMPLE_TEXT.encode("utf-8"), "s.txt",
                              {"title": title, "date": date, "organizer": organizer})
    except PressArchiveError as err:
        assert "\n" not in err.message
        return
    assert is_safe_id(record.conference.id)
    assert record.conference.date is None or len(record.conference.date) == 10


def test_parse_command_on_odd_paths(tmp_path):
    CASES["parse on odd paths"] += 5
    (tmp_path / "folder").mkdir()
    for args in (["parse", str(tmp_path / "missing.txt")], ["parse", str(tmp_path / "folder")],
                 ["parse", str(tmp_path / "folder") + "/"], ["parse", ""], ["parse", "/dev/null"]):
        code, out, err = run_cli(args)
        assert_cli_contract(code, out, err, codes=(1, 2))


def test_every_fixture_input_still_parses():
    """The golden inputs, one byte cut off and one byte doubled: still a record or a one-line error."""
    root = Path(__file__).parent / "fixtures" / "ingest"
    for path in sorted(root.glob("**/*")):
        if path.is_file() and path.name not in ("expected.json", "README.md"):
            raw = path.read_bytes()
            for variant in (raw, raw[:-1], raw[: len(raw) // 2], raw + raw[-1:], raw[1:]):
                CASES["fixture inputs, cut and spliced"] += 1
                outcome(variant, path.name)


def test_categories_of_unicode_that_reach_a_record_are_printable():
    """Every plane at once: one character of each general category inside a real transcript."""
    chars = {}
    for cp in range(0, 0x110000, 7):
        cat = unicodedata.category(chr(cp))
        chars.setdefault(cat, chr(cp))
    chars.pop("Cs", None)
    text = "\n\n".join(f"{line} {''.join(chars.values())}" for line in SAMPLE_LINES[:40])
    CASES["every unicode category"] += 1
    for codec in ("utf-8", "utf-16", "utf-32", "gb18030"):
        outcome(text.encode(codec, errors="surrogatepass"), "cats.txt")
