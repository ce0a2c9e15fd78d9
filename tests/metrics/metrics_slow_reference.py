"""The metrics engine as it was before the integer-code rewrite (string-keyed pandas
groupbys, statsmodels' SurvfuncRight per group): the slow path ``si.metrics.compute`` is
checked against on random data (``test_metrics_fast_path.py``).

Kept verbatim but for the names, merged into one module; not part of the library.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from statsmodels.duration.survfunc import SurvfuncRight

from svcinsight import config
from svcinsight.metrics.compute import _check_timestamps, latest_timestamp
from svcinsight.metrics.registry import REGISTRY

# --- context ----------------------------------------------------------------------

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


# --- volume ---------------------------------------------------------------------

def volume_rows(ctx: Context) -> list[pd.DataFrame]:
    t = ctx.tickets
    facts = {"created": np.ones(len(t)), "resolved": ctx.known_by("resolved_at").notna().to_numpy()}
    if "escalated" in t.columns:
        facts["esc_known"] = t["escalated"].notna().to_numpy()
        facts["escalated"] = t["escalated"].fillna(False).to_numpy(dtype=bool)
    if "category" in t.columns:
        facts["cat_known"] = t["category"].notna().to_numpy()
        facts["complaint"] = (t["category"] == "complaint").fillna(False).to_numpy(dtype=bool)
    sums = ctx.sums(ctx.gid, **facts)

    out = [
        tidy(ctx, "tickets_created", value=sums["created"], numerator=sums["created"], n=sums["created"], count=True),
        tidy(ctx, "tickets_resolved", value=sums["resolved"], numerator=sums["resolved"], n=sums["resolved"], count=True),
        backlog(ctx),
        tidy(ctx, "resolution_rate", value=ratio(sums["resolved"], sums["created"]),
             numerator=sums["resolved"], denominator=sums["created"], n=sums["created"]),
    ]
    if "escalated" in facts:
        out.append(tidy(ctx, "escalation_rate", value=ratio(sums["escalated"], sums["esc_known"]),
                        numerator=sums["escalated"], denominator=sums["esc_known"], n=sums["esc_known"]))
    if "complaint" in facts:
        out.append(tidy(ctx, "complaint_rate", value=ratio(sums["complaint"], sums["cat_known"]),
                        numerator=sums["complaint"], denominator=sums["cat_known"], n=sums["cat_known"]))
        per_orders = complaints_per_orders(ctx, sums["complaint"])
        if per_orders is not None:
            out.append(per_orders)
    return out


def backlog(ctx: Context) -> pd.DataFrame:
    """Tickets open at each period's end (or at ``as_of`` when that comes first).

    Open at a period's end: created before it and not resolved before it (a period's
    end instant belongs to the next period); at ``as_of``: created and not resolved by
    then. Counted per group with cumulative sums of creations and resolutions over the
    periods, so every ticket is touched once, whatever period it was created in.
    """
    if len(ctx.grid) == 0:
        return tidy(ctx, "backlog_open", value=None, n=None, count=True)
    span = ctx.span
    ends = period_ends(span, ctx.tz).as_unit("ns")
    cutoffs = ends.where(ends <= ctx.as_of, ctx.as_of + pd.Timedelta(1, "ns")).asi8
    t = ctx.tickets
    resolved_at = ctx.known_by("resolved_at")
    periods = len(span)
    # the first cutoff after each event: the event counts from that period on (periods = never)
    created_slot = np.searchsorted(cutoffs, t["created_at"].dt.as_unit("ns").array.asi8, side="right")
    res_ns = resolved_at.dt.as_unit("ns").array.asi8
    res_slot = np.where(resolved_at.notna().to_numpy(), np.searchsorted(cutoffs, res_ns, side="right"), periods)
    group = ctx.gid // periods
    ok = ctx.gid >= 0
    size = ctx.n_groups * (periods + 1)
    opened = np.bincount(group[ok] * (periods + 1) + created_slot[ok], minlength=size)
    closed = np.bincount(group[ok] * (periods + 1) + res_slot[ok], minlength=size)
    open_counts = np.cumsum((opened - closed).reshape(ctx.n_groups, periods + 1)[:, :periods], axis=1)
    series = pd.Series(open_counts.ravel().astype("float64"))
    return tidy(ctx, "backlog_open", value=series, numerator=series, n=series, count=True)


def complaints_per_orders(ctx: Context, complaints: pd.Series) -> pd.DataFrame | None:
    """Complaints per 1,000 orders, where orders exist for the grouping."""
    orders = ctx.orders
    if orders is None or not set(ctx.by) <= {"business_unit"} or ("business_unit" in ctx.by and "business_unit" not in orders.columns):
        return None
    keys = pd.DataFrame({col: _as_key(orders[col]) for col in ctx.by}, index=orders.index)
    keys["period"] = to_period(orders["date"], ctx.freq)
    positions = ctx._positions(keys)
    volume = ctx.along(ctx.sums(positions, orders=orders["orders"].fillna(0).to_numpy(dtype="float64"))["orders"])
    complaints = ctx.along(complaints).fillna(0)
    return tidy(ctx, "complaints_per_1k_orders", value=ratio(complaints * 1000.0, volume),
                numerator=complaints, denominator=volume, n=volume)


# --- speed ----------------------------------------------------------------------

def _km_median(durations: np.ndarray, finished: np.ndarray) -> float:
    if len(durations) == 0 or not finished.any():
        return np.nan
    # statsmodels rejects negative times; a zero wait is a real, instant response
    return float(SurvfuncRight(np.clip(durations, 0, None), finished.astype(int)).quantile(0.5))


def duration_rows(ctx: Context, *, end_column: str, prefix: str, quantiles=(0.5, 0.9),
                  mean: bool = False, km: bool = True) -> list[pd.DataFrame]:
    t = ctx.tickets
    if end_column not in t.columns:
        return []
    end = ctx.known_by(end_column)
    finished = end.notna()
    # time so far for tickets still waiting at as_of: their censored duration
    waited = ctx.hours(t["created_at"], end.where(finished, ctx.as_of))
    hours = waited.where(finished)
    grouped = ctx.group(pd.DataFrame({"h": hours}))["h"]
    n = grouped.count()
    out = []
    names = {0.5: "median", 0.9: "p90"}
    if quantiles:
        q = grouped.quantile(list(quantiles)).unstack(-1)
        for level in quantiles:
            out.append(tidy(ctx, f"{prefix}_{names[level]}_h", value=q[level], n=n))
    if mean:
        out.append(tidy(ctx, f"{prefix}_mean_h", value=grouped.mean(), numerator=grouped.sum(), denominator=n, n=n))
    if km:
        frame = pd.DataFrame({"h": waited, "done": finished})
        values, done_counts, totals = {}, {}, {}
        for key, part in ctx.group(frame):
            h, d = part["h"].to_numpy(dtype="float64"), part["done"].to_numpy(dtype=bool)
            ok = ~np.isnan(h)
            values[key] = _km_median(h[ok], d[ok])
            done_counts[key], totals[key] = int(d[ok].sum()), int(ok.sum())
        index = pd.Index(list(values), dtype="int64")
        out.append(tidy(ctx, f"{prefix}_km_median_h", value=pd.Series(list(values.values()), index=index),
                        numerator=pd.Series(list(done_counts.values()), index=index),
                        denominator=pd.Series(list(totals.values()), index=index),
                        n=pd.Series(list(totals.values()), index=index)))
    return out


def speed_rows(ctx: Context, *, km: bool = True) -> list[pd.DataFrame]:
    return [
        *duration_rows(ctx, end_column="first_response_at", prefix="frt", mean=True, km=km),
        *duration_rows(ctx, end_column="resolved_at", prefix="resolution", km=km),
    ]


# --- sla ------------------------------------------------------------------------

#: Status codes per ticket (small integers: millions of tickets are compared at once).
NO_TARGET, ACTIVE, ACHIEVED, BREACHED = -1, 0, 1, 2
STATUS_NAMES = {NO_TARGET: None, ACTIVE: "active", ACHIEVED: "achieved", BREACHED: "breached"}


def first_response_status(ctx: Context) -> pd.Series:
    """Status code per ticket (:data:`ACHIEVED`, :data:`BREACHED`, :data:`ACTIVE`) for the
    first-response target."""
    t = ctx.tickets
    responded_at = ctx.known_by("first_response_at")
    answered = responded_at.notna()
    priority = t["priority"] if "priority" in t.columns else pd.Series(pd.NA, index=t.index, dtype="string")
    priority = priority.fillna("normal")
    target = np.full(len(t), np.nan)
    for name, hours in ctx.sla_hours.items():  # a few priorities: compare, don't map per row
        target[(priority == name).to_numpy(dtype=bool)] = hours
    if np.isnan(target).any():
        unknown = sorted(set(priority[np.isnan(target)]))
        raise ValueError(f"no first-response target for priority {unknown}; sla has {sorted(ctx.sla_hours)}")
    target = pd.Series(target, index=t.index)
    waited = ctx.hours(t["created_at"], responded_at.where(answered, ctx.as_of)).to_numpy()
    answered = answered.to_numpy()
    target = target.to_numpy()
    status = np.where(answered & (waited <= target), ACHIEVED, np.where(waited > target, BREACHED, ACTIVE))
    return pd.Series(status.astype(np.int8), index=t.index)


def resolution_status(ctx: Context) -> pd.Series | None:
    """Status code per ticket against ``due_at``; :data:`NO_TARGET` where it has none."""
    t = ctx.tickets
    if "due_at" not in t.columns or t["due_at"].isna().all():
        return None
    resolved_at = ctx.known_by("resolved_at")
    due = t["due_at"]
    done = resolved_at.notna()
    late = (done & (resolved_at > due)) | (~done & (due < ctx.as_of))
    status = np.where(due.isna(), NO_TARGET,
                      np.where(done & (resolved_at <= due), ACHIEVED, np.where(late, BREACHED, ACTIVE)))
    return pd.Series(status.astype(np.int8), index=t.index)


def _rate_rows(ctx: Context, metric: str, status: pd.Series) -> pd.DataFrame:
    codes = status.to_numpy()
    counts = ctx.sums(ctx.gid, achieved=codes == ACHIEVED, decided=(codes == ACHIEVED) | (codes == BREACHED))
    return tidy(ctx, metric, value=ratio(counts["achieved"], counts["decided"]),
                numerator=counts["achieved"], denominator=counts["decided"], n=counts["decided"])


def sla_rows(ctx: Context) -> list[pd.DataFrame]:
    out = []
    if "first_response_at" in ctx.tickets.columns:
        out.append(_rate_rows(ctx, "first_response_sla_rate", first_response_status(ctx)))
    res = resolution_status(ctx)
    if res is not None:
        out.append(_rate_rows(ctx, "resolution_sla_rate", res))
    return out


# --- quality --------------------------------------------------------------------

def quality_rows(ctx: Context) -> list[pd.DataFrame]:
    t = ctx.tickets
    if "contacts" not in t.columns and "reopened" not in t.columns:
        return []  # nothing tells one contact from several: FCR would be a guess
    resolved = ctx.known_by("resolved_at").notna()
    contacts = t["contacts"] if "contacts" in t.columns else pd.Series(1, index=t.index, dtype="Int64")
    reopened = t["reopened"] if "reopened" in t.columns else pd.Series(0, index=t.index, dtype="Int64")
    was_reopened = (reopened.fillna(0) > 0).astype(bool)
    first_contact = (contacts.fillna(1) <= 1).astype(bool) & ~was_reopened
    counts = ctx.group(pd.DataFrame({
        "resolved": resolved.astype("int64"),
        "fcr": (resolved & first_contact).astype("int64"),
        "reopened": (resolved & was_reopened).astype("int64"),
    })).sum()
    out = [tidy(ctx, "fcr_rate", value=ratio(counts["fcr"], counts["resolved"]),
                numerator=counts["fcr"], denominator=counts["resolved"], n=counts["resolved"])]
    if "reopened" in t.columns:
        out.append(tidy(ctx, "reopen_rate", value=ratio(counts["reopened"], counts["resolved"]),
                        numerator=counts["reopened"], denominator=counts["resolved"], n=counts["resolved"]))
    return out


# --- satisfaction ---------------------------------------------------------------

def _score_rows(ctx: Context, fb: pd.DataFrame) -> list[pd.DataFrame]:
    out = []
    csat = fb["csat"].astype("float64") if "csat" in fb.columns else None
    if csat is not None:
        g = ctx.group_feedback(pd.DataFrame({
            "sum": csat.fillna(0), "n": csat.notna().astype("int64"),
            "top2": (csat >= 4).astype("int64"),
        })).sum()
        out.append(tidy(ctx, "csat_mean", value=ratio(g["sum"], g["n"]), numerator=g["sum"], denominator=g["n"], n=g["n"]))
        out.append(tidy(ctx, "csat_top2_rate", value=ratio(g["top2"], g["n"]), numerator=g["top2"], denominator=g["n"], n=g["n"]))
    if "nps" in fb.columns:
        nps = fb["nps"].astype("float64")
        g = ctx.group_feedback(pd.DataFrame({
            "net": (nps >= 9).astype("int64") - (nps <= 6).astype("int64"),
            "n": nps.notna().astype("int64"),
        })).sum()
        out.append(tidy(ctx, "nps", value=100 * ratio(g["net"], g["n"]), numerator=g["net"], denominator=g["n"], n=g["n"]))
    if "ces" in fb.columns:
        ces = fb["ces"].astype("float64")
        g = ctx.group_feedback(pd.DataFrame({"sum": ces.fillna(0), "n": ces.notna().astype("int64")})).sum()
        out.append(tidy(ctx, "ces_mean", value=ratio(g["sum"], g["n"]), numerator=g["sum"], denominator=g["n"], n=g["n"]))
    if csat is not None and "followed_up_at" in fb.columns:
        out.append(_followup_rows(ctx, fb, csat))
    return out


def _followup_rows(ctx: Context, fb: pd.DataFrame, csat: pd.Series) -> pd.DataFrame:
    """Low scores followed up within the hour: achieved / (achieved + breached)."""
    low = csat <= config.LOW_CSAT_THRESHOLD
    followed = fb["followed_up_at"].where(fb["followed_up_at"] <= ctx.as_of)
    waited = ctx.hours(fb["submitted_at"], followed.where(followed.notna(), ctx.as_of))
    limit = config.LOW_SCORE_FOLLOWUP_HOURS
    achieved = low & followed.notna() & (waited <= limit)
    breached = low & (waited > limit)
    g = ctx.group_feedback(pd.DataFrame({
        "achieved": achieved.astype("int64"), "decided": (achieved | breached).astype("int64"),
    })).sum()
    return tidy(ctx, "low_score_followup_1h_rate", value=ratio(g["achieved"], g["decided"]),
                numerator=g["achieved"], denominator=g["decided"], n=g["decided"])


def _response_rate_rows(ctx: Context, fb: pd.DataFrame) -> pd.DataFrame | None:
    if "ticket_id" not in fb.columns:
        return None
    answered = pd.Series(False, index=fb.index)
    for col in ("csat", "nps"):
        if col in fb.columns:
            answered |= fb[col].notna()
    # the feedback -> ticket lookup was made once for the whole call
    position = pd.Series(ctx.feedback_ticket_position, index=ctx.feedback.index).loc[fb.index].to_numpy()
    has_answer = np.zeros(len(ctx.tickets), dtype=bool)
    has_answer[position[answered.to_numpy() & (position >= 0)]] = True
    resolved = ctx.known_by("resolved_at").notna().to_numpy()
    g = ctx.sums(ctx.gid, resolved=resolved, answered=resolved & has_answer)
    return tidy(ctx, "survey_response_rate", value=ratio(g["answered"], g["resolved"]),
                numerator=g["answered"], denominator=g["resolved"], n=g["resolved"])


def satisfaction_rows(ctx: Context) -> list[pd.DataFrame]:
    fb = ctx.feedback
    if fb is None or ctx.feedback_keys is None:
        return []
    # feedback submitted after as_of has not happened yet
    fb = fb[fb["submitted_at"].notna() & (fb["submitted_at"] <= ctx.as_of)]
    out = _score_rows(ctx, fb)
    rate = _response_rate_rows(ctx, fb)
    if rate is not None:
        out.append(rate)
    return out


# --- productivity ---------------------------------------------------------------

def _per_agent_day(ctx: Context) -> pd.DataFrame | None:
    t = ctx.tickets
    if "agent_id" not in t.columns or "resolved_at" not in t.columns:
        return None
    resolved_at = ctx.known_by("resolved_at")
    positions = ctx.positions_for(resolved_at.where(t["agent_id"].notna()))
    done = positions >= 0
    agent = pd.factorize(t["agent_id"].to_numpy()[done])[0].astype(np.int64)
    day = resolved_at[done].dt.tz_localize(None).dt.normalize().dt.as_unit("ns").array.asi8 // 86_400_000_000_000
    day -= day.min() if len(day) else 0
    # one number per (grid cell, agent, local day): distinct ones are the agent-days
    n_agents, n_days = int(agent.max() + 1) if len(agent) else 1, int(day.max() + 1) if len(day) else 1
    combined = (positions[done] * n_agents + agent) * n_days + day
    cells = np.unique(combined) // (n_agents * n_days)
    agent_days = pd.Series(np.bincount(cells, minlength=len(ctx.grid)).astype("float64"))
    resolved = pd.Series(np.bincount(positions[done], minlength=len(ctx.grid)).astype("float64"))
    return tidy(ctx, "resolved_per_agent_day", value=ratio(resolved, agent_days),
                numerator=resolved, denominator=agent_days, n=agent_days)


def productivity_rows(ctx: Context) -> list[pd.DataFrame]:
    out = []
    per_day = _per_agent_day(ctx)
    if per_day is not None:
        out.append(per_day)
    if "handle_minutes" in ctx.tickets.columns:
        g = ctx.group(pd.DataFrame({"m": ctx.tickets["handle_minutes"].astype("float64")}))["m"]
        out.append(tidy(ctx, "handle_minutes_median", value=g.median(), n=g.count()))
    return out


# --- compute ----------------------------------------------------------------------

_FAMILIES = {
    "volume": volume_rows, "speed": speed_rows, "sla": sla_rows, "quality": quality_rows,
    "satisfaction": satisfaction_rows, "productivity": productivity_rows,
}


def reference_compute(tickets: pd.DataFrame, feedback: pd.DataFrame | None = None,
                      orders: pd.DataFrame | None = None, *, by=(), freq: str = "M", calendar=None,
                      as_of=None, sla: Mapping[str, float] | None = None,
                      periods: Iterable[pd.Period] | None = None) -> pd.DataFrame:
    """Every metric, as ``si.metrics.compute`` returned them before the rewrite."""
    by = (by,) if isinstance(by, str) else tuple(by)
    _check_timestamps(tickets, "tickets", required="created_at")
    if feedback is not None:
        _check_timestamps(feedback, "feedback")
    if as_of is None:
        as_of = latest_timestamp(tickets, feedback)
    as_of = pd.Timestamp(as_of)
    if as_of.tzinfo is None:
        as_of = as_of.tz_localize(tickets["created_at"].dt.tz)
    tickets = tickets[tickets["created_at"] <= as_of].reset_index(drop=True)
    if feedback is not None:
        feedback = feedback.reset_index(drop=True)
    ctx = Context(tickets=tickets, by=by, freq=freq, as_of=as_of,
                  sla_hours=dict(sla or config.FIRST_RESPONSE_TARGET_HOURS),
                  calendar=calendar, feedback=feedback, orders=orders, periods=periods)
    parts = []
    for family in _FAMILIES.values():
        parts += family(ctx)
    columns = [*by, "period", *TIDY_COLUMNS]
    if not parts:
        return pd.DataFrame(columns=columns)
    out = pd.concat(parts).reset_index()
    order = {m: i for i, m in enumerate(REGISTRY)}
    return out.sort_values([*by, "period", "metric"], key=lambda s: s.map(order) if s.name == "metric" else s,
                           kind="stable").reset_index(drop=True)[columns]
