import math

import numpy as np
import pytest
from scipy import stats as sps
from statsmodels.duration.survfunc import SurvfuncRight

from svcinsight import stats
from svcinsight.config import config_context
from svcinsight.stats.durations import _km_medians, _survival_order


def test_ratio_of_geometric_means_is_welch_on_logs():
    # Independent implementation: scipy's Welch test on the log durations.
    rng = np.random.default_rng(5)
    a, b = rng.lognormal(1.0, 0.8, size=40), rng.lognormal(0.8, 1.1, size=55)
    r = stats.compare_durations(a, b)
    welch = sps.ttest_ind(np.log(b), np.log(a), equal_var=False)
    low, high = welch.confidence_interval(0.95)
    assert r.estimate == pytest.approx(math.exp(np.log(b).mean() - np.log(a).mean()), rel=1e-12)
    assert (r.ci_low, r.ci_high) == pytest.approx((math.exp(low), math.exp(high)), rel=1e-12)
    assert r.pvalue == pytest.approx(welch.pvalue, rel=1e-12)
    assert r.value1 == pytest.approx(sps.gmean(a), rel=1e-12)
    assert r.effect_kind == "ratio" and r.value_kind == "geometric_mean"


def test_median_difference_and_its_bootstrap_interval():
    rng = np.random.default_rng(6)
    a, b = rng.lognormal(1.0, 1.0, size=101), rng.lognormal(0.7, 1.0, size=80)
    r = stats.compare_durations(a, b, n_bootstrap=1000, seed=42)
    assert r.extra["median1"] == np.median(a) and r.extra["median2"] == np.median(b)
    assert r.extra["median_difference"] == pytest.approx(np.median(b) - np.median(a))
    low, high = r.extra["median_difference_ci_low"], r.extra["median_difference_ci_high"]
    assert low < r.extra["median_difference"] < high
    # seeded: the same seed gives the same interval, another seed another one
    again = stats.compare_durations(a, b, n_bootstrap=1000, seed=42)
    assert (again.extra["median_difference_ci_low"], again.extra["median_difference_ci_high"]) == (
        low,
        high,
    )
    other = stats.compare_durations(a, b, n_bootstrap=1000, seed=43)
    assert other.extra["median_difference_ci_low"] != low
    with config_context(n_bootstrap=0):
        off = stats.compare_durations(a, b)
    assert math.isnan(off.extra["median_difference_ci_low"]) and off.extra["n_bootstrap"] == 0


def test_zero_durations_are_offset_by_default_and_counted():
    a = [0.0, 0.0, 0.5, 1.0, 2.0, 4.0]
    b = [0.0, 0.25, 0.5, 1.5, 3.0]
    r = stats.compare_durations(a, b)
    assert r.extra["zeros1"] == 2 and r.extra["zeros2"] == 1
    assert r.extra["zero_offset"] == 0.125  # half the smallest positive duration, 0.25
    assert any(
        "2 zero duration(s) in group 1 and 1 in group 2 were set to 0.125" in w for w in r.warnings
    )
    expected = sps.gmean([0.125, 0.125, 0.5, 1.0, 2.0, 4.0])
    assert r.value1 == pytest.approx(expected, rel=1e-12)
    # medians use the durations as they are
    assert r.extra["median1"] == 0.75


def test_zero_durations_can_be_dropped_instead():
    r = stats.compare_durations([0.0, 1.0, 2.0, 4.0], [0.0, 0.5, 1.5, 3.0], zero="drop")
    assert r.value1 == pytest.approx(2.0, rel=1e-12)
    assert any("left out of the geometric means" in w for w in r.warnings)
    with pytest.raises(ValueError, match="zero must be"):
        stats.compare_durations([1.0, 2.0], [1.0, 2.0], zero="ignore")


