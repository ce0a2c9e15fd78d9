"""Benchmark: what the "Improvement plan" section adds to a monthly report, and what its
bootstrap costs against the plain computation it replaces.

A unit is loaded as the report loads it: a demo unit at demo size by default (seed 0, 14
months, ~1,200 tickets per unit and month), or any params file and staged store
(``--params``, ``--staged``: e.g. the 50k-ticket workspace ``bench_report_floor.py
--keep`` builds). Two figures, each against a baseline measured in the same run:

1. **The section.** The sections a report computes anyway (headline numbers, bottleneck
   table, driver chart, each on a fresh copy of the unit) are the baseline; then the plan
   section's two cells (``si.plan.report.chart`` and ``si.plan.report.summary``:
   opportunities over the plan window, ranking, the plan against the targets, pilots).
   Before any time is printed, the plan's estimate for its first opportunity must equal a
   recomputation of the same fix.
2. **The bootstrap.** For every fix and scope of the plan's opportunities, the interval of
   the change computed plainly (explicit resamples drawn from the scope's seed for each
   fix, then ``np.median`` / ``np.quantile`` / ``mean`` over them, as the plan did before)
   and as the plan does now (:class:`svcinsight.plan.resampling.Resamples`: the draws
   counted once per scope, each statistic from the counts). The intervals must be equal
   (quantiles exactly, means to 1e-9) before the times are printed.

Run from the project root::

    .venv/bin/python benchmarks/bench_plan.py [--unit ecommerce] [--month 2026-10] [--repeat 2]
        [--params /tmp/bf/params/ecommerce.yaml --staged /tmp/bf/reports/staged/_staged]
"""

from __future__ import annotations

import argparse
import platform
import time
import zlib
from pathlib import Path

import numpy as np

import svcinsight as si
from svcinsight.plan.measure import statistic, summarise
from svcinsight.pages import monthly as sections
from svcinsight.studies import unit_month as prepare

ROOT = Path(__file__).resolve().parents[1]


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def plain_interval(measure, metric: str, label: str, before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """The interval as computed before: explicit resamples, drawn again for every fix."""
    rng = np.random.default_rng([measure.seed, zlib.crc32(f"{metric}|{label}".encode())])
    draws = rng.integers(0, len(before), size=(measure.n_boot, len(before)), dtype=np.int32)
    diff = summarise(after[draws], metric) - summarise(before[draws], metric)
    tail = (1 - measure.confidence) / 2
    return np.quantile(diff, [tail, 1 - tail])


def bootstrap_cases(opps) -> list:
    """(metric, scope, before, after) of every effect the plan bootstraps."""
    m = opps._measure
    scopes = {s.label: s for s in opps._scopes}
    cases = []
    for row in opps.effects.itertuples(index=False):
        cand = opps.candidate(row.opportunity)
        state = opps.state(row.opportunity)
        changes, deltas = m.changes(state, cand.tags)
        if row.metric == "csat_mean" and changes is not None:
            continue  # the driver model's interval, not a bootstrap
        base = m.base(row.metric)
        inside = m.mask(row.metric, base.index, scopes[row.segment].where)
        before = base.to_numpy()[inside]
        after = m.after(state, row.metric, deltas, cand.targets).to_numpy()[inside]
        if len(before) >= 2 and not np.array_equal(before, after):
            cases.append((row.metric, row.segment, before, after))
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", default="ecommerce")
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--params", type=Path, help="params file (default params/<unit>.yaml)")
    parser.add_argument("--staged", type=Path, help="staged store the params' sources were staged to")
    args = parser.parse_args()
    params = args.params or ROOT / "params" / f"{args.unit}.yaml"
    if args.params is None and not (ROOT / "data" / "demo" / "tickets.csv").exists():
        raise SystemExit("no demo data: run `svcinsight demo` (or make demo) first")

    def fresh():
        return prepare(unit=args.unit, month=args.month, params_path=params, staged_store=args.staged)

    baseline, plan = [], []
    for _ in range(args.repeat):
        unit = fresh()
        baseline.append(timed(lambda u=unit: (sections.headline_table(u), sections.bottleneck_table(u),
                                              sections.driver_chart(u))))
        plan.append(timed(lambda u=unit: (si.pages.plan.chart(u), si.pages.plan.summary(u))))

    study = si.studies.plan.for_unit(unit)
    opps = study.opportunities
    first = study.ranking["id"].iloc[0]
    again = opps.estimate([first])
    mine = opps.effects[opps.effects["opportunity"] == first]
    assert np.allclose(again["after"].to_numpy(), mine["after"].to_numpy(), equal_nan=True)

    # the bootstrap: plain (explicit resamples per fix) against counted draws, same numbers
    measure = opps._measure
    cases = bootstrap_cases(opps)
    plain_times, counted_times = [], []
    for _ in range(args.repeat):
        measure._draws.clear()  # draw again, as a new plan would
        plain, counted = [], []
        plain_times.append(timed(lambda out=plain: out.extend(plain_interval(measure, *c) for c in cases)))
        counted_times.append(timed(lambda out=counted: out.extend(measure._bootstrap(*c) for c in cases)))
        for (metric, *_), p, c in zip(cases, plain, counted):
            if statistic(metric) is None:
                assert np.allclose(p, c, rtol=1e-9, atol=1e-12), (metric, p, c)
            else:
                assert tuple(p) == tuple(c), (metric, p, c)

    tickets = len(unit.data.tickets)
    print(f"svcinsight {si.__version__}, python {platform.python_version()}, numpy {np.__version__}, "
          f"{platform.machine()}")
    print(f"unit {args.unit}, month {args.month}: {tickets:,} tickets loaded, "
          f"{int(measure.in_window.sum()):,} in the plan window, {len(opps)} opportunities, "
          f"{len(study.pilots)} pilots, {study.settings.bootstrap} bootstrap resamples")
    print(f"baseline (headline + bottlenecks + drivers): best {min(baseline):.2f} s")
    print(f"plan section (chart + summary):             best {min(plan):.2f} s")
    print(f"ratio plan / baseline: {min(plan) / min(baseline):.2f}")
    print(f"bootstrap of {len(cases)} changes (same intervals): plain resamples best {min(plain_times):.2f} s, "
          f"counted draws best {min(counted_times):.2f} s, "
          f"ratio plain / counted {min(plain_times) / min(counted_times):.1f}")


if __name__ == "__main__":
    main()
