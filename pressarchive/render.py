"""Rich views. With the command line (cli/), the only module that imports click or rich.

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
_console_for: TextIO | None = None
_err_console_for: TextIO | None = None


_color = "auto"  # --color: auto, always or never


def set_color(mode: str) -> None:
    """Colour and styles: "auto" (on a terminal, unless $NO_COLOR), "always" or "never"."""
    global _color, _console, _err_console
    _color, _console, _err_console = mode, None, None


def _console_options() -> dict[str, Any]:
    if _color == "always":
        return {"force_terminal": True}
    if _color == "never":
        return {"no_color": True, "color_system": None}
    return {}


def stdout_is_terminal() -> bool:
    stream = _out or sys.stdout
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def set_streams(out: TextIO | None = None, err: TextIO | None = None) -> None:
    """Point the consoles at other streams (tests); None means the process's stdout/stderr."""
    global _out, _err, _console, _err_console
    _out, _err, _console, _err_console = out, err, None, None


_wrapped: dict[int, Any] = {}


def _printable(stream: TextIO) -> TextIO:
    """A stream that cannot encode Chinese (a latin-1 terminal) gets replacement characters, not a crash."""
    encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("-", "").replace("_", "")
    if encoding in ("utf8", "utf16", "utf32", "gb18030") or getattr(stream, "buffer", None) is None:
        return stream
    key = id(stream)
    if key not in _wrapped:
        import io

        _wrapped[key] = io.TextIOWrapper(stream.buffer, encoding=stream.encoding, errors="replace", line_buffering=True)
    return _wrapped[key]


def console():
    """The output console, rebuilt if the process's stdout was swapped (CliRunner does so per call)."""
    global _console, _console_for
    stream = _out or sys.stdout
    if _console is None or _console_for is not stream:
        _console = _make_console(stream, soft_wrap=False)
        _console_for = stream
    return _console


def err_console():
    global _err_console, _err_console_for
    stream = _err or sys.stderr
    if _err_console is None or _err_console_for is not stream:
        _err_console = _make_console(stream)
        _err_console_for = stream
    return _err_console


def _make_console(stream: TextIO, **options):
    """A console that renders only this module's own markup: no emoji codes (``:x:`` stays as
    typed), no highlighting of numbers or URLs; transcript text reaches it through ``safe``."""
    from rich.console import Console

    return Console(file=_printable(stream), highlight=False, emoji=False, **options, **_console_options())


# Characters that change how a terminal shows what follows them: bidi overrides, embeddings and
# isolates, and the invisible direction marks. Shown as <U+XXXX>, so a file name cannot hide its end.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def terminal_text(text: Any, one_line: bool = False) -> str:
    """THE place text from a transcript, a file name or a URL becomes terminal text: C0/C1 control
    characters (escape sequences included) dropped, bidi controls made visible, and with
    ``one_line`` every line break a space. Not markup-escaped: ``safe`` does that for Rich."""
    out = []
    for ch in str(text if text is not None else ""):
        if ch in _BIDI:
            out.append(f"<U+{ord(ch):04X}>")
        elif ch in "\n\t" and not one_line:
            out.append(ch)
        elif ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 or ch in "\u2028\u2029":
            if one_line:
                out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def safe(text: Any) -> str:
    """Text from a transcript made safe for a Rich console: ``terminal_text``, then Rich markup
    escaped (the consoles read no emoji codes, see ``_make_console``). Every transcript string
    printed through a console passes here."""
    from rich.markup import escape

    return escape(terminal_text(text))


def safe_line(text: Any) -> str:
    """Like safe(), for text that must stay on one line (file names): line breaks become spaces."""
    from rich.markup import escape

    return escape(terminal_text(text, one_line=True))


def strip_controls(text: str) -> str:
    """Drop C0/C1 control characters (ESC sequences included) except newline and tab; bidi
    controls made visible (``terminal_text``)."""
    return terminal_text(text)


