"""News outlets, named in one script in one place and the other script elsewhere.

The table is data (``pressarchive/data/outlets.tsv``): one row per outlet, its English and Chinese
names and other spellings. Every spelling on a row is one outlet: one reporter speaker when parsing,
one value for the ``outlet`` filter when searching (新华社 = Xinhua = Xinhua News Agency).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TABLE_PATH = Path(__file__).resolve().parent.parent / "data" / "outlets.tsv"


@dataclass(frozen=True)
class Outlet:
    english: str
    chinese: str
    aliases: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return _fold(self.english)

    @property
    def spellings(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s for s in (self.english, self.chinese, *self.aliases) if s))


from pressarchive.text.cjk import HAN_CHAR as _HAN  # noqa: E402 - the package's one range
# A place written before an outlet's name (台湾TVBS, 香港中通社, 日本共同社): tried without it.
_PLACE_PREFIX = re.compile(r"^(?:中国|台湾|臺灣|香港|澳门|澳門|美国|日本|英国|法国|德国|韩国|俄罗斯|新加坡|西班牙|意大利|土耳其|"
                           r"印度|越南|巴西|加拿大|澳大利亚|卡塔尔|葡萄牙|马来西亚|泰国|菲律宾|印尼|印度尼西亚|埃及|南非|阿根廷|墨西哥)")


def _simplified(text: str) -> str:
    if not _HAN.search(text):
        return text
    from pressarchive.ingest.script import to_simplified

    return to_simplified(text)


def _fold(name: str) -> str:
    """Case, width, script and punctuation folded: ``The Beijing News`` -> ``beijingnews``."""
    text = _simplified(unicodedata.normalize("NFKC", name or "")).strip().casefold()
    if text.startswith("the "):
        text = text[4:]
    return re.sub(r"[\W_]+", "", text)


@lru_cache(maxsize=1)
def _table() -> tuple[tuple[Outlet, ...], dict[str, Outlet]]:
    outlets: list[Outlet] = []
    by_fold: dict[str, Outlet] = {}
    for line in TABLE_PATH.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = (line.split("\t") + ["", "", ""])[:3]
        english, chinese = cells[0].strip(), cells[1].strip()
        aliases = tuple(a.strip() for a in cells[2].split("|") if a.strip())
        outlet = Outlet(english, chinese, aliases)
        outlets.append(outlet)
        for spelling in outlet.spellings:
            by_fold.setdefault(_fold(spelling), outlet)
    return tuple(outlets), by_fold


def known() -> tuple[Outlet, ...]:
    """Every outlet in the table."""
    return _table()[0]


def find(name: str | None) -> Outlet | None:
    """The table's outlet for any spelling of it (either script, any case, a place before it), or None."""
    if not name or not name.strip():
        return None
    by_fold = _table()[1]
    folded = _fold(name)
    if folded in by_fold:
        return by_fold[folded]
    for trimmed in (re.sub(r"(?:记者站|记者|新闻中心)$", "", folded), _PLACE_PREFIX.sub("", folded),
                    re.sub(r"(?<=[报台网])社$", "", folded)):  # 中国日报社
        if trimmed and trimmed != folded and trimmed in by_fold:
            return by_fold[trimmed]
    return None


def outlet_key(outlet: str) -> str:
    """One key for every spelling of an outlet: ``China Daily``, ``china daily``, ``中国日报`` -> ``chinadaily``."""
    found = find(outlet)
    return found.key if found else _fold(outlet)


def both_scripts(english: str | None, chinese: str | None) -> tuple[str | None, str | None]:
    """An outlet's name in both scripts where the table knows the one given: (English, Chinese)."""
    found = find(english) or find(chinese)
    if found is None:
        return english, chinese
    return english or found.english, chinese or found.chinese


def spellings(name: str) -> tuple[str, ...]:
    """Every way the table writes the outlet ``name`` is (just ``name`` when it is not in the table)."""
    found = find(name)
    return found.spellings if found else (name,)
