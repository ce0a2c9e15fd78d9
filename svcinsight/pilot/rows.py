"""The rows a pilot design compares: one per ticket (or survey answer) with the value
the metric aggregates, the time that places it in a window, and the ticket's unit,
agent, channel and category.

Examples
--------
>>> import svcinsight as si
>>> ds = si.demo.generate(seed=0, months=2, tickets_per_month=30, units=["finance"])
>>> metric, rows = metric_rows(ds.tickets, "csat_mean", feedback=ds.feedback)
>>> metric.kind, {"value", "at", "agent_id", "channel"} <= set(rows.columns)
('ordinal', True)
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from svcinsight.metrics import Metric, get, latest_timestamp, metric_values

#: Metric kinds the pilot designs compare row by row.
KINDS = ("proportion", "duration", "ordinal", "nps", "mean")

#: Ticket columns feedback rows borrow from their ticket (for units, clusters and strata).
TICKET_ATTRIBUTES = ("business_unit", "agent_id", "team", "channel", "category", "priority")

#: Units of the values, as :class:`~svcinsight.stats.Comparison` spells them.
UNITS = {"fraction": "%", "hours": "h", "minutes": "min", "nps": "pts", "score": ""}


def metric_rows(tickets: pd.DataFrame, metric: str, *, feedback: pd.DataFrame | None = None,
                as_of=None, calendar=None) -> tuple[Metric, pd.DataFrame]:
    """The metric's declaration and its per-row values.

    Parameters
    ----------
    tickets : DataFrame
        Canonical tickets.
    metric : str
        A metric id of the catalogue whose kind is one of :data:`KINDS`.
    feedback : DataFrame, optional
        Canonical feedback; needed for satisfaction metrics.
    as_of : Timestamp, optional
        What has happened by then counts (default: the latest timestamp in the data).
    calendar : BusinessCalendar, optional
        Durations on its business clock.

    Returns
    -------
    (Metric, DataFrame)
        The rows of :func:`svcinsight.metrics.metric_values` plus ``at`` (the time that
        attributes the row to a window: ``created_at``, or ``submitted_at`` for answers)
        and ``observed`` (False for a duration still running at ``as_of``). Feedback rows
        get their ticket's unit, agent, channel and category where they have none.
    """
    m = get(metric)
    if m.kind not in KINDS:
        raise ValueError(
            f"{metric} is a {m.kind} metric (a total per period, not a value per ticket); pilot "
            f"designs compare metrics of kind {', '.join(KINDS)}")
    if as_of is None:
        as_of = latest_timestamp(tickets, feedback)
    if metric == "survey_response_rate":
        rows = survey_response_rows(tickets, feedback, as_of=as_of)
    else:
        rows = metric_values(tickets, metric, feedback=feedback, as_of=as_of, calendar=calendar)
    time_column = "submitted_at" if m.attribution == "submitted_at" else "created_at"
    rows = rows.assign(at=rows[time_column])
    if "observed" not in rows.columns:
        rows["observed"] = True
    if time_column == "submitted_at":
        rows = _with_ticket_attributes(rows, tickets)
    return m, rows.reset_index(drop=True)


def survey_response_rows(tickets: pd.DataFrame, feedback: pd.DataFrame | None, *, as_of=None) -> pd.DataFrame:
    """Resolved tickets with ``value`` 1 when a CSAT or NPS answer is linked to them.

    The per-ticket form of the catalogue's ``survey_response_rate`` (resolved by
    ``as_of``, answers submitted by ``as_of``, by the tickets' creation time).

    Examples
    --------
    >>> import pandas as pd
    >>> ts = lambda s: pd.Timestamp(s, tz="Asia/Shanghai")
    >>> t = pd.DataFrame({"ticket_id": ["a", "b", "c"],
    ...                   "created_at": [ts("2026-06-01 09:00")] * 3,
    ...                   "resolved_at": [ts("2026-06-01 10:00"), ts("2026-06-01 11:00"), pd.NaT]})
    >>> f = pd.DataFrame({"ticket_id": ["a"], "submitted_at": [ts("2026-06-01 12:00")], "csat": [5]})
    >>> survey_response_rows(t, f)[["ticket_id", "value"]].to_dict("list")
    {'ticket_id': ['a', 'b'], 'value': [1.0, 0.0]}
    """
    if feedback is None or "ticket_id" not in feedback.columns:
        raise ValueError("survey_response_rate needs feedback linked to tickets by ticket_id")
    if as_of is None:
        as_of = latest_timestamp(tickets, feedback)
    answered = pd.Series(False, index=feedback.index)
    for column in ("csat", "nps"):
        if column in feedback.columns:
            answered |= feedback[column].notna().to_numpy()
    answered &= (feedback["submitted_at"] <= as_of).fillna(False).to_numpy()
    answered_ids = pd.Index(feedback.loc[answered, "ticket_id"].dropna().unique())
    resolved = (tickets["resolved_at"] <= as_of).fillna(False).astype(bool)
    out = tickets[resolved]
    return out.assign(value=out["ticket_id"].isin(answered_ids).astype("float64"))


def _with_ticket_attributes(rows: pd.DataFrame, tickets: pd.DataFrame) -> pd.DataFrame:
    if "ticket_id" not in rows.columns:
        return rows
    wanted = [c for c in TICKET_ATTRIBUTES if c in tickets.columns]
    position = pd.Index(tickets["ticket_id"]).get_indexer(rows["ticket_id"])
    linked = position >= 0
    out = rows.copy()
    for column in wanted:
        values = pd.Series(pd.NA, index=rows.index, dtype=tickets[column].dtype)
        values[linked] = tickets[column].to_numpy()[position[linked]]
        out[column] = out[column].fillna(values) if column in out.columns else values
    return out


def analysis_values(metric: Metric, rows: pd.DataFrame) -> tuple[np.ndarray, dict]:
    """The values a regression models: logs for durations (zeros moved up), else as is.

    Returns the array and a dict with ``zeros`` and ``zero_offset`` (NaN if none).
    Durations become logs so that effects are ratios (skewed times multiply, not add);
    a zero duration is set to half the smallest positive one first, the rule
    :func:`svcinsight.stats.compare_durations` uses.
    """
    values = rows["value"].to_numpy(dtype="float64")
    if metric.kind != "duration":
        return values, {"zeros": 0, "zero_offset": math.nan}
    positive = values[values > 0]
    if positive.size == 0:
        raise ValueError(f"every {metric.id} value is zero; there is nothing to compare on the log scale")
    zeros = int((values == 0).sum())
    offset = float(positive.min()) / 2.0 if zeros else math.nan
    return np.log(np.where(values > 0, values, offset)), {"zeros": zeros, "zero_offset": offset}


def value_unit(metric: Metric) -> str:
    """The unit of the metric's values as the comparisons and sentences write it."""
    return UNITS.get(metric.unit, "")


def back_transform(metric: Metric, mean: float) -> float:
    """A mean of :func:`analysis_values` on the metric's own scale (geometric mean for
    durations)."""
    return math.exp(mean) if metric.kind == "duration" else mean
