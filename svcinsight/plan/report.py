"""The improvement plan as the reports show it: the standalone notebook's one validation
call and displays, and the monthly report's "Improvement plan" section.

``study = si.plan.prepare(unit=..., month=..., params_path=...)`` loads the unit as the
monthly report does and sizes its opportunities over the ``plan.window_months`` months
ending with the report month; every later cell calls a method of the returned
:class:`PlanStudy`. The monthly report calls :func:`summary` and :func:`chart` with its
``unit_report``. Params files belong to the report layer, which this module imports
only when it runs.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from svcinsight._version import software_versions
from svcinsight.dataset import Dataset
from svcinsight.metrics import get
from svcinsight.plan import charts, texts
from svcinsight.plan.opportunities import Opportunities, opportunities
from svcinsight.plan.pilots import PilotPlans, propose_pilots
from svcinsight.plan.ranking import against_targets, rank

_PACKAGES = ("pandas", "numpy", "scipy", "statsmodels", "matplotlib")


@dataclass
class PlanStudy:
    """One unit's improvement plan for one report month, computed once and shown by cells.

    ``unit`` is the report's :class:`svcinsight.report.UnitData`; ``segments`` sizes each
    opportunity per customer segment too (the standalone notebook does, the monthly
    report does not, to stay quick).
    """

    unit: object
    segments: bool = True
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def settings(self):
        return self.unit.params.plan

    @property
    def language(self) -> str:
        return self.unit.params.language

    @property
    def zh(self) -> bool:
        return self.language == "zh"

    @property
    def window(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """Tickets created in ``[start, end)``: the plan's months, ending with the report month."""
        first = self.unit.month - (self.settings.window_months - 1)
        return first.start_time.tz_localize(self.unit.timezone), self.unit.month_end

    # -- the plan ---------------------------------------------------------------------------------
    @property
    def opportunities(self) -> Opportunities:
        if "opportunities" not in self._cache:
            unit, params = self.unit, self.unit.params
            from svcinsight.report.sections import _taxonomy

            start, end = self.window
            taxonomy = _taxonomy(unit)
            self._cache["opportunities"] = opportunities(
                Dataset(tickets=unit.data.tickets, events=unit.data.events,
                        feedback=_window_feedback(unit, start, end, taxonomy)),
                benchmarks=params.benchmarks or None, targets=params.goals, start=start, end=end,
                as_of=unit.as_of, resolution_stages=params.process.resolution_stages,
                terminal_stages=params.process.terminal_stages, taxonomy=taxonomy,
                calendar=unit.calendar, sla=params.sla, segment_by="auto" if self.segments else None,
                n_boot=self.settings.bootstrap, language=self.language)
        return self._cache["opportunities"]

    @property
    def ranking(self) -> pd.DataFrame:
        if "ranking" not in self._cache:
            settings = {k: v.model_dump() for k, v in self.settings.opportunities.items()}
            self._cache["ranking"] = rank(self.opportunities, settings=settings, language=self.language)
        return self._cache["ranking"]

    @property
    def pilots(self) -> PilotPlans:
        if "pilots" not in self._cache:
            # every unit's tickets, as the pilot evaluation will read them; without them (a
            # staged run reads one unit's rows) pilots cover the whole unit, before/after
            source = getattr(self.unit, "source_data", None)
            self._cache["pilots"] = propose_pilots(
                self.opportunities, self.ranking, top=self.settings.pilots_top, power=self.settings.power,
                population=None if source is None else source.tickets,
                unit=self.unit.params.business_unit or self.unit.params.unit,
                max_weeks=self.settings.max_weeks, language=self.language)
        return self._cache["pilots"]

    @property
    def targets(self) -> pd.DataFrame:
        if "targets" not in self._cache:
            self._cache["targets"] = against_targets(self.opportunities, self.ranking, top=5,
                                                     ready=self.pilots.ready())
        return self._cache["targets"]

    # -- displays ---------------------------------------------------------------------------------
    def title(self):
        """The heading: unit, month, window and the data's as-of time."""
        from IPython.display import HTML

        start, end = self.window
        as_of = self.unit.as_of.strftime("%Y-%m-%d %H:%M %Z")
        last = (end - pd.Timedelta(days=1)).strftime("%Y-%m-%d")
        heading = f"{'改进计划' if self.zh else 'Improvement plan'} — {self.unit.params.display_title}"
        line = (f"工单创建于 {start:%Y-%m-%d} 至 {last} · 数据截至 {as_of}" if self.zh else
                f"Tickets created {start:%Y-%m-%d} to {last} · data as of {as_of}")
        return HTML(f"<h1>{html.escape(heading)}</h1><p><em>{html.escape(line)}</em></p>")

    def heading(self, key: str):
        """A section heading and its short explanation in the plan's language."""
        from IPython.display import Markdown

        title, intro = texts.HEADINGS[key][self.language]
        parts = ([f"## {html.escape(title)}"] if title else []) + ([html.escape(intro)] if intro else [])
        return Markdown("\n\n".join(parts))

    def ranked_chart(self, top: int = 10):
        """The ranked opportunities chart (a closed Figure, shown once)."""
        if self.ranking.empty:
            return self._note("没有发现改进机会。", "No opportunity found.")
        return _shown_once(charts.ranked_chart(self.ranking, top=top, language=self.language))

    def ranked_table(self, top: int | None = None):
        """Rank, opportunity, tickets, main change with its interval, gain toward targets."""
        if self.ranking.empty:
            return self._note("没有发现改进机会。", "No opportunity found.")
        return _ranked(self.ranking if top is None else self.ranking.head(top), self.opportunities, self.language)

    def evidence_table(self, top: int | None = None):
        """Each opportunity's evidence and fix, in sentences."""
        rows = self.ranking if top is None else self.ranking.head(top)
        table = self.opportunities.table.set_index("id").loc[rows["id"]]
        zh = self.zh
        frame = pd.DataFrame({
            ("排名" if zh else "Rank"): rows["rank"].to_numpy(),
            ("机会" if zh else "Opportunity"): table["title"].to_numpy(),
            ("依据" if zh else "Evidence"): table["evidence"].to_numpy(),
            ("假设" if zh else "Fix assumed"): table["fix"].to_numpy(),
        })
        return (frame.style.hide(axis="index").format(escape="html")
                .set_properties(subset=list(frame.columns[1:]), **{"text-align": "left"}))

    def segment_table(self, top: int = 8):
        """The main change of each of the top opportunities per customer segment."""
        effects = self.opportunities.effects
        segments = [s for s in effects["segment"].dropna().unique() if "=" in str(s)]
        if not segments:
            return self._note("工单没有客户分群字段。", "The tickets have no customer segment column.")
        rows = []
        table = self.opportunities.table.set_index("id")
        for r in self.ranking.head(top).itertuples(index=False):
            metric = table.loc[r.id, "metric"]
            if not isinstance(metric, str) or r.kind == "segment":
                continue
            unit = get(metric).unit
            row = {("机会" if self.zh else "Opportunity"): r.title,
                   ("指标" if self.zh else "Metric"): get(metric).display_label(self.language)}
            for segment in ["all"] + segments:
                e = effects[(effects["opportunity"] == r.id) & (effects["segment"] == segment)
                            & (effects["metric"] == metric) & effects["goal"].isna()]
                label = ("全部" if self.zh else "all") if segment == "all" else segment.split("=", 1)[1]
                row[label] = ("–" if e.empty else f"{texts.metric_change(unit, e['change'].iloc[0], self.language)} "
                              f"{texts.interval(unit, e['ci_low'].iloc[0], e['ci_high'].iloc[0], self.language)}")
            rows.append(row)
        return pd.DataFrame(rows).style.hide(axis="index")

    def impact_effort_chart(self, top: int = 10):
        """Gain toward the targets against effort (from params), or a note saying how to add it."""
        if self.ranking.head(top)["effort"].notna().sum() == 0:
            return self._note("参数中尚未填写投入（plan: opportunities: <机会>: effort: 1-5），无法绘制收益-投入图。",
                              "No effort is set in params yet (plan: opportunities: <id>: effort: 1-5), so there "
                              "is no impact/effort chart.")
        return _shown_once(charts.impact_effort_chart(self.ranking, top=top, language=self.language))

    def targets_table(self):
        """Each target: now, with the top opportunities, which ones reach it, and by when."""
        return _targets(self.targets, self.opportunities, self.language)

    def pilot_table(self):
        """The proposed pilots: where, against what, expected effect, size and dates."""
        if not len(self.pilots):
            return self._note("没有可设计试点的改进机会。", "No opportunity to pilot.")
        return self.pilots.formatted(self.language).style.hide(axis="index")

    def decision_rules(self):
        """Each pilot's decision rule, fixed in advance."""
        from IPython.display import HTML

        items = "".join(f"<li><strong>{html.escape(p.name)}</strong>: {html.escape(p.decision_rule)}</li>"
                        for p in self.pilots)
        return HTML(f"<ul>{items}</ul>")

    def pilot_yaml(self):
        """The pilots as params YAML (what :func:`svcinsight.plan.write_pilot_plans` adds)."""
        from IPython.display import HTML

        return HTML(f"<pre>{html.escape(self.pilots.yaml())}</pre>")

    def provenance(self) -> pd.DataFrame:
        """The parameters and software versions the plan was made with."""
        p, s = self.unit.params, self.settings
        start, end = self.window
        rows = [("unit", p.unit), ("month", str(self.unit.month)), ("language", p.language),
                ("window", f"{start:%Y-%m-%d} – {(end - pd.Timedelta(days=1)):%Y-%m-%d}"),
                ("bootstrap resamples", s.bootstrap), ("pilot power", s.power),
                ("params file", Path(p.source_file).name if p.source_file else ""),
                *software_versions(_PACKAGES)]
        return pd.DataFrame(rows, columns=["item", "value"]).style.hide(axis="index")

    def _note(self, zh: str, en: str):
        return pd.DataFrame({"": [zh if self.zh else en]}).style.hide(axis="index").format(escape="html")


