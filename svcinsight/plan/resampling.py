"""Bootstrap resamples of a scope's rows (tickets or answers), kept as how often each row
is drawn.

A mean, median or 90th percentile of a resample depends only on how often each row is
in it, not on the order of the draws. :class:`Resamples` keeps those counts (a small
integer per row and resample) so that the same draws serve every fix sized on the same
rows, and the statistic of each resample comes without gathering and sorting its values:

- a mean is a weighted sum of the values; when a fix changes a few rows, the change of
  each resample's sum is the weighted sum of those rows' changes alone;
- a quantile needs one or two order statistics of each resample; walking the values in
  sorted order, the running count of draws says where each resample's k-th smallest
  value is.

The numbers are those of the plain computation on explicit resamples
(``values[draws].mean(axis=1)``, ``np.median`` and ``np.quantile``'s default linear
interpolation): the same order statistics combined by the same arithmetic, and means of
0/1 rates exactly (sums of integers); means of other values can differ in the last bits.

Examples
--------
>>> import numpy as np
>>> draws = np.random.default_rng(1).integers(0, 5, size=(3, 5), dtype=np.int32)
>>> values = np.array([3.0, 1.0, 4.0, 1.0, 5.0])
>>> r = Resamples.from_draws(draws, 5)
>>> bool(np.array_equal(r.quantiles(values, 0.5), np.median(values[draws], axis=1)))
True
>>> bool(np.array_equal(r.quantiles(values, 0.9), np.quantile(values[draws], 0.9, axis=1)))
True
>>> bool(np.allclose(r.means(values), values[draws].mean(axis=1)))
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


def band_width(n: int) -> int:
    """How many sorted positions either side of an order statistic :class:`Resamples`
    counts over: a resample's count of draws below a position varies by about
    sqrt(n) / 2, so its k-th smallest draw lies outside the band about never."""
    return 8 * math.isqrt(n) + 16


@dataclass(frozen=True)
class Resamples:
    """``drawn[i, r]``: how often row ``i`` is drawn in resample ``r`` (each resample
    draws as many rows as there are). A row's counts lie together: reading a few rows,
    or all of them in some order, is quick. One byte a count (more only if some row is
    drawn over 255 times in a resample): 2 MB for 10,000 rows and 200 resamples."""

    drawn: np.ndarray

    @classmethod
    def draw(cls, rng: np.random.Generator, n_boot: int, n: int) -> Resamples:
        """The resamples ``rng.integers(0, n, size=(n_boot, n), dtype=np.int32)`` draws."""
        return cls.from_draws(rng.integers(0, n, size=(n_boot, n), dtype=np.int32), n)

    @classmethod
    def from_draws(cls, draws: np.ndarray, n: int) -> Resamples:
        """The resamples of explicit draws (one line of ``n`` row positions per resample).

        >>> Resamples.from_draws(np.array([[0, 0, 2], [1, 2, 0]]), 3).drawn.tolist()
        [[2, 1], [0, 1], [1, 1]]
        """
        draws = np.asarray(draws)
        counts = np.empty((len(draws), n), dtype=np.uint8)
        for r, line in enumerate(draws):
            drawn = np.bincount(line, minlength=n)
            if drawn.max(initial=0) > np.iinfo(counts.dtype).max:  # a row drawn over 255 times
                counts = counts.astype(np.int64)
            counts[r] = drawn
        return cls(np.ascontiguousarray(counts.T))

    @property
    def n(self) -> int:
        """Rows (and draws per resample)."""
        return self.drawn.shape[0]

    def __len__(self) -> int:
        return self.drawn.shape[1]

    # -- means ------------------------------------------------------------------------------
    def sums(self, values: np.ndarray) -> np.ndarray:
        """Each resample's sum of ``values`` (finite values)."""
        return np.einsum("ir,i->r", self.drawn, np.asarray(values, dtype=float))

    def means(self, values: np.ndarray) -> np.ndarray:
        """Each resample's mean of ``values`` (finite values)."""
        return self.sums(values) / self.n

    def changed_sums(self, sums: np.ndarray, before: np.ndarray, after: np.ndarray) -> np.ndarray:
        """Each resample's sum of ``after`` from its ``sums`` of ``before``: only the rows
        that differ are read.

        >>> r = Resamples.from_draws(np.array([[0, 0, 2], [1, 2, 0]]), 3)
        >>> before, after = np.array([1.0, 0.0, 0.0]), np.array([1.0, 1.0, 0.0])
        >>> r.changed_sums(r.sums(before), before, after).tolist()
        [2.0, 2.0]
        """
        rows = np.flatnonzero(after != before)
        if not len(rows):
            return sums
        return sums + np.einsum("ir,i->r", self.drawn[rows], after[rows] - before[rows])

    # -- quantiles --------------------------------------------------------------------------
    def quantiles(self, values: np.ndarray, q: float) -> np.ndarray:
        """Each resample's ``q`` quantile of ``values``: :func:`numpy.median` for 0.5, else
        :func:`numpy.quantile`'s default linear interpolation (finite values)."""
        values = np.asarray(values, dtype=float)
        n = self.n
        order = np.argsort(values, kind="stable")
        ranked = values[order]
        if q == 0.5:  # numpy.median: the middle value, or the mean of the two middle ones
            if n % 2:
                (middle,) = self._order_statistics(order, [(n - 1) // 2])
                return ranked[middle]
            low, high = self._order_statistics(order, [n // 2 - 1, n // 2])
            return (ranked[low] + ranked[high]) / 2
        virtual = (n - 1) * q  # numpy.quantile, method "linear"
        if virtual >= n - 1:
            (last,) = self._order_statistics(order, [n - 1])
            return ranked[last]
        previous = math.floor(virtual)
        gamma = virtual - previous
        low, high = self._order_statistics(order, [previous, previous + 1])
        a, b = ranked[low], ranked[high]
        diff = b - a
        return b - diff * (1 - gamma) if gamma >= 0.5 else a + diff * gamma

    def _order_statistics(self, order: np.ndarray, ks: list[int]) -> list[np.ndarray]:
        """For each k: the sorted position (in ``order``) of every resample's k-th smallest
        draw (0-based). The running counts are taken over a band of positions around the
        ks, wide enough to hold them but in resamples far out of the ordinary; those
        resamples are counted over all positions."""
        n = self.n
        band = band_width(n)
        lo, hi = max(min(ks) - band, 0), min(max(ks) + band + 1, n)
        inside = self.drawn[order[lo:hi]]
        above = np.add.reduce(self.drawn[order[hi:]], axis=0, dtype=np.int32)
        running = np.cumsum(inside, axis=0, dtype=np.int32)
        running += n - above - running[-1]  # + the draws below the band
        out = []
        for k in ks:
            position = lo + (running <= k).sum(axis=0)
            outside = (running[0] - inside[0] > k) | (running[-1] <= k)
            for r in np.flatnonzero(outside):
                position[r] = np.searchsorted(np.cumsum(self.drawn[order, r]), k, side="right")
            out.append(position)
        return out
