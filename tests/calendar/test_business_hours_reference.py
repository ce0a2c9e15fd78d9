"""``hours_between`` against the row-by-row reference on thousands of random intervals.

Intervals cross nights, weekends, China's 2025-2026 public holidays and make-up working
days (National Day 2025 with make-up 2025-09-28 and 2025-10-11, Spring Festival 2026
with make-up 2026-02-14 and 2026-02-28, the New Year), the user's own dated exceptions,
and New York's clock changes of 2025-03-09 and 2025-11-02. Equal to within 1e-9 hours.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from calendar_reference import ReferenceCalendar, hours_many, random_intervals

from svcinsight.calendar import BusinessCalendar

TOLERANCE_HOURS = 1e-9

CN_HOURS = {"mon-fri": [("09:00", "12:00"), ("13:30", "18:00")], "sat": [("10:00", "16:00")]}
CN_EXTRA_HOLIDAYS = ["2025-12-24", "2026-03-02"]  # a Wednesday, a Monday
# A Saturday inside Golden Week, a Sunday inside Spring Festival, and a Spring Festival
# Wednesday the team works anyway.
CN_EXTRA_WORKDAYS = ["2025-10-04", "2026-02-22", "2026-02-18"]
CN_FOCUS = [
    "2025-01-01", "2025-01-26", "2025-01-28", "2025-02-08", "2025-04-27", "2025-05-01",
    "2025-05-31", "2025-09-28", "2025-10-01", "2025-10-08", "2025-10-11", "2025-12-24",
    "2025-12-31", "2026-01-04", "2026-02-14", "2026-02-16", "2026-02-23", "2026-02-28",
    "2026-05-09", "2026-09-20", "2026-10-07", "2026-10-10",
]

NY_HOURS = {
    "mon-fri": [("09:00", "12:00"), ("13:00", "17:30")],
    # Sunday blocks run across both 2025 clock changes (02:00 local, both Sundays).
    "sun": [("00:00", "03:00"), ("20:00", "24:00")],
}
NY_FOCUS = ["2025-03-09", "2025-11-02", "2025-07-04", "2025-09-01", "2025-11-27", "2025-12-25"]


def _iso_dates(values):
    return tuple(dt.date.fromisoformat(v) for v in values)


def _as_input(utc_ns: np.ndarray, timezone: str, form: str) -> pd.Series:
    aware = pd.Series(pd.DatetimeIndex(utc_ns.view("M8[ns]")).tz_localize("UTC"))
    if form == "utc":
        return aware
    local = aware.dt.tz_convert(timezone)
    return local.dt.tz_localize(None) if form == "naive" else local


@pytest.fixture(scope="module")
def cn_case():
    rng = np.random.default_rng(20250928)
    start, end = random_intervals(
        rng, 5000, timezone="Asia/Shanghai", first_day="2025-01-01", last_day="2026-12-10",
        focus_days=CN_FOCUS,
        boundary_times=["00:00", "09:00", "10:00", "12:00", "13:30", "16:00", "18:00"],
    )
    reference = ReferenceCalendar(
        dict.fromkeys(range(5), CN_HOURS["mon-fri"]) | {5: CN_HOURS["sat"]},
        standard_weekday=CN_HOURS["mon-fri"],
        timezone="Asia/Shanghai",
        country="CN",
        years=range(2025, 2027),
        extra_holidays=_iso_dates(CN_EXTRA_HOLIDAYS),
        extra_workdays=_iso_dates(CN_EXTRA_WORKDAYS),
    )
    return start, end, np.array(hours_many(reference, start, end))


@pytest.mark.parametrize("form", ["local", "naive", "utc"])
def test_china_matches_reference(cn_case, form):
    start, end, expected = cn_case
    calendar = BusinessCalendar(
        CN_HOURS, holidays="CN", extra_holidays=CN_EXTRA_HOLIDAYS,
        extra_workdays=CN_EXTRA_WORKDAYS, timezone="Asia/Shanghai",
    )
    got = calendar.hours_between(_as_input(start, "Asia/Shanghai", form), _as_input(end, "Asia/Shanghai", form))
    np.testing.assert_allclose(got.to_numpy(), expected, rtol=0, atol=TOLERANCE_HOURS)


def test_china_sample_is_demanding(cn_case):
    """The random sample really reaches the cases it is meant to test."""
    start, end, expected = cn_case
    valid = ~np.isnan(expected)
    assert valid.sum() > 4500 and np.isnan(expected).sum() > 100
    assert (expected[valid] < 0).sum() > 100 and (expected[valid] == 0).sum() > 100
    low = pd.DatetimeIndex(np.minimum(start, end)[valid].view("M8[ns]")).tz_localize("UTC")
    high = pd.DatetimeIndex(np.maximum(start, end)[valid].view("M8[ns]")).tz_localize("UTC")
    for day in ["2025-09-28", "2025-10-01", "2025-10-11", "2026-02-14", "2026-02-17", "2026-02-28"]:
        midday = pd.Timestamp(f"{day} 12:00", tz="Asia/Shanghai")
        assert ((low < midday) & (high > midday)).sum() >= 15, day


@pytest.fixture(scope="module")
def ny_case():
    rng = np.random.default_rng(20251102)
    start, end = random_intervals(
        rng, 3000, timezone="America/New_York", first_day="2025-01-01", last_day="2025-12-15",
        focus_days=NY_FOCUS,
        boundary_times=["00:00", "03:00", "09:00", "12:00", "13:00", "17:30", "20:00"],
    )
    return start, end


@pytest.mark.parametrize("country", ["US", None])
def test_new_york_across_clock_changes_matches_reference(ny_case, country):
    start, end = ny_case
    reference = ReferenceCalendar(
        dict.fromkeys(range(5), NY_HOURS["mon-fri"]) | {6: NY_HOURS["sun"]},
        standard_weekday=NY_HOURS["mon-fri"],
        timezone="America/New_York",
        country=country,
        years=range(2025, 2027),
    )
    expected = np.array(hours_many(reference, start, end))
    calendar = BusinessCalendar(NY_HOURS, holidays=country, timezone="America/New_York")
    got = calendar.hours_between(_as_input(start, "America/New_York", "local"), _as_input(end, "America/New_York", "utc"))
    np.testing.assert_allclose(got.to_numpy(), expected, rtol=0, atol=TOLERANCE_HOURS)


def test_round_the_clock_in_new_york_is_real_elapsed_time(ny_case):
    """Blocks of 00:00-24:00 every day: 23 h and 25 h days, i.e. plain elapsed hours."""
    start, end = ny_case
    calendar = BusinessCalendar({"mon-sun": ["00:00-24:00"]}, timezone="America/New_York")
    got = calendar.hours_between(_as_input(start, "America/New_York", "local"), _as_input(end, "America/New_York", "local"))
    valid = (start != np.iinfo(np.int64).min) & (end != np.iinfo(np.int64).min)
    elapsed = np.where(valid, (end - start) / 3.6e12, np.nan)
    np.testing.assert_allclose(got.to_numpy(), elapsed, rtol=0, atol=TOLERANCE_HOURS)
    always = BusinessCalendar.always().hours_between(_as_input(start, "America/New_York", "local"), _as_input(end, "America/New_York", "utc"))
    np.testing.assert_allclose(always.to_numpy(), elapsed, rtol=0, atol=TOLERANCE_HOURS)
