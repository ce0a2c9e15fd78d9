"""Seeded simulations: error rates and coverage of the comparisons as they are shipped.

With no true effect the share of significant results at alpha 0.05 must stay within
[0.035, 0.065]; with a true effect the 95% intervals must cover it in 93.5-96.5% of
runs. 4,000 runs per check make the binomial standard error about 0.0034 at 0.05 and
0.0034 at 0.95, so each band is more than four standard errors wide on either side:
a correct method fails it by chance far less than once in ten thousand runs, while a
method that is off by two points fails it.

Data sets are drawn all at once with numpy; only the comparison itself runs in a loop,
through the public functions exactly as users call them.
"""

from __future__ import annotations

import numpy as np
import pytest

from svcinsight import stats
from svcinsight.config import config_context

RUNS = 4000
FALSE_POSITIVE_BAND = (0.035, 0.065)
COVERAGE_BAND = (0.935, 0.965)


def error_rate_and_coverage(results, truth):
    significant = np.mean([r.significant for r in results])
    covered = np.mean([r.ci_low <= truth <= r.ci_high for r in results])
    return float(significant), float(covered)


# -- each scenario: draw RUNS data sets, compare them, return (results, true effect) ----


def durations(rng, ratio):
    # Log-normal with unequal spreads (Welch's case); the geometric mean of a log-normal
    # is exp(mu), so the true ratio of geometric means is exp(mu2 - mu1) = ratio.
    a = rng.lognormal(1.0, 1.0, size=(RUNS, 60))
    b = rng.lognormal(1.0 + np.log(ratio), 1.3, size=(RUNS, 80))
    with config_context(n_bootstrap=0):  # the bootstrap median has its own check below
        return [stats.compare_durations(x, y) for x, y in zip(a, b)], ratio


CSAT_BEFORE = np.array([0.05, 0.10, 0.20, 0.35, 0.30])
CSAT_AFTER = np.array([0.03, 0.07, 0.17, 0.38, 0.35])


def superiority(p1, p2):
    """P(X2 > X1) + P(X2 = X1) / 2 for two distributions on the same levels."""
    joint = np.outer(p1, p2)  # [i, j] = P(X1 = level i, X2 = level j)
    return float(np.triu(joint, 1).sum() + 0.5 * np.trace(joint))


def scores_1_to_5(rng, after):
    a = rng.multinomial(150, CSAT_BEFORE, size=RUNS)
    b = rng.multinomial(150, after, size=RUNS)
    results = [stats.compare_ordinal(x, y, counts=True) for x, y in zip(a, b)]
    return results, superiority(CSAT_BEFORE, after)


def proportions(rng, p2):
    x1 = rng.binomial(250, 0.30, size=RUNS)
    x2 = rng.binomial(300, p2, size=RUNS)
    return [stats.compare_proportions(a, 250, b, 300) for a, b in zip(x1, x2)], p2 - 0.30


NPS_BEFORE = np.array([0.02, 0.01, 0.02, 0.03, 0.04, 0.06, 0.07, 0.12, 0.18, 0.20, 0.25])
NPS_AFTER = np.array([0.01, 0.01, 0.01, 0.02, 0.03, 0.05, 0.06, 0.11, 0.17, 0.23, 0.30])


def nps_points(p):
    return 100.0 * (p[9:].sum() - p[:7].sum())


def nps(rng, after):
    a = rng.multinomial(250, NPS_BEFORE, size=RUNS)
    b = rng.multinomial(250, after, size=RUNS)
    results = [stats.compare_nps(x, y, counts=True) for x, y in zip(a, b)]
    return results, nps_points(after) - nps_points(NPS_BEFORE)


def poisson_rates(rng, ratio):
    # 5,000 and 6,000 orders at 4 complaints per 1,000: about 20 and 24 complaints.
    c1 = rng.poisson(0.004 * 5000, size=RUNS)
    c2 = rng.poisson(0.004 * ratio * 6000, size=RUNS)
    return [stats.compare_rates(a, 5000, b, 6000) for a, b in zip(c1, c2)], ratio


SCENARIOS = {
    "lognormal durations": (durations, 1.0, 0.8),
    "1-5 scores": (scores_1_to_5, CSAT_BEFORE, CSAT_AFTER),
    "proportions": (proportions, 0.30, 0.36),
    "NPS": (nps, NPS_BEFORE, NPS_AFTER),
    "Poisson rates": (poisson_rates, 1.0, 0.75),
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_no_true_effect_gives_the_nominal_false_positive_rate(name):
    draw, null, _ = SCENARIOS[name]
    results, truth = draw(np.random.default_rng(2024), null)
    assert truth == pytest.approx(results[0].null_value)
    rate, _ = error_rate_and_coverage(results, truth)
    assert FALSE_POSITIVE_BAND[0] <= rate <= FALSE_POSITIVE_BAND[1], f"{name}: {rate:.4f}"


@pytest.mark.parametrize("name", SCENARIOS)
def test_intervals_cover_a_true_effect_at_the_nominal_rate(name):
    draw, _, effect = SCENARIOS[name]
    results, truth = draw(np.random.default_rng(2025), effect)
    assert truth != pytest.approx(results[0].null_value)
    _, coverage = error_rate_and_coverage(results, truth)
    assert COVERAGE_BAND[0] <= coverage <= COVERAGE_BAND[1], f"{name}: {coverage:.4f}"


def test_bootstrap_interval_for_the_median_difference_covers():
    # The percentile bootstrap for a median is known to be a little off nominal in
    # small samples (the median's distribution is discrete), so this check uses 1,000
    # runs of 400 resamples and a band of 92-97.5% (about +-3 standard errors at 95%).
    rng = np.random.default_rng(7)
    a = rng.lognormal(1.0, 1.0, size=(1000, 80))
    b = rng.lognormal(1.0 + np.log(0.7), 1.0, size=(1000, 80))
    truth = np.exp(1.0) * (0.7 - 1.0)  # medians are exp(mu)
    covered = [
        r.extra["median_difference_ci_low"] <= truth <= r.extra["median_difference_ci_high"]
        for r in (
            stats.compare_durations(x, y, n_bootstrap=400, seed=i)
            for i, (x, y) in enumerate(zip(a, b))
        )
    ]
    assert 0.92 <= np.mean(covered) <= 0.975, np.mean(covered)


def test_censored_durations_keep_the_false_positive_rate():
    # Open tickets: exponential durations censored at a uniform follow-up, the same in
    # both groups; the log-rank test must stay near 5% (2,000 runs, band +-3.3 SE).
    rng = np.random.default_rng(8)
    time = rng.exponential(10.0, size=(2000, 120))
    follow_up = rng.uniform(5.0, 40.0, size=(2000, 120))
    observed = np.minimum(time, follow_up)
    censored = time > follow_up
    with config_context(n_bootstrap=0):
        results = [
            stats.compare_durations(t[:60], t[60:], censored_a=c[:60], censored_b=c[60:])
            for t, c in zip(observed, censored)
        ]
    rate = np.mean([r.significant for r in results])
    assert 0.035 <= rate <= 0.065, rate
