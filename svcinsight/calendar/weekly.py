"""Weekly working hours: several blocks a day, written the way people write them.

A schedule maps day names to blocks of local wall-clock time::

    {"mon-fri": [("09:00", "12:00"), ("13:30", "18:00")], "sat": ["10:00-16:00"]}

Keys are a day (``mon`` ... ``sun`` or the full name), a range (``mon-fri``, also
wrapping like ``fri-mon``) or a comma list (``sat,sun``). A block is a pair of times or
one ``"HH:MM-HH:MM"`` string; times are ``HH:MM`` or ``HH:MM:SS``, and ``24:00`` may
end a block. Days not named have no working hours. A block cannot cross midnight:
``22:00-24:00`` on one day and ``00:00-06:00`` on the next say the same thing.

Examples
--------
>>> week = parse_weekly_hours({"mon-fri": [("09:00", "12:00"), ("13:30", "18:00")]})
>>> week.days[0]  # Monday, seconds after local midnight
((32400, 43200), (48600, 64800))
>>> week.days[5]  # Saturday
()
>>> week.describe()
{'mon-fri': ['09:00-12:00', '13:30-18:00']}
"""

# Every invalid setting raises ValueError, wrong type or not, so that callers (from_params,
# the report's params validation) catch one kind of error whose message names the key.
# ruff: noqa: TRY004

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

#: Day names, Monday first (Python's ``date.weekday()`` order).
DAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_NUMBER = {name: i for names in (DAY_NAMES, _FULL_NAMES) for i, name in enumerate(names)}
_DAY_NUMBER.update({"tues": 1, "wednes": 2, "thur": 3, "thurs": 3})

_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_DAY_SECONDS = 24 * 3600

#: A block of working time: seconds after local midnight, start inclusive, end exclusive.
Block = tuple[int, int]


@dataclass(frozen=True)
class WeeklyHours:
    """Working blocks for each weekday, Monday first, sorted and non-overlapping."""

    days: tuple[tuple[Block, ...], ...]

    @property
    def standard_weekday(self) -> tuple[Block, ...]:
        """Blocks worked on a make-up working day that falls on a weekend.

        The most common non-empty Monday-Friday schedule (ties go to the earliest day),
        or no blocks when no weekday has working hours.
        """
        weekdays = [blocks for blocks in self.days[:5] if blocks]
        if not weekdays:
            return ()
        counts = Counter(weekdays)
        # max() keeps the first of equal counts, i.e. the earliest weekday.
        return max(weekdays, key=lambda blocks: counts[blocks])

    def makeup_blocks(self, weekday: int) -> tuple[Block, ...]:
        """Blocks of a make-up (or extra) working day falling on ``weekday``.

        A Monday-Friday with hours keeps its own; any other day works the standard
        weekday schedule, since it stands in for a weekday.
        """
        if weekday < 5 and self.days[weekday]:
            return self.days[weekday]
        return self.standard_weekday

    def describe(self) -> dict[str, list[str]]:
        """The schedule as ``{day or range: ["HH:MM-HH:MM", ...]}``, working days only.

        Runs of days with the same blocks are written as a range (``mon-fri``); the
        result parses back to the same schedule.
        """
        described: dict[str, list[str]] = {}
        day = 0
        while day < 7:
            last = day
            while last + 1 < 7 and self.days[last + 1] == self.days[day]:
                last += 1
            if self.days[day]:
                key = DAY_NAMES[day] if last == day else f"{DAY_NAMES[day]}-{DAY_NAMES[last]}"
                described[key] = [f"{format_time(a)}-{format_time(b)}" for a, b in self.days[day]]
            day = last + 1
        return described


def format_time(seconds: int) -> str:
    """``HH:MM`` (``HH:MM:SS`` when there are seconds) for seconds after midnight.

    >>> format_time(48600), format_time(86400), format_time(30)
    ('13:30', '24:00', '00:00:30')
    """
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


def parse_time(value: object, *, where: str, is_end: bool = False) -> int:
    """Seconds after local midnight for ``"HH:MM"``, ``"HH:MM:SS"`` or a ``datetime.time``.

    >>> parse_time("13:30", where="x")
    48600
    >>> parse_time("24:00", where="x", is_end=True)
    86400
    >>> parse_time("25:00", where="hours['mon'][0]")
    Traceback (most recent call last):
    ...
    ValueError: hours['mon'][0]: '25:00' is not a time of day (write HH:MM, from 00:00 to 24:00)
    """
    if isinstance(value, dt.time):
        return value.hour * 3600 + value.minute * 60 + value.second
    if isinstance(value, bool) or not isinstance(value, str):
        hint = ""
        if isinstance(value, int) and not isinstance(value, bool):
            # YAML 1.1 reads an unquoted 13:30 as the base-60 number 810.
            hint = "; quote times in YAML ('13:30'), unquoted 13:30 is read as the number 810"
        raise ValueError(f"{where}: {value!r} is not a time of day (write HH:MM){hint}")
    match = _TIME.fullmatch(value.strip())
    bad = ValueError(f"{where}: {value!r} is not a time of day (write HH:MM, from 00:00 to 24:00)")
    if match is None:
        raise bad
    hours, minutes, secs = int(match[1]), int(match[2]), int(match[3] or 0)
    if minutes > 59 or secs > 59 or hours > 24 or (hours == 24 and (minutes or secs)):
        raise bad
    if hours == 24 and not is_end:
        raise ValueError(f"{where}: a block cannot start at 24:00")
    return hours * 3600 + minutes * 60 + secs


