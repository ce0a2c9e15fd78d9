"""Counts per exposure (complaints per 1,000 orders, escalations per agent-day): Poisson
rate ratio, with room for over-dispersion."""

from __future__ import annotations

import math
import warnings

import numpy as np
import statsmodels.api as sm
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint, proportions_ztest
from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

from svcinsight.stats import inputs as _inputs
from svcinsight.stats.result import Comparison

#: Below this smallest expected count the default test is the exact conditional one.
MIN_EXPECTED_COUNT = 5.0
#: Per-period counts more dispersed than this (and significantly so) get a warning.
DISPERSION_WARNING = 1.5

_METHODS = (None, "score", "exact")


def compare_rates(
    count1,
    exposure1,
    count2,
    exposure2,
    *,
    overdispersion: float | str | None = None,
    method: str | None = None,
    alternative: str = "two-sided",
    alpha: float | None = None,
    per: float = 1.0,
    label: str | None = None,
) -> Comparison:
    """Compare two event rates by their ratio, ``(count2/exposure2) / (count1/exposure1)``.

    Parameters
    ----------
    count1, exposure1 : number or array-like
        Events and exposure (orders, agent-days, ...) of group 1: totals, or one value
        per period (day, week) to allow for over-dispersion.
    count2, exposure2 : number or array-like
        The same for group 2.
    overdispersion : None, float >= 1 or "estimate"
        ``None``: plain Poisson (with per-period data, a warning if the periods vary
        more than Poisson allows). A number :math:`\\phi`: the variance of each count is
        :math:`\\phi` times its mean (e.g. from past months). ``"estimate"``:
        quasi-Poisson, :math:`\\phi` estimated from per-period counts (see Notes).
    method : {None, "score", "exact"}
        Test and interval for the Poisson cases: ``"score"`` (score test and the
        interval that inverts it) or ``"exact"`` (exact conditional binomial test with a
        Clopper-Pearson based interval, as R's ``poisson.test``). ``None`` uses the exact
        method when the smaller expected count under equal rates is below 5, the score
        method otherwise.
    alternative : {"two-sided", "larger", "smaller"}
        ``"larger"``: group 2's rate is higher.
    alpha : float, optional
        Significance level; defaults to ``get_config()["alpha"]``.
    per : float
        Report rates per this much exposure (1000: "per 1,000 orders").
    label : str, optional
        Metric name for the sentence (say the scale: "Complaints per 1,000 orders").

    Returns
    -------
    Comparison
        ``estimate`` = rate ratio (``effect_kind="ratio"``) with its interval and
        p-value; ``value1``/``value2`` the rates times ``per``; ``n1``/``n2`` the
        exposures. ``extra``: ``count1``, ``count2``, ``exposure1``, ``exposure2``,
        ``statistic``, ``dispersion`` (the :math:`\\phi` used, 1 for Poisson), ``test``,
        ``per``, and with per-period data ``periods1``/``periods2``.

    Notes
    -----
    Given the total :math:`C = c_1 + c_2`, the count of group 2 is binomial with
    :math:`\\pi = E_2\\rho / (E_1 + E_2\\rho)` where :math:`\\rho` is the rate ratio. The
    exact method tests :math:`\\pi_0 = E_2/(E_1+E_2)` by the binomial test and maps the
    Clopper-Pearson interval for :math:`\\pi` to :math:`\\rho = \\pi E_1 / ((1-\\pi) E_2)`;
    the score method does the same with the score test and Wilson interval (identical
    to statsmodels' ``test_poisson_2indep``/``confint_poisson_2indep`` with
    ``method="score"``).

    A fixed dispersion :math:`\\phi` divides counts and exposures by :math:`\\phi` before
    the score method: the rates stay the same and every variance grows by
    :math:`\\phi` (the effective-sample-size idea of Rao & Scott 1992).

    ``"estimate"`` fits a Poisson GLM with log-exposure offset and a group indicator to
    the per-period counts, takes :math:`\\hat\\phi` = Pearson :math:`\\chi^2` / residual df,
    and uses Wald limits and test for the group coefficient with standard errors
    scaled by :math:`\\sqrt{\\max(1, \\hat\\phi)}` and a t reference with the residual df
    (few periods make :math:`\\hat\\phi` itself uncertain). :math:`\\hat\\phi < 1` is not
    allowed to narrow the interval: in service data less-than-Poisson variation is
    more likely chance than real precision.

    References
    ----------
    .. [1] Gu, K., Ng, H. K. T., Tang, M. L. & Schucany, W. R. (2008). Testing the ratio
       of two Poisson rates. Biometrical Journal 50, 283-298.
    .. [2] Rao, J. N. K. & Scott, A. J. (1992). A simple method for the analysis of
       clustered binary data. Biometrics 48, 577-585.
    .. [3] McCullagh, P. & Nelder, J. A. (1989). Generalized Linear Models, 2nd ed.,
       ch. 6 (quasi-likelihood for counts).

    Examples
    --------
    >>> from svcinsight import stats
    >>> r = stats.compare_rates(84, 40_000, 61, 41_500, per=1000, label="Complaints per 1,000 orders")
    >>> print(r.summary())
    Complaints per 1,000 orders fell from 2.1 to 1.47 (-30.0%, 95% CI -49.6% to -2.8%); p = 0.033, significant at the 5% level.
    """
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, not {method!r}")
    alternative = _inputs.resolve_alternative(alternative)
    alpha = _inputs.resolve_alpha(alpha)
    if not (isinstance(per, (int, float)) and per > 0):
        raise ValueError(f"per must be a positive number, not {per!r}")
    periods1 = _periods(count1, exposure1, "1")
    periods2 = _periods(count2, exposure2, "2")
    c1, e1 = float(periods1[0].sum()), float(periods1[1].sum())
    c2, e2 = float(periods2[0].sum()), float(periods2[1].sum())
    per_period = len(periods1[0]) > 1 or len(periods2[0]) > 1
    notes: list[str] = []
    extra = {"count1": c1, "count2": c2, "exposure1": e1, "exposure2": e2, "per": float(per)}
    if per_period:
        extra.update(periods1=len(periods1[0]), periods2=len(periods2[0]))

    if overdispersion == "estimate":
        if method == "exact":
            raise ValueError("the exact method has no quasi-Poisson version; use method=None")
        estimate, low, high, pvalue, statistic, phi, test = _quasi_poisson(
            periods1, periods2, alpha, alternative, notes
        )
    else:
        phi = _dispersion_factor(overdispersion)
        if phi > 1 and method == "exact":
            raise ValueError(
                "the exact method needs whole counts; use method='score' with overdispersion"
            )
        if overdispersion is None and per_period:
            _check_dispersion(periods1, periods2, notes)
        expected = (c1 + c2) * min(e1, e2) / (e1 + e2) / phi
        if method is None:
            method = "exact" if expected < MIN_EXPECTED_COUNT and phi == 1 else "score"
            if method == "exact" and c1 + c2 > 0:
                notes.append(
                    f"Small counts: the smaller expected count is {expected:.2g} (< "
                    f"{MIN_EXPECTED_COUNT:g}), so the exact conditional test is used."
                )
        estimate, low, high, pvalue, statistic = _conditional(
            c1 / phi, e1 / phi, c2 / phi, e2 / phi, method, alpha, alternative, notes
        )
        test = method
        if phi > 1:
            test += f", dispersion {phi:g}"
    ci_low, ci_high = _inputs.open_side(low, high, alternative, lowest=0.0)
    extra.update(statistic=statistic, dispersion=phi, test=test)
    method_text = {
        "score": "score test and interval for the Poisson rate ratio",
        "exact": "exact conditional (binomial) test for the Poisson rate ratio",
        "quasi": "quasi-Poisson GLM (Wald, t reference) for the rate ratio",
    }[test.split(",")[0]]
    if phi > 1 and overdispersion != "estimate":
        method_text += f" with dispersion factor {phi:g}"
    return Comparison(
        metric_kind="rate",
        method=method_text,
        effect_kind="ratio",
        estimate=estimate,
        ci_low=ci_low,
        ci_high=ci_high,
        pvalue=pvalue,
        alpha=alpha,
        alternative=alternative,
        value1=per * c1 / e1,
        value2=per * c2 / e2,
        n1=e1,
        n2=e2,
        metric_label=label,
        warnings=tuple(notes),
        extra=extra,
    )


