"""Text helpers shared by the ingester, the index and search, one copy each (leaves: they import
nothing of pressarchive): ``cjk`` (the Han ranges), ``script`` (traditional -> simplified), ``names``
(name keys and Chinese surnames); here, ``pattern`` (compiled patterns kept)."""

import re as _re
from functools import lru_cache as _lru_cache


@_lru_cache(maxsize=8192)
def pattern(source: str, flags: int = 0) -> "_re.Pattern[str]":
    """``re.compile(source, flags)``, kept for patterns made per name or word (``rf"...{name}..."``).

    ``re``'s own cache holds 512 patterns and is emptied when full: a bulk add, parsing thousands of
    transcripts with their own names, compiled ~46,000 patterns (17 s of a 100,000-turn add's
    profile), the same ones again and again."""
    return _re.compile(source, flags)
