"""Speed metrics: first response and resolution times, with the tickets still waiting
counted as right-censored (Kaplan-Meier) next to the plain medians."""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.duration.survfunc import SurvfuncRight

from svcinsight.metrics.context import Context, tidy


def _km_median(durations: np.ndarray, finished: np.ndarray) -> float:
    if len(durations) == 0 or not finished.any():
        return np.nan
    # statsmodels rejects negative times; a zero wait is a real, instant response
    return float(SurvfuncRight(np.clip(durations, 0, None), finished.astype(int)).quantile(0.5))


def duration_rows(ctx: Context, *, end_column: str, prefix: str, quantiles=(0.5, 0.9),
                  mean: bool = False, km: bool = True) -> list[pd.DataFrame]:
    t = ctx.tickets
    if end_column not in t.columns:
        return []
    end = ctx.known_by(end_column)
    finished = end.notna()
    # time so far for tickets still waiting at as_of: their censored duration
    waited = ctx.hours(t["created_at"], end.where(finished, ctx.as_of))
    hours = waited.where(finished)
    grouped = ctx.group(pd.DataFrame({"h": hours}))["h"]
    n = grouped.count()
    out = []
    names = {0.5: "median", 0.9: "p90"}
    if quantiles:
        q = grouped.quantile(list(quantiles)).unstack(-1)
        for level in quantiles:
            out.append(tidy(ctx, f"{prefix}_{names[level]}_h", value=q[level], n=n))
    if mean:
        out.append(tidy(ctx, f"{prefix}_mean_h", value=grouped.mean(), numerator=grouped.sum(), denominator=n, n=n))
    if km:
        frame = pd.DataFrame({"h": waited, "done": finished})
        values, done_counts, totals = {}, {}, {}
        for key, part in ctx.group(frame):
            h, d = part["h"].to_numpy(dtype="float64"), part["done"].to_numpy(dtype=bool)
            ok = ~np.isnan(h)
            values[key] = _km_median(h[ok], d[ok])
            done_counts[key], totals[key] = int(d[ok].sum()), int(ok.sum())
        index = pd.Index(list(values), dtype="int64")
        out.append(tidy(ctx, f"{prefix}_km_median_h", value=pd.Series(list(values.values()), index=index),
                        numerator=pd.Series(list(done_counts.values()), index=index),
                        denominator=pd.Series(list(totals.values()), index=index),
                        n=pd.Series(list(totals.values()), index=index)))
    return out


def rows(ctx: Context, *, km: bool = True) -> list[pd.DataFrame]:
    return [
        *duration_rows(ctx, end_column="first_response_at", prefix="frt", mean=True, km=km),
        *duration_rows(ctx, end_column="resolved_at", prefix="resolution", km=km),
    ]
