"""Hand-offs between teams and the time lost at them."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from svcinsight.process._codes import codes, combine, count_distinct, median_by
from svcinsight.process.durations import ticket_number, time_in_stage


def handoffs(
    events: pd.DataFrame,
    *,
    by: str = "team",
    by_stage: bool = False,
    resolution_stages: Iterable[str] = (),
    as_of=None,
    calendar=None,
    terminal_stages: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Hand-offs between teams: how often each pair passes work on, and the time it costs.

    A hand-off is two consecutive events of a ticket whose ``team`` differs (both
    known). The hours lost at a hand-off are the time the ticket then spends in the stage
    it was handed to: the receiving team's first stage holds the wait until someone picks
    the work up, which is where a manual pass-on shows its cost (a QC result that reaches
    customer service a day later shows as a day in ``qc result pending``).

    Parameters
    ----------
    events : DataFrame
        Canonical events; order, duplicates and durations as in
        :func:`~svcinsight.process.time_in_stage`.
    by : str
        The column that says who holds the ticket: ``"team"`` (default), or e.g.
        ``"agent_id"`` for hand-offs between people (the result keeps the column names
        ``from_team`` and ``to_team``, so the table has one shape whatever ``by`` is).
    by_stage : bool
        Also split by ``to_stage``, the stage handed to.
    resolution_stages : iterable of str
        Stages where a resolved ticket waits for the customer's confirmation or the
        automatic close (``resolved``). A hand-off into one is counted, but its time is
        not a delay of the hand-off, so it stays out of the hours (and of ``censored``).
    as_of, calendar, terminal_stages
        As for :func:`~svcinsight.process.stage_stats`.

    Returns
    -------
    DataFrame
        ``from_team, to_team, [to_stage,] count, tickets, censored, median_hours,
        p90_hours, total_hours``: hand-offs, distinct tickets, hand-offs whose receiving
        stage is still running at ``as_of`` (counted, not in the hours), and the time in
        the receiving stage over the others. Sorted by ``count``, largest first.

    Examples
    --------
    >>> import pandas as pd
    >>> ts = lambda s: pd.Timestamp(s, tz="Asia/Shanghai")
    >>> events = pd.DataFrame({
    ...     "ticket_id": ["R1"] * 4 + ["R2"] * 3,
    ...     "stage": ["qc inspection", "qc result pending", "refund", "closed",
    ...               "qc inspection", "qc result pending", "refund"],
    ...     "team": ["qc", "service", "payments", "service", "qc", "service", "payments"],
    ...     "entered_at": [ts("2026-05-06 09:00"), ts("2026-05-06 12:00"), ts("2026-05-07 18:00"),
    ...                    ts("2026-05-07 20:00"), ts("2026-05-08 09:00"), ts("2026-05-08 10:00"),
    ...                    ts("2026-05-09 10:00")]})
    >>> handoffs(events, as_of="2026-05-09 12:00", terminal_stages={"closed"})[
    ...     ["from_team", "to_team", "count", "censored", "median_hours"]]
      from_team   to_team  count  censored  median_hours
    0        qc   service      2         0          27.0
    1   service  payments      2         1           2.0
    2  payments   service      1         0           NaN
    """
    timed = time_in_stage(events, as_of=as_of, calendar=calendar, terminal_stages=terminal_stages)
    return handoffs_from_timed(timed, by=by, by_stage=by_stage, resolution_stages=resolution_stages)


def handoff_mask(timed: pd.DataFrame, by: str = "team") -> np.ndarray:
    """True on each event that receives a hand-off (its holder differs from the previous
    event's, same ticket, both known)."""
    if by not in timed.columns:
        raise ValueError(f"events have no {by!r} column to find hand-offs on; pass by= another column"
                         " (e.g. by='agent_id')")
    holder, _ = codes(timed[by])
    mask = np.zeros(len(timed), dtype=bool)
    if len(timed) > 1:
        same_ticket = ~timed["is_last"].to_numpy()[:-1]
        mask[1:] = same_ticket & (holder[1:] >= 0) & (holder[:-1] >= 0) & (holder[1:] != holder[:-1])
    return mask


def handoffs_from_timed(timed: pd.DataFrame, *, by: str = "team", by_stage: bool = False,
                        resolution_stages: Iterable[str] = ()) -> pd.DataFrame:
    """:func:`handoffs` on a frame already through :func:`time_in_stage`."""
    key_cols = ["from_team", "to_team"] + (["to_stage"] if by_stage else [])
    receive = np.flatnonzero(handoff_mask(timed, by))
    if len(receive) == 0:
        return _empty(key_cols)
    holder, holders = codes(timed[by])
    stage, stages = codes(timed["stage"])
    keys = [holder[receive - 1], holder[receive]] + ([stage[receive]] if by_stage else [])
    group, first = combine(*keys)
    k = len(first)
    resting = np.isin(stage[receive], np.flatnonzero(stages.isin(list(resolution_stages))))
    hours = np.where(resting, np.nan, timed["hours"].to_numpy()[receive])
    censored = timed["censored"].to_numpy()[receive] & ~resting
    out = pd.DataFrame({
        "from_team": holders.take(keys[0][first]).array,
        "to_team": holders.take(keys[1][first]).array,
    })
    if by_stage:
        out["to_stage"] = stages.take(keys[2][first]).array
    out["count"] = np.bincount(group, minlength=k)
    out["tickets"] = count_distinct(group, ticket_number(timed)[receive], k)
    out["censored"] = np.bincount(group, weights=censored, minlength=k).astype(np.int64)
    out["median_hours"] = median_by(hours, group, k)
    out["p90_hours"] = median_by(hours, group, k, q=0.9)
    known = ~np.isnan(hours)
    out["total_hours"] = np.bincount(group[known], weights=hours[known], minlength=k)
    return out.sort_values(["count", *key_cols], ascending=[False] + [True] * len(key_cols),
                           kind="stable").reset_index(drop=True)


def _empty(key_cols: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.array([], dtype="string") for c in key_cols})
    for c in ("count", "tickets", "censored"):
        frame[c] = np.array([], dtype=np.int64)
    for c in ("median_hours", "p90_hours", "total_hours"):
        frame[c] = np.array([], dtype=float)
    return frame
