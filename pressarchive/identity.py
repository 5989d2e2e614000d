"""Conference identity: which stored conference (if any) a newly parsed transcript is.

The rules (docs/archive.md):

- an id is never given to a second, different event: a new event whose date and title give an id
  that is taken gets the next free one (``<id>-2``, ``<id>-3``...);
- a transcript *updates* a stored conference only when it is the same source: the same file name
  or URL (and not another event on another day), or the same bytes, or near-identical text;
- a near-identical copy under another name (a republished ``…-2.md``) is one conference that lists
  both sources;
- a conference keeps its id when its title or metadata is corrected; former ids a conference was
  known by stay in its ``aliases`` and keep resolving.
"""
from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:  # pragma: no cover
    from pressarchive.catalog import Catalog
    from pressarchive.records import Record

NEAR_IDENTICAL = 0.85  # share of word 5-grams two texts hold in common (of the smaller) to be one text
SHINGLE = 5
MAX_WORDS = 40000  # enough of a transcript to tell copies from different events
MIN_WORDS = 30  # shorter texts say too little to be told apart: never "near-identical"
_WORD = re.compile(r"\w+")


@dataclass
class Decision:
    """What storing a parsed transcript means."""

    status: str  # "added" | "updated" | "unchanged"
    id: str  # the conference id it is (or stays) stored under
    write: bool  # False: keep the stored folder as it is (apart from ``sources``)
    sources: list[str]  # the conference's sources after this add
    aliases: list[str]  # its former ids
    note: str | None = None  # e.g. "another source of <id>"


def base_name(source: str | None) -> str | None:
    """A source as compared: a URL whole, a file by its name without the folder."""
    if not source:
        return None
    if "://" in source:
        return source
    return os.path.basename(source.replace("\\", "/")) or source


def shingles(paragraphs: list[str]) -> set[int]:
    words: list[str] = []
    for p in paragraphs:
        words.extend(w.casefold() for w in _WORD.findall(p))
        if len(words) >= MAX_WORDS:
            break
    words = words[:MAX_WORDS]
    if len(words) < SHINGLE:
        return {hash(tuple(words))} if words else set()
    return set(map(hash, zip(*(words[k:] for k in range(SHINGLE)))))  # each run of SHINGLE words


def text_of(record: "Record") -> list[str]:
    return [p for t in record.turns for p in t.paragraphs]


def near_identical(a: list[str], b: list[str]) -> bool:
    """Are two transcripts' texts one text (a republished copy with small corrections)? Texts of
    fewer than MIN_WORDS words never are (two short exchanges can match by chance)."""
    sa, sb = shingles(a), shingles(b)
    if min(len(sa), len(sb)) < MIN_WORDS - SHINGLE + 1:
        return False
    small, large = sorted((len(sa), len(sb)))
    if small < 0.8 * large:  # one is much longer: another event, or a copy with a part missing
        return False
    return len(sa & sb) / small >= NEAR_IDENTICAL


def _fold(text: str | None) -> str:
    return " ".join((text or "").casefold().split())


def _similar_title(a: str | None, b: str | None) -> bool:
    fa, fb = " ".join((a or "").casefold().split()), " ".join((b or "").casefold().split())
    if not fa or not fb:
        return fa == fb
    return fa == fb or difflib.SequenceMatcher(None, fa, fb).ratio() >= 0.8


def _sources_with(entry: dict[str, Any], *more: str | None) -> list[str]:
    out: list[str] = []
    for s in [*(entry.get("sources") or []), entry.get("source"), *more]:
        if s and s not in out:
            out.append(s)
    return out


