"""SLA metrics: first response against the priority's target, resolution against due_at.

Each ticket is achieved, breached or active at ``as_of``; the rate is
achieved / (achieved + breached), so tickets still inside their target count neither way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from svcinsight.metrics.context import NAT, Context, Result, ratio, utc_ns

#: Status codes per ticket (small integers: millions of tickets are compared at once).
NO_TARGET, ACTIVE, ACHIEVED, BREACHED = -1, 0, 1, 2
STATUS_NAMES = {NO_TARGET: None, ACTIVE: "active", ACHIEVED: "achieved", BREACHED: "breached"}


def _target_hours(ctx: Context) -> np.ndarray:
    """First-response target per ticket from its priority (missing = normal)."""
    t = ctx.tickets
    if "priority" not in t.columns:
        priority_codes, names = np.zeros(len(t), dtype=np.int64), []
    else:
        priority_codes, names = pd.factorize(t["priority"], use_na_sentinel=True)
        names = list(names)
    names = [*names, "normal"]  # missing priority counts as normal
    priority_codes = np.where(priority_codes < 0, len(names) - 1, priority_codes)
    per_name = np.array([ctx.sla_hours.get(name, np.nan) for name in names], dtype="float64")
    target = per_name[priority_codes]
    missing = np.isnan(target)
    if missing.any():
        unknown = sorted({names[i] for i in np.unique(priority_codes[missing])})
        raise ValueError(f"no first-response target for priority {unknown}; sla has {sorted(ctx.sla_hours)}")
    return target


def first_response_codes(ctx: Context) -> np.ndarray:
    """Status code per ticket for the first-response target (int8 array)."""
    answered, waited = ctx.waited("first_response_at")
    target = _target_hours(ctx)
    achieved = answered & (waited <= target)
    return np.where(achieved, ACHIEVED, np.where(waited > target, BREACHED, ACTIVE)).astype(np.int8)


def resolution_codes(ctx: Context) -> np.ndarray | None:
    """Status code per ticket against ``due_at`` (:data:`NO_TARGET` where it has none)."""
    t = ctx.tickets
    if "due_at" not in t.columns or t["due_at"].isna().all():
        return None
    resolved = ctx.known_ns("resolved_at")
    due = utc_ns(t["due_at"])
    done = resolved != NAT
    no_due = due == NAT
    achieved = done & (resolved <= due)
    late = (done & (resolved > due)) | (~done & (due < ctx.as_of_ns))
    return np.where(no_due, NO_TARGET, np.where(achieved, ACHIEVED, np.where(late, BREACHED, ACTIVE))).astype(np.int8)


def first_response_status(ctx: Context) -> pd.Series:
    """Status code per ticket (:data:`ACHIEVED`, :data:`BREACHED`, :data:`ACTIVE`) for the
    first-response target."""
    return pd.Series(first_response_codes(ctx), index=ctx.tickets.index)


def resolution_status(ctx: Context) -> pd.Series | None:
    """Status code per ticket against ``due_at``; :data:`NO_TARGET` where it has none."""
    codes = resolution_codes(ctx)
    return None if codes is None else pd.Series(codes, index=ctx.tickets.index)


def _rate(ctx: Context, metric: str, codes: np.ndarray) -> Result:
    achieved = ctx.sums(ctx.gid, codes == ACHIEVED)
    decided = ctx.sums(ctx.gid, (codes == ACHIEVED) | (codes == BREACHED))
    return Result(metric, ratio(achieved, decided), decided, achieved, decided)


def rows(ctx: Context) -> list[Result]:
    out = []
    if ctx.has("first_response_at") and ctx.wants("first_response_sla_rate"):
        out.append(_rate(ctx, "first_response_sla_rate", first_response_codes(ctx)))
    if ctx.wants("resolution_sla_rate"):
        codes = resolution_codes(ctx)
        if codes is not None:
            out.append(_rate(ctx, "resolution_sla_rate", codes))
    return out