def _window_feedback(unit, start: pd.Timestamp, end: pd.Timestamp, taxonomy) -> pd.DataFrame | None:
    """The unit's answers submitted in the plan's window, tagged: the report's own tagged
    feedback (:func:`svcinsight.report.sections.tagged_feedback_since`; tagged once per
    report, shared with its drivers chart) when the window ends with the report month."""
    from svcinsight.feedback.tagging import tag
    from svcinsight.report.sections import tagged_feedback_since

    feedback = unit.data.feedback
    if feedback is None or not {"comment", "submitted_at"} <= set(feedback.columns) or "tags" in feedback.columns:
        return feedback
    if end == unit.month_end:
        return tagged_feedback_since(unit, start)
    stamps = feedback["submitted_at"]
    inside = (stamps.notna() & (stamps >= start) & (stamps < end) & (stamps <= unit.as_of)).to_numpy(dtype=bool)
    return tag(feedback[inside], taxonomy)


def prepare(*, unit: str, month: str, params_path: str | Path, staged_store: str | Path | None = None) -> PlanStudy:
    """Validate the plan notebook's parameters and load the unit's data, once.

    Parameters are those of :func:`svcinsight.report.prepare`; raises
    :class:`svcinsight.report.ParamsError` when they are invalid.
    """
    from svcinsight.report import prepare as prepare_unit

    return PlanStudy(prepare_unit(unit=unit, month=month, params_path=params_path, staged_store=staged_store),
                     segments=True)


