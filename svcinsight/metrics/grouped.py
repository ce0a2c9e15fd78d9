"""Order statistics per group on integer group codes: quantiles, medians and Kaplan-Meier
medians of millions of values without a Python loop over rows.

Three ways to the order statistics, with identical results:

- few, large groups (the usual channel x month grid), quantiles and medians: a
  histogram selection. Each value gets an integer key in the order of the floats (their
  bits, sign handled), and its top bits pick one of a few thousand buckets per group;
  one ``np.bincount`` of (group, bucket) and running sums tell which bucket holds each
  wanted rank, and only the values in those buckets (a small share) are sorted. Linear
  in the values, with no gather of all of them into group order;
- when the full order is needed (Kaplan-Meier): the values are put in group-major order
  by a stable sort of the small integer group codes (a radix sort for up to 65,536
  groups), then sorted within their group, one ``np.sort`` per group;
- many groups: groups of similar size share a 2-D array padded to the next power of
  two, which NumPy sorts row by row, so the cost is n log(group size) and the memory
  at most twice the values.

The arithmetic follows the reference implementations exactly: pandas' linear
interpolation for quantiles and ``(a + b) / 2`` for even-sized medians, and
statsmodels' ``SurvfuncRight`` for the Kaplan-Meier median (the survival curve is the
exponential of the running sum of ``log(1 - d / n)`` over event times, and the median is
the first event time where it falls below one half), so the numbers are bit-for-bit
those of ``groupby().quantile()``, ``groupby().median()`` and statsmodels.

Examples
--------
>>> import numpy as np
>>> values = np.array([3.0, 1.0, 2.0, 10.0, np.nan, 20.0])
>>> groups = np.array([0, 0, 0, 2, 2, 2])
>>> quantiles(values, groups, 3, (0.5, 0.9))
array([[ 2. ,  2.8],
       [ nan,  nan],
       [15. , 19. ]])
>>> medians(values, groups, 3)
array([ 2., nan, 15.])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Above this many groups, order statistics come from one padded row-wise sort instead
#: of work per group (a Python call per group costs more than it saves, and the
#: histogram selection's buckets per group get too few).
PARTITION_MAX_GROUPS = 2_000
#: Histogram cells (groups x buckets) of the selection: at most 4,096 buckets per group.
_SELECT_CELLS = 1 << 20
_SIGN = np.uint64(1 << 63)


class GroupLayout:
    """Rows put group after group (a stable order), made once and used for every value
    column of the same rows.

    >>> layout = GroupLayout(np.array([2, 0, -1, 2, 1]), 3)
    >>> layout.gather(np.array([5.0, 1.0, 9.0, np.nan, 3.0]))
    (array([1., 3., 5.]), array([1, 1, 1]))
    """

    def __init__(self, groups: np.ndarray, n_groups: int):
        self.n_groups = n_groups
        shifted = groups + 1  # rows without a group (-1) come first
        # NumPy radix-sorts 16-bit integers when asked for a stable sort: linear, not n log n
        keys = shifted.astype(np.uint16) if n_groups < 1 << 16 else shifted
        self.order = np.argsort(keys, kind="stable")
        self.groups = groups[self.order]

    def gather(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The values in group order without NaN or group-less rows, and the count per group."""
        ordered = values[self.order]
        keep = (self.groups >= 0) & ~np.isnan(ordered)
        return ordered[keep], np.bincount(self.groups[keep], minlength=self.n_groups)


