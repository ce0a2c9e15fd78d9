"""Run the monthly report for each business unit: papermill executes the notebook,
nbconvert renders it to HTML without code, and the HTML appears atomically.

A unit that fails (bad data, a cell error, a timeout, a kernel that died twice) does not
stop the others; its executed notebook is kept under ``<output>/<month>/_work/`` for
debugging and no HTML is published for it. Each report's cell outputs and the runner's
notes go to ``<output>/<month>/_logs/<report>.log``. A report whose inputs (params,
defaults, notebook, source files, svcinsight version) are unchanged since its last
successful render is skipped unless ``force=True``. The run's summary is written to
``<output>/<month>/run.json`` and the index page to ``<output>/<month>/index.html``.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from svcinsight import config
from svcinsight.report import kernels
from svcinsight.report.kernels import KERNELS
from svcinsight.report.params import ParamsError, load_params, unit_files

NOTEBOOK = "monthly_report.ipynb"
PILOT_NOTEBOOK = "pilot_evaluation.ipynb"
PLAN_NOTEBOOK = "improvement_plan.ipynb"


class ReportError(RuntimeError):
    """A report could not be produced; the message says what to do."""


@dataclass
class UnitResult:
    unit: str
    status: str  # "ok", "skipped" (inputs unchanged since the last render) or "failed"
    seconds: float
    output: str | None = None
    notebook: str | None = None
    error: str | None = None
    parent: str | None = None  # the unit a pilot report belongs to
    log: str | None = None
    attempts: int = 0  # kernel starts (a dead kernel is retried once); 0 when skipped


def find_notebook(name: str = NOTEBOOK) -> Path:
    """The report notebook: ``notebooks/<name>`` in the working folder or the project."""
    candidates = [Path.cwd() / "notebooks" / name, Path(__file__).resolve().parents[2] / "notebooks" / name]
    for path in candidates:
        if path.exists():
            return path
    raise ReportError(f"notebook {name} not found in {' or '.join(str(c.parent) for c in candidates)}")


def _check_kernel(kernel_name: str) -> None:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(kernel_name)
    except NoSuchKernel:
        raise ReportError(
            f"Jupyter kernel {kernel_name!r} is not installed; run `make install` "
            f"(or: python -m ipykernel install --sys-prefix --name {kernel_name})"
        ) from None


def _readable(path: str | Path) -> None:
    """Give a temporary file (created private by mkstemp) the usual permissions."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` so that ``path`` is either the old file or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        _readable(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def to_html(notebook_path: Path) -> str:
    """Render an executed notebook to self-contained HTML with no code cells."""
    import nbformat

    nb = nbformat.read(notebook_path, as_version=4)
    body, _ = _html_exporter().from_notebook_node(nb)
    return add_contents(with_page_title(body))


_EXPORTERS = threading.local()


def _html_exporter():
    """This thread's HTML exporter, made once: a new one compiles its Jinja templates
    again (about 0.1 s per report); nbconvert exporters convert one notebook after
    another, keeping nothing of the last but the compiled templates."""
    exporter = getattr(_EXPORTERS, "html", None)
    if exporter is None:
        from nbconvert import HTMLExporter
        from nbconvert.preprocessors import TagRemovePreprocessor

        exporter = HTMLExporter(
            template_name="svcinsight_report",
            extra_template_basedirs=[str(Path(__file__).parent / "templates")],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            embed_images=True,
        )
        # notes for the notebook's own readers stay out of the stakeholders' report
        exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={"notebook-only"}), enabled=True)
        _EXPORTERS.html = exporter
    return exporter


_TITLE = re.compile(r"<title>.*?</title>", re.S)
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)


