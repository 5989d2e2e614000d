"""The index's posting-block format: a Whoosh codec of our own (issue 17).

Whoosh's own codec (``whoosh3``) writes each block of 128 postings as one pickled, zlib-compressed
tuple (document numbers, weights, values) behind a pickled block header, and every posting's
positions as a 4-byte count plus a pickled list. Reading a block costs a ``zlib.decompress``, a
``pickle.loads`` creating a Python object for every number and value, and then the positions of
every posting are decoded although a term query never reads them: ~0.3 µs a posting, the largest
cost left in a common word's search (docs/performance.md).

``Codec`` is Whoosh's ``W3Codec`` with another postings writer and leaf matcher; the term
dictionary, the per-document columns, the segments and the table of contents are Whoosh's. The
index stays a Whoosh index written and read through Whoosh, and Whoosh's own matchers (searching,
phrases, merging segments) work on it. A posting list is our magic ``PAb1`` then blocks of up to
BLOCK_LIMIT postings; each block is

    int32     the block's byte length, negative for the last block (Whoosh's convention)
    header    ``HEADER``: postings, first and last docnum, max weight, min and max length bytes,
              the width of the docnum deltas, the weights' kind, the values' kind, the width of
              the value lengths, the values' stored and raw byte sizes
    docnums   the deltas from the block's first docnum (its own 0 first), unsigned, 1, 2 or 4 bytes
    weights   none (all 1.0), one float32 (all equal), uint8 (small integers) or float32 each
    values    none (a format without values); or the fixed-size values end to end; or one length
              each then the values end to end; the values zlib-compressed when that is smaller

so the document numbers and weights of a whole posting list are read with ``numpy.frombuffer``
(``arrays``) and the values, the positions of a phrase's words, only for the postings asked.

Positions are encoded by ``RawPositions`` (the text fields' format): a posting's value is its
position deltas as little-endian uint32, so a block's values part is one array of deltas that
NumPy decodes for any set of postings at once (``BlockList.positions``).

Bump ``index.INDEX_FORMAT`` whenever this format changes: older indexes are then rebuilt.
"""
from __future__ import annotations

import struct
import sys
import zlib
from array import array
from bisect import bisect_left
from itertools import accumulate

from whoosh import formats
from whoosh.codec.whoosh3 import W3Codec, W3LeafMatcher, W3PostingsWriter
from whoosh.matching import ReadTooFar
from whoosh.system import _INT_SIZE
from whoosh.util.numeric import byte_to_length, length_to_byte

MAGIC = b"PAb1"
BLOCK_LIMIT = 512  # postings a block (Whoosh's 128: a longer block costs nothing to decode here)
# postings, first docnum, last docnum, max weight, min length byte, max length byte, docnum delta width,
# weights kind, values kind, value length width, values stored size, values raw size
HEADER = struct.Struct("<IIIfBBBBBBII")
W_ONES, W_CONST, W_BYTES, W_FLOATS = 0, 1, 2, 3
V_NONE, V_FIXED, V_VARIABLE = 0, 1, 2
COMPRESS_MIN = 64  # values shorter than this are stored as they are
_LE = sys.byteorder == "little"
_WIDTH_CODE = {1: "B", 2: "H", 4: "I"}
_NP_WIDTH = {1: "<u1", 2: "<u2", 4: "<u4"}


def _width(largest: int) -> int:
    return 1 if largest < 0x100 else 2 if largest < 0x10000 else 4


def _pack_uints(values, width: int) -> bytes:
    a = array(_WIDTH_CODE[width], values)
    if a.itemsize != width:  # pragma: no cover - a platform whose C ints are not 2/4 bytes
        return b"".join(v.to_bytes(width, "little") for v in values)
    if not _LE:  # pragma: no cover
        a.byteswap()
    return a.tobytes()


def _unpack_uints(data: bytes, width: int) -> array:
    a = array(_WIDTH_CODE[width])
    if a.itemsize != width:  # pragma: no cover
        return array("I", (int.from_bytes(data[i:i + width], "little") for i in range(0, len(data), width)))
    a.frombytes(data)
    if not _LE:  # pragma: no cover
        a.byteswap()
    return a


