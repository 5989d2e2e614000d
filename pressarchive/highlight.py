"""Highlighting: where in a turn's paragraphs a query matched (offsets into the text as written)."""
from __future__ import annotations

from dataclasses import dataclass, field

from pressarchive.query import _positive_leaves, _text
from pressarchive.text.cjk import HAN_CHAR as _HAN


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
