"""Figure (b): wall time of a 20-unit monthly batch with 1 and 2 workers.

Twenty units are made from the four demo units (``ecommerce_00``, ``finance_01`` ...):
each reads its demo unit's own CSV files, about ``--tickets`` tickets of history (14
months). The same batch (``si.report.run(..., force=True)``) runs with 1 worker, then
with 2; throughput ratio = time(1) / time(2). Goal on 2 cores: >= 1.6.

Optional: ``--fresh`` also runs 1 worker with a fresh kernel per report (the runner's
behaviour before kernels were kept between a worker's reports), and ``--dask`` runs the
batch on a Dask LocalCluster of 2 workers. Every run's headline numbers must equal the
first run's, unit by unit, before any time is printed.

    .venv/bin/python benchmarks/bench_batch.py [--units 20] [--tickets 10000] [--fresh] [--dask]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_report_floor import (
    MONTH,
    UNIT_FACTOR,
    demo_units,
    unit_params,
    write_defaults,
    write_unit_data,
)

import svcinsight as si


RUN_OPTIONS: dict = {}  # given to every run (--notebook)


def build(folder: Path, units: int, tickets: int) -> Path:
    """``units`` params files over the four demo units' own CSV files; returns the params folder."""
    bases = list(UNIT_FACTOR)
    ds = demo_units(bases, tickets)
    write_defaults(folder / "params")
    for base in bases:
        write_unit_data(ds, base, base, folder / "data" / base)
    for i in range(units):
        base = bases[i % len(bases)]
        name = f"{base}_{i:02d}"
        raw = unit_params(base, name, folder / "data" / base)
        raw["business_unit"] = base
        (folder / "params" / f"{name}.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    counts = ds.tickets["business_unit"].value_counts()
    print(f"data: {units} units over the demo units' files, tickets per unit "
          f"{', '.join(f'{u} {counts[u]:,}' for u in bases)}")
    return folder / "params"


def headline(out: Path) -> dict:
    """Each unit's headline numbers from its summary JSON."""
    numbers = {}
    for path in sorted((out / MONTH / "_work").glob("*.summary.json")):
        summary = json.loads(path.read_text(encoding="utf-8"))
        numbers[summary["unit"]] = [(h["metric"], h["value"]) for h in summary["headline"]]
    return numbers


def timed(label: str, params: Path, out: Path, **options) -> tuple[float, dict]:
    started = time.perf_counter()
    results = si.report.run(MONTH, params_dir=params, output=out, force=True, progress=False,
                            **RUN_OPTIONS, **options)
    seconds = time.perf_counter() - started
    failed = [f"{r.unit}: {r.error}" for r in results if r.status != "ok"]
    if failed:
        raise SystemExit(f"{label}: {len(failed)} report(s) failed, not timing: {failed[:3]}")
    per_unit = sorted(r.seconds for r in results)
    print(f"  {label:<34} {seconds:7.1f}s  ({len(results)} reports; per report median "
          f"{per_unit[len(per_unit) // 2]:.1f}s, max {per_unit[-1]:.1f}s)")
    return seconds, headline(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=20, help="units in the batch (default 20)")
    parser.add_argument("--tickets", type=int, default=10_000, help="tickets of history per unit (default 10,000)")
    parser.add_argument("--fresh", action="store_true", help="also 1 worker with a fresh kernel per report")
    parser.add_argument("--dask", action="store_true", help="also a Dask LocalCluster of 2 workers")
    parser.add_argument("--notebook", type=Path, help="the report notebook (default: notebooks/monthly_report.ipynb)")
    parser.add_argument("--keep", type=Path, help="build the workspace here and keep it")
    args = parser.parse_args()
    if args.notebook:
        RUN_OPTIONS["notebook"] = args.notebook.resolve()

    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-batch-"))
    try:
        params = build(folder, args.units, args.tickets)
        print(f"python {platform.python_version()}, {platform.machine()} {platform.system()}, "
              f"{os.cpu_count()} cores; {args.units} units, month {MONTH}")
        one, reference = timed("1 worker", params, folder / "w1", workers=1)
        two, numbers = timed("2 workers", params, folder / "w2", workers=2)
        runs = {"2 workers": numbers}
        extra = {}
        if args.fresh:
            extra["1 worker, fresh kernel per report"], runs["fresh"] = timed(
                "1 worker, fresh kernel per report", params, folder / "fresh", workers=1, keep_kernels=False)
        if args.dask:
            extra["dask LocalCluster, 2 workers"], runs["dask"] = timed(
                "dask LocalCluster, 2 workers", params, folder / "dask", workers=2, executor="dask")
        for label, got in runs.items():
            if got != reference:
                raise SystemExit(f"{label}: headline numbers differ from the 1-worker run")
        print(f"throughput 2 workers / 1 worker: {one / two:.2f} (goal >= 1.6: {'met' if one / two >= 1.6 else 'NOT met'})")
        for label, seconds in extra.items():
            print(f"{label}: {seconds / one:.2f}x the 1-worker time")
        print(f"per unit, 1 worker: {one / args.units:.2f}s; 2 workers: {two / args.units:.2f}s")
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
