"""When contacts arrive: daily volume and time of day.

Daily volume = a unit's level x weekly pattern (fewer contacts at weekends; make-up
working days count as working days) x public holidays (fewer contacts, then a surge on
the first working days after a long break) x its sales campaigns x common shocks shared
by every unit. Time of day follows the channel: phone and chat in opening hours, busiest
9-12 and 14-18; e-mail, app and social around the clock, quieter at night.

Examples
--------
>>> from svcinsight.demo import arrivals
>>> float(arrivals.HOURLY["phone"][:8].sum()), round(float(arrivals.HOURLY["email"].sum()), 6)
(0.0, 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from svcinsight.demo import holidays_cn
from svcinsight.demo.clock import DAY, HOUR, Span, WorkCalendar
from svcinsight.demo.profiles import CHANNELS, Unit


def _shape(weights: list[float]) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    return weights / weights.sum()


_PHONE = [0, 0, 0, 0, 0, 0, 0, 0, .5, 1.0, 1.2, 1.1, .6, .7, 1.0, 1.1, 1.05, .9, .6, .5, 0, 0, 0, 0]
_CHAT = [0, 0, 0, 0, 0, 0, 0, 0, .4, .9, 1.1, 1.0, .7, .8, 1.0, 1.1, 1.0, .9, .7, .6, .55, .45,
         0, 0]
_STORE = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, .8, 1.0, .9, .8, .9, 1.0, 1.0, .9, .8, .7, .5, 0, 0, 0]
_ANYTIME = [.12, .08, .05, .04, .04, .06, .15, .35, .6, .9, 1.0, .95, .7, .75, .9, .95, .9, .8,
            .7, .75, .8, .7, .5, .25]

#: Share of a channel's contacts in each local hour 0..23.
HOURLY = MappingProxyType({
    "phone": _shape(_PHONE), "chat": _shape(_CHAT), "store": _shape(_STORE),
    "email": _shape(_ANYTIME), "app": _shape(_ANYTIME), "social": _shape(_ANYTIME),
})

# Relative volume Monday..Friday; weekends are set per unit.
_WEEKDAYS = np.array([1.12, 1.04, 1.0, 0.98, 0.94])
_SATURDAY_OVER_SUNDAY = 1.1
#: A CRM outage that slows every unit for three days (a common shock).
OUTAGE = (pd.Timestamp("2026-03-10"), pd.Timestamp("2026-03-12"))


@dataclass(frozen=True)
class CommonShocks:
    """Day-by-day multipliers every unit shares, so controls carry the same shocks."""

    #: On contact volume: general growth and day-to-day noise.
    volume: np.ndarray
    #: On queue and work times: month-to-month pressure and the outage.
    pressure: np.ndarray


def common_shocks(span: Span, calendar: WorkCalendar, rng: np.random.Generator) -> CommonShocks:
    """Growth of 0.5% a month with daily noise (sigma 0.07) on volume; monthly pressure
    (sigma 0.04) and the outage on handling times."""
    n_days = len(calendar.kinds)
    dates = span.dates(n_days - span.days)
    months_in = (dates.year - span.start.year) * 12 + dates.month - span.start.month
    volume = (1 + 0.005 * months_in.to_numpy()) * np.exp(rng.normal(0, 0.07, n_days))
    month_pressure = np.exp(rng.normal(0, 0.04, months_in.max() + 1))
    pressure = month_pressure[months_in.to_numpy()]
    pressure[(dates >= OUTAGE[0]) & (dates <= OUTAGE[1])] *= 1.8
    return CommonShocks(volume=volume, pressure=pressure)


def campaign_factor(unit: Unit, dates: pd.DatetimeIndex) -> np.ndarray:
    """Order multiplier of the unit's sales campaigns on each date."""
    factor = np.ones(len(dates))
    for month, first, last, multiplier in unit.campaigns:
        on = (dates.month == month) & (dates.day >= first) & (dates.day <= last)
        factor[on] = multiplier
    return factor


def expected_daily(
    unit: Unit, span: Span, calendar: WorkCalendar, shocks: CommonShocks,
    total: float, rng: np.random.Generator,
) -> np.ndarray:
    """Expected tickets on each day of the span, summing to ``total``."""
    dates = span.dates()
    kinds = calendar.kinds[: span.days]
    dow = dates.day_of_week.to_numpy()
    level = np.where(dow < 5, _WEEKDAYS[np.minimum(dow, 4)], 0.0)
    weekend = unit.weekend_volume * np.where(dow == 5, 2 * _SATURDAY_OVER_SUNDAY, 2) / (
        1 + _SATURDAY_OVER_SUNDAY
    )
    level = np.where(dow >= 5, weekend, level)
    level[(dow >= 5) & (kinds == holidays_cn.WORKDAY)] = 0.95  # make-up working day
    level[kinds == holidays_cn.HOLIDAY] = unit.holiday_volume
    level *= _after_break_surge(calendar.kinds)[: span.days]
    # Contacts follow orders a few days later (deliveries, then returns), damped.
    lagged = campaign_factor(unit, dates - pd.Timedelta(days=3))
    level *= 1 + 0.5 * (lagged - 1)
    level *= shocks.volume[: span.days] * np.exp(rng.normal(0, 0.08, span.days))
    return total * level / level.sum()


def _after_break_surge(kinds: np.ndarray) -> np.ndarray:
    """1.25 on the first two working days after three or more days off in a row."""
    surge = np.ones(len(kinds))
    days_off = last_break = 0
    worked_since_break = 0
    for day, kind in enumerate(kinds):
        if kind != holidays_cn.WORKDAY:
            days_off += 1
            continue
        if days_off:
            last_break, days_off, worked_since_break = days_off, 0, 0
        if last_break >= 3 and worked_since_break < 2:
            surge[day] = 1.25
        worked_since_break += 1
    return surge


def creation_times(
    counts: np.ndarray, channels: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Local seconds since the span start for tickets of the given channels, per-day ``counts``."""
    day = np.repeat(np.arange(len(counts)), counts)
    hour = np.empty(len(day), dtype=float)
    for code, name in enumerate(CHANNELS):
        on = channels == code
        hour[on] = rng.choice(24, size=int(on.sum()), p=HOURLY[name])
    return day * DAY + hour * HOUR + np.floor(rng.uniform(0, HOUR, len(day)))
