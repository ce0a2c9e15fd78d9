"""Bottlenecks: stages ranked by the evidence that they hold the process up.

Four kinds of evidence, each a *signal* when it passes its threshold:

over benchmark
    the stage's median time exceeds its benchmark hours;
slow hand-off
    visits that arrive by a hand-off from another team (at least ``min_visits`` of them)
    take longer than the benchmark, i.e. the receiving team lets handed-over work wait;
rework
    at least ``rework_share`` of the tickets through the stage come back to it;
complaints
    at least ``complaint_share`` of the negative feedback concerns the stage.

Stages are ranked by the number of signals (several kinds of evidence agreeing beat one),
then by the hours over benchmark in all (``excess_hours``), then by their share of the
time in process. Every row carries the numbers behind its signals and a plain sentence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from svcinsight.process._codes import codes, combine, median_by
from svcinsight.process.durations import time_in_stage
from svcinsight.process.handoffs import handoff_mask
from svcinsight.process.rework import rework_from_timed
from svcinsight.process.stages import stats_from_timed

BOTTLENECK_COLUMNS = (
    "rank", "stage", "signals", "visits", "median_hours", "benchmark_hours", "hours_over_benchmark",
    "times_benchmark", "excess_hours", "share_of_time", "handoff_share", "handoff_from",
    "handoff_median_hours", "rework_share", "extra_visits", "returns_from", "complaint_share",
    "over_benchmark", "slow_handoff", "rework", "complaints", "evidence",
)


def bottlenecks(
    events: pd.DataFrame,
    benchmarks: Mapping[str, float] | None = None,
    *,
    feedback: Mapping[str, float] | pd.Series | None = None,
    resolution_stages: Iterable[str] = (),
    by: str = "team",
    min_visits: int = 10,
    rework_share: float = 0.10,
    complaint_share: float = 0.20,
    only_flagged: bool = False,
    as_of=None,
    calendar=None,
    terminal_stages: Iterable[str] | None = None,
    language: str = "en",
) -> pd.DataFrame:
    """Stages ranked as bottlenecks, each with its evidence in numbers and in words.

    Parameters
    ----------
    events : DataFrame
        Canonical events; time in stage as in :func:`~svcinsight.process.time_in_stage`.
    benchmarks : mapping of str to float, optional
        Benchmark hours per stage (what a visit should take, compared with the median).
        The over-benchmark and slow hand-off signals need one; a stage without one can
        still be flagged for rework or complaints.
    feedback : mapping or Series of str to float, optional
        Per stage, its share of all negative feedback (0-1), e.g. from the feedback
        tagging: ``tagged.groupby("stage")["negative"].sum() / tagged["negative"].sum()``.
    resolution_stages : iterable of str
        Stages where a resolved ticket waits for the customer's confirmation or the
        automatic close (``resolved``): their time is not a queue anyone works off, so
        they are not ranked and their time is left out of ``share_of_time``.
    by : str
        Column that says which team holds the ticket, for the hand-off evidence.
    min_visits : int
        Stages with fewer visits are not ranked (too few to judge).
    rework_share, complaint_share : float
        Thresholds of the rework and complaint signals.
    only_flagged : bool
        Return only stages with at least one signal.
    language : {"en", "zh"}
        Language of the ``evidence`` sentences.
    as_of, calendar, terminal_stages
        As for :func:`~svcinsight.process.stage_stats`. Terminal stages are not ranked.

    Returns
    -------
    DataFrame
        One row per ranked stage, best candidate first:

        ``rank`` (1 = worst), ``stage``, ``signals`` (how many of the four),
        ``visits``, ``median_hours``, ``benchmark_hours``,
        ``hours_over_benchmark`` (median - benchmark), ``times_benchmark`` (median /
        benchmark), ``excess_hours`` (timed visits x the median's excess over the
        benchmark, 0 when under: the hours over benchmark in all), ``share_of_time``
        (of all time in stages other than resolution stages), ``handoff_share`` (visits arriving by a hand-off),
        ``handoff_from`` (the team most of them come from), ``handoff_median_hours``
        (their median time in the stage), ``rework_share`` (tickets coming back / tickets
        through the stage), ``extra_visits``, ``returns_from`` (stage most returns come
        from), ``complaint_share``; the four signals as booleans ``over_benchmark``,
        ``slow_handoff``, ``rework``, ``complaints``; and ``evidence``, the sentence.

        ``attrs["unmatched_benchmarks"]`` lists benchmark stages absent from the events.

    Examples
    --------
    >>> import pandas as pd
    >>> ts = lambda h: pd.Timestamp("2026-04-01 09:00", tz="Asia/Shanghai") + pd.Timedelta(hours=h)
    >>> rows = []
    >>> for i in range(12):
    ...     rows += [(f"T{i}", "triage", "desk", ts(0)), (f"T{i}", "review", "credit", ts(0.2)),
    ...              (f"T{i}", "closed", "desk", ts(2.2 + i % 3))]
    >>> events = pd.DataFrame(rows, columns=["ticket_id", "stage", "team", "entered_at"])
    >>> table = bottlenecks(events, {"triage": 0.5, "review": 0.5}, terminal_stages={"closed"})
    >>> table[["rank", "stage", "signals", "median_hours", "excess_hours"]]
       rank   stage  signals  median_hours  excess_hours
    0     1  review        2           3.0          30.0
    1     2  triage        0           0.2           0.0
    >>> print(table.loc[0, "evidence"])
    review: median 3.0 h against a 0.5 h benchmark (+2.5 h, 6.0x), 30 h over benchmark across 12 timed visits; 94% of the time in process; every visit arrives by a hand-off (from desk, median 3.0 h).
    """
    timed = time_in_stage(events, as_of=as_of, calendar=calendar, terminal_stages=terminal_stages)
    benchmarks = {str(k): float(v) for k, v in (benchmarks or {}).items()}
    complaints = _complaint_shares(feedback)

    table = stats_from_timed(timed)
    stage, stages = codes(timed["stage"])
    measured = pd.Series(np.bincount(stage[~np.isnan(timed["hours"].to_numpy())], minlength=len(stages)),
                         index=stages.to_numpy(dtype=object))
    table["timed_visits"] = table["stage"].map(measured).fillna(0).astype(np.int64).to_numpy()
    table = table.merge(
        rework_from_timed(timed)[["stage", "rework_share", "extra_visits", "returns_from"]],
        on="stage", how="left",
    )
    table = table.merge(_handoffs_in(timed, by), on="stage", how="left")

    resting = set(resolution_stages)
    in_process = ~table["stage"].isin(resting)
    # A resolved ticket waiting for closure is out of the process: its time would swamp
    # every share (62% of all time in the demo), so shares are of the rest.
    table["share_of_time"] = table["total_hours"] / table.loc[in_process, "total_hours"].sum()
    skip = set(timed.attrs["terminal_stages"]) | resting
    table = table[~table["stage"].isin(skip) & (table["visits"] >= min_visits)].reset_index(drop=True)

    bench = table["stage"].map(benchmarks).astype(float)
    over = table["median_hours"] - bench
    table = table.assign(
        benchmark_hours=bench.to_numpy(),
        hours_over_benchmark=over.to_numpy(),
        times_benchmark=(table["median_hours"] / bench.where(bench > 0)).to_numpy(),
        excess_hours=(over.clip(lower=0).fillna(0) * table["timed_visits"]).to_numpy(),
        complaint_share=table["stage"].map(complaints).astype(float).to_numpy(),
    )
    table["handoff_share"] = table["handoff_visits"].fillna(0) / table["visits"]
    table["over_benchmark"] = (over > 0).to_numpy()
    table["slow_handoff"] = ((table["handoff_timed"].fillna(0) >= min_visits)
                             & (table["handoff_median_hours"] > bench)).to_numpy()
    table["rework"] = (table["rework_share"] >= rework_share).to_numpy()
    table["complaints"] = (table["complaint_share"] >= complaint_share).to_numpy()
    signals = table[["over_benchmark", "slow_handoff", "rework", "complaints"]].sum(axis=1)
    table["signals"] = signals.astype(np.int64)

    table = table.sort_values(
        ["signals", "excess_hours", "share_of_time", "stage"],
        ascending=[False, False, False, True], kind="stable",
    ).reset_index(drop=True)
    table["rank"] = np.arange(1, len(table) + 1)
    table["evidence"] = [_sentence(row, language) for row in table.itertuples(index=False)]
    if only_flagged:
        table = table[table["signals"] > 0].reset_index(drop=True)
    out = table[list(BOTTLENECK_COLUMNS)]
    out.attrs = {"unmatched_benchmarks": sorted(set(benchmarks) - set(stages))}
    return out


def _handoffs_in(timed: pd.DataFrame, by: str) -> pd.DataFrame:
    """Per stage: visits that arrive by a hand-off, the main sending team, their hours."""
    columns = ["stage", "handoff_visits", "handoff_timed", "handoff_from", "handoff_median_hours"]
    if by not in timed.columns or timed.empty:
        return pd.DataFrame({c: pd.Series(dtype="string" if c in ("stage", "handoff_from") else float)
                             for c in columns})
    receive = np.flatnonzero(handoff_mask(timed, by))
    stage, stages = codes(timed["stage"])
    holder, holders = codes(timed[by])
    k = len(stages)
    to_stage, sender = stage[receive], holder[receive - 1]
    hours = timed["hours"].to_numpy()[receive]
    group, first = combine(to_stage, sender)
    senders = pd.DataFrame({"stage": to_stage[first], "sender": sender[first], "n": np.bincount(group)})
    main = (senders.sort_values(["stage", "n", "sender"], ascending=[True, False, True], kind="stable")
            .drop_duplicates("stage").set_index("stage")["sender"].reindex(range(k)))
    return pd.DataFrame({
        "stage": stages.array,
        "handoff_visits": np.bincount(to_stage, minlength=k),
        "handoff_timed": np.bincount(to_stage[~np.isnan(hours)], minlength=k),
        "handoff_from": pd.array(np.where(main.notna(), holders.to_numpy(dtype=object)[main.fillna(0).astype(int)],
                                          None), dtype="string"),
        "handoff_median_hours": median_by(hours, to_stage, k),
    })


def _complaint_shares(feedback) -> dict[str, float]:
    if feedback is None:
        return {}
    items = feedback.items() if hasattr(feedback, "items") else dict(feedback).items()
    shares = {str(k): float(v) for k, v in items}
    bad = {k: v for k, v in shares.items() if not 0.0 <= v <= 1.0}
    if bad:
        raise ValueError(f"feedback shares must lie in [0, 1] (a stage's share of negative feedback); got {bad}")
    return shares


def _hours(x: float) -> str:
    return f"{x:,.0f} h" if abs(x) >= 100 else f"{x:.1f} h"


def _pct(x: float) -> str:
    return f"{x:.1%}" if x < 0.1 else f"{x:.0%}"


#: The evidence sentence's phrases per language; one function fills them with the facts.
_PHRASES = {
    "en": {
        "against": "median {median} against a {benchmark} benchmark ",
        "over": "(+{over}, {times:.1f}x), {excess:,.0f} h over benchmark across {visits:,} timed visits",
        "within": "(within it)", "no_benchmark": "median {median} (no benchmark)",
        "share": "{share} of the time in process", "returns_from": ", mostly from {stage}",
        "rework": "{share} of its tickets come back to it ({extra:,} extra visits{returns})",
        "all_handoff": "every visit arrives", "some_handoff": "{share} of visits arrive",
        "when": ", median {hours}", "handoff": "{lead} by a hand-off (from {team}{when})",
        "complaints": "{share} of negative feedback concerns it",
        "join": "; ", "open": "{stage}: ", "close": ".",
    },
    "zh": {
        "against": "中位时长 {median}，基准 {benchmark}",
        "over": "（超出 {over}，为基准的 {times:.1f} 倍），{visits:,} 次计时访问共超出基准 {excess:,.0f} h",
        "within": "（在基准内）", "no_benchmark": "中位时长 {median}（无基准）",
        "share": "占流程总时长的 {share}", "returns_from": "，多来自 {stage}",
        "rework": "{share} 的工单会返回此环节（额外 {extra:,} 次访问{returns}）",
        "all_handoff": "所有访问", "some_handoff": "{share} 的访问",
        "when": "，中位 {hours}", "handoff": "{lead}经交接进入（来自 {team}{when}）",
        "complaints": "{share} 的负面反馈与其相关",
        "join": "；", "open": "{stage}：", "close": "。",
    },
}


def _sentence(row, language: str = "en") -> str:
    """The evidence of one stage as a sentence in ``language`` ("en" or "zh")."""
    say = _PHRASES["zh" if language == "zh" else "en"]
    parts = []
    if pd.notna(row.benchmark_hours) and pd.notna(row.median_hours):
        head = say["against"].format(median=_hours(row.median_hours), benchmark=_hours(row.benchmark_hours))
        tail = (say["over"].format(over=_hours(row.hours_over_benchmark), times=row.times_benchmark,
                                   excess=row.excess_hours, visits=row.timed_visits)
                if row.over_benchmark else say["within"])
        parts.append(head + tail)
    elif pd.notna(row.median_hours):
        parts.append(say["no_benchmark"].format(median=_hours(row.median_hours)))
    if pd.notna(row.share_of_time):
        parts.append(say["share"].format(share=_pct(row.share_of_time)))
    if row.extra_visits and row.extra_visits > 0:
        returns = say["returns_from"].format(stage=row.returns_from) if pd.notna(row.returns_from) else ""
        parts.append(say["rework"].format(share=_pct(row.rework_share), extra=row.extra_visits, returns=returns))
    if row.handoff_share > 0 and pd.notna(row.handoff_from):
        lead = (say["all_handoff"] if row.handoff_share >= 0.995
                else say["some_handoff"].format(share=_pct(row.handoff_share)))
        when = say["when"].format(hours=_hours(row.handoff_median_hours)) if pd.notna(row.handoff_median_hours) else ""
        parts.append(say["handoff"].format(lead=lead, team=row.handoff_from, when=when))
    if pd.notna(row.complaint_share):
        parts.append(say["complaints"].format(share=_pct(row.complaint_share)))
    return say["open"].format(stage=row.stage) + say["join"].join(parts) + say["close"]
