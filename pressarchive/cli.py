"""The command line: click commands that call the core and hand results to render.py.

Errors from the core arrive as ``PressArchiveError`` and become one line on stderr in ``main``.
"""
from __future__ import annotations

import os
import sys

import click

from pressarchive import __version__
from pressarchive.errors import PressArchiveError


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
            from pressarchive.store import Archive

            self._archive = Archive(self.home)
        return self._archive


pass_ctx = click.make_pass_decorator(Context)


def report(err: PressArchiveError) -> None:
    """The one place a user-facing error becomes output: one line, plus a hint line where there is one."""
    click.echo(f"Error: {err.message}", err=True)
    if err.hint:
        click.echo(f"Hint: {err.hint}", err=True)


class ArchiveGroup(click.Group):
    """A group whose commands' PressArchiveErrors become one line and an exit code (also under CliRunner)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except PressArchiveError as err:
            report(err)
            ctx.exit(err.exit_code)


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


# --- export commands ----------------------------------------------------------------------------
# The search filters, as `search` takes them (TODO: switch to a shared decorator once search defines one).
_FILTER_OPTIONS = (
    click.option("--speaker", help="Speaker: English, Chinese or pinyin name, any case."),
    click.option("--region", help="Speaker's region, e.g. Shanghai or National."),
    click.option("--outlet", help="Outlet that asked the question."),
    click.option("--kind", help="statement, question or answer."),
    click.option("--lang", help="en, zh or mixed."),
    click.option("--since", help="Conferences on or after this date (YYYY-MM-DD)."),
    click.option("--until", help="Conferences on or before this date (YYYY-MM-DD)."),
    click.option("--conference", help="One conference id (alone: all its turns, in order)."),
)
_FILTER_NAMES = ("speaker", "region", "outlet", "kind", "lang", "since", "until", "conference")
_EXTENSIONS = {".md": "md", ".markdown": "md", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
               ".csv": "csv", ".html": "html", ".htm": "html"}


def _export_filter_options(func):
    for option in reversed(_FILTER_OPTIONS):
        func = option(func)
    return func


def _select_hits(archive, query: str | None, filters: dict, sort: str | None, limit: int | None = None) -> list:
    """Hits for export/stats: a whole conference, the whole archive, or every match of a search."""
    from pressarchive import export

    given = {k: v for k, v in filters.items() if v}
    if not query and set(given) <= {"conference"}:
        return export.conference_hits(archive, given["conference"]) if given else export.archive_hits(archive)
    from pressarchive.search import Filters

    return export.search_all(archive, query, Filters(**given), sort=sort or "relevance", limit=limit)


@cli.command("export")
@click.argument("query", required=False)
@_export_filter_options
@click.option("--turn", "turn_ids", multiple=True, metavar="ID", help="A turn id to export (repeatable).")
@click.option("--sort", type=click.Choice(["relevance", "date"]), help="Order of search matches.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many passages (default: all).")
@click.option("--format", "fmt", metavar="FORMAT", help="md, json, jsonl, csv or html (default: from -o, else md).")
@click.option("-o", "--output", metavar="FILE", help="Write to FILE (atomically) instead of standard output.")
@pass_ctx
def export_cmd(ctx: Context, query: str | None, turn_ids: tuple[str, ...], sort: str | None, limit: int | None,
               fmt: str | None, output: str | None, **filters) -> None:
    """Export matched passages with speaker, question, conference and a citation line."""
    from pathlib import Path

    from pressarchive import export, render
    from pressarchive.errors import QueryError

    if fmt is None:
        fmt = _EXTENSIONS.get(Path(output).suffix.lower(), "md") if output else "md"
    export.writer_for(fmt)
    if turn_ids:
        if query or any(filters.values()):
            raise QueryError("--turn exports the listed turns; leave out the query and filters")
        hits = export.turn_hits(ctx.archive, turn_ids)
    else:
        hits = _select_hits(ctx.archive, query, filters, sort, limit)
    if limit:
        hits = hits[:limit]
    if not hits:
        render.warn("no passages matched")
    if output:
        path = export.write_file(hits, fmt, output)
        render.err_console().print(f"Wrote {len(hits)} passages to {render.safe(path)} ({fmt})")
    else:
        render.write_text_out(lambda stream: export.write(hits, fmt, stream))


@cli.command("stats")
@click.argument("query", required=False)
@_export_filter_options
@click.option("--by", default="region", show_default=True, metavar="FIELD",
              help="region, speaker, outlet, conference or month.")
@click.option("--format", "fmt", default="chart", show_default=True, metavar="FORMAT", help="chart, json or csv.")
@pass_ctx
def stats_cmd(ctx: Context, query: str | None, by: str, fmt: str, **filters) -> None:
    """Count matching turns by region, speaker, outlet, conference or month (all matches, not a page)."""
    from pressarchive import export, render
    from pressarchive.errors import QueryError

    if by not in export.STATS_BY:
        raise QueryError(f"cannot count by {by!r}", hint=f"use one of: {', '.join(export.STATS_BY)}")
    if fmt not in ("chart", "json", "csv"):
        raise QueryError(f"unknown stats format {fmt!r}", hint="use one of: chart, json, csv")
    rows = export.tally(_select_hits(ctx.archive, query, filters, None), by)
    if fmt == "chart":
        what = f" matching {query!r}" if query else ""
        render.bar_chart(rows, f"Turns{what} by {by}", total=sum(r["count"] for r in rows))
    else:
        render.write_text_out(lambda stream: export.write_stats(rows, by, fmt, stream))


# --- archive commands ---------------------------------------------------------------------------
@cli.command("add")
@click.argument("sources", nargs=-1, required=True, metavar="PATH_OR_URL...")
@click.option("--title", help="Conference title, where the text lacks one.")
@click.option("--date", help="Conference date (YYYY-MM-DD), where the text lacks one.")
@click.option("--organizer", help="Organiser, where the text lacks one.")
@click.option("--source-url", help="Where the transcript was published (URLs record themselves).")
@pass_ctx
def add_cmd(ctx: Context, sources: tuple[str, ...], title: str | None, date: str | None,
            organizer: str | None, source_url: str | None) -> None:
    """Add transcripts: files (txt, md, html), folders (recursively), - for stdin, http(s) URLs."""
    from pressarchive import render
    from pressarchive.fetch import expand

    items = expand(list(sources))
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
@pass_ctx
def reindex_cmd(ctx: Context) -> None:
    """Rebuild the search index from the corpus alone."""
    from pressarchive import render

    total = len(ctx.archive.ids())
    with render.batch_progress(total, "Indexing") as bar:
        count = ctx.archive.reindex(progress=lambda *a, **k: bar.advance(), on_wait=render.waiting_for_lock)
    render.console().print(f"indexed {count} conferences", soft_wrap=True)


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


