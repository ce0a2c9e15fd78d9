"""The demo data's documented bottlenecks (svcinsight/demo/__init__.py) are found.

1. finance ``agent review``: median ~1.9 h against the guides' 0.5 h, with rework loops
   (awaiting customer -> document check -> agent review again);
2. e-commerce ``qc result pending``: QC's result reaches customer service by hand,
   median ~30 h, recorded as time in the stage handed to.
"""

from __future__ import annotations

import numpy as np
import pytest
from process_tables import DEMO_BENCHMARKS

from svcinsight import process

RESOLVED = {"resolved"}


@pytest.fixture(scope="module")
def ranking(demo):
    return process.bottlenecks(demo.events, DEMO_BENCHMARKS, resolution_stages=RESOLVED)


def test_the_two_built_in_bottlenecks_rank_at_the_top(ranking):
    assert set(ranking["stage"].head(2)) == {"agent review", "qc result pending"}
    top = ranking.head(2).set_index("stage")
    assert top["over_benchmark"].all()
    # nothing else is over its benchmark
    assert not ranking["over_benchmark"].iloc[2:].any()
    assert top.loc["agent review", "rework"] and top.loc["qc result pending", "slow_handoff"]


def test_each_unit_puts_its_own_bottleneck_first(demo_unit):
    for unit, stage in [("finance", "agent review"), ("ecommerce", "qc result pending")]:
        table = process.bottlenecks(demo_unit(unit), DEMO_BENCHMARKS, resolution_stages=RESOLVED)
        assert table.loc[0, "stage"] == stage, unit


def test_agent_review_is_far_over_its_benchmark_and_loops(ranking, demo):
    review = ranking.set_index("stage").loc["agent review"]
    assert 1.6 < review["median_hours"] < 2.2  # the demo documents 1.9 h
    assert review["times_benchmark"] > 3
    assert review["rework_share"] > 0.3 and review["returns_from"] == "document check"
    assert 5500 < review["visits"] < 6500
    assert "0.5 h benchmark" in review["evidence"]


def test_qc_to_customer_service_hand_off_takes_about_30_hours(demo):
    table = process.handoffs(demo.events, by_stage=True, resolution_stages=RESOLVED)
    row = table[(table["from_team"] == "qc") & (table["to_team"] == "customer_service")]
    assert len(row) == 1 and row.iloc[0]["to_stage"] == "qc result pending"
    assert 27 < row.iloc[0]["median_hours"] < 33
    assert row.iloc[0]["count"] > 4000

    plain = process.handoffs(demo.events)
    pair = plain[(plain["from_team"] == "qc") & (plain["to_team"] == "customer_service")].iloc[0]
    assert pair["median_hours"] == pytest.approx(row.iloc[0]["median_hours"])


def test_stage_stats_match_the_documented_sizes(demo):
    stats = process.stage_stats(demo.events).set_index("stage")
    assert stats.loc["qc result pending", "median_hours"] == pytest.approx(30, abs=2)
    assert stats.loc["closed", "censored"] == 0 and np.isnan(stats.loc["closed", "median_hours"])
    assert stats["share_of_time"].sum() == pytest.approx(1.0)
    assert stats.index[0] == "new" and stats.index[-1] in {"closed", "reopened", "payout", "refund"}


def test_derived_tickets_reproduce_the_demo_tickets(demo):
    derived = process.derive_tickets(demo.events, resolution_stages=RESOLVED, closed_stages={"closed"})
    tickets = demo.tickets
    assert derived["ticket_id"].tolist() == tickets["ticket_id"].tolist()
    for column in ("created_at", "first_response_at", "resolved_at", "closed_at"):
        same = (derived[column] == tickets[column]) | (derived[column].isna() & tickets[column].isna())
        assert same.all(), column
    assert (derived["reopened"].to_numpy() == tickets["reopened"].to_numpy()).all()
    # the demo tells "pending" (waiting for the customer) from "open"; events cannot
    assert (derived["status"].to_numpy() == tickets["status"].replace({"pending": "open"}).to_numpy()).all()
    resolved = tickets["resolved_at"].notna().to_numpy()
    assert (derived["agent_id"].to_numpy()[resolved] == tickets["agent_id"].to_numpy()[resolved]).all()
    assert (derived["team"].to_numpy()[resolved] == tickets["team"].to_numpy()[resolved]).all()
