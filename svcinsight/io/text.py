"""Turning any source column into text, and recoding source values to canonical ones.

Every parser starts from the same text form: pandas' nullable ``"string"`` dtype with
missing values as ``<NA>``, whatever the source gave (str, int, float, datetime).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd


def as_text(raw: pd.Series, *, strip: bool) -> pd.Series:
    """``raw`` as nullable strings; empty strings (after stripping, if asked) are missing.

    Whole floats lose their ".0" (an integer id column with a gap comes out of CSV,
    Excel or SQL as floats: 54049402.0 must read "54049402").

    Examples
    --------
    >>> import pandas as pd
    >>> as_text(pd.Series([" a ", "", None]), strip=True).tolist()
    ['a', <NA>, <NA>]
    >>> as_text(pd.Series([54049402.0, float("nan")]), strip=True).tolist()
    ['54049402', <NA>]
    """
    if pd.api.types.is_float_dtype(raw.dtype):
        whole = raw.dropna()
        if np.isfinite(whole).all() and (whole == whole.round()).all():
            raw = raw.astype("Int64")
    text = raw.astype("string")
    if strip:
        text = text.str.strip()
    return text.mask(text == "")


def recode(text: pd.Series, mapping: Mapping | None) -> pd.Series:
    """Replace whole source values by canonical ones; values not in ``mapping`` pass.

    Keys and values are compared and stored as text, so ``{1: "urgent"}`` matches the
    string "1" as well. Mapping to ``""`` or ``None`` makes the value missing.

    Examples
    --------
    >>> import pandas as pd
    >>> recode(pd.Series(["ONLINE", "PHONE", "X"], dtype="string"),
    ...        {"ONLINE": "app", "PHONE": "phone"}).tolist()
    ['app', 'phone', 'X']
    """
    if not mapping:
        return text
    lookup = {str(k): (None if v is None or v == "" else str(v)) for k, v in mapping.items()}
    hit = text.isin(list(lookup))
    replaced = text.map(lookup).astype("string")
    return text.where(~hit, replaced)
