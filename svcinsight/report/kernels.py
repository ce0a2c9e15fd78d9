"""Kernels kept alive between the reports one worker renders, so that the libraries a
report imports are imported once per worker, not once per report.

Inside a batch run (:func:`svcinsight.report.run`) each worker process (or Dask worker
thread) keeps one kernel per kernel name. After a report rendered successfully its
kernel is reset and handed to the worker's next report: the user namespace and the
output history are cleared, figures closed, the working folder set again, warnings
shown once per report again and the execution count restarted at 1, so the executed
notebook is the one a fresh kernel gives. The garbage of the last report is then
collected and what survives (the imported modules, mostly) is frozen out of the
cyclic garbage collector (``gc.freeze``): with a few million long-lived objects of
pandas, SciPy, statsmodels and matplotlib, each full collection during a report
otherwise walks them all again (about 0.5 s per 50k-ticket report). Imported modules stay imported: that is the
saving. A kernel whose report failed, timed out or died is shut down, never reused;
so is a kernel whose reset fails. Outside a batch run (``render_unit`` on its own) every
report starts its own kernel and shuts it down, as papermill does.

Library code must therefore keep no per-report state in module globals; the notebooks
change no global settings (matplotlib rcParams, pandas options, ``svcinsight.config``).
"""

from __future__ import annotations

import threading
import warnings
from contextlib import contextmanager

ENGINE = "svcinsight"

#: Run in a kept kernel before its next report.
_RESET = """\
get_ipython().reset(new_session=True)  # names, output history; execution count back to 1
import os as _os, warnings as _warnings
_os.chdir({cwd!r})
_filters = _warnings.filters[:]
_warnings.resetwarnings()  # forgets which warnings were already shown
_warnings.filters[:] = _filters
import sys as _sys
if "matplotlib.pyplot" in _sys.modules:
    _sys.modules["matplotlib.pyplot"].close("all")
import gc as _gc
_gc.collect()  # the last report's objects, cycles included, are unreachable now: free them
_gc.freeze()  # what survives (modules, caches) is left out of this report's collections
del _os, _warnings, _filters, _sys, _gc
"""


class _Kernels:
    """The kernels this process keeps, per thread and kernel name, while enabled."""

    def __init__(self) -> None:
        self.enabled = False
        self._lock = threading.Lock()
        self._managers: dict[tuple[int, str], object] = {}

    def take(self, kernel_name: str, cwd: str):
        """A kept kernel, reset for the next report; a new, not yet started manager when
        none is kept; ``None`` when kernels are not kept (papermill then owns its own)."""
        if not self.enabled:
            return None
        key = (threading.get_ident(), kernel_name)
        with self._lock:
            km = self._managers.pop(key, None)
        if km is not None:
            try:
                _run_sync(_reset(km, cwd))
                return km
            except Exception:  # a kernel that cannot be reset is not reused
                _shutdown(km)
        from jupyter_client.manager import AsyncKernelManager

        return AsyncKernelManager(kernel_name=kernel_name)

    def give_back(self, kernel_name: str, km, *, healthy: bool) -> None:
        """Keep ``km`` for this thread's next report if ``healthy``, else shut it down."""
        if km is None:
            return
        if not healthy or not self.enabled or not _alive(km):
            _shutdown(km)
            return
        key = (threading.get_ident(), kernel_name)
        with self._lock:
            old = self._managers.pop(key, None)
            self._managers[key] = km
        if old is not None:
            _shutdown(old)

    def shutdown_all(self) -> int:
        """Shut down every kept kernel; returns how many there were."""
        with self._lock:
            managers, self._managers = list(self._managers.values()), {}
        for km in managers:
            _shutdown(km)
        return len(managers)


KERNELS = _Kernels()


@contextmanager
def kept_kernels(keep: bool = True):
    """Keep kernels between the reports rendered inside this block (in this process), if
    ``keep``; shut them down when it ends."""
    previous = KERNELS.enabled
    KERNELS.enabled = keep or previous
    try:
        yield KERNELS
    finally:
        KERNELS.enabled = previous
        if not previous:
            KERNELS.shutdown_all()


def enable_in_worker() -> None:
    """Keep kernels in this worker process until it exits (a process pool's initializer)."""
    from multiprocessing import util

    KERNELS.enabled = True
    util.Finalize(KERNELS, KERNELS.shutdown_all, exitpriority=10)


def shutdown_worker_kernels() -> int:
    """Shut down the kernels this worker keeps and stop keeping them (run on each Dask
    worker at the end of a batch)."""
    KERNELS.enabled = False
    return KERNELS.shutdown_all()


def _run_sync(coro):
    from jupyter_core.utils import run_sync

    async def _await():
        return await coro

    return run_sync(_await)()


async def _reset(km, cwd: str) -> None:
    if not await _maybe_await(km.is_alive()):
        raise RuntimeError("the kept kernel is not alive")
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=60)
        reply = await kc.execute_interactive(_RESET.format(cwd=cwd), store_history=False, timeout=60,
                                             output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"resetting the kept kernel failed: {reply['content'].get('evalue')}")
    finally:
        kc.stop_channels()


async def _maybe_await(value):
    import inspect

    return await value if inspect.isawaitable(value) else value


def _alive(km) -> bool:
    try:
        return bool(km.has_kernel) and bool(_run_sync(_maybe_await(km.is_alive())))
    except Exception:
        return False


def _shutdown(km) -> None:
    try:
        if km.has_kernel:
            _run_sync(_maybe_await(km.shutdown_kernel(now=True)))
    except Exception as exc:  # the kernel is gone either way; nothing to report to a unit
        warnings.warn(f"could not shut down a kernel cleanly: {exc}", RuntimeWarning, stacklevel=2)


def _register_engine() -> None:
    """Papermill's nbclient engine, except that the executed notebook is written when
    execution ends rather than around every cell, and the kernel client of a kernel
    papermill does not own is closed after the notebook (nbclient leaves it open)."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.utils import merge_kwargs, remove_args

    class KeptKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            import logging

            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            client = PapermillNotebookClient(nb_man, **merge_kwargs(
                kwargs, timeout=execution_timeout, startup_timeout=start_timeout, kernel_name=kernel_name,
                log=logging.getLogger("papermill"), log_output=log_output, stdout_file=stdout_file,
                stderr_file=stderr_file))
            # Papermill writes the whole notebook, images included, before and after every
            # cell (~80 writes per report). The log shows progress as it happens; the
            # notebook is written once when execution ends, however it ends (papermill's
            # notebook_complete), so a failed report still leaves it for debugging.
            output_path, nb_man.output_path = nb_man.output_path, None
            try:
                return client.execute()
            finally:
                nb_man.output_path = output_path
                if not client.owns_km and client.kc is not None:
                    client.kc.stop_channels()

    papermill_engines.register(ENGINE, KeptKernelEngine)


def engine() -> str:
    """The papermill engine name the runner uses (registered on first use)."""
    from papermill.engines import papermill_engines

    if ENGINE not in papermill_engines._engines:
        _register_engine()
    return ENGINE