def print_json(data: Any) -> None:
    """JSON to stdout, UTF-8, not through Rich (so it is exactly what a program reads)."""
    stream = _out or sys.stdout
    stream.write(json.dumps(data, ensure_ascii=False, indent=2))
    stream.write("\n")
    stream.flush()


def warn(message: str) -> None:
    err_console().print(f"[yellow]Warning:[/yellow] {safe(message)}")


def skipped(path: str, why: str) -> None:
    """A file a folder walk left out, and why (one line on stderr)."""
    err_console().print(f"[yellow]skipped[/yellow]   {safe_line(path)}: {safe_line(why)}", soft_wrap=True)


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
            self._progress.update(self._task, advance=1, label=safe_line(str(label)[-50:]))

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc)


def batch_progress(total: int, description: str = "Adding") -> _Batch:
    """A context manager showing a progress bar for more than one item (nothing for one)."""
    return _Batch(total, description)


_STATUS_STYLE = {"added": "green", "updated": "cyan", "unchanged": "dim", "failed": "red"}


def add_summary(outcomes: list, verbose_limit: int = 20, quiet: bool = False) -> None:
    """One line per source (unchanged ones only for small batches; ``quiet``: failures only), then the counts."""
    c, e = console(), err_console()
    show_unchanged = len(outcomes) <= verbose_limit
    for o in outcomes:
        if quiet and o.status != "failed":
            continue
        style = _STATUS_STYLE.get(o.status, "")
        if o.status == "failed":
            reason = o.reason or ""
            reason = reason if reason.startswith(o.source) else f"{o.source}: {reason}"
            e.print(f"[{style}]failed[/{style}]    {safe_line(reason)}", soft_wrap=True)
            continue
        if o.status == "unchanged" and not show_unchanged:
            continue
        extra = f" (replaces {safe_line(o.replaced)})" if o.replaced else ""
        if getattr(o, "note", None):
            extra += f" ({safe_line(o.note)})"
        title = f"  {safe_line(o.title)}" if o.title else ""
        c.print(
            f"[{style}]{o.status:<9}[/{style}] [bold]{safe_line(o.conference_id)}[/bold]{title}"
            f"  [dim]{o.turns} turns · {safe_line(o.source)}[/dim]{extra}",
            soft_wrap=True,
        )
        for w in getattr(o, "warnings", None) or []:
            e.print(f"[yellow]warning[/yellow]   {safe_line(o.source)}: {safe_line(w)}", soft_wrap=True)
    counts = {s: sum(1 for o in outcomes if o.status == s) for s in _STATUS_STYLE}
    c.print(", ".join(f"{n} {s}" for s, n in counts.items()))


def interrupted_add(stored: list, total: int) -> None:
    """What an interrupted add had stored, and how to finish it."""
    done = sum(1 for o in stored if o.status in ("added", "updated"))
    kept = len(stored)
    err_console().print(
        f"Interrupted: {kept} of {total} conference{'s' if total != 1 else ''} stored ({done} added or updated). "
        "Run the same command again to add the rest (stored ones are skipped as unchanged).", soft_wrap=True)


def check_report(report) -> None:
    """What check found: repairs made, each problem with its mend, and a verdict line."""
    c = console()
    for note in report.recovered:
        c.print(f"[cyan]repaired[/cyan]  {safe(note)}", soft_wrap=True)
    for p in report.problems:
        mark = "[green]fixed[/green]   " if p.fixed else "[red]problem[/red] "
        c.print(f"{mark} {safe(p.where)}: {safe(p.what)}" + ("" if p.fixed else f" [dim]→ {safe(p.mend)}[/dim]"),
                soft_wrap=True)
    indexed = "index not built yet" if report.indexed is None else f"{report.indexed} indexed"
    left = sum(1 for p in report.problems if not p.fixed)
    verdict = "[green]ok[/green]" if left == 0 else f"[red]{left} problem{'s' if left != 1 else ''}[/red]"
    c.print(f"{report.conferences} conferences, {indexed}: {verdict}")


