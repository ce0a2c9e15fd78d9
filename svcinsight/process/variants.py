"""The main paths (variants): which stage sequences tickets follow, and how long they take."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from svcinsight.process._codes import codes
from svcinsight.process.durations import _NS_PER_HOUR, _ns, ticket_number, time_in_stage

#: Joins the stages of a path in the ``variant`` column.
ARROW = " → "


def variants(
    events: pd.DataFrame,
    top: int | None = 10,
    *,
    include_open: bool = False,
    as_of=None,
    calendar=None,
    terminal_stages: Iterable[str] | None = None,
) -> pd.DataFrame:
    """The most common stage sequences, their share of tickets and their cycle time.

    Parameters
    ----------
    events : DataFrame
        Canonical events; order and duplicates as in
        :func:`~svcinsight.process.time_in_stage`.
    top : int or None
        How many variants to return (None: all).
    include_open : bool
        Also count open tickets, by the path they have taken so far. By default only
        finished tickets count: an open ticket's path is not yet a variant.
    as_of, calendar, terminal_stages
        As for :func:`~svcinsight.process.stage_stats`.

    Returns
    -------
    DataFrame
        ``variant`` (stages joined by " → "), ``steps`` (events in the path),
        ``tickets``, ``share`` (of the tickets counted), ``cumulative_share`` and
        ``median_cycle_hours``: first event to the entry into the terminal stage, over
        the variant's finished tickets (NaN when it has none). Most common first.

    Examples
    --------
    >>> import pandas as pd
    >>> ts = lambda h: pd.Timestamp("2026-04-01", tz="Asia/Shanghai") + pd.Timedelta(hours=h)
    >>> events = pd.DataFrame({
    ...     "ticket_id": ["A"] * 3 + ["B"] * 3 + ["C"] * 4 + ["D"] * 2,
    ...     "stage": ["new", "work", "closed"] * 2 + ["new", "work", "work", "closed", "new", "work"],
    ...     "entered_at": [ts(h) for h in (0, 1, 3, 0, 2, 6, 0, 1, 2, 9, 0, 1)]})
    >>> variants(events, terminal_stages={"closed"})[["variant", "tickets", "share", "median_cycle_hours"]]
                          variant  tickets     share  median_cycle_hours
    0         new → work → closed        2  0.666667                 4.5
    1  new → work → work → closed        1  0.333333                 9.0
    """
    timed = time_in_stage(events, as_of=as_of, calendar=calendar, terminal_stages=terminal_stages)
    return variants_from_timed(timed, top=top, include_open=include_open, calendar=calendar)


def variants_from_timed(timed: pd.DataFrame, *, top: int | None = 10, include_open: bool = False,
                        calendar=None) -> pd.DataFrame:
    """:func:`variants` on a frame already through :func:`time_in_stage`."""
    if not include_open:
        timed = timed[timed["finished"].to_numpy()]
    if timed.empty:
        return pd.DataFrame({
            "variant": pd.array([], dtype="string"), "steps": np.array([], dtype=np.int64),
            "tickets": np.array([], dtype=np.int64), "share": np.array([], dtype=float),
            "cumulative_share": np.array([], dtype=float), "median_cycle_hours": np.array([], dtype=float),
        })
    code, names = codes(timed["stage"])
    ticket = ticket_number(timed) if include_open else _renumber(ticket_number(timed))
    position = timed["position"].to_numpy()
    n_tickets = int(ticket.max()) + 1
    unique_paths, variant_of, tickets = _paths(code, ticket, position)
    starts = timed["entered_at"][position == 0].reset_index(drop=True)
    last_rows = timed[timed["is_last"].to_numpy()]
    ends = last_rows["entered_at"].reset_index(drop=True)
    finished = last_rows["finished"].to_numpy()
    if calendar is None:
        cycle = (_ns(ends) - _ns(starts)) / _NS_PER_HOUR
    else:
        cycle = np.asarray(calendar.hours_between(starts, ends), dtype=float)
    cycle = np.where(finished, cycle, np.nan)
    median_cycle = pd.Series(cycle).groupby(variant_of).median().reindex(range(len(unique_paths)))

    out = pd.DataFrame({
        "path": np.arange(len(unique_paths)),
        "steps": (unique_paths >= 0).sum(axis=1).astype(np.int64),
        "tickets": tickets.astype(np.int64),
        "share": tickets / n_tickets,
        "median_cycle_hours": median_cycle.to_numpy(),
    })
    # Ties in volume go by first stage codes (names sort like codes), so the order is stable.
    order = np.lexsort((*unique_paths.T[::-1], -out["tickets"].to_numpy()))
    out = out.iloc[order].reset_index(drop=True)
    out.insert(4, "cumulative_share", out["share"].cumsum())
    if top is not None:
        out = out.head(top)
    # Labels only for the rows returned: there can be thousands of rare paths.
    labels = [ARROW.join(names[c] for c in unique_paths[i] if c >= 0) for i in out["path"]]
    out.insert(0, "variant", pd.array(labels, dtype="string"))
    return out.drop(columns="path")


def main_path(timed: pd.DataFrame) -> list[str]:
    """The stages of the most common path of finished tickets (of all tickets if none is
    finished), in order, each stage once."""
    done = timed[timed["finished"].to_numpy()]
    rows = done if len(done) else timed
    if rows.empty:
        return []
    code, names = codes(rows["stage"])
    unique_paths, _, tickets = _paths(code, _renumber(ticket_number(rows)), rows["position"].to_numpy())
    top = unique_paths[int(np.argmax(tickets))]
    return list(dict.fromkeys(str(names[c]) for c in top if c >= 0))


def _paths(code: np.ndarray, ticket: np.ndarray, position: np.ndarray):
    """Distinct stage sequences: (padded code rows, path of each ticket, tickets per path)."""
    # One padded row of stage codes per ticket; identical rows are one variant.
    paths = np.full((int(ticket.max()) + 1, int(position.max()) + 1), -1, dtype=np.int32)
    paths[ticket, position] = code
    return _unique_rows(paths)


def _unique_rows(paths: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(distinct rows in lexicographic order, row id of each input row, count per row)."""
    # np.unique(axis=0) sorts rows as opaque bytes and is several times slower than a
    # lexsort over the few columns a path has.
    order = np.lexsort(paths.T[::-1])
    ordered = paths[order]
    opens = np.r_[True, (ordered[1:] != ordered[:-1]).any(axis=1)]
    sorted_id = np.cumsum(opens) - 1
    row_id = np.empty(len(paths), dtype=np.int64)
    row_id[order] = sorted_id
    return ordered[opens], row_id, np.bincount(sorted_id)


def _renumber(ticket: np.ndarray) -> np.ndarray:
    """Consecutive ticket numbers after rows of some tickets were left out."""
    if len(ticket) == 0:
        return ticket
    return np.r_[0, np.cumsum(ticket[1:] != ticket[:-1])]
