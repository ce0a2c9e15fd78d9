"""The plan's charts: ranked opportunities, and impact against effort. Each returns a
matplotlib Figure and never shows it.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> ranking = pd.DataFrame({"rank": [1, 2], "title": ["Fix A", "Fix B"], "kind": ["stage", "tag"],
...                         "score": [0.4, 0.1], "gain": [0.2, 0.05], "effort": [2.0, 4.0],
...                         "metric": ["resolution_median_h", "csat_mean"],
...                         "before": [10.0, 4.1], "ci_low": [-3.0, 0.01], "ci_high": [-1.0, 0.05]})
>>> fig = ranked_chart(ranking)
>>> [ax.get_xlabel() for ax in fig.axes]
['Share of the targets’ gaps closed (%)', 'Largest improvement of a headline number (%)']
>>> impact_effort_chart(ranking).axes[0].get_xlabel()
'Effort (1 low – 5 high)'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from svcinsight.metrics import get
from svcinsight.plan.texts import KIND_NAMES
from svcinsight.plots import use_cjk_font

_COLOURS = {"stage": "#d55e00", "handoff": "#e69f00", "rework": "#0072b2", "response": "#009e73",
            "tag": "#cc79a7", "segment": "#999999"}
_WORDS = {
    "en": {"score": "Share of the targets’ gaps closed (%)", "gain": "Largest improvement of a headline number (%)",
           "effort": "Effort (1 low – 5 high)", "impact": "Gain toward the targets (%)",
           "impact_gain": "Largest improvement of a headline number (%)"},
    "zh": {"score": "弥补目标差距的比例（%）", "gain": "核心指标的最大改善（%）", "effort": "投入（1低 – 5高）",
           "impact": "对目标的贡献（%）", "impact_gain": "核心指标的最大改善（%）"},
}


def _better_sign(metric) -> float:
    return -1.0 if isinstance(metric, str) and get(metric).direction == "lower" else 1.0


def _words(language: str) -> dict:
    return _WORDS["zh" if language == "zh" else "en"]


def ranked_chart(ranking: pd.DataFrame, *, top: int = 10, language: str = "en"):
    """Two panels per opportunity, in rank order: the share of the targets' gaps it closes,
    and its largest relative improvement of a headline number with the interval."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    use_cjk_font()
    words = _words(language)
    shown = ranking.head(top).iloc[::-1]
    labels = [f"{r}. {t}" if len(t) <= 48 else f"{r}. {t[:46]}…" for r, t in zip(shown["rank"], shown["title"])]
    colours = [_COLOURS.get(k, "#999999") for k in shown["kind"]]
    y = np.arange(len(shown))
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 0.45 * len(shown) + 1.4), sharey=True,
                                      layout="constrained")
    left.barh(y, 100 * shown["score"].clip(lower=0).fillna(0), color=colours)
    left.set_xlabel(words["score"])
    left.set_yticks(y, labels, fontsize=8)
    gain = 100 * shown["gain"].fillna(0)
    scale = shown["before"].abs().where(shown["before"] != 0)
    # the interval of the change as a relative improvement: lower-is-better metrics turn over
    sign = shown["metric"].map(_better_sign) if "metric" in shown.columns else pd.Series(1.0, index=shown.index)
    bounds = pd.concat([100 * shown["ci_low"] / scale * sign, 100 * shown["ci_high"] / scale * sign], axis=1)
    low, high = bounds.min(axis=1), bounds.max(axis=1)
    errors = np.vstack([(gain - low).clip(lower=0).fillna(0), (high - gain).clip(lower=0).fillna(0)])
    right.barh(y, gain, color=colours, xerr=errors, error_kw={"elinewidth": 1, "capsize": 2, "ecolor": "#333333"})
    right.set_xlabel(words["gain"])
    for ax in (left, right):
        ax.axvline(0, color="#333333", linewidth=0.6)
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(axis="x", labelsize=8)
    names = KIND_NAMES["zh" if language == "zh" else "en"]
    kinds = [k for k in names if k in set(shown["kind"])]
    right.legend(handles=[Patch(color=_COLOURS[k], label=names[k]) for k in kinds], frameon=False, fontsize=8,
                 loc="lower right")
    return fig


def impact_effort_chart(ranking: pd.DataFrame, *, top: int = 10, language: str = "en"):
    """Each opportunity's gain toward the targets (or, without targets, its largest headline
    improvement) against its effort from params; numbers are ranks."""
    import matplotlib.pyplot as plt

    use_cjk_font()
    words = _words(language)
    shown = ranking.head(top)
    shown = shown[shown["effort"].notna()]
    with_goals = bool((ranking["score"] > 0).any())
    impact = 100 * (shown["score"] if with_goals else shown["gain"]).fillna(0)
    fig, ax = plt.subplots(figsize=(6.5, 4.2), layout="constrained")
    ax.scatter(shown["effort"], impact, s=90, c=[_COLOURS.get(k, "#999999") for k in shown["kind"]],
               edgecolor="white", zorder=3)
    seen: dict = {}
    for effort, value, rank in zip(shown["effort"], impact, shown["rank"]):
        spot = (round(float(effort), 2), round(float(value), 1))
        stacked = seen.get(spot, 0)  # ranks on the same point go side by side
        seen[spot] = stacked + 1
        ax.annotate(str(rank), (effort, value), xytext=(6 + 10 * stacked, 4), textcoords="offset points", fontsize=9)
    ax.axvline(3, color="#bbbbbb", linewidth=0.8, linestyle="--")
    if len(impact):
        ax.axhline(float(np.median(impact)), color="#bbbbbb", linewidth=0.8, linestyle="--")
    ax.set_xlim(0.5, 5.5)
    ax.set_xlabel(words["effort"])
    ax.set_ylabel(words["impact"] if with_goals else words["impact_gain"])
    ax.spines[["top", "right"]].set_visible(False)
    return fig
