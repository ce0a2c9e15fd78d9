"""Productivity metrics: resolutions per agent-day (by resolution time) and handle time."""

from __future__ import annotations

import numpy as np
import pandas as pd

from svcinsight.metrics.context import Context, ratio, tidy


def _per_agent_day(ctx: Context) -> pd.DataFrame | None:
    t = ctx.tickets
    if "agent_id" not in t.columns or "resolved_at" not in t.columns:
        return None
    resolved_at = ctx.known_by("resolved_at")
    positions = ctx.positions_for(resolved_at.where(t["agent_id"].notna()))
    done = positions >= 0
    agent = pd.factorize(t["agent_id"].to_numpy()[done])[0].astype(np.int64)
    day = resolved_at[done].dt.tz_localize(None).dt.normalize().dt.as_unit("ns").array.asi8 // 86_400_000_000_000
    day -= day.min() if len(day) else 0
    # one number per (grid cell, agent, local day): distinct ones are the agent-days
    n_agents, n_days = int(agent.max() + 1) if len(agent) else 1, int(day.max() + 1) if len(day) else 1
    combined = (positions[done] * n_agents + agent) * n_days + day
    cells = np.unique(combined) // (n_agents * n_days)
    agent_days = pd.Series(np.bincount(cells, minlength=len(ctx.grid)).astype("float64"))
    resolved = pd.Series(np.bincount(positions[done], minlength=len(ctx.grid)).astype("float64"))
    return tidy(ctx, "resolved_per_agent_day", value=ratio(resolved, agent_days),
                numerator=resolved, denominator=agent_days, n=agent_days)


def rows(ctx: Context) -> list[pd.DataFrame]:
    out = []
    per_day = _per_agent_day(ctx)
    if per_day is not None:
        out.append(per_day)
    if "handle_minutes" in ctx.tickets.columns:
        g = ctx.group(pd.DataFrame({"m": ctx.tickets["handle_minutes"].astype("float64")}))["m"]
        out.append(tidy(ctx, "handle_minutes_median", value=g.median(), n=g.count()))
    return out
