"""Queries: a query string and filters -> ranked hits (``hits.make_hit``) with highlight offsets.

Query syntax (Whoosh's, tightened): words (all must match), ``"phrases"``, ``AND`` / ``OR`` /
``NOT``, ``-word``, ``(groups)``, ``word*``, ``field:value`` for the fields in ``FIELDS``. The text
of a turn is searched with its question (for an answer, at a lower weight), Chinese also through
character bigrams, and with ``translate=True`` each term is OR-ed with its translations
(translate.py's lexicon, built with the index) at the lower weight the lexicon gives.

Filters narrow without changing the ranking; an unknown value (a region, outlet, speaker or
conference the archive does not hold) is a ``QueryError`` whose hint lists the known values.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from pressarchive.errors import QueryError
from pressarchive.records import KINDS

if TYPE_CHECKING:  # pragma: no cover
    from pressarchive.records import Record
    from pressarchive.store import Archive

SORTS = ("relevance", "date")
# A passage in the other language, found only through a translation, keeps this share of its score, so
# that passages in the language typed come first and translations follow.
TRANSLATION_DAMPING = 0.5
MAX_QUERY_CHARS = 1000
# Matches are counted up to this many (or the page size, if larger); beyond it a search reports
# "at least COUNT_LIMIT": an exact count is a second pass over every match (docs/performance.md).
COUNT_LIMIT = 1000
COUNT_DEFAULT = object()  # count_limit not given: COUNT_LIMIT

# fields searched by words without a field name, with their weights
DEFAULT_FIELDS = {"text": 1.0, "cjk": 0.7, "question": 0.35, "qcjk": 0.25, "speaker": 0.3}
# fields a translation is looked for in, by the translation's language
ZH_TARGET_FIELDS = {"cjk": 1.0, "qcjk": 0.35}
EN_TARGET_FIELDS = {"text": 1.0, "question": 0.35}
# field names a query may use (``region:Shanghai``): name -> schema field
FIELDS = {
    "text": "text", "question": "question", "speaker": "speaker", "title": "title", "org": "org",
    "organization": "org", "organisation": "org", "role": "role", "region": "region",
    "mentions": "mentions", "outlet": "outlet", "kind": "kind", "lang": "lang",
    "conference": "conference", "date": "date", "id": "id",
}
MAX_HINT_VALUES = 30
_HAN = re.compile(r"[\u3400-\u9fff]")
_HAN_WORD = re.compile(r"[\u3400-\u9fff]+")
_QUOTES = str.maketrans({c: '"' for c in "“”„‟〝〞＂「」『』"} | {"（": "(", "）": ")"})
_FIELD_REF = re.compile(r"(?<![\w.\-:])([A-Za-z_][A-Za-z_]*):")
_QUOTED = re.compile(r'"[^"]*"')
_OPERATOR = re.compile(r"^(?:AND|OR|NOT|ANDNOT|ANDMAYBE)$")
_BOOST_MARK = re.compile(r"\^([^\s()\"^]*)")  # what follows a caret, up to a space or bracket
_BOOST_NUMBER = re.compile(r"^[0-9]*(?:\.[0-9]+)?$")  # as Whoosh's boost plugin reads one
_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


@dataclass
class Filters:
    """What to narrow a search to; ``None`` means no restriction."""

    speaker: str | None = None  # English, Chinese or pinyin name, any case (a prefix is enough)
    region: str | None = None  # the speaker's region, e.g. "Shanghai" or "National"
    outlet: str | None = None  # the asking outlet (of a question, or of an answer's question)
    kind: str | None = None  # statement / question / answer
    lang: str | None = None  # en / zh (a mixed turn counts as both)
    since: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD, inclusive
    until: str | None = None
    conference: str | None = None  # a conference id (or an unambiguous prefix of one)

    def any(self) -> bool:
        return any(v not in (None, "") for v in asdict(self).values())

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}


@dataclass
class SearchResult:
    """The hits shown (at most ``limit``), how many turns matched in all, and the query's terms."""

    hits: list[dict[str, Any]]
    total: int
    query_terms: list[str] = field(default_factory=list)
    expansions: list[dict[str, Any]] = field(default_factory=list)
    total_exact: bool = True  # False: at least ``total`` turns matched (counting stopped there)


# --- the query ----------------------------------------------------------------------------------
def _parser(schema, fields: dict[str, float] | None = None):
    from whoosh import qparser

    fields = fields or DEFAULT_FIELDS
    parser = qparser.MultifieldParser(list(fields), schema, fieldboosts=fields)
    parser.remove_plugin_class(qparser.SingleQuotePlugin)  # "Xiong'an" is a word, not a quote
    # -word excludes; a hyphen inside a word ("Chengdu-Chongqing") does not
    parser.add_plugin(qparser.PlusMinusPlugin(minusexpr=r"(?<![^\s(])-(?=[^\s)])"))
    aliases: dict[str, list[str]] = {}
    for name, target in FIELDS.items():
        if name != target:
            aliases.setdefault(target, []).append(name)
    parser.add_plugin(qparser.FieldAliasPlugin(aliases))
    return parser


def normalize_query(text: str) -> str:
    """Curly and full-width quotes and brackets made ASCII, so they work as syntax; field names in
    lower case; a question mark outside a phrase is punctuation, not a one-character wildcard
    (``*`` still is one)."""
    text = (text or "").translate(_QUOTES)
    parts = text.split('"')
    parts[::2] = [_FIELD_REF.sub(lambda m: m.group(1).lower() + ":", p.replace("?", " ")) for p in parts[::2]]
    return '"'.join(parts).strip()


