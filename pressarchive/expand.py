"""Cross-language expansion: with ``translate=True`` each term of a query is OR-ed with its
translations (translate.py's lexicon, built with the index) at the lower weight the lexicon gives.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pressarchive.query import _lone_characters, _parser, _prefer_words, _simplify, _text, normalize_query

# fields a translation is looked for in, by the translation's language
ZH_TARGET_FIELDS = {"cjk": 1.0, "qcjk": 0.35}
EN_TARGET_FIELDS = {"text": 1.0, "question": 0.35}


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
