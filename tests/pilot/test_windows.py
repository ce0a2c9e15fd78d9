import datetime as dt

import pandas as pd
import pytest

from svcinsight.pilot.windows import pilot_windows

TZ = "Asia/Shanghai"


def stamps(first, last, freq="3h"):
    return pd.Series(pd.date_range(first, last, freq=freq, tz=TZ))


def test_default_windows_are_equal_whole_weeks_bounded_by_the_shorter_side():
    # 45 days of data before a Wednesday start, 23 after: 3 whole weeks each side
    w = pilot_windows(stamps("2026-04-18", "2026-06-25 23:00"), pilot_start="2026-06-03")
    assert w.pre.weeks == w.post.weeks == 3
    assert w.pre.end == w.post.start == pd.Timestamp("2026-06-03", tz=TZ)
    assert (w.pre.first_day, w.post.last_day) == ("2026-05-13", "2026-06-23")
    # each weekday appears equally often in both windows
    assert (w.pre.dates().day_of_week.value_counts().sort_index()
            == w.post.dates().day_of_week.value_counts().sort_index()).all()


def test_one_length_given_sets_the_other():
    s = stamps("2026-01-01", "2026-09-30")
    w = pilot_windows(s, pilot_start="2026-06-01", post="8W")
    assert (w.pre.weeks, w.post.weeks) == (8, 8)
    w = pilot_windows(s, pilot_start="2026-06-01", pre=4)
    assert (w.pre.weeks, w.post.weeks) == (4, 4)
    w = pilot_windows(s, pilot_start="2026-06-01", pre="30D")  # cut to whole weeks
    assert w.pre.days == 28


def test_pairs_are_inclusive_days_and_checked_against_the_start():
    s = stamps("2026-01-01", "2026-09-30")
    w = pilot_windows(s, pilot_start="2026-06-01", pre=("2026-03-02", "2026-03-29"),
                      post=[dt.date(2026, 6, 15), dt.date(2026, 7, 12)])
    assert (w.pre.days, w.post.days) == (28, 28)
    assert w.post.last_day == "2026-07-12"
    with pytest.raises(ValueError, match="after the pilot started"):
        pilot_windows(s, pilot_start="2026-06-01", pre=("2026-05-01", "2026-06-10"))
    with pytest.raises(ValueError, match="before the pilot starts"):
        pilot_windows(s, pilot_start="2026-06-01", post=("2026-05-20", "2026-06-10"))


def test_pilot_end_stops_the_after_window():
    w = pilot_windows(stamps("2026-01-01", "2026-09-30"), pilot_start="2026-06-01", pilot_end="2026-06-30")
    assert w.post.last_day <= "2026-06-30" and w.post.weeks == 4 and w.pre.weeks == 4


def test_too_little_data_on_a_side_is_a_clear_error():
    with pytest.raises(ValueError, match="shorter than a week"):
        pilot_windows(stamps("2026-05-28", "2026-07-30"), pilot_start="2026-06-01")
    with pytest.raises(ValueError, match="pilot_start"):
        pilot_windows(stamps("2026-05-01", "2026-07-30"), pilot_start="soon")


def test_assign_places_rows_and_leaves_the_rest_out():
    s = stamps("2026-04-01", "2026-08-30")
    w = pilot_windows(s, pilot_start="2026-06-01", pre="2W", post="2W")
    where = w.assign(s)
    assert set(where.dropna()) == {"pre", "post"}
    assert where.isna().sum() == len(s) - (where == "pre").sum() - (where == "post").sum()
    assert where[s == pd.Timestamp("2026-05-31 21:00", tz=TZ)].item() == "pre"
    assert where[s == pd.Timestamp("2026-06-01 00:00", tz=TZ)].item() == "post"
    assert list(w.to_frame("zh").columns) == ["窗口", "起始日", "结束日", "天数"]
