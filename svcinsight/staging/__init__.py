"""Partitioned Parquet staging: every source a run's units name is parsed and
validated once, written by business unit and month, and each report then reads only
its own partitions over its window.

* :func:`stage` writes the store (``svcinsight stage``; ``svcinsight run`` calls it
  before any notebook starts) and skips sources whose staged copy is still valid.
* :func:`read_unit` and :func:`read_pilot` read what one report needs; both return
  ``None`` when a source has no valid staged copy, and the caller reads it raw.
* :mod:`svcinsight.staging.window` holds the rule of which history a report reads,
  used on the raw path too, so the numbers are the same either way.

The layout, the invalidation rule and the measured gains are in ``docs/staging.md``.

Examples
--------
>>> import tempfile, pathlib
>>> import svcinsight as si
>>> from svcinsight import staging
>>> base = pathlib.Path(tempfile.mkdtemp())
>>> _ = si.demo.write(si.demo.generate(seed=1, months=3, tickets_per_month=20, units=["finance", "ecommerce"]),
...                   base / "data", format="csv")
>>> _ = (base / "finance.yaml").write_text(
...     "unit: finance\\nbusiness_unit: finance\\nsources:\\n  tickets: data/tickets.csv\\n")
>>> [o.status for o in staging.stage([base / "finance.yaml"], base / "_staged")]
['staged']
>>> params = si.report.load_params(base / "finance.yaml")
>>> part = staging.read_unit(base / "_staged", params, "2025-11")
>>> set(part.data.tickets["business_unit"])
{'finance'}
"""

from svcinsight.staging.read import PilotSlice, UnitSlice, read_pilot, read_unit, window_rows
from svcinsight.staging.stage import STORE_FOLDER, StageOutcome, stage, stage_for_run, store_path
from svcinsight.staging.window import TREND_MONTHS, ReportWindow, trim

__all__ = [
           "STORE_FOLDER",
           "TREND_MONTHS",
           "PilotSlice",
           "ReportWindow",
           "StageOutcome",
           "UnitSlice",
           "read_pilot",
           "read_unit",
           "stage",
           "stage_for_run",
           "store_path",
           "trim",
           "window_rows",
]
