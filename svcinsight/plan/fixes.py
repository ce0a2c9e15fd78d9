"""The counterfactual: a unit's own tickets rewritten as if one problem were fixed.

A fix removes stretches of time from ticket timelines (*cuts*) and, for rework, customer
contacts and reopens; everything after a cut happens that much earlier. The rules:

``StageCap``
    every visit to the stage longer than ``hours`` ends after ``hours`` (a stage brought
    to its benchmark); with ``handoff_only`` only visits that arrive by a hand-off from
    another team (the hand-off delay removed).
``ReworkLoops``
    a ticket that came back to the stage goes on as if its first visit had been its
    last: the time from the end of the first visit to the end of the last is removed,
    each loop is one customer contact fewer, and a loop that passed through a
    resolution stage is one reopen fewer.
``ResponseAtTarget``
    a first response later than the priority's target comes at the target.

A cut ``[start, start + length)`` moves every later instant of its ticket ``length``
earlier and an instant inside it to ``start``; events wholly inside a cut did not
happen. Tickets still open keep their state (an open ticket's future is unknown), so
rates of resolved tickets never rise by the fix alone.

Examples
--------
>>> import pandas as pd
>>> ts = lambda h: pd.Timestamp("2026-03-02 09:00", tz="Asia/Shanghai") + pd.Timedelta(hours=h)
>>> tickets = pd.DataFrame({"ticket_id": ["T1"], "created_at": [ts(0)],
...                         "first_response_at": [ts(0.5)], "resolved_at": [ts(6)]})
>>> events = pd.DataFrame({"ticket_id": ["T1"] * 4, "stage": ["new", "review", "reply", "closed"],
...                        "entered_at": [ts(0), ts(0.5), ts(4.5), ts(6)]})
>>> state = State.build(tickets, events, terminal_stages={"closed"})
>>> fixed = apply(state, [StageCap("review", 1.0)])
>>> fixed.tickets["resolved_at"].iloc[0] - tickets["resolved_at"].iloc[0]
Timedelta('-1 days +21:00:00')
>>> fixed.timeline.hours.tolist()[:3]
[0.5, 1.0, 1.5]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from svcinsight import config
from svcinsight.process.durations import time_in_stage

_NS_PER_HOUR = 3_600_000_000_000
#: Tickets' timestamps a fix moves (created_at and due_at stay where they are).
MOVED_STAMPS = ("first_response_at", "resolved_at", "closed_at")
#: Ticket counts a fix lowers (rework loops: contacts and reopens).
LOWERED_COUNTS = ("contacts", "reopened")


def _ns(stamps: pd.Series) -> np.ndarray:
    array = stamps.array
    if array.unit != "ns":
        array = array.as_unit("ns")
    return array.asi8.copy()


def positions(ids: pd.Series, of: pd.Series) -> np.ndarray:
    """The position in ``of`` (distinct ticket ids) of each of ``ids``, -1 where it is not
    there: ``pd.Index(of).get_indexer(ids)``, in Arrow when both are Arrow strings.

    >>> positions(pd.Series(["b", "x", "a"], dtype="string[pyarrow]"),
    ...           pd.Series(["a", "b"], dtype="string[pyarrow]")).tolist()
    [1, -1, 0]
    """
    known, wanted = getattr(of.array, "_pa_array", None), getattr(ids.array, "_pa_array", None)
    if known is not None and wanted is not None:
        try:
            if isinstance(known, pa.ChunkedArray):
                known = known.combine_chunks()
            if (pa.types.is_string(known.type) or pa.types.is_large_string(known.type)) \
                    and known.null_count == 0 and pc.count_distinct(known).as_py() == len(known):
                found = pc.index_in(wanted, value_set=known).fill_null(-1)
                return found.to_numpy(zero_copy_only=False).astype(np.int64)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            pass
    return pd.Index(of).get_indexer(ids).astype(np.int64)


def _stamps(ns: np.ndarray, tz) -> pd.DatetimeIndex:
    """Nanoseconds since the epoch (UTC; the int64 minimum is NaT) as times in ``tz``."""
    return pd.DatetimeIndex(np.asarray(ns, dtype=np.int64).view("M8[ns]")).tz_localize("UTC").tz_convert(tz)


@dataclass(frozen=True)
class Timeline:
    """The events of the state's tickets as arrays, in ticket and time order.

    ``end`` is the instant the visit ended (``known`` False where it did not, or the
    ticket rests in its last stage); ``hours`` is NaN there.
    """

    ticket: np.ndarray
    stage: np.ndarray
    team: np.ndarray | None
    entered: np.ndarray
    end: np.ndarray
    known: np.ndarray

    @property
    def hours(self) -> np.ndarray:
        return np.where(self.known, (self.end - self.entered) / _NS_PER_HOUR, np.nan)

    def __len__(self) -> int:
        return len(self.ticket)

    def first_of_ticket(self) -> np.ndarray:
        first = np.ones(len(self), dtype=bool)
        if len(self) > 1:
            first[1:] = self.ticket[1:] != self.ticket[:-1]
        return first

    def handoff_in(self) -> np.ndarray:
        """True on each visit whose team differs from the previous visit's (same ticket)."""
        return self._handoffs.copy()

    @cached_property
    def _handoffs(self) -> np.ndarray:
        out = np.zeros(len(self), dtype=bool)
        if self.team is None or len(self) < 2:
            return out
        team = pd.Series(self.team, dtype="string")
        both = team.notna().to_numpy()
        different = (team.iloc[1:].to_numpy() != team.iloc[:-1].to_numpy())
        different = np.asarray(pd.array(different, dtype="boolean").fillna(False), dtype=bool)
        out[1:] = ~self.first_of_ticket()[1:] & both[1:] & both[:-1] & different
        return out

    def select(self, keep: np.ndarray) -> Timeline:
        return Timeline(ticket=self.ticket[keep], stage=self.stage[keep],
                        team=None if self.team is None else self.team[keep],
                        entered=self.entered[keep], end=self.end[keep], known=self.known[keep])

    def to_frame(self, tickets: pd.DataFrame, tz, team: bool = True) -> pd.DataFrame:
        """Canonical events (``ticket_id, stage, team, entered_at, left_at``; ``team=False``
        leaves the team out)."""
        nat = np.iinfo(np.int64).min
        frame = pd.DataFrame({
            "ticket_id": tickets["ticket_id"].to_numpy()[self.ticket],
            "stage": self.stage,
            "entered_at": _stamps(self.entered, tz),
            "left_at": _stamps(np.where(self.known, self.end, nat), tz),
        })
        if team and self.team is not None:
            frame.insert(2, "team", self.team)
        return frame


