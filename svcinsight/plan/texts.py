"""The plan's words in English and Chinese: titles, evidence, fixes, headings.

One phrase table per language; the functions that build sentences fill them with the
numbers, formatted once here.

Examples
--------
>>> hours(1.884), hours(125.2), percent(0.374)
('1.9 h', '125 h', '37%')
>>> PHRASES["zh"]["title"]["stage"].format(stage="agent review", hours=hours(0.5, "zh"))
'agent review 控制在 0.5 小时内'
"""

from __future__ import annotations

import math

from svcinsight.stats import display


def hours(x: float, language: str = "en") -> str:
    """Hours as a reader takes them in: one decimal below 100, none above."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    text = f"{x:,.0f}" if abs(x) >= 100 else f"{x:.1f}"
    return f"{text} 小时" if language == "zh" else f"{text} h"


def percent(x: float) -> str:
    """A share: one decimal under 10%, none above."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{x:.1%}" if abs(x) < 0.1 else f"{x:.0%}"


def count(x: float) -> str:
    return f"{x:,.0f}"


def metric_value(metric_unit: str, x: float, language: str = "en") -> str:
    """A metric's value with its unit: rates in percent, hours, scores."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if metric_unit == "fraction":
        return display.format_percent(x)
    if metric_unit == "hours":
        return hours(x, language)
    return display.format_number(x, decimals=2)


def metric_change(metric_unit: str, x: float, language: str = "en") -> str:
    """A change of a metric: points for rates, signed hours, signed score points."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if metric_unit == "fraction":
        return display.format_number(100 * x, decimals=1, signed=True) + (" 个百分点" if language == "zh" else " pts")
    if metric_unit == "hours":
        text = f"{x:+,.0f}" if abs(x) >= 100 else f"{x:+.1f}"
        return f"{text} 小时" if language == "zh" else f"{text} h"
    return display.format_number(x, decimals=2, signed=True)


def interval(metric_unit: str, low: float, high: float, language: str = "en") -> str:
    """``[lo, hi]`` of a change, in the change's own format."""
    if low is None or (isinstance(low, float) and math.isnan(low)):
        return "–"
    return f"[{metric_change(metric_unit, low, language)}, {metric_change(metric_unit, high, language)}]"


KIND_NAMES = {
    "en": {"stage": "slow stage", "handoff": "slow hand-off", "rework": "rework loop",
           "response": "late first response", "tag": "feedback issue", "segment": "segment below target"},
    "zh": {"stage": "环节超时", "handoff": "交接缓慢", "rework": "返工循环", "response": "首次响应超时",
           "tag": "反馈问题", "segment": "分项未达标"},
}

PHRASES = {
    "en": {
        "title": {
            "stage": "{stage} within {hours}",
            "handoff": "{stage}: hand-off from {team} within {hours}",
            "rework": "No loops back to {stage}",
            "response": "First responses within target",
            "tag": "Resolve: {label}",
            "segment": "{metric} of {column} {value} at target",
        },
        "fix": {
            "stage": "Fix: every visit over {hours} ends at {hours} ({visits} visits, {saved} in all).",
            "handoff": "Fix: every handed-over visit over {hours} ends at {hours} ({visits} hand-offs, {saved} in all).",
            "rework": ("Fix: the {tickets} tickets that came back go on after their first visit ({saved} and "
                       "{contacts} repeat contacts removed)."),
            "response": "Fix: the {tickets} late first responses come at their priority's target ({saved} in all).",
            "tag": "Fix: the answers that mention it score as the others do (driver model).",
            "segment": "Fix: {column} {value} at the target; the other metrics are not recomputed.",
        },
        "rework": ("{stage}: {share} of its tickets come back to it ({extra} extra visits{returns}); the "
                   "loops hold {hours} in all."),
        "returns": ", mostly from {stage}",
        "response": ("{late} answered first responses ({share}) came after their priority's target, "
                     "median {median} late."),
        "tag": ("{n} answers ({share}) mention it; with the other problems held equal they score "
                "{effect} points lower ({level} CI [{low}, {high}])."),
        "segment": "{metric} of {column} {value}: {current} against the target {target} ({n} rows).",
        "reaches": "{share} of the {goal} gap",
        "exceeds": "the whole {goal} gap",
        "met": "{goal}: already met",
        "no_goal": "no target moves",
        "decision": ("Adopt the change if {metric} improves with a Holm-adjusted p below {alpha} over the "
                     "{weeks}-week windows; otherwise keep the current process. Other metrics are reported, "
                     "not decisive."),
        "where_unit": "the whole unit {value}",
        "where_value": "{column} {value}",
        "control_units": "control units ({units})",
        "control_before": "the same {weeks} weeks before the start",
        "too_long": "needs {weeks} weeks, more than {max} allowed: widen the pilot or accept less power",
        "short_history": "the data hold {weeks} weeks before the start, fewer than the window",
        "change_text": "{title}. {fix}",
    },
    "zh": {
        "title": {
            "stage": "{stage} 控制在 {hours}内",
            "handoff": "{stage}：来自 {team} 的交接控制在 {hours}内",
            "rework": "消除返回 {stage} 的循环",
            "response": "首次响应按时达标",
            "tag": "解决：{label}",
            "segment": "{column} {value} 的{metric}达到目标",
        },
        "fix": {
            "stage": "改进：超过 {hours} 的访问都在 {hours} 结束（{visits} 次访问，共 {saved}）。",
            "handoff": "改进：超过 {hours} 的交接访问都在 {hours} 结束（{visits} 次交接，共 {saved}）。",
            "rework": "改进：返回过的 {tickets} 张工单在首次访问后直接继续（减少 {saved} 和 {contacts} 次重复联系）。",
            "response": "改进：{tickets} 张超时的首次响应按优先级目标完成（共 {saved}）。",
            "tag": "改进：提到该问题的回答与其他回答得分相同（驱动因素模型）。",
            "segment": "改进：{column} {value} 达到目标；其他指标不重新计算。",
        },
        "rework": "{stage}：{share} 的工单会返回此环节（额外 {extra} 次访问{returns}）；返工循环共占 {hours}。",
        "returns": "，多来自 {stage}",
        "response": "{late} 个已响应工单（{share}）的首次响应晚于优先级目标，中位超时 {median}。",
        "tag": "{n} 条回答（{share}）提到该问题；其他问题相同时得分低 {effect} 分（{level}置信区间 [{low}, {high}]）。",
        "segment": "{column} {value} 的{metric}：{current}，目标 {target}（{n} 行）。",
        "reaches": "{goal}差距的 {share}",
        "exceeds": "{goal}的全部差距",
        "met": "{goal}：已达标",
        "no_goal": "不影响任何目标",
        "decision": ("若{metric}在 {weeks} 周的窗口内改善且Holm校正后p值低于 {alpha}，则采用该改进；否则维持现有流程。"
                     "其他指标仅作报告，不作决策依据。"),
        "where_unit": "整个单元 {value}",
        "where_value": "{column} {value}",
        "control_units": "对照单元（{units}）",
        "control_before": "试点开始前相同的 {weeks} 周",
        "too_long": "需要 {weeks} 周，超过允许的 {max} 周：扩大试点范围或接受较低的把握度",
        "short_history": "开始前的数据只有 {weeks} 周，少于窗口长度",
        "change_text": "{title}。{fix}",
    },
}


