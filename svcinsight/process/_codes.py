"""Integer codes for stages and teams, and counting on them: the arrays the process
modules aggregate with instead of string-keyed groupbys (several times faster on 1M rows).

Examples
--------
>>> import numpy as np, pandas as pd
>>> code, names = codes(pd.Series(["review", "new", "review"], dtype="string"))
>>> code.tolist(), list(names)
([1, 0, 1], ['new', 'review'])
>>> count_distinct(np.array([0, 0, 1, 1]), np.array([7, 7, 7, 8]), 2).tolist()
[1, 2]
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes 0..k-1 in sorted order of the values (-1 for missing) and the k values."""
    code, names = pd.factorize(values, sort=True)
    return np.asarray(code, dtype=np.int64), pd.Index(names, dtype="string")


def count_distinct(code: np.ndarray, item: np.ndarray, k: int) -> np.ndarray:
    """Distinct ``item`` values per code 0..k-1 (both non-negative integer arrays)."""
    if len(code) == 0:
        return np.zeros(k, dtype=np.int64)
    width = int(item.max()) + 1
    # A sort is several times faster than np.unique's hashing on a million int64 keys.
    pairs = np.sort(code.astype(np.int64) * width + item)
    first = np.r_[True, pairs[1:] != pairs[:-1]]
    return np.bincount(pairs[first] // width, minlength=k)


def combine(*arrays: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group ids for rows of equal integer keys: (id per row, row index of each group's
    first occurrence), ids numbered in order of first occurrence."""
    key = np.zeros(len(arrays[0]), dtype=np.int64)
    for values in arrays:
        values = np.asarray(values, dtype=np.int64)
        key = key * (int(values.max()) + 2 if len(values) else 1) + values + 1
    group, _ = pd.factorize(key, sort=False)
    group = np.asarray(group, dtype=np.int64)
    if len(group) == 0:
        return group, np.array([], dtype=np.int64)
    # Ids are numbered by first occurrence, so a row opens a group when its id exceeds
    # every id before it.
    seen = np.maximum.accumulate(group)
    opens = np.r_[True, group[1:] > seen[:-1]]
    return group, np.flatnonzero(opens)


def median_by(values: np.ndarray, group: np.ndarray, k: int, q: float = 0.5) -> np.ndarray:
    """Quantile ``q`` (linear interpolation) of the non-NaN values per group 0..k-1."""
    known = ~np.isnan(values)
    grouped = pd.Series(values[known]).groupby(group[known])
    result = grouped.median() if q == 0.5 else grouped.quantile(q)
    return result.reindex(range(k)).to_numpy(dtype=float)
