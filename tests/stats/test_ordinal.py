import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from svcinsight import stats


def test_brunner_munzel_matches_lawstat_pain_scores(reference):
    # R: lawstat::brunner.munzel.test(Y, N): statistic 3.1375, df 17.683,
    #    p-value 0.005786, CI 0.5952169 0.9827052, estimate 0.788961
    ref = reference("ordinal")["pain"]
    r = stats.compare_ordinal(ref["y"], ref["n"])
    assert r.estimate == pytest.approx(ref["estimate"], abs=5e-7)
    assert r.ci_low == pytest.approx(ref["ci"][0], abs=5e-8)
    assert r.ci_high == pytest.approx(ref["ci"][1], abs=5e-8)
    assert r.extra["statistic"] == pytest.approx(ref["statistic"], abs=5e-5)
    assert r.extra["df"] == pytest.approx(ref["df"], abs=5e-4)
    assert r.pvalue == pytest.approx(ref["pvalue"], abs=5e-7)


def test_counts_per_level_give_the_same_result_as_raw_scores(reference):
    ref = reference("ordinal")["pain"]
    raw = stats.compare_ordinal(ref["y"], ref["n"])
    as_series = stats.compare_ordinal(
        pd.Series(ref["y"]).value_counts(), pd.Series(ref["n"]).value_counts()
    )
    as_lists = stats.compare_ordinal(
        np.bincount(ref["y"], minlength=6)[1:], np.bincount(ref["n"], minlength=6)[1:], counts=True
    )
    for r in (as_series, as_lists):
        assert r.estimate == pytest.approx(raw.estimate, rel=1e-12)
        assert r.pvalue == pytest.approx(raw.pvalue, rel=1e-12)
        assert (r.n1, r.n2) == (14, 11)


@pytest.mark.parametrize("seed", range(5))
def test_statistic_and_p_value_equal_scipy_brunnermunzel(seed):
    # Independent implementation: scipy.stats.brunnermunzel on the raw scores.
    rng = np.random.default_rng(seed)
    a = rng.choice([1, 2, 3, 4, 5], size=40 + seed, p=[0.1, 0.1, 0.2, 0.3, 0.3])
    b = rng.choice([1, 2, 3, 4, 5], size=55, p=[0.05, 0.1, 0.15, 0.35, 0.35])
    for ours, theirs in (("two-sided", "two-sided"), ("larger", "less"), ("smaller", "greater")):
        r = stats.compare_ordinal(a, b, alternative=ours)
        # scipy's alternatives are about its first sample, ours about group 2
        expected = sps.brunnermunzel(a, b, alternative=theirs)
        assert r.extra["statistic"] == pytest.approx(expected.statistic, rel=1e-10)
        assert r.pvalue == pytest.approx(expected.pvalue, rel=1e-9)


def test_estimate_is_the_probability_of_superiority_by_enumeration():
    a, b = [1, 2, 2, 3, 5], [2, 3, 4, 4, 5, 5]
    pairs = [(x, y) for x in a for y in b]
    expected = sum((y > x) + 0.5 * (y == x) for x, y in pairs) / len(pairs)
    assert stats.compare_ordinal(a, b).estimate == pytest.approx(expected, abs=1e-12)


def test_top_two_box_is_a_proportion_comparison():
    before = {1: 12, 2: 18, 3: 40, 4: 80, 5: 50}
    after = {1: 6, 2: 12, 3: 30, 4: 90, 5: 62}
    r = stats.compare_ordinal(before, after)
    top2 = stats.compare_proportions(130, 200, 152, 200)
    assert r.extra["top2_difference"] == pytest.approx(top2.estimate, abs=1e-15)
    assert r.extra["top2_ci_low"] == pytest.approx(top2.ci_low, abs=1e-15)
    assert r.extra["top2_pvalue"] == pytest.approx(top2.pvalue, abs=1e-15)
    assert r.extra["top2_box"].summary() == top2.summary()
    assert (r.value1, r.value2) == pytest.approx((738 / 200, 790 / 200))


def test_other_scales_use_their_own_levels():
    r = stats.compare_ordinal([1, 2, 7, 6, 5, 7], [7, 7, 6, 5, 6, 7], levels=range(1, 8))
    assert r.extra["counts1"][7] == 2 and r.n1 == 6


def test_degenerate_groups_are_reported_not_hidden():
    same = stats.compare_ordinal([5] * 12, [5] * 15)
    assert same.estimate == 0.5 and same.pvalue == 1.0
    apart = stats.compare_ordinal([1] * 12, [5] * 15)
    assert apart.estimate == 1.0 and np.isnan(apart.pvalue)
    assert any("variance is zero" in w for w in apart.warnings)
    assert any(
        "Fewer than 10" in w for w in stats.compare_ordinal([1, 2, 3], [2, 3, 4, 5]).warnings
    )


def test_scores_outside_the_levels_are_an_error():
    with pytest.raises(ValueError, match="outside the levels"):
        stats.compare_ordinal([1, 2, 6], [1, 2, 3])
    with pytest.raises(ValueError, match="levels"):
        stats.compare_ordinal([1, 2], [1, 2], levels=(3, 2, 1))
    with pytest.raises(ValueError, match="counts given"):
        stats.compare_ordinal([1, 2, 3], [1, 2, 3, 4, 5], counts=True)


def test_a_filtered_column_of_scores_is_not_mistaken_for_counts():
    # index 1..5 after filtering looks like levels, but the values are scores
    scores = pd.Series([5, 4, 4, 2, 5], index=[1, 2, 3, 4, 5])
    r = stats.compare_ordinal(scores, [3, 4, 5, 5, 5])
    assert r.n1 == 5 and r.extra["input1"] == "scores"
    counted = stats.compare_ordinal(scores.value_counts(), [3, 4, 5, 5, 5])
    assert counted.extra["input1"] == "counts" and counted.extra["input2"] == "scores"
    assert counted.estimate == pytest.approx(r.estimate)
