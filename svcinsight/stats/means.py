"""Two means (handle minutes, contacts per ticket, CES): Welch's t."""

from __future__ import annotations

import numpy as np
from scipy import stats as sps

from svcinsight.stats import inputs as _inputs
from svcinsight.stats.result import Comparison


def compare_means(
    a,
    b,
    *,
    alternative: str = "two-sided",
    alpha: float | None = None,
    label: str | None = None,
    unit: str = "",
) -> Comparison:
    """Compare two means with Welch's t-test: ``mean(b) - mean(a)``.

    Parameters
    ----------
    a, b : array-like of float
        Observations of group 1 and group 2; missing values are left out (counted in
        ``warnings``).
    alternative : {"two-sided", "larger", "smaller"}
        ``"larger"``: group 2's mean is higher.
    alpha : float, optional
        Significance level; defaults to ``get_config()["alpha"]``.
    label, unit : str, optional
        Metric name and unit (``"min"``, ``"h"``, ...) for the sentence.

    Returns
    -------
    Comparison
        ``estimate`` = mean(b) - mean(a) with its Welch interval and p-value;
        ``value1``/``value2`` the means; ``extra``: ``statistic`` (t), ``df``
        (Welch-Satterthwaite), ``sd1``, ``sd2``.

    Notes
    -----
    :math:`t = (\\bar b - \\bar a) / \\sqrt{s_a^2/n_a + s_b^2/n_b}` with
    Welch-Satterthwaite degrees of freedom; no equal-variance assumption
    (R ``t.test(b, a)``; scipy ``ttest_ind(equal_var=False)``). For durations use
    :func:`compare_durations`, which works on the log scale.

    References
    ----------
    .. [1] Welch, B. L. (1947). The generalization of "Student's" problem when several
       different population variances are involved. Biometrika 34, 28-35.

    Examples
    --------
    >>> from svcinsight import stats
    >>> before = [12.1, 9.8, 14.0, 11.2, 10.5, 13.3]
    >>> after = [10.2, 8.9, 11.5, 9.7, 10.1, 9.0]
    >>> r = stats.compare_means(before, after, label="Handle time", unit="min")
    >>> print(r.summary())
    Handle time fell from 11.8 min to 9.9 min (-1.92 min, 95% CI -3.69 to -0.145); p = 0.037, significant at the 5% level.
    """
    alternative = _inputs.resolve_alternative(alternative)
    alpha = _inputs.resolve_alpha(alpha)
    x1, missing1 = _inputs.sample(a, "a")
    x2, missing2 = _inputs.sample(b, "b")
    for x, name in ((x1, "a"), (x2, "b")):
        if len(x) < 2:
            raise ValueError(f"{name} needs at least 2 observations for a t-test, has {len(x)}")
    result = sps.ttest_ind(
        x2, x1, equal_var=False, alternative=_inputs.scipy_alternative(alternative)
    )
    ci = result.confidence_interval(confidence_level=1.0 - alpha)
    notes = _inputs.missing_warning("a", missing1) + _inputs.missing_warning("b", missing2)
    if np.ptp(x1) == 0 and np.ptp(x2) == 0:
        notes.append("Both groups have no variation; the t-test is undefined.")
    return Comparison(
        metric_kind="mean",
        method="Welch t-test",
        effect_kind="difference",
        estimate=x2.mean() - x1.mean(),
        ci_low=ci.low,
        ci_high=ci.high,
        pvalue=result.pvalue,
        alpha=alpha,
        alternative=alternative,
        value1=x1.mean(),
        value2=x2.mean(),
        n1=len(x1),
        n2=len(x2),
        unit=unit,
        metric_label=label,
        warnings=tuple(notes),
        extra={
            "statistic": float(result.statistic),
            "df": float(result.df),
            "sd1": float(x1.std(ddof=1)),
            "sd2": float(x2.std(ddof=1)),
        },
    )
