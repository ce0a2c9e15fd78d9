"""Figure (a): one unit's monthly report time against the notebook floor.

The floor is the same runner (papermill in a fresh ``svcinsight`` kernel, then nbconvert
to HTML with the report template) executing a parameterised notebook that only imports
the libraries the report uses. The report is notebooks/monthly_report.ipynb on one unit
with about 50,000 tickets of history (demo generator; the unit's own source files).
Both go through ``svcinsight.report.render.render_unit(..., force=True)``, alternated,
and the medians are compared. Goal: report <= 2x the floor.

Before timing, the report's headline numbers (its summary JSON) are checked against
``si.metrics.compute`` on the same tickets, so a fast but wrong report cannot pass.

``--profile`` also runs the notebook's calls in this process under pyinstrument
(``pip install pyinstrument``; not a dependency) and prints where the time goes.

    .venv/bin/python benchmarks/bench_report_floor.py [--tickets 50000] [--repeat 3] [--profile]
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import shutil
import statistics
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import svcinsight as si

MONTH = "2026-10"
DEMO_MONTHS = 14  # the demo's span: 2025-09 .. 2026-10
# tickets per month of each demo unit relative to ``tickets_per_month`` (si.demo.generate)
UNIT_FACTOR = {"ecommerce": 1.4, "finance": 0.8, "manufacturing": 0.6, "consumer_services": 1.2}

#: The floor: the report's parameters and imports, nothing computed or shown.
FLOOR_CELLS = [
    ("parameters", 'unit = "ecommerce"\nmonth = "2026-10"\nparams_path = "params.yaml"\nsummary_path = None'),
    (None, "import matplotlib.pyplot as plt\nimport numpy, pandas, scipy.stats, seaborn, statsmodels.api\n"
           "import svcinsight as si\n"
           "from svcinsight import feedback, goals, metrics, pilot, plan, plots, privacy, process, report, staging\n"
           "from svcinsight.pages import monthly as sections"),
]


def write_floor_notebook(path: Path) -> Path:
    """The floor notebook, with the report's kernelspec."""
    import nbformat

    report = nbformat.read(ROOT / "notebooks" / "monthly_report.ipynb", as_version=4)  # its kernelspec
    nb = nbformat.v4.new_notebook(metadata=report.metadata)
    for tag, source in FLOOR_CELLS:
        cell = nbformat.v4.new_code_cell(source)
        if tag:
            cell.metadata["tags"] = [tag]
        nb.cells.append(cell)
    nbformat.write(nb, path)
    return path


def unit_params(base_unit: str, unit: str, data_dir: Path, *, pilots: bool = False) -> dict:
    """The repo's params of ``base_unit`` renamed to ``unit``, reading ``data_dir``."""
    raw = yaml.safe_load((ROOT / "params" / f"{base_unit}.yaml").read_text(encoding="utf-8"))
    raw["unit"] = raw["business_unit"] = unit
    if not pilots:
        raw.pop("pilots", None)  # a pilot's controls are other units, not in this unit's files
    raw["sources"] = {name: str(data_dir / f"{name}.csv") for name in ("tickets", "events", "feedback", "orders")}
    return raw


def write_defaults(params_dir: Path) -> None:
    """The repo's shared defaults (benchmarks, process stages) without its demo sources."""
    defaults = yaml.safe_load((ROOT / "params" / "_defaults.yaml").read_text(encoding="utf-8"))
    defaults.pop("sources", None)
    params_dir.mkdir(parents=True, exist_ok=True)
    (params_dir / "_defaults.yaml").write_text(yaml.safe_dump(defaults, allow_unicode=True), encoding="utf-8")


def demo_units(base_units: list[str], tickets_per_unit: int, seed: int = 0):
    """Demo data for ``base_units`` sized to about ``tickets_per_unit`` tickets each."""
    per_month = tickets_per_unit / DEMO_MONTHS / statistics.mean(UNIT_FACTOR[u] for u in base_units)
    return si.demo.generate(seed=seed, tickets_per_month=per_month, units=base_units)


def write_unit(ds, base_unit: str, unit: str, folder: Path) -> Path:
    """One unit's own CSV files (``base_unit``'s rows renamed ``unit``) and its params file."""
    data_dir = folder / "data" / unit
    write_unit_data(ds, base_unit, unit, data_dir)
    path = folder / "params" / f"{unit}.yaml"
    path.write_text(yaml.safe_dump(unit_params(base_unit, unit, data_dir), allow_unicode=True), encoding="utf-8")
    return path


