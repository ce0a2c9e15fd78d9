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

Speed: the rules above are applied by a careful path (pandas' ISO 8601 parser, then
its per-value inference, with Python's re deciding which values carry an offset). Two
fast paths stand in for it where they give the same result: the offset test runs in
pyarrow's RE2 for ASCII values, and values of the common ISO 8601 shapes
(``2024-05-01``, ``2024-05-01 09:30[:15[.123]]``, with ``T`` and ``Z``/``+08:00``/
``+0800`` for values with an offset; years 1900-2199) are parsed by pyarrow's cast.
Anything else, and a whole column when pyarrow's cast refuses one of its values (e.g.
30 February), takes the careful path. ``careful=True`` skips the fast paths: the
reference ``tests/io/test_timestamps_fast.py`` compares them with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from svcinsight.io.text import as_text

# An offset at the end of a value that has a time of day: "...08:40:25+02:00",
# "...T10:00Z", "... 10:00:00 UTC". The time part keeps a date such as "2022-05-01"
# (whose "-01" looks like an offset) on the naive side.
_OFFSET = (
    r"\d:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[Zz]|[+-]\d{2}(?::?\d{2})?|UTC|GMT|UT)$"
)

# The same rule in RE2's terms (pyarrow), exact on ASCII text: there Python's \d is
# [0-9], its \s the ten characters below, and its $ also matches before one final
# newline. Values with other characters go through ``_OFFSET`` itself (Python's re).
_OFFSET_ASCII = (
    r"[0-9]:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?[\t\n\x0b\x0c\r\x1c-\x1f ]*"
    r"(?:[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?|UTC|GMT|UT)\n?$"
)
_OFFSET_PYTHON = re.compile(_OFFSET)

# The shapes the fast path parses (pyarrow's cast reads them exactly as pandas' ISO 8601
# parser does; days a month does not have make the cast refuse, not roll over).
_ISO_DATE = r"(?:19|20|21)[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
_ISO_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,9})?)?"
_ISO_NAIVE = rf"^{_ISO_DATE}(?:[T ]{_ISO_TIME})?$"
_ISO_AWARE = rf"^{_ISO_DATE}[T ]{_ISO_TIME}(?:Z|[+-](?:[01][0-9]|2[0-3]):?[0-5][0-9])$"

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


