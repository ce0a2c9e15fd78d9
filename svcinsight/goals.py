"""SMART targets: where each goal stands, whether it is on track, and when it would be
reached at the current trend.

A goal (from a unit's params) names a metric, an optional segment (e.g. ``{channel:
phone}``), a baseline, a target and a deadline. The straight line from the baseline (at
``start``) to the target (at the deadline) is the path a goal on track follows. The
current value's interval (Wilson for rates, a bootstrap for medians and means when the
ticket-level data is given) decides the status:

- on track: the whole interval is on the good side of the path;
- off track: the whole interval is on the bad side;
- at risk: the interval straddles the path (or no interval and the point is on the bad side).

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({
...     "period": pd.period_range("2026-05", "2026-10", freq="M"),
...     "metric": "fcr_rate",
...     "value": [0.70, 0.72, 0.74, 0.76, 0.78, 0.80],
...     "numerator": [3500, 3600, 3700, 3800, 3900, 4000],
...     "denominator": [5000] * 6, "n": [5000] * 6,
... })
>>> goals = [{"metric": "fcr_rate", "baseline": 0.70, "target": 0.85,
...           "start": "2026-05", "deadline": "2027-03-31"}]
>>> row = track(frame, goals).iloc[0]
>>> row["status"], round(float(row["progress"]), 2)
('on track', 0.67)
>>> str(row["projected_date"].date())
'2027-01-31'
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint

from svcinsight.metrics.registry import get

ON_TRACK, AT_RISK, OFF_TRACK = "on track", "at risk", "off track"


@dataclass(frozen=True)
class Goal:
    """One SMART target."""

    metric: str
    target: float
    deadline: pd.Timestamp
    baseline: float | None = None
    start: pd.Period | None = None
    segment: dict = field(default_factory=dict)
    name: str | None = None

    @classmethod
    def from_dict(cls, raw: dict) -> Goal:
        known = {"metric", "target", "deadline", "baseline", "start", "segment", "name"}
        unknown = set(raw) - known
        if unknown:
            raise ValueError(f"goal {raw.get('name') or raw.get('metric')!r}: unknown key(s) {sorted(unknown)}")
        missing = {"metric", "target", "deadline"} - set(raw)
        if missing:
            raise ValueError(f"goal {raw.get('name') or raw.get('metric')!r}: missing {sorted(missing)}")
        get(raw["metric"])  # unknown metric ids fail here, naming the known ones
        return cls(
            metric=raw["metric"], target=float(raw["target"]),
            deadline=pd.Timestamp(raw["deadline"]),
            baseline=None if raw.get("baseline") is None else float(raw["baseline"]),
            start=None if raw.get("start") is None else pd.Period(raw["start"], freq="M"),
            segment=dict(raw.get("segment") or {}), name=raw.get("name"),
        )

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        seg = ", ".join(f"{k}={v}" for k, v in self.segment.items())
        return f"{self.metric} ({seg})" if seg else self.metric


def _series(frame: pd.DataFrame, goal: Goal) -> pd.DataFrame:
    rows = frame[frame["metric"] == goal.metric]
    group_cols = [c for c in frame.columns if c not in
                  {"period", "metric", "value", "numerator", "denominator", "n", "previous", "change",
                   "year_ago", "yoy_change"}]
    missing = [k for k in goal.segment if k not in group_cols]
    if missing:
        raise ValueError(f"goal {goal.label!r}: segment column(s) {missing} are not in the metrics frame "
                         f"(compute it with by={missing})")
    for col, val in goal.segment.items():
        rows = rows[rows[col] == val]
    extra = [c for c in group_cols if c not in goal.segment]
    if extra and rows.duplicated("period").any():
        raise ValueError(f"goal {goal.label!r}: the metrics frame is grouped by {extra}; "
                         "name them in the goal's segment")
    return rows.sort_values("period")


def _interval(row: pd.Series, goal: Goal, unit: str, values: pd.Series | None, confidence: float):
    if unit == "fraction" and row["denominator"] > 0:
        lo, hi = proportion_confint(row["numerator"], row["denominator"], alpha=1 - confidence, method="wilson")
        return float(lo), float(hi), "Wilson"
    if values is not None and len(values) >= 5:
        stat = np.median if unit in ("hours", "minutes") else np.mean
        res = sps.bootstrap((values.to_numpy(dtype=float),), stat, confidence_level=confidence,
                            n_resamples=2000, method="percentile", random_state=np.random.default_rng(0))
        return float(res.confidence_interval.low), float(res.confidence_interval.high), "bootstrap"
    return np.nan, np.nan, "none"


def _projected_date(history: pd.DataFrame, goal: Goal, higher: bool, periods: int) -> pd.Timestamp:
    recent = history[history["n"] > 0].tail(periods)
    if len(recent) < 3:
        return pd.NaT
    x = recent["period"].map(lambda p: p.ordinal).to_numpy(dtype=float)
    y = recent["value"].to_numpy(dtype=float)
    slope, intercept = np.polyfit(x, y, 1)
    if slope == 0 or (slope > 0) != higher:
        return pd.NaT
    crossing = (goal.target - intercept) / slope
    last = recent["period"].iloc[-1]
    reach = max(crossing, float(last.ordinal))
    if reach - last.ordinal > 240:  # a near-flat trend: "never", not a date centuries away
        return pd.NaT
    whole = int(np.ceil(reach - 1e-9))
    return pd.Period(ordinal=whole, freq=last.freq).end_time.normalize()


def track(metrics_frame: pd.DataFrame, goals, *, values: dict | None = None,
          confidence: float = 0.95, trend_periods: int = 6) -> pd.DataFrame:
    """Progress and status of each goal.

    Parameters
    ----------
    metrics_frame : DataFrame
        Output of :func:`svcinsight.metrics.compute` (with the goals' segment columns in ``by``).
    goals : sequence of dict or Goal
        ``metric, target, deadline`` and optionally ``baseline, start, segment, name``.
    values : dict, optional
        ``{goal label: Series}`` of the current period's unit-level values (see
        :func:`svcinsight.metrics.metric_values`) for bootstrap intervals of medians and means.
    confidence : float
        Interval level.
    trend_periods : int
        Periods the trend line is fitted on for the projected date.

    Returns
    -------
    DataFrame
        One row per goal: ``goal, metric, segment, period, current, ci_low, ci_high,
        interval, baseline, target, deadline, expected, progress, status, target_met,
        projected_date, n``.
    """
    out = []
    for raw in goals:
        goal = raw if isinstance(raw, Goal) else Goal.from_dict(raw)
        meta = get(goal.metric)
        higher = meta.direction != "lower"
        history = _series(metrics_frame, goal)
        observed = history[history["n"] > 0]
        if observed.empty:
            out.append({"goal": goal.label, "metric": goal.metric, "segment": goal.segment, "status": "no data",
                        "target": goal.target, "deadline": goal.deadline, "n": 0})
            continue
        current = observed.iloc[-1]
        start = goal.start or observed["period"].iloc[0]
        baseline = goal.baseline
        if baseline is None:
            at_start = history.loc[history["period"] == start, "value"]
            baseline = float(at_start.iloc[0]) if len(at_start) else float(observed["value"].iloc[0])
        begin, end = start.start_time, goal.deadline
        now = current["period"].end_time
        share = min(max((now - begin) / (end - begin), 0.0), 1.0) if end > begin else 1.0
        expected = baseline + share * (goal.target - baseline)
        lo, hi, method = _interval(current, goal, meta.unit, (values or {}).get(goal.label), confidence)
        sign = 1 if higher else -1
        value = float(current["value"])
        if np.isnan(lo):
            status = ON_TRACK if sign * (value - expected) >= 0 else AT_RISK
        elif sign * (min(lo, hi) if higher else max(lo, hi)) >= sign * expected:
            status = ON_TRACK
        elif sign * (max(lo, hi) if higher else min(lo, hi)) < sign * expected:
            status = OFF_TRACK
        else:
            status = AT_RISK
        gap = goal.target - baseline
        out.append({
            "goal": goal.label, "metric": goal.metric, "segment": goal.segment, "period": current["period"],
            "current": value, "ci_low": lo, "ci_high": hi, "interval": method,
            "baseline": baseline, "target": goal.target, "deadline": goal.deadline, "expected": expected,
            "progress": (value - baseline) / gap if gap else np.nan, "status": status,
            "target_met": bool(sign * (value - goal.target) >= 0),
            "projected_date": _projected_date(history, goal, higher, trend_periods), "n": int(current["n"]),
        })
    return pd.DataFrame(out)