# --- search views (search / show / speakers / outlets / regions / conferences) -------------------
HIGHLIGHT = "bold black on yellow"
SNIPPET_CHARS = 260
_SENTENCE_END = ("。", "？", "！", "?", "!", ". ", "；")


class _IndexProgress:
    """``progress(done, total)`` for index builds: a Rich bar on stderr, started (and rich imported)
    only if the index is actually being built."""

    def __init__(self, description: str):
        self.description, self._progress, self._task = description, None, None

    def __call__(self, done: int, total: int) -> None:
        if self._progress is None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                      console=err_console(), transient=True)
            self._progress.__enter__()
            self._task = self._progress.add_task(self.description, total=max(total, 1))
        self._progress.update(self._task, completed=done, total=max(total, 1))

    def __enter__(self) -> "_IndexProgress":
        return self

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc)
            self._progress = None


def index_progress(description: str = "Building the search index") -> _IndexProgress:
    """A context manager whose value is a ``progress(done, total)`` callback for index.py."""
    return _IndexProgress(description)


def speaker_line(sp: dict) -> str:
    """Markup: name in both scripts (or the outlet), title, organisation, region."""
    from pressarchive.records import speaker_display

    who = f"[bold]{safe(speaker_display(sp))}[/bold]"
    if not (sp.get("name") or sp.get("name_zh")):
        return who
    parts = [who]
    if sp.get("title"):
        parts.append(safe(sp["title"]))
    org = sp.get("organization") or sp.get("organization_zh")
    if org:
        parts.append(safe(org))
    line = ", ".join(parts)
    if sp.get("region"):
        line += f" · [green]{safe(sp['region'])}[/green]"
    return line


