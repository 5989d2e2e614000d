"""Whoosh analysers for English and Chinese text, the same at index and at query time.

* ``fold``: NFKC (full-width -> half-width, compatibility forms) and traditional -> simplified
  Chinese (OpenCC ``t2s``), keeping a map back to the original offsets so highlights land on the
  text as written.
* ``bilingual_analyzer``: English words lower-cased and stemmed (Porter, with a short list of words
  it must not touch, such as "news"); Chinese runs segmented into words by rjieba (jieba-rs), one
  position per word, so phrase queries work in both languages; indexing adds the dictionary words
  inside longer words at the longer word's position (``subwords``).
* ``cjk_bigram_analyzer``: Chinese character bigrams (plus each run's last character when indexing),
  one position per character, for a parallel field: any run of two or more Chinese characters is
  found as a phrase of bigrams, whatever jieba made of the surrounding text (sub-word recall).
* ``name_analyzer``: names, titles and organisations: folded and lower-cased, never stemmed.

rjieba (~0.13 s to load its dictionary) and OpenCC are imported only when the text holds Chinese.
"""
from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache


def _import_whoosh_lightly() -> None:
    """Import whoosh without the two heavy modules it pulls in for nothing we use.

    whoosh.compat imports ``urllib.request`` (for a download helper) and whoosh.reading the
    ``cached_property`` package, which imports asyncio: together 60-100 ms of a ~0.3 s cold start
    (docs/performance.md). Light stand-ins are put in ``sys.modules`` for the import only and taken
    away again, so a later ``import urllib.request`` gets the real module.
    """
    if "whoosh.reading" in sys.modules:
        return
    import functools
    import types

    stubs: dict[str, types.ModuleType] = {}
    if "cached_property" not in sys.modules:
        stub = types.ModuleType("cached_property")
        stub.cached_property = functools.cached_property  # type: ignore[attr-defined]
        stubs["cached_property"] = stub
    if "urllib.request" not in sys.modules:
        stub = types.ModuleType("urllib.request")

        def urlretrieve(*args, **kwargs):  # pragma: no cover - whoosh never calls it on our paths
            import importlib

            return importlib.import_module("urllib.request").urlretrieve(*args, **kwargs)

        stub.urlretrieve = urlretrieve  # type: ignore[attr-defined]
        stubs["urllib.request"] = stub
    sys.modules.update(stubs)
    try:
        import whoosh.compat  # noqa: F401
        import whoosh.reading  # noqa: F401
    finally:
        for name, stub in stubs.items():
            if sys.modules.get(name) is stub:
                del sys.modules[name]


_import_whoosh_lightly()


def _open_compound_parts_lazily() -> None:
    """Let a segment's parts be read straight from the memory-mapped compound file.

    whoosh.filedb.compound opens each part of a segment file as a ``BufferFile``, whose constructor
    copies the part into a ``BytesIO`` at once: the term dictionary included, every time an index is
    opened, and the postings file when a term is first looked up. That was ~70 ms per search at 1,000
    conferences and grows with the index. The parts are now read through ``_ViewStream``, a file
    over the buffer that copies only the bytes read (same bytes, same behaviour).
    """
    import whoosh.filedb.compound as compound
    from whoosh.filedb.structfile import BufferFile

    if getattr(compound.BufferFile, "lazy", False):
        return

    class LazyBufferFile(BufferFile):
        lazy = True

        def __init__(self, buf, name=None, onclose=None):  # noqa: D401 - BufferFile's, without the copy
            self._buf = buf
            self._name = name
            self._stream = None
            self.onclose = onclose
            self.is_real = False
            self.is_closed = False

        @property
        def file(self):
            if self._stream is None:
                self._stream = _ViewStream(self._buf)
            return self._stream

        @file.setter
        def file(self, value):
            self._stream = value

    compound.BufferFile = LazyBufferFile


