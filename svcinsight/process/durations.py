"""Time in stage, event by event: the one place the events table's time semantics live.

Every other module of :mod:`svcinsight.process` starts from :func:`time_in_stage`, so
the rules below hold everywhere (they are DESIGN.md's "events" rules made precise):

Order
    Events are ordered by ticket, then ``entered_at``; events of one ticket at the same
    instant keep their order in the input (a stable sort). Tickets come in the order of
    their first row.
Duplicates
    Rows equal in every canonical column (``ticket_id, stage, entered_at, left_at, team,
    agent_id``, those present) are one event recorded twice: the first is kept. A double
    recording carries no time and is not a re-entry, so it must not add a zero-hour visit
    or count as rework. Rows that differ in any of those columns are all kept.
Time in stage
    ``left_at - entered_at`` where ``left_at`` is given, else the next ``entered_at`` of
    the same ticket minus this one. Given a business calendar, the working hours between
    the two instants instead.
Finished tickets and censoring
    A ticket is finished when its last event is a terminal stage. Terminal stages are
    passed in (``terminal_stages``) or inferred as the stages where more than half of
    the visits are the last event of their ticket (``closed`` in the demo, ``Closed`` in
    the help-desk log; a stage that only sometimes ends a path, such as ``resolved``
    waiting for closure, is not terminal). The last stage of a finished ticket has no
    duration (the ticket rests there). The last stage of an open ticket is *censored*:
    its time runs on to ``as_of``, so ``hours`` is unknown and ``hours_so_far`` holds
    the time until ``as_of``, a lower bound.
``as_of``
    The instant the data describes (default: the latest timestamp in it). Events entered
    after it have not happened yet and are left out; a ``left_at`` after it is unknown.

Examples
--------
>>> import pandas as pd
>>> ts = lambda s: pd.Timestamp(s, tz="Asia/Shanghai")
>>> events = pd.DataFrame({
...     "ticket_id": ["T1", "T1", "T1", "T2", "T2"],
...     "stage": ["new", "review", "closed", "new", "review"],
...     "entered_at": [ts("2026-03-02 09:00"), ts("2026-03-02 10:00"), ts("2026-03-02 13:00"),
...                    ts("2026-03-02 09:30"), ts("2026-03-02 11:30")]})
>>> timed = time_in_stage(events, as_of=ts("2026-03-02 14:30"))
>>> timed[["ticket_id", "stage", "hours", "censored", "hours_so_far"]]
  ticket_id   stage  hours  censored  hours_so_far
0        T1     new    1.0     False           NaN
1        T1  review    3.0     False           NaN
2        T1  closed    NaN     False           NaN
3        T2     new    2.0     False           NaN
4        T2  review    NaN      True           3.0
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from svcinsight import schema

#: Columns whose equality makes two rows one event recorded twice.
_IDENTITY = schema.EVENTS.names

#: A stage is inferred terminal when more than this share of its visits end their ticket.
TERMINAL_SHARE = 0.5

_NS_PER_HOUR = 3_600_000_000_000


def time_in_stage(
    events: pd.DataFrame,
    *,
    as_of=None,
    calendar=None,
    terminal_stages: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Each event with its time in stage, ordered by ticket and time.

    Parameters
    ----------
    events : DataFrame
        Canonical events (``ticket_id, stage, entered_at``; ``left_at, team, agent_id``
        optional); timestamps timezone-aware, as :func:`svcinsight.io.read_events` gives
        them. Other columns are carried along.
    as_of : Timestamp or str, optional
        The instant the data describes; default the latest ``entered_at`` or ``left_at``.
        A naive value is read in the events' time zone.
    calendar : BusinessCalendar, optional
        Count working hours on this calendar instead of elapsed hours.
    terminal_stages : iterable of str, optional
        Stages that end a ticket (closed, cancelled ...). Default: inferred, see Notes.

    Returns
    -------
    DataFrame
        The events (duplicates dropped, events after ``as_of`` left out) in ticket and
        time order with a fresh index, plus:

        ``position``
            0 for a ticket's first event, 1 for its second ...
        ``is_last``
            the ticket's last event (as of ``as_of``).
        ``finished``
            the ticket's last event is a terminal stage.
        ``hours``
            time in the stage; NaN for the resting last stage of a finished ticket and
            for a censored stage.
        ``censored``
            the last stage of an open ticket with no ``left_at``: still running.
        ``hours_so_far``
            for censored rows, the time from entry to ``as_of``; NaN otherwise.

        ``attrs`` records ``as_of``, ``terminal_stages`` and ``duplicates_dropped``.

    Notes
    -----
    See the module docstring for the order, duplicate, censoring and terminal rules.
    Inferring terminal stages needs finished tickets in the data; pass
    ``terminal_stages`` when the process names them, and always on small extracts.

    Examples
    --------
    Ties keep their input order, and a given ``left_at`` wins over the next entry:

    >>> import pandas as pd
    >>> ts = lambda s: pd.Timestamp(s, tz="UTC")
    >>> events = pd.DataFrame({
    ...     "ticket_id": ["A", "A", "A", "A"],
    ...     "stage": ["new", "triage", "work", "done"],
    ...     "entered_at": [ts("2026-01-05 08:00"), ts("2026-01-05 09:00"),
    ...                    ts("2026-01-05 09:00"), ts("2026-01-05 12:00")],
    ...     "left_at": [pd.NaT, pd.NaT, ts("2026-01-05 11:00"), pd.NaT]})
    >>> timed = time_in_stage(events, terminal_stages={"done"})
    >>> print(timed[["stage", "position", "hours"]].to_string(index=False))
     stage  position  hours
       new         0    1.0
    triage         1    0.0
      work         2    2.0
      done         3    NaN
    """
    frame = _checked(events)
    tz = frame["entered_at"].dt.tz
    as_of = _as_of(frame, as_of, tz)

    entered = _ns(frame["entered_at"])
    # Missing entry times cannot be placed in a path: such rows are not events.
    keep = (frame["entered_at"].notna() & frame["ticket_id"].notna() & frame["stage"].notna()).to_numpy()
    if as_of is not None:
        keep = keep & (entered <= as_of.value)
    if not keep.all():
        frame, entered = frame[keep], entered[keep]

    ticket_code, _ = pd.factorize(frame["ticket_id"], sort=False)
    # np.lexsort is stable: events of a ticket at the same instant keep their input order.
    order = np.lexsort((entered, ticket_code))
    frame = frame.take(order)
    entered, ticket_code = entered[order], ticket_code[order]

    frame, entered, ticket_code, dropped = _drop_duplicates(frame, entered, ticket_code)
    frame = frame.reset_index(drop=True)

    n = len(frame)
    same_as_next = np.zeros(n, dtype=bool)
    if n:
        same_as_next[:-1] = ticket_code[1:] == ticket_code[:-1]
    is_last = ~same_as_next
    starts = np.flatnonzero(np.r_[True, ~same_as_next[:-1]]) if n else np.array([], dtype=np.int64)
    position = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n]))

    next_entered = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    next_entered[:-1][same_as_next[:-1]] = entered[1:][same_as_next[:-1]]
    has_next = same_as_next.copy()

    if "left_at" in frame.columns:
        left = _ns(frame["left_at"])
        has_left = frame["left_at"].notna().to_numpy()
        if as_of is not None:
            has_left = has_left & (left <= as_of.value)
    else:
        left, has_left = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool)

    stage = frame["stage"]
    terminal = set(terminal_stages) if terminal_stages is not None else infer_terminal(stage, is_last)
    last_stage_terminal = stage.isin(terminal).to_numpy() & is_last
    ticket_finished = np.repeat(last_stage_terminal[is_last], np.diff(np.r_[starts, n])) if n else is_last

    has_end = has_left | has_next
    end = np.where(has_left, left, next_entered)
    censored = ~has_end & ~ticket_finished

    hours = np.full(n, np.nan)
    so_far = np.full(n, np.nan)
    if calendar is None:
        hours[has_end] = (end[has_end] - entered[has_end]) / _NS_PER_HOUR
        if as_of is not None:
            so_far[censored] = (as_of.value - entered[censored]) / _NS_PER_HOUR
    else:
        start_ts = frame["entered_at"]
        end_ts = pd.Series(pd.to_datetime(np.where(has_end, end, 0), utc=True), index=frame.index)
        hours[has_end] = np.asarray(calendar.hours_between(start_ts[has_end], end_ts[has_end]), dtype=float)
        if censored.any() and as_of is not None:
            so_far[censored] = np.asarray(calendar.hours_between(start_ts[censored], as_of), dtype=float)

    out = frame.assign(
        position=position.astype(np.int64), is_last=is_last, finished=ticket_finished,
        hours=hours, censored=censored, hours_so_far=so_far,
    )
    out.attrs = {"as_of": as_of, "terminal_stages": frozenset(terminal), "duplicates_dropped": dropped}
    return out


