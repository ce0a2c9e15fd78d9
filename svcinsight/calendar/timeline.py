"""The vectorised core: working blocks as UTC instants, and working time up to any instant.

For a span of local days, every working block is laid out as a pair of UTC instants
(nanoseconds), sorted, with the running total of working nanoseconds before each block.
The working time elapsed up to an instant ``t`` is then one ``searchsorted`` away::

    i = last block starting at or before t
    worked(t) = before[i] + clip(t - start[i], 0, end[i] - start[i])

and the business time between two instants is ``worked(end) - worked(start)``, in
integer nanoseconds, so there is no rounding until the final division into hours.

Local wall-clock times become instants by one rule, used for block boundaries and for
naive input timestamps alike (and matching :mod:`svcinsight.io.timestamps`): a time
that occurs twice when clocks go back means its first occurrence; a time skipped when
clocks go forward means the instant the clocks jump.

Examples
--------
>>> import numpy as np
>>> wall = np.array(["2025-03-09T02:30", "2025-11-02T01:30"], dtype="M8[ns]")
>>> utc = wall_to_utc_ns(wall.astype("int64"), "America/New_York")
>>> [str(np.datetime64(int(v), "ns")) for v in utc]
['2025-03-09T07:00:00.000000000', '2025-11-02T05:30:00.000000000']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

NS_PER_SECOND = 1_000_000_000
NS_PER_HOUR = 3600 * NS_PER_SECOND
_NS_PER_DAY = 24 * NS_PER_HOUR
NAT = np.iinfo(np.int64).min


def wall_to_utc_ns(wall_ns: np.ndarray, tz: str) -> np.ndarray:
    """UTC nanoseconds for local wall-clock nanoseconds in ``tz`` (``NaT`` stays ``NaT``)."""
    wall = pd.DatetimeIndex(np.asarray(wall_ns, dtype="int64").view("M8[ns]"))
    # ambiguous=True picks the offset in force before the clocks went back, i.e. the
    # first occurrence, whether or not the zone calls that offset daylight time.
    local = wall.tz_localize(tz, ambiguous=np.ones(len(wall), dtype=bool), nonexistent="shift_forward")
    return local.tz_convert("UTC").as_unit("ns").asi8


def as_datetime_index(values: object, *, where: str) -> pd.DatetimeIndex:
    """Timestamps of any usual form as a ``DatetimeIndex`` (naive or tz-aware)."""
    if isinstance(values, pd.DatetimeIndex):
        return values
    if isinstance(values, (pd.Series, pd.Index, np.ndarray, list, tuple)):
        dtype = getattr(values, "dtype", None)
        if dtype is not None and (pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)):
            raise TypeError(f"{where}: expected timestamps, got numbers of dtype {dtype}")
        if isinstance(dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(dtype):
            return pd.DatetimeIndex(values)
        # ISO 8601 per value, so "2025-06-16" and "2025-06-16 09:00" mix; other layouts
        # are the loaders' business (svcinsight.io parses them with a ledger).
        return pd.DatetimeIndex(pd.to_datetime(values, format="ISO8601"))
    return pd.DatetimeIndex([pd.Timestamp(values) if values is not None else pd.NaT])


def to_utc_ns(index: pd.DatetimeIndex, tz: str) -> np.ndarray:
    """UTC nanoseconds; naive values are wall-clock times in ``tz``; ``NaT`` -> :data:`NAT`."""
    if index.tz is None:
        return wall_to_utc_ns(index.as_unit("ns").asi8, tz)
    return index.tz_convert("UTC").as_unit("ns").asi8


def local_days(utc_ns: np.ndarray, tz: str) -> np.ndarray:
    """The local calendar day (``datetime64[D]``) of each UTC instant."""
    index = pd.DatetimeIndex(np.asarray(utc_ns, dtype="int64").view("M8[ns]")).tz_localize("UTC")
    return index.tz_convert(tz).tz_localize(None).values.astype("M8[D]")


@dataclass(frozen=True)
class Timeline:
    """Working blocks over the local days ``first_day`` .. ``last_day`` (inclusive)."""

    first_day: np.datetime64
    last_day: np.datetime64
    starts: np.ndarray  # int64 UTC ns, sorted
    ends: np.ndarray  # int64 UTC ns, starts[i] < ends[i] <= starts[i + 1]
    before: np.ndarray  # int64 working ns before each block
    # A bucket index over time: for fixed-width buckets from ``origin``, the last block
    # starting at or before each bucket's left edge. A lookup is one division, one
    # gather and ``steps`` vectorised comparisons (a binary search over all blocks
    # for a million rows costs several times more, from cache misses).
    origin: int
    bucket_ns: int
    bucket_block: np.ndarray
    steps: int

    def covers(self, first_day: np.datetime64, last_day: np.datetime64) -> bool:
        return self.first_day <= first_day and last_day <= self.last_day

    def block_at(self, utc_ns: np.ndarray) -> np.ndarray:
        """Index of the last block starting at or before each instant (-1 if none)."""
        if self.steps > _MAX_STEPS:
            return np.searchsorted(self.starts, utc_ns, side="right") - 1
        bucket = np.clip((utc_ns - self.origin) // self.bucket_ns, 0, len(self.bucket_block) - 1)
        block = self.bucket_block[bucket]
        last = len(self.starts) - 1
        for _ in range(self.steps):
            following = np.minimum(block + 1, last)
            block = np.where((block < last) & (self.starts[following] <= utc_ns), block + 1, block)
        return block

    def worked_ns(self, utc_ns: np.ndarray) -> np.ndarray:
        """Working nanoseconds from the span's start up to each instant (all valid)."""
        if len(self.starts) == 0:
            return np.zeros(len(utc_ns), dtype="int64")
        i = self.block_at(utc_ns)
        block = np.maximum(i, 0)
        inside = np.clip(utc_ns - self.starts[block], 0, self.ends[block] - self.starts[block])
        return np.where(i >= 0, self.before[block] + inside, 0)

    def is_working(self, utc_ns: np.ndarray) -> np.ndarray:
        if len(self.starts) == 0:
            return np.zeros(len(utc_ns), dtype=bool)
        i = self.block_at(utc_ns)
        return (i >= 0) & (utc_ns < self.ends[np.maximum(i, 0)])