class _ViewStream:
    """A read-only, seekable file over a bytes-like buffer (a memoryview of the mapped segment file)
    that copies only what is read: what whoosh's readers ask of a part (read, readline, seek, tell,
    iteration by lines, pickle loads)."""

    def __init__(self, buf):
        self._buf = memoryview(buf).cast("B") if not isinstance(buf, bytes) else buf
        self._pos = 0
        self.closed = False

    def read(self, size: int | None = -1) -> bytes:
        end = len(self._buf) if size is None or size < 0 else min(len(self._buf), self._pos + size)
        data = bytes(self._buf[self._pos:end])
        self._pos = max(self._pos, end)
        return data

    def readline(self, size: int | None = -1) -> bytes:
        limit = len(self._buf) if size is None or size < 0 else min(len(self._buf), self._pos + size)
        out = bytearray()
        while self._pos < limit:
            chunk = bytes(self._buf[self._pos:min(limit, self._pos + 256)])
            cut = chunk.find(b"\n")
            if cut >= 0:
                out += chunk[:cut + 1]
                self._pos += cut + 1
                break
            out += chunk
            self._pos += len(chunk)
        return bytes(out)

    def __iter__(self):
        while True:
            line = self.readline()
            if not line:
                return
            yield line

    def seek(self, pos: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: len(self._buf)}[whence]
        self._pos = max(0, base + pos)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True


_open_compound_parts_lazily()

from whoosh.analysis import Composable, Filter, LowercaseFilter, Token, Tokenizer  # noqa: E402

# Han ideographs: CJK unified (+ extension A), compatibility ideographs, extensions B and later.
from pressarchive.text.cjk import HAN  # noqa: E402
_HAN_RUN = re.compile(f"[{HAN}]+")
_HAN_CHAR = re.compile(f"[{HAN}]")
# Outside Han runs: numbers with separators ("1,134", "1.27"), then words that may hold an
# apostrophe ("Xiong'an"); a possessive "'s" is dropped afterwards.
_WORD = re.compile(rf"\d+(?:[.,]\d+)+|[^\W_{HAN}]+(?:'[^\W_{HAN}]+)*")
_QUOTES = ("\u2019", "\u2018", "\u02bc", "\uff07")


# --- folding ------------------------------------------------------------------------------------
def fold(text: str) -> str:
    """NFKC + traditional->simplified: ``集成電路`` and ``ＡＢＣ`` become ``集成电路`` and ``ABC``."""
    if text.isascii():
        return text
    folded = _FOLDED.get(text)
    if folded is None:
        folded = fold_with_offsets(text)[0]
        if len(_FOLDED) >= 32:
            _FOLDED.clear()
        _FOLDED[text] = folded
    return folded


_FOLDED: dict[str, str] = {}  # the last texts folded: indexing folds a turn's text for 2-4 fields


def fold_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """The folded text and, where lengths changed, each folded char's index in ``text``.

    The offset list has one extra entry (``len(text)``) so that an end offset maps too;
    ``None`` means the folded text aligns with the original character for character.
    """
    if text.isascii():
        return text, None
    offsets: list[int] | None = None
    if not unicodedata.is_normalized("NFKC", text):
        pieces: list[str] = []
        offsets = []
        for i, ch in enumerate(text):
            norm = unicodedata.normalize("NFKC", ch)
            pieces.append(norm)
            offsets.extend([i] * len(norm))
        offsets.append(len(text))
        text = "".join(pieces)
    for quote in _QUOTES:  # to ASCII apostrophes (str.replace: translate looked each character up)
        if quote in text:
            text = text.replace(quote, "'")
    if _HAN_CHAR.search(text):
        text = _to_simplified(text)
    return text, offsets


def _to_simplified(text: str) -> str:
    """OpenCC t2s, kept to the same length (per character when a phrase rule changes it)."""
    from pressarchive.text.script import to_simplified_same_length

    return to_simplified_same_length(text)


# --- Chinese segmentation -----------------------------------------------------------------------
@lru_cache(maxsize=1)
def _jieba():
    import rjieba

    return rjieba


def segment(run: str) -> list[tuple[str, int, int]]:
    """jieba words of a run of Han characters as (word, start, end), offsets into ``run``."""
    return [(w, s, e) for w, s, e in _jieba().tokenize(run)]


def subwords(run: str, words: list[tuple[str, int, int]]) -> dict[tuple[int, int], list[tuple[str, int, int]]]:
    """The dictionary words inside jieba's longer words (jieba's search mode: 制造 in 制造业, 产业 in
    汽车产业), keyed by the (start, end) of the word holding them; ``words`` is ``segment(run)``."""
    if all(e - s <= 2 for _, s, e in words):
        return {}
    spans = {(s, e) for _, s, e in words}
    out: dict[tuple[int, int], list[tuple[str, int, int]]] = {}
    inside = [(w, s, e) for w, s, e in _jieba().tokenize(run, mode="search") if (s, e) not in spans]
    for w, s, e in inside:
        for _, ws, we in words:
            if ws <= s and e <= we:
                out.setdefault((ws, we), []).append((w, s, e))
                break
    return out


