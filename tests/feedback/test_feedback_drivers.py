"""Drivers of low satisfaction on the demo, whose CSAT is built from known process
problems (svcinsight.demo.experience): late first response, slow resolution, repeat
contacts, reopening, complaints, escalation, and slow QC hand-off, refund, agent review
and technician visits. The driver table must find them, with intervals excluding 0."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import svcinsight as si
from svcinsight import feedback
from svcinsight.feedback.drivers import stage_hours

DEMO_PROCESS_PROBLEMS = {"first_response_late", "resolution_slow", "repeat_contact", "reopened",
                         "complaint"}
DEMO_SLOW_STAGES = ["qc result pending", "refund", "agent review", "awaiting visit"]


@pytest.fixture(scope="module")
def table(demo):
    return feedback.drivers(demo.feedback, demo.tickets, demo.events)


def test_built_in_process_problems_rank_at_the_top(table):
    top = table.head(5)
    assert set(top["driver"]) == DEMO_PROCESS_PROBLEMS
    assert (top["kind"] == "ticket").all()
    assert (top["ci_high"] < 0).all() and (top["pvalue_adjusted"] < 0.001).all()
    escalated = table.set_index("driver").loc["escalated"]
    assert escalated["ci_high"] < 0
    # Reopening costs most per ticket (0.8 latent points per reopen in the generator).
    ticket_rows = table[table["kind"] == "ticket"].set_index("driver")
    assert ticket_rows["effect"].idxmin() == "reopened"


def test_slow_stages_of_the_demo_lower_csat(table):
    stages = table[table["kind"] == "stage"].set_index("stage")
    assert (table.loc[table["kind"] == "stage", "driver"] == "slow: " + stages.index).all()
    for stage in DEMO_SLOW_STAGES:
        assert stages.loc[stage, "ci_high"] < 0, stage
    # Defaults compare with each stage's own median: the QC hand-off's is about 30 h.
    assert 25 < stages.loc["qc result pending", "benchmark_hours"] < 35
    assert stages.loc["qc result pending", "label"].startswith("Over 30 h in qc result pending")


def test_tags_point_the_right_way(table):
    tags = table[table["kind"] == "tag"].set_index("driver")
    for negative in ("rude_agent", "slow_first_response", "poor_service"):
        assert tags.loc[negative, "ci_high"] < 0, negative
    for positive in ("fast_helpful", "friendly_agent", "quick_refund"):
        assert tags.loc[positive, "ci_low"] > 0, positive
    assert table.attrs["dropped"]  # rare tags are reported as dropped, not hidden


def test_table_is_ranked_by_impact_and_consistent(table):
    assert table["driver"].is_unique
    assert table["rank"].tolist() == list(range(1, len(table) + 1))
    assert table["impact"].is_monotonic_increasing
    assert np.allclose(table["impact"], table["effect"] * table["prevalence"])
    assert (table["ci_low"] <= table["effect"]).all() and (table["effect"] <= table["ci_high"]).all()
    assert (table["pvalue_adjusted"] >= table["pvalue"] - 1e-12).all()
    assert table.attrs["outcome"] == "csat" and table.attrs["effect_unit"] == "score points"
    assert table.attrs["n"] == (table["n"] / table["prevalence"]).round().iloc[0]
    reopened = table.set_index("driver").loc["reopened"]
    assert reopened["low_share_with"] > 2 * reopened["low_share_without"]
    assert reopened["mean_with"] < reopened["mean_without"]


def test_raw_means_match_a_plain_computation(demo, table):
    f = demo.feedback[demo.feedback["csat"].notna() & demo.feedback["ticket_id"].notna()]
    t = demo.tickets.set_index("ticket_id")
    reopened = f["ticket_id"].map(t["reopened"] >= 1).astype(bool)
    row = table.set_index("driver").loc["reopened"]
    assert row["n"] == reopened.sum()
    assert row["mean_with"] == pytest.approx(f.loc[reopened, "csat"].astype(float).mean())
    assert row["low_share_without"] == pytest.approx((f.loc[~reopened, "csat"] <= 3).mean())


def test_given_benchmarks_are_used(demo):
    out = feedback.drivers(demo.feedback, demo.tickets, demo.events, include=("stages",),
                           benchmarks={"agent review": 3.0, "refund": 24.0})
    stages = out.set_index("stage")
    assert stages.loc["agent review", "benchmark_hours"] == 3.0
    assert stages.loc["refund", "benchmark_hours"] == 24.0
    assert stages.loc["refund", "ci_high"] < 0 and stages.loc["agent review", "ci_high"] < 0
    # A benchmark nearly every visitor exceeds leaves nobody to compare with: dropped.
    strict = feedback.drivers(demo.feedback, demo.tickets, demo.events, include=("stages",),
                              benchmarks={"qc result pending": 1.0})
    assert "slow: qc result pending" not in set(strict["driver"])
    assert "slow: qc result pending" in strict.attrs["dropped"]


def test_tags_only_and_nps(demo):
    tags_only = feedback.drivers(demo.feedback)
    assert set(tags_only["kind"]) == {"tag"}
    assert tags_only.attrs["n"] == demo.feedback["csat"].notna().sum()
    nps = feedback.drivers(demo.feedback, demo.tickets, include=("tickets",), outcome="nps")
    assert set(nps.head(5)["driver"]) == DEMO_PROCESS_PROBLEMS
    assert (nps.head(5)["ci_high"] < 0).all()


def test_ordinal_logit_agrees_in_direction():
    small = si.demo.generate(seed=1, months=4, tickets_per_month=1200)
    out = feedback.drivers(small.feedback, small.tickets, include=("tickets",), method="ordinal")
    assert out.attrs["effect_unit"] == "log-odds"
    top = out.set_index("driver").loc[["reopened", "first_response_late", "repeat_contact"]]
    assert (top["ci_high"] < 0).all()


def test_bad_arguments():
    frame = pd.DataFrame({"csat": [1, 5], "comment": ["a", "b"]})
    with pytest.raises(ValueError, match="outcome"):
        feedback.drivers(frame, outcome="mood")
    with pytest.raises(ValueError, match="method"):
        feedback.drivers(frame, method="probit")
    with pytest.raises(ValueError, match="include"):
        feedback.drivers(frame, include=("weather",))
    with pytest.raises(KeyError, match="nps"):
        feedback.drivers(frame, outcome="nps")
    empty = feedback.drivers(frame)
    assert empty.empty and list(empty.columns)[:3] == ["rank", "driver", "kind"]


def test_stage_hours_follow_the_design_rule():
    events = pd.DataFrame({
        "ticket_id": ["A", "B", "A", "A", "B"],
        "stage": ["new", "new", "review", "closed", "closed"],
        "entered_at": pd.to_datetime(["2026-01-01 09:00", "2026-01-01 10:00", "2026-01-01 10:00",
                                      "2026-01-01 13:00", "2026-01-02 10:00"]),
        "left_at": pd.to_datetime([None, "2026-01-01 12:00", None, None, None]),
    })
    out = stage_hours(events)
    # left_at where given, else the next entry of the same ticket; NaN for last stages.
    assert out["hours"].tolist()[:3] == [1.0, 2.0, 3.0]
    assert out["hours"].iloc[3:].isna().all()
    assert out.index.equals(events.index)


def test_stage_links_join_feedback_and_process(demo):
    tagged = feedback.tag(demo.feedback)
    per_ticket = stage_hours(demo.events).groupby("stage")["hours"].median()
    stats = per_ticket.rename("median_hours").reset_index()
    links = feedback.stage_links(tagged, stats, benchmarks={"qc result pending": 8.0,
                                                            "agent review": 0.5})
    assert {"stage", "comments", "negative", "negative_share", "negative_rate",
            "median_hours", "benchmark_hours", "hours_over_benchmark"} <= set(links.columns)
    assert links["negative_share"].sum() == pytest.approx(1.0)
    assert links["negative"].is_monotonic_decreasing
    qc = links.set_index("stage").loc["qc result pending"]
    assert qc["hours_over_benchmark"] == pytest.approx(qc["median_hours"] - 8.0)
    assert qc["negative_rate"] > 0.9
    # Stages with process data but no comments stay in the table with zero counts.
    assert (links.set_index("stage").loc["triage", ["comments", "negative"]] == 0).all()
    without = feedback.stage_links(tagged)
    assert "median_hours" not in without and without["comments"].gt(0).all()
    named = feedback.stage_links(tagged, stats.assign(benchmark=2.0))
    assert (named["benchmark_hours"] == 2.0).all()
    with pytest.raises(KeyError, match="median_hours"):
        feedback.stage_links(tagged, stats.drop(columns="median_hours"))
