"""Cross-language expansion: with ``translate=True`` each term of a query is OR-ed with its
translations (translate.py's lexicon, built with the index) at the lower weight the lexicon gives.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pressarchive.query import _lone_characters, _parser, _prefer_words, _simplify, _text, normalize_query

# renderings made at query time from the lexicon and checked against the index (not direct entries)
DERIVED_SOURCES = ("composed", "reduced", "parts")
# fields a translation is looked for in, by the translation's language
ZH_TARGET_FIELDS = {"cjk": 1.0, "qcjk": 0.35}
EN_TARGET_FIELDS = {"text": 1.0, "question": 0.35}


# the last lexicon read, with its shards decoded so far: a process that searches again (the API, a
# server) reads and splits the file once, not once a search (2-5 ms at 3,000 turns, more with size)
_LEXICON_CACHE: dict[str, Any] = {}


def _load_lexicon(index_dir: Path):
    try:
        from pressarchive import translate
    except ImportError:  # pragma: no cover - translate.py is optional
        return None, None
    path = Path(index_dir) / translate.LEXICON_FILE
    if not path.is_file():
        return translate, None
    try:
        st = path.stat()
        key = (str(path), st.st_ino, st.st_size, st.st_mtime_ns)
        if _LEXICON_CACHE.get("key") != key:  # re-read only when the file was replaced
            _LEXICON_CACHE.clear()
            _LEXICON_CACHE.update(key=key, lexicon=translate.load_lexicon(path))
        return translate, _LEXICON_CACHE["lexicon"]
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
        expansions = translate.expand(normalize_query(text), lexicon, compose=reader is not None)
    except Exception:  # noqa: BLE001 - expansion is a bonus; the query stands without it
        return q, []
    if reader is not None:
        expansions = _checked(expansions, reader, translate)
    else:  # nothing to check composed phrases or spare renderings against: drop them
        expansions = [e for e in expansions if e.source not in ("composed", "parts") and not e.spare]
    parser = _parser(schema)
    # Chinese targets are looked for through the bigram fields only: no segmenter to load (rjieba
    # takes ~0.13 s) for an English query; English targets through the word fields.
    target_parsers = {"zh": _parser(schema, ZH_TARGET_FIELDS), "en": _parser(schema, EN_TARGET_FIELDS)}
    by_typed: dict[str, list[Any]] = {}
    for e in expansions:
        by_typed.setdefault(e.typed, []).append(e)
    used: list[dict[str, Any]] = []
    # a composed term first: its words are still the query's own (before each is OR-ed with its translations)
    ordered = sorted(by_typed.items(), key=lambda kv: not any(e.source in DERIVED_SOURCES for e in kv[1]))
    for typed, group in ordered:
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
                if e.source == "parts":
                    alt = _parts_query(e, target_parsers, reader)
                elif e.lang == "zh" and _one_cjk_word(e.target) and reader is not None and _has_word(reader, e.target):
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
                          "source": e.source, "_as_word": isinstance(alt, wq.Or) and isinstance(alt.subqueries[0], wq.Term)
                          and alt.subqueries[0].fieldname == "text"})
        kept = _drop_subsumed_phrases(alts)
        if kept:
            q, done = _replace(q, typed_q, kept)
            if done:  # a typed term the query does not hold as such (inside a phrase) is not translated
                used.extend(note for alt, note in zip(alts, notes) if any(alt is k for k in kept))
    return q, used


# --- renderings checked against the index (issue 19) -------------------------------------------
MAX_CHECKS = 48  # phrase look-ups per query, at most
HELD_CAP = 50  # turns counted per phrase, at most: enough to rank candidates by frequency
KEEP_COMPOSED = 3  # composed phrases kept per typed term (the most frequent)
WIDER_FORMS = 5  # renderings of a part widened by their derived words and heads when composing again
SYNONYM_BESIDE = 1  # renderings of the other parts a part's synonyms are composed with (their first)
SYNONYM_CANDIDATES = 12  # phrases composed with one part's synonyms, at most
SYNONYM_CHECKS = 24  # phrase look-ups a query may spend on phrases of synonyms, apart from MAX_CHECKS
SYNONYM_MARGIN = 3  # a phrase of synonyms goes before own-sense phrases only when this many times as frequent


class _Held:
    """How many turns hold a phrase (``text`` field for English, ``cjk`` bigrams or ``text`` words for
    Chinese), counted up to HELD_CAP from the index's positions; at most MAX_CHECKS phrase look-ups."""

    def __init__(self, reader):
        self.reader = reader
        self.checks = {"own": 0, "synonym": 0}  # look-ups made, by budget (MAX_CHECKS, SYNONYM_CHECKS)
        self.memo: dict[tuple[str, str], int] = {}

    def __call__(self, lang: str, phrase: str, budget: str = "own") -> int:
        key = (lang, phrase)
        if key not in self.memo:
            count = self._count(lang, phrase, budget)
            if count < 0:  # out of look-ups: not held as far as this query knows, but not remembered so
                return 0
            self.memo[key] = count
        return self.memo[key]

    def _words(self, lang: str, phrase: str) -> tuple[str, list[str]] | None:
        """(field, the phrase's words as the index holds them), None when it lacks one (or has none)."""
        from pressarchive.analysis import bilingual_analyzer, cjk_bigram_analyzer

        if lang == "zh":
            field, words = "cjk", [t.text for t in cjk_bigram_analyzer()(phrase, mode="query")]
        else:
            field, words = "text", [t.text for t in bilingual_analyzer()(phrase, mode="query")]
        return (field, words) if words and all((field, w) in self.reader for w in words) else None

    def has_words(self, phrase: str) -> bool:
        """Whether the index holds every word of an English phrase: no look-up of the phrase itself."""
        try:
            return self._words("en", phrase) is not None
        except Exception:  # noqa: BLE001 - a phrase that cannot be analysed is not held
            return False

    def _count(self, lang: str, phrase: str, budget: str = "own") -> int:
        reader = self.reader
        try:
            if lang == "zh" and ("text", phrase) in reader:
                return reader.doc_frequency("text", phrase)
            found = self._words(lang, phrase)
            if found is None:
                return 0
            field, words = found
            if len(words) == 1:
                return reader.doc_frequency(field, words[0])
            if self.checks[budget] >= (SYNONYM_CHECKS if budget == "synonym" else MAX_CHECKS):
                return -1
            self.checks[budget] += 1
            from pressarchive.evaluate import phrase_count

            # from the words' arrays, positions decoded for the documents holding all of them only:
            # the count Whoosh's phrase matcher gives, at a third of its time (issue 17)
            return phrase_count(reader, field, words, cap=HELD_CAP)
        except Exception:  # noqa: BLE001 - a phrase that cannot be looked up is not held
            return 0


