"""An exact set of string keys that grows chunk by chunk: how a load in chunks knows
the ids it has already kept (a repeat in a later chunk is a duplicate, as in a load in
one piece), and how staging finds each event's ticket.

Each key costs about 24 bytes plus its length: its 64-bit hash in a sorted array (to
find candidates), the position where it was added, and the key itself in an Arrow
string array (a hash match is confirmed by comparing the keys, so two keys sharing a
hash are never confused).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


class KeyIndex:
    """String keys in the order added; :meth:`positions` finds them.

    Examples
    --------
    >>> import pandas as pd
    >>> index = KeyIndex()
    >>> index.add(pd.Series(["T1", "T2"], dtype="string"))
    >>> index.add(pd.Series(["T3"], dtype="string"))
    >>> index.positions(pd.Series(["T3", "T9", None, "T1"], dtype="string")).tolist()
    [2, -1, -1, 0]
    >>> len(index)
    3
    """

    def __init__(self) -> None:
        self._hashes = np.empty(0, dtype=np.uint64)  # sorted
        self._slots = np.empty(0, dtype=np.int64)  # where the key of each sorted hash was added
        self._chunks: list = []  # the keys, one Arrow array per add()
        self._starts = np.zeros(1, dtype=np.int64)  # first position of each chunk, then the size

    def __len__(self) -> int:
        return int(self._starts[-1])

    @property
    def nbytes(self) -> int:
        """Memory held, in bytes."""
        return (self._hashes.nbytes + self._slots.nbytes + self._starts.nbytes
                + sum(chunk.nbytes for chunk in self._chunks))

    def add(self, keys: pd.Series) -> None:
        """Add ``keys``: none missing, none added before, none repeated."""
        import pyarrow as pa

        if not len(keys):
            return
        hashes = _hash(keys)
        order = np.argsort(hashes, kind="stable")
        at = np.searchsorted(self._hashes, hashes[order], side="right")
        self._hashes = np.insert(self._hashes, at, hashes[order])
        self._slots = np.insert(self._slots, at, len(self) + order)
        self._chunks.append(pa.array(keys.astype("string"), type=pa.large_string(), from_pandas=True))
        self._starts = np.append(self._starts, len(self) + len(keys))

    def positions(self, keys: pd.Series) -> np.ndarray:
        """Where each of ``keys`` was added (0-based), -1 for keys not added (and missing ones)."""
        out = np.full(len(keys), -1, dtype=np.int64)
        present = keys.notna().to_numpy(dtype=bool)
        if not len(self) or not present.any():
            return out
        wanted = keys[present].astype("string")
        hashes = _hash(wanted)
        low = np.searchsorted(self._hashes, hashes, side="left")
        high = np.searchsorted(self._hashes, hashes, side="right")
        found = np.full(len(wanted), -1, dtype=np.int64)
        rows = np.flatnonzero(high > low)
        depth = 0
        # almost always one stored key per hash; more only when two keys share a hash
        while rows.size:
            slots = self._slots[low[rows] + depth]
            same = self._equal(slots, wanted.iloc[rows])
            found[rows[same]] = slots[same]
            depth += 1
            rows = rows[~same & (high[rows] - low[rows] > depth)]
        out[np.flatnonzero(present)] = found
        return out

    def _equal(self, slots: np.ndarray, keys: pd.Series) -> np.ndarray:
        """Whether the stored key at each of ``slots`` equals the key beside it."""
        import pyarrow as pa
        import pyarrow.compute as pc

        stored = np.empty(len(slots), dtype=object)
        chunk_of = np.searchsorted(self._starts, slots, side="right") - 1
        for chunk in np.unique(chunk_of):
            rows = np.flatnonzero(chunk_of == chunk)
            taken = self._chunks[chunk].take(pa.array(slots[rows] - self._starts[chunk]))
            stored[rows] = taken.to_numpy(zero_copy_only=False)
        wanted = keys.to_numpy(dtype=object)
        return pc.equal(pa.array(stored, type=pa.large_string()),
                        pa.array(wanted, type=pa.large_string())).to_numpy(zero_copy_only=False)


def _hash(keys: pd.Series) -> np.ndarray:
    return pd.util.hash_array(keys.to_numpy(dtype=object), categorize=False)