def check_syntax(text: str) -> None:
    """Raise QueryError for what Whoosh would silently misread: open quotes or brackets,
    unknown field names, operators with nothing on one side."""
    if text.count('"') % 2:
        raise QueryError("unbalanced quote in the query", hint='close the phrase, e.g. "green factories"')
    bare = _QUOTED.sub(" ", text)
    depth = 0
    for ch in bare:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            break
    if depth != 0:
        raise QueryError("unbalanced parenthesis in the query", hint="close every ( with a )")
    for m in _BOOST_MARK.finditer(bare):
        value = m.group(1)
        if value and not (_BOOST_NUMBER.match(value) and 0 < float(value) < float("inf")):
            raise QueryError(f"the boost ^{value} is not a positive number",
                             hint='boost a word with a positive number, e.g. clusters^2 (quote a caret: "a^b")')
    for m in _FIELD_REF.finditer(bare):
        if m.group(1).lower() not in FIELDS:
            raise QueryError(f"unknown field {m.group(1)!r} in the query",
                             hint="fields: " + ", ".join(sorted(FIELDS)) + ' (quote a colon: "a:b")')
    phrased = _QUOTED.sub(' "" ', text)  # a phrase is a term an operator can join
    words = phrased.replace("(", " ( ").replace(")", " ) ").split()
    for i, w in enumerate(words):
        if not _OPERATOR.match(w):
            continue
        before = words[i - 1] if i else "("
        after = words[i + 1] if i + 1 < len(words) else ")"
        if after == ")" or _OPERATOR.match(after) and after != "NOT" or (w != "NOT" and before == "("):
            raise QueryError(f"the operator {w} has nothing to join",
                             hint='put words on both sides (a AND b, a OR b, NOT a); lower-case "and" is a word')


def parse_query(text: str, schema):
    """The Whoosh query for ``text``; QueryError when it is malformed or holds nothing to search."""
    from whoosh import query as wq

    text = normalize_query(text)
    if len(text) > MAX_QUERY_CHARS:  # the parser is quadratic in a token's length
        raise QueryError(f"the query is {len(text)} characters long; at most {MAX_QUERY_CHARS} are searched",
                         hint="search for the key words or phrases, not a whole passage")
    check_syntax(text)
    try:
        q = _parser(schema).parse(text)
    except Exception as err:  # noqa: BLE001 - the parser raises whatever its plugins raise
        raise QueryError(f"cannot parse the query {text!r}", hint='use words, "phrases", AND, OR, NOT, -word, field:value') from err
    errors = [getattr(n, "error", None) for n in _all_nodes(q)]
    errors = [e for e in errors if e]
    if errors:
        raise QueryError(f"cannot parse the query {text!r} ({errors[0]})".replace("\n", " "),
                         hint='use words, "phrases", AND, OR, NOT, -word, field:value')
    if any(getattr(n, "boost", 1.0) <= 0 for n in _all_nodes(q)):
        raise QueryError(f"a boost in {text!r} is zero or negative", hint="boost a word with a positive number, e.g. clusters^2")
    q = _simplify(_lone_characters(q))
    if q is wq.NullQuery or not list(_positive_leaves(q)):
        raise QueryError(f"the query {text!r} has no words to look for",
                         hint="give at least one word or phrase that is not excluded with - or NOT")
    return q


BIGRAM_FIELDS = ("cjk", "qcjk")


def _lone_characters(q):
    """A one-character term on a bigram field becomes the prefix query ``char*``: the index holds a
    character as the first half of a bigram, or alone at the end of a run (analysis.CJKBigramTokenizer)."""
    from whoosh import query as wq

    if isinstance(q, wq.Term) and q.fieldname in BIGRAM_FIELDS:
        text = _text(q.text)
        if len(text) == 1:
            return wq.Prefix(q.fieldname, text, boost=q.boost)
        return q
    if q is None or q.is_leaf():
        return q
    return q.apply(_lone_characters)


def _prefer_words(q, reader):
    """``q`` without the CJK bigram phrases that spell a Chinese word (or phrase of words) also
    searched, in the same group, on a word field whose terms the index holds: since the index
    carries the dictionary words inside longer words (analysis.subwords), the word query finds what
    the bigram phrase would, and span matching over frequent bigrams was most of a Chinese query's
    time. A string that is not made of index words keeps its bigram phrase (sub-word recall)."""
    from whoosh import query as wq

    if q is None or q.is_leaf():
        return q
    q = q.apply(lambda child: _prefer_words(child, reader))
    if not isinstance(q, wq.Or):
        return q
    covered = set()
    for sub in q.subqueries:
        words = _han_words(sub, ("text", "question"))
        if words and all(_in_reader(reader, sub.fieldname, w) for w in words):
            covered.add("".join(words))
    if not covered:
        return q
    kept = [sub for sub in q.subqueries if _bigram_string(sub) not in covered]
    if len(kept) == len(q.subqueries):
        return q
    clone = q.copy()
    clone.subqueries = kept
    return clone