def _variants(phrase: str, translate) -> list[str]:
    """Forms of an English rendering the archive may use instead, best first.

    The closed compound of two words ("cyber security" -> cybersecurity). A name (capitalised) loses
    trailing words first ("State of the Union Address" -> State of the Union), then leading ones ("US
    Federal Reserve" -> Federal Reserve). Other phrases are cut to their head: the part before a
    preposition ("attack from the air" -> attack), then ever shorter endings that start with a content
    word ("induced abortion" -> abortion). A single vague or stop word is never a variant.
    """
    words = phrase.split()
    out: list[str] = []
    if len(words) == 2 and all(w.isalpha() for w in words):
        out.append("".join(words).lower())

    def ok(span: list[str]) -> bool:
        low = [w.lower() for w in span]
        return bool(span) and low[0] not in translate.STOP_WORDS and low[-1] not in translate.STOP_WORDS and not (
            len(span) == 1 and low[0] in translate.GENERIC_WORDS)

    if words and words[0][:1].isupper():
        lead = next((i for i, w in enumerate(words) if not w[:1].isupper() and w.lower() not in translate.STOP_WORDS),
                    len(words))
        if 0 < lead < len(words) and ok(words[:lead]):  # "Uighur ethnic group" -> Uighur: the name before the noun
            out.append(" ".join(words[:lead]))
        for n in range(len(words) - 1, 0, -1):
            if ok(words[:n]):
                out.append(" ".join(words[:n]))
            if ok(words[-n:]):
                out.append(" ".join(words[-n:]))
    else:
        cut = next((i for i, w in enumerate(words) if i and w.lower() in _PREPOSITIONS), None)
        if cut:
            words = words[:cut]
            if ok(words):
                out.append(" ".join(words))
        for i in range(1, len(words)):
            if ok(words[i:]):
                out.append(" ".join(words[i:]))
    seen: set[str] = set()
    return [v for v in out if v and v != phrase and not (v in seen or seen.add(v))]


