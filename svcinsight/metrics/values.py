"""The unit-level values behind a metric: one row per ticket (or feedback answer) with
the value the metric aggregates, so that intervals, bootstraps and pilot comparisons
work on exactly what ``compute`` summarises.

Examples
--------
>>> import pandas as pd
>>> ts = lambda s: pd.Timestamp(s, tz="Asia/Shanghai")
>>> t = pd.DataFrame({
...     "ticket_id": ["a", "b"],
...     "created_at": [ts("2026-10-01 09:00"), ts("2026-10-01 10:00")],
...     "first_response_at": [ts("2026-10-01 09:30"), pd.NaT],
... })
>>> v = metric_values(t, "frt_km_median_h", as_of=ts("2026-10-01 12:00"))
>>> v[["ticket_id", "value", "observed"]].to_dict("list")
{'ticket_id': ['a', 'b'], 'value': [0.5, 2.0], 'observed': [True, False]}
"""

from __future__ import annotations

import pandas as pd

from svcinsight import config
from svcinsight.metrics.compute import latest_timestamp
from svcinsight.metrics.context import Context
from svcinsight.metrics.registry import get
from svcinsight.metrics.sla import ACHIEVED, BREACHED, first_response_status, resolution_status

_DURATION_END = {"frt": "first_response_at", "resolution": "resolved_at"}


def metric_values(tickets: pd.DataFrame, metric: str, *, feedback: pd.DataFrame | None = None,
                  as_of=None, calendar=None, sla=None) -> pd.DataFrame:
    """Per-row values of ``metric``.

    Returns the source rows (tickets, or feedback for feedback metrics) that enter the
    metric, with a ``value`` column and, for durations, ``observed`` (False = still
    waiting at ``as_of``: ``value`` is then the censored wait so far). Rows of rate
    metrics carry 1/0; score metrics their score; NPS +100/0/-100 so that the mean is
    the NPS.
    """
    m = get(metric)
    if as_of is None:
        as_of = latest_timestamp(tickets, feedback)
    ctx = Context(tickets=tickets, by=(), freq="M", as_of=pd.Timestamp(as_of),
                  sla_hours=dict(sla or config.FIRST_RESPONSE_TARGET_HOURS), calendar=calendar,
                  feedback=feedback)
    t = tickets
    if m.family == "speed":
        end = ctx.known_by(_DURATION_END[metric.split("_")[0]])
        observed = end.notna()
        value = ctx.hours(t["created_at"], end.where(observed, ctx.as_of))
        out = t.assign(value=value, observed=observed)
        return out if metric.endswith("km_median_h") else out[observed]
    if metric == "handle_minutes_median":
        return t.assign(value=t["handle_minutes"].astype("float64"))[t["handle_minutes"].notna()]
    if m.family == "sla":
        status = first_response_status(ctx) if metric == "first_response_sla_rate" else resolution_status(ctx)
        decided = (status == ACHIEVED) | (status == BREACHED)
        return t.assign(value=(status == ACHIEVED).astype("float64"))[decided]
    resolved = ctx.known_by("resolved_at").notna()
    if metric == "resolution_rate":
        return t.assign(value=resolved.astype("float64"))
    if metric == "fcr_rate":
        if "contacts" not in t.columns and "reopened" not in t.columns:  # as compute: no guess
            raise ValueError("fcr_rate needs a contacts or a reopened column")
        contacts = t["contacts"].fillna(1) if "contacts" in t.columns else 1
        reopened = t["reopened"].fillna(0) if "reopened" in t.columns else 0
        return t.assign(value=((contacts <= 1) & (reopened <= 0)).astype("float64"))[resolved]
    if metric == "reopen_rate":
        return t.assign(value=(t["reopened"].fillna(0) > 0).astype("float64"))[resolved]
    if metric == "escalation_rate":
        known = t["escalated"].notna()
        return t.assign(value=t["escalated"].fillna(False).astype("float64"))[known]
    if metric == "complaint_rate":
        known = t["category"].notna()
        return t.assign(value=(t["category"] == "complaint").fillna(False).astype("float64"))[known]
    if m.family == "satisfaction" and metric != "survey_response_rate":
        if feedback is None:
            raise ValueError(f"{metric} needs feedback")
        fb = feedback[feedback["submitted_at"] <= ctx.as_of]
        if metric == "nps":
            nps = fb["nps"].astype("float64")
            score = 100.0 * ((nps >= 9).astype(float) - (nps <= 6).astype(float))
            return fb.assign(value=score)[nps.notna()]
        column = {"csat_mean": "csat", "csat_top2_rate": "csat", "ces_mean": "ces"}.get(metric)
        if column is None:
            raise ValueError(f"{metric} has no per-answer values")
        score = fb[column].astype("float64")
        value = (score >= 4).astype("float64") if metric == "csat_top2_rate" else score
        return fb.assign(value=value)[score.notna()]
    raise ValueError(f"{metric} is not defined per ticket or answer (it is a {m.unit} over a period)")