def with_page_title(page: str) -> str:
    """The page's ``<title>`` (the browser tab, bookmarks) and ``lang`` from its report:
    the first heading's text, and ``zh`` when that heading is Chinese.

    >>> with_page_title('<html lang="en"><head><title>Notebook</title></head><body><h1>金融服务 — 2026-10<a>¶</a></h1>')
    '<html lang="zh"><head><title>金融服务 — 2026-10</title></head><body><h1>金融服务 — 2026-10<a>¶</a></h1>'
    """
    heading = _H1.search(page)
    if not heading:
        return page
    text = re.sub(r"<a\b[^>]*>.*?</a>|<[^>]+>", "", heading.group(1), flags=re.S).strip()
    if not text:
        return page
    page = _TITLE.sub(lambda _: f"<title>{text}</title>", page, count=1)  # text is already HTML-escaped
    if re.search(r"[\u4e00-\u9fff]", text):
        page = page.replace('<html lang="en">', '<html lang="zh">', 1)
    return page


_HEADING = re.compile(r'<h2 id="([^"]+)">(.*?)(?:<a class="anchor-link"[^>]*>.*?</a>)?</h2>', re.S)


def add_contents(page: str) -> str:
    """Insert a table of contents of the report's sections after its first heading."""
    sections = _HEADING.findall(page)
    if not sections:
        return page
    items = "".join(f'<li><a href="#{anchor}">{title.strip()}</a></li>' for anchor, title in sections)
    nav = f'<nav class="report-toc"><ol>{items}</ol></nav>'
    first = page.find("</h1>")
    if first == -1:
        return page
    end = page.find("</p>", first)  # after the "data as of" line that follows the title
    cut = end + len("</p>") if end != -1 and end - first < 400 else first + len("</h1>")
    return page[:cut] + nav + page[cut:]


@lru_cache(maxsize=8)
def _notebook_parameters(notebook: str, mtime_ns: int) -> frozenset:
    import papermill as pm

    return frozenset(pm.inspect_notebook(notebook))


def accepts_parameter(notebook: str | Path, name: str) -> bool:
    """Whether the notebook's parameters cell defines ``name`` (papermill warns on others)."""
    path = Path(notebook).resolve()
    return name in _notebook_parameters(str(path), path.stat().st_mtime_ns)


def _is_dead_kernel(exc: BaseException) -> bool:
    return any(type(e).__name__ == "DeadKernelError" for e in (exc, exc.__cause__, exc.__context__) if e)


class _UnitLog:
    """Papermill's cell log (``log_output=True``) and the runner's notes in one file per report."""

    _open = 0  # unit logs open in this process (threads of one Dask worker render concurrently)
    _lock = threading.Lock()
    _level = logging.NOTSET

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.handler = logging.FileHandler(path, mode="w", encoding="utf-8")
        self.handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        thread = threading.get_ident()
        self.handler.addFilter(lambda record: record.thread == thread)  # only this report's lines
        self.logger = logging.getLogger("papermill")

    def __enter__(self):
        with _UnitLog._lock:
            if _UnitLog._open == 0:
                _UnitLog._level = self.logger.level
                self.logger.setLevel(logging.INFO)
            _UnitLog._open += 1
        self.logger.addHandler(self.handler)
        return self

    def note(self, message: str) -> None:
        self.handler.emit(logging.LogRecord("svcinsight.report", logging.INFO, "", 0, message, None, None))

    def __exit__(self, *exc) -> None:
        self.logger.removeHandler(self.handler)
        with _UnitLog._lock:
            _UnitLog._open -= 1
            if _UnitLog._open == 0:
                self.logger.setLevel(_UnitLog._level)
        self.handler.close()


