"""Kernels kept alive between the reports one worker renders, so that the libraries a
report imports are imported once per worker, not once per report.

Inside a batch run (:func:`svcinsight.report.run`) each worker process (or Dask worker
thread) keeps one kernel per kernel name. When a report has run successfully its
kernel's reset starts at once, while the runner writes that report's HTML, and the
worker's next report waits for it to finish: the user namespace and the
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

#: Run in a kept kernel when its report has ended, ready for the next one.
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

#: Run in a reset kernel whose next report starts in another folder.
_CHDIR = "import os as _os\n_os.chdir({cwd!r})\ndel _os\n"


class _Resetting(threading.Thread):
    """A kept kernel's reset, started when its report has ended: the kernel frees the
    last report while the runner writes that report's HTML. :meth:`wait` re-raises
    what went wrong."""

    def __init__(self, km, cwd: str) -> None:
        super().__init__(name="svcinsight-kernel-reset", daemon=True)
        self.km, self.cwd, self.error = km, cwd, None
        self.start()

    def run(self) -> None:
        try:
            _run_sync(_execute(self.km, _RESET.format(cwd=self.cwd)))
        except BaseException as exc:  # noqa: BLE001 - handed to wait(), which re-raises it
            self.error = exc

    def wait(self) -> None:
        self.join()
        if self.error is not None:
            raise self.error


class _Kernels:
    """The kernels this process keeps, per thread and kernel name, while enabled."""

    def __init__(self) -> None:
        self.enabled = False
        self._lock = threading.Lock()
        self._managers: dict[tuple[int, str], _Resetting] = {}

    def take(self, kernel_name: str, cwd: str):
        """A kept kernel, reset for the next report; a new, not yet started manager when
        none is kept; ``None`` when kernels are not kept (papermill then owns its own)."""
        if not self.enabled:
            return None
        key = (threading.get_ident(), kernel_name)
        with self._lock:
            kept = self._managers.pop(key, None)
        if kept is not None:
            try:
                kept.wait()  # the reset started when its last report ended
                if kept.cwd != cwd:
                    _run_sync(_execute(kept.km, _CHDIR.format(cwd=cwd)))
                return kept.km
            except Exception:  # a kernel that cannot be reset is not reused  # noqa: BLE001
                _shutdown(kept.km)
        from jupyter_client.manager import AsyncKernelManager

        return AsyncKernelManager(kernel_name=kernel_name)

    def give_back(self, kernel_name: str, km, *, healthy: bool, cwd: str) -> None:
        """Keep ``km`` for this thread's next report if ``healthy`` (its reset starts now,
        in ``cwd``), else shut it down."""
        if km is None:
            return
        if not healthy or not self.enabled or not _alive(km):
            _shutdown(km)
            return
        key = (threading.get_ident(), kernel_name)
        resetting = _Resetting(km, cwd)
        with self._lock:
            old = self._managers.pop(key, None)
            self._managers[key] = resetting
        if old is not None:
            _stop(old)

    def shutdown_all(self) -> int:
        """Shut down every kept kernel; returns how many there were."""
        with self._lock:
            kept, self._managers = list(self._managers.values()), {}
        for resetting in kept:
            _stop(resetting)
        return len(kept)


def _stop(resetting: _Resetting) -> None:
    resetting.join()  # a kernel is not shut down under its own reset
    _shutdown(resetting.km)


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


async def _execute(km, code: str, timeout: float = 60) -> None:
    """Run ``code`` in the kept kernel ``km`` (its own client, closed after), waiting for
    the reply on the shell channel only: nothing is read from IOPub, so the client need
    not wait until its IOPub subscription is live (``wait_for_ready`` waits 0.2 s of
    IOPub silence on every connection)."""
    if not await _maybe_await(km.is_alive()):
        raise RuntimeError("the kept kernel is not alive")
    kc = km.client()
    # the shell channel only: no heartbeat thread left starting up when this returns
    kc.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
    try:
        msg_id = kc.execute(code, silent=False, store_history=False, allow_stdin=False)
        reply = await _shell_reply(kc, msg_id, timeout)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"resetting the kept kernel failed: {reply['content'].get('evalue')}")
    finally:
        kc.stop_channels()


async def _shell_reply(kc, msg_id: str, timeout: float) -> dict:
    """The kernel's reply to request ``msg_id`` (earlier replies are skipped)."""
    import time

    reply = await _answer(kc.get_shell_msg, msg_id, time.monotonic() + timeout)
    if reply is None:
        raise TimeoutError(f"no reply from the kept kernel within {timeout:g}s")
    return reply


async def _answer(get_msg, msg_id: str, until: float) -> dict | None:
    """The next message from a channel's ``get_msg`` whose parent is request ``msg_id``;
    None when none came before ``until`` (a ``time.monotonic()`` instant)."""
    import time
    from queue import Empty

    while (left := until - time.monotonic()) > 0:
        try:
            msg = await get_msg(timeout=left)
        except Empty:
            return None
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg
    return None


async def _ready_client(km, timeout: float = 60):
    """A connected client of the kept kernel ``km`` whose IOPub subscription is live.

    A subscription made just now may miss what the kernel publishes before it is
    connected; a cell's output published then would be lost. The kernel publishes its
    busy/idle status for every request, so once a status of our own ``kernel_info``
    request arrives on IOPub, every later message will: usually at once, where
    ``wait_for_ready`` waits for 0.2 s of IOPub silence.
    """
    import time

    kc = km.client()
    kc.start_channels()
    try:
        deadline = time.monotonic() + timeout
        while True:
            msg_id = kc.kernel_info()
            await _shell_reply(kc, msg_id, max(deadline - time.monotonic(), 0.001))
            # else ask again: the status went out before the subscription was connected
            if await _answer(kc.get_iopub_msg, msg_id, time.monotonic() + 0.25) is not None:
                return kc
            if time.monotonic() > deadline:
                raise TimeoutError(f"the kept kernel's IOPub channel was silent for {timeout:g}s")
    except BaseException:
        kc.stop_channels()
        raise


async def _maybe_await(value):
    import inspect

    return await value if inspect.isawaitable(value) else value


def _alive(km) -> bool:
    try:
        return bool(km.has_kernel) and bool(_run_sync(_maybe_await(km.is_alive())))
    except Exception:  # noqa: BLE001
        return False


def _shutdown(km) -> None:
    try:
        if km.has_kernel:
            _run_sync(_maybe_await(km.shutdown_kernel(now=True)))
    except Exception as exc:  # the kernel is gone either way; nothing to report to a unit  # noqa: BLE001
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
                if not client.owns_km and client.km is not None and client.km.has_kernel:
                    client.kc = _run_sync(_ready_client(client.km, start_timeout))  # a kept kernel
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
