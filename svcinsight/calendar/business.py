"""``BusinessCalendar``: when a service team works, and how many working hours lie
between two timestamps.

Which hours a local day works, first rule that applies:

1. a date in ``extra_holidays`` works no hours;
2. a make-up working day (the official ones for a year the holiday data knows, and every
   date in ``extra_workdays``) works its own hours when it is a Monday-Friday with
   hours, otherwise the standard weekday hours (the most common Monday-Friday
   schedule): a Sunday worked in place of a weekday works a weekday's hours, and so does
   a make-up Saturday even if Saturdays normally have other hours;
3. an official day off (for a year the holiday data knows) works no hours;
4. any other day works its weekday's blocks.

The ``holidays`` package lists the statutory days and the weekdays moved off, not the
weekend days a holiday week encloses; those stay ordinary weekend days, so with Saturday
hours configured the Saturday inside China's Golden Week counts as a Saturday. List such
days in ``extra_holidays`` if the team is off then.

For a year the holiday package has no official schedule for (see
:mod:`svcinsight.calendar.holiday_data`; for China, years after the last State Council
notice it transcribes), rule 2 has only the user's dates and rule 3 only the statutory
public holidays, and a :class:`~svcinsight.calendar.holiday_data.HolidayDataWarning`
(a ``UserWarning``) names the year, once per calendar. Nothing fails.
"""

# Every invalid setting raises ValueError, wrong type or not, so that callers (from_params,
# the report's params validation) catch one kind of error whose message names the key.
# ruff: noqa: TRY004

from __future__ import annotations

import datetime as dt
import warnings
import zoneinfo
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from svcinsight import config
from svcinsight.calendar.holiday_data import CountryHolidays, HolidayDataWarning
from svcinsight.calendar.timeline import (
    NAT,
    NS_PER_HOUR,
    Timeline,
    as_datetime_index,
    build_timeline,
    local_days,
    to_utc_ns,
)
from svcinsight.calendar.weekly import ROUND_THE_CLOCK, parse_weekly_hours

_PARAM_KEYS = ("hours", "holidays", "extra_holidays", "extra_workdays", "timezone")
_OFF = 14  # schedule number of a day with no hours; 0-6 weekly, 7-13 make-up


def _check_timezone(timezone: object) -> str:
    if isinstance(timezone, zoneinfo.ZoneInfo):
        return timezone.key
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(
            f"timezone: unknown timezone {timezone!r} (use an IANA name like 'Asia/Shanghai')"
        ) from None
    return timezone


def _parse_dates(values: object, *, where: str) -> frozenset[dt.date]:
    if values is None:
        return frozenset()
    if isinstance(values, Mapping):  # {date: reason} reads well in YAML
        values = list(values)
    if isinstance(values, (str, dt.date)) or not isinstance(values, Iterable):
        raise ValueError(f"{where}: expected a list of dates like ['2025-12-24'], got {values!r}")
    dates = set()
    for i, value in enumerate(values):
        if isinstance(value, np.datetime64):  # iterating a datetime64 array
            value = pd.Timestamp(value)
        try:
            if isinstance(value, str):
                day = dt.date.fromisoformat(value.strip())
            elif isinstance(value, dt.datetime):
                if value.time() != dt.time(0):
                    raise ValueError
                day = value.date()
            elif isinstance(value, dt.date):
                day = value
            else:
                raise ValueError
        except ValueError:
            raise ValueError(f"{where}[{i}]: {value!r} is not a date (write YYYY-MM-DD)") from None
        dates.add(day)
    return frozenset(dates)


def _is_scalar(value: object) -> bool:
    return not isinstance(value, (pd.Series, pd.Index, np.ndarray, list, tuple))


