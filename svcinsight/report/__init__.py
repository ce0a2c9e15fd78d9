"""The batch: every unit's pages for a month, executed by papermill and rendered by
nbconvert, with ``run.json`` and an index page. Only this package knows papermill and
nbconvert.

>>> import svcinsight as si
>>> callable(si.report.run)
True
"""

from svcinsight.report.batch import run
from svcinsight.report.render import render_pilot, render_plan, render_unit
from svcinsight.report.results import ReportError, UnitResult

__all__ = ["ReportError", "UnitResult", "render_pilot", "render_plan", "render_unit", "run"]
