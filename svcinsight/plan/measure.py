"""The unit's metrics before and after a fix, with bootstrap intervals of the change.

Every metric is computed from its per-row values (:func:`svcinsight.metrics.metric_values`,
the rows :func:`svcinsight.metrics.compute` summarises): a median, 90th percentile or
mean of them, so that the "after" of a fix is exactly what ``compute`` gives on the
rewritten tickets. The interval of a change resamples the rows (tickets, or answers)
with replacement and recomputes both sides on the same draw, all draws at once.
CSAT moves through the driver model (:mod:`svcinsight.plan.satisfaction`); its interval
adds the model's uncertainty to the sampling of answers.

Sizing a dozen fixes measures the same scopes again and again, so the work is shared
without changing a number: each (metric, scope)'s resamples are drawn once and kept as
counts (:mod:`svcinsight.plan.resampling`); a fix's values are recomputed only on the
tickets it rewrote (a ticket's value depends on its own row), for many fixes in one
frame (:meth:`Measure.prepare`); and each state's satisfaction changes are worked out
once, many states in one pass.

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
from svcinsight.plan.fixes import State, positions, rewritten
from svcinsight.plan.resampling import Resamples
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


def same_values(metric: str) -> str:
    """A name for the per-row values ``metric`` summarises: a duration's median and 90th
    percentile summarise the same hours.

    >>> same_values("frt_p90_h"), same_values("frt_median_h"), same_values("fcr_rate")
    ('frt hours', 'frt hours', 'fcr_rate')
    """
    if metric.endswith(("_median_h", "_p90_h")) and "_km_" not in metric:
        return metric.rsplit("_", 2)[0] + " hours"
    return metric


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
        self._before: dict = {}
        self._masks: dict = {}
        self._equal: dict = {}
        self._draws: dict = {}
        self._states: dict[int, _StateMemo] = {}
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
        key = same_values(metric)
        if key not in self._base:
            self._base[key] = self._values(self.baseline, metric)
        return self._base[key]

    def _values(self, state: State, metric: str) -> pd.Series:
        """Values of the state's tickets in the window (or their answers')."""
        tickets = state.tickets[self.in_window]
        if self.is_feedback(metric):
            if self.answers is None:
                raise ValueError(f"{metric} needs feedback")
            rows = metric_values(tickets, metric, feedback=self.answers, as_of=self.as_of)
            return rows["value"].astype(float)
        return self._ticket_values(tickets, metric)

    def _ticket_values(self, tickets: pd.DataFrame, metric: str) -> pd.Series:
        rows = metric_values(tickets, metric, as_of=self.as_of, calendar=self.calendar, sla=self.sla)
        return rows["value"].astype(float)

    def after(self, state: State, metric: str, deltas: np.ndarray | None = None,
              targets: Sequence[SegmentTarget] = ()) -> pd.Series:
        """The rewritten state's values of ``metric``, aligned with :meth:`base`."""
        base = self.base(metric)
        if metric == "csat_mean" and deltas is not None and self.model is not None:
            values = base + deltas[base.index.to_numpy()]
        elif not self.is_feedback(metric) and get(metric).family in _TICKET_FAMILIES and state is not self.baseline:
            values = self._rewritten_values(state, metric)
        else:
            values = base
        for target in targets:
            if target.metric == metric:
                values = self._to_target(values, metric, target)
        return values

    def _memo(self, state: State) -> _StateMemo:
        """What is known of a state so far (kept while the measure lives)."""
        memo = self._states.get(id(state))
        if memo is None or memo.state is not state:
            memo = self._states[id(state)] = _StateMemo(state, rewritten(state, self.baseline))
        return memo

    def _rewritten_values(self, state: State, metric: str) -> pd.Series:
        """A ticket metric's values in ``state`` (see :meth:`_rewrite`)."""
        self._rewrite([state], metric)
        return self._memo(state).values[same_values(metric)]

    def _rewrite(self, states: Sequence[State], metric: str) -> None:
        """Each state's values of a ticket metric: the baseline's, except on the window's
        tickets the state rewrote, recomputed for all the states in one frame.

        A ticket's value depends on its own row only. What ``metric_values`` checks of a
        frame as a whole holds for these rows when it held for the window: some ticket has
        a due time (each recomputed ticket the baseline counts for the resolution SLA has
        one), and the priorities are the window's (a fix does not change them)."""
        key, base = same_values(metric), self.base(metric)
        labels = base.index.to_numpy()
        parts, todo = [], []
        for state in states:
            memo = self._memo(state)
            if key in memo.values:
                continue
            touched = np.zeros(len(state.tickets), dtype=bool)
            touched[memo.rewritten] = True
            at = np.flatnonzero(touched[labels])
            if not len(at):
                memo.values[key] = base
                continue
            if memo.tickets is None:  # the window's rewritten tickets (labelled by position)
                memo.tickets = state.tickets.iloc[memo.rewritten[self.in_window[memo.rewritten]]]
            parts.append(memo.tickets)
            todo.append((memo, at))
        if not parts:
            return
        values = self._ticket_values(pd.concat(parts, ignore_index=True), metric)
        offset = 0
        for part, (memo, at) in zip(parts, todo):
            rows = pd.Series(values.reindex(np.arange(offset, offset + len(part))).to_numpy(), index=part.index)
            offset += len(part)
            rows = rows.reindex(labels[at])
            if rows.isna().any():
                raise RuntimeError(f"{metric}: a fix changed which tickets the metric counts")
            out = base.copy()
            out.iloc[at] = rows.to_numpy()
            memo.values[key] = out

    def changes(self, state: State, tags: tuple[str, ...] = ()) -> tuple[pd.DataFrame | None, np.ndarray | None]:
        """The satisfaction model's per-answer changes in ``state`` with ``tags`` resolved,
        and each answer's score change (None, None without a model or anything to change)."""
        tags = tuple(tags)
        if not self._moves_satisfaction(state, tags):
            return None, None
        memo = self._memo(state)
        if tags not in memo.changes:
            self.prepare([(state, tags)])
        return memo.changes[tags]

    def prepare(self, items: Iterable[tuple[State, tuple[str, ...]]], metrics: Iterable[str] = ()) -> None:
        """Work out the values of ``metrics`` and the satisfaction changes of several
        (state, tags) pairs at once, quicker than one by one; :meth:`after` and
        :meth:`changes` then find them."""
        items = [(state, tuple(tags)) for state, tags in items]
        states = list({id(state): state for state, _ in items if state is not self.baseline}.values())
        done = set()
        for metric in metrics:
            if (same_values(metric) not in done and not self.is_feedback(metric)
                    and get(metric).family in _TICKET_FAMILIES and self.available(metric)):
                self._rewrite(states, metric)
                done.add(same_values(metric))
        todo = {}
        for state, tags in items:
            if self._moves_satisfaction(state, tags) and tags not in self._memo(state).changes:
                todo[(id(state), tags)] = (state, tags)
        if not todo:
            return
        for (state, tags), changes in zip(todo.values(), self.model.changes_of(list(todo.values()))):
            self._memo(state).changes[tags] = changes, self.model.deltas(changes)

    def _moves_satisfaction(self, state: State, tags: tuple[str, ...]) -> bool:
        return self.model is not None and bool(tags or (state.changed is not None and state.changed.any()))

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
        position = positions(self.answers["ticket_id"], tickets["ticket_id"])
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
            frame = self._attributes
            if frame is None:
                return np.zeros(len(index), dtype=bool)
        else:
            frame = self.baseline.tickets
        rows = frame.index.get_indexer(index)
        if (rows < 0).any():
            raise KeyError(f"{metric}: rows {list(index[rows < 0][:5])} are not in the data")
        out = np.ones(len(index), dtype=bool)
        for column, value in where.items():
            if column not in frame.columns:
                return np.zeros(len(index), dtype=bool)
            out &= self._equals(frame, column, str(value))[rows]
        return out

    def _equals(self, frame: pd.DataFrame, column: str, value: str) -> np.ndarray:
        """Which rows of ``frame`` (the tickets, or the answers' attributes) have ``column``
        equal to ``value`` (as text)."""
        key = (frame is self._attributes, column, value)
        if key not in self._equal:
            self._equal[key] = (frame[column].astype("string") == value).fillna(False).to_numpy(dtype=bool)
        return self._equal[key]

    # -- effects ----------------------------------------------------------------------------
    def effects(self, state: State, scopes: Iterable[Scope], *, tags: tuple[str, ...] = (),
                targets: Sequence[SegmentTarget] = ()) -> pd.DataFrame:
        """Before, after and the change with its interval, per scope and metric."""
        changes, deltas = self.changes(state, tuple(tags))
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
        key = (metric, scope.label, tuple(sorted((str(k), str(v)) for k, v in scope.where.items())))
        if key not in self._before:  # the same for every fix
            self._before[key] = float(summarise(b[None, :], metric)[0])
        before = self._before[key]
        same = np.array_equal(a, b)
        value = before if same else float(summarise(a[None, :], metric)[0])
        change = value - before
        if same:
            low = high = 0.0
        elif metric == "csat_mean" and changes is not None and self.model is not None:
            low, high = self._csat_interval(change, a - b, np.flatnonzero(inside), changes)
        else:
            low, high = self._bootstrap(metric, scope.label, b, a)
        return {**row, "before": before, "after": value, "change": change, "ci_low": low, "ci_high": high}

    def _bootstrap(self, metric: str, label: str, before: np.ndarray, after: np.ndarray) -> tuple[float, float]:
        """Interval of the change: both sides recomputed on the same resamples of the rows,
        drawn from a seed of (metric, scope), so every fix meets the same draws."""
        if self.n_boot <= 0 or len(before) < 2:
            return math.nan, math.nan
        if np.isfinite(before).all() and np.isfinite(after).all():
            draws = self._scope_draws(metric, label, before)
            q = statistic(metric)
            if q is None:
                value = draws.resamples.changed_sums(draws.sums, before, after) / len(before)
            else:
                value = draws.resamples.quantiles(after, q)
            diff = value - draws.statistic
        else:  # missing values: summarised as numpy does, resample by resample
            draws = self._rng(metric, label).integers(0, len(before), size=(self.n_boot, len(before)),
                                                      dtype=np.int32)
            diff = summarise(after[draws], metric) - summarise(before[draws], metric)
        tail = (1 - self.confidence) / 2
        low, high = np.quantile(diff, [tail, 1 - tail])
        return float(low), float(high)

    def _rng(self, metric: str, label: str) -> np.random.Generator:
        return np.random.default_rng([self.seed, zlib.crc32(f"{metric}|{label}".encode())])

    def _scope_draws(self, metric: str, label: str, before: np.ndarray) -> _ScopeDraws:
        """The resamples of a scope's rows for ``metric`` and the baseline's statistic on
        each (drawn once: the same for every fix)."""
        key = (metric, label)
        draws = self._draws.get(key)
        if draws is None or not np.array_equal(draws.before, before):
            resamples = Resamples.draw(self._rng(metric, label), self.n_boot, len(before))
            q = statistic(metric)
            sums = resamples.sums(before) if q is None else None
            value = sums / len(before) if q is None else resamples.quantiles(before, q)
            draws = self._draws[key] = _ScopeDraws(resamples, before.copy(), value, sums)
        return draws

    def _csat_interval(self, change: float, per_answer: np.ndarray, rows: np.ndarray,
                       changes: pd.DataFrame) -> tuple[float, float]:
        sampling = float(np.var(per_answer, ddof=1) / len(per_answer)) if len(per_answer) > 1 else 0.0
        variance = sampling + self.model.model_variance(changes, rows)
        z = sps.norm.ppf(0.5 + self.confidence / 2)
        return change - z * math.sqrt(variance), change + z * math.sqrt(variance)


@dataclass
class _StateMemo:
    """A state's rewritten tickets, ticket metrics' values and satisfaction changes."""

    state: State
    rewritten: np.ndarray
    tickets: pd.DataFrame | None = None
    values: dict = field(default_factory=dict)
    changes: dict = field(default_factory=dict)


@dataclass(frozen=True)
class _ScopeDraws:
    """One scope's bootstrap resamples of one metric's rows, with the baseline's values,
    statistic and (for a mean) sums on each resample."""

    resamples: Resamples
    before: np.ndarray
    statistic: np.ndarray
    sums: np.ndarray | None
