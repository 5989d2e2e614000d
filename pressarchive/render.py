"""Rich views. With cli.py, the only module that imports click or rich.

Consoles are built lazily on injectable streams (``set_streams``), so tests can capture them.
"""
from __future__ import annotations

import json
import sys
from typing import Any, TextIO

_out: TextIO | None = None
_err: TextIO | None = None
_console = None
_err_console = None


def set_streams(out: TextIO | None = None, err: TextIO | None = None) -> None:
    """Point the consoles at other streams (tests); None means the process's stdout/stderr."""
    global _out, _err, _console, _err_console
    _out, _err, _console, _err_console = out, err, None, None


def console():
    global _console
    if _console is None:
        from rich.console import Console

        _console = Console(file=_out or sys.stdout, highlight=False, soft_wrap=False)
    return _console


def err_console():
    global _err_console
    if _err_console is None:
        from rich.console import Console

        _err_console = Console(file=_err or sys.stderr, highlight=False, stderr=_err is None)
    return _err_console


def safe(text: Any) -> str:
    """Text from a transcript made safe for a terminal: control characters and escapes removed,
    Rich markup escaped."""
    from rich.markup import escape

    return escape(strip_controls(str(text if text is not None else "")))


def strip_controls(text: str) -> str:
    """Drop C0/C1 control characters (ESC sequences included) except newline and tab."""
    return "".join(
        ch for ch in text if ch in "\n\t" or not (ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0)
    )


def print_json(data: Any) -> None:
    """JSON to stdout, UTF-8, not through Rich (so it is exactly what a program reads)."""
    stream = _out or sys.stdout
    stream.write(json.dumps(data, ensure_ascii=False, indent=2))
    stream.write("\n")
    stream.flush()


def warn(message: str) -> None:
    err_console().print(f"[yellow]Warning:[/yellow] {safe(message)}")


def record_preview(record) -> None:
    """The conference, its roster with titles and regions, one line per turn, and parser warnings."""
    from rich.table import Table

    c = console()
    conf = record.conference
    c.print(f"[bold]{safe(conf.title or '(untitled)')}[/bold]")
    c.print(
        f"{safe(conf.date or 'undated')} · {safe(conf.organizer or conf.organizer_zh or 'organiser unknown')} · "
        f"{safe(', '.join(conf.languages) or '-')} · id [cyan]{safe(conf.id)}[/cyan]"
    )
    counts: dict[str, int] = {}
    for t in record.turns:
        counts[t.speaker] = counts.get(t.speaker, 0) + 1
    roster = Table(box=None, title=f"Speakers ({len(record.speakers)})", title_justify="left", pad_edge=False)
    roster.add_column("id", style="dim", no_wrap=True, min_width=3)
    roster.add_column("speaker", no_wrap=True, overflow="ellipsis", max_width=26)
    roster.add_column("role", no_wrap=True, min_width=9)
    roster.add_column("region", no_wrap=True, min_width=8)
    roster.add_column("turns", justify="right", no_wrap=True, min_width=5)
    roster.add_column("title, organisation", overflow="ellipsis", no_wrap=True, max_width=max(20, c.width - 62))
    for s in record.speakers:
        about = ", ".join(x for x in (s.title, s.organization or s.organization_zh) if x)
        roster.add_row(
            safe(s.id), safe(s.display), safe(s.role), safe(s.region or "-"), str(counts.get(s.id, 0)), safe(about)
        )
    c.print(roster)
    turns = Table(box=None, title=f"Turns ({len(record.turns)})", title_justify="left", pad_edge=False)
    for col in ("#", "kind", "lang", "speaker", "→q"):
        turns.add_column(
            col, no_wrap=True, justify="right" if col in ("#", "→q") else "left",
            overflow="ellipsis", max_width=22 if col == "speaker" else None,
            min_width={"#": 3, "kind": 9, "lang": 4, "→q": 3}.get(col, 10),
        )
    turns.add_column("text", overflow="ellipsis", no_wrap=True, max_width=max(20, c.width - 50))
    for t in record.turns:
        s = record.speaker(t.speaker)
        q = record.turn(t.question) if t.question else None
        who = (s.name or s.name_zh or s.organization or s.organization_zh or s.role) if s else t.speaker
        first = t.paragraphs[0] if t.paragraphs else ""
        turns.add_row(
            str(t.seq), safe(t.kind), safe(t.lang), safe(who), f"→{q.seq}" if q else "",
            safe(f"({len(t.paragraphs)}¶) {first}"),
        )
    c.print(turns)
    for w in record.warnings:
        warn(w)


