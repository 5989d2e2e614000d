"""The command line: click commands that call the core and hand results to render.py.

Errors from the core arrive as ``PressArchiveError`` and become one line on stderr in ``main``.
"""
from __future__ import annotations

import os
import sys

import click

from pressarchive import __version__
from pressarchive.errors import BusyError, PressArchiveError


class Context:
    """What every command shares: the archive home and lazily built consoles."""

    def __init__(self, home: str | None):
        self._home = home
        self._archive = None

    @property
    def home(self):
        from pressarchive.home import resolve_home

        return resolve_home(self._home)

    @property
    def archive(self):
        if self._archive is None:
            from pressarchive.archive import Archive

            # Reads never write: a write left unfinished is repaired by the next write (each one
            # recovers under the lock) or `check`; a read answers from what was committed and says so.
            self._archive = Archive(self.home)
        return self._archive

    def notices(self) -> list[str]:
        """The lines a command's reader should see on stderr: the archive needs repair, conferences
        left out of the answer (damaged records, conferences removed meanwhile)."""
        archive = self._archive
        if archive is None:
            return []
        archive.note_needs_repair()
        lines = list(archive.notices)
        skipped = archive.corpus.skipped
        if skipped:
            cid, why = next(iter(skipped.items()))
            more = f" and {len(skipped) - 1} more" if len(skipped) > 1 else ""
            lines.append(f"{len(skipped)} conference{'s' if len(skipped) != 1 else ''} left out "
                         f"({cid}: {why}{more}); `pressarchive check` reports them")
        return lines


pass_ctx = click.make_pass_decorator(Context)


def one_line(text: str) -> str:
    """Text for a terminal line (render.terminal_text): no control, escape or bidi character, no line break."""
    from pressarchive.render import terminal_text

    return terminal_text(text, one_line=True)


def report(err: PressArchiveError) -> None:
    """The one place a user-facing error becomes output: one line, plus a hint line where there is one."""
    click.echo(f"Error: {one_line(err.message)}", err=True)
    if err.hint:
        click.echo(f"Hint: {one_line(err.hint)}", err=True)


class ArchiveGroup(click.Group):
    """A group whose commands' PressArchiveErrors become one line and an exit code (also under CliRunner)."""

    def invoke(self, ctx: click.Context):
        try:
            result = super().invoke(ctx)
        except PressArchiveError as err:
            _warn_notices(ctx)
            report(err)
            ctx.exit(err.exit_code)
        except OSError as err:  # disk full, I/O error, permission: one line (nothing stored is lost)
            if isinstance(err, BrokenPipeError):
                raise
            _warn_notices(ctx)
            where = f": {err.filename}" if getattr(err, "filename", None) else ""
            report(PressArchiveError(f"{err.strerror or err}{where}",
                                     hint="free space or fix the folder, then run `pressarchive check`"))
            ctx.exit(1)
        _warn_notices(ctx)
        return result


def _warn_notices(ctx: click.Context) -> None:
    """The command's notices (Context.notices) as Warning: lines on stderr."""
    obj = ctx.obj
    if not isinstance(obj, Context):
        return
    try:
        lines = obj.notices()
    except (PressArchiveError, OSError):
        return
    for line in lines:
        click.echo(f"Warning: {one_line(line)}", err=True)


@click.group(cls=ArchiveGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--home",
    type=click.Path(file_okay=False),
    envvar="PRESSARCHIVE_HOME",
    help="Archive folder (corpus/ and index/). Default: $PRESSARCHIVE_HOME, the checkout, or ~/.local/share/pressarchive.",
)
@click.version_option(__version__, prog_name="pressarchive")
@click.pass_context
def cli(ctx: click.Context, home: str | None) -> None:
    """Search press-conference transcripts: who said what, answering which question, from which region."""
    ctx.obj = Context(home)


