"""The three pages a run renders per unit: its monthly report, the evaluation of each
pilot that ran in the month, and (on request) its improvement plan. Each takes the
unit's params already parsed by the run (or parses them itself when called alone)
and never raises for the unit's own failure."""

from __future__ import annotations

import re
import time
from pathlib import Path

from svcinsight.report.execute import (
    PILOT_NOTEBOOK,
    PLAN_NOTEBOOK,
    accepts_parameter,
    execute,
    find_notebook,
    fingerprint_of,
    prepare_output,
)
from svcinsight.report.results import UnitResult
from svcinsight.unit.params import ParamsError, UnitParams, load_params


def render_unit(params_path: str | Path, month: str, *, output: str | Path = "reports",
                notebook: str | Path | None = None, kernel_name: str | None = None,
                timeout: int = 600, force: bool = False, staged_store: str | None = None,
                params: UnitParams | None = None) -> UnitResult:
    """Execute and render one unit's monthly report; never raises for a unit's own failure.

    Skipped when its inputs are unchanged since its last successful render, unless ``force``.
    ``staged_store`` (a path, no secrets) is passed to the notebook, which reads its
    partitions from there (see :mod:`svcinsight.staging`).
    """
    started = time.perf_counter()
    params_path = Path(params_path).resolve()
    out_dir = prepare_output(output, month)
    try:
        params = load_params(params_path)
    except ParamsError as exc:
        return UnitResult(params_path.stem, "failed", time.perf_counter() - started, error=str(exc))
    unit = params.unit
    nb = Path(notebook).resolve() if notebook else find_notebook()
    parameters = {"unit": unit, "month": month, "params_path": str(params_path)}
    if staged_store and accepts_parameter(nb, "staged_store"):
        parameters["staged_store"] = str(staged_store)
    return execute(unit, nb, parameters, params_path, out_dir, kernel_name, timeout, started,
                    fingerprint=fingerprint_of(params, params_path, nb, parameters), force=force)


def pilot_report_name(unit: str, pilot: str) -> str:
    """File stem of a pilot's report, e.g. ``ecommerce--pilot-smart-routing``."""
    slug = re.sub(r"[^0-9A-Za-z\u4e00-\u9fff]+", "-", pilot).strip("-").lower() or "pilot"
    return f"{unit}--pilot-{slug}"


def render_pilot(params_path: str | Path, pilot: str, month: str, *, output: str | Path = "reports",
                 kernel_name: str | None = None, timeout: int = 600, force: bool = False,
                 staged_store: str | None = None, params: UnitParams | None = None) -> UnitResult:
    """Execute and render one pilot's evaluation report; never raises for its own failure."""
    started = time.perf_counter()
    params_path = Path(params_path).resolve()
    out_dir = prepare_output(output, month)
    params = params or load_params(params_path)
    unit = params.unit
    nb = find_notebook(PILOT_NOTEBOOK)
    parameters = {"unit": unit, "pilot": pilot, "params_path": str(params_path)}
    if staged_store and accepts_parameter(nb, "staged_store"):
        parameters["staged_store"] = str(staged_store)
    # the pilot notebook takes no month; the month is in the fingerprint through the output folder
    return execute(pilot_report_name(unit, pilot), nb, parameters, params_path, out_dir, kernel_name,
                    timeout, started, fingerprint=fingerprint_of(params, params_path, nb, parameters),
                    force=force, parent=unit)


def plan_report_name(unit: str) -> str:
    """File stem of a unit's improvement-plan report, e.g. ``ecommerce--plan``."""
    return f"{unit}--plan"


def render_plan(params_path: str | Path, month: str, *, output: str | Path = "reports",
                kernel_name: str | None = None, timeout: int = 600, force: bool = False,
                staged_store: str | None = None, params: UnitParams | None = None) -> UnitResult:
    """Execute and render one unit's improvement plan (notebooks/improvement_plan.ipynb);
    never raises for its own failure."""
    started = time.perf_counter()
    params_path = Path(params_path).resolve()
    out_dir = prepare_output(output, month)
    try:
        params = params or load_params(params_path)
    except ParamsError as exc:  # the unit's own report says so too
        return UnitResult(plan_report_name(params_path.stem), "failed", time.perf_counter() - started,
                          error=str(exc), parent=params_path.stem)
    nb = find_notebook(PLAN_NOTEBOOK)
    parameters = {"unit": params.unit, "month": month, "params_path": str(params_path)}
    if staged_store and accepts_parameter(nb, "staged_store"):
        parameters["staged_store"] = str(staged_store)
    return execute(plan_report_name(params.unit), nb, parameters, params_path, out_dir, kernel_name, timeout,
                    started, fingerprint=fingerprint_of(params, params_path, nb, parameters), force=force,
                    parent=params.unit)


def pilot_jobs(units: dict[str, tuple[Path, UnitParams | ParamsError]], month: str) -> list[tuple[Path, str]]:
    """(params file, pilot name) of every pilot that ran during ``month``."""
    jobs = []
    for path, params in units.values():
        if isinstance(params, ParamsError):
            continue  # the unit's own job reports the problem
        jobs += [(path, p.name) for p in params.pilots if p.runs_in(month)]
    return jobs
