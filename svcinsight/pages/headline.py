"""The monthly report's headline numbers: a handful of service metrics for the report
month and the month before, each with its numerator and denominator so a reader can
check it. The numbers come from :func:`svcinsight.metrics.compute`.

Tickets are attributed to the month they were created in (cohort). A ticket still open
at ``as_of`` counts as unresolved; one unanswered past its first-response target counts
as breached.

Examples
--------
>>> import pandas as pd
>>> ts = lambda s: pd.Timestamp(s, tz="Asia/Shanghai")
>>> tickets = pd.DataFrame({
...     "ticket_id": ["a", "b", "c"],
...     "priority": ["urgent", "normal", "normal"],
...     "category": ["complaint", "request", "request"],
...     "created_at": [ts("2026-10-01 09:00"), ts("2026-10-02 09:00"), ts("2026-10-30 09:00")],
...     "first_response_at": [ts("2026-10-01 10:00"), ts("2026-10-02 10:00"), pd.NaT],
...     "resolved_at": [ts("2026-10-01 12:00"), pd.NaT, pd.NaT],
... })
>>> h = headline(tickets, month=pd.Period("2026-10", "M"), as_of=ts("2026-11-01"))
>>> int(h.set_index("metric").loc["tickets_created", "value"])
3
>>> h.set_index("metric").loc["first_response_sla_rate", ["numerator", "denominator"]].tolist()
[1.0, 3.0]
"""

from __future__ import annotations

import pandas as pd

from svcinsight import metrics

#: The metrics on the report's first screen, in order.
HEADLINE = ("tickets_created", "resolution_rate", "frt_median_h", "first_response_sla_rate",
            "resolution_median_h", "backlog_open", "complaint_rate", "csat_mean")

_KIND = {"count": "count", "fraction": "rate", "hours": "hours", "score": "score", "nps": "score"}


def headline(tickets: pd.DataFrame, feedback: pd.DataFrame | None = None, *, month: pd.Period,
             as_of: pd.Timestamp, sla_hours=None, calendar=None) -> pd.DataFrame:
    """Headline metrics for ``month`` and the month before, from :func:`svcinsight.metrics.compute`.

    Returns one row per metric: ``metric, label_en, label_zh, kind, value, numerator,
    denominator, n, previous, change`` (rates as fractions, durations in hours). Both
    months are measured as the data stands at ``as_of``.
    """
    frame = metrics.compute(tickets, feedback, metrics=HEADLINE, as_of=as_of, sla=sla_hours,
                            calendar=calendar, changes=True, periods=[month - 1, month])
    return select_headline(frame, month)


def select_headline(frame: pd.DataFrame, month: pd.Period) -> pd.DataFrame:
    """The headline rows of ``month`` from a ``compute(..., changes=True)`` frame."""
    frame = frame[frame["period"] == month].set_index("metric")
    frame = frame.reindex([m for m in HEADLINE if m in frame.index]).reset_index()
    frame["label_en"] = frame["metric"].map(lambda m: metrics.get(m).display_label("en"))
    frame["label_zh"] = frame["metric"].map(lambda m: metrics.get(m).display_label("zh"))
    frame["kind"] = frame["metric"].map(lambda m: _KIND[metrics.get(m).unit])
    return frame[["metric", "label_en", "label_zh", "kind", "value", "numerator", "denominator", "n",
                  "previous", "change"]]


def format_value(value: float, kind: str) -> str:
    """Display a headline value: rates as percent, hours and scores to one decimal.

    >>> format_value(0.8412, "rate"), format_value(2.25, "hours"), format_value(1200, "count")
    ('84.1%', '2.2', '1,200')
    """
    if pd.isna(value):
        return "–"
    if kind == "rate":
        return f"{value:.1%}"
    if kind == "count":
        return f"{value:,.0f}"
    return f"{value:.1f}"


def format_headline(frame: pd.DataFrame, language: str = "en") -> pd.DataFrame:
    """The headline table as a stakeholder reads it: label, this month, last month, change."""
    label = "label_zh" if language == "zh" else "label_en"
    heads = ("指标", "本月", "上月", "变化") if language == "zh" else ("Metric", "This month", "Last month", "Change")
    shown = pd.DataFrame({
        heads[0]: frame[label],
        heads[1]: [format_value(v, k) for v, k in zip(frame["value"], frame["kind"])],
        heads[2]: [format_value(v, k) for v, k in zip(frame["previous"], frame["kind"])],
        heads[3]: [_format_change(v, k, language) for v, k in zip(frame["change"], frame["kind"])],
    })
    return shown


def _format_change(value: float, kind: str, language: str = "en") -> str:
    """A month-on-month change; rates change in percentage points.

    >>> _format_change(0.031, "rate"), _format_change(0.031, "rate", "zh"), _format_change(-12, "count")
    ('+3.1 pts', '+3.1个百分点', '-12')
    """
    if pd.isna(value):
        return "–"
    if kind == "rate":
        return f"{value * 100:+.1f}{'个百分点' if language == 'zh' else ' pts'}"
    if kind == "count":
        return f"{value:+,.0f}"
    return f"{value:+.1f}"
