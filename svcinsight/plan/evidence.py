"""An opportunity in words: its title, the evidence it rests on, and the fix assumed.

The numbers are counted on the data as it is (the baseline state), so a reader can check
them against the process and feedback tables of the report.

Examples
--------
>>> from svcinsight.plan import texts
>>> texts.say("en")["fix"]["stage"].format(hours="0.5 h", visits="1,229", saved="8,107 h")
'Fix: every visit over 0.5 h ends at 0.5 h (1,229 visits, 8,107 h in all).'
"""

from __future__ import annotations

import numpy as np

from svcinsight import config
from svcinsight.metrics import get
from svcinsight.plan import texts
from svcinsight.plan.fixes import ReworkLoops, StageCap, State


def describe(cand, state: State, affected: np.ndarray, language: str) -> tuple[str, str, str]:
    """Title, evidence and fix of a candidate, counted on the data as it is (``state``)."""
    say = texts.say(language)
    f = cand.facts
    zh = language == "zh"
    n = texts.count
    if cand.kind in ("stage", "handoff"):
        cap = cand.fixes[0]
        title = say["title"][cand.kind].format(stage=cand.subject, hours=texts.hours(cap.hours, language),
                                               team=f["handoff_from"] if isinstance(f.get("handoff_from"), str) else "–")
        visits = _capped_visits(cap, state)
        removed = _removed_hours(cap, state)
        fix = say["fix"][cand.kind].format(hours=texts.hours(cap.hours, language), visits=n(visits),
                                           saved=texts.hours(removed, language))
        return title, str(f.get("evidence", "")), fix
    if cand.kind == "rework":
        title = say["title"]["rework"].format(stage=cand.subject)
        returns = say["returns"].format(stage=f["returns_from"]) if isinstance(f.get("returns_from"), str) else ""
        removed = _loop_hours(cand.fixes[0], state)
        contacts = sum(cand.fixes[0].cuts(state).fewer_contacts.values()) if state.timeline is not None else 0
        evidence = say["rework"].format(stage=cand.subject, share=texts.percent(f["rework_share"]),
                                        extra=n(f["extra_visits"]), returns=returns,
                                        hours=texts.hours(removed, language))
        fix = say["fix"]["rework"].format(tickets=n(affected.sum()), saved=texts.hours(removed, language),
                                          contacts=n(contacts))
        return title, evidence, fix
    if cand.kind == "response":
        fix_rule = cand.fixes[0]
        removed = float(fix_rule.cuts(state).length.sum() / 3.6e12)
        evidence = say["response"].format(late=n(f["late"]), share=texts.percent(f["share"]),
                                          median=texts.hours(f["median_late"], language))
        fix = say["fix"]["response"].format(tickets=n(f["late"]), saved=texts.hours(removed, language))
        return say["title"]["response"], evidence, fix
    if cand.kind == "tag":
        level = texts.percent(config.get_config()["confidence"])
        evidence = say["tag"].format(n=n(f["n"]), share=texts.percent(f["share"]),
                                     effect=f"{-f['effect']:.2f}", level=level,
                                     low=f"{f['ci_low']:+.2f}", high=f"{f['ci_high']:+.2f}")
        return say["title"]["tag"].format(label=f["label"]), evidence, say["fix"]["tag"]
    metric = get(f["metric"])
    label = metric.display_label(language)
    column = _COLUMNS_ZH.get(f["column"], f["column"]) if zh else f["column"]
    evidence = say["segment"].format(metric=label, column=column, value=f["value"],
                                     current=texts.metric_value(metric.unit, f["current"], language),
                                     target=texts.metric_value(metric.unit, f["target"], language), n=n(f["n"]))
    title = say["title"]["segment"].format(metric=label if zh else label[0].lower() + label[1:],
                                           column=column, value=f["value"])
    if not zh:
        title = title[0].upper() + title[1:]
    return title, evidence, say["fix"]["segment"].format(column=column, value=f["value"])


#: The segment columns' names in a Chinese plan.
_COLUMNS_ZH = {"channel": "渠道", "category": "类别", "priority": "优先级", "customer_segment": "客户分层",
               "team": "团队", "business_unit": "业务单元"}


def _capped_visits(cap: StageCap, state: State) -> int:
    line = state.timeline
    pick = cap.visits(state) & ((line.end - line.entered) > round(cap.hours * 3.6e12))
    return int(pick.sum())


def _removed_hours(cap: StageCap, state: State) -> float:
    return float(cap.cuts(state).length.sum() / 3.6e12)


def _loop_hours(fix: ReworkLoops, state: State) -> float:
    return float(fix.cuts(state).length.sum() / 3.6e12)
