"""Benchmark: ``stage_stats``, ``handoffs`` and ``rework`` on ~1M events vs a per-ticket loop.

The events come from the demo generator (seed 0, 14 months, four units) with
``--tickets-per-month 3000`` per unit, about 1.03M events of 168,000 tickets. The
library runs the three public calls on all of them. The reference is the plain
ticket-by-ticket loop the tests check the library against
(``tests/process/process_reference.py``); it is timed on a random sample of tickets and
scaled to all tickets, which the output says. Before any time is printed, the library's
three tables on the sample must equal the loop's (counts exactly, hours to 1e-9).

Run from the project root::

    .venv/bin/python benchmarks/bench_process.py [--tickets-per-month 3000] [--sample 5000]
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
sys.path.insert(0, str(ROOT / "tests" / "process"))

from process_reference import handoff_table, rework_table, stage_table, walk

import svcinsight as si
from svcinsight import process

TERMINAL = {"closed"}
TOLERANCE_HOURS = 1e-9


def library(events: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The three public calls, as a user makes them."""
    return (
        process.stage_stats(events, terminal_stages=TERMINAL),
        process.handoffs(events, terminal_stages=TERMINAL),
        process.rework(events),
    )


def reference(events: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    facts = walk(events, terminal=TERMINAL, holder="team")
    return stage_table(facts), handoff_table(facts), rework_table(facts)


def differences(got: tuple, expected: tuple) -> list[str]:
    """Columns where the library's tables differ from the loop's (empty: identical)."""
    keys = (["stage"], ["from_team", "to_team"], ["stage"])
    problems = []
    for name, table, plain, key in zip(("stage_stats", "handoffs", "rework"), got, expected, keys):
        table = table.set_index(key)
        if sorted(table.index) != sorted(plain.index):
            problems.append(f"{name}: different rows")
            continue
        table = table.loc[plain.index]
        for column in plain.columns:
            a, b = table[column].to_numpy(dtype=float), plain[column].to_numpy(dtype=float)
            exact = column in ("visits", "tickets", "censored", "count", "tickets_with_rework", "extra_visits")
            ok = np.array_equal(a, b) if exact else np.allclose(a, b, rtol=1e-12, atol=TOLERANCE_HOURS,
                                                                 equal_nan=True)
            if not ok:
                problems.append(f"{name}.{column}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets-per-month", type=float, default=3000)
    parser.add_argument("--sample", type=int, default=5000, help="tickets timed with the loop")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    began = time.perf_counter()
    events = si.demo.generate(seed=args.seed, tickets_per_month=args.tickets_per_month).events
    generated = time.perf_counter() - began
    tickets = events["ticket_id"].unique()

    rng = np.random.default_rng(args.seed)
    chosen = rng.choice(len(tickets), size=min(args.sample, len(tickets)), replace=False)
    sample = events[events["ticket_id"].isin(set(tickets[chosen]))].reset_index(drop=True)
    began = time.perf_counter()
    expected = reference(sample)
    loop = time.perf_counter() - began
    problems = differences(library(sample), expected)
    if problems:
        raise SystemExit(f"library and per-ticket loop differ on the sample: {problems}")

    runs = []
    for _ in range(3):
        began = time.perf_counter()
        library(events)
        runs.append(time.perf_counter() - began)
    each = {}
    for name, call in [("stage_stats", lambda: process.stage_stats(events, terminal_stages=TERMINAL)),
                       ("handoffs", lambda: process.handoffs(events, terminal_stages=TERMINAL)),
                       ("rework", lambda: process.rework(events))]:
        each[name] = min(_timed(call) for _ in range(3))
    tracemalloc.start()
    library(events)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    best = min(runs)
    scale = len(tickets) / len(chosen)
    loop_full = loop * scale
    max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"process benchmark: {len(events):,} events of {len(tickets):,} tickets "
          f"(demo seed {args.seed}, {args.tickets_per_month:g} tickets per unit and month; "
          f"generated in {generated:.1f} s)")
    print(f"  python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
          f"{platform.machine()} {platform.system()}")
    rows = [
        ("library: stage_stats + handoffs + rework, best of 3", f"{best:8.2f} s"),
        *[(f"  {name} alone, best of 3", f"{seconds:8.2f} s") for name, seconds in each.items()],
        (f"per-ticket loop on {len(chosen):,} random tickets ({len(sample):,} events)", f"{loop:8.2f} s"),
        (f"per-ticket loop scaled to {len(tickets):,} tickets (estimate)",
         f"{loop_full:8.1f} s  (sample time x {scale:.1f})"),
        ("speed-up, scaled loop / library", f"{loop_full / best:8.0f} x"),
    ]
    for label, value in rows:
        print(f"  {label + ':':<66}{value}")
    print("  results on the sample: identical (counts exactly, hours within 1e-9 h)")
    print(f"  peak memory: {traced_peak / 2**20:.0f} MiB allocated during the three calls (tracemalloc); "
          f"process max RSS {max_rss_mb:.0f} MiB")


def _timed(call) -> float:
    began = time.perf_counter()
    call()
    return time.perf_counter() - began


if __name__ == "__main__":
    main()
