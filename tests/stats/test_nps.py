import numpy as np
import pytest

from svcinsight import stats


def test_nps_matches_the_hand_worked_example(reference):
    ref = reference("nps")["worked"]
    counts1 = {int(k): v for k, v in ref["counts1"].items()}
    counts2 = {int(k): v for k, v in ref["counts2"].items()}
    r = stats.compare_nps(counts1, counts2)
    assert (r.value1, r.value2) == pytest.approx((ref["nps1"], ref["nps2"]), abs=1e-12)
    assert r.estimate == pytest.approx(ref["nps2"] - ref["nps1"], abs=1e-12)
    assert r.extra["se"] == pytest.approx(ref["se"], rel=1e-12)
    assert r.ci_low == pytest.approx(ref["ci"][0], abs=5e-8)
    assert r.ci_high == pytest.approx(ref["ci"][1], abs=5e-8)


def test_variance_equals_that_of_the_mean_of_plus_minus_one_scores():
    # Independent route: NPS/100 is the mean of +1/0/-1 scores; its variance is the
    # population variance of those scores over n.
    rng = np.random.default_rng(11)
    a = rng.integers(0, 11, size=300)
    b = rng.integers(3, 11, size=250)

    def score(x):
        return np.where(x >= 9, 1, np.where(x >= 7, 0, -1))

    r = stats.compare_nps(a, b)
    se = 100 * np.sqrt(score(a).var() / len(a) + score(b).var() / len(b))
    assert r.extra["se"] == pytest.approx(se, rel=1e-12)
    assert r.estimate == pytest.approx(100 * (score(b).mean() - score(a).mean()), abs=1e-9)


def test_raw_answers_and_counts_agree():
    rng = np.random.default_rng(2)
    a, b = rng.integers(0, 11, size=120), rng.integers(0, 11, size=90)
    raw = stats.compare_nps(a, b)
    counted = stats.compare_nps(
        np.bincount(a, minlength=11), np.bincount(b, minlength=11), counts=True
    )
    assert counted.estimate == pytest.approx(raw.estimate) and counted.pvalue == pytest.approx(
        raw.pvalue
    )


def test_answers_outside_0_10_are_rejected():
    with pytest.raises(ValueError, match="outside"):
        stats.compare_nps([0, 5, 11], [9, 10])
    with pytest.raises(ValueError, match="outside"):
        stats.compare_nps([0, 5, 9.5], [9, 10])


def test_all_promoters_in_both_groups_is_no_difference():
    r = stats.compare_nps([9, 10] * 20, [10] * 40)
    assert r.estimate == 0 and r.pvalue == 1.0
