"""Everything one unit's report needs, loaded once: validated params, the unit's
canonical tables, their quality ledgers, the report month and the data's as-of time.

A notebook's validation cell is one call: ``unit_report = si.report.prepare(...)``.
The tables hold the unit's rows of its report window (the report month, the 13 months
before it and the tickets still open then; see :mod:`svcinsight.staging.window`),
read from the staged store when the run made one (``staged_store``), else from the
raw sources.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from svcinsight import io as si_io
from svcinsight.dataset import Dataset
from svcinsight.metrics import compute as compute_metrics
from svcinsight.metrics import latest_timestamp
from svcinsight.metrics.compute import add_changes
from svcinsight.report.params import ParamsError, UnitParams, load_params
from svcinsight.staging.window import ReportWindow, trim

_READERS = {
    "tickets": si_io.read_tickets,
    "events": si_io.read_events,
    "feedback": si_io.read_feedback,
    "orders": si_io.read_orders,
}


@dataclass
class UnitData:
    """One unit's report inputs for one month."""

    params: UnitParams
    month: pd.Period
    data: Dataset
    ledgers: dict = field(default_factory=dict)
    scope: dict = field(default_factory=dict)
    source_data: Dataset | None = field(default=None, repr=False)  # every unit's rows, for pilots' controls
    window: ReportWindow | None = None  # the months read (None: everything in ``data``)
    latest: pd.Timestamp | None = None  # the latest timestamp of the unit's whole history
    created: pd.Series | None = field(default=None, repr=False)  # created_at of all its tickets
    staged_store: str | None = None  # the store the data came from (None: the raw sources)
    unused: dict = field(default_factory=dict)  # kept rows no number can count: see unused_rows()
    _metrics_cache: dict = field(default_factory=dict, repr=False)

    @property
    def timezone(self) -> str:
        return self.params.timezone

    @property
    def month_start(self) -> pd.Timestamp:
        return self.month.start_time.tz_localize(self.timezone)

    @property
    def month_end(self) -> pd.Timestamp:
        """Exclusive end of the report month."""
        return (self.month + 1).start_time.tz_localize(self.timezone)

    @property
    def as_of(self) -> pd.Timestamp:
        """The latest timestamp in the unit's data, capped at the month's end.

        Tickets still open at this instant count as open in the report. The latest
        timestamp is the whole history's, also when ``data`` holds a window of it.
        """
        latest = self.latest
        if latest is None:
            latest = latest_timestamp(self.data.tickets, self.data.events, self.data.feedback)
        if latest is pd.NaT or latest >= self.month_end:
            return self.month_end
        return latest

    def quality(self) -> pd.DataFrame:
        """All sources' ledgers as one table."""
        return si_io.QualityLedger.combine(list(self.ledgers.values()))

    def metrics(self, by: tuple[str, ...] = ()) -> pd.DataFrame:
        """All metrics per month (and ``by`` groups) as of the report's as-of time, computed
        once per grouping and reused by every section that needs them.

        Months before the report window are left out: only the tickets still open in it
        were read from them, so their numbers would be partial.
        """
        key = tuple(by)
        if key not in self._metrics_cache:
            frame = compute_metrics(
                self.data.tickets, self.data.feedback, self.data.orders, by=key, as_of=self.as_of,
                sla=self.params.sla, calendar=self.calendar, periods=[self.month - 1, self.month])
            if self.window is not None and self.window.first is not None:
                frame = frame[frame["period"] >= self.window.first].reset_index(drop=True)
            self._metrics_cache[key] = add_changes(frame, by=key)
        return self._metrics_cache[key]

    @property
    def ticket_history(self) -> pd.DataFrame:
        """``created_at`` of every ticket of the unit, whole history (the volume chart)."""
        created = self.created if self.created is not None else self.data.tickets["created_at"]
        return pd.DataFrame({"created_at": created})

    def pilot_study(self, pilot: str | int | None):
        """One of the unit's pilots, ready to evaluate: from the staged store when the
        report's data came from it, else from the sources this report already loaded."""
        from svcinsight import pilot as si_pilot

        source = self.params.source_file
        if self.staged_store is not None:
            return si_pilot.prepare(unit=self.params.unit, pilot=pilot, params_path=source,
                                    staged_store=self.staged_store)
        return si_pilot.prepare(unit=self.params.unit, pilot=pilot, params_path=source,
                                data=self.source_data, ledgers=self.ledgers)

    @property
    def calendar(self):
        """The unit's business calendar, or None for the 24x7 clock."""
        if not self.params.calendar:
            return None
        if "_calendar" not in self._metrics_cache:
            from svcinsight.calendar import BusinessCalendar

            self._metrics_cache["_calendar"] = BusinessCalendar.from_params(
                {"timezone": self.timezone, **self.params.calendar})
        return self._metrics_cache["_calendar"]