class RawPositions(formats.Positions):
    """Whoosh's ``Positions`` format (frequency, weight, positions) with a posting's value stored as
    its position deltas in little-endian uint32, instead of a count and a pickled list: encoded
    without pickle, and decoded with NumPy a block at a time by the evaluator."""

    def encode(self, poslist):
        deltas = []
        base = 0
        for pos in poslist:
            deltas.append(pos - base)
            base = pos
        return _pack_uints(deltas, 4)

    def decode_positions(self, valuestring):
        return list(accumulate(_unpack_uints(valuestring, 4)))

    def decode_frequency(self, valuestring):
        return len(valuestring) // 4


def raw_positions(field):
    """``field`` (a Whoosh TEXT field with positions) storing its positions as ``RawPositions``."""
    if type(field.format) is formats.Positions:
        field.format = RawPositions(field_boost=field.format.field_boost, **field.format.options)
    return field


class Codec(W3Codec):
    """Whoosh's W3Codec with our posting blocks (term vectors, which we do not use, stay Whoosh's)."""

    def __init__(self, blocklimit: int = BLOCK_LIMIT, compression: int = 3, inlinelimit: int = 1):
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)

    def postings_writer(self, dbfile, byteids=False):
        if byteids:
            return super().postings_writer(dbfile, byteids=True)
        return PostingsWriter(dbfile, blocklimit=self._blocklimit, compression=self._compression,
                              inlinelimit=self._inlinelimit)

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        offset, length = terminfo.extent()
        return LeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)


class PostingsWriter(W3PostingsWriter):
    """Whoosh's postings writer (term info, block statistics, inlining) writing our blocks."""

    def add_posting(self, id_, weight, vbytes, length=None):
        # Whoosh's, without its per-posting type asserts, and keeping empty values (Whoosh drops
        # them, which misaligns a variable-size format's values with the documents)
        if len(self._ids) >= self._blocklimit:
            self._write_block()
        self._ids.append(id_)
        self._weights.append(weight)
        if weight > self._maxweight:
            self._maxweight = weight
        self._values.append(vbytes)
        if length:
            if self._minlength is None or length < self._minlength:
                self._minlength = length
            if length > self._maxlength:
                self._maxlength = length

    def _write_block(self, last=False):
        # the block buffered by add_posting (Whoosh's per-posting path)
        values = self._values
        self._emit_block(list(self._ids), list(self._weights), [len(v) for v in values], b"".join(values),
                         self._minlength, self._maxlength, self._maxweight, last)
        self._new_block()

    def add_arrays(self, docs, weights, vlens, values: bytes, lengths) -> None:
        """A whole posting list at once, between ``start_postings`` and ``finish_postings``: document
        numbers (ascending), weights (float32 values), value byte lengths and field lengths (0: none),
        all NumPy arrays or all lists, and the values end to end. The blocks written are those
        ``add_posting`` writes for the same postings one by one (segwriter.SegmentWriter's flush)."""
        n = len(docs)
        limit = self._blocklimit
        lists = isinstance(docs, list)
        if lists:
            ends = list(accumulate(vlens))
        else:
            import numpy as np

            ends = np.cumsum(vlens, dtype=np.int64)
        for start in range(0, n, limit):
            stop = min(n, start + limit)
            w = weights[start:stop]
            ln = lengths[start:stop]
            if lists:
                positive = [x for x in ln if x > 0]
                minlength = min(positive) if positive else None
                maxlength = max(positive) if positive else 0
                maxweight = max(0, max(w))
            else:
                positive = ln[ln > 0]
                minlength = int(positive.min()) if len(positive) else None
                maxlength = int(positive.max()) if len(positive) else 0
                maxweight = max(0, float(w.max()))
            vstart = int(ends[start - 1]) if start else 0
            vstop = int(ends[stop - 1]) if stop else 0
            self._emit_block(docs[start:stop], w, vlens[start:stop], values[vstart:vstop], minlength,
                             maxlength, maxweight, stop == n)

    def _emit_block(self, ids, weights, vlens, raw: bytes, minlength, maxlength, maxweight, last: bool):
        """Write one block: ids, weights (float32 values) and the values' lengths as lists (a small
        posting list, no NumPy to import) or NumPy arrays, and the values' bytes."""
        if not self._blockcount:
            self._postfile.write(MAGIC)
        self._terminfo.add_block(_Block(ids, weights, minlength, maxlength, maxweight))
        n = len(ids)
        first = int(ids[0])
        lastid = int(ids[-1])
        id_width = _width(lastid - first)
        w0 = float(weights[0])
        if isinstance(ids, list):
            parts = [None, _pack_uints([i - first for i in ids], id_width)]
            ones = all(w == 1.0 for w in weights)
            const = ones or all(w == w0 for w in weights)
            small = const or all(0 <= w < 256 and w == int(w) for w in weights)
        else:
            import numpy as np

            parts = [None, (ids - ids[0]).astype(_NP_WIDTH[id_width]).tobytes()]
            ones = bool(np.all(weights == 1.0))
            const = ones or bool(np.all(weights == weights[0]))
            small = const or bool(np.all((weights >= 0) & (weights < 256) & (weights == np.floor(weights))))
        if ones:
            wkind = W_ONES
        elif const:
            wkind = W_CONST
            parts.append(struct.pack("<f", w0))
        elif small:
            wkind = W_BYTES
            parts.append(bytes(int(w) for w in weights) if isinstance(weights, list)
                         else weights.astype("u1").tobytes())
        else:
            wkind = W_FLOATS
            if isinstance(weights, list):
                a = array("f", weights)
                if not _LE:  # pragma: no cover
                    a.byteswap()
                parts.append(a.tobytes())
            else:
                parts.append(weights.astype("<f4").tobytes())
        fixed = self._format.fixed_value_size()
        vkind, len_width = V_NONE, 0
        if fixed == 0 or not raw:
            raw = b""
        elif fixed is not None:
            vkind = V_FIXED
        else:
            vkind = V_VARIABLE
            len_width = _width(max(vlens) if isinstance(vlens, list) else int(vlens.max()))
            parts.append(_pack_uints(vlens, len_width) if isinstance(vlens, list)
                         else vlens.astype(_NP_WIDTH[len_width]).tobytes())
        stored = raw
        if len(raw) >= COMPRESS_MIN and self._compression:
            packed = zlib.compress(raw, self._compression)
            if len(packed) < len(raw):
                stored = packed
        parts.append(stored)
        parts[0] = HEADER.pack(n, first, lastid, maxweight, length_to_byte(minlength),
                               length_to_byte(maxlength), id_width, wkind, vkind, len_width,
                               len(stored), len(raw))
        data = b"".join(parts)
        self._postfile.write_int(-len(data) if last else len(data))
        self._postfile.write(data)
        self._blockcount += 1


