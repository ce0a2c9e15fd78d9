"""Did the pilot work? Designs on ticket-level data, with the checks that say when not
to trust them.

* :func:`before_after`: one unit, a window before the pilot against one after it;
* :func:`diff_in_diff`: the pilot unit against control units, unit and week effects,
  errors clustered by agent (wild cluster bootstrap when clusters are few);
* :func:`interrupted_time_series`: segmented regression on daily values with weekday
  and holiday terms and Newey-West errors;
* :func:`evaluate`: a pilot definition from params run for several metrics at once,
  with Holm-adjusted p-values and plain verdicts;

Each design picks the comparison from the metric's ``kind`` in the catalogue and returns
a :class:`PilotResult` (a :class:`~svcinsight.stats.Comparison`) with its design
warnings. The pilot notebook's study is :func:`svcinsight.studies.pilot_study`; its page
and charts are in :mod:`svcinsight.pages.pilot`.

Examples
--------
>>> import svcinsight as si
>>> ds = si.demo.generate(seed=0, months=4, start="2026-04-01", tickets_per_month=400)
>>> r = si.pilot.diff_in_diff(ds.tickets, metric="fcr_rate", treated="ecommerce",
...                           pilot_start="2026-06-01")
>>> r.estimate > 0, r.significant
(True, True)
"""

from __future__ import annotations

from svcinsight.pilot.before_after import before_after
from svcinsight.pilot.definition import PilotDefinition
from svcinsight.pilot.diff_in_diff import diff_in_diff
from svcinsight.pilot.evaluate import Evaluation, evaluate
from svcinsight.pilot.its import interrupted_time_series
from svcinsight.pilot.result import DesignWarning, PilotResult
from svcinsight.pilot.windows import PilotWindows, Window, pilot_windows

__all__ = [
    "DesignWarning", "Evaluation", "PilotDefinition", "PilotResult", "PilotWindows", "Window", "before_after",
    "diff_in_diff", "evaluate", "interrupted_time_series", "pilot_windows",
]

