"""Listings read from the records alone, never the index: speakers, outlets, regions, conferences."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from pressarchive.errors import QueryError
from pressarchive.query import _check_date, _hint

if TYPE_CHECKING:  # pragma: no cover
    from pressarchive.archive import Archive


def _records(archive: "Archive", conference: str | None, since: str | None = None, until: str | None = None):
    """The records a listing covers: one conference (by id or unique prefix), or all, within dates."""
    since = _check_date(since, "since") if since else None
    until = _check_date(until, "until") if until else None
    if conference:
        ids = archive.ids()
        cid = conference.strip()
        if cid not in ids:
            matches = [i for i in ids if i.startswith(cid)]
            if len(matches) != 1:
                what = "matches several conferences" if matches else "is not in the archive"
                raise QueryError(f"conference {cid!r} {what}", hint=_hint("conferences", matches or ids))
            cid = matches[0]
        records = [archive.get(cid)]
    else:
        records = list(archive.records())
    out = []
    for r in records:
        date = r.conference.date or ""
        if since and (not date or date < since):
            continue
        if until and (not date or date[: len(until)] > until):
            continue
        out.append(r)
    return out


def _check_value(value: str | None, known: Iterable[str], what: str, plural: str, region: bool = False) -> str | None:
    """The known value ``value`` names (compared by ``key``; a ``region`` in either script), or
    QueryError listing the known ones (the nearest first, in both scripts, for a region)."""
    from pressarchive.analysis import key

    if not value:
        return None
    known = sorted({k for k in known if k}, key=str.casefold)
    if region:
        from pressarchive.query import _nearest_hint
        from pressarchive.values import region_both, region_forms

        wanted = {key(f) for f in region_forms(value)}
        for k in known:
            if key(k) in wanted:
                return k
        raise QueryError(f"no {what} {value!r} in the archive", hint=_nearest_hint(plural, value, known, region_both))
    for k in known:
        if key(k) == key(value):
            return k
    raise QueryError(f"no {what} {value!r} in the archive", hint=_hint(plural, known))


def _entries(archive: "Archive", conference: str | None, since: str | None = None,
             until: str | None = None) -> tuple[Any, dict[str, dict[str, Any]]]:
    """(the catalog, its entries a listing covers): one conference (by id, former id or unique
    prefix), or all, within dates; read from the catalog, not the records."""
    from pressarchive import catalog as _catalog

    since = _check_date(since, "--since") if since else None
    until = _check_date(until, "--until") if until else None
    known = _catalog.load(archive)
    entries = known.entries
    if conference:
        cid = conference.strip()
        found = known.resolve(cid)
        if found is None:
            matches = [i for i in sorted(entries) if i.startswith(cid)]
            if len(matches) != 1:
                what = "matches several conferences" if matches else "is not in the archive"
                raise QueryError(f"conference {cid!r} {what}", hint=_hint("conferences", matches or sorted(entries)))
            found = matches[0]
        entries = {found: entries[found]}
    out = {}
    for cid, entry in entries.items():
        date = entry.get("date") or ""
        if since and (not date or date < since):
            continue
        if until and (not date or date[: len(until)] > until):
            continue
        out[cid] = entry
    return known, out


def list_speakers(archive: "Archive", region: str | None = None, conference: str | None = None,
                  role: str | None = None, since: str | None = None, until: str | None = None) -> list[dict[str, Any]]:
    """People (the archive's people register, people.py), not labels: one row per person with their
    aliases, titles and organisations with dates, and their turns, answers and conferences (counts;
    ``conference_ids``) in the conferences covered, most turns first. Officials and hosts; reporters
    with ``role="reporter"`` (else ``list_outlets`` lists who asked)."""
    from pressarchive import people

    known, entries = _entries(archive, conference, since, until)
    mentions = [m for e in entries.values() for m in e.get("mentions", [])]
    region = _check_value(region, (m.get("region") for m in mentions), "speaker from region", "regions",
                          region=True)
    roles = {m.get("role") for m in mentions}
    role = role.strip().lower() if role else None
    if role and role not in roles:
        raise QueryError(f"no speaker with role {role!r} in the archive", hint=_hint("roles", roles - {None}))
    kind = None if role == "reporter" else people.OFFICIAL
    return people.listing(known.register(), entries, role=role, region=region, kind=kind)


def list_outlets(archive: "Archive", conference: str | None = None, since: str | None = None,
                 until: str | None = None) -> list[dict[str, Any]]:
    """Outlets that asked questions, with their questions and conferences, most questions first."""
    rows: dict[str, dict[str, Any]] = {}
    for r in _records(archive, conference, since, until):
        for s in r.speakers:
            if s.role != "reporter":
                continue
            from pressarchive.ingest.outlets import outlet_key

            name = s.organization or s.organization_zh or "(unidentified)"
            row = rows.setdefault(outlet_key(name) or name.casefold(), {  # 新华社 and Xinhua: one row
                "outlet": name, "outlet_zh": s.organization_zh, "questions": 0, "conferences": [],
            })
            if s.organization and row["outlet"] == row["outlet_zh"]:
                row["outlet"] = s.organization
            row["outlet_zh"] = row["outlet_zh"] or s.organization_zh
            row["questions"] += sum(1 for t in r.turns if t.speaker == s.id and t.kind == "question")
            if r.conference.id not in row["conferences"]:
                row["conferences"].append(r.conference.id)
    return sorted(rows.values(), key=lambda x: (-x["questions"], x["outlet"].casefold()))


def list_regions(archive: "Archive", conference: str | None = None, since: str | None = None,
                 until: str | None = None) -> list[dict[str, Any]]:
    """Regions with their speakers, those speakers' turns, and the turns that mention them."""
    rows: dict[str, dict[str, Any]] = {}

    def row(name: str) -> dict[str, Any]:
        return rows.setdefault(name, {"region": name, "speakers": [], "turns": 0, "mentions": 0, "conferences": []})

    for r in _records(archive, conference, since, until):
        by_id = {s.id: s for s in r.speakers}
        for s in r.speakers:
            if s.region:
                item = row(s.region)
                who = s.name or s.name_zh or s.organization
                if who and who not in item["speakers"]:
                    item["speakers"].append(who)
        for t in r.turns:
            s = by_id.get(t.speaker)
            if s is not None and s.region:
                row(s.region)["turns"] += 1
            for place in set(t.regions):
                row(place)["mentions"] += 1
        for name in {s.region for s in r.speakers if s.region} | {p for t in r.turns for p in t.regions}:
            if r.conference.id not in row(name)["conferences"]:
                row(name)["conferences"].append(r.conference.id)
    return sorted(rows.values(), key=lambda x: (-x["turns"], -x["mentions"], x["region"].casefold()))


def list_conferences(archive: "Archive", region: str | None = None, since: str | None = None,
                     until: str | None = None) -> list[dict[str, Any]]:
    """Conferences, newest first, with their turns, questions and speakers."""
    from pressarchive.catalog import sources_of

    records = _records(archive, None, since, until)
    region = _check_value(region, (s.region for r in records for s in r.speakers), "speaker from region", "regions",
                          region=True)
    rows = []
    for r in records:
        if region and not any(s.region == region for s in r.speakers):
            continue
        c = r.conference
        rows.append({
            "id": c.id, "date": c.date, "title": c.title, "organizer": c.organizer, "source": c.source,
            "source_url": c.source_url, "sources": sources_of(c), "aliases": list(c.aliases),
            "published": c.published, "tags": list(c.tags),
            "languages": list(c.languages), "turns": len(r.turns),
            "questions": sum(1 for t in r.turns if t.kind == "question"),
            "speakers": sum(1 for s in r.speakers if s.role != "reporter"),
            "regions": sorted({s.region for s in r.speakers if s.region}),
        })
    return sorted(rows, key=lambda x: (x["date"] or "", x["id"]), reverse=True)