# --- parse --------------------------------------------------------------------------------------
@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--title", help="Conference title, where the text lacks one.")
@click.option("--date", help="Conference date (YYYY-MM-DD), where the text lacks one.")
@click.option("--organizer", help="Organiser, where the text lacks one.")
def parse(file: str, fmt: str, title: str | None, date: str | None, organizer: str | None) -> None:
    """Parse one transcript and print its record (nothing is stored)."""
    from pressarchive.ingest import ingest_bytes, read_input

    raw, name = read_input(file)
    record = ingest_bytes(raw, name, overrides={"title": title, "date": date, "organizer": organizer})
    from pressarchive import render

    if fmt == "json":
        render.print_json(record.to_dict())
    else:
        render.record_preview(record)


def _is_testing() -> bool:
    return bool(os.environ.get("PRESSARCHIVE_DEBUG") or os.environ.get("PYTEST_CURRENT_TEST"))


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning known errors into one line and an exit code."""
    try:
        rv = cli.main(args=argv, prog_name="pressarchive", standalone_mode=False)
        sys.exit(rv if isinstance(rv, int) else 0)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except click.exceptions.Exit as err:
        sys.exit(err.exit_code)
    except PressArchiveError as err:
        report(err)
        sys.exit(err.exit_code)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except Exception as err:  # noqa: BLE001 - the one place unexpected errors become a line
        if _is_testing():
            raise
        click.echo(f"Error: unexpected {type(err).__name__}: {err}".splitlines()[0][:300], err=True)
        click.echo("Hint: set PRESSARCHIVE_DEBUG=1 to see the traceback.", err=True)
        sys.exit(1)


# Commands from other modules register themselves below (kept in one file: see docs/architecture.md).


# --- archive commands ---------------------------------------------------------------------------
@cli.command("add")
@click.argument("sources", nargs=-1, required=True, metavar="PATH_OR_URL...")
@click.option("--title", help="Conference title, where the text lacks one.")
@click.option("--date", help="Conference date (YYYY-MM-DD), where the text lacks one.")
@click.option("--organizer", help="Organiser, where the text lacks one.")
@click.option("--source-url", help="Where the transcript was published (URLs record themselves).")
@click.option("--follow-links", is_flag=True,
              help="In a folder, follow symbolic links that lead out of it (skipped by default).")
@pass_ctx
def add_cmd(ctx: Context, sources: tuple[str, ...], title: str | None, date: str | None,
            organizer: str | None, source_url: str | None, follow_links: bool) -> None:
    """Add transcripts: files (txt, md, html), folders (recursively), - for stdin, http(s) URLs.
    A folder is read for regular files only, and stays inside itself unless --follow-links."""
    from pressarchive import render
    from pressarchive.fetch import LINK_OUT, expand

    expanded = expand(list(sources), follow_links=follow_links)
    for path, why in expanded.skipped:
        render.skipped(path, why + (" (--follow-links follows it)" if why == LINK_OUT else ""))
    items = expanded.sources
    overrides = {"title": title, "date": date, "organizer": organizer, "source_url": source_url}
    with render.batch_progress(len(items), "Adding") as bar:
        outcomes = ctx.archive.add_sources(items, overrides, progress=bar.advance,
                                           on_wait=render.waiting_for_lock)
    render.add_summary(outcomes)
    if any(o.status == "failed" for o in outcomes):
        raise click.exceptions.Exit(1)


@cli.command("remove")
@click.argument("conference_id", metavar="CONF_ID")
@pass_ctx
def remove_cmd(ctx: Context, conference_id: str) -> None:
    """Remove one conference (its raw file, record and index entries)."""
    from pressarchive import render

    record = ctx.archive.remove(conference_id, on_wait=render.waiting_for_lock)
    title = f" ({record.conference.title})" if record and record.conference.title else ""
    render.console().print(f"removed {render.safe(conference_id)}{render.safe(title)}", soft_wrap=True)


@cli.command("reindex")
@click.option("--reparse", is_flag=True,
              help="Also parse every stored transcript again with this version (migrates an archive built by an older one).")
@pass_ctx
def reindex_cmd(ctx: Context, reparse: bool) -> None:
    """Rebuild the search index from the corpus alone."""
    from pressarchive import render

    total = len(ctx.archive.ids())
    if reparse:
        with render.batch_progress(total, "Parsing again") as bar:
            done = ctx.archive.reparse(progress=lambda *a, **k: bar.advance(), on_wait=render.waiting_for_lock)
        for kept, gone in done["merged"]:
            render.console().print(f"merged    {render.safe(gone)} into {render.safe(kept)} (a copy of the same event;"
                                   f" {render.safe(gone)} keeps resolving)", soft_wrap=True)
        for cid, reason in done["failed"]:
            render.warn(f"{cid}: kept as it was ({reason})")
        render.console().print(f"parsed {done['reparsed']} of {done['conferences']} conferences again; "
                               f"indexed {len(ctx.archive.ids())} conferences", soft_wrap=True)
        return
    with render.batch_progress(total, "Indexing") as bar:
        count = ctx.archive.reindex(progress=lambda *a, **k: bar.advance(), on_wait=render.waiting_for_lock)
    render.console().print(f"indexed {count} conferences", soft_wrap=True)


@cli.command("compact")
@click.option("--quiet", is_flag=True, help="Print nothing (as when `add` starts it in the background).")
@click.option("--if-due", is_flag=True,
              help="As the run an add starts: merge segments only once six are small, and stop for a writer.")
@pass_ctx
def compact_cmd(ctx: Context, quiet: bool, if_due: bool) -> None:
    """Finish what adds leave to the background: new terms into the lexicon, small index segments merged."""
    from pressarchive import index

    outcome = index.compact(ctx.archive, merge_at=index.MERGE_AT if if_due else 2, give_way=if_due)
    if outcome is None:
        if quiet:
            return
        raise BusyError("another process is writing the search index", hint="wait for it to finish, then try again")
    if not quiet:
        from pressarchive import render

        before, after, termed = outcome
        done = []
        if termed:
            done.append(f"added the terms of {termed} conference{'s' if termed != 1 else ''} to the lexicon")
        if after < before:
            done.append(f"merged the small segments: {before} segments, now {after}")
        text = "; ".join(done) if done else f"nothing to do ({before} segment{'s' if before != 1 else ''})"
        render.console().print(text, soft_wrap=True)


@cli.command("check")
@click.option("--fix", is_flag=True, help="Mend what the corpus itself can mend (re-parse, rebuild the index).")
@pass_ctx
def check_cmd(ctx: Context, fix: bool) -> None:
    """Check that corpus and index agree: records readable, raw files intact, index current."""
    from pressarchive import render

    report = ctx.archive.check(fix=fix, on_wait=render.waiting_for_lock)
    render.check_report(report)
    if not report.ok:
        raise click.exceptions.Exit(1)


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


def _format(fmt: str, allowed: tuple[str, ...] = ("table", "json")) -> str:
    from pressarchive.errors import QueryError

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


@cli.command("search")
@click.argument("query", required=False)
@search_filter_options
@click.option("--limit", default="10", show_default=True, metavar="N", help="Show at most N turns.")
@click.option("--sort", default="relevance", show_default=True, metavar="ORDER", help="relevance or date (newest first).")
@click.option("--format", "fmt", default="table", show_default=True, metavar="FORMAT", help="table or json.")
@click.option("--no-translate", is_flag=True, help="Do not add translations of the query's terms.")
@click.option("--per-conference", "per_conference", default="3", show_default=True, metavar="N",
              help="At most N hits from one conference while others match (0: no limit).")
@click.option("--context", "-C", "neighbours", default="0", show_default=True, metavar="N",
              help="Show N turns before and after each hit, as rg -C does with lines.")
@click.option("--no-pager", is_flag=True, help="Do not page the table, even on a terminal.")
@pass_ctx
def search_cmd(ctx: Context, query: str | None, limit: str, sort: str, fmt: str, no_translate: bool,
               per_conference: str, neighbours: str, no_pager: bool, **filters) -> None:
    """Search turns: words, "phrases", AND/OR/NOT, -word, field:value; QUERY may be left out
    when a filter is given."""
    from pressarchive import render
    from pressarchive.query import Filters
    from pressarchive.search import search

    fmt, count = _format(fmt), _limit(limit)
    cap = _count_option(per_conference, "--per-conference")
    around = _count_option(neighbours, "--context")
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


@cli.command("show")
@click.argument("turn_id", metavar="TURN_ID")
@click.option("--context", "neighbours", default=1, show_default=True, type=click.IntRange(0, 20),
              help="Turns shown before and after.")
@click.option("--format", "fmt", default="table", show_default=True, metavar="FORMAT", help="table or json.")
@pass_ctx
def show_cmd(ctx: Context, turn_id: str, neighbours: int, fmt: str) -> None:
    """One turn in full: the question it answers (or the answers it got) and its neighbours."""
    from pressarchive import render
    from pressarchive.hits import turn_context

    fmt = _format(fmt, ("table", "json"))
    context = turn_context(ctx.archive, turn_id, neighbours)
    if fmt == "json":
        render.print_json(context)
    else:
        render.turn_view(context)


def _listing(fmt: str, title: str, columns: list[tuple[str, str]], rows: list[dict]) -> None:
    from pressarchive import render

    if _format(fmt) == "json":
        render.print_json({title.lower(): rows, "total": len(rows)})
    else:
        render.listing_table(title, columns, rows)


_FORMAT_OPTION = click.option("--format", "fmt", default="table", show_default=True, metavar="FORMAT",
                              help="table or json.")
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
@pass_ctx
def speakers_cmd(ctx: Context, region: str | None, conference: str | None, role: str | None,
                 since: str | None, until: str | None, fmt: str) -> None:
    """Named speakers with their turns, answers and conferences."""
    from pressarchive.listings import list_speakers

    _format(fmt)
    rows = list_speakers(ctx.archive, region=region, conference=conference, role=role, since=since, until=until)
    _listing(fmt, "Speakers", [("name", "name"), ("中文", "name_zh"), ("role", "role"), ("title", "title"),
                               ("organisation", "organization"), ("region", "region"), ("turns", "#turns"),
                               ("answers", "#answers"), ("conferences", "#conferences")], rows)


@cli.command("outlets")
@click.option("--conference", metavar="ID", help="Only this conference.")
@_dates
@_FORMAT_OPTION
@pass_ctx
def outlets_cmd(ctx: Context, conference: str | None, since: str | None, until: str | None, fmt: str) -> None:
    """Outlets that asked questions, with their question counts."""
    from pressarchive.listings import list_outlets

    _format(fmt)
    rows = list_outlets(ctx.archive, conference=conference, since=since, until=until)
    _listing(fmt, "Outlets", [("outlet", "outlet"), ("中文", "outlet_zh"), ("questions", "#questions"),
                              ("conferences", "#conferences")], rows)


@cli.command("regions")
@click.option("--conference", metavar="ID", help="Only this conference.")
@_dates
@_FORMAT_OPTION
@pass_ctx
def regions_cmd(ctx: Context, conference: str | None, since: str | None, until: str | None, fmt: str) -> None:
    """Regions: their speakers, those speakers' turns, and the turns that mention them."""
    from pressarchive.listings import list_regions

    _format(fmt)
    rows = list_regions(ctx.archive, conference=conference, since=since, until=until)
    _listing(fmt, "Regions", [("region", "region"), ("speakers", "speakers"), ("turns", "#turns"),
                              ("mentioned in", "#mentions"), ("conferences", "#conferences")], rows)


