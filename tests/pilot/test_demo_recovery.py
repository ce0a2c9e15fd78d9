"""The documented demo pilot (smart routing in e-commerce from 2026-06-01: first
response x0.70, FCR +5 pts) is recovered, and control units treated as if they had run
it show nothing."""

import math

import pytest

import svcinsight as si

PILOT = si.demo.PILOT
START = PILOT.start.isoformat()
CONTROLS = ["finance", "manufacturing", "consumer_services"]


def test_first_response_ratio_recovered_on_the_log_scale(demo):
    r = si.pilot.diff_in_diff(demo.tickets, metric="frt_median_h", treated=PILOT.unit, pilot_start=START)
    assert r.effect_kind == "ratio" and r.estimate < 1 and r.significant
    assert r.ci_low <= PILOT.first_response_ratio <= r.ci_high, (r.estimate, r.ci_low, r.ci_high)
    assert r.extra["clusters"] > 100 and "CR1" in r.method
    # comparing like with like (channel and category within unit) brings it closer still
    adjusted = si.pilot.diff_in_diff(demo.tickets, metric="frt_median_h", treated=PILOT.unit,
                                     pilot_start=START, adjust_for=["channel", "category"])
    assert adjusted.ci_low <= PILOT.first_response_ratio <= adjusted.ci_high
    assert abs(math.log(adjusted.estimate / 0.7)) < abs(math.log(r.estimate / 0.7))


def test_fcr_rise_recovered(demo):
    r = si.pilot.diff_in_diff(demo.tickets, metric="fcr_rate", treated=PILOT.unit, pilot_start=START)
    assert r.estimate > 0 and r.significant
    assert r.ci_low <= PILOT.fcr_change <= r.ci_high, (r.estimate, r.ci_low, r.ci_high)


def test_csat_rises_with_the_pilot(demo):
    r = si.pilot.diff_in_diff(demo.tickets, metric="csat_mean", treated=PILOT.unit, pilot_start=START,
                              feedback=demo.feedback)
    assert r.estimate > 0 and r.significant


@pytest.mark.parametrize("unit", CONTROLS)
@pytest.mark.parametrize("metric", ["frt_median_h", "fcr_rate"])
def test_a_control_unit_as_placebo_shows_no_effect(demo, unit, metric):
    others = demo.tickets[demo.tickets["business_unit"] != PILOT.unit]
    r = si.pilot.diff_in_diff(others, metric=metric, treated=unit, pilot_start=START)
    assert not r.significant, r.summary()
    assert r.ci_low <= r.null_value <= r.ci_high


def test_before_after_in_ecommerce_shows_the_faster_first_response(demo):
    r = si.pilot.before_after(demo.tickets, metric="frt_median_h", pilot_start=START, unit=PILOT.unit)
    assert r.effect_kind == "ratio" and r.significant and r.ci_high < 1
    assert r.windows.pre.weeks == r.windows.post.weeks == 21
