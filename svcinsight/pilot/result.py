"""What a pilot design returns: a :class:`~svcinsight.stats.Comparison` that also knows
its design, windows, design warnings (in English and Chinese) and, once several
metrics are evaluated together, its multiplicity-adjusted p-value.

Examples
--------
>>> from svcinsight.pilot.result import DesignWarning, PilotResult
>>> r = PilotResult(
...     design="diff_in_diff", metric="fcr_rate", metric_kind="proportion",
...     method="OLS with unit and week effects; cluster-robust errors by agent_id",
...     effect_kind="difference", estimate=0.048, ci_low=0.033, ci_high=0.064, pvalue=1e-6,
...     alpha=0.05, value1=0.781, value2=0.829, n1=30000, n2=16000, unit="%",
...     metric_label="First contact resolution", label_zh="首次解决率",
...     extra={"treated_pre": 0.780, "treated_post": 0.829, "control_pre": 0.790,
...            "control_post": 0.791})
>>> print(r.summary())
First contact resolution: +4.8 pts against the control units (95% CI +3.3 to +6.4); p < 0.001, significant at the 5% level. Pilot unit 78.0% -> 82.9%, controls 79.0% -> 79.1%.
>>> print(r.summary(language="zh"))
首次解决率：相对对照单元 +4.8个百分点（95%置信区间 +3.3 至 +6.4）；p < 0.001，在5%水平上显著。试点单元 78.0% → 82.9%，对照单元 79.0% → 79.1%。
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from svcinsight.stats import display
from svcinsight.stats.result import Comparison

#: Design keys and their names (en, zh).
DESIGNS = {
    "before_after": ("before/after", "前后对比"),
    "diff_in_diff": ("difference-in-differences", "双重差分"),
    "its": ("interrupted time series", "中断时间序列"),
}

#: Design checks and their names (en, zh).
CHECKS = {
    "weekday_mix": ("Weekday mix", "星期构成"),
    "holiday_mix": ("Public holidays", "节假日"),
    "mix_shift": ("Channel or category mix", "渠道或类别构成"),
    "simpson": ("Simpson's paradox", "辛普森悖论"),
    "few_clusters": ("Few clusters", "聚类过少"),
    "skew": ("Skew", "偏度"),
    "response_rate": ("Survey response rate", "调研回复率"),
    "pre_trend": ("Trend before the pilot", "试点前趋势"),
    "autocorrelation": ("Autocorrelation", "自相关"),
    "censored": ("Open tickets", "未结工单"),
}


@dataclass(frozen=True)
class DesignWarning:
    """A reason to trust a design's numbers less, in English and Chinese.

    Attributes
    ----------
    check : str
        Which check raised it: ``weekday_mix``, ``holiday_mix``, ``mix_shift``,
        ``simpson``, ``few_clusters``, ``skew``, ``response_rate``, ``pre_trend``,
        ``autocorrelation``, ``censored``.
    en, zh : str
        The sentence.
    """

    check: str
    en: str
    zh: str

    def text(self, language: str = "en") -> str:
        return self.zh if language == "zh" else self.en

    def __str__(self) -> str:
        return self.en


@dataclass(frozen=True, kw_only=True)
class PilotResult(Comparison):
    """A :class:`~svcinsight.stats.Comparison` from a pilot design.

    Group 1 is "before" (before/after), "expected without the pilot" (the treated
    unit's post value with the effect taken out: difference-in-differences and
    interrupted time series) and group 2 the pilot's observed value.

    Attributes
    ----------
    design : {"before_after", "diff_in_diff", "its"}
    metric : str
        The metric id.
    label_zh : str or None
        The metric's Chinese name for ``summary(language="zh")``.
    direction : {"higher", "lower", "neutral"}
        Which way is better for the metric.
    windows : PilotWindows or None
    design_warnings : tuple of DesignWarning
        The design checks that failed (their English sentences are also in
        ``warnings``, after the comparison's own notes).
    pvalue_adjusted : float
        The multiplicity-adjusted p-value when the result is one of several metrics
        evaluated together (NaN otherwise); the verdict then uses it.
    adjustment : str
        How ``pvalue_adjusted`` was adjusted (``"holm"``), and ``family_size`` in ``extra``.
    tables : mapping of str to DataFrame
        Supporting tables (cell means, stratified comparisons, fitted coefficients).
    """

    design: str
    metric: str = ""
    label_zh: str | None = None
    direction: str = "neutral"
    windows: Any = None
    design_warnings: tuple[DesignWarning, ...] = ()
    pvalue_adjusted: float = math.nan
    adjustment: str = ""
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.design not in DESIGNS:
            raise ValueError(f"design must be one of {tuple(DESIGNS)}, not {self.design!r}")
        super().__post_init__()
        object.__setattr__(self, "pvalue_adjusted", float(self.pvalue_adjusted))
        object.__setattr__(self, "design_warnings", tuple(self.design_warnings))

    @classmethod
    def from_comparison(cls, comparison: Comparison, **fields_) -> PilotResult:
        """A pilot result carrying everything of ``comparison`` plus ``fields_``."""
        base = comparison.to_dict()
        base.update(fields_)
        return cls(**base)

    def with_warnings(self, design_warnings) -> PilotResult:
        """The same result with ``design_warnings`` added (also to ``warnings``)."""
        design_warnings = tuple(design_warnings)
        return replace(self, design_warnings=self.design_warnings + design_warnings,
                       warnings=self.warnings + tuple(w.en for w in design_warnings))

    def adjusted(self, pvalue: float, method: str, family_size: int) -> PilotResult:
        """The same result with its multiplicity-adjusted p-value."""
        return replace(self, pvalue_adjusted=pvalue, adjustment=method,
                       extra={**self.extra, "family_size": family_size})

    @property
    def significant(self) -> bool:
        """``p < alpha``, with the adjusted p-value when there is one."""
        p = self.pvalue if math.isnan(self.pvalue_adjusted) else self.pvalue_adjusted
        return bool(p < self.alpha)

    @property
    def design_name(self) -> str:
        return DESIGNS[self.design][0]

    def warnings_text(self, language: str = "en") -> list[str]:
        """The comparison's own notes (English) and the design warnings in ``language``."""
        own = self.warnings[: len(self.warnings) - len(self.design_warnings)]
        return [*own, *(w.text(language) for w in self.design_warnings)]

    def improved(self) -> bool | None:
        """True if the change is significant and in the better direction, False if
        significant and worse, None when not significant or the direction is neutral."""
        if not self.significant or self.direction == "neutral":
            return None
        return bool((self.estimate > self.null_value) == (self.direction == "higher"))

    def to_frame(self) -> pd.DataFrame:
        frame = super().to_frame()
        frame.insert(0, "design", self.design)
        frame.insert(1, "metric_id", self.metric)
        frame["pvalue_adjusted"] = self.pvalue_adjusted
        frame["significant"] = self.significant
        return frame

    # -- words -------------------------------------------------------------------------
    def summary(self, language: str = "en", label: str | None = None) -> str:
        """The plain sentence; for difference-in-differences and interrupted time series
        it states what the effect is measured against.

        Examples
        --------
        >>> from svcinsight.pilot.result import PilotResult
        >>> r = PilotResult(design="before_after", metric_kind="proportion", method="...",
        ...     effect_kind="difference", estimate=0.05, ci_low=0.02, ci_high=0.08, pvalue=0.001,
        ...     alpha=0.05, value1=0.78, value2=0.83, n1=900, n2=950, unit="%", metric_label="FCR")
        >>> r.adjusted(0.003, "holm", 3).summary()
        'FCR rose from 78.0% to 83.0% (+5.0 pts, 95% CI +2.0 to +8.0); Holm-adjusted p = 0.003 (3 metrics), significant at the 5% level.'
        """
        zh = language == "zh"
        if label is None:
            label = (self.label_zh if zh and self.label_zh else self.metric_label) or self.metric
        if self.design == "before_after":
            return super().summary(language, label)
        if math.isnan(self.estimate):
            return super().summary(language, label)
        effect = display.format_effect(self.estimate, self.effect_kind, self.unit, language)
        interval = self._interval_text(language)
        verdict = self._verdict_text(language)
        if self.design == "diff_in_diff":
            cells = [display.format_value(self.extra.get(k, math.nan), self.unit, language)
                     for k in ("treated_pre", "treated_post", "control_pre", "control_post")]
            note = display.VALUE_KINDS.get(self.value_kind, ("", ""))[zh]
            if zh:
                tail = f"试点单元 {cells[0]} → {cells[1]}，对照单元 {cells[2]} → {cells[3]}"
                tail += f"（{note}）" if note else ""
                return f"{label}：相对对照单元 {effect}（{interval}）；{verdict}。{tail}。"
            tail = f"Pilot unit {cells[0]} -> {cells[1]}, controls {cells[2]} -> {cells[3]}"
            tail += f" ({note})" if note else ""
            return f"{label}: {effect} against the control units ({interval}); {verdict}. {tail}."
        slope = self.extra.get("slope_change", math.nan)
        per = self.extra.get("slope_per", "week")
        slope_text = display.format_effect(slope, self.effect_kind, self.unit, language)
        expected = display.format_value(self.value1, self.unit, language)
        if zh:
            per_zh = {"week": "每周", "day": "每天"}.get(per, per)
            return (f"{label}：试点开始时水平变化 {effect}（{interval}；预期无试点时为 {expected}）；"
                    f"{verdict}。趋势变化 {per_zh} {slope_text}。")
        return (f"{label}: a level change of {effect} at the pilot start ({interval}; expected "
                f"without the pilot {expected}); {verdict}. Trend change {slope_text} per {per}.")

    def _verdict_text(self, language: str) -> str:
        if math.isnan(self.pvalue_adjusted):
            return super()._verdict_text(language)
        zh = language == "zh"
        p = display.format_pvalue(self.pvalue_adjusted, self.alpha)
        level = display.format_level(self.alpha)
        size = self.extra.get("family_size", "")
        name = self.adjustment.capitalize() if self.adjustment else "Adjusted"
        if zh:
            return (f"{name}校正后 {p}（{size}个指标），在{level}水平上"
                    f"{'显著' if self.significant else '不显著'}")
        return (f"{name}-adjusted {p} ({size} metrics), {'' if self.significant else 'not '}"
                f"significant at the {level} level")

    def to_html(self, language: str = "en") -> str:
        html = super().to_html(language)
        if language == "zh" and self.design_warnings:
            # the base class lists the English sentences; a Chinese reader gets hers
            import html as html_lib

            items = "".join(f"<li>{html_lib.escape(w)}</li>" for w in self.warnings_text("zh"))
            start = html.rfind("<ul>")
            html = html[:start] + f"<ul>{items}</ul></div>"
        return html
