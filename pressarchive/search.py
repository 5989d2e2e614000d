"""Running a search: a query string and filters -> ranked hits (``hits.make_hit``) with highlight offsets.

Parsing and filters are query.py's, cross-language expansion expand.py's, highlighting highlight.py's;
this module runs them against the index and ranks what it finds. The query syntax is in query.py's
docstring and docs/search.md.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pressarchive import evaluate
from pressarchive.errors import QueryError
from pressarchive.expand import DERIVED_SOURCES, _expansion_matched, expand_query
from pressarchive.grouping import PER_CONFERENCE, choose, partners, settle_pairs
from pressarchive.highlight import Wanted, highlight_spans, wanted_for
from pressarchive.query import Filters, _hint, _prefer_words, _terms, filter_query, parse_query

if TYPE_CHECKING:  # pragma: no cover
    from pressarchive.archive import Archive
    from pressarchive.records import Record

SORTS = ("relevance", "date")
# A passage in the other language, found only through a translation, keeps this share of its score, so
# that passages in the language typed come first and translations follow.
TRANSLATION_DAMPING = 0.5
# Matches are counted up to this many (or the page size, if larger); beyond it a search reports
# "at least COUNT_LIMIT": an exact count is a second pass over every match (docs/performance.md).
COUNT_LIMIT = 1000
COUNT_DEFAULT = object()  # count_limit not given: COUNT_LIMIT
MAX_FETCH = 5000  # ranked turns read at most to fill a page (pairs folded, a few per conference)


@dataclass
class SearchResult:
    """The hits shown (at most ``limit``), how many turns matched in all, and the query's terms."""

    hits: list[dict[str, Any]]
    total: int
    query_terms: list[str] = field(default_factory=list)
    expansions: list[dict[str, Any]] = field(default_factory=list)
    total_exact: bool = True  # False: at least ``total`` turns matched (counting stopped there)
    held_back: dict[str, int] = field(default_factory=dict)  # conference id -> matches beyond per_conference
    skipped: int = 0  # conferences left out: removed meanwhile (by another process), or their record is damaged


def search(
    archive: "Archive",
    query: str | None,
    filters: Filters | None = None,
    limit: int = 10,
    sort: str = "relevance",
    translate: bool = True,
    progress=None,
    count_limit: Any = COUNT_DEFAULT,
    per_conference: int | None = PER_CONFERENCE,
    context: int = 0,
    group: bool = True,
) -> SearchResult:
    """Search the archive (building or refreshing its index first when needed, reporting to
    ``progress(done, total)`` while it does). Matches are counted up to ``count_limit`` (None:
    all of them, a second pass over every match; by default COUNT_LIMIT)."""
    from pressarchive.index import open_for_reading

    filters = resolve_people(archive, filters)
    ix = open_for_reading(archive, progress, lexicon=translate)
    try:
        return search_index(ix, lambda cid: _noted(archive, cid), query, filters, limit, sort, translate,
                            index_dir=Path(archive.index_dir), count_limit=count_limit,
                            per_conference=per_conference, context=context, group=group,
                            evaluator=getattr(getattr(archive, "settings", None), "evaluator", "auto"))
    finally:
        ix.close()


def resolve_people(archive: "Archive", filters: Filters | None) -> Filters | None:
    """``filters`` with ``--speaker`` / ``--asker`` resolved through the people register (people.py):
    any alias in any script names the person, and the filter keeps that person's turns in every
    conference. A name the register does not hold is left to the index's names (speaker), or read
    as an outlet (asker)."""
    if filters is None or not (filters.speaker or filters.asker):
        return filters
    from dataclasses import replace

    from pressarchive import catalog, people

    register = catalog.load(archive).register()
    out = replace(filters)
    if filters.speaker:
        out.speaker_refs = people.refs_for(register, filters.speaker)
    if filters.asker:
        refs = people.refs_for(register, filters.asker, kind=people.REPORTER) or people.refs_for(register, filters.asker)
        if refs is None and not filters.outlet:
            out.asker, out.outlet = None, filters.asker  # an outlet's reporter, known by the outlet only
        elif refs is None:
            raise QueryError(f"no asker {filters.asker!r} in the archive",
                             hint=_hint("askers", register.labels(people.REPORTER)))
        out.asker_refs = refs
    return out


