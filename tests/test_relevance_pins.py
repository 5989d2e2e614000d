"""The top hits of the seed and judged queries, pinned on a small archive, so that a change made for
speed (or anything else) cannot move the ranking without anyone noticing (docs/search.md, "Relevance").

The archive: the bundled sample, plus eight White House briefings when ../shared is beside the
checkout (else those pins are skipped). Each pin is the start of a hit's text, case, spaces and
punctuation folded away (turn ids change with conference identity; the words do not).

A ranking change made on purpose: measure it with tests/relevance/evaluate.py first, then rewrite the pins
    PRESSARCHIVE_UPDATE_PINS=1 python -m pytest -q tests/test_relevance_pins.py
and commit tests/relevance/pins.json with the figures.
"""
from __future__ import annotations

import json
import os
import re
import unicodedata
from pathlib import Path

import pytest

from conftest import SHARED, sample_path
from pressarchive import index
from pressarchive.archive import Archive
from pressarchive.search import Filters, search

PINS = Path(__file__).resolve().parent / "relevance" / "pins.json"
TOP = 5
WH_FILES = [
    "2022-09/2022-09-13-press-briefing-by-press-secretary-karine-jean-pierre-and-nsc-coordinator-for-strategic-communications-john-kirby-6.md",
    "2021-07/2021-07-21-press-gaggle-by-press-secretary-jen-psaki-aboard-air-force-one-en-route-cincinnati-oh.md",
    "2022-05/2022-05-13-press-briefing-by-press-secretary-jen-psaki-may-13-2022.md",
    "2022-08/2022-08-31-press-briefing-by-press-secretary-karine-jean-pierre-august-31-2022.md",
    "2022-01/2022-01-11-press-gaggle-by-press-secretary-jen-psaki-en-route-atlanta-georgia.md",
    "2022-08/2022-08-05-press-briefing-by-press-secretary-karine-jean-pierre-august-5-2022.md",
    "2022-07/2022-07-29-press-briefing-by-press-secretary-karine-jean-pierre-july-29-2022.md",
    "2021-10/2021-10-27-press-briefing-by-press-secretary-jen-psaki.md",
]
_FOLD = re.compile(r"[\W_]+", re.UNICODE)


def fold(text: str) -> str:
    return _FOLD.sub("", unicodedata.normalize("NFKC", text).casefold())


def queries(with_wh: bool) -> list[tuple[str, str, dict]]:
    """(name, query, filters): the seed cases, and with the briefings the judged English queries."""
    out = []
    seed = json.loads((SHARED / "gold" / "queries.seed.json").read_text(encoding="utf-8")) \
        if (SHARED / "gold" / "queries.seed.json").is_file() else {"cases": []}
    for n, case in enumerate(seed["cases"]):
        opts = case.get("options", [])
        filters = {opts[i].lstrip("-"): opts[i + 1] for i in range(0, len(opts), 2)}
        out.append((f"seed-{n}", case.get("query"), filters))
    if with_wh:
        judged = json.loads((Path(__file__).resolve().parent / "relevance" / "queries.json").read_text(encoding="utf-8"))
        out += [(q["id"], q["query"], {}) for q in judged["queries"] if q["group"] in ("topical", "en")]
    return out


def pins_of(archive: Archive, with_wh: bool) -> dict[str, list[str]]:
    got = {}
    for name, query, filters in queries(with_wh):
        result = search(archive, query, Filters(**filters), limit=TOP, translate=False)
        got[name] = [hit["turn"]["kind"] + ":" + fold(" ".join(hit["turn"]["paragraphs"]))[:64] for hit in result.hits]
    return got


@pytest.fixture(scope="module")
def archives(tmp_path_factory):
    """part -> (archive, with the briefings): the sample alone, or with the eight briefings (skipped
    when ../shared/real-archives is not here); each built once for this module."""
    built: dict[str, Archive] = {}
    wh = SHARED / "real-archives" / "whitehouse"

    def get(part: str) -> Archive:
        if part not in built:
            sources = [sample_path()]
            if part == "sample+whitehouse":
                if not all((wh / f).is_file() for f in WH_FILES):
                    pytest.skip("../shared/real-archives is not beside the checkout")
                sources += [wh / f for f in WH_FILES]
            archive = Archive(tmp_path_factory.mktemp("pins"))
            for path in sources:
                archive.add_bytes(path.read_bytes(), path.name)
            built[part] = archive
        return built[part]

    return get


@pytest.mark.parametrize("part", ["sample", "sample+whitehouse"])
def test_top_hits_are_pinned(archives, part, monkeypatch):
    monkeypatch.setattr(index, "BUILD_LEXICON", False)  # the pins search without translations
    if not (SHARED / "gold" / "queries.seed.json").is_file():
        pytest.skip("../shared/gold is not beside the checkout")
    got = pins_of(archives(part), part == "sample+whitehouse")
    pins = json.loads(PINS.read_text(encoding="utf-8")) if PINS.is_file() else {}
    if os.environ.get("PRESSARCHIVE_UPDATE_PINS"):
        pins[part] = got
        PINS.write_text(json.dumps(pins, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    want = pins.get(part)
    assert want is not None, "no pins yet: PRESSARCHIVE_UPDATE_PINS=1 writes them"
    moved = {name: (want.get(name), hits) for name, hits in got.items() if want.get(name) != hits}
    assert not moved, ("the top hits moved (measure with tests/relevance/evaluate.py, then rewrite the pins, "
                       f"see this module's docstring): {json.dumps(moved, ensure_ascii=False)[:1500]}")
