"""One result type for every two-group comparison, and its plain-language sentence.

Effects are group 2 minus group 1 (or group 2 over group 1 for ratios): group 2 is the
"after", "pilot" or "treated" side. All numbers are kept at full precision; rounding
happens only in :mod:`svcinsight.stats.display`.

Examples
--------
>>> from svcinsight.stats.result import Comparison
>>> r = Comparison(
...     metric_kind="proportion", method="Newcombe hybrid score interval; score test",
...     effect_kind="difference", estimate=0.0590, ci_low=0.0310, ci_high=0.0870,
...     pvalue=0.0002, alpha=0.05, value1=0.782, value2=0.841, n1=2000, n2=2000, unit="%",
...     metric_label="FCR")
>>> print(r.summary())
FCR rose from 78.2% to 84.1% (+5.9 pts, 95% CI +3.1 to +8.7); p < 0.001, significant at the 5% level.
>>> print(r.summary(language="zh", label="首次解决率"))
首次解决率从78.2%升至84.1%（+5.9个百分点，95%置信区间 +3.1 至 +8.7）；p < 0.001，在5%水平上显著。
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from svcinsight.stats import display

EFFECT_KINDS = ("difference", "ratio", "probability")
ALTERNATIVES = ("two-sided", "larger", "smaller")
LANGUAGES = ("en", "zh")

# The value of each effect kind that means "no difference between the groups".
_NULL_VALUES = {"difference": 0.0, "ratio": 1.0, "probability": 0.5}

_HTML_HEADERS = {
    "en": ("Group 1", "Group 2", "Effect", "CI", "p-value", "n1", "n2", "Method"),
    "zh": ("组1", "组2", "效应", "置信区间", "p值", "样本量1", "样本量2", "方法"),
}


def _as_python(value: Any) -> Any:
    """numpy scalars become plain int/float so records print and compare cleanly."""
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    return value


@dataclass(frozen=True, kw_only=True)
class Comparison:
    """The comparison of one metric between two groups.

    Attributes
    ----------
    metric_kind : str
        ``"proportion"``, ``"mean"``, ``"duration"``, ``"ordinal"``, ``"nps"`` or ``"rate"``.
    method : str
        The interval and test used, in words.
    effect_kind : {"difference", "ratio", "probability"}
        ``difference`` is group 2 minus group 1, ``ratio`` group 2 over group 1, and
        ``probability`` the probability of superiority P(X2 > X1) + P(X2 = X1) / 2.
    estimate, ci_low, ci_high : float
        The effect and its confidence interval at level ``1 - alpha``. A one-sided
        ``alternative`` leaves one side open (``-inf``/``inf``, or 0 for a ratio).
    pvalue : float
        For the null of no difference (effect at :attr:`null_value`); NaN when the data
        allow no test (the warnings say why).
    alpha : float
        Significance level; the interval has confidence ``1 - alpha``.
    alternative : {"two-sided", "larger", "smaller"}
        ``"larger"``: group 2 is higher than group 1 under the alternative.
    value1, value2 : float
        Each group's value on the metric's scale (proportion, mean, geometric mean,
        NPS, rate, ...); :attr:`value_kind` says which when it is not obvious.
    n1, n2 : int or float
        Sample sizes (for rates, the exposures).
    unit : str
        Unit of the values: ``"%"`` for proportions (kept as fractions, shown as
        percentages, differences in percentage points), ``"pts"`` for NPS points,
        ``"h"``, ``"min"``, ... or ``""``.
    value_kind : str
        ``""``, ``"geometric_mean"``, ``"mean_score"`` or ``"km_median"``.
    metric_label : str or None
        The metric's name for sentences; ``None`` uses a generic one.
    warnings : tuple of str
        Everything a reader should know before trusting the numbers.
    extra : mapping
        Method-specific details (test statistic, degrees of freedom, secondary
        effects such as the risk ratio or the median difference).
    """

    metric_kind: str
    method: str
    effect_kind: str
    estimate: float
    ci_low: float
    ci_high: float
    pvalue: float
    alpha: float
    alternative: str = "two-sided"
    value1: float
    value2: float
    n1: float
    n2: float
    unit: str = ""
    value_kind: str = ""
    metric_label: str | None = None
    warnings: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.effect_kind not in EFFECT_KINDS:
            raise ValueError(f"effect_kind must be one of {EFFECT_KINDS}, not {self.effect_kind!r}")
        if self.alternative not in ALTERNATIVES:
            raise ValueError(f"alternative must be one of {ALTERNATIVES}, not {self.alternative!r}")
        for name in ("estimate", "ci_low", "ci_high", "pvalue", "alpha", "value1", "value2"):
            object.__setattr__(self, name, float(getattr(self, name)))
        for name in ("n1", "n2"):
            object.__setattr__(self, name, _as_python(getattr(self, name)))
        object.__setattr__(self, "warnings", tuple(str(w) for w in self.warnings))
        extra = {key: _as_python(value) for key, value in dict(self.extra).items()}
        object.__setattr__(self, "extra", MappingProxyType(extra))

    # -- derived -----------------------------------------------------------------------
    @property
    def confidence(self) -> float:
        """Confidence level of the interval, ``1 - alpha``."""
        return 1.0 - self.alpha

    @property
    def null_value(self) -> float:
        """The effect meaning "no difference": 0, 1 or 0.5 by :attr:`effect_kind`."""
        return _NULL_VALUES[self.effect_kind]

    @property
    def significant(self) -> bool:
        """Whether ``pvalue < alpha`` (False when there is no p-value)."""
        return bool(self.pvalue < self.alpha)

    # -- tables ------------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """One row with snake_case columns; scalar ``extra`` items become columns too.

        Examples
        --------
        >>> from svcinsight import stats
        >>> stats.compare_proportions(40, 100, 55, 100).to_frame()[["estimate", "n1", "n2"]]
           estimate   n1   n2
        0      0.15  100  100
        """
        row: dict[str, Any] = {
            "metric": self.metric_label or self.metric_kind,
            "metric_kind": self.metric_kind,
            "value1": self.value1,
            "value2": self.value2,
            "effect_kind": self.effect_kind,
            "estimate": self.estimate,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "confidence": self.confidence,
            "pvalue": self.pvalue,
            "alpha": self.alpha,
            "significant": self.significant,
            "alternative": self.alternative,
            "n1": self.n1,
            "n2": self.n2,
            "unit": self.unit,
            "method": self.method,
            "warnings": "; ".join(self.warnings),
        }
        for key, value in self.extra.items():
            if key not in row and isinstance(value, (int, float, str, bool)):
                row[key] = value
        return pd.DataFrame([row])

    def to_dict(self) -> dict[str, Any]:
        """All fields as a plain dict (``extra`` as a dict)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["extra"] = dict(self.extra)
        return out

    # -- words -------------------------------------------------------------------------
    def summary(self, language: str = "en", label: str | None = None) -> str:
        """The plain sentence a stakeholder reads.

        Parameters
        ----------
        language : {"en", "zh"}
        label : str, optional
            The metric's name; defaults to :attr:`metric_label`, then a generic name.

        Examples
        --------
        >>> from svcinsight import stats
        >>> r = stats.compare_proportions(50, 100, 48, 100)
        >>> r.summary(label="Resolution rate")
        'Resolution rate fell from 50.0% to 48.0% (-2.0 pts, 95% CI -15.5 to +11.6); p = 0.777, not significant at the 5% level.'
        """
        if language not in LANGUAGES:
            raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
        zh = language == "zh"
        if label is None:
            generic = display.DEFAULT_LABELS.get(self.metric_kind, ("The metric", "指标"))
            label = self.metric_label or generic[zh]
        v1 = display.format_value(self.value1, self.unit, language)
        v2 = display.format_value(self.value2, self.unit, language)
        effect = display.format_effect(self.estimate, self.effect_kind, self.unit, language)
        note = display.VALUE_KINDS.get(self.value_kind, ("", ""))[zh]
        if note:
            note += "；" if zh else "; "
        inner = f"{note}{effect}{'，' if zh else ', '}{self._interval_text(language)}"
        verdict = self._verdict_text(language)

        if math.isnan(self.estimate):
            if zh:
                return f"{label}：{v1}与{v2}；无法估计效应（见警告）。"
            return f"{label}: {v1} vs {v2}; the effect could not be estimated (see warnings)."
        if self.estimate == self.null_value:
            if zh:
                return f"{label}没有变化（{v1}与{v2}；{inner}）；{verdict}。"
            return f"{label} did not change ({v1} vs {v2}; {inner}); {verdict}."
        rose = self.estimate > self.null_value
        if zh:
            return f"{label}从{v1}{'升至' if rose else '降至'}{v2}（{inner}）；{verdict}。"
        return f"{label} {'rose' if rose else 'fell'} from {v1} to {v2} ({inner}); {verdict}."

    def _interval_text(self, language: str) -> str:
        zh = language == "zh"
        level = display.format_level(self.confidence)
        low = display.format_bound(self.ci_low, self.effect_kind, self.unit)
        high = display.format_bound(self.ci_high, self.effect_kind, self.unit)
        if self.alternative == "larger":
            return f"单侧{level}置信区间 ≥ {low}" if zh else f"one-sided {level} CI ≥ {low}"
        if self.alternative == "smaller":
            return f"单侧{level}置信区间 ≤ {high}" if zh else f"one-sided {level} CI ≤ {high}"
        return f"{level}置信区间 {low} 至 {high}" if zh else f"{level} CI {low} to {high}"

    def _verdict_text(self, language: str) -> str:
        zh = language == "zh"
        if math.isnan(self.pvalue):
            return "无法计算p值（见警告）" if zh else "no p-value (see warnings)"
        p = display.format_pvalue(self.pvalue, self.alpha)
        level = display.format_level(self.alpha)
        if zh:
            return f"{p}，在{level}水平上{'显著' if self.significant else '不显著'}"
        return f"{p}, {'' if self.significant else 'not '}significant at the {level} level"

    # -- display -----------------------------------------------------------------------
    def to_html(self, language: str = "en") -> str:
        """The sentence, a one-row table and the warnings, every text escaped."""
        headers = _HTML_HEADERS[language]
        row = [
            display.format_value(self.value1, self.unit, language),
            display.format_value(self.value2, self.unit, language),
            display.format_effect(self.estimate, self.effect_kind, self.unit, language),
            self._interval_text(language),
            display.format_pvalue(self.pvalue, self.alpha).removeprefix("p = ").removeprefix("p "),
            display.format_number(self.n1, digits=15),
            display.format_number(self.n2, digits=15),
            self.method,
        ]
        table = pd.DataFrame([row], columns=list(headers)).to_html(
            index=False, escape=True, border=0, classes="svcinsight-comparison"
        )
        parts = [f"<p>{html.escape(self.summary(language))}</p>", table]
        if self.warnings:
            title = "警告" if language == "zh" else "Warnings"
            items = "".join(f"<li>{html.escape(w)}</li>" for w in self.warnings)
            parts.append(f"<p><strong>{title}</strong></p><ul>{items}</ul>")
        return "<div>" + "".join(parts) + "</div>"

    def _repr_html_(self) -> str:
        return self.to_html()

    def __str__(self) -> str:
        lines = [self.summary(), f"Method: {self.method}"]
        lines += [f"Warning: {w}" for w in self.warnings]
        return "\n".join(lines)
