"""Years the holiday package has no official schedule for: a warning, and numbers anyway."""

from __future__ import annotations

import datetime as dt
import warnings

import holidays
import pytest

from svcinsight.calendar import BusinessCalendar, HolidayDataWarning
from svcinsight.calendar.holiday_data import CountryHolidays

WEEKDAYS = {"mon-fri": [("09:00", "12:00"), ("13:30", "18:00")]}  # 7.5 h a day


def test_how_the_package_signals_an_unknown_year():
    """What the fallback rests on: past the last transcribed notice the package still
    answers, but with no make-up working days and no substituted days off."""
    last = CountryHolidays("CN").known_years[1]
    assert last >= 2026
    known = holidays.China(years=last)
    assert {d for d in known.weekend_workdays if d.year == last}
    assert any("substituted" in name.lower() for name in known.values())
    unknown = holidays.China(years=last + 1)
    assert len(unknown) > 0  # statutory days, still listed
    assert not {d for d in unknown.weekend_workdays if d.year == last + 1}
    assert not any("substituted" in name.lower() for name in unknown.values())


def test_future_year_warns_and_falls_back():
    calendar = BusinessCalendar(
        WEEKDAYS, holidays="CN", extra_holidays=["2035-10-05"], extra_workdays=["2035-10-07"],
    )
    with pytest.warns(HolidayDataWarning, match=r"CN .*2035") as caught:
        hours = calendar.hours_between("2035-09-28 17:00", "2035-10-09 10:00")
    assert issubclass(caught[0].category, UserWarning)
    assert "schedule for 2035 (" in str(caught[0].message)
    # Fri 09-28 17-18 (1); Mon-Wed 10-01..03 statutory National Day (0); Thu 10-04 (7.5);
    # Fri 10-05 the user's day off (0); Sun 10-07 the user's working day (7.5);
    # Mon 10-08 (7.5); Tue 10-09 9-10 (1). No guessed bridge days, no guessed make-up days.
    assert hours == 1 + 7.5 + 7.5 + 7.5 + 1


def test_next_january_run():
    calendar = BusinessCalendar(WEEKDAYS, holidays="CN")
    with pytest.warns(HolidayDataWarning) as caught:
        # Thu 2026-12-31 17-18; New Year's Day 2027 (Fri) is statutory; Mon 01-04 9-10.
        assert calendar.hours_between("2026-12-31 17:00", "2027-01-04 10:00") == 2
    assert "schedule for 2027 (" in str(caught[0].message)
    # Spring Festival 2027: eve (Fri 02-05) and days 1-3 (02-06..08) are statutory days
    # off; the bridge days the State Council will add are not known yet.
    assert calendar.hours_between("2027-02-05", "2027-02-09") == 0
    assert calendar.hours_between("2027-02-09", "2027-02-10") == 7.5


def test_warns_once_per_calendar_and_year():
    calendar = BusinessCalendar(WEEKDAYS, holidays="CN")
    with pytest.warns(HolidayDataWarning):
        calendar.hours_between("2027-03-01", "2027-03-02")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        calendar.hours_between("2027-06-01", "2027-06-02")
        calendar.is_working_time("2027-06-01 10:00")
    with pytest.warns(HolidayDataWarning) as caught:
        calendar.hours_between("2027-06-01", "2029-06-02")
    assert len(caught) == 1 and "schedule for 2028-2029 (" in str(caught[0].message)
    with pytest.warns(HolidayDataWarning, match="2027"):
        BusinessCalendar(WEEKDAYS, holidays="CN").hours_between("2027-03-01", "2027-03-02")


def test_rule_based_countries_have_no_missing_years():
    calendar = BusinessCalendar(WEEKDAYS, holidays="US", timezone="America/New_York")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # 2035-07-04 is a Wednesday: Independence Day.
        assert calendar.hours_between("2035-07-04", "2035-07-05") == 0
        assert calendar.hours_between("2035-07-05", "2035-07-06") == 7.5


def test_user_dates_apply_without_a_country_and_without_warnings():
    calendar = BusinessCalendar(WEEKDAYS, extra_holidays=[dt.date(2040, 1, 2)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # Sunday 2040-01-01 (0), Monday the user's day off (0), Tuesday (7.5).
        assert calendar.hours_between("2040-01-01", "2040-01-04") == 7.5


def test_unknown_country():
    with pytest.raises(ValueError, match=r"^holidays: unknown country code 'XX'"):
        BusinessCalendar(WEEKDAYS, holidays="XX")
    assert CountryHolidays("cn").code == "CN"
