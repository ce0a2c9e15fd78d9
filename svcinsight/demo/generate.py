"""Generate the demo :class:`~svcinsight.Dataset`: every unit, then canonical dtypes.

Each unit draws from its own random stream (spawned from the seed by the unit's place
in :data:`UNITS`) and the shocks all units share from another, so a unit's data is the
same whether it is generated alone or with the others.

Examples
--------
>>> from svcinsight.demo.generate import generate
>>> a = generate(seed=5, months=1, tickets_per_month=20, units=["manufacturing"])
>>> b = generate(seed=5, months=1, tickets_per_month=20)
>>> part = b.tickets[b.tickets["business_unit"] == "manufacturing"].reset_index(drop=True)
>>> a.tickets.equals(part)
True
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from svcinsight import config, schema
from svcinsight.dataset import Dataset
from svcinsight.demo import arrivals, events, feedback, orders, paths, plan, tickets, timeline
from svcinsight.demo.clock import Span, WorkCalendar
from svcinsight.demo.pilot import PILOT
from svcinsight.demo.profiles import Unit
from svcinsight.demo.staff import Roster
from svcinsight.demo.units import UNITS


def generate(
    seed: int = 0,
    *,
    start="2025-09-01",
    months: int = 14,
    tickets_per_month: float = 1200,
    units: Iterable[str] | str | None = None,
    timezone: str = config.DEFAULT_TIMEZONE,
) -> Dataset:
    """Realistic synthetic tickets, events, feedback and orders for the demo units.

    Parameters
    ----------
    seed
        Seed of the random streams; the same seed gives identical tables.
    start, months
        The span: from local midnight of ``start`` for ``months`` calendar months.
        No observed timestamp reaches the end (``due_at`` is a deadline and may).
    tickets_per_month
        Average tickets per unit and month (units differ around it: e-commerce 1.4x,
        finance 0.8x, manufacturing 0.6x, consumer services 1.2x).
    units
        Ids of the units to generate (default: all of :data:`UNITS`).
    timezone
        Time zone of the timestamps; the units work local hours in it.

    Returns
    -------
    Dataset
        ``tickets``, ``events``, ``feedback`` and ``orders`` in the canonical columns
        and dtypes of :mod:`svcinsight.schema`.

    Examples
    --------
    >>> import svcinsight as si
    >>> ds = si.demo.generate(seed=1, months=2, tickets_per_month=40, units=["finance"])
    >>> ds.tables()
    ['tickets', 'events', 'feedback', 'orders']
    >>> ds.tickets["business_unit"].unique().tolist()
    ['finance']
    >>> str(ds.tickets["created_at"].dtype)
    'datetime64[ns, Asia/Shanghai]'
    >>> si.demo.generate(units=["retail"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: unknown demo unit(s) ['retail']; valid: 'ecommerce', 'finance', ...
    """
    selected = _select(units)
    if isinstance(tickets_per_month, bool) or not tickets_per_month > 0:
        raise ValueError(f"tickets_per_month must be positive, got {tickets_per_month!r}")
    span = Span.of(start, months, timezone)
    calendar = WorkCalendar(span)
    streams = np.random.SeedSequence(seed).spawn(1 + len(UNITS))
    shocks = arrivals.common_shocks(span, calendar, np.random.default_rng(streams[0]))
    parts = [
        _unit_tables(unit, span, calendar, shocks, tickets_per_month, np.random.default_rng(stream))
        for unit, stream in zip(UNITS.values(), streams[1:])
        if unit.id in selected
    ]
    tables = {
        name: conform(pd.concat([part[name] for part in parts], ignore_index=True),
                      schema.TABLES[name], timezone)
        for name in ("tickets", "events", "feedback", "orders")
    }
    return Dataset(**tables)


def _select(units: Iterable[str] | str | None) -> set[str]:
    if units is None:
        return set(UNITS)
    wanted = [units] if isinstance(units, str) else list(units)
    unknown = [u for u in wanted if u not in UNITS]
    if unknown:
        valid = ", ".join(repr(u) for u in UNITS)
        raise ValueError(f"unknown demo unit(s) {unknown}; valid: {valid}")
    if not wanted:
        raise ValueError("units is empty; give at least one of " + ", ".join(UNITS))
    return set(wanted)


def _unit_tables(
    unit: Unit, span: Span, calendar: WorkCalendar, shocks: arrivals.CommonShocks,
    tickets_per_month: float, rng: np.random.Generator,
) -> dict[str, pd.DataFrame]:
    roster = Roster.of(unit, rng)
    drawn = plan.plan_tickets(unit, span, calendar, shocks, PILOT, tickets_per_month, roster, rng)
    path = paths.build(
        unit, drawn.category, drawn.route, drawn.rework, drawn.reopen, drawn.escalate
    )
    entered = timeline.entry_times(unit, drawn, path, calendar, shocks, roster, rng)
    ticket_table = tickets.ticket_frame(unit, drawn, path, entered, span, roster, rng)
    event_table = events.event_frame(
        unit, drawn, path, entered, span, roster, ticket_table["ticket_id"].to_numpy(), rng
    )
    return {
        "tickets": ticket_table,
        "events": event_table,
        "feedback": feedback.feedback_frame(
            unit, ticket_table, event_table, drawn, roster, PILOT, span, rng
        ),
        "orders": orders.order_frame(unit, span, calendar, shocks, tickets_per_month, rng),
    }


def conform(frame: pd.DataFrame, table: schema.Table, timezone: str) -> pd.DataFrame:
    """The frame's columns in schema order, each in its canonical dtype."""
    out = {}
    for column in table:
        if column.name not in frame:
            continue
        values = frame[column.name]
        if column.kind == "timestamp":
            stamps = pd.to_datetime(values)
            if stamps.dt.tz is None:
                stamps = stamps.dt.tz_localize(timezone)
            stamps = stamps.dt.tz_convert(timezone)
            out[column.name] = stamps.astype(f"datetime64[ns, {timezone}]")
        elif column.kind == "date":
            out[column.name] = pd.to_datetime(values).astype("datetime64[ns]")
        elif column.kind in ("count", "score"):
            out[column.name] = pd.array(pd.to_numeric(values), dtype="Int64")
        else:
            out[column.name] = values.astype(column.dtype)
    return pd.DataFrame(out, index=frame.index)
