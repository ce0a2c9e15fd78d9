"""What every metric family needs, prepared once per ``compute`` call: integer group
codes, the grid of groups x periods, timestamps as integer nanoseconds, durations on the
chosen clock, and the record each metric's numbers come back in.

Everything a family aggregates is a NumPy array aligned with the tickets (or feedback
rows) and an integer grid position per row, so the families sum with ``np.bincount`` and
never group by strings; string columns are factorised once, here.
"""

from __future__ import annotations

from concurrent.futures import Future, wait
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from svcinsight.metrics import grouped, lookup
from svcinsight.metrics.grouped import GroupLayout

TIDY_COLUMNS = ("metric", "value", "numerator", "denominator", "n")
UNKNOWN = "(unknown)"
NAT = np.iinfo(np.int64).min  # NaT as int64 nanoseconds
_NS_PER_DAY = 86_400 * 10**9
_NS_PER_SECOND = 10**9


def to_period(stamps: pd.Series, freq: str) -> pd.Series:
    """Local wall-clock period of tz-aware timestamps (weeks run Monday to Sunday)."""
    freq = _period_freq(freq)
    local = stamps.dt.tz_localize(None) if isinstance(stamps.dtype, pd.DatetimeTZDtype) else stamps
    return local.dt.to_period(freq)


def period_ends(periods: pd.PeriodIndex, tz) -> pd.DatetimeIndex:
    """Exclusive end instant of each period in ``tz``."""
    ends = (periods + 1).start_time
    return ends.tz_localize(tz, nonexistent="shift_forward", ambiguous=False) if tz is not None else ends


def _period_freq(freq: str) -> str:
    return {"W": "W-SUN", "Y": "Y-DEC", "A": "Y-DEC"}.get(freq, freq)


@lru_cache(maxsize=32)
def _whole_days(freq: str) -> bool:
    """Whether every instant of a local day falls in the same period of ``freq``."""
    day = pd.Timestamp("2001-01-01")
    return day.to_period(freq) == (day + pd.Timedelta(1, "D") - pd.Timedelta(1, "ns")).to_period(freq)


