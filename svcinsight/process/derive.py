"""A tickets table from an event log, so that event-log-only sources get the metrics too."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from svcinsight.process.durations import ticket_number, time_in_stage


def derive_tickets(
    events: pd.DataFrame,
    *,
    resolution_stages: Iterable[str],
    first_response_stages: Iterable[str] | None = None,
    closed_stages: Iterable[str] | None = None,
    as_of=None,
) -> pd.DataFrame:
    """One canonical ticket row per ticket of an event log.

    Parameters
    ----------
    events : DataFrame
        Canonical events (order and duplicates as in
        :func:`~svcinsight.process.time_in_stage`).
    resolution_stages : iterable of str
        Stages that resolve the ticket (``resolved``; ``Resolve ticket``).
    first_response_stages : iterable of str, optional
        Stages that answer the customer (``Take in charge ticket``). Default: the
        ticket's second event, whatever its stage (the first move after creation).
    closed_stages : iterable of str, optional
        Stages that close the ticket; default the inferred terminal stages.
    as_of : Timestamp or str, optional
        Only events entered by then count; default the latest timestamp.

    Returns
    -------
    DataFrame
        Canonical ticket columns, one row per ticket in order of first appearance:

        ``ticket_id``
        ``created_at``
            the ticket's first event.
        ``first_response_at``
            first entry into a response stage, or a resolution or closed stage if that
            comes first (a resolution answers the customer too); NaT if none.
        ``first_resolved_at``
            first entry into a resolution or closed stage (not a canonical column; the
            first resolution, kept for "creation -> first resolution").
        ``resolved_at``
            the final resolution: the start of the run of resolution and closed stages
            that ends the ticket's path (a closed ticket never marked resolved is
            resolved when closed); NaT while the ticket is open.
        ``closed_at``
            the start of the run of closed stages that ends the path; NaT unless closed.
        ``status``
            ``closed`` (last stage a closed stage), ``resolved`` (a resolution stage) or
            ``open``.
        ``reopened``
            times the ticket left a resolution or closed stage for any other stage (a
            reopen: work resumed after the customer was told it was done).
        ``agent_id``, ``team``
            of the event that started the final resolution; for open tickets the last
            known value.

        ``contacts`` is not derived (an event log does not say which events were
        customer contacts), so first-contact resolution counts reopens only.

    Examples
    --------
    >>> import pandas as pd
    >>> ts = lambda h: pd.Timestamp("2026-04-01 09:00", tz="Europe/Rome") + pd.Timedelta(hours=h)
    >>> events = pd.DataFrame({
    ...     "ticket_id": ["A"] * 5 + ["B"] * 2,
    ...     "stage": ["Assign", "Take in charge", "Resolve", "Take in charge", "Resolve",
    ...               "Assign", "Wait"],
    ...     "entered_at": [ts(h) for h in (0, 2, 5, 30, 33, 1, 4)],
    ...     "agent_id": ["v1", "v2", "v2", "v3", "v3", "v1", "v4"]})
    >>> t = derive_tickets(events, resolution_stages={"Resolve"},
    ...                    first_response_stages={"Take in charge"}, closed_stages={"Closed"})
    >>> t[["ticket_id", "status", "reopened", "agent_id"]]
      ticket_id    status  reopened agent_id
    0         A  resolved         1       v3
    1         B      open         0       v4
    >>> ((t["resolved_at"] - t["created_at"]) / pd.Timedelta(hours=1)).tolist()
    [33.0, nan]
    """
    resolution = set(resolution_stages)
    timed = time_in_stage(events, as_of=as_of, terminal_stages=closed_stages)
    closed = set(timed.attrs["terminal_stages"]) if closed_stages is None else set(closed_stages)
    tz = events["entered_at"].dt.tz
    if timed.empty:
        return _empty(tz)

    stage = timed["stage"]
    is_closed = stage.isin(closed).to_numpy()
    is_done = stage.isin(resolution).to_numpy() | is_closed
    entered = timed["entered_at"].reset_index(drop=True)
    ticket = ticket_number(timed)
    n_tickets = int(ticket[-1]) + 1
    position = timed["position"].to_numpy()
    is_last = timed["is_last"].to_numpy()
    start = np.flatnonzero(position == 0)
    last = np.flatnonzero(is_last)

    if first_response_stages is None:
        answers = position == 1
    else:
        answers = stage.isin(set(first_response_stages)).to_numpy() | is_done

    first_response = _first_where(answers, ticket, n_tickets)
    first_done = _first_where(is_done, ticket, n_tickets)
    # The final run: the events after the ticket's last event that is neither a
    # resolution nor a closure. Its first row is the final resolution.
    run_start = _after_last_where(~is_done, ticket, start, n_tickets)
    close_start = _after_last_where(~is_closed, ticket, start, n_tickets)
    last_stage_done = is_done[last]
    last_stage_closed = is_closed[last]

    reopen = np.zeros(len(timed), dtype=bool)
    reopen[:-1] = is_done[:-1] & ~is_done[1:] & ~is_last[:-1]
    reopened = np.bincount(ticket[reopen], minlength=n_tickets)

    status = np.where(last_stage_closed, "closed", np.where(last_stage_done, "resolved", "open"))
    resolved_row = np.where(last_stage_done, run_start, -1)
    closed_row = np.where(last_stage_closed, close_start, -1)

    out = pd.DataFrame({"ticket_id": pd.array(timed["ticket_id"].to_numpy()[start], dtype="string")})
    out["created_at"] = _take(entered, start)
    out["first_response_at"] = _take(entered, first_response)
    out["first_resolved_at"] = _take(entered, first_done)
    out["resolved_at"] = _take(entered, resolved_row)
    out["closed_at"] = _take(entered, closed_row)
    out["status"] = pd.array(status, dtype="string")
    out["reopened"] = pd.array(reopened, dtype="Int64")
    for column in ("agent_id", "team"):
        if column in timed.columns:
            known_row = _last_known(timed[column], ticket, start)
            row = np.where(resolved_row >= 0, resolved_row, known_row[last])
            values = timed[column].astype("string").to_numpy()
            out[column] = pd.array(np.where(row >= 0, values[np.maximum(row, 0)], None), dtype="string")
    return out


def _first_where(flag: np.ndarray, ticket: np.ndarray, n_tickets: int) -> np.ndarray:
    """Row of each ticket's first flagged event, -1 where none (rows grouped by ticket)."""
    rows = np.flatnonzero(flag)
    owner = ticket[rows]
    opens = np.r_[True, owner[1:] != owner[:-1]] if len(rows) else np.array([], dtype=bool)
    first = np.full(n_tickets, -1, dtype=np.int64)
    first[owner[opens]] = rows[opens]
    return first


