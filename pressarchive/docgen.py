"""Generate docs/record-format.md and docs/cli.md from the code, so they cannot drift.

Run ``python3 -m pressarchive.docgen`` after changing the record or a command; tests/test_docs.py fails
until the files match.
"""
from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from pressarchive import records

FIELD_DOCS: dict[str, dict[str, str]] = {
    "Record": {
        "schema_version": f"Format version of this record (now {records.SCHEMA_VERSION}); older files are upgraded on read by named steps in `records.UPGRADES`.",
        "conference": "The conference (below).",
        "speakers": "The roster: one entry per person or outlet that speaks.",
        "turns": "Every uninterrupted stretch of one speaker, in order.",
        "warnings": "What the parser could not settle (paragraphs left out, labels not recognised). Those about the file itself start with `source: ` (front matter that is not valid YAML) and are also printed by `add`.",
    },
    "Conference": {
        "id": "Stable id from date + organiser + title: `2022-09-27-miit-dbc269`. ASCII letters, digits and hyphens only.",
        "title": "The conference title: `--title`, else the front matter's `title` (decoded as YAML), else the page's `<h1>`/`og:title`/`<title>` or the transcript's heading; Markdown escapes removed, whitespace folded.",
        "date": "`YYYY-MM-DD`, the day of the event: the date the transcript's header states (`(September 14, 2022)`, `Sep 27, 2022`, `2022年9月27日`) when it is up to 14 days before the publication date, else the publisher's date (front matter `date`, page metadata), else a date in the first lines, else one in the file name or URL (`FOMCpresconf20220615.txt`, `/2022/06/15/`); `undated` in the id when none is found.",
        "organizer": "The organising body in English (`Ministry of Industry and Information Technology`).",
        "organizer_zh": "The organising body in Chinese where the text names it so (`外交部`).",
        "source": "The file name as received (`stdin` for standard input).",
        "source_url": "Where it was published: `--source-url`, the URL it was fetched from, the front matter's `source_url` (or `url`, `link`, `canonical`), or the page's canonical link / `og:url`.",
        "published": "When the source was published, as it says (ISO 8601): front matter `published_time` (else its `date`), HTML `article:published_time`. May be later than `date`.",
        "tags": "The publisher's tags: front matter `tags` / `categories` / `keywords`, HTML `article:tag` / `keywords`.",
        "sources": "Every source the conference was added from, each a file name or URL (a republished near-copy adds its own); the first is `source`. Empty in records written before sources were kept: read as `[source]`.",
        "aliases": "Former ids of this conference; each still resolves in `show`, `export --turn` and citations (see docs/archive.md).",
        "languages": "Languages present in the turns: `en`, `zh`.",
        "content_hash": "sha256 of the raw bytes as received; equal hashes are the same transcript.",
        "encoding": "The encoding the raw bytes were decoded with (detected).",
        "preamble": "Paragraphs before the first speaker turn (summary, venue, attendees); kept for reference, never part of a turn.",
    },
    "Speaker": {
        "id": "Local to the record: `s1`, `s2`, ... in order of first turn.",
        "name": "Canonical romanised name (`Zhang Hongtao`); null for a reporter known only by outlet.",
        "name_zh": "Chinese name (`张宏韬`) where the text gives it; one person labelled in both scripts is one speaker.",
        "aliases": "Every label form seen for this speaker (`Zhang Hongtao`, `张宏韬`, `MS. JEAN-PIERRE`).",
        "role": "`host`, `presenter`, `official`, `reporter`, `interpreter` or `other`.",
        "title": "Job title (`Chief Engineer`, `First-level Inspector (director-general level)`, `副主任`).",
        "organization": "Organisation in English; for a reporter, the outlet (`Daily Economic News`; English from `data/outlets.tsv` when the transcript names it in Chinese, else as written).",
        "organization_zh": "Organisation or outlet in Chinese (`上海电视台`).",
        "region": "Canonical province-level region from the organisation (`Shanghai`), `National` for central bodies, null when unknown or not Chinese.",
        "surname": "Family name within `name` (`Jean-Pierre`, `Zhang`); null for an unnamed speaker. With `given_name` and `aliases`, what the archive joins people across conferences by.",
        "given_name": "Given name(s) within `name` when the text gives them (`Karine`, `Hongtao`); null for a surname-only label no evidence in the conference completes.",
        "honorific": "The courtesy form the labels use (`Ms`, `Dr`), kept apart from the name and the title.",
    },
    "Turn": {
        "id": "`<conference id>:<seq>`, e.g. `2022-09-27-miit-dbc269:026`; stable while the transcript is unchanged.",
        "seq": "1-based position in the conference.",
        "speaker": "A speaker id of this record.",
        "kind": "`question` (asked by a reporter), `answer` (a presenter answering; see `question`) or `statement` (openings, introductions, moderation, closings).",
        "lang": "`en`, `zh`, or `mixed` when its paragraphs differ.",
        "paragraphs": "The text, one string per paragraph, speaker label removed.",
        "question": "For an answer: the id of the question turn it answers; else null.",
        "regions": "Regions the turn mentions (provinces and areas such as `Yangtze River Delta`, `Greater Bay Area`), first mention first.",
        "lines": "Source position of each paragraph: its 1-based line in a text file, its block number in HTML.",
        "para_langs": "Language of each paragraph (`en`, `zh`, `mixed`).",
    },
}

