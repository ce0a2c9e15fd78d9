"""What a run returns: one :class:`UnitResult` per report, and :class:`ReportError` for a
problem of the run as a whole. A leaf module: every part of the runner imports it."""

from __future__ import annotations

import traceback
from dataclasses import dataclass

from svcinsight.unit.params import ParamsError


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


def short_error(exc: Exception, timeout: int | None = None) -> str:
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