def parse_timestamps(raw: pd.Series, timezone: str, fmt: str | None = None, *,
                     careful: bool = False) -> ParsedTimes:
    """Parse ``raw`` into tz-aware values in ``timezone`` (see the module's rules;
    ``careful=True`` leaves the fast paths out, with the same result).

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
    naive, aware, empty, guessed = _parse(raw, fmt, careful=careful)
    localized, adjustments = _localize(naive, timezone)
    values = aware.dt.tz_convert(timezone).where(aware.notna(), localized)
    values, outside = _fit_nanoseconds(values)
    if guessed.any():
        adjustments["timestamp_format_guessed"] = guessed & ~outside
    return ParsedTimes(values, ~empty & values.isna(), empty, adjustments)


def parse_dates(raw: pd.Series, timezone: str, fmt: str | None = None, *,
                careful: bool = False) -> ParsedTimes:
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
    naive, aware, empty, guessed = _parse(raw, fmt, careful=careful)
    local = aware.dt.tz_convert(timezone).dt.tz_localize(None)
    values = local.where(aware.notna(), naive).dt.normalize()
    values, outside = _fit_nanoseconds(values)
    adjustments = {"timestamp_format_guessed": guessed & ~outside} if guessed.any() else {}
    return ParsedTimes(values, ~empty & values.isna(), empty, adjustments)


def _parse(raw: pd.Series, fmt: str | None, *, careful: bool = False):
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
    elif careful:
        has_offset = text.str.contains(_OFFSET_PYTHON.pattern, regex=True).fillna(False).astype(bool)
    else:
        has_offset = has_offset_suffix(text)
    try:
        naive, guessed_naive = _strings(text[~empty & ~has_offset], fmt, utc=False, careful=careful)
    except ValueError:  # pandas saw a zone in a value the offset rule did not ("...T10+08:00")
        hidden = _names_zone(text[~empty & ~has_offset])
        if not hidden.any():
            raise
        has_offset = has_offset | hidden.reindex(index, fill_value=False)
        naive, guessed_naive = _strings(text[~empty & ~has_offset], fmt, utc=False, careful=careful)
    aware, guessed_aware = _strings(text[has_offset], fmt, utc=True, careful=careful)
    guessed = guessed_naive.reindex(index, fill_value=False)
    guessed |= guessed_aware.reindex(index, fill_value=False)
    return naive.reindex(index), aware.reindex(index), empty, guessed.astype(bool)


def has_offset_suffix(text: pd.Series) -> pd.Series:
    """Which values of ``text`` (stripped strings, ``<NA>`` for empty) end in an offset.

    Vectorised in pyarrow's RE2 for ASCII values; values with other characters (a
    full-width digit, a non-breaking space) are matched by Python's re, whose ``\\d``
    and ``\\s`` know them: the result is the same as ``text.str.contains(_OFFSET)``.

    Examples
    --------
    >>> import pandas as pd
    >>> text = pd.Series(["2022-05-01", "2022-05-01T10:00Z", "10:00 +08:00", "10:0２Z", None],
    ...                  dtype="string")
    >>> has_offset_suffix(text).tolist()
    [False, True, True, True, False]
    """
    values = pa.array(text.astype("string"), from_pandas=True)
    found = pc.fill_null(pc.match_substring_regex(values, _OFFSET_ASCII), False).to_numpy(
        zero_copy_only=False)
    other = ~pc.fill_null(pc.string_is_ascii(values), True).to_numpy(zero_copy_only=False)
    if other.any():
        found = found.copy()
        found[other] = [_OFFSET_PYTHON.search(v) is not None for v in text[other]]
    return pd.Series(found.astype(bool), index=text.index)


def _strings(text: pd.Series, fmt: str | None, *, utc: bool, careful: bool = False):
    """Parse non-empty strings; returns values (naive, or UTC if ``utc``) and a guessed mask."""
    dtype = "datetime64[ns, UTC]" if utc else "datetime64[ns]"
    guessed = pd.Series(False, index=text.index)
    if text.empty:
        return pd.Series(dtype=dtype, index=text.index), guessed
    if fmt is None and not careful:
        values = _iso_fast(text, utc=utc)
        left = values.isna()
        if not left.any():
            return values, guessed
        if not utc and not left.all() and _iso_sees_zone(text[left]):
            # Naive and zoned values together make pandas refuse the column; it must
            # see them together, as the careful path on the whole column does.
            return _strings(text, None, utc=False, careful=True)
        rest, guessed_rest = _strings(text[left], None, utc=utc, careful=True)
        values = values.where(~left, rest)
        return values, guessed_rest.reindex(text.index, fill_value=False)
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


def _iso_fast(text: pd.Series, *, utc: bool) -> pd.Series:
    """Values of the common ISO 8601 shapes parsed by pyarrow; NaT for the others.

    Examples
    --------
    >>> import pandas as pd
    >>> text = pd.Series(["2024-05-01T09:30:00+08:00", "May 1 2024 9:30 +08:00"], dtype="string")
    >>> _iso_fast(text, utc=True).tolist()
    [Timestamp('2024-05-01 01:30:00+0000', tz='UTC'), NaT]
    """
    values = pa.array(text.astype("string"), from_pandas=True)
    shape = pc.fill_null(pc.match_substring_regex(values, _ISO_AWARE if utc else _ISO_NAIVE), False)
    nanoseconds = np.full(len(text), np.iinfo(np.int64).min, dtype=np.int64)  # NaT
    if pc.any(shape).as_py():
        try:
            stamps = pc.cast(pc.filter(values, shape), pa.timestamp("ns", "UTC" if utc else None))
        except pa.ArrowInvalid:
            stamps = None  # a value of the right shape that is no date: all go the careful way
        if stamps is not None:
            picked = shape.to_numpy(zero_copy_only=False)
            nanoseconds[picked] = pc.cast(stamps, pa.int64()).to_numpy(zero_copy_only=False)
    parsed = pd.Series(nanoseconds.view("datetime64[ns]"), index=text.index)
    return parsed.dt.tz_localize("UTC") if utc else parsed


def _names_zone(text: pd.Series) -> pd.Series:
    """Which values read as a time with a zone, one by one (only for a column pandas
    refused as a whole for mixing zoned and plain values).

    >>> import pandas as pd
    >>> _names_zone(pd.Series(["2024-05-01T10+08:00", "2024-05-01 10:00", "soon"])).tolist()
    [True, False, False]
    """
    def zoned(value) -> bool:
        try:
            return pd.Timestamp(value).tzinfo is not None
        except (ValueError, TypeError, OverflowError):
            return False

    return text.astype(object).map(zoned).astype(bool)


def _iso_sees_zone(text: pd.Series) -> bool:
    """Whether pandas' ISO 8601 parser reads a zone in any of ``text`` (that the offset
    rule did not see, e.g. ``2024-05-01T10+08:00``)."""
    try:
        parsed = pd.to_datetime(text.astype(object), format="ISO8601", errors="coerce")
    except (ValueError, TypeError, OverflowError):
        return True
    return isinstance(parsed.dtype, pd.DatetimeTZDtype)


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
    if not naive.notna().any():
        return naive.dt.tz_localize(timezone), {}
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
