import numpy as np
import pandas as pd
import pytest

from svcinsight import goals

PERIODS = pd.period_range("2026-05", "2026-10", freq="M")


def rate_frame(values, denominator=5000, **extra):
    num = [round(v * denominator) for v in values]
    return pd.DataFrame({"period": PERIODS, "metric": "fcr_rate", "value": [n / denominator for n in num],
                         "numerator": num, "denominator": denominator, "n": denominator, **extra})


GOAL = {"metric": "fcr_rate", "baseline": 0.70, "target": 0.85, "start": "2026-05", "deadline": "2027-03-31"}
# path value at the end of October: 0.70 + 0.15 * (184 days / 334 days) = 0.7826


def test_status_follows_the_interval_against_the_path():
    on = goals.track(rate_frame([0.70, 0.72, 0.74, 0.76, 0.78, 0.80]), [GOAL]).iloc[0]
    assert on["status"] == "on track" and on["ci_low"] > on["expected"]
    assert on["expected"] == pytest.approx(0.70 + 0.15 * 184 / 334, abs=1e-4)
    # 0.785 with n = 5000: Wilson interval about +-0.011 straddles 0.7826
    risk = goals.track(rate_frame([0.70, 0.72, 0.74, 0.76, 0.78, 0.785]), [GOAL]).iloc[0]
    assert risk["status"] == "at risk" and risk["ci_low"] < risk["expected"] < risk["ci_high"]
    off = goals.track(rate_frame([0.70, 0.70, 0.71, 0.70, 0.71, 0.72]), [GOAL]).iloc[0]
    assert off["status"] == "off track" and off["ci_high"] < off["expected"]
    assert off["progress"] == pytest.approx(0.02 / 0.15, abs=1e-3)


def test_projected_date_from_the_trend_and_none_when_moving_away():
    on = goals.track(rate_frame([0.70, 0.72, 0.74, 0.76, 0.78, 0.80]), [GOAL]).iloc[0]
    # +0.02 a month from 0.80 in October: 0.85 is crossed during January 2027
    assert on["projected_date"] == pd.Timestamp("2027-01-31")
    worse = goals.track(rate_frame([0.80, 0.79, 0.78, 0.77, 0.76, 0.75]), [GOAL]).iloc[0]
    assert pd.isna(worse["projected_date"])


def test_lower_is_better_metric_with_bootstrap_interval(rng):
    frame = pd.DataFrame({"period": PERIODS, "metric": "frt_median_h",
                          "value": [4.0, 3.5, 3.0, 2.5, 2.0, 1.5], "numerator": np.nan,
                          "denominator": np.nan, "n": 400})
    values = pd.Series(rng.lognormal(np.log(1.5), 0.5, 400))
    goal = {"metric": "frt_median_h", "baseline": 4.0, "target": 1.0, "start": "2026-05",
            "deadline": "2027-01-31", "name": "FRT 4 h -> 1 h"}
    row = goals.track(frame, [goal], values={"FRT 4 h -> 1 h": values}).iloc[0]
    assert row["interval"] == "bootstrap"
    assert row["ci_low"] < np.median(values) < row["ci_high"]
    # path at end of October: 4 - 3 * (184 / 275) = 1.99; the interval around ~1.5 is below: on track
    assert row["status"] == "on track"
    assert not row["target_met"]


def test_segments_must_be_named_when_the_frame_is_grouped():
    frame = pd.concat([rate_frame([0.7] * 6, channel="chat"), rate_frame([0.8] * 6, channel="phone")])
    with pytest.raises(ValueError, match="grouped by"):
        goals.track(frame, [GOAL])
    row = goals.track(frame, [{**GOAL, "segment": {"channel": "phone"}}]).iloc[0]
    assert row["current"] == pytest.approx(0.8)
    with pytest.raises(ValueError, match="not in the metrics frame"):
        goals.track(frame, [{**GOAL, "segment": {"team": "a"}}])


def test_bad_goal_definitions_are_named():
    with pytest.raises(ValueError, match="unknown key"):
        goals.Goal.from_dict({**GOAL, "targte": 1})
    with pytest.raises(KeyError, match="unknown metric"):
        goals.Goal.from_dict({**GOAL, "metric": "fcr"})
    with pytest.raises(ValueError, match="missing"):
        goals.Goal.from_dict({"metric": "fcr_rate"})


def test_goal_without_data():
    frame = rate_frame([0.7] * 6).assign(n=0)
    assert goals.track(frame, [GOAL]).iloc[0]["status"] == "no data"
