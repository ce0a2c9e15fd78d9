"""A business unit as svcinsight knows it: its params file as a typed object, and its
sources loaded and scoped to it. Everything above (staging, studies, pages, report)
takes these objects; a params file is parsed once per process.

* :func:`load_params` reads ``params/<unit>.yaml`` into :class:`UnitParams` (pilots
  typed as :class:`~svcinsight.pilot.PilotDefinition`), :func:`unit_files` lists a
  folder's units;
* :func:`load_sources` and :func:`scope_to_unit` load a unit's canonical tables;
* :class:`ReportWindow` and :func:`trim`: which history a monthly report reads;
* :func:`write_pilot_plans` adds planned pilots to a params file.
"""

from svcinsight.unit.params import ParamsError, UnitParams, load_params, unit_files
from svcinsight.unit.pilot_plans import write_pilot_plans
from svcinsight.unit.sources import (
    check_sources,
    load_source,
    load_sources,
    scope_to_unit,
    unused_rows,
)
from svcinsight.unit.window import TREND_MONTHS, ReportWindow, parse_month, trim

__all__ = [
    "TREND_MONTHS", "ParamsError", "ReportWindow", "UnitParams", "check_sources", "load_params",
    "load_source", "load_sources", "parse_month", "scope_to_unit", "trim", "unit_files", "unused_rows",
    "write_pilot_plans",
]
