"""SLA metrics: first response against the priority's target, resolution against due_at.

Each ticket is achieved, breached or active at ``as_of``; the rate is
achieved / (achieved + breached), so tickets still inside their target count neither way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from svcinsight.metrics.context import Context, ratio, tidy

ACHIEVED, BREACHED, ACTIVE = "achieved", "breached", "active"


def first_response_status(ctx: Context) -> pd.Series:
    """achieved / breached / active per ticket for the first-response target."""
    t = ctx.tickets
    responded_at = ctx.known_by("first_response_at")
    answered = responded_at.notna()
    priority = t["priority"] if "priority" in t.columns else pd.Series(pd.NA, index=t.index, dtype="string")
    target = priority.fillna("normal").map(ctx.sla_hours).astype("float64")
    if target.isna().any():
        unknown = sorted(set(priority[target.isna()].dropna()))
        raise ValueError(f"no first-response target for priority {unknown}; sla has {sorted(ctx.sla_hours)}")
    waited = ctx.hours(t["created_at"], responded_at.where(answered, ctx.as_of))
    status = np.where(answered & (waited <= target), ACHIEVED,
                      np.where(waited > target, BREACHED, ACTIVE))
    return pd.Series(status, index=t.index)


def resolution_status(ctx: Context) -> pd.Series | None:
    """achieved / breached / active against ``due_at``; NA where a ticket has no due time."""
    t = ctx.tickets
    if "due_at" not in t.columns or t["due_at"].isna().all():
        return None
    resolved_at = ctx.known_by("resolved_at")
    due = t["due_at"]
    done = resolved_at.notna()
    status = np.where(due.isna(), None,
                      np.where(done & (resolved_at <= due), ACHIEVED,
                               np.where((done & (resolved_at > due)) | (~done & (due < ctx.as_of)), BREACHED, ACTIVE)))
    return pd.Series(status, index=t.index)


def _rate_rows(ctx: Context, metric: str, status: pd.Series) -> pd.DataFrame:
    counts = ctx.group(pd.DataFrame({
        "achieved": (status == ACHIEVED).astype("int64"),
        "decided": status.isin([ACHIEVED, BREACHED]).astype("int64"),
    })).sum()
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