# --- English stemming ---------------------------------------------------------------------------
# Words Porter conflates with unrelated ones ("news" -> "new"); kept as they are.
KEEP_UNSTEMMED = frozenset(
    """news species series means lens gas bias atlas cosmos always sometimes perhaps hers its
    ours yours theirs this thus""".split()
)


_CONS_SEQ = "[^aeiou][^aeiouy]*"
_VOWEL_IN = re.compile(f"^({_CONS_SEQ})?[aeiouy]")
_CVC = re.compile(f"^{_CONS_SEQ}[aeiou][aeiouy]*[^aeiouwxy]$")
_DOUBLE = re.compile(r"([^aeiouylsz])\1$")


@lru_cache(maxsize=20000)
def stem(word: str) -> str:
    """Porter stem of a lower-case English word; digits, apostrophes and short words untouched.

    Porter's step 1b (-ed / -ing) is done here: whoosh's version anchors two of its patterns at
    the start of the word, so "transferring" became "transferr" and missed "transfer".
    """
    if len(word) <= 3 or word in KEEP_UNSTEMMED or not word.isascii() or not word.isalpha():
        return word
    from whoosh.lang.porter import stem as porter

    if not word.endswith("eed"):
        for suffix in ("ing", "ed"):
            base = word[: -len(suffix)]
            if word.endswith(suffix) and _VOWEL_IN.match(base):
                if base.endswith(("at", "bl", "iz")):
                    base += "e"
                elif _DOUBLE.search(base):
                    base = base[:-1]
                elif _CVC.match(base):
                    base += "e"
                word = base
                break
    return porter(word)


# --- tokenizers ---------------------------------------------------------------------------------
def _set(t: Token, text: str, pos: int, start: int, end: int, positions: bool, chars: bool,
         offsets: list[int] | None, start_char: int, keeporiginal: bool) -> Token:
    t.text = text
    t.boost = 1.0
    t.stopped = False
    if keeporiginal:
        t.original = text
    if positions:
        t.pos = pos
    if chars:
        if offsets is not None:
            start, end = offsets[start], offsets[end]
        t.startchar = start_char + start
        t.endchar = start_char + end
    return t


class BilingualTokenizer(Tokenizer):
    """Folded text -> English words and jieba-segmented Chinese words, one position each.

    Indexing also emits the dictionary words inside a longer Chinese word at that word's position
    (``subwords``), so a word query finds 产业 in 汽车产业 as a plain term, with no bigram phrase to
    match; a query is segmented without them, so phrases still line up word by word.
    ``english=False`` or ``chinese=False`` drops that script's words (positions still advance).
    """

    def __init__(self, english: bool = True, chinese: bool = True):
        self.english = english
        self.chinese = chinese

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        folded, offsets = fold_with_offsets(value)
        if not tokenize:
            yield _set(t, folded, start_pos, 0, len(folded), positions, chars, offsets,
                       start_char, keeporiginal)
            return
        inner = mode == "index" and self.chinese
        for pos, (word, s, e, han, parts) in enumerate(self.words(folded, inner), start_pos):
            if (self.chinese if han else self.english):
                yield _set(t, word, pos, s, e, positions, chars, offsets, start_char, keeporiginal)
                for part, ps, pe in parts:
                    yield _set(t, part, pos, ps, pe, positions, chars, offsets, start_char, keeporiginal)

    @staticmethod
    def words(text: str, inner: bool = False):
        """(word, start, end, is_chinese, sub-words) for every word of folded ``text``, in order;
        the sub-words (word, start, end) only with ``inner``."""
        last = 0
        for run in _HAN_RUN.finditer(text):
            yield from _latin_words(text, last, run.start())
            base = run.start()
            group = run.group()
            segmented = segment(group)
            within = subwords(group, segmented) if inner else {}
            for word, s, e in segmented:
                parts = [(w, base + ps, base + pe) for w, ps, pe in within.get((s, e), ())]
                yield word, base + s, base + e, True, parts
            last = run.end()
        yield from _latin_words(text, last, len(text))


