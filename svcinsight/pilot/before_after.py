"""Before/after in one unit: the metric's tickets (or answers) in a window before the
pilot against a window after it, compared the way the metric's kind calls for.

Examples
--------
>>> import svcinsight as si
>>> ds = si.demo.generate(seed=0, months=4, start="2026-04-01", tickets_per_month=300,
...                       units=["ecommerce"])
>>> r = si.pilot.before_after(ds.tickets, metric="fcr_rate", pilot_start="2026-06-01")
>>> r.design, r.metric_kind, r.windows.post.weeks
('before_after', 'proportion', 8.0)
>>> r.summary().startswith("First contact resolution rose from")
True
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from svcinsight import stats
from svcinsight.pilot import warnings as checks
from svcinsight.pilot.mix import mix_check
from svcinsight.pilot.result import PilotResult
from svcinsight.pilot.rows import analysis_values, metric_rows, survey_response_rows, value_unit
from svcinsight.pilot.windows import WEEK, pilot_windows
from svcinsight.stats import inputs as _inputs

#: Columns whose mix the design checks compare between the windows.
STRATA = ("channel", "category")


def before_after(tickets: pd.DataFrame, *, metric: str, pilot_start, pre=None, post=None,
                 unit: str | None = None, feedback: pd.DataFrame | None = None, as_of=None,
                 calendar=None, pilot_end=None, unit_column: str = "business_unit",
                 strata=STRATA, holidays: str | None = "CN", alpha: float | None = None
                 ) -> PilotResult:
    """Compare a metric before and after a pilot started, in one unit.

    Parameters
    ----------
    tickets : DataFrame
        Canonical tickets (all units, or only the pilot's).
    metric : str
        A metric id from :func:`svcinsight.metrics.catalog` of kind proportion,
        duration, ordinal, nps or mean.
    pilot_start : date, str or Timestamp
        First day of the pilot (local midnight) or its first instant.
    pre, post : optional
        The windows (see :func:`svcinsight.pilot.windows.pilot_windows`): by default
        the same number of whole weeks on either side of ``pilot_start``, as many as
        the data allows.
    unit : str, optional
        Keep only tickets (and answers) whose ``unit_column`` equals this.
    feedback : DataFrame, optional
        Canonical feedback, for satisfaction metrics (and the response-rate check).
    as_of : Timestamp, optional
        The instant the data describes (default: its latest timestamp); durations
        still running then are censored.
    calendar : BusinessCalendar, optional
        Durations on the business clock.
    pilot_end : date, optional
        Last day of the pilot; the after window stops there.
    unit_column : str
    strata : sequence of str
        Columns whose mix is checked (stratified comparison, Simpson's paradox).
    holidays : str or None
        Country code of the public holidays for the calendar check (``"CN"``).
    alpha : float, optional
        Significance level; default from :func:`svcinsight.config.get_config`.

    Returns
    -------
    PilotResult
        A :class:`~svcinsight.stats.Comparison` of after (group 2) against before
        (group 1) as the metric's kind calls for: proportions by
        :func:`~svcinsight.stats.compare_proportions` on the counts, durations by
        :func:`~svcinsight.stats.compare_durations` (ratio of geometric means; with
        tickets still open at ``as_of``, Kaplan-Meier medians and the log-rank test),
        CSAT by :func:`~svcinsight.stats.compare_ordinal`, NPS by
        :func:`~svcinsight.stats.compare_nps` and means by
        :func:`~svcinsight.stats.compare_means`. Design warnings (calendar, mix,
        skew, response rate, pre-trend) are in ``design_warnings`` and ``warnings``;
        ``tables`` holds the calendar and each stratified comparison.

    Notes
    -----
    A before/after comparison attributes to the pilot everything else that changed
    between the windows: season, volume, staffing, the channel mix. The checks flag
    what the data can show; a control group (:func:`diff_in_diff`) removes what the
    units share.

    Examples
    --------
    >>> import svcinsight as si
    >>> ds = si.demo.generate(seed=1, months=4, start="2026-04-01", tickets_per_month=300,
    ...                       units=["ecommerce"])
    >>> r = si.pilot.before_after(ds.tickets, metric="frt_median_h", pilot_start="2026-06-01",
    ...                           pre="6W", post="6W")
    >>> r.effect_kind, r.estimate < 1, (r.n1, r.n2) == (r.extra["rows_pre"], r.extra["rows_post"])
    ('ratio', True, True)
    """
    alpha = _inputs.resolve_alpha(alpha)
    metric_def, rows = metric_rows(tickets, metric, feedback=feedback, as_of=as_of, calendar=calendar)
    if unit is not None:
        if unit_column not in rows.columns:
            raise ValueError(f"unit={unit!r} given but the rows have no {unit_column!r} column")
        rows = rows[(rows[unit_column] == unit).fillna(False).astype(bool)].reset_index(drop=True)
        tickets = tickets[(tickets[unit_column] == unit).fillna(False).astype(bool)]
    if rows.empty:
        raise ValueError(f"no {metric} values{f' for {unit_column} {unit!r}' if unit else ''}")
    windows = pilot_windows(rows["at"], pilot_start=pilot_start, pre=pre, post=post,
                            pilot_end=pilot_end)
    arm = windows.assign(rows["at"])
    rows = rows[arm.notna()].reset_index(drop=True)
    arm = arm[arm.notna()].to_numpy(dtype=object)
    before, after = rows[arm == "pre"], rows[arm == "post"]
    for part, name in ((before, "before"), (after, "after")):
        if len(part) < 2:
            raise ValueError(f"only {len(part)} {metric} value(s) in the {name} window {windows}")

    comparison = compare_kind(metric_def, before, after, alpha=alpha)
    result = PilotResult.from_comparison(
        comparison, design="before_after", metric=metric_def.id, label_zh=metric_def.label_zh,
        direction=metric_def.direction, windows=windows,
        extra={**comparison.extra, "rows_pre": len(before), "rows_post": len(after)})

    y, _ = analysis_values(metric_def, rows)
    found, tables = [], {}
    tables["calendar"] = checks.calendar_table(windows, holidays=holidays)
    found += checks.calendar_check(windows, holidays=holidays, table=tables["calendar"])
    scale = checks.effect_formatter(metric_def)
    y_pre, y_post = y[arm == "pre"], y[arm == "post"]
    se = math.sqrt(np.var(y_pre, ddof=1) / len(y_pre) + np.var(y_post, ddof=1) / len(y_post))
    for column in strata:
        if column in rows.columns and rows[column].nunique() > 1:
            mix, table = mix_check(y, arm, rows[column], column=column, scale=scale, se=se)
            found += mix
            tables[f"by_{column}"] = table
    censored = metric_def.kind == "duration" and not rows["observed"].all()
    if metric_def.kind == "mean" or (metric_def.kind == "duration" and not censored):
        what = ("log durations", "对数时长") if metric_def.kind == "duration" else ("values", "数值")
        found += checks.skew_check({"before": y_pre, "after": y_post}, what=what[0], what_zh=what[1])
    if metric_def.family == "satisfaction" and metric_def.id != "survey_response_rate" and feedback is not None:
        response = survey_response_rows(tickets, feedback, as_of=as_of)
        if len(response):
            rate_warnings, tables["response_rate"] = checks.response_rate_check(
                response, windows.assign(response["created_at"]).to_numpy(dtype=object), alpha=alpha)
            found += rate_warnings
    slope, trend_p, _ = checks.weekly_trend(y, rows["at"], windows.pre)
    midpoints = ((windows.post.start + windows.post.length / 2)
                 - (windows.pre.start + windows.pre.length / 2)) / WEEK
    found += checks.trend_check(slope, trend_p, alpha=alpha, scale_per_week=scale,
                                design="before_after", drift=slope * midpoints)
    result = result.with_warnings(found)
    return _with_tables(result, tables, pre_trend_slope=slope, pre_trend_pvalue=trend_p)


def _with_tables(result: PilotResult, tables: dict, **extra) -> PilotResult:
    from dataclasses import replace

    return replace(result, tables={**result.tables, **tables}, extra={**result.extra, **extra})


def compare_kind(metric, before: pd.DataFrame, after: pd.DataFrame, *, alpha: float):
    """The comparison of the metric's kind for two sets of rows (see :func:`before_after`)."""
    label, unit = metric.label_en, value_unit(metric)
    if metric.kind == "proportion":
        return stats.compare_proportions(int(before["value"].sum()), len(before),
                                         int(after["value"].sum()), len(after), alpha=alpha, label=label)
    if metric.kind == "duration":
        censored = not (before["observed"].all() and after["observed"].all())
        flags = {}
        if censored:
            flags = {"censored_a": ~before["observed"].to_numpy(dtype=bool),
                     "censored_b": ~after["observed"].to_numpy(dtype=bool)}
        return stats.compare_durations(before["value"], after["value"], alpha=alpha, label=label,
                                       unit=unit, **flags)
    if metric.kind == "ordinal":
        top = int(max(5, np.nanmax(pd.concat([before["value"], after["value"]]).to_numpy(dtype=float))))
        return stats.compare_ordinal(before["value"], after["value"], levels=tuple(range(1, top + 1)),
                                     counts=False, alpha=alpha, label=label)
    if metric.kind == "nps":
        return stats.compare_nps(before["nps"], after["nps"], counts=False, alpha=alpha, label=label)
    return stats.compare_means(before["value"], after["value"], alpha=alpha, label=label, unit=unit)