def _han_words(sub, fields: tuple[str, ...]) -> tuple[str, ...] | None:
    from whoosh import query as wq

    if getattr(sub, "fieldname", None) not in fields:
        return None
    if isinstance(sub, wq.Term):
        words = (_text(sub.text),)
    elif isinstance(sub, wq.Phrase):
        words = tuple(_text(w) for w in sub.words)
    else:
        return None
    return words if words and all(_HAN_WORD.fullmatch(w) for w in words) else None


def _bigram_string(sub) -> str | None:
    """The Chinese string a bigram-field Term or Phrase spells, else None."""
    from whoosh import query as wq

    if getattr(sub, "fieldname", None) not in BIGRAM_FIELDS:
        return None
    if isinstance(sub, wq.Term):
        return _text(sub.text)
    if isinstance(sub, wq.Phrase) and sub.words:
        words = [_text(w) for w in sub.words]
        if all(a[-1] == b[0] for a, b in zip(words, words[1:])):
            return words[0] + "".join(w[-1] for w in words[1:])
    return None


def _in_reader(reader, fieldname: str, word: str) -> bool:
    try:
        return (fieldname, word) in reader
    except Exception:  # noqa: BLE001 - then the bigram phrase stays
        return False


def _all_nodes(q):
    if q is None:
        return
    yield q
    if not q.is_leaf():
        for child in q.children():
            yield from _all_nodes(child)


def _simplify(q):
    from whoosh import query as wq

    try:
        return q.normalize()
    except Exception:  # noqa: BLE001 - an odd tree is still searchable as it is
        return q if q is not None else wq.NullQuery


def _positive_leaves(q):
    """The leaves of ``q`` that a hit matches (those under NOT / ANDNOT's right side left out)."""
    from whoosh import query as wq

    if q is None or q is wq.NullQuery:
        return
    if isinstance(q, wq.Not):
        return
    if isinstance(q, wq.AndNot):
        yield from _positive_leaves(q.a)
        return
    if q.is_leaf():
        yield q
        return
    for child in q.children():
        yield from _positive_leaves(child)


def _terms(q) -> set[tuple[str, str]]:
    """(field, text) of every positive term, phrase words included."""
    out: set[tuple[str, str]] = set()
    for leaf in _positive_leaves(q):
        try:
            for fname, text in leaf.terms(phrases=True):
                out.add((fname, text.decode("utf-8") if isinstance(text, bytes) else str(text)))
        except Exception:  # noqa: BLE001 - wildcard-like leaves have no fixed terms
            continue
    return out


# --- cross-language expansion -------------------------------------------------------------------
def _load_lexicon(index_dir: Path):
    try:
        from pressarchive import translate
    except ImportError:  # pragma: no cover - translate.py is optional
        return None, None
    path = Path(index_dir) / translate.LEXICON_FILE
    if not path.is_file():
        return translate, None
    try:
        return translate, translate.load_lexicon(path)
    except Exception:  # noqa: BLE001 - a broken lexicon only means no expansion; `reindex` rebuilds it
        return translate, None


def expand_query(q, text: str, schema, index_dir: Path, reader=None):
    """``q`` with each translated term OR-ed with its translations (at their lower weights),
    and the expansions used as ``[{"typed", "target", "lang", "weight"}]``."""
    from whoosh import query as wq

    translate, lexicon = _load_lexicon(index_dir)
    if translate is None or not lexicon:
        return q, []
    try:
        expansions = translate.expand(normalize_query(text), lexicon)
    except Exception:  # noqa: BLE001 - expansion is a bonus; the query stands without it
        return q, []
    parser = _parser(schema)
    # Chinese targets are looked for through the bigram fields only: no segmenter to load (rjieba
    # takes ~0.13 s) for an English query; English targets through the word fields.
    target_parsers = {"zh": _parser(schema, ZH_TARGET_FIELDS), "en": _parser(schema, EN_TARGET_FIELDS)}
    by_typed: dict[str, list[Any]] = {}
    for e in expansions:
        by_typed.setdefault(e.typed, []).append(e)
    used: list[dict[str, Any]] = []
    for typed, group in by_typed.items():
        try:
            typed_q = _simplify(_lone_characters(parser.parse(typed.replace('"', " "))))
            if reader is not None:
                typed_q = _prefer_words(typed_q, reader)  # as search_index did to the whole query
        except Exception:  # noqa: BLE001
            continue
        alts = []
        notes: list[dict[str, Any]] = []
        for e in group:
            try:
                if e.lang == "zh" and _one_cjk_word(e.target) and reader is not None and _has_word(reader, e.target):
                    # the lexicon's Chinese targets are words of the index itself (segmented at build time):
                    # a term lookup, no segmenter and no bigram phrase (span matching is slow at scale)
                    alt = wq.Or([wq.Term("text", e.target), wq.Term("question", e.target, boost=0.35)])
                else:
                    target_parser = target_parsers.get(e.lang, parser)
                    alt = _simplify(target_parser.parse('"' + e.target.replace('"', " ") + '"'))
            except Exception:  # noqa: BLE001
                continue
            if alt is wq.NullQuery or isinstance(alt, type(wq.NullQuery)):
                continue
            alts.append(alt.with_boost(alt.boost * float(e.weight)))  # Or([alt], boost=w) loses w when normalised
            notes.append({"typed": e.typed, "target": e.target, "lang": e.lang, "weight": float(e.weight),
                          "_as_word": isinstance(alt, wq.Or) and isinstance(alt.subqueries[0], wq.Term)
                          and alt.subqueries[0].fieldname == "text"})
        kept = _drop_subsumed_phrases(alts)
        used.extend(note for alt, note in zip(alts, notes) if any(alt is k for k in kept))
        alts = kept
        if alts:
            q, _ = _replace(q, typed_q, alts)
    return q, used


