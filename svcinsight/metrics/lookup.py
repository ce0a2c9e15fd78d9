"""Which ticket each feedback row belongs to, found on integers instead of text.

Ticket ids are short strings (``EC-000123``, UUIDs), and hashing and comparing them as
text is what makes a lookup of a million of them slow. Here each id's bytes are read
straight from its Arrow buffers as 64-bit words (no Python string is made) and mixed
into one 64-bit integer; the lookup runs on those integers with pandas' hash table
(one factorisation of the feedback's integers followed by the tickets'), after a bit
table of the wanted integers has set aside the tickets no feedback points to. Every
link found is then checked word by word against the ids themselves, so two ids that
happen to share an integer can never link a wrong ticket: should that ever happen,
:func:`first_rows` says so and the caller compares the ids as text instead.

Examples
--------
>>> import pyarrow as pa
>>> tickets = pa.array(["EC-1", "EC-2", "EC-1", None, "FIN-77"])
>>> first_rows(tickets, pa.array(["FIN-77", "EC-1", None, "EC-9"]))
array([ 4,  0, -1, -1])
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

#: Ids up to this many 8-byte words (64 bytes) are read as integers; longer ones, or
#: columns that are not Arrow strings, are left to a lookup on the text.
MAX_WORDS = 8
_LOW_BYTES = np.array([(1 << (8 * i)) - 1 for i in range(8)] + [2**64 - 1], dtype=np.uint64)
# odd 64-bit multipliers of the kind used by SplitMix64 / MurmurHash3's finaliser
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))


class StringWords:
    """A string column's bytes as little-endian 64-bit words: word ``j`` of a row is its
    bytes ``8j .. 8j + 7``, zero past its end (and zero for a missing value).

    Strings of one length laid end to end (the usual ids) are read through a strided
    view of Arrow's data buffer, with no copy and no per-row offsets; others through
    their offsets.

    >>> w = StringWords(pa.array(["ab", None, "abcdefghi"]), n_words=2)
    >>> w.words[0].tolist() == [0x6261, 0, 0x6867666564636261], w.words[1].tolist(), w.valid.tolist()
    (True, [0, 0, 105], [True, False, True])
    """

    def __init__(self, strings: pa.Array | pa.ChunkedArray, n_words: int | None = None):
        chunks = strings.chunks if isinstance(strings, pa.ChunkedArray) else [strings]
        parts = []
        for chunk in chunks:
            if not (pa.types.is_string(chunk.type) or pa.types.is_large_string(chunk.type)):
                raise TypeError(f"not an Arrow string array: {chunk.type}")
            if not len(chunk):
                continue
            offset_type = np.dtype(np.int64 if pa.types.is_large_string(chunk.type) else np.int32)
            _, offset_buffer, data_buffer = chunk.buffers()
            offsets = np.frombuffer(offset_buffer, dtype=offset_type, count=len(chunk) + 1,
                                    offset=chunk.offset * offset_type.itemsize)
            data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, np.uint8)
            valid = chunk.is_valid().to_numpy(zero_copy_only=False) if chunk.null_count else None
            lengths = np.diff(offsets)
            width = int(lengths.max())
            n_valid = len(chunk) - chunk.null_count
            # one length for every present string, and missing ones take no bytes
            fixed = width > 0 and int(offsets[-1]) - int(offsets[0]) == n_valid * width and (
                (lengths == width).all() if valid is None else (lengths[valid] == width).all())
            if valid is not None:
                lengths[~valid] = 0
            parts.append((offsets, data, valid, lengths, width if fixed else 0))
        self.n = sum(len(p[0]) - 1 for p in parts)
        self.valid = np.concatenate([np.ones(len(p[0]) - 1, bool) if p[2] is None else p[2] for p in parts]) \
            if parts else np.zeros(0, dtype=bool)
        self.lengths = (np.concatenate([p[3] for p in parts]).astype(np.int64, copy=False) if parts
                        else np.zeros(0, dtype=np.int64))
        self.max_length = int(self.lengths.max(initial=0))
        #: the one length of every present string, or 0
        self.width = parts[0][4] if parts and all(p[4] == parts[0][4] for p in parts) else 0
        self._parts = parts
        self.words: list[np.ndarray] = []
        if n_words is not None:
            self.read(n_words)

    def read(self, n_words: int) -> None:
        """Read the first ``n_words`` words of every row into :attr:`words`."""
        self.words = [np.zeros(self.n, dtype=np.uint64) for _ in range(n_words)]
        row = 0
        for offsets, data, valid, lengths, width in self._parts:
            n = len(offsets) - 1
            if not width:  # a copy of the data with room to read a word past the end
                first, last = int(offsets[0]), int(offsets[-1])
                padded = np.zeros(last - first + 16, dtype=np.uint8)
                padded[:last - first] = data[first:last]
                starts = offsets[:-1] - first
            for j, out in enumerate(self.words):
                target = out[row:row + n]
                if width:
                    _strided_word(data, int(offsets[0]), width, j, valid, target)
                else:
                    _gathered_word(padded, starts, lengths, j, target)
            row += n

    def hashes(self) -> np.ndarray:
        """One 64-bit integer per row from its length and words (equal strings give equal
        integers; different ones almost surely different)."""
        mixed = self.lengths.astype(np.uint64)
        mixed *= _MIX[0]
        for word in self.words:
            mixed ^= word
            mixed *= _MIX[1]
            mixed ^= mixed >> np.uint64(29)
        mixed *= _MIX[2]
        mixed ^= mixed >> np.uint64(32)
        return mixed


def _strided_word(data, first: int, width: int, j: int, valid, target) -> None:
    """Word ``j`` of strings of one ``width`` laid end to end from byte ``first``, read
    through a strided view (the last few, whose word would run past the buffer, from a
    padded copy); written to the present rows of ``target``."""
    count = int(valid.sum()) if valid is not None else len(target)
    words = np.zeros(count, dtype=np.uint64)
    begin = first + 8 * j
    if 8 * j < width and count:
        # rows whose 8 bytes from ``begin`` lie inside the buffer
        safe = max(0, min(count, (len(data) - begin - 8) // width + 1)) if len(data) >= begin + 8 else 0
        if safe:
            view = np.ndarray(shape=(safe,), dtype="<u8", buffer=data, offset=begin, strides=(width,))
            np.bitwise_and(view, _LOW_BYTES[min(width - 8 * j, 8)], out=words[:safe])
        if safe < count:
            tail = np.zeros((count - safe) * width + 8, dtype=np.uint8)
            start = first + safe * width
            tail[:min(len(data) - start, (count - safe) * width)] = data[start:start + (count - safe) * width]
            view = np.ndarray(shape=(count - safe,), dtype="<u8", buffer=tail, offset=8 * j, strides=(width,))
            np.bitwise_and(view, _LOW_BYTES[min(width - 8 * j, 8)], out=words[safe:])
    if valid is None:
        target[:] = words
    else:
        target[valid] = words


def _gathered_word(padded, starts, lengths, j: int, target) -> None:
    """Word ``j`` of strings at any offsets: an unaligned read at each start, masked to
    the string's length."""
    every_byte = np.ndarray(shape=(len(padded) - 7,), dtype="<u8", buffer=padded, strides=(1,))
    reach = np.clip(lengths - 8 * j, 0, 8)
    inside = np.minimum(starts + 8 * j, len(padded) - 8)  # a row with nothing left reads any byte, masked to 0
    np.bitwise_and(every_byte[inside], _LOW_BYTES[reach], out=target)


