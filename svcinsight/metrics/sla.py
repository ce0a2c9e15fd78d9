"""SLA metrics: first response against the priority's target, resolution against due_at.

Each ticket is achieved, breached or active at ``as_of``; the rate is
achieved / (achieved + breached), so tickets still inside their target count neither way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from svcinsight.metrics.context import NAT, Context, Result, _arrow_strings, ratio, utc_ns

#: Status codes per ticket (small integers: millions of tickets are compared at once).
NO_TARGET, ACTIVE, ACHIEVED, BREACHED = -1, 0, 1, 2
STATUS_NAMES = {NO_TARGET: None, ACTIVE: "active", ACHIEVED: "achieved", BREACHED: "breached"}


def _target_hours(ctx: Context) -> np.ndarray:
    """First-response target per ticket from its priority (missing = normal)."""
    t = ctx.tickets
    names = list(ctx.sla_hours)
    codes = _priority_codes(t["priority"], names) if "priority" in t.columns else np.full(len(t), -1)
    per_name = np.array([ctx.sla_hours[name] for name in names] + [ctx.sla_hours.get("normal", np.nan)],
                        dtype="float64")
    target = np.where(codes == -2, np.nan, per_name[codes])  # -1, missing, reads the last: normal
    no_target = np.isnan(target)
    if no_target.any():
        without = codes[no_target]
        unknown = {(names + ["normal"])[i] for i in np.unique(without[without != -2])}
        if (without == -2).any():  # priorities the targets do not name
            unknown |= set(pd.unique(t["priority"][codes == -2].astype(object)))
        raise ValueError(f"no first-response target for priority {sorted(unknown)}; sla has {sorted(ctx.sla_hours)}")
    return target


def _priority_codes(priority: pd.Series, names: list[str]) -> np.ndarray:
    """Index of each ticket's priority in ``names``; -1 where missing, -2 where not named.
    A lookup of the few named values (Arrow's hash kernel) rather than a factorisation."""
    missing = priority.isna().to_numpy()
    try:
        arrow = _arrow_strings(priority)
        found = pc.index_in(arrow, value_set=pa.array(names, type=arrow.type))
        chunks = found.chunks if isinstance(found, pa.ChunkedArray) else [found]
        codes = np.concatenate([c.fill_null(-2).to_numpy(zero_copy_only=False) for c in chunks] or [[]])
        codes = codes.astype(np.int64)
    except (TypeError, pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        codes = pd.Index(names).get_indexer(priority.astype(object)).astype(np.int64)
        codes[codes < 0] = -2
    codes[missing] = -1
    return codes


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


def _rate(ctx: Context, metric: str, achieved: np.ndarray, decided: np.ndarray) -> Result:
    achieved, decided = ctx.sums(ctx.gid, achieved), ctx.sums(ctx.gid, decided)
    return Result(metric, ratio(achieved, decided), decided, achieved, decided)


def rows(ctx: Context) -> list[Result]:
    out = []
    if ctx.has("first_response_at") and ctx.wants("first_response_sla_rate"):
        # as first_response_codes, without the codes: achieved, and achieved or breached
        answered, waited = ctx.waited("first_response_at")
        target = _target_hours(ctx)
        achieved = answered & (waited <= target)
        out.append(_rate(ctx, "first_response_sla_rate", achieved, achieved | (waited > target)))
    if ctx.wants("resolution_sla_rate"):
        codes = resolution_codes(ctx)
        if codes is not None:
            out.append(_rate(ctx, "resolution_sla_rate", codes == ACHIEVED, (codes == ACHIEVED) | (codes == BREACHED)))
    return out
