"""Benchmark: ``si.metrics.compute`` by channel x month on ~1M tickets and 300k feedback
rows, against the same aggregates as one DuckDB SQL query over the same DataFrames, in
the same run. Both results are compared number by number before any time is reported.

Each engine runs in its own subprocess so that its peak memory (max RSS) is its own.

    .venv/bin/python benchmarks/bench_metrics_vs_duckdb.py [--tickets-per-month 18000] [--repeat 3]

Prints the ratio compute / DuckDB (goal: <= 1.0) and each engine's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

CACHE = Path("/tmp/svcinsight-bench")
# The metrics both engines compute (Kaplan-Meier medians have no SQL counterpart).
METRICS = ["tickets_created", "tickets_resolved", "backlog_open", "resolution_rate", "escalation_rate",
           "complaint_rate", "frt_median_h", "frt_p90_h", "frt_mean_h", "resolution_median_h",
           "resolution_p90_h", "first_response_sla_rate", "fcr_rate", "reopen_rate", "csat_mean",
           "csat_top2_rate", "nps", "ces_mean", "handle_minutes_median"]


def prepare(tickets_per_month: int) -> tuple[Path, Path]:
    import svcinsight as si

    CACHE.mkdir(exist_ok=True)
    t_path, f_path = CACHE / f"tickets-{tickets_per_month}.parquet", CACHE / f"feedback-{tickets_per_month}.parquet"
    if not t_path.exists():
        ds = si.demo.generate(seed=0, tickets_per_month=tickets_per_month)
        fb = ds.feedback.sample(n=min(300_000, len(ds.feedback)), random_state=0).sort_index()
        ds.tickets.to_parquet(t_path)
        fb.to_parquet(f_path)
    return t_path, f_path


SQL = """
WITH t AS (
  SELECT channel, date_trunc('month', created_at) AS period, created_at, priority, category,
         escalated, contacts, reopened, handle_minutes,
         CASE WHEN resolved_at <= $as_of THEN resolved_at END AS res,
         CASE WHEN first_response_at <= $as_of THEN first_response_at END AS frt,
         CASE priority WHEN 'urgent' THEN 0.5 WHEN 'important' THEN 2.0 ELSE 24.0 END AS target
  FROM tickets WHERE created_at <= $as_of
), d AS (
  SELECT *, epoch(frt - created_at) / 3600 AS frt_h, epoch(res - created_at) / 3600 AS res_h,
         epoch(coalesce(frt, $as_of) - created_at) / 3600 AS waited
  FROM t
), per_group AS (
  SELECT channel, period,
    count(*) AS tickets_created,
    count(res) AS tickets_resolved,
    count(res) / count(*) AS resolution_rate,
    sum(CASE WHEN escalated THEN 1 ELSE 0 END) / count(escalated) AS escalation_rate,
    sum(CASE WHEN category = 'complaint' THEN 1 ELSE 0 END) / count(category) AS complaint_rate,
    quantile_cont(frt_h, 0.5) AS frt_median_h,
    quantile_cont(frt_h, 0.9) AS frt_p90_h,
    avg(frt_h) AS frt_mean_h,
    quantile_cont(res_h, 0.5) AS resolution_median_h,
    quantile_cont(res_h, 0.9) AS resolution_p90_h,
    sum(CASE WHEN frt IS NOT NULL AND waited <= target THEN 1 ELSE 0 END)
      / nullif(sum(CASE WHEN (frt IS NOT NULL AND waited <= target) OR waited > target THEN 1 ELSE 0 END), 0)
      AS first_response_sla_rate,
    sum(CASE WHEN res IS NOT NULL AND coalesce(contacts, 1) <= 1 AND coalesce(reopened, 0) = 0 THEN 1 ELSE 0 END)
      / nullif(count(res), 0) AS fcr_rate,
    sum(CASE WHEN res IS NOT NULL AND coalesce(reopened, 0) > 0 THEN 1 ELSE 0 END) / nullif(count(res), 0) AS reopen_rate,
    quantile_cont(handle_minutes, 0.5) AS handle_minutes_median
  FROM d GROUP BY ALL
), created_per AS (
  SELECT channel, period, count(*) AS n FROM t GROUP BY ALL
), resolved_per AS (
  SELECT channel, date_trunc('month', res) AS period, count(*) AS n FROM t WHERE res IS NOT NULL GROUP BY ALL
), backlog AS (
  SELECT c.channel, c.period,
    sum(c.n) OVER w - coalesce(sum(r.n) OVER w, 0) AS backlog_open
  FROM created_per c LEFT JOIN resolved_per r USING (channel, period)
  WINDOW w AS (PARTITION BY c.channel ORDER BY c.period)
), f AS (
  SELECT coalesce(tk.channel, '(unknown)') AS channel, date_trunc('month', fb.submitted_at) AS period,
         fb.csat, fb.nps, fb.ces
  FROM feedback fb LEFT JOIN tickets tk USING (ticket_id)
  WHERE fb.submitted_at <= $as_of
), satisfaction AS (
  SELECT channel, period,
    avg(csat) AS csat_mean,
    sum(CASE WHEN csat >= 4 THEN 1 ELSE 0 END) / nullif(count(csat), 0) AS csat_top2_rate,
    100.0 * (sum(CASE WHEN nps >= 9 THEN 1 ELSE 0 END) - sum(CASE WHEN nps <= 6 THEN 1 ELSE 0 END))
      / nullif(count(nps), 0) AS nps,
    avg(ces) AS ces_mean
  FROM f GROUP BY ALL
)
SELECT * FROM per_group FULL JOIN backlog USING (channel, period) FULL JOIN satisfaction USING (channel, period)
"""


def run_engine(engine: str, t_path: str, f_path: str, repeat: int) -> dict:
    tickets, feedback = pd.read_parquet(t_path), pd.read_parquet(f_path)
    as_of = tickets["created_at"].max()
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times = []
    if engine == "pandas":
        import svcinsight as si

        for _ in range(repeat):
            start = time.perf_counter()
            out = si.metrics.compute(tickets, feedback, by="channel", as_of=as_of, metrics=METRICS)
            times.append(time.perf_counter() - start)
        wide = out.pivot_table(index=["channel", "period"], columns="metric", values="value", dropna=False)
        wide.index = wide.index.set_levels(wide.index.levels[1].to_timestamp(), level=1)
    else:
        import duckdb

        # DuckDB gets local wall-clock times (no timezone extension needed offline); this
        # conversion is done before the clock starts, which favours DuckDB.
        local_t = tickets.copy()
        for c in ("created_at", "first_response_at", "resolved_at"):
            local_t[c] = local_t[c].dt.tz_localize(None)
        local_f = feedback.copy()
        local_f["submitted_at"] = local_f["submitted_at"].dt.tz_localize(None)
        con = duckdb.connect()
        con.register("tickets", local_t)
        con.register("feedback", local_f)
        for _ in range(repeat):
            start = time.perf_counter()
            wide = con.execute(SQL, {"as_of": as_of.tz_localize(None).to_pydatetime()}).df()
            times.append(time.perf_counter() - start)
        wide = wide.set_index(["channel", "period"])
    peak_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base_rss) / 1024
    wide = wide[[m for m in METRICS if m in wide.columns]].sort_index()
    wide.reset_index().to_parquet(CACHE / f"result-{engine}.parquet")
    return {"engine": engine, "best_s": min(times), "times": times, "peak_extra_mb": peak_mb,
            "rows": len(tickets), "feedback_rows": len(feedback)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets-per-month", type=int, default=18_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--paths", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine:
        print(json.dumps(run_engine(args.engine, *args.paths, args.repeat)))
        return
    t_path, f_path = prepare(args.tickets_per_month)
    results = {}
    for engine in ("pandas", "duckdb"):
        proc = subprocess.run([sys.executable, __file__, "--engine", engine, "--paths", str(t_path), str(f_path),
                               "--repeat", str(args.repeat)], capture_output=True, text=True, check=True)
        results[engine] = json.loads(proc.stdout.strip().splitlines()[-1])
    ours = pd.read_parquet(CACHE / "result-pandas.parquet").set_index(["channel", "period"])
    theirs = pd.read_parquet(CACHE / "result-duckdb.parquet").set_index(["channel", "period"])
    theirs.index = theirs.index.set_levels(pd.to_datetime(theirs.index.levels[1]), level=1)
    joined = ours.join(theirs.add_suffix("_sql"), how="inner")
    mismatches = []
    for m in METRICS:
        a, b = joined[m].to_numpy(dtype=float), joined[f"{m}_sql"].to_numpy(dtype=float)
        # a group SQL has no row for (feedback-only channels) has counts 0 on our side
        if m in ("tickets_created", "tickets_resolved", "backlog_open"):
            b = np.nan_to_num(b, nan=0.0)
        if not np.allclose(a, b, rtol=1e-9, atol=1e-9, equal_nan=True):
            mismatches.append(m)
    p, d = results["pandas"], results["duckdb"]
    print(f"tickets: {p['rows']:,}  feedback: {p['feedback_rows']:,}  groups compared: {len(joined)}")
    print(f"numbers identical: {'yes' if not mismatches else 'NO: ' + ', '.join(mismatches)}")
    print(f"compute (pandas)  best of {len(p['times'])}: {p['best_s']:.2f} s   peak extra RSS {p['peak_extra_mb']:.0f} MB")
    print(f"DuckDB SQL        best of {len(d['times'])}: {d['best_s']:.2f} s   peak extra RSS {d['peak_extra_mb']:.0f} MB")
    print(f"ratio compute / DuckDB: {p['best_s'] / d['best_s']:.2f}  (goal <= 1.0)")


if __name__ == "__main__":
    main()
