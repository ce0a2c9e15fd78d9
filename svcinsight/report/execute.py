"""Executing one notebook with papermill and publishing its page: the notebook looked up,
its kernel checked, a kept kernel taken (a dead one retried once), the HTML written
atomically, and a report whose inputs are unchanged skipped."""

from __future__ import annotations

import json
import logging
import threading
import time
import traceback
from functools import lru_cache
from pathlib import Path

import papermill as pm
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

from svcinsight import config
from svcinsight.files import write_atomically
from svcinsight.report import kernels
from svcinsight.report.fingerprint import inputs_fingerprint, read_fingerprint
from svcinsight.report.html_export import to_html
from svcinsight.report.kernels import KERNELS
from svcinsight.report.results import ReportError, UnitResult, short_error

NOTEBOOK = "monthly_report.ipynb"
PILOT_NOTEBOOK = "pilot_evaluation.ipynb"
PLAN_NOTEBOOK = "improvement_plan.ipynb"


def find_notebook(name: str = NOTEBOOK) -> Path:
    """The report notebook: ``notebooks/<name>`` in the working folder or the project."""
    candidates = [Path.cwd() / "notebooks" / name, Path(__file__).resolve().parents[2] / "notebooks" / name]
    for path in candidates:
        if path.exists():
            return path
    raise ReportError(f"notebook {name} not found in {' or '.join(str(c.parent) for c in candidates)}")


def check_kernel(kernel_name: str) -> None:
    """Raise :class:`ReportError` saying how to install the kernel when it is missing."""
    try:
        KernelSpecManager().get_kernel_spec(kernel_name)
    except NoSuchKernel:
        raise ReportError(
            f"Jupyter kernel {kernel_name!r} is not installed; run `make install` "
            f"(or: python -m ipykernel install --sys-prefix --name {kernel_name})"
        ) from None


@lru_cache(maxsize=8)
def _notebook_parameters(notebook: str, mtime_ns: int) -> frozenset:
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


def execute(name: str, notebook: Path, parameters: dict, params_path: Path, out_dir: Path,
             kernel_name: str | None, timeout: int, started: float, *, fingerprint: dict | None = None,
             force: bool = False, parent: str | None = None) -> UnitResult:
    """Run one notebook and publish its HTML atomically; a failure is a result, not an error.

    Skipped (status ``skipped``) when ``fingerprint`` equals the one stored at the last
    successful render and the HTML is there, unless ``force``.
    """
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
                        log.note(f"the kernel died ({short_error(exc)}); retrying once")
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
        except Exception as exc:  # a unit's failure is reported, never fatal to the batch  # noqa: BLE001
            error = short_error(exc, timeout)
            log.note(f"failed: {error}\n{''.join(traceback.format_exception(exc))}")
            return UnitResult(name, "failed", time.perf_counter() - started, None,
                              str(executed) if executed.exists() else None, error,
                              parent=parent, log=str(log_path), attempts=attempts)


def fingerprint_of(params, params_path: Path, notebook: Path, parameters: dict) -> dict | None:
    """What a report's render depends on, or ``None`` when it cannot be told (render again)."""
    try:
        return inputs_fingerprint(params, params_path, notebook, parameters)
    except Exception:  # whatever cannot be fingerprinted is rendered again  # noqa: BLE001
        return None


def prepare_output(output: str | Path, month: str) -> Path:
    out_dir = Path(output).resolve() / month
    (out_dir / "_work").mkdir(parents=True, exist_ok=True)
    (out_dir / "_logs").mkdir(parents=True, exist_ok=True)
    return out_dir
