"""Writing a segment: Whoosh's ``SegmentWriter`` with the postings gathered per term (issue 17).

Whoosh's writer sends every posting through its ``PostingPool``: one tuple pickled to a run file
when the pool is full, the runs merged back with ``heapq`` one posting at a time, and then each
posting handed to the field writer with its document's field length looked up. At 10 million
postings (100,000 turns) that was ~90 of 270 profiled seconds of a build, and the analysis chain
(a ``Token`` per word through three generators, then ``Format.word_values``) most of the rest.

``SegmentWriter`` here keeps Whoosh's writer (document numbers, stored fields, columns, field
lengths, the merge policy, the table of contents) and changes three things:

- ``PostingBuffer`` replaces the pool: each field's terms map to two growing ``bytearray``s, one of
  packed (document number, weight, value length) triples and one of values. When it holds more than the
  writer's ``limitmb``, it writes a sorted run of whole posting lists (one record a term, not one a
  posting) to a temporary file; the runs are merged term by term when the segment is written.
- ``_flush_segment`` writes each term's posting list in one call to ``postings.PostingsWriter.
  add_arrays`` with the field lengths read once per field as an array.
- ``add_document`` gets a term's positions from ``analysis.index_positions`` for the analysers it
  knows (the same terms and positions as the analyser, checked by tests over real transcripts), and
  reuses the items of a short value (names, keys, dates) or of the last long one (a question repeated
  on each of its answers) instead of analysing it again.

The segment written is the one Whoosh's own writer writes from the same documents: the same terms,
term statistics and posting lists (``tests/test_segwriter.py`` compares them).
"""
from __future__ import annotations

import heapq
import os
import pickle
import struct
import tempfile
from functools import lru_cache
from itertools import accumulate
from typing import Any, Iterator

from whoosh.writing import SegmentWriter as _WhooshSegmentWriter

SMALL_FLUSH = 50_000  # postings: a segment of fewer is written without NumPy (adding one conference:
# importing NumPy and its per-call overhead on ~3,000 short posting lists took 0.2 s of a 0.9 s add)
SHORT_VALUE = 200  # values up to this many characters have their items cached across documents
SHORT_CACHE_MAX = 50_000  # entries of that cache before it starts again
TERM_OVERHEAD = 420  # bytes a term's arrays and dictionary entry take before any posting
POSTING_BYTES = 13  # bytes a posting takes in memory (docnum, weight, value length, slack)
_POSTING = struct.Struct("<IfI")  # a posting as held: docnum, weight (float32, as the blocks keep it), value length
_POSTING_DTYPE = [("d", "<u4"), ("w", "<f4"), ("n", "<u4")]
_LENGTH = struct.Struct("<Q")  # a spilled record's byte length


class PostingBuffer:
    """Postings per field and term, in memory up to ``limitmb``, spilled to sorted runs beyond it.

    Postings must arrive in document order for each term (Whoosh's writer adds documents, and
    merged segments' documents, with ever larger numbers); ``terms`` checks it and sorts otherwise.
    """

    def __init__(self, limitmb: float = 128, tempdir: str | None = None):
        self.limit = int(limitmb * 1024 * 1024)
        self.tempdir = tempdir
        self.fields: dict[str, dict[bytes, tuple[bytearray, bytearray]]] = {}
        self.size = 0
        self.runs: list[str] = []
        self.postings = 0

    # -- adding --
    def add(self, item: tuple) -> None:
        """Whoosh's pool interface: one posting ``(fieldname, btext, docnum, weight, vbytes)``."""
        fieldname, btext, docnum, weight, vbytes = item
        self.add_field_items(fieldname, docnum, ((btext, 1, weight, vbytes),))

    def add_field_items(self, fieldname: str, docnum: int, items) -> int:
        """Add one document's ``(btext, freq, weight, vbytes)`` items of a field; their total frequency."""
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
        get = terms.get
        pack = _POSTING.pack
        size = 0
        total = 0
        n = 0
        for btext, freq, weight, vbytes in items:
            p = get(btext)
            if p is None:
                p = terms[btext] = (bytearray(), bytearray())
                size += TERM_OVERHEAD
            if vbytes:
                p[0].extend(pack(docnum, weight, len(vbytes)))
                p[1].extend(vbytes)
                size += len(vbytes)
            else:
                p[0].extend(pack(docnum, weight, 0))
            total += freq
            n += 1
        self.postings += n
        self.size += size + n * POSTING_BYTES
        if self.size > self.limit:
            self.spill()
        return total

    # -- runs --
    def _sorted_memory(self) -> Iterator[tuple]:
        for fieldname in sorted(self.fields):
            terms = self.fields[fieldname]
            for btext in sorted(terms):
                head, values = terms[btext]
                yield fieldname, btext, bytes(head), bytes(values)

    def spill(self) -> None:
        """Write what is held as a sorted run of whole posting lists, and start again."""
        if not self.fields:
            return
        fd, path = tempfile.mkstemp(prefix="pressarchive-run-", suffix=".pkl", dir=self.tempdir)
        try:
            with os.fdopen(fd, "wb", buffering=1 << 20) as f:
                # one pickle a record, each behind its length: a Pickler (and the Unpickler reading
                # it back) shared by a run keeps a memo of every object, the whole run in memory
                for record in self._sorted_memory():
                    data = pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
                    f.write(_LENGTH.pack(len(data)))
                    f.write(data)
        except BaseException:
            os.unlink(path)
            raise
        self.runs.append(path)
        self.fields = {}
        self.size = 0

    @staticmethod
    def _read_run(path: str) -> Iterator[tuple]:
        with open(path, "rb", buffering=1 << 20) as f:
            while True:
                head = f.read(_LENGTH.size)
                if len(head) < _LENGTH.size:
                    return
                yield pickle.loads(f.read(_LENGTH.unpack(head)[0]))

    # -- reading back --
    def terms(self) -> Iterator[tuple[str, bytes, Any, Any, Any, bytes]]:
        """``(fieldname, btext, docnums, weights, value_lengths, values)`` in field and term order,
        the arrays as NumPy arrays (uint32, float32, uint32), a term's postings in document order."""
        import numpy as np

        sources = [self._read_run(p) for p in self.runs] + [self._sorted_memory()]
        merged = sources[0] if len(sources) == 1 else heapq.merge(*sources, key=lambda r: (r[0], r[1]))
        pending: list[tuple] = []
        for record in merged:
            if pending and (record[0], record[1]) != (pending[0][0], pending[0][1]):
                yield _joined(pending, np)
                pending = []
            pending.append(record)
        if pending:
            yield _joined(pending, np)

    def iter_postings(self) -> Iterator[tuple]:
        """Whoosh's pool interface: ``(fieldname, btext, docnum, weight, vbytes)`` in order."""
        for fieldname, btext, docs, weights, vlens, values in self.terms():
            offset = 0
            for docnum, weight, n in zip(docs.tolist(), weights.tolist(), vlens.tolist()):
                yield fieldname, btext, docnum, weight, values[offset:offset + n]
                offset += n

    def cleanup(self) -> None:
        for path in self.runs:
            try:
                os.unlink(path)
            except OSError:
                pass
        self.runs = []
        self.fields = {}
        self.size = 0


