"""export and stats: every match (not a page), with citations, or counted."""
from __future__ import annotations

import click

from pressarchive.cli import Context, cli, pass_ctx
from pressarchive.cli.search_cmds import _JSON_OPTION, _format, _limit, _nothing_matched, search_filter_options


# --- export commands ----------------------------------------------------------------------------
# export and stats: the search filters (search_filter_options, above), every match, not a page.
_EXTENSIONS = {".md": "md", ".markdown": "md", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
               ".csv": "csv", ".html": "html", ".htm": "html"}
MACHINE_FORMATS = ("json", "jsonl", "csv")


def _select_hits(archive, query: str | None, filters: dict, sort: str | None, limit: int | None = None) -> list:
    """Hits for export/stats: a whole conference or the whole archive in order, else every search match."""
    from pressarchive import export, render
    from pressarchive.query import Filters

    given = {k: v for k, v in filters.items() if v not in (None, "")}
    if not (query or "").strip() and set(given) <= {"conference"}:
        return export.conference_hits(archive, given["conference"]) if given else export.archive_hits(archive)
    with render.index_progress() as progress:
        return export.search_all(archive, query, Filters(**given), sort=(sort or "relevance").strip().lower(),
                                 limit=limit, progress=progress)


@cli.command("export")
@click.argument("query", required=False)
@search_filter_options
@click.option("--turn", "turn_ids", multiple=True, metavar="ID", help="A turn id to export (repeatable).")
@click.option("--all", "everything", is_flag=True, help="Export the whole archive (no query or filter).")
@click.option("--sort", metavar="ORDER", help="relevance or date, for search matches (default: relevance).")
@click.option("--limit", metavar="N", help="At most N passages (default: all).")
@click.option("--format", "fmt", metavar="FORMAT", help="md, json, jsonl, csv or html (default: from -o, else md).")
@_JSON_OPTION
@click.option("-o", "--output", metavar="FILE", help="Write to FILE (atomically) instead of standard output.")
@pass_ctx
def export_cmd(ctx: Context, query: str | None, turn_ids: tuple[str, ...], everything: bool, sort: str | None,
               limit: str | None, fmt: str | None, as_json: bool, output: str | None, **filters) -> None:
    """Export matched passages with speaker, question, conference and a citation line (or a whole
    conference with --conference alone, listed turns with --turn, everything with --all). With no
    query, filter or --turn, --all is needed, except for json, jsonl or csv written to a pipe or a
    file, which export the whole archive. Exits 1 when nothing matched.

    Matches come in search's order, but every matching turn once: unlike search, a question and its
    answer are not folded into one passage, republished copies are not folded and there is no
    per-conference limit (an export is complete)."""
    from pathlib import Path

    from pressarchive import export, render
    from pressarchive.errors import QueryError

    if as_json:
        fmt = "json"
    if fmt is None:
        fmt = _EXTENSIONS.get(Path(output).suffix.lower(), "md") if output else "md"
    fmt = fmt.strip().lower()
    export.writer_for(fmt)
    count = _limit(limit) if limit is not None else None
    chosen = (query or "").strip() or any(filters.values())
    if turn_ids:
        if chosen or everything:
            raise QueryError("--turn exports the listed turns; leave out the query, filters and --all")
        hits = export.turn_hits(ctx.archive, turn_ids)
    else:
        if everything and chosen:
            raise QueryError("--all exports the whole archive; leave out the query and filters")
        to_program = fmt in MACHINE_FORMATS and (output or not render.stdout_is_terminal())
        if not chosen and not everything and not to_program:
            raise QueryError("give a query, a filter or --turn, or --all to export the whole archive")
        hits = _select_hits(ctx.archive, query, filters, sort, count)
    hits = hits[:count] if count else hits
    if not hits:
        render.warn("no passages matched")
    if output:
        path = export.write_file(hits, fmt, output)
        render.err_console().print(f"Wrote {len(hits)} passages to {render.safe(path)} ({fmt})")
    else:
        render.write_text_out(lambda stream: export.write(hits, fmt, stream))
    if not hits:
        _nothing_matched()


@cli.command("stats")
@click.argument("query", required=False)
@search_filter_options
@click.option("--by", default="region", show_default=True, metavar="FIELD",
              help="region, speaker, outlet, conference or month.")
@click.option("--format", "fmt", default="chart", show_default=True, metavar="FORMAT", help="chart, json or csv.")
@_JSON_OPTION
@pass_ctx
def stats_cmd(ctx: Context, query: str | None, by: str, fmt: str, as_json: bool, **filters) -> None:
    """Count matching turns by region, speaker, outlet, conference or month (all matches, not a page).

    Every matching turn counts once, as search finds them; search's grouping (question-answer pairs,
    republished copies, a few hits per conference) does not apply to counts."""
    from pressarchive import export, render

    by, fmt = by.strip().lower(), _format(fmt, ("chart", "json", "csv"), as_json)
    export.check_by(by)
    rows = export.tally(_select_hits(ctx.archive, query, filters, None), by)
    if fmt == "chart":
        what = f" matching {query!r}" if (query or "").strip() else ""
        render.bar_chart(rows, f"Turns{what} by {by}", total=sum(r["count"] for r in rows))
    else:
        render.write_text_out(lambda stream: export.write_stats(rows, by, fmt, stream))
