"""Judge a pilot on several metrics at once: run its design for each metric, adjust the
p-values for multiplicity (Holm by default) and say in a sentence what happened.

Examples
--------
>>> import svcinsight as si
>>> ds = si.demo.generate(seed=0, months=4, start="2026-04-01", tickets_per_month=400)
>>> table, results = si.pilot.evaluate(ds, {
...     "name": "smart routing", "unit": "ecommerce", "start": "2026-06-01",
...     "metrics": ["frt_median_h", "fcr_rate"], "controls": "all"})
>>> table[["metric", "design", "significant"]]
         metric        design  significant
0  frt_median_h  diff_in_diff         True
1      fcr_rate  diff_in_diff         True
>>> bool((table["p_adjusted"] >= table["pvalue"]).all())
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from svcinsight.dataset import Dataset
from svcinsight.metrics import get
from svcinsight.pilot.before_after import before_after
from svcinsight.pilot.definition import PilotDefinition
from svcinsight.pilot.diff_in_diff import diff_in_diff
from svcinsight.pilot.its import interrupted_time_series
from svcinsight.pilot.result import CHECKS, DESIGNS, PilotResult
from svcinsight.stats import adjust_pvalues, display

TABLE_COLUMNS = ("metric", "label", "design", "effect_kind", "unit", "value1", "value2", "estimate",
                 "ci_low", "ci_high", "pvalue", "p_adjusted", "significant", "improved", "verdict",
                 "warnings")


@dataclass(frozen=True)
class Evaluation:
    """What :func:`evaluate` returns; unpacks as ``table, results = si.pilot.evaluate(...)``.

    Attributes
    ----------
    table : DataFrame
        One row per metric: ``metric, label, design, effect_kind, unit, value1,
        value2, estimate, ci_low, ci_high, pvalue, p_adjusted, significant,
        improved, verdict, warnings``. ``p_adjusted`` is the multiplicity-adjusted
        p-value and ``significant`` compares it with alpha; ``improved`` is True/False
        for a significant change in the better/worse direction; ``verdict`` the plain
        sentence; ``warnings`` the design warnings joined. A metric that could not be
        evaluated has NaN numbers and its reason in ``verdict``.
    results : list of PilotResult
        The full results, in the table's order (``None`` for a metric that failed).
    definition : PilotDefinition
    language : str
    """

    table: pd.DataFrame
    results: list
    definition: PilotDefinition
    language: str = "en"

    def __iter__(self):
        return iter((self.table, self.results))

    def _repr_html_(self) -> str:
        return self.formatted().to_html(index=False, escape=True, border=0)

    def formatted(self, language: str | None = None) -> pd.DataFrame:
        """The table as a reader sees it: effects, intervals and p-values as text."""
        language = language or self.language
        zh = language == "zh"
        rows = []
        for row, result in zip(self.table.itertuples(index=False), self.results):
            if result is None:
                rows.append([row.label, "", "", "", "", "", row.verdict])
                continue
            effect = display.format_effect(result.estimate, result.effect_kind, result.unit, language)
            interval = (f"[{display.format_bound(result.ci_low, result.effect_kind, result.unit)}, "
                        f"{display.format_bound(result.ci_high, result.effect_kind, result.unit)}]")
            rows.append([row.label, DESIGNS[result.design][zh], effect, interval,
                         display.format_pvalue(result.pvalue).removeprefix("p = "),
                         display.format_pvalue(result.pvalue_adjusted, result.alpha).removeprefix("p = "),
                         _outcome(result, language)])
        level = display.format_level(1 - (self.results[0].alpha if any(self.results) else 0.05))
        header = (["指标", "设计", "效应", f"{level}置信区间", "p值", "校正后p值", "结论"] if zh else
                  ["metric", "design", "effect", f"{level} CI", "p", "adjusted p", "outcome"])
        return pd.DataFrame(rows, columns=header)

    def verdicts(self, language: str | None = None) -> list[str]:
        """One plain sentence per metric, with the adjusted p-value."""
        language = language or self.language
        out = []
        for row, result in zip(self.table.itertuples(index=False), self.results):
            out.append(row.verdict if result is None else result.summary(language))
        return out

    def warnings(self, language: str | None = None) -> pd.DataFrame:
        """Every design warning: metric, check and sentence."""
        language = language or self.language

        zh = language == "zh"
        rows = [(r.label_zh if zh and r.label_zh else r.metric_label, CHECKS.get(w.check, (w.check, w.check))[zh],
                 w.text(language))
                for r in self.results if r is not None for w in r.design_warnings]
        columns = ["指标", "检查", "警告"] if language == "zh" else ["metric", "check", "warning"]
        return pd.DataFrame(rows, columns=columns)


def _outcome(result: PilotResult, language: str) -> str:
    zh = language == "zh"
    improved = result.improved()
    if improved is None:
        if result.significant:
            return "有变化" if zh else "changed"
        return "无显著变化" if zh else "no significant change"
    if improved:
        return "改善" if zh else "improved"
    return "变差" if zh else "worsened"


def run_design(data: Dataset, definition: PilotDefinition, metric: str, *, controls=None,
               as_of=None, calendar=None, holidays: str | None = "CN") -> PilotResult:
    """One metric under the definition's design."""
    design = definition.resolved_design
    common: dict[str, Any] = {"metric": metric, "pilot_start": definition.start, "pre": definition.pre,
                                  "post": definition.post, "pilot_end": definition.end,
                                  "feedback": data.feedback, "as_of": as_of, "calendar": calendar}
    if design == "diff_in_diff":
        return diff_in_diff(data.tickets, treated=definition.unit, controls=controls,
                            cluster=definition.cluster, unit_column=definition.unit_column,
                            adjust_for=definition.adjust_for, **common)
    if design == "its":
        return interrupted_time_series(data.tickets, unit=definition.unit, unit_column=definition.unit_column,
                                       holidays=holidays, **common)
    return before_after(data.tickets, unit=definition.unit, unit_column=definition.unit_column,
                        holidays=holidays, **common)


