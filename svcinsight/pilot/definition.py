"""A pilot as a unit's params declare it: what changed, where, from when, which metrics
to judge it by and which units to compare it with.

In ``params/<unit>.yaml``::

    pilots:
      - name: smart routing
        change: Contacts routed by intent and history to an agent with the right skills
        start: 2026-06-01
        metrics: [frt_median_h, fcr_rate, csat_mean]
        controls: all            # or a list of units; leave out for before/after
        adjust_for: [channel, category]

Examples
--------
>>> d = PilotDefinition.parse({"name": "smart routing", "start": "2026-06-01",
...                            "metrics": ["fcr_rate"], "controls": "all"}, default_unit="ecommerce")
>>> d.unit, d.start.isoformat(), d.resolved_design
('ecommerce', '2026-06-01', 'diff_in_diff')
>>> PilotDefinition.parse({"name": "x", "start": "2026-06-01", "metrics": ["fcr"]})
Traceback (most recent call last):
...
ValueError: pilot 'x': invalid definition
  metrics: Value error, unknown metric 'fcr' (known: ...)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from svcinsight.metrics import REGISTRY
from svcinsight.pilot.rows import KINDS
from svcinsight.stats import adjust_pvalues
from svcinsight.validation import problem_lines

DESIGN_CHOICES = ("auto", "before_after", "diff_in_diff", "its")


class PilotDefinition(BaseModel):
    """One pilot: validated, unknown keys are errors.

    Attributes
    ----------
    name : str
        How the pilot is called in the report.
    unit : str or None
        The business unit that runs it (a value of ``unit_column``); defaults to the
        params file's ``business_unit`` (or ``unit``).
    change : str
        What changed, in a sentence.
    start, end : date
        First day of the pilot and, if it ended, its last day.
    pre, post : optional
        The windows: a number of weeks, a length like ``"8W"``, or ``[first, last]``
        days; default the same whole weeks both sides of ``start``.
    metrics : list of str
        Metric ids to judge it by (kinds proportion, duration, ordinal, nps, mean).
    controls : list of str, "all" or None
        Control units for difference-in-differences; ``"all"`` takes every other unit
        in the data; none means before/after.
    cluster : str
        Column to cluster errors by (``agent_id``, or ``team``).
    design : {"auto", "before_after", "diff_in_diff", "its"}
        ``"auto"``: difference-in-differences with controls, else before/after.
    adjust_for : list of str
        Columns adjusted for within unit in difference-in-differences.
    correction : str
        Multiplicity correction over the metrics (see
        :func:`svcinsight.stats.adjust_pvalues`; default Holm).
    unit_column : str
        Column that names the unit of a ticket.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    unit: str | None = None
    change: str = ""
    start: dt.date
    end: dt.date | None = None
    pre: int | str | tuple[dt.date, dt.date] | None = None
    post: int | str | tuple[dt.date, dt.date] | None = None
    metrics: tuple[str, ...] = Field(min_length=1)
    controls: tuple[str, ...] | Literal["all"] | None = None
    cluster: str = "agent_id"
    design: Literal["auto", "before_after", "diff_in_diff", "its"] = "auto"
    adjust_for: tuple[str, ...] = ()
    correction: str = "holm"
    unit_column: str = "business_unit"

    @field_validator("metrics")
    @classmethod
    def _known_metrics(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for metric in value:
            if metric not in REGISTRY:
                raise ValueError(f"unknown metric {metric!r} (known: {', '.join(REGISTRY)})")
            if REGISTRY[metric].kind not in KINDS:
                raise ValueError(f"{metric} is a {REGISTRY[metric].kind} metric; pilots compare "
                                 f"metrics of kind {', '.join(KINDS)}")
        if len(set(value)) != len(value):
            raise ValueError("a metric is listed twice")
        return value

    @field_validator("correction")
    @classmethod
    def _known_correction(cls, value: str) -> str:
        adjust_pvalues([0.5], method=value)  # raises with the list of known methods
        return value.lower()

    @model_validator(mode="after")
    def _consistent(self) -> PilotDefinition:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if self.design == "diff_in_diff" and not self.controls:
            raise ValueError("design diff_in_diff needs controls (a list of units, or 'all')")
        if isinstance(self.controls, tuple) and self.unit in self.controls:
            raise ValueError(f"the pilot unit {self.unit!r} cannot also be a control")
        return self

    @property
    def resolved_design(self) -> str:
        """The design ``"auto"`` stands for here."""
        if self.design != "auto":
            return self.design
        return "diff_in_diff" if self.controls else "before_after"

    def runs_in(self, month) -> bool:
        """Whether the pilot ran during ``month`` (a ``YYYY-MM`` string or monthly Period).

        >>> d = PilotDefinition.parse({"name": "x", "start": "2026-06-01", "metrics": ["fcr_rate"]})
        >>> d.runs_in("2026-05"), d.runs_in("2026-06"), d.runs_in("2026-10")
        (False, True, True)
        """
        period = pd.Period(month, freq="M")
        first, last = period.start_time.date(), period.end_time.date()
        return self.start <= last and (self.end is None or self.end >= first)

    @classmethod
    def parse(cls, value: PilotDefinition | Mapping[str, Any], *, default_unit: str | None = None
              ) -> PilotDefinition:
        """A definition from a params mapping (or one already made); errors name the key."""
        if isinstance(value, PilotDefinition):
            return value
        if not isinstance(value, Mapping):
            raise TypeError(f"a pilot definition is a mapping of keys, not {type(value).__name__}")
        raw = dict(value)
        if raw.get("unit") is None and default_unit is not None:
            raw["unit"] = default_unit
        for key in ("pre", "post"):
            if isinstance(raw.get(key), list):
                raw[key] = tuple(raw[key])
        try:
            return cls(**raw)
        except ValidationError as error:
            lines = problem_lines(error, top="(definition)")
            raise ValueError(f"pilot {raw.get('name', '?')!r}: invalid definition\n" + "\n".join(lines)) from None