def search_index(ix, get_record, query: str | None, filters: Filters | None = None, limit: int = 10,
                 sort: str = "relevance", translate: bool = True, index_dir: Path | None = None,
                 count_limit: Any = COUNT_DEFAULT, per_conference: int | None = PER_CONFERENCE,
                 context: int = 0, group: bool = True, evaluator: str = "auto") -> SearchResult:
    """Search an open Whoosh index; ``get_record(conference id)`` supplies the records for hits.
    ``evaluator``: the setting of that name (evaluate.py scores relevance searches: auto, numpy, whoosh).
    A question and its answer are one hit, republished copies of a passage one hit, and at most
    ``per_conference`` hits come from one conference while others have matches (None: no cap;
    relevance order only). Turns are ranked by ranking.PriorBM25F. ``context``: that many neighbouring
    turns before and after each hit, in ``hit["context"]``. ``group`` False: one hit per matching turn
    (no pairs, no copies, no cap), in the same order: what export and stats read."""
    from whoosh import query as wq
    from whoosh import sorting

    from pressarchive.hits import add_context, answer_dict, copy_dict
    from pressarchive.ranking import weighting

    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort!r}", hint="sorts: " + ", ".join(SORTS))
    if limit is None or limit < 1:
        raise QueryError(f"limit must be 1 or more, not {limit}", params=("limit",))
    text = (query or "").strip()
    if not text and not (filters and filters.any()):
        raise QueryError("give a query or a filter", hint="e.g. the query 集成电路, or the filter speaker=\"Li Feng\"", params=("query",))
    expansions: list[dict[str, Any]] = []
    schema = ix.schema  # one read of the table of contents (Whoosh reads it on every access)
    if text:
        q = parse_query(text, schema)  # malformed queries fail before the index is opened
    by_date = sorting.MultiFacet([
        sorting.FieldFacet("date", reverse=True), sorting.FieldFacet("conference"), sorting.FieldFacet("seq"),
    ])
    sortedby = by_date if (sort == "date" or not text) else None
    try:
        reader = getattr(ix, "checked_reader", None)  # opened by ensure_index to check the index
        if reader is not None:
            from whoosh.searching import Searcher

            ix.checked_reader = None
            searcher = Searcher(reader, fromindex=ix, weighting=weighting())
        else:
            searcher = ix.searcher(weighting=weighting())
    except Exception as err:  # noqa: BLE001
        from pressarchive.errors import IndexError_

        raise IndexError_(f"the search index is unreadable ({err})", hint="run `pressarchive reindex`") from err
    with searcher:
        if text:
            q = _prefer_words(q, searcher.reader())
        if text and translate and index_dir is not None:
            q, expansions = expand_query(q, text, schema, index_dir, reader=searcher.reader())
        elif not text:
            q = wq.Every()
        fq = filter_query(searcher.reader(), filters)
        rerank = bool(expansions) and sortedby is None
        # per_conference holds back a conference's hits beyond the first few (relevance order only:
        # a listing in date order shows everything); held-back turns fill the page when nothing else is left
        cap = per_conference if (sortedby is None and not (filters and filters.conference)) else None
        # room for the re-rank of cross-language hits, the question-answer pairs folded into one
        # hit, republished copies and the per-conference cap; more is fetched while the page is short
        fetch = limit * 3 + 20
        terms = _terms(q) if text else set()
        records: dict[str, "Record | None"] = {}

        def get(conf_id: str) -> "Record | None":
            if conf_id not in records:  # None: gone or damaged, its matches skipped and counted
                records[conf_id] = _record_or_none(get_record, conf_id)
            return records[conf_id]

        matches = None  # relevance order: every match scored at once with NumPy (evaluate.py), same scores
        if sortedby is None and evaluate.enabled(searcher.doc_count_all(), evaluator):
            matches = evaluate.matches(searcher, q, fq)
        while True:
            if matches is not None:
                top = [(d, score, searcher.stored_fields(d)) for d, score in matches.top(fetch)]
            else:
                # No term records (terms=True visits every match and defeats Whoosh's block skipping):
                # the terms each hit matched are looked up in the postings for the page only (_matched_terms).
                results = searcher.search(q, limit=fetch, filter=fq, sortedby=sortedby)
                top = [(hit.docnum, hit.score if sortedby is None else None, hit.fields()) for hit in results]
            complete = len(top) < fetch or fetch >= MAX_FETCH
            matched_by_doc = _matched_terms(searcher.reader(), [t[0] for t in top], terms) if text else {}
            # (conference id, turn id, score, matched terms, the turn's language): the re-rank reads the
            # language stored in the index; records are loaded by grouping.choose, as far as the page goes
            found = [(fields.get("conference") or fields["id"].rsplit(":", 1)[0], fields["id"], score,
                      matched_by_doc.get(docnum) or terms, fields.get("tlang")) for docnum, score, fields in top]
            if rerank:
                found = _prefer_typed_language(found, text, expansions)
            chosen, held_back, full = choose(found, get, limit, cap, complete, group=group)
            if full:
                break
            fetch *= 4
        if group:
            partner_ids = [i for item in chosen for i in partners(item)]
            if matches is not None:  # the evaluator has every match already: look the turns up in it
                settle_pairs(chosen, matches.having(searcher, "id", partner_ids))
            else:
                settle_pairs(chosen, _matching(searcher, q, fq, partner_ids))
        if matches is not None:
            total, exact = _capped(matches.total, fetch, count_limit, page=limit)
        else:
            total, exact = _count(searcher, results, q, fq, fetch, count_limit, page=limit)
    hits = []
    for item in chosen:
        _, _, score, matched, _ = item.row
        hit = _hit(item.record, item.turn, score, q if text else None, matched, expansions)
        if item.partner is not None:
            hit["answer"] = answer_dict(item.record, item.partner)
        if item.also_matched:
            hit["also_matched"] = list(item.also_matched)
        if item.copies:
            hit["copies"] = [copy_dict(record, turn) for record, turn in item.copies]
        if context:
            add_context(hit, item.record, context)
        hits.append(hit)
    everything = wanted_for(q, terms, "text", "cjk") if text else Wanted()
    query_terms = sorted(everything.words | {" ".join(p) for p in everything.phrases} | set(everything.strings))
    expansions = [{k: v for k, v in e.items() if not k.startswith("_")} for e in expansions]
    return SearchResult(hits=hits, total=total, query_terms=query_terms, expansions=expansions, total_exact=exact,
                        held_back=held_back, skipped=sum(1 for r in records.values() if r is None))


