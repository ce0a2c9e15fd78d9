"""The hard-coded mainland-China holidays match the State Council notices."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from svcinsight.demo import holidays_cn


@pytest.mark.parametrize("day, kind", [
    ("2025-10-01", holidays_cn.HOLIDAY),   # National Day and Mid-Autumn, 1-8 Oct 2025
    ("2025-10-08", holidays_cn.HOLIDAY),
    ("2025-09-28", holidays_cn.WORKDAY),   # Sunday worked
    ("2025-10-11", holidays_cn.WORKDAY),   # Saturday worked
    ("2026-02-14", holidays_cn.WORKDAY),   # Saturday worked before Spring Festival
    ("2026-02-15", holidays_cn.HOLIDAY),
    ("2026-02-23", holidays_cn.HOLIDAY),
    ("2026-02-28", holidays_cn.WORKDAY),
    ("2026-06-19", holidays_cn.HOLIDAY),   # Dragon Boat, a Friday
    ("2026-09-20", holidays_cn.WORKDAY),
    ("2026-10-07", holidays_cn.HOLIDAY),
    ("2026-10-08", holidays_cn.WORKDAY),
    ("2026-10-17", holidays_cn.WEEKEND),
    ("2026-10-16", holidays_cn.WORKDAY),
])
def test_known_days(day, kind):
    assert holidays_cn.day_kinds(pd.DatetimeIndex([day]))[0] == kind


def test_days_off_per_year():
    per_year = pd.Series([d.year for d in holidays_cn.HOLIDAYS]).value_counts()
    assert per_year[2025] == 1 + 8 + 3 + 5 + 3 + 8
    assert per_year[2026] == 3 + 9 + 3 + 5 + 3 + 3 + 7


def test_make_up_days_are_weekend_days():
    assert len(holidays_cn.MAKEUP_WORKDAYS) == 5 + 6
    assert all(day.weekday() >= 5 for day in holidays_cn.MAKEUP_WORKDAYS)
    assert not holidays_cn.MAKEUP_WORKDAYS & set(holidays_cn.HOLIDAYS)
    assert holidays_cn.HOLIDAYS[dt.date(2026, 10, 1)] == "National Day"


def test_uncovered_years_warn():
    with pytest.warns(UserWarning, match="2027"):
        kinds = holidays_cn.day_kinds(pd.date_range("2027-01-01", periods=3))
    assert list(kinds) == [holidays_cn.WORKDAY, holidays_cn.WEEKEND, holidays_cn.WEEKEND]


def test_agrees_with_the_holidays_package_where_installed():
    holidays = pytest.importorskip("holidays")
    package = holidays.China(years=list(holidays_cn.YEARS_COVERED))
    package_days_off = {day for day in package if day.year in holidays_cn.YEARS_COVERED}
    ours = set(holidays_cn.HOLIDAYS)
    assert package_days_off <= ours
    # The package lists working days turned into days off; we also name the weekend days
    # inside a holiday block.
    assert all(day.weekday() >= 5 for day in ours - package_days_off)
    makeup = {day for day in getattr(package, "weekend_workdays", ())
              if day.year in holidays_cn.YEARS_COVERED}
    assert makeup == set(holidays_cn.MAKEUP_WORKDAYS)