def _drop_subsumed_phrases(alts: list) -> list:
    """The translations of one typed term without the phrases that hold another translation's one
    word ("manufacturing industry" beside "manufacturing"): the phrase matches none but turns the word
    matches already, at a near weight, and matching phrases (positions of every turn holding both
    words) was most of such a query's time. The phrase's turns still rank by that word."""
    from whoosh import query as wq

    def leaves(alt) -> list:
        return [alt] if alt.is_leaf() else list(alt.leaves())

    def words(alt) -> set[tuple[str, str]] | None:
        """(field, word) of every term and phrase word; None when there are other kinds of leaves."""
        out: set[tuple[str, str]] = set()
        for leaf in leaves(alt):
            if isinstance(leaf, wq.Term):
                out.add((leaf.fieldname, _text(leaf.text)))
            elif isinstance(leaf, wq.Phrase):
                out.update((leaf.fieldname, _text(w)) for w in leaf.words)
            else:
                return None
        return out

    def is_phrase(alt) -> bool:
        return any(isinstance(leaf, wq.Phrase) for leaf in leaves(alt))

    singles = [w for w in (words(alt) for alt in alts if not is_phrase(alt)) if w]

    def subsumed(alt) -> bool:
        mine = words(alt) if is_phrase(alt) else None
        fields = {f for f, _ in mine} if mine else set()
        return bool(mine) and any(w <= mine and {f for f, _ in w} == fields for w in singles)

    return [alt for alt in alts if not subsumed(alt)]


def _has_word(reader, word: str) -> bool:
    try:
        return ("text", word) in reader or ("question", word) in reader
    except Exception:  # noqa: BLE001 - then the bigram phrase stands in
        return False


def _one_cjk_word(target: str) -> bool:
    return bool(re.fullmatch(r"[\u3400-\u9fff]{2,12}", target))


def _replace(node, typed_q, alts):
    """Put ``Or(typed_q, *alts)`` where ``typed_q`` occurs in ``node`` (not under a NOT)."""
    from whoosh import query as wq

    if node == typed_q:
        return wq.Or([node, *alts]), True
    if isinstance(node, (wq.Not,)) or node.is_leaf():
        return node, False
    if isinstance(node, wq.AndNot):
        a, done = _replace(node.a, typed_q, alts)
        return wq.AndNot(a, node.b), done
    if isinstance(node, wq.And) and isinstance(typed_q, wq.And):
        subs, want = list(node.subqueries), list(typed_q.subqueries)
        for i in range(len(subs) - len(want) + 1):
            if subs[i:i + len(want)] == want:
                group = wq.Or([wq.And(want), *alts])
                return wq.And(subs[:i] + [group] + subs[i + len(want):], boost=node.boost), True
    if isinstance(node, wq.CompoundQuery):
        changed = False
        subs = []
        for sub in node.subqueries:
            new, done = _replace(sub, typed_q, alts)
            subs.append(new)
            changed = changed or done
        if changed:
            clone = node.copy()
            clone.subqueries = subs
            return clone, True
    return node, False


# --- filters ------------------------------------------------------------------------------------
def _lexicon(reader, fieldname: str) -> list[str]:
    try:
        return [t.decode("utf-8") if isinstance(t, bytes) else t for t in reader.lexicon(fieldname)]
    except Exception:  # noqa: BLE001 - an empty or missing field
        return []


def _hint(kind: str, values: Iterable[str]) -> str:
    values = sorted(set(values), key=str.casefold)
    if not values:
        return f"the archive holds no {kind} yet"
    shown = ", ".join(values[:MAX_HINT_VALUES])
    more = f" (and {len(values) - MAX_HINT_VALUES} more)" if len(values) > MAX_HINT_VALUES else ""
    return f"known {kind}: {shown}{more}"


def _check_date(value: str, option: str) -> str:
    value = value.strip()
    if not _DATE.match(value):
        raise QueryError(f"{option} {value!r} is not a date", hint="use YYYY, YYYY-MM or YYYY-MM-DD")
    parts = [int(p) for p in value.split("-")] + [1, 1]
    try:
        _dt.date(parts[0], parts[1], parts[2])
    except ValueError as err:
        raise QueryError(f"{option} {value!r} is not a date ({err})", hint="use YYYY, YYYY-MM or YYYY-MM-DD") from err
    return value


