"""SLA metrics: first response against the priority's target, resolution against due_at.

Each ticket is achieved, breached or active at ``as_of``; the rate is
achieved / (achieved + breached), so tickets still inside their target count neither way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from svcinsight.metrics.context import Context, ratio, tidy

#: Status codes per ticket (small integers: millions of tickets are compared at once).
NO_TARGET, ACTIVE, ACHIEVED, BREACHED = -1, 0, 1, 2
STATUS_NAMES = {NO_TARGET: None, ACTIVE: "active", ACHIEVED: "achieved", BREACHED: "breached"}


def first_response_status(ctx: Context) -> pd.Series:
    """Status code per ticket (:data:`ACHIEVED`, :data:`BREACHED`, :data:`ACTIVE`) for the
    first-response target."""
    t = ctx.tickets
    responded_at = ctx.known_by("first_response_at")
    answered = responded_at.notna()
    priority = t["priority"] if "priority" in t.columns else pd.Series(pd.NA, index=t.index, dtype="string")
    priority = priority.fillna("normal")
    target = np.full(len(t), np.nan)
    for name, hours in ctx.sla_hours.items():  # a few priorities: compare, don't map per row
        target[(priority == name).to_numpy(dtype=bool)] = hours
    if np.isnan(target).any():
        unknown = sorted(set(priority[np.isnan(target)]))
        raise ValueError(f"no first-response target for priority {unknown}; sla has {sorted(ctx.sla_hours)}")
    target = pd.Series(target, index=t.index)
    waited = ctx.hours(t["created_at"], responded_at.where(answered, ctx.as_of)).to_numpy()
    answered = answered.to_numpy()
    target = target.to_numpy()
    status = np.where(answered & (waited <= target), ACHIEVED, np.where(waited > target, BREACHED, ACTIVE))
    return pd.Series(status.astype(np.int8), index=t.index)


def resolution_status(ctx: Context) -> pd.Series | None:
    """Status code per ticket against ``due_at``; :data:`NO_TARGET` where it has none."""
    t = ctx.tickets
    if "due_at" not in t.columns or t["due_at"].isna().all():
        return None
    resolved_at = ctx.known_by("resolved_at")
    due = t["due_at"]
    done = resolved_at.notna()
    late = (done & (resolved_at > due)) | (~done & (due < ctx.as_of))
    status = np.where(due.isna(), NO_TARGET,
                      np.where(done & (resolved_at <= due), ACHIEVED, np.where(late, BREACHED, ACTIVE)))
    return pd.Series(status.astype(np.int8), index=t.index)


def _rate_rows(ctx: Context, metric: str, status: pd.Series) -> pd.DataFrame:
    codes = status.to_numpy()
    counts = ctx.sums(ctx.gid, achieved=codes == ACHIEVED, decided=(codes == ACHIEVED) | (codes == BREACHED))
    return tidy(ctx, metric, value=ratio(counts["achieved"], counts["decided"]),
                numerator=counts["achieved"], denominator=counts["decided"], n=counts["decided"])


def rows(ctx: Context) -> list[pd.DataFrame]:
    out = []
    if "first_response_at" in ctx.tickets.columns:
        out.append(_rate_rows(ctx, "first_response_sla_rate", first_response_status(ctx)))
    res = resolution_status(ctx)
    if res is not None:
        out.append(_rate_rows(ctx, "resolution_sla_rate", res))
    return out
