"""Readers: encodings, HTML chrome, Markdown, hard wraps, one-line files."""
from __future__ import annotations

import codecs

import pytest

from pressarchive.errors import InputError
from pressarchive.ingest.read import decode, read

ZH = "张宏韬：谢谢您的提问，这个问题由我来回答。上海的集成电路产业规模达到一万亿元。"
EN = "Wang Wei: “Thank you” — the café’s question is a good one, and I will answer it now."


@pytest.mark.parametrize(
    "raw,expected_enc",
    [
        (ZH.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + ZH.encode("utf-8"), "utf-8 (BOM)"),
        (ZH.encode("utf-16"), "utf-16 (BOM)"),
        ((ZH * 3).encode("gb18030"), "gb18030"),
        ((EN * 3).encode("cp1252"), "cp1252"),
    ],
)
def test_decode_detects_encodings(raw, expected_enc):
    text, enc = decode(raw)
    assert enc == expected_enc
    assert ("张宏韬" in text) or ("café’s" in text and "“Thank you”" in text)


def test_big5_decodes_to_traditional_text():
    text, enc = decode(("記者：請問集成電路產業的發展情況如何？發言人：謝謝你的提問。" * 4).encode("big5"))
    assert "集成電路" in text and enc.startswith("big5")


def test_utf16_without_bom():
    text, enc = decode(EN.encode("utf-16-le"))
    assert text.startswith("Wang Wei:") and enc == "utf-16-le"


@pytest.mark.parametrize(
    "raw,message",
    [
        (b"", "the file is empty"),
        (b"   \n\n\t ", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "this is a PNG image, not a transcript"),
        (b"%PDF-1.7\n%\xe2\xe3", "this is a PDF document (convert it to text first), not a transcript"),
        (b"abc\x00\x00\x01\x02" * 50 + bytes(range(256)) * 4, None),
    ],
)
def test_decode_refuses_non_text(raw, message):
    with pytest.raises(InputError) as err:
        decode(raw)
    if message:
        assert str(err.value) == message


def test_html_drops_chrome_keeps_paragraphs_breaks_and_captions():
    html = """<!doctype html><html><head><title>Press conference of the Ministry</title>
    <style>p{color:red}</style><script>var x = "Wang Wei: injected";</script></head><body>
    <nav><a href="/">Home</a> <a href="/news">News</a></nav>
    <header class="site-header">Ministry website</header>
    <div class="article"><h1>Press conference on manufacturing</h1>
    <figure><img src="/img/3.jpg"><figcaption>Wang Wei, Director of the Planning Department</figcaption></figure>
    <p>Wang Wei: Good morning.<br>Second line after a break.</p>
    <p>Xinhua reporter: What about <b>clusters</b>?</p></div>
    <div class="share">Share to WeChat</div><footer>Copyright 2022</footer></body></html>"""
    doc = read(html.encode("utf-8"), "page.html")
    texts = [(b.kind, b.text) for b in doc.blocks]
    assert ("image", "3.jpg") in texts
    assert ("caption", "Wang Wei, Director of the Planning Department") in texts
    assert ("para", "Wang Wei: Good morning.") in texts
    assert ("para", "Second line after a break.") in texts
    assert ("para", "Xinhua reporter: What about clusters?") in texts
    joined = " ".join(t for _, t in texts)
    for chrome in ("Home", "Ministry website", "Share to WeChat", "Copyright", "injected", "color:red"):
        assert chrome not in joined
    assert doc.hints["title"] == "Press conference of the Ministry"


def test_malformed_and_deeply_nested_html_does_not_crash():
    html = "<html><body>" + "<div>" * 2000 + "Host: hello there.</p></span>" + "</div>" * 10
    doc = read(html.encode(), "x.html")
    assert any("Host: hello there." in b.text for b in doc.blocks)


def test_markdown_headings_images_and_bold_labels():
    md = "# Press briefing\n\n![Wang Wei, Director](img/3.jpg)\n\n**Wang Wei:** Good *morning*.\n\n**Q:** A [question](http://x).\n"
    doc = read(md.encode(), "t.md")
    texts = [(b.kind, b.text) for b in doc.blocks]
    assert texts[0] == ("heading", "Press briefing")
    assert ("image", "3.jpg") in texts and ("caption", "Wang Wei, Director") in texts
    assert ("para", "Wang Wei: Good morning.") in texts and ("para", "Q: A question.") in texts


def test_hard_wrapped_paragraphs_are_rejoined():
    words = ("manufacturing clusters grow across the region every year " * 12).split()
    lines, line = [], ""
    for w in words:
        if len(line) + len(w) + 1 > 70:
            lines.append(line)
            line = w
        else:
            line = (line + " " + w).strip()
    lines.append(line + ".")
    text = "Wang Wei: " + "\n".join(lines) + "\n\nReporter from Xinhua: A question follows here?\n"
    doc = read(text.encode(), "wrapped.txt")
    assert len(doc.blocks) == 2
    assert doc.blocks[0].text.endswith("every year.") and "\n" not in doc.blocks[0].text


def test_chinese_wrapped_lines_join_without_spaces():
    body = "上海持续推动打响上海制造品牌巩固提升实体经济发展能级推动制造业高质量发展取得显著成效" * 2
    lines = [body[i:i + 35] for i in range(0, len(body), 35)]
    text = "张宏韬：" + "\n".join(lines) + "。\n\n" + "张宏韬：" + "\n".join(lines) + "。\n\n问：" + "\n".join(lines) + "？\n"
    doc = read(text.encode(), "zh.txt")
    assert " " not in doc.blocks[0].text and doc.blocks[0].text.startswith("张宏韬：上海")


# --- issue 13: whole paragraphs whatever the line breaks are made of ---------------------------------
import pytest as _pytest  # noqa: E402


@_pytest.mark.parametrize("newline", ["\n", "\r\n", "\r", "\u2028"])
@_pytest.mark.parametrize("blank", ["", " ", "\u00a0", "\u00a0 \t"])
def test_a_sentence_split_by_a_blank_line_is_one_paragraph(newline, blank):
    from pressarchive.ingest import ingest_bytes

    lines = ["MS. HALE:  Good afternoon.", "", "Q    What did the summit decide about the plan, and what was",
             blank, "sort of pushed forward at Woodside?", "", "MS. HALE:  A great deal was decided.", ""]
    rec = ingest_bytes(newline.join(lines).encode("utf-8"), "t.txt")
    question = next(t for t in rec.turns if t.kind == "question")
    assert question.paragraphs == ["What did the summit decide about the plan, and what was sort of pushed forward at Woodside?"]


def test_markdown_list_items_keep_their_wrapped_lines_and_stay_apart():
    from pressarchive.ingest.read import markdown_blocks

    text = ("The President also signed:\n\n-   a memorandum to increase federal reimbursement to\n"
            "    states for the cost of personnel\n-   an executive order that established a testing\n"
            "    board to expand testing\n\nNext paragraph.\n")
    assert [b.text for b in markdown_blocks(text)] == [
        "The President also signed:",
        "a memorandum to increase federal reimbursement to states for the cost of personnel",
        "an executive order that established a testing board to expand testing",
        "Next paragraph.",
    ]


def test_a_wrapped_line_that_starts_like_a_mixed_case_label_is_not_a_new_paragraph():
    from pressarchive.ingest.read import text_blocks

    body = ("MS. HALE:  We have been very clear about what we expect from our partners in the region and\n"
            "Ukraine: the President said so again this morning when he spoke with the leaders of\n"
            "the alliance, and he will say it again tomorrow.\n")
    assert len(text_blocks(body * 3)) == 3
