import math

import numpy as np
import pytest
from scipy.stats import chi2_contingency

from svcinsight import stats


def test_newcombe_interval_matches_newcombe_1998_table_ii(reference):
    # R: DescTools::BinomDiffCI(k1, n1, k2, n2, method = "score"); published to 4 dp.
    for row in reference("proportions")["newcombe_table2"]:
        # The paper reports k1/n1 - k2/n2, i.e. its first sample is our group 2.
        r = stats.compare_proportions(row["k2"], row["n2"], row["k1"], row["n1"])
        assert r.estimate == pytest.approx(row["k1"] / row["n1"] - row["k2"] / row["n2"], abs=1e-12)
        assert r.ci_low == pytest.approx(row["lower"], abs=6e-5), row["case"]
        assert r.ci_high == pytest.approx(row["upper"], abs=6e-5), row["case"]


def test_koopman_risk_ratio_matches_fagerland_2015(reference):
    # R: PropCIs::riskscoreci(7, 34, 1, 34, conf.level = 0.95); published as 1.21 to 43.
    ref = reference("proportions")["koopman_ratio"]
    r = stats.compare_proportions(ref["k2"], ref["n2"], ref["k1"], ref["n1"])
    assert r.extra["risk_ratio"] == pytest.approx(ref["ratio"], rel=1e-12)
    assert r.extra["risk_ratio_method"] == "Koopman score"
    # The table prints 1.21 where statsmodels' Koopman root gives 1.2209 (0.9% apart;
    # statsmodels' own test of this example allows 1%), so 1% it is.
    assert r.extra["risk_ratio_ci_low"] == pytest.approx(ref["lower"], rel=0.01)
    assert r.extra["risk_ratio_ci_high"] == pytest.approx(ref["upper"], rel=0.01)


def test_score_test_is_uncorrected_pearson_chi_square():
    # Independent implementation: scipy's chi-square test of the 2x2 table without Yates'
    # correction; R: prop.test(c(48, 56), c(80, 70), correct = FALSE).
    r = stats.compare_proportions(48, 80, 56, 70)
    chi2, p, _, _ = chi2_contingency([[48, 32], [56, 14]], correction=False)
    assert r.pvalue == pytest.approx(p, rel=1e-10)
    assert r.extra["statistic"] == pytest.approx(math.sqrt(chi2), rel=1e-10)
    assert r.extra["statistic"] > 0  # group 2 is higher
    assert r.extra["test"] == "score"


def test_fisher_exact_matches_r_tea_tasting(reference):
    # R: fisher.test(matrix(c(3, 1, 1, 3), 2), alternative = "greater") -> 0.2429
    ref = reference("proportions")["tea_tasting"]
    args = (
        ref["wrong_guesses_tea_first"],
        ref["cups_tea_first"],
        ref["right_guesses_milk_first"],
        ref["cups_milk_first"],
    )
    greater = stats.compare_proportions(*args, alternative="larger", method="fisher")
    assert greater.pvalue == pytest.approx(ref["p_greater"], abs=5e-5)
    two_sided = stats.compare_proportions(*args, method="fisher")
    assert two_sided.pvalue == pytest.approx(ref["p_two_sided_exact"], rel=1e-10)


def test_small_counts_switch_to_fisher_and_say_so():
    r = stats.compare_proportions(1, 4, 3, 4)
    assert r.extra["test"] == "fisher"
    assert "Fisher's exact test" in r.method
    assert any("expected count" in w for w in r.warnings)
    # the rule is "smallest expected count below 5": 20/40 vs 26/40 has all >= 5
    assert stats.compare_proportions(20, 40, 26, 40).extra["test"] == "score"
    assert stats.compare_proportions(20, 40, 26, 40).warnings == ()


def test_boschloo_only_when_asked_and_more_powerful_than_fisher():
    fisher = stats.compare_proportions(2, 10, 8, 10, method="fisher")
    boschloo = stats.compare_proportions(2, 10, 8, 10, method="boschloo")
    assert "Boschloo" in boschloo.method
    assert boschloo.pvalue <= fisher.pvalue


def test_one_sided_interval_opens_the_unbounded_side():
    two = stats.compare_proportions(40, 100, 55, 100, alpha=0.1)
    one = stats.compare_proportions(40, 100, 55, 100, alternative="larger")
    # the one-sided 95% lower limit is the two-sided 90% one
    assert one.ci_low == pytest.approx(two.ci_low, rel=1e-12)
    assert one.ci_high == 1.0
    assert one.pvalue == pytest.approx(two.pvalue / 2, rel=1e-10)
    smaller = stats.compare_proportions(40, 100, 55, 100, alternative="smaller")
    assert smaller.ci_low == -1.0 and smaller.pvalue > 0.5


def test_edge_counts_give_defined_results():
    none = stats.compare_proportions(0, 50, 0, 60)
    assert none.estimate == 0 and none.pvalue == 1.0
    assert math.isnan(none.extra["risk_ratio"])
    everything = stats.compare_proportions(50, 50, 60, 60, method="score")
    assert everything.pvalue == 1.0
    assert everything.extra["risk_ratio"] == 1.0 and everything.extra[
        "risk_ratio_method"
    ].startswith("log")
    from_zero = stats.compare_proportions(0, 30, 5, 30)
    assert from_zero.extra["risk_ratio"] == math.inf


@pytest.mark.parametrize(
    "args, error",
    [
        ((5, 0, 1, 10), ValueError),
        ((11, 10, 1, 10), ValueError),
        ((1.5, 10, 1, 10), ValueError),
        ((-1, 10, 1, 10), ValueError),
        ((True, 10, 1, 10), TypeError),
    ],
)
def test_bad_counts_are_rejected(args, error):
    with pytest.raises(error):
        stats.compare_proportions(*args)


def test_bad_options_are_rejected():
    with pytest.raises(ValueError, match="method"):
        stats.compare_proportions(1, 10, 2, 10, method="wald")
    with pytest.raises(ValueError, match="alternative"):
        stats.compare_proportions(1, 10, 2, 10, alternative="up")


def test_numpy_integers_are_accepted():
    r = stats.compare_proportions(np.int64(40), np.int64(100), np.int32(55), 100)
    assert r.n1 == 100 and isinstance(r.n1, int)