_MAX_STEPS = 4
_MAX_BUCKETS = 1 << 18


def build_timeline(
    days: np.ndarray, schedule_of_day: np.ndarray, schedules: list[tuple[tuple[int, int], ...]], tz: str
) -> Timeline:
    """Lay out each day's blocks (``schedules[schedule_of_day[k]]`` for ``days[k]``) in UTC."""
    day_ns = days.astype("M8[ns]").astype("int64")
    wall_starts, wall_ends = [], []
    for number, blocks in enumerate(schedules):
        on_schedule = day_ns[schedule_of_day == number]
        for start_s, end_s in blocks:
            wall_starts.append(on_schedule + start_s * NS_PER_SECOND)
            wall_ends.append(on_schedule + end_s * NS_PER_SECOND)
    if wall_starts:
        wall_start = np.concatenate(wall_starts)
        wall_end = np.concatenate(wall_ends)
        order = np.argsort(wall_start, kind="stable")
        # Wall -> UTC is non-decreasing under the rule above, so disjoint sorted local
        # blocks stay disjoint and sorted; a block inside a skipped hour shrinks to nothing.
        starts = wall_to_utc_ns(wall_start[order], tz)
        ends = wall_to_utc_ns(wall_end[order], tz)
        keep = ends > starts
        starts, ends = starts[keep], ends[keep]
    else:
        starts = ends = np.zeros(0, dtype="int64")
    before = np.concatenate([[0], np.cumsum(ends - starts)[:-1]]).astype("int64")
    # Hour buckets, wider only for spans of decades. Local days sit within a day of
    # their UTC instants, so two days' margin on each side puts every block start
    # inside the buckets: instants clipped into the first bucket have no block before
    # them, and those clipped into the last have no block after its left edge.
    bucket_ns = NS_PER_HOUR
    span_ns = int(day_ns[-1] - day_ns[0]) + 5 * _NS_PER_DAY
    while span_ns // bucket_ns > _MAX_BUCKETS:
        bucket_ns *= 2
    origin = int(day_ns[0]) - 2 * _NS_PER_DAY
    edges = origin + bucket_ns * np.arange(span_ns // bucket_ns + 1, dtype="int64")
    bucket_block = np.searchsorted(starts, edges, side="right") - 1
    steps = int(np.diff(bucket_block).max(initial=0))
    return Timeline(days[0], days[-1], starts, ends, before, origin, bucket_ns, bucket_block, steps)
