"""A proposed pilot's sample size, run through simulations of that pilot on data like the
unit's, detects the expected effect in about the share of runs the plan states.

Each run draws the pilot's rows per window from the unit's own tickets: the window
before the pilot as they are, the window after it as the fix would have them (the
opportunity's counterfactual), and compares them with the comparison the pilot
evaluation makes for the metric (``si.pilot.before_after`` -> ``compare_kind``) at the
level the plan was sized for. Over 200 seeded runs the detection share must lie within
three binomial standard errors of the stated power.
"""

import math

import numpy as np
import pandas as pd
import pytest

import svcinsight as si
from svcinsight.config import config_context
from svcinsight.metrics import get
from svcinsight.pilot.before_after import compare_kind

RUNS = 200


@pytest.fixture(scope="module")
def plans():
    ds = si.demo.generate(seed=2, months=8, units=["ecommerce"])
    opps = si.plan.opportunities(ds, benchmarks={"qc result pending": 4.0}, resolution_stages={"resolved"},
                                 start="2026-01-01", kinds=["handoff", "rework"], segment_by=None, n_boot=0)
    ranking = si.plan.rank(opps)
    pilots = si.plan.propose_pilots(opps, ranking, top=len(ranking), population=ds.tickets, power=0.8)
    return opps, {p.opportunity: p for p in pilots}


def rows_of(opps, plan):
    """The pilot's tickets' values of its primary metric: as they are, and fixed."""
    measure = opps._measure
    state = opps.state(plan.opportunity)
    base = measure.base(plan.primary)
    inside = measure.mask(plan.primary, base.index, {plan.unit_column: plan.unit})
    return base.to_numpy()[inside], measure.after(state, plan.primary).to_numpy()[inside]


def detection_share(plan, before, after, seed):
    rng = np.random.default_rng(seed)
    metric = get(plan.primary)
    level = plan.alpha / len(plan.metrics)
    better = -1 if metric.direction == "lower" else 1
    hits = 0
    with config_context(n_bootstrap=0):
        for _ in range(RUNS):
            pre = pd.DataFrame({"value": rng.choice(before, plan.n_per_window), "observed": True})
            post = pd.DataFrame({"value": rng.choice(after, plan.n_per_window), "observed": True})
            result = compare_kind(metric, pre, post, alpha=level)
            moved = (math.log(result.estimate) if result.effect_kind == "ratio" else result.estimate) * better
            hits += result.pvalue < level and moved > 0
    return hits / RUNS


def tolerance(power):
    return 3 * math.sqrt(power * (1 - power) / RUNS)


@pytest.mark.parametrize("opportunity, kind", [("handoff: qc result pending", "duration"),
                                               ("rework: in progress", "proportion")])
def test_planned_size_detects_the_effect_at_the_stated_power(plans, opportunity, kind):
    opps, by_id = plans
    plan = by_id[opportunity]
    assert get(plan.primary).kind == kind
    assert plan.design == "before_after" and plan.unit_column != "business_unit"  # a narrow pilot
    before, after = rows_of(opps, plan)
    share = detection_share(plan, before, after, seed=11)
    assert abs(share - plan.power) <= tolerance(plan.power), (share, plan.n_per_window)


def test_a_quarter_of_the_size_detects_far_less_often(plans):
    """The check above could not pass with any size: too few rows miss the effect."""
    from dataclasses import replace

    opps, by_id = plans
    plan = by_id["handoff: qc result pending"]
    small = replace(plan, n_per_window=max(2, plan.n_per_window // 4))
    before, after = rows_of(opps, plan)
    assert detection_share(small, before, after, seed=12) < plan.power - 3 * tolerance(plan.power)


def test_weeks_cover_the_rows_at_the_units_weekly_volume(plans):
    _, by_id = plans
    for plan in by_id.values():
        assert plan.weeks * plan.rows_per_week >= plan.n_per_window
        assert (plan.weeks - 1) * plan.rows_per_week < plan.n_per_window or plan.weeks == 2
        assert (plan.end - plan.start).days == 7 * plan.weeks - 1
        assert plan.start.weekday() == 0  # whole weeks, Monday to Sunday
