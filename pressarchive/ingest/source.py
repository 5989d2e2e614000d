"""What a file says about itself: YAML front matter, HTML ``<meta>``/canonical links, Markdown escapes,
and a date in the file's name or URL.

Everything here returns plain strings in ``Document.hints`` (keys below), so that ``meta.fill`` can
weigh them against what the transcript's own text says:

- ``front_title``, ``front_date``: the front matter's ``title`` and ``date`` (the publisher's date);
- ``source_url``: the front matter's ``source_url``/``url``/``link``/``canonical``, or the page's
  canonical link / ``og:url``;
- ``published``: the publication time (``published_time``, ``article:published_time``), ISO 8601;
- ``tags``: the front matter's ``tags``/``categories``/``keywords`` joined by ``\\x1f``.
"""
from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from pressarchive.records import SOURCE_WARNING

TAG_SEP = "\x1f"

# A backslash before Markdown punctuation: ``\_`` ``\*`` ``\[`` ... (CommonMark's escapable set)
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~\"'$&%=:;,/?@^])")
_LITERAL_U = re.compile(r"\\u([0-9a-fA-F]{4})")
_NBSP = re.compile(r"[\u00a0\u2007\u202f\u3000]")

_KEY_LINE = re.compile(r"^[A-Za-z_][\w-]*\s*:(?:\s|$)")


def unescape_markdown(text: str, underscore_space: bool = False) -> str:
    """``\\[inaudible\\]`` -> ``[inaudible]``, ``\\u2019`` -> ``’``; no-break spaces become spaces.
    With ``underscore_space`` (a title: YAML's ``\\_`` is a no-break space) ``Jen\\_Psaki`` -> ``Jen Psaki``;
    else ``\\_`` is Markdown's literal underscore."""
    if "\\" in text:
        if underscore_space:
            text = text.replace("\\_", " ")
        text = _LITERAL_U.sub(lambda m: chr(int(m.group(1), 16)), text)
        text = _MD_ESCAPE.sub(r"\1", text)
    return _NBSP.sub(" ", text)


def clean_title(title: Any) -> str | None:
    """A title as a reader wants it: escapes gone, whitespace folded to single spaces, and no U+FFFC
    (the object-replacement placeholder a page editor leaves where an embedded object was)."""
    if title is None:
        return None
    text = " ".join(unescape_markdown(str(title), underscore_space=True).replace("\ufffc", " ").split())
    return text or None


def split_front_matter(text: str) -> tuple[dict[str, str], str, str | None]:
    """``(hints, body, warning)``: YAML front matter (``---`` ... ``---``/``...`` at the very top) decoded
    with a real YAML parser; its lines blanked in ``body`` so that line numbers still point into the file.

    Front matter that is not valid YAML is dropped with a warning and the metadata is read from the
    text instead; a leading ``---`` that opens no key/value block is not front matter at all."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text, None
    end = next((i for i in range(1, min(len(lines), 300)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        return {}, text, None
    block = "\n".join(lines[1:end])
    body = "\n" * (end + 1) + "\n".join(lines[end + 1:])
    filled = [ln for ln in lines[1:end] if ln.strip() and not ln.startswith((" ", "\t", "#", "-"))]
    keyish = [ln for ln in filled if _KEY_LINE.match(ln)]
    if not filled or len(keyish) < 0.6 * len(filled):
        return {}, text, None  # a horizontal rule, not front matter
    import yaml

    try:
        data = yaml.safe_load(block)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        problem = getattr(err, "problem", None) or "not valid YAML"
        return {}, body, f"{SOURCE_WARNING}front matter is not valid YAML{where}: {problem}; metadata read from the text"
    if not isinstance(data, dict):
        return {}, body, f"{SOURCE_WARNING}front matter is not a YAML mapping; metadata read from the text"
    return front_hints(data), body, None


def _scalar(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, _dt.datetime):
        return value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def front_hints(data: dict[str, Any]) -> dict[str, str]:
    """The hints a decoded front-matter mapping gives (keys compared case-insensitively)."""
    low = {str(k).strip().lower(): v for k, v in data.items()}
    hints: dict[str, str] = {}
    title = clean_title(_scalar(low.get("title")))
    if title:
        hints["front_title"] = title
    for key in ("event_date", "date"):
        value = _scalar(low.get(key))
        if value:
            hints["front_date"] = value
            break
    for key in ("source_url", "canonical_url", "canonical", "url", "link"):
        value = _scalar(low.get(key))
        if value and re.match(r"^https?://\S+$", value):
            hints["source_url"] = value
            break
    for key in ("published_time", "published", "publishdate", "pubdate", "date"):
        value = _scalar(low.get(key))
        if value:
            hints["published"] = value
            break
    tags: list[str] = []
    for key in ("tags", "categories", "keywords"):
        value = low.get(key)
        items = value if isinstance(value, list) else re.split(r"\s*,\s*", str(value)) if value else []
        for item in items:
            text = _scalar(item)
            if text and text not in tags:
                tags.append(text)
    if tags:
        hints["tags"] = TAG_SEP.join(tags)
    for key in ("source", "organizer", "author"):
        value = _scalar(low.get(key))
        if value:
            hints[f"front_{key}"] = value
    return hints


def html_hints(soup) -> dict[str, str]:
    """``<title>``, ``og:title``, ``article:published_time``, ``article:tag`` and the canonical link."""
    hints: dict[str, str] = {}
    if soup.title and soup.title.get_text(strip=True):
        hints["title"] = clean_title(soup.title.get_text(" ", strip=True)) or ""
    tags: list[str] = []
    for meta in soup.find_all("meta"):
        key = (meta.get("name") or meta.get("property") or meta.get("itemprop") or "").lower()
        value = (meta.get("content") or "").strip()
        if not value:
            continue
        if key in ("article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
                   "dc.date", "dc.date.issued", "date"):
            hints.setdefault("published", value)
            hints.setdefault("date", value)
        elif key in ("og:title", "articletitle", "twitter:title"):
            hints.setdefault("og_title", clean_title(value) or "")
        elif key == "og:url" and re.match(r"^https?://", value):
            hints.setdefault("og_url", value)
        elif key in ("article:tag", "keywords", "news_keywords"):
            for item in re.split(r"\s*[,;，]\s*", value) if key != "article:tag" else [value]:
                if item and item not in tags:
                    tags.append(item)
    for link in soup.find_all("link"):
        rel = [r.lower() for r in (link.get("rel") or [])]
        href = (link.get("href") or "").strip()
        if "canonical" in rel and re.match(r"^https?://", href):
            hints.setdefault("source_url", href)
    if "source_url" not in hints and hints.get("og_url"):
        hints["source_url"] = hints["og_url"]
    if tags:
        hints["tags"] = TAG_SEP.join(tags)
    return {k: v for k, v in hints.items() if v}


_NAME_DATES = (
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})[-_./](?P<m>\d{1,2})[-_./](?P<d>\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)"),
)


def date_in_name(name: str) -> str | None:
    """A date written in a file name or URL: ``FOMCpresconf20220615.txt``, ``/2022/06/15/``,
    ``2022-06-15-briefing.md``; else a spelled-out one (``june-15-2022``)."""
    if not name:
        return None
    for pattern in _NAME_DATES:
        for m in pattern.finditer(name):
            try:
                return _dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d"))).isoformat()
            except ValueError:
                continue
    from pressarchive.ingest.dates import find_date

    return find_date(re.sub(r"[-_/]+", " ", name))