def filter_query(reader, filters: Filters | None):
    """The Whoosh query that keeps what ``filters`` allow (None: keep all); QueryError on an
    unknown value, with the known values as a hint."""
    from whoosh import query as wq

    from pressarchive.analysis import key

    if filters is None or not filters.any():
        return None
    parts = []
    if filters.kind:
        kind = filters.kind.strip().lower()
        if kind not in KINDS:
            raise QueryError(f"unknown kind {filters.kind!r}", hint="kinds: " + ", ".join(KINDS))
        parts.append(wq.Term("kind", kind))
    if filters.lang:
        lang = filters.lang.strip().lower()
        if lang not in ("en", "zh"):
            raise QueryError(f"unknown language {filters.lang!r}", hint="languages: en, zh")
        parts.append(wq.Term("lang", lang))
    if filters.region:
        k = key(filters.region)
        if not k or reader.doc_frequency("region", k) == 0:
            raise QueryError(f"no speaker from region {filters.region!r} in the archive",
                             hint=_hint("regions", _lexicon(reader, "region_label")))
        parts.append(wq.Term("region", k))
    if filters.speaker:
        parts.append(_resolve(reader, filters.speaker, "speaker_key", prefix=True, what="speaker",
                              labels="speaker_label", plural="speakers"))
    if filters.outlet:
        parts.append(_resolve(reader, filters.outlet, "outlet_key", prefix=False, what="outlet",
                              labels="outlet_label", plural="outlets"))
    if filters.conference:
        cid = filters.conference.strip()
        ids = _lexicon(reader, "conference")
        if cid in ids:
            parts.append(wq.Term("conference", cid))
        else:
            matches = [i for i in ids if i.startswith(cid)] if cid else []
            if len(matches) != 1:
                what = "matches several conferences" if matches else "is not in the archive"
                raise QueryError(f"conference {cid!r} {what}", hint=_hint("conferences", matches or ids))
            parts.append(wq.Term("conference", matches[0]))
    since = _check_date(filters.since, "--since") if filters.since else None
    until = _check_date(filters.until, "--until") if filters.until else None
    if since and until and since > until[: len(since)]:
        raise QueryError(f"--since {since} is after --until {until}")
    if since or until:
        parts.append(wq.TermRange("date", since, (until + "\uffff") if until else None))
    return parts[0] if len(parts) == 1 else wq.And(parts)


def _resolve(reader, value: str, fieldname: str, prefix: bool, what: str, labels: str, plural: str):
    """Terms of ``fieldname`` for a name typed any way: the exact key, else keys it begins
    (``prefix``) or is part of; QueryError listing the labels when nothing matches."""
    from whoosh import query as wq

    from pressarchive.analysis import key

    k = key(value)
    if k and reader.doc_frequency(fieldname, k):
        return wq.Term(fieldname, k)
    keys = _lexicon(reader, fieldname)
    if k and (len(k) >= 2 or not k.isascii()):
        found = [t for t in keys if (t.startswith(k) if prefix else k in t)]
        if found:
            return wq.Or([wq.Term(fieldname, t) for t in found])
    raise QueryError(f"no {what} {value!r} in the archive", hint=_hint(plural, _lexicon(reader, labels)))


# --- highlighting -------------------------------------------------------------------------------
@dataclass
class Wanted:
    """What to highlight: analysed words and word sequences (phrases) of the main text analyser,
    and folded Chinese strings (from the bigram field)."""

    words: set[str] = field(default_factory=set)
    phrases: list[tuple[str, ...]] = field(default_factory=list)
    strings: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.words or self.phrases or self.strings)