class _Block:
    """What ``W3TermInfo.add_block`` reads of a block: its size, weights, ids and length range."""

    __slots__ = ("_weights", "_n", "_first", "_last", "_minlength", "_maxlength", "_maxweight")

    def __init__(self, ids, weights, minlength, maxlength, maxweight):
        self._weights = array("f", weights) if isinstance(weights, list) else array("f", weights.astype("=f4").tobytes())
        self._n = len(ids)
        self._first = int(ids[0])
        self._last = int(ids[-1])
        self._minlength = minlength
        self._maxlength = maxlength
        self._maxweight = maxweight

    def __len__(self):
        return self._n

    def min_id(self):
        return self._first

    def max_id(self):
        return self._last

    def min_length(self):
        return self._minlength

    def max_length(self):
        return self._maxlength

    def max_weight(self):
        return self._maxweight


class LeafMatcher(W3LeafMatcher):
    """Whoosh's leaf matcher (skipping, block quality, ``value_as``...) reading our blocks; ``arrays``
    reads a whole posting list into NumPy arrays for the evaluator."""

    def _read_header(self):
        postfile = self._postfile
        postfile.seek(self._startoffset)
        magic = postfile.read(4)
        if magic != MAGIC:
            raise ValueError(f"not a pressarchive posting list (magic {magic!r})")
        self._baseoffset = postfile.tell()

    def _goto(self, position):
        postfile = self._postfile
        self._data = None
        self._ids = None
        self._weights = None
        self._values = None
        self._i = 0
        length = postfile.get_int(position)
        if length < 0:
            self._lastblock = True
            length = -length
        self._nextoffset = position + _INT_SIZE + length
        head = HEADER.unpack(postfile.get(position + _INT_SIZE, HEADER.size))
        (self._blocklength, self._first, self._maxid, self._maxweight, mnlen, mxlen, self._idwidth,
         self._wkind, self._vkind, self._lenwidth, self._vstored, self._vraw) = head
        self._compression = self._vstored != self._vraw
        self._minlength = byte_to_length(mnlen)
        self._maxlength = byte_to_length(mxlen)
        self._dataoffset = position + _INT_SIZE + HEADER.size

    def _read_data(self):
        self._data = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)

    def skip_to(self, targetid):
        # Whoosh's skips whole blocks by their last docnum, then steps one posting at a time through
        # the block (256 steps on average in a block of 512): here a binary search in the block
        if not self.is_active():
            raise ReadTooFar
        if targetid <= self.id():
            return
        if targetid > self._maxid:
            self._skip_to_block(lambda: targetid > self._maxid)
            if not self.is_active():
                return
        if self._ids is None:
            self._read_ids()
        self._i = bisect_left(self._ids, targetid - self._first, self._i)

    def _weights_size(self) -> int:
        return (0, 4, self._blocklength, 4 * self._blocklength)[self._wkind]

    def _read_ids(self):
        # ``_ids`` holds the block's deltas from its first docnum (a C array: nothing is made per
        # posting until it is asked for); ``id`` adds the first docnum
        if self._data is None:
            self._read_data()
        self._ids = _unpack_uints(self._data[:self._blocklength * self._idwidth], self._idwidth)

    def id(self):
        if self._ids is None:
            self._read_ids()
        return self._first + self._ids[self._i]

    def block_min_id(self):
        return self._first

    def _read_weights(self):
        if self._data is None:
            self._read_data()
        n = self._blocklength
        start = n * self._idwidth
        if self._wkind == W_ONES:
            self._weights = array("f", [1.0]) * n
        elif self._wkind == W_CONST:
            self._weights = array("f", struct.unpack_from("<f", self._data, start)) * n
        elif self._wkind == W_BYTES:
            self._weights = array("f", list(self._data[start:start + n]))
        else:
            a = array("f")
            a.frombytes(self._data[start:start + 4 * n])
            if not _LE:  # pragma: no cover
                a.byteswap()
            self._weights = a

    def _read_values(self):
        # ``_values`` is the block's values part (decompressed) and ``_voffs`` where each posting's
        # value starts in it: a value is sliced out when ``value()`` asks for it (Whoosh's phrase
        # matcher asks for a few postings of a block, not all 512), None for a format without values
        if self._data is None:
            self._read_data()
        n = self._blocklength
        self._voffs = None
        if self._vkind == V_NONE:
            self._values = (None,) * n if self._fixedsize == 0 else (b"",) * n
            return
        start = n * self._idwidth + self._weights_size()
        if self._vkind == V_VARIABLE:
            lengths = _unpack_uints(self._data[start:start + n * self._lenwidth], self._lenwidth)
            start += n * self._lenwidth
            self._voffs = array("I", accumulate(lengths, initial=0))
        else:
            self._voffs = range(0, self._fixedsize * (n + 1), self._fixedsize)
        raw = self._data[start:start + self._vstored]
        self._values = zlib.decompress(raw) if self._compression else raw

    def value(self):
        if self._values is None:
            self._read_values()
        if self._voffs is None:
            return self._values[self._i]
        i = self._i
        return self._values[self._voffs[i]:self._voffs[i + 1]]

    def arrays(self, weights: bool = True, values: bool = False) -> "BlockList":
        """The whole posting list as arrays (``BlockList``): one read of its bytes, the block
        headers unpacked, the docnums and weights put together with NumPy."""
        return BlockList(self, weights, values)


