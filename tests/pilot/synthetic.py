"""Small synthetic ticket tables with known structure for the pilot tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

TZ = "Asia/Shanghai"


def tickets(created, *, unit="shop", agent="a1", channel="chat", category="request",
            frt_hours=None, fcr=None, open_response=None) -> pd.DataFrame:
    """Canonical tickets: every ticket resolved an hour after its first response."""
    created = pd.DatetimeIndex(created)
    if created.tz is None:
        created = created.tz_localize(TZ)
    n = len(created)
    frt = np.full(n, 0.5) if frt_hours is None else np.asarray(frt_hours, dtype=float)
    first = created + pd.to_timedelta(frt, unit="h")
    if open_response is not None:
        first = first.where(~np.asarray(open_response, bool))
    solved = np.ones(n, bool) if fcr is None else np.asarray(fcr, bool)
    frame = pd.DataFrame({
        "ticket_id": [f"T{i:07d}" for i in range(n)],
        "business_unit": pd.array(np.broadcast_to(unit, n), dtype="string"),
        "channel": pd.array(np.broadcast_to(channel, n), dtype="string"),
        "category": pd.array(np.broadcast_to(category, n), dtype="string"),
        "priority": pd.array(["normal"] * n, dtype="string"),
        "created_at": created,
        "first_response_at": first,
        "resolved_at": first + pd.Timedelta(hours=1),
        "agent_id": pd.array(np.broadcast_to(agent, n), dtype="string"),
        "contacts": pd.array(np.where(solved, 1, 2), dtype="Int64"),
        "reopened": pd.array(np.zeros(n, int), dtype="Int64"),
    })
    frame["resolved_at"] = frame["resolved_at"].where(frame["first_response_at"].notna())
    return frame


def arrivals(rng, start, days, per_day, weekday_factor=(1, 1, 1, 1, 1, 0.6, 0.5)):
    """Creation times: Poisson counts per day with a weekly rhythm, uniform within the day."""
    dates = pd.date_range(start, periods=days, freq="D", tz=TZ)
    counts = rng.poisson(per_day * np.asarray(weekday_factor)[dates.day_of_week])
    day = np.repeat(dates, counts)
    return day + pd.to_timedelta(rng.uniform(0, 86400, counts.sum()), unit="s")
