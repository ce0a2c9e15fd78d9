"""Studies: a unit's month, a pilot or an improvement plan, its data loaded once from
the staged store or the raw sources, and every number computed once and kept, so that
each page shows one value per number.

* :func:`unit_month` -> :class:`UnitData`: the monthly notebook's validation call;
* :func:`pilot_study` -> :class:`PilotStudy`: the pilot notebook's;
* :func:`plan_study` -> :class:`PlanStudy`: the improvement-plan notebook's.

The pages (:mod:`svcinsight.pages`) show them; nothing here draws or writes HTML.
"""

from svcinsight.studies.monthly import UnitData, unit_month
from svcinsight.studies.pilot import PilotStudy, pilot_study
from svcinsight.studies.plan import PlanStudy, plan_study

__all__ = ["PilotStudy", "PlanStudy", "UnitData", "pilot_study", "plan_study", "unit_month"]
