"""Benchmark: staging a long history once vs every notebook loading it raw.

Figures (issue 7):

(d) time to load one unit's report data (``si.studies.unit_month``) from the staged store
    vs from the raw CSV files;
(c) peak memory of the staging step, of one unit's report run and of a batch of
    ``--units`` unit reports over ``--tickets`` tickets of history, vs a process that
    loads the whole history, as every notebook of a run without staging does.

Data: the demo generator makes one year of the four demo units (seed 0) at the size
that gives ``--tickets`` in all; the year is tiled back ``--years`` times (shifted by
whole weeks, so weekdays and hours keep their pattern) and the units are replicated
under new names (``ecommerce_2`` ...) to make ``--units`` units; ids are prefixed so
they stay unique. Stage events are kept for the tickets of the last 14 months only
(the report window; an event log of ten years would make the files alone tens of GB).
The files are CSV, as exported, in a temporary folder: by default one set per unit
(``--layout per-unit``: each business unit exports its own), or one file per table
holding every unit (``--layout shared``, the demo's layout; there a notebook without
staging parses every unit's rows, while the staging step parses a large file in chunks
of rows, see docs/staging.md).

Each measured step runs in its own process. Memory is the peak resident set size,
sampled every 0.1 s over the process and all its descendants (kernels included): the
largest single process, and the sum over processes at any moment. Before any figure is
printed, the unit's metrics loaded from the store must equal those loaded raw.

``--stage-shared`` measures staging alone, on one shared file per table: the staging
process of a ``--tickets`` history, parsed in chunks of ``--chunk-rows`` rows, against
the stage in one piece (the whole file loaded at once, ``chunk_rows=None``) of a
``--baseline-tickets`` history generated the same way, both in this run. Before it
prints, it checks that the baseline staged in chunks gives the same partitions, row
counts and ledgers as staged in one piece.

Run from the project root::

    .venv/bin/python benchmarks/bench_staging.py [--tickets 10000000] [--units 20] [--years 10]
                                                [--layout per-unit|shared] [--workers 2] [--keep DIR]
    .venv/bin/python benchmarks/bench_staging.py --stage-shared [--tickets 10000000]
                                                [--baseline-tickets 500000] [--chunk-rows 200000]
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import pickle
import platform
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
MONTH = "2026-10"
DEMO_UNITS = ("ecommerce", "finance", "manufacturing", "consumer_services")
WEEK = pd.Timedelta(weeks=1)
WINDOW_MONTHS = 14  # the report window: the report month and the 13 before it


# --- data --------------------------------------------------------------------------------

def _unit_names(n: int) -> list[tuple[str, str, int]]:
    """(new name, demo unit it copies, replica number) for ``n`` units."""
    names = []
    for replica in range(math.ceil(n / len(DEMO_UNITS))):
        for unit in DEMO_UNITS:
            names.append((unit if replica == 0 else f"{unit}_{replica + 1}", unit, replica))
    return names[:n]


def _write_csv(parts, path_of) -> int:
    """Append each ``(key, frame)`` to the CSV file ``path_of(key)`` (the demo's text
    format, written by Arrow)."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    from svcinsight.demo.write import _for_csv

    rows, writers, schema = 0, {}, None
    try:
        for key, frame in parts:
            frame = _for_csv(frame)
            if schema is None:
                first = pa.Schema.from_pandas(frame, preserve_index=False)
                # a column empty in the first chunk would be typed null: text, as in the file
                schema = pa.schema([f.with_type(pa.string()) if pa.types.is_null(f.type) else f for f in first])
            path = path_of(key)
            if path not in writers:
                path.parent.mkdir(parents=True, exist_ok=True)
                writers[path] = pcsv.CSVWriter(path, schema)
            writers[path].write_table(pa.Table.from_pandas(frame, schema=schema, preserve_index=False))
            rows += len(frame)
    finally:
        for writer in writers.values():
            writer.close()
    return rows


