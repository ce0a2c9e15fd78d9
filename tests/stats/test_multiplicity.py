import numpy as np
import pandas as pd
import pytest

from svcinsight import stats


def test_benjamini_hochberg_1995_example(reference):
    # BH (1995) section 4.2: FDR rejects 4 of 15 at 0.05, Bonferroni-type procedures 3.
    ref = reference("multiplicity")["bh1995"]
    p = ref["pvalues"]
    assert (stats.adjust_pvalues(p, method="fdr_bh") <= 0.05).sum() == ref["rejected_fdr_bh"]
    assert (stats.adjust_pvalues(p) <= 0.05).sum() == ref["rejected_holm"]
    assert (stats.adjust_pvalues(p, method="hochberg") <= 0.05).sum() == ref["rejected_hochberg"]


def test_holm_and_bh_equal_r_p_adjust(reference):
    # R: p.adjust(c(0.50, 0.003, 0.32, 0.054, 0.0003), "holm") and "BH"
    ref = reference("multiplicity")["p_adjust"]
    np.testing.assert_allclose(stats.adjust_pvalues(ref["pvalues"]), ref["holm"], rtol=1e-12)
    np.testing.assert_allclose(
        stats.adjust_pvalues(ref["pvalues"], method="BH"), ref["bh"], rtol=1e-12
    )


def test_containers_keep_their_shape():
    series = pd.Series([0.01, 0.04], index=["fcr", "csat"], name="p")
    adjusted = stats.adjust_pvalues(series)
    assert list(adjusted.index) == ["fcr", "csat"] and adjusted.name == "p"
    assert stats.adjust_pvalues({"a": 0.01, "b": 0.04}) == {"a": 0.02, "b": 0.04}
    assert isinstance(stats.adjust_pvalues([0.01, 0.04]), np.ndarray)


def test_missing_p_values_stay_missing_and_do_not_count():
    adjusted = stats.adjust_pvalues([0.01, np.nan, 0.04])
    assert np.isnan(adjusted[1])
    np.testing.assert_allclose(adjusted[[0, 2]], [0.02, 0.04])


def test_bad_input_is_rejected():
    with pytest.raises(ValueError, match="method"):
        stats.adjust_pvalues([0.1], method="tukey")
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        stats.adjust_pvalues([0.1, 1.2])


def test_holm_equals_statsmodels_to_the_last_bit():
    """Holm is computed in svcinsight (statsmodels' Holm runs gc.collect per call): the
    same numbers as multipletests on random p-values with ties, zeros and ones."""
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(3)
    for size in (1, 2, 5, 40, 300):
        for _ in range(20):
            p = rng.choice(np.r_[rng.random(size), [0.0, 1.0, 0.01, 0.01]], size)
            ours = stats.adjust_pvalues(p, method="holm")
            np.testing.assert_array_equal(ours, multipletests(p, method="holm")[1])
