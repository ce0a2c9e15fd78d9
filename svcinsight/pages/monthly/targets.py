"""The monthly page's targets: each goal of the unit tracked on its monthly metrics,
shown as a scorecard coloured by status."""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler

from svcinsight import goals as si_goals
from svcinsight.metrics import get, metric_values
from svcinsight.pages.labels import format_metric, metric_label
from svcinsight.pages.tables import note, table
from svcinsight.studies.monthly import UnitData

STATUS_COLOURS = {"on track": "#d4edda", "at risk": "#fff3cd", "off track": "#f8d7da", "no data": "#e2e3e5"}
_STATUS_ZH = {"on track": "正常推进", "at risk": "有风险", "off track": "偏离目标", "no data": "无数据"}


def goal_status(unit: UnitData) -> pd.DataFrame:
    """The unit's goals tracked on its monthly metrics (bootstrap intervals for medians
    and means, from the month's ticket- or answer-level values)."""
    rows = []
    for goal in (si_goals.Goal.from_dict(g) for g in unit.params.goals):
        frame = unit.metrics(tuple(sorted(goal.segment)))
        frame = frame[frame["period"] <= unit.month]
        values = {}
        feedback_metric = get(goal.metric).attribution == "submitted_at"
        # feedback rows carry no ticket segment: no interval rather than a wrong one
        if get(goal.metric).unit in ("hours", "minutes", "score") and not (feedback_metric and goal.segment):
            t = unit.data.tickets
            for col, val in goal.segment.items():
                t = t[t[col] == val]
            v = metric_values(t, goal.metric, feedback=unit.data.feedback, as_of=unit.as_of,
                              calendar=unit.calendar, sla=unit.params.sla)
            stamp = "created_at" if get(goal.metric).attribution.startswith("created_at") else "submitted_at"
            local = v[stamp].dt.tz_localize(None).dt.to_period("M")
            values[goal.label] = v.loc[local == unit.month, "value"]
        rows.append(si_goals.track(frame, [goal], values=values))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def scorecard(unit: UnitData) -> Styler:
    """KPI scorecard against the unit's targets, coloured by status."""
    status = goal_status(unit)
    zh = unit.params.language == "zh"
    if status.empty:
        return note("本单元参数中未设定目标。" if zh else "No targets are set in this unit's params.")
    rows = []
    for _, r in status.iterrows():
        metric = r["metric"]
        interval = ("–" if pd.isna(r.get("ci_low")) else
                    f"[{format_metric(metric, r['ci_low'])}, {format_metric(metric, r['ci_high'])}]")
        projected = r.get("projected_date")
        rows.append({
            ("目标" if zh else "Goal"): r["goal"] if r["goal"] != metric else metric_label(metric, unit.params.language),
            ("当前" if zh else "Current"): format_metric(metric, r.get("current", float("nan"))),
            ("95%区间" if zh else "95% interval"): interval,
            ("基线" if zh else "Baseline"): format_metric(metric, r.get("baseline", float("nan"))),
            ("目标值" if zh else "Target"): format_metric(metric, r["target"]),
            ("截止" if zh else "Deadline"): pd.Timestamp(r["deadline"]).strftime("%Y-%m-%d"),
            ("进度" if zh else "Progress"): "–" if pd.isna(r.get("progress")) else f"{r['progress']:.0%}",
            ("预计达成" if zh else "Projected"):
                "–" if pd.isna(projected) else pd.Timestamp(projected).strftime("%Y-%m"),
            ("状态" if zh else "Status"): _STATUS_ZH[r["status"]] if zh else r["status"],
            "_status": r["status"],
        })
    frame = pd.DataFrame(rows)
    colours = frame.pop("_status").map(STATUS_COLOURS)
    return table(frame, colours={("状态" if zh else "Status"): colours})
