"""What every metric family needs, prepared once per ``compute`` call: the group keys,
the grid of groups x periods, durations on the chosen clock, and the tidy row format.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

TIDY_COLUMNS = ("metric", "value", "numerator", "denominator", "n")
UNKNOWN = "(unknown)"


def to_period(stamps: pd.Series, freq: str) -> pd.Series:
    """Local wall-clock period of tz-aware timestamps (weeks run Monday to Sunday)."""
    freq = {"W": "W-SUN", "Y": "Y-DEC", "A": "Y-DEC"}.get(freq, freq)
    local = stamps.dt.tz_localize(None) if isinstance(stamps.dtype, pd.DatetimeTZDtype) else stamps
    return local.dt.to_period(freq)


def period_ends(periods: pd.PeriodIndex, tz) -> pd.DatetimeIndex:
    """Exclusive end instant of each period in ``tz``."""
    ends = (periods + 1).start_time
    return ends.tz_localize(tz, nonexistent="shift_forward", ambiguous=False) if tz is not None else ends


def _as_key(values: pd.Series) -> pd.Series:
    """Group-key values with missing ones named, so no row falls out of a groupby."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype("string")
    return values.astype("string").fillna(UNKNOWN)


def ticket_positions(ticket_ids: pd.Series, feedback: pd.DataFrame) -> np.ndarray | None:
    """Row of each feedback's ticket in ``ticket_ids`` (-1 if unlinked or unknown)."""
    if "ticket_id" not in feedback.columns:
        return None
    try:  # Arrow's C++ hash lookup is several times faster than a pandas Index on strings
        found = pc.index_in(pa.array(feedback["ticket_id"].array, type=pa.string()),
                            value_set=pa.array(ticket_ids.array, type=pa.string()))
        return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    except (TypeError, pa.ArrowInvalid, pa.ArrowTypeError):
        return pd.Index(ticket_ids).get_indexer(feedback["ticket_id"]).astype(np.int64)


