"""Vectorised evaluation of a search's query over Whoosh's own postings (issue 17).

Whoosh's matchers walk the postings one at a time in Python: ``id()``, ``weight()``, the field
length, the BM25F formula and the union/intersection bookkeeping cost 2-3 µs a posting per field,
and a common word of a 300,000-turn archive has tens of thousands of postings in each of the
``text`` and ``question`` fields. Here each term's posting blocks are unpickled as Whoosh stores
them and turned into arrays (document numbers, term frequencies), the field lengths of a segment
are one array (cached per segment), BM25F is computed for a whole posting list at once, and the
query tree is combined with array operations: a union adds the scores of a document, an
intersection keeps the documents every part has, a boost multiplies. The exact match count comes
for free.

The numbers are Whoosh's own: the same scorer object gives the idf, the average field length, B and
K1, and the formula is evaluated in the same order in double precision, so the scores equal
Whoosh's to the last bit or two (a union's sum may be added in another order) and the top hits are
the same, ties going to the lower document number as in Whoosh's collector. A phrase intersects
its words' document arrays first and decodes positions for those candidates only; its score is the
sum of its words' term scores, as Whoosh's phrase matcher adds them. Other leaves (prefixes,
ranges, sloppy phrases) are scored by their own Whoosh matcher, enumerated into arrays; a node this
module does not know (a NOT, a coordination scale, sorting) leaves the whole query to Whoosh
(``matches`` returns None). The filter query (kind, language, region, speaker, dates...) is
evaluated from its terms' postings too (docnums only, ``_docs``), and which turns of a hit's pair
matched is looked up in the matches (``Matches.having``). It runs from MIN_DOCS documents on; the
``evaluator`` setting (``PRESSARCHIVE_EVALUATOR=whoosh`` or ``numpy``) decides instead.
"""
from __future__ import annotations

from typing import Any

_LENGTHS: dict[tuple, Any] = {}  # (segment id, field, doc count) -> float64 array of field lengths
_LENGTHS_MAX = 256


class _Unsupported(Exception):
    """A node or scorer this evaluator does not reproduce: Whoosh evaluates the query."""


# Below this many documents Whoosh's own matchers answer in a few milliseconds, and a one-off
# search (the CLI) would pay NumPy's import (~0.08 s) for nothing.
MIN_DOCS = 20_000


def enabled(doc_count: int, mode: str = "auto") -> bool:
    """Evaluate here? ``mode`` is the ``evaluator`` setting: ``numpy``, ``whoosh``, or ``auto``
    (from MIN_DOCS documents on)."""
    if mode in ("whoosh", "numpy"):
        return mode == "numpy"
    return doc_count >= MIN_DOCS


class Matches:
    """Every document a query matched (global docnums, ascending) with its score; ``top(n)`` in Whoosh's order."""

    def __init__(self, ids, scores):
        self.ids, self.scores = ids, scores
        self.total = len(ids)
        self._order = None

    def having(self, searcher, fieldname: str, values: list[str]) -> set[str]:
        """Which of ``values`` (of a unique field, e.g. turn ids) name a live document among these
        matches: what Whoosh's matchers answer for ``And([query, filter, Or(Term(fieldname, v))])``,
        from one term lookup per value and segment (the matches' docnums are sorted)."""
        import numpy as np

        if not values or not self.total:
            return set()
        subs = [(searcher, 0)] if searcher.is_atomic() else list(searcher.subsearchers)
        field = searcher.schema[fieldname]
        found: list[tuple[int, str]] = []
        for value in dict.fromkeys(values):
            btext = field.to_bytes(value)
            for sub, offset in subs:
                reader = sub.reader()
                if (fieldname, btext) in reader:  # Whoosh's postings leave deleted documents out
                    found.extend((d + offset, value) for d in reader.postings(fieldname, btext).all_ids())
        if not found:
            return set()
        docs = np.array([d for d, _ in found], dtype=np.int64)
        at = np.minimum(np.searchsorted(self.ids, docs), len(self.ids) - 1)
        hit = self.ids[at] == docs
        return {value for (_, value), h in zip(found, hit.tolist()) if h}

    def top(self, limit: int) -> list[tuple[int, float]]:
        import numpy as np

        ids, scores, total = self.ids, self.scores, self.total
        if self._order is not None and len(self._order) >= min(limit, total):
            order = self._order[:limit]
        else:
            if total > limit:  # the k-th best score, then only the candidates at or above it are sorted
                kth = np.partition(scores, total - limit)[total - limit]
                cand = np.nonzero(scores >= kth)[0]
            else:
                cand = np.arange(total)
            # best score first; a tie: the lower docnum first, as Whoosh's collector
            order = cand[np.lexsort((ids[cand], -scores[cand]))][:limit]
            self._order = order
        return [(int(ids[i]), float(scores[i])) for i in order]