def for_unit(unit_report) -> PlanStudy:
    """The plan of a monthly report's unit (computed once per report)."""
    cache = unit_report._metrics_cache
    if "_plan" not in cache:
        cache["_plan"] = PlanStudy(unit_report, segments=False)
    return cache["_plan"]


# -- the monthly report's section ------------------------------------------------------------------

def summary(unit_report, top: int = 5):
    """The monthly report's plan: the ranked opportunities, the plan against the targets and
    the proposed pilots, as one HTML block in the report's language."""
    from IPython.display import HTML

    study = for_unit(unit_report)
    zh = study.zh
    if unit_report.data.tickets.empty or study.ranking.empty:
        return study._note("没有发现改进机会。", "No opportunity found.")
    parts = [f"<h3>{'排名靠前的改进机会' if zh else 'Top opportunities'}</h3>",
             study.ranked_table(top).to_html(),
             f"<h3>{'计划与目标' if zh else 'Against the targets'}</h3>",
             study.targets_table().to_html(),
             f"<h3>{'建议的试点' if zh else 'Proposed pilots'}</h3>",
             study.pilot_table().to_html()]
    return HTML("".join(parts))


def chart(unit_report, top: int = 8):
    """The monthly report's ranked opportunities chart."""
    return for_unit(unit_report).ranked_chart(top)


