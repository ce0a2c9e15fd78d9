"""The batch: every unit's reports for a month, staged once, rendered on local processes
or a Dask cluster, with ``run.json`` and the index page written at the end."""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlparse

from tqdm.auto import tqdm

from svcinsight import config
from svcinsight.files import write_atomically
from svcinsight.report.execute import check_kernel, find_notebook
from svcinsight.report.executors import Job, check_executor, run_jobs
from svcinsight.report.index import write_index
from svcinsight.report.render import (
    pilot_jobs,
    pilot_report_name,
    render_pilot,
    render_plan,
    render_unit,
)
from svcinsight.report.results import ReportError, UnitResult
from svcinsight.staging import stage_for_run
from svcinsight.unit.params import ParamsError, load_params, unit_files
from svcinsight.unit.window import parse_month


def local_path(location: str | Path) -> Path:
    """A folder given as a path or an fsspec-style ``file://`` URL, as an absolute path.

    >>> str(local_path("file:///srv/reports"))
    '/srv/reports'
    >>> local_path("s3://bucket/reports")
    Traceback (most recent call last):
    ...
    svcinsight.report.results.ReportError: output s3://bucket/reports: only local paths and file:// URLs ...
    """
    text = str(location)
    if "://" in text:
        url = urlparse(text)
        if url.scheme != "file" or url.netloc not in ("", "localhost"):
            raise ReportError(f"output {text}: only local paths and file:// URLs are supported "
                              "(mount shared storage on every worker and give its path)")
        text = unquote(url.path)
    return Path(text).expanduser().resolve()


def _job(fn, args: tuple, kwargs: dict):
    """A runner job with the report name its result will carry (for a job that is lost)."""
    path = Path(args[0])
    if fn is render_pilot:
        unit = kwargs["params"].unit
        return Job(pilot_report_name(unit, args[1]), fn, args, kwargs, parent=unit)
    return Job(path.stem, fn, args, kwargs)


def _progress(total: int, enabled: bool):
    return tqdm(total=total, unit="report", desc="reports", disable=not enabled or not sys.stderr.isatty(),
                file=sys.stderr, leave=False)


def _parsed(path: Path):
    """A unit's params, or the error its reports will show."""
    try:
        return load_params(path)
    except ParamsError as exc:
        return exc


def _stage(files, output: Path, workers: int = 1) -> str | None:
    """Stage the run's sources into ``<output>/_staged`` (see :mod:`svcinsight.staging`);
    ``None`` when that fails as a whole (each notebook then reads its raw sources)."""
    try:
        store = stage_for_run(files, output, workers=workers)
    except Exception:  # staging is an optimisation: the reports still render from the raw sources
        logging.getLogger(__name__).warning("staging failed; notebooks read the raw sources", exc_info=True)
        return None
    return None if store is None else str(store)


def run(month: str, *, params_dir: str | Path = "params", units: list[str] | None = None,
        workers: int | None = None, output: str | Path = "reports",
        notebook: str | Path | None = None, timeout: int = 600, force: bool = False,
        progress: bool = True, executor: str = "local", scheduler: str | None = None,
        keep_kernels: bool = True, stage: bool = True, plans: bool = False) -> list[UnitResult]:
    """Render every unit's report for ``month`` (``YYYY-MM``), and the evaluation report of
    each pilot that ran that month; returns one result per report.

    ``timeout`` is the longest a notebook cell may run, in seconds. A report whose inputs
    are unchanged since its last successful render is ``skipped`` unless ``force``. A
    progress bar is shown on a terminal unless ``progress=False``.

    ``executor="local"`` renders ``workers`` reports at a time in local processes;
    ``executor="dask"`` submits each report to a Dask distributed cluster: the scheduler
    at ``scheduler`` (e.g. ``tcp://10.0.0.5:8786``) or, without one, a LocalCluster of
    ``workers`` processes. On a cluster, the params, their sources, the notebooks and
    ``output`` must be on a filesystem every worker mounts at the same path; ``output``
    may be a ``file://`` URL. Results, ``run.json`` and the index are the same either way.
    Each worker keeps its kernel between its reports, reset in between (see
    :mod:`svcinsight.report.kernels`); ``keep_kernels=False`` starts a fresh one for each.

    Before any notebook starts, every source is parsed once into the staged store
    ``<output>/_staged`` (only sources changed since are staged again), and each
    notebook reads its unit's partitions from it; ``stage=False`` has each notebook
    read its raw sources (see :mod:`svcinsight.staging` and docs/staging.md).

    ``plans=True`` also renders each unit's improvement plan
    (``notebooks/improvement_plan.ipynb``) as ``<unit>--plan.html``, linked from the index.

    Writes ``<output>/<month>/run.json`` with the per-unit status, duration, output and
    error, and ``<output>/<month>/index.html``. Raises :class:`ReportError` only for
    problems of the run as a whole (no params folder, no kernel, no notebook); a unit's
    failure is in its result.
    """
    month = str(parse_month(month))
    check_executor(executor, scheduler)
    output = local_path(output)
    files = {unit: path.resolve() for unit, path in unit_files(params_dir, units).items()}  # workers' cwd differs
    if not files:
        raise ReportError(f"no unit params files (*.yaml) in {params_dir}")
    check_kernel(config.KERNEL_NAME)
    nb = Path(notebook).resolve() if notebook else find_notebook()
    # each params file parsed once, here; the jobs and staging get the objects
    units = {unit: (path, _parsed(path)) for unit, path in files.items()}
    valid = [params for _, params in units.values() if not isinstance(params, ParamsError)]
    # every source parsed once, before any notebook starts; each then reads its own slice
    store = _stage(valid, output, workers or 1) if stage else None
    common = {"output": output, "timeout": timeout, "force": force, "staged_store": store}

    def given(params):
        return {} if isinstance(params, ParamsError) else {"params": params}

    jobs = [(render_unit, (path, month), {**common, "notebook": nb, **given(params)})
            for path, params in units.values()]
    by_path = dict(units.values())
    jobs += [(render_pilot, (path, name, month), {**common, **given(by_path[path])})
             for path, name in pilot_jobs(units, month)]
    if plans:
        jobs += [(render_plan, (path, month), {**common, **given(params)}) for path, params in units.values()]
    with _progress(len(jobs), progress) as bar:
        def finished(result: UnitResult) -> None:
            bar.set_postfix_str(f"{result.unit}: {result.status}")
            bar.update()

        results = run_jobs([_job(fn, args, kwargs) for fn, args, kwargs in jobs], workers=workers or 1,
                           executor=executor, scheduler=scheduler, on_result=finished, keep_kernels=keep_kernels)
    out_dir = Path(output) / month
    summary = {"month": month, "finished": datetime.now().astimezone().isoformat(timespec="seconds"),
               "units": [asdict(r) for r in results]}
    write_atomically(out_dir / "run.json", json.dumps(summary, indent=2, ensure_ascii=False))
    write_index(month, results, out_dir)
    return results