# derivational endings tried on a part's one-word rendering (race -> racial, economy -> economic,
# recover -> recovery, reproduce -> reproductive): kept only where the index holds the word
_ENDINGS = ("al", "ial", "ic", "ical", "ive", "ion", "ation", "y", "ing", "s", "ity", "ment")


def _derived_words(word: str, reader) -> list[str]:
    """Words of the index derived from ``word`` by a common ending (the last letter may drop: e/y)."""
    from pressarchive.analysis import bilingual_analyzer

    if not word.isalpha() or len(word) < 4:
        return []
    stems = [word, word[:-1]] if word[-1] in "eyo" else [word]
    own = {t.text for t in bilingual_analyzer()(word, mode="query")}
    out = []
    for stem in stems:
        for ending in _ENDINGS:
            cand = stem + ending
            try:
                terms = [t.text for t in bilingual_analyzer()(cand, mode="query")]
                if terms and set(terms) != own and all(("text", t) in reader for t in terms) and cand not in out:
                    out.append(cand)
            except Exception:  # noqa: BLE001
                continue
    return out[:3]


_PREPOSITIONS = frozenset("of from in on for to with by at into against between".split())


def _joined(phrase: str, reader) -> list[str]:
    """The closed compound of a two-word phrase, and the index's words derived from it: cyber + secure ->
    cybersecure, cybersecurity (the index stems, so "cyber secure" already finds "cyber security")."""
    words = phrase.split()
    joined = "".join(words).lower()
    if len(words) != 2 or not joined.isalpha():
        return []
    return [joined] + _derived_words(joined, reader)


def _modifier(phrase: str, translate) -> list[str]:
    """The first word of a two-word rendering, as a modifier of the next part ("labor force" + shortage ->
    labor shortage; "social contact" + distance -> social distance): for composition only."""
    words = phrase.split()
    first = words[0].lower() if len(words) == 2 else ""
    ok = first.isalpha() and first not in translate.STOP_WORDS and first not in translate.GENERIC_WORDS
    return [words[0]] if ok else []


