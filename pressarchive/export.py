"""Export hits (docs/architecture.md layout) as Markdown, JSON, JSONL, CSV or HTML, and count them.

One writer per format in ``WRITERS``; each takes a list of hits and a text stream. Selecting the
hits (a query, a whole conference, listed turn ids) and tallying them for ``stats`` live here too,
so that the command line only parses options. Nothing here knows about the terminal.
"""
from __future__ import annotations

import csv
import html
import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TextIO

from pressarchive.errors import NotFoundError, PressArchiveError, QueryError
from pressarchive.hits import citation, make_hit

Hit = dict[str, Any]

# --- selecting hits -----------------------------------------------------------------------------
SEARCH_PAGE = 1000  # first request; repeated with limit=total when more matched


def search_all(archive, query: str | None, filters, sort: str = "relevance", limit: int | None = None,
               progress=None) -> list[Hit]:
    """Every hit of a search (or the first ``limit``), not just a page: asks again with ``limit=total``.
    One hit per matching turn, in search's ranking, without search's grouping."""
    from pressarchive.search import search

    # ranked as search ranks, but every matching turn once (no question-answer pairs, republished
    # copies or per-conference cap): an export or a count is complete (docs/export.md)
    result = search(archive, query, filters, limit=limit or SEARCH_PAGE, sort=sort, progress=progress,
                    count_limit=None if limit is None else limit, group=False)
    if limit is None and result.total > len(result.hits):
        result = search(archive, query, filters, limit=result.total, sort=sort, count_limit=None, group=False)
    return list(result.hits)


def resolve_conference(archive, conference: str) -> str:
    """The conference id ``conference`` names (the id, or a unique start of it), as search takes it."""
    ids, cid = archive.ids(), conference.strip()
    if cid in ids:
        return cid
    matches = [i for i in ids if i.startswith(cid)] if cid else []
    if len(matches) == 1:
        return matches[0]
    what = "matches several conferences" if matches else "is not in the archive"
    shown = matches or ids
    hint = "conferences: " + ", ".join(shown[:10]) + (", ..." if len(shown) > 10 else "") if shown else None
    raise QueryError(f"conference {cid!r} {what}", hint=hint)


def conference_hits(archive, conference: str) -> list[Hit]:
    """All turns of one conference (id or unique prefix), in order."""
    record = archive.get(resolve_conference(archive, conference))
    return [make_hit(record, turn) for turn in record.turns]


def archive_hits(archive) -> list[Hit]:
    """Every turn of every conference, conferences by id, turns in order."""
    return [make_hit(record, turn) for record in archive.records() for turn in record.turns]


def turn_hits(archive, turn_ids: Iterable[str]) -> list[Hit]:
    """The listed turns, in the order given; an id is ``<conference id>:<seq>``."""
    hits, records = [], {}
    for tid in turn_ids:
        conf_id, sep, _ = tid.rpartition(":")
        if not sep or not conf_id:
            raise NotFoundError(f"{tid!r} is not a turn id", hint="turn ids look like 2022-09-27-miit-3f9a1c:026")
        if conf_id not in records:
            records[conf_id] = archive.get(conf_id)
        record = records[conf_id]
        if record.conference.id != conf_id:  # a former id of the conference: its turn by position
            tid = f"{record.conference.id}:{tid.rpartition(':')[2]}"
        turn = record.turn(tid)
        if turn is None:
            raise NotFoundError(f"no turn {tid!r} in conference {conf_id}")
        hits.append(make_hit(record, turn))
    return hits


# --- shared text helpers ------------------------------------------------------------------------
def speaker_label(sp: dict[str, Any] | None) -> str:
    """A speaker's display name from a hit (records.speaker_display)."""
    from pressarchive.records import speaker_display

    return speaker_display(sp)


def asker_of(hit: Hit) -> str:
    """Who asked the question of a hit (``Trevor Hunnicutt, Reuters``), else the question's speaker."""
    from pressarchive.records import asker_label

    q = hit.get("question") or {}
    sp = hit.get("asker") or q.get("speaker") or (hit["speaker"] if hit.get("turn", {}).get("kind") == "question" else None)
    return asker_label(sp) or speaker_label(sp)