@dataclass
class Context:
    """A ``compute`` call's prepared inputs.

    Every ticket (and feedback row) gets the integer position of its group x period in
    the full grid once; each family then aggregates by that integer, which is several
    times faster than grouping by string keys again and again, and lands on the grid
    without reindexing.
    """

    tickets: pd.DataFrame
    by: tuple[str, ...]
    freq: str
    as_of: pd.Timestamp
    sla_hours: dict
    calendar: object | None = None
    feedback: pd.DataFrame | None = None
    orders: pd.DataFrame | None = None
    periods: object = None
    grid: pd.MultiIndex = field(init=False)
    feedback_ticket_position: np.ndarray | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        t = self.tickets
        self.tz = t["created_at"].dt.tz
        for col in self.by:
            if col not in t.columns:
                raise KeyError(f"cannot group by {col!r}: not a tickets column ({', '.join(t.columns)})")
        keys = {col: _as_key(t[col]) for col in self.by}
        keys["period"] = to_period(t["created_at"], self.freq)
        self.keys = pd.DataFrame(keys, index=t.index)
        self.feedback_keys = self._feedback_keys()
        self.grid = self._make_grid()
        self.span = self.grid.levels[-1] if len(self.grid) else pd.PeriodIndex([], freq=self._freq())
        self.gid = self._positions(self.keys)
        self.feedback_gid = None if self.feedback_keys is None else self._positions(self.feedback_keys)

    def _freq(self):
        return {"W": "W-SUN", "Y": "Y-DEC", "A": "Y-DEC"}.get(self.freq, self.freq)

    def _feedback_keys(self) -> pd.DataFrame | None:
        """Group keys of feedback rows: their own column, else their ticket's, else unknown."""
        fb = self.feedback
        if fb is None or "submitted_at" not in fb.columns:
            return None
        keys = {}
        position = self.feedback_ticket_position = ticket_positions(self.tickets["ticket_id"], fb)
        for col in self.by:
            own = fb[col].astype("string") if col in fb.columns else pd.Series(pd.NA, index=fb.index, dtype="string")
            if position is not None:
                from_ticket = self.tickets[col].astype("string").array.take(position, allow_fill=True)
                own = own.fillna(pd.Series(from_ticket, index=fb.index))
            keys[col] = _as_key(own)
        keys["period"] = to_period(fb["submitted_at"], self.freq)
        return pd.DataFrame(keys, index=fb.index)

    @property
    def key_names(self) -> list[str]:
        return [*self.by, "period"]

    @property
    def n_groups(self) -> int:
        """Groups without the period: the grid is n_groups x len(span), period varying fastest."""
        return len(self.grid) // max(len(self.span), 1) if len(self.grid) else 0

    def _make_grid(self) -> pd.MultiIndex:
        frames = [self.keys] + ([self.feedback_keys] if self.feedback_keys is not None else [])
        every = pd.concat([f["period"] for f in frames]).dropna()
        if self.periods is not None:
            asked = pd.PeriodIndex(list(self.periods), freq=every.dtype.freq if len(every) else self._freq())
            every = pd.concat([every, pd.Series(asked)])
        if len(every) == 0:
            return pd.MultiIndex.from_arrays([[]] * (len(self.by) + 1), names=self.key_names)
        span = pd.period_range(every.min(), every.max(), freq=every.dtype.freq)
        levels = [sorted(set().union(*(f[col].unique() for f in frames))) for col in self.by] + [span]
        return pd.MultiIndex.from_product(levels, names=self.key_names)

    def _positions(self, keys: pd.DataFrame) -> np.ndarray:
        """Each row's position in the grid (-1 where its period is missing)."""
        if len(self.grid) == 0:
            return np.full(len(keys), -1, dtype=np.int64)
        codes, dims = [], []
        for level, col in zip(self.grid.levels[:-1], self.by):
            codes.append(pd.Categorical(keys[col], categories=level).codes.astype(np.int64))
            dims.append(len(level))
        period = keys["period"]
        offset = np.where(period.isna(), -1,
                          period.array.asi8 - self.span[0].ordinal if len(period) else 0).astype(np.int64)
        codes.append(offset)
        dims.append(len(self.span))
        valid = np.all([c >= 0 for c in codes], axis=0) if codes else np.ones(len(keys), bool)
        valid &= offset < len(self.span)
        safe = [np.where(valid, c, 0) for c in codes]
        return np.where(valid, np.ravel_multi_index(safe, dims), -1)

    def positions_for(self, stamps: pd.Series) -> np.ndarray:
        """Grid positions of tickets with their group kept but the period taken from
        ``stamps`` (e.g. resolved_at); -1 where the stamp is missing or outside the grid."""
        ok = (self.gid >= 0) & stamps.notna().to_numpy()
        offset = np.full(len(stamps), -1, dtype=np.int64)
        if ok.any():
            offset[ok] = to_period(stamps[ok], self.freq).array.asi8 - self.span[0].ordinal
        ok &= (offset >= 0) & (offset < len(self.span))
        group = self.gid // max(len(self.span), 1)
        return np.where(ok, group * len(self.span) + offset, -1)

    def group(self, frame: pd.DataFrame):
        """Group a frame aligned with ``tickets`` by grid position."""
        return frame.groupby(self.gid, sort=False)

    def group_feedback(self, frame: pd.DataFrame):
        """Group a frame aligned with (a subset of) ``feedback`` by grid position."""
        gid = pd.Series(self.feedback_gid, index=self.feedback.index).loc[frame.index].to_numpy()
        return frame.groupby(gid, sort=False)

    def sums(self, positions: np.ndarray, **columns) -> pd.DataFrame:
        """Per-grid-cell sums of each column (bools count), via bincount."""
        keep = positions >= 0
        size = len(self.grid)
        out = {name: np.bincount(positions[keep], weights=np.asarray(values, dtype="float64")[keep], minlength=size)
               for name, values in columns.items()}
        return pd.DataFrame(out, index=pd.RangeIndex(size))

    def hours(self, start: pd.Series, end: pd.Series) -> pd.Series:
        """Durations in hours on the chosen clock (elapsed, or business hours)."""
        if self.calendar is not None:
            return pd.Series(self.calendar.hours_between(start, end), index=start.index, dtype="float64")
        return (end - start).dt.total_seconds() / 3600.0

    def known_by(self, column: str) -> pd.Series:
        """The timestamp column with values after ``as_of`` treated as not yet happened."""
        values = self.tickets[column] if column in self.tickets.columns else pd.Series(pd.NaT, index=self.tickets.index)
        if not isinstance(values.dtype, pd.DatetimeTZDtype) and values.isna().all():
            values = pd.Series(pd.NaT, index=self.tickets.index, dtype=self.tickets["created_at"].dtype)
        return values.where(values <= self.as_of)

    def along(self, series: pd.Series) -> pd.Series:
        """An aggregate indexed by grid position, as a Series on the full grid."""
        if isinstance(getattr(series, "index", None), pd.MultiIndex):
            return series  # already on the grid
        values = pd.Series(series).reindex(pd.RangeIndex(len(self.grid)))
        return pd.Series(values.to_numpy(), index=self.grid)


def tidy(ctx: Context, metric: str, *, value, numerator=None, denominator=None, n,
         count: bool = False) -> pd.DataFrame:
    """One metric's rows over the full grid.

    Empty groups give n = 0 and a NaN value, except counts, whose value is then 0.
    """
    def aligned(x):
        if x is None:
            return pd.Series(np.nan, index=ctx.grid, dtype="float64")
        return ctx.along(x).astype("float64")

    n = aligned(n).fillna(0).astype("int64")
    value = aligned(value)
    frame = pd.DataFrame({
        "metric": metric,
        "value": value.fillna(0) if count else value.where(n > 0),
        "numerator": aligned(numerator),
        "denominator": aligned(denominator),
        "n": n,
    }, index=ctx.grid)
    return frame


def ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    """num / den with NaN, not an error or inf, where den is 0."""
    den = den.astype("float64")
    return num.astype("float64") / den.where(den > 0)