def _execute(name: str, notebook: Path, parameters: dict, params_path: Path, out_dir: Path,
             kernel_name: str | None, timeout: int, started: float, *, fingerprint: dict | None = None,
             force: bool = False, parent: str | None = None) -> UnitResult:
    """Run one notebook and publish its HTML atomically; a failure is a result, not an error.

    Skipped (status ``skipped``) when ``fingerprint`` equals the one stored at the last
    successful render and the HTML is there, unless ``force``.
    """
    import papermill as pm

    from svcinsight.report.fingerprint import read_fingerprint

    executed = out_dir / "_work" / f"{name}.ipynb"
    html_path = out_dir / f"{name}.html"
    inputs_path = out_dir / "_work" / f"{name}.inputs.json"
    summary_path = out_dir / "_work" / f"{name}.summary.json"
    log_path = out_dir / "_logs" / f"{name}.log"
    parameters = dict(parameters)
    wants_summary = accepts_parameter(notebook, "summary_path")
    if wants_summary:
        parameters["summary_path"] = str(summary_path)
    if (not force and fingerprint is not None and html_path.exists()
            and (summary_path.exists() or not wants_summary) and read_fingerprint(inputs_path) == fingerprint):
        return UnitResult(name, "skipped", time.perf_counter() - started, str(html_path),
                          str(executed) if executed.exists() else None, parent=parent,
                          log=str(log_path) if log_path.exists() else None)
    inputs_path.unlink(missing_ok=True)  # only a successful render leaves a fingerprint
    summary_path.unlink(missing_ok=True)  # never a stale summary next to a new notebook
    attempts = 0
    kernel = kernel_name or config.KERNEL_NAME
    cwd = str(params_path.parent)
    with _UnitLog(log_path) as log:
        log.note(f"report {name}: notebook {notebook}, parameters {parameters}, timeout {timeout}s")
        try:
            while True:
                attempts += 1
                # a kernel kept from this worker's previous report (imports warm), or a new one
                km = KERNELS.take(kernel, cwd)
                if km is not None and km.has_kernel:
                    log.note("reusing this worker's kernel (reset: names, figures, warnings, folder)")
                healthy = False
                try:
                    # the kernel starts in cwd: no process-wide chdir, so threads may render side by side
                    pm.execute_notebook(
                        str(notebook), str(executed), parameters=parameters, engine_name=kernels.engine(),
                        kernel_name=kernel, progress_bar=False, log_output=True, execution_timeout=timeout,
                        km=km, resources={"metadata": {"path": cwd}},
                    )
                    healthy = True
                    break
                except Exception as exc:
                    if attempts == 1 and _is_dead_kernel(exc):
                        log.note(f"the kernel died ({_short_error(exc)}); retrying once")
                        continue
                    raise
                finally:
                    KERNELS.give_back(kernel, km, healthy=healthy, cwd=cwd)
            write_atomically(html_path, to_html(executed))
            if fingerprint is not None:
                write_atomically(inputs_path, json.dumps(fingerprint, indent=2, ensure_ascii=False))
            log.note(f"ok: {html_path} in {time.perf_counter() - started:.1f}s")
            return UnitResult(name, "ok", time.perf_counter() - started, str(html_path), str(executed),
                              parent=parent, log=str(log_path), attempts=attempts)
        except Exception as exc:  # a unit's failure is reported, never fatal to the batch
            error = _short_error(exc, timeout)
            log.note(f"failed: {error}\n{''.join(traceback.format_exception(exc))}")
            return UnitResult(name, "failed", time.perf_counter() - started, None,
                              str(executed) if executed.exists() else None, error,
                              parent=parent, log=str(log_path), attempts=attempts)


def _fingerprint(params, params_path: Path, notebook: Path, parameters: dict) -> dict | None:
    from svcinsight.report.fingerprint import inputs_fingerprint

    try:
        return inputs_fingerprint(params, params_path, notebook, parameters)
    except Exception:  # whatever cannot be fingerprinted is rendered again
        return None


def _prepare_output(output: str | Path, month: str) -> Path:
    out_dir = Path(output).resolve() / month
    (out_dir / "_work").mkdir(parents=True, exist_ok=True)
    (out_dir / "_logs").mkdir(parents=True, exist_ok=True)
    return out_dir