def control_units(data: Dataset, definition: PilotDefinition) -> list[str] | None:
    """The definition's control units, ``"all"`` resolved against the data."""
    if not definition.controls:
        return None
    if definition.controls == "all":
        column = data.tickets[definition.unit_column].astype("string")
        return sorted(set(column.dropna().unique()) - {definition.unit})
    return list(definition.controls)


def evaluate(dataset: Dataset, definition, *, metrics=None, language: str = "en", as_of=None,
             calendar=None, holidays: str | None = "CN") -> Evaluation:
    """Evaluate a pilot on each of its metrics, with the p-values adjusted together.

    Parameters
    ----------
    dataset : Dataset
        Tickets (and feedback for satisfaction metrics) of the pilot unit and, for
        difference-in-differences, the control units.
    definition : PilotDefinition or mapping
        The pilot (see :class:`~svcinsight.pilot.definition.PilotDefinition`).
    metrics : sequence of str, optional
        Metric ids to use instead of the definition's.
    language : {"en", "zh"}
        Language of the verdicts and warnings in the table.
    as_of, calendar
        As in :func:`before_after`.
    holidays : str or None
        Country code for the calendar checks.

    Returns
    -------
    Evaluation
        ``(table, results, definition, language)``; see :class:`Evaluation`.

    Notes
    -----
    Judging a pilot on m metrics at alpha 0.05 each finds "something significant" far
    more often than 5% of the time when nothing changed. Holm's step-down adjustment
    (the default; ``correction`` in the definition) keeps the chance of any false
    finding at alpha under any dependence between the metrics and is uniformly more
    powerful than Bonferroni.
    """
    definition = PilotDefinition.parse(definition)
    if definition.unit is None:
        raise ValueError(f"pilot {definition.name!r} names no unit")
    wanted = list(metrics) if metrics is not None else list(definition.metrics)
    if metrics is not None:
        definition = PilotDefinition.parse({**definition.model_dump(), "metrics": tuple(wanted)})
    controls = control_units(dataset, definition)
    results: list[PilotResult | None] = []
    failures: dict[str, str] = {}
    for metric in wanted:
        try:
            results.append(run_design(dataset, definition, metric, controls=controls, as_of=as_of,
                                      calendar=calendar, holidays=holidays))
        except ValueError as error:
            results.append(None)
            failures[metric] = str(error).splitlines()[0]
    pvalues = np.array([r.pvalue if r is not None else math.nan for r in results])
    adjusted = adjust_pvalues(pvalues, method=definition.correction)
    family = int((~np.isnan(pvalues)).sum())
    results = [r.adjusted(float(p), definition.correction, family) if r is not None else None
               for r, p in zip(results, adjusted)]
    rows = []

    for metric, result in zip(wanted, results):
        m = get(metric)
        label = m.label_zh if language == "zh" else m.label_en
        if result is None:
            reason = failures[metric]
            verdict = f"{label}：无法评估（{reason}）" if language == "zh" else f"{label}: could not be evaluated ({reason})"
            rows.append({"metric": metric, "label": label, "design": definition.resolved_design,
                         "verdict": verdict})
            continue
        rows.append({
            "metric": metric, "label": label, "design": result.design,
            "effect_kind": result.effect_kind, "unit": result.unit, "value1": result.value1,
            "value2": result.value2, "estimate": result.estimate, "ci_low": result.ci_low,
            "ci_high": result.ci_high, "pvalue": result.pvalue, "p_adjusted": result.pvalue_adjusted,
            "significant": result.significant, "improved": result.improved(),
            "verdict": result.summary(language),
            "warnings": "; ".join(w.text(language) for w in result.design_warnings),
        })
    table = pd.DataFrame(rows).reindex(columns=list(TABLE_COLUMNS))
    return Evaluation(table=table, results=results, definition=definition, language=language)