def highlight_spans(text: str, wanted: Wanted) -> list[tuple[int, int]]:
    """Where in ``text`` (offsets into it as written) the query matched; overlapping or touching
    spans are merged, so a Chinese phrase is one span."""
    from pressarchive.analysis import bilingual_analyzer, fold_with_offsets

    spans: list[tuple[int, int]] = []
    # Chinese words are found as strings (the index also matched them inside longer words, see
    # analysis.subwords); the words are analysed as a query is, which skips jieba's search mode
    chinese = {w for w in wanted.words if _HAN.search(w)}
    if chinese:
        wanted = Wanted(words=wanted.words - chinese, phrases=wanted.phrases,
                        strings=sorted(set(wanted.strings) | chinese, key=len, reverse=True))
    if wanted.words or wanted.phrases:
        tokens = [(t.text, t.startchar, t.endchar) for t in bilingual_analyzer()(text, chars=True, mode="query")]
        words = [w for w, _, _ in tokens]
        spans.extend((s, e) for w, s, e in tokens if w in wanted.words)
        for phrase in wanted.phrases:
            n = len(phrase)
            for i in range(len(words) - n + 1):
                if tuple(words[i:i + n]) == phrase:
                    spans.append((tokens[i][1], tokens[i + n - 1][2]))
    if wanted.strings:
        folded, offsets = fold_with_offsets(text)
        for p in wanted.strings:
            start = folded.find(p)
            while start != -1:
                end = start + len(p)
                spans.append((offsets[start], offsets[end]) if offsets is not None else (start, end))
                start = folded.find(p, start + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def wanted_for(q, matched: set[tuple[str, str]], words_field: str, cjk_field: str) -> Wanted:
    """What a hit should highlight: the positive leaves of ``q`` on ``words_field`` / ``cjk_field``
    whose terms the hit matched (``matched``: (field, text) pairs)."""
    from whoosh import query as wq

    want = Wanted()
    strings: set[str] = set()
    for leaf in _positive_leaves(q):
        fname = getattr(leaf, "fieldname", None)
        if isinstance(leaf, wq.Phrase):
            words = tuple(_text(w) for w in leaf.words)
            if not words or not all((fname, w) in matched for w in words):
                continue
            if fname == words_field:
                if len(words) == 1:
                    want.words.add(words[0])
                else:
                    want.phrases.append(words)
            elif fname == cjk_field and all(a[-1] == b[0] for a, b in zip(words, words[1:])):
                strings.add(words[0] + "".join(w[-1] for w in words[1:]))
        elif isinstance(leaf, wq.Term):
            text = _text(leaf.text)
            if (fname, text) not in matched:
                continue
            if fname == words_field:
                want.words.add(text)
            elif fname == cjk_field:
                strings.add(text)
        elif fname == cjk_field and isinstance(leaf, wq.Prefix) and len(_text(leaf.text)) == 1:
            strings.add(_text(leaf.text))  # a one-character query (_lone_characters)
        elif fname == words_field:  # wildcards, prefixes, ranges: whatever of theirs matched
            want.words.update(t for f, t in matched if f == words_field)
    want.strings = sorted(strings, key=len, reverse=True)
    return want


# --- searching ----------------------------------------------------------------------------------
def search(
    archive: "Archive",
    query: str | None,
    filters: Filters | None = None,
    limit: int = 10,
    sort: str = "relevance",
    translate: bool = True,
    progress=None,
    count_limit: Any = COUNT_DEFAULT,
) -> SearchResult:
    """Search the archive (building or refreshing its index first when needed, reporting to
    ``progress(done, total)`` while it does). Matches are counted up to ``count_limit`` (None:
    all of them, a second pass over every match; by default COUNT_LIMIT)."""
    from pressarchive.index import ensure_index

    ix = ensure_index(archive, progress, lexicon=translate)
    try:
        return search_index(ix, archive.get, query, filters, limit, sort, translate,
                            index_dir=Path(archive.index_dir), count_limit=count_limit)
    finally:
        ix.close()


def search_index(ix, get_record, query: str | None, filters: Filters | None = None, limit: int = 10,
                 sort: str = "relevance", translate: bool = True, index_dir: Path | None = None,
                 count_limit: Any = COUNT_DEFAULT) -> SearchResult:
    """Search an open Whoosh index; ``get_record(conference id)`` supplies the records for hits."""
    from whoosh import query as wq
    from whoosh import sorting

    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort!r}", hint="sorts: " + ", ".join(SORTS))
    if limit is None or limit < 1:
        raise QueryError(f"--limit must be 1 or more, not {limit}")
    text = (query or "").strip()
    if not text and not (filters and filters.any()):
        raise QueryError("give a query or a filter", hint="e.g. pressarchive search 集成电路, or --speaker \"Li Feng\"")
    expansions: list[dict[str, Any]] = []
    if text:
        q = parse_query(text, ix.schema)  # malformed queries fail before the index is opened
    by_date = sorting.MultiFacet([
        sorting.FieldFacet("date", reverse=True), sorting.FieldFacet("conference"), sorting.FieldFacet("seq"),
    ])
    sortedby = by_date if (sort == "date" or not text) else None
    try:
        reader = getattr(ix, "checked_reader", None)  # opened by ensure_index to check the index
        if reader is not None:
            from whoosh.searching import Searcher

            ix.checked_reader = None
            searcher = Searcher(reader, fromindex=ix)
        else:
            searcher = ix.searcher()
    except Exception as err:  # noqa: BLE001
        from pressarchive.errors import IndexError_

        raise IndexError_(f"the search index is unreadable ({err})", hint="run `pressarchive reindex`") from err
    with searcher:
        if text:
            q = _prefer_words(q, searcher.reader())
        if text and translate and index_dir is not None:
            q, expansions = expand_query(q, text, ix.schema, index_dir, reader=searcher.reader())
        elif not text:
            q = wq.Every()
        fq = filter_query(searcher.reader(), filters)
        rerank = bool(expansions) and sortedby is None
        fetch = limit * 2 + 10 if rerank else limit  # room to re-rank cross-language hits below
        # No term records (terms=True visits every match and defeats Whoosh's block skipping): the
        # terms each hit matched are looked up in the postings for the page only (_matched_terms).
        results = searcher.search(q, limit=fetch, filter=fq, sortedby=sortedby)
        total, exact = _count(searcher, results, q, fq, fetch, count_limit)
        terms = _terms(q) if text else set()
        matched_by_doc = _matched_terms(searcher.reader(), [h.docnum for h in results], terms) if text else {}
        # (conference id, turn id, score, matched terms, the turn's language): records are loaded
        # for the page only, after the re-rank, which reads the language stored in the index
        found = [(hit.get("conference") or hit["id"].rsplit(":", 1)[0], hit["id"],
                  hit.score if sortedby is None else None, matched_by_doc.get(hit.docnum) or terms,
                  hit.get("tlang")) for hit in results]
    if rerank:
        found = _prefer_typed_language(found, text, expansions)
    records: dict[str, "Record"] = {}
    hits = []
    for conf_id, turn_id, score, matched, _ in found:
        if len(hits) == limit:
            break
        if conf_id not in records:
            records[conf_id] = get_record(conf_id)
        turn = records[conf_id].turn(turn_id)
        if turn is not None:  # else the index is behind its record: skip the turn
            hits.append(_hit(records[conf_id], turn, score, q if text else None, matched, expansions))
    everything = wanted_for(q, terms, "text", "cjk") if text else Wanted()
    query_terms = sorted(everything.words | {" ".join(p) for p in everything.phrases} | set(everything.strings))
    expansions = [{k: v for k, v in e.items() if not k.startswith("_")} for e in expansions]
    return SearchResult(hits=hits, total=total, query_terms=query_terms, expansions=expansions, total_exact=exact)