def make_data(folder: Path, *, tickets: int, units: int, years: int, layout: str = "shared") -> dict:
    """Write tickets, events, feedback and orders CSVs of the tiled history: one file
    per table for all units (``layout="shared"``), or one per unit and table
    (``"per-unit"``: ``<folder>/<unit>/<table>.csv``)."""
    import svcinsight as si

    names = _unit_names(units)
    replicas = max(r for _, _, r in names) + 1
    per_month = tickets / (len(DEMO_UNITS) * replicas * 12 * years)
    first = pd.Period(MONTH, "M") - 11
    base = si.demo.generate(seed=0, start=str(first.start_time.date()), months=12, tickets_per_month=per_month)
    tz = base.tickets["created_at"].dt.tz
    window_start = (pd.Period(MONTH, "M") - (WINDOW_MONTHS - 1)).start_time.tz_localize(tz)
    wanted = {unit: [(name, r) for name, u, r in names if u == unit] for unit in DEMO_UNITS}
    stamp_cols = {name: [c for c in getattr(base, name).columns
                         if isinstance(getattr(base, name)[c].dtype, pd.DatetimeTZDtype)]
                  for name in ("tickets", "events", "feedback")}

    created = base.tickets.set_index("ticket_id")["created_at"]
    first_day = base.orders["date"].min()

    def copies(name: str):
        frame = getattr(base, name)
        for year in range(years):
            shift = -52 * year * WEEK
            if name == "events" and base.tickets["created_at"].max() + shift < window_start:
                continue  # no ticket of this year is in the report window
            for unit, targets in wanted.items():
                if name == "events":
                    ids = base.tickets.loc[base.tickets["business_unit"] == unit, "ticket_id"]
                    part = frame[frame["ticket_id"].isin(ids)]
                    part = part[(created.reindex(part["ticket_id"]) + shift >= window_start).to_numpy()]
                else:
                    part = frame[frame["business_unit"] == unit]
                if name == "orders" and year > 0:
                    # a year is 52 weeks and a day: leave the day the next tile already has
                    part = part[part["date"] + shift < first_day - 52 * (year - 1) * WEEK]
                for new, replica in targets:
                    out = part.copy()
                    prefix = f"r{replica}y{year}-"
                    for col in stamp_cols.get(name, []):
                        out[col] = out[col] + shift
                    if name == "orders":
                        out["date"] = out["date"] + shift
                    if "business_unit" in out.columns:
                        out["business_unit"] = new
                    for col in ("ticket_id", "feedback_id"):
                        if col in out.columns:
                            out[col] = prefix + out[col].astype("string")
                    yield new, out

    counts = {}
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("tickets", "events", "feedback", "orders"):
        if layout == "shared":
            counts[name] = _write_csv(copies(name), lambda key, name=name: folder / f"{name}.csv")
        else:
            counts[name] = _write_csv(copies(name), lambda key, name=name: folder / key / f"{name}.csv")
    return {"units": [n for n, _, _ in names], "rows": counts, "tickets_per_unit_month": per_month}


def make_params(folder: Path, units: list[str], layout: str = "shared") -> Path:
    """Params files: the demo's own units keep theirs (goals; e-commerce its pilot, which
    needs the other units in its sources: shared layout only), the copies name their
    business unit."""
    params = folder / "params"
    params.mkdir(parents=True, exist_ok=True)
    (params / "_defaults.yaml").write_text((ROOT / "params" / "_defaults.yaml").read_text(encoding="utf-8")
                                           .replace("../data/demo/", "../data/"), encoding="utf-8")
    for unit in units:
        demo_file = ROOT / "params" / f"{unit}.yaml"
        text = f"unit: {unit}\nbusiness_unit: {unit}\n"
        if demo_file.exists():
            text = demo_file.read_text(encoding="utf-8")
            if layout != "shared":
                text = text.split("\npilots:")[0] + "\n"
        if layout != "shared":
            text += "sources:\n" + "".join(f"  {t}: ../data/{unit}/{t}.csv\n"
                                           for t in ("tickets", "events", "feedback", "orders"))
        (params / f"{unit}.yaml").write_text(text, encoding="utf-8")
    return params


# --- measuring ---------------------------------------------------------------------------