_CLASSES = (records.Record, records.Conference, records.Speaker, records.Turn)

PERSON_DOCS = {
    "id": "A slug of the listed name (`karine-jean-pierre`), `-2`, `-3`... for a second person of that name; it may change as the archive grows.",
    "name": "The name the person is listed under: the full form used in most conferences (`Karine Jean-Pierre`); a surname alone when no transcript gives more.",
    "name_zh": "The Chinese name, where one is known.",
    "role": "The role held most (`host`, `presenter`, ... or `reporter`); reporters and officials are never one person.",
    "aliases": "Every name form and label seen, in any script (`Karine Jean-Pierre`, `MS. JEAN-PIERRE`, `Jean-Pierre`).",
    "titles": "Titles held: `{title, since, until, conferences}`; spellings a small typo apart are one title.",
    "organizations": "Organisations (for a reporter: outlets): `{name, since, until, conferences}`.",
    "conferences": "Ids of the conferences the person speaks in.",
    "speakers": "The record speakers who are this person, as `<conference id>/<speaker id>` (what the index's `speaker_ref` holds).",
    "turns": "Turns spoken, in all conferences.",
    "answers": "Of which answers.",
    "questions": "Of which questions.",
    "region": "The region most given.",
    "first": "The first date the person speaks.",
    "last": "The last date the person speaks.",
}

PEOPLE_INTRO = """The archive also keeps a **people register** (`people.py`), derived from the records alone and
cached with each conference's identity in `index/.catalog.json` (a cache: deleting it loses nothing).
One entry per person across all conferences; `speakers --format json` lists these entries (with the
counts narrowed to the conferences asked for: `conferences` and `turns` are counts there, and
`conference_ids` the ids), and `--speaker` / `--asker` take any of their aliases. How speakers are
joined into people, and what `check` reports, is in docs/archive.md."""


