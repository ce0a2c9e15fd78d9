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
        where = r.output if r.status == "ok" else f"{r.error} (executed notebook: {r.notebook})"
        print(f"  {r.unit:<{width}}  {r.status:<6}  {r.seconds:6.1f}s  {where}")
    failed = [r.unit for r in results if r.status != "ok"]
    if failed:
        print(f"{len(failed)} of {len(results)} unit(s) failed: {', '.join(failed)}", file=sys.stderr)
        return EXIT_FAILED
    print(f"all {len(results)} unit report(s) rendered")
    return EXIT_OK


def cmd_run(args) -> int:
    from svcinsight import report

    print(f"rendering {args.month} reports from {args.params_dir} into {args.output}/{args.month}/")
    results = report.run(args.month, params_dir=args.params_dir, units=_units(args.units),
                         workers=args.workers, output=args.output)
    return _print_results(results)


def cmd_demo(args) -> int:
    from svcinsight import demo, report

    print(f"generating demo data (seed {args.seed}) into {args.data_dir}/")
    ds = demo.generate(seed=args.seed, tickets_per_month=args.tickets_per_month)
    paths = demo.write(ds, args.data_dir, format="csv")
    for name, path in paths.items():
        print(f"  {name:<8} {path}")
    month = args.month or str(ds.tickets["created_at"].max().tz_localize(None).to_period("M"))
    print(f"rendering {month} reports for every unit in {args.params_dir} into {args.output}/{month}/")
    results = report.run(month, params_dir=args.params_dir, workers=args.workers, output=args.output)
    return _print_results(results)


def cmd_validate(args) -> int:
    from svcinsight.report.params import load_params
    from svcinsight.report.unit import load_sources

    problems = 0
    for path in args.params:
        try:
            params = load_params(path)
            _, ledgers = load_sources(params)
        except Exception as exc:  # report every file's problem, then exit non-zero
            problems += 1
            print(f"{path}: {exc}", file=sys.stderr)
            continue
        print(f"{path}: ok (unit {params.unit})")
        for name, ledger in ledgers.items():
            print(f"  {name:<8} {ledger.summary()}")
    return EXIT_FAILED if problems else EXIT_OK


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
    demo.set_defaults(func=cmd_demo)

    validate = sub.add_parser("validate", help="check params files and their data sources",
                              description="Validate params files and load their sources; report every problem.")
    validate.add_argument("params", nargs="+", type=Path, help="params file(s)")
    validate.set_defaults(func=cmd_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from svcinsight.report.params import ParamsError
    from svcinsight.report.runner import ReportError

    try:
        return args.func(args)
    except (ParamsError, ReportError, FileNotFoundError) as exc:
        print(f"svcinsight {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