def matches(searcher, q, fq) -> Matches | None:
    """The documents ``q`` matches among those of the filter query ``fq``, scored as Whoosh scores
    them; None when Whoosh must evaluate ``q`` (a node or scorer this module does not reproduce)."""
    import numpy as np

    try:
        allow = None  # the filter's documents (global docnums) when it is not evaluated here
        if fq is not None and not filter_supported(fq):
            allow = _doc_array(searcher._filter_to_comb(fq))
        subs = [(searcher, 0)] if searcher.is_atomic() else list(searcher.subsearchers)
        all_ids, all_scores = [], []
        for sub, offset in subs:
            ids, scores = _eval(q, sub)
            if not len(ids):
                continue
            reader = sub.reader()
            if reader.has_deletions():
                keep = ~np.isin(ids, np.fromiter(reader.deleted_docs_set, dtype=np.int64))
                ids, scores = ids[keep], scores[keep]
            if fq is not None and allow is None:  # the filter's documents in this segment, as arrays
                keep = np.isin(ids, _docs(fq, sub), assume_unique=True)
                ids, scores = ids[keep], scores[keep]
            ids = ids + offset
            if allow is not None:
                keep = np.isin(ids, allow, assume_unique=True)
                ids, scores = ids[keep], scores[keep]
            all_ids.append(ids)
            all_scores.append(scores)
    except _Unsupported:
        return None
    if not all_ids:
        return Matches(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))
    return Matches(np.concatenate(all_ids), np.concatenate(all_scores))


def top_docs(searcher, q, fq, limit: int) -> tuple[list[tuple[int, float]], int] | None:
    """([(global docnum, score)] best first, at most ``limit``; number of matches), or None."""
    found = matches(searcher, q, fq)
    return None if found is None else (found.top(limit), found.total)


# --- filters: the documents of a filter query, unscored ------------------------------------------
def filter_supported(node) -> bool:
    """Whether ``_docs`` evaluates the filter query ``node`` (terms, ranges and other multi-term
    leaves, and their AND, OR, NOT); anything else is Whoosh's ``_filter_to_comb``."""
    from whoosh import query as wq

    cls = type(node)
    if cls is wq.Term or node is wq.NullQuery or cls is type(wq.NullQuery):
        return True
    if cls is wq.Or:
        return not node.minmatch and all(filter_supported(sub) for sub in node.subqueries)
    if cls is wq.And:
        return all(filter_supported(sub) for sub in node.subqueries)
    if cls is wq.AndNot:
        return filter_supported(node.a) and filter_supported(node.b)
    if cls is wq.Not:
        return filter_supported(node.query)
    if cls is wq.Every:
        return node.fieldname in (None, "", "*")
    # a range, prefix, wildcard...: the union of its terms' postings, as MultiTerm.matcher builds it
    # (a prefix of "" is Whoosh's Every on its field: left to Whoosh)
    return isinstance(node, wq.MultiTerm) and (cls.matcher is wq.MultiTerm.matcher or (cls is wq.Prefix and node.text != ""))