def test_bad_durations_are_rejected_and_missing_ones_counted():
    with pytest.raises(ValueError, match="negative"):
        stats.compare_durations([1.0, -2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="every duration is zero"):
        stats.compare_durations([0.0, 0.0], [0.0, 0.0])
    r = stats.compare_durations([1.0, np.nan, 2.0, 3.0], [1.0, 2.0, 2.5])
    assert r.n1 == 3 and any("1 missing value(s) in a" in w for w in r.warnings)


def test_censored_comparison_matches_r_survival_on_aml(reference):
    # R: survfit(Surv(time, status) ~ x, data = aml): medians 31 and 23;
    #    survdiff(...): Chisq = 3.4 on 1 df, p = 0.07 (printed to those digits)
    ref = reference("durations")["aml"]
    r = stats.compare_durations(
        ref["maintained_time"],
        ref["nonmaintained_time"],
        censored_a=ref["maintained_censored"],
        censored_b=ref["nonmaintained_censored"],
    )
    assert r.value1 == ref["median_maintained"] and r.value2 == ref["median_nonmaintained"]
    assert r.estimate == pytest.approx(23 / 31, rel=1e-12)
    assert r.extra["logrank_chi2"] == pytest.approx(ref["logrank_chisq"], abs=0.05)
    assert r.pvalue == pytest.approx(ref["logrank_p"], abs=0.005)
    assert r.value_kind == "km_median" and "log-rank" in r.method
    assert r.extra["censored1"] == 4 and r.extra["censored2"] == 1
    assert r.ci_low <= r.estimate <= r.ci_high


def test_km_median_without_censoring_is_the_sample_median():
    rng = np.random.default_rng(9)
    for n in (5, 6, 11, 40):
        x = np.round(rng.exponential(size=n), 1)  # rounding makes ties
        order = _survival_order(x, np.zeros(n, bool))
        assert _km_medians(x[order][None, :], np.ones((1, n), bool))[0] == pytest.approx(
            np.median(x)
        )


def test_km_median_matches_statsmodels_where_the_curve_does_not_sit_at_one_half():
    # Independent implementation: statsmodels' SurvfuncRight (smallest time with S < 1/2;
    # the rules differ only when S equals 1/2 exactly, which these draws avoid).
    rng = np.random.default_rng(10)
    checked = 0
    for _ in range(30):
        n = int(rng.integers(15, 60))
        time = np.round(rng.exponential(10, size=n), 1)
        censored = rng.random(n) < 0.3
        fit = SurvfuncRight(time, (~censored).astype(int))
        if np.isclose(fit.surv_prob, 0.5).any():
            continue
        order = _survival_order(time, censored)
        ours = _km_medians(time[order][None, :], ~censored[order][None, :])[0]
        theirs = fit.quantile(0.5)
        assert (ours == theirs) or (np.isinf(ours) and np.isnan(theirs))
        checked += 1
    assert checked >= 20


def test_censoring_flags_must_match_and_one_sided_is_refused():
    with pytest.raises(ValueError, match="one flag per duration"):
        stats.compare_durations([1.0, 2.0, 3.0], [1.0, 2.0], censored_a=[True, False])
    with pytest.raises(ValueError, match="two-sided"):
        stats.compare_durations(
            [1.0, 2.0, 3.0], [1.0, 2.0], censored_a=[True, False, False], alternative="larger"
        )
    # flags given but nothing censored: the ordinary comparison
    plain = stats.compare_durations([1.0, 2.0, 3.0], [1.0, 2.0], censored_a=[False] * 3)
    assert plain.value_kind == "geometric_mean"


def test_median_not_reached_is_said_not_invented():
    r = stats.compare_durations(
        [1.0, 2.0, 5.0, 5.0, 5.0, 5.0],
        [1.0, 2.0, 3.0, 4.0],
        censored_a=[False, False, True, True, True, True],
    )
    assert math.isnan(r.value1) and math.isnan(r.estimate)
    assert any("median is not reached" in w for w in r.warnings)
    assert "could not be estimated" in r.summary()
