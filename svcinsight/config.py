"""Project-wide defaults taken from the service-improvement guides (DESIGN.md).

Every default here can be overridden per business unit in its params file.

Examples
--------
>>> from svcinsight import config
>>> config.DEFAULT_TIMEZONE
'Asia/Shanghai'
>>> config.FIRST_RESPONSE_TARGET_HOURS["urgent"]
0.5
"""

from __future__ import annotations

import contextlib
import contextvars
import math
from collections.abc import Iterator
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

#: A unit's timezone when its params do not name one.
DEFAULT_TIMEZONE = "Asia/Shanghai"

#: First-response targets per priority, in hours: urgent 30 min, important 2 h, normal 24 h.
FIRST_RESPONSE_TARGET_HOURS = MappingProxyType({"urgent": 0.5, "important": 2.0, "normal": 24.0})

#: Progress update interval per priority, in hours (urgent every 4 h, others every 24 h).
PROGRESS_UPDATE_HOURS = MappingProxyType({"urgent": 4.0, "important": 24.0, "normal": 24.0})

#: A satisfaction survey is sent within this many hours of resolution.
SURVEY_WITHIN_HOURS = 24.0

#: Scores at or below this get a supervisor follow-up ...
LOW_CSAT_THRESHOLD = 3
#: ... within this many hours of submission.
LOW_SCORE_FOLLOWUP_HOURS = 1.0

#: Report language when params do not say.
DEFAULT_LANGUAGE = "en"

#: Name of the Jupyter kernel the notebooks run on (registered by ``make install``).
KERNEL_NAME = "svcinsight"


# --- Statistics defaults: alpha, confidence level, bootstrap -----------------------------


class _StatsConfig(BaseModel):
    # strict: a bool is not a count and a string is not a level.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    alpha: float = Field(0.05, gt=0.0, le=0.5)
    confidence: float = Field(0.95, ge=0.5, lt=1.0)
    n_bootstrap: int = Field(2000, ge=0)
    seed: int | None = Field(0, ge=0)


_stats_config = _StatsConfig()
# config_context() layers its values here, so a context in one thread or task does not
# leak into another; set_config() changes the process-wide base.
_stats_override: contextvars.ContextVar[_StatsConfig | None] = contextvars.ContextVar(
    "svcinsight_stats_config", default=None
)


def get_config() -> dict[str, Any]:
    """The statistics defaults in force here: alpha, confidence level and bootstrap.

    Returns
    -------
    dict
        ``alpha`` (significance level), ``confidence`` (``1 - alpha``, the level of
        every interval), ``n_bootstrap`` (resamples for bootstrap intervals; 0 turns
        them off) and ``seed`` (of the bootstrap; ``None`` draws a fresh one each call).

    Examples
    --------
    >>> from svcinsight.config import get_config
    >>> get_config()["alpha"], get_config()["confidence"]
    (0.05, 0.95)
    """
    current = _stats_override.get() or _stats_config
    return current.model_dump()


def _merged(base: _StatsConfig, changes: dict[str, Any]) -> _StatsConfig:
    unknown = set(changes) - set(_StatsConfig.model_fields)
    if unknown:
        raise TypeError(
            f"unknown statistics setting(s) {sorted(unknown)}; "
            f"known: {sorted(_StatsConfig.model_fields)}"
        )
    changes = dict(changes)

    def is_number(value: Any) -> bool:
        return isinstance(value, (int, float)) and not isinstance(value, bool)

    def complement(level: float) -> float:
        # 1 - 0.95 is 0.05000000000000004 in binary; the user meant 0.05.
        return round(1.0 - level, 12)

    # alpha and confidence are one setting seen from two sides; keep them together.
    if "alpha" in changes and "confidence" in changes:
        alpha, confidence = changes["alpha"], changes["confidence"]
        if not (
            is_number(alpha)
            and is_number(confidence)
            and math.isclose(alpha + confidence, 1.0, abs_tol=1e-12)
        ):
            raise ValueError(f"alpha={alpha!r} and confidence={confidence!r} must add up to 1")
    elif "alpha" in changes and is_number(changes["alpha"]):
        changes["confidence"] = complement(changes["alpha"])
    elif "confidence" in changes and is_number(changes["confidence"]):
        changes["alpha"] = complement(changes["confidence"])
    try:
        return _StatsConfig.model_validate({**base.model_dump(), **changes})
    except ValidationError as error:
        raise ValueError(f"invalid statistics setting: {error}") from None


def set_config(**settings: Any) -> None:
    """Change the statistics defaults for the rest of the session.

    Parameters
    ----------
    **settings
        Any of ``alpha`` (in (0, 0.5]), ``confidence`` (in [0.5, 1); setting one sets
        the other), ``n_bootstrap`` (integer >= 0) and ``seed`` (integer >= 0 or
        ``None``). Unknown names raise ``TypeError``, bad values ``ValueError``.

    Examples
    --------
    >>> from svcinsight.config import get_config, set_config
    >>> set_config(alpha=0.1)
    >>> get_config()["confidence"]
    0.9
    >>> set_config(alpha=0.05)
    """
    global _stats_config
    _stats_config = _merged(_stats_config, settings)


@contextlib.contextmanager
def config_context(**settings: Any) -> Iterator[None]:
    """Use other statistics defaults inside a ``with`` block only.

    Takes the same settings as :func:`set_config`; the previous values come back when
    the block ends, also when it ends with an error.

    Examples
    --------
    >>> from svcinsight.config import config_context, get_config
    >>> with config_context(confidence=0.9):
    ...     get_config()["alpha"]
    0.1
    >>> get_config()["alpha"]
    0.05
    """
    base = _stats_override.get() or _stats_config
    token = _stats_override.set(_merged(base, settings))
    try:
        yield
    finally:
        _stats_override.reset(token)
