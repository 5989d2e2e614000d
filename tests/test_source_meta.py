"""Source metadata: YAML front matter, HTML meta and canonical links, Markdown escapes, event date vs
publication date, dates in file names and URLs (issue 13, part 2)."""
from __future__ import annotations

from pressarchive.ingest import ingest_bytes
from pressarchive.ingest.source import clean_title, date_in_name, split_front_matter, unescape_markdown

FRONT = (
    "---\n"
    "date: '2022-09-15'\n"
    "published_time: 2022-09-15 12:54:59-04:00\n"
    "source_url: https://example.gov/briefings/2022/09/15/call-on-screening/\n"
    "tags: press-briefings\n"
    'title: "Background Press Call on President\\_Smith\\u2019s Order on Screening\\\n'
    '  \\ Inbound Foreign\\_Investments"\n'
    "---\n"
    " \n"
    "Via Teleconference  \n"
    "  \n"
    "(September 14, 2022)\n"
    "\n"
    "MODERATOR:  Great, thank you.  We will take questions now.\n"
    "\n"
    "Q    What does the order cover, \\[senior official\\]?\n"
    "\n"
    "SENIOR ADMINISTRATION OFFICIAL:  It covers inbound investment.\n"
)


def test_front_matter_is_decoded_as_yaml():
    hints, body, warning = split_front_matter(FRONT)
    assert warning is None
    assert hints["front_title"] == "Background Press Call on President Smith’s Order on Screening Inbound Foreign Investments"
    assert hints["source_url"] == "https://example.gov/briefings/2022/09/15/call-on-screening/"
    assert hints["published"] == "2022-09-15T12:54:59-04:00"
    assert hints["tags"] == "press-briefings"
    assert body.count("\n") == FRONT.count("\n")  # line numbers still point into the file
    assert "title:" not in body


def test_conference_keeps_title_url_publication_and_event_date():
    rec = ingest_bytes(FRONT.encode(), "call.md")
    c = rec.conference
    assert c.title == "Background Press Call on President Smith’s Order on Screening Inbound Foreign Investments"
    assert c.source_url == "https://example.gov/briefings/2022/09/15/call-on-screening/"
    assert c.published == "2022-09-15T12:54:59-04:00"
    assert c.tags == ["press-briefings"]
    assert c.date == "2022-09-14"  # the header's event date wins over the publication date
    assert c.id.startswith("2022-09-14-")
    texts = [p for t in rec.turns for p in t.paragraphs]
    assert any("[senior official]" in p for p in texts)
    assert not any("\\" in p for p in texts)


def test_a_far_away_header_date_does_not_beat_the_publication_date():
    text = FRONT.replace("(September 14, 2022)", "(Recalling the meeting of March 3, 2019)")
    assert ingest_bytes(text.encode(), "call.md").conference.date == "2022-09-15"


def test_invalid_front_matter_falls_back_to_the_text_with_a_warning():
    text = ("---\ntitle: \"Press Briefing by Press Secretary Ann Lee\n  date: [2022-01-05\nsource_url: x\n---\n\n"
            "Press Briefing by Press Secretary Ann Lee, January 5, 2022\n\n"
            "MS. LEE:  Good afternoon.  One thing at the top.\n\nQ    Thank you.  Any news on the bill?\n\n"
            "MS. LEE:  Not today.\n")
    rec = ingest_bytes(text.encode(), "briefing.md")
    assert any(w.startswith("source: front matter is not valid YAML") for w in rec.warnings)
    assert rec.conference.title.startswith("Press Briefing by Press Secretary Ann Lee")
    assert rec.conference.date == "2022-01-05"
    assert not any("source_url" in p for t in rec.turns for p in t.paragraphs)


def test_a_leading_rule_is_not_front_matter():
    text = "---\nMR. STONE:  Welcome, everyone, to the briefing.\n---\n\nQ    A question?\n\nMR. STONE:  An answer.\n"
    hints, body, warning = split_front_matter(text)
    assert hints == {} and warning is None and body == text


def test_markdown_escapes_and_nbsp_in_titles():
    assert clean_title("Press Briefing by Press Secretary Jen\\_Psaki, April 21,\\_2021") == \
        "Press Briefing by Press Secretary Jen Psaki, April 21, 2021"
    assert clean_title("Remarks\u00a0on the \\*new\\* plan  ") == "Remarks on the *new* plan"
    assert clean_title("Press Gaggle by Press Secretary Jen\\_Psaki\ufffc") == "Press Gaggle by Press Secretary Jen Psaki"
    assert unescape_markdown("\\[inaudible\\] and a snake\\_case name") == "[inaudible] and a snake_case name"
    assert unescape_markdown("it\\u2019s") == "it’s"


def test_dates_in_file_names_and_urls():
    assert date_in_name("FOMCpresconf20220615.txt") == "2022-06-15"
    assert date_in_name("https://example.gov/briefing-room/2021/03/04/remarks/") == "2021-03-04"
    assert date_in_name("2022-06-15-briefing.md") == "2022-06-15"
    assert date_in_name("remarks-june-15-2022.txt") == "2022-06-15"
    assert date_in_name("briefing-99999999.txt") is None
    assert date_in_name("notes.txt") is None


def test_undated_text_takes_the_date_in_its_file_name():
    text = "<NAME>CHAIR STONE</NAME>.  Good afternoon.\n\n<NAME>ANN LEE</NAME>.  Ann Lee, Daily Planet.  A question?\n\n<NAME>CHAIR STONE</NAME>.  Rates are unchanged.\n"
    rec = ingest_bytes(text.encode(), "FOMCpresconf20220615.txt")
    assert rec.conference.date == "2022-06-15"
    assert rec.conference.id.startswith("2022-06-15-")


def test_html_meta_title_publication_time_and_canonical_link():
    html = """<!doctype html><html><head><title>Briefing | Example Agency</title>
    <meta property="og:title" content="Press Briefing by Spokesperson Ann Lee">
    <meta property="article:published_time" content="2023-03-06T09:15:00+00:00">
    <meta property="article:tag" content="briefings">
    <link rel="canonical" href="https://example.org/briefings/2023/03/06/press-briefing/">
    </head><body><article><p>March 5, 2023</p>
    <p>MS. LEE: Good afternoon, everybody. Let me start with the schedule.</p>
    <p>Q: Thanks. Will the report be out this week?</p>
    <p>MS. LEE: It will be out on Thursday.</p></article></body></html>"""
    c = ingest_bytes(html.encode(), "page.html").conference
    assert c.source_url == "https://example.org/briefings/2023/03/06/press-briefing/"
    assert c.published == "2023-03-06T09:15:00+00:00"
    assert c.tags == ["briefings"]
    assert c.title == "Press Briefing by Spokesperson Ann Lee"
    assert c.date == "2023-03-05"
