"""What every metric family needs, prepared once per ``compute`` call: the group keys,
the grid of groups x periods, durations on the chosen clock, and the tidy row format.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

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


@dataclass
class Context:
    """A ``compute`` call's prepared inputs."""

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

    def _feedback_keys(self) -> pd.DataFrame | None:
        """Group keys of feedback rows: their own column, else their ticket's, else unknown."""
        fb = self.feedback
        if fb is None or "submitted_at" not in fb.columns:
            return None
        keys = {}
        linked = None
        if "ticket_id" in fb.columns:
            lookup = self.tickets.drop_duplicates("ticket_id").set_index("ticket_id")
            linked = fb["ticket_id"]
        for col in self.by:
            own = fb[col] if col in fb.columns else pd.Series(pd.NA, index=fb.index, dtype="string")
            if linked is not None:
                via_ticket = linked.map(lookup[col]) if col in lookup.columns else pd.NA
                own = own.astype("string").fillna(pd.Series(via_ticket, index=fb.index).astype("string"))
            keys[col] = _as_key(own)
        keys["period"] = to_period(fb["submitted_at"], self.freq)
        return pd.DataFrame(keys, index=fb.index)

    def group_feedback(self, frame: pd.DataFrame):
        """Group a frame aligned with ``feedback`` by the keys (submitted_at periods)."""
        k = self.feedback_keys.loc[frame.index]
        return frame.groupby([k[c] for c in self.key_names], observed=True, dropna=False, sort=False)

    @property
    def key_names(self) -> list[str]:
        return [*self.by, "period"]

    def _make_grid(self) -> pd.MultiIndex:
        frames = [self.keys] + ([self.feedback_keys] if self.feedback_keys is not None else [])
        every = pd.concat([f["period"] for f in frames]).dropna()
        if self.periods is not None:
            asked = pd.PeriodIndex(list(self.periods), freq=every.dtype.freq if len(every) else self.freq)
            every = pd.concat([every, pd.Series(asked)])
        if len(every) == 0:
            return pd.MultiIndex.from_arrays([[]] * (len(self.by) + 1), names=self.key_names)
        span = pd.period_range(every.min(), every.max(), freq=every.dtype.freq)
        levels = [sorted(set().union(*(f[col].unique() for f in frames))) for col in self.by] + [span]
        return pd.MultiIndex.from_product(levels, names=self.key_names)

    def group(self, frame: pd.DataFrame):
        """Group a frame aligned with ``tickets`` by the keys."""
        return frame.groupby([self.keys[c] for c in self.key_names], observed=True, dropna=False, sort=False)

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
        """Align an aggregate indexed by the keys with the full grid."""
        if len(self.grid) == 0:
            return pd.Series([], dtype="float64", index=self.grid)
        if not isinstance(series.index, pd.MultiIndex):
            series = series.set_axis(pd.MultiIndex.from_arrays([series.index], names=self.key_names))
        return series.reindex(self.grid)


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
