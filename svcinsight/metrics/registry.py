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

    def display_label(self, language: str = "en") -> str:
        """The label in ``language`` with the unit where a number alone would not say it.

        >>> get("frt_median_h").display_label("zh")
        '首次响应时长中位数（小时）'
        """
        en, zh = _UNIT_SUFFIX.get(self.unit, ("", ""))
        return self.label_zh + zh if language == "zh" else self.label_en + en


_C, _S, _R = "created_at (cohort)", "submitted_at", "resolved_at"
_UNIT_SUFFIX = {"hours": (" (h)", "（小时）"), "minutes": (" (min)", "（分钟）")}

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

#: The definitions in Chinese, for reports in Chinese (same content as ``definition``).
DEFINITIONS_ZH: dict[str, str] = {
    "tickets_created": "创建时间（created_at）落在该期间的工单数。",
    "tickets_resolved": "该期间创建、且在截止时点（as_of）前已解决的工单数。",
    "backlog_open": "在期末（或更早的截止时点）之前创建、到那时仍未解决的工单数，不论创建于哪个期间。",
    "resolution_rate": "该期间创建的工单中，截止时点前已解决的占比（已解决 / 创建）。",
    "escalation_rate": "该期间创建、升级标记已知的工单中，被升级的占比。",
    "complaint_rate": "该期间创建、类别已知的工单中，类别为投诉（complaint）的占比。",
    "complaints_per_1k_orders": "该期间创建的投诉工单数 × 1000 / 同期订单量；仅在提供订单表且分组存在于订单表时计算。",
    "frt_median_h": "该期间创建、截止时点前已响应的工单，首次响应时间（首次响应 − 创建）的中位数；未响应工单不在其中，见KM估计。",
    "frt_p90_h": "已响应工单首次响应时间的第90百分位数。",
    "frt_mean_h": "已响应工单首次响应时间的均值（分布偏斜，宜与中位数一并阅读）。",
    "frt_km_median_h": "把截止时点仍未响应的工单按已等待时长作为右删失，用Kaplan-Meier法估计的首次响应时间中位数；分子为已响应数，分母为全部工单（差值即删失数）。",
    "resolution_median_h": "该期间创建、截止时点前已解决工单的解决时长（解决 − 创建）中位数。",
    "resolution_p90_h": "已解决工单解决时长的第90百分位数。",
    "resolution_km_median_h": "把截止时点仍未解决的工单按已存续时长作为右删失，用Kaplan-Meier法估计的解决时长中位数；分子为已解决数，分母为全部工单。",
    "first_response_sla_rate": "达标 /（达标 + 超时）。达标：在该优先级目标内响应；超时：响应晚于目标，或截止时点仍未响应且已超目标；进行中（不计入）：未响应但仍在目标内。缺少优先级按普通（normal）计。",
    "resolution_sla_rate": "以应解决时间（due_at）为准：按时解决为达标；晚于due_at解决、或截止时点仍未解决且已过due_at为超时；无due_at的工单不计入。",
    "fcr_rate": "已解决工单中，只需一次客户联系（contacts ≤ 1，缺失按1计）且从未重开的占比。",
    "reopen_rate": "已解决工单中，至少重开过一次的占比。",
    "csat_mean": "该期间提交的满意度评分（1-5）的均值。",
    "csat_top2_rate": "该期间提交的满意度评分中，4分或5分的占比。",
    "nps": "100 ×（推荐者9-10分 − 贬损者0-6分）/ 该期间提交的NPS回答数；分子为推荐者减贬损者。",
    "ces_mean": "该期间提交的客户费力度评分（1很容易 … 7很费力）的均值。",
    "survey_response_rate": "按工单创建期间计：已解决工单中，至少关联一条满意度或NPS回答的占比。",
    "low_score_followup_1h_rate": "满意度 ≤ 3 的反馈中，提交后1小时内完成回访的占比；截止时点仍在1小时内的不计入。",
    "resolved_per_agent_day": "该期间解决的工单数（按解决时间计，生产率关注工作完成的时间）/ 坐席日数（至少解决一单的（坐席, 本地日期）组合数）。",
    "handle_minutes_median": "该期间创建工单的处理时长（分钟）中位数。",
}

REGISTRY: dict[str, Metric] = {m.id: m for m in METRICS}
if set(DEFINITIONS_ZH) != set(REGISTRY):  # caught by the import in every test run
    raise RuntimeError(f"metrics without a Chinese definition: {set(REGISTRY) ^ set(DEFINITIONS_ZH)}")


def get(metric_id: str) -> Metric:
    """One metric's declaration; unknown ids name the known ones."""
    try:
        return REGISTRY[metric_id]
    except KeyError:
        raise KeyError(f"unknown metric {metric_id!r}; known: {', '.join(REGISTRY)}") from None


def catalog(language: str | None = None) -> pd.DataFrame:
    """The catalogue as a DataFrame indexed by metric id.

    Columns: ``label_en, label_zh, unit, direction, family, kind, attribution,
    definition, definition_zh`` (plus ``label`` in the given language when ``language`` is set).
    """
    frame = pd.DataFrame([asdict(m) for m in METRICS]).set_index("id")
    frame["definition_zh"] = frame.index.map(DEFINITIONS_ZH)
    if language is not None:
        frame.insert(0, "label", frame["label_zh"] if language == "zh" else frame["label_en"])
    return frame
