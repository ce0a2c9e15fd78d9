"""Benchmark: ``si.metrics.compute`` by channel x month on ~1M tickets and 300k feedback
rows, against the same aggregates as one DuckDB SQL query over the same DataFrames, in
the same run. Both results are compared number by number before any time is reported.

Two comparisons:

- ``full``: every metric ``compute`` returns for these tables (25: all of the catalogue
  but complaints per 1,000 orders, which needs orders and a business-unit grouping),
  against one query that computes all of them, Kaplan-Meier medians included (window
  functions over the distinct durations of each group).
- ``core``: the 19 metrics of the first version of this benchmark (no Kaplan-Meier, no
  survey response, follow-up, agent-day or resolution-SLA metric), ``compute`` asked for
  just those, against the query that computes just those.

Each engine runs in its own subprocess, so that its peak memory (max RSS above the
loaded tables) is its own. The two processes take turns, one timed run each, so both
see the same machine load; each gets one untimed warm-up run. DuckDB gets the tables
with local wall-clock timestamps prepared before its clock starts (it has no time zone
extension offline), which favours it. Both use their default threads (compute: the CPUs
it may use, at most 4; DuckDB: all).

    .venv/bin/python benchmarks/bench_metrics_vs_duckdb.py [--tickets-per-month 18000] [--repeat 5] [--suite full core]
        [--with-previous]

Prints, per comparison, the best wall time of each engine, the ratio compute / DuckDB
(goal: <= 1.0), CPU seconds per run and each engine's peak extra RSS.
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
CORE_METRICS = ["tickets_created", "tickets_resolved", "backlog_open", "resolution_rate", "escalation_rate",
                "complaint_rate", "frt_median_h", "frt_p90_h", "frt_mean_h", "resolution_median_h",
                "resolution_p90_h", "first_response_sla_rate", "fcr_rate", "reopen_rate", "csat_mean",
                "csat_top2_rate", "nps", "ces_mean", "handle_minutes_median"]
FULL_METRICS = CORE_METRICS + ["frt_km_median_h", "resolution_km_median_h", "resolution_sla_rate",
                               "survey_response_rate", "low_score_followup_1h_rate", "resolved_per_agent_day"]
KM_METRICS = ("frt_km_median_h", "resolution_km_median_h")
COUNTS = ("tickets_created", "tickets_resolved", "backlog_open")


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


# The tickets with what each metric needs; the definitions are the catalogue's (see
# si.metrics.catalog()): as_of cuts what has happened, a missing priority is normal, a
# missing group value is "(unknown)", durations are hours from creation.
_TICKETS = """
t AS (
  SELECT ticket_id, coalesce(channel, '(unknown)') AS channel, date_trunc('month', created_at) AS period,
         created_at, category, escalated, contacts, reopened, handle_minutes, agent_id, due_at,
         CASE WHEN resolved_at <= $as_of THEN resolved_at END AS res,
         CASE WHEN first_response_at <= $as_of THEN first_response_at END AS frt,
         CASE coalesce(priority, 'normal') WHEN 'urgent' THEN 0.5 WHEN 'important' THEN 2.0 WHEN 'normal' THEN 24.0 END
           AS target
  FROM tickets WHERE created_at <= $as_of
)"""

_CORE_AGGREGATES = """
    count(*) AS tickets_created,
    count(res) AS tickets_resolved,
    count(res) / count(*) AS resolution_rate,
    sum(CASE WHEN escalated THEN 1 ELSE 0 END) / nullif(count(escalated), 0) AS escalation_rate,
    sum(CASE WHEN category = 'complaint' THEN 1 ELSE 0 END) / nullif(count(category), 0) AS complaint_rate,
    quantile_cont(frt_h, 0.5) AS frt_median_h,
    quantile_cont(frt_h, 0.9) AS frt_p90_h,
    avg(frt_h) AS frt_mean_h,
    quantile_cont(res_h, 0.5) AS resolution_median_h,
    quantile_cont(res_h, 0.9) AS resolution_p90_h,
    sum(CASE WHEN frt IS NOT NULL AND frt_waited <= target THEN 1 ELSE 0 END)
      / nullif(sum(CASE WHEN (frt IS NOT NULL AND frt_waited <= target) OR frt_waited > target THEN 1 ELSE 0 END), 0)
      AS first_response_sla_rate,
    sum(CASE WHEN res IS NOT NULL AND coalesce(contacts, 1) <= 1 AND coalesce(reopened, 0) <= 0 THEN 1 ELSE 0 END)
      / nullif(count(res), 0) AS fcr_rate,
    sum(CASE WHEN res IS NOT NULL AND coalesce(reopened, 0) > 0 THEN 1 ELSE 0 END) / nullif(count(res), 0) AS reopen_rate,
    quantile_cont(handle_minutes, 0.5) AS handle_minutes_median"""

_DURATIONS = """
  epoch(frt - created_at) / 3600 AS frt_h, epoch(res - created_at) / 3600 AS res_h,
  epoch(coalesce(frt, $as_of) - created_at) / 3600 AS frt_waited,
  epoch(coalesce(res, $as_of) - created_at) / 3600 AS res_waited"""

_BACKLOG = """
created_per AS (
  SELECT channel, period, count(*) AS n FROM t GROUP BY ALL
), resolved_per AS (
  SELECT channel, date_trunc('month', res) AS period, count(*) AS n FROM t WHERE res IS NOT NULL GROUP BY ALL
), backlog AS (
  SELECT c.channel, c.period, sum(c.n) OVER w - coalesce(sum(r.n) OVER w, 0) AS backlog_open
  FROM created_per c LEFT JOIN resolved_per r USING (channel, period)
  WINDOW w AS (PARTITION BY c.channel ORDER BY c.period)
)"""

_SATISFACTION = """
    avg(csat) AS csat_mean,
    sum(CASE WHEN csat >= 4 THEN 1 ELSE 0 END) / nullif(count(csat), 0) AS csat_top2_rate,
    100.0 * (sum(CASE WHEN nps >= 9 THEN 1 ELSE 0 END) - sum(CASE WHEN nps <= 6 THEN 1 ELSE 0 END))
      / nullif(count(nps), 0) AS nps,
    avg(ces) AS ces_mean"""

SQL_CORE = f"""
WITH {_TICKETS}, d AS (
  SELECT *, {_DURATIONS} FROM t
), per_group AS (
  SELECT channel, period, {_CORE_AGGREGATES} FROM d GROUP BY ALL
), {_BACKLOG}, f AS (
  SELECT coalesce(tk.channel, '(unknown)') AS channel, date_trunc('month', fb.submitted_at) AS period,
         fb.csat, fb.nps, fb.ces
  FROM feedback fb LEFT JOIN t tk USING (ticket_id)
  WHERE fb.submitted_at <= $as_of
), satisfaction AS (
  SELECT channel, period, {_SATISFACTION} FROM f GROUP BY ALL
)
SELECT * FROM per_group FULL JOIN backlog USING (channel, period) FULL JOIN satisfaction USING (channel, period)
"""

# Kaplan-Meier as statsmodels' SurvfuncRight computes it: per distinct duration (negative
# ones count as 0) the events d and those at risk n (duration >= it); the survival curve
# is exp(running sum of ln(1 - d / n)) over event times, and the median the first event
# time where it falls below 1/2. Float sums in another order can put a curve that is 1/2
# exactly (an even number of tickets, none censored before the middle) a rounding error
# either side of it, so the query also gives the two answers 1/2 +- 1e-9 allows.
SQL_FULL = f"""
WITH {_TICKETS}, answered AS (
  SELECT DISTINCT ticket_id FROM feedback
  WHERE submitted_at <= $as_of AND ticket_id IS NOT NULL AND (csat IS NOT NULL OR nps IS NOT NULL)
), d AS (
  SELECT t.*, a.ticket_id IS NOT NULL AS has_answer, {_DURATIONS}
  FROM t LEFT JOIN answered a USING (ticket_id)
), per_group AS (
  SELECT channel, period, {_CORE_AGGREGATES},
    sum(CASE WHEN due_at IS NOT NULL AND res IS NOT NULL AND res <= due_at THEN 1 ELSE 0 END)
      / nullif(sum(CASE WHEN due_at IS NULL THEN 0 WHEN res IS NOT NULL THEN 1 WHEN due_at < $as_of THEN 1 ELSE 0 END), 0)
      AS resolution_sla_rate,
    sum(CASE WHEN res IS NOT NULL AND has_answer THEN 1 ELSE 0 END) / nullif(count(res), 0) AS survey_response_rate
  FROM d GROUP BY ALL
), km_times AS (
  SELECT 'frt' AS kind, channel, period, greatest(frt_waited, 0) AS h, count(frt) AS events, count(*) AS total
  FROM d GROUP BY ALL
  UNION ALL
  SELECT 'res', channel, period, greatest(res_waited, 0), count(res), count(*) FROM d GROUP BY ALL
), km_risk AS (
  SELECT *, sum(total) OVER (PARTITION BY kind, channel, period ORDER BY h DESC ROWS UNBOUNDED PRECEDING) AS at_risk
  FROM km_times
), km_surv AS (
  SELECT kind, channel, period, h,
    exp(sum(ln(greatest(1 - events / at_risk, 1e-16)))
        OVER (PARTITION BY kind, channel, period ORDER BY h ROWS UNBOUNDED PRECEDING)) AS surv
  FROM km_risk WHERE events > 0
), km AS (
  SELECT channel, period,
    min(h) FILTER (WHERE kind = 'frt' AND surv < 0.5) AS frt_km_median_h,
    min(h) FILTER (WHERE kind = 'frt' AND surv < 0.5 + 1e-9) AS frt_km_median_h_early,
    min(h) FILTER (WHERE kind = 'frt' AND surv < 0.5 - 1e-9) AS frt_km_median_h_late,
    min(h) FILTER (WHERE kind = 'res' AND surv < 0.5) AS resolution_km_median_h,
    min(h) FILTER (WHERE kind = 'res' AND surv < 0.5 + 1e-9) AS resolution_km_median_h_early,
    min(h) FILTER (WHERE kind = 'res' AND surv < 0.5 - 1e-9) AS resolution_km_median_h_late
  FROM km_surv GROUP BY ALL
), {_BACKLOG}, agent_days AS (
  SELECT channel, date_trunc('month', res) AS period, agent_id, CAST(res AS DATE) AS day, count(*) AS n
  FROM t WHERE res IS NOT NULL AND agent_id IS NOT NULL GROUP BY ALL
), productivity AS (
  SELECT channel, period, sum(n) / count(*) AS resolved_per_agent_day FROM agent_days GROUP BY ALL
), f AS (
  SELECT coalesce(tk.channel, '(unknown)') AS channel, date_trunc('month', fb.submitted_at) AS period,
         fb.csat, fb.nps, fb.ces,
         CASE WHEN fb.followed_up_at <= $as_of THEN fb.followed_up_at END AS followed,
         epoch(coalesce(followed, $as_of) - fb.submitted_at) / 3600 AS followup_waited
  FROM feedback fb LEFT JOIN t tk USING (ticket_id)
  WHERE fb.submitted_at <= $as_of
), satisfaction AS (
  SELECT channel, period, {_SATISFACTION},
    sum(CASE WHEN csat <= 3 AND followed IS NOT NULL AND followup_waited <= 1.0 THEN 1 ELSE 0 END)
      / nullif(sum(CASE WHEN csat <= 3 AND ((followed IS NOT NULL AND followup_waited <= 1.0) OR followup_waited > 1.0)
                        THEN 1 ELSE 0 END), 0) AS low_score_followup_1h_rate
  FROM f GROUP BY ALL
)
SELECT * FROM per_group FULL JOIN km USING (channel, period) FULL JOIN backlog USING (channel, period)
  FULL JOIN productivity USING (channel, period) FULL JOIN satisfaction USING (channel, period)
