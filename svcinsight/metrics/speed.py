"""Speed metrics: first response and resolution times, with the tickets still waiting
counted as right-censored (Kaplan-Meier) next to the plain medians.

The Kaplan-Meier median is statsmodels' ``SurvfuncRight(...).quantile(0.5)`` computed
for every group at once (:func:`svcinsight.metrics.grouped.km_medians`, checked against
statsmodels in the tests); the plain quantiles reuse the same within-group sort.
"""

from __future__ import annotations

import numpy as np

from svcinsight.metrics import grouped
from svcinsight.metrics.context import Context, Result, compensated_sums

_NAMES = {0.5: "median", 0.9: "p90"}


def duration_rows(ctx: Context, *, end_column: str, prefix: str, quantiles=(0.5, 0.9),
                  mean: bool = False, km: bool = True) -> list[Result]:
    if not ctx.has(end_column):
        return []
    quantiles = tuple(q for q in quantiles if ctx.wants(f"{prefix}_{_NAMES[q]}_h"))
    mean = mean and ctx.wants(f"{prefix}_mean_h")
    km = km and ctx.wants(f"{prefix}_km_median_h")
    if not (quantiles or mean or km):
        return []
    finished, waited = ctx.waited(end_column)
    hours = np.where(finished, waited, np.nan)
    present = ctx.ticket_counts
    gid = ctx.gid
    layout = ctx.layout if ctx.needs_layout else None  # the cell order, where a sort needs it
    out = []
    if km:
        # the finished durations sorted within cells serve the quantiles too
        finished_only = grouped.sort_within_groups(hours, gid, ctx.size, layout)
        still_waiting = grouped.sort_within_groups(np.where(finished, np.nan, waited), gid, ctx.size, layout)
        medians = grouped.km_medians(finished_only, still_waiting)
        events = ctx.present_sums(gid, finished & ~np.isnan(waited), present)
        total = ctx.present_sums(gid, ~np.isnan(waited), present)
        km_result = Result(f"{prefix}_km_median_h", medians, np.nan_to_num(total), events, total)
    else:
        km_result, finished_only = None, None
    # per cell: finished tickets with a duration (a groupby count over the cell's tickets)
    if quantiles:
        q, counts = grouped.quantiles(hours, gid, ctx.size, quantiles, sorted_groups=finished_only, layout=layout,
                                      with_counts=True)
        n = np.where(present > 0, counts, np.nan)
        for j, level in enumerate(quantiles):
            out.append(Result(f"{prefix}_{_NAMES[level]}_h", q[:, j], np.nan_to_num(n)))
    else:
        n = ctx.present_sums(gid, ~np.isnan(hours), present)
    if mean:
        total_hours = compensated_sums(gid, hours, ctx.size, rows=present)
        with np.errstate(invalid="ignore", divide="ignore"):
            average = total_hours / n
        out.append(Result(f"{prefix}_mean_h", average, np.nan_to_num(n), total_hours, n))
    if km_result is not None:
        out.append(km_result)
    return out


def rows(ctx: Context, *, km: bool = True) -> list[Result]:
    return [
        *duration_rows(ctx, end_column="first_response_at", prefix="frt", mean=True, km=km),
        *duration_rows(ctx, end_column="resolved_at", prefix="resolution", km=km),
    ]
