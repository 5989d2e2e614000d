"""Query parsing and filters: a query string -> a Whoosh query; filters -> the query that narrows.

Query syntax (Whoosh's, tightened): words (all must match), ``"phrases"``, ``AND`` / ``OR`` /
``NOT``, ``-word``, ``(groups)``, ``word*``, ``field:value`` for the fields in ``FIELDS``. The text
of a turn is searched with its question (for an answer, at a lower weight), and Chinese also through
character bigrams.

Filters narrow without changing the ranking; an unknown value (a region, outlet, speaker or
conference the archive does not hold) is a ``QueryError`` whose hint lists the known values.
Running a search is search.py's; cross-language expansion expand.py's; highlighting highlight.py's.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import asdict, dataclass, field
from typing import Iterable

from pressarchive.errors import QueryError
from pressarchive.records import KINDS
from pressarchive.text.cjk import HAN_RUN

MAX_QUERY_CHARS = 1000
# fields searched by words without a field name, with their weights
DEFAULT_FIELDS = {"text": 1.0, "cjk": 0.7, "question": 0.35, "qcjk": 0.25, "speaker": 0.3}
# field names a query may use (``region:Shanghai``): name -> schema field
FIELDS = {
    "text": "text", "question": "question", "speaker": "speaker", "title": "title", "org": "org",
    "organization": "org", "organisation": "org", "role": "role", "region": "region",
    "mentions": "mentions", "outlet": "outlet", "kind": "kind", "lang": "lang",
    "conference": "conference", "date": "date", "id": "id",
}
MAX_HINT_VALUES = 30
_HAN_WORD = HAN_RUN
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
    asker: str | None = None  # who asked: a reporter's name or outlet (of a question, or an answer's question)
    # the people register's speakers (``<conference id>/<speaker id>``) that ``speaker`` / ``asker``
    # name, filled in by search.resolve_people; None: not resolved (the index's names are used)
    speaker_refs: list[str] | None = field(default=None, repr=False)
    asker_refs: list[str] | None = field(default=None, repr=False)

    def any(self) -> bool:
        return any(v not in (None, "") for v in self.as_dict().values())

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v not in (None, "") and not k.endswith("_refs")}


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


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


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


def _check_date(value: str, param: str) -> str:
    value = value.strip()
    if not _DATE.match(value):
        raise QueryError(f"{param} {value!r} is not a date", hint="use YYYY, YYYY-MM or YYYY-MM-DD", params=(param,))
    parts = [int(p) for p in value.split("-")] + [1, 1]
    try:
        _dt.date(parts[0], parts[1], parts[2])
    except ValueError as err:
        raise QueryError(f"{param} {value!r} is not a date ({err})", hint="use YYYY, YYYY-MM or YYYY-MM-DD",
                         params=(param,)) from err
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
        from pressarchive.values import region_both, region_forms

        found = [k for k in dict.fromkeys(key(f) for f in region_forms(filters.region)) if k and reader.doc_frequency("region", k)]
        if not found:  # 上海 = Shanghai; else the nearest known regions, in both scripts
            raise QueryError(f"no speaker from region {filters.region!r} in the archive",
                             hint=_nearest_hint("regions", filters.region, _lexicon(reader, "region_label"), region_both))
        parts.append(wq.Term("region", found[0]) if len(found) == 1 else wq.Or([wq.Term("region", k) for k in found]))
    if filters.speaker and filters.speaker_refs is not None:
        parts.append(_refs("speaker_ref", filters.speaker_refs))
    elif filters.speaker:
        parts.append(_resolve(reader, filters.speaker, "speaker_key", prefix=True, what="speaker",
                              labels="speaker_label", plural="speakers"))
    if filters.asker and filters.asker_refs is not None:
        parts.append(_refs("asker_ref", filters.asker_refs))
    elif filters.asker:
        raise QueryError(f"no asker {filters.asker!r} in the archive")
    if filters.outlet:
        from pressarchive.values import outlet_both, outlet_forms

        parts.append(_resolve(reader, filters.outlet, "outlet_key", prefix=False, what="outlet",
                              labels="outlet_label", plural="outlets", forms=outlet_forms(filters.outlet), both=outlet_both))
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
    since = _check_date(filters.since, "since") if filters.since else None
    until = _check_date(filters.until, "until") if filters.until else None
    if since and until and since > until[: len(since)]:
        raise QueryError(f"since {since} is after until {until}", params=("since", "until"))
    if since or until:
        parts.append(wq.TermRange("date", since, (until + "\uffff") if until else None))
    return parts[0] if len(parts) == 1 else wq.And(parts)


def _refs(fieldname: str, refs: list[str]):
    from whoosh import query as wq

    terms = [wq.Term(fieldname, r) for r in refs]
    return terms[0] if len(terms) == 1 else wq.Or(terms)


def _resolve(reader, value: str, fieldname: str, prefix: bool, what: str, labels: str, plural: str,
             forms: list[str] | None = None, both=None):
    """Terms of ``fieldname`` for a name typed any way: the exact key, else keys it begins
    (``prefix``) or is part of; QueryError listing the labels when nothing matches. ``forms``: other
    spellings of the same value (an outlet's name in the other script); ``both``: how a hint writes a
    known value (both scripts), the nearest ones first."""
    from whoosh import query as wq

    from pressarchive.analysis import key

    k = key(value)
    if k and reader.doc_frequency(fieldname, k):
        return wq.Term(fieldname, k)
    exact = [f for f in dict.fromkeys(key(f) for f in forms or ()) if f and reader.doc_frequency(fieldname, f)]
    if exact:
        return wq.Term(fieldname, exact[0]) if len(exact) == 1 else wq.Or([wq.Term(fieldname, t) for t in exact])
    keys = _lexicon(reader, fieldname)
    if k and (len(k) >= 2 or not k.isascii()):
        found = [t for t in keys if (t.startswith(k) if prefix else k in t)]
        if found:
            return wq.Or([wq.Term(fieldname, t) for t in found])
    if both is not None:
        raise QueryError(f"no {what} {value!r} in the archive", hint=_nearest_hint(plural, value, _lexicon(reader, labels), both))
    raise QueryError(f"no {what} {value!r} in the archive", hint=_hint(plural, _lexicon(reader, labels)))


def _nearest_hint(kind: str, value: str, known: Iterable[str], both) -> str:
    """``nearest known regions: Shanghai (上海)`` when some known values are close to ``value``; else
    every known value, then their names in the other script."""
    from pressarchive.values import nearest, other_script

    known = sorted({k for k in known if k}, key=str.casefold)
    close = nearest(value, known, both)
    if close:
        return f"nearest known {kind}: " + ", ".join(close)
    hint = _hint(kind, known)
    other = other_script(known[:MAX_HINT_VALUES], both)
    return hint + (f"; in Chinese: {', '.join(other)}" if other else "")
