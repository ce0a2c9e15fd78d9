"""Rework: tickets entering a stage they have already been in."""

from __future__ import annotations

import numpy as np
import pandas as pd

from svcinsight.process._codes import codes, combine, count_distinct
from svcinsight.process.durations import ticket_number, time_in_stage


def rework(events: pd.DataFrame, *, as_of=None) -> pd.DataFrame:
    """Rework per stage: how many tickets came back to it, and how many extra visits.

    Rework is a ticket entering a stage it has already been in (DESIGN.md), whatever
    happened in between, including straight repeats of the same stage at a later instant.
    Exact duplicate rows are one event (see :func:`~svcinsight.process.time_in_stage`),
    so a double recording is not rework.

    Parameters
    ----------
    events : DataFrame
        Canonical events (``ticket_id, stage, entered_at``).
    as_of : Timestamp or str, optional
        Only events entered by then count.

    Returns
    -------
    DataFrame
        ``stage``; ``tickets`` that entered it; ``tickets_with_rework``, those that entered
        it more than once; ``rework_share`` = tickets_with_rework / tickets;
        ``extra_visits`` = visits - tickets (every entry after a ticket's first);
        ``returns_from``, the stage most re-entries come from (empty without rework).
        One row per stage, most extra visits first.

    Examples
    --------
    >>> import pandas as pd
    >>> ts = lambda h: pd.Timestamp("2026-04-01", tz="Asia/Shanghai") + pd.Timedelta(hours=h)
    >>> events = pd.DataFrame({
    ...     "ticket_id": ["L1"] * 6 + ["L2"] * 3,
    ...     "stage": ["check", "review", "await docs", "check", "review", "review",
    ...               "check", "review", "decision"],
    ...     "entered_at": [ts(h) for h in (0, 1, 2, 30, 31, 33, 0, 2, 3)]})
    >>> rework(events)[["stage", "tickets_with_rework", "extra_visits", "returns_from"]]
            stage  tickets_with_rework  extra_visits returns_from
    0      review                    1             2        check
    1       check                    1             1   await docs
    2  await docs                    0             0         <NA>
    3    decision                    0             0         <NA>
    """
    timed = time_in_stage(events, as_of=as_of, terminal_stages=())
    return rework_from_timed(timed)


def reentry_mask(timed: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """(re-entry flag per event, stage code per event, stage names) for a timed frame."""
    code, names = codes(timed["stage"])
    ticket = ticket_number(timed)
    width = int(ticket.max()) + 1 if len(ticket) else 1
    pair = code * width + ticket
    # Stable sort keeps each (stage, ticket) pair's visits in time order: every visit
    # after the pair's first is a re-entry.
    order = np.argsort(pair, kind="stable")
    repeat = np.zeros(len(pair), dtype=bool)
    if len(pair) > 1:
        repeat[order[1:]] = pair[order][1:] == pair[order][:-1]
    return repeat, code, names


def rework_from_timed(timed: pd.DataFrame) -> pd.DataFrame:
    """:func:`rework` on a frame already through :func:`time_in_stage`."""
    if timed.empty:
        return pd.DataFrame({
            "stage": pd.array([], dtype="string"), "tickets": np.array([], dtype=np.int64),
            "tickets_with_rework": np.array([], dtype=np.int64), "rework_share": np.array([], dtype=float),
            "extra_visits": np.array([], dtype=np.int64), "returns_from": pd.array([], dtype="string"),
        })
    repeat, code, names = reentry_mask(timed)
    k = len(names)
    extra = np.bincount(code[repeat], minlength=k)
    tickets = np.bincount(code, minlength=k) - extra
    with_rework = count_distinct(code[repeat], ticket_number(timed)[repeat], k)

    # A re-entry is never a ticket's first event, so the row before it is its own ticket's.
    back = np.flatnonzero(repeat)
    group, first = combine(code[back], code[back - 1])
    n = np.bincount(group)
    came = pd.DataFrame({"stage": code[back][first], "previous": code[back - 1][first], "n": n})
    top = (came.sort_values(["stage", "n", "previous"], ascending=[True, False, True], kind="stable")
           .drop_duplicates("stage").set_index("stage")["previous"].reindex(range(k)))
    returns_from = np.where(top.notna(), names.to_numpy(dtype=object)[top.fillna(0).astype(int)], None)

    out = pd.DataFrame({
        "stage": names.array, "tickets": tickets,
        "tickets_with_rework": with_rework, "rework_share": with_rework / tickets,
        "extra_visits": extra,
        "returns_from": pd.array(returns_from, dtype="string"),
    })
    return out.sort_values(["extra_visits", "tickets_with_rework", "stage"],
                           ascending=[False, False, True], kind="stable").reset_index(drop=True)