def _parse_days(key: object, *, where: str) -> list[int]:
    if not isinstance(key, str):
        raise ValueError(f"{where}: day key {key!r} is not a day name (use mon ... sun or mon-fri)")
    days: list[int] = []
    for part in key.split(","):
        ends = [token.strip().lower() for token in part.split("-")]
        unknown = [token for token in ends if token not in _DAY_NUMBER]
        if len(ends) > 2 or unknown:
            shown = unknown[0] if unknown else part.strip()
            raise ValueError(
                f"{where}: unknown day {shown!r} in key {key!r} "
                "(use mon, tue, wed, thu, fri, sat, sun, a range like mon-fri, or a list like sat,sun)"
            )
        first = _DAY_NUMBER[ends[0]]
        last = _DAY_NUMBER[ends[-1]]
        days.extend((first + i) % 7 for i in range((last - first) % 7 + 1))
    return days


def _parse_block(item: object, *, where: str) -> Block:
    if isinstance(item, str):
        pieces = item.split("-")
        if len(pieces) != 2:
            raise ValueError(f"{where}: {item!r} is not a block (write 'HH:MM-HH:MM' or a pair)")
    elif isinstance(item, Sequence) and len(item) == 2:
        pieces = list(item)
    else:
        raise ValueError(f"{where}: {item!r} is not a block (write 'HH:MM-HH:MM' or a pair of times)")
    start = parse_time(pieces[0], where=where)
    end = parse_time(pieces[1], where=where, is_end=True)
    if end <= start:
        raise ValueError(
            f"{where}: block {format_time(start)}-{format_time(end)} ends before it starts; "
            "a block cannot cross midnight, split it at 24:00 (e.g. 22:00-24:00 and, "
            "on the next day, 00:00-06:00)"
        )
    return start, end


def parse_weekly_hours(spec: Mapping, *, where: str = "hours") -> WeeklyHours:
    """Validate a ``{day key: blocks}`` mapping; errors name the offending key.

    >>> parse_weekly_hours({"mon-fri": ["09:00-12:00", "11:00-13:00"]})
    Traceback (most recent call last):
    ...
    ValueError: hours['mon-fri']: blocks 09:00-12:00 and 11:00-13:00 overlap
    >>> parse_weekly_hours({"mon-fri": ["09:00-18:00"], "fri": ["09:00-16:00"]})
    Traceback (most recent call last):
    ...
    ValueError: hours: fri is given twice (in 'mon-fri' and 'fri')
    """
    if not isinstance(spec, Mapping):
        raise ValueError(
            f"{where}: expected a mapping of days to blocks like "
            "{'mon-fri': [('09:00', '18:00')]}, got " + type(spec).__name__
        )
    days: list[tuple[Block, ...] | None] = [None] * 7
    named_by: dict[int, object] = {}
    for key, items in spec.items():
        key_where = f"{where}[{key!r}]"
        day_numbers = _parse_days(key, where=where)
        if items is None:
            items = []
        if isinstance(items, str) or not isinstance(items, Sequence):
            raise ValueError(
                f"{key_where}: expected a list of blocks like ['09:00-18:00'], got {items!r}"
            )
        if len(items) == 2 and all(isinstance(v, str) and _TIME.fullmatch(v.strip()) for v in items):
            # A bare pair is the easiest slip to make; say what was meant.
            raise ValueError(
                f"{key_where}: expected a list of blocks; write [{tuple(items)!r}] for one block"
            )
        blocks = sorted(_parse_block(item, where=f"{key_where}[{i}]") for i, item in enumerate(items))
        merged: list[Block] = []
        for start, end in blocks:
            if merged and start < merged[-1][1]:
                previous = merged[-1]
                raise ValueError(
                    f"{key_where}: blocks {format_time(previous[0])}-{format_time(previous[1])} "
                    f"and {format_time(start)}-{format_time(end)} overlap"
                )
            if merged and start == merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
            else:
                merged.append((start, end))
        for day in day_numbers:
            if day in named_by:
                raise ValueError(
                    f"{where}: {DAY_NAMES[day]} is given twice (in {named_by[day]!r} and {key!r})"
                )
            named_by[day] = key
            days[day] = tuple(merged)
    return WeeklyHours(tuple(blocks or () for blocks in days))


#: Every instant is working time.
ROUND_THE_CLOCK = WeeklyHours(tuple(((0, _DAY_SECONDS),) for _ in range(7)))
