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
        f"{safe(conf.date or 'undated')} · {safe(conf.organizer or 'organiser unknown')} · "
        f"{safe(', '.join(conf.languages) or '-')} · id [cyan]{safe(conf.id)}[/cyan]"
    )
    roster = Table(title="Speakers", show_lines=False, title_justify="left")
    for col in ("id", "name", "中文", "role", "title", "organisation", "region", "turns"):
        roster.add_column(col, overflow="fold")
    counts: dict[str, int] = {}
    for t in record.turns:
        counts[t.speaker] = counts.get(t.speaker, 0) + 1
    for s in record.speakers:
        roster.add_row(
            safe(s.id), safe(s.name or ""), safe(s.name_zh or ""), safe(s.role), safe(s.title or ""),
            safe(s.organization or s.organization_zh or ""), safe(s.region or ""), str(counts.get(s.id, 0)),
        )
    c.print(roster)
    turns = Table(title="Turns", title_justify="left")
    for col in ("#", "speaker", "kind", "lang", "answers", "paras", "text"):
        turns.add_column(col, overflow="ellipsis", no_wrap=col == "text")
    for t in record.turns:
        s = record.speaker(t.speaker)
        q = record.turn(t.question) if t.question else None
        first = t.paragraphs[0] if t.paragraphs else ""
        turns.add_row(
            str(t.seq), safe(s.display if s else t.speaker), safe(t.kind), safe(t.lang),
            str(q.seq) if q else "", str(len(t.paragraphs)), safe(first[:90]),
        )
    c.print(turns)
    for w in record.warnings:
        warn(w)


# --- export views (stats bar chart) ------------------------------------------------------------
def bar_chart(rows: list[dict[str, Any]], title: str, total: int | None = None, width: int = 40) -> None:
    """Counts as a horizontal bar chart: one line per row (label, count, bar scaled to the largest)."""
    from rich.table import Table
    from rich.text import Text

    c = console()
    if not rows:
        c.print(f"[bold]{safe(title)}[/bold]: no matching turns")
        return
    top = max(r["count"] for r in rows) or 1
    table = Table(title=title, title_justify="left", box=None, show_header=False, pad_edge=False)
    table.add_column("label", overflow="fold", max_width=60)
    table.add_column("count", justify="right")
    table.add_column("bar", no_wrap=True)
    for r in rows:
        cells = max(1, round(r["count"] / top * width))
        table.add_row(Text(strip_controls(str(r["label"]))), str(r["count"]), Text("█" * cells, style="cyan"))
    c.print(table)
    if total is not None:
        c.print(f"[dim]{total} matching turns in {len(rows)} groups[/dim]")


def write_text_out(write) -> None:
    """Run ``write(stream)`` on standard output as UTF-8 text, whatever the locale says."""
    import io

    stream = _out or sys.stdout
    buffer = getattr(stream, "buffer", None)
    if buffer is None or (getattr(stream, "encoding", "") or "").lower().replace("-", "") == "utf8":
        write(stream)
        stream.flush()
        return
    stream.flush()
    wrapper = io.TextIOWrapper(buffer, encoding="utf-8", newline="", write_through=True)
    try:
        write(wrapper)
        wrapper.flush()
    finally:
        wrapper.detach()


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
            e.print(f"[{style}]failed[/{style}]    {safe(o.source)}: {safe(o.reason)}")
            continue
        if o.status == "unchanged" and not show_unchanged:
            continue
        extra = f" (replaces {safe(o.replaced)})" if o.replaced else ""
        title = f"  {safe(o.title)}" if o.title else ""
        c.print(
            f"[{style}]{o.status:<9}[/{style}] [bold]{safe(o.conference_id)}[/bold]{title}"
            f"  [dim]{o.turns} turns · {safe(o.source)}[/dim]{extra}",
            overflow="fold",
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
                overflow="fold")
    indexed = "index not built" if report.indexed is None else f"{report.indexed} indexed"
    left = sum(1 for p in report.problems if not p.fixed)
    verdict = "[green]ok[/green]" if left == 0 else f"[red]{left} problem{'s' if left != 1 else ''}[/red]"
    c.print(f"{report.conferences} conferences, {indexed}: {verdict}")