def _docs(node, s):
    """The sorted, unique docnums of the segment searcher ``s`` that the filter query ``node``
    matches (deleted documents included: the scored matches have none), from its terms' postings
    (ids only: no weights, no positions, no scores); the same set as Whoosh's ``docs_for_query``."""
    import numpy as np
    from whoosh import query as wq

    cls = type(node)
    if cls is wq.Term:
        field = s.schema[node.fieldname] if node.fieldname in s.schema else None
        if field is None:
            return _no_docs()
        try:
            btext = field.to_bytes(node.text)
        except ValueError:
            return _no_docs()
        return _term_docs(s.reader(), node.fieldname, btext)
    if node is wq.NullQuery or cls is type(wq.NullQuery):
        return _no_docs()
    if cls is wq.Or:
        return _union_docs([_docs(sub, s) for sub in node.subqueries])
    if cls is wq.And:
        parts = sorted((_docs(sub, s) for sub in node.subqueries), key=len)
        if not parts:
            return _no_docs()
        out = parts[0]
        for other in parts[1:]:
            if not len(out):
                break
            out = np.intersect1d(out, other, assume_unique=True)
        return out
    if cls is wq.AndNot:
        out = _docs(node.a, s)
        return np.setdiff1d(out, _docs(node.b, s), assume_unique=True) if len(out) else out
    if cls is wq.Not:
        return np.setdiff1d(np.arange(s.reader().doc_count_all(), dtype=np.int64), _docs(node.query, s),
                            assume_unique=True)
    if cls is wq.Every:
        return np.arange(s.reader().doc_count_all(), dtype=np.int64)
    if filter_supported(node):  # a multi-term leaf: its terms in this segment
        fieldname = node.field()
        if fieldname not in s.schema:
            return _no_docs()
        reader = s.reader()
        return _union_docs([_term_docs(reader, fieldname, b) for b in node._btexts(reader) if b])
    raise _Unsupported(cls.__name__)


def _union_docs(parts):
    import numpy as np

    parts = [p for p in parts if len(p)]
    if not parts:
        return _no_docs()
    if len(parts) == 1:
        return parts[0]
    return np.unique(np.concatenate(parts))


def _term_docs(reader, fieldname: str, btext: bytes):
    if (fieldname, btext) not in reader:
        return _no_docs()
    return _postings(reader, fieldname, btext, weights=False).ids


def _no_docs():
    import numpy as np

    return np.zeros(0, dtype=np.int64)


def _doc_array(docs):
    import numpy as np

    return np.unique(np.fromiter(iter(docs), dtype=np.int64))


def _empty():
    import numpy as np

    return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)


def _eval(node, s):
    """(sorted unique docnums, scores) of ``node`` in the segment searcher ``s``."""
    from whoosh import query as wq

    cls = type(node)
    if cls is wq.Term:
        return _term(node, s)
    if cls is wq.Or:
        if node.scale or node.minmatch:
            raise _Unsupported("coordination")
        return _boost(_union([_eval(sub, s) for sub in node.subqueries]), node.boost)
    if cls is wq.And:
        return _boost(_intersection([_eval(sub, s) for sub in node.subqueries]), node.boost)
    if cls is wq.AndNot:  # the first part's matches and scores, less the second part's documents
        ids, scores = _eval(node.a, s)
        if len(ids):
            import numpy as np

            not_ids, _ = _eval(node.b, s)
            if len(not_ids):
                keep = ~np.isin(ids, not_ids, assume_unique=True)
                ids, scores = ids[keep], scores[keep]
        return ids, scores
    if node is wq.NullQuery or cls is type(wq.NullQuery):
        return _empty()
    if cls is wq.Phrase and node.slop == 1:
        return _phrase(node, s)
    if node.is_leaf() or cls is wq.Phrase:
        return _by_matcher(node, s)
    raise _Unsupported(cls.__name__)


def _boost(res, boost: float):
    if boost != 1.0:
        return res[0], res[1] * boost
    return res


def _union(parts):
    import numpy as np

    parts = [p for p in parts if len(p[0])]
    if not parts:
        return _empty()
    if len(parts) == 1:
        return parts[0]
    total = sum(len(p[0]) for p in parts)
    size = max(int(p[0][-1]) for p in parts) + 1
    if size <= 8 * total:  # dense: one slot per docnum, no sort (each part's docnums are unique)
        acc = np.zeros(size, dtype=np.float64)
        present = np.zeros(size, dtype=bool)
        for ids, scores in parts:  # 0 + a + b ...: the order np.bincount adds them in below
            acc[ids] += scores
            present[ids] = True
        uniq = np.flatnonzero(present)
        return uniq, acc[uniq]
    ids = np.concatenate([p[0] for p in parts])
    scores = np.concatenate([p[1] for p in parts])
    uniq, inverse = np.unique(ids, return_inverse=True)
    return uniq, np.bincount(inverse, weights=scores, minlength=len(uniq))