@cli.command("conferences")
@click.option("--region", metavar="REGION", help="Only conferences with a speaker from this region.")
@_dates
@_FORMAT_OPTION
@pass_ctx
def conferences_cmd(ctx: Context, region: str | None, since: str | None, until: str | None, fmt: str) -> None:
    """Conferences, newest first, with their turns, questions and speakers."""
    from pressarchive.listings import list_conferences

    _format(fmt)
    rows = list_conferences(ctx.archive, region=region, since=since, until=until)
    _listing(fmt, "Conferences", [("id", "id"), ("date", "date"), ("title", "title"), ("turns", "#turns"),
                                  ("questions", "#questions"), ("speakers", "#speakers"), ("regions", "regions")],
             rows)


# --- export commands ----------------------------------------------------------------------------
# export and stats: the search filters (search_filter_options, above), every match, not a page.
_EXTENSIONS = {".md": "md", ".markdown": "md", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
               ".csv": "csv", ".html": "html", ".htm": "html"}


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
@click.option("--sort", metavar="ORDER", help="relevance or date, for search matches (default: relevance).")
@click.option("--limit", metavar="N", help="At most N passages (default: all).")
@click.option("--format", "fmt", metavar="FORMAT", help="md, json, jsonl, csv or html (default: from -o, else md).")
@click.option("-o", "--output", metavar="FILE", help="Write to FILE (atomically) instead of standard output.")
@pass_ctx
def export_cmd(ctx: Context, query: str | None, turn_ids: tuple[str, ...], sort: str | None, limit: str | None,
               fmt: str | None, output: str | None, **filters) -> None:
    """Export matched passages with speaker, question, conference and a citation line (or a whole
    conference with --conference alone, or listed turns with --turn).

    Matches come in search's order, but every matching turn once: unlike search, a question and its
    answer are not folded into one passage, republished copies are not folded and there is no
    per-conference limit (an export is complete)."""
    from pathlib import Path

    from pressarchive import export, render
    from pressarchive.errors import QueryError

    if fmt is None:
        fmt = _EXTENSIONS.get(Path(output).suffix.lower(), "md") if output else "md"
    fmt = fmt.strip().lower()
    export.writer_for(fmt)
    count = _limit(limit) if limit is not None else None
    if turn_ids:
        if (query or "").strip() or any(filters.values()):
            raise QueryError("--turn exports the listed turns; leave out the query and filters")
        hits = export.turn_hits(ctx.archive, turn_ids)
    else:
        hits = _select_hits(ctx.archive, query, filters, sort, count)
    hits = hits[:count] if count else hits
    if not hits:
        render.warn("no passages matched")
    if output:
        path = export.write_file(hits, fmt, output)
        render.err_console().print(f"Wrote {len(hits)} passages to {render.safe(path)} ({fmt})")
    else:
        render.write_text_out(lambda stream: export.write(hits, fmt, stream))


