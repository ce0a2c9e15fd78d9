"""The unit's metrics before and after a fix, with bootstrap intervals of the change.

Every metric is computed from its per-row values (:func:`svcinsight.metrics.metric_values`,
the rows :func:`svcinsight.metrics.compute` summarises): a median, 90th percentile or
mean of them, so that the "after" of a fix is exactly what ``compute`` gives on the
rewritten tickets. The interval of a change resamples the rows (tickets, or answers)
with replacement and recomputes both sides on the same draw, all draws at once.
CSAT moves through the driver model (:mod:`svcinsight.plan.satisfaction`); its interval
adds the model's uncertainty to the sampling of answers.

Examples
--------
>>> import numpy as np
>>> statistic("frt_median_h"), statistic("resolution_p90_h"), statistic("fcr_rate")
(0.5, 0.9, None)
>>> summarise(np.array([[1.0, 2.0, 9.0], [3.0, 3.0, 4.0]]), "frt_median_h").tolist()
[2.0, 3.0]
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats as sps

from svcinsight import config
from svcinsight.metrics import get, metric_values
from svcinsight.plan.fixes import State
from svcinsight.plan.satisfaction import SatisfactionModel

#: The headline metrics every opportunity is sized on (those the data supports).
PLAN_METRICS = ("frt_median_h", "frt_p90_h", "first_response_sla_rate", "resolution_median_h",
                "resolution_p90_h", "resolution_sla_rate", "fcr_rate", "csat_mean")

#: Metrics a ticket rewrite can move (the others are computed from unchanged rows).
_TICKET_FAMILIES = ("speed", "sla", "quality", "volume")
_UNSUPPORTED = {"tickets_created", "tickets_resolved", "backlog_open", "complaints_per_1k_orders",
                "frt_km_median_h", "resolution_km_median_h", "resolved_per_agent_day", "survey_response_rate"}


def statistic(metric: str) -> float | None:
    """The quantile a metric takes of its values (None: their mean)."""
    if metric.endswith("_p90_h"):
        return 0.9
    if metric.endswith(("_median_h", "_median")):
        return 0.5
    return None


def summarise(values: np.ndarray, metric: str) -> np.ndarray:
    """The metric of each row of a 2-D array of values (one row per resample)."""
    q = statistic(metric)
    if q is None:
        return values.mean(axis=1)
    return np.quantile(values, q, axis=1) if q != 0.5 else np.median(values, axis=1)


def supported(metric: str) -> bool:
    """Whether the plan can size this metric (a value per ticket or answer)."""
    get(metric)
    return metric not in _UNSUPPORTED


@dataclass(frozen=True)
class Scope:
    """Where a metric is measured: the whole unit, a customer segment or a goal's segment."""

    label: str
    where: Mapping[str, str] = field(default_factory=dict)
    metrics: tuple[str, ...] = ()
    goal: str | None = None


@dataclass(frozen=True)
class SegmentTarget:
    """A segment's metric brought to a target: medians scaled, means and rates shifted."""

    metric: str
    where: Mapping[str, str]
    target: float


