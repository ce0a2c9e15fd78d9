"""Bottleneck ranking on a hand-built process where each kind of evidence is planted."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from process_tables import event_table

from svcinsight import process

CLOSED = {"closed"}
BENCHMARKS = {"intake": 1.0, "review": 1.0, "handover": 2.0, "rework": 1.0, "quiet": 5.0}


def planted() -> pd.DataFrame:
    """20 tickets: intake (desk) -> review (desk) -> handover (ops) -> rework (ops) -> closed.

    review: 3 h against 1 h (over benchmark); handover: 10 h after a hand-off from desk
    (over benchmark and slow hand-off); rework: fast but every 2nd ticket comes back to
    it; quiet: a side stage within benchmark.
    """
    rows = []
    base = pd.Timestamp("2026-05-04 00:00")
    for i in range(20):
        t = base + pd.Timedelta(days=i)
        steps = [("intake", 0.0, "desk"), ("review", 0.5, "desk"), ("handover", 3.5, "ops"),
                 ("rework", 13.5, "ops")]
        if i % 2 == 0:
            steps += [("quiet", 14.0, "ops"), ("rework", 15.0, "ops")]
        steps += [("closed", 16.0, "desk")]
        rows += [(f"T{i:02d}", stage, str(t + pd.Timedelta(hours=h)), team) for stage, h, team in steps]
    return event_table(rows, columns=("ticket_id", "stage", "entered_at", "team"))


def test_each_planted_signal_is_found_and_ranked():
    table = process.bottlenecks(planted(), BENCHMARKS, terminal_stages=CLOSED, min_visits=5)
    table = table.set_index("stage")
    assert table.loc["handover", ["over_benchmark", "slow_handoff", "rework"]].tolist() == [True, True, False]
    assert table.loc["review", ["over_benchmark", "slow_handoff"]].tolist() == [True, False]
    assert table.loc["rework", ["over_benchmark", "rework"]].tolist() == [False, True]
    assert table.loc["rework", "rework_share"] == 0.5
    assert table.loc["rework", "extra_visits"] == 10
    assert table.loc["quiet", "signals"] == 0
    # two signals beat one; among one-signal stages the hours over benchmark decide
    assert table.index.tolist()[:3] == ["handover", "review", "rework"]
    assert set(table.index[3:]) == {"quiet", "intake"}
    assert table["rank"].tolist() == [1, 2, 3, 4, 5]
    handover = table.loc["handover"]
    assert handover["median_hours"] == 10.0 and handover["hours_over_benchmark"] == 8.0
    assert handover["times_benchmark"] == 5.0
    assert handover["excess_hours"] == 8.0 * 20
    assert handover["handoff_share"] == 1.0 and handover["handoff_from"] == "desk"
    assert table.loc["review", "excess_hours"] == 2.0 * 20


def test_the_sentence_states_the_numbers():
    table = process.bottlenecks(planted(), BENCHMARKS, terminal_stages=CLOSED, min_visits=5)
    first = table.loc[0, "evidence"]
    assert first.startswith("handover: median 10.0 h against a 2.0 h benchmark (+8.0 h, 5.0x)")
    assert "160 h over benchmark across 20 timed visits" in first
    assert "every visit arrives by a hand-off (from desk, median 10.0 h)" in first
    rework = table.set_index("stage").loc["rework", "evidence"]
    assert "50% of its tickets come back to it (10 extra visits, mostly from quiet)" in rework
    assert "(within it)" in rework


def test_complaint_shares_plug_in_from_feedback():
    shares = {"quiet": 0.45, "review": 0.05}
    table = process.bottlenecks(planted(), BENCHMARKS, feedback=pd.Series(shares),
                                terminal_stages=CLOSED, min_visits=5).set_index("stage")
    assert table.loc["quiet", "complaints"] and table.loc["quiet", "complaint_share"] == 0.45
    assert not table.loc["review", "complaints"]
    assert np.isnan(table.loc["intake", "complaint_share"])
    assert "45% of negative feedback concerns it" in table.loc["quiet", "evidence"]
    assert table.index.get_loc("quiet") < table.index.get_loc("intake")
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        process.bottlenecks(planted(), BENCHMARKS, feedback={"quiet": 45}, terminal_stages=CLOSED)


def test_without_benchmarks_rank_by_other_evidence_then_share_of_time():
    table = process.bottlenecks(planted(), terminal_stages=CLOSED, min_visits=5, only_flagged=True)
    assert table["stage"].tolist() == ["rework"]
    everything = process.bottlenecks(planted(), terminal_stages=CLOSED, min_visits=5)
    assert everything["stage"].tolist()[1] == "handover"  # largest share of the time
    assert "(no benchmark)" in everything.loc[1, "evidence"]


def test_resolution_and_rare_stages_are_not_ranked_and_unknown_benchmarks_are_listed():
    events = planted()
    table = process.bottlenecks(events, {**BENCHMARKS, "qc": 3.0}, terminal_stages=CLOSED,
                                resolution_stages={"rework"}, min_visits=15)
    assert "rework" not in set(table["stage"])
    assert "quiet" not in set(table["stage"])  # 10 visits < 15
    assert table.attrs["unmatched_benchmarks"] == ["qc"]
    # the resolution stage's time is out of the shares
    in_process = process.stage_stats(events, terminal_stages=CLOSED).set_index("stage")
    expected = in_process["total_hours"].drop("rework")
    assert table.set_index("stage")["share_of_time"].sum() == pytest.approx(
        expected.drop("quiet").sum() / expected.sum())


def test_evidence_and_map_in_chinese(demo_unit):
    from svcinsight import process

    finance = demo_unit("finance")
    zh = process.bottlenecks(finance, {"agent review": 0.5}, resolution_stages={"resolved"}, language="zh")
    en = process.bottlenecks(finance, {"agent review": 0.5}, resolution_stages={"resolved"})
    top = zh.iloc[0]
    assert top["stage"] == en.iloc[0]["stage"] == "agent review"
    assert "基准" in top["evidence"] and "倍" in top["evidence"] and top["evidence"].endswith("。")
    ax = process.process_map(finance, benchmarks={"agent review": 0.5}, language="zh")
    assert "达标" in [t.get_text() for t in ax.get_legend().get_texts()]