def parse_month(month: str | pd.Period) -> pd.Period:
    """A ``YYYY-MM`` month (pandas alone would read "October" as October of year 1)."""
    if isinstance(month, pd.Period):
        return month.asfreq("M")
    if not isinstance(month, str) or not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month.strip()):
        raise ParamsError(f"month must look like YYYY-MM, got {month!r}")
    return pd.Period(month.strip(), freq="M")


#: When set, every parse of a raw source appends a JSON line (process id, table, source)
#: to this file: how a run shows which processes parsed raw sources (see docs/staging.md).
LOAD_LOG_VARIABLE = "SVCINSIGHT_LOAD_LOG"


def _note_load(name: str, spec) -> None:
    path = os.environ.get(LOAD_LOG_VARIABLE)
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"pid": os.getpid(), "table": name, "source": spec.describe()}) + "\n")


def load_source(params: UnitParams, name: str):
    """Load one named source (tickets, events, feedback or orders) with its mapping."""
    spec = getattr(params.sources, name)
    _note_load(name, spec)
    return _READERS[name](
        spec.location(),
        columns=spec.columns or None,
        timezone=params.timezone,
        formats=spec.formats or None,
        values=spec.values or None,
        query=spec.query,
        table=spec.table,
        sheet_name=spec.sheet_name,
        encoding=spec.encoding,
        extra_columns=tuple(spec.extra_columns),
        source_name=spec.describe(),
    )


def check_sources(params: UnitParams) -> dict[str, object]:
    """Try every source of a unit; returns ``{name: ledger or the exception}``, so a check
    reports all problems at once instead of stopping at the first."""
    outcome = {}
    for name in _READERS:
        if getattr(params.sources, name) is None:
            continue
        try:
            outcome[name] = load_source(params, name)[1]
        except Exception as exc:  # collected and reported by the caller
            outcome[name] = exc
    return outcome


def load_sources(params: UnitParams) -> tuple[Dataset, dict]:
    """Load every source named in ``params`` with its column mapping."""
    tables, ledgers = {}, {}
    for name in _READERS:
        if getattr(params.sources, name) is not None:
            tables[name], ledgers[name] = load_source(params, name)
    if "tickets" not in tables:
        # an event log alone: its first event creates the ticket, the named stages answer,
        # resolve and close it (see svcinsight.process.derive_tickets)
        from svcinsight.process import derive_tickets

        proc = params.process
        tables["tickets"] = derive_tickets(tables["events"], resolution_stages=proc.resolution_stages,
                                           first_response_stages=proc.first_response_stages,
                                           closed_stages=proc.closed_stages)
    return Dataset(**tables), ledgers