def _intersection(parts):
    import numpy as np

    if not parts or any(not len(p[0]) for p in parts):
        return _empty()
    ids, scores = parts[0]
    for other_ids, other_scores in sorted(parts[1:], key=lambda p: len(p[0])):
        # both sorted and unique: each of ``ids`` looked up in the other, no sort: through a table
        # of the other's places by docnum when that is small beside them, else by binary search
        size = int(max(ids[-1], other_ids[-1])) + 1
        if size <= 4 * (len(ids) + len(other_ids)):
            place = np.full(size, -1, dtype=np.int64)
            place[other_ids] = np.arange(len(other_ids))
            at = place[ids]
            keep = at >= 0
        else:
            at = np.minimum(np.searchsorted(other_ids, ids), len(other_ids) - 1)
            keep = other_ids[at] == ids
        ids, scores = ids[keep], scores[keep] + other_scores[at[keep]]
        if not len(ids):
            return _empty()
    return ids, scores


def _term(node, s):
    import numpy as np

    fieldname = node.fieldname
    if fieldname not in s.schema:
        return _empty()
    try:
        btext = s.schema[fieldname].to_bytes(node.text)
    except ValueError:
        return _empty()
    reader = s.reader()
    if (fieldname, btext) not in reader:
        return _empty()
    scorer = s.weighting.scorer(s, fieldname, btext)
    plist = _postings(reader, fieldname, btext)
    ids, weights, first = plist.ids, plist.weights, plist.first
    scores = _scores(scorer, reader, fieldname, ids, weights)
    # the first posting scored by Whoosh's own scorer must give the same number: a scorer this
    # module reads wrongly (a weighting changed elsewhere) leaves the query to Whoosh, never a
    # different ranking
    if first is not None and len(ids):
        expected = scorer.score(first)
        if not (abs(expected - scores[0]) <= 1e-9 * max(1.0, abs(expected))):
            raise _Unsupported("scorer disagrees")
    if node.boost != 1.0:
        scores = scores * node.boost
    return ids, np.asarray(scores, dtype=np.float64)


def _phrase(node, s, score: bool = True, cap: int | None = None):
    """A phrase (words at consecutive positions, Whoosh's ``Phrase`` with slop 1): the words'
    document arrays are intersected first, positions are decoded for those candidates only, and a
    match scores as Whoosh's phrase matcher scores it: the sum of each word's term score in that
    document (added in the order of Whoosh's binary tree of intersections), times the boost.
    Without ``score``: (documents, None); with ``cap``, the candidates are checked a slice at a
    time until ``cap`` documents matched (at least ``cap`` of them found, when there are)."""
    import numpy as np

    fieldname = node.fieldname
    if fieldname not in s.schema:
        return _empty()
    field = s.schema[fieldname]
    if not field.format or not field.format.supports("positions"):
        return _by_matcher(node, s)  # Whoosh's own error for a field without positions
    words = list(node.words)
    if not words or any(w is None for w in words):
        return _by_matcher(node, s) if words else _empty()
    if len(words) == 1:  # Whoosh normalises a one-word phrase to its term
        from whoosh import query as wq

        return _term(wq.Term(fieldname, words[0], boost=node.boost), s)
    reader = s.reader()
    try:
        btexts = [field.to_bytes(w) for w in words]
    except ValueError:
        return _empty()
    if any((fieldname, b) not in reader for b in btexts):
        return _empty()
    lists = {b: _postings(reader, fieldname, b, weights=score, positions=True) for b in dict.fromkeys(btexts)}
    cand = None
    for b in sorted(lists, key=lambda b: len(lists[b].ids)):
        ids = lists[b].ids
        cand = ids if cand is None else np.intersect1d(cand, ids, assume_unique=True)
        if not len(cand):
            return _empty()
    where = {b: np.searchsorted(lists[b].ids, cand) for b in lists}
    if cap is None:
        hit = _phrase_hits(lists, btexts, where, np.arange(len(cand)))
    else:  # the first candidates first, more while fewer than ``cap`` matched
        found, start, step = [], 0, 256
        while start < len(cand) and sum(len(f) for f in found) < cap:
            found.append(start + _phrase_hits(lists, btexts, where, np.arange(start, min(start + step, len(cand)))))
            start, step = start + step, step * 4
        hit = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
    if not len(hit):
        return _empty()
    docs = cand[hit]
    if not score:
        return docs, None
    per_word = {}
    for b, plist in lists.items():
        i = where[b][hit]
        scorer = s.weighting.scorer(s, fieldname, b)
        scores = np.asarray(_scores(scorer, reader, fieldname, plist.ids[i], plist.weights[i]), dtype=np.float64)
        _check_first(scorer, plist, scores, i)
        per_word[b] = scores
    total = _tree_sum([per_word[b] for b in btexts])
    if node.boost != 1.0:
        total = total * node.boost
    return docs, total


