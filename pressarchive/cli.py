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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
        click.echo(f"Error: {err.message}", err=True)
        if err.hint:
            click.echo(f"Hint: {err.hint}", err=True)
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