def _periods(counts, exposures, name: str) -> tuple[np.ndarray, np.ndarray]:
    c = np.atleast_1d(_inputs.float_array(np.atleast_1d(counts), f"count{name}"))
    e = np.atleast_1d(_inputs.float_array(np.atleast_1d(exposures), f"exposure{name}"))
    if c.shape != e.shape:
        raise ValueError(f"count{name} and exposure{name} must have the same length")
    if np.isnan(c).any() or np.isnan(e).any():
        raise ValueError(
            f"count{name}/exposure{name} have missing values; drop or fill those periods"
        )
    if (c < 0).any() or not np.all(c == np.round(c)):
        raise ValueError(f"count{name} must be whole numbers >= 0")
    if (e <= 0).any():
        raise ValueError(f"exposure{name} must be positive")
    return c, e


def _dispersion_factor(overdispersion) -> float:
    if overdispersion is None:
        return 1.0
    if (
        isinstance(overdispersion, bool)
        or not isinstance(overdispersion, (int, float))
        or overdispersion < 1
    ):
        raise ValueError(
            f"overdispersion must be None, 'estimate' or a number >= 1, not {overdispersion!r}"
        )
    return float(overdispersion)


def _conditional(c1, e1, c2, e2, method, alpha, alternative, notes):
    """Rate ratio, interval, p-value and statistic conditional on the total count."""
    total = c1 + c2
    if total == 0:
        notes.append("No events in either group: the rate ratio is undefined.")
        return math.nan, math.nan, math.nan, math.nan, math.nan
    with np.errstate(divide="ignore"):
        estimate = (c2 / e2) / (c1 / e1) if c1 > 0 else math.inf
    null_share = e2 / (e1 + e2)
    ci_alpha = _inputs.interval_alpha(alpha, alternative)
    if method == "exact":
        # R: poisson.test(c(c2, c1), c(e2, e1)) - the same binomial test.
        successes, trials = round(c2), round(total)
        result = sps.binomtest(
            successes, trials, null_share, alternative=_inputs.scipy_alternative(alternative)
        )
        share = sps.binomtest(successes, trials).proportion_ci(1.0 - ci_alpha, method="exact")
        low_share, high_share, statistic, pvalue = share.low, share.high, math.nan, result.pvalue
    else:
        statistic, pvalue = proportions_ztest(
            c2, total, value=null_share, prop_var=null_share, alternative=alternative
        )
        low_share, high_share = proportion_confint(c2, total, alpha=ci_alpha, method="wilson")
    return (
        estimate,
        _share_to_ratio(low_share, e1, e2),
        _share_to_ratio(high_share, e1, e2),
        float(pvalue),
        float(statistic),
    )