"""

SUITES = {"full": (FULL_METRICS, SQL_FULL, None), "core": (CORE_METRICS, SQL_CORE, CORE_METRICS)}


def worker(engine: str, suite: str, t_path: str, f_path: str) -> None:
    """Load the tables, then run one timed computation per 'run' line on stdin."""
    metrics, sql, asked = SUITES[suite]
    tickets, feedback = pd.read_parquet(t_path), pd.read_parquet(f_path)
    as_of = tickets["created_at"].max()
    if engine == "pandas":
        import svcinsight as si

        def once():
            return si.metrics.compute(tickets, feedback, by="channel", as_of=as_of, metrics=asked)
    elif engine == "previous":  # the version before the integer-code rewrite, kept for the tests
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "metrics"))
        from metrics_slow_reference import reference_compute

        def once():
            out = reference_compute(tickets, feedback, by="channel", as_of=as_of)
            return out if asked is None else out[out["metric"].isin(asked)]
    else:
        import duckdb

        local_t, local_f = tickets.copy(), feedback.copy()
        for frame in (local_t, local_f):
            for c in frame.columns:
                if isinstance(frame[c].dtype, pd.DatetimeTZDtype):
                    frame[c] = frame[c].dt.tz_localize(None)
        con = duckdb.connect()
        con.register("tickets", local_t)
        con.register("feedback", local_f)
        params = {"as_of": as_of.tz_localize(None).to_pydatetime()}

        def once():
            return con.execute(sql, params).df()
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    once()  # warm-up, untimed
    print(json.dumps({"ready": True}), flush=True)
    walls, cpus, out = [], [], None
    for line in sys.stdin:
        if line.strip() != "run":
            break
        wall, cpu = time.perf_counter(), time.process_time()
        out = once()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        print(json.dumps({"wall": walls[-1]}), flush=True)
    peak_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base_rss) / 1024
    if engine in ("pandas", "previous"):
        wide = out.pivot_table(index=["channel", "period"], columns="metric", values="value", dropna=False)
        wide.index = wide.index.set_levels(wide.index.levels[1].to_timestamp(), level=1)
    else:
        wide = out.set_index(["channel", "period"])
    keep = [c for c in wide.columns if any(c == m or c.startswith(m + "_") for m in metrics)]
    wide[keep].sort_index().reset_index().to_parquet(CACHE / f"result-{suite}-{engine}.parquet")
    print(json.dumps({"engine": engine, "walls": walls, "cpus": cpus, "peak_extra_mb": peak_mb,
                      "rows": len(tickets), "feedback_rows": len(feedback)}), flush=True)


def compare(suite: str) -> tuple[int, list[str], int]:
    """Groups compared, metrics that disagree, Kaplan-Meier medians that needed the 1/2 +- 1e-9 band."""
    metrics = SUITES[suite][0]
    ours = pd.read_parquet(CACHE / f"result-{suite}-pandas.parquet").set_index(["channel", "period"])
    theirs = pd.read_parquet(CACHE / f"result-{suite}-duckdb.parquet").set_index(["channel", "period"])
    theirs.index = theirs.index.set_levels(pd.to_datetime(theirs.index.levels[1]), level=1)
    joined = ours.join(theirs.add_suffix("_sql"), how="inner")
    mismatches, ties = [], 0
    for m in metrics:
        a, b = joined[m].to_numpy(dtype=float), joined[f"{m}_sql"].to_numpy(dtype=float)
        if m in COUNTS:  # a group SQL has no row for (feedback-only channels) has counts 0 on our side
            b = np.nan_to_num(b, nan=0.0)
        same = np.isclose(a, b, rtol=1e-9, atol=1e-9, equal_nan=True)
        if m in KM_METRICS:
            early, late = (joined[f"{m}_{side}_sql"].to_numpy(dtype=float) for side in ("early", "late"))
            in_band = np.isclose(a, early, rtol=1e-9, atol=1e-9) | np.isclose(a, late, rtol=1e-9, atol=1e-9)
            ties += int((~same & in_band).sum())
            same |= in_band
        if not same.all():
            mismatches.append(f"{m} ({int((~same).sum())} groups)")
    return len(joined), mismatches, ties


def run_suite(suite: str, t_path: Path, f_path: Path, repeat: int, previous: bool = False) -> None:
    engines = ("pandas", "duckdb", "previous") if previous else ("pandas", "duckdb")
    procs = {engine: subprocess.Popen([sys.executable, __file__, "--worker", engine, "--suite", suite,
                                       "--paths", str(t_path), str(f_path)],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
             for engine in engines}
    for proc in procs.values():
        json.loads(proc.stdout.readline())  # ready: tables loaded, warm-up done
    for _ in range(repeat):  # take turns, so that both see the same load
        for proc in procs.values():
            proc.stdin.write("run\n")
            proc.stdin.flush()
            json.loads(proc.stdout.readline())
    results = {}
    for engine, proc in procs.items():
        proc.stdin.write("finish\n")
        proc.stdin.flush()
        results[engine] = json.loads(proc.stdout.readline())
        proc.wait()
    groups, mismatches, ties = compare(suite)
    p, d = results["pandas"], results["duckdb"]
    n_metrics = len(SUITES[suite][0])
    print(f"[{suite}] {n_metrics} metrics by channel x month; tickets: {p['rows']:,}  feedback: {p['feedback_rows']:,}  "
          f"groups compared: {groups}")
    print(f"[{suite}] numbers identical: {'yes' if not mismatches else 'NO: ' + ', '.join(mismatches)}"
          + (f" (Kaplan-Meier medians on a curve at 1/2 within 1e-9, either neighbour accepted: {ties})" if ties else ""))
    for label, r in (("compute (pandas/NumPy)", p), ("DuckDB SQL", d)):
        print(f"[{suite}] {label:22s} best of {len(r['walls'])}: {min(r['walls']):.3f} s  "
              f"(median {np.median(r['walls']):.3f} s, CPU {np.median(r['cpus']):.2f} s per run)  "
              f"peak extra RSS {r['peak_extra_mb']:.0f} MB")
    print(f"[{suite}] ratio compute / DuckDB: {min(p['walls']) / min(d['walls']):.2f}  (goal <= 1.0)")
    if previous:
        old = results["previous"]
        same = pd.read_parquet(CACHE / f"result-{suite}-previous.parquet").equals(
            pd.read_parquet(CACHE / f"result-{suite}-pandas.parquet"))
        print(f"[{suite}] previous version (tests/metrics/metrics_slow_reference.py) best of {len(old['walls'])}: "
              f"{min(old['walls']):.3f} s (CPU {np.median(old['cpus']):.2f} s per run), same numbers: "
              f"{'yes' if same else 'NO'}; speed-up {min(old['walls']) / min(p['walls']):.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets-per-month", type=int, default=18_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--suite", nargs="+", choices=sorted(SUITES), default=["full", "core"])
    parser.add_argument("--with-previous", action="store_true",
                        help="also time the version before the integer-code rewrite, taking turns with the others")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--paths", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.suite[0], *args.paths)
        return
    import duckdb

    import svcinsight as si
    from svcinsight.metrics.compute import default_threads

    print(f"Python {sys.version.split()[0]}, numpy {np.__version__}, pandas {pd.__version__}, "
          f"DuckDB {duckdb.__version__}, svcinsight {si.__version__}; compute threads: {default_threads()}")
    t_path, f_path = prepare(args.tickets_per_month)
    for suite in args.suite:
        run_suite(suite, t_path, f_path, args.repeat, previous=args.with_previous)


if __name__ == "__main__":
    main()