def _count(searcher, results, q, fq, fetch: int, count_limit: int | None) -> tuple[int, bool]:
    """(matches, exact) of a search: all of them when fewer than the page were found, else counted
    in one unscored pass that stops after ``max(count_limit, fetch)`` (None: never stops)."""
    from itertools import islice

    from whoosh import query as wq

    shown = results.scored_length()
    if shown < fetch:  # the collector saw every match (a filtered search's len() counts before filtering)
        return shown, True
    both = q if fq is None else wq.And([q, fq])
    docs = searcher.docs_for_query(both)
    if count_limit is COUNT_DEFAULT:  # read at call time, so the setting can be changed
        count_limit = COUNT_LIMIT
    if count_limit is None:
        return sum(1 for _ in docs), True
    cap = max(int(count_limit), fetch)
    n = sum(1 for _ in islice(docs, cap + 1))
    return (n, True) if n <= cap else (cap, False)


def _matched_terms(reader, docnums: list[int], terms: set[tuple[str, str]]) -> dict[int, set[tuple[str, str]]]:
    """docnum -> the query terms (field, text) that occur in that document, for ``docnums`` only:
    one skip through each term's postings, so the cost does not grow with the number of matches."""
    out: dict[int, set[tuple[str, str]]] = {d: set() for d in docnums}
    wanted = sorted(set(docnums))
    for fieldname, text in terms:
        try:
            if (fieldname, text) not in reader:
                continue
            m = reader.postings(fieldname, text)
            for docnum in wanted:
                if not m.is_active():
                    break
                if m.id() < docnum:
                    m.skip_to(docnum)
                    if not m.is_active():
                        break
                if m.id() == docnum:
                    out[docnum].add((fieldname, text))
        except Exception:  # noqa: BLE001 - a term the reader cannot look up matches nothing shown
            continue
    return out


def _prefer_typed_language(found: list[tuple], text: str, expansions: list[dict[str, Any]]) -> list[tuple]:
    """Passages found only through a translation, in the other language than the one typed, keep
    TRANSLATION_DAMPING of their score: the typed language's matches come first, translations follow."""
    typed_zh = bool(re.search(r"[\u3400-\u9fff]", text or ""))
    out = []
    for conf_id, turn_id, score, matched, lang in found:
        other = (lang == "en") if typed_zh else (lang == "zh")
        if score is not None and other and any(_expansion_matched(e, matched) for e in expansions):
            score = score * TRANSLATION_DAMPING
        out.append((conf_id, turn_id, score, matched, lang))
    return sorted(out, key=lambda f: -(f[2] or 0.0))


def _hit(record: "Record", turn, score, q, matched: set[tuple[str, str]],
         expansions: list[dict[str, Any]]) -> dict[str, Any]:
    from pressarchive.hits import make_hit

    highlights = []
    surfaces: list[str] = []

    def note(text: str) -> None:
        if text.casefold() not in (s.casefold() for s in surfaces):
            surfaces.append(text)

    if q is not None:
        want = wanted_for(q, matched, "text", "cjk")
        for i, para in enumerate(turn.paragraphs):
            for s, e in highlight_spans(para, want) if want else ():
                highlights.append({"paragraph": i, "start": s, "end": e})
                note(para[s:e])
        if not surfaces and turn.kind == "answer" and turn.question:
            question = record.turn(turn.question)
            want = wanted_for(q, matched, "question", "qcjk")
            for para in question.paragraphs if question is not None and want else ():
                for s, e in highlight_spans(para, want):
                    note(para[s:e])
    translated = []
    for e in expansions:
        if _expansion_matched(e, matched):
            item = {"typed": e["typed"], "matched": e["target"]}
            if item not in translated:
                translated.append(item)
    return make_hit(record, turn, score=round(score, 4) if score is not None else None,
                    highlights=highlights, matched_terms=surfaces[:12], translated_from=translated)


# --- one turn in its context (`show`) -----------------------------------------------------------
def split_turn_id(turn_id: str) -> tuple[str, int]:
    """``"<conference id>:<seq>"`` -> (conference id, seq); NotFoundError when it is not one."""
    from pressarchive.errors import NotFoundError

    conf_id, sep, seq = (turn_id or "").strip().rpartition(":")
    if not sep or not conf_id or not seq.isdigit():
        raise NotFoundError(f"{turn_id!r} is not a turn id",
                            hint="turn ids look like 2022-09-27-miit-3f9a1c:026 (see the last line of each hit)")
    return conf_id, int(seq)


def turn_context(archive: "Archive", turn_id: str, neighbours: int = 1) -> dict[str, Any]:
    """A turn as a hit, with the question it answers (in the hit), the answers it got, and the
    ``neighbours`` turns before and after it (those not already shown as question or answer)."""
    from pressarchive.errors import NotFoundError
    from pressarchive.hits import make_hit

    conf_id, seq = split_turn_id(turn_id)
    record = archive.get(conf_id)
    position = next((i for i, t in enumerate(record.turns) if t.seq == seq), None)
    if position is None:
        raise NotFoundError(f"no turn {seq} in conference {conf_id}",
                            hint=f"its turns are numbered 1 to {max((t.seq for t in record.turns), default=0)}")
    turn = record.turns[position]
    answers = [t for t in record.turns if t.kind == "answer" and t.question == turn.id]
    shown = {turn.question, *(t.id for t in answers)}  # not repeated as neighbours
    return {
        "hit": make_hit(record, turn),
        "answers": [make_hit(record, t) for t in answers],
        "before": [make_hit(record, t) for t in record.turns[max(0, position - neighbours):position]
                   if t.id not in shown],
        "after": [make_hit(record, t) for t in record.turns[position + 1:position + 1 + neighbours]
                  if t.id not in shown],
    }