def _latin_words(text: str, start: int, end: int):
    for m in _WORD.finditer(text, start, end):
        word, s, e = m.group(), m.start(), m.end()
        if word[-2:].lower() == "'s" and len(word) > 2:
            word, e = word[:-2], e - 2
        yield word, s, e, False, ()


class CJKBigramTokenizer(Tokenizer):
    """Han runs -> overlapping character bigrams at consecutive positions (non-Han text ignored).

    A query emits bigrams only (a unigram for a lone character), so a query run becomes a phrase
    of bigrams that matches any text holding it as a substring. Indexing emits the bigrams and, as a
    unigram, only the last character of each run: every other character starts a bigram, so a
    one-character query is the prefix query ``char*`` (``search.parse_query`` makes it one). A unigram
    per character doubled this field's postings, a third of all the index's postings.
    """

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        folded, offsets = fold_with_offsets(value)
        querying = mode == "query"
        pos = start_pos
        for run in _HAN_RUN.finditer(folded):
            s, text = run.start(), run.group()
            n = len(text)
            for i in range(n):
                if i + 1 == n and (not querying or n == 1):
                    yield _set(t, text[i], pos, s + i, s + i + 1, positions, chars, offsets,
                               start_char, keeporiginal)
                if i + 1 < n:
                    yield _set(t, text[i:i + 2], pos, s + i, s + i + 2, positions, chars,
                               offsets, start_char, keeporiginal)
                pos += 1
            pos += 1  # a gap: a phrase never spans two runs


class NameTokenizer(Tokenizer):
    """Folded words of a name, title or organisation; Chinese names are kept whole."""

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        folded, offsets = fold_with_offsets(value)
        pattern = _NAME_PART if tokenize else _WHOLE
        for pos, m in enumerate(pattern.finditer(folded), start_pos):
            yield _set(t, m.group(), pos, m.start(), m.end(), positions, chars, offsets,
                       start_char, keeporiginal)


_NAME_PART = re.compile(rf"[{HAN}]+|[^\W_{HAN}]+(?:'[^\W_{HAN}]+)*")
_WHOLE = re.compile(r".+", re.S)


class KeyTokenizer(Tokenizer):
    """One folded key (``key()``) per line of the value: exact, case-blind filter fields.

    With ``exact=True`` each line is kept as written (stripped): the labels shown in hints.
    """

    def __init__(self, exact: bool = False):
        self.exact = exact

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        offset = 0
        for line in value.split("\n") if tokenize else [value]:
            k = line.strip() if self.exact else key(line)
            if k:
                yield _set(t, k, pos, offset, offset + len(line), positions, chars, None,
                           start_char, keeporiginal)
                pos += 1
            offset += len(line) + 1


class EnglishStemFilter(Filter):
    """Stems lower-case English words; Chinese words, numbers and names in KEEP_UNSTEMMED pass."""

    is_morph = True

    def __call__(self, tokens):
        for t in tokens:
            t.text = stem(t.text)
            yield t


def key(value: str) -> str:
    """A name folded for exact matching: NFKC, t2s, no case, no accents, no spaces or hyphens.

    ``"Zhang Hongtao"``, ``"zhang-hongtao"`` and ``"Zhāng Hóngtāo"`` all give ``"zhanghongtao"``.
    """
    text = fold(value or "").casefold()
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
        text = unicodedata.normalize("NFC", text)
    return re.sub(r"[\W_]+", "", text)


# --- analysers ----------------------------------------------------------------------------------
def english_analyzer() -> Composable:
    """English (and other non-Chinese) words only: folded, lower-cased, stemmed."""
    return BilingualTokenizer(chinese=False) | LowercaseFilter() | EnglishStemFilter()


def chinese_analyzer() -> Composable:
    """Chinese words only, segmented by jieba, folded to simplified characters."""
    return BilingualTokenizer(english=False)


def bilingual_analyzer() -> Composable:
    """The main text analyser: English words stemmed and Chinese words segmented, in one stream."""
    return BilingualTokenizer() | LowercaseFilter() | EnglishStemFilter()


def cjk_bigram_analyzer() -> Composable:
    """Chinese character bigrams for sub-word recall; see ``CJKBigramTokenizer``."""
    return CJKBigramTokenizer()


def name_analyzer() -> Composable:
    """Names, titles, organisations: folded and lower-cased, never stemmed."""
    return NameTokenizer() | LowercaseFilter()


def key_analyzer() -> Composable:
    """Exact, case-blind keys, one per line, for filter fields (region, outlet, speaker)."""
    return KeyTokenizer()


