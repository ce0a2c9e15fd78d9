"""The improvement plan: size each opportunity, rank them, and turn the top ones into
pilot plans with the sample size they need.

- :func:`opportunities`: each slow stage, slow hand-off, rework loop, late first
  response, feedback issue and segment below target, sized by recomputing the unit's
  metrics on its own tickets as if it were fixed (bootstrap intervals);
- :func:`rank`: in order of the gain toward the unit's SMART targets, with effort and
  owner from params; :func:`against_targets`: which of the top ones reach each target;
- :func:`propose_pilots`: a pilot per chosen opportunity, sized for the chosen power on
  the unit's own volume; :func:`svcinsight.unit.write_pilot_plans` writes them to the
  unit's params, where ``notebooks/pilot_evaluation.ipynb`` evaluates them.

Pure analysis: tables in, results out. The plan notebook's study is
:func:`svcinsight.studies.plan_study`; its page is :mod:`svcinsight.pages.plan`.
"""

from __future__ import annotations

from svcinsight.plan.opportunities import KINDS, Opportunities, opportunities
from svcinsight.plan.pilots import PilotPlan, PilotPlans, propose_pilots
from svcinsight.plan.ranking import against_targets, goal_gains, rank

__all__ = ["KINDS", "Opportunities", "PilotPlan", "PilotPlans", "against_targets", "goal_gains",
           "opportunities", "propose_pilots", "rank"]