def _noted(archive: "Archive", conf_id: str) -> "Record":
    """``archive.get(conf_id)``; a conference gone or damaged is noted in ``archive.corpus.skipped``
    (the command names it in one line) before the error goes on to ``_record_or_none``."""
    from pressarchive.errors import ArchiveError, NotFoundError

    try:
        return archive.get(conf_id)
    except NotFoundError:
        archive.corpus.skipped[conf_id] = "removed while it was being read"
        raise
    except ArchiveError as err:
        archive.corpus.skipped[conf_id] = err.message
        raise


def _record_or_none(get_record, conf_id: str):
    """``get_record(conf_id)``, or None for a conference removed (by another process, since the index
    was read) or damaged: its matches are skipped and counted, never an error."""
    from pressarchive.errors import ArchiveError, NotFoundError

    try:
        return get_record(conf_id)
    except (NotFoundError, ArchiveError):
        return None


def _capped(matches: int, fetch: int, count_limit: Any, page: int | None = None) -> tuple[int, bool]:
    """(total, exact) of ``matches`` counted exactly (evaluate.py), capped as ``_count`` caps its count."""
    if count_limit is COUNT_DEFAULT:
        count_limit = COUNT_LIMIT
    cap = None if count_limit is None else max(int(count_limit), page or fetch)
    return (matches, True) if cap is None or matches <= cap else (cap, False)