def _phrase_hits(lists, btexts, where, rows):
    """Which of the candidates ``rows`` (indices into the candidates, ascending) hold the words
    ``btexts`` at consecutive positions: their indices relative to ``rows[0]``."""
    import numpy as np

    # (candidate, position - word offset) for every word: a phrase starts where all agree. The keys
    # come sorted (candidates in order, a posting's positions increasing), so each word's are looked
    # up in the next by binary search, with no sort.
    span = np.int64(1) << 32
    starts = None
    decoded: dict = {}
    for k, b in enumerate(btexts):
        if b not in decoded:
            decoded[b] = lists[b].positions(where[b][rows])
        owner, pos = decoded[b]
        keys = owner * span + (pos - k)
        if starts is None:
            starts = keys
        elif len(keys):
            at = np.minimum(np.searchsorted(keys, starts), len(keys) - 1)
            starts = starts[keys[at] == starts]
        else:
            starts = keys
        if not len(starts):
            return np.zeros(0, dtype=np.int64)
    return np.unique(starts // span)


def phrase_count(reader, fieldname: str, words: list[str], cap: int | None = None) -> int:
    """How many live documents of ``reader`` (a Whoosh reader, one segment or several) hold the
    phrase ``words`` (consecutive positions in ``fieldname``), counted from arrays as ``_phrase``
    finds them: what ``sum(1 for _ in Phrase(fieldname, words).matcher(searcher).all_ids())`` gives,
    at most ``cap``. 0 when a word or the field is unknown."""
    from whoosh import query as wq
    from whoosh.searching import Searcher

    leaves = reader.leaf_readers() if not reader.is_atomic() else [(reader, 0)]
    node = wq.Phrase(fieldname, list(words))
    total = 0
    for leaf, _offset in leaves:
        searcher = Searcher(leaf)  # not closed: that would close the caller's reader
        try:
            # (a segment with deletions is checked whole: a cap would count deleted documents)
            room = None if cap is None or leaf.has_deletions() else cap - total
            docs, _ = _phrase(node, searcher, score=False, cap=room) if len(words) > 1 else _eval(node, searcher)
        except _Unsupported:  # positions of a format read here only by Whoosh's matcher
            docs = _by_matcher(node, searcher)[0]
        if leaf.has_deletions() and len(docs):
            docs = [d for d in docs.tolist() if not leaf.is_deleted(d)]
        total += len(docs)
        if cap is not None and total >= cap:
            return cap
    return total


def _tree_sum(parts):
    """a + b + ... added as Whoosh's make_binary_tree nests its intersection matchers."""
    if len(parts) == 1:
        return parts[0]
    half = len(parts) // 2
    return _tree_sum(parts[:half]) + _tree_sum(parts[half:])


def _check_first(scorer, plist, scores, i) -> None:
    """When the term's first posting is among those scored, Whoosh's scorer must agree on it."""
    if plist.first is not None and len(i) and i[0] == 0:
        expected = scorer.score(plist.first)
        if not (abs(expected - scores[0]) <= 1e-9 * max(1.0, abs(expected))):
            raise _Unsupported("scorer disagrees")


def _scores(scorer, reader, fieldname: str, ids, weights):
    """Whoosh's scorer (BM25F, term weight, or either times a per-turn prior column) for all postings."""
    from whoosh.scoring import BM25FScorer, WeightScorer

    inner, priors = scorer, None
    if hasattr(scorer, "inner") and hasattr(scorer, "priors"):  # ranking.PriorBM25F's scorer
        inner, priors = scorer.inner, scorer.priors
    if type(inner) is BM25FScorer:
        fl = _lengths(reader, fieldname)[ids]
        idf, avgfl, B, K1 = inner.idf, inner.avgfl, inner.B, inner.K1
        scores = idf * ((weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * fl / avgfl)))
    elif type(inner) is WeightScorer:
        scores = weights
    else:
        raise _Unsupported(type(inner).__name__)
    if priors is not None:
        scores = scores * _priors(reader, priors)[ids]
    return scores