def _checked(expansions: list, reader, translate) -> list:
    """The expansions with renderings checked against the index (positions, ``_Held``):

    - composed phrases are kept only where the index holds them (or their closed compound), the most
      frequent first, at most KEEP_COMPOSED a typed term;
    - the parts of a term (source "parts") only when none of its composed phrases is held, each part by
      the renderings the index holds (a phrase it lacks by its first held variant); a part with none is
      left out, so the others still find the turns;
    - a direct English rendering of several words that the index does not hold is replaced by the first
      variant it holds (``_variants``: source "reduced"), unless another rendering of the same typed term
      is held as it is.
    """
    held = _Held(reader)
    composed: dict[str, list] = {}
    for e in expansions:
        if e.source == "composed":
            composed.setdefault(e.typed, []).append(e)
    expansions = _spares_in_place(expansions, held, translate)  # first: a held spare is a direct rendering
    loose_only: set[str] = set()  # typed terms composed only by a last resort (see below)
    direct: dict[str, list] = {}
    for e in expansions:
        if e.source not in DERIVED_SOURCES and not e.spare:
            direct.setdefault(e.typed, []).append(e)
    for typed, group in composed.items():
        scored = []
        if any(d.lang != "en" or " " not in d.target.strip() or held("en", d.target) for d in direct.get(typed, ())):
            composed[typed] = []  # a key whose own rendering the index holds is not composed from its parts
            continue
        for e in group:
            forms = [e.target] + (_joined(e.target, reader) if e.lang == "en" else [])
            for rank, form in enumerate(forms):
                n = held(e.lang, form)
                if n:
                    scored.append((-n, rank, form, e))
        seen: set[str] = set()
        best = []
        for _, rank, form, e in sorted(scored, key=lambda x: (x[0], x[1])):
            if form not in seen:
                seen.add(form)
                best.append(translate.Expansion(e.typed, form, e.lang, e.weight, "composed"))
            if len(best) == KEEP_COMPOSED:
                break
        composed[typed] = best
    # A Chinese term is composed again with the archive's own forms of each part's renderings as well
    # (derived words, heads of phrases), the parts' direct renderings still first; the most frequent
    # phrase held wins ("economic recovery" over "economy recover").
    for e in expansions:
        if e.source != "parts" or e.lang != "en" or len(e.parts) < 2:
            continue
        wider = []
        for renderings in e.parts:
            forms = list(renderings[:WIDER_FORMS])
            for r in renderings[:WIDER_FORMS]:
                extra = (_derived_words(r, reader) if " " not in r
                         else _variants(r, translate)[:2] + _modifier(r, translate))
                forms.extend(x for x in extra if x not in forms)
            wider.append(forms[: 2 * WIDER_FORMS])
        scored = [(-held("en", x.target), -1, x.target) for x in composed.get(e.typed, [])]
        # the parts in order; then, when nothing is held, without the single characters beside words, which
        # are often a category (国防授权法: 法 "law": national defense authorization)
        # (last, the parts with the senses of their last character: 粮食 + 食 food -> food security)
        words_only = [forms for forms, loose in zip(wider, e.optional) if not loose] if any(e.optional) else []
        with_heads = [forms + [h for h in head if h not in forms] for forms, head in zip(wider, e.heads)
                      ] if any(e.heads) else []
        # and a part's synonyms (synonyms.json: CC-CEDICT's shared senses, WordNet), one part at a time beside
        # the others' first renderings: "critical infrastructure" (50 turns) over "key infrastructure" (1)
        # (without the single characters beside words, if any: 攻击 + 性 + 武器 -> assault weapon)
        synonyms = [tuple(x for x in syns if held.has_words(x))[: translate.MAX_SYNONYMS]
                    for syns in e.synonyms] + [()] * (len(wider) - len(e.synonyms))
        base, syns = (words_only, [s for s, loose in zip(synonyms, e.optional) if not loose]) if words_only else (
            wider, synonyms)
        with_synonyms = [[forms[:SYNONYM_BESIDE] if j != i else list(syns[i]) for j, forms in enumerate(base)]
                         for i in range(len(base)) if len(base) > 1 and syns[i]]
        for attempt in (wider, words_only, with_heads):
            if len(attempt) < 2:
                continue
            if attempt is not wider and scored:
                break
            if attempt is not wider:  # a last resort: the parts stay beside what it finds
                loose_only.add(e.typed)
            for rank, phrase in enumerate(translate.compose_candidates(attempt, "en")):
                for form in [phrase] + _joined(phrase, reader):
                    n = held("en", form)
                    if n and all(form != p for _, _, p in scored):
                        scored.append((-n, rank, form))
        # then the phrases of synonyms, on a budget of their own (they never cost an own sense its check): one
        # goes before the phrases of own senses only when SYNONYM_MARGIN times as frequent as the best of them
        # ("critical infrastructure" 50 turns, "key infrastructure" 1), else it only fills places left over
        by_synonym = []
        for attempt in with_synonyms:
            for rank, phrase in enumerate(translate.compose_candidates(attempt, "en", SYNONYM_CANDIDATES)):
                n = held("en", phrase, "synonym")
                if n and all(phrase != p for _, _, p in scored + by_synonym):
                    by_synonym.append((-n, rank, phrase))
        best_own = max((-n for n, _, _ in scored), default=0)
        strong = [x for x in by_synonym if -x[0] >= SYNONYM_MARGIN * best_own]
        ranked = sorted(strong) + sorted(scored) + sorted(x for x in by_synonym if x not in strong)
        composed[e.typed] = [translate.Expansion(e.typed, phrase, "en", translate.W_COMPOSED, "composed")
                             for _, _, phrase in ranked[:KEEP_COMPOSED]]
    direct_held = {e.typed for e in expansions
                   if e.source not in ("composed", "parts") and (e.lang != "en" or " " not in e.target.strip()
                                                                 or held("en", e.target))}

    def usable(lang: str, rendering: str) -> str | None:
        if held(lang, rendering):
            return rendering
        if lang == "en" and " " in rendering.strip():
            return next((v for v in _variants(rendering, translate) if held(lang, v)), None)
        return None

    out: list = []
    emitted: set[str] = set()
    for e in expansions:
        if e.source in ("composed", "parts") and e.typed not in emitted and composed.get(e.typed):
            emitted.add(e.typed)
            out.extend(composed[e.typed])
        if e.source == "composed":
            continue
        elif e.source == "parts":
            if composed.get(e.typed) and e.typed not in loose_only:
                continue
            parts = []
            for i, renderings in enumerate(e.parts):
                if i < len(e.optional) and e.optional[i]:
                    continue  # a single character beside words: for composition only
                kept = []
                for r in renderings:
                    form = usable(e.lang, r)
                    if form and form not in kept:
                        kept.append(form)
                if kept:
                    parts.append(tuple(kept))
            if parts:
                label = " + ".join(p[0] for p in parts)
                out.append(translate.Expansion(e.typed, label, e.lang, e.weight, "parts", tuple(parts)))
        elif e.lang == "en" and e.source != "name" and " " in e.target.strip() and not held("en", e.target):
            if e.typed in direct_held or composed.get(e.typed):  # composing keeps every part; reducing drops some
                continue
            form = usable("en", e.target)
            if form:
                weight = round(float(e.weight) * translate.DERIVED_FACTOR, 3)
                out.append(translate.Expansion(e.typed, form, "en", weight, "reduced"))
        else:
            out.append(e)
    return out


