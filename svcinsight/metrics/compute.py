"""``compute``: every metric of the catalogue, per group and period, as one tidy frame."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from svcinsight import config
from svcinsight.metrics import productivity, quality, satisfaction, sla, speed, volume
from svcinsight.metrics.context import TIDY_COLUMNS, Context
from svcinsight.metrics.registry import REGISTRY, get

_FAMILIES = {
    "volume": volume.rows, "speed": speed.rows, "sla": sla.rows, "quality": quality.rows,
    "satisfaction": satisfaction.rows, "productivity": productivity.rows,
}


def latest_timestamp(*frames: pd.DataFrame | None) -> pd.Timestamp:
    """The latest timezone-aware timestamp in any of the frames (NaT if none)."""
    latest = pd.NaT
    for frame in frames:
        if frame is None:
            continue
        for col in frame.columns:
            if isinstance(frame[col].dtype, pd.DatetimeTZDtype) and frame[col].notna().any():
                value = frame[col].max()
                latest = value if latest is pd.NaT else max(latest, value)
    return latest


def _check_timestamps(frame: pd.DataFrame, name: str, required: str | None = None) -> None:
    """Durations across time zones are wrong silently with naive values: refuse them."""
    if required and required not in frame.columns:
        raise ValueError(f"{name} need a {required} column")
    from svcinsight.schema import TABLES

    table = TABLES[name]
    for col in table.of_kind("timestamp"):
        if col in frame.columns and not isinstance(frame[col].dtype, pd.DatetimeTZDtype):
            if col != required and frame[col].isna().all():
                continue
            raise ValueError(f"{name}.{col} must hold timezone-aware timestamps, not {frame[col].dtype} "
                             "(load the table with si.io, or tz_localize it)")


def compute(tickets: pd.DataFrame, feedback: pd.DataFrame | None = None, orders: pd.DataFrame | None = None,
            *, by: str | Iterable[str] = (), freq: str = "M", calendar=None, as_of=None,
            sla: Mapping[str, float] | None = None, metrics: Iterable[str] | None = None,
            changes: bool = False, periods: Iterable[pd.Period] | None = None) -> pd.DataFrame:
    """Service metrics per group and period, one row per group x period x metric.

    Parameters
    ----------
    tickets, feedback, orders : DataFrame
        Canonical tables (see :mod:`svcinsight.schema`); feedback and orders optional.
    by : str or sequence of str
        Ticket columns to group by (e.g. ``"channel"``); feedback takes a group from its
        own column, else from its linked ticket, else ``"(unknown)"``.
    freq : str
        Period length: ``"M"`` month, ``"W"`` week (Monday-Sunday), ``"D"``, ``"Q"``, ``"Y"``.
        Tickets belong to the period of ``created_at``, feedback of ``submitted_at``.
    calendar : BusinessCalendar, optional
        Durations on its business clock instead of elapsed hours.
    as_of : Timestamp, optional
        The instant the data describes: later responses and resolutions have not happened,
        and SLA status (achieved / breached / active) is judged then. Default: the latest
        timestamp in the data.
    sla : mapping, optional
        First-response target hours per priority (default urgent 0.5, important 2, normal 24).
    metrics : sequence of str, optional
        Metric ids to return (default: all the data supports).
    changes : bool
        Add ``previous, change, year_ago, yoy_change`` (period over period and year over year).
    periods : sequence of Period, optional
        Periods that must appear even without data (the grid spans the data's periods
        and these).

    Returns
    -------
    DataFrame
        ``[<by columns>, period, metric, value, numerator, denominator, n]``. Rates are
        fractions, durations hours, NPS in [-100, 100]. Empty groups and zero
        denominators give NaN with n = 0 (counts give 0).

    Examples
    --------
    >>> import pandas as pd
    >>> ts = lambda s: pd.Timestamp(s, tz="Asia/Shanghai")
    >>> t = pd.DataFrame({
    ...     "ticket_id": ["a", "b", "c"], "channel": ["chat", "chat", "phone"],
    ...     "created_at": [ts("2026-10-01 09:00"), ts("2026-10-01 10:00"), ts("2026-10-02 09:00")],
    ...     "first_response_at": [ts("2026-10-01 09:30"), pd.NaT, ts("2026-10-02 11:00")],
    ...     "resolved_at": [ts("2026-10-01 12:00"), pd.NaT, ts("2026-10-03 09:00")],
    ... })
    >>> m = compute(t, by="channel", metrics=["tickets_created", "resolution_rate", "frt_median_h"])
    >>> m.pivot(index="channel", columns="metric", values="value")[["tickets_created", "resolution_rate"]]
    metric   tickets_created  resolution_rate
    channel
    chat                 2.0              0.5
    phone                1.0              1.0
    """
    by = (by,) if isinstance(by, str) else tuple(by)
    _check_timestamps(tickets, "tickets", required="created_at")
    if feedback is not None:
        _check_timestamps(feedback, "feedback")
    wanted = None if metrics is None else {get(m).id for m in metrics}
    if as_of is None:
        as_of = latest_timestamp(tickets, feedback)
    as_of = pd.Timestamp(as_of)
    if as_of.tzinfo is None:
        as_of = as_of.tz_localize(tickets["created_at"].dt.tz)
    # what happened after as_of has not happened yet as far as these numbers go
    # (a fresh RangeIndex keeps the many column operations below from aligning indexes)
    tickets = tickets[tickets["created_at"] <= as_of].reset_index(drop=True)
    if feedback is not None:
        feedback = feedback.reset_index(drop=True)
    ctx = Context(tickets=tickets, by=by, freq=freq, as_of=as_of,
                  sla_hours=dict(sla or config.FIRST_RESPONSE_TARGET_HOURS),
                  calendar=calendar, feedback=feedback, orders=orders, periods=periods)
    families = {REGISTRY[m].family for m in wanted} if wanted is not None else set(_FAMILIES)
    parts = []
    for name, family in _FAMILIES.items():
        if name not in families:
            continue
        if name == "speed":
            want_km = wanted is None or bool(wanted & {"frt_km_median_h", "resolution_km_median_h"})
            parts += family(ctx, km=want_km)
        else:
            parts += family(ctx)
    columns = [*by, "period", *TIDY_COLUMNS]
    if not parts:
        return pd.DataFrame(columns=columns)
    out = pd.concat(parts).reset_index()
    if wanted is not None:
        out = out[out["metric"].isin(wanted)]
    order = {m: i for i, m in enumerate(REGISTRY)}
    out = out.sort_values([*by, "period", "metric"], key=lambda s: s.map(order) if s.name == "metric" else s,
                          kind="stable").reset_index(drop=True)[columns]
    if changes:
        out = add_changes(out, by=by)
    return out


def add_changes(frame: pd.DataFrame, *, by: Iterable[str] = ()) -> pd.DataFrame:
    """Add ``previous``/``change`` (period over period) and ``year_ago``/``yoy_change``."""
    by = list(by)
    keys = [*by, "metric"]
    values = frame.set_index([*keys, "period"])["value"]
    out = frame.copy()
    freqstr = frame["period"].dtype.freq.freqstr if len(frame) else "ME"
    per_year = {"M": 12, "Q": 4, "D": 365, "Y": 1}.get(freqstr[:1], 52)
    for col, step in (("previous", 1), ("year_ago", per_year)):
        shifted = out.assign(period=out["period"] - step)
        idx = pd.MultiIndex.from_frame(shifted[[*keys, "period"]])
        out[col] = values.reindex(idx).to_numpy()
    out["change"] = out["value"] - out["previous"]
    out["yoy_change"] = out["value"] - out["year_ago"]
    return out
