"""The monthly page's first sections: title, headline numbers, trends, volume, the
month's numbers per channel, category and priority, the SLA by priority, the mix of
categories and channels, and the glossary of metrics."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from pandas.io.formats.style import Styler

from svcinsight import plots
from svcinsight.metrics import catalog
from svcinsight.pages import common
from svcinsight.pages.headline import format_headline, select_headline
from svcinsight.pages.labels import ZH, format_metric, metric_label, word
from svcinsight.pages.monthly.texts import TEXTS
from svcinsight.pages.tables import note, table
from svcinsight.studies.monthly import UnitData

#: Metrics shown in breakdown tables and trends.
KEY_METRICS = ("tickets_created", "frt_median_h", "first_response_sla_rate", "resolution_median_h",
               "resolution_rate", "fcr_rate", "reopen_rate", "csat_mean", "nps")


def _zh(unit: UnitData) -> bool:
    return unit.params.language == "zh"


def title(unit: UnitData):
    """The report's heading with its month and the data's as-of time."""
    as_of = common.as_of_text(unit.as_of)
    return common.title(f"{unit.params.display_title} — {unit.month}",
                        f"数据截至 {as_of}" if _zh(unit) else f"Data as of {as_of}")


def heading(unit: UnitData, key: str):
    """A section's heading and short explanation in the report's language."""
    return common.heading(TEXTS, key, unit.params.language)


def headline_table(unit: UnitData) -> Styler:
    """The headline numbers of the month next to last month's."""
    numbers = select_headline(unit.metrics(), unit.month)
    return table(format_headline(numbers, unit.params.language))


def trends(unit: UnitData, months: int = 13):
    """13-month trends of the key metrics, targets dashed."""
    frame = unit.metrics()
    frame = frame[(frame["period"] <= unit.month) & (frame["period"] > unit.month - months)]
    targets = {g["metric"]: g["target"] for g in unit.params.goals if not g.get("segment")}
    fractions = {m for m in KEY_METRICS if m.endswith("_rate")}
    shown = [m for m in KEY_METRICS if frame.loc[frame["metric"] == m, "n"].sum() > 0]
    language = unit.params.language
    return plots.shown_once(plots.metric_trends(
        frame, metrics=shown, labels={m: metric_label(m, language) for m in shown}, targets=targets,
        highlight=unit.month, percent=fractions))


def volume_charts(unit: UnitData):
    """Tickets created per month over the history, and per day of the month by channel."""
    zh = _zh(unit)
    ylabel = "新建工单数" if zh else "Tickets created"
    fig, (ax_month, ax_day) = plt.subplots(2, 1, figsize=(9, 6.5), layout="constrained")
    plots.monthly_volume(unit.ticket_history, highlight=unit.month, ax=ax_month, ylabel=ylabel)
    plots.daily_volume(unit.month_tickets(), by="channel", ax=ax_day, ylabel=ylabel,
                       legend_title="渠道" if zh else "channel", missing="（无）" if zh else "(none)")
    return plots.shown_once(fig)


def breakdown(unit: UnitData, by: str) -> Styler:
    """Key metrics of the month per ``by`` group (channel, category, priority ...)."""
    language = unit.params.language
    if by not in unit.data.tickets.columns:
        return note(f"本单元的工单没有{ZH.get(by, by)}字段" if _zh(unit) else f"no {by} column in this unit's tickets")
    frame = unit.metrics((by,))
    month = frame[(frame["period"] == unit.month) & frame["metric"].isin(KEY_METRICS)]
    pivot = month.pivot(index=by, columns="metric", values="value")
    pivot = pivot[[m for m in KEY_METRICS if m in pivot.columns]]
    if "tickets_created" in pivot:
        pivot = pivot[pivot["tickets_created"] > 0].sort_values("tickets_created", ascending=False)
    shown = pd.DataFrame({metric_label(m, language): [format_metric(m, v) for v in pivot[m]]
                          for m in pivot.columns}, index=pivot.index)
    if _zh(unit) and by == "priority":
        shown.index = shown.index.map(lambda v: ZH.get(v, v))
    shown.index.name = word(by, language)
    return table(shown, index=True)


def sla_by_priority(unit: UnitData) -> Styler:
    """First-response and resolution SLA per priority for the month, with counts and targets."""
    zh = _zh(unit)
    if "priority" not in unit.data.tickets.columns:
        return note("本单元的工单没有优先级字段" if zh else "no priority column in this unit's tickets")
    frame = unit.metrics(("priority",))
    month = frame[frame["period"] == unit.month].set_index(["priority", "metric"])
    created = month.xs("tickets_created", level="metric")["value"]

    def pick(priority, metric, column):
        key = (priority, metric)
        return month.loc[key, column] if key in month.index else float("nan")

    rows = []
    for priority in created[created > 0].index:
        decided = (f"{pick(priority, 'first_response_sla_rate', 'numerator'):,.0f} / "
                   f"{pick(priority, 'first_response_sla_rate', 'denominator'):,.0f}")
        rows.append({
            ("优先级" if zh else "Priority"): ZH.get(priority, priority) if zh else priority,
            ("首响目标（小时）" if zh else "First-response target (h)"):
                f"{unit.params.sla[priority]:g}" if priority in unit.params.sla else "–",
            ("首响达标率" if zh else "First response within SLA"):
                format_metric("first_response_sla_rate", pick(priority, "first_response_sla_rate", "value")),
            ("达标/判定" if zh else "Achieved / decided"): decided,
            ("首响中位数（小时）" if zh else "First response, median (h)"):
                format_metric("frt_median_h", pick(priority, "frt_median_h", "value")),
            ("解决达标率" if zh else "Resolution within SLA"):
                format_metric("resolution_sla_rate", pick(priority, "resolution_sla_rate", "value")),
        })
    return table(pd.DataFrame(rows))


def mix(unit: UnitData, rows: str = "category", cols: str = "channel") -> Styler:
    """Tickets created in the month, ``rows`` by ``cols``, with totals."""
    t = unit.month_tickets()
    if rows not in t.columns or cols not in t.columns:
        missing = [c for c in (rows, cols) if c not in t.columns]
        return table(pd.DataFrame({"note": [f"no {', '.join(missing)} column in this unit's tickets"]}))
    zh = _zh(unit)
    crossed = pd.crosstab(t[rows].fillna("(none)"), t[cols].fillna("(none)"), margins=True,
                          margins_name=ZH["total"] if zh else "total")
    if zh:
        crossed = crossed.rename_axis(index=ZH.get(rows, rows), columns=ZH.get(cols, cols))
    return table(crossed, index=True)


def glossary(unit: UnitData) -> Styler:
    """Every metric's definition from the catalogue, in the report's language."""
    c = catalog(language=unit.params.language)
    zh = _zh(unit)
    definition = c["definition_zh"] if zh else c["definition"]
    frame = pd.DataFrame({
        ("指标" if zh else "Metric"): c["label"],
        ("编号" if zh else "Id"): c.index,
        ("单位" if zh else "Unit"): c["unit"].map(lambda u: ("个" if u == "count" else ZH.get(u, u)) if zh else u),
        ("方向" if zh else "Better when"): c["direction"].map(lambda d: ZH.get(d, d) if zh else d),
        ("定义" if zh else "Definition"): definition,
    })
    return table(frame)