def _spares_in_place(expansions: list, held, translate) -> list:
    """The expansions with each spare rendering (``Expansion.spare``: a sense past the lexicon's cap, or
    CC-CEDICT's where the glossary has the headword) either dropped or taken as a direct one: a typed
    term gets, in lexicon order, as many spare renderings the index holds as it has direct English
    renderings of several words the index does not hold as phrases (all of MAX_TARGETS when it has no
    direct one): 停摆's fifth sense "shutdown" where "stop swinging" is not said; 司法部 "Justice Department"
    where the glossary's "Ministry of Justice" is not said. A spare one taken keeps its own weight."""
    if not any(e.spare for e in expansions):
        return expansions
    direct: dict[str, list] = {}
    for e in expansions:
        if not e.spare and e.source not in ("composed", "parts", "name"):
            direct.setdefault(e.typed, []).append(e)
    room: dict[str, int] = {}
    for e in expansions:
        if e.spare and e.typed not in room:
            mine = direct.get(e.typed, [])
            room[e.typed] = translate.MAX_TARGETS if not mine else sum(
                1 for d in mine if d.lang == "en" and " " in d.target.strip() and not held("en", d.target))
    out = []
    for e in expansions:
        if not e.spare:
            out.append(e)
        elif room.get(e.typed, 0) > 0 and e.source != "compound" and held(e.lang, e.target):
            # (a sense learned from the dictionary's compounds serves composition only, never in place of one)
            room[e.typed] -= 1
            out.append(translate.Expansion(e.typed, e.target, e.lang, e.weight, e.source))
    return out


def _parts_query(e, target_parsers: dict, reader):
    """Every part of a typed term in one of its renderings, anywhere in the turn (source "parts")."""
    from whoosh import query as wq

    parser = target_parsers[e.lang]
    ands = []
    for renderings in e.parts:
        ors = [_simplify(parser.parse('"' + r.replace('"', " ") + '"')) for r in renderings]
        ors = [o for o in ors if not isinstance(o, type(wq.NullQuery))]
        if ors:
            ands.append(wq.Or(ors) if len(ors) > 1 else ors[0])
    if not ands:
        return wq.NullQuery
    return wq.And(ands) if len(ands) > 1 else ands[0]


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
