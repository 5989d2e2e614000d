"""Calendar dates written in text (``Sep 27, 2022``, ``2022年9月27日``, ``112年``, ISO) -> YYYY-MM-DD.

Shared by the metadata reader (meta.py) and the source hints (source.py).
"""
from __future__ import annotations

import re
from datetime import date as _date

_MONTHS = {
    m: i
    for i, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
         ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        1,
    )
    for m in names
}
_MON = r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_DATES = [
    re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
    re.compile(r"(?:民國|民国|中華民國|中华民国)?(?<![\d])(?P<roc>\d{2,3})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)"),
    re.compile(_MON + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{2})", re.I),
    re.compile(r"(?<!\d)(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MON + r",?\s+(?P<y>(?:19|20)\d{2})", re.I),
]


def find_date(text: str) -> str | None:
    """The first calendar date in ``text`` as YYYY-MM-DD."""
    best: tuple[int, str] | None = None
    for pattern in _DATES:
        for m in pattern.finditer(text):
            parts = m.groupdict()
            month = int(parts["m"]) if parts.get("m") else _MONTHS.get(parts["mon"].lower().rstrip("."), 0)
            year = int(parts["roc"]) + 1911 if parts.get("roc") else int(parts["y"])  # Minguo years: 112年 = 2023
            if parts.get("roc") and not 30 <= int(parts["roc"]) <= 200:
                continue
            try:
                value = _date(year, month, int(parts["d"])).isoformat()
            except ValueError:
                continue
            if best is None or m.start() < best[0]:
                best = (m.start(), value)
            break
    return best[1] if best else None


def normalise_date(value: str) -> str | None:
    """A user's or page's date in any common form -> YYYY-MM-DD (None if it is not a date)."""
    return find_date(value.strip())