def postings_section() -> list[str]:
    """The index's posting-block format (postings.py), with its constants read from the code."""
    from pressarchive import index, postings

    return [
        f"## The search index's posting blocks (index format {index.INDEX_FORMAT})",
        "",
        "The index (`index/`) is a cache derived from the records, and a Whoosh index: Whoosh's table of",
        "contents, segments, term dictionary and per-document columns. Its posting lists are written by a",
        "codec of our own (`postings.Codec`, a subclass of Whoosh's `W3Codec`, named in each segment of the",
        "table of contents), and the text fields' positions by `postings.RawPositions`:",
        "",
        "| part | layout |",
        "|---|---|",
        f"| posting list | the magic `{postings.MAGIC.decode()}`, then blocks of up to {postings.BLOCK_LIMIT} postings |",
        "| block | int32 byte length (big-endian, negative for the last block), then the header, docnums, weights, values |",
        f"| header | `{postings.HEADER.format}`: postings, first docnum, last docnum, max weight, min and max length "
        "byte, docnum delta width (1/2/4), weights kind, values kind, value length width, values stored size, values raw size |",
        "| docnums | each posting's docnum minus the block's first (0 first), little-endian unsigned of the delta width |",
        f"| weights | kind {postings.W_ONES}: none (all 1.0); {postings.W_CONST}: one float32 (all equal); "
        f"{postings.W_BYTES}: one uint8 each (small integers); {postings.W_FLOATS}: one float32 each |",
        f"| values | kind {postings.V_NONE}: none; {postings.V_FIXED}: the fixed-size values end to end (a frequency "
        f"field's 4 bytes); {postings.V_VARIABLE}: one length each (the value length width), then the values end "
        "to end; zlib-compressed when the stored size differs from the raw size |",
        "| positions (`RawPositions`) | a posting's value: its position deltas (the first from 0), little-endian uint32 |",
        "",
        "Docnums and weights of a whole posting list are read with `numpy.frombuffer` by the evaluator",
        "(`evaluate.py`); values (positions) only for the postings a phrase needs. Whoosh's own matchers read",
        "the same blocks (`postings.LeafMatcher`). Format 6 was Whoosh's own: a pickled, zlib-compressed tuple",
        "per block of 128 postings, each posting's positions a count and a pickled list. An index of another",
        "format (the `format` of `index/pressarchive-index.json`) is rebuilt by the next command that opens",
        "it; the records are not touched.",
        "",
    ]


def _type_name(f: dataclasses.Field) -> str:
    return str(f.type).replace("typing.", "").replace(" | ", " or ")


def record_format() -> str:
    """docs/record-format.md, from the dataclasses and FIELD_DOCS."""
    out = [
        "# Record format",
        "",
        "<!-- Generated by `python3 -m pressarchive.docgen` from pressarchive/records.py; do not edit by hand. -->",
        "",
        "One conference becomes one record, stored as `corpus/<conference id>/record.json` (UTF-8 JSON) beside",
        "the raw file as received. `pressarchive parse FILE --format json` prints the same layout.",
        f"Current schema version: **{records.SCHEMA_VERSION}**.",
        "",
    ]
    for cls in _CLASSES:
        docs = FIELD_DOCS[cls.__name__]
        out += [f"## {cls.__name__}", "", (cls.__doc__ or "").strip().splitlines()[0], "",
                "| field | type | meaning |", "|---|---|---|"]
        for f in dataclasses.fields(cls):
            out.append(f"| `{f.name}` | `{_type_name(f)}` | {docs[f.name]} |")
        out.append("")
    from pressarchive.people import Person

    out += ["## Person (the people register)", "", PEOPLE_INTRO, "", "| field | type | meaning |", "|---|---|---|"]
    for f in dataclasses.fields(Person):
        out.append(f"| `{f.name}` | `{_type_name(f)}` | {PERSON_DOCS[f.name]} |")
    out.append("")
    out += postings_section()
    return "\n".join(out)


def cli_reference() -> str:
    """docs/cli.md: every command's --help text."""
    from pressarchive.cli import help_pages  # the only module that speaks click

    out = ["# Command reference", "", "<!-- Generated by `python3 -m pressarchive.docgen`; do not edit by hand. -->", ""]
    for command, text in help_pages(width=100):
        out += [f"## {command}", "", "```", text, "```", ""]
    return "\n".join(out)


DOCS = {"record-format.md": record_format, "cli.md": cli_reference}


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent / "docs"
    for name, make in DOCS.items():
        (root / name).write_text(make() + "\n", encoding="utf-8")
        print(f"wrote {root / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