# -- tables -----------------------------------------------------------------------------------------

def _shown_once(fig):
    from svcinsight.plots import shown_once

    return shown_once(fig)


def _ranked(ranking: pd.DataFrame, opps: Opportunities, language: str):
    zh = language == "zh"
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
    words = [frame.columns[1], frame.columns[-3] if "Effort" in frame.columns or "投入" in frame.columns
             else frame.columns[-1]]
    return (frame.style.hide(axis="index").format(escape="html")
            .set_properties(subset=words, **{"text-align": "left"}))


def _targets(table: pd.DataFrame, opps: Opportunities, language: str):
    zh = language == "zh"
    if table.empty:
        note = "本单元参数中未设定目标。" if zh else "No targets are set in this unit's params."
        return pd.DataFrame({"": [note]}).style.hide(axis="index")
    titles = opps.table.set_index("id")["title"]
    rows = []
    for r in table.itertuples(index=False):
        unit = get(r.metric).unit
        if r.already_met:
            reached = "已达标" if zh else "already met"
        elif r.reached:
            reached = "；".join(titles[i] for i in r.reached_with) if zh else "; ".join(titles[i] for i in r.reached_with)
        else:
            reached = "前几项合计仍未达标" if zh else "not with the top opportunities"
        on_time = {True: "是" if zh else "yes", False: "否" if zh else "no", None: "–"}[r.on_time]
        rows.append({
            ("目标" if zh else "Goal"): r.goal,
            ("当前" if zh else "Now"): texts.metric_value(unit, r.before, language),
            ("目标值" if zh else "Target"): texts.metric_value(unit, r.target, language),
            ("截止" if zh else "Deadline"): "–" if pd.isna(r.deadline) else pd.Timestamp(r.deadline).strftime("%Y-%m-%d"),
            ("前几项合计" if zh else "With the top ones"): texts.metric_value(unit, r.after, language),
            ("弥补差距" if zh else "Gap closed"): ("–" if pd.isna(r.share) else
                                                  ("全部" if zh else "all") if r.share >= 1 else texts.percent(r.share)),
            ("达成所需" if zh else "Reached with"): reached,
            ("试点结束" if zh else "Pilots end"): "–" if pd.isna(r.ready_by) else pd.Timestamp(r.ready_by).strftime("%Y-%m-%d"),
            ("截止前" if zh else "By the deadline"): on_time,
        })
    frame = pd.DataFrame(rows)
    return (frame.style.hide(axis="index").format(escape="html")
            .set_properties(subset=[frame.columns[0], frame.columns[6]], **{"text-align": "left"}))
