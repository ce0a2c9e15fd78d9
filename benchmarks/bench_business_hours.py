"""Benchmark: ``BusinessCalendar.hours_between`` vectorised vs a row-by-row loop.

One million random intervals (seeded) on the mainland-China calendar of issue 3 (weekday
blocks 09:00-12:00 and 13:30-18:00, Saturdays 10:00-16:00, CN public holidays and make-up
working days, 2025-2026). The row-by-row loop is the reference the tests check against
(``tests/calendar/calendar_reference.py``); it is timed on a random subsample and scaled
to the full size, which the output says. Results must agree on the subsample to 1e-9 h.

Run from the project root::

    .venv/bin/python benchmarks/bench_business_hours.py [--rows 1000000] [--sample 20000]
"""

from __future__ import annotations

import argparse
import platform
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "calendar"))

from calendar_reference import ReferenceCalendar, hours_many, random_intervals

from svcinsight.calendar import BusinessCalendar

HOURS = {"mon-fri": [("09:00", "12:00"), ("13:30", "18:00")], "sat": [("10:00", "16:00")]}
TIMEZONE = "Asia/Shanghai"
FOCUS = ["2025-01-28", "2025-05-01", "2025-09-28", "2025-10-01", "2025-10-11",
         "2026-01-04", "2026-02-14", "2026-02-16", "2026-02-28", "2026-10-01"]
TOLERANCE_HOURS = 1e-9


def _series(utc_ns: np.ndarray) -> pd.Series:
    """Tz-aware local timestamps, as the loaders deliver them."""
    return pd.Series(pd.DatetimeIndex(utc_ns.view("M8[ns]")).tz_localize("UTC").tz_convert(TIMEZONE))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000, help="rows timed with the loop")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    start_ns, end_ns = random_intervals(
        rng, args.rows, timezone=TIMEZONE, first_day="2025-01-01", last_day="2026-12-10",
        focus_days=FOCUS, boundary_times=["00:00", "09:00", "12:00", "13:30", "18:00"],
    )
    start, end = _series(start_ns), _series(end_ns)

    # Cold: a new calendar reads the holiday data and lays out its blocks in the call.
    # Warm: the same calendar again, blocks already laid out (a report's second metric).
    colds = []
    for _ in range(3):
        calendar = BusinessCalendar(HOURS, holidays="CN", timezone=TIMEZONE)
        began = time.perf_counter()
        hours = calendar.hours_between(start, end)
        colds.append(time.perf_counter() - began)
    cold = float(np.median(colds))
    warm = min(_timed(lambda: calendar.hours_between(start, end)) for _ in range(3))

    tracemalloc.start()
    BusinessCalendar(HOURS, holidays="CN", timezone=TIMEZONE).hours_between(start, end)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    sample = np.sort(rng.choice(args.rows, size=min(args.sample, args.rows), replace=False))
    reference = ReferenceCalendar(
        {day: HOURS["mon-fri"] for day in range(5)} | {5: HOURS["sat"]},
        standard_weekday=HOURS["mon-fri"], timezone=TIMEZONE, country="CN", years=range(2025, 2027),
    )
    began = time.perf_counter()
    expected = np.array(hours_many(reference, start_ns[sample], end_ns[sample]))
    loop = time.perf_counter() - began
    got = hours.to_numpy()[sample]
    same_missing = bool(np.array_equal(np.isnan(got), np.isnan(expected)))
    worst = float(np.nanmax(np.abs(got - expected))) if len(sample) else 0.0
    identical = same_missing and worst <= TOLERANCE_HOURS

    loop_full = loop * args.rows / len(sample)
    max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"business hours benchmark: {args.rows:,} intervals, CN calendar, seed {args.seed}")
    print(f"  python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
          f"{platform.machine()} {platform.system()}")
    rows = [
        ("vectorised hours_between, cold (new calendar, median of 3)", f"{cold:8.3f} s"),
        ("vectorised hours_between, warm (same calendar, best of 3)", f"{warm:8.3f} s"),
        (f"row-by-row loop on a {len(sample):,}-row random sample", f"{loop:8.3f} s"),
        (f"row-by-row loop scaled to {args.rows:,} rows (estimate)",
         f"{loop_full:8.1f} s  (sample time x {args.rows / len(sample):g})"),
        ("speed-up, scaled loop / cold vectorised", f"{loop_full / cold:8.0f} x  (goal >= 100 x)"),
        ("speed-up, scaled loop / warm vectorised", f"{loop_full / warm:8.0f} x"),
    ]
    for label, value in rows:
        print(f"  {label + ':':<62}{value}")
    print(f"  results on the sample: {'identical' if identical else 'DIFFERENT'} "
          f"(max |difference| {worst:.1e} h, NaN positions {'equal' if same_missing else 'differ'})")
    print(f"  peak memory: {traced_peak / 2**20:.0f} MiB allocated during one cold call (tracemalloc); "
          f"process max RSS {max_rss_mb:.0f} MiB")
    if not identical:
        raise SystemExit("vectorised and row-by-row results differ")


def _timed(call) -> float:
    began = time.perf_counter()
    call()
    return time.perf_counter() - began


if __name__ == "__main__":
    main()
