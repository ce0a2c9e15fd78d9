"""Interrupted time series: level change recovered against weekday rhythm and a trend."""

import numpy as np
import pandas as pd
import pytest
from synthetic import TZ, arrivals, tickets

import svcinsight as si

START = "2026-06-01"


def daily(rng, *, level=0.0, trend_per_week=0.0, ratio=1.0):
    created = arrivals(rng, "2026-03-09", 168, 80)
    weeks = ((created - pd.Timestamp(START, tz=TZ)) / pd.Timedelta(days=7)).to_numpy()
    after = weeks >= 0
    weekend = created.day_of_week >= 5
    p = 0.75 - 0.06 * weekend + trend_per_week * weeks + level * after
    fcr = rng.random(len(created)) < p
    frt = np.exp(np.log(2.0) + 0.3 * weekend + rng.normal(0, 0.7, len(created))) * np.where(after, ratio, 1.0)
    frt *= np.exp(trend_per_week * weeks)
    return tickets(created, fcr=fcr, frt_hours=frt)


def test_level_change_recovered_despite_weekday_rhythm(rng):
    r = si.pilot.interrupted_time_series(daily(rng, level=0.08), metric="fcr_rate", pilot_start=START)
    assert r.design == "its" and r.effect_kind == "difference"
    assert r.ci_low < 0.08 < r.ci_high and r.significant
    assert r.extra["slope_change_ci_low"] < 0 < r.extra["slope_change_ci_high"]
    assert r.extra["periods_pre"] == r.extra["periods_post"] == 84
    coefficients = r.tables["coefficients"]
    assert coefficients.loc["weekday_6", "coef"] < -0.03  # Sundays resolve fewer at first contact
    assert "level change" in r.summary() and "水平变化" in r.summary("zh")
    assert "Newey-West" in r.method


def test_duration_level_change_is_a_ratio_against_the_trend(rng):
    frame = daily(rng, trend_per_week=0.01, ratio=0.7)
    r = si.pilot.interrupted_time_series(frame, metric="frt_median_h", pilot_start=START)
    # within three standard errors (from the interval) of the true ratio, on the log scale
    se = np.log(r.ci_high / r.ci_low) / (2 * 1.97)
    assert r.effect_kind == "ratio" and abs(np.log(r.estimate / 0.7)) < 3 * se
    assert [w.check for w in r.design_warnings].count("pre_trend") == 1
    weekly = si.pilot.interrupted_time_series(frame, metric="frt_median_h", pilot_start=START, freq="W")
    se = np.log(weekly.ci_high / weekly.ci_low) / (2 * 2.09)
    assert weekly.extra["periods_pre"] == 12 and abs(np.log(weekly.estimate / 0.7)) < 3 * se


def test_no_change_no_trend_is_quiet(rng):
    r = si.pilot.interrupted_time_series(daily(rng), metric="fcr_rate", pilot_start=START)
    assert not r.significant and not [w for w in r.design_warnings if w.check == "pre_trend"]
    with pytest.raises(ValueError, match="'D' or 'W'"):
        si.pilot.interrupted_time_series(daily(rng), metric="fcr_rate", pilot_start=START, freq="M")
