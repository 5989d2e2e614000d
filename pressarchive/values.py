"""Filter values in either script: ``上海`` is ``Shanghai``, ``北京电视台`` is ``Beijing TV``, and a value
that names nothing is answered with the nearest known values, each written in both scripts.

Regions come from the gazetteer (ingest/regions.py), outlets from the outlet table (data/outlets.tsv).
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from typing import Iterable

from pressarchive.text.cjk import HAN_CHAR as _HAN  # noqa: E402 - the package's one range
MAX_NEAREST = 8


def _simplified(text: str) -> str:
    if not _HAN.search(text or ""):
        return text or ""
    from pressarchive.ingest.script import to_simplified

    return to_simplified(text)


def _fold(text: str) -> str:
    return re.sub(r"[\W_]+", "", _simplified(unicodedata.normalize("NFKC", text or "")).casefold())


def region_forms(value: str) -> list[str]:
    """The spellings of the region ``value`` names, canonical first (``沪`` -> Shanghai, 上海, ...)."""
    from pressarchive.ingest.regions import AREAS, PROVINCES, canonical

    value = unicodedata.normalize("NFKC", value or "").strip()
    canon = canonical(value) or canonical(_simplified(value))
    if canon is None:  # 上海市, 广东省, 深圳: the province the name is in
        from pressarchive.ingest.regions import NATIONAL, region_of

        found = region_of(value) if len(_fold(value)) <= 12 else None
        canon = found if found and found != NATIONAL else None
    if canon is None:
        return [value]
    en, zh = PROVINCES.get(canon) or AREAS.get(canon) or ((), ())
    return list(dict.fromkeys([canon, *en, *zh, value]))


def region_both(name: str) -> str:
    """``Shanghai (上海)``: a region as a hint shows it."""
    from pressarchive.ingest.regions import AREAS, PROVINCES

    en, zh = PROVINCES.get(name) or AREAS.get(name) or ((), ())
    return f"{name} ({zh[0]})" if zh and not _HAN.search(name) else name


def outlet_forms(value: str) -> list[str]:
    """Every spelling of the outlet ``value`` names (新华社, Xinhua, Xinhua News Agency, ...), ``value`` first."""
    from pressarchive.ingest.outlets import spellings

    value = unicodedata.normalize("NFKC", value or "").strip()
    return list(dict.fromkeys([value, *spellings(value), *spellings(_simplified(value))]))


def outlet_both(name: str) -> str:
    """``Beijing TV (北京电视台)``: an outlet as a hint shows it."""
    from pressarchive.ingest.outlets import find

    found = find(name)
    if found is None or not found.chinese or found.chinese == found.english:
        return name
    return f"{found.english} ({found.chinese})"


def nearest(value: str, known: Iterable[str], both) -> list[str]:
    """The known values close to ``value`` (compared in both scripts), written by ``both``, closest
    first; empty when none is close."""
    shown: dict[str, str] = {}
    for k in known:
        if k:
            shown.setdefault(both(k), k)
    target = _fold(value)
    scored = []
    for label in shown:
        parts = [_fold(p) for p in re.split(r"[()（）]", label) if p.strip()]
        best = max((difflib.SequenceMatcher(None, target, p).ratio() for p in parts if p), default=0.0)
        if target and any(target in p or p in target for p in parts if p):
            best = max(best, 0.9)
        scored.append((best, label))
    close = [label for ratio, label in sorted(scored, key=lambda x: (-x[0], x[1].casefold())) if ratio >= 0.5]
    return close[:MAX_NEAREST]


def other_script(labels: Iterable[str], both) -> list[str]:
    """The other-script names of ``labels`` (``Shanghai`` -> ``上海``), where known."""
    out = []
    for label in labels:
        m = re.search(r"\((.+)\)$", both(label))
        if m:
            out.append(m.group(1))
    return out