def label_analyzer() -> Composable:
    """Values as written, one per line: the known regions, outlets and names listed in hints."""
    return KeyTokenizer(exact=True)


# --- indexing without tokens (segwriter.SegmentWriter) -------------------------------------------
_TERMS: dict[str, bytes] = {}  # a word as written -> its term's bytes (possessive dropped, lower-cased, stemmed)
_TERMS_MAX = 200_000


def _term(word: str) -> bytes:
    term = _TERMS.get(word)
    if term is None:
        w = word[:-2] if len(word) > 2 and word[-2:].lower() == "'s" else word
        term = stem(w.lower()).encode("utf-8")
        if len(_TERMS) >= _TERMS_MAX:
            _TERMS.clear()
        _TERMS[word] = term
    return term


def _bilingual_positions(value: str, english: bool, chinese: bool) -> dict[bytes, list[int]]:
    """Each term (as bytes) of ``bilingual_analyzer`` (with the flags of its tokenizer) indexing
    ``value``, and its positions in order: what the analyser's tokens give, without a token per word."""
    text = fold(value)
    poses: dict[bytes, list[int]] = {}
    get = poses.get
    cached = _TERMS.get
    pos = 0
    last = 0
    find = _WORD.findall

    def latin(start: int, end: int) -> None:
        nonlocal pos
        words = find(text, start, end)
        if english:
            for word in words:
                t = cached(word) or _term(word)
                lst = get(t)
                if lst is None:
                    poses[t] = [pos]
                else:
                    lst.append(pos)
                pos += 1
        else:
            pos += len(words)

    for run in _HAN_RUN.finditer(text):
        latin(last, run.start())
        group = run.group()
        segmented = segment(group)
        if chinese:
            within = subwords(group, segmented)
            for word, s, e in segmented:
                for w in (word, *(p for p, _, _ in within.get((s, e), ()))):
                    poses.setdefault(stem(w.lower()).encode("utf-8"), []).append(pos)
                pos += 1
        else:
            pos += len(segmented)
        last = run.end()
    latin(last, len(text))
    return poses


def _cjk_positions(value: str) -> dict[bytes, list[int]]:
    """``CJKBigramTokenizer``'s index terms (as bytes) of ``value`` and their positions."""
    poses: dict[str, list[int]] = {}
    text = fold(value)
    pos = 0
    for run in _HAN_RUN.finditer(text):
        group = run.group()
        n = len(group)
        for i in range(n - 1):
            poses.setdefault(group[i:i + 2], []).append(pos)
            pos += 1
        poses.setdefault(group[-1], []).append(pos)
        pos += 2
    return {t.encode("utf-8"): p for t, p in poses.items()}


ONE_POSITIONS = 1 << 14
_ONE_POSITION = [int.to_bytes(i, 4, "little") for i in range(ONE_POSITIONS)]  # RawPositions.encode([i])


def fast_positions(field):
    """For a text field whose analyser is one of ours, a function giving ``list(field.index(value))``
    (the same ``(btext, freq, weight, vbytes)`` items) without Whoosh's token stream; None otherwise."""
    from whoosh.analysis import CompositeAnalyzer, LowercaseFilter

    from pressarchive.postings import RawPositions

    fmt = getattr(field, "format", None)
    if type(fmt) is not RawPositions or fmt.field_boost != 1.0:
        return None
    analyzer = field.analyzer
    if type(analyzer) is CJKBigramTokenizer:
        positions = _cjk_positions
    elif (type(analyzer) is CompositeAnalyzer and len(analyzer.items) == 3
          and type(analyzer.items[0]) is BilingualTokenizer and type(analyzer.items[1]) is LowercaseFilter
          and type(analyzer.items[2]) is EnglishStemFilter):
        english, chinese = analyzer.items[0].english, analyzer.items[0].chinese

        def positions(value: str) -> dict[str, list[int]]:
            return _bilingual_positions(value, english, chinese)
    else:
        return None
    encode = fmt.encode
    one = _ONE_POSITION

    def items(value) -> list:
        if not isinstance(value, str):
            return list(field.index(value))
        return [(t, 1, 1.0, one[p[0]]) if len(p) == 1 and p[0] < ONE_POSITIONS else
                (t, len(p), float(len(p)), encode(p)) for t, p in positions(value).items()]

    return items
