"""The metric catalogue: every metric declared once.

Each :class:`Metric` states its id, bilingual label, unit, which direction is better,
which family computes it, which statistical comparison suits it (``kind``, used by the
pilot tests), what time attributes a row to a period, and a precise definition.

Examples
--------
>>> from svcinsight.metrics import catalog
>>> c = catalog()
>>> c.loc["fcr_rate", ["unit", "direction"]].tolist()
['fraction', 'higher']
>>> "frt_km_median_h" in c.index
True
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd


@dataclass(frozen=True)
class Metric:
    id: str
    label_en: str
    label_zh: str
    unit: str        # count | fraction | hours | minutes | score | nps | per_1k_orders | per_agent_day
    direction: str   # higher | lower | neutral: which way is better
    family: str      # the module that computes it
    kind: str        # count | proportion | duration | mean | ordinal | nps | rate: how to compare two groups
    attribution: str  # which timestamp puts a row into a period
    definition: str


_C, _S, _R = "created_at (cohort)", "submitted_at", "resolved_at"

METRICS: tuple[Metric, ...] = (
    # volume
    Metric("tickets_created", "Tickets created", "新建工单数", "count", "neutral", "volume", "count", _C,
           "Tickets whose created_at falls in the period."),
    Metric("tickets_resolved", "Tickets resolved", "已解决工单数", "count", "higher", "volume", "count", _C,
           "Tickets created in the period with a resolution (resolved_at) at or before as_of."),
    Metric("backlog_open", "Open at period end", "期末未结工单", "count", "lower", "volume", "count",
           "period end (or as_of if earlier)",
           "Tickets created before the period end (or as_of, if earlier) and not resolved by then, "
           "whatever period they were created in."),
    Metric("resolution_rate", "Resolution rate", "解决率", "fraction", "higher", "volume", "proportion", _C,
           "Resolved by as_of / created, over tickets created in the period."),
    Metric("escalation_rate", "Escalation rate", "升级率", "fraction", "lower", "volume", "proportion", _C,
           "Escalated tickets / tickets with a known escalated flag, created in the period."),
    Metric("complaint_rate", "Complaint rate", "投诉率", "fraction", "lower", "volume", "proportion", _C,
           "Tickets of category 'complaint' / tickets with a known category, created in the period."),
    Metric("complaints_per_1k_orders", "Complaints per 1,000 orders", "每千单投诉数", "per_1k_orders", "lower",
           "volume", "rate", _C,
           "Complaint tickets created in the period x 1000 / orders in the period (order dates in the "
           "same periods); only where an orders table is given and the grouping exists in it."),
    # speed
    Metric("frt_median_h", "First response time, median", "首次响应时长中位数", "hours", "lower", "speed",
           "duration", _C,
           "Median of first_response_at - created_at over tickets created in the period and answered by "
           "as_of. Unanswered tickets are not in it: see frt_km_median_h."),
    Metric("frt_p90_h", "First response time, 90th percentile", "首次响应时长P90", "hours", "lower", "speed",
           "duration", _C, "90th percentile of the first response time of answered tickets (as frt_median_h)."),
    Metric("frt_mean_h", "First response time, mean", "首次响应时长均值", "hours", "lower", "speed",
           "duration", _C, "Mean first response time of answered tickets (skewed: read with the median)."),
    Metric("frt_km_median_h", "First response time, median incl. unanswered (Kaplan-Meier)",
           "首次响应时长中位数（含未响应，KM估计）", "hours", "lower", "speed", "duration", _C,
           "Kaplan-Meier median of the first response time with tickets unanswered at as_of right-censored "
           "at their wait so far; numerator = answered, denominator = all (the difference is censored)."),
    Metric("resolution_median_h", "Resolution time, median", "解决时长中位数", "hours", "lower", "speed",
           "duration", _C,
           "Median of resolved_at - created_at over tickets created in the period and resolved by as_of."),
    Metric("resolution_p90_h", "Resolution time, 90th percentile", "解决时长P90", "hours", "lower", "speed",
           "duration", _C, "90th percentile of the resolution time of resolved tickets."),
    Metric("resolution_km_median_h", "Resolution time, median incl. open (Kaplan-Meier)",
           "解决时长中位数（含未结，KM估计）", "hours", "lower", "speed", "duration", _C,
           "Kaplan-Meier median of the resolution time with tickets open at as_of right-censored at their "
           "age; numerator = resolved, denominator = all (the difference is censored)."),
    # SLA
    Metric("first_response_sla_rate", "First response within SLA", "首次响应达标率", "fraction", "higher", "sla",
           "proportion", _C,
           "Achieved / (achieved + breached). Achieved: answered within the priority's target; breached: "
           "answered late, or unanswered and past the target at as_of; active (neither): unanswered and "
           "still within the target. Priority missing counts as normal."),
    Metric("resolution_sla_rate", "Resolution within SLA", "解决达标率", "fraction", "higher", "sla",
           "proportion", _C,
           "Achieved / (achieved + breached) against due_at: achieved if resolved by due_at; breached if "
           "resolved after it or unresolved past it at as_of; tickets without due_at are not counted."),
    # quality
    Metric("fcr_rate", "First contact resolution", "首次解决率", "fraction", "higher", "quality", "proportion", _C,
           "Resolved tickets that needed one customer contact (contacts <= 1, missing counts as 1) and were "
           "never reopened / resolved tickets."),
    Metric("reopen_rate", "Reopen rate", "重开率", "fraction", "lower", "quality", "proportion", _C,
           "Resolved tickets reopened at least once / resolved tickets."),
    # satisfaction
    Metric("csat_mean", "CSAT, mean (1-5)", "满意度均值（1-5）", "score", "higher", "satisfaction", "ordinal", _S,
           "Mean of csat scores submitted in the period."),
    Metric("csat_top2_rate", "CSAT top-2-box (4-5)", "满意度前两档占比（4-5分）", "fraction", "higher",
           "satisfaction", "proportion", _S, "csat scores of 4 or 5 / csat scores, submitted in the period."),
    Metric("nps", "Net Promoter Score", "净推荐值", "nps", "higher", "satisfaction", "nps", _S,
           "100 x (promoters 9-10 - detractors 0-6) / nps answers submitted in the period; numerator = "
           "promoters - detractors."),
    Metric("ces_mean", "Customer effort, mean (1-7)", "费力度均值（1-7）", "score", "lower", "satisfaction",
           "mean", _S, "Mean of ces scores (1 very easy .. 7 very hard) submitted in the period."),
    Metric("survey_response_rate", "Survey response rate", "调研回复率", "fraction", "higher", "satisfaction",
           "proportion", _C,
           "Resolved tickets with at least one linked csat or nps answer / resolved tickets, by the "
           "tickets' creation period."),
    Metric("low_score_followup_1h_rate", "Low scores followed up within 1 h", "低分1小时内回访率", "fraction",
           "higher", "satisfaction", "proportion", _S,
           "csat <= 3 followed up within 1 h of submission / csat <= 3 whose hour has passed or that were "
           "followed up (those still inside the hour at as_of are active and not counted)."),
    # productivity
    Metric("resolved_per_agent_day", "Resolved per agent-day", "人均日解决量", "per_agent_day", "higher",
           "productivity", "rate", _R,
           "Tickets resolved in the period (by resolved_at; productivity is about when work was done) / "
           "agent-days: distinct (agent_id, local date) pairs with at least one resolution."),
    Metric("handle_minutes_median", "Handle time, median", "处理时长中位数", "minutes", "lower",
           "productivity", "duration", _C, "Median handle_minutes of tickets created in the period."),
)

REGISTRY: dict[str, Metric] = {m.id: m for m in METRICS}


def get(metric_id: str) -> Metric:
    """One metric's declaration; unknown ids name the known ones."""
    try:
        return REGISTRY[metric_id]
    except KeyError:
        raise KeyError(f"unknown metric {metric_id!r}; known: {', '.join(REGISTRY)}") from None


def catalog(language: str | None = None) -> pd.DataFrame:
    """The catalogue as a DataFrame indexed by metric id.

    Columns: ``label_en, label_zh, unit, direction, family, kind, attribution,
    definition`` (plus ``label`` in the given language when ``language`` is set).
    """
    frame = pd.DataFrame([asdict(m) for m in METRICS]).set_index("id")
    if language is not None:
        frame.insert(0, "label", frame["label_zh"] if language == "zh" else frame["label_en"])
    return frame
