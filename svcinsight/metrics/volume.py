"""Volume metrics: tickets created and resolved, backlog, and the shares of tickets
that were resolved, escalated or complaints."""

from __future__ import annotations

import numpy as np
import pandas as pd

from svcinsight.metrics.context import Context, _as_key, period_ends, ratio, tidy, to_period


def rows(ctx: Context) -> list[pd.DataFrame]:
    t = ctx.tickets
    facts = {"created": np.ones(len(t)), "resolved": ctx.known_by("resolved_at").notna().to_numpy()}
    if "escalated" in t.columns:
        facts["esc_known"] = t["escalated"].notna().to_numpy()
        facts["escalated"] = t["escalated"].fillna(False).to_numpy(dtype=bool)
    if "category" in t.columns:
        facts["cat_known"] = t["category"].notna().to_numpy()
        facts["complaint"] = (t["category"] == "complaint").fillna(False).to_numpy(dtype=bool)
    sums = ctx.sums(ctx.gid, **facts)

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

    Open at a period's end: created before it and not resolved before it (a period's
    end instant belongs to the next period); at ``as_of``: created and not resolved by
    then. Counted per group with cumulative sums of creations and resolutions over the
    periods, so every ticket is touched once, whatever period it was created in.
    """
    if len(ctx.grid) == 0:
        return tidy(ctx, "backlog_open", value=None, n=None, count=True)
    span = ctx.span
    ends = period_ends(span, ctx.tz).as_unit("ns")
    cutoffs = ends.where(ends <= ctx.as_of, ctx.as_of + pd.Timedelta(1, "ns")).asi8
    t = ctx.tickets
    resolved_at = ctx.known_by("resolved_at")
    periods = len(span)
    # the first cutoff after each event: the event counts from that period on (periods = never)
    created_slot = np.searchsorted(cutoffs, t["created_at"].dt.as_unit("ns").array.asi8, side="right")
    res_ns = resolved_at.dt.as_unit("ns").array.asi8
    res_slot = np.where(resolved_at.notna().to_numpy(), np.searchsorted(cutoffs, res_ns, side="right"), periods)
    group = ctx.gid // periods
    ok = ctx.gid >= 0
    size = ctx.n_groups * (periods + 1)
    opened = np.bincount(group[ok] * (periods + 1) + created_slot[ok], minlength=size)
    closed = np.bincount(group[ok] * (periods + 1) + res_slot[ok], minlength=size)
    open_counts = np.cumsum((opened - closed).reshape(ctx.n_groups, periods + 1)[:, :periods], axis=1)
    series = pd.Series(open_counts.ravel().astype("float64"))
    return tidy(ctx, "backlog_open", value=series, numerator=series, n=series, count=True)


def complaints_per_orders(ctx: Context, complaints: pd.Series) -> pd.DataFrame | None:
    """Complaints per 1,000 orders, where orders exist for the grouping."""
    orders = ctx.orders
    if orders is None or not set(ctx.by) <= {"business_unit"} or ("business_unit" in ctx.by and "business_unit" not in orders.columns):
        return None
    keys = pd.DataFrame({col: _as_key(orders[col]) for col in ctx.by}, index=orders.index)
    keys["period"] = to_period(orders["date"], ctx.freq)
    positions = ctx._positions(keys)
    volume = ctx.along(ctx.sums(positions, orders=orders["orders"].fillna(0).to_numpy(dtype="float64"))["orders"])
    complaints = ctx.along(complaints).fillna(0)
    return tidy(ctx, "complaints_per_1k_orders", value=ratio(complaints * 1000.0, volume),
                numerator=complaints, denominator=volume, n=volume)