def _priors(reader, column):
    """ranking.prior_of of every document of the segment, from the scorer's column reader."""
    import numpy as np

    from pressarchive.ranking import prior_of

    raw = getattr(column, "_reader", column)  # whoosh's TranslatingColumnReader wraps the numbers
    translate = getattr(column, "_translate", None)
    # the segment's priors, computed once (a segment never changes; prior_of is a pure function of
    # the column's value): translating and scoring its ~2,000 distinct values on every term of
    # every search was a sixth of a rare word's search
    key = (reader._segment.segment_id(), "priors", reader.doc_count_all(), prior_of)
    cached = _LENGTHS.get(key)
    if cached is None:
        doccount = reader.doc_count_all()
        codes = _column_values(raw, doccount)
        uniq, inverse = np.unique(codes, return_inverse=True)
        values = [int(u) for u in uniq]
        if translate is not None:
            values = [translate(v) for v in values]
        if len(_LENGTHS) >= _LENGTHS_MAX:
            _LENGTHS.clear()
        cached = _LENGTHS[key] = np.array([prior_of(v) for v in values], dtype=np.float64)[inverse]
    return cached


_NUMPY_CODES = {"b": "i1", "B": "u1", "h": ">i2", "H": ">u2", "i": ">i4", "I": ">u4", "l": ">i4", "L": ">u4",
                "q": ">i8", "Q": ">u8"}


def _column_values(col, doccount: int):
    """A numeric column's values for every document of the segment (Whoosh's default past its end)."""
    import numpy as np

    dtype = _NUMPY_CODES.get(getattr(col, "_typecode", None))
    if dtype is None:
        return np.array([col[d] for d in range(doccount)], dtype=np.int64)
    out = np.full(doccount, col._default, dtype=np.int64)
    n = min(col._count, doccount)
    if n:
        out[:n] = np.frombuffer(bytes(col._dbfile.get(col._basepos, n * col._fixedlen)), dtype=dtype)
    return out


class _Postings:
    """One term's postings in one segment: ``ids`` (docnums, deleted documents included), ``weights``
    (term frequencies, None when not read), ``first`` (a Whoosh matcher on the first posting, to check
    the scorer) and ``positions(indices)``: the positions of the postings at those indices, as two
    arrays (which of the indices, position)."""

    def __init__(self, ids, weights, first, values=None, starts=None, blocks=None):
        self.ids, self.weights, self.first = ids, weights, first
        self._values, self._starts = values, starts  # per block: the value bytes; each block's first index
        self._blocks = blocks  # postings.BlockList: our own blocks decode their positions themselves

    def positions(self, indices):
        import numpy as np
        from pickle import loads

        if self._blocks is not None:
            return self._blocks.positions(indices)

        owner_parts, pos_parts = [], []
        blocks = np.searchsorted(self._starts, indices, side="right") - 1
        for j, (i, b) in enumerate(zip(indices.tolist(), blocks.tolist())):
            value = self._values[b][i - self._starts[b]]  # Whoosh's Positions: count, pickled deltas
            deltas = loads(value[4:] if value.endswith(b".") else value[4:] + b".")
            pos_parts.append(deltas)
            owner_parts.append(j)
        lengths = np.fromiter((len(d) for d in pos_parts), dtype=np.int64, count=len(pos_parts))
        owner = np.repeat(np.array(owner_parts, dtype=np.int64), lengths)
        flat = np.fromiter((x for d in pos_parts for x in d), dtype=np.int64, count=int(lengths.sum()))
        # deltas to positions, restarting at every posting
        return owner, _restart_cumsum(flat, lengths)


def _restart_cumsum(flat, lengths):
    """The running sums of ``flat``, restarting at every run of ``lengths`` (deltas to positions)."""
    import numpy as np

    pos = np.cumsum(flat)
    padded = np.concatenate((np.zeros(1, dtype=pos.dtype), pos))
    starts = np.concatenate((np.zeros(1, dtype=np.int64), np.cumsum(lengths)[:-1]))
    return pos - np.repeat(padded[starts], lengths)