def render_unit(params_path: str | Path, month: str, *, output: str | Path = "reports",
                notebook: str | Path | None = None, kernel_name: str | None = None,
                timeout: int = 600, force: bool = False, staged_store: str | None = None) -> UnitResult:
    """Execute and render one unit's monthly report; never raises for a unit's own failure.

    Skipped when its inputs are unchanged since its last successful render, unless ``force``.
    ``staged_store`` (a path, no secrets) is passed to the notebook, which reads its
    partitions from there (see :mod:`svcinsight.staging`).
    """
    started = time.perf_counter()
    params_path = Path(params_path).resolve()
    out_dir = _prepare_output(output, month)
    try:
        params = load_params(params_path)
    except ParamsError as exc:
        return UnitResult(params_path.stem, "failed", time.perf_counter() - started, error=str(exc))
    unit = params.unit
    nb = Path(notebook).resolve() if notebook else find_notebook()
    parameters = {"unit": unit, "month": month, "params_path": str(params_path)}
    if staged_store and accepts_parameter(nb, "staged_store"):
        parameters["staged_store"] = str(staged_store)
    return _execute(unit, nb, parameters, params_path, out_dir, kernel_name, timeout, started,
                    fingerprint=_fingerprint(params, params_path, nb, parameters), force=force)


def pilot_report_name(unit: str, pilot: str) -> str:
    """File stem of a pilot's report, e.g. ``ecommerce--pilot-smart-routing``."""
    slug = re.sub(r"[^0-9A-Za-z\u4e00-\u9fff]+", "-", pilot).strip("-").lower() or "pilot"
    return f"{unit}--pilot-{slug}"


def render_pilot(params_path: str | Path, pilot: str, month: str, *, output: str | Path = "reports",
                 kernel_name: str | None = None, timeout: int = 600, force: bool = False,
                 staged_store: str | None = None) -> UnitResult:
    """Execute and render one pilot's evaluation report; never raises for its own failure."""
    started = time.perf_counter()
    params_path = Path(params_path).resolve()
    out_dir = _prepare_output(output, month)
    params = load_params(params_path)
    unit = params.unit
    nb = find_notebook(PILOT_NOTEBOOK)
    parameters = {"unit": unit, "pilot": pilot, "params_path": str(params_path)}
    if staged_store and accepts_parameter(nb, "staged_store"):
        parameters["staged_store"] = str(staged_store)
    # the pilot notebook takes no month; the month is in the fingerprint through the output folder
    return _execute(pilot_report_name(unit, pilot), nb, parameters, params_path, out_dir, kernel_name,
                    timeout, started, fingerprint=_fingerprint(params, params_path, nb, parameters),
                    force=force, parent=unit)


def plan_report_name(unit: str) -> str:
    """File stem of a unit's improvement-plan report, e.g. ``ecommerce--plan``."""
    return f"{unit}--plan"


def render_plan(params_path: str | Path, month: str, *, output: str | Path = "reports",
                kernel_name: str | None = None, timeout: int = 600, force: bool = False,
                staged_store: str | None = None) -> UnitResult:
    """Execute and render one unit's improvement plan (notebooks/improvement_plan.ipynb);
    never raises for its own failure."""
    started = time.perf_counter()
    params_path = Path(params_path).resolve()
    out_dir = _prepare_output(output, month)
    try:
        params = load_params(params_path)
    except ParamsError as exc:  # the unit's own report says so too
        return UnitResult(plan_report_name(params_path.stem), "failed", time.perf_counter() - started,
                          error=str(exc), parent=params_path.stem)
    nb = find_notebook(PLAN_NOTEBOOK)
    parameters = {"unit": params.unit, "month": month, "params_path": str(params_path)}
    if staged_store and accepts_parameter(nb, "staged_store"):
        parameters["staged_store"] = str(staged_store)
    return _execute(plan_report_name(params.unit), nb, parameters, params_path, out_dir, kernel_name, timeout,
                    started, fingerprint=_fingerprint(params, params_path, nb, parameters), force=force,
                    parent=params.unit)