class BusinessCalendar:
    """Weekly working hours, public holidays with make-up working days, dated exceptions.

    Parameters
    ----------
    hours : mapping
        Weekly working blocks in local wall-clock time, several per day:
        ``{"mon-fri": [("09:00", "12:00"), ("13:30", "18:00")], "sat": ["10:00-16:00"]}``.
        Keys are days, ranges or comma lists; see :mod:`svcinsight.calendar.weekly`.
    holidays : str or None
        A country code the ``holidays`` package knows (``"CN"`` for mainland China,
        including its make-up working days; ``"US"``, ``"DE"`` ...), or None.
    extra_holidays, extra_workdays : list of dates or ISO strings
        The team's own days off and working days; they win over the country's calendar.
    timezone : str
        IANA timezone of the working hours; naive timestamps are read in it.

    Notes
    -----
    Day rules (make-up days, holiday weeks) and the fallback for years without holiday
    data are in the module docstring of :mod:`svcinsight.calendar.business`. On a
    daylight-saving change the blocks stay in wall-clock time and the real elapsed time
    is counted (a 00:00-24:00 block lasts 23 or 25 hours). A wall time occurring twice
    means its first occurrence; a skipped one means the instant the clocks jump.

    Examples
    --------
    >>> from svcinsight.calendar import BusinessCalendar
    >>> cal = BusinessCalendar(
    ...     {"mon-fri": [("09:00", "12:00"), ("13:30", "18:00")]},
    ...     holidays="CN", timezone="Asia/Shanghai",
    ... )
    >>> cal.hours_between("2025-06-13 17:00", "2025-06-16 10:00")  # Friday to Monday
    2.0
    >>> cal.hours_between("2025-09-30 17:00", "2025-10-09 10:00")  # across National Day
    2.0
    >>> cal.hours_between("2025-09-28 00:00", "2025-09-29 00:00")  # a make-up Sunday
    7.5
    """

    def __init__(
        self,
        hours: Mapping,
        *,
        holidays: str | None = None,
        extra_holidays: Iterable = (),
        extra_workdays: Iterable = (),
        timezone: str = config.DEFAULT_TIMEZONE,
    ) -> None:
        self._weekly = parse_weekly_hours(hours)
        self._country = CountryHolidays(holidays) if holidays is not None else None
        self._extra_off = _parse_dates(extra_holidays, where="extra_holidays")
        self._extra_work = _parse_dates(extra_workdays, where="extra_workdays")
        if both := sorted(self._extra_off & self._extra_work):
            raise ValueError(
                f"extra_workdays: {both[0].isoformat()} is also in extra_holidays; "
                "a date is either a day off or a working day"
            )
        self._timezone = _check_timezone(timezone)
        self._elapsed_only = False
        self._timeline: Timeline | None = None
        self._warned_years: set[int] = set()

    @classmethod
    def always(cls, timezone: str = "UTC") -> BusinessCalendar:
        """The 24x7 clock: ``hours_between`` is plain elapsed hours.

        ``timezone`` only says how naive timestamps are read.

        >>> BusinessCalendar.always().hours_between("2025-10-01 08:00", "2025-10-02 09:30")
        25.5
        """
        calendar = cls({}, timezone=timezone)
        calendar._weekly = ROUND_THE_CLOCK
        calendar._elapsed_only = True
        return calendar

    @classmethod
    def from_params(cls, params: Mapping | None, *, timezone: str | None = None) -> BusinessCalendar:
        """Build from a params file's ``calendar:`` mapping; errors name the key.

        Keys: ``hours`` (required unless the mapping is empty), ``holidays``,
        ``extra_holidays``, ``extra_workdays``, ``timezone``. ``timezone=`` is used when
        the mapping has none (a unit's own timezone); an empty or missing mapping gives
        :meth:`always`.

        >>> cal = BusinessCalendar.from_params(
        ...     {"hours": {"mon-fri": ["09:00-18:00"]}, "holidays": "CN",
        ...      "extra_holidays": ["2025-12-24"]},
        ...     timezone="Asia/Shanghai",
        ... )
        >>> cal.hours_between("2025-12-23 09:00", "2025-12-26 09:00")
        18.0
        >>> BusinessCalendar.from_params({"hours": {"mon-fri": ["09:00-25:00"]}})
        Traceback (most recent call last):
        ...
        ValueError: calendar.hours['mon-fri'][0]: '25:00' is not a time of day (write HH:MM, from 00:00 to 24:00)
        """
        fallback_timezone = config.DEFAULT_TIMEZONE if timezone is None else timezone
        if not params:
            try:
                return cls.always(timezone=_check_timezone(fallback_timezone))
            except ValueError as exc:
                raise ValueError(f"calendar.{exc}") from None
        if not isinstance(params, Mapping):
            raise ValueError(f"calendar: expected a mapping with keys {', '.join(_PARAM_KEYS)}")
        unknown = [key for key in params if key not in _PARAM_KEYS]
        if unknown:
            raise ValueError(
                f"calendar: unknown key {unknown[0]!r} (known keys: {', '.join(_PARAM_KEYS)})"
            )
        if "hours" not in params:
            raise ValueError("calendar.hours: missing; give the weekly working hours, e.g. "
                             "{'mon-fri': ['09:00-18:00']}")
        try:
            return cls(
                params["hours"],
                holidays=params.get("holidays"),
                extra_holidays=params.get("extra_holidays") or (),
                extra_workdays=params.get("extra_workdays") or (),
                timezone=params.get("timezone") or fallback_timezone,
            )
        except ValueError as exc:
            raise ValueError(f"calendar.{exc}") from None

    def to_params(self) -> dict:
        """The mapping :meth:`from_params` reads back to an equal calendar.

        >>> BusinessCalendar({"mon-fri": ["09:00-18:00"]}, holidays="CN").to_params()
        {'hours': {'mon-fri': ['09:00-18:00']}, 'holidays': 'CN', 'extra_holidays': [], \
'extra_workdays': [], 'timezone': 'Asia/Shanghai'}
        """
        return {
            "hours": self._weekly.describe(),
            "holidays": None if self._country is None else self._country.code,
            "extra_holidays": [d.isoformat() for d in sorted(self._extra_off)],
            "extra_workdays": [d.isoformat() for d in sorted(self._extra_work)],
            "timezone": self._timezone,
        }

    @property
    def timezone(self) -> str:
        return self._timezone

    def __repr__(self) -> str:
        if self._elapsed_only:
            return f"BusinessCalendar.always(timezone={self._timezone!r})"
        args = ", ".join(f"{key}={value!r}" for key, value in self.to_params().items())
        return f"BusinessCalendar({args})"

    # -- the day rules ------------------------------------------------------------------

    def _schedules(self, first_day: np.datetime64, last_day: np.datetime64, *, stacklevel: int):
        """Local days in the span, each day's schedule number, and the schedules."""
        days = np.arange(first_day, last_day + np.timedelta64(1, "D"), dtype="M8[D]")
        weekday = (days.astype("int64") + 3) % 7  # 1970-01-01 was a Thursday

        def among(dates: Iterable[dt.date]) -> np.ndarray:
            return np.isin(days, np.array(sorted(dates), dtype="M8[D]"))

        makeup = among(self._extra_work)
        official_off = np.zeros(len(days), dtype=bool)
        if self._country is not None:
            first_year, last_year = (int(str(day)[:4]) for day in (first_day, last_day))
            off_dates, makeup_dates, missing = self._country.days(first_year, last_year)
            official_off = among(off_dates)
            makeup |= among(makeup_dates)
            if new := [year for year in missing if year not in self._warned_years]:
                self._warned_years.update(new)
                warnings.warn(
                    self._country.missing_years_message(new),
                    HolidayDataWarning,
                    stacklevel=stacklevel + 1,
                )
        # Rules applied from the weakest to the strongest, each overriding the last.
        schedule = np.where(official_off, _OFF, weekday)
        schedule = np.where(makeup, 7 + weekday, schedule)
        schedule = np.where(among(self._extra_off), _OFF, schedule)
        schedules = [*self._weekly.days, *(self._weekly.makeup_blocks(w) for w in range(7)), ()]
        return days, schedule, schedules

    def _timeline_for(self, utc_ns: np.ndarray, *, stacklevel: int) -> Timeline:
        """A timeline covering the local days of the given (valid) instants."""
        first_day, last_day = local_days(np.array([utc_ns.min(), utc_ns.max()]), self._timezone)
        cached = self._timeline
        if cached is not None and cached.covers(first_day, last_day):
            return cached
        days, schedule, schedules = self._schedules(first_day, last_day, stacklevel=stacklevel + 1)
        self._timeline = build_timeline(days, schedule, schedules, self._timezone)
        return self._timeline

    # -- public questions ---------------------------------------------------------------

    def _instants(self, values: object, where: str) -> np.ndarray:
        return to_utc_ns(as_datetime_index(values, where=where), self._timezone)

    def hours_between(self, start, end):
        """Working hours from ``start`` to ``end``, vectorised over whole columns.

        Parameters
        ----------
        start, end : Series, DatetimeIndex, array-like or scalar
            Timestamps, tz-aware (any zone; converted) or naive (read in the calendar's
            timezone), or ISO strings. A scalar pairs with every value of the other.

        Returns
        -------
        Series, ndarray or float
            Hours as floats: a Series aligned with the input when either is a Series
            (two Series are aligned on their index, as ``end - start`` would be), a
            float for two scalars, otherwise an ndarray. NaN where either is missing.
            When ``end`` is before ``start`` the result is the negative of the hours
            from ``end`` to ``start``.

        Notes
        -----
        ``worked(t)`` is the working time from a fixed origin up to instant ``t``; the
        result is ``worked(end) - worked(start)`` computed in integer nanoseconds with
        one binary search over the working blocks per timestamp (no per-row loop).

        Examples
        --------
        >>> import pandas as pd
        >>> cal = BusinessCalendar({"mon-fri": ["09:00-12:00", "13:30-18:00"],
        ...                         "sat": ["10:00-16:00"]}, holidays="CN")
        >>> created = pd.Series(pd.to_datetime(["2025-09-26 17:00", "2025-10-11 08:00", None]))
        >>> solved = pd.Series(pd.to_datetime(["2025-09-29 10:00", "2025-10-11 13:00", "2025-10-12 09:00"]))
        >>> cal.hours_between(created, solved)  # Fri->Mon: 1 + Sat 6 + make-up Sun 7.5 + 1
        0    15.5
        1     3.0
        2     NaN
        dtype: float64
        >>> # 10:00 UTC is 18:00 in Shanghai; an end before the start counts negative
        >>> cal.hours_between(pd.Timestamp("2025-10-09 10:00", tz="UTC"), "2025-10-09 09:00")
        -7.5
        """
        index = None
        if isinstance(start, pd.Series) and isinstance(end, pd.Series):
            if not start.index.equals(end.index):
                start, end = start.align(end)
            index = start.index
        elif isinstance(start, pd.Series) or isinstance(end, pd.Series):
            index = (start if isinstance(start, pd.Series) else end).index
        start_ns = self._instants(start, "start")
        end_ns = self._instants(end, "end")
        if len(start_ns) != len(end_ns) and 1 not in (len(start_ns), len(end_ns)):
            raise ValueError(f"start and end have different lengths ({len(start_ns)} and {len(end_ns)})")
        start_ns, end_ns = np.broadcast_arrays(start_ns, end_ns)
        valid = (start_ns != NAT) & (end_ns != NAT)
        hours = np.full(len(start_ns), np.nan)
        if valid.any():
            start_ns, end_ns = start_ns[valid], end_ns[valid]
            if self._elapsed_only:
                elapsed = end_ns - start_ns
            else:
                timeline = self._timeline_for(np.concatenate([start_ns, end_ns]), stacklevel=2)
                elapsed = timeline.worked_ns(end_ns) - timeline.worked_ns(start_ns)
            hours[valid] = elapsed / NS_PER_HOUR
        if index is not None:
            return pd.Series(hours, index=index, dtype="float64")
        if _is_scalar(start) and _is_scalar(end):
            return float(hours[0])
        return hours

    def is_working_time(self, timestamps):
        """Whether each timestamp falls inside a working block (``False`` for missing).

        >>> cal = BusinessCalendar({"mon-fri": ["09:00-12:00", "13:30-18:00"]}, holidays="CN")
        >>> cal.is_working_time(["2025-09-29 12:30", "2025-09-29 14:00", "2025-10-02 14:00"])
        array([False,  True, False])
        """
        utc_ns = self._instants(timestamps, "timestamps")
        valid = utc_ns != NAT
        working = np.zeros(len(utc_ns), dtype=bool)
        if valid.any():
            if self._elapsed_only:
                working[valid] = True
            else:
                working[valid] = self._timeline_for(utc_ns[valid], stacklevel=2).is_working(utc_ns[valid])
        if isinstance(timestamps, pd.Series):
            return pd.Series(working, index=timestamps.index)
        return bool(working[0]) if _is_scalar(timestamps) else working

    def working_days(self, start_date, end_date) -> pd.DatetimeIndex:
        """The local dates from ``start_date`` to ``end_date`` (inclusive) with working hours.

        >>> cal = BusinessCalendar({"mon-fri": ["09:00-18:00"]}, holidays="CN")
        >>> cal.working_days("2025-09-27", "2025-10-12").strftime("%a %m-%d").tolist()
        ['Sun 09-28', 'Mon 09-29', 'Tue 09-30', 'Thu 10-09', 'Fri 10-10', 'Sat 10-11']
        """
        first_day, last_day = (np.datetime64(pd.Timestamp(d).date(), "D") for d in (start_date, end_date))
        if last_day < first_day:
            return pd.DatetimeIndex([])
        days, schedule, schedules = self._schedules(first_day, last_day, stacklevel=2)
        has_hours = np.array([bool(blocks) for blocks in schedules])[schedule]
        return pd.DatetimeIndex(days[has_hours].astype("M8[ns]"))
