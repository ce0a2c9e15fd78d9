"""Interrupted time series: the metric's daily (or weekly) values before and after the
pilot, a segmented regression with weekday and holiday terms, and Newey-West errors.

Examples
--------
>>> import svcinsight as si
>>> ds = si.demo.generate(seed=0, months=4, start="2026-04-01", tickets_per_month=400,
...                       units=["ecommerce"])
>>> r = si.pilot.interrupted_time_series(ds.tickets, metric="frt_median_h",
...                                      pilot_start="2026-06-01")
>>> r.design, r.effect_kind, r.extra["periods_pre"]
('its', 'ratio', 56)
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.stats.diagnostic import acorr_ljungbox

from svcinsight.pilot import warnings as checks
from svcinsight.pilot.result import DesignWarning, PilotResult
from svcinsight.pilot.rows import analysis_values, back_transform, metric_rows, value_unit
from svcinsight.pilot.warnings import country_holidays
from svcinsight.pilot.windows import DAY, WEEK, pilot_windows
from svcinsight.stats import inputs as _inputs

#: Residual autocorrelation tested up to this lag (a week of days, a month of weeks).
_LJUNG_BOX_LAGS = {"D": 7, "W": 4}


def interrupted_time_series(tickets: pd.DataFrame, *, metric: str, pilot_start, unit: str | None = None,
                            freq: str = "D", pre=None, post=None, pilot_end=None,
                            feedback: pd.DataFrame | None = None, as_of=None, calendar=None,
                            unit_column: str = "business_unit", holidays: str | None = "CN",
                            maxlags: int | None = None, alpha: float | None = None) -> PilotResult:
    """Segmented regression of the metric's daily (or weekly) values around the pilot start.

    Parameters
    ----------
    tickets : DataFrame
    metric : str
        A metric id of kind proportion, duration, ordinal, nps or mean.
    pilot_start : date, str or Timestamp
    unit : str, optional
        Keep only this unit's tickets (``unit_column``).
    freq : {"D", "W"}
        Daily values (with weekday and public-holiday terms) or weekly values.
    pre, post, pilot_end
        The windows, as in :func:`svcinsight.pilot.windows.pilot_windows`.
    feedback, as_of, calendar
        As in :func:`before_after`.
    holidays : str or None
        Country code for the public-holiday and make-up-day terms (daily values).
    maxlags : int, optional
        Lags of the Newey-West covariance; default :math:`\\lfloor 4 (T/100)^{2/9}\\rfloor`.
    alpha : float, optional

    Returns
    -------
    PilotResult
        ``estimate``: the level change at the pilot start (a ratio for durations, which
        are modelled as daily means of log durations; a difference otherwise), with its
        interval and p-value. ``value1`` is the level the pre-pilot trend predicts at the
        start (for an average weekday), ``value2`` that level with the change.
        ``extra``: ``slope_change`` (per week, on the effect's scale), its interval and
        p-value, ``pre_slope``, ``durbin_watson``, ``ljung_box_pvalue``, ``maxlags``;
        ``tables["coefficients"]`` holds the fit and ``tables["series"]`` the values.

    Notes
    -----
    With :math:`t` the period counted from the pilot start and :math:`A_t = 1` from it on,

    .. math:: y_t = \\beta_0 + \\beta_1 t + \\beta_2 A_t + \\beta_3 t A_t
              + \\sum_d \\delta_d\\,\\mathrm{weekday}_{d,t} + \\eta\\,\\mathrm{holiday}_t + \\varepsilon_t

    by least squares (Wagner et al. 2002): :math:`\\beta_2` is the level change and
    :math:`\\beta_3` the change in slope. Errors use the Newey-West (HAC) covariance with
    the small-sample correction, because consecutive days share backlogs and staffing.
    Newey-West errors are known to run narrow in short series whose regressors are
    persistent (a step and a trend): in this project's simulation of 168 daily values
    with independent errors, 95% intervals covered the true level change 91% of the
    time (94% with plain OLS errors). Read a borderline p-value with that in mind.

    The level change is measured against the pre-pilot trend continued: a trend
    that would have bent anyway is taken for the pilot (no control group); prefer
    :func:`diff_in_diff` when controls exist.

    References
    ----------
    .. [1] Wagner, A. K., Soumerai, S. B., Zhang, F. & Ross-Degnan, D. (2002). Segmented
       regression analysis of interrupted time series studies in medication use research.
       Journal of Clinical Pharmacy and Therapeutics 27, 299-309.
    .. [2] Newey, W. K. & West, K. D. (1987). A simple, positive semi-definite,
       heteroskedasticity and autocorrelation consistent covariance matrix.
       Econometrica 55, 703-708.
    """
    if freq not in _LJUNG_BOX_LAGS:
        raise ValueError(f"freq must be 'D' or 'W', not {freq!r}")
    alpha = _inputs.resolve_alpha(alpha)
    metric_def, rows = metric_rows(tickets, metric, feedback=feedback, as_of=as_of, calendar=calendar)
    if unit is not None:
        rows = rows[(rows[unit_column] == unit).fillna(False).astype(bool)].reset_index(drop=True)
    if rows.empty:
        raise ValueError(f"no {metric} values{f' for {unit_column} {unit!r}' if unit else ''}")
    windows = pilot_windows(rows["at"], pilot_start=pilot_start, pre=pre, post=post, pilot_end=pilot_end)
    arm = windows.assign(rows["at"])
    rows = rows[arm.notna().to_numpy()].reset_index(drop=True)
    found: list[DesignWarning] = []
    open_rows = ~rows["observed"].to_numpy(dtype=bool)
    if open_rows.any():
        found.append(DesignWarning(
            "censored",
            f"{int(open_rows.sum())} durations still running at as_of are left out of the daily values.",
            f"{int(open_rows.sum())}个在截止时点仍未结束的时长未计入每日数值。"))
        rows = rows[~open_rows].reset_index(drop=True)
    y, _ = analysis_values(metric_def, rows)
    step = DAY if freq == "D" else WEEK
    start = windows.pilot_start
    t = np.floor(((rows["at"] - start) / step).to_numpy()).astype(int)
    series = pd.DataFrame({"t": t, "y": y}).groupby("t")["y"].agg(["mean", "size"])
    series.columns = ["value", "rows"]
    if (series.index < 0).sum() < 3 or (series.index >= 0).sum() < 3:
        raise ValueError("an interrupted time series needs at least 3 periods on each side")

    exog = pd.DataFrame(index=series.index)
    exog["const"] = 1.0
    exog["time"] = series.index.to_numpy(dtype=float)
    exog["level_change"] = (series.index >= 0).astype(float)
    exog["slope_change"] = exog["time"] * exog["level_change"]
    if freq == "D":
        dates = (start.tz_localize(None).normalize() + pd.to_timedelta(series.index, unit="D"))
        for day in range(1, 7):
            exog[f"weekday_{day}"] = (dates.day_of_week == day).astype(float)
        if holidays:
            off, makeup, _ = country_holidays(holidays).days(dates.year.min(), dates.year.max())
            exog["holiday"] = np.isin(dates.date, list(off)).astype(float)
            exog["makeup_day"] = np.isin(dates.date, list(makeup)).astype(float)
        exog = exog.loc[:, (exog != 0).any() | (exog.columns == "const")]
    periods = len(series)
    lags = maxlags if maxlags is not None else math.floor(4 * (periods / 100) ** (2 / 9))
    fit = sm.OLS(series["value"].to_numpy(), exog).fit(
        cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True}, use_t=True)
    ci = fit.conf_int(alpha=alpha)
    weeks = 7.0 if freq == "D" else 1.0

    weekday_columns = [c for c in exog.columns if c.startswith("weekday_")]
    baseline = fit.params["const"] + fit.params[weekday_columns].sum() / 7.0
    duration = metric_def.kind == "duration"

    def on_scale(x: float) -> float:
        return math.exp(x) if duration else x

    level, level_low, level_high = (on_scale(v) for v in (
        fit.params["level_change"], ci.loc["level_change", 0], ci.loc["level_change", 1]))
    slope = fit.params["slope_change"] * weeks
    slope_low, slope_high = (ci.loc["slope_change", i] * weeks for i in (0, 1))
    residuals = fit.resid
    lb_lags = min(_LJUNG_BOX_LAGS[freq], periods // 4)
    lb_pvalue = float(acorr_ljungbox(residuals, lags=[lb_lags])["lb_pvalue"].iloc[0]) if lb_lags >= 1 else math.nan
    lag1 = float(pd.Series(residuals).autocorr(1))
    scale = checks.effect_formatter(metric_def)
    found += checks.trend_check(fit.params["time"] * weeks, float(fit.pvalues["time"]), alpha=alpha,
                                scale_per_week=scale, design="its")
    if lb_pvalue < alpha:
        found.append(DesignWarning(
            "autocorrelation",
            f"The residuals are autocorrelated (lag-1 correlation {lag1:.2f}; Ljung-Box p = "
            f"{lb_pvalue:.3g}): the Newey-West errors allow for it, but with a short series "
            "the interval may still be too narrow.",
            f"残差存在自相关（一阶自相关{lag1:.2f}；Ljung-Box p = {lb_pvalue:.3g}）：Newey-West"
            "标准误已考虑，但序列较短时区间仍可能偏窄。"))
    coefficients = pd.DataFrame({"coef": fit.params, "se": fit.bse, "pvalue": fit.pvalues,
                                 "ci_low": ci[0], "ci_high": ci[1]})
    extra = {
        "slope_change": on_scale(slope) if duration else slope,
        "slope_change_ci_low": on_scale(slope_low) if duration else slope_low,
        "slope_change_ci_high": on_scale(slope_high) if duration else slope_high,
        "slope_change_pvalue": float(fit.pvalues["slope_change"]),
        "slope_per": "week",
        "pre_slope": on_scale(fit.params["time"] * weeks) if duration else fit.params["time"] * weeks,
        "pre_slope_pvalue": float(fit.pvalues["time"]),
        "periods_pre": int((series.index < 0).sum()), "periods_post": int((series.index >= 0).sum()),
        "rows_pre": int(series["rows"][series.index < 0].sum()),
        "rows_post": int(series["rows"][series.index >= 0].sum()),
        "freq": freq, "maxlags": lags, "durbin_watson": float(sm.stats.durbin_watson(residuals)),
        "ljung_box_pvalue": lb_pvalue, "lag1_autocorrelation": lag1,
    }
    expected = back_transform(metric_def, baseline)
    with_change = back_transform(metric_def, baseline + fit.params["level_change"])
    result = PilotResult(
        design="its", metric=metric_def.id, label_zh=metric_def.label_zh, direction=metric_def.direction,
        windows=windows, metric_kind=metric_def.kind,
        method=(f"segmented regression on {'daily' if freq == 'D' else 'weekly'} "
                f"{'means of log values' if duration else 'values'}"
                f"{' with weekday and holiday terms' if freq == 'D' else ''}; Newey-West errors ({lags} lags)"),
        effect_kind="ratio" if duration else "difference", estimate=level, ci_low=level_low,
        ci_high=level_high, pvalue=float(fit.pvalues["level_change"]), alpha=alpha,
        value1=expected, value2=with_change, n1=extra["periods_pre"], n2=extra["periods_post"],
        unit=value_unit(metric_def), metric_label=metric_def.label_en, extra=extra,
        tables={"coefficients": coefficients, "series": series})
    return result.with_warnings(found)
