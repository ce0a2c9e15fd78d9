"""The cell-level regression engine against Stata, against ticket-level statsmodels OLS,
and its wild cluster bootstrap against a brute-force refit of every resample."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.datasets import grunfeld

from svcinsight.pilot.diff_in_diff import did_estimate
from svcinsight.pilot.regression import bootstrap_weights, cell_ols, independent_columns


@pytest.fixture(scope="module")
def grunfeld_data():
    # Stata's grunfeld.dta has the first 10 firms (200 rows); statsmodels ships 11.
    return grunfeld.load_pandas().data.iloc[:200]


def test_cluster_robust_ols_matches_stata_on_grunfeld(reference, grunfeld_data):
    # Stata: regress invest mvalue kstock, vce(cluster company)
    ref = reference("grunfeld_cluster")["regress_vce_cluster"]
    d = grunfeld_data
    design = np.column_stack([d["value"], d["capital"], np.ones(len(d))])
    # one observation per cell: the engine is plain OLS here
    fit = cell_ols(d["invest"].to_numpy(), np.arange(len(d)), design, d["firm"].to_numpy(), column=0)
    assert fit.n_obs == ref["nobs"] and fit.n_clusters == ref["clusters"] and fit.df == ref["df_r"]
    # Stata printed its numbers to 14 digits from data stored as doubles rounded at input;
    # agreement to 1e-7 (relative) is agreement in every digit a report could show
    np.testing.assert_allclose(fit.params, ref["b"], rtol=1e-7)
    np.testing.assert_allclose(fit.cov, ref["cov"], rtol=1e-7)
    np.testing.assert_allclose(fit.bse, ref["se"], rtol=1e-7)
    np.testing.assert_allclose(fit.tvalues, ref["t"], rtol=1e-7)
    np.testing.assert_allclose(fit.pvalues(), ref["pvalue"], rtol=1e-7)
    ci = fit.conf_int(0.05)
    np.testing.assert_allclose(ci[:, 0], ref["ci_low"], rtol=1e-7, atol=1e-6)
    np.testing.assert_allclose(ci[:, 1], ref["ci_high"], rtol=1e-7, atol=1e-6)
    for column in range(3):
        one = cell_ols(d["invest"].to_numpy(), np.arange(len(d)), design, d["firm"].to_numpy(), column=column)
        assert (one.estimate, one.pvalue) == pytest.approx((ref["b"][column], ref["pvalue"][column]), rel=1e-6)
        assert (one.ci_low, one.ci_high) == pytest.approx((ref["ci_low"][column], ref["ci_high"][column]), rel=1e-7, abs=1e-6)


def _did_panel(rng, n=4000, agents=70, weeks=6):
    agent = rng.integers(0, agents, n)
    unit = np.array(["pilot", "north", "south"])[agent % 3]
    week = rng.integers(0, weeks, n)
    channel = rng.choice(["chat", "phone", "email"], n)
    y = (0.3 * (unit == "pilot") * (week >= 3) + 0.1 * week + 0.2 * (channel == "phone")
         + rng.normal(0, 0.5, agents)[agent] + rng.normal(size=n))
    return pd.DataFrame({"y": y, "agent": agent, "unit": unit, "week": week, "channel": channel,
                         "treated": unit == "pilot", "post": week >= 3})


def test_cells_give_the_ticket_level_ols_and_its_clustered_errors(rng):
    d = _did_panel(rng)
    fit = did_estimate(d["y"], unit=d["unit"], period=d["week"], treated=d["treated"], post=d["post"],
                       cluster=d["agent"], inference="cluster")
    ticket_level = sm.OLS.from_formula("y ~ I(treated & post) + C(unit) + C(week)", d).fit(
        cov_type="cluster", cov_kwds={"groups": d["agent"]}, use_t=True)
    name = "I(treated & post)[T.True]"
    assert fit.estimate == pytest.approx(ticket_level.params[name], rel=1e-10)
    assert fit.se == pytest.approx(ticket_level.bse[name], rel=1e-10)
    assert fit.pvalue == pytest.approx(ticket_level.pvalues[name], rel=1e-8)
    assert (fit.ci_low, fit.ci_high) == pytest.approx(tuple(ticket_level.conf_int().loc[name]), rel=1e-9)

    iid = did_estimate(d["y"], unit=d["unit"], period=d["week"], treated=d["treated"], post=d["post"],
                       cluster=d["agent"], inference="iid")
    naive = sm.OLS.from_formula("y ~ I(treated & post) + C(unit) + C(week)", d).fit()
    assert iid.se == pytest.approx(naive.bse[name], rel=1e-10)
    assert iid.pvalue == pytest.approx(naive.pvalues[name], rel=1e-8)


def test_strata_adjustment_is_unit_by_stratum_effects(rng):
    d = _did_panel(rng)
    fit = did_estimate(d["y"], unit=d["unit"], period=d["week"], treated=d["treated"], post=d["post"],
                       cluster=d["agent"], strata=[d["channel"]], inference="cluster")
    ticket_level = sm.OLS.from_formula("y ~ I(treated & post) + C(unit):C(channel) + C(week)", d).fit(
        cov_type="cluster", cov_kwds={"groups": d["agent"]}, use_t=True)
    name = "I(treated & post)[T.True]"
    assert fit.estimate == pytest.approx(ticket_level.params[name], rel=1e-9)
    # same sandwich; Stata's N-K factor counts the 3 x 3 unit-channel effects the rank-deficient
    # formula design also spans
    assert fit.se == pytest.approx(ticket_level.bse[name], rel=1e-3)


def test_wild_bootstrap_closed_form_equals_refitting_each_resample(rng):
    # A small design refit resample by resample with statsmodels (restricted residuals,
    # one weight per cluster, CR1 t statistic) must give the same bootstrap p-value.
    d = _did_panel(rng, n=600, agents=14, weeks=4)
    d["post"] = d["week"] >= 2
    fit = did_estimate(d["y"], unit=d["unit"], period=d["week"], treated=d["treated"], post=d["post"],
                       cluster=d["agent"], inference="wild", n_bootstrap=199, seed=5, interval=False)
    assert fit.method.startswith("wild cluster bootstrap") and fit.n_clusters == 14

    x = (d["treated"] & d["post"]).astype(float).to_numpy()
    others = pd.get_dummies(d[["unit", "week"]].astype(str), drop_first=True).astype(float)
    others.insert(0, "const", 1.0)
    full = np.column_stack([x, others])
    groups = pd.factorize(d["agent"], sort=True)[0]  # the engine's cluster order: sorted labels
    def cr1_t(yy):
        res = sm.OLS(yy, full).fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
        return res.params[0] / res.bse[0]

    y = d["y"].to_numpy()
    restricted = sm.OLS(y, others.to_numpy()).fit()
    _, weights = bootstrap_weights(199, 14, seed=5)
    t_star = np.array([cr1_t(restricted.fittedvalues + restricted.resid * w[groups]) for w in weights])
    expected = np.mean(np.abs(t_star) >= abs(cr1_t(y)) - 1e-12)
    assert fit.pvalue == pytest.approx(expected, abs=1e-12)


def test_wild_interval_inverts_the_test(rng):
    d = _did_panel(rng, n=800, agents=16, weeks=4)
    d["post"] = d["week"] >= 2
    args = {"unit": d["unit"], "period": d["week"], "treated": d["treated"], "post": d["post"], "cluster": d["agent"],
                "inference": "wild", "n_bootstrap": 399, "seed": 2}
    fit = did_estimate(d["y"], **args)
    assert fit.ci_low < fit.estimate < fit.ci_high
    # shifting y by the lower limit times the treatment puts the null on the boundary
    shift = (d["treated"] & d["post"]).astype(float).to_numpy()
    inside = did_estimate(d["y"] - (fit.ci_low + 1e-6) * shift, **args, interval=False)
    outside = did_estimate(d["y"] - (fit.ci_low - 1e-3) * shift, **args, interval=False)
    assert inside.pvalue >= 0.05 > outside.pvalue


def test_many_clusters_wild_and_cr1_agree(rng):
    d = _did_panel(rng, n=6000, agents=200)
    args = {"unit": d["unit"], "period": d["week"], "treated": d["treated"], "post": d["post"], "cluster": d["agent"]}
    cr1 = did_estimate(d["y"], **args, inference="cluster")
    wild = did_estimate(d["y"], **args, inference="wild", n_bootstrap=999)
    assert wild.pvalue == pytest.approx(cr1.pvalue, abs=0.02)
    assert (wild.ci_low, wild.ci_high) == pytest.approx((cr1.ci_low, cr1.ci_high), abs=0.25 * cr1.se)


def test_independent_columns_keeps_the_effect_and_drops_redundant_effects():
    a = np.array([1, 0, 1, 0, 1, 0.0])
    effect = np.array([0, 0, 1, 1, 0, 1.0])
    # intercept = a + (1 - a): one of the three is redundant; the effect is kept first
    design = np.column_stack([np.ones(6), a, 1 - a, effect])
    keep = independent_columns(design, keep=3)
    assert keep.tolist() == [3, 0, 1]
    with pytest.raises(ValueError, match="not identified"):
        independent_columns(np.column_stack([design, a]), keep=4)
