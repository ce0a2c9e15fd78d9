"""Ordinal scores (CSAT 1-5, CES 1-7): Brunner-Munzel probability of superiority,
plus the top-2-box share as a proportion."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import stats as sps

from svcinsight.stats import inputs as _inputs
from svcinsight.stats.proportions import compare_proportions
from svcinsight.stats.result import Comparison

#: Below this many responses in a group the t approximation is flagged.
SMALL_GROUP = 10


def compare_ordinal(
    a,
    b,
    *,
    levels: Sequence[float] = (1, 2, 3, 4, 5),
    counts: bool | None = None,
    alternative: str = "two-sided",
    alpha: float | None = None,
    label: str | None = None,
) -> Comparison:
    """Compare two sets of ordinal scores by the probability of superiority.

    Parameters
    ----------
    a, b : array-like or mapping
        Group 1 and group 2: raw scores (each one of ``levels``; missing ones are left
        out), or counts per level. Counts are recognised by themselves only where they
        cannot be scores: a dict ``{level: count}`` or the Series
        ``scores.value_counts()`` returns; any other list, array or Series is read as
        scores unless ``counts=True``. ``extra["input1"]``/``["input2"]`` say how each
        group was read.
    levels : sequence of numbers
        The scale's levels in increasing order; the last two are the "top 2 box".
    counts : bool, optional
        Force reading ``a`` and ``b`` as counts per level (True) or raw scores (False).
    alternative : {"two-sided", "larger", "smaller"}
        ``"larger"``: group 2 tends to score higher.
    alpha : float, optional
        Significance level; defaults to ``get_config()["alpha"]``.
    label : str, optional
        Metric name for the sentence.

    Returns
    -------
    Comparison
        ``estimate`` = P(X2 > X1) + P(X2 = X1)/2 (``effect_kind="probability"``; 0.5
        means neither group tends higher) with the Brunner-Munzel interval and p-value;
        ``value1``/``value2`` the mean scores. ``extra``: ``statistic``, ``df``,
        ``counts1``/``counts2`` (per level), ``input1``/``input2``, and the top-2-box
        comparison (see :func:`compare_proportions`) both as ``top2_box`` (a Comparison)
        and flat: ``top2_1``, ``top2_2``, ``top2_difference``, ``top2_ci_low``,
        ``top2_ci_high``, ``top2_pvalue``.

    Notes
    -----
    With pooled mid-ranks :math:`R`, within-group mid-ranks :math:`R^{(g)}` and means
    :math:`\\bar R_g`, the estimate is :math:`\\hat p = (\\bar R_2 - (n_2 + 1)/2) / n_1`.
    The placements :math:`R - R^{(g)}` have variances :math:`S_g^2`, and

    .. math:: \\widehat{\\mathrm{Var}}(\\hat p) = \\frac{S_1^2}{n_1 n_2^2} + \\frac{S_2^2}{n_2 n_1^2},
              \\qquad t = \\frac{\\hat p - 1/2}{\\sqrt{\\widehat{\\mathrm{Var}}(\\hat p)}}

    with Satterthwaite-type degrees of freedom
    :math:`(n_1 S_1^2 + n_2 S_2^2)^2 / [(n_1 S_1^2)^2/(n_1-1) + (n_2 S_2^2)^2/(n_2-1)]`.
    The interval is :math:`\\hat p \\pm t_{df} \\sqrt{\\widehat{\\mathrm{Var}}}`, clipped to
    [0, 1]. Unlike the Wilcoxon-Mann-Whitney test it does not assume equal spreads
    (Brunner & Munzel 2000, with the correction of Neubert & Brunner 2007, as R's
    ``lawstat::brunner.munzel.test``). The statistic and p-value equal
    ``scipy.stats.brunnermunzel``'s; everything is computed from the counts per level,
    so a million responses cost no more than ten.

    References
    ----------
    .. [1] Brunner, E. & Munzel, U. (2000). The nonparametric Behrens-Fisher problem:
       asymptotic theory and a small-sample approximation. Biometrical Journal 42, 17-25.
    .. [2] Neubert, K. & Brunner, E. (2007). A studentized permutation test for the
       non-parametric Behrens-Fisher problem. Computational Statistics & Data Analysis
       51, 5192-5204.

    Examples
    --------
    >>> from svcinsight import stats
    >>> before = {1: 12, 2: 18, 3: 40, 4: 80, 5: 50}
    >>> after = {1: 6, 2: 12, 3: 30, 4: 90, 5: 62}
    >>> r = stats.compare_ordinal(before, after, label="CSAT")
    >>> print(r.summary())
    CSAT rose from 3.69 to 3.95 (mean scores; probability of superiority 0.563, 95% CI 0.510 to 0.617); p = 0.020, significant at the 5% level.
    >>> round(r.extra["top2_difference"], 3)
    0.11
    """
    levels = tuple(levels)
    level_values = np.asarray(levels, dtype=float)
    if len(levels) < 2 or not np.all(np.diff(level_values) > 0):
        raise ValueError(f"levels must be at least two numbers in increasing order, not {levels!r}")
    alternative = _inputs.resolve_alternative(alternative)
    alpha = _inputs.resolve_alpha(alpha)
    counts1, missing1, read1 = _inputs.level_counts(a, levels, "a", counts)
    counts2, missing2, read2 = _inputs.level_counts(b, levels, "b", counts)
    n1, n2 = int(counts1.sum()), int(counts2.sum())
    for n, name in ((n1, "a"), (n2, "b")):
        if n < 2:
            raise ValueError(f"{name} needs at least 2 responses, has {n}")
    notes = _inputs.missing_warning("a", missing1) + _inputs.missing_warning("b", missing2)

    estimate, variance, df = _brunner_munzel(counts1, counts2)
    ci_alpha = _inputs.interval_alpha(alpha, alternative)
    if variance > 0:
        statistic = (estimate - 0.5) / math.sqrt(variance)
        pvalue = _t_pvalue(statistic, df, alternative)
        half_width = sps.t.ppf(1.0 - ci_alpha / 2.0, df) * math.sqrt(variance)
        low, high = max(0.0, estimate - half_width), min(1.0, estimate + half_width)
    elif estimate == 0.5:
        # Both groups give one and the same score: identical, nothing to test.
        statistic, pvalue, low, high, df = 0.0, 1.0, 0.5, 0.5, math.nan
    else:
        statistic, pvalue, low, high, df = math.nan, math.nan, math.nan, math.nan, math.nan
        notes.append(
            "The groups do not overlap and have no spread of their own, so the "
            "Brunner-Munzel variance is zero: no p-value or interval."
        )
    ci_low, ci_high = _inputs.open_side(low, high, alternative, lowest=0.0, highest=1.0)
    if min(n1, n2) < SMALL_GROUP:
        notes.append(
            f"Fewer than {SMALL_GROUP} responses in a group: the Brunner-Munzel t "
            "approximation may be inaccurate (a permutation test is safer)."
        )

    top2 = compare_proportions(
        int(counts1[-2:].sum()),
        n1,
        int(counts2[-2:].sum()),
        n2,
        alternative=alternative,
        alpha=alpha,
    )
    return Comparison(
        metric_kind="ordinal",
        method="Brunner-Munzel test (probability of superiority)",
        effect_kind="probability",
        estimate=estimate,
        ci_low=ci_low,
        ci_high=ci_high,
        pvalue=pvalue,
        alpha=alpha,
        alternative=alternative,
        value1=float(counts1 @ level_values) / n1,
        value2=float(counts2 @ level_values) / n2,
        n1=n1,
        n2=n2,
        value_kind="mean_score",
        metric_label=label,
        warnings=tuple(notes),
        extra={
            "input1": read1,
            "input2": read2,
            "statistic": statistic,
            "df": df,
            "counts1": dict(zip(levels, counts1.tolist())),
            "counts2": dict(zip(levels, counts2.tolist())),
            "top2_box": top2,
            "top2_1": top2.value1,
            "top2_2": top2.value2,
            "top2_difference": top2.estimate,
            "top2_ci_low": top2.ci_low,
            "top2_ci_high": top2.ci_high,
            "top2_pvalue": top2.pvalue,
        },
    )


def _brunner_munzel(counts1: np.ndarray, counts2: np.ndarray) -> tuple[float, float, float]:
    """Estimate, its variance and the degrees of freedom, from counts per level."""
    n1, n2 = counts1.sum(), counts2.sum()
    pooled = counts1 + counts2
    # Mid-rank of each level among all responses, and within each group.
    rank = np.cumsum(pooled) - pooled + (pooled + 1) / 2.0
    rank1 = np.cumsum(counts1) - counts1 + (counts1 + 1) / 2.0
    rank2 = np.cumsum(counts2) - counts2 + (counts2 + 1) / 2.0
    # Placements: how many of the other group lie below (ties count half).
    place1, place2 = rank - rank1, rank - rank2
    mean1, mean2 = (counts1 @ place1) / n1, (counts2 @ place2) / n2
    s1 = (counts1 @ (place1 - mean1) ** 2) / (n1 - 1)
    s2 = (counts2 @ (place2 - mean2) ** 2) / (n2 - 1)
    estimate = mean2 / n1
    variance = s1 / (n1 * n2**2) + s2 / (n2 * n1**2)
    a, b = n1 * s1, n2 * s2
    df = (a + b) ** 2 / (a**2 / (n1 - 1) + b**2 / (n2 - 1)) if a + b > 0 else math.nan
    return float(estimate), float(variance), float(df)


def _t_pvalue(statistic: float, df: float, alternative: str) -> float:
    if alternative == "larger":
        return float(sps.t.sf(statistic, df))
    if alternative == "smaller":
        return float(sps.t.cdf(statistic, df))
    return float(2.0 * sps.t.sf(abs(statistic), df))
