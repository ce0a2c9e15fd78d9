"""Reports: validated params, one unit's data loaded once, the headline numbers,
and the batch runner (papermill + nbconvert).

Only this package knows papermill and nbconvert; they are imported when a report runs.
"""

from svcinsight.report.params import ParamsError, UnitParams, load_params, unit_files
from svcinsight.report.runner import ReportError, UnitResult, render_unit, run
from svcinsight.report.unit import UnitData, load_sources, parse_month, prepare, scope_to_unit
from svcinsight.report.headline import format_headline, headline
from svcinsight.report import sections

__all__ = [
    "ParamsError", "UnitParams", "load_params", "unit_files", "ReportError", "UnitResult",
    "render_unit", "run", "UnitData", "prepare", "load_sources", "scope_to_unit", "parse_month", "headline", "format_headline", "sections",
]
