"""The documented pilot is visible in the pilot unit and absent in the controls."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import svcinsight as si

PILOT = si.demo.PILOT
CONTROLS = [unit for unit in si.demo.UNITS if unit != PILOT.unit]


def test_pilot_is_documented():
    assert PILOT.unit in si.demo.UNITS
    assert pd.Timestamp("2025-09-01").date() < PILOT.start < pd.Timestamp("2026-11-01").date()
    assert PILOT.first_response_ratio == pytest.approx(0.7)
    assert PILOT.fcr_change == pytest.approx(0.05)
    assert 0 < PILOT.csat_shift < 0.5
    assert PILOT.name in si.demo.__doc__ and "0.70" in si.demo.__doc__


def _ratio(frame: pd.DataFrame, value: str, how) -> pd.Series:
    """After / before the pilot start, per unit."""
    grouped = frame.groupby(["business_unit", "after_pilot"])[value].agg(how).unstack()
    return grouped[True] / grouped[False]


def test_first_response_falls_in_the_pilot_unit_only(tickets_hours):
    t = tickets_hours.dropna(subset=["frt_hours"])
    medians = _ratio(t, "frt_hours", "median")
    assert medians[PILOT.unit] < 0.9
    assert medians[CONTROLS].between(0.9, 1.2).all(), medians
    # Within a channel the mix cannot move the median: the 0.7 shows through.
    grouped = t.groupby(["business_unit", "channel", "after_pilot"])["frt_hours"]
    by_channel = grouped.median().unstack()
    after = grouped.size().unstack()[True]
    channel_ratio = by_channel[True] / by_channel[False]
    assert (channel_ratio.loc[PILOT.unit][after.loc[PILOT.unit] >= 300] < 0.85).all()
    # Medians of a few hundred lognormal times vary by +-15%: judge the busy channels.
    busy = channel_ratio.loc[CONTROLS][after.loc[CONTROLS] >= 1000]
    assert len(busy) >= 4 and busy.between(0.85, 1.2).all(), busy


def test_first_response_difference_in_differences(tickets_hours):
    t = tickets_hours.dropna(subset=["frt_hours"]).assign(
        log_frt=lambda d: np.log(d["frt_hours"].clip(lower=1 / 3600))
    )
    change = t.groupby(["business_unit", "after_pilot"])["log_frt"].mean().unstack()
    change = change[True] - change[False]
    did = np.exp(change[PILOT.unit] - change[CONTROLS].mean())
    assert 0.6 < did < 0.85


def test_fcr_rises_by_about_five_points(tickets_hours):
    resolved = tickets_hours[tickets_hours["resolved_at"].notna()].assign(
        fcr=lambda d: ((d["contacts"] == 1) & (d["reopened"] == 0)).astype(float)
    )
    rates = resolved.groupby(["business_unit", "after_pilot"])["fcr"].mean().unstack()
    change = rates[True] - rates[False]
    assert 0.03 < change[PILOT.unit] - change[CONTROLS].mean() < 0.08
    assert change[CONTROLS].abs().max() < 0.02


def test_csat_lift_is_smaller_and_confined_to_the_pilot(ds, tickets_hours):
    s = ds.feedback.merge(tickets_hours[["ticket_id", "after_pilot"]], on="ticket_id")
    s["csat"] = s["csat"].astype(float)
    means = s.groupby(["business_unit", "after_pilot"])["csat"].mean().unstack()
    change = means[True] - means[False]
    lift = change[PILOT.unit] - change[CONTROLS].mean()
    assert 0.05 < lift < 0.4
    assert change[CONTROLS].abs().max() < 0.08


def test_survey_response_rate_does_not_move(ds, tickets_hours):
    resolved = tickets_hours[tickets_hours["resolved_at"].notna()]
    answered = resolved["ticket_id"].isin(ds.feedback["ticket_id"].dropna())
    rate = answered.groupby([resolved["business_unit"], resolved["after_pilot"]]).mean().unstack()
    assert (rate[True] - rate[False]).abs().max() < 0.03