def first_sentence(text: str, limit: int = 160) -> str:
    """The first sentence of ``text`` (plain), cut at ``limit`` characters."""
    text = " ".join((text or "").split())
    cut = len(text)
    for mark in _SENTENCE_END:
        i = text.find(mark)
        if i != -1:
            cut = min(cut, i + len(mark.strip()))
    text = text[:cut]
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def marked(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    """Markup for ``text[start:end]`` with ``spans`` (offsets into ``text``) highlighted; every
    piece passes through ``safe`` after slicing, so offsets stay right."""
    end = len(text) if end is None else end
    out, pos = [], start
    for s, e in sorted(spans):
        s, e = max(s, start), min(e, end)
        if e <= s or s < pos:
            continue
        out.append(safe(text[pos:s]))
        out.append(f"[{HIGHLIGHT}]{safe(text[s:e])}[/{HIGHLIGHT}]")
        pos = e
    out.append(safe(text[pos:end]))
    return "".join(out).replace("\n", " ")


def _window(spans: list[tuple[int, int]], width: int) -> tuple[int, int]:
    """(first, last) span of the run of ``spans`` that fits in ``width`` characters with the most spans."""
    best, best_n, j = (0, 0), 0, 0
    for i in range(len(spans)):
        j = max(j, i)
        while j + 1 < len(spans) and spans[j + 1][1] - spans[i][0] <= width:
            j += 1
        if j - i + 1 > best_n:
            best, best_n = (i, j), j - i + 1
    return best


def snippet(hit: dict, width: int = SNIPPET_CHARS, turn: dict | None = None) -> str:
    """Markup: ``width`` characters of the turn centred on its best match (the paragraph with the most
    highlights, and in it the stretch where they cluster), highlighted; else its opening."""
    turn = turn or hit["turn"]
    paragraphs = turn.get("paragraphs") or [""]
    by_para: dict[int, list[tuple[int, int]]] = {}
    for h in (hit.get("highlights") or []) if turn is hit["turn"] else []:
        by_para.setdefault(h["paragraph"], []).append((h["start"], h["end"]))
    if not by_para:
        text = " ".join(paragraphs)
        return marked(text, [], 0, min(len(text), width)) + ("…" if len(text) > width else "")
    index = max(by_para, key=lambda i: (len(by_para[i]), -i))
    text, spans = paragraphs[index], sorted(by_para[index])
    i, j = _window(spans, width)
    middle = (spans[i][0] + spans[j][1]) // 2
    start = max(0, min(middle - width // 2, len(text) - width))
    if start:  # begin at a word
        space = text.rfind(" ", max(0, start - 20), spans[i][0])
        start = space + 1 if space > 0 and space + 1 <= spans[i][0] else start
    end = min(len(text), start + width)
    if end < len(text):  # end at a word
        space = text.rfind(" ", max(spans[j][1], end - 20), end)
        end = space if space > spans[j][1] else end
    return ("…" if start else "") + marked(text, spans, start, end) + ("…" if end < len(text) else "")


def question_sentence(paragraphs: list[str], limit: int = 160) -> str:
    """The first sentence of a question that asks something: courtesies before it ("Thank you.",
    "Thanks, Karine.") are passed over."""
    from pressarchive.ranking import is_procedural

    text = " ".join(" ".join(paragraphs).split())
    for _ in range(3):
        sentence = first_sentence(text, 10_000)
        rest = text[len(sentence):].strip()
        if not rest or not is_procedural([sentence]):
            break
        text = rest
    return first_sentence(text, limit)


def shorten(text: str, width: int) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis."""
    text = " ".join(str(text or "").split())
    return text if len(text) <= width else text[: max(1, width - 1)].rstrip() + "…"


def asker_label(speaker: dict | None) -> str:
    """Who asked: "Name, Outlet", the outlet or the name; "" when unknown."""
    sp = speaker or {}
    name = sp.get("name") or sp.get("name_zh")
    outlet = sp.get("organization") or sp.get("organization_zh")
    return ", ".join(x for x in (name, outlet) if x)


def search_results(result, shown_query: str | None = None, sort: str = "relevance") -> None:
    """The hits of a search under one header per conference (title once, cut to the terminal's width),
    in the order of each conference's best hit; then a count line."""
    c = console()
    if not result.hits:
        c.print("No turns matched." + (f" [dim](query: {safe(shown_query)})[/dim]" if shown_query else ""))
        return
    width = max(40, c.width)
    groups: dict[str, list[tuple[int, dict]]] = {}
    for n, hit in enumerate(result.hits, 1):
        groups.setdefault(hit["conference"].get("id") or "", []).append((n, hit))
    held = getattr(result, "held_back", None) or {}
    for conf_id, hits in groups.items():
        conf = hits[0][1]["conference"]
        date = conf.get("date") or "undated"
        title = shorten(conf.get("title") or conf_id, width - len(date) - 3)
        c.print(f"[bold]{safe(title)}[/bold] [dim]· {safe(date)}[/dim]", soft_wrap=True, overflow="ignore", crop=False)
        for n, hit in hits:
            _hit_block(c, n, hit, width)
        if held.get(conf_id):
            c.print(f"    [dim]… {held[conf_id]:,} more here (--per-conference to show more)[/dim]")
        c.print()
    exact = getattr(result, "total_exact", True)
    more = f" of {result.total:,}{'' if exact else '+'}" if result.total > len(result.hits) or not exact else ""
    c.print(f"[dim]{len(result.hits)}{more} turn{'s' if result.total != 1 else ''} · sorted by {safe(sort)}[/dim]")


def _who(hit: dict) -> str:
    """Markup for who speaks: ``Q (Trevor Hunnicutt, Reuters)`` for a named asker, else the speaker line."""
    if hit["turn"].get("kind") == "question":
        label = asker_label(hit.get("asker") or hit.get("speaker"))
        if label:
            return f"[bold]Q ({safe(label)})[/bold]"
    return speaker_line(hit["speaker"])


def _context_lines(c, turns: list[dict], width: int) -> None:
    for t in turns:
        who = (t.get("speaker") or {})
        label = safe(shorten(speaker_display_of(who), 30))
        text = shorten(" ".join(t["turn"].get("paragraphs") or []), width - 16 - len(label))
        c.print(f"    [dim]│ {label} ({safe(t['turn']['kind'])}): {safe(text)}[/dim]", soft_wrap=True)


def speaker_display_of(sp: dict) -> str:
    from pressarchive.records import speaker_display

    return speaker_display(sp) or "?"


def _hit_block(c, n: int, hit: dict, width: int = 100) -> None:
    turn, q, answer = hit["turn"], hit.get("question"), hit.get("answer")
    context = hit.get("context") or {}
    _context_lines(c, context.get("before", []), width)
    c.print(f"[cyan]{n:>2}.[/cyan] {_who(hit)}  [magenta]{safe(turn['kind'])}[/magenta]", soft_wrap=True)
    if q:
        asker = (hit.get("asker") or {}).get("label") or asker_label(q.get("speaker"))
        sentence = question_sentence(q.get("paragraphs") or [])
        c.print(f"    [yellow]Q[/yellow]{' (' + safe(asker) + ')' if asker else ''}: {safe(sentence)}", soft_wrap=True)
    if hit.get("translated_from"):
        pairs = ", ".join(f"{safe(t['typed'])} → {safe(t['matched'])}" + (f" ({safe(t['how'])})" if t.get("how") else "")
                          for t in hit["translated_from"])
        c.print(f"    [dim]translated: {pairs}[/dim]", soft_wrap=True)
    c.print(f"    {snippet(hit)}", soft_wrap=True)
    if answer:
        who = speaker_display_of(answer.get("speaker") or {})
        c.print(f"    [green]A[/green] ({safe(who)}): {snippet(hit, SNIPPET_CHARS, turn=answer)}", soft_wrap=True)
    for copy in hit.get("copies") or []:
        conf = copy.get("conference") or {}
        c.print(f"    [dim]also in: {safe(shorten(conf.get('title') or conf.get('id'), width - 40))} · "
                f"{safe(conf.get('date') or 'undated')} ({safe(copy.get('turn'))})[/dim]", soft_wrap=True)
    c.print(f"    [dim]{safe(turn['id'])}[/dim]")
    _context_lines(c, context.get("after", []), width)


def turn_view(context: dict) -> None:
    """``show``: the whole turn, the question it answers or the answers it got, its neighbours."""
    c = console()
    hit = context["hit"]
    turn, conf = hit["turn"], hit["conference"]
    c.print(f"[bold]{safe(conf.get('title') or conf.get('id'))}[/bold]", soft_wrap=True)
    c.print(f"[dim]{safe(conf.get('date') or 'undated')} · {safe(conf.get('organizer') or '')} · "
            f"{safe(conf.get('source') or '')}[/dim]", soft_wrap=True)
    c.print()
    for before in context.get("before", []):
        _neighbour(c, before, "before")
    q = hit.get("question")
    if q:
        c.print(f"[yellow]Question[/yellow] [dim]{safe(q['id'])}[/dim] — {_who({'turn': {'kind': 'question'}, 'asker': hit.get('asker'), 'speaker': q.get('speaker') or {}})}",
                soft_wrap=True)
        for para in q.get("paragraphs") or []:
            c.print(f"  {safe(para)}", soft_wrap=True)
        c.print()
    c.print(f"[bold cyan]{safe(turn['kind']).capitalize()}[/bold cyan] [dim]{safe(turn['id'])}[/dim] — "
            f"{_who(hit)}", soft_wrap=True)
    if turn.get("regions"):
        c.print(f"  [dim]mentions: {safe(', '.join(turn['regions']))}[/dim]")
    for para in turn.get("paragraphs") or []:
        c.print(f"  {safe(para)}", soft_wrap=True)
    c.print()
    for answer in context.get("answers", []):
        c.print(f"[green]Answer[/green] [dim]{safe(answer['turn']['id'])}[/dim] — {speaker_line(answer['speaker'])}",
                soft_wrap=True)
        for para in answer["turn"].get("paragraphs") or []:
            c.print(f"  {safe(para)}", soft_wrap=True)
        c.print()
    for after in context.get("after", []):
        _neighbour(c, after, "after")


def _neighbour(c, hit: dict, where: str) -> None:
    turn = hit["turn"]
    text = first_sentence(" ".join(turn.get("paragraphs") or []), 140)
    c.print(f"[dim]{where}: {safe(turn['id'])} {safe(turn['kind'])} — [/dim]{speaker_line(hit['speaker'])}",
            soft_wrap=True)
    c.print(f"  [dim]{safe(text)}[/dim]", soft_wrap=True)
    c.print()


def listing_table(title: str, columns: list[tuple[str, str]], rows: list[dict]) -> None:
    """A table of ``rows``: ``columns`` are (heading, key); lists show as counts or joined text."""
    from rich.table import Table

    c = console()
    if not rows:
        c.print(f"No {title.lower()} match.")
        return
    table = Table(title=f"{title} ({len(rows)})", title_justify="left")
    for heading, key in columns:
        numeric = key.startswith("#")
        table.add_column(heading, justify="right" if numeric else "left", overflow="fold")
    for row in rows:
        cells = []
        for _, key in columns:
            value = row.get(key.lstrip("#"))
            if key.startswith("#") and isinstance(value, list):
                value = len(value)
            elif isinstance(value, list):
                value = ", ".join(str(v) for v in value)
            cells.append(safe("" if value is None else value))
        table.add_row(*cells)
    c.print(table)


def listing_delimited(columns: list[tuple[str, str]], rows: list[dict], delimiter: str = "\t") -> None:
    """A listing for programs: a header of the keys, then one line per row (TSV or CSV); lists are
    joined with "; " ("#" columns: their length), tabs and newlines inside values become spaces, and a
    value a spreadsheet would run as a formula gets a leading ``'`` (export.neutralise)."""
    import csv

    from pressarchive.export import neutralise

    def cell(row: dict, key: str) -> str:
        value = row.get(key.lstrip("#"))
        if key.startswith("#") and isinstance(value, list):
            value = len(value)
        elif isinstance(value, list):
            value = "; ".join(str(v) for v in value)
        return neutralise(" ".join(strip_controls("" if value is None else str(value)).split()))

    def write(stream) -> None:
        if delimiter == "\t":
            stream.write("\t".join(key.lstrip("#") for _, key in columns) + "\n")
            for row in rows:
                stream.write("\t".join(cell(row, key) for _, key in columns) + "\n")
        else:
            out = csv.writer(stream, lineterminator="\n")
            out.writerow([key.lstrip("#") for _, key in columns])
            out.writerows([cell(row, key) for _, key in columns] for row in rows)

    write_text_out(write)


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
    table = Table(title=Text(strip_controls(title)), title_justify="left", box=None, show_header=False, pad_edge=False)
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


def _is_terminal(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def _screen_lines() -> int:
    import shutil

    return shutil.get_terminal_size((80, 24)).lines


def paged(draw, enabled: bool = True) -> None:
    """Run ``draw()`` (which prints on ``console()``); when the output is a terminal and what it drew is
    longer than the screen, show it through a pager, as git does: $PAGER (default ``less``), with
    LESS=FRX unless LESS is set. Never when the output is piped or redirected, nor with ``enabled`` False."""
    import os
    import subprocess

    stream = _out or sys.stdout
    if not enabled or not _is_terminal(stream):
        draw()
        return
    c = console()
    with c.capture() as captured:
        draw()
    text = captured.get()
    pager = os.environ.get("PAGER", "less").strip()
    if text.count("\n") < _screen_lines() or not pager or pager == "cat":
        stream.write(text)
        stream.flush()
        return
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    try:
        subprocess.run(pager, shell=True, input=text.encode("utf-8", "replace"), env=env, check=False)
    except (OSError, ValueError):
        stream.write(text)
        stream.flush()
    except KeyboardInterrupt:  # leaving the pager with ^C is not an error
        pass
