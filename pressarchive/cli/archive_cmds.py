"""Commands that change the archive: add, remove, reindex, compact, check."""
from __future__ import annotations

import sys

import click

from pressarchive.cli import Context, cli, pass_ctx
from pressarchive.errors import EXIT_NO_MATCH, BusyError


# --- archive commands ---------------------------------------------------------------------------
@cli.command("add")
@click.argument("sources", nargs=-1, required=True, metavar="PATH_OR_URL...")
@click.option("--title", help="Conference title, where the text lacks one.")
@click.option("--date", help="Conference date (YYYY-MM-DD), where the text lacks one.")
@click.option("--organizer", help="Organiser, where the text lacks one.")
@click.option("--source-url", help="Where the transcript was published (URLs record themselves).")
@click.option("-q", "--quiet", is_flag=True, help="Only failures and the summary line.")
@click.option("--follow-links", is_flag=True,
              help="In a folder, follow symbolic links that lead out of it (skipped by default).")
@pass_ctx
def add_cmd(ctx: Context, sources: tuple[str, ...], title: str | None, date: str | None,
            organizer: str | None, source_url: str | None, quiet: bool, follow_links: bool) -> None:
    """Add transcripts: files (txt, md, html), folders (recursively), - for stdin, http(s) URLs.
    Makes the archive folder an archive when it is not one yet. A folder is read for regular files
    only, and stays inside itself unless --follow-links."""
    from pressarchive import render
    from pressarchive.fetch import LINK_OUT, expand

    expanded = expand(list(sources), follow_links=follow_links)
    for path, why in expanded.skipped:
        render.skipped(path, why + (" (--follow-links follows it)" if why == LINK_OUT else ""))
    items = expanded.sources
    overrides = {"title": title, "date": date, "organizer": organizer, "source_url": source_url}
    stored: list = []
    archive = ctx.open(create=True)
    try:
        with render.batch_progress(len(items), "Adding") as bar:
            outcomes = archive.add_sources(items, overrides, progress=bar.advance, on_wait=render.waiting_for_lock,
                                           on_stored=stored.append)
    except KeyboardInterrupt:
        render.interrupted_add(stored, len(items))
        raise click.exceptions.Exit(130) from None
    render.add_summary(outcomes, quiet=quiet)
    if any(o.status == "failed" for o in outcomes):
        raise click.exceptions.Exit(EXIT_NO_MATCH)  # a report, each failure named: not all good


@cli.command("remove")
@click.argument("conference_ids", nargs=-1, required=True, metavar="CONF_ID...")
@click.option("-y", "--yes", is_flag=True, help="Do not ask (asked only on a terminal).")
@pass_ctx
def remove_cmd(ctx: Context, conference_ids: tuple[str, ...], yes: bool) -> None:
    """Remove conferences (their raw files, records and index entries)."""
    from pressarchive import render

    archive = ctx.archive
    known = set(archive.ids())
    missing = [cid for cid in conference_ids if cid not in known]
    if missing:
        from pressarchive.errors import NotFoundError

        raise NotFoundError(f"no conference {missing[0]!r} in the archive",
                            hint="`pressarchive conferences` lists the conference ids")
    if not yes and sys.stdin.isatty():
        what = conference_ids[0] if len(conference_ids) == 1 else f"{len(conference_ids)} conferences"
        if not click.confirm(f"Remove {what} from {archive.home}?", default=False, err=True):
            raise click.exceptions.Exit(EXIT_NO_MATCH)
    for cid in conference_ids:
        record = archive.remove(cid, on_wait=render.waiting_for_lock)
        title = f" ({record.conference.title})" if record and record.conference.title else ""
        render.console().print(f"removed {render.safe(cid)}{render.safe(title)}", soft_wrap=True)


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
    report.recovered = ctx.recovered + list(report.recovered)
    render.check_report(report)
    if not report.ok:
        raise click.exceptions.Exit(1)
