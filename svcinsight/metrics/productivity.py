"""Productivity metrics: resolutions per agent-day (by resolution time) and handle time."""

from __future__ import annotations

import pandas as pd

from svcinsight.metrics.context import Context, _as_key, ratio, tidy, to_period


def _per_agent_day(ctx: Context) -> pd.DataFrame | None:
    t = ctx.tickets
    if "agent_id" not in t.columns or "resolved_at" not in t.columns:
        return None
    resolved_at = ctx.known_by("resolved_at")
    done = resolved_at.notna() & t["agent_id"].notna()
    r = t.loc[done]
    at = resolved_at[done]
    local_day = at.dt.tz_localize(None).dt.normalize()
    keys = {col: _as_key(r[col]) for col in ctx.by}
    keys["period"] = to_period(at, ctx.freq)
    frame = pd.DataFrame({**keys, "agent_day": r["agent_id"].astype("string") + "|" + local_day.astype("string")})
    g = frame.groupby(ctx.key_names, observed=True)["agent_day"]
    resolved, agent_days = g.size(), g.nunique()
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
