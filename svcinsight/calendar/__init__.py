"""Business-hours clock: weekly working blocks, public holidays with make-up working
days, dated exceptions and a timezone; durations computed over whole columns at once.

>>> from svcinsight.calendar import BusinessCalendar
>>> cal = BusinessCalendar({"mon-fri": [("09:00", "12:00"), ("13:30", "18:00")]}, holidays="CN")
>>> cal.hours_between("2025-09-30 17:00", "2025-10-09 10:00")  # National Day week off
2.0

Modules: :mod:`~svcinsight.calendar.business` (the calendar and its day rules),
:mod:`~svcinsight.calendar.weekly` (parsing weekly hours),
:mod:`~svcinsight.calendar.holiday_data` (official days from the ``holidays`` package and
when its data runs out), :mod:`~svcinsight.calendar.timeline` (the vectorised core).
"""

from __future__ import annotations

from svcinsight.calendar.business import BusinessCalendar
from svcinsight.calendar.holiday_data import HolidayDataWarning

__all__ = ["BusinessCalendar", "HolidayDataWarning"]
