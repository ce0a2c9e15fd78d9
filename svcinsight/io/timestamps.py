"""Parsing timestamps into timezone-aware values in a unit's timezone, vectorised.

Rules (the loader's docstring repeats them for users):

* An explicit ``strftime`` format is used as given; with ``%z`` the values carry their
  own offsets, otherwise they are local times in the unit's timezone.
* Without a format, values are parsed as ISO 8601 first; what is left is handed to
  pandas' per-value inference (``format="mixed"``, month before day). Values parsed that
  way are counted in the ledger (``timestamp_format_guessed``) so a guess is never
  silent; pass ``formats=`` to remove the doubt.
* Values with an offset (``+02:00``, ``Z``), also mixed offsets, are converted to the
  timezone; naive values are localised to it. A local time that does not exist (the
  hour skipped when clocks go forward) moves to the first valid instant after the gap;
  a local time that occurs twice (clocks going back) is taken as the first, daylight-
  saving occurrence. Both are kept and counted (``nonexistent_local_time``,
  ``ambiguous_local_time``).
* Results are ``datetime64[ns, <timezone>]`` as the schema declares; an instant outside
  what nanoseconds can hold (before 1677 or after 2262, e.g. a 9999-12-31 placeholder)
  counts as unparseable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from svcinsight.io.text import as_text

# An offset at the end of a value that has a time of day: "...08:40:25+02:00",
# "...T10:00Z", "... 10:00:00 UTC". The time part keeps a date such as "2022-05-01"
# (whose "-01" looks like an offset) on the naive side.
_OFFSET = (
    r"\d:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[Zz]|[+-]\d{2}(?::?\d{2})?|UTC|GMT|UT)$"
)

# Bounds of nanosecond timestamps, with a day's margin so that converting between
# timezones cannot step outside them.
_LOWEST = pd.Timestamp.min.tz_localize("UTC") + pd.Timedelta(days=1)
_HIGHEST = pd.Timestamp.max.tz_localize("UTC") - pd.Timedelta(days=1)


@dataclass
class ParsedTimes:
    """Parsed values plus masks of the rows that need reporting."""

    values: pd.Series
    #: Non-empty values that did not parse.
    unparseable: pd.Series
    #: Values that are empty in the source.
    empty: pd.Series
    #: reason -> mask of values kept but adjusted (or parsed by a guessed format).
    adjustments: dict[str, pd.Series] = field(default_factory=dict)


def parse_timestamps(raw: pd.Series, timezone: str, fmt: str | None = None) -> ParsedTimes:
    """Parse ``raw`` into tz-aware values in ``timezone`` (see the module's rules).

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.Series(["2022-03-13 02:30", "2022-11-06 01:30", "2022-05-01T10:00+02:00", ""])
    >>> parsed = parse_timestamps(raw, "America/New_York")
    >>> [str(v) for v in parsed.values]
    ['2022-03-13 03:00:00-04:00', '2022-11-06 01:30:00-04:00', '2022-05-01 04:00:00-04:00', 'NaT']
    >>> {reason: int(mask.sum()) for reason, mask in parsed.adjustments.items()}
    {'nonexistent_local_time': 1, 'ambiguous_local_time': 1}
    """
    naive, aware, empty, guessed = _parse(raw, fmt)
    localized, adjustments = _localize(naive, timezone)
    values = aware.dt.tz_convert(timezone).where(aware.notna(), localized)
    values, outside = _fit_nanoseconds(values)
    if guessed.any():
        adjustments["timestamp_format_guessed"] = guessed & ~outside
    return ParsedTimes(values, ~empty & values.isna(), empty, adjustments)


def parse_dates(raw: pd.Series, timezone: str, fmt: str | None = None) -> ParsedTimes:
    """Parse ``raw`` into calendar days: naive ``datetime64[ns]`` at midnight.

    A value with an offset is first converted to ``timezone``, so its day is the
    unit's local day.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.Series(["2024-01-02", "2024-01-02T23:30:00+00:00", "soon"])
    >>> parsed = parse_dates(raw, "Asia/Shanghai")
    >>> parsed.values.dt.strftime("%Y-%m-%d").tolist()
    ['2024-01-02', '2024-01-03', nan]
    >>> parsed.unparseable.tolist()
    [False, False, True]
    """
    naive, aware, empty, guessed = _parse(raw, fmt)
    local = aware.dt.tz_convert(timezone).dt.tz_localize(None)
    values = local.where(aware.notna(), naive).dt.normalize()
    values, outside = _fit_nanoseconds(values)
    adjustments = {"timestamp_format_guessed": guessed & ~outside} if guessed.any() else {}
    return ParsedTimes(values, ~empty & values.isna(), empty, adjustments)


def _parse(raw: pd.Series, fmt: str | None):
    """Split ``raw`` into naive values and aware values (UTC), plus empty/guessed masks."""
    index = raw.index
    no_naive = pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    no_aware = pd.Series(pd.NaT, index=index, dtype="datetime64[ns, UTC]")
    nothing_guessed = pd.Series(False, index=index)
    if isinstance(raw.dtype, pd.DatetimeTZDtype):
        return no_naive, raw.dt.tz_convert("UTC"), raw.isna(), nothing_guessed
    if pd.api.types.is_datetime64_dtype(raw.dtype):
        return raw, no_aware, raw.isna(), nothing_guessed
    text = as_text(raw, strip=True)
    empty = text.isna()
    if fmt is not None:
        has_offset = pd.Series("%z" in fmt or "%Z" in fmt, index=index) & ~empty
    else:
        has_offset = text.str.contains(_OFFSET, regex=True).fillna(False).astype(bool)
    naive, guessed_naive = _strings(text[~empty & ~has_offset], fmt, utc=False)
    aware, guessed_aware = _strings(text[has_offset], fmt, utc=True)
    guessed = guessed_naive.reindex(index, fill_value=False)
    guessed |= guessed_aware.reindex(index, fill_value=False)
    return naive.reindex(index), aware.reindex(index), empty, guessed.astype(bool)


def _strings(text: pd.Series, fmt: str | None, *, utc: bool):
    """Parse non-empty strings; returns values (naive, or UTC if ``utc``) and a guessed mask."""
    dtype = "datetime64[ns, UTC]" if utc else "datetime64[ns]"
    guessed = pd.Series(False, index=text.index)
    if text.empty:
        return pd.Series(dtype=dtype, index=text.index), guessed
    plain = text.astype(object)
    if fmt is not None:
        values = pd.to_datetime(plain, format=fmt, errors="coerce", utc=utc)
        return _as_dtype(values, dtype), guessed
    values = _as_dtype(pd.to_datetime(plain, format="ISO8601", errors="coerce", utc=utc), dtype)
    left = values.isna()
    if left.any():
        try:
            guesses = pd.to_datetime(plain[left], format="mixed", errors="coerce", utc=utc)
        except (ValueError, TypeError, OverflowError):
            # Values naming different timezones in words cannot share one column.
            guesses = pd.Series(pd.NaT, index=plain[left].index, dtype=dtype)
        guesses = _as_dtype(guesses, dtype)
        values = values.where(~left, guesses)
        guessed = left & values.notna()
    return values, guessed


def _as_dtype(values: pd.Series, dtype: str) -> pd.Series:
    if isinstance(values.dtype, pd.DatetimeTZDtype) and not dtype.endswith("UTC]"):
        # A naive-looking value that still named a zone (e.g. "... EST") is read as
        # wall time in that zone; localising it again treats it as the unit's clock.
        values = values.dt.tz_localize(None)
    # pandas picks the unit from the text (us, or ns for nine-digit fractions): fit the
    # range first, then cast, so neither precision nor an out-of-range value is lost
    # silently.
    return _fit_nanoseconds(values)[0].astype(dtype)


def _localize(naive: pd.Series, timezone: str) -> tuple[pd.Series, dict[str, pd.Series]]:
    first_occurrence = np.ones(len(naive), dtype=bool)  # True = the DST reading
    localized = naive.dt.tz_localize(
        timezone, ambiguous=first_occurrence, nonexistent="shift_forward"
    )
    present = naive.notna()
    strict = naive.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
    if not (present & strict.isna()).any():
        return localized, {}
    nonexistent = present & naive.dt.tz_localize(
        timezone, ambiguous=first_occurrence, nonexistent="NaT"
    ).isna()
    ambiguous = present & naive.dt.tz_localize(
        timezone, ambiguous="NaT", nonexistent="shift_forward"
    ).isna()
    adjustments = {}
    if nonexistent.any():
        adjustments["nonexistent_local_time"] = nonexistent
    if ambiguous.any():
        adjustments["ambiguous_local_time"] = ambiguous
    return localized, adjustments


def _fit_nanoseconds(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Cast to nanoseconds; values outside their range become NaT (and are reported)."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        outside = (values < _LOWEST) | (values > _HIGHEST)
    else:
        outside = (values < _LOWEST.tz_localize(None)) | (values > _HIGHEST.tz_localize(None))
    return values.mask(outside).dt.as_unit("ns"), outside