@dataclass(frozen=True)
class State:
    """Tickets (and their events) as they are, or as a fix would have them.

    ``tickets`` has a fresh RangeIndex; ``changed`` marks the tickets a fix touched.
    """

    tickets: pd.DataFrame
    timeline: Timeline | None = None
    changed: np.ndarray | None = None
    as_of: pd.Timestamp | None = None
    resolution_stages: frozenset = frozenset()

    @classmethod
    def build(cls, tickets: pd.DataFrame, events: pd.DataFrame | None = None, *, as_of=None,
              terminal_stages: Iterable[str] | None = None,
              resolution_stages: Iterable[str] = ()) -> State:
        """The state of the data as given (events of other tickets are left out)."""
        tickets = tickets.reset_index(drop=True)
        timeline = None
        if events is not None and len(events):
            position = positions(events["ticket_id"], tickets["ticket_id"])
            events = events[position >= 0]
            timed = time_in_stage(events, as_of=as_of, terminal_stages=terminal_stages)
            ticket = positions(timed["ticket_id"], tickets["ticket_id"])
            entered = _ns(timed["entered_at"])
            hours = timed["hours"].to_numpy(dtype=float)
            known = ~np.isnan(hours)
            end = entered + np.where(known, np.round(np.nan_to_num(hours) * _NS_PER_HOUR), 0).astype(np.int64)
            if "left_at" in timed.columns:
                # the recorded instant itself, not one rebuilt from hours (no rounding)
                left = timed["left_at"]
                exact = known & left.notna().to_numpy() & ~timed["censored"].to_numpy(dtype=bool)
                end[exact] = _ns(left)[exact]
            team = timed["team"].to_numpy(dtype=object) if "team" in timed.columns else None
            timeline = Timeline(ticket=ticket, stage=timed["stage"].to_numpy(dtype=object), team=team,
                                entered=entered, end=end, known=known)
        return cls(tickets=tickets, timeline=timeline, changed=np.zeros(len(tickets), dtype=bool),
                   as_of=None if as_of is None else pd.Timestamp(as_of),
                   resolution_stages=frozenset(resolution_stages))

    def events(self) -> pd.DataFrame | None:
        """The state's events as a canonical table (None without events)."""
        if self.timeline is None:
            return None
        return self.timeline.to_frame(self.tickets, self.tickets["created_at"].dt.tz)


