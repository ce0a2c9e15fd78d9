"""Two sets of durations (first response, resolution, time in a stage): skewed, sometimes
zero, sometimes still running."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps
from statsmodels.duration.survfunc import survdiff

from svcinsight.config import get_config
from svcinsight.stats import inputs as _inputs
from svcinsight.stats.result import Comparison

_ZERO_RULES = ("offset", "drop")
# Bootstrap work is done in blocks of about this many numbers to bound memory.
_BLOCK = 4_000_000
# Survival probabilities come from products of many factors; "exactly 1/2" allows for that.
_HALF_TOL = 1e-9


def compare_durations(
    a,
    b,
    *,
    censored_a=None,
    censored_b=None,
    zero: str = "offset",
    alternative: str = "two-sided",
    alpha: float | None = None,
    n_bootstrap: int | None = None,
    seed: int | None = None,
    label: str | None = None,
    unit: str = "h",
) -> Comparison:
    """Compare two sets of durations: ratio of geometric means, and medians.

    Parameters
    ----------
    a, b : array-like of float
        Durations of group 1 and group 2 (hours by default; any unit, same for both).
        Missing values are left out and counted in ``warnings``; negative ones are an
        error.
    censored_a, censored_b : array-like of bool, optional
        True where the duration is still running (an open ticket: the value is the time
        so far). With any censored value the comparison switches to Kaplan-Meier
        medians (see Notes).
    zero : {"offset", "drop"}
        What to do with zero durations before taking logs: ``"offset"`` (default)
        replaces them by half the smallest positive duration of both groups;
        ``"drop"`` leaves them out of the geometric means. Either way ``warnings``
        says how many there were; medians always use them as they are.
    alternative : {"two-sided", "larger", "smaller"}
        ``"larger"``: group 2's durations are longer. Only two-sided with censoring.
    alpha : float, optional
        Significance level; defaults to ``get_config()["alpha"]``.
    n_bootstrap, seed : int, optional
        Bootstrap resamples and seed for the median intervals; default to
        ``get_config()["n_bootstrap"]`` and ``get_config()["seed"]``. ``n_bootstrap=0``
        skips the bootstrap (median intervals are then NaN).
    label, unit : str, optional
        Metric name and unit for the sentence.

    Returns
    -------
    Comparison
        Without censoring: ``estimate`` = geometric mean of b / geometric mean of a
        (``effect_kind="ratio"``) with the Welch interval and p-value from the log
        scale; ``value1``/``value2`` the geometric means. With censoring: the ratio of
        Kaplan-Meier medians with a bootstrap percentile interval and the log-rank
        p-value; ``value1``/``value2`` the medians. ``extra`` always has ``median1``,
        ``median2``, ``median_difference`` and its two-sided bootstrap interval
        ``median_difference_ci_low``/``_high``, ``n_bootstrap`` and ``seed``; plus
        ``statistic``/``df`` (Welch on logs), ``zeros1``/``zeros2``/``zero_offset``, or
        ``censored1``/``censored2``/``logrank_chi2``.

    Notes
    -----
    Durations are right-skewed, so the primary effect is multiplicative: with
    :math:`\\bar\\ell_g` the mean log duration of group *g*, the estimate is
    :math:`\\exp(\\bar\\ell_2 - \\bar\\ell_1)` and its interval the exponentiated Welch
    interval for the difference of mean logs. For log-normal durations this is also
    the ratio of medians. A ratio of 0.8 reads "20% shorter".

    The median difference comes with a percentile bootstrap interval: both groups are
    resampled independently ``n_bootstrap`` times (seeded, so a report re-run gives
    the same numbers).

    Open tickets are not ignorable: dropping them keeps only the quick ones, and
    counting their time so far as final understates the slow ones. Given censoring
    indicators, each group's median comes from its Kaplan-Meier curve (the smallest
    time where survival falls below 1/2, averaged with the next event time where it
    sits exactly at 1/2, as R's ``survfit`` does; without censoring this is the sample
    median). The effect is the ratio of those medians with a bootstrap percentile
    interval (subjects resampled with their censoring), and the p-value is the
    log-rank test's. A median is undefined when more than half of a group is still
    open past its last event; the result then has no estimate and says so.

    References
    ----------
    .. [1] Kaplan, E. L. & Meier, P. (1958). Nonparametric estimation from incomplete
       observations. JASA 53, 457-481.
    .. [2] Efron, B. & Tibshirani, R. J. (1993). An Introduction to the Bootstrap.
       Chapman & Hall, ch. 13 (percentile intervals).

    Examples
    --------
    >>> from svcinsight import stats
    >>> before = [4.1, 2.5, 7.8, 3.3, 12.0, 5.2, 1.9, 6.4, 3.8, 9.5]
    >>> after = [2.2, 3.1, 1.4, 4.9, 2.8, 1.1, 6.0, 2.4, 3.5, 1.8]
    >>> r = stats.compare_durations(before, after, label="First response time")
    >>> print(r.summary())
    First response time fell from 4.85 h to 2.58 h (geometric means; -46.8%, 95% CI -68.6% to -9.9%); p = 0.022, significant at the 5% level.
    >>> round(r.extra["median_difference"], 2)
    -2.05
    """
    if zero not in _ZERO_RULES:
        raise ValueError(f"zero must be one of {_ZERO_RULES}, not {zero!r}")
    alternative = _inputs.resolve_alternative(alternative)
    alpha = _inputs.resolve_alpha(alpha)
    config = get_config()
    n_bootstrap = (
        config["n_bootstrap"] if n_bootstrap is None else _inputs.count(n_bootstrap, "n_bootstrap")
    )
    seed = config["seed"] if seed is None else seed
    rng = np.random.default_rng(seed)

    x1, c1, missing1 = _durations(a, censored_a, "a")
    x2, c2, missing2 = _durations(b, censored_b, "b")
    notes = _inputs.missing_warning("a", missing1) + _inputs.missing_warning("b", missing2)
    common = {"alpha": alpha, "alternative": alternative, "unit": unit, "metric_label": label}
    bootstrap_info = {"n_bootstrap": n_bootstrap, "seed": seed}

    if c1.any() or c2.any():
        if alternative != "two-sided":
            raise ValueError("with censored durations only a two-sided comparison is available")
        return _compare_censored(
            x1, c1, x2, c2, alpha, n_bootstrap, rng, notes, common, bootstrap_info
        )

    for x, name in ((x1, "a"), (x2, "b")):
        if len(x) < 2:
            raise ValueError(f"{name} needs at least 2 durations, has {len(x)}")
    log1, log2, zero_info, zero_notes = _logs(x1, x2, zero)
    notes += zero_notes
    result = sps.ttest_ind(
        log2, log1, equal_var=False, alternative=_inputs.scipy_alternative(alternative)
    )
    log_ci = result.confidence_interval(confidence_level=1.0 - alpha)
    ci_low, ci_high = _inputs.open_side(
        math.exp(log_ci.low), math.exp(log_ci.high), alternative, lowest=0.0
    )

    medians = _median_difference(
        x1, np.zeros(len(x1), bool), x2, np.zeros(len(x2), bool), alpha, n_bootstrap, rng
    )
    return Comparison(
        metric_kind="duration",
        method="Welch t-test on log durations (ratio of geometric means)",
        effect_kind="ratio",
        estimate=math.exp(log2.mean() - log1.mean()),
        ci_low=ci_low,
        ci_high=ci_high,
        pvalue=result.pvalue,
        value1=math.exp(log1.mean()),
        value2=math.exp(log2.mean()),
        n1=len(x1),
        n2=len(x2),
        value_kind="geometric_mean",
        warnings=tuple(notes),
        extra={
            "statistic": float(result.statistic),
            "df": float(result.df),
            **zero_info,
            **medians.info,
            **bootstrap_info,
        },
        **common,
    )


def _durations(values, censored, name: str) -> tuple[np.ndarray, np.ndarray, int]:
    """Durations and censoring flags as arrays, missing durations removed from both."""
    x = _inputs.float_array(values, name)
    if censored is None:
        flags = np.zeros(len(x), dtype=bool)
    else:
        raw = np.asarray(censored)
        if raw.shape != x.shape:
            raise ValueError(f"censored_{name} must have one flag per duration in {name}")
        if raw.dtype != bool and not np.isin(raw, (0, 1)).all():
            raise ValueError(f"censored_{name} must be True/False (or 1/0)")
        flags = raw.astype(bool)
    keep = ~np.isnan(x)
    x, flags = x[keep], flags[keep]
    if (x < 0).any():
        raise ValueError(
            f"{name} has {int((x < 0).sum())} negative duration(s); check the timestamps"
        )
    return x, flags, int((~keep).sum())


def _logs(x1: np.ndarray, x2: np.ndarray, zero: str):
    zeros1, zeros2 = int((x1 == 0).sum()), int((x2 == 0).sum())
    info = {"zeros1": zeros1, "zeros2": zeros2, "zero_offset": math.nan}
    if not zeros1 and not zeros2:
        return np.log(x1), np.log(x2), info, []
    positive = np.concatenate([x1[x1 > 0], x2[x2 > 0]])
    if zero == "drop":
        y1, y2 = x1[x1 > 0], x2[x2 > 0]
        if len(y1) < 2 or len(y2) < 2:
            raise ValueError("fewer than 2 positive durations left in a group after dropping zeros")
        note = (
            f"{zeros1} zero duration(s) in group 1 and {zeros2} in group 2 were left out of "
            "the geometric means (medians keep them)."
        )
        return np.log(y1), np.log(y2), info, [note]
    if len(positive) == 0:
        raise ValueError("every duration is zero; there is nothing to compare on the log scale")
    offset = float(positive.min()) / 2.0
    info["zero_offset"] = offset
    note = (
        f"{zeros1} zero duration(s) in group 1 and {zeros2} in group 2 were set to {offset:.3g} "
        "(half the smallest positive duration) before taking logs."
    )
    return np.log(np.where(x1 > 0, x1, offset)), np.log(np.where(x2 > 0, x2, offset)), info, [note]


@dataclass(frozen=True)
class _Medians:
    """Medians of both groups with bootstrap intervals for their difference and ratio."""

    median1: float
    median2: float
    difference_interval: tuple[float, float]
    ratio_interval: tuple[float, float]

    @property
    def info(self) -> dict[str, float]:
        return {
            "median1": self.median1,
            "median2": self.median2,
            "median_difference": self.median2 - self.median1,
            "median_difference_ci_low": self.difference_interval[0],
            "median_difference_ci_high": self.difference_interval[1],
        }


def _median_difference(x1, c1, x2, c2, alpha, n_bootstrap, rng) -> _Medians:
    censored = c1.any() or c2.any()
    order1, order2 = _survival_order(x1, c1), _survival_order(x2, c2)
    t1, e1 = x1[order1], ~c1[order1]
    t2, e2 = x2[order2], ~c2[order2]
    if censored:
        # The estimate itself is reported as not reached (NaN), not as infinite.
        median1, median2 = (
            float(np.nan_to_num(_km_medians(t[None, :], e[None, :]), posinf=np.nan)[0])
            for t, e in ((t1, e1), (t2, e2))
        )
    else:
        median1, median2 = float(np.median(x1)), float(np.median(x2))
    nan_pair = (math.nan, math.nan)
    if n_bootstrap == 0:
        return _Medians(median1, median2, nan_pair, nan_pair)
    boot1 = _bootstrap_medians(t1, e1, censored, n_bootstrap, rng)
    boot2 = _bootstrap_medians(t2, e2, censored, n_bootstrap, rng)
    quantiles = (alpha / 2.0, 1.0 - alpha / 2.0)
    diffs = boot2 - boot1
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = boot2 / boot1
    diff_interval = _percentiles(diffs, quantiles)
    ratio_interval = _percentiles(ratios, quantiles)
    return _Medians(median1, median2, diff_interval, ratio_interval)


def _percentiles(values: np.ndarray, quantiles) -> tuple[float, float]:
    # A resample whose median lies beyond follow-up counts as +inf (see _km_medians), so
    # a limit can be infinite: "longer than we have watched". Only when both groups'
    # medians are beyond follow-up is a resample undefined (NaN); more than 1% of those
    # and the interval would describe a different population.
    defined = values[~np.isnan(values)]
    if len(defined) < 0.99 * len(values):
        return math.nan, math.nan
    # Order statistics, not interpolation, so infinite values stay meaningful.
    low, high = np.quantile(defined, quantiles, method="inverted_cdf")
    return float(low), float(high)


def _survival_order(times: np.ndarray, censored: np.ndarray) -> np.ndarray:
    """Order by time, events before censorings at equal times (a unit censored at t was
    still at risk at t)."""
    return np.lexsort((censored, times))


def _km_medians(times: np.ndarray, events: np.ndarray) -> np.ndarray:
    """Kaplan-Meier medians of each row; rows sorted by :func:`_survival_order`.

    Each unit removes itself from the risk set in turn; for tied events the factors
    (1 - 1/r)(1 - 1/(r-1))... multiply out to the usual (r - d)/r, so processing
    units one by one gives the Kaplan-Meier curve at every distinct time.
    """
    n = times.shape[1]
    at_risk = n - np.arange(n)
    survival = np.cumprod(1.0 - events / at_risk, axis=1)
    below = survival < 0.5 - _HALF_TOL
    reached = below.any(axis=1)
    first_below = np.argmax(below, axis=1)
    at_half = np.abs(survival - 0.5) <= _HALF_TOL
    has_half = at_half.any(axis=1)
    first_half = np.argmax(at_half, axis=1)
    rows = np.arange(times.shape[0])
    t_below = times[rows, first_below]
    t_half = times[rows, first_half]
    medians = np.where(has_half, (t_half + t_below) / 2.0, t_below)
    # Never below 1/2: the median is beyond the last time watched.
    return np.where(reached, medians, np.inf)


def _bootstrap_medians(times, events, censored: bool, n_bootstrap: int, rng) -> np.ndarray:
    n = len(times)
    block = max(1, _BLOCK // max(n, 1))
    out = np.empty(n_bootstrap)
    for start in range(0, n_bootstrap, block):
        size = min(block, n_bootstrap - start)
        index = rng.integers(0, n, size=(size, n))
        if censored:
            # times/events are in survival order, so sorted indices keep that order.
            index.sort(axis=1)
            out[start : start + size] = _km_medians(times[index], events[index])
        else:
            out[start : start + size] = np.median(times[index], axis=1)
    return out


def _compare_censored(
    x1, c1, x2, c2, alpha, n_bootstrap, rng, notes, common, bootstrap_info
) -> Comparison:
    for x, name in ((x1, "a"), (x2, "b")):
        if len(x) < 2:
            raise ValueError(f"{name} needs at least 2 durations, has {len(x)}")
    medians = _median_difference(x1, c1, x2, c2, alpha, n_bootstrap, rng)
    times = np.concatenate([x1, x2])
    status = np.concatenate([~c1, ~c2]).astype(int)
    group = np.concatenate([np.zeros(len(x1)), np.ones(len(x2))])
    chi2, pvalue = survdiff(times, status, group)
    censoring = (
        f"{int(c1.sum())} of {len(x1)} duration(s) in group 1 and {int(c2.sum())} of "
        f"{len(x2)} in group 2 are still running (censored); medians are Kaplan-Meier "
        "estimates."
    )
    notes = [*notes, censoring]
    for median, name in ((medians.median1, "1"), (medians.median2, "2")):
        if math.isnan(median):
            notes.append(f"Group {name}'s median is not reached: more than half are still open.")
    with np.errstate(divide="ignore", invalid="ignore"):
        estimate = medians.median2 / medians.median1
    ci_low, ci_high = medians.ratio_interval
    if n_bootstrap == 0:
        notes.append("n_bootstrap is 0, so the median ratio has no interval.")
    elif math.isnan(ci_low) and not math.isnan(estimate):
        notes.append(
            "In too many bootstrap resamples both medians were beyond follow-up; "
            "the interval is not reported."
        )
    elif math.isinf(ci_high) or ci_low == 0:
        notes.append("An interval limit is beyond follow-up (a median not reached in resamples).")
    return Comparison(
        metric_kind="duration",
        method="Kaplan-Meier median ratio (bootstrap percentile interval); log-rank test",
        effect_kind="ratio",
        estimate=estimate,
        ci_low=ci_low,
        ci_high=ci_high,
        pvalue=pvalue,
        value1=medians.median1,
        value2=medians.median2,
        n1=len(x1),
        n2=len(x2),
        value_kind="km_median",
        warnings=tuple(notes),
        extra={
            "censored1": int(c1.sum()),
            "censored2": int(c2.sum()),
            "logrank_chi2": float(chi2),
            **medians.info,
            **bootstrap_info,
        },
        **common,
    )