def _after_last_where(flag: np.ndarray, ticket: np.ndarray, start: np.ndarray, n_tickets: int) -> np.ndarray:
    """Row just after each ticket's last flagged event (its first row if none is flagged)."""
    rows = np.flatnonzero(flag)
    owner = ticket[rows]
    closes = np.r_[owner[1:] != owner[:-1], True] if len(rows) else np.array([], dtype=bool)
    after = start.astype(np.int64).copy()
    after[owner[closes]] = rows[closes] + 1
    return after


def _last_known(values: pd.Series, ticket: np.ndarray, start: np.ndarray) -> np.ndarray:
    """For every row, the row of the latest non-missing value of its ticket so far (-1: none)."""
    index = np.where(values.notna().to_numpy(), np.arange(len(values)), -1)
    running = np.maximum.accumulate(index) if len(index) else index
    # The running maximum crosses tickets; a row from an earlier ticket means none yet.
    return np.where(running >= start[ticket], running, -1)


def _take(stamps: pd.Series, rows: np.ndarray) -> pd.Series:
    picked = stamps.iloc[np.maximum(rows, 0)].reset_index(drop=True)
    return picked.where(pd.Series(rows >= 0)).astype(stamps.dtype)


def _empty(tz) -> pd.DataFrame:
    stamp = pd.DatetimeTZDtype("ns", tz) if tz is not None else "datetime64[ns]"
    return pd.DataFrame({
        "ticket_id": pd.array([], dtype="string"),
        **{c: pd.Series([], dtype=stamp) for c in
           ("created_at", "first_response_at", "first_resolved_at", "resolved_at", "closed_at")},
        "status": pd.array([], dtype="string"), "reopened": pd.array([], dtype="Int64"),
    })
