"""``compute``: every metric of the catalogue, per group and period, as one tidy frame."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import numpy as np
import pandas as pd

from svcinsight import config
from svcinsight.metrics import productivity, quality, satisfaction, sla, speed, volume
from svcinsight.metrics.context import TIDY_COLUMNS, Context, Result
from svcinsight.metrics.registry import REGISTRY, get
from svcinsight.schema import TABLES

_FAMILIES = {
    "volume": volume.rows, "speed": speed.rows, "sla": sla.rows, "quality": quality.rows,
    "satisfaction": satisfaction.rows, "productivity": productivity.rows,
}


# Independent units of work, the slowest first so that a pool finishes early; the
# feedback's last, as its grid positions wait for the feedback -> ticket lookup.
_TASKS = (
    ("speed", partial(speed.duration_rows, end_column="first_response_at", prefix="frt", mean=True)),
    ("speed", partial(speed.duration_rows, end_column="resolved_at", prefix="resolution")),
    ("productivity", productivity.rows),
    ("volume", volume.rows),
    ("sla", sla.rows),
    ("quality", quality.rows),
    ("satisfaction", satisfaction.rows),
)


_POOLS: dict[tuple[int, int], ThreadPoolExecutor] = {}
_POOLS_LOCK = threading.Lock()


def _pool(threads: int) -> ThreadPoolExecutor:
    """The process's pool of ``threads`` threads, made on first use and kept: the next call
    reuses its threads and the memory their allocator has already mapped (new threads
    fault in fresh pages for every large array). Made anew in a forked child, whose copy
    of the pool has no threads."""
    key = (os.getpid(), threads)
    with _POOLS_LOCK:
        if key not in _POOLS:
            for stale in [k for k in _POOLS if k[0] != key[0]]:
                del _POOLS[stale]
            _POOLS[key] = ThreadPoolExecutor(threads, thread_name_prefix="svcinsight-metrics")
        return _POOLS[key]


def default_threads() -> int:
    """Threads ``compute`` uses unless told: the CPUs this process may run on, at most 4."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cpus, 4))


def latest_timestamp(*frames: pd.DataFrame | None) -> pd.Timestamp:
    """The latest timezone-aware timestamp in any of the frames (NaT if none)."""
    latest = pd.NaT
    for frame in frames:
        if frame is None:
            continue
        for col in frame.columns:
            if isinstance(frame[col].dtype, pd.DatetimeTZDtype) and frame[col].notna().any():
                value = frame[col].max()
                latest = value if latest is pd.NaT else max(latest, value)
    return latest


def _check_timestamps(frame: pd.DataFrame, name: str, required: str | None = None) -> None:
    """Durations across time zones are wrong silently with naive values: refuse them."""
    if required and required not in frame.columns:
        raise ValueError(f"{name} need a {required} column")

    table = TABLES[name]
    for col in table.of_kind("timestamp"):
        if col in frame.columns and not isinstance(frame[col].dtype, pd.DatetimeTZDtype):
            if col != required and frame[col].isna().all():
                continue
            raise ValueError(f"{name}.{col} must hold timezone-aware timestamps, not {frame[col].dtype} "
                             "(load the table with si.io, or tz_localize it)")


