"""Ranking for a Q&A archive: a prior on every turn, folded into Whoosh's scores (docs/search.md).

BM25 rewards short documents: "Inflation, you said?" outranks an answer that explains the CPI figures.
Every turn therefore carries a prior, computed at query time from features stored at index time
(``features``: its words, its kind and whether it is procedural, packed into one integer column):

- substance, saturating in length: ``(words / (words + SUBSTANCE_HALF)) ** SUBSTANCE_POWER``, so a
  three-word turn keeps a small share of its score, a 60-word answer most of it, and a 1,000-word
  statement no more than a 200-word answer (length alone earns nothing beyond that);
- procedural turns ("Thank you", "Go ahead", "Next question", "Mm-hmm": almost no word outside a
  short list of courtesies) keep PROCEDURAL of their score;
- questions keep KIND_WEIGHT["question"]: a question asks, its answer informs (a question that
  matches still leads to its answer: the hit shows both).

``PriorBM25F`` multiplies each term's BM25 score by the turn's prior inside Whoosh, so the order is
exact over every match (not a re-rank of a page) and block-max skipping still holds (a prior is at
most 1). The constants were tuned on the judged set in tests/relevance/ as a whole.
"""
from __future__ import annotations

import re
from functools import lru_cache

FEATURE_FIELD = "features"
KIND_CODES = {"statement": 0, "question": 1, "answer": 2}
_KINDS_BY_CODE = {v: k for k, v in KIND_CODES.items()}
MAX_WORDS = 1 << 20

SUBSTANCE_HALF = 25.0  # words at which a turn keeps half of the substance factor's full effect
SUBSTANCE_POWER = 1.0
PROCEDURAL = 0.3
KIND_WEIGHT = {"statement": 1.0, "question": 0.8, "answer": 1.0}
BM25_B = 0.75  # Whoosh's defaults: length normalisation and term-frequency saturation
BM25_K1 = 1.2

_WORD = re.compile(r"[^\W\d_][\w'’-]*|\d[\d.,]*", re.UNICODE)
_HAN = re.compile(r"[\u3400-\u9fff]")
# words that carry no substance of their own: courtesies, floor management, fillers, function words
_COURTESY = frozenset("""
a about ahead all also am an and any anything are as at be but can could do does else for from go
going good great hello hey hi how i if in is it it's just let let's me mm-hmm mhm more morning afternoon
evening my next no not of oh ok okay on one or please question questions quick quickly real really
right say see sir ma'am so sorry sure than thank thanks that that's the then there this to uh um up us
very we well what yeah yes yep you your everybody everyone folks guys last final follow follow-up
another go-ahead
""".split())
_COURTESY_ZH = ("谢谢", "感谢", "好的", "请", "下一个", "问题", "提问", "您", "你", "好", "的", "吗", "是", "这个", "我")


def word_count(paragraphs) -> int:
    """Words of a turn: English (and other alphabetic) words and numbers, Chinese characters at two a word."""
    text = " ".join(paragraphs)
    return len(_WORD.findall(_HAN.sub(" ", text))) + len(_HAN.findall(text)) // 2


def is_procedural(paragraphs) -> bool:
    """True for a turn that only manages the floor: at most one word outside the courtesy list
    ("Thank you.", "Go ahead, Steve.", "Next question.", "Mm-hmm."), or a Chinese 谢谢 and the like."""
    text = " ".join(paragraphs)
    han = "".join(_HAN.findall(text))
    if han:
        for w in _COURTESY_ZH:
            han = han.replace(w, "")
        if len(han) > 2:
            return False
    words = [w.casefold().replace("’", "'") for w in _WORD.findall(_HAN.sub(" ", text))]
    return sum(1 for w in words if w not in _COURTESY) <= 1


def features(kind: str, paragraphs) -> int:
    """The integer stored in FEATURE_FIELD: words << 3 | kind code << 1 | procedural."""
    words = min(word_count(paragraphs), MAX_WORDS - 1)
    return words << 3 | KIND_CODES.get(kind, 0) << 1 | int(is_procedural(paragraphs))


@lru_cache(maxsize=65536)
def prior_of(code: int) -> float:
    """The prior (0, 1] of a turn from its stored features."""
    words, kind, procedural = code >> 3, _KINDS_BY_CODE.get(code >> 1 & 3, "statement"), code & 1
    p = (words / (words + SUBSTANCE_HALF)) ** SUBSTANCE_POWER if words else 0.0
    p *= KIND_WEIGHT.get(kind, 1.0)
    if procedural:
        p *= PROCEDURAL
    return max(p, 0.01)


def retune(**values) -> None:
    """Set ranking constants (SUBSTANCE_HALF, SUBSTANCE_POWER, PROCEDURAL, KIND_WEIGHT) and forget
    the cached priors: for tuning on the judged set."""
    g = globals()
    for name, value in values.items():
        if name not in ("SUBSTANCE_HALF", "SUBSTANCE_POWER", "PROCEDURAL", "KIND_WEIGHT", "BM25_B", "BM25_K1"):
            raise KeyError(name)
        g[name] = value
    prior_of.cache_clear()


def weighting():
    """The Whoosh weighting model: BM25F with each term score multiplied by the turn's prior."""
    from whoosh import scoring

    class PriorBM25F(scoring.BM25F):
        def scorer(self, searcher, fieldname, text, qf=1):
            inner = super().scorer(searcher, fieldname, text, qf=qf)
            priors = _column(searcher)
            return inner if priors is None else _PriorScorer(inner, priors)

    class _PriorScorer(scoring.BaseScorer):
        def __init__(self, inner, priors):
            self.inner, self.priors = inner, priors

        def supports_block_quality(self):
            return self.inner.supports_block_quality()

        def max_quality(self):
            return self.inner.max_quality()  # a prior is at most 1: still an upper bound

        def block_quality(self, matcher):
            return self.inner.block_quality(matcher)

        def score(self, matcher):
            return self.inner.score(matcher) * prior_of(self.priors[matcher.id()])

    return PriorBM25F(B=BM25_B, K1=BM25_K1)


def _column(searcher):
    """The features column of the searcher's (segment) reader, or None in an index without it."""
    reader = searcher.reader()
    try:
        if not reader.has_column(FEATURE_FIELD):
            return None
        return reader.column_reader(FEATURE_FIELD)
    except Exception:  # noqa: BLE001 - an index without the column ranks by BM25 alone
        return None
