"""Run the monthly report for each business unit: papermill executes the notebook,
nbconvert renders it to HTML without code, and the HTML appears atomically.

A unit that fails (bad data, a cell error) does not stop the others; its executed
notebook is kept under ``<output>/<month>/_work/`` for debugging and no HTML is
published for it. The run's summary is written to ``<output>/<month>/run.json``.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from svcinsight import config
from svcinsight.report.params import ParamsError, load_params, unit_files

NOTEBOOK = "monthly_report.ipynb"
PILOT_NOTEBOOK = "pilot_evaluation.ipynb"


class ReportError(RuntimeError):
    """A report could not be produced; the message says what to do."""


@dataclass
class UnitResult:
    unit: str
    status: str  # "ok" or "failed"
    seconds: float
    output: str | None = None
    notebook: str | None = None
    error: str | None = None


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


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` so that ``path`` is either the old file or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def to_html(notebook_path: Path) -> str:
    """Render an executed notebook to self-contained HTML with no code cells."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(notebook_path, as_version=4)
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
    body, _ = exporter.from_notebook_node(nb)
    return add_contents(body)


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


def _execute(name: str, notebook: Path, parameters: dict, params_path: Path, out_dir: Path,
             kernel_name: str | None, timeout: int, started: float) -> UnitResult:
    """Run one notebook and publish its HTML atomically; a failure is a result, not an error."""
    import papermill as pm

    executed = out_dir / "_work" / f"{name}.ipynb"
    try:
        pm.execute_notebook(
            str(notebook), str(executed), parameters=parameters,
            kernel_name=kernel_name or config.KERNEL_NAME, progress_bar=False,
            cwd=str(params_path.parent), execution_timeout=timeout,
        )
        html_path = out_dir / f"{name}.html"
        write_atomically(html_path, to_html(executed))
        return UnitResult(name, "ok", time.perf_counter() - started, str(html_path), str(executed))
    except Exception as exc:  # a unit's failure is reported, never fatal to the batch
        return UnitResult(name, "failed", time.perf_counter() - started, None,
                          str(executed) if executed.exists() else None, _short_error(exc))


def _prepare_output(output: str | Path, month: str) -> Path:
    out_dir = Path(output).resolve() / month
    (out_dir / "_work").mkdir(parents=True, exist_ok=True)
    return out_dir


def render_unit(params_path: str | Path, month: str, *, output: str | Path = "reports",
                notebook: str | Path | None = None, kernel_name: str | None = None,
                timeout: int = 600) -> UnitResult:
    """Execute and render one unit's monthly report; never raises for a unit's own failure."""
    started = time.perf_counter()
    params_path = Path(params_path).resolve()
    out_dir = _prepare_output(output, month)
    try:
        unit = load_params(params_path).unit
    except ParamsError as exc:
        return UnitResult(params_path.stem, "failed", time.perf_counter() - started, error=str(exc))
    return _execute(unit, Path(notebook) if notebook else find_notebook(),
                    {"unit": unit, "month": month, "params_path": str(params_path)},
                    params_path, out_dir, kernel_name, timeout, started)


def pilot_report_name(unit: str, pilot: str) -> str:
    """File stem of a pilot's report, e.g. ``ecommerce--pilot-smart-routing``."""
    slug = re.sub(r"[^0-9A-Za-z\u4e00-\u9fff]+", "-", pilot).strip("-").lower() or "pilot"
    return f"{unit}--pilot-{slug}"


def render_pilot(params_path: str | Path, pilot: str, month: str, *, output: str | Path = "reports",
                 kernel_name: str | None = None, timeout: int = 600) -> UnitResult:
    """Execute and render one pilot's evaluation report; never raises for its own failure."""
    started = time.perf_counter()
    params_path = Path(params_path).resolve()
    out_dir = _prepare_output(output, month)
    unit = load_params(params_path).unit
    return _execute(pilot_report_name(unit, pilot), find_notebook(PILOT_NOTEBOOK),
                    {"unit": unit, "pilot": pilot, "params_path": str(params_path)},
                    params_path, out_dir, kernel_name, timeout, started)


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


def _short_error(exc: Exception) -> str:
    name = type(exc).__name__
    if name == "PapermillExecutionError":
        return f"cell {exc.exec_count} raised {exc.ename}: {exc.evalue}"
    if isinstance(exc, (ParamsError, ReportError)):
        return str(exc)
    return "".join(traceback.format_exception_only(exc)).strip()


def run(month: str, *, params_dir: str | Path = "params", units: list[str] | None = None,
        workers: int | None = None, output: str | Path = "reports",
        notebook: str | Path | None = None) -> list[UnitResult]:
    """Render every unit's report for ``month`` (``YYYY-MM``), and the evaluation report of
    each pilot that ran that month; returns one result per report.

    Writes ``<output>/<month>/run.json`` with the per-unit status, duration, output and
    error. Raises :class:`ReportError` only for problems of the run as a whole (no
    params folder, no kernel, no notebook); a unit's failure is in its result.
    """
    from svcinsight.report.unit import parse_month

    month = str(parse_month(month))
    files = unit_files(params_dir, units)
    if not files:
        raise ReportError(f"no unit params files (*.yaml) in {params_dir}")
    _check_kernel(config.KERNEL_NAME)
    nb = Path(notebook) if notebook else find_notebook()
    jobs = [(render_unit, (path, month), {"output": output, "notebook": nb}) for path in files.values()]
    jobs += [(render_pilot, (path, name, month), {"output": output}) for path, name in _pilot_jobs(files, month)]
    workers = max(1, min(workers or 1, len(jobs)))
    if workers == 1:
        results = [fn(*args, **kwargs) for fn, args, kwargs in jobs]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(fn, *args, **kwargs) for fn, args, kwargs in jobs]
            results = [f.result() for f in futures]
    summary = {"month": month, "units": [asdict(r) for r in results]}
    write_atomically(Path(output) / month / "run.json", json.dumps(summary, indent=2, ensure_ascii=False))
    return results
