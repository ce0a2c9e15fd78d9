"""Official days off and make-up working days from the ``holidays`` package, and when
its data runs out.

Mainland China moves working days every year: the State Council's notice (published
each November for the next year) turns some weekdays into days off and some weekend
days into working days (调休). The ``holidays`` package transcribes those notices:
``holidays.China(years=...)`` lists the days off (statutory days plus the "Day off
(substituted from ...)" entries) and its ``weekend_workdays`` attribute holds the
make-up working days. For a year whose notice it has not transcribed, the package does
not fail: it still returns the statutory days, plus days moved by a weekend rule that
is not what the State Council does, and no make-up working days. So "no data" cannot be
read from an empty result; this module decides it as follows.

* Countries that reschedule working days by a yearly decree
  (:data:`YEARLY_SCHEDULE_COUNTRIES`): the package's schedule is data only for the
  years its transcribed yearly schedules span (``special_public_holidays``, for China
  2001-2026 in ``holidays`` 0.109). Later (or earlier) years are "no data".
* Every country: years outside the package's ``start_year``-``end_year`` are "no data".

For a no-data year the guesses are dropped and what the law fixes is kept: the
statutory public holidays (the package with ``observed=False``: for China New Year's
Day, Spring Festival eve and days 1-3, Qingming, May 1-2, Dragon Boat, Mid-Autumn,
October 1-3) are days off, and there are no moved days off and no make-up working days
beyond the user's own. A :class:`HolidayDataWarning` names the year, once per calendar.
Upgrading ``holidays`` extends the known years without a code change.

Examples
--------
>>> cn = CountryHolidays("CN")
>>> cn.known_years[0] <= 2025 and cn.known_years[1] >= 2026
True
>>> days_off, makeup, missing = cn.days(2025, 2025)
>>> import datetime as dt
>>> dt.date(2025, 10, 8) in days_off, dt.date(2025, 9, 28) in makeup, missing
(True, True, [])
"""

from __future__ import annotations

import datetime as dt

#: Countries whose working calendar is rearranged by a yearly decree (days off moved,
#: weekend days worked instead), so that a year the package has not transcribed is
#: unknown rather than rule-based. Codes as the ``holidays`` package spells them.
YEARLY_SCHEDULE_COUNTRIES: frozenset[str] = frozenset({"CN", "VN", "RU", "BY", "KZ", "UZ"})


class HolidayDataWarning(UserWarning):
    """The holiday package has no official schedule for a year the data touches."""


def _years_text(years: list[int]) -> str:
    """``[2027, 2028, 2029, 2031]`` -> ``'2027-2029, 2031'``."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][1] + 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


class CountryHolidays:
    """One country's official days off and make-up working days, cached by year.

    Parameters
    ----------
    code : str
        A country code the ``holidays`` package knows (``"CN"``, ``"US"``, ``"DE"`` ...),
        case-insensitive.

    Raises
    ------
    ValueError
        When the package does not know the code.
    """

    def __init__(self, code: str) -> None:
        import holidays

        if not isinstance(code, str) or not code.strip():
            raise ValueError(f"holidays: expected a country code like 'CN', got {code!r}")
        self.code = code.strip().upper()
        try:
            entity = holidays.country_holidays(self.code, years=[])
        except NotImplementedError:
            raise ValueError(
                f"holidays: unknown country code {code!r} "
                "(the holidays package knows ISO codes like 'CN', 'US', 'DE'; "
                "see holidays.list_supported_countries())"
            ) from None
        self.package_version: str = holidays.__version__
        first, last = entity.start_year, entity.end_year
        self._package_years = (first, last)
        scheduled = getattr(entity, "special_public_holidays", None) or {}
        if getattr(entity, "country", self.code) in YEARLY_SCHEDULE_COUNTRIES and scheduled:
            first, last = max(first, min(scheduled)), min(last, max(scheduled))
        #: First and last year the package has data for (inclusive).
        self.known_years: tuple[int, int] = (first, last)
        self._by_year: dict[int, tuple[frozenset[dt.date], frozenset[dt.date]]] = {}

    def has_year(self, year: int) -> bool:
        return self.known_years[0] <= year <= self.known_years[1]

    def days(self, first_year: int, last_year: int) -> tuple[set[dt.date], set[dt.date], list[int]]:
        """Days off, make-up working days, and the years without data, for a span of years."""
        years = range(first_year, last_year + 1)
        self._read([y for y in years if y not in self._by_year])
        days_off: set[dt.date] = set()
        makeup: set[dt.date] = set()
        for year in years:
            days_off |= self._by_year[year][0]
            makeup |= self._by_year[year][1]
        return days_off, makeup, [y for y in years if not self.has_year(y)]

    def _read(self, years: list[int]) -> None:
        import holidays

        known = [y for y in years if self.has_year(y)]
        if known:
            # A year's notice can name a make-up day in late December of the year before,
            # so each year is read together with the next one.
            read = sorted({y for k in known for y in (k, k + 1) if self.has_year(y)})
            entity = holidays.country_holidays(self.code, years=read)
            for year in known:
                off = frozenset(d for d in entity if d.year == year)
                makeup = frozenset(d for d in entity.weekend_workdays if d.year == year)
                self._by_year[year] = (off, makeup - off)
        for year in years:
            if year in self._by_year:
                continue
            statutory: frozenset[dt.date] = frozenset()
            if self._package_years[0] <= year <= self._package_years[1]:
                # observed=False: only the days the law fixes, none of the package's
                # rule-based moves, which are not how a yearly decree moves them.
                entity = holidays.country_holidays(self.code, years=year, observed=False)
                statutory = frozenset(d for d in entity if d.year == year)
            self._by_year[year] = (statutory, frozenset())

    def missing_years_message(self, years: list[int]) -> str:
        first, last = self.known_years
        return (
            f"BusinessCalendar(holidays={self.code!r}): the holidays package "
            f"{self.package_version} has no official {self.code} holiday schedule for "
            f"{_years_text(years)} (its data covers {first}-{last}); those years use the weekly "
            "hours, the statutory public holidays only (no moved days off, no make-up "
            "working days) and extra_holidays/extra_workdays. Once the schedule is "
            "published, add its moved days off and make-up working days to "
            "extra_holidays/extra_workdays, or upgrade the holidays package."
        )
