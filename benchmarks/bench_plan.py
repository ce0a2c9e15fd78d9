"""Benchmark: what the "Improvement plan" section adds to a monthly report.

A demo unit at demo size (seed 0, 14 months, ~1,200 tickets per unit and month) is
loaded as the report loads it; the script times the sections a report computes anyway
as the baseline (the headline numbers, the bottleneck table and the driver chart, each
on a fresh copy of the unit), then the plan section's two cells (``si.plan.report.chart``
and ``si.plan.report.summary``: opportunities over three months, ranking, the plan
against the targets, pilots), and prints each time with the plan's ratio to the
baseline. Before any time is printed, the plan's estimate for its first opportunity must
equal a recomputation of the same fix (the numbers are real, not a shortcut).

Run from the project root::

    .venv/bin/python benchmarks/bench_plan.py [--unit ecommerce] [--month 2026-10] [--repeat 2]
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import numpy as np

import svcinsight as si
from svcinsight.report import prepare, sections

ROOT = Path(__file__).resolve().parents[1]


def fresh(unit: str, month: str):
    return prepare(unit=unit, month=month, params_path=ROOT / "params" / f"{unit}.yaml")


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", default="ecommerce")
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    if not (ROOT / "data" / "demo" / "tickets.csv").exists():
        raise SystemExit("no demo data: run `svcinsight demo` (or make demo) first")

    baseline, plan = [], []
    for _ in range(args.repeat):
        unit = fresh(args.unit, args.month)
        baseline.append(timed(lambda u=unit: (sections.headline_table(u), sections.bottleneck_table(u),
                                              sections.driver_chart(u))))
        plan.append(timed(lambda u=unit: (si.plan.report.chart(u), si.plan.report.summary(u))))

    study = si.plan.report.for_unit(unit)
    first = study.ranking["id"].iloc[0]
    again = study.opportunities.estimate([first])
    mine = study.opportunities.effects[study.opportunities.effects["opportunity"] == first]
    assert np.allclose(again["after"].to_numpy(), mine["after"].to_numpy(), equal_nan=True)

    tickets = len(unit.data.tickets)
    print(f"svcinsight {si.__version__}, python {platform.python_version()}, {platform.machine()}")
    print(f"unit {args.unit}, month {args.month}: {tickets:,} tickets loaded, "
          f"{len(study.opportunities)} opportunities, {len(study.pilots)} pilots, "
          f"{study.settings.bootstrap} bootstrap resamples")
    print(f"baseline (headline + bottlenecks + drivers): best {min(baseline):.2f} s")
    print(f"plan section (chart + summary):             best {min(plan):.2f} s")
    print(f"ratio plan / baseline: {min(plan) / min(baseline):.2f}")


if __name__ == "__main__":
    main()