def _row_positions(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For rows of the given lengths laid end to end: each element's row and column."""
    row = np.repeat(np.arange(len(counts)), counts)
    col = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    return row, col


def _padded_buckets(counts: np.ndarray):
    """Groups bucketed by the next power of two of their size: (groups, width) pairs."""
    nonzero = np.flatnonzero(counts > 0)
    if not len(nonzero):
        return
    widths = 1 << np.ceil(np.log2(counts[nonzero])).astype(np.int64)
    for width in np.unique(widths):
        yield nonzero[widths == width], int(width)


@dataclass
class SortedGroups:
    """Values sorted within each group, groups laid out one after another:
    ``values[starts[g]:starts[g] + counts[g]]`` are group ``g``'s values in ascending order."""

    values: np.ndarray
    counts: np.ndarray

    @property
    def starts(self) -> np.ndarray:
        return np.cumsum(self.counts) - self.counts


def sort_within_groups(values: np.ndarray, groups: np.ndarray, n_groups: int,
                       layout: GroupLayout | None = None) -> SortedGroups:
    """Sort ``values`` within each group (NaN values and negative groups are left out);
    a sort per group for a few groups, padded row-wise sorts for many.

    >>> s = sort_within_groups(np.array([3.0, 1.0, 5.0, 2.0]), np.array([1, 1, 0, 1]), 2)
    >>> s.values, s.counts
    (array([5., 1., 2., 3.]), array([1, 3]))
    """
    values, counts = (layout or GroupLayout(groups, n_groups)).gather(values)
    starts = np.cumsum(counts) - counts
    if n_groups <= PARTITION_MAX_GROUPS:
        for g in np.flatnonzero(counts > 1):
            values[starts[g]:starts[g] + counts[g]].sort()  # in place, on the view
        return SortedGroups(values, counts)
    for members, width in _padded_buckets(counts):
        sizes = counts[members]
        row, col = _row_positions(sizes)
        source = np.repeat(starts[members], sizes) + col
        block = np.full((len(members), width), np.inf)
        block[row, col] = values[source]
        block.sort(axis=1)
        values[source] = block[row, col]
    return SortedGroups(values, counts)


def _interpolate(sorted_groups: SortedGroups, qs) -> np.ndarray:
    """pandas' linear interpolation between order statistics, per group."""
    counts, starts, values = sorted_groups.counts, sorted_groups.starts, sorted_groups.values
    out = np.full((len(counts), len(qs)), np.nan)
    has = counts > 0
    c, s = counts[has], starts[has]
    for j, q in enumerate(qs):
        position = q * (c - 1)
        low = position.astype(np.int64)
        frac = position % 1
        high = np.minimum(low + 1, c - 1)
        a, b = values[s + low], values[s + high]
        out[has, j] = a + (b - a) * frac
    return out


def sortable_keys(values: np.ndarray) -> np.ndarray:
    """Unsigned integers in the order of the float values (NaN excepted): the bits of a
    positive float with the sign bit set, all bits flipped for a negative one.

    >>> x = np.array([-2.5, -0.1, 0.0, 1e-300, 3.0, np.inf])
    >>> bool((np.diff(sortable_keys(x).astype(object)) > 0).all())
    True
    """
    bits = np.ascontiguousarray(values, dtype=np.float64).view(np.uint64)
    return bits ^ ((bits >> np.uint64(63)) * np.uint64(0x7FFF_FFFF_FFFF_FFFF) | _SIGN)


def select_ranks(values: np.ndarray, groups: np.ndarray, n_groups: int, ranks_of) -> tuple[np.ndarray, np.ndarray]:
    """The values at given ranks of each group's ascending order, without sorting them.

    ``ranks_of(counts)`` gets the non-NaN values per group and returns the wanted ranks,
    shape ``(n_groups, k)`` (read only for groups with values). Returns those values
    (NaN for groups without any) and the counts. The ranks' buckets are found from a
    histogram of (group, bucket of the value's top key bits); the buckets' order is the
    values' order, so the value at rank r is the (r - values in lower buckets)-th
    smallest of its bucket, and only the values of the wanted buckets are sorted.

    >>> v = np.array([5.0, 1.0, np.nan, 4.0, 2.0, 9.0])
    >>> select_ranks(v, np.array([0, 0, 0, 0, 1, -1]), 2, lambda c: np.stack([c * 0, c - 1], axis=1))
    (array([[1., 5.],
           [2., 2.]]), array([3, 1]))
    """
    values = np.ascontiguousarray(values, dtype=np.float64)
    keep = (groups >= 0) & ~np.isnan(values)
    v, g = (values, groups) if keep.all() else (values[keep], groups[keep])
    if not len(v):
        counts = np.zeros(n_groups, dtype=np.int64)
        return np.full(np.shape(ranks_of(counts)), np.nan), counts
    key = v.view(np.int64)  # without a sign bit set (no negative value, no -0.0) already in order
    low = int(key.min())
    if low < 0:
        key = sortable_keys(v)
        low = int(key.min())
    span = int(key.max()) - low
    bucket_bits = max(1, min(12, (_SELECT_CELLS // max(n_groups, 1)).bit_length() - 1))
    shift = max(0, span.bit_length() - bucket_bits)
    n_buckets = (span >> shift) + 1
    bucket = key - key.dtype.type(low)
    bucket >>= bucket.dtype.type(shift)
    cell = bucket.astype(np.int64, copy=False)  # (group, bucket), in the values' order within a group
    cell += g * n_buckets
    hist = np.bincount(cell, minlength=n_groups * n_buckets).reshape(n_groups, n_buckets)
    cum = np.cumsum(hist, axis=1)
    counts = cum[:, -1]
    ranks = np.asarray(ranks_of(counts), dtype=np.int64)
    out = np.full(ranks.shape, np.nan)
    has = np.flatnonzero(counts)
    if not len(has):
        return out, counts
    ranks = ranks[has]
    # the bucket holding each rank: rows of running counts, each offset above the one
    # before, make one sorted array to search
    offset = (np.arange(len(has)) * (int(counts.max()) + 1))[:, None]
    flat = np.searchsorted((cum[has] + offset).ravel(), ranks + offset, side="right")
    bucket = flat - (np.arange(len(has)) * n_buckets)[:, None]
    below = np.where(bucket > 0, np.take_along_axis(cum[has], np.maximum(bucket - 1, 0), axis=1), 0)
    target = has[:, None] * n_buckets + bucket
    wanted = np.zeros(n_groups * n_buckets, dtype=bool)
    wanted[target.ravel()] = True
    pick = np.flatnonzero(wanted[cell])
    chosen, chosen_cell = v[pick], cell[pick]
    order = np.lexsort((chosen, chosen_cell))
    chosen, chosen_cell = chosen[order], chosen_cell[order]
    out[has] = chosen[np.searchsorted(chosen_cell, target) + (ranks - below)]
    return out, counts


def quantiles(values: np.ndarray, groups: np.ndarray, n_groups: int, qs,
              sorted_groups: SortedGroups | None = None, layout: GroupLayout | None = None,
              with_counts: bool = False):
    """Per-group quantiles (linear interpolation, as ``groupby().quantile()``), shape
    ``(n_groups, len(qs))``; NaN for groups without values. ``sorted_groups`` reuses a
    sort already made, ``layout`` a group order (for many groups); ``with_counts`` also
    returns the values per group."""
    if sorted_groups is None and n_groups > PARTITION_MAX_GROUPS:
        sorted_groups = sort_within_groups(values, groups, n_groups, layout)
    if sorted_groups is not None:
        out = _interpolate(sorted_groups, qs)
        return (out, sorted_groups.counts) if with_counts else out

    def ranks_of(counts):  # as _interpolate: the order statistics either side of q * (n - 1)
        out = []
        for q in qs:
            low = (q * (counts - 1)).astype(np.int64)
            out += [low, np.minimum(low + 1, counts - 1)]
        return np.stack(out, axis=1)

    selected, counts = select_ranks(values, groups, n_groups, ranks_of)
    out = np.full((n_groups, len(qs)), np.nan)
    has = counts > 0
    for j, q in enumerate(qs):
        frac = (q * (counts[has] - 1)) % 1
        a, b = selected[has, 2 * j], selected[has, 2 * j + 1]
        out[has, j] = a + (b - a) * frac
    return (out, counts) if with_counts else out


def medians(values: np.ndarray, groups: np.ndarray, n_groups: int, layout: GroupLayout | None = None,
            with_counts: bool = False):
    """Per-group medians as ``groupby().median()`` computes them (mean of the two middle
    values for an even count); NaN for groups without values. ``with_counts`` also
    returns the values per group."""
    out = np.full(n_groups, np.nan)
    if n_groups > PARTITION_MAX_GROUPS:
        s = sort_within_groups(values, groups, n_groups, layout)
        counts = s.counts
        has = counts > 0
        c, start = counts[has], s.starts[has]
        low, high = s.values[start + (c - 1) // 2], s.values[start + c // 2]
    else:
        selected, counts = select_ranks(values, groups, n_groups,
                                        lambda c: np.stack([(c - 1) // 2, c // 2], axis=1))
        has = counts > 0
        c, low, high = counts[has], selected[has, 0], selected[has, 1]
    out[has] = np.where(c % 2 == 1, high, (low + high) / 2)
    return (out, counts) if with_counts else out


def segmented_cumsum(terms: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Running sums restarting at each segment (segments of ``counts`` laid end to end),
    each summed left to right from zero exactly as ``np.cumsum`` of the segment alone.

    >>> segmented_cumsum(np.array([1.0, 2.0, 3.0, 4.0]), np.array([3, 1]))
    array([1., 3., 6., 4.])
    """
    out = np.empty_like(terms)
    starts = np.cumsum(counts) - counts
    if len(counts) <= PARTITION_MAX_GROUPS:
        for g in np.flatnonzero(counts):
            np.cumsum(terms[starts[g]:starts[g] + counts[g]], out=out[starts[g]:starts[g] + counts[g]])
        return out
    for members, width in _padded_buckets(counts):
        sizes = counts[members]
        row, col = _row_positions(sizes)
        source = np.repeat(starts[members], sizes) + col
        block = np.zeros((len(members), width))
        block[row, col] = terms[source]
        out[source] = np.cumsum(block, axis=1)[row, col]  # row by row, left to right
    return out


def km_medians(finished: SortedGroups, censored: SortedGroups) -> np.ndarray:
    """Kaplan-Meier median per group from the durations of the finished (event) and the
    still-waiting (right-censored) units, each sorted within groups; NaN where a group
    has no event or its curve never falls below one half. Negative durations count as 0.

    A censored unit with the same duration as an event is still at risk at that time.

    >>> one = np.zeros(3, dtype=int)
    >>> km_medians(sort_within_groups(np.array([1/6, 1, 2]), one, 1),
    ...            sort_within_groups(np.array([1, 519]), one[:2], 1))
    array([2.])
    """
    counts = finished.counts
    n_groups = len(counts)
    out = np.full(n_groups, np.nan)
    if not counts.sum():
        return out
    values = np.maximum(finished.values, 0.0)  # keeps the order
    starts = finished.starts
    group = np.repeat(np.arange(n_groups), counts)
    # distinct event times: runs of equal values within a group
    run_start = np.empty(len(values), dtype=bool)
    run_start[0] = True
    np.not_equal(values[1:], values[:-1], out=run_start[1:])
    run_start[starts[counts > 0]] = True
    first = np.flatnonzero(run_start)
    events = np.diff(np.r_[first, len(values)])
    event_group = group[first]
    # at risk at t: finished at or after t, plus censored at or after t; censored values
    # are found with one search over (group, value) pairs, which complex numbers order
    at_risk = (starts + counts)[event_group] - first
    c_values = np.maximum(censored.values, 0.0)
    if len(c_values):
        c_group = np.repeat(np.arange(n_groups), censored.counts)
        keys = c_group + 1j * c_values
        asked = np.flatnonzero(censored.counts[event_group] > 0)  # groups with anyone censored
        before = np.searchsorted(keys, event_group[asked] + 1j * values[first[asked]], side="left")
        at_risk[asked] += (censored.starts + censored.counts)[event_group[asked]] - before
    survival = 1 - events / at_risk
    survival[survival < 1e-16] = 1e-16
    running = segmented_cumsum(np.log(survival), np.bincount(event_group, minlength=n_groups))
    below = np.flatnonzero(np.exp(running) < 0.5)
    if len(below):
        below_group = event_group[below]
        firsts = below[np.r_[True, below_group[1:] != below_group[:-1]]]
        out[event_group[firsts]] = values[first[firsts]]
    return out