class Measure:
    """Values of the plan's metrics for the baseline and for rewritten states."""

    def __init__(self, baseline: State, in_window: np.ndarray, answers: pd.DataFrame | None,
                 model: SatisfactionModel | None, *, as_of, calendar=None, sla=None, n_boot: int = 400,
                 seed: int = 0, confidence: float | None = None):
        self.baseline = baseline
        self.in_window = np.asarray(in_window, dtype=bool)
        self.answers = None if answers is None else answers.reset_index(drop=True)
        self.model = model
        self.as_of = as_of
        self.calendar = calendar
        self.sla = dict(sla or config.FIRST_RESPONSE_TARGET_HOURS)
        self.n_boot = int(n_boot)
        self.seed = int(seed)
        self.confidence = float(confidence or config.get_config()["confidence"])
        self._base: dict[str, pd.Series] = {}
        self._masks: dict = {}
        self._base_draws: dict = {}
        self._attributes = self._answer_attributes()

    # -- values -----------------------------------------------------------------------------
    def available(self, metric: str) -> bool:
        """Whether the data has what the metric needs (and it is not empty)."""
        try:
            return len(self.base(metric)) > 0
        except (KeyError, ValueError, TypeError, AttributeError):  # a column the metric needs is missing
            return False

    def is_feedback(self, metric: str) -> bool:
        return get(metric).family == "satisfaction"

    def base(self, metric: str) -> pd.Series:
        """The baseline's values of ``metric`` (indexed by ticket or answer position)."""
        if metric not in self._base:
            self._base[metric] = self._values(self.baseline, metric)
        return self._base[metric]

    def _values(self, state: State, metric: str) -> pd.Series:
        if self.is_feedback(metric):
            if self.answers is None:
                raise ValueError(f"{metric} needs feedback")
            tickets = state.tickets[self.in_window]
            rows = metric_values(tickets, metric, feedback=self.answers, as_of=self.as_of)
            return rows["value"].astype(float)
        tickets = state.tickets[self.in_window]
        rows = metric_values(tickets, metric, as_of=self.as_of, calendar=self.calendar, sla=self.sla)
        return rows["value"].astype(float)

    def after(self, state: State, metric: str, deltas: np.ndarray | None = None,
              targets: Sequence[SegmentTarget] = ()) -> pd.Series:
        """The rewritten state's values of ``metric``, aligned with :meth:`base`."""
        base = self.base(metric)
        if metric == "csat_mean" and deltas is not None and self.model is not None:
            values = base + deltas[base.index.to_numpy()]
        elif not self.is_feedback(metric) and get(metric).family in _TICKET_FAMILIES and state is not self.baseline:
            values = self._values(state, metric).reindex(base.index)
            if values.isna().any():
                raise RuntimeError(f"{metric}: a fix changed which tickets the metric counts")
        else:
            values = base
        for target in targets:
            if target.metric == metric:
                values = self._to_target(values, metric, target)
        return values

    def _to_target(self, values: pd.Series, metric: str, target: SegmentTarget) -> pd.Series:
        inside = self.mask(metric, values.index, target.where)
        if not inside.any():
            return values
        current = float(summarise(values.to_numpy()[inside][None, :], metric)[0])
        better_higher = get(metric).direction != "lower"
        if (current >= target.target) == better_higher or current == target.target:
            return values
        out = values.copy()
        if statistic(metric) is None:
            out.iloc[np.flatnonzero(inside)] += target.target - current
        elif current > 0:
            out.iloc[np.flatnonzero(inside)] *= target.target / current
        return out

    # -- scopes -----------------------------------------------------------------------------
    def _answer_attributes(self) -> pd.DataFrame | None:
        if self.answers is None or "ticket_id" not in self.answers.columns:
            return None
        tickets = self.baseline.tickets
        position = pd.Index(tickets["ticket_id"]).get_indexer(self.answers["ticket_id"])
        out = pd.DataFrame(index=self.answers.index)
        for column in tickets.columns:
            if column in ("ticket_id",) or isinstance(tickets[column].dtype, pd.DatetimeTZDtype):
                continue
            values = tickets[column].to_numpy(dtype=object)
            out[column] = np.where(position >= 0, values[np.maximum(position, 0)], None)
        out["_linked"] = position >= 0
        return out

    def mask(self, metric: str, index: pd.Index, where: Mapping[str, str]) -> np.ndarray:
        """Which rows (``index`` of the metric's values) are in the segment ``where``."""
        if not where:
            return np.ones(len(index), dtype=bool)
        key = (metric, len(index), tuple(sorted((str(k), str(v)) for k, v in where.items())))
        if key not in self._masks or len(self._masks[key]) != len(index):
            self._masks[key] = self._mask(metric, index, where)
        return self._masks[key]

    def _mask(self, metric: str, index: pd.Index, where: Mapping[str, str]) -> np.ndarray:
        if self.is_feedback(metric):
            attrs = self._attributes
            if attrs is None:
                return np.zeros(len(index), dtype=bool)
            frame = attrs.loc[index]
        else:
            frame = self.baseline.tickets.loc[index]
        out = np.ones(len(index), dtype=bool)
        for column, value in where.items():
            if column not in frame.columns:
                return np.zeros(len(index), dtype=bool)
            out &= (frame[column].astype("string") == str(value)).fillna(False).to_numpy(dtype=bool)
        return out

    # -- effects ----------------------------------------------------------------------------
    def effects(self, state: State, scopes: Iterable[Scope], *, tags: tuple[str, ...] = (),
                targets: Sequence[SegmentTarget] = ()) -> pd.DataFrame:
        """Before, after and the change with its interval, per scope and metric."""
        changes = deltas = None
        if self.model is not None and (tags or (state.changed is not None and state.changed.any())):
            changes = self.model.changes(state, tags)
            deltas = self.model.deltas(changes)
        rows = []
        cache: dict[str, pd.Series] = {}
        for scope in scopes:
            for metric in scope.metrics:
                if not self.available(metric):
                    continue
                if metric not in cache:
                    cache[metric] = self.after(state, metric, deltas, targets)
                rows.append(self._row(scope, metric, cache[metric], changes))
        return pd.DataFrame(rows, columns=["segment", "goal", "metric", "before", "after", "change",
                                           "ci_low", "ci_high", "n"])

    def _row(self, scope: Scope, metric: str, after: pd.Series, changes: pd.DataFrame | None) -> dict:
        base = self.base(metric)
        inside = self.mask(metric, base.index, scope.where)
        b, a = base.to_numpy()[inside], after.to_numpy()[inside]
        row = {"segment": scope.label, "goal": scope.goal, "metric": metric, "n": int(inside.sum())}
        if not len(b):
            return {**row, "before": np.nan, "after": np.nan, "change": np.nan, "ci_low": np.nan, "ci_high": np.nan}
        before = float(summarise(b[None, :], metric)[0])
        value = float(summarise(a[None, :], metric)[0])
        change = value - before
        if np.array_equal(a, b):
            low = high = 0.0
        elif metric == "csat_mean" and changes is not None and self.model is not None:
            low, high = self._csat_interval(change, a - b, np.flatnonzero(inside), changes)
        else:
            low, high = self._bootstrap(metric, scope.label, b, a)
        return {**row, "before": before, "after": value, "change": change, "ci_low": low, "ci_high": high}

    def _bootstrap(self, metric: str, label: str, before: np.ndarray, after: np.ndarray) -> tuple[float, float]:
        if self.n_boot <= 0 or len(before) < 2:
            return math.nan, math.nan
        key = (metric, label)
        rng = np.random.default_rng([self.seed, zlib.crc32(f"{metric}|{label}".encode())])
        draws = rng.integers(0, len(before), size=(self.n_boot, len(before)), dtype=np.int32)
        if key not in self._base_draws:  # the same draws for every fix: the baseline's side once
            self._base_draws[key] = summarise(before[draws], metric)
        diff = summarise(after[draws], metric) - self._base_draws[key]
        tail = (1 - self.confidence) / 2
        low, high = np.quantile(diff, [tail, 1 - tail])
        return float(low), float(high)

    def _csat_interval(self, change: float, per_answer: np.ndarray, rows: np.ndarray,
                       changes: pd.DataFrame) -> tuple[float, float]:
        sampling = float(np.var(per_answer, ddof=1) / len(per_answer)) if len(per_answer) > 1 else 0.0
        variance = sampling + self.model.model_variance(changes, rows)
        z = sps.norm.ppf(0.5 + self.confidence / 2)
        return change - z * math.sqrt(variance), change + z * math.sqrt(variance)
