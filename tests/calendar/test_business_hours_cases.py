"""Hand-worked business hours: each expected number is worked out in the test."""

from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import pandas as pd
import pytest

from svcinsight.calendar import BusinessCalendar

WEEKDAY_BLOCKS = [("09:00", "12:00"), ("13:30", "18:00")]  # 3 h + 4.5 h = 7.5 h a day
WEEKDAYS = {"mon-fri": WEEKDAY_BLOCKS}
WITH_SATURDAY = {"mon-fri": WEEKDAY_BLOCKS, "sat": [("10:00", "16:00")]}  # 6 h on Saturdays


@pytest.fixture
def cn():
    return BusinessCalendar(WEEKDAYS, holidays="CN", timezone="Asia/Shanghai")


@pytest.fixture
def cn_saturday():
    return BusinessCalendar(WITH_SATURDAY, holidays="CN", timezone="Asia/Shanghai")


# -- weekly blocks ------------------------------------------------------------------------


def test_friday_evening_to_monday_morning(cn, cn_saturday):
    # 2025-06-13 is an ordinary Friday: 17:00-18:00 Friday, 09:00-10:00 Monday.
    assert cn.hours_between("2025-06-13 17:00", "2025-06-16 10:00") == 1 + 1
    # ... plus Saturday 10:00-16:00.
    assert cn_saturday.hours_between("2025-06-13 17:00", "2025-06-16 10:00") == 1 + 6 + 1


def test_lunch_break_and_night_count_nothing(cn):
    assert cn.hours_between("2025-06-16 12:00", "2025-06-16 13:30") == 0
    assert cn.hours_between("2025-06-16 11:00", "2025-06-16 14:00") == 1 + 0.5
    assert cn.hours_between("2025-06-16 18:00", "2025-06-17 09:00") == 0
    assert cn.hours_between("2025-06-16 20:00", "2025-06-17 09:30") == 0.5


def test_end_before_start_is_the_negative(cn):
    forward = cn.hours_between("2025-06-13 17:00", "2025-06-16 10:00")
    assert cn.hours_between("2025-06-16 10:00", "2025-06-13 17:00") == -forward


# -- holidays and make-up working days ----------------------------------------------------


def test_public_holidays_contribute_nothing(cn):
    # National Day 2025: 10-01 .. 10-08 off (Wed..Wed; 10-04/05 the weekend in between).
    assert cn.hours_between("2025-10-01 00:00", "2025-10-09 00:00") == 0
    # Tuesday 09-30 17:00-18:00, then Thursday 10-09 09:00-10:00.
    assert cn.hours_between("2025-09-30 17:00", "2025-10-09 10:00") == 1 + 1
    # Spring Festival 2026: 02-16 (eve) .. 02-23 off; Tuesday 02-24 is back to work.
    assert cn.hours_between("2026-02-15 00:00", "2026-02-24 00:00") == 0


def test_makeup_sunday_works_a_weekday(cn):
    # 2025-09-28 is a Sunday worked in place of 10-07: a full weekday, 7.5 h.
    assert cn.hours_between("2025-09-28 00:00", "2025-09-29 00:00") == 7.5
    # An ordinary Sunday a week earlier has none.
    assert cn.hours_between("2025-09-21 00:00", "2025-09-22 00:00") == 0


def test_makeup_saturday_works_weekday_hours_not_saturday_hours(cn_saturday):
    # 2025-10-11 (Saturday) is a make-up working day: 09:00-12:00 + 13:30-18:00, not 10-16.
    assert cn_saturday.hours_between("2025-10-11 00:00", "2025-10-12 00:00") == 7.5
    # 2026-02-28 (Saturday) likewise; 2026-02-21, a Saturday inside Spring Festival,
    # is an ordinary Saturday (the package lists only days that would be worked).
    assert cn_saturday.hours_between("2026-02-28 00:00", "2026-03-01 00:00") == 7.5
    assert cn_saturday.hours_between("2026-02-21 00:00", "2026-02-22 00:00") == 6


