"""Waiting versus working: how much of a ticket's time in the process is someone working
on it, and how much is it waiting (for the customer, a part, another team's queue).

The data tells the two apart in two ways, and both are used where present:

- **waiting stages**: stages that are a wait by nature ("awaiting customer", "pending
  parts", "Wait", "等待客户补充材料"). Named in params (``process.waiting_stages``) or,
  when params name none, recognised by words in the stage name (:data:`WAITING_WORDS`);
  the table says which rule classed them.
- **gaps between stages**: when events carry ``left_at``, the time from leaving one stage
  to entering the next belongs to no stage; it is queue time between stages.

Everything else a ticket spends in a non-terminal stage is working time. The resting
terminal stage of a finished ticket and the censored last stage of an open one carry no
known duration and are left out, as in :func:`~svcinsight.process.stage_stats`.

Examples
--------
>>> import pandas as pd
>>> ts = lambda h: pd.Timestamp("2026-05-04 09:00", tz="Asia/Shanghai") + pd.Timedelta(hours=h)
>>> events = pd.DataFrame({
...     "ticket_id": ["A"] * 4 + ["B"] * 3,
...     "stage": ["new", "awaiting customer", "in progress", "resolved",
...               "new", "in progress", "resolved"],
...     "entered_at": [ts(0), ts(1), ts(7), ts(9), ts(0), ts(2), ts(4)]})
>>> split = waiting_vs_working(events, terminal_stages={"resolved"})
>>> split[["kind", "visits", "total_hours", "share_of_time"]].round(3)
                     kind  visits  total_hours  share_of_time
0                 working       4          7.0          0.538
1        waiting in stage       1          6.0          0.462
2  waiting between stages       0          0.0          0.000
>>> split.loc[0, "stages"]
'in progress, new'
>>> split.attrs["waiting_rule"]
'stage names'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from svcinsight.process.durations import time_in_stage

#: Words (English and Chinese) that mark a stage as a wait when params name no waiting stages.
WAITING_WORDS = ("wait", "awaiting", "pending", "on hold", "hold", "queue", "queued", "paused",
                 "suspended", "等待", "待", "挂起", "暂停", "排队")

_WORD = re.compile(r"(?<![a-z])(" + "|".join(re.escape(w) for w in WAITING_WORDS if w.isascii())
                   + r")(?![a-z])")

KINDS = ("working", "waiting in stage", "waiting between stages")


def is_waiting_stage(name: str) -> bool:
    """Whether a stage's name says it is a wait (see :data:`WAITING_WORDS`).

    >>> [is_waiting_stage(s) for s in ("Wait", "awaiting customer", "qc result pending",
    ...                                "Take in charge ticket", "等待客户补充材料", "housing review")]
    [True, True, True, False, True, False]
    """
    text = str(name).lower()
    return bool(_WORD.search(text)) or any(w in text for w in WAITING_WORDS if not w.isascii())


def waiting_stages_of(stages: Iterable[str], waiting_stages: Iterable[str] | None = None) -> tuple[frozenset, str]:
    """The stages classed as waits and the rule that classed them.

    ``waiting_stages`` given (params): exactly those, rule ``"params"``; a named stage
    that is not in the data is an error, since it is most likely misspelt.

    >>> waiting_stages_of(["new", "Wait", "resolved"])
    (frozenset({'Wait'}), 'stage names')
    >>> waiting_stages_of(["new", "parts"], ["parts"])
    (frozenset({'parts'}), 'params')
    """
    present = {str(s) for s in stages}
    if waiting_stages is None:
        return frozenset(s for s in present if is_waiting_stage(s)), "stage names"
    named = {str(s) for s in waiting_stages}
    missing = sorted(named - present)
    if missing:
        raise ValueError(f"process.waiting_stages names stages the events do not have: {missing}; "
                         f"the stages are: {sorted(present)}")
    return frozenset(named), "params"


def waiting_vs_working(
    events: pd.DataFrame,
    *,
    waiting_stages: Iterable[str] | None = None,
    as_of=None,
    calendar=None,
    terminal_stages: Iterable[str] | None = None,
    resolution_stages: Iterable[str] = (),
) -> pd.DataFrame:
    """The process's time split into working, waiting in a stage and waiting between stages.

    Parameters
    ----------
    events : DataFrame
        Canonical events (``ticket_id, stage, entered_at``; ``left_at`` optional).
    waiting_stages : iterable of str, optional
        Stages that are waits; default: recognised by their names (:func:`is_waiting_stage`).
    as_of, calendar, terminal_stages
        As for :func:`~svcinsight.process.time_in_stage`.
    resolution_stages : iterable of str
        Stages that mark the ticket resolved ("resolved"): time spent in them waits on the
        customer's confirmation or an automatic close, not on the service, and is left out.

    Returns
    -------
    DataFrame
        One row per kind (``working``, ``waiting in stage``, ``waiting between stages``):
        ``stages`` (the stages of that kind, most time first), ``visits`` (stage visits, or
        gaps, with a known duration), ``tickets``, ``total_hours``, ``share_of_time`` (of
        the three kinds' total) and ``median_hours_per_ticket`` (over the tickets with any
        time of that kind). ``attrs["waiting_rule"]`` says how waiting stages were found
        (``"params"`` or ``"stage names"``).
    """
    timed = time_in_stage(events, as_of=as_of, calendar=calendar, terminal_stages=terminal_stages)
    waits, rule = waiting_stages_of(timed["stage"].dropna().unique(), waiting_stages)
    stage = timed["stage"].astype("string")
    known = timed["hours"].notna().to_numpy() & ~stage.isin(set(resolution_stages)).fillna(False).to_numpy(dtype=bool)
    waiting = stage.isin(waits).fillna(False).to_numpy(dtype=bool)
    ticket, _ = pd.factorize(timed["ticket_id"])
    hours = timed["hours"].to_numpy(dtype=float)

    gap_hours = _gaps(timed, calendar)
    rows = []
    for kind, mask, values in (("working", known & ~waiting, hours),
                               ("waiting in stage", known & waiting, hours),
                               ("waiting between stages", gap_hours > 0, gap_hours)):
        picked = pd.Series(values[mask])
        per_ticket = picked.groupby(ticket[mask]).sum()
        if kind == "waiting between stages":
            names = ""
        else:
            by_stage = picked.groupby(stage.to_numpy()[mask]).sum().sort_values(ascending=False, kind="stable")
            names = ", ".join(str(s) for s in by_stage.index)
        rows.append({"kind": kind, "stages": names, "visits": int(mask.sum()),
                     "tickets": int(per_ticket.size), "total_hours": float(picked.sum()),
                     "median_hours_per_ticket": float(per_ticket.median()) if per_ticket.size else np.nan})
    table = pd.DataFrame(rows)
    total = table["total_hours"].sum()
    table["share_of_time"] = table["total_hours"] / total if total > 0 else np.nan
    table = table[["kind", "stages", "visits", "tickets", "total_hours", "share_of_time",
                   "median_hours_per_ticket"]]
    table.attrs["waiting_rule"] = rule
    table.attrs["waiting_stages"] = sorted(waits)
    return table


def _gaps(timed: pd.DataFrame, calendar) -> np.ndarray:
    """Hours from a stage's ``left_at`` to the ticket's next entry (0 where none)."""
    if "left_at" not in timed.columns or not len(timed):
        return np.zeros(len(timed))
    left = timed["left_at"]
    following = timed["entered_at"].shift(-1)
    same_ticket = (timed["ticket_id"].shift(-1) == timed["ticket_id"]).fillna(False).to_numpy(dtype=bool)
    usable = same_ticket & left.notna().to_numpy() & (following > left).fillna(False).to_numpy(dtype=bool)
    gaps = np.zeros(len(timed))
    if usable.any():
        start, end = left[usable], following[usable]
        if calendar is not None:
            gaps[usable] = np.asarray(calendar.hours_between(start, end), dtype=float)
        else:
            gaps[usable] = (end - start).dt.total_seconds().to_numpy() / 3600.0
    return gaps
