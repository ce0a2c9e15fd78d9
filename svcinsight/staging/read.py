"""Read from the store: a unit's own partitions over its report window (see
:mod:`svcinsight.unit.window`), or some units' rows from a month on (what a pilot
study asks for, in the store's terms: units, tables and a first month).

Both return ``None`` when a source the unit names has no valid staged copy (never
staged, or changed since): the caller then reads the raw sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from svcinsight.dataset import Dataset
from svcinsight.staging.keys import plan_sources
from svcinsight.staging.ledgers import read_ledger
from svcinsight.staging.stage import valid_copy
from svcinsight.staging.store import StagedTable
from svcinsight.unit.params import ParamsError
from svcinsight.unit.window import ReportWindow

_ORDER = ("tickets", "events", "feedback", "orders")


@dataclass
class UnitSlice:
    """A unit's report inputs read from the store.

    Attributes
    ----------
    data : Dataset
        The unit's rows of the window (as :func:`~svcinsight.unit.window.trim` of
        the unit's scoped sources).
    ledgers : dict
        Each loaded source's quality ledger, as the raw loader made it.
    scope : dict
        ``{table: {"all": rows kept in the source, "unit": the unit's rows}}`` over the
        whole history (as :func:`svcinsight.unit.scope_to_unit` counts them).
    latest : Timestamp
        The latest timestamp in the unit's tickets, events and feedback, whole history.
    created : Series
        ``created_at`` of every ticket of the unit, whole history (the volume chart).
    files : dict
        ``{table: [Parquet files read]}``.
    unused : dict
        Kept rows no number can count, per table (see
        :func:`svcinsight.unit.unused_rows`), over the whole history.
    """

    data: Dataset
    ledgers: dict
    scope: dict
    latest: pd.Timestamp
    created: pd.Series
    window: ReportWindow
    files: dict = field(default_factory=dict)
    unused: dict = field(default_factory=dict)


def _open(store, params, tables=_ORDER) -> dict[str, StagedTable] | None:
    planned = plan_sources(params)
    opened = {}
    for name in tables:
        if name not in planned:
            continue
        staged = valid_copy(store, planned[name])
        if staged is None:
            return None
        opened[name] = staged
    return opened


def _ledgers(opened: dict[str, StagedTable]) -> dict:
    return {name: read_ledger(t.manifest["ledger"], t.folder) for name, t in opened.items()
            if t.manifest.get("ledger") is not None}


def _units(staged: StagedTable, business_unit: str | None):
    """The unit selection of one table for ``business_unit`` (``None``: every row)."""
    if business_unit is None or not staged.has_units:
        return None
    return [business_unit]


def _matching(parts: pd.DataFrame, units) -> pd.DataFrame:
    if units is None or parts.empty:
        return parts
    return parts[parts["unit"].isin([u for u in units if u is not None]).fillna(False).astype(bool)]


def _latest(tables) -> pd.Timestamp:
    latest = pd.NaT
    for staged, units in tables:
        parts = _matching(staged.partitions, units)
        if "latest" not in parts.columns:
            continue
        stamps = pd.to_datetime(parts["latest"].dropna(), format="ISO8601", utc=True)
        if len(stamps):
            value = stamps.max().tz_convert(staged.timezone)
            latest = value if latest is pd.NaT else max(latest, value)
    return latest


def _old_months(tickets: StagedTable, units, first: str, start: pd.Timestamp) -> list[str]:
    """Months before the window holding a ticket still unresolved when it began."""
    parts = _matching(tickets.partitions, units)
    if parts.empty or "month" not in parts.columns:
        return []
    old = parts[(parts["month"] < first).fillna(False).astype(bool)]
    if "unresolved" not in old.columns:
        return sorted(old["month"].dropna().unique())
    resolved_max = pd.to_datetime(old["resolved_max"], format="ISO8601", utc=True)
    active = (old["unresolved"] > 0) | (resolved_max >= start).fillna(False).astype(bool)
    return sorted(old.loc[active.to_numpy(), "month"].dropna().unique())


def _tickets_expression(tickets: StagedTable, units, first: str | None, last: str | None,
                        start: pd.Timestamp | None):
    """Tickets created from ``first`` to ``last``, and earlier ones unresolved at ``start``."""
    import pyarrow.dataset as ds

    window = tickets.expression(units=units, months=(first, last))
    if first is None:
        return window
    old = _old_months(tickets, units, first, start)
    if not old:
        return window
    unresolved = ds.field("resolved_at").is_null() | (ds.field("resolved_at") >= start.to_pydatetime())
    _, month_field = tickets._fields()
    carried = tickets.expression(units=units, rows=month_field.isin(old))
    if "resolved_at" in tickets.manifest["columns"]:
        carried = carried & unresolved
    return window | carried


def read_unit(store: str | Path, params, month) -> UnitSlice | None:
    """The unit's report inputs for ``month`` from the store, or ``None`` when a source
    has no valid staged copy.

    Raises
    ------
    svcinsight.unit.ParamsError
        ``business_unit`` is set but the tickets carry no business unit (as the raw
        path raises).
    """
    import pyarrow.dataset as ds

    opened = _open(store, params)
    if opened is None:
        return None
    bu = params.business_unit
    tickets = opened["tickets"]
    if bu is not None and not tickets.has_units:
        raise ParamsError(
            f"params name business_unit {bu!r} but the tickets source has no "
            "business_unit column to select it by (map one in sources.tickets.columns)")
    window = ReportWindow.for_month(month, goals=params.goals)
    first, last = window.months_from(), str(window.last)
    start = window.first_instant(params.timezone)
    units = {name: _units(t, bu) for name, t in opened.items()}
    files, tables = {}, {}
    expr = _tickets_expression(tickets, units["tickets"], first, last, start)
    files["tickets"] = tickets.files(expr)
    tables["tickets"] = tickets.read(expr)
    created = tickets.read(tickets.expression(units=units["tickets"]), columns=["created_at"])["created_at"]
    if "events" in opened:
        events = opened["events"]
        expr = events.expression(units=units["events"], months=(first, last))
        if first is not None:
            carried = tables["tickets"].loc[tables["tickets"]["created_at"] < start, "ticket_id"]
            if len(carried):
                _, month_field = events._fields()
                old = sorted(set(_old_months(tickets, units["tickets"], first, start)))
                expr = expr | events.expression(units=units["events"], rows=month_field.isin(old)
                                                & ds.field("ticket_id").isin(carried.dropna().tolist()))
        files["events"] = events.files(expr)
        tables["events"] = events.read(expr)
    for name in ("feedback", "orders"):
        if name in opened:
            staged = opened[name]
            expr = staged.expression(units=units[name], months=(first, last))
            files[name] = staged.files(expr)
            tables[name] = staged.read(expr, dedupe=units[name] is None)
    scope = {}
    for name in _ORDER:
        if name in opened:
            staged = opened[name]
            total = int(staged.manifest["rows"])
            parts = _matching(staged.partitions, units[name])
            scope[name] = {"all": total, "unit": total if units[name] is None else int(parts["rows"].sum())}
    latest = _latest([(opened[n], units[n]) for n in ("tickets", "events", "feedback") if n in opened])
    unused = {}  # as svcinsight.unit.unused_rows counts them in the raw sources
    if "feedback" in opened and "submitted_at" in opened["feedback"].manifest["columns"]:
        unused["feedback"] = _in_no_month(opened["feedback"], units["feedback"])
    if "events" in opened:  # an event's month is its ticket's: none when the ticket is unknown
        unused["events"] = _in_no_month(opened["events"], units["events"])
    return UnitSlice(data=Dataset(**tables), ledgers=_ledgers(opened), scope=scope, latest=latest,
                     created=created, window=window, files=files, unused=unused)


def _in_no_month(staged: StagedTable, units) -> int:
    """Rows of ``units`` staged in no month (counted once, also when a row is staged for
    two units and all units are read)."""
    parts = _matching(staged.partitions, units)
    if parts.empty or not parts["month"].isna().any():
        return 0
    if units is not None:
        return int(parts.loc[parts["month"].isna(), "rows"].sum())
    _, month_field = staged._fields()
    return len(staged.read(staged.expression(units=units, rows=month_field.is_null()), columns=[], dedupe=True))


# --- some units from a month on ------------------------------------------------------

@dataclass
class StoreRows:
    """Rows of some units read from the store from a month on (see :func:`read_since`)."""

    data: Dataset
    ledgers: dict
    as_of: pd.Timestamp
    first_month: str | None
    files: dict = field(default_factory=dict)


def _span(staged: StagedTable, units) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    parts = _matching(staged.partitions, units)
    if parts.empty or "first_stamp" not in parts.columns:
        return None
    lo = pd.to_datetime(parts["first_stamp"].dropna(), format="ISO8601", utc=True)
    hi = pd.to_datetime(parts["last_stamp"].dropna(), format="ISO8601", utc=True)
    if lo.empty:
        return None
    tz = staged.timezone
    return lo.min().tz_convert(tz), hi.max().tz_convert(tz)


def _selection(opened: dict[str, StagedTable], units) -> dict:
    """Each table's unit selection: ``units`` where the table is staged by unit, else every row."""
    return {name: units if staged.has_units else None for name, staged in opened.items()}


def time_spans(store: str | Path, params, *, units=None, tables=("tickets", "feedback")) -> dict | None:
    """``{table: (earliest, latest) timestamp of the rows of units}`` (``None`` for a table
    whose manifests do not tell), told from the manifests alone; ``None`` when a source
    has no valid staged copy. ``units=None`` means every unit."""
    opened = _open(store, params, tables=tables)
    if opened is None:
        return None
    selected = _selection(opened, units)
    return {name: _span(staged, selected[name]) for name, staged in opened.items()}


def units_staged(store: str | Path, params, *, units=None) -> set[str] | None:
    """The units the staged tickets hold (of ``units``; every one when ``None``): an empty
    set when the tickets carry no unit, ``None`` without a valid staged copy."""
    opened = _open(store, params, tables=("tickets",))
    if opened is None:
        return None
    tickets = opened["tickets"]
    if not tickets.has_units:
        return set()
    return set(_matching(tickets.partitions, units)["unit"].dropna().astype(str))


def read_since(store: str | Path, params, *, units=None, first_month: str | None = None,
               tables=("tickets", "feedback")) -> StoreRows | None:
    """Rows of ``units`` (every unit's when ``None``, or where a table is not staged by
    unit) from ``first_month`` on: tickets created from it, plus earlier tickets still
    unresolved when it began; other tables by their own month. ``first_month=None``
    reads the whole history. ``as_of`` is the latest timestamp of every unit's rows of
    the tables, as the whole sources have it. ``None`` when a source has no valid
    staged copy."""
    opened = _open(store, params, tables=tables)
    if opened is None:
        return None
    selected = _selection(opened, units)
    start = None if first_month is None else \
        pd.Period(first_month, freq="M").start_time.tz_localize(params.timezone)
    files, frames = {}, {}
    for name, staged in opened.items():
        if name == "tickets":
            expr = _tickets_expression(staged, selected[name], first_month, None, start)
            frames[name] = staged.read(expr)
        else:
            expr = staged.expression(units=selected[name], months=(first_month, None))
            frames[name] = staged.read(expr, dedupe=True)
        files[name] = staged.files(expr)
    as_of = _latest([(t, None) for t in opened.values()])
    return StoreRows(data=Dataset(**frames), ledgers=_ledgers(opened), as_of=as_of, first_month=first_month,
                     files=files)


def window_rows(store: str | Path, params, month) -> dict[str, int] | None:
    """Rows per table in the unit's partitions of its report window (whole months, the
    tickets carried over from earlier ones not counted): what its report reads, told
    from the manifests alone. ``None`` when a source has no valid staged copy."""
    opened = _open(store, params)
    if opened is None:
        return None
    window = ReportWindow.for_month(month, goals=params.goals)
    first, last = window.months_from(), str(window.last)
    rows = {}
    for name, staged in opened.items():
        parts = _matching(staged.partitions, _units(staged, params.business_unit))
        if parts.empty:
            rows[name] = 0
            continue
        months = parts["month"]
        keep = (months <= last) & (months >= first) if first is not None else months <= last
        rows[name] = int(parts.loc[keep.fillna(False).astype(bool).to_numpy(), "rows"].sum())
    return rows
