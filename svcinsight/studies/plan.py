"""One unit's improvement plan for one report month, computed once.

``study = si.studies.plan_study(unit=..., month=..., params_path=...)`` loads the unit
as the monthly report does and sizes its opportunities over the ``plan.window_months``
months ending with the report month. The monthly report gets the same plan from its
own loaded data (:func:`for_unit`). The pages (:mod:`svcinsight.pages.plan`) show it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from svcinsight.dataset import Dataset
from svcinsight.feedback.tagging import tag
from svcinsight.plan import (
    Opportunities,
    PilotPlans,
    against_targets,
    opportunities,
    propose_pilots,
    rank,
)
from svcinsight.studies.monthly import UnitData, unit_month


@dataclass
class PlanStudy:
    """One unit's improvement plan for one report month, computed once and shown by cells.

    ``unit`` is the report's :class:`~svcinsight.studies.monthly.UnitData`; ``segments``
    sizes each opportunity per customer segment too (the standalone notebook does, the
    monthly report does not, to stay quick).
    """

    unit: UnitData
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

    @property
    def opportunities(self) -> Opportunities:
        if "opportunities" not in self._cache:
            unit, params = self.unit, self.unit.params
            start, end = self.window
            taxonomy = unit.taxonomy
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
            source = self.unit.source_data
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


def _window_feedback(unit: UnitData, start: pd.Timestamp, end: pd.Timestamp, taxonomy) -> pd.DataFrame | None:
    """The unit's answers submitted in the plan's window, tagged: the report's own tagged
    feedback (tagged once per report, shared with its drivers chart) when the window
    ends with the report month."""
    feedback = unit.data.feedback
    if feedback is None or not {"comment", "submitted_at"} <= set(feedback.columns) or "tags" in feedback.columns:
        return feedback
    if end == unit.month_end:
        return unit.tagged_feedback_since(start)
    stamps = feedback["submitted_at"]
    inside = (stamps.notna() & (stamps >= start) & (stamps < end) & (stamps <= unit.as_of)).to_numpy(dtype=bool)
    return tag(feedback[inside], taxonomy)


def plan_study(*, unit: str, month: str, params_path: str | Path,
               staged_store: str | Path | None = None) -> PlanStudy:
    """Validate the plan notebook's parameters and load the unit's data, once.

    Parameters are those of :func:`svcinsight.studies.unit_month`; raises
    :class:`svcinsight.unit.ParamsError` when they are invalid.
    """
    return PlanStudy(unit_month(unit=unit, month=month, params_path=params_path, staged_store=staged_store),
                     segments=True)


def for_unit(unit_report: UnitData) -> PlanStudy:
    """The plan of a monthly report's unit (computed once per report)."""
    return unit_report.remember("_plan", lambda: PlanStudy(unit_report, segments=False))