def write_unit_data(ds, base_unit: str, unit: str, data_dir: Path) -> None:
    """``base_unit``'s rows of ``ds``, renamed ``unit``, as CSV files in ``data_dir``."""
    tables = {}
    tickets = ds.tickets[ds.tickets["business_unit"] == base_unit]
    ids = set(tickets["ticket_id"])
    tables["tickets"] = tickets.assign(business_unit=unit)
    tables["events"] = ds.events[ds.events["ticket_id"].isin(ids)]
    feedback = ds.feedback[ds.feedback["ticket_id"].isin(ids)]
    tables["feedback"] = feedback.assign(business_unit=unit) if "business_unit" in feedback else feedback
    orders = ds.orders[ds.orders["business_unit"] == base_unit]
    tables["orders"] = orders.assign(business_unit=unit)
    si.demo.write(si.Dataset(**tables), data_dir, format="csv")


def check_summary(summary_path: Path, params_path: Path) -> None:
    """The report's headline numbers equal si.metrics.compute on the same tickets."""
    from svcinsight.studies.monthly import unit_month as prepare

    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    unit = prepare(unit=summary["unit"], month=MONTH, params_path=params_path)
    month = si.unit.parse_month(MONTH)
    expected = si.metrics.compute(unit.data.tickets, unit.data.feedback, unit.data.orders, as_of=unit.as_of,
                                  sla=unit.params.sla, calendar=unit.calendar, changes=True,
                                  periods=[month - 1, month])
    expected = expected[expected["period"] == month].set_index("metric")["value"]
    for row in summary["headline"]:
        want = float(expected[row["metric"]])
        got = row["value"]
        ok = (got is None and math.isnan(want)) or (got is not None and math.isclose(got, want, rel_tol=1e-9))
        if not ok:
            raise SystemExit(f"report's {row['metric']} = {got}, si.metrics.compute gives {want}: not timing")


def staged(params_path: Path, output: Path):
    """The unit's sources staged as a run stages them (svcinsight.staging), or None."""
    try:
        from svcinsight.staging import stage_for_run
    except ImportError:
        return None
    started = time.perf_counter()
    store = stage_for_run([params_path], output)
    print(f"staged the unit's sources in {time.perf_counter() - started:.1f}s")
    return store


def cpu_seconds() -> float:
    """User + system CPU time of this process, of its finished children (fresh kernels)
    and of its live ones (a kept kernel)."""
    import resource

    import psutil

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    live = 0.0
    for child in psutil.Process().children(recursive=True):
        try:
            times = child.cpu_times()
            live += times.user + times.system
        except psutil.Error:  # ended meanwhile: counted with the finished ones
            pass
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime + live


def per_cell_seconds(executed: Path) -> list[tuple[float, str]]:
    """Papermill's per-cell durations of an executed notebook, longest first."""
    nb = json.loads(executed.read_text(encoding="utf-8"))
    cells = [(c["metadata"].get("papermill", {}).get("duration") or 0.0, "".join(c["source"]).strip())
             for c in nb["cells"] if c["cell_type"] == "code"]
    return sorted(cells, reverse=True)