def say(language: str) -> dict:
    """The phrase table of ``language`` (English for anything but Chinese)."""
    return PHRASES["zh" if language == "zh" else "en"]


#: The improvement-plan notebook's headings and short explanations.
HEADINGS: dict[str, dict[str, tuple[str, str]]] = {
    "intro": {
        "en": ("", ("Each problem the unit's data shows (a slow stage, a slow hand-off, rework, late first responses, "
                   "a feedback issue, a segment below target) is sized by recomputing the unit's numbers on its own "
                   "tickets as if it were fixed. Intervals are 95% bootstrap intervals over tickets; CSAT moves "
                   "through the satisfaction driver model.")),
        "zh": ("", ("对数据显示的每个问题（环节超时、交接缓慢、返工、首次响应超时、反馈问题、未达标的分项），用本单元自己的工单"
                   "按问题已解决的假设重新计算各项指标。区间为对工单的95% bootstrap区间；满意度通过满意度驱动因素模型变化。")),
    },
    "opportunities": {
        "en": ("Opportunities, ranked", ("Left: the share of the open targets' gaps each closes (the ranking). Right: "
               "the largest improvement it brings to a headline number of the whole unit, with its interval.")),
        "zh": ("改进机会排序", "左：弥补未达标目标差距的平均比例（排序依据）。右：对整个单元核心指标的最大改善及其区间。"),
    },
    "evidence": {
        "en": ("The evidence", "The numbers each opportunity rests on, and what the recomputation assumed."),
        "zh": ("依据", "每个机会所依据的数字，以及重新计算时的假设。"),
    },
    "segments": {
        "en": ("By customer segment", "The main change of each opportunity in each customer segment, with its interval."),
        "zh": ("按客户分群", "各机会的主要变化在各客户分群中的数值及区间。"),
    },
    "impact": {
        "en": ("Impact and effort", ("Effort and owners come from the unit's params (plan: opportunities:). "
               "Numbers are ranks; top left is the quick win.")),
        "zh": ("收益与投入", "投入与负责人来自本单元参数（plan: opportunities:）。数字为排名；左上为快速见效项。"),
    },
    "targets": {
        "en": ("The plan against the targets", ("The top opportunities fixed together, added one at a time: the first "
               "combination that reaches each target, and whether its pilots end before the deadline.")),
        "zh": ("计划与目标", "排名靠前的机会逐一叠加后的效果：达成各目标所需的最小组合，以及其试点能否在截止日前完成。"),
    },
    "pilots": {
        "en": ("Proposed pilots", ("Where each pilot runs, against what, for how long, and the metric and decision rule "
               "fixed in advance; sizes give the chosen power for the expected effect on the unit's own volume.")),
        "zh": ("建议的试点", ("每个试点的范围、对照、时长以及预先确定的指标与决策规则；样本量按本单元自身的业务量，"
               "保证对预期效应达到所选的把握度。")),
    },
    "params": {
        "en": ("For the params file", ("The pilots in the format the pilot evaluation notebook reads "
               "(si.unit.write_pilot_plans adds them to the unit's params).")),
        "zh": ("写入参数文件", "试点评估笔记本所读取格式的试点定义（si.unit.write_pilot_plans 可将其写入本单元参数）。"),
    },
    "about": {
        "en": ("About this plan", "The parameters, data and software it was made with."),
        "zh": ("关于本计划", "生成本计划所用的参数、数据与软件版本。"),
    },
}