def test_friday_to_monday_across_a_makeup_sunday(cn_saturday):
    # Fri 09-26 17-18 (1) + Sat 09-27 (6) + make-up Sun 09-28 (7.5) + Mon 09-29 9-10 (1).
    assert cn_saturday.hours_between("2025-09-26 17:00", "2025-09-29 10:00") == 1 + 6 + 7.5 + 1


def test_makeup_day_uses_the_most_common_weekday_schedule():
    hours = {"mon-thu": ["09:00-18:00"], "fri": ["09:00-16:00"]}
    calendar = BusinessCalendar(hours, holidays="CN")
    assert calendar.hours_between("2025-09-28", "2025-09-29") == 9  # Mon-Thu's, not Friday's


def test_user_dates_win(cn):
    calendar = BusinessCalendar(
        WEEKDAYS,
        holidays="CN",
        extra_holidays=["2025-06-16", dt.date(2025, 9, 28)],  # a Monday; a make-up Sunday
        extra_workdays=["2025-10-02", "2025-06-15"],  # a National Day Thursday; a Sunday
    )
    assert calendar.hours_between("2025-06-16", "2025-06-17") == 0
    assert calendar.hours_between("2025-09-28", "2025-09-29") == 0
    assert calendar.hours_between("2025-10-02", "2025-10-03") == 7.5
    assert calendar.hours_between("2025-06-15", "2025-06-16") == 7.5
    assert cn.hours_between("2025-06-15", "2025-06-16") == 0


def test_without_a_country_every_weekday_works():
    calendar = BusinessCalendar(WEEKDAYS, holidays=None, timezone="Asia/Shanghai")
    assert calendar.hours_between("2025-10-01", "2025-10-02") == 7.5
    assert calendar.hours_between("2025-09-28", "2025-09-29") == 0


# -- timezones and clock changes ----------------------------------------------------------


def test_naive_inputs_are_local_and_aware_inputs_are_converted(cn):
    local = cn.hours_between("2025-06-16 09:00", "2025-06-16 18:00")
    assert local == 7.5
    # 01:00 and 10:00 UTC are 09:00 and 18:00 in Shanghai.
    assert cn.hours_between(
        pd.Timestamp("2025-06-16 01:00", tz="UTC"), pd.Timestamp("2025-06-16 10:00", tz="UTC")
    ) == 7.5
    # Read as local New York times the same instants are 21:00 and 06:00 the next day.
    new_york = pd.Series(pd.to_datetime(["2025-06-15 21:00", "2025-06-16 06:00"])).dt.tz_localize(
        "America/New_York"
    )
    assert cn.hours_between(new_york[0], new_york[1]) == 7.5
    naive = pd.Series(pd.to_datetime(["2025-06-16 09:00"]))
    aware = naive.dt.tz_localize("Asia/Shanghai")
    end = pd.Timestamp("2025-06-16 18:00", tz="Asia/Shanghai")
    assert cn.hours_between(naive, end).tolist() == cn.hours_between(aware, end).tolist() == [7.5]


def test_clock_changes_count_real_elapsed_hours():
    # 2025-03-09 and 2025-11-02 are Sundays; New York's clocks jump at 02:00 local.
    early_sunday = BusinessCalendar({"sun": ["01:00-03:00"]}, timezone="America/New_York")
    # Spring: 01:00 EST (06:00Z) to 03:00 EDT (07:00Z) is one real hour.
    assert early_sunday.hours_between("2025-03-09 00:00", "2025-03-10 00:00") == 1
    # Autumn: 01:00 EDT (05:00Z) to 03:00 EST (08:00Z) is three.
    assert early_sunday.hours_between("2025-11-02 00:00", "2025-11-03 00:00") == 3
    all_day = BusinessCalendar({"mon-sun": ["00:00-24:00"]}, timezone="America/New_York")
    assert all_day.hours_between("2025-03-09", "2025-03-10") == 23
    assert all_day.hours_between("2025-11-02", "2025-11-03") == 25


