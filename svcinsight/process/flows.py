"""Flows: how tickets move from stage to stage (the arrows of a process map)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from svcinsight.process._codes import codes, combine, count_distinct, median_by
from svcinsight.process.durations import ticket_number, time_in_stage


def flows(
    events: pd.DataFrame,
    *,
    as_of=None,
    calendar=None,
    terminal_stages: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Transitions between consecutive stages of the same ticket, with their volume.

    Parameters
    ----------
    events : DataFrame
        Canonical events; order and duplicates as in
        :func:`~svcinsight.process.time_in_stage`.
    as_of, calendar, terminal_stages
        As for :func:`~svcinsight.process.stage_stats`.

    Returns
    -------
    DataFrame
        ``from_stage, to_stage, count, tickets, median_hours`` (time spent in
        ``from_stage`` before moving on), most frequent first.

    Examples
    --------
    >>> import pandas as pd
    >>> ts = lambda h: pd.Timestamp("2026-04-01", tz="Asia/Shanghai") + pd.Timedelta(hours=h)
    >>> events = pd.DataFrame({
    ...     "ticket_id": ["A", "A", "A", "B", "B"],
    ...     "stage": ["new", "work", "closed", "new", "work"],
    ...     "entered_at": [ts(0), ts(1), ts(4), ts(0), ts(3)]})
    >>> flows(events, terminal_stages={"closed"})
      from_stage to_stage  count  tickets  median_hours
    0        new     work      2        2           2.0
    1       work   closed      1        1           3.0
    """
    timed = time_in_stage(events, as_of=as_of, calendar=calendar, terminal_stages=terminal_stages)
    return flows_from_timed(timed)


def flows_from_timed(timed: pd.DataFrame) -> pd.DataFrame:
    """:func:`flows` on a frame already through :func:`time_in_stage`."""
    moves = np.flatnonzero(~timed["is_last"].to_numpy())
    if len(moves) == 0:
        return pd.DataFrame({
            "from_stage": pd.array([], dtype="string"), "to_stage": pd.array([], dtype="string"),
            "count": np.array([], dtype=np.int64), "tickets": np.array([], dtype=np.int64),
            "median_hours": np.array([], dtype=float),
        })
    code, names = codes(timed["stage"])
    source, target = code[moves], code[moves + 1]
    group, first = combine(source, target)
    k = len(first)
    out = pd.DataFrame({
        "from_stage": names.take(source[first]).array,
        "to_stage": names.take(target[first]).array,
        "count": np.bincount(group, minlength=k),
        "tickets": count_distinct(group, ticket_number(timed)[moves], k),
        "median_hours": median_by(timed["hours"].to_numpy()[moves], group, k),
    })
    return out.sort_values(["count", "from_stage", "to_stage"], ascending=[False, True, True],
                           kind="stable").reset_index(drop=True)
