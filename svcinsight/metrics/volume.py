"""Volume metrics: tickets created and resolved, backlog, and the shares of tickets
that were resolved, escalated or complaints."""

from __future__ import annotations

import numpy as np
import pandas as pd

from svcinsight.metrics.context import Context, period_ends, ratio, tidy, to_period


def rows(ctx: Context) -> list[pd.DataFrame]:
    t = ctx.tickets
    resolved = ctx.known_by("resolved_at").notna()
    facts = pd.DataFrame({"created": 1, "resolved": resolved.astype("int64")}, index=t.index)
    if "escalated" in t.columns:
        known = t["escalated"].notna()
        facts["esc_known"] = known.astype("int64")
        facts["escalated"] = t["escalated"].fillna(False).astype(bool).astype("int64")
    if "category" in t.columns:
        known = t["category"].notna()
        facts["cat_known"] = known.astype("int64")
        facts["complaint"] = (t["category"] == "complaint").fillna(False).astype(bool).astype("int64")
    sums = ctx.group(facts).sum()

    out = [
        tidy(ctx, "tickets_created", value=sums["created"], numerator=sums["created"], n=sums["created"], count=True),
        tidy(ctx, "tickets_resolved", value=sums["resolved"], numerator=sums["resolved"], n=sums["resolved"], count=True),
        backlog(ctx),
        tidy(ctx, "resolution_rate", value=ratio(sums["resolved"], sums["created"]),
             numerator=sums["resolved"], denominator=sums["created"], n=sums["created"]),
    ]
    if "escalated" in facts:
        out.append(tidy(ctx, "escalation_rate", value=ratio(sums["escalated"], sums["esc_known"]),
                        numerator=sums["escalated"], denominator=sums["esc_known"], n=sums["esc_known"]))
    if "complaint" in facts:
        out.append(tidy(ctx, "complaint_rate", value=ratio(sums["complaint"], sums["cat_known"]),
                        numerator=sums["complaint"], denominator=sums["cat_known"], n=sums["cat_known"]))
        per_orders = complaints_per_orders(ctx, sums["complaint"])
        if per_orders is not None:
            out.append(per_orders)
    return out


def backlog(ctx: Context) -> pd.DataFrame:
    """Tickets open at each period's end (or at ``as_of`` when that comes first).

    Open at instant c: created before c and not resolved before c. Counted per group with
    cumulative sums of creations and resolutions over the grid's periods, so every
    ticket is touched once, whatever period it was created in.
    """
    grid = ctx.grid
    if len(grid) == 0:
        return tidy(ctx, "backlog_open", value=None, n=None, count=True)
    periods = grid.levels[-1] if isinstance(grid, pd.MultiIndex) else grid
    span = pd.PeriodIndex(sorted(periods.unique()))
    ends = period_ends(span, ctx.tz).as_unit("ns")
    # a period end is exclusive (its instant belongs to the next period); as_of is inclusive:
    # what happened at as_of has happened
    cutoffs = ends.where(ends <= ctx.as_of, ctx.as_of + pd.Timedelta(1, "ns"))
    t = ctx.tickets
    resolved_at = ctx.known_by("resolved_at")
    # index of the first cutoff at or after each event: the event counts for that period onwards
    created_slot = np.searchsorted(cutoffs.asi8, t["created_at"].dt.as_unit("ns").astype("int64").to_numpy(), side="right")
    res_ns = resolved_at.dt.as_unit("ns").astype("int64").to_numpy()
    res_slot = np.where(resolved_at.notna().to_numpy(), np.searchsorted(cutoffs.asi8, res_ns, side="right"), len(span))
    keys = [ctx.keys[c].to_numpy() for c in ctx.by]
    frame = pd.DataFrame({**{c: k for c, k in zip(ctx.by, keys)}, "c": created_slot, "r": res_slot})
    counts = []
    for slot_col, sign in (("c", 1), ("r", -1)):
        g = frame.groupby([*ctx.by, slot_col], observed=True).size() if ctx.by else frame.groupby(slot_col).size()
        counts.append(sign * g.rename_axis([*ctx.by, "slot"]))
    events = pd.concat(counts).groupby(level=list(range(len(ctx.by) + 1))).sum()
    events = events[events.index.get_level_values(-1) < len(span)]
    if ctx.by:
        table = events.unstack("slot", fill_value=0).reindex(columns=range(len(span)), fill_value=0)
        open_counts = table.cumsum(axis=1)
        open_counts.columns = span
        series = open_counts.stack()
    else:
        per_slot = events.reindex(range(len(span)), fill_value=0).cumsum()
        series = pd.Series(per_slot.to_numpy(), index=span)
    series.index = series.index.set_names(ctx.key_names)
    series = series.reindex(grid).fillna(0)
    return tidy(ctx, "backlog_open", value=series, numerator=series, n=series, count=True)


def complaints_per_orders(ctx: Context, complaints: pd.Series) -> pd.DataFrame | None:
    """Complaints per 1,000 orders, where orders exist for the grouping."""
    orders = ctx.orders
    if orders is None or not set(ctx.by) <= {"business_unit"} or ("business_unit" in ctx.by and "business_unit" not in orders.columns):
        return None
    o = orders.assign(period=to_period(orders["date"], ctx.freq))
    if "business_unit" in ctx.by:
        o["business_unit"] = o["business_unit"].astype("string").fillna("(unknown)")
    volume = o.groupby(ctx.key_names, observed=True)["orders"].sum().astype("float64")
    volume = ctx.along(volume).fillna(0)
    value = ratio(ctx.along(complaints).fillna(0) * 1000.0, volume)
    return tidy(ctx, "complaints_per_1k_orders", value=value, numerator=ctx.along(complaints).fillna(0),
                denominator=volume, n=volume)
