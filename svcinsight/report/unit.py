"""Everything one unit's report needs, loaded once: validated params, the unit's
canonical tables, their quality ledgers, the report month and the data's as-of time.

A notebook's validation cell is one call: ``unit_report = si.report.prepare(...)``.
"""

from __future__ import annotations

import re

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from svcinsight import io as si_io
from svcinsight.dataset import Dataset
from svcinsight.metrics import compute as compute_metrics
from svcinsight.metrics import latest_timestamp
from svcinsight.report.params import ParamsError, UnitParams, load_params

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

        Tickets still open at this instant count as open in the report.
        """
        latest = latest_timestamp(self.data.tickets, self.data.events, self.data.feedback)
        if latest is pd.NaT or latest >= self.month_end:
            return self.month_end
        return latest

    def quality(self) -> pd.DataFrame:
        """All sources' ledgers as one table."""
        return si_io.QualityLedger.combine(list(self.ledgers.values()))

    def metrics(self, by: tuple[str, ...] = ()) -> pd.DataFrame:
        """All metrics per month (and ``by`` groups) as of the report's as-of time, computed
        once per grouping and reused by every section that needs them."""
        key = tuple(by)
        if key not in self._metrics_cache:
            self._metrics_cache[key] = compute_metrics(
                self.data.tickets, self.data.feedback, self.data.orders, by=key, as_of=self.as_of,
                sla=self.params.sla, calendar=self.calendar, changes=True,
                periods=[self.month - 1, self.month])
        return self._metrics_cache[key]

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


def load_source(params: UnitParams, name: str):
    """Load one named source (tickets, events, feedback or orders) with its mapping."""
    spec = getattr(params.sources, name)
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


def prepare(*, unit: str, month: str, params_path: str | Path) -> UnitData:
    """Validate a notebook's parameters and load the unit's data, once.

    Parameters
    ----------
    unit : str
        The unit the notebook was started for; must match the params file's ``unit``.
    month : str
        Report month, ``YYYY-MM``.
    params_path : str or Path
        The unit's params file.
    """
    params = load_params(params_path)
    if params.unit != unit:
        raise ParamsError(f"{params_path}: file is for unit {params.unit!r}, notebook was started for {unit!r}")
    period = parse_month(month)
    source_data, ledgers = load_sources(params)
    data, scope = scope_to_unit(source_data, params.business_unit)
    if len(data.tickets) == 0:
        where = (params.sources.tickets or params.sources.events).describe()
        raise ParamsError(f"{params_path}: no tickets for business_unit {params.business_unit!r} in {where}")
    return UnitData(params=params, month=period, data=data, ledgers=ledgers, scope=scope, source_data=source_data)
