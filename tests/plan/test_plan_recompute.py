"""An opportunity's estimate is the unit's metrics recomputed on its own tickets with the
fix applied: fixing the stage by hand and running ``si.metrics.compute`` gives the same
numbers."""

import numpy as np
import pandas as pd
import pytest

import svcinsight as si

BENCHMARK = 0.5  # agent review, as the demo params have it
METRICS = ["frt_median_h", "frt_p90_h", "first_response_sla_rate", "resolution_median_h",
           "resolution_p90_h", "resolution_sla_rate", "fcr_rate"]
MONTH = pd.Period("2025-11", freq="M")


@pytest.fixture(scope="module")
def finance():
    return si.demo.generate(seed=4, months=4, tickets_per_month=500, units=["finance"])


def fixed_by_hand(tickets: pd.DataFrame, events: pd.DataFrame, as_of) -> pd.DataFrame:
    """Each agent-review visit over the benchmark ends at the benchmark: every later
    timestamp of its ticket comes that much earlier (written without si.plan)."""
    visits = events[(events["stage"] == "agent review") & events["left_at"].notna()
                    & (events["left_at"] <= as_of)]
    excess = (visits["left_at"] - visits["entered_at"]) - pd.Timedelta(hours=BENCHMARK)
    visits = visits.assign(excess=excess.where(excess > pd.Timedelta(0), pd.Timedelta(0)))
    out = tickets.copy()
    position = pd.Index(out["ticket_id"])
    for column in ("first_response_at", "resolved_at", "closed_at"):
        moved = pd.Series(pd.Timedelta(0), index=out.index)
        for visit in visits.itertuples():
            row = position.get_loc(visit.ticket_id)
            stamp = out.at[row, column]
            if pd.notna(stamp) and stamp >= visit.left_at:
                moved[row] += visit.excess
        out[column] = out[column] - moved
    return out


def test_hand_fixed_stage_recomputes_to_the_opportunity_estimate(finance):
    as_of = si.metrics.latest_timestamp(finance.tickets, finance.events, finance.feedback)
    start, end = MONTH.start_time.tz_localize("Asia/Shanghai"), (MONTH + 1).start_time.tz_localize("Asia/Shanghai")
    opps = si.plan.opportunities(finance, benchmarks={"agent review": BENCHMARK}, start=start, end=end,
                                 as_of=as_of, resolution_stages={"resolved"}, kinds=["stage"],
                                 segment_by=None, n_boot=0)
    assert opps.ids == ["stage: agent review"]
    estimate = opps.effects[opps.effects["segment"] == "all"].set_index("metric")

    by_hand = fixed_by_hand(finance.tickets, finance.events, as_of)
    assert (by_hand["resolved_at"] < finance.tickets["resolved_at"]).sum() > 100  # the fix bites
    for tickets, column in ((finance.tickets, "before"), (by_hand, "after")):
        recomputed = si.metrics.compute(tickets, metrics=METRICS, as_of=as_of)
        recomputed = recomputed[recomputed["period"] == MONTH].set_index("metric")["value"]
        for metric in METRICS:
            assert estimate.loc[metric, column] == pytest.approx(recomputed[metric], rel=1e-12), (metric, column)
    assert estimate.loc["resolution_median_h", "change"] < 0
    assert estimate.loc["frt_median_h", "change"] == 0  # agent review comes after the first response


def test_the_counterfactual_tickets_are_the_hand_fixed_ones(finance):
    as_of = si.metrics.latest_timestamp(finance.tickets, finance.events, finance.feedback)
    opps = si.plan.opportunities(finance, benchmarks={"agent review": BENCHMARK}, as_of=as_of,
                                 resolution_stages={"resolved"}, kinds=["stage"], n_boot=0)
    rewritten = opps.apply("stage: agent review").tickets.set_index("ticket_id")
    by_hand = fixed_by_hand(finance.tickets, finance.events, as_of).set_index("ticket_id")
    for column in ("first_response_at", "resolved_at", "closed_at"):
        assert rewritten[column].equals(by_hand.loc[rewritten.index, column])


def test_segment_effects_add_up_to_the_unit(finance):
    """Rates are means of per-ticket values: the unit's change is the segments' changes
    weighted by their tickets."""
    opps = si.plan.opportunities(finance, benchmarks={"agent review": BENCHMARK}, resolution_stages={"resolved"},
                                 kinds=["stage", "rework"], n_boot=50)
    e = opps.effects[(opps.effects["metric"] == "resolution_sla_rate") & opps.effects["goal"].isna()]
    for _, rows in e.groupby("opportunity"):
        unit = rows[rows["segment"] == "all"].iloc[0]
        parts = rows[rows["segment"].str.startswith("customer_segment=")]
        assert set(parts["segment"]) == {"customer_segment=standard", "customer_segment=vip"}
        assert parts["n"].sum() == unit["n"]
        assert np.average(parts["change"], weights=parts["n"]) == pytest.approx(unit["change"], abs=1e-12)
        assert unit["ci_low"] <= unit["change"] <= unit["ci_high"]