# --- listings (`speakers`, `outlets`, `regions`, `conferences`) -----------------------------------
def _records(archive: "Archive", conference: str | None, since: str | None = None, until: str | None = None):
    """The records a listing covers: one conference (by id or unique prefix), or all, within dates."""
    since = _check_date(since, "--since") if since else None
    until = _check_date(until, "--until") if until else None
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


def _check_value(value: str | None, known: Iterable[str], what: str, plural: str) -> str | None:
    """The known value ``value`` names (compared by ``key``), or QueryError listing the known ones."""
    from pressarchive.analysis import key

    if not value:
        return None
    known = sorted({k for k in known if k}, key=str.casefold)
    for k in known:
        if key(k) == key(value):
            return k
    raise QueryError(f"no {what} {value!r} in the archive", hint=_hint(plural, known))


def list_speakers(archive: "Archive", region: str | None = None, conference: str | None = None,
                  role: str | None = None, since: str | None = None, until: str | None = None) -> list[dict[str, Any]]:
    """Named speakers (reporters are listed by ``list_outlets``) with their turns, answers and
    conferences, most turns first."""
    records = _records(archive, conference, since, until)
    region = _check_value(region, (s.region for r in records for s in r.speakers), "speaker from region", "regions")
    if role and role.strip().lower() not in {s.role for r in records for s in r.speakers}:
        raise QueryError(f"no speaker with role {role!r} in the archive",
                         hint=_hint("roles", {s.role for r in records for s in r.speakers}))
    rows: dict[str, dict[str, Any]] = {}
    for r in records:
        for s in r.speakers:
            if not (s.name or s.name_zh) or s.role == "reporter":
                continue
            if region and s.region != region or role and s.role != role.strip().lower():
                continue
            ident = (s.name or s.name_zh or "").casefold()
            row = rows.setdefault(ident, {
                "name": s.name, "name_zh": s.name_zh, "role": s.role, "title": s.title,
                "organization": s.organization, "region": s.region, "turns": 0, "answers": 0,
                "conferences": [],
            })
            row["name_zh"] = row["name_zh"] or s.name_zh
            turns = [t for t in r.turns if t.speaker == s.id]
            row["turns"] += len(turns)
            row["answers"] += sum(1 for t in turns if t.kind == "answer")
            if r.conference.id not in row["conferences"]:
                row["conferences"].append(r.conference.id)
    return sorted(rows.values(), key=lambda x: (-x["turns"], (x["name"] or x["name_zh"] or "").casefold()))


def list_outlets(archive: "Archive", conference: str | None = None, since: str | None = None,
                 until: str | None = None) -> list[dict[str, Any]]:
    """Outlets that asked questions, with their questions and conferences, most questions first."""
    rows: dict[str, dict[str, Any]] = {}
    for r in _records(archive, conference, since, until):
        for s in r.speakers:
            if s.role != "reporter":
                continue
            name = s.organization or s.organization_zh or "(unidentified)"
            row = rows.setdefault(name.casefold(), {
                "outlet": name, "outlet_zh": s.organization_zh, "questions": 0, "conferences": [],
            })
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
    records = _records(archive, None, since, until)
    region = _check_value(region, (s.region for r in records for s in r.speakers), "speaker from region", "regions")
    rows = []
    for r in records:
        if region and not any(s.region == region for s in r.speakers):
            continue
        c = r.conference
        rows.append({
            "id": c.id, "date": c.date, "title": c.title, "organizer": c.organizer, "source": c.source,
            "languages": list(c.languages), "turns": len(r.turns),
            "questions": sum(1 for t in r.turns if t.kind == "question"),
            "speakers": sum(1 for s in r.speakers if s.role != "reporter"),
            "regions": sorted({s.region for s in r.speakers if s.region}),
        })
    return sorted(rows, key=lambda x: (x["date"] or "", x["id"]), reverse=True)


def _expansion_terms(expansion: dict[str, Any]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """(fields, analysed terms) by which a translation can match: a Chinese one through the
    bigram fields, an English one through the word fields."""
    from pressarchive.analysis import bilingual_analyzer, cjk_bigram_analyzer

    if "_terms" not in expansion:
        target = expansion["target"]
        if expansion.get("lang") == "zh" and expansion.get("_as_word"):
            expansion["_terms"] = [(("text",), (target,)), (("question",), (target,))]
        elif expansion.get("lang") == "zh":
            words = tuple(t.text for t in cjk_bigram_analyzer()(target, mode="query"))
            expansion["_terms"] = [(("cjk",), words), (("qcjk",), words)]
        else:
            words = tuple(t.text for t in bilingual_analyzer()(target, mode="query"))
            expansion["_terms"] = [(("text",), words), (("question",), words)]
    return expansion["_terms"]


def _expansion_matched(expansion: dict[str, Any], matched: set[tuple[str, str]]) -> bool:
    """True when a hit matched every analysed term of the translation in one field."""
    for fields, words in _expansion_terms(expansion):
        if words and all((f, w) in matched for f in fields for w in words):
            return True
    return False
