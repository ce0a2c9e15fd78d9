"""Daily orders per unit, to normalise complaint counts by.

Level = orders per ticket x the unit's average tickets per day, times the unit's weekly
pattern (make-up working days count as an average working day), its public-holiday
factor, its sales campaigns, the common growth and daily noise.

Examples
--------
>>> import svcinsight as si
>>> o = si.demo.generate(seed=0, months=1, tickets_per_month=20, units=["finance"]).orders
>>> len(o), str(o["date"].dtype), str(o["orders"].dtype)
(30, 'datetime64[ns]', 'Int64')
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from svcinsight.demo import holidays_cn
from svcinsight.demo.arrivals import CommonShocks, campaign_factor
from svcinsight.demo.clock import Span, WorkCalendar
from svcinsight.demo.profiles import Unit


def order_frame(
    unit: Unit, span: Span, calendar: WorkCalendar, shocks: CommonShocks,
    tickets_per_month: float, rng: np.random.Generator,
) -> pd.DataFrame:
    """One row per day of the span for the unit."""
    dates = span.dates()
    kinds = calendar.kinds[: span.days]
    weekly = np.asarray(unit.orders_weekly, dtype=float)
    level = weekly[dates.day_of_week.to_numpy()]
    level[(dates.day_of_week >= 5) & (kinds == holidays_cn.WORKDAY)] = weekly[:5].mean()
    level[kinds == holidays_cn.HOLIDAY] = unit.orders_holiday
    level *= campaign_factor(unit, dates) * shocks.volume[: span.days]
    per_day = tickets_per_month * unit.volume * 12 / 365.25 * unit.orders_per_ticket
    expected = per_day * level * np.exp(rng.normal(0, 0.05, span.days))
    return pd.DataFrame({
        "business_unit": unit.id,
        "date": dates.as_unit("ns"),
        "orders": rng.poisson(expected),
    })
