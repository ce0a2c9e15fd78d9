"""Two proportions (resolution rate, FCR, SLA attainment, top-2-box share): difference,
Newcombe interval, score or exact test, risk ratio."""

from __future__ import annotations

import math
import warnings

import numpy as np
from scipy import stats as sps
from statsmodels.stats.proportion import confint_proportions_2indep, test_proportions_2indep

from svcinsight.stats import inputs as _inputs
from svcinsight.stats.result import Comparison

#: Below this smallest expected cell count the default test is Fisher's exact test.
MIN_EXPECTED_COUNT = 5.0

_METHODS = (None, "score", "fisher", "boschloo")
_TEST_NAMES = {
    "score": "score test",
    "fisher": "Fisher's exact test",
    "boschloo": "Boschloo's exact test",
}


def compare_proportions(
    x1: int,
    n1: int,
    x2: int,
    n2: int,
    *,
    alternative: str = "two-sided",
    method: str | None = None,
    alpha: float | None = None,
    label: str | None = None,
) -> Comparison:
    """Compare two proportions: ``x2/n2 - x1/n1`` with a Newcombe interval and a test.

    Parameters
    ----------
    x1, n1 : int
        Successes and trials in group 1 (before, or control).
    x2, n2 : int
        Successes and trials in group 2 (after, or pilot).
    alternative : {"two-sided", "larger", "smaller"}
        ``"larger"``: group 2's proportion is higher. A one-sided alternative gives a
        one-sided interval (the open side is +-1).
    method : {None, "score", "fisher", "boschloo"}
        The test. ``None`` chooses the score test, or Fisher's exact test when any
        expected count of the 2x2 table under equal proportions is below 5
        (:data:`MIN_EXPECTED_COUNT`); the switch is reported in ``warnings``.
        ``"boschloo"`` (unconditional, more powerful than Fisher, slower) only when
        asked for.
    alpha : float, optional
        Significance level; defaults to ``get_config()["alpha"]``.
    label : str, optional
        Metric name for :meth:`Comparison.summary`.

    Returns
    -------
    Comparison
        ``estimate`` = p2 - p1 (a fraction: 0.059 is 5.9 percentage points), the
        Newcombe hybrid score interval, ``pvalue`` of the chosen test, ``value1`` and
        ``value2`` the proportions, ``unit="%"``. ``extra`` holds ``statistic`` (z of the
        score test), ``min_expected_count``, and ``risk_ratio`` (p2 / p1) with
        ``risk_ratio_ci_low``/``risk_ratio_ci_high`` (Koopman asymptotic score interval,
        or the log interval with 0.5 added to each cell where the score interval does not
        exist) and ``risk_ratio_method``.

    Notes
    -----
    The interval is method 10 of Newcombe (1998): Wilson score limits
    :math:`(l_i, u_i)` for each proportion combined by

    .. math:: \\hat\\delta - \\sqrt{(\\hat p_2 - l_2)^2 + (u_1 - \\hat p_1)^2},\\quad
              \\hat\\delta + \\sqrt{(u_2 - \\hat p_2)^2 + (\\hat p_1 - l_1)^2}

    It keeps close to nominal coverage for small samples and proportions near 0 or 1
    (Fagerland, Lydersen & Laake 2015). The score test is the Pearson chi-square test
    without continuity correction (R ``prop.test(correct = FALSE)``). Interval and test
    are different approximations and can disagree very near the significance
    boundary; a warning says so when they do.

    References
    ----------
    .. [1] Newcombe, R. G. (1998). Interval estimation for the difference between
       independent proportions: comparison of eleven methods. Statistics in Medicine
       17, 873-890.
    .. [2] Koopman, P. A. R. (1984). Confidence intervals for the ratio of two binomial
       proportions. Biometrics 40, 513-517.
    .. [3] Fagerland, M. W., Lydersen, S. & Laake, P. (2015). Recommended confidence
       intervals for two independent binomial proportions. Statistical Methods in
       Medical Research 24, 224-254.

    Examples
    --------
    >>> from svcinsight import stats
    >>> r = stats.compare_proportions(56, 70, 48, 80)
    >>> round(r.estimate, 4), round(r.ci_low, 4), round(r.ci_high, 4)
    (-0.2, -0.3339, -0.0524)
    >>> print(stats.compare_proportions(1560, 2000, 1682, 2000, label="FCR").summary())
    FCR rose from 78.0% to 84.1% (+6.1 pts, 95% CI +3.7 to +8.5); p < 0.001, significant at the 5% level.
    """
    x1, n1, x2, n2 = (
        _inputs.count(v, name) for v, name in ((x1, "x1"), (n1, "n1"), (x2, "x2"), (n2, "n2"))
    )
    for x, n, name in ((x1, n1, "1"), (x2, n2, "2")):
        if n == 0:
            raise ValueError(f"group {name} has no trials (n{name} = 0)")
        if x > n:
            raise ValueError(f"x{name} = {x} is more than n{name} = {n}")
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, not {method!r}")
    alternative = _inputs.resolve_alternative(alternative)
    alpha = _inputs.resolve_alpha(alpha)
    ci_alpha = _inputs.interval_alpha(alpha, alternative)
    notes: list[str] = []

    p1, p2 = x1 / n1, x2 / n2
    # statsmodels compares its first sample with its second; ours is 2 against 1.
    # statsmodels also works out ratios it does not need here; 0/0 there is harmless.
    with np.errstate(divide="ignore", invalid="ignore"):
        low, high = confint_proportions_2indep(
            x2, n2, x1, n1, method="newcomb", compare="diff", alpha=ci_alpha
        )
    ci_low, ci_high = _inputs.open_side(low, high, alternative, lowest=-1.0, highest=1.0)

    pooled = (x1 + x2) / (n1 + n2)
    min_expected = float(min(n1, n2) * min(pooled, 1.0 - pooled))
    if method is None:
        method = "fisher" if min_expected < MIN_EXPECTED_COUNT else "score"
        if method == "fisher":
            notes.append(
                f"Small counts: the smallest expected count is {min_expected:.2g} (< "
                f"{MIN_EXPECTED_COUNT:g}), so the p-value is from Fisher's exact test."
            )
    statistic, pvalue = _test(x1, n1, x2, n2, method, alternative)

    if alternative == "two-sided" and not math.isnan(pvalue):
        interval_excludes_zero = ci_low > 0 or ci_high < 0
        if interval_excludes_zero != (pvalue < alpha):
            notes.append(
                f"The Newcombe interval and the {_TEST_NAMES[method]} disagree about "
                "significance at this level (both are approximations); treat the result "
                "as borderline."
            )

    risk_ratio, rr_low, rr_high, rr_method = _risk_ratio(x1, n1, x2, n2, ci_alpha)
    rr_low, rr_high = _inputs.open_side(rr_low, rr_high, alternative, lowest=0.0)
    return Comparison(
        metric_kind="proportion",
        method=f"Newcombe hybrid score interval; {_TEST_NAMES[method]}",
        effect_kind="difference",
        estimate=p2 - p1,
        ci_low=ci_low,
        ci_high=ci_high,
        pvalue=pvalue,
        alpha=alpha,
        alternative=alternative,
        value1=p1,
        value2=p2,
        n1=n1,
        n2=n2,
        unit="%",
        metric_label=label,
        warnings=tuple(notes),
        extra={
            "x1": x1,
            "x2": x2,
            "test": method,
            "statistic": statistic,
            "min_expected_count": min_expected,
            "risk_ratio": risk_ratio,
            "risk_ratio_ci_low": rr_low,
            "risk_ratio_ci_high": rr_high,
            "risk_ratio_method": rr_method,
        },
    )