def compute(tickets: pd.DataFrame, feedback: pd.DataFrame | None = None, orders: pd.DataFrame | None = None,
            *, by: str | Iterable[str] = (), freq: str = "M", calendar=None, as_of=None,
            sla: Mapping[str, float] | None = None, metrics: Iterable[str] | None = None,
            changes: bool = False, periods: Iterable[pd.Period] | None = None,
            threads: int | None = None) -> pd.DataFrame:
    """Service metrics per group and period, one row per group x period x metric.

    Parameters
    ----------
    tickets, feedback, orders : DataFrame
        Canonical tables (see :mod:`svcinsight.schema`); feedback and orders optional.
    by : str or sequence of str
        Ticket columns to group by (e.g. ``"channel"``); feedback takes a group from its
        own column, else from its linked ticket, else ``"(unknown)"``.
    freq : str
        Period length: ``"M"`` month, ``"W"`` week (Monday-Sunday), ``"D"``, ``"Q"``, ``"Y"``.
        Tickets belong to the period of ``created_at``, feedback of ``submitted_at``.
    calendar : BusinessCalendar, optional
        Durations on its business clock instead of elapsed hours.
    as_of : Timestamp, optional
        The instant the data describes: later responses and resolutions have not happened,
        and SLA status (achieved / breached / active) is judged then. Default: the latest
        timestamp in the data.
    sla : mapping, optional
        First-response target hours per priority (default urgent 0.5, important 2, normal 24).
    metrics : sequence of str, optional
        Metric ids to return (default: all the data supports).
    changes : bool
        Add ``previous, change, year_ago, yoy_change`` (period over period and year over year).
    periods : sequence of Period, optional
        Periods that must appear even without data (the grid spans the data's periods
        and these).
    threads : int, optional
        Threads for the independent steps (the feedback -> ticket lookup, each metric
        family); NumPy, pandas and Arrow release the GIL in them. The pool is kept for
        the next call. Default: the CPUs this process may use, at most 4; 1 runs
        everything in the calling thread. The numbers do not depend on it.

    Returns
    -------
    DataFrame
        ``[<by columns>, period, metric, value, numerator, denominator, n]``. Rates are
        fractions, durations hours, NPS in [-100, 100]. Empty groups and zero
        denominators give NaN with n = 0 (counts give 0).

    Examples
    --------
    >>> import pandas as pd
    >>> ts = lambda s: pd.Timestamp(s, tz="Asia/Shanghai")
    >>> t = pd.DataFrame({
    ...     "ticket_id": ["a", "b", "c"], "channel": ["chat", "chat", "phone"],
    ...     "created_at": [ts("2026-10-01 09:00"), ts("2026-10-01 10:00"), ts("2026-10-02 09:00")],
    ...     "first_response_at": [ts("2026-10-01 09:30"), pd.NaT, ts("2026-10-02 11:00")],
    ...     "resolved_at": [ts("2026-10-01 12:00"), pd.NaT, ts("2026-10-03 09:00")],
    ... })
    >>> m = compute(t, by="channel", metrics=["tickets_created", "resolution_rate", "frt_median_h"])
    >>> m.pivot(index="channel", columns="metric", values="value")[["tickets_created", "resolution_rate"]]
    metric   tickets_created  resolution_rate
    channel
    chat                 2.0              0.5
    phone                1.0              1.0
    """
    by = (by,) if isinstance(by, str) else tuple(by)
    _check_timestamps(tickets, "tickets", required="created_at")
    if feedback is not None:
        _check_timestamps(feedback, "feedback")
    wanted = None if metrics is None else {get(m).id for m in metrics}
    if as_of is None:
        as_of = latest_timestamp(tickets, feedback)
    as_of = pd.Timestamp(as_of)
    if as_of.tzinfo is None:
        as_of = as_of.tz_localize(tickets["created_at"].dt.tz)
    # what happened after as_of has not happened yet
    # (a fresh RangeIndex keeps the column operations below from aligning indexes)
    early = (tickets["created_at"] <= as_of).to_numpy()
    tickets = tickets.reset_index(drop=True) if early.all() else tickets[early].reset_index(drop=True)
    if feedback is not None:
        feedback = feedback.reset_index(drop=True)
    families = {REGISTRY[m].family for m in wanted} if wanted is not None else set(_FAMILIES)
    threads = default_threads() if threads is None else max(1, int(threads))
    # tasks only ever wait for tasks submitted before them, so calls may share the pool
    pool = _pool(threads) if threads > 1 else None
    ctx = Context(tickets=tickets, by=by, freq=freq, as_of=as_of,
                  sla_hours=dict(sla or config.FIRST_RESPONSE_TARGET_HOURS),
                  calendar=calendar, feedback=feedback, orders=orders, periods=periods, wanted=wanted, pool=pool)
    try:
        ctx.prepare()
        tasks = [task for name, task in _TASKS if name in families]
        parts = list(pool.map(lambda task: task(ctx), tasks)) if pool is not None else [task(ctx) for task in tasks]
    except BaseException:
        ctx.finish(raise_errors=False)  # nothing of this call left running
        raise
    ctx.finish()
    results = [r for part in parts for r in part if wanted is None or r.metric in wanted]
    out = tidy_frame(ctx, results)
    if changes:
        out = add_changes(out, by=by)
    return out


def tidy_frame(ctx: Context, results: list[Result]) -> pd.DataFrame:
    """The metrics' numbers as the tidy frame, sorted by group, period and catalogue order.

    Empty groups give n = 0 and a NaN value, except counts, whose value is then 0.
    """
    columns = [*ctx.by, "period", *TIDY_COLUMNS]
    if not results:
        return pd.DataFrame(columns=columns)
    order = {m: i for i, m in enumerate(REGISTRY)}
    results = sorted(results, key=lambda r: order[r.metric])
    size, n_metrics = ctx.size, len(results)

    def stacked(part):
        return np.column_stack([np.full(size, np.nan) if x is None else np.asarray(x, dtype="float64")
                                for x in map(part, results)]).ravel() if size else np.zeros(0)

    n = np.nan_to_num(stacked(lambda r: r.n)).astype("int64")
    value = stacked(lambda r: r.value)
    is_count = np.tile([r.count for r in results], size)
    value = np.where(is_count & np.isnan(value), 0.0, np.where(is_count | (n > 0), value, np.nan))
    cells = np.repeat(np.arange(size), n_metrics)
    group, offset = cells // max(ctx.n_periods, 1), cells % max(ctx.n_periods, 1)
    data = {}
    stride = ctx.n_groups
    for col, level in zip(ctx.by, ctx.levels):
        if not size:
            data[col] = pd.array([], dtype="str")
            continue
        stride //= len(level)
        data[col] = pd.array(np.asarray(level, dtype=object)[(group // stride) % len(level)], dtype="str")
    data["period"] = ctx.span.take(offset).array
    data["metric"] = pd.array(np.tile(np.array([r.metric for r in results], dtype=object), size), dtype="str")
    data["value"] = value
    data["numerator"] = stacked(lambda r: r.numerator)
    data["denominator"] = stacked(lambda r: r.denominator)
    data["n"] = n
    return pd.DataFrame(data, columns=columns)


def add_changes(frame: pd.DataFrame, *, by: Iterable[str] = ()) -> pd.DataFrame:
    """Add ``previous``/``change`` (period over period) and ``year_ago``/``yoy_change``."""
    by = list(by)
    keys = [*by, "metric"]
    values = frame.set_index([*keys, "period"])["value"]
    out = frame.copy()
    freqstr = frame["period"].dtype.freq.freqstr if len(frame) else "ME"
    per_year = {"M": 12, "Q": 4, "D": 365, "Y": 1}.get(freqstr[:1], 52)
    for col, step in (("previous", 1), ("year_ago", per_year)):
        shifted = out.assign(period=out["period"] - step)
        idx = pd.MultiIndex.from_frame(shifted[[*keys, "period"]])
        out[col] = values.reindex(idx).to_numpy()
    out["change"] = out["value"] - out["previous"]
    out["yoy_change"] = out["value"] - out["year_ago"]
    return out