@dataclass
class Cuts:
    """Stretches of time removed from tickets, and contacts and reopens that go with them."""

    ticket: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.int64))
    start: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.int64))
    length: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.int64))
    fewer_contacts: dict = field(default_factory=dict)  # ticket position -> count
    fewer_reopens: dict = field(default_factory=dict)

    def __post_init__(self):
        keep = self.length > 0
        order = np.lexsort((self.start[keep], self.ticket[keep]))
        self.ticket = self.ticket[keep][order].astype(np.int64)
        self.start = self.start[keep][order].astype(np.int64)
        self.length = self.length[keep][order].astype(np.int64)

    def __len__(self) -> int:
        return len(self.ticket)

    def _ranks(self) -> np.ndarray:
        """0 for a ticket's first cut, 1 for its second ... (cuts are sorted by ticket)."""
        index = np.arange(len(self))
        opens = np.r_[True, self.ticket[1:] != self.ticket[:-1]] if len(self) else np.array([], bool)
        return index - np.maximum.accumulate(np.where(opens, index, 0))

    def shift(self, stamps: np.ndarray, ticket: np.ndarray, n_tickets: int,
              valid: np.ndarray | None = None) -> np.ndarray:
        """How much earlier each instant (ns) of ``ticket`` happens under the cuts."""
        out = np.zeros(len(stamps), dtype=np.int64)
        if not len(self) or not len(stamps):
            return out
        valid = np.ones(len(stamps), dtype=bool) if valid is None else valid
        rank = self._ranks()
        for r in range(int(rank.max()) + 1):
            pick = rank == r
            start = np.full(n_tickets, np.iinfo(np.int64).max, dtype=np.int64)
            length = np.zeros(n_tickets, dtype=np.int64)
            start[self.ticket[pick]] = self.start[pick]
            length[self.ticket[pick]] = self.length[pick]
            s, ln = start[ticket], length[ticket]
            inside = valid & (ln > 0) & (stamps > s)
            out[inside] += np.minimum(stamps[inside] - s[inside], ln[inside])
        return out

    def covers(self, begin: np.ndarray, end: np.ndarray, ticket: np.ndarray, n_tickets: int) -> np.ndarray:
        """Which spans ``[begin, end]`` lie wholly inside one cut (they did not happen)."""
        out = np.zeros(len(begin), dtype=bool)
        if not len(self) or not len(begin):
            return out
        rank = self._ranks()
        for r in range(int(rank.max()) + 1):
            pick = rank == r
            start = np.full(n_tickets, np.iinfo(np.int64).max, dtype=np.int64)
            stop = np.full(n_tickets, np.iinfo(np.int64).min, dtype=np.int64)
            start[self.ticket[pick]] = self.start[pick]
            stop[self.ticket[pick]] = self.start[pick] + self.length[pick]
            s, e = start[ticket], stop[ticket]
            out |= (begin >= s) & (end <= e) & ~((begin == s) & (end == s))
        return out