def profile(params_path: Path, out: Path, notebook: Path) -> None:
    """The notebook's calls in this process under pyinstrument."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        print("--profile needs pyinstrument (pip install pyinstrument)")
        return
    import matplotlib

    matplotlib.use("Agg")
    cells = [c for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    scope: dict = {}
    for cell in cells:  # the notebook's own defaults first, then this run's parameters
        if "parameters" in cell["metadata"].get("tags", []):
            exec("".join(cell["source"]), scope)
    scope.update(unit=params_path.stem, month=MONTH, params_path=str(params_path),
                 summary_path=str(out / "profile" / "_work" / "summary.json"))
    profiler = Profiler(interval=0.002)
    with profiler:
        for cell in cells:
            if "parameters" not in cell["metadata"].get("tags", []):
                exec(compile("".join(cell["source"]), "<cell>", "exec"), scope)
    print(profiler.output_text(unicode=False, color=False, show_all=False, short_mode=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=50_000, help="tickets of history in the unit (default 50,000)")
    parser.add_argument("--unit", default="ecommerce", choices=sorted(UNIT_FACTOR), help="demo unit (default ecommerce)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each notebook (default 3)")
    parser.add_argument("--profile", action="store_true", help="also profile the notebook's calls (pyinstrument)")
    parser.add_argument("--notebook", type=Path, default=ROOT / "notebooks" / "monthly_report.ipynb",
                        help="the report notebook (default: notebooks/monthly_report.ipynb)")
    parser.add_argument("--keep", type=Path, help="build the workspace here and keep it")
    args = parser.parse_args()

    from svcinsight.report.kernels import kept_kernels
    from svcinsight.report.render import render_unit

    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-floor-"))
    try:
        started = time.perf_counter()
        ds = demo_units([args.unit], args.tickets)
        write_defaults(folder / "params")
        params_path = write_unit(ds, args.unit, args.unit, folder)
        n_tickets = int((ds.tickets["business_unit"] == args.unit).sum())
        n_events = len(ds.events)
        print(f"data: {n_tickets:,} tickets, {n_events:,} events, {len(ds.feedback):,} feedback rows "
              f"({DEMO_MONTHS} months, unit {args.unit}) built in {time.perf_counter() - started:.1f}s")
        floor_nb = write_floor_notebook(folder / "floor.ipynb")
        out = folder / "reports"

        store = staged(params_path, out / "staged")
        # Every round renders the floor and each report variant once, in turn, so that a
        # shared machine's slow and quick spells fall on all of them alike; each variant
        # is judged by the median over rounds of its time / the same round's floor.
        variants = [("report, fresh kernel, raw CSV (a lone render_unit)", False, None)]
        variants += [("report, kept kernel, raw CSV (a batch worker's 2nd+ report)", True, None)]
        if store is not None:
            variants += [("report, staged store, fresh kernel", False, store),
                         ("report, staged store, kept kernel (what a run does)", True, store)]
        runs: dict[str, list[float]] = {name: [] for name in ["floor", *(v[0] for v in variants)]}
        cpu: dict[str, list[float]] = {name: [] for name in runs}
        last = {}
        with kept_kernels(True) as kernels:  # as in a batch: a kept kernel is reset and reused
            for i in range(args.repeat + 1):  # round 0 warms disks and starts the kept kernel
                for name, keep, source in [("floor", False, None), *variants]:
                    kernels.enabled = keep  # fresh kernels: papermill starts and stops its own
                    before = cpu_seconds()
                    result = render_unit(params_path, MONTH, output=out / ("floor" if name == "floor" else "report"),
                                         notebook=floor_nb if name == "floor" else args.notebook, force=True,
                                         **({"staged_store": str(source)} if source else {}))
                    kernels.enabled = True
                    if result.status != "ok":
                        raise SystemExit(f"{name} failed: {result.error} (log: {result.log})")
                    if name != "floor":
                        check_summary(out / "report" / MONTH / "_work" / f"{args.unit}.summary.json", params_path)
                    if i:
                        runs[name].append(result.seconds)
                        cpu[name].append(cpu_seconds() - before)
                    last[name] = result

        floor = statistics.median(runs["floor"])
        print(f"python {platform.python_version()}, pandas {metadata.version('pandas')}, "
              f"{platform.machine()} {platform.system()}, {__import__('os').cpu_count()} cores, "
              f"{n_tickets // 1000}k tickets, {args.repeat} rounds")
        print(f"floor (fresh kernel, imports only): median {floor:.2f}s, runs {', '.join(f'{s:.2f}' for s in runs['floor'])}")
        for name, _, _ in variants:
            ratios = [r / f for r, f in zip(runs[name], runs["floor"])]
            ratio = statistics.median(ratios)
            cpu_ratio = statistics.median(cpu[name]) / statistics.median(cpu["floor"])
            print(f"{name}: median {statistics.median(runs[name]):.2f}s, runs "
                  f"{', '.join(f'{s:.2f}' for s in runs[name])}; x floor {ratio:.2f} "
                  f"(rounds {', '.join(f'{r:.2f}' for r in ratios)}; CPU seconds x floor {cpu_ratio:.2f})")
        goal = variants[-1][0]
        ratio = statistics.median(r / f for r, f in zip(runs[goal], runs["floor"]))
        print(f"goal (report <= 2x the floor, as a run renders it: {goal.split(', ', 1)[1]}): "
              f"{ratio:.2f}, {'met' if ratio <= 2 else 'NOT met'}")
        last["report"] = last[goal]
        print("\nslowest report cells (last run as a run renders it, papermill's durations):")
        for seconds, source in per_cell_seconds(Path(last["report"].notebook))[:8]:
            print(f"  {seconds:6.2f}s  {source.splitlines()[-1][:90]}")
        if args.profile:
            profile(params_path, out, args.notebook)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
