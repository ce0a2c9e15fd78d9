"""Pilot against control units: difference-in-differences on ticket-level values, with
unit and week effects and errors clustered by agent.

Examples
--------
>>> import svcinsight as si
>>> ds = si.demo.generate(seed=0, months=4, start="2026-04-01", tickets_per_month=400)
>>> r = si.pilot.diff_in_diff(ds.tickets, metric="fcr_rate", treated="ecommerce",
...                           pilot_start="2026-06-01")
>>> r.design, r.extra["clusters"], r.method.startswith("OLS")
('diff_in_diff', 132, True)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from svcinsight.config import get_config
from svcinsight.pilot import warnings as checks
from svcinsight.pilot.mix import mix_check
from svcinsight.pilot.regression import CellFit, cell_ols, independent_columns
from svcinsight.pilot.result import DesignWarning, PilotResult
from svcinsight.pilot.rows import (
    analysis_values,
    back_transform,
    metric_rows,
    survey_response_rows,
    value_unit,
)
from svcinsight.pilot.windows import DAY, WEEK, PilotWindows, pilot_windows
from svcinsight.stats import inputs as _inputs

STRATA = ("channel", "category")
_PERIODS = {"W": WEEK, "D": DAY}


def period_index(at: pd.Series, windows: PilotWindows, freq: str = "W") -> np.ndarray:
    """Each timestamp's period number: weeks (or days) counted from the start of the
    pre window, the post window continuing after the pre window's last period (-1
    outside both windows).

    Examples
    --------
    >>> import pandas as pd
    >>> from svcinsight.pilot.windows import pilot_windows
    >>> at = pd.Series(pd.date_range("2026-05-18", periods=6, freq="6D", tz="Asia/Shanghai"))
    >>> w = pilot_windows(at, pilot_start="2026-06-01", pre="2W", post="2W")
    >>> period_index(at, w).tolist()
    [0, 0, 1, 2, 3, -1]
    """
    if freq not in _PERIODS:
        raise ValueError(f"freq must be 'W' or 'D', not {freq!r}")
    step = _PERIODS[freq]
    out = np.full(len(at), -1, dtype=np.int64)
    pre_periods = math.ceil(windows.pre.length / step - 1e-9)
    for window, offset in ((windows.pre, 0), (windows.post, pre_periods)):
        inside = window.contains(at).to_numpy()
        out[inside] = offset + np.floor(((at[inside] - window.start) / step).to_numpy()).astype(np.int64)
    return out


def _dummies(codes: np.ndarray, n: int) -> np.ndarray:
    """Indicator columns for codes 1..n-1 (code 0 is the reference)."""
    out = np.zeros((len(codes), max(n - 1, 0)))
    rows = np.nonzero(codes > 0)[0]
    out[rows, codes[rows] - 1] = 1.0
    return out


def did_estimate(y, *, unit, period, treated, post, cluster, strata: Sequence | None = None,
                 inference: str = "auto", alpha: float = 0.05, n_bootstrap: int = 999,
                 seed: int | None = 0, interval: bool = True) -> CellFit:
    """The difference-in-differences coefficient of ``y`` ~ pilot x after + unit effects +
    period effects (+ unit x stratum effects), with its clustered inference.

    Parameters
    ----------
    y : array of float
        Outcome per ticket on the analysis scale (logs for durations).
    unit, period : arrays
        Each ticket's unit and period (week) label.
    treated, post : arrays of bool
        Whether the ticket's unit runs the pilot and whether its period is after the
        start; each must be constant within units and periods respectively.
    cluster : array
        Each ticket's cluster (agent, team).
    strata : sequence of arrays, optional
        Columns to adjust for within unit (channel, category): their effects may differ
        by unit, so a shift in mix is compared like with like.
    inference : {"auto", "cluster", "wild", "iid"}
        See :func:`svcinsight.pilot.regression.cell_ols`.
    alpha, n_bootstrap, seed, interval
        Passed to :func:`~svcinsight.pilot.regression.cell_ols`.

    Returns
    -------
    CellFit
        ``estimate`` is the effect on the analysis scale.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(2)
    >>> n = 2000
    >>> agent = rng.integers(0, 80, n)
    >>> unit = agent % 2
    >>> week = rng.integers(0, 8, n)
    >>> y = 0.1 * unit + 0.02 * week + rng.normal(size=n)
    >>> fit = did_estimate(y, unit=unit, period=week, treated=unit == 1, post=week >= 4,
    ...                    cluster=agent)
    >>> fit.method, fit.n_clusters, fit.n_treated_clusters
    ('cluster-robust (CR1)', 80, 40)
    """
    treated = np.asarray(treated, dtype=bool)
    post = np.asarray(post, dtype=bool)
    keys = {"unit": pd.factorize(pd.Series(unit), use_na_sentinel=False)[0],
            "period": pd.factorize(pd.Series(period), sort=True, use_na_sentinel=False)[0]}
    for i, values in enumerate(strata or ()):
        keys[f"s{i}"] = pd.factorize(pd.Series(values).astype("string").fillna("(missing)"))[0]
    key_frame = pd.DataFrame(keys)
    cells, cell_table = _cells(key_frame)
    cell_treated = np.zeros(len(cell_table), bool)
    cell_post = np.zeros(len(cell_table), bool)
    cell_treated[cells] = treated
    cell_post[cells] = post
    columns = [(cell_treated & cell_post).astype(float)[:, None], np.ones((len(cell_table), 1))]
    n_units = int(key_frame["unit"].max()) + 1
    columns.append(_dummies(cell_table["unit"].to_numpy(), n_units))
    columns.append(_dummies(cell_table["period"].to_numpy(), int(key_frame["period"].max()) + 1))
    for i in range(len(strata or ())):
        nested = pd.factorize(cell_table["unit"].astype(str) + "|" + cell_table[f"s{i}"].astype(str))[0]
        columns.append(_dummies(nested, int(nested.max()) + 1))
    design = np.column_stack(columns)
    keep = independent_columns(design, keep=0)
    return cell_ols(y, cells, design[:, keep], cluster, column=0, inference=inference,
                    treated_cells=cell_treated, alpha=alpha, n_bootstrap=n_bootstrap, seed=seed,
                    interval=interval)


def trend_estimate(y, *, unit, period, treated, cluster, inference: str = "auto",
                   alpha: float = 0.05, n_bootstrap: int = 999, seed: int | None = 0) -> CellFit:
    """Pre-trend test: the pilot units' linear drift per period against the controls,
    with unit and period effects, on pre-period tickets only.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(4)
    >>> agent = rng.integers(0, 60, 3000)
    >>> unit, week = agent % 2, rng.integers(0, 6, 3000)
    >>> y = 0.2 * unit * week + rng.normal(size=3000)         # the pilot unit drifts
    >>> fit = trend_estimate(y, unit=unit, period=week, treated=unit == 1, cluster=agent)
    >>> round(fit.estimate, 1), fit.pvalue < 0.001
    (0.2, True)
    """
    treated = np.asarray(treated, dtype=bool)
    keys = pd.DataFrame({"unit": pd.factorize(pd.Series(unit), use_na_sentinel=False)[0],
                         "period": pd.factorize(pd.Series(period), sort=True, use_na_sentinel=False)[0]})
    cells, cell_table = _cells(keys)
    cell_treated = np.zeros(len(cell_table), bool)
    cell_treated[cells] = treated
    period_number = np.sort(pd.Series(period).unique())[cell_table["period"].to_numpy()].astype(float)
    design = np.column_stack([
        cell_treated * period_number, np.ones(len(cell_table)),
        _dummies(cell_table["unit"].to_numpy(), int(keys["unit"].max()) + 1),
        _dummies(cell_table["period"].to_numpy(), int(keys["period"].max()) + 1)])
    keep = independent_columns(design, keep=0)
    return cell_ols(y, cells, design[:, keep], cluster, column=0, inference=inference,
                    treated_cells=cell_treated, alpha=alpha, n_bootstrap=n_bootstrap, seed=seed,
                    interval=False)


def _cells(keys: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """Cell number of each row and one row of keys per cell."""
    codes = np.zeros(len(keys), dtype=np.int64)
    for column in keys.columns:
        codes = codes * (int(keys[column].max()) + 1) + keys[column].to_numpy()
    _, first, cells = np.unique(codes, return_index=True, return_inverse=True)
    return cells.astype(np.int64), keys.iloc[first].reset_index(drop=True)


def diff_in_diff(tickets: pd.DataFrame, *, metric: str, treated, pilot_start, controls=None,
                 cluster: str = "agent_id", unit_column: str = "business_unit", pre=None,
                 post=None, pilot_end=None, feedback: pd.DataFrame | None = None, as_of=None,
                 calendar=None, period: str = "W", adjust_for: Sequence[str] = (),
                 strata: Sequence[str] = STRATA, inference: str = "auto",
                 n_bootstrap: int | None = None, seed: int | None = None,
                 alpha: float | None = None) -> PilotResult:
    """Difference-in-differences: how much more the pilot unit changed than the controls.

    Parameters
    ----------
    tickets : DataFrame
        Canonical tickets of the pilot and control units.
    metric : str
        A metric id of kind proportion, duration, ordinal, nps or mean.
    treated : str or sequence of str
        The pilot unit(s), values of ``unit_column``.
    pilot_start : date, str or Timestamp
    controls : sequence of str, optional
        Control units (default: every other unit in the data).
    cluster : str
        Column whose values group correlated tickets (default ``agent_id``; ``team``
        for coarser clusters). Tickets without a value share one cluster per unit.
    unit_column : str
    pre, post, pilot_end
        The windows, as in :func:`svcinsight.pilot.windows.pilot_windows` (computed
        from all units' data).
    feedback, as_of, calendar
        As in :func:`before_after`.
    period : {"W", "D"}
        Length of the period effects: weeks (default) or days.
    adjust_for : sequence of str
        Columns (channel, category, priority) whose effects are estimated within each
        unit, so that a change in their mix is not taken for the pilot's effect.
    strata : sequence of str
        Columns whose mix is checked (and compared stratified) in the design checks.
    inference : {"auto", "cluster", "wild", "iid"}
        ``"auto"``: cluster-robust errors, or with fewer than 40 clusters or 10 in the
        pilot unit the wild cluster bootstrap (see
        :func:`svcinsight.pilot.regression.cell_ols`). ``"iid"`` ignores clustering and
        is for comparison only.
    n_bootstrap, seed : int, optional
        For the wild bootstrap; default from the statistics config.
    alpha : float, optional

    Returns
    -------
    PilotResult
        ``estimate``: for durations the ratio (the model is on log durations, so the
        effect is multiplicative: 0.7 = 30% shorter than the controls' trend implies),
        otherwise the difference in the metric's unit (fractions for rates, points for
        NPS, score points for CSAT). ``value2`` is the pilot unit's after value and
        ``value1`` that value without the effect; ``extra`` holds the four cell values
        (``treated_pre`` ... ``control_post``, geometric means for durations), the
        standard error, cluster counts and the pre-trend test; ``n1``/``n2`` count the
        control and pilot rows. ``tables["cells"]`` shows the 2 x 2 table.

    Notes
    -----
    The model is, for ticket *i* of unit *u* in week *t*,

    .. math:: y_i = \\beta\\,\\mathrm{pilot}_u\\,\\mathrm{after}_t + \\alpha_u + \\gamma_t + \\varepsilon_i

    by least squares, with :math:`\\beta` the effect. Errors are clustered by
    ``cluster``: tickets of one agent share the agent's habits, so they are not
    independent evidence, and a naive test rejects far too often (see the simulation
    tests). The pilot is assigned to whole units, so a shock that hits only the pilot
    unit in the after window is indistinguishable from the effect; the pre-trend check
    and a placebo run on a control unit are the guards against that.

    Open tickets (durations still running at ``as_of``) are left out of the
    regression, with a warning when there are any.

    Examples
    --------
    >>> import svcinsight as si
    >>> ds = si.demo.generate(seed=0, months=4, start="2026-04-01", tickets_per_month=400)
    >>> r = si.pilot.diff_in_diff(ds.tickets, metric="frt_median_h", treated="ecommerce",
    ...                           pilot_start="2026-06-01")
    >>> r.effect_kind, bool(r.ci_low < 0.7 < r.ci_high)
    ('ratio', True)
    """
    alpha = _inputs.resolve_alpha(alpha)
    config = get_config()
    n_bootstrap = config["n_bootstrap"] if n_bootstrap is None else n_bootstrap
    seed = config["seed"] if seed is None else seed
    treated_units = [treated] if isinstance(treated, str) else list(treated)
    metric_def, rows = metric_rows(tickets, metric, feedback=feedback, as_of=as_of, calendar=calendar)
    if unit_column not in rows.columns:
        raise ValueError(f"the {metric} rows have no {unit_column!r} column to tell units apart")
    units = rows[unit_column].astype("string")
    known = set(units.dropna().unique())
    missing = [u for u in treated_units if u not in known]
    if missing:
        raise ValueError(f"pilot unit(s) {missing} have no {metric} values; units: {sorted(known)}")
    control_units = sorted(known - set(treated_units)) if controls is None else list(controls)
    unknown = [u for u in control_units if u not in known]
    if unknown:
        raise ValueError(f"control unit(s) {unknown} have no {metric} values; units: {sorted(known)}")
    if not control_units:
        raise ValueError("difference-in-differences needs at least one control unit")
    if set(control_units) & set(treated_units):
        raise ValueError("a unit cannot be both pilot and control")
    rows = rows[units.isin(treated_units + control_units).fillna(False).to_numpy()].reset_index(drop=True)

    windows = pilot_windows(rows["at"], pilot_start=pilot_start, pre=pre, post=post, pilot_end=pilot_end)
    arm = windows.assign(rows["at"])
    rows = rows[arm.notna().to_numpy()].reset_index(drop=True)
    arm = arm[arm.notna()].to_numpy(dtype=object)
    found: list[DesignWarning] = []
    open_rows = ~rows["observed"].to_numpy(dtype=bool)
    if open_rows.any():
        found.append(DesignWarning(
            "censored",
            f"{int(open_rows.sum())} of {len(rows)} durations were still running at as_of and are "
            "left out of the regression; if the pilot changed how many stay open, this biases it.",
            f"{len(rows)}个时长中有{int(open_rows.sum())}个在截止时点仍未结束，未纳入回归；"
            "如果试点改变了未结束的比例，结果会有偏差。"))
        rows, arm = rows[~open_rows].reset_index(drop=True), arm[~open_rows]

    y, zero_info = analysis_values(metric_def, rows)
    is_treated = rows[unit_column].astype("string").isin(treated_units).to_numpy()
    is_post = arm == "post"
    for flag, name in ((is_treated & ~is_post, "pilot unit before"), (is_treated & is_post, "pilot unit after"),
                       (~is_treated & ~is_post, "controls before"), (~is_treated & is_post, "controls after")):
        if flag.sum() < 2:
            raise ValueError(f"only {int(flag.sum())} {metric} value(s) for the {name} window")
    unit_values = rows[unit_column].astype("string").to_numpy(dtype=object)
    clusters = _cluster_labels(rows, cluster, unit_values)
    periods = period_index(rows["at"], windows, period)
    for column in adjust_for:
        if column not in rows.columns:
            raise ValueError(f"adjust_for: {column!r} is not a column of the {metric} rows")
    adjust = [rows[c] for c in adjust_for]
    fit = did_estimate(y, unit=unit_values, period=periods, treated=is_treated, post=is_post,
                       cluster=clusters, strata=adjust, inference=inference, alpha=alpha,
                       n_bootstrap=n_bootstrap, seed=seed)

    cells = _cell_table(metric_def, y, is_treated, is_post, clusters)
    treated_post = cells.loc[("pilot", "after"), "value"]
    if metric_def.kind == "duration":
        estimate, low, high = math.exp(fit.estimate), math.exp(fit.ci_low), math.exp(fit.ci_high)
        expected = treated_post / estimate
        effect_kind = "ratio"
    else:
        estimate, low, high = fit.estimate, fit.ci_low, fit.ci_high
        expected = treated_post - estimate
        effect_kind = "difference"
    adjusted = f"; adjusted for {', '.join(adjust_for)} within unit" if adjust_for else ""
    method = (f"OLS with unit and {'week' if period == 'W' else 'day'} effects{adjusted}"
              f"{' on log values' if metric_def.kind == 'duration' else ''}; {fit.method} "
              f"errors by {cluster}")

    pre_rows = ~is_post
    trend = trend_estimate(y[pre_rows], unit=unit_values[pre_rows], period=periods[pre_rows],
                           treated=is_treated[pre_rows], cluster=clusters[pre_rows], inference=inference,
                           alpha=alpha, n_bootstrap=n_bootstrap, seed=seed)
    scale = checks.effect_formatter(metric_def)
    per_week = trend.estimate * (7.0 if period == "D" else 1.0)
    if np.unique(periods[pre_rows]).size >= checks.MIN_PRE_PERIODS:
        found += checks.trend_check(per_week, trend.pvalue, alpha=alpha, scale_per_week=scale,
                                    design="diff_in_diff")
    found += checks.cluster_check(fit, cluster=cluster)
    tables = {"cells": cells}
    for column in strata:
        if column in rows.columns and column not in adjust_for and rows[column].nunique() > 1:
            mix, table = mix_check(y, arm, rows[column], column=column, scale=scale,
                                          se=fit.se, treated=is_treated)
            found += mix
            tables[f"by_{column}"] = table
    if metric_def.kind in ("duration", "mean"):
        what = ("log durations", "对数时长") if metric_def.kind == "duration" else ("values", "数值")
        groups = {f"{g} {a}": y[(is_treated == (g == 'pilot')) & (is_post == (a == 'after'))]
                  for g in ("pilot", "controls") for a in ("before", "after")}
        found += checks.skew_check(groups, what=what[0], what_zh=what[1])
    if metric_def.family == "satisfaction" and metric_def.id != "survey_response_rate" and feedback is not None:
        in_scope = tickets[unit_column].astype("string").isin(treated_units + control_units).fillna(False)
        response = survey_response_rows(tickets[in_scope.to_numpy()], feedback, as_of=as_of)
        if len(response):
            rate_warnings, tables["response_rate"] = checks.response_rate_check(
                response, windows.assign(response["created_at"]).to_numpy(dtype=object),
                treated=response[unit_column].astype("string").isin(treated_units).to_numpy(),
                alpha=alpha)
            found += rate_warnings

    extra = {
        "se": fit.se, "inference": fit.method, "clusters": fit.n_clusters,
        "treated_clusters": fit.n_treated_clusters, "cluster": cluster,
        "pilot_units": ", ".join(treated_units), "control_units": ", ".join(control_units),
        "treated_pre": cells.loc[("pilot", "before"), "value"], "treated_post": treated_post,
        "control_pre": cells.loc[("controls", "before"), "value"],
        "control_post": cells.loc[("controls", "after"), "value"],
        "pre_trend_per_week": per_week, "pre_trend_pvalue": trend.pvalue,
        "log_scale": metric_def.kind == "duration", **zero_info,
    }
    if not math.isnan(fit.df):  # a bootstrap has no t reference
        extra["df"] = fit.df
    result = PilotResult(
        design="diff_in_diff", metric=metric_def.id, label_zh=metric_def.label_zh,
        direction=metric_def.direction, windows=windows, metric_kind=metric_def.kind,
        method=method, effect_kind=effect_kind, estimate=estimate, ci_low=low, ci_high=high,
        pvalue=fit.pvalue, alpha=alpha, value1=expected, value2=treated_post,
        n1=int((~is_treated).sum()), n2=int(is_treated.sum()), unit=value_unit(metric_def),
        value_kind="geometric_mean" if metric_def.kind == "duration" else "",
        metric_label=metric_def.label_en, extra=extra, tables=tables)
    return result.with_warnings(found)


def _cluster_labels(rows: pd.DataFrame, cluster: str, units: np.ndarray) -> np.ndarray:
    if cluster not in rows.columns:
        raise ValueError(f"cluster column {cluster!r} is not in the rows (columns: {', '.join(rows.columns)})")
    labels = rows[cluster].astype("string")
    # tickets nobody was assigned to share their unit's queue: one cluster per unit
    filled = labels.fillna(pd.Series("(none)|" + pd.Series(units, dtype="string"), index=rows.index))
    return (pd.Series(units, dtype="string") + "|" + filled).to_numpy(dtype=object)


def _cell_table(metric, y, is_treated, is_post, clusters) -> pd.DataFrame:
    frame = pd.DataFrame({"group": np.where(is_treated, "pilot", "controls"),
                          "window": np.where(is_post, "after", "before"), "y": y, "cluster": clusters})
    table = frame.groupby(["group", "window"]).agg(rows=("y", "size"), mean=("y", "mean"),
                                                   clusters=("cluster", "nunique"))
    table["value"] = [back_transform(metric, m) for m in table["mean"]]
    return table.drop(columns="mean").reindex(
        pd.MultiIndex.from_product([["pilot", "controls"], ["before", "after"]], names=["group", "window"]))
