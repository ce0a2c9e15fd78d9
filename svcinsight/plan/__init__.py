"""The improvement plan: size each opportunity, rank them, and turn the top ones into
pilot plans with the sample size they need.

- :func:`opportunities`: each slow stage, slow hand-off, rework loop, late first
  response, feedback issue and segment below target, sized by recomputing the unit's
  metrics on its own tickets as if it were fixed (bootstrap intervals);
- :func:`rank`: in order of the gain toward the unit's SMART targets, with effort and
  owner from params; :func:`against_targets`: which of the top ones reach each target;
- :func:`propose_pilots`: a pilot per chosen opportunity, sized for the chosen power on
  the unit's own volume; :func:`write_pilot_plans` writes them to the unit's params,
  where ``notebooks/pilot_evaluation.ipynb`` evaluates them;
- :func:`prepare` and :mod:`svcinsight.plan.report`: the notebook's and the monthly
  report's displays.
"""

from __future__ import annotations

import importlib

from svcinsight.plan.opportunities import KINDS, Opportunities, opportunities
from svcinsight.plan.pilots import PilotPlan, PilotPlans, propose_pilots
from svcinsight.plan.ranking import against_targets, goal_gains, rank
from svcinsight.plan.writing import write_pilot_plans

__all__ = ["KINDS", "Opportunities", "PilotPlan", "PilotPlans", "against_targets", "goal_gains",
           "opportunities", "prepare", "propose_pilots", "rank", "report", "write_pilot_plans"]


def __getattr__(name: str):
    # the displays load IPython and matplotlib only when a report needs them
    if name in ("report", "charts"):
        module = importlib.import_module(f"svcinsight.plan.{name}")
        globals()[name] = module
        return module
    if name == "prepare":
        from svcinsight.plan.report import prepare

        return prepare
    raise AttributeError(f"module 'svcinsight.plan' has no attribute {name!r}")
