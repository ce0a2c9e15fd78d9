import math

import pytest

from svcinsight import stats
from svcinsight.stats import display
from svcinsight.stats.result import Comparison


def comparison(**changes):
    fields = {
        "metric_kind": "proportion",
        "method": "Newcombe hybrid score interval; score test",
        "effect_kind": "difference",
        "estimate": 0.059,
        "ci_low": 0.031,
        "ci_high": 0.087,
        "pvalue": 0.0002,
        "alpha": 0.05,
        "value1": 0.782,
        "value2": 0.841,
        "n1": 2000,
        "n2": 2000,
        "unit": "%",
        "metric_label": "FCR",
    }
    return Comparison(**{**fields, **changes})


def test_the_design_example_sentence_in_both_languages():
    r = comparison()
    assert r.summary() == (
        "FCR rose from 78.2% to 84.1% (+5.9 pts, 95% CI +3.1 to +8.7); p < 0.001, "
        "significant at the 5% level."
    )
    assert r.summary(language="zh", label="首次解决率") == (
        "首次解决率从78.2%升至84.1%（+5.9个百分点，95%置信区间 +3.1 至 +8.7）；p < 0.001，在5%水平上显著。"
    )


def test_a_fall_that_is_not_significant():
    r = comparison(estimate=-0.021, ci_low=-0.048, ci_high=0.006, pvalue=0.0421 * 3, value2=0.761)
    assert r.summary() == (
        "FCR fell from 78.2% to 76.1% (-2.1 pts, 95% CI -4.8 to +0.6); p = 0.126, "
        "not significant at the 5% level."
    )
    assert r.summary("zh", label="首次解决率").endswith(
        "降至76.1%（-2.1个百分点，95%置信区间 -4.8 至 +0.6）；p = 0.126，在5%水平上不显著。"
    )


def test_no_change():
    r = stats.compare_proportions(30, 100, 30, 100, label="Reopen rate")
    assert r.summary().startswith(
        "Reopen rate did not change (30.0% vs 30.0%; 0.0 pts, 95% CI -12.6 to +12.6)"
    )
    assert r.summary().endswith("p > 0.999, not significant at the 5% level.")
    assert r.summary("zh", label="重开率").startswith("重开率没有变化（30.0%与30.0%；")


def test_p_values_are_formatted_as_reports_write_them():
    assert comparison(pvalue=0.042).summary().endswith("p = 0.042, significant at the 5% level.")
    assert display.format_pvalue(0.0004) == "p < 0.001"
    assert display.format_pvalue(0.0496, alpha=0.05) == "p = 0.0496"  # not "0.050 ... significant"
    assert display.format_pvalue(0.05, alpha=0.05) == "p = 0.050"
    assert display.format_pvalue(float("nan")) == "p = NA"


def test_ratio_probability_and_unit_sentences():
    durations = stats.compare_durations(
        [4.1, 2.5, 7.8, 3.3, 12.0], [2.2, 3.1, 1.4, 4.9, 2.8], label="First response time"
    )
    assert durations.summary().startswith(
        "First response time fell from 5.01 h to 2.65 h (geometric means; -47.1%, 95% CI"
    )
    assert "小时" in durations.summary("zh") and "几何均值" in durations.summary("zh")
    csat = stats.compare_ordinal([3, 4, 4, 5, 2, 4], [4, 5, 5, 4, 5, 3], label="CSAT")
    assert "(mean scores; probability of superiority 0.694, 95% CI" in csat.summary()  # 25/36
    assert "优势概率 0.694" in csat.summary("zh")
    one_sided = stats.compare_means([1, 2, 3, 4], [3, 4, 5, 6], alternative="larger", unit="min")
    assert "one-sided 95% CI ≥ +" in one_sided.summary()
    assert "单侧95%置信区间 ≥ +" in one_sided.summary("zh")


def test_default_labels_follow_the_language():
    r = stats.compare_nps([10, 9, 6, 8] * 10, [10, 10, 9, 7] * 10)
    assert r.summary().startswith("NPS rose from ")
    assert r.summary("zh").startswith("净推荐值从")
    assert stats.compare_rates(20, 1000, 30, 1000).summary().startswith("The rate rose")
    with pytest.raises(ValueError, match="language"):
        r.summary(language="fr")


def test_html_is_escaped_and_readable():
    r = comparison(metric_label="<script>alert(1)</script>", warnings=("a < b & c",))
    page = r._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "a &lt; b &amp; c" in page
    assert "<table" in page and "Group 1" in page and "84.1%" in page and "&lt; 0.001" in page
    assert "组1" in r.to_html(language="zh")


def test_to_frame_and_str():
    r = stats.compare_proportions(40, 100, 55, 100, label="FCR")
    frame = r.to_frame()
    assert frame.shape[0] == 1
    for column in (
        "metric",
        "estimate",
        "ci_low",
        "ci_high",
        "pvalue",
        "n1",
        "n2",
        "method",
        "alpha",
        "value1",
        "value2",
        "risk_ratio",
    ):
        assert column in frame.columns
    assert frame.loc[0, "estimate"] == r.estimate  # unrounded
    assert str(r).startswith("FCR rose from 40.0% to 55.0%")
    assert "Method: Newcombe" in str(r)


def test_results_are_frozen_and_keep_full_precision():
    r = stats.compare_proportions(1, 3, 2, 3)
    assert r.estimate == pytest.approx(1 / 3, abs=1e-16)
    with pytest.raises(AttributeError):
        r.estimate = 0.5
    with pytest.raises(TypeError):
        r.extra["risk_ratio"] = 3
    assert r.to_dict()["extra"]["x1"] == 1


def test_invalid_records_are_refused():
    with pytest.raises(ValueError):
        comparison(effect_kind="odds")
    with pytest.raises(ValueError):
        comparison(alternative="up")


@pytest.mark.parametrize(
    "value, kwargs, expected",
    [
        (4.21387, {}, "4.21"),
        (0.5, {}, "0.5"),
        (1234.56, {}, "1,235"),
        (0.000456, {}, "0.000456"),
        (5.9, {"decimals": 1, "signed": True}, "+5.9"),
        (-0.0004, {"decimals": 1}, "-0.0004"),
        (-0.04, {"decimals": 1, "signed": True}, "-0.04"),
        (0.0, {"decimals": 1, "signed": True}, "0.0"),
        (math.inf, {"signed": True}, "+∞"),
        (float("nan"), {}, "NA"),
    ],
)
def test_number_formatter(value, kwargs, expected):
    assert display.format_number(value, **kwargs) == expected
