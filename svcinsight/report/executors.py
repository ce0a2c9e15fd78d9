"""Where a batch's report jobs run: ``"local"`` (this process, or a pool of local worker
processes) or ``"dask"`` (a Dask distributed cluster: a LocalCluster of ``workers``
processes, or the scheduler at ``scheduler``).

Every executor returns the same :class:`~svcinsight.report.results.UnitResult` per job,
in the order of the jobs. A job reports its own unit's failure in its result; if the
job itself is lost (its worker died, the cluster went away) the result says so and the
other jobs go on.

On a cluster the jobs read and write files: the params, the sources they name, the
notebooks and the output folder must be on a filesystem every worker mounts at the
same path (the runner passes absolute paths), and each worker needs svcinsight and its
``svcinsight`` Jupyter kernel installed.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from svcinsight.report.kernels import (
    KERNELS,
    enable_in_worker,
    kept_kernels,
    shutdown_worker_kernels,
)
from svcinsight.report.results import ReportError, UnitResult

EXECUTORS = ("local", "dask")


@dataclass(frozen=True)
class Job:
    """One report to render: ``fn(*args, **kwargs)`` returns its UnitResult."""

    name: str  # the report's name, for a result the job itself could not give
    fn: Callable
    args: tuple
    kwargs: dict
    parent: str | None = None


def run_jobs(jobs: Sequence[Job], *, workers: int = 1, executor: str = "local", scheduler: str | None = None,
             on_result: Callable | None = None, keep_kernels: bool = True) -> list:
    """Run ``jobs`` on ``executor``; ``on_result(result)`` is called as each one finishes.
    With ``keep_kernels`` each worker keeps its kernel between its jobs."""
    check_executor(executor, scheduler)
    if executor == "dask":
        return _run_dask(jobs, workers, scheduler, on_result, keep_kernels)
    workers = max(1, min(workers or 1, len(jobs)))
    results: list = [None] * len(jobs)
    if workers == 1:
        with kept_kernels(keep_kernels):
            for i, job in enumerate(jobs):
                results[i] = _call(job)
                _notify(on_result, results[i])
        return results
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with ProcessPoolExecutor(max_workers=workers, initializer=enable_in_worker if keep_kernels else None) as pool:
        futures = {pool.submit(job.fn, *job.args, **job.kwargs): i for i, job in enumerate(jobs)}
        started = time.perf_counter()
        for future in as_completed(futures):
            i = futures[future]
            try:
                results[i] = future.result()
            except Exception as exc:  # the worker process died: this job's failure, not the batch's  # noqa: BLE001
                results[i] = lost(jobs[i], exc, time.perf_counter() - started)
            _notify(on_result, results[i])
    return results


def check_executor(executor: str, scheduler: str | None = None) -> None:
    """Raise ReportError for an executor this runner does not have.

    >>> check_executor("dask", "tcp://scheduler:8786")
    >>> check_executor("spark")
    Traceback (most recent call last):
    ...
    svcinsight.report.results.ReportError: unknown executor 'spark'; choose from local, dask
    """
    if executor not in EXECUTORS:
        raise ReportError(f"unknown executor {executor!r}; choose from {', '.join(EXECUTORS)}")
    if scheduler and executor != "dask":
        raise ReportError(f"a scheduler address ({scheduler}) needs the dask executor")
    if executor == "dask":
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise ReportError("executor 'dask' needs Dask distributed: pip install 'svcinsight[dask]' "
                              "(or: pip install 'dask[distributed]')") from None


def lost(job: Job, exc: BaseException, seconds: float):
    """The result of a job that could not report one itself."""
    message = str(exc).strip()
    error = f"the report's job failed ({type(exc).__name__}){': ' + message if message else ''}"
    return UnitResult(job.name, "failed", seconds, error=error, parent=job.parent)


def _call(job: Job):
    started = time.perf_counter()
    try:
        return job.fn(*job.args, **job.kwargs)
    except Exception as exc:  # the runner's functions report a unit's failure; anything else lands here  # noqa: BLE001
        return lost(job, exc, time.perf_counter() - started)


def _notify(on_result, result) -> None:
    if on_result is not None:
        on_result(result)


_thread = threading.local()


def _in_dask_worker(fn, args, kwargs, keep_kernels: bool):
    """A job on a Dask worker, which keeps its kernels between jobs if ``keep_kernels``.

    Dask runs a task in a copy of the submitting context, and jupyter_core keeps the event
    loop that papermill's kernel client runs on in a context variable: two worker threads
    would share one loop. The job runs in a fresh context with this thread's own loop."""
    KERNELS.enabled = keep_kernels
    return contextvars.Context().run(_with_thread_loop, fn, args, kwargs)


def _with_thread_loop(fn, args, kwargs):
    import asyncio

    from jupyter_core import utils

    loop = getattr(_thread, "loop", None)
    if loop is None or loop.is_closed():
        loop = _thread.loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    if isinstance(getattr(utils, "_loop", None), contextvars.ContextVar):
        utils._loop.set(loop)  # else jupyter_core makes a loop per job: slower, still correct
    return fn(*args, **kwargs)


def _dask_client(workers: int, scheduler: str | None):
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler, timeout="30s"), None
        except OSError as exc:
            raise ReportError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    cluster = LocalCluster(n_workers=max(1, workers or 1), threads_per_worker=1, processes=True,
                           dashboard_address=":0")  # any free port: several clusters may run
    return Client(cluster), cluster


def _run_dask(jobs: Sequence[Job], workers: int, scheduler: str | None, on_result, keep_kernels: bool) -> list:
    results: list = [None] * len(jobs)
    if not jobs:
        return results
    client, cluster = _dask_client(workers, scheduler)
    try:
        from distributed import as_completed

        started = time.perf_counter()
        futures = {client.submit(_in_dask_worker, job.fn, job.args, job.kwargs, keep_kernels, pure=False,
                                 key=f"svcinsight-report-{job.name}-{time.time_ns()}"): i
                   for i, job in enumerate(jobs)}
        for future in as_completed(list(futures)):
            i = futures[future]
            try:
                results[i] = future.result()
            except Exception as exc:  # e.g. KilledWorker: the job is lost, the batch goes on  # noqa: BLE001
                results[i] = lost(jobs[i], exc, time.perf_counter() - started)
            _notify(on_result, results[i])
    finally:
        try:  # noqa: SIM105
            client.run(shutdown_worker_kernels)
        except Exception:  # workers already gone: their kernels went with them  # noqa: BLE001
            pass
        client.close()
        if cluster is not None:
            cluster.close()
    return results
