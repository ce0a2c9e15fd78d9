"""Everything one unit's report needs, loaded once: validated params, the unit's
canonical tables, their quality ledgers, the report month and the data's as-of time.

A notebook's validation cell is one call: ``unit_report = si.report.prepare(...)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from svcinsight import io as si_io
from svcinsight.dataset import Dataset
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
        latest = _latest_timestamp(self.data)
        if latest is pd.NaT or latest >= self.month_end:
            return self.month_end
        return latest

    def quality(self) -> pd.DataFrame:
        """All sources' ledgers as one table."""
        return si_io.QualityLedger.combine(list(self.ledgers.values()))


def _latest_timestamp(ds: Dataset) -> pd.Timestamp:
    latest = pd.NaT
    for name in ("tickets", "events", "feedback"):
        frame = getattr(ds, name)
        if frame is None:
            continue
        for col in frame.columns:
            if isinstance(frame[col].dtype, pd.DatetimeTZDtype) and frame[col].notna().any():
                value = frame[col].max()
                latest = value if latest is pd.NaT else max(latest, value)
    return latest


def _parse_month(month: str | pd.Period) -> pd.Period:
    try:
        return pd.Period(month, freq="M")
    except (ValueError, TypeError):
        raise ParamsError(f"month must look like YYYY-MM, got {month!r}") from None


def load_sources(params: UnitParams) -> tuple[Dataset, dict]:
    """Load every source named in ``params`` with its column mapping."""
    tables, ledgers = {}, {}
    for name, reader in _READERS.items():
        spec = getattr(params.sources, name)
        if spec is None:
            continue
        frame, ledger = reader(
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
        tables[name], ledgers[name] = frame, ledger
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
    period = _parse_month(month)
    data, ledgers = load_sources(params)
    data, scope = scope_to_unit(data, params.business_unit)
    if len(data.tickets) == 0:
        raise ParamsError(
            f"{params_path}: no tickets for business_unit {params.business_unit!r} "
            f"in {params.sources.tickets.describe()}"
        )
    return UnitData(params=params, month=period, data=data, ledgers=ledgers, scope=scope)