def _joined(records: list[tuple], np) -> tuple:
    """One term's posting list from its records in run order, sorted by document if it was not."""
    fieldname, btext = records[0][0], records[0][1]
    if len(records) == 1:
        _, _, head, v = records[0]
    else:
        head = b"".join(r[2] for r in records)
        v = b"".join(r[3] for r in records)
    rows = np.frombuffer(head, dtype=_POSTING_DTYPE)
    docs, weights, vlens = rows["d"], rows["w"], rows["n"]
    if len(docs) > 1 and not bool(np.all(docs[1:] > docs[:-1])):
        order = np.argsort(docs, kind="stable")
        starts = np.concatenate(([0], np.cumsum(vlens, dtype=np.int64)[:-1]))
        v = b"".join(v[s:s + n] for s, n in zip(starts[order].tolist(), vlens[order].tolist()))
        docs, weights, vlens = docs[order], weights[order], vlens[order]
    return fieldname, btext, docs, weights, vlens, v


class SegmentWriter(_WhooshSegmentWriter):
    """Whoosh's segment writer with ``PostingBuffer`` for its pool; see the module's docstring."""

    def __init__(self, ix, limitmb: float = 128, **kwargs):
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool = PostingBuffer(limitmb, tempdir=_tempdir(ix))
        self._items_cache: dict[tuple[str, Any], list] = {}
        self._last_long: dict[str, tuple[str, list]] = {}
        self._plans: dict[str, tuple] = {}

    # -- documents --
    def _plan(self, fieldname: str) -> tuple:
        plan = self._plans.get(fieldname)
        if plan is None:
            from pressarchive.analysis import fast_positions

            field = self.schema[fieldname]
            if field.vector or field.separate_spelling():  # pragma: no cover - not in our schema
                raise NotImplementedError(f"field {fieldname!r}: term vectors and spelling are not written here")
            fast = fast_positions(field) if field.indexed else None
            plan = self._plans[fieldname] = (field, fast)
        return plan

    def _items(self, fieldname: str, field, fast, value) -> list:
        """The ``(btext, freq, weight, vbytes)`` items of ``value``: ``field.index(value)``."""
        short = not field.unique and (not isinstance(value, str) or len(value) <= SHORT_VALUE)
        if short:
            key = (fieldname, value)
            items = self._items_cache.get(key)
            if items is not None:
                return items
        else:
            last = self._last_long.get(fieldname)
            if last is not None and last[0] == value:
                return last[1]
        if fast is not None:
            items = fast(value)
        else:
            items = list(field.index(value))
        if short:
            if len(self._items_cache) >= SHORT_CACHE_MAX:
                self._items_cache.clear()
            self._items_cache[key] = items
        else:
            self._last_long[fieldname] = (value, items)
        return items

    def add_document(self, **fields):
        if any(name.startswith("_") for name in fields):  # boosts and custom stored values: Whoosh's way
            return super().add_document(**fields)
        self._check_state()
        perdocwriter = self.perdocwriter
        docnum = self.docnum
        add_items = self.pool.add_field_items
        fieldnames = sorted(fields)
        self._check_fields(self.schema, fieldnames)
        perdocwriter.start_doc(docnum)
        for fieldname in fieldnames:
            value = fields[fieldname]
            if value is None:
                continue
            field, fast = self._plan(fieldname)
            length = 0
            if field.indexed:
                total = add_items(fieldname, docnum, self._items(fieldname, field, fast, value))
                if field.scorable:
                    length = total
            perdocwriter.add_field(fieldname, field, value if field.stored else None, length)
            column = field.column_type
            if column:
                perdocwriter.add_column_value(fieldname, column, field.to_column_value(value))
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    # -- the segment --
    def _flush_segment(self):
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        try:
            if not self.pool.runs and self.pool.postings < SMALL_FLUSH:
                write_small(self.fieldwriter, self.schema, pdr, self.pool)
            else:
                write_postings(self.fieldwriter, self.schema, pdr, self.pool.terms())
        finally:
            self.fieldwriter.close()
            if pdr is not None:
                pdr.close()