class Peak:
    """Peak RSS of a process and its descendants, sampled while it runs."""

    def __init__(self, pid: int, every: float = 0.1):
        import psutil

        self.root = psutil.Process(pid)
        self.every, self.largest, self.total = every, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        import psutil

        while not self._stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                break
            sizes = []
            for p in procs:
                try:
                    sizes.append(p.memory_info().rss)
                except psutil.Error:
                    pass
            if sizes:
                self.largest = max(self.largest, max(sizes))
                self.total = max(self.total, sum(sizes))
            self._stop.wait(self.every)

    def stop(self):
        self._stop.set()
        self._thread.join()


def measure(code: str, *, cwd: Path, label: str) -> dict:
    """Run ``code`` in a fresh Python process; wall time and peak memory."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], cwd=cwd)
    peak = Peak(proc.pid)
    proc.wait()
    peak.stop()
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{label} failed (exit {proc.returncode})")
    # (not ru_maxrss: on Linux it keeps the forking parent's size from before exec)
    print(f"  {label}: {seconds:7.1f} s, largest process {peak.largest / 2**30:5.2f} GiB, "
          f"all processes {peak.total / 2**30:5.2f} GiB", flush=True)
    return {"seconds": seconds, "largest": peak.largest, "total": peak.total}


LOAD = """
import pickle, time, svcinsight as si
started = time.perf_counter()
unit = si.studies.unit_month(unit={unit!r}, month={month!r}, params_path={params!r}, staged_store={store!r})
loaded = time.perf_counter() - started
metrics = unit.metrics()
hwm = next(int(line.split()[1]) * 1024 for line in open("/proc/self/status") if line.startswith("VmHWM"))
with open({out!r}, "wb") as fh:
    pickle.dump({{"seconds": loaded, "metrics": metrics, "as_of": unit.as_of, "staged": unit.staged_store,
                 "peak": hwm,
                 "rows": {{n: len(getattr(unit.data, n)) for n in unit.data.tables()}}}}, fh)
"""


STAGE = """
import glob, json
from svcinsight import staging
if __name__ == "__main__":
    outcomes = staging.stage(sorted(glob.glob({params!r})), {store!r}, chunk_rows={chunk_rows!r})
    bad = [(o.table, o.error) for o in outcomes if o.status != "staged"]
    assert not bad, bad
    print("  rows staged:", {{o.table: o.rows for o in outcomes}})
"""


def _store_summary(store: Path) -> dict:
    """Per staged table: its partitions (with their stats) and its ledger's counts and issues."""
    summary = {}
    for manifest in sorted(store.glob("*/manifest.json")):
        entry = json.loads(manifest.read_text(encoding="utf-8"))
        ledger = entry.get("ledger", {})
        summary[entry["table"]] = (entry["rows"], entry["partitions"], entry["columns"],
                                   {k: ledger.get(k) for k in ("rows_in", "rows_kept", "rows_quarantined", "issues")})
    return summary