def _count(searcher, results, q, fq, fetch: int, count_limit: int | None, page: int | None = None) -> tuple[int, bool]:
    """(matches, exact) of a search: all of them when fewer than were fetched were found, else
    counted in one unscored pass; either way at most ``max(count_limit, page)`` (None: no cap), then
    inexact. ``page`` is the page size (default ``fetch``)."""
    from itertools import islice

    from whoosh import query as wq

    if count_limit is COUNT_DEFAULT:  # read at call time, so the setting can be changed
        count_limit = COUNT_LIMIT
    cap = None if count_limit is None else max(int(count_limit), page or fetch)
    shown = results.scored_length()
    if shown < fetch:  # the collector saw every match (a filtered search's len() counts before filtering)
        return (shown, True) if cap is None or shown <= cap else (cap, False)
    both = q if fq is None else wq.And([q, fq])
    docs = searcher.docs_for_query(both)
    if cap is None:
        return sum(1 for _ in docs), True
    n = sum(1 for _ in islice(docs, cap + 1))
    return (n, True) if n <= cap else (cap, False)


def _matching(searcher, q, fq, turn_ids: list[str]) -> set[str]:
    """Which of ``turn_ids`` the search (query and filters) matches: one query over those turns only,
    so that a hit's pair is told the same whatever the page size."""
    from whoosh import query as wq

    if not turn_ids:
        return set()
    parts = [q, wq.Or([wq.Term("id", i) for i in turn_ids])] + ([fq] if fq is not None else [])
    try:
        return {searcher.stored_fields(d)["id"] for d in searcher.docs_for_query(wq.And(parts))}
    except Exception:  # noqa: BLE001 - then no pair is marked as matched
        return set()


def _matched_terms(reader, docnums: list[int], terms: set[tuple[str, str]]) -> dict[int, set[tuple[str, str]]]:
    """docnum -> the query terms (field, text) that occur in that document, for ``docnums`` only:
    one skip through each term's postings, so the cost does not grow with the number of matches."""
    out: dict[int, set[tuple[str, str]]] = {d: set() for d in docnums}
    wanted = sorted(set(docnums))
    for fieldname, text in terms:
        try:
            if (fieldname, text) not in reader:
                continue
            m = reader.postings(fieldname, text)
            for docnum in wanted:
                if not m.is_active():
                    break
                if m.id() < docnum:
                    m.skip_to(docnum)
                    if not m.is_active():
                        break
                if m.id() == docnum:
                    out[docnum].add((fieldname, text))
        except Exception:  # noqa: BLE001 - a term the reader cannot look up matches nothing shown
            continue
    return out


def _prefer_typed_language(found: list[tuple], text: str, expansions: list[dict[str, Any]]) -> list[tuple]:
    """Passages found only through a translation, in the other language than the one typed, keep
    TRANSLATION_DAMPING of their score: the typed language's matches come first, translations follow."""
    typed_zh = bool(re.search(r"[\u3400-\u9fff]", text or ""))
    out = []
    for conf_id, turn_id, score, matched, lang in found:
        other = (lang == "en") if typed_zh else (lang == "zh")
        if score is not None and other and any(_expansion_matched(e, matched) for e in expansions):
            score = score * TRANSLATION_DAMPING
        out.append((conf_id, turn_id, score, matched, lang))
    return sorted(out, key=lambda f: -(f[2] or 0.0))


def _hit(record: "Record", turn, score, q, matched: set[tuple[str, str]],
         expansions: list[dict[str, Any]]) -> dict[str, Any]:
    from pressarchive.hits import make_hit

    highlights = []
    surfaces: list[str] = []

    def note(text: str) -> None:
        if text.casefold() not in (s.casefold() for s in surfaces):
            surfaces.append(text)

    if q is not None:
        want = wanted_for(q, matched, "text", "cjk")
        for i, para in enumerate(turn.paragraphs):
            for s, e in highlight_spans(para, want) if want else ():
                highlights.append({"paragraph": i, "start": s, "end": e})
                note(para[s:e])
        if not surfaces and turn.kind == "answer" and turn.question:
            question = record.turn(turn.question)
            want = wanted_for(q, matched, "question", "qcjk")
            for para in question.paragraphs if question is not None and want else ():
                for s, e in highlight_spans(para, want):
                    note(para[s:e])
    translated = []
    for e in expansions:
        if _expansion_matched(e, matched):
            item = {"typed": e["typed"], "matched": e["target"]}
            if e.get("source") in DERIVED_SOURCES:  # made at query time: say how (issue 19)
                item["how"] = e["source"]
            if item not in translated:
                translated.append(item)
    return make_hit(record, turn, score=round(score, 4) if score is not None else None,
                    highlights=highlights, matched_terms=surfaces[:12], translated_from=translated)
