import numpy as np
import pytest
from statsmodels.stats import rates as sm_rates

from svcinsight import stats


def test_exact_method_matches_r_poisson_test(reference):
    # R: poisson.test(c(11, 6+8+7), c(800, 1083+1050+878))
    #    p-value = 0.07967, CI 0.8584264 4.2772659, rate ratio 1.971488
    ref = reference("rates")["eba1977"]
    r = stats.compare_rates(
        ref["count_others"],
        ref["exposure_others"],
        ref["count_fredericia"],
        ref["exposure_fredericia"],
        method="exact",
    )
    assert r.estimate == pytest.approx(ref["ratio"], abs=5e-7)
    assert r.ci_low == pytest.approx(ref["ci"][0], abs=5e-8)
    assert r.ci_high == pytest.approx(ref["ci"][1], abs=5e-8)
    assert r.pvalue == pytest.approx(ref["pvalue"], abs=5e-6)


def test_score_method_equals_statsmodels_score(reference):
    # Independent implementation: statsmodels' unconditional score test and its
    # numerically inverted interval (we use the closed-form conditional Wilson form).
    ref = reference("rates")["eba1977"]
    args = (
        ref["count_others"],
        ref["exposure_others"],
        ref["count_fredericia"],
        ref["exposure_fredericia"],
    )
    r = stats.compare_rates(*args, method="score")
    expected = sm_rates.test_poisson_2indep(args[2], args[3], args[0], args[1], method="score")
    low, high = sm_rates.confint_poisson_2indep(args[2], args[3], args[0], args[1], method="score")
    assert r.pvalue == pytest.approx(expected.pvalue, rel=1e-10)
    assert r.extra["statistic"] == pytest.approx(expected.statistic, rel=1e-10)
    assert r.ci_low == pytest.approx(low, rel=1e-7)
    assert r.ci_high == pytest.approx(high, rel=1e-7)


def test_default_method_follows_the_expected_count_rule():
    # expected counts under equal rates: (2 + 5) / 2 = 3.5 < 5, then (3 + 8) / 2 = 5.5
    assert stats.compare_rates(2, 1000, 5, 1000).extra["test"] == "exact"
    assert stats.compare_rates(3, 1000, 8, 1000).extra["test"] == "score"
    big = stats.compare_rates(84, 40_000, 61, 41_500)
    assert big.extra["test"] == "score" and big.warnings == ()


def test_rates_are_reported_per_unit_asked_for():
    r = stats.compare_rates(84, 40_000, 61, 41_500, per=1000)
    assert r.value1 == pytest.approx(2.1) and r.value2 == pytest.approx(61 / 41.5)
    assert (r.n1, r.n2) == (40_000, 41_500)


def test_fixed_dispersion_inflates_the_variance_by_that_factor():
    plain = stats.compare_rates(84, 40_000, 61, 41_500, method="score")
    doubled = stats.compare_rates(84, 40_000, 61, 41_500, overdispersion=2.0)
    assert doubled.estimate == pytest.approx(plain.estimate, rel=1e-12)
    assert doubled.extra["statistic"] == pytest.approx(
        plain.extra["statistic"] / np.sqrt(2), rel=1e-10
    )
    assert doubled.ci_low < plain.ci_low and doubled.ci_high > plain.ci_high
    with pytest.raises(ValueError):
        stats.compare_rates(84, 40_000, 61, 41_500, overdispersion=0.5)
    with pytest.raises(ValueError):
        stats.compare_rates(84, 40_000, 61, 41_500, overdispersion=2.0, method="exact")


def test_quasi_poisson_from_daily_counts():
    rng = np.random.default_rng(7)
    exposure = np.full(28, 500.0)
    # gamma-mixed Poisson: variance about 1 + mean/5 times the mean
    day1 = rng.poisson(rng.gamma(5.0, 2.0, size=28))
    day2 = rng.poisson(rng.gamma(5.0, 2.0, size=28))
    poisson = stats.compare_rates(day1, exposure, day2, exposure)
    assert any("Counts vary between periods" in w for w in poisson.warnings)
    quasi = stats.compare_rates(day1, exposure, day2, exposure, overdispersion="estimate")
    assert quasi.extra["dispersion"] > 1.5
    assert quasi.estimate == pytest.approx(poisson.estimate, rel=1e-8)
    assert quasi.ci_high / quasi.ci_low > poisson.ci_high / poisson.ci_low
    # independent check of the dispersion: Pearson chi-square / (periods - 2)
    rate1, rate2 = day1.sum() / exposure.sum(), day2.sum() / exposure.sum()
    pearson = (((day1 - 500 * rate1) ** 2) / (500 * rate1)).sum() + (
        ((day2 - 500 * rate2) ** 2) / (500 * rate2)
    ).sum()
    assert quasi.extra["dispersion"] == pytest.approx(pearson / 54, rel=1e-8)


def test_quasi_poisson_never_narrows_below_poisson():
    exposure = np.full(10, 100.0)
    flat1 = np.full(10, 20)
    flat2 = np.full(10, 25)  # no variation at all: dispersion 0
    r = stats.compare_rates(flat1, exposure, flat2, exposure, overdispersion="estimate")
    assert r.extra["dispersion"] == 1.0
    assert any("treated as 1" in w for w in r.warnings)


def test_bad_rate_inputs_are_rejected():
    with pytest.raises(ValueError):
        stats.compare_rates(1.5, 100, 2, 100)
    with pytest.raises(ValueError):
        stats.compare_rates(1, 0, 2, 100)
    with pytest.raises(ValueError):
        stats.compare_rates([1, 2], [100], 2, 100)
    with pytest.raises(ValueError, match="per-period"):
        stats.compare_rates(10, 100, 12, 100, overdispersion="estimate")
    none = stats.compare_rates(0, 100, 0, 100)
    assert np.isnan(none.estimate) and any("No events" in w for w in none.warnings)
