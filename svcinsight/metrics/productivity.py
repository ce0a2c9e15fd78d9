"""Productivity metrics: resolutions per agent-day (by resolution time) and handle time."""

from __future__ import annotations

import numpy as np
import pandas as pd

from svcinsight.metrics import grouped
from svcinsight.metrics.context import _NS_PER_DAY, NAT, Context, Result, local_ns, ratio

#: Up to this many (cell, agent, day) combinations, distinct agent-days are marked in a
#: boolean table (one pass); beyond, they are found by sorting.
_TABLE_MAX = 50_000_000


def distinct_per_cell(cells: np.ndarray, agents: np.ndarray, days: np.ndarray, size: int) -> np.ndarray:
    """Distinct (agent, day) pairs per cell, given small non-negative integer codes.

    >>> distinct_per_cell(np.array([0, 0, 0, 1]), np.array([0, 0, 1, 0]), np.array([3, 3, 3, 3]), 2)
    array([2, 1])
    """
    if not len(cells):
        return np.zeros(size, dtype=np.int64)
    n_agents, n_days = int(agents.max()) + 1, int(days.max()) + 1
    combined = (cells * n_agents + agents) * n_days + days
    per_cell = n_agents * n_days
    if size * per_cell <= _TABLE_MAX:
        seen = np.zeros(size * per_cell, dtype=bool)
        seen[combined] = True
        return seen.reshape(size, per_cell).sum(axis=1)
    return np.bincount(np.unique(combined) // per_cell, minlength=size)


def _per_agent_day(ctx: Context) -> Result | None:
    t = ctx.tickets
    if "agent_id" not in t.columns or "resolved_at" not in t.columns:
        return None
    resolved = ctx.known_ns("resolved_at")
    has_agent = t["agent_id"].notna().to_numpy()
    local = local_ns(t["resolved_at"])  # the local day and period of the resolution itself
    positions = ctx.positions_for(np.where(has_agent, resolved, NAT), local=local)
    done = positions >= 0
    agent = pd.factorize(t["agent_id"])[0][done].astype(np.int64)
    day = local[done] // _NS_PER_DAY
    day -= day.min() if len(day) else 0
    agent_days = distinct_per_cell(positions[done], agent, day, ctx.size).astype("float64")
    n_resolved = np.bincount(positions[done], minlength=ctx.size).astype("float64")
    return Result("resolved_per_agent_day", ratio(n_resolved, agent_days), agent_days, n_resolved, agent_days)


def rows(ctx: Context) -> list[Result]:
    out = []
    if ctx.wants("resolved_per_agent_day"):
        per_day = _per_agent_day(ctx)
        if per_day is not None:
            out.append(per_day)
    if "handle_minutes" in ctx.tickets.columns and ctx.wants("handle_minutes_median"):
        minutes = ctx.tickets["handle_minutes"].astype("float64").to_numpy(na_value=np.nan)
        layout = ctx.layout if ctx.needs_layout else None
        medians, counts = grouped.medians(minutes, ctx.gid, ctx.size, layout, with_counts=True)
        n = np.where(ctx.ticket_counts > 0, counts, np.nan)  # as a groupby count over the cell's tickets
        out.append(Result("handle_minutes_median", medians, np.nan_to_num(n)))
    return out
