"""Checks and conversions every comparison shares: samples, alpha, alternatives, counts."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from svcinsight.config import get_config

# scipy says greater/less, statsmodels larger/smaller, R two.sided; accept them all.
_ALTERNATIVES = {
    "two-sided": "two-sided",
    "two.sided": "two-sided",
    "larger": "larger",
    "greater": "larger",
    "smaller": "smaller",
    "less": "smaller",
}
_SCIPY_ALTERNATIVE = {"two-sided": "two-sided", "larger": "greater", "smaller": "less"}


def resolve_alpha(alpha: float | None) -> float:
    """``alpha`` as given (checked) or the configured default."""
    if alpha is None:
        return float(get_config()["alpha"])
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0 < alpha <= 0.5:
        raise ValueError(f"alpha must be a number in (0, 0.5], not {alpha!r}")
    return float(alpha)


def resolve_alternative(alternative: str) -> str:
    try:
        return _ALTERNATIVES[alternative]
    except (KeyError, TypeError):
        raise ValueError(
            f"alternative must be 'two-sided', 'larger' or 'smaller', not {alternative!r}"
        ) from None


def scipy_alternative(alternative: str) -> str:
    return _SCIPY_ALTERNATIVE[alternative]


def interval_alpha(alpha: float, alternative: str) -> float:
    """The two-sided level whose one kept limit is the one-sided limit at ``alpha``."""
    return alpha if alternative == "two-sided" else 2.0 * alpha


def open_side(
    low: float,
    high: float,
    alternative: str,
    *,
    lowest: float = -math.inf,
    highest: float = math.inf,
) -> tuple[float, float]:
    """Open the side of a two-sided interval that a one-sided alternative does not bound."""
    if alternative == "larger":
        return float(low), highest
    if alternative == "smaller":
        return lowest, float(high)
    return float(low), float(high)


def float_array(values: Any, name: str) -> np.ndarray:
    """A 1-d float array, pandas' missing markers (``pd.NA``, ``NaT``) as NaN."""
    if isinstance(values, (pd.Series, pd.Index)):
        array = values.to_numpy(dtype=float, na_value=np.nan)
    else:
        array = np.asarray(values, dtype=float)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    return array


def sample(values: Any, name: str) -> tuple[np.ndarray, int]:
    """A 1-d float array without missing values, and how many were missing."""
    array = float_array(values, name)
    missing = np.isnan(array)
    return array[~missing], int(missing.sum())


def missing_warning(name: str, n_missing: int) -> list[str]:
    if not n_missing:
        return []
    return [f"{n_missing} missing value(s) in {name} were left out."]


def count(value: Any, name: str) -> int:
    """A non-negative whole number (a count or a sample size)."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a whole number, not {value!r}")
    number = float(value)
    if not number.is_integer() or number < 0:
        raise ValueError(f"{name} must be a whole number >= 0, not {value!r}")
    return int(number)


def level_counts(
    values: Any, levels: Sequence[float], name: str, counts: bool | None
) -> tuple[np.ndarray, int, str]:
    """Counts per level, missing scores dropped, and ``"counts"`` or ``"scores"`` (what the
    input was read as) from raw scores or from counts already tallied.

    Counts are recognised without being told only where they cannot be scores: a
    mapping ``{level: count}``, or the Series ``scores.value_counts()`` returns (pandas
    names it ``"count"``). Anything else, a filtered column of scores whose index
    happens to look like levels included, is read as raw scores unless ``counts=True``,
    because five scores and five counts look the same.
    """
    levels_array = np.asarray(levels, dtype=float)
    if counts is None:
        counts = is_counts(values)
    if counts:
        if isinstance(values, (Mapping, pd.Series)):
            mapping = dict(values.items())
            unknown = set(mapping) - set(levels)
            if unknown:
                raise ValueError(
                    f"{name} has counts for levels {sorted(unknown)} not in {list(levels)}"
                )
            tallies = [mapping.get(level, 0) for level in levels]
        else:
            tallies = list(values)
            if len(tallies) != len(levels):
                raise ValueError(f"{name}: {len(tallies)} counts given for {len(levels)} levels")
        tallied = np.array([count(t, f"count in {name}") for t in tallies], dtype=np.int64)
        return tallied, 0, "counts"
    scores, n_missing = sample(values, name)
    position = np.searchsorted(levels_array, scores)
    position = np.clip(position, 0, len(levels_array) - 1)
    outside = levels_array[position] != scores
    if outside.any():
        bad = np.unique(scores[outside])[:5].tolist()
        raise ValueError(
            f"{name} has values {bad} outside the levels {list(levels)}; "
            "pass counts=True if these are counts per level"
        )
    tallied = np.bincount(position, minlength=len(levels_array)).astype(np.int64)
    return tallied, n_missing, "scores"


def is_counts(values: Any) -> bool:
    """Whether ``values`` announce themselves as counts per level (see level_counts)."""
    return isinstance(values, Mapping) or (isinstance(values, pd.Series) and values.name == "count")