def test_block_boundary_inside_skipped_or_repeated_hour():
    # 02:30 does not exist on 2025-03-09: the block starts when the clocks jump (07:00Z),
    # so 02:30-04:00 lasts 03:00-04:00 EDT, one hour.
    spring = BusinessCalendar({"sun": ["02:30-04:00"]}, timezone="America/New_York")
    assert spring.hours_between("2025-03-09", "2025-03-10") == 1
    # 01:30 occurs twice on 2025-11-02: the first occurrence (05:30Z) is meant, so
    # 01:30-02:00 runs to 02:00 EST (07:00Z): 1.5 real hours.
    autumn = BusinessCalendar({"sun": ["01:30-02:00"]}, timezone="America/New_York")
    assert autumn.hours_between("2025-11-02", "2025-11-03") == 1.5


def test_naive_times_in_the_repeated_hour_mean_the_first_occurrence():
    all_day = BusinessCalendar({"mon-sun": ["00:00-24:00"]}, timezone="America/New_York")
    # Naive 01:30 is 05:30Z (EDT); aware 01:30 EST is 06:30Z: one hour apart.
    second = pd.Timestamp("2025-11-02 06:30", tz="UTC")
    assert all_day.hours_between("2025-11-02 01:30", second) == 1


# -- missing values, shapes and the 24x7 clock --------------------------------------------


def test_missing_timestamps_give_nan(cn):
    start = pd.Series(pd.to_datetime(["2025-06-16 09:00", None, "2025-06-16 09:00"]), index=[7, 8, 9])
    end = pd.Series(pd.to_datetime(["2025-06-16 10:00", "2025-06-16 10:00", None]), index=[7, 8, 9])
    result = cn.hours_between(start, end)
    assert result.index.tolist() == [7, 8, 9]
    assert result[7] == 1 and np.isnan(result[8]) and np.isnan(result[9])
    assert np.isnan(cn.hours_between(pd.NaT, "2025-06-16"))
    assert np.isnan(cn.hours_between(None, "2025-06-16"))
    all_missing = pd.Series(pd.to_datetime([None, None]))
    assert cn.hours_between(all_missing, all_missing).isna().all()


def test_result_shapes(cn):
    starts = pd.DatetimeIndex(["2025-06-16 09:00", "2025-06-16 11:00"])
    assert isinstance(cn.hours_between("2025-06-16 09:00", "2025-06-16 10:00"), float)
    array = cn.hours_between(starts, "2025-06-16 12:00")  # a scalar pairs with every value
    assert isinstance(array, np.ndarray) and array.tolist() == [3, 1]
    series = cn.hours_between(pd.Series(starts, index=["a", "b"]), "2025-06-16 12:00")
    assert series.index.tolist() == ["a", "b"] and series.tolist() == [3, 1]
    # Two Series align on their index, as end - start would.
    end = pd.Series(pd.to_datetime(["2025-06-16 12:00", "2025-06-16 12:00"]), index=["b", "a"])
    assert cn.hours_between(pd.Series(starts, index=["a", "b"]), end).to_dict() == {"a": 3, "b": 1}
    assert cn.hours_between(np.array(starts), np.array(starts)).tolist() == [0, 0]
    empty = pd.Series(pd.to_datetime([]))
    assert cn.hours_between(empty, empty).empty
    with pytest.raises(ValueError, match="different lengths"):
        cn.hours_between(starts, starts[:1].append(starts).append(starts))
    with pytest.raises(TypeError, match="timestamps"):
        cn.hours_between(np.array([1, 2]), starts)


def test_always_is_plain_elapsed_hours(rng):
    start = pd.Series(pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 10**8, 500), unit="s"))
    end = start + pd.to_timedelta(rng.integers(-(10**6), 10**6, 500), unit="s")
    end[3] = pd.NaT
    expected = (end - start).dt.total_seconds() / 3600
    pd.testing.assert_series_equal(BusinessCalendar.always().hours_between(start, end), expected)
    aware = start.dt.tz_localize("Asia/Shanghai")
    got = BusinessCalendar.always().hours_between(aware, end.dt.tz_localize("Asia/Shanghai"))
    pd.testing.assert_series_equal(got, expected)
    assert repr(BusinessCalendar.always()) == "BusinessCalendar.always(timezone='UTC')"


