"""The demo's clock: the span of the data, its days, and when teams are at work.

Times are computed as float seconds of local wall-clock time since the span's first
midnight (whole seconds, so float64 holds them exactly) and turned into tz-aware
timestamps only at the end.

Examples
--------
>>> from svcinsight.demo.clock import Span
>>> span = Span.of("2025-09-01", months=14, timezone="Asia/Shanghai")
>>> span.days, str(span.end.date())
(426, '2026-11-01')
>>> span.timestamps([0.0, 3600.0])[1]
Timestamp('2025-09-01 01:00:00+0800', tz='Asia/Shanghai')
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from svcinsight.demo import holidays_cn

DAY = 86_400.0
HOUR = 3_600.0


@dataclass(frozen=True)
class Span:
    """The local dates the data covers: ``start`` (first midnight) to ``end`` (exclusive)."""

    start: pd.Timestamp
    end: pd.Timestamp
    timezone: str

    @classmethod
    def of(cls, start, months: int, timezone: str) -> Span:
        if isinstance(months, bool) or int(months) != months or months < 1:
            raise ValueError(f"months must be a positive whole number, got {months!r}")
        first = pd.Timestamp(start)
        if first.tzinfo is not None:
            first = first.tz_convert(timezone).tz_localize(None)
        first = first.normalize()
        try:
            pd.Timestamp(0).tz_localize(timezone)
        except Exception as error:  # pytz, zoneinfo and dateutil raise different errors
            raise ValueError(f"unknown timezone {timezone!r}") from error
        return cls(first, first + pd.DateOffset(months=int(months)), timezone)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month

    def seconds_at(self, day) -> float:
        """Local seconds from the span start to the midnight starting ``day``."""
        return (pd.Timestamp(day).normalize() - self.start).days * DAY

    @property
    def end_seconds(self) -> float:
        return self.days * DAY

    def dates(self, extra_days: int = 0) -> pd.DatetimeIndex:
        """Midnights of the span's days (plus ``extra_days`` after it)."""
        return pd.date_range(self.start, periods=self.days + extra_days, freq="D")

    def timestamps(self, seconds) -> pd.DatetimeIndex:
        """Local seconds since ``start`` (NaN = missing) as tz-aware ``datetime64[ns]``."""
        seconds = np.asarray(seconds, dtype=float)
        missing = np.isnan(seconds)
        whole = np.where(missing, 0.0, np.round(seconds)).astype(np.int64)
        naive = self.start.as_unit("ns").value + whole * 1_000_000_000
        index = pd.DatetimeIndex(naive.astype("datetime64[ns]")).tz_localize(
            self.timezone, ambiguous=np.zeros(len(naive), bool), nonexistent="shift_forward"
        )
        return index.where(~missing, pd.NaT)


@dataclass(frozen=True)
class WorkCalendar:
    """Kinds of day (working day, weekend, holiday) over the span and a margin after it."""

    span: Span
    #: Durations drawn near the end run past it; their days need a kind too.
    margin_days: int = 400
    kinds: np.ndarray = field(init=False, repr=False)
    next_workday: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        dates = self.span.dates(self.margin_days)
        kinds = holidays_cn.day_kinds(dates, warn_years=False)
        # Warn about the span only: the margin past the end is never shown.
        holidays_cn.day_kinds(self.span.dates(), warn_years=True)
        next_workday = np.empty(len(kinds), dtype=np.int64)
        upcoming = len(kinds) - 1
        for day in range(len(kinds) - 1, -1, -1):
            if kinds[day] == holidays_cn.WORKDAY:
                upcoming = day
            next_workday[day] = upcoming
        object.__setattr__(self, "kinds", kinds)
        object.__setattr__(self, "next_workday", next_workday)

    def day_of(self, seconds: np.ndarray) -> np.ndarray:
        day = np.floor(np.nan_to_num(seconds) / DAY).astype(np.int64)
        return np.clip(day, 0, len(self.kinds) - 1)

    def kind_at(self, seconds: np.ndarray) -> np.ndarray:
        return self.kinds[self.day_of(seconds)]

    def next_open(
        self,
        seconds: np.ndarray,
        opens: np.ndarray,
        closes: np.ndarray,
        every_day: np.ndarray,
    ) -> np.ndarray:
        """The first moment at or after ``seconds`` when a team with these hours works.

        ``opens`` and ``closes`` are local hours; ``every_day`` false means working
        days only (weekends and public holidays off, make-up days on).
        """
        day = self.day_of(seconds)
        time_of_day = seconds - day * DAY
        opens_s, closes_s = opens * HOUR, closes * HOUR
        works_today = every_day | (self.kinds[day] == holidays_cn.WORKDAY)
        at_work = works_today & (time_of_day >= opens_s) & (time_of_day < closes_s)
        before_opening = works_today & (time_of_day < opens_s)
        tomorrow = np.minimum(day + 1, len(self.kinds) - 1)
        next_day = np.where(every_day, tomorrow, self.next_workday[tomorrow])
        return np.where(
            at_work, seconds,
            np.where(before_opening, day * DAY + opens_s, next_day * DAY + opens_s),
        )