def infer_terminal(stage: pd.Series, is_last: np.ndarray) -> frozenset[str]:
    """Stages where more than half of the visits are the last event of their ticket.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> stage = pd.Series(["new", "resolved", "closed", "new", "resolved", "closed", "new", "resolved"])
    >>> sorted(infer_terminal(stage, np.array([0, 0, 1, 0, 0, 1, 0, 1], dtype=bool)))
    ['closed']
    """
    if len(stage) == 0:
        return frozenset()
    code, names = pd.factorize(stage, sort=True)
    visits = np.bincount(code, minlength=len(names))
    ends = np.bincount(code, weights=np.asarray(is_last, dtype=float), minlength=len(names))
    return frozenset(str(name) for name in names[ends > TERMINAL_SHARE * visits])


def _checked(events: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(events, pd.DataFrame):
        raise TypeError(f"events must be a DataFrame, not {type(events).__name__}")
    missing = [c for c in schema.EVENTS.required if c not in events.columns]
    if missing:
        raise ValueError(f"events need the columns {missing} (see svcinsight.schema.EVENTS)")
    for col in ("entered_at", "left_at"):
        if col in events.columns and not isinstance(events[col].dtype, pd.DatetimeTZDtype):
            if col == "left_at" and events[col].isna().all():
                continue
            raise ValueError(
                f"events.{col} must hold timezone-aware timestamps, not {events[col].dtype} "
                "(load the table with si.io.read_events, or tz_localize it)"
            )
    if "left_at" in events.columns and not isinstance(events["left_at"].dtype, pd.DatetimeTZDtype):
        events = events.drop(columns="left_at")
    return events


def _ns(stamps: pd.Series) -> np.ndarray:
    """Instants as int64 nanoseconds since the epoch (UTC); NaT as the int64 minimum."""
    return stamps.dt.as_unit("ns").array.asi8


def _as_of(frame: pd.DataFrame, as_of, tz) -> pd.Timestamp | None:
    if as_of is None:
        stamps = [frame["entered_at"].max()]
        if "left_at" in frame.columns:
            stamps.append(frame["left_at"].max())
        stamps = [s for s in stamps if not pd.isna(s)]
        return max(stamps) if stamps else None
    value = pd.Timestamp(as_of)
    return value.tz_localize(tz) if value.tzinfo is None else value


def _drop_duplicates(frame, entered, ticket_code):
    """Drop rows equal to an earlier row in every canonical column (ordered input)."""
    n = len(frame)
    if n < 2:
        return frame, entered, ticket_code, 0
    # Equal rows share ticket and entry time, so only rows tied on both can be equal.
    tie = (ticket_code[1:] == ticket_code[:-1]) & (entered[1:] == entered[:-1])
    candidate = np.zeros(n, dtype=bool)
    candidate[1:] |= tie
    candidate[:-1] |= tie
    if not candidate.any():
        return frame, entered, ticket_code, 0
    columns = [c for c in _IDENTITY if c in frame.columns]
    repeat = np.zeros(n, dtype=bool)
    repeat[candidate] = frame.iloc[np.flatnonzero(candidate)].duplicated(subset=columns).to_numpy()
    if not repeat.any():
        return frame, entered, ticket_code, 0
    keep = ~repeat
    return frame[keep], entered[keep], ticket_code[keep], int(repeat.sum())


def ticket_number(timed: pd.DataFrame) -> np.ndarray:
    """0, 1, 2 ... per ticket along a :func:`time_in_stage` frame (rows are grouped by ticket)."""
    is_last = timed["is_last"].to_numpy()
    number = np.zeros(len(timed), dtype=np.int64)
    if len(timed) > 1:
        number[1:] = np.cumsum(is_last[:-1])
    return number