def utc_ns(values: pd.Series) -> np.ndarray:
    """Integer nanoseconds since the epoch of a timestamp column (:data:`NAT` where missing).

    >>> utc_ns(pd.Series([pd.Timestamp("1970-01-01 08:00:01", tz="Asia/Shanghai"), pd.NaT]))
    array([          1000000000, -9223372036854775808])
    """
    if isinstance(values.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(values.dtype):
        return np.asarray(values.dt.as_unit("ns").array.asi8)
    if values.isna().all():  # a column with no timestamps at all
        return np.full(len(values), NAT, dtype=np.int64)
    raise TypeError(f"{values.name} holds {values.dtype}, not timestamps")


def local_ns(values: pd.Series) -> np.ndarray:
    """Wall-clock nanoseconds of a timestamp column in its own time zone."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_localize(None)
    return utc_ns(values)


def period_ordinals(local: np.ndarray, freq: str) -> np.ndarray:
    """Period ordinals (as ``Period.ordinal``) of wall-clock nanoseconds; :data:`NAT` where missing.

    For periods of whole days (D, W, M, Q, Y) each distinct day is converted once and
    looked up, which is several times faster than converting every timestamp.

    >>> ns = pd.DatetimeIndex(["2026-10-31 23:59", "2026-11-01 00:00"]).as_unit("ns").asi8
    >>> pd.PeriodIndex.from_ordinals(period_ordinals(ns, "M"), freq="M")
    PeriodIndex(['2026-10', '2026-11'], dtype='period[M]')
    """
    freq = _period_freq(freq)
    out = np.full(len(local), NAT, dtype=np.int64)
    ok = local != NAT
    every = bool(ok.all())
    if not ok.any():
        return out
    present = local if every else local[ok]
    if _whole_days(freq):
        day = present // _NS_PER_DAY
        first, last = int(day.min()), int(day.max())
        if last - first < 10_000_000:
            days = pd.DatetimeIndex((np.arange(first, last + 1, dtype=np.int64) * _NS_PER_DAY).view("M8[ns]"))
            day -= first
            ordinals = days.to_period(freq).asi8[day]
            if every:
                return ordinals
            out[ok] = ordinals
            return out
    ordinals = pd.DatetimeIndex(present.view("M8[ns]")).to_period(freq).asi8
    if every:
        return np.asarray(ordinals)
    out[ok] = ordinals
    return out


def key_codes(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Integer codes of a group-key column into the distinct values as text; missing
    values are coded as :data:`UNKNOWN` so no row falls out of a group.

    >>> key_codes(pd.Series(["b", None, "a", "b"]))
    (array([0, 2, 1, 0]), ['b', 'a', '(unknown)'])
    """
    codes, to_name, names = _key_map(values)
    return to_name[codes], names


def _key_map(values: pd.Series) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(raw codes, raw code -> code into the names (-1 reads the last entry: missing),
    the distinct values as text that occur)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    names = [*pd.Series(uniques, dtype=object).astype("string").tolist(), UNKNOWN]  # code -1 reads the last
    # different raw values may read the same as text (1 and "1"), and a value may read "(unknown)"
    merged, distinct = pd.factorize(pd.Series(names, dtype=object))
    occurs = np.ones(len(names), dtype=bool)  # every value factorize found occurs; missing ones may not
    occurs[-1] = bool(len(codes)) and codes.min() < 0
    used = np.bincount(merged[occurs], minlength=len(distinct)) > 0
    to_name = (np.cumsum(used) - 1)[merged]  # raw code -> code among the values that occur
    return codes, to_name, [str(v) for v, u in zip(distinct, used) if u]


def ticket_positions(ticket_ids: pd.Series, feedback: pd.DataFrame) -> np.ndarray | None:
    """Row of each feedback's ticket in ``ticket_ids`` (-1 if unlinked or unknown); the
    first row where an id repeats.

    String ids are looked up as integers (:func:`svcinsight.metrics.lookup.first_rows`);
    where that cannot answer, as text in Arrow's C++ kernels, with the hash table built on
    the feedback's distinct ids (usually far fewer than the tickets) and probed with the
    ticket ids.

    >>> ticket_positions(pd.Series(["a", "b", "c"]), pd.DataFrame({"ticket_id": ["c", None, "x", "c"]}))
    array([ 2, -1, -1,  2])
    """
    if "ticket_id" not in feedback.columns:
        return None
    try:
        tickets_arrow, feedback_arrow = _arrow_strings(ticket_ids), _arrow_strings(feedback["ticket_id"])
        position = lookup.first_rows(tickets_arrow, feedback_arrow)
        if position is not None:
            return position
        if isinstance(feedback_arrow, pa.ChunkedArray):
            feedback_arrow = feedback_arrow.combine_chunks()
        wanted = pc.dictionary_encode(feedback_arrow)
        found = pc.index_in(tickets_arrow, value_set=wanted.dictionary)
        found = found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        hit = np.flatnonzero(found >= 0)
        first_row = np.full(len(wanted.dictionary), len(ticket_ids), dtype=np.int64)
        np.minimum.at(first_row, found[hit], hit)  # the first ticket row of a repeated id
        first_row[first_row == len(ticket_ids)] = -1
        indices = wanted.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        return np.where(indices >= 0, first_row[np.maximum(indices, 0)], -1)
    except (TypeError, pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        codes, distinct = pd.factorize(ticket_ids)  # ids that are not text: pandas' hash table
        rows = np.flatnonzero(codes >= 0)
        first_row = np.full(len(distinct), len(ticket_ids), dtype=np.int64)
        np.minimum.at(first_row, codes[rows], rows)
        found = pd.Index(distinct).get_indexer(feedback["ticket_id"])
        return np.where(found >= 0, first_row[np.maximum(found, 0)], -1).astype(np.int64)


def _arrow_strings(values: pd.Series) -> pa.Array | pa.ChunkedArray:
    """A string column as Arrow strings, without a copy when pandas already holds them so."""
    arrow = getattr(values.array, "_pa_array", None)
    if arrow is None or not (pa.types.is_string(arrow.type) or pa.types.is_large_string(arrow.type)):
        arrow = pa.array(values.array, type=pa.string(), from_pandas=True)
    return arrow


def _own_key(values: pd.Series) -> tuple[np.ndarray, list[str], set[str], np.ndarray]:
    """A feedback row's own group value: (codes, names, names of the rows that have one,
    rows without one)."""
    codes, names = key_codes(values)
    missing = values.isna().to_numpy()
    used = np.bincount(codes[~missing], minlength=len(names)) > 0
    return codes, names, {nm for nm, u in zip(names, used) if u}, missing


def _recode(codes: np.ndarray, names: list[str], level: list[str]) -> np.ndarray:
    """Codes into ``names`` as codes into the sorted ``level`` (which holds every name)."""
    if not len(names):
        return codes
    where = {name: i for i, name in enumerate(level)}
    return np.array([where[nm] for nm in names], dtype=np.int64)[codes]


def _done(value) -> Future:
    done = Future()
    done.set_result(value)
    return done


@dataclass
class Result:
    """One metric's numbers over the whole grid (arrays of the grid's size).

    ``present`` marks the cells the aggregate saw at least one row in; elsewhere the
    numerator and denominator are NaN rather than 0 (counts are 0 everywhere).
    """

    metric: str
    value: np.ndarray
    n: np.ndarray
    numerator: np.ndarray | None = None
    denominator: np.ndarray | None = None
    count: bool = False


def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den with NaN, not an error or inf, where den is 0 (or NaN)."""
    den = np.asarray(den, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, np.asarray(num, dtype="float64") / np.where(den > 0, den, 1.0), np.nan)


@dataclass
class Context:
    """A ``compute`` call's prepared inputs.

    Every ticket (and feedback row) gets the integer position of its group x period in
    the full grid once; the grid is the product of the sorted group values and the
    periods, period varying fastest. Families aggregate by that integer.
    """

    tickets: pd.DataFrame
    by: tuple[str, ...]
    freq: str
    as_of: pd.Timestamp
    sla_hours: dict
    calendar: object | None = None
    feedback: pd.DataFrame | None = None
    orders: pd.DataFrame | None = None
    periods: object = None
    wanted: set | None = None
    pool: object = None  # an Executor: the preparation's independent steps run on it

    def __post_init__(self) -> None:
        t = self.tickets
        self.tz = t["created_at"].dt.tz
        self.as_of_ns = int(pd.Timestamp(self.as_of).as_unit("ns").value)
        self.n_tickets = len(t)
        for col in self.by:
            if col not in t.columns:
                raise KeyError(f"cannot group by {col!r}: not a tickets column ({', '.join(t.columns)})")
        fb = self.feedback
        has_feedback = fb is not None and "submitted_at" in fb.columns
        # the feedback -> ticket lookup and the tickets' timestamps need no grid (and NumPy,
        # pandas and Arrow release the GIL in them): on a pool they run while the group keys
        # are read, and the lookup goes on while the ticket families run; only the
        # feedback's grid positions wait for it
        linking = None
        if has_feedback and "ticket_id" in t.columns:
            linking = self._submit(ticket_positions, t["ticket_id"], fb)
        warm = self._submit(self._warm_timestamps) if self.pool is not None else None
        ticket_keys = [_key_map(t[col]) for col in self.by]
        ticket_period = period_ordinals(local_ns(t["created_at"]), self.freq)
        own_keys = {}
        if has_feedback:
            feedback_period = period_ordinals(local_ns(fb["submitted_at"]), self.freq)
            own_keys = {col: _own_key(fb[col]) for col in self.by if col in fb.columns}
        # the group levels: every value seen in the tickets or the feedback, sorted
        self.levels = []
        for col, (_, _, names) in zip(self.by, ticket_keys):
            seen = set(names)
            if has_feedback:
                seen |= own_keys[col][2] if col in own_keys else set()
                if UNKNOWN not in seen and self._feedback_unknown(own_keys.get(col), linking):
                    seen.add(UNKNOWN)
            self.levels.append(sorted(seen))
        # raw codes -> names -> level, composed on the few distinct values: one gather per key
        ticket_codes = [_recode(to_name, names, level)[codes] if len(names) else codes
                        for (codes, to_name, names), level in zip(ticket_keys, self.levels)]
        self.span = self._make_span([ticket_period] + ([feedback_period] if has_feedback else []))
        # the span holds every ticket's and feedback's period
        self.ticket_group = self._groups(ticket_codes, self.n_tickets)
        self.gid = self._positions(ticket_codes, ticket_period, self.ticket_group, in_span=True)
        self._feedback_grid = Future()
        if has_feedback:
            def link(done: Future) -> None:
                try:
                    position = done.result()
                    codes = [self._feedback_codes(col, code, own_keys.get(col), position)
                             for col, code in zip(self.by, ticket_codes)]
                    self._feedback_grid.set_result((position, self._positions(codes, feedback_period, in_span=True)))
                except BaseException as exc:  # noqa: BLE001 - handed to whoever reads the grid
                    self._feedback_grid.set_exception(exc)

            (linking or _done(None)).add_done_callback(link)
        else:
            self._feedback_grid.set_result((None, None))
        if warm is not None:
            warm.result()

    def finish(self, raise_errors: bool = True) -> None:
        """Wait for the steps still running (and raise what failed in them)."""
        wait([self._feedback_grid])
        if raise_errors:
            self._feedback_grid.result()

    @property
    def feedback_ticket_position(self) -> np.ndarray | None:
        """Row of each feedback's ticket (-1 if unlinked or unknown); None without a lookup."""
        return self._feedback_grid.result()[0]

    @property
    def feedback_gid(self) -> np.ndarray | None:
        """Each feedback row's position in the grid (-1 where its period is missing)."""
        return self._feedback_grid.result()[1]

    def _submit(self, fn, *args):
        """Run ``fn`` on the pool, or now when there is none (a finished future either way)."""
        if self.pool is not None:
            return self.pool.submit(fn, *args)
        return _done(fn(*args))

    def _warm_timestamps(self) -> None:
        """Fill the timestamp caches every family reads (so threads never race to fill them)."""
        _ = self.created_ns
        for column in ("first_response_at", "resolved_at"):
            if self.has(column):
                self.waited(column)

    def prepare(self) -> None:
        """Fill the shared caches before families run side by side."""
        _ = self._gid_binned, self.ticket_counts, self.created_ns, self.resolved_counts
        if self.needs_layout:
            _ = self.layout

    # --- the grid -----------------------------------------------------------------------

    def _feedback_unknown(self, own, linking: Future | None) -> bool:
        """Whether some feedback row falls in the unknown group of ``col``: it has no value
        of its own and no ticket found. Decided without the lookup when the rows that rely
        on their ticket settle it (one without a ticket id does)."""
        fb = self.feedback
        relies = np.ones(len(fb), dtype=bool) if own is None else own[3]
        if not relies.any():
            return False
        if linking is None or "ticket_id" not in fb.columns or fb["ticket_id"][relies].isna().any():
            return True
        position = linking.result()
        return position is None or bool((position[relies] < 0).any())

    def _feedback_codes(self, col, ticket_codes, own, position) -> np.ndarray:
        """A feedback row's group code: its own column, else its ticket's, else unknown."""
        level = self.levels[self.by.index(col)]
        n = len(self.feedback)
        codes = np.full(n, level.index(UNKNOWN) if UNKNOWN in level else -1, dtype=np.int64)
        if position is not None:
            linked = position >= 0
            codes[linked] = ticket_codes[position[linked]]
        if own is not None:
            own_codes, own_names, _, missing = own
            codes = np.where(missing, codes, _recode(own_codes, own_names, level))
        return codes

    def _make_span(self, ordinals: list[np.ndarray]) -> pd.PeriodIndex:
        freq = _period_freq(self.freq)
        seen = [o if o.min(initial=0) != NAT else o[o != NAT] for o in ordinals]  # NAT is the least int64
        lows = [int(s.min()) for s in seen if len(s)]
        highs = [int(s.max()) for s in seen if len(s)]
        if self.periods is not None:
            asked = pd.PeriodIndex(list(self.periods), freq=freq)
            lows += list(asked.asi8)
            highs += list(asked.asi8)
        if not lows:
            return pd.PeriodIndex([], freq=freq)
        return pd.PeriodIndex.from_ordinals(np.arange(min(lows), max(highs) + 1), freq=freq)

    @property
    def key_names(self) -> list[str]:
        return [*self.by, "period"]

    @property
    def n_periods(self) -> int:
        return len(self.span)

    @property
    def n_groups(self) -> int:
        """Groups without the period: the grid is n_groups x n_periods, period varying fastest."""
        return int(np.prod([len(level) for level in self.levels])) if self.n_periods else 0

    @property
    def size(self) -> int:
        return self.n_groups * self.n_periods

    @cached_property
    def grid(self) -> pd.MultiIndex:
        """The grid as a MultiIndex (group values, then period)."""
        if not self.size:
            return pd.MultiIndex.from_arrays([[]] * (len(self.by) + 1), names=self.key_names)
        return pd.MultiIndex.from_product([*self.levels, self.span], names=self.key_names)

    def _groups(self, codes: list[np.ndarray], n: int) -> np.ndarray:
        """Each row's group (its position in the grid without the period)."""
        if len(codes) == 1:
            return codes[0]
        group = np.zeros(n, dtype=np.int64)
        for level, code in zip(self.levels, codes):
            group = group * len(level) + code
        return group

    def _positions(self, codes: list[np.ndarray], ordinals: np.ndarray, group: np.ndarray | None = None,
                   in_span: bool = False) -> np.ndarray:
        """Each row's position in the grid (-1 where its period is missing or, unless
        ``in_span`` says every period is in the grid, outside it)."""
        if not self.size:
            return np.full(len(ordinals), -1, dtype=np.int64)
        offset = ordinals - self.span[0].ordinal
        valid = ordinals != NAT
        if not in_span:
            valid &= (offset >= 0) & (offset < self.n_periods)
        if group is None:
            group = self._groups(codes, len(ordinals))
        position = group * self.n_periods
        position += offset
        return position if valid.all() else np.where(valid, position, -1)

    def positions_for(self, stamps_ns: np.ndarray, local: np.ndarray | None = None) -> np.ndarray:
        """Grid positions of tickets with their group kept but the period taken from
        another timestamp (e.g. resolved_at, as nanoseconds); -1 where the stamp is
        missing or outside the grid. ``local`` gives its wall-clock nanoseconds if known."""
        if not self.size:
            return np.full(len(stamps_ns), -1, dtype=np.int64)
        if local is None:
            local = self.local_of(stamps_ns)
        offset = period_ordinals(local, self.freq) - self.span[0].ordinal
        ok = (self.gid >= 0) & (stamps_ns != NAT) & (offset >= 0) & (offset < self.n_periods)
        return np.where(ok, self.ticket_group * self.n_periods + offset, -1)

    def local_of(self, stamps_ns: np.ndarray) -> np.ndarray:
        """Wall-clock nanoseconds, in the tickets' time zone, of UTC nanoseconds."""
        if self.tz is None:
            return stamps_ns
        index = pd.DatetimeIndex(stamps_ns.view("M8[ns]")).tz_localize("UTC").tz_convert(self.tz)
        return np.asarray(index.tz_localize(None).asi8)

    # --- per-cell sums --------------------------------------------------------------------

    def sums(self, positions: np.ndarray, weights=None) -> np.ndarray:
        """Per-cell sum of ``weights`` (bools count; None counts rows), via bincount; rows
        at -1 or at :attr:`size` have no cell (they are summed into a bin left out)."""
        if positions is self.gid:  # the tickets' positions: checked for -1 once
            positions = self._gid_binned
        elif positions.min(initial=0) < 0:
            positions = np.where(positions >= 0, positions, self.size)
        w = None if weights is None else np.asarray(weights, dtype="float64")
        return np.bincount(positions, weights=w, minlength=self.size + 1)[:self.size].astype("float64")

    @cached_property
    def _gid_keep(self) -> np.ndarray | None:
        return None if self.gid.min(initial=0) >= 0 else self.gid >= 0

    @cached_property
    def _gid_binned(self) -> np.ndarray:
        return self.gid if self._gid_keep is None else np.where(self._gid_keep, self.gid, self.size)

    @property
    def needs_layout(self) -> bool:
        """Whether a family will put the tickets in cell order: Kaplan-Meier medians, and
        quantiles and medians over many cells (see :mod:`svcinsight.metrics.grouped`)."""
        if self.wants("frt_km_median_h", "resolution_km_median_h"):
            return True
        return self.size > grouped.PARTITION_MAX_GROUPS and self.wants(
            "frt_median_h", "frt_p90_h", "resolution_median_h", "resolution_p90_h", "handle_minutes_median")

    @cached_property
    def layout(self) -> GroupLayout:
        """The tickets in cell order, shared by every per-cell median and sort."""
        return GroupLayout(self.gid, self.size)

    @cached_property
    def ticket_counts(self) -> np.ndarray:
        """Tickets per cell (a cell with none has its sums shown as NaN, not 0)."""
        return self.sums(self.gid)

    @cached_property
    def resolved_counts(self) -> np.ndarray:
        """Tickets per cell resolved by ``as_of`` (volume and quality both count them)."""
        return self.sums(self.gid, self.known_ns("resolved_at") != NAT)

    def present_sums(self, positions: np.ndarray, weights, present: np.ndarray) -> np.ndarray:
        """Per-cell sums, NaN in cells without rows (as a groupby sum over the rows would)."""
        return np.where(present > 0, self.sums(positions, weights), np.nan)

    def wants(self, *metric_ids: str) -> bool:
        """Whether any of these metrics is asked for."""
        return self.wanted is None or any(m in self.wanted for m in metric_ids)

    # --- timestamps and durations -------------------------------------------------------

    def has(self, column: str) -> bool:
        return column in self.tickets.columns

    @cached_property
    def created_ns(self) -> np.ndarray:
        return utc_ns(self.tickets["created_at"])

    @cached_property
    def _created_complete(self) -> bool:
        return bool(self.created_ns.min(initial=0) != NAT)

    def known_ns(self, column: str) -> np.ndarray:
        """A timestamp column as nanoseconds, :data:`NAT` where missing or after ``as_of``."""
        cache = self.__dict__.setdefault("_known", {})
        if column not in cache:
            if column in self.tickets.columns:
                ns = utc_ns(self.tickets[column])
                cache[column] = np.where(ns <= self.as_of_ns, ns, NAT)  # NAT is below any time
            else:
                cache[column] = np.full(self.n_tickets, NAT, dtype=np.int64)
        return cache[column]

    def known_by(self, column: str) -> pd.Series:
        """The timestamp column with values after ``as_of`` treated as not yet happened."""
        values = pd.DatetimeIndex(self.known_ns(column).view("M8[ns]")).tz_localize("UTC")
        values = values.tz_convert(self.tz) if self.tz is not None else values.tz_localize(None)
        return pd.Series(values, index=self.tickets.index)

    def hours(self, start: pd.Series, end: pd.Series) -> pd.Series:
        """Durations in hours on the chosen clock (elapsed, or business hours)."""
        if self.calendar is not None:
            return pd.Series(self.calendar.hours_between(start, end), index=start.index, dtype="float64")
        return (end - start).dt.total_seconds() / 3600.0

    def hours_ns(self, start_ns: np.ndarray, end_ns: np.ndarray, *, complete: bool = False) -> np.ndarray:
        """Durations in hours between nanosecond stamps (NaN where either is missing, unless
        ``complete`` says none is), on the chosen clock; the elapsed clock rounds exactly as
        ``Series.dt.total_seconds() / 3600``."""
        missing = None if complete else (start_ns == NAT) | (end_ns == NAT)
        if self.calendar is not None:
            tz = self.tz or "UTC"
            as_series = [pd.Series(pd.DatetimeIndex((x if missing is None else np.where(missing, NAT, x)).view("M8[ns]"))
                                   .tz_localize("UTC").tz_convert(tz)) for x in (start_ns, end_ns)]
            return np.asarray(self.calendar.hours_between(*as_series), dtype="float64")
        hours = (end_ns - start_ns) / _NS_PER_SECOND
        hours /= 3600.0
        if missing is not None and missing.any():
            hours[missing] = np.nan
        return hours

    def waited(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """(finished, hours): whether ``column`` happened by ``as_of``, and the hours from
        creation to it, or to ``as_of`` for those still waiting (their censored wait)."""
        cache = self.__dict__.setdefault("_waited", {})
        if column not in cache:
            end = self.known_ns(column)
            finished = end != NAT
            # the end is as_of where it has not happened: only a missing creation leaves a gap
            cache[column] = finished, self.hours_ns(self.created_ns, np.where(finished, end, self.as_of_ns),
                                                    complete=self._created_complete)
        return cache[column]

    def column(self, name: str, fill, dtype) -> np.ndarray:
        """A nullable tickets column as a NumPy array with missing values filled."""
        return self.tickets[name].fillna(fill).to_numpy(dtype=dtype)


def compensated_sums(positions: np.ndarray, values: np.ndarray, size: int,
                     rows: np.ndarray | None = None) -> np.ndarray:
    """Per-cell sums of float values skipping NaN, with pandas' compensated (Kahan)
    summation, so that sums and means of durations are bit-for-bit ``groupby().sum()``;
    NaN in cells without rows (``rows``, the rows per cell, if known).

    >>> compensated_sums(np.array([0, 0, 2, -1]), np.array([0.1, 0.2, np.nan, 5.0]), 3)
    array([0.3, nan, 0. ])
    """
    if positions.min(initial=0) < 0:
        keep = positions >= 0
        positions, values = positions[keep], values[keep]
    # the codes are in range by construction: no check, and no copy of the values
    cells = pd.Categorical.from_codes(positions, categories=pd.RangeIndex(size), validate=False)
    sums = pd.Series(values, copy=False).groupby(cells, observed=False).sum().to_numpy()
    if rows is None:
        rows = np.bincount(positions, minlength=size)
    return np.where(rows > 0, sums, np.nan)