def _pilot_jobs(files: dict[str, Path], month: str) -> list[tuple[Path, str]]:
    """(params file, pilot name) of every pilot that ran during ``month``."""
    import pandas as pd

    period = pd.Period(month, freq="M")
    jobs = []
    for path in files.values():
        try:
            params = load_params(path)
        except ParamsError:
            continue  # the unit's own job reports the problem
        for raw in params.pilots:
            start = pd.Timestamp(raw["start"]).date() if raw.get("start") else None
            end = pd.Timestamp(raw["end"]).date() if raw.get("end") else None
            if start and start <= period.end_time.date() and (end is None or end >= period.start_time.date()):
                jobs.append((path, str(raw.get("name"))))
    return jobs


def _short_error(exc: Exception, timeout: int | None = None) -> str:
    name = type(exc).__name__
    if name == "CellTimeoutError" or (name == "PapermillExecutionError" and exc.ename == "CellTimeoutError"):
        limit = f" of {timeout}s" if timeout else ""
        return f"timed out: a cell ran longer than the per-cell timeout{limit}"
    if name == "DeadKernelError":
        return f"the kernel died: {exc}".strip()
    if name == "PapermillExecutionError":
        return f"cell {exc.exec_count} raised {exc.ename}: {exc.evalue}"
    if isinstance(exc, (ParamsError, ReportError)):
        return str(exc)
    return "".join(traceback.format_exception_only(exc)).strip()


def local_path(location: str | Path) -> Path:
    """A folder given as a path or an fsspec-style ``file://`` URL, as an absolute path.

    >>> str(local_path("file:///srv/reports"))
    '/srv/reports'
    >>> local_path("s3://bucket/reports")
    Traceback (most recent call last):
    ...
    svcinsight.report.runner.ReportError: output s3://bucket/reports: only local paths and file:// URLs ...
    """
    text = str(location)
    if "://" in text:
        from urllib.parse import unquote, urlparse

        url = urlparse(text)
        if url.scheme != "file" or url.netloc not in ("", "localhost"):
            raise ReportError(f"output {text}: only local paths and file:// URLs are supported "
                              "(mount shared storage on every worker and give its path)")
        text = unquote(url.path)
    return Path(text).expanduser().resolve()


def _job(fn, args: tuple, kwargs: dict):
    """A runner job with the report name its result will carry (for a job that is lost)."""
    from svcinsight.report.executors import Job

    path = Path(args[0])
    if fn is render_pilot:
        try:
            unit = load_params(path).unit
        except ParamsError:
            unit = path.stem
        return Job(pilot_report_name(unit, args[1]), fn, args, kwargs, parent=unit)
    return Job(path.stem, fn, args, kwargs)


def _progress(total: int, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="report", desc="reports", disable=not enabled or not sys.stderr.isatty(),
                file=sys.stderr, leave=False)


def _stage(files, output: Path, workers: int = 1) -> str | None:
    """Stage the run's sources into ``<output>/_staged`` (see :mod:`svcinsight.staging`);
    ``None`` when that fails as a whole (each notebook then reads its raw sources)."""
    from svcinsight.staging import stage_for_run

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
    from svcinsight.report.executors import check_executor, run_jobs
    from svcinsight.report.index import write_index
    from svcinsight.report.unit import parse_month

    month = str(parse_month(month))
    check_executor(executor, scheduler)
    output = local_path(output)
    files = {unit: path.resolve() for unit, path in unit_files(params_dir, units).items()}  # workers' cwd differs
    if not files:
        raise ReportError(f"no unit params files (*.yaml) in {params_dir}")
    _check_kernel(config.KERNEL_NAME)
    nb = Path(notebook).resolve() if notebook else find_notebook()
    # every source parsed once, before any notebook starts; each then reads its own slice
    store = _stage(files.values(), output, workers or 1) if stage else None
    common = {"output": output, "timeout": timeout, "force": force, "staged_store": store}
    jobs = [(render_unit, (path, month), {**common, "notebook": nb}) for path in files.values()]
    jobs += [(render_pilot, (path, name, month), common) for path, name in _pilot_jobs(files, month)]
    if plans:
        jobs += [(render_plan, (path, month), common) for path in files.values()]
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
