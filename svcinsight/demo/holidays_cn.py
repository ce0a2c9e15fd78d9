"""Mainland-China public holidays 2025-2026, as the demo data's working calendar.

Transcribed from the State Council General Office notices:

* 国务院办公厅关于2025年部分节假日安排的通知 (12 November 2024),
  https://www.gov.cn/zhengce/content/202411/content_6986382.htm
* 国务院办公厅关于2026年部分节假日安排的通知 (4 November 2025),
  https://www.gov.cn/zhengce/content/202511/content_7047090.htm

Days off (放假) include the weekend days inside a holiday block; make-up working days
(调休上班) are Saturdays or Sundays worked instead and count as ordinary working days.
Only what the demo needs lives here; the library's business calendar is
:mod:`svcinsight.calendar`.

Examples
--------
>>> import pandas as pd
>>> from svcinsight.demo import holidays_cn
>>> days = pd.to_datetime(["2025-09-26", "2025-09-27", "2025-09-28", "2025-10-01"])
>>> holidays_cn.day_kinds(days).tolist()  # Fri, Sat, make-up Sunday, National Day
[0, 1, 0, 2]
>>> holidays_cn.HOLIDAYS[pd.Timestamp("2026-02-17").date()]
'Spring Festival'
"""

from __future__ import annotations

import datetime as dt
import warnings
from types import MappingProxyType

import numpy as np
import pandas as pd

#: Day kinds returned by :func:`day_kinds`.
WORKDAY, WEEKEND, HOLIDAY = 0, 1, 2

#: Years whose notices are transcribed below.
YEARS_COVERED: tuple[int, ...] = (2025, 2026)

# (name, first day off, last day off, make-up working days)
_BLOCKS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("New Year's Day", "2025-01-01", "2025-01-01", ()),
    ("Spring Festival", "2025-01-28", "2025-02-04", ("2025-01-26", "2025-02-08")),
    ("Qingming Festival", "2025-04-04", "2025-04-06", ()),
    ("Labour Day", "2025-05-01", "2025-05-05", ("2025-04-27",)),
    ("Dragon Boat Festival", "2025-05-31", "2025-06-02", ()),
    ("National Day and Mid-Autumn Festival", "2025-10-01", "2025-10-08",
     ("2025-09-28", "2025-10-11")),
    ("New Year's Day", "2026-01-01", "2026-01-03", ("2026-01-04",)),
    ("Spring Festival", "2026-02-15", "2026-02-23", ("2026-02-14", "2026-02-28")),
    ("Qingming Festival", "2026-04-04", "2026-04-06", ()),
    ("Labour Day", "2026-05-01", "2026-05-05", ("2026-05-09",)),
    ("Dragon Boat Festival", "2026-06-19", "2026-06-21", ()),
    ("Mid-Autumn Festival", "2026-09-25", "2026-09-27", ()),
    ("National Day", "2026-10-01", "2026-10-07", ("2026-09-20", "2026-10-10")),
)

#: Day off -> holiday name.
HOLIDAYS: MappingProxyType[dt.date, str] = MappingProxyType({
    day.date(): name
    for name, first, last, _ in _BLOCKS
    for day in pd.date_range(first, last, freq="D")
})

#: Weekend days that are working days.
MAKEUP_WORKDAYS: frozenset[dt.date] = frozenset(
    dt.date.fromisoformat(day) for *_, makeup in _BLOCKS for day in makeup
)


def day_kinds(days: pd.DatetimeIndex, *, warn_years: bool = True) -> np.ndarray:
    """Kind of each day: 0 working day, 1 weekend, 2 public holiday (day off).

    Years outside :data:`YEARS_COVERED` fall back to plain weekends, with a warning
    unless ``warn_years`` is false.
    """
    days = pd.DatetimeIndex(days).normalize()
    kinds = np.where(days.day_of_week >= 5, WEEKEND, WORKDAY)
    dates = days.date
    kinds[np.fromiter((d in MAKEUP_WORKDAYS for d in dates), bool, len(dates))] = WORKDAY
    kinds[np.fromiter((d in HOLIDAYS for d in dates), bool, len(dates))] = HOLIDAY
    missing = sorted(set(days.year) - set(YEARS_COVERED))
    if warn_years and missing:
        warnings.warn(
            f"no mainland-China holiday data for {missing}; those years use weekends only",
            UserWarning,
            stacklevel=2,
        )
    return kinds.astype(np.int8)