def scope_to_unit(ds: Dataset, business_unit: str | None) -> tuple[Dataset, dict]:
    """Keep the rows of one business unit when a source holds several.

    Events follow their tickets; feedback follows its ``business_unit`` where it has one,
    else its ticket. Returns the scoped data and the row counts before and after, which
    the report shows so no row leaves without a trace.
    """
    counts = {name: {"all": len(getattr(ds, name))} for name in ds.tables()}
    if business_unit is None:
        for name in counts:
            counts[name]["unit"] = counts[name]["all"]
        return ds, counts
    tickets = ds.tickets
    if "business_unit" not in tickets.columns:
        raise ParamsError(
            f"params name business_unit {business_unit!r} but the tickets source has no "
            "business_unit column to select it by (map one in sources.tickets.columns)"
        )
    tickets = tickets[tickets["business_unit"] == business_unit]
    ids = set(tickets["ticket_id"])
    scoped = {"tickets": tickets.reset_index(drop=True)}
    if ds.events is not None:
        scoped["events"] = ds.events[ds.events["ticket_id"].isin(ids)].reset_index(drop=True)
    if ds.feedback is not None:
        fb = ds.feedback
        keep = pd.Series(False, index=fb.index)
        if "business_unit" in fb.columns:
            keep |= (fb["business_unit"] == business_unit).fillna(False).astype(bool)
        if "ticket_id" in fb.columns:
            keep |= fb["ticket_id"].isin(ids)
        scoped["feedback"] = fb[keep].reset_index(drop=True)
    if ds.orders is not None:
        orders = ds.orders
        if "business_unit" in orders.columns:
            orders = orders[orders["business_unit"] == business_unit]
        scoped["orders"] = orders.reset_index(drop=True)
    result = Dataset(**scoped)
    for name in counts:
        counts[name]["unit"] = len(getattr(result, name))
    return result, counts


def unused_rows(data: Dataset) -> dict[str, int]:
    """Kept rows of a unit's sources that no number of its report can count, per table:
    feedback without a submission time (it falls in no month) and events of a ticket
    that is not among the tickets. The data-quality section lists them, so that no row
    leaves the numbers without a trace.

    >>> import svcinsight as si
    >>> ds = si.demo.generate(seed=1, months=2, tickets_per_month=20, units=["finance"])
    >>> fb = ds.feedback.copy()
    >>> fb.loc[fb.index[:3], "submitted_at"] = pd.NaT
    >>> events = pd.concat([ds.events, ds.events.head(2).assign(ticket_id="no-such-ticket")])
    >>> unused_rows(Dataset(tickets=ds.tickets, events=events, feedback=fb))
    {'feedback': 3, 'events': 2}
    """
    from svcinsight.ids import among

    unused = {}
    if data.feedback is not None and "submitted_at" in data.feedback.columns:
        unused["feedback"] = int(data.feedback["submitted_at"].isna().sum())
    if data.events is not None:
        unused["events"] = int((~among(data.events["ticket_id"], data.tickets["ticket_id"])).sum())
    return unused


def prepare(*, unit: str, month: str, params_path: str | Path, staged_store: str | Path | None = None) -> UnitData:
    """Validate a notebook's parameters and load the unit's data, once.

    Parameters
    ----------
    unit : str
        The unit the notebook was started for; must match the params file's ``unit``.
    month : str
        Report month, ``YYYY-MM``.
    params_path : str or Path
        The unit's params file.
    staged_store : str or Path, optional
        A staged store (``svcinsight stage``; a run passes its own). The unit's
        partitions are read from it; a source without a valid staged copy there (never
        staged, or changed since) is read raw, as without a store.

    Either way the data hold the unit's report window (see
    :mod:`svcinsight.staging.window`), and the numbers are the same.
    """
    params = load_params(params_path)
    if params.unit != unit:
        raise ParamsError(f"{params_path}: file is for unit {params.unit!r}, notebook was started for {unit!r}")
    period = parse_month(month)
    window = ReportWindow.for_month(period, goals=params.goals)
    staged = None
    if staged_store is not None:
        from svcinsight.staging import read_unit

        staged = read_unit(staged_store, params, period)
    if staged is not None:
        data, ledgers, scope, source_data = staged.data, staged.ledgers, staged.scope, None
        latest, created, unused = staged.latest, staged.created, staged.unused
    else:
        source_data, ledgers = load_sources(params)
        whole, scope = scope_to_unit(source_data, params.business_unit)
        latest = latest_timestamp(whole.tickets, whole.events, whole.feedback)
        created = whole.tickets["created_at"]
        unused = unused_rows(whole)
        data = trim(whole, window)
        del whole
    if scope["tickets"]["unit"] == 0:
        where = (params.sources.tickets or params.sources.events).describe()
        raise ParamsError(f"{params_path}: no tickets for business_unit {params.business_unit!r} in {where}")
    return UnitData(params=params, month=period, data=data, ledgers=ledgers, scope=scope, source_data=source_data,
                    window=window, latest=latest, created=created, unused=unused,
                    staged_store=None if staged is None else str(staged_store))