@cli.command("stats")
@click.argument("query", required=False)
@search_filter_options
@click.option("--by", default="region", show_default=True, metavar="FIELD",
              help="region, speaker, outlet, conference or month.")
@click.option("--format", "fmt", default="chart", show_default=True, metavar="FORMAT", help="chart, json or csv.")
@pass_ctx
def stats_cmd(ctx: Context, query: str | None, by: str, fmt: str, **filters) -> None:
    """Count matching turns by region, speaker, outlet, conference or month (all matches, not a page).

    Every matching turn counts once, as search finds them; search's grouping (question-answer pairs,
    republished copies, a few hits per conference) does not apply to counts."""
    from pressarchive import export, render

    by, fmt = by.strip().lower(), _format(fmt, ("chart", "json", "csv"))
    export.check_by(by)
    rows = export.tally(_select_hits(ctx.archive, query, filters, None), by)
    if fmt == "chart":
        what = f" matching {query!r}" if (query or "").strip() else ""
        render.bar_chart(rows, f"Turns{what} by {by}", total=sum(r["count"] for r in rows))
    else:
        render.write_text_out(lambda stream: export.write_stats(rows, by, fmt, stream))


def help_pages(width: int = 100) -> list[tuple[str, str]]:
    """("pressarchive CMD", its --help text) for the program and each command (docs/cli.md)."""
    settings = dict(cli.context_settings, terminal_width=width, max_content_width=width)
    ctx = click.Context(cli, info_name="pressarchive", **settings)
    pages = [("pressarchive", cli.get_help(ctx))]
    for name in sorted(cli.commands):
        sub = click.Context(cli.commands[name], info_name=name, parent=ctx, **settings)
        pages.append((f"pressarchive {name}", cli.commands[name].get_help(sub)))
    return pages
