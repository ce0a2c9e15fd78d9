"""How much history a monthly report reads: the rule, in one place, for the raw
sources (applied to the loaded tables) and the staged store (turned into the
partitions and row filters a read asks for).

The rule, for report month ``M`` and the window's first month ``F``:

* ``F`` is ``M`` minus :data:`TREND_MONTHS` (13): the report shows 13 months of
  trends, and the earliest of them needs the month before for its change. A goal whose
  ``start`` is earlier moves ``F`` back to it (its baseline and progress are measured
  from there); a goal without a ``start`` measures from the unit's first month, so the
  whole history is read.
* **tickets** created in months ``F`` to ``M``, and those created earlier that were
  not yet resolved when ``F`` began (``resolved_at`` missing or at or after the start
  of ``F``): they are the backlog at every period end of the window, and the ones
  resolved in it. Tickets created after ``M`` are not read (the report's as-of time
  is at most the end of ``M``; the data's latest time comes from the whole history).
* **events** follow their tickets; **feedback** submitted in ``F`` to ``M`` (feedback
  without a submission time is in no period); **orders** dated ``F`` to ``M``.

Every number the report shows comes from tickets and answers of the window's periods
and, for the backlog, from tickets still open in it. Three things look at the whole
history and are taken from it in both ways of reading: the data's as-of time (its
latest timestamp), the monthly volume chart (the created time of every ticket) and
the scope table's row counts.

Examples
--------
>>> import pandas as pd
>>> w = ReportWindow.for_month("2026-10", goals=[{"metric": "fcr_rate", "start": "2025-06"}])
>>> str(w.first), str(w.last)
('2025-06', '2026-10')
>>> ReportWindow.for_month("2026-10", goals=[{"metric": "fcr_rate"}]).first is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from svcinsight.dataset import Dataset
from svcinsight.unit.params import ParamsError

#: Months before the report month a report reads in full: twelve more months of trend
#: and the month the earliest of them is compared with.
TREND_MONTHS = 13


@dataclass(frozen=True)
class ReportWindow:
    """The months a unit's report reads: ``first`` (``None``: from the beginning) to
    ``last`` (the report month), both included."""

    first: pd.Period | None
    last: pd.Period

    @classmethod
    def for_month(cls, month, *, goals=(), trend_months: int = TREND_MONTHS) -> ReportWindow:
        """The window of the report for ``month`` (``YYYY-MM`` or a monthly Period)."""
        last = pd.Period(month, freq="M")
        first = last - trend_months
        for goal in goals:
            start = goal.get("start") if isinstance(goal, dict) else getattr(goal, "start", None)
            if start is None:
                return cls(first=None, last=last)
            first = min(first, pd.Period(start, freq="M"))
        return cls(first=first, last=last)

    def first_instant(self, timezone: str) -> pd.Timestamp | None:
        """Local midnight starting the first month (``None`` for the whole history)."""
        return None if self.first is None else self.first.start_time.tz_localize(timezone)

    def months_from(self) -> str | None:
        """The first month as ``YYYY-MM`` (partition names compare as text)."""
        return None if self.first is None else str(self.first)


def local_month(stamps: pd.Series) -> pd.Series:
    """``YYYY-MM`` of each timestamp in its own (local) time; missing stays missing.

    >>> s = pd.Series(pd.to_datetime(["2026-09-30 23:30", None]).tz_localize("Asia/Shanghai"))
    >>> local_month(s).tolist()
    ['2026-09', <NA>]
    """
    if isinstance(stamps.dtype, pd.DatetimeTZDtype):
        stamps = stamps.dt.tz_localize(None)
    values = pd.to_datetime(stamps).to_numpy(dtype="datetime64[ns]").astype("datetime64[M]")
    # a few distinct months: format each once
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    names = pd.array([str(u)[:7] for u in uniques] + [pd.NA], dtype="string")
    return pd.Series(names[codes], index=stamps.index, dtype="string")


def _in_months(stamps: pd.Series, window: ReportWindow) -> pd.Series:
    """Whether each (local) timestamp or date falls in the window's months."""
    tz = getattr(stamps.dt, "tz", None)
    def bound(period):
        stamp = period.start_time
        return stamp.tz_localize(tz) if tz is not None else stamp
    keep = stamps < bound(window.last + 1)
    if window.first is not None:
        keep &= stamps >= bound(window.first)
    return keep.fillna(False).astype(bool)


def carried_over(tickets: pd.DataFrame, window: ReportWindow) -> pd.Series:
    """Tickets created before the window that were still unresolved when it began."""
    if window.first is None:
        return pd.Series(False, index=tickets.index)
    start = window.first_instant(str(tickets["created_at"].dt.tz))
    before = (tickets["created_at"] < start).fillna(False).astype(bool)
    if "resolved_at" not in tickets.columns:
        return before
    open_then = tickets["resolved_at"].isna() | (tickets["resolved_at"] >= start).fillna(False).astype(bool)
    return before & open_then.astype(bool)


def trim(data: Dataset, window: ReportWindow) -> Dataset:
    """The rows of ``data`` the report for ``window`` reads (see the module's rule); row
    order and dtypes as in ``data``, a fresh index.

    >>> import svcinsight as si
    >>> ds = si.demo.generate(seed=1, months=20, start="2025-01-01", tickets_per_month=30, units=["finance"])
    >>> small = trim(ds, ReportWindow.for_month("2026-06"))
    >>> small.tickets["created_at"].max() < pd.Timestamp("2026-07-01", tz="Asia/Shanghai")
    True
    >>> bool(small.events["ticket_id"].isin(small.tickets["ticket_id"]).all())
    True
    """
    t = data.tickets
    tickets = t[_in_months(t["created_at"], window) | carried_over(t, window)]
    tables = {"tickets": tickets.reset_index(drop=True)}
    if data.events is not None:
        ids = pd.Index(tickets["ticket_id"])
        tables["events"] = data.events[data.events["ticket_id"].isin(ids)].reset_index(drop=True)
    if data.feedback is not None:
        fb = data.feedback
        keep = (_in_months(fb["submitted_at"], window) if "submitted_at" in fb.columns
                else pd.Series(True, index=fb.index))
        tables["feedback"] = fb[keep].reset_index(drop=True)
    if data.orders is not None:
        orders = data.orders
        keep = (_in_months(orders["date"], window) if "date" in orders.columns
                else pd.Series(True, index=orders.index))
        tables["orders"] = orders[keep].reset_index(drop=True)
    return Dataset(**tables)


def parse_month(month: str | pd.Period) -> pd.Period:
    """A ``YYYY-MM`` month (pandas alone would read "October" as October of year 1)."""
    if isinstance(month, pd.Period):
        return month.asfreq("M")
    if not isinstance(month, str) or not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month.strip()):
        raise ParamsError(f"month must look like YYYY-MM, got {month!r}")
    return pd.Period(month.strip(), freq="M")