def outlet_of(hit: Hit) -> str | None:
    """The asking outlet: a reporter's organisation for a question, the asker's for an answer."""
    sp = hit["question"]["speaker"] if hit.get("question") else hit["speaker"]
    if (sp or {}).get("role") != "reporter":
        return None
    return sp.get("organization") or sp.get("organization_zh") or sp.get("name") or sp.get("name_zh")


def segments(text: str, spans: list[tuple[int, int]]) -> Iterator[tuple[str, bool]]:
    """Split ``text`` into (piece, marked) by highlight spans; bad or overlapping spans are merged or dropped."""
    merged: list[list[int]] = []
    for start, end in sorted((max(0, s), min(len(text), e)) for s, e in spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    pos = 0
    for start, end in merged:
        if start > pos:
            yield text[pos:start], False
        yield text[start:end], True
        pos = end
    if pos < len(text):
        yield text[pos:], False


def spans_by_paragraph(hit: Hit) -> dict[int, list[tuple[int, int]]]:
    """The hit's highlight offsets grouped by paragraph index."""
    out: dict[int, list[tuple[int, int]]] = {}
    for h in hit.get("highlights") or []:
        try:
            out.setdefault(int(h["paragraph"]), []).append((int(h["start"]), int(h["end"])))
        except (KeyError, TypeError, ValueError):
            continue
    return out


def by_conference(hits: list[Hit]) -> list[tuple[dict[str, Any], list[Hit]]]:
    """Hits grouped by conference, groups in order of first appearance, hits in their given order."""
    groups: dict[str, tuple[dict[str, Any], list[Hit]]] = {}
    for hit in hits:
        conf = hit["conference"]
        groups.setdefault(conf["id"], (conf, []))[1].append(hit)
    return list(groups.values())


def _speaker_meta(sp: dict[str, Any]) -> str:
    parts = [sp.get("title"), sp.get("organization") or sp.get("organization_zh"), sp.get("region")]
    return ", ".join(p for p in parts if p)


# --- JSON / JSONL -------------------------------------------------------------------------------
def _with_citation(hit: Hit) -> Hit:
    return {**hit, "citation": citation(hit)}


def write_json(hits: list[Hit], out: TextIO) -> None:
    """``{"hits": [...]}`` as ``search --format json`` prints it, each hit with its citation."""
    json.dump({"hits": [_with_citation(h) for h in hits]}, out, ensure_ascii=False, indent=2)
    out.write("\n")


def write_jsonl(hits: list[Hit], out: TextIO) -> None:
    """One hit per line (with its citation)."""
    for hit in hits:
        out.write(json.dumps(_with_citation(hit), ensure_ascii=False))
        out.write("\n")


# --- CSV ----------------------------------------------------------------------------------------
CSV_COLUMNS = (
    "turn_id", "seq", "kind", "lang", "text",
    "speaker", "speaker_name", "speaker_name_zh", "speaker_role", "speaker_title",
    "speaker_organization", "speaker_region",
    "question_id", "question_outlet", "question_speaker", "question_text",
    "conference_id", "conference_title", "conference_date", "conference_organizer", "conference_source",
    "regions_mentioned", "matched_terms", "score", "citation",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: Any) -> str:
    """A cell a spreadsheet will not run as a formula: a leading = + - @ tab or CR gets a ``'``."""
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_row(hit: Hit) -> dict[str, str]:
    """One passage as a CSV row (unneutralised)."""
    sp, conf, turn, q = hit["speaker"], hit["conference"], hit["turn"], hit.get("question")
    return {
        "turn_id": turn["id"], "seq": turn.get("seq"), "kind": turn.get("kind"), "lang": turn.get("lang"),
        "text": "\n\n".join(turn.get("paragraphs") or []),
        "speaker": speaker_label(sp), "speaker_name": sp.get("name"), "speaker_name_zh": sp.get("name_zh"),
        "speaker_role": sp.get("role"), "speaker_title": sp.get("title"),
        "speaker_organization": sp.get("organization") or sp.get("organization_zh"),
        "speaker_region": sp.get("region"),
        "question_id": (q or {}).get("id"), "question_outlet": outlet_of(hit) if q else None,
        "question_speaker": asker_of(hit) if q else None,
        "question_text": "\n\n".join((q or {}).get("paragraphs") or []),
        "conference_id": conf.get("id"), "conference_title": conf.get("title"),
        "conference_date": conf.get("date"), "conference_organizer": conf.get("organizer"),
        "conference_source": conf.get("source_url") or conf.get("source"),
        "regions_mentioned": "; ".join(turn.get("regions") or []),
        "matched_terms": "; ".join(hit.get("matched_terms") or []),
        "score": "" if hit.get("score") is None else f"{hit['score']:.4g}",
        "citation": citation(hit),
    }


def write_csv(hits: list[Hit], out: TextIO) -> None:
    """One row per passage, UTF-8 BOM first (spreadsheets then read Chinese right), formulas neutralised."""
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for hit in hits:
        writer.writerow({k: neutralise(v) for k, v in csv_row(hit).items()})


# --- Markdown -----------------------------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*_\[<~])")
_MD_MARKER = r"([-+=#>]|\d+[.)])"
_MD_AT_START = re.compile(r"^([ \t]*)" + _MD_MARKER)
_MD_AFTER_NEWLINE = re.compile(r"(\n[ \t]*)" + _MD_MARKER)


def _escape_line_start(m: re.Match) -> str:
    lead, marker = m.group(1), m.group(2)
    return lead + marker[:-1] + "\\" + marker[-1]


def md_escape(text: str | None, line_start: bool = False) -> str:
    """Text that Markdown shows as written: no emphasis, links or HTML (and, at a line start, no
    headings, quotes or list markers)."""
    text = _MD_AFTER_NEWLINE.sub(_escape_line_start, _MD_SPECIAL.sub(r"\\\1", text or ""))
    return _MD_AT_START.sub(_escape_line_start, text) if line_start else text


def _md_paragraph(text: str, spans: list[tuple[int, int]]) -> str:
    pieces = [(md_escape(p, line_start=i == 0), marked) for i, (p, marked) in enumerate(segments(text, spans))]
    return "".join(f"**{p}**" if marked else p for p, marked in pieces)


def write_md(hits: list[Hit], out: TextIO) -> None:
    """Readable Markdown grouped by conference: each question once, then its answer(s), then a citation."""
    out.write(f"# Press-conference passages ({len(hits)})\n")
    for conf, group in by_conference(hits):
        out.write(f"\n## {md_escape(conf.get('title') or conf.get('id'))}\n\n")
        meta = [conf.get("date") or "undated", conf.get("organizer"), conf.get("source_url") or conf.get("source")]
        out.write(" · ".join(md_escape(m) for m in meta if m) + f" · `{conf['id']}`\n")
        shown_question = None
        for hit in group:
            turn, sp, q = hit["turn"], hit["speaker"], hit.get("question")
            out.write("\n---\n\n")
            if q and q.get("id") != shown_question:
                asker = asker_of(hit)
                out.write(f"> **Q — {md_escape(asker)}** (`{q['id']}`)\n>\n")
                out.write("\n>\n".join(f"> {md_escape(p, True)}" for p in q.get("paragraphs") or []) + "\n\n")
            shown_question = q.get("id") if q else turn["id"]
            label = {"answer": "A", "question": "Q"}.get(turn.get("kind"), "")
            who = asker_of(hit) if turn.get("kind") == "question" else speaker_label(sp)
            head = f"**{label + ' — ' if label else ''}{md_escape(who)}**"
            meta = _speaker_meta(sp)
            out.write(head + (f", {md_escape(meta)}" if meta else "") + f" · {turn.get('kind')} · `{turn['id']}`\n\n")
            spans = spans_by_paragraph(hit)
            for i, para in enumerate(turn.get("paragraphs") or []):
                out.write(_md_paragraph(para, spans.get(i, [])) + "\n\n")
            out.write(f"*Cite:* {md_escape(citation(hit))}\n")


# --- HTML ---------------------------------------------------------------------------------------
HTML_CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;max-width:52rem;
margin:2rem auto;padding:0 1rem;line-height:1.6;color:#222}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2.5rem;border-bottom:1px solid #ccc}
.meta,.cite{color:#555;font-size:.9rem}.who{font-weight:600}.id{font-family:monospace;font-size:.85rem;color:#777}
article{margin:1.2rem 0;padding-top:.6rem;border-top:1px dashed #ddd}
blockquote{margin:.5rem 0 .8rem;padding:.2rem .9rem;border-left:3px solid #9ab;background:#f5f8fa}
mark{background:#ffe58a;padding:0 .1em}
""".strip()


def _h(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _html_paragraph(text: str, spans: list[tuple[int, int]]) -> str:
    return "".join(f"<mark>{_h(p)}</mark>" if marked else _h(p) for p, marked in segments(text, spans))


def _lang(code: str | None) -> str:
    return {"zh": ' lang="zh"', "en": ' lang="en"'}.get(code or "", "")


def write_html(hits: list[Hit], out: TextIO) -> None:
    """One standalone page (inline CSS): every text escaped, matched terms in <mark>."""
    title = f"Press-conference passages ({len(hits)})"
    out.write(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{_h(title)}</title>\n"
        f"<style>\n{HTML_CSS}\n</style>\n</head>\n<body>\n<h1>{_h(title)}</h1>\n"
    )
    for conf, group in by_conference(hits):
        out.write(f"<section class=\"conference\" id=\"{_h(conf['id'])}\">\n")
        out.write(f"<h2>{_h(conf.get('title') or conf.get('id'))}</h2>\n")
        meta = [conf.get("date") or "undated", conf.get("organizer"), conf.get("source_url") or conf.get("source")]
        out.write(f"<p class=\"meta\">{' · '.join(_h(m) for m in meta if m)} · "
                  f"<span class=\"id\">{_h(conf['id'])}</span></p>\n")
        shown_question = None
        for hit in group:
            turn, sp, q = hit["turn"], hit["speaker"], hit.get("question")
            if q and q.get("id") == shown_question:
                q = None  # the question is just above: the question turn itself or an earlier answer's
            shown_question = hit["question"]["id"] if hit.get("question") else turn["id"]
            out.write(f"<article id=\"{_h(turn['id'])}\" class=\"{_h(turn.get('kind'))}\">\n")
            if q:
                out.write(f"<blockquote class=\"question\"{_lang(q.get('lang'))}>\n<p class=\"who\">Q — "
                          f"{_h(asker_of(hit))} <span class=\"id\">{_h(q.get('id'))}</span></p>\n")
                for para in q.get("paragraphs") or []:
                    out.write(f"<p>{_h(para)}</p>\n")
                out.write("</blockquote>\n")
            meta = _speaker_meta(sp)
            out.write(f"<p><span class=\"who\">{_h(speaker_label(sp))}</span>"
                      + (f", <span class=\"meta\">{_h(meta)}</span>" if meta else "")
                      + f" · {_h(turn.get('kind'))} · <span class=\"id\">{_h(turn['id'])}</span></p>\n")
            out.write(f"<div class=\"text\"{_lang(turn.get('lang'))}>\n")
            spans = spans_by_paragraph(hit)
            for i, para in enumerate(turn.get("paragraphs") or []):
                out.write(f"<p>{_html_paragraph(para, spans.get(i, []))}</p>\n")
            out.write(f"</div>\n<p class=\"cite\">{_h(citation(hit))}</p>\n</article>\n")
        out.write("</section>\n")
    out.write("</body>\n</html>\n")


# --- the table and the two entry points ---------------------------------------------------------
WRITERS: dict[str, Callable[[list[Hit], TextIO], None]] = {
    "md": write_md,
    "json": write_json,
    "jsonl": write_jsonl,
    "csv": write_csv,
    "html": write_html,
}


def writer_for(fmt: str) -> Callable[[list[Hit], TextIO], None]:
    """The writer for a format name, or a QueryError listing the known ones."""
    try:
        return WRITERS[fmt]
    except KeyError:
        raise QueryError(f"unknown export format {fmt!r}", hint=f"use one of: {', '.join(WRITERS)}") from None


def write(hits: list[Hit], fmt: str, stream: TextIO) -> None:
    """Write ``hits`` to a text stream in format ``fmt``."""
    writer_for(fmt)(hits, stream)


def write_file(hits: list[Hit], fmt: str, path: str | os.PathLike) -> Path:
    """Write ``hits`` to ``path`` atomically (temporary file beside it, then ``os.replace``)."""
    writer = writer_for(fmt)
    target = Path(path).expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise PressArchiveError(f"cannot write {target}: it is a folder")
    if not folder.is_dir():
        raise PressArchiveError(f"cannot write {target}: folder {folder} does not exist")
    from pressarchive.atomic import atomic_open

    try:
        with atomic_open(target, "w", newline="") as out:
            writer(hits, out)
    except OSError as err:
        raise PressArchiveError(f"cannot write {target}: {err.strerror or err}") from err
    return target


# --- stats --------------------------------------------------------------------------------------
STATS_BY = ("region", "speaker", "outlet", "conference", "month")
NONE_LABEL = "(none)"


def check_by(by: str) -> str:
    """``by`` if stats can count by it, else a QueryError listing the choices."""
    if by not in STATS_BY:
        raise QueryError(f"cannot count by {by!r}", hint=f"use one of: {', '.join(STATS_BY)}")
    return by


def _key(hit: Hit, by: str) -> tuple[str, str]:
    """(value, label) of a hit for a ``--by`` dimension; value is what a filter option accepts."""
    sp, conf = hit["speaker"], hit["conference"]
    if by == "region":
        region = sp.get("region")
        return (region, region) if region else (NONE_LABEL, NONE_LABEL)
    if by == "speaker":
        label = speaker_label(sp)
        return (sp.get("name") or sp.get("name_zh") or label, label)
    if by == "outlet":
        outlet = outlet_of(hit)
        return (outlet, outlet) if outlet else (NONE_LABEL, NONE_LABEL)
    if by == "conference":
        label = f"{conf.get('date') or 'undated'} {conf.get('title') or conf['id']}"
        return conf["id"], label
    if by == "month":
        month = (conf.get("date") or "")[:7] or "undated"
        return month, month
    check_by(by)
    raise AssertionError(by)  # pragma: no cover


def tally(hits: Iterable[Hit], by: str) -> list[dict[str, Any]]:
    """Counts of hits per ``by`` value: ``[{"value", "label", "count"}]``, largest first
    (months in date order); turns without a value count under "(none)"."""
    counts: Counter[tuple[str, str]] = Counter(_key(h, by) for h in hits)
    rows = [{"value": v, "label": lab, "count": n} for (v, lab), n in counts.items()]
    if by == "month":
        rows.sort(key=lambda r: (r["value"] == "undated", r["value"]))
    else:
        rows.sort(key=lambda r: (r["value"] == NONE_LABEL, -r["count"], r["label"]))
    return rows


def write_stats(rows: list[dict[str, Any]], by: str, fmt: str, out: TextIO) -> None:
    """Stats rows as JSON (``{"by", "total", "rows"}``) or CSV (BOM, neutralised cells)."""
    if fmt == "json":
        json.dump({"by": by, "total": sum(r["count"] for r in rows), "rows": rows}, out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "csv":
        out.write("\ufeff")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([by, "label", "count"])
        for r in rows:
            writer.writerow([neutralise(r["value"]), neutralise(r["label"]), r["count"]])
    else:
        raise QueryError(f"unknown stats format {fmt!r}", hint="use one of: chart, json, csv")