def _postings(reader, fieldname: str, btext: bytes, weights: bool = True, positions: bool = False) -> _Postings:
    """One term's postings in one segment (``_Postings``); without ``weights`` only the docnums are
    read; with ``positions`` the value bytes are kept for ``positions()``."""
    import numpy as np
    from whoosh.codec.whoosh3 import W3LeafMatcher

    from pressarchive.postings import LeafMatcher, RawPositions

    fmt = reader.schema[fieldname].format
    first = reader._terms.matcher(fieldname, btext, fmt) if weights else None
    m = reader._terms.matcher(fieldname, btext, fmt)
    if type(m) is LeafMatcher:  # our own blocks (postings.py): docnums and weights straight from the bytes
        blocks = m.arrays(weights=weights, values=positions)
        if positions and type(fmt) is not RawPositions:
            raise _Unsupported("positions of another format")
        return _Postings(blocks.ids, blocks.weights, first, blocks=blocks)
    if type(m) is not W3LeafMatcher:  # a term's postings inlined in the term dictionary
        ids, ws, vs = [], [], []
        while m.is_active():
            ids.append(m.id())
            ws.append(m.weight() if weights else 1.0)
            vs.append(m.value() if positions else None)
            m.next()
        return _Postings(np.array(ids, dtype=np.int64), np.array(ws, dtype=np.float64), first, [vs],
                         np.zeros(1, dtype=np.int64))
    id_parts, w_parts, v_parts, starts = [], [], [], []
    n = 0
    while True:
        m._read_data()
        delta, w, values = m._data
        ids = np.array(delta, dtype=np.int64)
        np.cumsum(ids, out=ids)
        id_parts.append(ids)
        if positions:
            v_parts.append(values)
            starts.append(n)
            n += len(ids)
        if not weights:
            pass
        elif w is None:
            w_parts.append(np.ones(len(ids)))
        elif isinstance(w, float):
            w_parts.append(np.full(len(ids), w))
        else:
            w_parts.append(np.array(w, dtype=np.float64))
        if m._lastblock:
            break
        m._goto(m._nextoffset)
    ids = id_parts[0] if len(id_parts) == 1 else np.concatenate(id_parts)
    ws = None if not weights else (w_parts[0] if len(w_parts) == 1 else np.concatenate(w_parts))
    return _Postings(ids, ws, first, v_parts, np.array(starts, dtype=np.int64) if positions else None)


def _lengths(reader, fieldname: str):
    """The segment's field lengths (Whoosh's length byte, decoded) as one float64 array."""
    import numpy as np
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
    from whoosh.util.numeric import byte_to_length

    segment = reader._segment
    key = (segment.segment_id(), fieldname, reader.doc_count_all())
    arr = _LENGTHS.get(key)
    if arr is not None:
        return arr
    doccount = reader.doc_count_all()
    codes = np.zeros(doccount, dtype=np.uint8)
    col = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if col is not None:
        n = min(col._count, doccount)
        if n:
            codes[:n] = np.frombuffer(bytes(col._dbfile.get(col._basepos, n)), dtype=np.uint8)
    table = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
    arr = table[codes]
    if len(_LENGTHS) >= _LENGTHS_MAX:
        _LENGTHS.clear()
    _LENGTHS[key] = arr
    return arr


def _by_matcher(node, s):
    """Any other leaf (a phrase, a prefix...) scored by its own Whoosh matcher."""
    import numpy as np

    m = node.matcher(s, s.context(needs_current=False))
    ids, scores = [], []
    while m.is_active():
        ids.append(m.id())
        scores.append(m.score())
        m.next()
    if not ids:
        return _empty()
    ids_a = np.array(ids, dtype=np.int64)
    scores_a = np.array(scores, dtype=np.float64)
    if len(ids_a) > 1 and not np.all(ids_a[1:] > ids_a[:-1]):
        order = np.argsort(ids_a, kind="stable")
        ids_a, scores_a = ids_a[order], scores_a[order]
        uniq, inverse = np.unique(ids_a, return_inverse=True)
        return uniq, np.bincount(inverse, weights=scores_a, minlength=len(uniq))
    return ids_a, scores_a