def first_rows(haystack: pa.Array | pa.ChunkedArray, needles: pa.Array | pa.ChunkedArray) -> np.ndarray | None:
    """Row of each needle's first equal value in ``haystack`` (-1 if missing or absent).

    Returns None when the integers cannot answer: a column that is not Arrow strings,
    ids longer than :data:`MAX_WORDS` words, or two different ids sharing an integer.
    """
    try:
        hay, asked = StringWords(haystack), StringWords(needles)
    except TypeError:
        return None
    n_words = max(1, -(-max(hay.max_length, asked.max_length) // 8))
    if n_words > MAX_WORDS:
        return None
    position = np.full(asked.n, -1, dtype=np.int64)
    wanted = np.flatnonzero(asked.valid)
    if not len(wanted) or not hay.n:
        return position
    hay.read(n_words)
    asked.read(n_words)
    asked_hash = asked.hashes()[wanted]
    hay_hash = hay.hashes()
    # a bit table of the wanted integers' top bits sets aside most rows no needle can match
    bits = int(np.clip((16 * len(wanted)).bit_length(), 12, 24))
    top = np.uint64(64 - bits)
    maybe = np.zeros(1 << bits, dtype=bool)
    maybe[(asked_hash >> top).astype(np.intp)] = True
    candidates = np.flatnonzero(maybe[(hay_hash >> top).astype(np.intp)] & hay.valid)
    # one hash table for both: the needles come first, so codes below the needles'
    # distinct count are a needle's value
    codes = pd.factorize(np.concatenate([asked_hash, hay_hash[candidates]]).view(np.int64))[0]
    codes, found = codes[:len(wanted)], codes[len(wanted):]
    n_distinct = int(codes.max()) + 1
    hit = found < n_distinct
    first = np.full(n_distinct, hay.n, dtype=np.int64)
    np.minimum.at(first, found[hit], candidates[hit])  # the first row of a repeated id
    first = first[codes]
    position[wanted] = np.where(first < hay.n, first, -1)
    # every link checked on the ids themselves
    linked = np.flatnonzero(position >= 0)
    rows = position[linked]
    hay_lengths = hay.width or hay.lengths[rows]  # linked rows are present: of that one length, if any
    if (asked.lengths[linked] != hay_lengths).any():
        return None
    for hay_word, asked_word in zip(hay.words, asked.words):
        if (asked_word[linked] != hay_word[rows]).any():
            return None
    return position