def _tempdir(ix) -> str | None:
    folder = getattr(ix.storage, "folder", None)
    return folder if folder and os.path.isdir(folder) else None


@lru_cache(maxsize=1)
def _length_table() -> tuple[int, ...]:
    """Field length by length byte; 0 for the zero byte, which Whoosh reads as no length."""
    from whoosh.util.numeric import byte_to_length

    return (0, *(byte_to_length(b) for b in range(1, 256)))


def _length_bytes(pdr, fieldname: str) -> bytes | None:
    """Every document's length byte of ``fieldname`` (from the new segment's per-document reader,
    Whoosh's W3 one for our codec), or None for a field without lengths."""
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

    if pdr is None:
        return None
    reader = pdr._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    return bytes(reader.load()) if reader is not None else None


def _write_term(fieldwriter, btext: bytes, docs, weights, vlens, values: bytes, lengths) -> None:
    """One term's posting list (all NumPy arrays or all lists) through the field writer."""
    fieldwriter.start_term(btext)
    postwriter = fieldwriter._postwriter
    if hasattr(postwriter, "add_arrays"):
        postwriter.add_arrays(docs, weights, vlens, values, lengths)
    else:  # another codec's writer (an index of an older format, in tests): one posting at a time
        rows = zip(*(a.tolist() if hasattr(a, "tolist") else a for a in (docs, weights, vlens, lengths)))
        offset = 0
        for docnum, weight, n, length in rows:
            fieldwriter.add(docnum, weight, values[offset:offset + n], length or None)
            offset += n
    fieldwriter.finish_term()


def write_postings(fieldwriter, schema, pdr, terms) -> None:
    """Write ``terms`` (``PostingBuffer.terms``: NumPy arrays) through a Whoosh field writer."""
    import numpy as np

    table = np.array(_length_table(), dtype=np.int64)
    lastfield = None
    lengths = None
    for fieldname, btext, docs, weights, vlens, values in terms:
        if fieldname != lastfield:
            if lastfield is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            column = _length_bytes(pdr, fieldname)
            lengths = None if column is None else table[np.frombuffer(column, dtype=np.uint8)]
            lastfield = fieldname
        term_lengths = np.zeros(len(docs), dtype=np.int64)
        if lengths is not None:
            inside = docs < len(lengths)
            term_lengths[inside] = lengths[docs[inside]]
        _write_term(fieldwriter, btext, docs, weights, vlens, values, term_lengths)
    if lastfield is not None:
        fieldwriter.finish_field()


def write_small(fieldwriter, schema, pdr, pool: PostingBuffer) -> None:
    """``write_postings`` for a buffer that spilled no run, with lists instead of NumPy arrays."""
    table = _length_table()
    for fieldname in sorted(pool.fields):
        terms = pool.fields[fieldname]
        fieldwriter.start_field(fieldname, schema[fieldname])
        column = _length_bytes(pdr, fieldname) or b""
        for btext in sorted(terms):
            head, values = terms[btext]
            rows = list(_POSTING.iter_unpack(head))
            values = bytes(values)
            if any(rows[i][0] >= rows[i + 1][0] for i in range(len(rows) - 1)):
                starts = list(accumulate((r[2] for r in rows), initial=0))
                order = sorted(range(len(rows)), key=lambda i: rows[i][0])
                values = b"".join(values[starts[i]:starts[i] + rows[i][2]] for i in order)
                rows = [rows[i] for i in order]
            docs = [r[0] for r in rows]
            lengths = [table[column[d]] if d < len(column) else 0 for d in docs]
            _write_term(fieldwriter, btext, docs, [r[1] for r in rows], [r[2] for r in rows], values, lengths)
        fieldwriter.finish_field()
