"""Commands that read: search, show, and the listings (speakers, outlets, regions, conferences)."""
from __future__ import annotations

import click

from pressarchive.cli import Context, cli, pass_ctx
from pressarchive.errors import EXIT_NO_MATCH


# --- search commands ----------------------------------------------------------------------------
# search, show, speakers, outlets, regions, conferences. Option values are checked by the core
# (search.py), so a bad one is one line and exit 2 like a bad query.
def search_filter_options(func):
    """The search filters as click options (shared by the commands that narrow a search)."""
    options = (
        click.option("--speaker", metavar="NAME", help="Speaker: any name or label they go by, in any script or case (a person across conferences)."),
        click.option("--region", metavar="REGION", help="The speaker's region, e.g. Shanghai or National."),
        click.option("--outlet", metavar="OUTLET", help="The outlet that asked (a question, or an answer's question)."),
        click.option("--asker", metavar="NAME", help="The reporter who asked, by name (or outlet): their questions and the answers."),
        click.option("--kind", metavar="KIND", help="statement, question or answer."),
        click.option("--lang", metavar="LANG", help="en or zh (a mixed turn counts as both)."),
        click.option("--since", metavar="DATE", help="Conferences on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD)."),
        click.option("--until", metavar="DATE", help="Conferences on or before DATE."),
        click.option("--conference", metavar="ID", help="One conference (its id, or the start of it)."),
    )
    for option in reversed(options):
        func = option(func)
    return func


def _format(fmt: str, allowed: tuple[str, ...] = ("table", "json"), as_json: bool = False) -> str:
    from pressarchive.errors import QueryError

    if as_json:
        return "json"
    value = (fmt or "").strip().lower()
    if value not in allowed:
        raise QueryError(f"unknown format {fmt!r}", hint="formats: " + ", ".join(allowed))
    return value


def _limit(limit: str) -> int:
    from pressarchive.errors import QueryError

    try:
        value = int(str(limit).strip())
    except ValueError:
        value = 0
    if value < 1:
        raise QueryError(f"--limit must be a whole number, 1 or more, not {limit!r}")
    return value


def _count_option(value: str, option: str) -> int:
    """A whole number, 0 or more, given to ``option``."""
    from pressarchive.errors import QueryError

    try:
        number = int(str(value).strip())
    except ValueError:
        number = -1
    if number < 0:
        raise QueryError(f"{option} must be a whole number, 0 or more, not {value!r}")
    return number


_JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Shortcut for --format json.")


def _nothing_matched() -> None:
    raise click.exceptions.Exit(EXIT_NO_MATCH)


@cli.command("search")
@click.argument("query", required=False)
@search_filter_options
@click.option("--limit", default="10", show_default=True, metavar="N", help="Show at most N turns.")
@click.option("--sort", default="relevance", show_default=True, metavar="ORDER", help="relevance or date (newest first).")
@click.option("--format", "fmt", default="table", show_default=True, metavar="FORMAT", help="table or json.")
@_JSON_OPTION
@click.option("--no-translate", is_flag=True, help="Do not add translations of the query's terms.")
@click.option("--per-conference", "per_conference", default="3", show_default=True, metavar="N",
              help="At most N hits from one conference while others match (0: no limit).")
@click.option("--context", "-C", "neighbours", default="0", show_default=True, metavar="N",
              help="Show N turns before and after each hit, as rg -C does with lines.")
@click.option("--no-pager", is_flag=True, help="Do not page the table, even on a terminal.")
@pass_ctx
def search_cmd(ctx: Context, query: str | None, limit: str, sort: str, fmt: str, as_json: bool, no_translate: bool,
               per_conference: str, neighbours: str, no_pager: bool, **filters) -> None:
    """Search turns: words, "phrases", AND/OR/NOT, -word, field:value; QUERY may be left out
    when a filter is given. Exits 1 when nothing matched."""
    from pressarchive import render
    from pressarchive.errors import QueryError
    from pressarchive.query import Filters
    from pressarchive.search import search

    fmt, count = _format(fmt, as_json=as_json), _limit(limit)
    cap = _count_option(per_conference, "--per-conference")
    around = _count_option(neighbours, "--context")
    if not (query or "").strip() and not Filters(**filters).any():
        raise QueryError("give a query or a filter", hint='e.g. pressarchive search 集成电路, or --speaker "Li Feng"')
    with render.index_progress() as progress:
        result = search(ctx.archive, query, Filters(**filters), limit=count, sort=(sort or "").strip().lower(),
                        translate=not no_translate, progress=progress, per_conference=cap or None,
                        context=min(around, 20))
    if fmt == "json":
        render.print_json({
            "query": query, "filters": Filters(**filters).as_dict(), "sort": sort, "limit": count,
            "total": result.total, "total_exact": result.total_exact, "query_terms": result.query_terms, "expansions": result.expansions,
            "held_back": result.held_back, "skipped": result.skipped, "hits": result.hits,
        })
    else:
        render.paged(lambda: render.search_results(result, query, sort), enabled=not no_pager)
    if not result.hits:
        _nothing_matched()


@cli.command("show")
@click.argument("turn_id", metavar="TURN_ID")
@click.option("--context", "neighbours", default=1, show_default=True, type=click.IntRange(0, 20),
              help="Turns shown before and after.")
