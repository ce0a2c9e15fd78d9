"""The before and after windows of a pilot: whole weeks on either side of its start.

A window is a half-open interval ``[start, end)`` of local time. By default both
windows have the same number of whole weeks, as many as the data allows on the
shorter side, so that each holds every weekday equally often: contact volumes and
handling times have a strong weekly rhythm, and a window with one Monday more than the
other would carry it into the comparison.

Examples
--------
>>> import pandas as pd
>>> stamps = pd.Series(pd.date_range("2026-04-20", "2026-07-31 18:00", freq="5h", tz="Asia/Shanghai"))
>>> w = pilot_windows(stamps, pilot_start="2026-06-01")
>>> print(w)
pre 2026-04-20 to 2026-05-31 (6 weeks); post 2026-06-01 to 2026-07-12 (6 weeks)
>>> w = pilot_windows(stamps, pilot_start="2026-06-01", pre="4W", post=("2026-06-08", "2026-07-05"))
>>> w.pre.first_day, w.post.first_day, w.post.last_day
('2026-05-04', '2026-06-08', '2026-07-05')
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from svcinsight import config

DAY = pd.Timedelta(days=1)
WEEK = pd.Timedelta(days=7)


@dataclass(frozen=True)
class Window:
    """A half-open interval of local time, ``[start, end)``.

    Attributes
    ----------
    label : str
        ``"pre"`` or ``"post"``.
    start, end : pandas.Timestamp
        Timezone-aware bounds; ``end`` is excluded.
    """

    label: str
    start: pd.Timestamp
    end: pd.Timestamp

    @property
    def length(self) -> pd.Timedelta:
        return self.end - self.start

    @property
    def days(self) -> float:
        """Length in days (whole unless the window was given with times of day)."""
        return self.length / DAY

    @property
    def weeks(self) -> float:
        return self.length / WEEK

    @property
    def first_day(self) -> str:
        return self.start.strftime("%Y-%m-%d")

    @property
    def last_day(self) -> str:
        """The last local day inside the window (``end`` itself is excluded)."""
        return (self.end - pd.Timedelta(microseconds=1)).strftime("%Y-%m-%d")

    def dates(self) -> pd.DatetimeIndex:
        """The local calendar days the window covers (naive dates)."""
        first = self.start.tz_localize(None).normalize()
        last = (self.end - pd.Timedelta(microseconds=1)).tz_localize(None).normalize()
        return pd.date_range(first, last, freq="D")

    def contains(self, stamps: pd.Series) -> pd.Series:
        """Whether each timestamp falls inside the window (missing ones do not)."""
        return ((stamps >= self.start) & (stamps < self.end)).fillna(False).astype(bool)

    def __str__(self) -> str:
        weeks = self.weeks
        size = f"{weeks:g} weeks" if float(weeks).is_integer() else f"{self.days:.3g} days"
        return f"{self.label} {self.first_day} to {self.last_day} ({size})"


@dataclass(frozen=True)
class PilotWindows:
    """The pre and post windows of a pilot and its start."""

    pre: Window
    post: Window
    pilot_start: pd.Timestamp

    def assign(self, stamps: pd.Series) -> pd.Series:
        """``"pre"``, ``"post"`` or missing for each timestamp."""
        out = pd.Series(pd.NA, index=stamps.index, dtype="string")
        out[self.pre.contains(stamps)] = "pre"
        out[self.post.contains(stamps)] = "post"
        return out

    def to_frame(self, language: str = "en") -> pd.DataFrame:
        """One row per window: first and last day, days, weeks."""
        zh = language == "zh"
        names = {"pre": "试点前" if zh else "before", "post": "试点后" if zh else "after"}
        columns = (["窗口", "起始日", "结束日", "天数"] if zh
                   else ["window", "first day", "last day", "days"])
        rows = [[names[w.label], w.first_day, w.last_day, w.days] for w in (self.pre, self.post)]
        return pd.DataFrame(rows, columns=columns)

    def __str__(self) -> str:
        return f"{self.pre}; {self.post}"


def _timestamp(value, tz, name: str) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a date or timestamp, not {value!r}") from None
    if stamp is pd.NaT:
        raise ValueError(f"{name} is missing")
    if stamp.tzinfo is None:
        return stamp.tz_localize(tz)
    return stamp.tz_convert(tz)


def _length(spec, name: str) -> pd.Timedelta:
    """``8`` (weeks), ``"8W"``, ``"56D"`` or a Timedelta as a length."""
    if isinstance(spec, bool):
        raise TypeError(f"{name} must be a number of weeks, a length like '8W' or a (first, last) pair")
    if isinstance(spec, (int, np.integer)):
        length = int(spec) * WEEK
    else:
        try:
            length = pd.Timedelta(spec)
        except (TypeError, ValueError):
            raise ValueError(
                f"{name}={spec!r}: give a number of weeks, a length like '8W' or '56D', or a "
                "(first day, last day) pair") from None
    if length <= pd.Timedelta(0):
        raise ValueError(f"{name} must be a positive length, not {spec!r}")
    return length


def _is_pair(spec) -> bool:
    return isinstance(spec, (tuple, list)) and len(spec) == 2


def _pair(spec, tz, name: str, label: str) -> Window:
    """A (first day, last day) pair, both days included."""
    first, last = (_timestamp(v, tz, name) for v in spec)
    start = first.normalize() if _is_date(spec[0]) else first
    end = last.normalize() + DAY if _is_date(spec[1]) else last
    if end <= start:
        raise ValueError(f"{name}: the window {spec[0]} to {spec[1]} is empty")
    return Window(label, start, end)


def _is_date(value) -> bool:
    """A value that names a day (not an instant): a date or a date-only string."""
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return pd.Timestamp(value) == pd.Timestamp(value).normalize()
    if isinstance(value, dt.date):
        return True
    return isinstance(value, str) and len(value.strip()) <= 10


def pilot_windows(stamps: pd.Series, *, pilot_start, pre=None, post=None, pilot_end=None,
                  timezone: str | None = None) -> PilotWindows:
    """Choose the before and after windows of a pilot from the data's time span.

    Parameters
    ----------
    stamps : Series of timestamps
        The times that place rows into windows (``created_at`` of tickets,
        ``submitted_at`` of feedback); they bound the windows.
    pilot_start : date, str or Timestamp
        First day (or instant) of the pilot; a date means local midnight.
    pre, post : optional
        Each ``None`` (default), a length (a number of weeks, ``"8W"``, ``"56D"``, a
        Timedelta) or a ``(first day, last day)`` pair with both days included. A
        length places the window against ``pilot_start``: ``pre`` ends at it and
        ``post`` starts at it. ``None`` takes the other window's length, or if both are
        ``None`` the whole weeks both sides of ``pilot_start`` have data for.
    pilot_end : date, optional
        Last day of the pilot (included); the post window does not run past it.
    timezone : str, optional
        Timezone of naive dates; default the timestamps' own, else Asia/Shanghai.

    Returns
    -------
    PilotWindows

    Raises
    ------
    ValueError
        When a side has less than a week of data, or a window given as a pair lies on
        the wrong side of ``pilot_start``.

    Notes
    -----
    The data's span runs from local midnight of its first day to the end of its last
    day (a data set extracted mid-day has a short last day; give ``post`` explicitly if
    that matters); a window given as a length is cut to that span and then to whole weeks, so that the
    two windows always hold each weekday equally often. A pair is used as given
    (a design check then reports any weekday or holiday imbalance).

    Examples
    --------
    >>> import pandas as pd
    >>> stamps = pd.Series(pd.date_range("2026-05-01", "2026-06-30", freq="D", tz="Asia/Shanghai"))
    >>> w = pilot_windows(stamps, pilot_start="2026-06-01")
    >>> w.pre.first_day, w.pre.last_day, w.post.last_day, w.post.weeks
    ('2026-05-04', '2026-05-31', '2026-06-28', 4.0)
    """
    tz = timezone or getattr(stamps.dt, "tz", None) or config.DEFAULT_TIMEZONE
    start = _timestamp(pilot_start, tz, "pilot_start")
    known = stamps.dropna()
    if known.empty:
        raise ValueError("no timestamps to place the windows in")
    data_first = known.min().tz_convert(tz).normalize()
    data_end = known.max().tz_convert(tz).normalize() + DAY
    if pilot_end is not None:
        end_stamp = _timestamp(pilot_end, tz, "pilot_end")
        end = end_stamp.normalize() + DAY if _is_date(pilot_end) else end_stamp
        if end <= start:
            raise ValueError(f"pilot_end {pilot_end} is not after pilot_start {pilot_start}")
        data_end = min(data_end, end)
    room_pre, room_post = start - data_first, data_end - start

    if _is_pair(post):
        post_window = _pair(post, tz, "post", "post")
        if post_window.start < start:
            raise ValueError(f"post window starts {post_window.first_day}, before the pilot starts")
    if _is_pair(pre):
        pre_window = _pair(pre, tz, "pre", "pre")
        if pre_window.end > start:
            raise ValueError(f"pre window ends {pre_window.last_day}, after the pilot started")

    def fitted(spec, room: pd.Timedelta, name: str) -> pd.Timedelta:
        length = min(_length(spec, name), room)
        return _whole_weeks(length, name)

    if not _is_pair(post):
        if post is not None:
            length = fitted(post, room_post, "post")
        elif _is_pair(pre):
            length = _whole_weeks(min(pre_window.length, room_post), "post")
        elif pre is not None:
            length = fitted(pre, min(room_pre, room_post), "post")
        else:
            length = _whole_weeks(min(room_pre, room_post), "post")
        post_window = Window("post", start, start + length)
    if not _is_pair(pre):
        if pre is not None:
            length = fitted(pre, room_pre, "pre")
        else:
            length = _whole_weeks(min(post_window.length, room_pre), "pre")
        pre_window = Window("pre", start - length, start)
    return PilotWindows(pre=pre_window, post=post_window, pilot_start=start)


def _whole_weeks(length: pd.Timedelta, name: str) -> pd.Timedelta:
    weeks = math.floor(length / WEEK + 1e-9)
    if weeks < 1:
        raise ValueError(
            f"the {name} window would be shorter than a week ({length / DAY:.1f} days of data "
            f"on that side of the pilot start)")
    return weeks * WEEK