class Fix:
    """A rule that rewrites a state; subclasses say which stretches of time go."""

    def cuts(self, state: State) -> Cuts:  # pragma: no cover - interface
        raise NotImplementedError

    #: Feedback tags whose answers the fix resolves (see :class:`TagResolved`).
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class StageCap(Fix):
    """Every (handed-over) visit to ``stage`` over ``hours`` ends after ``hours``."""

    stage: str
    hours: float
    handoff_only: bool = False

    def visits(self, state: State) -> np.ndarray:
        line = state.timeline
        if line is None:
            return np.zeros(0, dtype=bool)
        pick = (line.stage == self.stage) & line.known
        if self.handoff_only:
            pick &= line.handoff_in()
        return pick

    def cuts(self, state: State) -> Cuts:
        line = state.timeline
        if line is None:
            return Cuts()
        cap = round(self.hours * _NS_PER_HOUR)
        pick = self.visits(state) & ((line.end - line.entered) > cap)
        return Cuts(ticket=line.ticket[pick], start=line.entered[pick] + cap,
                    length=line.end[pick] - line.entered[pick] - cap)


@dataclass(frozen=True)
class ReworkLoops(Fix):
    """Tickets that came back to ``stage`` go on as if their first visit had been the last."""

    stage: str

    def cuts(self, state: State) -> Cuts:
        line = state.timeline
        if line is None:
            return Cuts()
        at = np.flatnonzero(line.stage == self.stage)
        if not len(at):
            return Cuts()
        ticket = line.ticket[at]
        first = np.r_[True, ticket[1:] != ticket[:-1]]
        last = np.r_[ticket[1:] != ticket[:-1], True]
        visits = np.diff(np.r_[np.flatnonzero(first), len(at)])
        first_at, last_at = at[first], at[last]
        loops = visits - 1
        ok = (loops > 0) & line.known[first_at] & line.known[last_at]
        first_at, last_at, loops = first_at[ok], last_at[ok], loops[ok]
        start = line.end[first_at]
        length = line.end[last_at] - start
        tickets = line.ticket[first_at]
        cuts = Cuts(ticket=tickets, start=start, length=length,
                    fewer_contacts=dict(zip(tickets.tolist(), loops.tolist())))
        if state.resolution_stages:
            # a loop through a resolution stage was the ticket reopened
            resting = np.isin(line.stage, list(state.resolution_stages))
            gone = cuts.covers(line.entered, np.where(line.known, line.end, line.entered),
                               line.ticket, len(state.tickets)) & resting & line.known
            counts = np.bincount(line.ticket[gone], minlength=len(state.tickets))
            cuts.fewer_reopens = {int(t): int(counts[t]) for t in np.flatnonzero(counts)}
        return cuts


@dataclass(frozen=True)
class ResponseAtTarget(Fix):
    """A first response later than its priority's target comes at the target."""

    targets: Mapping[str, float] = field(default_factory=lambda: dict(config.FIRST_RESPONSE_TARGET_HOURS))

    def late(self, state: State) -> tuple[np.ndarray, np.ndarray]:
        """(late tickets, target hours per ticket)."""
        t = state.tickets
        if "first_response_at" not in t.columns:
            return np.zeros(len(t), dtype=bool), np.full(len(t), np.nan)
        priority = (t["priority"] if "priority" in t.columns else pd.Series("normal", index=t.index))
        target = priority.fillna("normal").map(dict(self.targets)).astype(float).to_numpy()
        waited = (t["first_response_at"] - t["created_at"]).dt.total_seconds().to_numpy() / 3600
        answered = t["first_response_at"].notna().to_numpy().copy()
        if state.as_of is not None:
            answered &= (t["first_response_at"] <= state.as_of).fillna(False).to_numpy(dtype=bool)
        late = answered & ~np.isnan(target) & (np.nan_to_num(waited, nan=-1) > np.nan_to_num(target, nan=np.inf))
        return late, target

    def cuts(self, state: State) -> Cuts:
        late, target = self.late(state)
        t = state.tickets
        rows = np.flatnonzero(late)
        created = _ns(t["created_at"])[rows]
        responded = _ns(t["first_response_at"])[rows]
        start = created + np.round(target[rows] * _NS_PER_HOUR).astype(np.int64)
        return Cuts(ticket=rows, start=start, length=responded - start)


