"""A unit's sources: each one loaded with its column mapping, and the rows of the
unit's business unit kept when a source holds several.

Nothing here knows a report, a pilot or the staged store: :mod:`svcinsight.staging`
stages what :func:`load_source` reads, and :mod:`svcinsight.studies` reads a unit's
month from the store or, without one, through :func:`load_sources`.
"""

from __future__ import annotations

import json
import os

import pandas as pd

from svcinsight import io as si_io
from svcinsight.dataset import Dataset
from svcinsight.ids import among
from svcinsight.process.derive import derive_tickets
from svcinsight.unit.params import ParamsError, UnitParams

_READERS = {
    "tickets": si_io.read_tickets,
    "events": si_io.read_events,
    "feedback": si_io.read_feedback,
    "orders": si_io.read_orders,
}

#: The canonical tables a unit may name, in the order they are loaded.
TABLES = tuple(_READERS)


#: When set, every parse of a raw source appends a JSON line (process id, table, source)
#: to this file: how a run shows which processes parsed raw sources (see docs/staging.md).
LOAD_LOG_VARIABLE = "SVCINSIGHT_LOAD_LOG"


def note_load(name: str, spec) -> None:
    """Append one line to the load log (:data:`LOAD_LOG_VARIABLE`), when one is set."""
    path = os.environ.get(LOAD_LOG_VARIABLE)
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"pid": os.getpid(), "table": name, "source": spec.describe()}) + "\n")


def load_source(params: UnitParams, name: str):
    """Load one named source (tickets, events, feedback or orders) with its mapping."""
    spec = getattr(params.sources, name)
    note_load(name, spec)
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
        except Exception as exc:  # collected and reported by the caller  # noqa: BLE001
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
    unused = {}
    if data.feedback is not None and "submitted_at" in data.feedback.columns:
        unused["feedback"] = int(data.feedback["submitted_at"].isna().sum())
    if data.events is not None:
        unused["events"] = int((~among(data.events["ticket_id"], data.tickets["ticket_id"])).sum())
    return unused