@click.option("--format", "fmt", default="table", show_default=True, metavar="FORMAT", help="table or json.")
@_JSON_OPTION
@pass_ctx
def show_cmd(ctx: Context, turn_id: str, neighbours: int, fmt: str, as_json: bool) -> None:
    """One turn in full: the question it answers (or the answers it got) and its neighbours.
    Exits 1 when there is no such turn."""
    from pressarchive import render
    from pressarchive.hits import turn_context

    fmt = _format(fmt, ("table", "json"), as_json)
    context = turn_context(ctx.archive, turn_id, neighbours)
    if fmt == "json":
        render.print_json(context)
    else:
        render.turn_view(context)


LISTING_FORMATS = ("table", "tsv", "csv", "json")


def _listing(fmt: str | None, as_json: bool, title: str, columns: list[tuple[str, str]], rows: list[dict]) -> None:
    """A listing as a table on a terminal, TSV when piped (or --format table|tsv|csv|json)."""
    from pressarchive import render

    fmt = _format(fmt or ("table" if render.stdout_is_terminal() else "tsv"), LISTING_FORMATS, as_json)
    if fmt == "json":
        render.print_json({title.lower(): rows, "total": len(rows)})
    elif fmt == "table":
        render.listing_table(title, columns, rows)
    else:
        render.listing_delimited(columns, rows, "\t" if fmt == "tsv" else ",")


_FORMAT_OPTION = click.option("--format", "fmt", default=None, metavar="FORMAT",
                              help="table, tsv, csv or json (default: table on a terminal, tsv when piped).")
_DATE_OPTIONS = (click.option("--since", metavar="DATE", help="Conferences on or after DATE."),
                 click.option("--until", metavar="DATE", help="Conferences on or before DATE."))


def _dates(func):
    for option in reversed(_DATE_OPTIONS):
        func = option(func)
    return func


@cli.command("speakers")
@click.option("--region", metavar="REGION", help="Only speakers from this region.")
@click.option("--conference", metavar="ID", help="Only this conference.")
@click.option("--role", metavar="ROLE", help="host, presenter, official, ...")
@_dates
@_FORMAT_OPTION
@_JSON_OPTION
@pass_ctx
def speakers_cmd(ctx: Context, region: str | None, conference: str | None, role: str | None,
                 since: str | None, until: str | None, fmt: str | None, as_json: bool) -> None:
    """Named speakers with their turns, answers and conferences."""
    from pressarchive.listings import list_speakers

    _format(fmt or "table", LISTING_FORMATS)
    rows = list_speakers(ctx.archive, region=region, conference=conference, role=role, since=since, until=until)
    _listing(fmt, as_json, "Speakers", [("name", "name"), ("中文", "name_zh"), ("role", "role"), ("title", "title"),
                                        ("organisation", "organization"), ("region", "region"), ("turns", "#turns"),
                                        ("answers", "#answers"), ("conferences", "#conferences")], rows)


@cli.command("outlets")
@click.option("--conference", metavar="ID", help="Only this conference.")
@_dates
@_FORMAT_OPTION
@_JSON_OPTION
@pass_ctx
def outlets_cmd(ctx: Context, conference: str | None, since: str | None, until: str | None, fmt: str | None,
                as_json: bool) -> None:
    """Outlets that asked questions, with their question counts."""
    from pressarchive.listings import list_outlets

    _format(fmt or "table", LISTING_FORMATS)
    rows = list_outlets(ctx.archive, conference=conference, since=since, until=until)
    _listing(fmt, as_json, "Outlets", [("outlet", "outlet"), ("中文", "outlet_zh"), ("questions", "#questions"),
                                       ("conferences", "#conferences")], rows)


@cli.command("regions")
@click.option("--conference", metavar="ID", help="Only this conference.")
@_dates
@_FORMAT_OPTION
@_JSON_OPTION
@pass_ctx
def regions_cmd(ctx: Context, conference: str | None, since: str | None, until: str | None, fmt: str | None,
                as_json: bool) -> None:
    """Regions: their speakers, those speakers' turns, and the turns that mention them."""
    from pressarchive.listings import list_regions

    _format(fmt or "table", LISTING_FORMATS)
    rows = list_regions(ctx.archive, conference=conference, since=since, until=until)
    _listing(fmt, as_json, "Regions", [("region", "region"), ("speakers", "speakers"), ("turns", "#turns"),
                                       ("mentioned in", "#mentions"), ("conferences", "#conferences")], rows)


@cli.command("conferences")
@click.option("--region", metavar="REGION", help="Only conferences with a speaker from this region.")
@_dates
@_FORMAT_OPTION
@_JSON_OPTION
@pass_ctx
def conferences_cmd(ctx: Context, region: str | None, since: str | None, until: str | None, fmt: str | None,
                    as_json: bool) -> None:
    """Conferences, newest first, with their turns, questions and speakers."""
    from pressarchive.listings import list_conferences

    _format(fmt or "table", LISTING_FORMATS)
    rows = list_conferences(ctx.archive, region=region, since=since, until=until)
    _listing(fmt, as_json, "Conferences", [("id", "id"), ("date", "date"), ("title", "title"), ("turns", "#turns"),
                                           ("questions", "#questions"), ("speakers", "#speakers"),
                                           ("regions", "regions")], rows)
