import numpy as np
import pandas as pd
import pytest

from svcinsight import stats


def test_welch_matches_r_t_test_on_sleep(reference):
    # R: t.test(extra ~ group, data = sleep)
    #    t = -1.8608, df = 17.776, p-value = 0.07939, CI -3.3654832 0.2054832
    ref = reference("means")["sleep"]
    r = stats.compare_means(ref["group1"], ref["group2"])
    # svcinsight reports group 2 minus group 1: R's t and interval with the sign flipped
    assert r.extra["statistic"] == pytest.approx(-ref["t_r"], abs=5e-5)
    assert r.extra["df"] == pytest.approx(ref["df"], abs=5e-4)
    assert r.pvalue == pytest.approx(ref["pvalue"], abs=5e-6)
    assert r.ci_low == pytest.approx(-ref["ci_r"][1], abs=5e-8)
    assert r.ci_high == pytest.approx(-ref["ci_r"][0], abs=5e-8)
    assert (r.value1, r.value2) == pytest.approx((ref["mean1"], ref["mean2"]), abs=1e-12)
    assert r.estimate == pytest.approx(1.58, abs=1e-12)
    assert (r.n1, r.n2) == (10, 10)


def test_one_sided_welch_halves_the_p_value(reference):
    ref = reference("means")["sleep"]
    two = stats.compare_means(ref["group1"], ref["group2"])
    larger = stats.compare_means(ref["group1"], ref["group2"], alternative="larger")
    assert larger.pvalue == pytest.approx(two.pvalue / 2, rel=1e-10)
    assert larger.ci_high == np.inf and larger.ci_low > two.ci_low


def test_missing_values_are_dropped_and_counted():
    a = pd.Series([1.0, 2.0, None, 4.0], dtype="Float64")
    r = stats.compare_means(a, [2.0, 3.0, 5.0, np.nan, np.nan])
    assert (r.n1, r.n2) == (3, 3)
    assert any("1 missing value(s) in a" in w for w in r.warnings)
    assert any("2 missing value(s) in b" in w for w in r.warnings)


def test_too_few_observations_is_an_error():
    with pytest.raises(ValueError, match="at least 2"):
        stats.compare_means([1.0], [1.0, 2.0])
