"""A row-by-row reference for business hours: slow, and simple enough to check by eye.

For one interval it walks the local days from the start's to the end's; for each day it
decides the working blocks with plain if/else (the rules in
``svcinsight.calendar.business``), turns each block's wall-clock ends into UTC with
``zoneinfo``, and adds the overlap with the interval. It shares no code with the library.

Block boundaries inside a daylight-saving gap or repeated hour are not handled here
(zoneinfo maps them differently); the tests that use this keep boundaries clear of the
transitions and check those cases by hand instead.
"""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

import holidays as holidays_package

UTC = dt.UTC
MIDNIGHT = dt.time(0)


def _time(text: str) -> dt.time | None:
    """``None`` stands for 24:00, the end of the day."""
    if text == "24:00":
        return None
    hours, minutes = text.split(":")
    return dt.time(int(hours), int(minutes))


class ReferenceCalendar:
    """``weekly``: {0..6 (Monday first): [("HH:MM", "HH:MM"), ...]}."""

    def __init__(
        self,
        weekly: dict[int, list[tuple[str, str]]],
        *,
        standard_weekday: list[tuple[str, str]],
        timezone: str,
        country: str | None = None,
        years: range = range(0),
        extra_holidays: tuple[dt.date, ...] = (),
        extra_workdays: tuple[dt.date, ...] = (),
    ):
        self.weekly = {day: [(_time(a), _time(b)) for a, b in weekly.get(day, [])] for day in range(7)}
        self.standard_weekday = [(_time(a), _time(b)) for a, b in standard_weekday]
        self.zone = ZoneInfo(timezone)
        self.extra_holidays = set(extra_holidays)
        self.extra_workdays = set(extra_workdays)
        self.official_off: set[dt.date] = set()
        self.official_makeup: set[dt.date] = set()
        if country is not None:
            data = holidays_package.country_holidays(country, years=list(years))
            self.official_off = set(data)
            self.official_makeup = set(data.weekend_workdays)

    def blocks(self, day: dt.date) -> list[tuple[dt.time, dt.time | None]]:
        weekday = day.weekday()
        if day in self.extra_holidays:
            return []
        if day in self.extra_workdays or day in self.official_makeup:
            if weekday < 5 and self.weekly[weekday]:
                return self.weekly[weekday]
            return self.standard_weekday
        if day in self.official_off:
            return []
        return self.weekly[weekday]

    def instant(self, day: dt.date, time: dt.time | None) -> dt.datetime:
        if time is None:
            day, time = day + dt.timedelta(days=1), MIDNIGHT
        return dt.datetime.combine(day, time, tzinfo=self.zone).astimezone(UTC)

    def hours(self, start: dt.datetime | None, end: dt.datetime | None) -> float:
        """Working hours between two tz-aware datetimes (None for missing)."""
        if start is None or end is None:
            return math.nan
        # Aware datetimes sharing one tzinfo subtract as wall-clock times; UTC avoids that.
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        if end < start:
            return -self.hours(end, start)
        total = dt.timedelta(0)
        day = start.astimezone(self.zone).date()
        last_day = end.astimezone(self.zone).date()
        while day <= last_day:
            for block_start, block_end in self.blocks(day):
                low = max(start, self.instant(day, block_start))
                high = min(end, self.instant(day, block_end))
                if high > low:
                    total += high - low
            day += dt.timedelta(days=1)
        return total / dt.timedelta(hours=1)


def hours_many(reference: ReferenceCalendar, start_utc_ns, end_utc_ns) -> list[float]:
    """The reference, one row at a time, over UTC-nanosecond arrays (NaT as int64 min)."""
    import numpy as np
    import pandas as pd

    def as_datetimes(values):
        index = pd.DatetimeIndex(np.asarray(values, dtype="int64").view("M8[ns]")).tz_localize("UTC")
        return [None if pd.isna(t) else t.to_pydatetime() for t in index]

    return [reference.hours(s, e) for s, e in zip(as_datetimes(start_utc_ns), as_datetimes(end_utc_ns))]


def random_intervals(
    rng,
    n: int,
    *,
    timezone: str,
    first_day: str,
    last_day: str,
    focus_days: list[str],
    boundary_times: list[str],
):
    """``n`` random intervals as UTC nanoseconds (int64; NaT as int64 min), mixing:

    starts anywhere in the span, near the focus days (holidays, make-up days, clock
    changes), and exactly on block boundaries; durations from zero to two weeks, some
    ending exactly on a boundary; about a tenth reversed and 2% missing at each end.
    """
    import numpy as np
    import pandas as pd

    day = np.timedelta64(1, "D")
    first, last = np.datetime64(first_day, "D"), np.datetime64(last_day, "D")
    span_days = int((last - first) / day)
    focus = np.array(focus_days, dtype="M8[D]")
    boundaries = np.array([pd.Timedelta(t + ":00").value for t in boundary_times], dtype="int64")

    def localise(wall_ns):
        index = pd.DatetimeIndex(wall_ns.view("M8[ns]"))
        local = index.tz_localize(timezone, ambiguous=np.ones(len(index), bool), nonexistent="shift_forward")
        return local.tz_convert("UTC").as_unit("ns").asi8

    kind = rng.integers(0, 3, n)
    start_day = np.where(
        kind == 1,
        rng.choice(focus, n) + rng.integers(-4, 5, n) * day,
        first + rng.integers(0, span_days + 1, n) * day,
    ).astype("M8[ns]").astype("int64")
    start_clock = np.where(kind == 2, rng.choice(boundaries, n), rng.integers(0, 86400, n) * 10**9)
    start = localise(start_day + start_clock)

    duration_kind = rng.integers(0, 5, n)
    hour = 3600 * 10**9
    duration = np.select(
        [duration_kind == 0, duration_kind == 1, duration_kind == 2, duration_kind == 3],
        [
            (rng.exponential(8.0, n) * hour).astype("int64") // 10**9 * 10**9,
            rng.integers(0, 15 * 86400, n) * 10**9,
            rng.integers(0, 3 * 3600, n) * 10**9,
            np.zeros(n, dtype="int64"),
        ],
        default=0,
    )
    end = start + duration
    on_boundary = duration_kind == 4
    end_wall = start_day + rng.integers(0, 11, n) * 86400 * 10**9 + rng.choice(boundaries, n)
    end = np.where(on_boundary, np.maximum(localise(end_wall), start), end)

    reverse = rng.random(n) < 0.1
    start, end = np.where(reverse, end, start), np.where(reverse, start, end)
    nat = np.iinfo(np.int64).min
    start = np.where(rng.random(n) < 0.02, nat, start)
    end = np.where(rng.random(n) < 0.02, nat, end)
    return start, end
