"""Where the time goes: one row per stage with its visits and time-in-stage statistics."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from svcinsight.process._codes import codes, count_distinct, median_by
from svcinsight.process.durations import ticket_number, time_in_stage

STAGE_STATS_COLUMNS = (
    "stage", "visits", "tickets", "censored", "median_hours", "p90_hours", "mean_hours",
    "total_hours", "share_of_time",
)


def stage_stats(
    events: pd.DataFrame,
    *,
    as_of=None,
    calendar=None,
    terminal_stages: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Visits and time in stage, one row per stage, in the process's typical order.

    Parameters
    ----------
    events : DataFrame
        Canonical events (see :func:`~svcinsight.process.time_in_stage` for the rules on
        order, duplicates, ``left_at`` and censoring).
    as_of : Timestamp or str, optional
        The instant the data describes; default the latest timestamp in it.
    calendar : BusinessCalendar, optional
        Working hours instead of elapsed hours.
    terminal_stages : iterable of str, optional
        Stages that end a ticket; default inferred (stages that end most of their visits).

    Returns
    -------
    DataFrame
        ``stage``
            the stage.
        ``visits``
            entries into the stage, all of them (a ticket re-entering counts again).
        ``tickets``
            distinct tickets that entered it.
        ``censored``
            visits still running at ``as_of`` (the last stage of an open ticket); they
            are counted here and in ``visits`` but left out of every duration column,
            because their time is only known to exceed the time so far.
        ``median_hours``, ``p90_hours``, ``mean_hours``
            over the visits with a known duration (p90 by linear interpolation).
        ``total_hours``
            the sum of those durations.
        ``share_of_time``
            ``total_hours`` over the total of all stages: the stage's share of the time
            tickets spent in the process (for finished tickets the stages' times add up
            to the cycle time, first entry to terminal entry).

        Rows are in typical process order: by the median of the stage's position in
        its tickets' paths (0 = first event), then by name.

    Examples
    --------
    >>> import pandas as pd
    >>> ts = lambda s: pd.Timestamp(s, tz="Asia/Shanghai")
    >>> events = pd.DataFrame({
    ...     "ticket_id": ["T1", "T1", "T1", "T2", "T2", "T2", "T3", "T3"],
    ...     "stage": ["new", "review", "closed"] * 2 + ["new", "review"],
    ...     "entered_at": [ts("2026-03-02 09:00"), ts("2026-03-02 10:00"), ts("2026-03-02 13:00"),
    ...                    ts("2026-03-02 09:00"), ts("2026-03-02 09:30"), ts("2026-03-02 10:30"),
    ...                    ts("2026-03-02 11:00"), ts("2026-03-02 11:15")]})
    >>> stats = stage_stats(events, as_of="2026-03-02 14:00", terminal_stages={"closed"})
    >>> stats[["stage", "visits", "censored", "median_hours", "share_of_time"]]
        stage  visits  censored  median_hours  share_of_time
    0     new       3         0           0.5       0.304348
    1  review       3         1           2.0       0.695652
    2  closed       2         0           NaN       0.000000
    """
    timed = time_in_stage(events, as_of=as_of, calendar=calendar, terminal_stages=terminal_stages)
    return stats_from_timed(timed)


def stats_from_timed(timed: pd.DataFrame) -> pd.DataFrame:
    """:func:`stage_stats` on a frame already through :func:`time_in_stage`."""
    if timed.empty:
        return _empty()
    code, names = codes(timed["stage"])
    k = len(names)
    hours = timed["hours"].to_numpy()
    known = ~np.isnan(hours)

    total = np.bincount(code[known], weights=hours[known], minlength=k)
    count = np.bincount(code[known], minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, total / count, np.nan)
    grand = total.sum()
    out = pd.DataFrame({
        "stage": names.array,
        "visits": np.bincount(code, minlength=k),
        "tickets": count_distinct(code, ticket_number(timed), k),
        "censored": np.bincount(code, weights=timed["censored"].to_numpy(), minlength=k).astype(np.int64),
        "median_hours": median_by(hours, code, k),
        "p90_hours": median_by(hours, code, k, q=0.9),
        "mean_hours": mean,
        "total_hours": total,
        "share_of_time": total / grand if grand > 0 else np.full(k, np.nan),
    })
    rank = typical_order(timed)
    return (out.assign(_order=out["stage"].map(rank).to_numpy())
            .sort_values(["_order", "stage"], kind="stable").drop(columns="_order")
            .reset_index(drop=True))


def typical_order(timed: pd.DataFrame) -> pd.Series:
    """Each stage's rank in the typical process order: median position in its paths,
    ties by mean position, then by name (0 = earliest).

    Examples
    --------
    >>> import pandas as pd
    >>> timed = pd.DataFrame({"stage": ["new", "work", "done", "new", "check", "work", "done"],
    ...                       "position": [0, 1, 2, 0, 1, 2, 3]})
    >>> typical_order(timed).to_dict()
    {'new': 0, 'check': 1, 'work': 2, 'done': 3}
    """
    code, names = codes(timed["stage"])
    position = timed["position"].to_numpy(dtype=float)
    keys = pd.DataFrame({
        "stage": names.to_numpy(dtype=object),
        "median": median_by(position, code, len(names)),
        "mean": np.bincount(code, weights=position, minlength=len(names))
        / np.maximum(np.bincount(code, minlength=len(names)), 1),
    }).sort_values(["median", "mean", "stage"], kind="stable")
    return pd.Series(np.arange(len(keys)), index=keys["stage"].to_numpy(), dtype=np.int64)


def _empty() -> pd.DataFrame:
    return pd.DataFrame({
        "stage": pd.array([], dtype="string"), "visits": np.array([], dtype=np.int64),
        "tickets": np.array([], dtype=np.int64), "censored": np.array([], dtype=np.int64),
        **{c: np.array([], dtype=float) for c in STAGE_STATS_COLUMNS[4:]},
    })