# --- archive views (add / remove / reindex / check) ---------------------------------------------
def waiting_for_lock() -> None:
    """Tell the user the write lock is held by someone else (called once, before waiting)."""
    err_console().print("[yellow]waiting for another pressarchive process…[/yellow]")


class _Batch:
    """A progress bar on stderr for a batch of sources; ``advance(label)`` after each one."""

    def __init__(self, total: int, description: str):
        self.total, self.description, self._progress, self._task = total, description, None, None

    def __enter__(self) -> "_Batch":
        if self.total > 1:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._progress = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TextColumn("[dim]{task.fields[label]}"), console=err_console(), transient=True,
            )
            self._progress.__enter__()
            self._task = self._progress.add_task(self.description, total=self.total, label="")
        return self

    def advance(self, label: str = "") -> None:
        if self._progress is not None:
            self._progress.update(self._task, advance=1, label=strip_controls(str(label))[-50:])

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc)


def batch_progress(total: int, description: str = "Adding") -> _Batch:
    """A context manager showing a progress bar for more than one item (nothing for one)."""
    return _Batch(total, description)


_STATUS_STYLE = {"added": "green", "updated": "cyan", "unchanged": "dim", "failed": "red"}


def add_summary(outcomes: list, verbose_limit: int = 20) -> None:
    """One line per source (unchanged ones only for small batches), then the counts."""
    c, e = console(), err_console()
    show_unchanged = len(outcomes) <= verbose_limit
    for o in outcomes:
        style = _STATUS_STYLE.get(o.status, "")
        if o.status == "failed":
            e.print(f"[{style}]failed[/{style}]    {safe(o.source)}: {safe(o.reason)}", soft_wrap=True)
            continue
        if o.status == "unchanged" and not show_unchanged:
            continue
        extra = f" (replaces {safe(o.replaced)})" if o.replaced else ""
        title = f"  {safe(o.title)}" if o.title else ""
        c.print(
            f"[{style}]{o.status:<9}[/{style}] [bold]{safe(o.conference_id)}[/bold]{title}"
            f"  [dim]{o.turns} turns · {safe(o.source)}[/dim]{extra}",
            soft_wrap=True,
        )
    counts = {s: sum(1 for o in outcomes if o.status == s) for s in _STATUS_STYLE}
    c.print(", ".join(f"{n} {s}" for s, n in counts.items()))


def check_report(report) -> None:
    """What check found: repairs made, each problem with its mend, and a verdict line."""
    c = console()
    for note in report.recovered:
        c.print(f"[cyan]repaired[/cyan]  {safe(note)}")
    for p in report.problems:
        mark = "[green]fixed[/green]   " if p.fixed else "[red]problem[/red] "
        c.print(f"{mark} {safe(p.where)}: {safe(p.what)}" + ("" if p.fixed else f" [dim]→ {safe(p.mend)}[/dim]"),
                soft_wrap=True)
    indexed = "index not built" if report.indexed is None else f"{report.indexed} indexed"
    left = sum(1 for p in report.problems if not p.fixed)
    verdict = "[green]ok[/green]" if left == 0 else f"[red]{left} problem{'s' if left != 1 else ''}[/red]"
    c.print(f"{report.conferences} conferences, {indexed}: {verdict}")