def _test(x1: int, n1: int, x2: int, n2: int, method: str, alternative: str) -> tuple[float, float]:
    if method == "score":
        if x1 + x2 in (0, n1 + n2):
            # Both groups all failures (or all successes): identical, nothing to test.
            return math.nan, 1.0
        with np.errstate(divide="ignore", invalid="ignore"):
            result = test_proportions_2indep(
                x2,
                n2,
                x1,
                n1,
                method="score",
                compare="diff",
                alternative=alternative,
                correction=False,
            )
        return float(result.statistic), float(result.pvalue)
    # Columns are the groups (group 2 first), so "greater" means p2 > p1 for both tests.
    table = np.array([[x2, x1], [n2 - x2, n1 - x1]])
    scipy_alternative = _inputs.scipy_alternative(alternative)
    if method == "fisher":
        return math.nan, float(sps.fisher_exact(table, alternative=scipy_alternative).pvalue)
    result = sps.boschloo_exact(table, alternative=scipy_alternative)
    return float(result.statistic), float(result.pvalue)


def _risk_ratio(
    x1: int, n1: int, x2: int, n2: int, ci_alpha: float
) -> tuple[float, float, float, str]:
    if x1 == 0:
        return (math.nan if x2 == 0 else math.inf), math.nan, math.nan, "none"
    ratio = (x2 / n2) / (x1 / n1)
    with warnings.catch_warnings():
        # The score equation has no root in some corners; the fallback below handles them.
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            low, high = confint_proportions_2indep(
                x2, n2, x1, n1, method="score", compare="ratio", alpha=ci_alpha, correction=False
            )
            if np.iscomplexobj(low) or np.iscomplexobj(high) or np.isnan([low, high]).any():
                raise ValueError("no real score interval")
            return ratio, float(low), float(high), "Koopman score"
        except (ValueError, ZeroDivisionError, FloatingPointError):
            low, high = confint_proportions_2indep(
                x2, n2, x1, n1, method="log-adjusted", compare="ratio", alpha=ci_alpha
            )
            return ratio, float(low), float(high), "log, 0.5 added to each cell"
