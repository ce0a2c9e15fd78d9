import math

import pytest

import svcinsight as si
from svcinsight.pilot import DesignWarning, PilotResult


def make(**changes):
    fields = {"design": "before_after", "metric": "fcr_rate", "metric_kind": "proportion", "method": "score test",
                  "effect_kind": "difference", "estimate": 0.05, "ci_low": 0.02, "ci_high": 0.08, "pvalue": 0.001,
                  "alpha": 0.05, "value1": 0.78, "value2": 0.83, "n1": 900, "n2": 950, "unit": "%",
                  "metric_label": "First contact resolution", "label_zh": "首次解决率", "direction": "higher"}
    fields.update(changes)
    return PilotResult(**fields)


def test_is_a_comparison_with_design_fields():
    r = make()
    assert isinstance(r, si.stats.Comparison)
    row = r.to_frame().iloc[0]
    assert (row["design"], row["metric_id"], row["estimate"]) == ("before_after", "fcr_rate", 0.05)
    assert math.isnan(row["pvalue_adjusted"]) and r.improved() is True
    assert make(estimate=-0.05, ci_low=-0.08, ci_high=-0.02).improved() is False
    assert make(pvalue=0.3).improved() is None
    with pytest.raises(ValueError, match="design must be one of"):
        make(design="rct")


def test_adjusted_p_value_drives_significance_and_the_sentence():
    r = make(pvalue=0.02).adjusted(0.06, "holm", 3)
    assert not r.significant and r.improved() is None
    assert "Holm-adjusted p = 0.060 (3 metrics), not significant" in r.summary()
    assert "Holm校正后 p = 0.060（3个指标），在5%水平上不显著" in r.summary("zh")


def test_warnings_in_both_languages_and_escaped_html():
    r = make().with_warnings([DesignWarning("skew", "Skewed <values>.", "偏度过大。")])
    assert r.warnings == ("Skewed <values>.",) and r.warnings_text("zh") == ["偏度过大。"]
    assert "Skewed &lt;values&gt;." in r._repr_html_()
    zh = r.to_html("zh")
    assert "偏度过大。" in zh and "Skewed" not in zh and zh.endswith("</ul></div>")
