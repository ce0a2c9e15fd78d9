"""Partitioned Parquet staging: every source a run's units name is parsed and
validated once, written by business unit and month, and each report then reads only
its own partitions over its window.

* :func:`stage` writes the store (``svcinsight stage``; ``svcinsight run`` calls it
  before any notebook starts) and skips sources whose staged copy is still valid.
* :func:`read_unit` reads a unit's report window; :func:`read_since` reads some units
  from a month on (what a pilot study asks for); both return ``None`` when a source has
  no valid staged copy, and the caller reads it raw.
* :mod:`svcinsight.unit.window` holds the rule of which history a report reads, used
  on the raw path too, so the numbers are the same either way.

Staging knows params objects and sources (:mod:`svcinsight.unit`), never a pilot or a
report.

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
>>> params = si.unit.load_params(base / "finance.yaml")
>>> part = staging.read_unit(base / "_staged", params, "2025-11")
>>> set(part.data.tickets["business_unit"])
{'finance'}
"""

from svcinsight.staging.read import (
    StoreRows,
    UnitSlice,
    read_since,
    read_unit,
    time_spans,
    units_staged,
    window_rows,
)
from svcinsight.staging.stage import STORE_FOLDER, StageOutcome, stage, stage_for_run, store_path

__all__ = [
    "STORE_FOLDER", "StageOutcome", "StoreRows", "UnitSlice", "read_since", "read_unit", "stage",
    "stage_for_run", "store_path", "time_spans", "units_staged", "window_rows",
]
