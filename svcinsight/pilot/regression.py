"""Least squares on ticket-level data whose regressors are constant within cells, with
errors clustered by agent (or team): cluster-robust as Stata computes it, or a wild
cluster bootstrap when clusters are few.

In the pilot designs every regressor (pilot x after, unit, week, stratum) is a
function of a ticket's cell (unit x stratum x week), so the ticket-level least-squares
fit is the cell-level weighted fit, and each cluster's score only needs the sum of its
residuals in each cell. The work therefore scales with cells and clusters, not
tickets: the same numbers as a 50,000-row OLS from arrays a hundred times smaller. With
one row per cell (every observation its own cell) this is plain OLS, which is how the
reference test reproduces Stata's ``regress ..., vce(cluster ...)`` on the Grunfeld data.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(1)
>>> cells = rng.integers(0, 4, 400)                    # 2 units x 2 periods
>>> design = np.array([[1, 0, 0, 0], [1, 1, 0, 0], [1, 0, 1, 0], [1, 1, 1, 1.0]])
>>> agents = rng.integers(0, 60, 400)
>>> y = 0.5 * design[cells, 3] + rng.normal(size=400)
>>> fit = cell_ols(y, cells, design, agents, column=3)
>>> fit.method, fit.n_clusters, round(fit.estimate, 3)
('cluster-robust (CR1)', 60, 0.513)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.linalg
from scipy import stats as sps
from scipy.sparse import csr_matrix
from statsmodels.regression.linear_model import WLS
from statsmodels.stats.sandwich_covariance import S_crosssection

#: Below this many clusters in all, or ...
MIN_CLUSTERS = 40
#: ... this many clusters with treated observations, the default switches from
#: cluster-robust errors (which then reject too often) to the wild cluster bootstrap.
MIN_TREATED_CLUSTERS = 10
#: Up to this many clusters the bootstrap uses Webb's six-point weights: Rademacher
#: weights give only 2**G distinct resamples (MacKinnon & Webb 2017).
WEBB_MAX_CLUSTERS = 12

INFERENCES = ("auto", "cluster", "wild", "iid")
_WEBB = np.array([-math.sqrt(1.5), -1.0, -math.sqrt(0.5), math.sqrt(0.5), 1.0, math.sqrt(1.5)])


@dataclass(frozen=True)
class CellFit:
    """A cell-level least-squares fit with its inference for one coefficient.

    Attributes
    ----------
    params, cov : ndarray
        All coefficients and their covariance (cluster-robust CR1 or iid; for the wild
        bootstrap, the CR1 covariance its t statistic uses).
    column : int
        The coefficient the test and interval are about.
    estimate, se, pvalue, ci_low, ci_high : float
        For ``column``.
    df : float
        Degrees of freedom of the t reference (G - 1 for clustered errors, N - K iid;
        NaN for the bootstrap).
    method : str
        ``"cluster-robust (CR1)"``, ``"wild cluster bootstrap (...)"`` or ``"iid OLS"``.
    n_obs, n_clusters, n_treated_clusters, rank : int
    """

    params: np.ndarray
    cov: np.ndarray
    column: int
    estimate: float
    se: float
    pvalue: float
    ci_low: float
    ci_high: float
    df: float
    method: str
    n_obs: int
    n_clusters: int
    n_treated_clusters: int
    rank: int
    extra: dict = field(default_factory=dict)

    @property
    def bse(self) -> np.ndarray:
        return np.sqrt(np.diag(self.cov))

    @property
    def tvalues(self) -> np.ndarray:
        return self.params / self.bse

    def pvalues(self) -> np.ndarray:
        """Two-sided t-test p-values of every coefficient with :attr:`df` (not bootstrap)."""
        return 2.0 * sps.t.sf(np.abs(self.tvalues), self._df_analytic())

    def conf_int(self, alpha: float = 0.05) -> np.ndarray:
        """t intervals of every coefficient (rows: coefficients; columns: low, high)."""
        half = sps.t.ppf(1 - alpha / 2, self._df_analytic()) * self.bse
        return np.column_stack([self.params - half, self.params + half])

    def _df_analytic(self) -> float:
        return self.extra.get("df_t", self.df)


def independent_columns(design: np.ndarray, keep: int = 0) -> np.ndarray:
    """Indices of a largest set of linearly independent columns, ``keep`` first.

    Fixed effects from several groupings (unit, unit x channel, week) overlap; columns
    are taken in order and one that the earlier ones already span is dropped, so that
    the fit has a well-defined rank and Stata's small-sample factor counts the right
    number of parameters.

    Raises
    ------
    ValueError
        When column ``keep`` itself is spanned by the others (the effect is not
        identified, e.g. a pilot unit without a before window).
    """
    design = np.asarray(design, dtype=float)
    others = [j for j in range(design.shape[1]) if j != keep]
    # X'c = 0 exactly when Xc = 0, so the small Gram matrix tells the same dependencies as
    # the tall design, at a fraction of the cost for thousands of cells
    gram = design.T @ design
    scale = np.sqrt(np.clip(np.diag(gram), 1e-300, None))
    gram = gram / np.outer(scale, scale)
    r = scipy.linalg.qr(gram[np.ix_(others, others)], mode="r")[0] if others else np.zeros((0, 0))
    diag = np.abs(np.diag(r))
    chosen = [j for j, d in zip(others, diag) if d > 1e-9]
    if np.diag(gram)[keep] == 0 or np.all(design[:, keep] == 0):
        raise ValueError("the effect is not identified: its column is a combination of the others")
    if chosen:
        sub = gram[np.ix_(chosen, chosen)]
        cross = gram[chosen, keep]
        explained = float(cross @ np.linalg.solve(sub, cross))
        if 1.0 - explained <= 1e-9:
            raise ValueError("the effect is not identified: its column is a combination of the others")
    return np.array([keep] + chosen)


def cell_ols(y, cells, design, clusters, *, column: int = 0, inference: str = "cluster",
             treated_cells=None, alpha: float = 0.05, n_bootstrap: int = 999,
             seed: int | None = 0, interval: bool = True) -> CellFit:
    """Least squares of ``y`` on ``design[cells]`` with one coefficient's inference.

    Parameters
    ----------
    y : array of float, length n
        The outcome of each observation (ticket).
    cells : array of int, length n
        Each observation's row of ``design`` (0 .. C-1).
    design : array, C x K
        Regressors per cell, including the intercept; columns must be linearly
        independent (see :func:`independent_columns`).
    clusters : array, length n
        Cluster label of each observation (agent, team); any hashable values.
    column : int
        The coefficient to test and give an interval for.
    inference : {"cluster", "wild", "iid", "auto"}
        ``"cluster"``: CR1 cluster-robust covariance with Stata's small-sample factor
        :math:`\\frac{G}{G-1}\\frac{N-1}{N-K}` and a t reference with G - 1 degrees of
        freedom. ``"wild"``: the wild cluster bootstrap with the null imposed (WCR) for
        the p-value and, by test inversion, the interval. ``"iid"``: classical OLS
        errors (for comparison only: it ignores clustering). ``"auto"``: ``"cluster"``
        with at least :data:`MIN_CLUSTERS` clusters and :data:`MIN_TREATED_CLUSTERS`
        treated ones, else ``"wild"``.
    treated_cells : array of bool, length C, optional
        Cells that carry the treatment, to count treated clusters (default: cells where
        ``design[:, column]`` is non-zero).
    alpha : float
        Level of the interval (``1 - alpha``) and of the test inversion.
    n_bootstrap, seed : int
        Bootstrap resamples and seed of the weights (``"wild"`` only).
    interval : bool
        False skips the bootstrap interval (its test inversion is the slow part).

    Returns
    -------
    CellFit

    Notes
    -----
    With :math:`n_c` observations and outcome sum :math:`S_c` in cell *c*, the
    coefficients are the weighted least-squares fit of the cell means
    :math:`S_c / n_c` on the cell regressors with weights :math:`n_c` (fitted by
    statsmodels ``WLS``), and cluster *g*'s score is
    :math:`\\sum_c x_c (S_{gc} - n_{gc}\\hat y_c)`, which statsmodels'
    ``S_crosssection`` sums into the meat of the sandwich.

    The wild cluster bootstrap (Cameron, Gelbach & Miller 2008) imposes
    :math:`\\beta = \\beta_0`, multiplies each cluster's restricted residuals by one
    random weight (Rademacher, or Webb's six-point weights with at most
    :data:`WEBB_MAX_CLUSTERS` clusters) and recomputes the CR1 t statistic. All of it
    is linear in the weights and in :math:`\\beta_0`: with :math:`\\tilde x` the
    regressor of interest residualised on the others, the bootstrap numerator is
    :math:`w^\\top s(\\beta_0)` and the clusters' bootstrap scores are
    :math:`C(\\beta_0) w` for a G x G matrix :math:`C`, so B resamples cost a B x G by
    G x G product (the closed forms of Roodman et al. 2019). The p-value is the share of
    :math:`|t^*|` at least the observed :math:`|t|`; the interval collects the
    :math:`\\beta_0` not rejected at ``alpha``, found by bisection with the same weights.

    References
    ----------
    .. [1] Cameron, A. C., Gelbach, J. B. & Miller, D. L. (2008). Bootstrap-based
       improvements for inference with clustered errors. Review of Economics and
       Statistics 90, 414-427.
    .. [2] MacKinnon, J. G. & Webb, M. D. (2017). Wild bootstrap inference for wildly
       different cluster sizes. Journal of Applied Econometrics 32, 233-254.
    .. [3] Roodman, D., Nielsen, M. Ø., MacKinnon, J. G. & Webb, M. D. (2019). Fast and
       wild: bootstrap inference in Stata using boottest. Stata Journal 19, 4-60.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(3)
    >>> cells = rng.integers(0, 4, 300)
    >>> design = np.array([[1, 0, 0, 0], [1, 1, 0, 0], [1, 0, 1, 0], [1, 1, 1, 1.0]])
    >>> agents = rng.integers(0, 12, 300)
    >>> fit = cell_ols(rng.normal(size=300), cells, design, agents, column=3, inference="auto",
    ...                n_bootstrap=199)
    >>> fit.method
    'wild cluster bootstrap (WCR, Webb weights, 199 resamples)'
    >>> bool(fit.ci_low < 0 < fit.ci_high), bool(0 < fit.pvalue <= 1)
    (True, True)
    """
    if inference not in INFERENCES:
        raise ValueError(f"inference must be one of {INFERENCES}, not {inference!r}")
    y = np.asarray(y, dtype="float64")
    cells = np.asarray(cells, dtype=np.int64)
    design = np.asarray(design, dtype="float64")
    n_cells, k = design.shape
    cluster_codes, cluster_labels = _codes(clusters)
    n_clusters = len(cluster_labels)
    if treated_cells is None:
        treated_cells = design[:, column] != 0
    treated_rows = np.asarray(treated_cells, dtype=bool)[cells]
    n_treated_clusters = int(np.unique(cluster_codes[treated_rows]).size)
    if inference == "auto":
        few = n_clusters < MIN_CLUSTERS or n_treated_clusters < MIN_TREATED_CLUSTERS
        inference = "wild" if few else "cluster"

    n_c = np.bincount(cells, minlength=n_cells).astype("float64")
    if (n_c == 0).any():
        raise ValueError("every cell of the design needs at least one observation")
    s_c = np.bincount(cells, weights=y, minlength=n_cells)
    model = WLS(s_c / n_c, design, weights=n_c).fit()
    params, bread = model.params, model.normalized_cov_params
    fitted_c = design @ params

    # residual sum per (cluster, cell) pair that occurs
    pair = cluster_codes * n_cells + cells
    pairs, pair_index = np.unique(pair, return_inverse=True)
    pair_cluster, pair_cell = pairs // n_cells, pairs % n_cells
    n_gc = np.bincount(pair_index).astype("float64")
    s_gc = np.bincount(pair_index, weights=y)
    e_gc = s_gc - n_gc * fitted_c[pair_cell]

    n_obs = int(y.size)
    rank = k
    common = {"params": params, "column": column, "n_obs": n_obs, "n_clusters": n_clusters,
                  "n_treated_clusters": n_treated_clusters, "rank": rank}
    if inference == "iid":
        rss = float(np.sum((y - fitted_c[cells]) ** 2))
        df = n_obs - rank
        cov = bread * rss / df
        return _t_fit(cov, df, alpha, "iid OLS", common, extra={"df_t": df})

    if n_clusters < 2:
        raise ValueError("clustered errors need at least 2 clusters")
    scores = design[pair_cell] * e_gc[:, None]
    meat = S_crosssection(scores, pair_cluster)
    factor = n_clusters / (n_clusters - 1) * (n_obs - 1) / (n_obs - rank)
    cov = factor * bread @ meat @ bread
    if inference == "cluster":
        return _t_fit(cov, n_clusters - 1, alpha, "cluster-robust (CR1)", common,
                      extra={"df_t": n_clusters - 1})

    bootstrap = _WildBootstrap(
        y=y, cells=cells, design=design, column=column, n_c=n_c, s_c=s_c,
        pair_cluster=pair_cluster, pair_cell=pair_cell, n_gc=n_gc, s_gc=s_gc,
        n_clusters=n_clusters, bread=bread, factor=factor)
    weights_kind, weights = bootstrap_weights(n_bootstrap, n_clusters, seed)
    estimate, se = float(params[column]), float(math.sqrt(cov[column, column]))
    pvalue = bootstrap.pvalue(weights, estimate, se, null=0.0)
    ci_low = ci_high = math.nan
    if interval:
        ci_low, ci_high = bootstrap.interval(weights, estimate, se, alpha)
    method = f"wild cluster bootstrap (WCR, {weights_kind} weights, {n_bootstrap} resamples)"
    return CellFit(cov=cov, estimate=estimate, se=se, pvalue=pvalue, ci_low=ci_low,
                   ci_high=ci_high, df=math.nan, method=method,
                   extra={"df_t": n_clusters - 1, "weights": weights_kind,
                          "n_bootstrap": n_bootstrap, "seed": seed}, **common)


def bootstrap_weights(n_bootstrap: int, n_clusters: int, seed: int | None) -> tuple[str, np.ndarray]:
    """The wild bootstrap's weights, one row per resample and one column per cluster:
    Webb's six-point weights up to :data:`WEBB_MAX_CLUSTERS` clusters, else Rademacher.

    >>> kind, w = bootstrap_weights(4, 20, seed=1)
    >>> kind, w.shape, sorted(set(w.ravel().tolist()))
    ('Rademacher', (4, 20), [-1.0, 1.0])
    """
    rng = np.random.default_rng(seed)
    if n_clusters <= WEBB_MAX_CLUSTERS:
        return "Webb", _WEBB[rng.integers(0, 6, size=(n_bootstrap, n_clusters))]
    return "Rademacher", rng.choice(np.array([-1.0, 1.0]), size=(n_bootstrap, n_clusters))


def _codes(values) -> tuple[np.ndarray, np.ndarray]:
    array = np.asarray(values)
    if array.dtype.kind in "iu" and array.size and array.min() >= 0:
        labels, codes = np.unique(array, return_inverse=True)
        return codes.astype(np.int64), labels
    codes, labels = pd.factorize(pd.Series(values), use_na_sentinel=False)
    return codes.astype(np.int64), np.asarray(labels)


def _t_fit(cov, df, alpha, method, common, extra) -> CellFit:
    column = common["column"]
    estimate = float(common["params"][column])
    se = float(math.sqrt(cov[column, column]))
    t = estimate / se if se > 0 else math.nan
    pvalue = float(2.0 * sps.t.sf(abs(t), df)) if se > 0 else math.nan
    half = float(sps.t.ppf(1 - alpha / 2, df)) * se
    return CellFit(cov=cov, estimate=estimate, se=se, pvalue=pvalue, ci_low=estimate - half,
                   ci_high=estimate + half, df=float(df), method=method, extra=extra, **common)


class _WildBootstrap:
    """The pieces of the WCR bootstrap that do not depend on the weights (see cell_ols)."""

    def __init__(self, *, y, cells, design, column, n_c, s_c, pair_cluster, pair_cell, n_gc,
                 s_gc, n_clusters, bread, factor):
        others = [j for j in range(design.shape[1]) if j != column]
        x = design[:, column]
        d = design[:, others]
        # restricted fit (coefficient of x fixed at b0) of y - b0 x on the other regressors:
        # fitted value per cell = fitted0 + b0 * x_tilde, with x_tilde = x residualised on d
        d_fit = WLS(s_c / n_c, d, weights=n_c).fit()
        projector = d_fit.normalized_cov_params @ (d.T * n_c)
        fitted0 = d @ d_fit.params
        x_tilde = x - d @ (projector @ x)
        self.xx = float(np.sum(n_c * x_tilde**2))
        n_pairs = len(pair_cell)
        by_cluster = csr_matrix((np.ones(n_pairs), (pair_cluster, np.arange(n_pairs))),
                                shape=(n_clusters, n_pairs))
        # restricted residual sums per (cluster, cell) pair: u0 - b0 * u1
        u0 = s_gc - n_gc * fitted0[pair_cell]
        u1 = n_gc * x_tilde[pair_cell]
        xt_pair = x_tilde[pair_cell]
        self.s0 = by_cluster @ (xt_pair * u0)
        self.s1 = by_cluster @ (xt_pair * u1)
        a = by_cluster @ (design[pair_cell] * (n_gc * xt_pair)[:, None])
        b0 = by_cluster @ (design[pair_cell] * u0[:, None])
        b1 = by_cluster @ (design[pair_cell] * u1[:, None])
        a_bread = a @ bread
        self.c0 = np.diag(self.s0) - a_bread @ b0.T
        self.c1 = np.diag(self.s1) - a_bread @ b1.T
        self.factor = factor

    def t_stats(self, weights: np.ndarray, b0: float) -> np.ndarray:
        """Bootstrap t statistics under the null beta = b0."""
        s = self.s0 - b0 * self.s1
        c = self.c0 - b0 * self.c1
        numerator = weights @ s / self.xx
        scores = weights @ c.T
        variance = self.factor * np.sum(scores**2, axis=1) / self.xx**2
        with np.errstate(divide="ignore", invalid="ignore"):
            return numerator / np.sqrt(variance)

    def pvalue(self, weights, estimate: float, se: float, null: float) -> float:
        t_observed = (estimate - null) / se
        t_star = self.t_stats(weights, null)
        return float(np.mean(np.abs(t_star) >= abs(t_observed) - 1e-12))

    def interval(self, weights, estimate, se, alpha) -> tuple[float, float]:
        def rejected(b0: float) -> bool:
            return self.pvalue(weights, estimate, se, b0) < alpha

        bounds = []
        for sign in (-1.0, 1.0):
            inner, step = estimate, 2.0 * se
            outer = estimate + sign * step
            tries = 0
            while not rejected(outer):
                inner, step = outer, step * 2.0
                outer = estimate + sign * step
                tries += 1
                if tries > 30:
                    return math.nan, math.nan
            for _ in range(60):
                middle = 0.5 * (inner + outer)
                if rejected(middle):
                    outer = middle
                else:
                    inner = middle
                if abs(outer - inner) <= 1e-7 * se:
                    break
            bounds.append(0.5 * (inner + outer))
        return bounds[0], bounds[1]
