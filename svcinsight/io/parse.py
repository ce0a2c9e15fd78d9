"""Parsing one source column into a canonical column by the column's kind.

Each parser returns the typed values plus masks: which values are empty in the source
and which have a problem (the loader turns problems into quarantined rows). A value
with a problem is missing in ``values``; it is never coerced into something valid.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from svcinsight import schema
from svcinsight.io.text import as_text, recode
from svcinsight.io.timestamps import parse_dates, parse_timestamps

#: Accepted spellings of a flag (compared after stripping and lower-casing).
FLAG_VALUES: Mapping[str, bool] = {
    "true": True, "yes": True, "y": True, "1": True,
    "false": False, "no": False, "n": False, "0": False,
}


@dataclass
class ParsedColumn:
    """A parsed column with the masks the loader reports on."""

    values: pd.Series
    #: Values missing in the source (after recoding).
    empty: pd.Series
    #: reason -> mask of values that make their row fail.
    problems: dict[str, pd.Series] = field(default_factory=dict)
    #: reason -> mask of values kept but adjusted.
    adjustments: dict[str, pd.Series] = field(default_factory=dict)


def parse_column(
    raw: pd.Series,
    column: schema.Column,
    *,
    timezone: str,
    fmt: str | None = None,
    values: Mapping | None = None,
) -> ParsedColumn:
    """Parse ``raw`` as the canonical ``column``; ``values`` recodes source values first.

    Examples
    --------
    >>> import pandas as pd
    >>> from svcinsight import schema
    >>> parsed = parse_column(pd.Series(["P1", "normal", "asap"]), schema.TICKETS["priority"],
    ...                       timezone="Asia/Shanghai", values={"P1": "urgent"})
    >>> parsed.values.tolist(), parsed.problems["unknown_priority"].tolist()
    (['urgent', 'normal', <NA>], [False, False, True])
    >>> parse_column(pd.Series(["4", "9", "x"]), schema.FEEDBACK["csat"],
    ...              timezone="Asia/Shanghai").values.tolist()
    [4, <NA>, <NA>]
    """
    kind = column.kind
    if kind in ("timestamp", "date"):
        source = recode(as_text(raw, strip=True), values) if values else raw
        parser = parse_timestamps if kind == "timestamp" else parse_dates
        times = parser(source, timezone, fmt)
        return ParsedColumn(
            times.values, times.empty, {"unparseable_timestamp": times.unparseable},
            times.adjustments,
        )
    if kind in ("count", "score", "number"):
        return _parse_number(raw, column, values)
    if kind == "flag":
        return _parse_flag(raw, values)
    text = recode(as_text(raw, strip=kind != "text"), values)
    if kind != "priority":
        return ParsedColumn(text, text.isna())
    text = text.str.lower()
    unknown = (text.notna() & ~text.isin(schema.PRIORITIES)).astype(bool)
    return ParsedColumn(text.mask(unknown), text.isna(), {"unknown_priority": unknown})


def _parse_number(raw: pd.Series, column: schema.Column, values: Mapping | None) -> ParsedColumn:
    numeric = pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype)
    if numeric and not values:
        number = raw.astype("float64")
        empty = raw.isna()
        not_numeric = pd.Series(False, index=raw.index)
    else:
        text = recode(as_text(raw, strip=True), values)
        number = pd.to_numeric(text, errors="coerce").astype("float64")
        empty = text.isna()
        not_numeric = text.notna() & number.isna()
    finite = np.isfinite(number)
    whole = finite & (number == number.round())
    present = ~empty
    if column.kind == "number":
        low, high = column.valid_range or (-np.inf, np.inf)
        invalid = not_numeric | (present & ~finite) | (number < low) | (number > high)
        return ParsedColumn(number.mask(invalid), empty, {"invalid_number": invalid})
    invalid = not_numeric | (present & ~whole)
    problems = {}
    if column.kind == "count":
        invalid |= number < 0
    else:
        low, high = column.valid_range
        problems["score_out_of_range"] = ~invalid & present & ((number < low) | (number > high))
    problems["invalid_number"] = invalid
    bad = invalid | problems.get("score_out_of_range", False)
    return ParsedColumn(number.mask(bad).astype("Int64"), empty, problems)


def _parse_flag(raw: pd.Series, values: Mapping | None) -> ParsedColumn:
    if pd.api.types.is_bool_dtype(raw.dtype) and not values:
        return ParsedColumn(raw.astype("boolean"), raw.isna())
    # A float column of 1.0/0.0 (a flag column with gaps) reads as text "1"/"0" here.
    text = recode(as_text(raw, strip=True), values).str.lower()
    flag = text.map(FLAG_VALUES).astype("boolean")
    invalid = (text.notna() & flag.isna()).astype(bool)
    return ParsedColumn(flag, text.isna(), {"invalid_flag": invalid})