def decide(record: "Record", catalog: "Catalog", get_record: Callable[[str], "Record"],
           same_bytes: Callable[[str], bool], twin: str | None = None) -> Decision:
    """Where ``record`` (parsed, with its computed id and content hash) belongs in the archive.

    ``catalog``: the stored conferences (catalog.Catalog); ``get_record(id)``: a stored record;
    ``same_bytes(id)``: does that conference's raw file hold exactly these bytes; ``twin``: the id of
    a stored conference whose raw file holds exactly these bytes, when the caller knows one.
    """
    conf = record.conference
    cid = conf.id
    name = base_name(conf.source)
    url = conf.source_url
    entries = catalog.entries

    def existing(target: str, status: str, write: bool, note: str | None = None) -> Decision:
        entry = entries.get(target, {})
        sources = _sources_with(entry, conf.source)
        return Decision(status, target, write, sources, list(entry.get("aliases") or []), note)

    # 1. the same bytes are stored: the same transcript (perhaps under another name, or with other metadata)
    if twin is None and cid in entries and same_bytes(cid):
        twin = cid
    if twin is not None and twin in entries:
        entry = entries[twin]
        listed = {base_name(s) for s in _sources_with(entry)}
        primary = base_name(entry.get("source"))
        if name == primary or not name:
            if _same_record(get_record(twin), record):
                return existing(twin, "unchanged", False)
            return existing(twin, "updated", True)  # other metadata (a title given with --title...)
        if name in listed:
            return existing(twin, "unchanged", False)  # a copy already listed
        return existing(twin, "updated", False, note=f"another source of {twin}")

    # 2. the same source (file name or URL): an update (a corrected or longer version), unless it is
    #    plainly another event under a name that is not unique (``transcript.txt``)
    text = text_of(record)
    long_enough = len(shingles(text)) >= MIN_WORDS - SHINGLE + 1
    for target in catalog.by_source(conf.source, url):
        entry = entries[target]
        same_name = base_name(entry.get("source")) == name
        same_url = bool(url) and entry.get("source_url") == url
        listed = name in {base_name(s) for s in _sources_with(entry)}
        if long_enough and near_identical(text_of(get_record(target)), text):
            if same_name:
                return existing(target, "updated", True)  # the same file, corrected
            if listed:
                return existing(target, "unchanged", False)  # a republished copy already listed
            return existing(target, "updated", False, note=f"another source of {target}")
        same_day = not (entry.get("date") and conf.date) or entry.get("date") == conf.date
        same_title = _fold(entry.get("title")) == _fold(conf.title)
        if same_day and (same_url or (same_name and same_title)):
            return existing(target, "updated", True)

    # 3. near-identical text on the same day under a similar title: a republished copy
    if long_enough:
        candidates = catalog.on_date(conf.date) | set(catalog.with_prefix(cid + "-"))
        if cid in entries:
            candidates.add(cid)
        for target in sorted(candidates):
            entry = entries[target]
            if target != cid and not target.startswith(cid + "-"):
                if not (conf.date and entry.get("date") == conf.date and _similar_title(entry.get("title"), conf.title)):
                    continue
            if near_identical(text_of(get_record(target)), text):
                return existing(target, "updated", False, note=f"another source of {target}")

    # 4. a new event: its id, or the next free one
    return Decision("added", free_id(cid, catalog), True, _sources_with({}, conf.source), [])


def free_id(cid: str, catalog: "Catalog") -> str:
    """``cid`` when no conference has (or had) it, else ``cid-2``, ``cid-3``..."""
    if not catalog.taken(cid):
        return cid
    n = 2
    while catalog.taken(f"{cid}-{n}"):
        n += 1
    return f"{cid}-{n}"


def _same_record(stored: "Record", new: "Record") -> bool:
    """The same record but for its id and sources (turn ids compared by their sequence part)."""
    a, b = stored.to_dict(), new.to_dict()
    for d in (a, b):
        conf = d["conference"]
        for k in ("id", "source", "sources", "aliases"):
            conf.pop(k, None)
        for t in d["turns"]:
            for k in ("id", "question"):
                if t.get(k):
                    t[k] = t[k].rpartition(":")[2]
    return a == b
