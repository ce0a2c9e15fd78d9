"""The improvement-plan page: the ranked opportunities with their evidence, per
segment, against effort and against the targets, and the proposed pilots with their
decision rules and params, for one :class:`~svcinsight.studies.plan.PlanStudy`. The
monthly page shows :func:`summary` and :func:`chart` of its unit's plan."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from IPython.display import HTML
from pandas.io.formats.style import Styler

from svcinsight import plots
from svcinsight.metrics import get
from svcinsight.pages import common, plan_charts
from svcinsight.pages.tables import bold_lead, escaped, html_block, note, table
from svcinsight.plan import texts
from svcinsight.studies.monthly import UnitData
from svcinsight.studies.plan import PlanStudy, for_unit


def _note(study: PlanStudy, zh: str, en: str) -> Styler:
    return note(zh if study.zh else en)


def title(study: PlanStudy):
    """The heading: unit, month, window and the data's as-of time."""
    start, end = study.window
    as_of = common.as_of_text(study.unit.as_of)
    last = (end - pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    heading = f"{'改进计划' if study.zh else 'Improvement plan'} — {study.unit.params.display_title}"
    line = (f"工单创建于 {start:%Y-%m-%d} 至 {last} · 数据截至 {as_of}" if study.zh else
            f"Tickets created {start:%Y-%m-%d} to {last} · data as of {as_of}")
    return common.title(heading, line)


def heading(study: PlanStudy, key: str):
    """A section heading and its short explanation in the plan's language."""
    return common.heading(texts.HEADINGS, key, study.language)


def ranked_chart(study: PlanStudy, top: int = 10):
    """The ranked opportunities chart (a closed Figure, shown once)."""
    if study.ranking.empty:
        return _note(study, "没有发现改进机会。", "No opportunity found.")
    return plots.shown_once(plan_charts.ranked_chart(study.ranking, top=top, language=study.language))


def ranked_table(study: PlanStudy, top: int | None = None) -> Styler:
    """Rank, opportunity, tickets, main change with its interval, gain toward targets."""
    if study.ranking.empty:
        return _note(study, "没有发现改进机会。", "No opportunity found.")
    ranking = study.ranking if top is None else study.ranking.head(top)
    zh, language = study.zh, study.language
    rows = []
    for r in ranking.itertuples(index=False):
        unit = get(r.metric).unit if isinstance(r.metric, str) else ""
        label = get(r.metric).display_label(language) if isinstance(r.metric, str) else "–"
        row = {
            ("排名" if zh else "Rank"): r.rank,
            ("机会" if zh else "Opportunity"): r.title,
            ("类型" if zh else "Kind"): texts.KIND_NAMES["zh" if zh else "en"][r.kind],
            ("涉及工单" if zh else "Tickets"): f"{r.tickets:,}",
            ("指标" if zh else "Metric"): label,
            ("变化" if zh else "Change"): (f"{texts.metric_value(unit, r.before, language)} → "
                                         f"{texts.metric_value(unit, r.after, language)}"),
            ("95%区间" if zh else "95% interval"): texts.interval(unit, r.ci_low, r.ci_high, language),
            ("对目标的贡献" if zh else "Toward the targets"): r.reaches,
        }
        if ranking["effort"].notna().any() or ranking["owner"].notna().any():
            row["投入" if zh else "Effort"] = "–" if pd.isna(r.effort) else f"{r.effort:g}"
            row["负责人" if zh else "Owner"] = r.owner if isinstance(r.owner, str) else "–"
        rows.append(row)
    frame = pd.DataFrame(rows)
    with_effort = "Effort" in frame.columns or "投入" in frame.columns
    return table(frame, left=[frame.columns[1], frame.columns[-3] if with_effort else frame.columns[-1]])


def evidence_table(study: PlanStudy, top: int | None = None) -> Styler:
    """Each opportunity's evidence and fix, in sentences."""
    rows = study.ranking if top is None else study.ranking.head(top)
    found = study.opportunities.table.set_index("id").loc[rows["id"]]
    zh = study.zh
    frame = pd.DataFrame({
        ("排名" if zh else "Rank"): rows["rank"].to_numpy(),
        ("机会" if zh else "Opportunity"): found["title"].to_numpy(),
        ("依据" if zh else "Evidence"): found["evidence"].to_numpy(),
        ("假设" if zh else "Fix assumed"): found["fix"].to_numpy(),
    })
    return table(frame, left=list(frame.columns[1:]))


def segment_table(study: PlanStudy, top: int = 8) -> Styler:
    """The main change of each of the top opportunities per customer segment."""
    effects = study.opportunities.effects
    segments = [s for s in effects["segment"].dropna().unique() if "=" in str(s)]
    if not segments:
        return _note(study, "工单没有客户分群字段。", "The tickets have no customer segment column.")
    rows = []
    found = study.opportunities.table.set_index("id")
    for r in study.ranking.head(top).itertuples(index=False):
        metric = found.loc[r.id, "metric"]
        if not isinstance(metric, str) or r.kind == "segment":
            continue
        unit = get(metric).unit
        row = {("机会" if study.zh else "Opportunity"): r.title,
               ("指标" if study.zh else "Metric"): get(metric).display_label(study.language)}
        for segment in ["all", *segments]:
            e = effects[(effects["opportunity"] == r.id) & (effects["segment"] == segment)
                        & (effects["metric"] == metric) & effects["goal"].isna()]
            label = ("全部" if study.zh else "all") if segment == "all" else segment.split("=", 1)[1]
            row[label] = ("–" if e.empty else
                          f"{texts.metric_change(unit, e['change'].iloc[0], study.language)} "
                          f"{texts.interval(unit, e['ci_low'].iloc[0], e['ci_high'].iloc[0], study.language)}")
        rows.append(row)
    return table(pd.DataFrame(rows))


def impact_effort_chart(study: PlanStudy, top: int = 10):
    """Gain toward the targets against effort (from params), or a note saying how to add it."""
    if study.ranking.head(top)["effort"].notna().sum() == 0:
        return _note(study, "参数中尚未填写投入（plan: opportunities: <机会>: effort: 1-5），无法绘制收益-投入图。",
                     "No effort is set in params yet (plan: opportunities: <id>: effort: 1-5), so there "
                     "is no impact/effort chart.")
    return plots.shown_once(plan_charts.impact_effort_chart(study.ranking, top=top, language=study.language))


def targets_table(study: PlanStudy) -> Styler:
    """Each target: now, with the top opportunities, which ones reach it, and by when."""
    zh, language = study.zh, study.language
    found = study.targets
    if found.empty:
        return note("本单元参数中未设定目标。" if zh else "No targets are set in this unit's params.")
    titles = study.opportunities.table.set_index("id")["title"]
    rows = []
    for r in found.itertuples(index=False):
        unit = get(r.metric).unit
        if r.already_met:
            reached = "已达标" if zh else "already met"
        elif r.reached:
            reached = ("；" if zh else "; ").join(titles[i] for i in r.reached_with)
        else:
            reached = "前几项合计仍未达标" if zh else "not with the top opportunities"
        on_time = {True: "是" if zh else "yes", False: "否" if zh else "no", None: "–"}[r.on_time]
        rows.append({
            ("目标" if zh else "Goal"): r.goal,
            ("当前" if zh else "Now"): texts.metric_value(unit, r.before, language),
            ("目标值" if zh else "Target"): texts.metric_value(unit, r.target, language),
            ("截止" if zh else "Deadline"):
                "–" if pd.isna(r.deadline) else pd.Timestamp(r.deadline).strftime("%Y-%m-%d"),
            ("前几项合计" if zh else "With the top ones"): texts.metric_value(unit, r.after, language),
            ("弥补差距" if zh else "Gap closed"): ("–" if pd.isna(r.share) else
                                                  ("全部" if zh else "all") if r.share >= 1 else texts.percent(r.share)),
            ("达成所需" if zh else "Reached with"): reached,
            ("试点结束" if zh else "Pilots end"):
                "–" if pd.isna(r.ready_by) else pd.Timestamp(r.ready_by).strftime("%Y-%m-%d"),
            ("截止前" if zh else "By the deadline"): on_time,
        })
    frame = pd.DataFrame(rows)
    return table(frame, left=[frame.columns[0], frame.columns[6]])


def pilot_table(study: PlanStudy) -> Styler:
    """The proposed pilots: where, against what, expected effect, size and dates."""
    if not len(study.pilots):
        return _note(study, "没有可设计试点的改进机会。", "No opportunity to pilot.")
    return table(study.pilots.formatted(study.language))


def decision_rules(study: PlanStudy):
    """Each pilot's decision rule, fixed in advance."""
    return html_block(*(("li", bold_lead(p.name, p.decision_rule)) for p in study.pilots))


def pilot_yaml(study: PlanStudy):
    """The pilots as params YAML (what :func:`svcinsight.unit.write_pilot_plans` adds)."""
    return HTML(f"<pre>{escaped(study.pilots.yaml())}</pre>")


def provenance(study: PlanStudy) -> Styler:
    """The parameters and software versions the plan was made with."""
    p, s = study.unit.params, study.settings
    start, end = study.window
    rows = [("unit", p.unit), ("month", str(study.unit.month)), ("language", p.language),
            ("window", f"{start:%Y-%m-%d} – {(end - pd.Timedelta(days=1)):%Y-%m-%d}"),
            ("bootstrap resamples", s.bootstrap), ("pilot power", s.power),
            ("params file", Path(p.source_file).name if p.source_file else "")]
    return common.provenance(rows, "plan")


# -- the monthly page's section ---------------------------------------------------------

def summary(unit_report: UnitData, top: int = 5):
    """The monthly report's plan: the ranked opportunities, the plan against the targets and
    the proposed pilots, as one HTML block in the report's language."""
    study = for_unit(unit_report)
    zh = study.zh
    if unit_report.data.tickets.empty or study.ranking.empty:
        return _note(study, "没有发现改进机会。", "No opportunity found.")
    return html_block(("h3", "排名靠前的改进机会" if zh else "Top opportunities"), ranked_table(study, top),
                      ("h3", "计划与目标" if zh else "Against the targets"), targets_table(study),
                      ("h3", "建议的试点" if zh else "Proposed pilots"), pilot_table(study))


def chart(unit_report: UnitData, top: int = 8):
    """The monthly report's ranked opportunities chart."""
    return ranked_chart(for_unit(unit_report), top)
