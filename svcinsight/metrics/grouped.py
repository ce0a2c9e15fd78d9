"""Order statistics per group on integer group codes: quantiles, medians and Kaplan-Meier
medians of millions of values without a Python loop over rows.

The values are put in group-major order by a stable sort of the small integer group
codes (a radix sort for up to 65,536 groups), then ordered within their group. Two ways
to do the second step, with identical results:

- few, large groups (the usual channel x month grid): one ``np.partition`` per group
  finds just the order statistics a quantile needs, in linear time;
- many groups, or when the full order is needed (Kaplan-Meier): groups of similar size
  share a 2-D array padded to the next power of two, which NumPy sorts row by row, so
  the cost is n log(group size) and the memory at most twice the values.

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
#: of a ``np.partition`` per group (a Python call per group costs more than it saves).
PARTITION_MAX_GROUPS = 2_000


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


def _selected(values: np.ndarray, groups: np.ndarray, n_groups: int, kth_of,
              layout: GroupLayout | None) -> tuple[np.ndarray, np.ndarray]:
    """Group-major values with, per group, the order statistics ``kth_of(count)`` asks for
    moved into place by ``np.partition`` (one call per group)."""
    values, counts = (layout or GroupLayout(groups, n_groups)).gather(values)
    starts = np.cumsum(counts) - counts
    for g in np.flatnonzero(counts):
        part = values[starts[g]:starts[g] + counts[g]]
        part.partition(kth_of(int(counts[g])))  # in place, on the view
    return values, counts


def quantiles(values: np.ndarray, groups: np.ndarray, n_groups: int, qs,
              sorted_groups: SortedGroups | None = None, layout: GroupLayout | None = None) -> np.ndarray:
    """Per-group quantiles (linear interpolation, as ``groupby().quantile()``), shape
    ``(n_groups, len(qs))``; NaN for groups without values. ``sorted_groups`` reuses a
    sort already made, ``layout`` a group order."""
    if sorted_groups is None and n_groups > PARTITION_MAX_GROUPS:
        sorted_groups = sort_within_groups(values, groups, n_groups, layout)
    if sorted_groups is not None:
        return _interpolate(sorted_groups, qs)

    def kth_of(count):
        k = set()
        for q in qs:
            low = int(q * (count - 1))
            k.update((low, min(low + 1, count - 1)))
        return sorted(k)

    selected, counts = _selected(values, groups, n_groups, kth_of, layout)
    return _interpolate(SortedGroups(selected, counts), qs)


def medians(values: np.ndarray, groups: np.ndarray, n_groups: int, layout: GroupLayout | None = None) -> np.ndarray:
    """Per-group medians as ``groupby().median()`` computes them (mean of the two middle
    values for an even count); NaN for groups without values."""
    if n_groups > PARTITION_MAX_GROUPS:
        s = sort_within_groups(values, groups, n_groups, layout)
        selected, counts = s.values, s.counts
    else:
        selected, counts = _selected(values, groups, n_groups, lambda c: sorted({(c - 1) // 2, c // 2}), layout)
    out = np.full(n_groups, np.nan)
    has = counts > 0
    c, s = counts[has], (np.cumsum(counts) - counts)[has]
    low, high = selected[s + (c - 1) // 2], selected[s + c // 2]
    out[has] = np.where(c % 2 == 1, high, (low + high) / 2)
    return out


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