def test_span_grows_with_the_data(cn):
    assert cn.hours_between("2025-06-16 09:00", "2025-06-16 10:00") == 1
    # A later call outside the first call's days is still right.
    assert cn.hours_between("2026-10-09 17:00", "2026-10-10 10:00") == 1 + 1  # make-up Sat
    assert cn.hours_between("2025-06-13 17:00", "2025-06-16 10:00") == 2


# -- helpers ------------------------------------------------------------------------------


def test_is_working_time(cn_saturday):
    stamps = pd.Series(pd.to_datetime([
        "2025-09-29 09:00",  # Monday, first instant of a block
        "2025-09-29 12:00",  # end of the block: lunch has started
        "2025-09-27 11:00",  # ordinary Saturday
        "2025-10-02 11:00",  # National Day
        "2025-10-11 09:30",  # make-up Saturday on weekday hours
        None,
    ]))
    assert cn_saturday.is_working_time(stamps).tolist() == [True, False, True, False, True, False]
    assert cn_saturday.is_working_time("2025-09-28 10:00") is True
    assert BusinessCalendar.always().is_working_time("2025-10-01 03:00") is True


def test_working_days(cn):
    days = cn.working_days("2026-02-12", "2026-03-01")
    expected = ["2026-02-12", "2026-02-13", "2026-02-14", "2026-02-24", "2026-02-25",
                "2026-02-26", "2026-02-27", "2026-02-28"]
    assert days.strftime("%Y-%m-%d").tolist() == expected


def test_no_warning_for_known_years(cn):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cn.hours_between("2025-01-01", "2026-12-31")


# -- the lookup index at its edges ---------------------------------------------------------


@pytest.mark.parametrize("timezone", ["Pacific/Kiritimati", "Etc/GMT+12", "UTC"])
def test_blocks_at_both_ends_of_the_day_in_far_offset_zones(timezone):
    # UTC+14 and UTC-12 put a local day's blocks far from its UTC date; a new calendar
    # per call makes the data's one local day the whole span.
    hours = {"mon-sun": ["09:00-10:00", "11:00-12:00", "20:00-21:00", "22:00-24:00"]}
    def fresh():
        return BusinessCalendar(hours, timezone=timezone)
    assert fresh().hours_between("2025-06-04 00:30", "2025-06-04 23:30") == 1 + 1 + 1 + 1.5
    assert fresh().hours_between("2025-06-04 23:30", "2025-06-04 23:45") == 0.25
    assert fresh().hours_between("2025-06-04 08:00", "2025-06-04 08:30") == 0
    assert fresh().hours_between("2025-06-01 00:00", "2025-06-05 00:00") == 4 * 5


def test_many_short_blocks_in_an_hour():
    # Twelve 2-minute blocks in one hour: more than the bucket index steps through, so
    # the lookup falls back to a binary search; the answer is the same.
    blocks = [f"09:{m:02d}-09:{m + 2:02d}" for m in range(0, 60, 5)]
    calendar = BusinessCalendar({"mon-fri": blocks}, timezone="UTC")
    assert calendar.hours_between("2025-06-16 08:00", "2025-06-16 10:00") == 24 / 60
    assert calendar.hours_between("2025-06-16 09:01", "2025-06-16 09:06") == 2 / 60
    assert calendar._timeline.steps > 4


def test_decades_long_span():
    calendar = BusinessCalendar({"mon-sun": ["00:00-24:00"]}, timezone="UTC")
    start = pd.Series(pd.to_datetime(["1990-01-01 10:00:00", "2060-12-31 09:00:00", "2025-06-16 12:34:56"]))
    end = pd.Series(pd.to_datetime(["2060-12-31 10:00:00", "1990-01-01 09:00:00", "2025-06-16 12:35:00"]))
    expected = (end - start).dt.total_seconds() / 3600
    pd.testing.assert_series_equal(calendar.hours_between(start, end), expected)
    assert calendar._timeline.bucket_ns > 3600 * 10**9


def test_iso_strings_of_mixed_precision(cn):
    got = cn.hours_between(["2025-06-16", "2025-06-16 09:30", "2025-06-16T10:00:00"], "2025-06-16 12:00")
    assert got.tolist() == [3, 2.5, 2]
