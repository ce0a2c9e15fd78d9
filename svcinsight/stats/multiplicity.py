"""Several metrics tested at once: adjusted p-values (Holm by default)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

# Names as users write them -> statsmodels' names.
_METHODS = {
    "holm": "holm",
    "bonferroni": "bonferroni",
    "hochberg": "simes-hochberg",
    "simes-hochberg": "simes-hochberg",
    "hommel": "hommel",
    "sidak": "sidak",
    "holm-sidak": "holm-sidak",
    "bh": "fdr_bh",
    "fdr_bh": "fdr_bh",
    "by": "fdr_by",
    "fdr_by": "fdr_by",
}


def adjust_pvalues(pvalues, method: str = "holm"):
    """Adjust p-values of several tests for multiplicity.

    Parameters
    ----------
    pvalues : array-like, pandas Series or mapping
        The unadjusted p-values, one per metric. Missing values (NaN) stay missing and
        do not count as tests.
    method : str
        ``"holm"`` (default; controls the family-wise error rate under any
        dependence), ``"bonferroni"``, ``"hochberg"``, ``"hommel"``, ``"sidak"``,
        ``"holm-sidak"``, ``"fdr_bh"`` or ``"bh"`` (Benjamini-Hochberg false discovery
        rate), ``"fdr_by"`` or ``"by"`` (Benjamini-Yekutieli, any dependence).
        Case does not matter.

    Returns
    -------
    numpy.ndarray, pandas.Series or dict
        Adjusted p-values in the input's order and shape: a Series keeps its index, a
        mapping its keys.

    Notes
    -----
    Compare each adjusted p-value with alpha as usual. Holm multiplies the k-th
    smallest of m p-values by m - k + 1 and keeps the sequence non-decreasing;
    Benjamini-Hochberg multiplies it by m / k and keeps the sequence non-increasing
    from the top. Computed by ``statsmodels.stats.multitest.multipletests``, except Holm:
    statsmodels runs a full garbage collection on every Holm call (about 0.1 s in a
    report kernel holding a few million objects, and reports call it per driver table),
    so Holm is worked out here with statsmodels' own arithmetic, equal to its result to
    the last bit (tests/stats/test_multiplicity.py checks on random p-values with ties).

    References
    ----------
    .. [1] Holm, S. (1979). A simple sequentially rejective multiple test procedure.
       Scandinavian Journal of Statistics 6, 65-70.
    .. [2] Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate.
       JRSS B 57, 289-300.

    Examples
    --------
    >>> import pandas as pd
    >>> from svcinsight import stats
    >>> p = pd.Series({"fcr": 0.01, "csat": 0.04, "frt": 0.03, "nps": 0.20})
    >>> stats.adjust_pvalues(p)
    fcr     0.04
    csat    0.09
    frt     0.09
    nps     0.20
    dtype: float64
    >>> stats.adjust_pvalues([0.01, 0.04, 0.03, 0.20], method="fdr_bh").round(4).tolist()
    [0.04, 0.0533, 0.0533, 0.2]
    """
    key = str(method).lower()
    if key not in _METHODS:
        raise ValueError(f"method must be one of {sorted(_METHODS)}, not {method!r}")
    if isinstance(pvalues, pd.Series):
        return pd.Series(
            _adjust(pvalues.to_numpy(dtype=float), _METHODS[key]),
            index=pvalues.index,
            name=pvalues.name,
        )
    if isinstance(pvalues, Mapping):
        values = _adjust(np.asarray(list(pvalues.values()), dtype=float), _METHODS[key])
        return dict(zip(pvalues.keys(), values.tolist()))
    array = np.asarray(pvalues, dtype=float)
    return _adjust(array.ravel(), _METHODS[key]).reshape(array.shape)


def _adjust(pvalues: np.ndarray, method: str) -> np.ndarray:
    bad = ~np.isnan(pvalues) & ((pvalues < 0) | (pvalues > 1))
    if bad.any():
        raise ValueError(f"p-values must lie in [0, 1]; got {pvalues[bad][:5].tolist()}")
    adjusted = np.full(pvalues.shape, np.nan)
    present = ~np.isnan(pvalues)
    if present.any():
        adjust = _holm if method == "holm" else (lambda p: multipletests(p, method=method)[1])
        adjusted[present] = adjust(pvalues[present])
    return adjusted


def _holm(pvalues: np.ndarray) -> np.ndarray:
    """Holm's step-down adjustment as ``multipletests(method="holm")`` computes it."""
    order = np.argsort(pvalues)
    stepped = np.maximum.accumulate(pvalues[order] * np.arange(len(pvalues), 0, -1))
    stepped[stepped > 1] = 1
    adjusted = np.empty_like(stepped)
    adjusted[order] = stepped
    return adjusted