def stage_shared(args, work: Path) -> None:
    """Staging one shared file per table in chunks vs in one piece (see the docstring)."""
    from svcinsight.io.chunks import CHUNK_ROWS

    chunk_rows = args.chunk_rows or CHUNK_ROWS
    histories = {}
    for name, tickets in (("baseline", args.baseline_tickets), ("large", args.tickets)):
        started = time.perf_counter()
        folder = work / name
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
            data = pool.submit(make_data, folder / "data", tickets=tickets, units=args.units, years=args.years,
                               layout="shared").result()
        params = make_params(folder, data["units"], "shared")
        sizes = {n: (folder / "data" / f"{n}.csv").stat().st_size for n in data["rows"]}
        print(f"{name} data: {', '.join(f'{n} {r:,} rows ({sizes[n] / 2**20:,.0f} MiB)' for n, r in data['rows'].items())}"
              f"; written in {time.perf_counter() - started:.0f} s", flush=True)
        histories[name] = (folder, params, data)

    gib = 2**30
    base_folder, base_params, base_data = histories["baseline"]
    pattern = str(base_params / "[!_]*.yaml")
    print(f"staging (1 process; chunks of {chunk_rows:,} rows)")
    floor = measure("import svcinsight, svcinsight.staging, svcinsight.studies.monthly, svcinsight.io.chunks\n"
                    "import pyarrow.csv, pyarrow.dataset, pyarrow.parquet", cwd=work,
                    label="floor: a process with staging's imports, staging nothing")
    whole = measure(STAGE.format(params=pattern, store=str(base_folder / "whole"), chunk_rows=None), cwd=work,
                    label=f"baseline, {base_data['rows']['tickets']:,} tickets, in one piece")
    chunked_small = measure(STAGE.format(params=pattern, store=str(base_folder / "chunked"), chunk_rows=chunk_rows),
                            cwd=work, label=f"baseline, {base_data['rows']['tickets']:,} tickets, in chunks")
    a, b = _store_summary(base_folder / "whole"), _store_summary(base_folder / "chunked")
    assert a == b, "the baseline staged in chunks differs from the baseline staged in one piece"
    print(f"  check: the baseline's {len(a)} staged tables have the same partitions, stats, dtypes and "
          f"ledgers in chunks as in one piece")
    large_folder, large_params, large_data = histories["large"]
    large = measure(STAGE.format(params=str(large_params / "[!_]*.yaml"), store=str(large_folder / "chunked"),
                                 chunk_rows=chunk_rows),
                    cwd=work, label=f"large, {large_data['rows']['tickets']:,} tickets, in chunks")

    n_small, n_large = base_data["rows"]["tickets"], large_data["rows"]["tickets"]
    per_ticket = (whole["largest"] - floor["largest"]) / n_small
    print("\nfigure: staging one shared file per table (peak RSS of the staging process)")
    print(f"  floor (imports only): {floor['largest'] / gib:.2f} GiB")
    print(f"  in one piece, {n_small:,} tickets: {whole['seconds']:.0f} s, {whole['largest'] / gib:.2f} GiB "
          f"({per_ticket / 1024:.1f} KiB per ticket with its events and answers, above the floor)")
    print(f"  in chunks,    {n_small:,} tickets: {chunked_small['seconds']:.0f} s, "
          f"{chunked_small['largest'] / gib:.2f} GiB")
    print(f"  in chunks,    {n_large:,} tickets: {large['seconds']:.0f} s, {large['largest'] / gib:.2f} GiB "
          f"({large['largest'] / whole['largest']:.2f}x the one-piece stage of {n_large / n_small:.0f}x fewer tickets)")
    one_piece = floor["largest"] + per_ticket * n_large
    print(f"  in one piece, {n_large:,} tickets would need ~{one_piece / gib:.1f} GiB (the baseline's "
          f"memory above the floor scaled linearly): {one_piece / large['largest']:.0f}x the chunked stage")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=10_000_000, help="tickets of history in all")
    parser.add_argument("--units", type=int, default=20)
    parser.add_argument("--years", type=int, default=10, help="years of history")
    parser.add_argument("--workers", type=int, default=2, help="workers of the batch run")
    parser.add_argument("--layout", choices=["per-unit", "shared"], default="per-unit",
                        help="one set of files per unit (default), or one file per table for all units")
    parser.add_argument("--keep", type=Path, help="work folder to use and keep (default: a temporary one)")
    parser.add_argument("--stage-shared", action="store_true",
                        help="measure only staging one shared file per table, in chunks vs in one piece")
    parser.add_argument("--baseline-tickets", type=int, default=500_000,
                        help="--stage-shared: tickets of the history staged in one piece")
    parser.add_argument("--chunk-rows", type=int, help="--stage-shared: rows per chunk (default: staging's)")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-staging-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"python {platform.python_version()}, pandas {pd.__version__}, {platform.machine()} "
          f"{platform.system()}, {os.cpu_count()} cores; work folder {work}")
    try:
        if args.stage_shared:
            stage_shared(args, work)
            return
        started = time.perf_counter()
        # in a child process: this one stays small, so the processes it starts do too
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
            data = pool.submit(make_data, work / "data", tickets=args.tickets, units=args.units,
                               years=args.years, layout=args.layout).result()
        params = make_params(work, data["units"], args.layout)
        sizes = {n: sum(p.stat().st_size for p in (work / "data").rglob(f"{n}.csv")) for n in data["rows"]}
        print(f"data: {', '.join(f'{n} {r:,} rows ({sizes[n] / 2**20:,.0f} MiB)' for n, r in data['rows'].items())}; "
              f"{len(data['units'])} units, {args.years} years, "
              f"{data['tickets_per_unit_month']:,.0f} tickets per unit and month, {args.layout} files; "
              f"written in {time.perf_counter() - started:.0f} s", flush=True)
        unit = "ecommerce"
        unit_params = str(params / f"{unit}.yaml")
        output = work / "reports"
        store = str(output / "_staged")

        print("(d) and (c): one unit's data, raw vs staged; staging; report runs")
        measure(LOAD.format(unit=unit, month=MONTH, params=unit_params, store=None,
                                  out=str(work / "raw.pkl")),
                      cwd=work, label="raw: one notebook's load of the whole history it reads (prepare, no store)")
        staging = measure(f"from svcinsight import staging\nimport glob\n"
                          f"if __name__ == '__main__':\n"
                          f"    staging.stage(sorted(glob.glob({str(params / '[!_]*.yaml')!r})), {store!r}, "
                          f"workers={args.workers})",
                          cwd=work, label=f"staging every source once (svcinsight stage, {args.workers} workers)")
        measure(LOAD.format(unit=unit, month=MONTH, params=unit_params, store=store,
                                     out=str(work / "staged.pkl")),
                         cwd=work, label="staged: one unit's load from the store (prepare)")
        a = pickle.loads((work / "raw.pkl").read_bytes())
        b = pickle.loads((work / "staged.pkl").read_bytes())
        assert b["staged"] == store and a["staged"] is None, "the staged load did not read the store"
        pd.testing.assert_frame_equal(a["metrics"], b["metrics"])
        assert a["as_of"] == b["as_of"] and a["rows"] == b["rows"]
        print(f"  check: the unit's metrics from the store equal those from the raw CSV "
              f"({len(a['metrics']):,} rows; tickets read {b['rows']['tickets']:,})")
        one = measure(f"import svcinsight as si\n"
                      f"r = si.report.render_unit({unit_params!r}, {MONTH!r}, output={str(work / 'one')!r}, "
                      f"staged_store={store!r}, force=True)\nassert r.status == 'ok', r.error",
                      cwd=work, label="one unit's report run, staged (render_unit)")
        batch = measure(f"import svcinsight as si\n"
                        f"rs = si.report.run({MONTH!r}, params_dir={str(params)!r}, output={str(output)!r}, "
                        f"workers={args.workers}, force=True, progress=False)\n"
                        f"bad = [(r.unit, r.error) for r in rs if r.status != 'ok']\nassert not bad, bad\n"
                        f"print('  reports:', len(rs))",
                        cwd=work, label=f"batch of {args.units} unit reports, staged, {args.workers} workers")

        gib = 2**30
        print("\nfigure (d): load one unit's report data")
        print(f"  raw CSV {a['seconds']:.1f} s  |  staged store {b['seconds']:.2f} s  |  "
              f"ratio raw/staged {a['seconds'] / b['seconds']:.0f}x")
        print(f"  peak memory of the loading process: raw {a['peak'] / gib:.2f} GiB  |  "
              f"staged {b['peak'] / gib:.2f} GiB  |  ratio {a['peak'] / b['peak']:.1f}x")
        print("figure (c): peak memory (largest process; batch: all processes at once)")
        print(f"  loading the whole history (every notebook without staging): {a['peak'] / gib:.2f} GiB")
        print(f"  staging, once per run:                                      {staging['largest'] / gib:.2f} GiB")
        print(f"  one unit's run, staged:                                     {one['largest'] / gib:.2f} GiB")
        print(f"  {args.units}-unit batch, largest process / all processes:       "
              f"{batch['largest'] / gib:.2f} / {batch['total'] / gib:.2f} GiB in {batch['seconds']:.0f} s")
        print(f"  one unit's run, staged, vs its raw load alone: {one['largest'] / a['peak']:.2f}x; "
              f"a raw batch of {args.workers} workers would hold >= {args.workers * a['peak'] / gib:.1f} GiB "
              f"for loading alone ({args.workers * a['peak'] / batch['total']:.1f}x the staged batch's total)")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
