"""Volume metrics: tickets created and resolved, backlog, and the shares of tickets
that were resolved, escalated or complaints."""

from __future__ import annotations

import numpy as np
import pandas as pd

from svcinsight.metrics.context import (
    NAT,
    Context,
    Result,
    key_codes,
    local_ns,
    period_ends,
    period_ordinals,
    ratio,
)


def rows(ctx: Context) -> list[Result]:
    t = ctx.tickets
    created = ctx.ticket_counts
    resolved = ctx.resolved_counts
    out = []
    if ctx.wants("tickets_created"):
        out.append(Result("tickets_created", created, created, numerator=created, count=True))
    if ctx.wants("tickets_resolved"):
        out.append(Result("tickets_resolved", resolved, resolved, numerator=resolved, count=True))
    if ctx.wants("backlog_open"):
        out.append(backlog(ctx))
    if ctx.wants("resolution_rate"):
        out.append(Result("resolution_rate", ratio(resolved, created), created, resolved, created))
    if "escalated" in t.columns and ctx.wants("escalation_rate"):
        known = ctx.sums(ctx.gid, t["escalated"].notna().to_numpy())
        escalated = ctx.sums(ctx.gid, ctx.column("escalated", False, bool))
        out.append(Result("escalation_rate", ratio(escalated, known), known, escalated, known))
    if "category" in t.columns and ctx.wants("complaint_rate", "complaints_per_1k_orders"):
        known = ctx.sums(ctx.gid, t["category"].notna().to_numpy())
        complaints = ctx.sums(ctx.gid, (t["category"] == "complaint").fillna(False).to_numpy(dtype=bool))
        if ctx.wants("complaint_rate"):
            out.append(Result("complaint_rate", ratio(complaints, known), known, complaints, known))
        if ctx.wants("complaints_per_1k_orders"):
            per_orders = complaints_per_orders(ctx, complaints)
            if per_orders is not None:
                out.append(per_orders)
    return out


def backlog(ctx: Context) -> Result:
    """Tickets open at each period's end (or at ``as_of`` when that comes first).

    Open at a period's end: created before it and not resolved before it (a period's
    end instant belongs to the next period); at ``as_of``: created and not resolved by
    then. Counted per group with cumulative sums of creations and resolutions over the
    periods, so every ticket is touched once, whatever period it was created in.
    """
    periods = ctx.n_periods
    if not ctx.size:
        empty = np.zeros(0)
        return Result("backlog_open", empty, empty, numerator=empty, count=True)
    ends = period_ends(ctx.span, ctx.tz).as_unit("ns")
    cutoffs = np.asarray(ends.where(ends <= ctx.as_of, ctx.as_of + pd.Timedelta(1, "ns")).asi8)
    resolved = ctx.known_ns("resolved_at")
    ok = ctx._gid_keep  # None: every ticket has a cell
    group = ctx.ticket_group if ok is None else ctx.ticket_group[ok]
    size = ctx.n_groups * (periods + 1)
    # the first cutoff after each event: the event counts from that period on (periods = never)
    if _clock_steady_at(ends):
        # a ticket's creation period is its cutoff: the per-cell counts are the openings
        opened = np.zeros((ctx.n_groups, periods + 1))
        opened[:, :periods] = ctx.ticket_counts.reshape(ctx.n_groups, periods)
        opened = opened.ravel()
    else:  # a clock change at a period's end: compare instants
        created_slot = np.searchsorted(cutoffs, ctx.created_ns, side="right")
        opened = np.bincount(group * (periods + 1) + (created_slot if ok is None else created_slot[ok]), minlength=size)
    resolved_slot = np.searchsorted(cutoffs, resolved, side="right")  # NAT, below every cutoff, gives 0
    resolved_slot[resolved == NAT] = periods
    closed = np.bincount(group * (periods + 1) + (resolved_slot if ok is None else resolved_slot[ok]), minlength=size)
    open_counts = np.cumsum((opened - closed).reshape(ctx.n_groups, periods + 1)[:, :periods], axis=1)
    counts = open_counts.ravel().astype("float64")
    return Result("backlog_open", counts, counts, numerator=counts, count=True)


def _clock_steady_at(ends: pd.DatetimeIndex) -> bool:
    """Whether the UTC offset is the same a day either side of every period end, so that
    a period's wall-clock bounds and its end instant put every ticket on the same side."""
    if ends.tz is None or not len(ends):
        return True
    day = pd.Timedelta(1, "D")
    offsets = [np.asarray(x.tz_localize(None).asi8 - x.asi8) for x in (ends - day, ends, ends + day)]
    return bool((offsets[0] == offsets[1]).all() and (offsets[1] == offsets[2]).all())


def complaints_per_orders(ctx: Context, complaints: np.ndarray) -> Result | None:
    """Complaints per 1,000 orders, where orders exist for the grouping."""
    orders = ctx.orders
    if orders is None or not set(ctx.by) <= {"business_unit"} or ("business_unit" in ctx.by and "business_unit" not in orders.columns):
        return None
    codes = []
    for col, level in zip(ctx.by, ctx.levels):
        order_codes, names = key_codes(orders[col])
        where = {name: i for i, name in enumerate(level)}
        # a unit the tickets don't have has no cell in the grid
        codes.append(np.array([where.get(name, -1) for name in names], dtype=np.int64)[order_codes])
    ordinals = period_ordinals(local_ns(orders["date"]), ctx.freq)
    positions = ctx._positions([np.maximum(c, 0) for c in codes], ordinals)
    for c in codes:
        positions[c < 0] = -1
    volume = ctx.sums(positions, orders["orders"].fillna(0).to_numpy(dtype="float64"))
    per_1k = ratio(complaints * 1000.0, volume)
    return Result("complaints_per_1k_orders", per_1k, volume, complaints, volume)
