"""The command line: click commands that call the core and hand results to render.py.

This module holds the group, the shared context, error reporting and ``main``; the commands are in
archive_cmds.py (add, remove, reindex, compact, check), search_cmds.py (search, show, the listings)
and export_cmds.py (export, stats), which register themselves on ``cli`` when imported below.

Errors from the core arrive as ``PressArchiveError`` and become one line on stderr in ``main``.
"""
from __future__ import annotations

import re
import sys

import click

from pressarchive import __version__
from pressarchive.errors import EXIT_ERROR, PressArchiveError
from pressarchive.settings import Settings


class Context:
    """What every command shares: the settings (read once), the archive home, the archive once opened."""

    def __init__(self, home: str | None, settings: Settings):
        self._home = home
        self.settings = settings
        self._archive = None

    @property
    def home(self):
        return self.settings.home_path(self._home)

    def open(self, create: bool = False):
        """The archive: an error when the home holds none (``create``: `add` makes it one)."""
        if self._archive is None:
            from pressarchive import render
            from pressarchive.archive import open_archive

            self._archive = open_archive(self._home, settings=self.settings, create=create,
                                         on_note=lambda text: render.err_console().print(render.safe(text), soft_wrap=True))
        return self._archive

    @property
    def archive(self):
        return self.open()

    @property
    def recovered(self) -> list[str]:
        return list(self._archive.recovered) if self._archive is not None else []

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


def as_flags(text: str, params: tuple[str, ...]) -> str:
    """The library's parameter names in an error message written as this program's flags (limit -> --limit)."""
    for param in params:
        flag = "--" + param.replace("_", "-")
        text = re.sub(rf"(?<![\w-]){re.escape(param)}(?![\w-])", flag, text, count=1)
    return text


def report(err: PressArchiveError) -> None:
    """The one place a user-facing error becomes output: one line, plus a hint line where there is one."""
    click.echo(f"Error: {one_line(as_flags(err.message, err.params))}", err=True)
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
            ctx.exit(EXIT_ERROR)
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
    help="Archive folder (corpus/ and index/). Default: $PRESSARCHIVE_HOME, else $XDG_DATA_HOME/pressarchive "
         "(~/.local/share/pressarchive), which holds the bundled sample on first use.",
)
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour and styles in the output (auto: on a terminal, unless $NO_COLOR is set).")
@click.version_option(__version__, prog_name="pressarchive")
@click.pass_context
def cli(ctx: click.Context, home: str | None, color: str) -> None:
    """Search press-conference transcripts: who said what, answering which question, from which region.

    Exit status: 0 success, 1 nothing matched (search, show, export) or check found problems,
    2 an error. Shell completion: see `pressarchive completion --help`.
    """
    from pressarchive import render

    render.set_color(color)
    ctx.obj = Context(home, Settings.from_env())


@cli.command("init")
@click.argument("folder", type=click.Path(file_okay=False))
def init_cmd(folder: str) -> None:
    """Make FOLDER an empty archive (add transcripts to it with `pressarchive --home FOLDER add`)."""
    from pressarchive import render
    from pressarchive.archive import open_archive

    archive = open_archive(folder, create=True)
    count = len(archive.ids())
    state = f"holds {count} conference{'s' if count != 1 else ''}" if count else "is an empty archive"
    render.console().print(f"{render.safe(archive.home)} {state}", soft_wrap=True)


@cli.command("completion")
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion_cmd(shell: str) -> None:
    """Print the shell completion script for SHELL. Enable it with, for bash:
    eval "$(pressarchive completion bash)" in ~/.bashrc; zsh: the same in ~/.zshrc;
    fish: pressarchive completion fish > ~/.config/fish/completions/pressarchive.fish"""
    from click.shell_completion import get_completion_class

    comp = get_completion_class(shell)(cli, {}, "pressarchive", "_PRESSARCHIVE_COMPLETE")
    click.echo(comp.source())


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
    import os

    return Settings.from_env().debug or bool(os.environ.get("PYTEST_CURRENT_TEST"))


def _quiet_broken_pipe() -> None:
    """The reader of our output went away (`| head`): no message, and nothing more written at exit."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    sys.exit(141)  # 128 + SIGPIPE, as a shell reports a command a pipe stopped


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning known errors into one line and an exit code (errors.py)."""
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
        _quiet_broken_pipe()
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except Exception as err:  # noqa: BLE001 - the one place unexpected errors become a line
        if _is_testing():
            raise
        click.echo(f"Error: unexpected {type(err).__name__}: {err}".splitlines()[0][:300], err=True)
        click.echo("Hint: set PRESSARCHIVE_DEBUG=1 to see the traceback.", err=True)
        sys.exit(EXIT_ERROR)


# Commands from other modules register themselves below (kept in one file: see docs/architecture.md).


def help_pages(width: int = 100) -> list[tuple[str, str]]:
    """("pressarchive CMD", its --help text) for the program and each command (docs/cli.md)."""
    settings = dict(cli.context_settings, terminal_width=width, max_content_width=width)
    ctx = click.Context(cli, info_name="pressarchive", **settings)
    pages = [("pressarchive", cli.get_help(ctx))]
    for name in sorted(cli.commands):
        sub = click.Context(cli.commands[name], info_name=name, parent=ctx, **settings)
        pages.append((f"pressarchive {name}", cli.commands[name].get_help(sub)))
    return pages


from pressarchive.cli import archive_cmds, export_cmds, search_cmds  # noqa: E402,F401 - the commands register