class BlockList:
    """One posting list decoded for the evaluator: ``ids`` (int64 docnums), ``weights`` (float64, the
    float32 values Whoosh reads, or None) and ``positions(indices)`` for RawPositions values."""

    def __init__(self, m: LeafMatcher, weights: bool, values: bool):
        import numpy as np

        length = m._length[0] if isinstance(m._length, tuple) else m._length  # W3TermInfo leaves a 1-tuple
        buf = m._postfile.get(m._startoffset, length)
        pos = len(MAGIC)
        end = len(buf)
        unpack = HEADER.unpack_from
        id_parts, w_parts, firsts, lasts, counts = [], [], [], [], []
        blocks = []  # (values offset, postings, length width, stored size, raw size) per block
        hsize = HEADER.size
        frombuffer = np.frombuffer
        while pos < end:
            length = abs(int.from_bytes(buf[pos:pos + 4], "big", signed=True))
            (n, first, last, _mw, _mn, _mx, idw, wkind, vkind, lenw, vstored, vraw) = unpack(buf, pos + 4)
            at = pos + 4 + hsize
            id_parts.append(frombuffer(buf, dtype=_NP_WIDTH[idw], count=n, offset=at))
            at += n * idw
            firsts.append(first)
            lasts.append(last)
            counts.append(n)
            if wkind == W_ONES:
                wsize = 0
                if weights:
                    w_parts.append(np.ones(n))
            elif wkind == W_CONST:
                wsize = 4
                if weights:
                    w_parts.append(np.full(n, frombuffer(buf, dtype="<f4", count=1, offset=at)[0], dtype=np.float64))
            elif wkind == W_BYTES:
                wsize = n
                if weights:
                    w_parts.append(frombuffer(buf, dtype="<u1", count=n, offset=at))
            else:
                wsize = 4 * n
                if weights:
                    w_parts.append(frombuffer(buf, dtype="<f4", count=n, offset=at))
            at += wsize
            if values:
                blocks.append((at, n, vkind, lenw, vstored, vraw))
            pos += 4 + length
        counts_a = np.array(counts, dtype=np.int64)
        starts = np.zeros(len(counts), dtype=np.int64)
        np.cumsum(counts_a[:-1], out=starts[1:])
        ids = np.concatenate(id_parts).astype(np.int64) if len(id_parts) > 1 else id_parts[0].astype(np.int64)
        ids += np.repeat(np.array(firsts, dtype=np.int64), counts_a)
        self.ids = ids
        if weights:
            self.weights = (np.concatenate(w_parts) if len(w_parts) > 1 else w_parts[0]).astype(np.float64)
        else:
            self.weights = None
        self._buf, self._blocks, self._starts = buf, blocks, starts

    def positions(self, indices):
        """(which of ``indices``, position) for every position of the postings at ``indices``
        (sorted), the values being RawPositions' uint32 deltas. Each block holding one of them is
        decoded once (a few microseconds of Python a block); the rest is one NumPy gather."""
        import numpy as np

        empty = np.zeros(0, dtype=np.int64)
        if not len(indices):
            return empty, empty
        block_of = np.searchsorted(self._starts, indices, side="right") - 1
        touched = np.unique(block_of)
        counts, datas, base = [], [], np.zeros(len(self._blocks), dtype=np.int64)
        n_before = 0
        buf = self._buf
        for b in touched.tolist():
            at, n, vkind, lenw, vstored, vraw = self._blocks[b]
            if vkind != V_VARIABLE:
                raise ValueError("no positions in this posting list")
            counts.append(np.frombuffer(buf, dtype=_NP_WIDTH[lenw], count=n, offset=at))
            raw = buf[at + n * lenw:at + n * lenw + vstored]
            datas.append(np.frombuffer(zlib.decompress(raw) if vstored != vraw else raw, dtype="<u4"))
            base[b] = n_before - self._starts[b]  # a posting's index among the touched blocks' postings
            n_before += n
        lengths = np.concatenate(counts).astype(np.int64) // 4
        data = np.concatenate(datas)
        offs = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offs[1:])
        local = indices + base[block_of]
        cnt = offs[local + 1] - offs[local]
        total = int(cnt.sum())
        if not total:
            return empty, empty
        out_start = np.cumsum(cnt) - cnt
        flat = data[np.repeat(offs[local] - out_start, cnt) + np.arange(total)].astype(np.int64)
        owner = np.repeat(np.arange(len(indices), dtype=np.int64), cnt)
        pos = np.cumsum(flat)  # deltas to positions, restarting at every posting
        padded = np.concatenate((np.zeros(1, dtype=np.int64), pos))
        return owner, pos - np.repeat(padded[out_start], cnt)
