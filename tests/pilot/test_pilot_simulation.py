"""Seeded simulations with no true effect: how often each test cries "significant".

Difference-in-differences with tickets clustered by agent. Each agent has a level of
their own (variance 0.1) and a level that shifts between the before and after windows
(variance 0.1: habits drift over weeks), on top of ticket noise (variance 0.8); the
intra-agent correlation is 0.2 within a window and 0.1 across windows. A constant agent
level alone would mostly cancel in the before/after differencing; the drifting part is
what makes tickets of one agent-window move together, and what an iid test mistakes for
evidence. With no true effect:

* naive OLS (iid errors) rejects far more often than 5% (about 30% here);
* the project's default (``inference="auto"``: cluster-robust CR1 errors with 60
  agents, the wild cluster bootstrap with 16) stays within [0.03, 0.08].

1,000 runs per scenario: the binomial standard error at 0.05 is 0.007, so the band is
about three standard errors below and four above; the naive test misses it by thirty.

Before/after on a stationary process (weekday rhythm in volume and in FCR, nothing
changes at the pilot start): the public ``before_after`` on whole-week windows rejects
at about the nominal 5% (500 runs; band [0.03, 0.075], -2 / +2.6 standard errors).

Only the noise is redrawn per run; everything else is built once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from synthetic import arrivals, tickets

import svcinsight as si
from svcinsight.pilot.diff_in_diff import did_estimate

RUNS = 1000
BAND = (0.03, 0.08)


def clustered_panel(rng, agents: int, tickets_per_agent_week: int, weeks: int = 8):
    agent = np.repeat(np.arange(agents), weeks * tickets_per_agent_week)
    week = np.tile(np.repeat(np.arange(weeks), tickets_per_agent_week), agents)
    unit = agent % 2  # half the agents work in the pilot unit
    post = week >= weeks // 2

    def draw():
        level = rng.normal(0, np.sqrt(0.1), agents)[agent]
        drift = rng.normal(0, np.sqrt(0.1), (agents, 2))[agent, post.astype(int)]
        return level + drift + rng.normal(0, np.sqrt(0.8), agent.size)

    design = {"unit": unit, "period": week, "treated": unit == 1, "post": post, "cluster": agent}
    return draw, design


def rejection_rates(rng, agents, per_week, inferences, **kwargs):
    draw, design = clustered_panel(rng, agents, per_week)
    rejected = dict.fromkeys(inferences, 0)
    methods = {}
    for _ in range(RUNS):
        y = draw()
        for name in inferences:
            fit = did_estimate(y, **design, inference=name, interval=False, **kwargs)
            rejected[name] += fit.pvalue < 0.05
            methods[name] = fit.method
    return {name: count / RUNS for name, count in rejected.items()}, methods


def test_did_with_many_agents_naive_over_rejects_cluster_robust_does_not(rng):
    rates, methods = rejection_rates(rng, agents=60, per_week=6, inferences=("iid", "auto"))
    assert methods["auto"] == "cluster-robust (CR1)"
    assert rates["iid"] > 0.15, rates
    assert BAND[0] <= rates["auto"] <= BAND[1], rates


def test_did_with_few_agents_uses_the_wild_bootstrap_and_holds_its_level(rng):
    rates, methods = rejection_rates(rng, agents=16, per_week=24, inferences=("iid", "auto"),
                                     n_bootstrap=399)
    assert methods["auto"].startswith("wild cluster bootstrap")
    assert rates["iid"] > 0.15, rates
    assert BAND[0] <= rates["auto"] <= BAND[1], rates


def test_before_after_on_a_stationary_process_holds_its_level(rng):
    created = arrivals(rng, "2026-04-20", 84, 40)  # six weeks either side of 1 June
    weekend = np.asarray(created.day_of_week >= 5)
    frame = tickets(created)
    p = np.where(weekend, 0.70, 0.82)  # weekends resolve less at first contact
    runs, rejected = 500, 0
    for _ in range(runs):
        solved = rng.random(len(frame)) < p
        frame["contacts"] = pd.array(np.where(solved, 1, 2), dtype="Int64")
        r = si.pilot.before_after(frame, metric="fcr_rate", pilot_start="2026-06-01", strata=())
        rejected += r.pvalue < 0.05
    assert 0.03 <= rejected / runs <= 0.075, rejected / runs
