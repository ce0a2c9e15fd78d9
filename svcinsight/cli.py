"""The ``svcinsight`` command line: mirrors the library (nothing imports this module).

Exit codes: 0 all good; 1 some unit failed or a check found problems; 2 the command
could not run (bad arguments, missing params folder, kernel or notebook).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE = 0, 1, 2


def _units(value: str | None) -> list[str] | None:
    return [u.strip() for u in value.split(",") if u.strip()] if value else None


def _print_results(results) -> int:
    width = max(len(r.unit) for r in results)
    for r in results:
        if r.status == "failed":
            where = f"{r.error} (executed notebook: {r.notebook}; log: {r.log})"
        else:
            where = r.output + (" (unchanged)" if r.status == "skipped" else "")
        print(f"  {r.unit:<{width}}  {r.status:<7}  {r.seconds:6.1f}s  {where}")
    failed = [r.unit for r in results if r.status == "failed"]
    if failed:
        print(f"{len(failed)} of {len(results)} unit(s) failed: {', '.join(failed)}", file=sys.stderr)
        return EXIT_FAILED
    skipped = sum(r.status == "skipped" for r in results)
    note = f" ({skipped} unchanged, skipped; --force renders them again)" if skipped else ""
    print(f"all {len(results)} unit report(s) rendered{note}")
    return EXIT_OK


def _run_options(args) -> dict:
    return {"workers": args.workers, "output": args.output, "timeout": args.timeout, "force": args.force,
            "progress": not args.no_progress, "executor": getattr(args, "executor", "local"),
            "scheduler": getattr(args, "scheduler", None), "plans": args.plans}


def cmd_run(args) -> int:
    from svcinsight import report

    print(f"rendering {args.month} reports from {args.params_dir} into {args.output}/{args.month}/")
    results = report.run(args.month, params_dir=args.params_dir, units=_units(args.units), **_run_options(args))
    _print_index(results, args.output, args.month)
    return _print_results(results)


def _print_index(results, output: str, month: str) -> None:
    from svcinsight.report.batch import local_path

    index = local_path(output) / month / "index.html"  # output may be a file:// URL
    if index.exists():
        print(f"index: {index}")


def cmd_demo(args) -> int:
    from svcinsight import demo, report

    print(f"generating demo data (seed {args.seed}) into {args.data_dir}/")
    ds = demo.generate(seed=args.seed, tickets_per_month=args.tickets_per_month)
    paths = demo.write(ds, args.data_dir, format="csv")
    for name, path in paths.items():
        print(f"  {name:<8} {path}")
    month = args.month or str(ds.tickets["created_at"].max().tz_localize(None).to_period("M"))
    print(f"rendering {month} reports for every unit in {args.params_dir} into {args.output}/{month}/")
    results = report.run(month, params_dir=args.params_dir, **_run_options(args))
    _print_index(results, args.output, month)
    return _print_results(results)


def cmd_validate(args) -> int:
    from svcinsight.unit import ParamsError, check_sources, load_params

    problems = 0
    for path in args.params:
        try:
            params = load_params(path)
        except ParamsError as exc:  # every file is checked; each problem is printed
            problems += 1
            print(f"{path}: {exc}", file=sys.stderr)
            continue
        outcome = check_sources(params)
        failed = {name: exc for name, exc in outcome.items() if isinstance(exc, Exception)}
        problems += len(failed)
        print(f"{path}: {'ok' if not failed else f'{len(failed)} source problem(s)'} (unit {params.unit})")
        for name, result in outcome.items():
            if isinstance(result, Exception):
                print(f"  {name:<8} {result}", file=sys.stderr)
            else:
                print(f"  {name:<8} {result.summary()}")
    return EXIT_FAILED if problems else EXIT_OK


def cmd_stage(args) -> int:
    from svcinsight import staging
    from svcinsight.unit import ParamsError, load_params, parse_month, unit_files

    month = parse_month(args.month)
    files = unit_files(args.params_dir, _units(args.units))
    if not files:
        raise ParamsError(f"no unit params files (*.yaml) in {args.params_dir}")
    store = staging.store_path(args.output)
    print(f"staging the sources of {len(files)} unit(s) into {store}/")
    outcomes = staging.stage(list(files.values()), store, force=args.force, workers=args.workers)
    for o in outcomes:
        size = f"{o.rows:>12,} rows in {o.partitions:>5,} partitions" if o.rows is not None else f"{'':>35}"
        print(f"  {o.table:<8}  {o.status:<10}  {size}  {o.seconds:6.1f}s  {o.source}")
        if o.error:
            print(f"    {o.error}", file=sys.stderr)
    print(f"what each {month} report reads (its partitions of the report window):")
    for unit, path in files.items():
        try:
            rows = staging.window_rows(store, load_params(path), month)
        except ParamsError as exc:
            print(f"  {unit}: {exc}", file=sys.stderr)
            continue
        told = "raw sources (not staged)" if rows is None else ", ".join(f"{n} {r:,}" for n, r in rows.items())
        print(f"  {unit}: {told}")
    failed = [o for o in outcomes if o.status == "failed"]
    if failed:
        print(f"{len(failed)} source(s) could not be staged; their reports read them raw", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _read_mapping(path: Path | None) -> dict:
    """A columns file: either ``{canonical: source}`` or ``{columns:, formats:, values:, timezone:}``."""
    import yaml

    if path is None:
        return {}
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict):
        raise FileNotFoundError(f"{path}: expected a mapping")  # reported as an unusable input
    spec = raw if set(raw) <= {"columns", "formats", "values", "timezone", "extra_columns"} else {"columns": raw}
    for canonical, source in (spec.get("columns") or {}).items():
        if not isinstance(source, (str, list)):
            # YAML reads an unquoted No/Yes/On/Off as a boolean and 2024 as a number
            raise ValueError(f"{path}: column {canonical!r} is mapped from {source!r}, which YAML read as "
                             f"{type(source).__name__}; quote the source column name")
    return spec


def cmd_metrics(args) -> int:
    from svcinsight import io, metrics

    spec = _read_mapping(args.columns)
    timezone = args.timezone or spec.get("timezone") or "Asia/Shanghai"
    tickets, ledger = io.read_tickets(args.tickets, columns=spec.get("columns"), formats=spec.get("formats"),
                                      values=spec.get("values"), timezone=timezone)
    print(ledger.summary(), file=sys.stderr)
    by = [c.strip() for c in args.by.split(",")] if args.by else []
    frame = metrics.compute(tickets, by=by, freq=args.freq,
                            metrics=args.metrics.split(",") if args.metrics else None)
    if args.output:
        frame.to_csv(args.output, index=False)
        print(f"{len(frame):,} rows written to {args.output}", file=sys.stderr)
    else:
        frame.to_csv(sys.stdout, index=False)
    return EXIT_OK


def _positive_int(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, not {value}")
    return number


def _add_run_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--timeout", type=_positive_int, default=600, metavar="SECONDS",
                         help="longest a notebook cell may run before the unit fails (default: 600)")
    command.add_argument("--force", action="store_true",
                         help="render every report again, even those whose inputs are unchanged")
    command.add_argument("--no-progress", action="store_true", help="no progress bar")
    command.add_argument("--plans", action="store_true",
                         help="also render each unit's improvement plan (<unit>--plan.html)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="svcinsight",
        description="Customer-service process analytics: render a monthly report per business unit.",
    )
    from svcinsight._version import __version__

    parser.add_argument("--version", action="version", version=f"svcinsight {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="render every unit's report for one month",
                         description="Execute the report notebook for each unit's params file and render HTML.")
    run.add_argument("--month", required=True, help="report month, YYYY-MM")
    run.add_argument("--params-dir", default="params", help="folder of <unit>.yaml files (default: params)")
    run.add_argument("--output", default="reports", help="output folder (default: reports)")
    run.add_argument("--units", help="comma-separated units to render (default: all)")
    run.add_argument("--workers", type=int, default=1, help="units rendered in parallel (default: 1)")
    run.add_argument("--executor", choices=["local", "dask"], default="local",
                     help="where reports render: local processes, or a Dask distributed cluster (a "
                          "LocalCluster of --workers processes unless --scheduler is given); default: local")
    run.add_argument("--scheduler", metavar="ADDRESS",
                     help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (with --executor dask); params, "
                          "sources, notebooks and --output must be on paths every worker can reach")
    _add_run_options(run)
    run.set_defaults(func=cmd_run)

    demo = sub.add_parser("demo", help="generate the demo data and render every demo unit's report",
                          description="Generate synthetic demo data for the demo units and render their reports.")
    demo.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    demo.add_argument("--tickets-per-month", type=int, default=1200, help="tickets per unit and month (default: 1200)")
    demo.add_argument("--data-dir", default="data/demo",
                      help="where the demo data goes; params/_defaults.yaml reads it there (default: data/demo)")
    demo.add_argument("--params-dir", default="params", help="folder of <unit>.yaml files (default: params)")
    demo.add_argument("--output", default="reports", help="output folder (default: reports)")
    demo.add_argument("--month", help="report month, YYYY-MM (default: the demo's last month)")
    demo.add_argument("--workers", type=int, default=2, help="units rendered in parallel (default: 2)")
    _add_run_options(demo)
    demo.set_defaults(func=cmd_demo)

    stage = sub.add_parser("stage", help="stage the units' sources once into partitioned Parquet",
                           description="Parse and validate every source the units' params name, once, into "
                                       "Parquet partitioned by business unit and month (<output>/_staged), where "
                                       "`run` reads them; sources unchanged since they were staged are kept.")
    stage.add_argument("--month", required=True, help="report month, YYYY-MM (to show what its reports read)")
    stage.add_argument("--params-dir", default="params", help="folder of <unit>.yaml files (default: params)")
    stage.add_argument("--output", default="reports",
                       help="reports folder; the store is its _staged/ subfolder (default: reports)")
    stage.add_argument("--units", help="comma-separated units whose sources to stage (default: all)")
    stage.add_argument("--workers", type=int, default=1,
                       help="processes staging units that share no source side by side (default: 1)")
    stage.add_argument("--force", action="store_true", help="stage every source again, even unchanged ones")
    stage.set_defaults(func=cmd_stage)

    validate = sub.add_parser("validate", help="check params files and their data sources",
                              description="Validate params files and load their sources; report every problem.")
    validate.add_argument("params", nargs="+", type=Path, help="params file(s)")
    validate.set_defaults(func=cmd_validate)

    met = sub.add_parser("metrics", help="compute the metric catalogue from a tickets file",
                         description="Load a tickets file (CSV, Excel, Parquet) and print every metric per "
                                     "period as CSV: group columns, period, metric, value, numerator, "
                                     "denominator, n.")
    met.add_argument("tickets", type=Path, help="tickets file")
    met.add_argument("--columns", type=Path, help="YAML mapping {canonical: source column} "
                     "(or with columns/formats/values/timezone keys)")
    met.add_argument("--timezone", help="timezone of naive timestamps (default: Asia/Shanghai)")
    met.add_argument("--by", help="comma-separated group columns, e.g. channel,priority")
    met.add_argument("--freq", default="M", choices=["D", "W", "M", "Q", "Y"], help="period length (default: M)")
    met.add_argument("--metrics", help="comma-separated metric ids (default: all the data supports)")
    met.add_argument("--output", type=Path, help="CSV file to write (default: standard output)")
    met.set_defaults(func=cmd_metrics)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from svcinsight.report import ReportError
    from svcinsight.unit import ParamsError

    try:
        return args.func(args)
    except (ParamsError, ReportError, FileNotFoundError, ValueError, KeyError) as exc:
        print(f"svcinsight {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
