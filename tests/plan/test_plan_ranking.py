"""Ranking by the share of the targets' gaps closed, settings from params, and the plan
against the targets."""

import numpy as np
import pandas as pd
import pytest

import svcinsight as si

GOALS = [
    {"name": "SLA 95%", "metric": "first_response_sla_rate", "target": 0.95, "deadline": "2026-06-30"},
    {"name": "FCR 50%", "metric": "fcr_rate", "target": 0.50, "deadline": "2026-12-31"},  # already met
    {"name": "CSAT 4.9", "metric": "csat_mean", "target": 4.9, "deadline": "2026-12-31"},
]


@pytest.fixture(scope="module")
def opps():
    ds = si.demo.generate(seed=6, months=3, start="2026-01-01", tickets_per_month=600, units=["finance"])
    return si.plan.opportunities(ds, benchmarks={"agent review": 0.5}, targets=GOALS, resolution_stages={"resolved"},
                                 kinds=["stage", "rework", "response"], segment_by=None, n_boot=100)


def test_shares_are_the_change_over_the_gap_and_met_goals_do_not_count(opps):
    shares = si.plan.goal_gains(opps)
    sla = shares[shares["goal"] == "SLA 95%"]
    assert np.allclose(sla["share"], (sla["after"] - sla["before"]) / (0.95 - sla["before"]))
    assert shares.loc[shares["goal"] == "FCR 50%", "met"].all()
    assert shares.loc[shares["goal"] == "FCR 50%", "share"].isna().all()
    ranked = si.plan.rank(opps)
    open_goals = shares[~shares["met"]]
    expected = open_goals.assign(capped=open_goals["share"].clip(0, 1)).groupby("opportunity")["capped"].sum() / 2
    assert np.allclose(ranked.set_index("id")["score"], expected.reindex(ranked["id"]).fillna(0))
    # sorted by score, then by the largest headline improvement
    keys = list(zip(ranked["score"], ranked["gain"]))
    assert keys == sorted(keys, reverse=True)
    assert ranked.loc[0, "id"] == "response: first response"
    assert ranked.loc[0, "best_goal"] == "SLA 95%"


def test_settings_from_params_set_effort_owner_and_leave_out(opps):
    ids = opps.ids
    ranked = si.plan.rank(opps, settings={ids[0]: {"effort": "high", "owner": "desk lead"},
                                          ids[1]: {"exclude": True}, "stage: nowhere": {"effort": 2}})
    row = ranked.set_index("id").loc[ids[0]]
    assert row["effort"] == 5 and row["owner"] == "desk lead"
    assert ids[1] not in set(ranked["id"]) and len(ranked) == len(ids) - 1
    assert ranked.attrs["unknown_settings"] == ["stage: nowhere"]
    with pytest.raises(ValueError, match="1-5"):
        si.plan.rank(opps, settings={ids[0]: {"effort": 7}})


def test_the_plan_finds_the_first_combination_that_reaches_each_target(opps):
    ranked = si.plan.rank(opps)
    ready = {i: pd.Timestamp("2026-05-01") + pd.Timedelta(weeks=k) for k, i in enumerate(ranked["id"])}
    table = si.plan.against_targets(opps, ranked, top=3, ready=ready).set_index("goal")
    sla = table.loc["SLA 95%"]
    assert sla["reached"] and sla["reached_with"] == ["response: first response"] and sla["after"] >= 0.95
    assert sla["ready_by"] == ready["response: first response"] and sla["on_time"]
    assert table.loc["FCR 50%", "already_met"] and table.loc["FCR 50%", "reached_with"] == []
    csat = table.loc["CSAT 4.9"]
    assert not csat["reached"] and csat["after"] < 4.9 and csat["reached_with"] == []
    together = opps.estimate(ranked["id"].head(3).tolist())
    assert together.loc[together["goal"] == "CSAT 4.9", "after"].iloc[0] == pytest.approx(csat["after"])
