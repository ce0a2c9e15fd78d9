"""Per process stage: how much negative feedback points to it, beside its time over benchmark.

The "feedback -> process" join of the method: comments tagged to a stage
(:func:`~svcinsight.feedback.tag`) meet the process statistics of that stage (from
``si.process.stage_stats`` or any frame with ``stage`` and ``median_hours``), so a
stage that is both slow and complained about stands out.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from svcinsight.feedback.sentiment import negative


def stage_links(tagged: pd.DataFrame, stage_stats: pd.DataFrame | None = None, *,
                benchmarks: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Per stage: how much negative feedback points to it, beside its time over benchmark.

    Parameters
    ----------
    tagged : pandas.DataFrame
        Feedback tagged by :func:`~svcinsight.feedback.tag` (``stages`` column), with
        ``csat``/``nps`` and ``comment`` as far as available (negative: a low score, else
        text sentiment below 0.5; see :func:`~svcinsight.feedback.negative`).
    stage_stats : pandas.DataFrame, optional
        Process statistics per stage: a ``stage`` column and ``median_hours`` (as
        ``si.process.stage_stats`` returns), optionally ``benchmark_hours`` (or
        ``benchmark``). Joined on ``stage``; stages on either side only are kept.
    benchmarks : mapping of stage -> hours, optional
        Benchmarks where ``stage_stats`` has no ``benchmark_hours`` column.

    Returns
    -------
    pandas.DataFrame
        One row per stage, most negative feedback first: ``stage``, ``comments``
        (tagged comments pointing to it), ``negative`` (of which negative),
        ``negative_share`` (its share of all negative comments that point to a stage;
        a comment pointing to two stages counts for both), ``negative_rate``
        (``negative / comments``); with ``stage_stats`` also ``median_hours``,
        ``benchmark_hours``, ``hours_over_benchmark`` (median minus benchmark) and
        ``over_benchmark_ratio`` (median / benchmark).

    Examples
    --------
    >>> import pandas as pd
    >>> from svcinsight import feedback
    >>> f = feedback.tag(pd.DataFrame({"csat": [1, 2, 5, 2],
    ...     "comment": ["质检拖了3天", "退款太慢", "退款很快就到账了", "质检结果一直在等"]}))
    >>> stats = pd.DataFrame({"stage": ["qc result pending", "refund"], "median_hours": [30.0, 14.0]})
    >>> feedback.stage_links(f, stats, benchmarks={"qc result pending": 8, "refund": 24})[
    ...     ["stage", "comments", "negative", "negative_share", "hours_over_benchmark"]]
                   stage  comments  negative  negative_share  hours_over_benchmark
    0  qc result pending         2         2        0.666667                  22.0
    1             refund         2         1        0.333333                 -10.0
    """
    if "stages" not in tagged:
        raise KeyError("not a tagged frame (no 'stages' column): run feedback.tag() first")
    is_negative = negative(tagged).fillna(False).astype(bool)
    pointed = pd.DataFrame({"stage": tagged["stages"], "negative": is_negative})
    pointed = pointed.explode("stage").dropna(subset=["stage"])
    counts = pointed.groupby("stage").agg(comments=("negative", "size"),
                                          negative=("negative", "sum"))
    counts["negative"] = counts["negative"].astype(int)
    total_negative = counts["negative"].sum()
    counts["negative_share"] = counts["negative"] / total_negative if total_negative else np.nan
    counts["negative_rate"] = counts["negative"] / counts["comments"]
    out = counts.reset_index()
    if stage_stats is not None:
        missing = {"stage", "median_hours"} - set(stage_stats.columns)
        if missing:
            raise KeyError(f"stage_stats needs columns {sorted(missing)}")
        if "benchmark_hours" not in stage_stats and "benchmark" in stage_stats:
            stage_stats = stage_stats.rename(columns={"benchmark": "benchmark_hours"})
        stats = stage_stats[["stage", "median_hours"] + [c for c in ("benchmark_hours",)
                                                          if c in stage_stats]].copy()
        if "benchmark_hours" not in stats:
            stats["benchmark_hours"] = stats["stage"].map(dict(benchmarks or {})).astype(float)
        elif benchmarks:
            stats["benchmark_hours"] = stats["benchmark_hours"].fillna(
                stats["stage"].map(dict(benchmarks)))
        out = out.merge(stats, on="stage", how="outer")
        out[["comments", "negative"]] = out[["comments", "negative"]].fillna(0).astype(int)
        if total_negative:
            out["negative_share"] = out["negative"] / total_negative
        out["hours_over_benchmark"] = out["median_hours"] - out["benchmark_hours"]
        out["over_benchmark_ratio"] = out["median_hours"] / out["benchmark_hours"]
    out = out.sort_values(["negative", "comments"], ascending=False, kind="stable")
    return out.reset_index(drop=True)