@dataclass(frozen=True)
class TagResolved(Fix):
    """The answers that mention ``tag`` score as the rest do (through the driver model)."""

    tag: str

    @property
    def tags(self) -> tuple[str, ...]:
        return (self.tag,)

    def cuts(self, state: State) -> Cuts:
        return Cuts()


def apply(state: State, fixes: Sequence[Fix]) -> State:
    """The state with each fix applied in turn (a later fix sees the earlier ones' result)."""
    for fix in fixes:
        state = apply_cuts(state, fix.cuts(state))
    return state


def apply_cuts(state: State, cuts: Cuts) -> State:
    """The state with ``cuts`` removed from its timelines."""
    if not len(cuts) and not cuts.fewer_contacts and not cuts.fewer_reopens:
        return state
    t = state.tickets.copy(deep=False)  # columns are replaced, never written into: the rest are shared
    n = len(t)
    rows = np.arange(n)
    for column in MOVED_STAMPS:
        if column not in t.columns:
            continue
        stamps = t[column]
        valid = stamps.notna().to_numpy()
        ns = _ns(stamps)
        moved = cuts.shift(ns, rows, n, valid)
        if moved.any():
            t[column] = stamps - pd.to_timedelta(moved, unit="ns")
    changed = state.changed.copy()
    changed[cuts.ticket] = True
    for column, fewer, floor in zip(LOWERED_COUNTS, (cuts.fewer_contacts, cuts.fewer_reopens), (1, 0)):
        if fewer and column in t.columns:
            where = np.fromiter(fewer, dtype=np.int64)
            less = np.fromiter(fewer.values(), dtype=np.int64)
            current = t[column].astype("Float64")
            before = current.iloc[where].to_numpy(dtype="float64", na_value=np.nan)
            current.iloc[where] = np.where(np.isnan(before), np.nan, np.maximum(before - less, floor))
            try:
                t[column] = current.astype(t[column].dtype)
            except (TypeError, ValueError):
                t[column] = current
            changed[where[np.nan_to_num(before) > floor]] = True
    timeline = state.timeline
    if timeline is not None and len(cuts):
        gone = cuts.covers(timeline.entered, np.where(timeline.known, timeline.end, timeline.entered),
                           timeline.ticket, n) & timeline.known
        entered = timeline.entered - cuts.shift(timeline.entered, timeline.ticket, n)
        end = timeline.end - cuts.shift(timeline.end, timeline.ticket, n, timeline.known)
        timeline = replace(timeline, entered=entered, end=end)
        if gone.any():
            timeline = timeline.select(~gone)
    return replace(state, tickets=t, timeline=timeline, changed=changed)


def rewritten(state: State, baseline: State) -> np.ndarray:
    """Positions of the tickets whose columns ``state`` rewrote from ``baseline`` (a fix
    writes only :data:`MOVED_STAMPS` and :data:`LOWERED_COUNTS`); every other ticket's row
    is the baseline's, value for value.

    >>> import pandas as pd
    >>> ts = pd.Timestamp("2026-03-02 09:00", tz="Asia/Shanghai")
    >>> tickets = pd.DataFrame({"ticket_id": ["T1", "T2"], "created_at": [ts, ts],
    ...                         "first_response_at": [ts + pd.Timedelta(hours=30), ts]})
    >>> base = State.build(tickets)
    >>> rewritten(apply(base, [ResponseAtTarget()]), base).tolist()
    [0]
    """
    if state is baseline:
        return np.array([], dtype=np.int64)
    if len(state.tickets) != len(baseline.tickets):
        raise ValueError("the states hold different tickets")
    differs = np.zeros(len(state.tickets), dtype=bool)
    for column in MOVED_STAMPS + LOWERED_COUNTS:
        if column not in baseline.tickets.columns:
            continue
        now, was = state.tickets[column], baseline.tickets[column]
        if column in MOVED_STAMPS:
            differs |= _ns(now) != _ns(was)
        else:
            now, was = (c.astype("Float64").to_numpy(dtype="float64", na_value=np.nan) for c in (now, was))
            differs |= (now != was) & ~(np.isnan(now) & np.isnan(was))
    return np.flatnonzero(differs)