def _share_to_ratio(share: float, e1: float, e2: float) -> float:
    if share >= 1.0:
        return math.inf
    return float(share / (1.0 - share) * e1 / e2)


def _glm(periods1, periods2):
    counts = np.concatenate([periods1[0], periods2[0]])
    exposure = np.concatenate([periods1[1], periods2[1]])
    group = np.concatenate([np.zeros(len(periods1[0])), np.ones(len(periods2[0]))])
    design = sm.add_constant(group, has_constant="add")
    with warnings.catch_warnings():
        # Counts that equal their fitted means exactly are a perfect fit, not a problem:
        # the dispersion is then 0 and is raised to 1 below.
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        return sm.GLM(counts, design, family=sm.families.Poisson(), offset=np.log(exposure)).fit()


def _check_dispersion(periods1, periods2, notes) -> None:
    n_periods = len(periods1[0]) + len(periods2[0])
    if n_periods <= 2 or periods1[0].sum() == 0 or periods2[0].sum() == 0:
        return
    fit = _glm(periods1, periods2)
    phi = fit.pearson_chi2 / fit.df_resid
    p_over = sps.chi2.sf(fit.pearson_chi2, fit.df_resid)
    if phi > DISPERSION_WARNING and p_over < 0.05:
        notes.append(
            f"Counts vary between periods more than Poisson allows (dispersion {phi:.2g}, "
            f"Pearson chi-square p = {p_over:.2g}); the interval is too narrow. "
            "Consider overdispersion='estimate'."
        )


def _quasi_poisson(periods1, periods2, alpha, alternative, notes):
    n_periods = len(periods1[0]) + len(periods2[0])
    if n_periods < 4 or len(periods1[0]) < 2 or len(periods2[0]) < 2:
        raise ValueError(
            "overdispersion='estimate' needs per-period counts: at least 2 periods per group"
        )
    if periods1[0].sum() == 0 or periods2[0].sum() == 0:
        raise ValueError("overdispersion='estimate' needs events in both groups")
    fit = _glm(periods1, periods2)
    phi_hat = float(fit.pearson_chi2 / fit.df_resid)
    phi = max(1.0, phi_hat)
    if phi_hat < 1:
        notes.append(f"Estimated dispersion {phi_hat:.2g} < 1 was treated as 1 (Poisson).")
    df = float(fit.df_resid)
    log_ratio = float(fit.params[1])
    se = float(fit.bse[1]) * math.sqrt(phi)
    statistic = log_ratio / se
    if alternative == "larger":
        pvalue = sps.t.sf(statistic, df)
    elif alternative == "smaller":
        pvalue = sps.t.cdf(statistic, df)
    else:
        pvalue = 2.0 * sps.t.sf(abs(statistic), df)
    ci_alpha = _inputs.interval_alpha(alpha, alternative)
    half_width = sps.t.ppf(1.0 - ci_alpha / 2.0, df) * se
    return (
        math.exp(log_ratio),
        math.exp(log_ratio - half_width),
        math.exp(log_ratio + half_width),
        float(pvalue),
        statistic,
        phi,
        "quasi",
    )
