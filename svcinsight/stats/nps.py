"""Net Promoter Score: 0-10 answers scored +1 (9-10), 0 (7-8), -1 (0-6)."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats as sps

from svcinsight.stats import inputs as _inputs
from svcinsight.stats.result import Comparison

NPS_LEVELS = tuple(range(11))
#: Below this many answers in a group the normal approximation is flagged.
SMALL_GROUP = 30


def compare_nps(
    a,
    b,
    *,
    counts: bool | None = None,
    alternative: str = "two-sided",
    alpha: float | None = None,
    label: str | None = None,
) -> Comparison:
    """Compare the Net Promoter Score of two groups, in NPS points.

    Parameters
    ----------
    a, b : array-like or mapping
        Group 1 and group 2: raw 0-10 answers (missing ones are left out), or counts
        per answer 0..10: a dict ``{answer: count}`` or ``answers.value_counts()`` are
        recognised; a list of 11 counts needs ``counts=True``. ``extra["input1"]`` and
        ``extra["input2"]`` say how each group was read.
    counts : bool, optional
        Force reading ``a`` and ``b`` as counts (True) or raw answers (False).
    alternative : {"two-sided", "larger", "smaller"}
        ``"larger"``: group 2's NPS is higher.
    alpha : float, optional
        Significance level; defaults to ``get_config()["alpha"]``.
    label : str, optional
        Metric name for the sentence.

    Returns
    -------
    Comparison
        ``estimate`` = NPS2 - NPS1 in points (NPS in [-100, 100], so the difference is
        in [-200, 200]) with a Wald interval and z-test; ``value1``/``value2`` the two
        NPS values, ``unit="pts"``. ``extra``: ``statistic`` (z), ``se`` (of the
        difference, points), and each group's ``promoters``, ``passives``,
        ``detractors`` shares (``promoters1``, ...).

    Notes
    -----
    Each answer scores +1 (promoter, 9-10), 0 (passive, 7-8) or -1 (detractor, 0-6);
    NPS is 100 times the mean score, :math:`100(\\hat p_{pro} - \\hat p_{det})`. From the
    multinomial distribution of the three groups,

    .. math:: \\mathrm{Var}(\\hat p_{pro} - \\hat p_{det}) =
              \\frac{p_{pro} + p_{det} - (p_{pro} - p_{det})^2}{n}

    estimated at the observed shares, separately per group; the difference's variance
    is the sum. Interval and test use the same standard error, so they always agree.
    When all answers of both groups fall in one category the variance is zero: equal
    groups then get p = 1, different ones no p-value.

    References
    ----------
    .. [1] Reichheld, F. F. (2003). The one number you need to grow. Harvard Business
       Review 81(12), 46-54.
    .. [2] Rocks, B. (2016). Interval estimation for the "net promoter score". The
       American Statistician 70, 365-372.

    Examples
    --------
    >>> from svcinsight import stats
    >>> before = {10: 60, 9: 40, 8: 50, 7: 20, 6: 10, 5: 10, 3: 6, 0: 4}
    >>> after = {10: 80, 9: 45, 8: 40, 7: 15, 6: 8, 5: 6, 3: 4, 0: 2}
    >>> print(stats.compare_nps(before, after).summary())
    NPS rose from 35.0 to 52.5 (+17.5 pts, 95% CI +3.8 to +31.2); p = 0.012, significant at the 5% level.
    """
    alternative = _inputs.resolve_alternative(alternative)
    alpha = _inputs.resolve_alpha(alpha)
    counts1, missing1, read1 = _inputs.level_counts(a, NPS_LEVELS, "a", counts)
    counts2, missing2, read2 = _inputs.level_counts(b, NPS_LEVELS, "b", counts)
    notes = _inputs.missing_warning("a", missing1) + _inputs.missing_warning("b", missing2)
    groups = [_shares(c, name) for c, name in ((counts1, "a"), (counts2, "b"))]
    (n1, pro1, pas1, det1), (n2, pro2, pas2, det2) = groups

    score1, score2 = pro1 - det1, pro2 - det2
    variance = sum((pro + det - (pro - det) ** 2) / n for n, pro, _, det in groups)
    estimate = 100.0 * (score2 - score1)
    se = 100.0 * math.sqrt(variance)
    ci_alpha = _inputs.interval_alpha(alpha, alternative)
    if se > 0:
        statistic = estimate / se
        pvalue = _z_pvalue(statistic, alternative)
        half_width = sps.norm.ppf(1.0 - ci_alpha / 2.0) * se
        low, high = max(-200.0, estimate - half_width), min(200.0, estimate + half_width)
    elif estimate == 0:
        statistic, pvalue, low, high = 0.0, 1.0, 0.0, 0.0
    else:
        statistic = pvalue = low = high = math.nan
        notes.append("Every answer in each group is in one category: no variance, no test.")
    ci_low, ci_high = _inputs.open_side(low, high, alternative, lowest=-200.0, highest=200.0)
    if min(n1, n2) < SMALL_GROUP:
        notes.append(
            f"Fewer than {SMALL_GROUP} answers in a group: the normal approximation behind "
            "the NPS interval may be poor."
        )
    return Comparison(
        metric_kind="nps",
        method="Wald interval and z-test for the NPS difference (multinomial variance)",
        effect_kind="difference",
        estimate=estimate,
        ci_low=ci_low,
        ci_high=ci_high,
        pvalue=pvalue,
        alpha=alpha,
        alternative=alternative,
        value1=100.0 * score1,
        value2=100.0 * score2,
        n1=n1,
        n2=n2,
        unit="pts",
        metric_label=label,
        warnings=tuple(notes),
        extra={
            "input1": read1,
            "input2": read2,
            "statistic": statistic,
            "se": se,
            "promoters1": pro1,
            "passives1": pas1,
            "detractors1": det1,
            "promoters2": pro2,
            "passives2": pas2,
            "detractors2": det2,
        },
    )


def _shares(counts: np.ndarray, name: str) -> tuple[int, float, float, float]:
    n = int(counts.sum())
    if n < 2:
        raise ValueError(f"{name} needs at least 2 answers, has {n}")
    return n, counts[9:].sum() / n, counts[7:9].sum() / n, counts[:7].sum() / n


def _z_pvalue(statistic: float, alternative: str) -> float:
    if alternative == "larger":
        return float(sps.norm.sf(statistic))
    if alternative == "smaller":
        return float(sps.norm.cdf(statistic))
    return float(2.0 * sps.norm.sf(abs(statistic)))
