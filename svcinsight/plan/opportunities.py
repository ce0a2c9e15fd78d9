"""Opportunities: what the unit's headline metrics would be if one problem were fixed.

Candidates come from the process and feedback evidence:

``stage``
    a stage whose median exceeds its benchmark (:func:`svcinsight.process.bottlenecks`);
``handoff``
    such a stage reached mostly by a hand-off from another team: the wait at the hand-off;
``rework``
    a stage at least ``rework_share`` of whose tickets come back to it;
``response``
    first responses later than their priority's target;
``tag``
    a feedback tag that goes with lower CSAT, net of the other problems
    (:func:`svcinsight.feedback.drivers`);
``segment``
    a channel or category whose value of a goal's metric misses the goal's target.

Each is sized by rewriting the unit's own tickets as if it were fixed (see
:mod:`svcinsight.plan.fixes`) and recomputing the metrics (:mod:`svcinsight.plan.measure`):
the whole unit, each goal's segment and, when the tickets have one, each customer
segment. The intervals are bootstrap intervals over tickets (answers for CSAT, plus
the driver model's own uncertainty).

Examples
--------
>>> import svcinsight as si
>>> ds = si.demo.generate(seed=0, months=3, tickets_per_month=400, units=["ecommerce"])
>>> opps = si.plan.opportunities(ds, benchmarks={"qc result pending": 4, "in progress": 1},
...                              resolution_stages={"resolved"}, n_boot=50)
>>> row = opps.table.set_index("kind").loc["handoff"]
>>> row["subject"], bool(row["change"] < 0)
('qc result pending', True)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from svcinsight import config
from svcinsight.dataset import Dataset
from svcinsight.feedback.tagging import tag as tag_comments
from svcinsight.feedback.taxonomy import load_taxonomy
from svcinsight.goals import Goal
from svcinsight.ids import among
from svcinsight.metrics import get, latest_timestamp
from svcinsight.plan import texts
from svcinsight.plan.evidence import describe
from svcinsight.plan.fixes import (
    Fix,
    ResponseAtTarget,
    ReworkLoops,
    StageCap,
    State,
    TagResolved,
    apply,
)
from svcinsight.plan.measure import (
    PLAN_METRICS,
    Measure,
    Scope,
    SegmentTarget,
    summarise,
    supported,
)
from svcinsight.plan.satisfaction import SatisfactionModel
from svcinsight.process.bottlenecks import bottlenecks

KINDS = ("stage", "handoff", "rework", "response", "tag", "segment")
TABLE_COLUMNS = ("id", "kind", "subject", "title", "tickets", "ticket_share", "customers", "metric",
                 "before", "after", "change", "ci_low", "ci_high", "gain", "evidence", "fix")
EFFECT_COLUMNS = ("opportunity", "segment", "goal", "metric", "before", "after", "change", "ci_low",
                  "ci_high", "n", "target")


@dataclass(frozen=True)
class Candidate:
    """An opportunity before it is sized: what to fix, and the evidence for it."""

    id: str
    kind: str
    subject: str
    fixes: tuple[Fix, ...] = ()
    targets: tuple[SegmentTarget, ...] = ()
    facts: Mapping = field(default_factory=dict)

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(t for fix in self.fixes for t in fix.tags)


@dataclass
class Opportunities:
    """Sized opportunities of one unit.

    Attributes
    ----------
    table : DataFrame
        One row per opportunity: ``id, kind, subject, title, tickets`` (affected, in the
        window), ``ticket_share, customers`` (distinct customers of those tickets), the
        main ``metric`` (the headline metric of the whole unit it improves most; for a
        segment, its goal's metric in the goal's segment) with its ``before, after, change,
        ci_low, ci_high`` and ``gain`` (the change relative to before, better positive),
        and ``evidence`` and ``fix``: the numbers it rests on and what the recomputation
        assumed, in sentences.
    effects : DataFrame
        ``opportunity, segment, goal, metric, before, after, change, ci_low, ci_high, n,
        target``: every metric per scope (``segment`` "all", ``customer_segment=vip`` ..., or
        the goal's segment with ``goal`` its name and ``target`` its target).
    goals : list of Goal
    language : str
    window : (Timestamp, Timestamp)
        Tickets created (answers submitted) in ``[start, end)``; ``as_of`` the instant
        the data describes; ``history_start`` the first ticket's creation (how far back a
        pilot's before window can reach).
    """

    table: pd.DataFrame
    effects: pd.DataFrame
    goals: list
    language: str
    window: tuple
    as_of: pd.Timestamp
    history_start: pd.Timestamp | None = None
    _measure: Measure = field(repr=False, default=None)
    _candidates: dict = field(repr=False, default_factory=dict)
    _scopes: tuple = field(repr=False, default=())
    _states: dict = field(repr=False, default_factory=dict)

    def __len__(self) -> int:
        return len(self.table)

    @property
    def ids(self) -> list[str]:
        return self.table["id"].tolist()

    def candidate(self, opportunity: str) -> Candidate:
        try:
            return self._candidates[opportunity]
        except KeyError:
            raise KeyError(f"no opportunity {opportunity!r}; there are: {', '.join(self.ids)}") from None

    def state(self, ids: Sequence[str] | str) -> State:
        """The rewritten tickets and events with the opportunities ``ids`` fixed, in order.

        States are kept (and must not be modified): a combination starts from the state
        of the ones before its last, and the measure reuses what it found of each."""
        ids = (ids,) if isinstance(ids, str) else tuple(ids)
        if not ids:
            return self._measure.baseline
        if ids not in self._states:
            fixes = self.candidate(ids[-1]).fixes
            self._states[ids] = apply(self.state(ids[:-1]), fixes)
        return self._states[ids]

    def prepare(self, combinations: Iterable[Sequence[str]], *, goals_only: bool = False) -> None:
        """Get several combinations of fixes ready for :meth:`estimate` at once (their
        metrics and satisfaction changes in one pass each)."""
        items = []
        for ids in combinations:
            ids = (ids,) if isinstance(ids, str) else tuple(ids)
            items.append((self.state(ids), self._tags(ids)))
        scopes = [s for s in self._scopes if s.goal is not None] if goals_only else self._scopes
        self._measure.prepare(items, metrics=[m for scope in scopes for m in scope.metrics])

    def _tags(self, ids: Sequence[str]) -> tuple[str, ...]:
        return tuple(t for i in ids for t in self.candidate(i).tags)

    def apply(self, ids: Sequence[str] | str) -> Dataset:
        """The unit's tickets and events as they would be with ``ids`` fixed (tickets of
        the window and those its answers link to; CSAT moves through the model only, see
        :meth:`estimate`)."""
        state = self.state(ids)
        return Dataset(tickets=state.tickets.copy(), events=state.events())  # the kept state stays as it is

    def estimate(self, ids: Sequence[str] | str, *, goals_only: bool = False) -> pd.DataFrame:
        """The effects of fixing ``ids`` together (each fix sees the ones before it); with
        ``goals_only`` only the goals' rows (quicker)."""
        ids = [ids] if isinstance(ids, str) else list(ids)
        state = self.state(ids)
        tags = self._tags(ids)
        targets = tuple(t for i in ids for t in self.candidate(i).targets)
        scopes = [s for s in self._scopes if s.goal is not None] if goals_only else self._scopes
        out = self._measure.effects(state, scopes, tags=tags, targets=targets)
        out.insert(0, "opportunity", " + ".join(ids))
        return _with_targets(out, self.goals)

    def formatted(self, language: str | None = None) -> pd.DataFrame:
        """The table as a reader sees it: main effect with its interval, in words."""
        language = language or self.language
        zh = language == "zh"
        rows = []
        for r in self.table.itertuples(index=False):
            unit = get(r.metric).unit if isinstance(r.metric, str) else ""
            label = get(r.metric).display_label(language) if isinstance(r.metric, str) else "–"
            rows.append({
                ("机会" if zh else "Opportunity"): r.title,
                ("类型" if zh else "Kind"): texts.KIND_NAMES["zh" if zh else "en"][r.kind],
                ("涉及工单" if zh else "Tickets"): f"{r.tickets:,} ({texts.percent(r.ticket_share)})",
                ("指标" if zh else "Metric"): label,
                ("现值" if zh else "Now"): texts.metric_value(unit, r.before, language),
                ("改进后" if zh else "Fixed"): texts.metric_value(unit, r.after, language),
                ("变化" if zh else "Change"): texts.metric_change(unit, r.change, language),
                ("95%区间" if zh else "95% interval"): texts.interval(unit, r.ci_low, r.ci_high, language),
            })
        return pd.DataFrame(rows)

    def _repr_html_(self) -> str:
        return self.formatted().to_html(index=False, border=0, escape=True)


def opportunities(dataset: Dataset, *, benchmarks: Mapping[str, float] | None = None,
                  targets=None, start=None, end=None, as_of=None,
                  resolution_stages: Iterable[str] = (), terminal_stages: Iterable[str] | None = None,
                  segment_by: str | None = "auto", taxonomy=None, calendar=None,
                  sla: Mapping[str, float] | None = None, kinds: Iterable[str] = KINDS,
                  min_tickets: int = 30, rework_share: float = 0.10, segments_per_goal: int = 2,
                  n_boot: int = 400, seed: int = 0, language: str = "en") -> Opportunities:
    """Find and size the unit's improvement opportunities.

    Parameters
    ----------
    dataset : Dataset
        One unit's canonical tickets and, as far as available, events and feedback.
    benchmarks : mapping of stage -> hours, optional
        What a visit to each stage should take (as in params). Stages without one are
        not sized as slow stages.
    targets : sequence of goal dicts (or :class:`~svcinsight.goals.Goal`), or mapping of metric -> target
        The unit's SMART targets; each goal's metric is sized in its segment, and
        channels and categories that miss it become ``segment`` opportunities.
    start, end : date or Timestamp, optional
        The window: tickets created, answers submitted, in ``[start, end)`` (default:
        all the data).
    as_of : Timestamp, optional
        The instant the data describes (default: its latest timestamp).
    resolution_stages, terminal_stages : iterable of str
        As for :func:`svcinsight.process.bottlenecks`.
    segment_by : str, None or "auto"
        Ticket column to size per value (``"auto"``: ``customer_segment`` if present).
    taxonomy
        Feedback taxonomy for tagging (default: the built-in one).
    calendar : BusinessCalendar, optional
        Durations of the metrics on the business clock (stage times and benchmarks stay
        in elapsed hours).
    sla : mapping, optional
        First-response targets per priority (default urgent 0.5, important 2, normal 24 h).
    kinds : iterable of str
        Which kinds of opportunity to look for (default all of :data:`KINDS`).
    min_tickets : int
        Fewest tickets (visits, answers, rows) an opportunity must concern.
    rework_share : float
        Share of a stage's tickets coming back to it that makes it a rework candidate.
    segments_per_goal : int
        Segment opportunities kept per goal (the largest shortfalls).
    n_boot : int
        Bootstrap resamples per interval (0: no intervals).
    seed : int
    language : {"en", "zh"}

    Returns
    -------
    Opportunities
        ``table`` (one row per opportunity, in no particular order: :func:`~svcinsight.plan.rank`
        orders them) and ``effects`` (every metric per scope); see :class:`Opportunities`.
    """
    kinds = set(kinds)
    unknown = kinds - set(KINDS)
    if unknown:
        raise ValueError(f"kinds: unknown {sorted(unknown)}; choose from {', '.join(KINDS)}")
    benchmarks = {str(k): float(v) for k, v in (benchmarks or {}).items()}
    sla = dict(sla or config.FIRST_RESPONSE_TARGET_HOURS)
    goals = _goals(targets)
    tickets, events, feedback = dataset.tickets, dataset.events, dataset.feedback
    tz = tickets["created_at"].dt.tz
    start, end = _stamp(start, tz), _stamp(end, tz)
    as_of = _stamp(as_of, tz) if as_of is not None else latest_timestamp(tickets, events, feedback)
    in_window = _between(tickets["created_at"], start, end) & (tickets["created_at"] <= as_of)
    answers = None
    if feedback is not None and "submitted_at" in feedback.columns:
        answers = feedback[_between(feedback["submitted_at"], start, end)
                           & (feedback["submitted_at"] <= as_of)].reset_index(drop=True)
    linked = among(tickets["ticket_id"], answers["ticket_id"].dropna()) if answers is not None and \
        "ticket_id" in answers.columns else np.zeros(len(tickets), dtype=bool)
    keep = in_window.to_numpy(dtype=bool) | linked
    state_tickets = tickets[keep].reset_index(drop=True)
    window_mask = in_window.to_numpy(dtype=bool)[keep]
    if not window_mask.any():
        raise ValueError(f"no tickets created in the window [{start}, {end})")
    baseline = State.build(state_tickets, events, as_of=as_of, terminal_stages=terminal_stages,
                           resolution_stages=resolution_stages)
    model = None
    if answers is not None and "csat" in answers.columns:
        taxonomy = load_taxonomy(taxonomy)  # read once: tagging and both driver fits use it
        if "comment" in answers.columns and "tags" not in answers.columns:
            answers = tag_comments(answers, taxonomy)
        model = SatisfactionModel.fit(answers, baseline, benchmarks=benchmarks, taxonomy=taxonomy,
                                      min_count=min_tickets)
    measure = Measure(baseline, window_mask, answers, model, as_of=as_of, calendar=calendar, sla=sla,
                      n_boot=n_boot, seed=seed)
    scopes = _scopes(measure, goals, segment_by)

    window_events = None
    if baseline.timeline is not None:
        line = baseline.timeline
        window_events = line.select(window_mask[line.ticket]).to_frame(state_tickets, tz)
    candidates = []
    if window_events is not None and len(window_events) and kinds & {"stage", "handoff", "rework"}:
        candidates += _process_candidates(window_events, benchmarks, resolution_stages, terminal_stages,
                                          as_of, kinds, min_tickets, rework_share, language)
    if "response" in kinds:
        candidates += _response_candidate(baseline, window_mask, sla, min_tickets)
    if "tag" in kinds and model is not None:
        candidates += _tag_candidates(model, taxonomy, min_tickets, language)
    if "segment" in kinds and goals:
        candidates += _segment_candidates(measure, goals, min_tickets, segments_per_goal)

    kept, states, affected_by = {}, {}, {}
    claimed: list[set] = []
    for cand in candidates:
        state = apply(baseline, cand.fixes) if cand.fixes else baseline
        affected = _affected(cand, state, measure, window_mask)
        if cand.kind == "rework":
            # loops that cover the same tickets as a larger one are the same loops seen from
            # another stage (awaiting customer <-> in progress): keep the first
            mine = set(np.flatnonzero(affected))
            if any(len(mine & other) >= 0.8 * max(len(mine), 1) for other in claimed):
                continue
            claimed.append(mine)
        if affected.sum() < min_tickets and cand.kind != "segment":
            continue
        kept[cand.id], states[(cand.id,)], affected_by[cand.id] = cand, state, affected
    measure.prepare([(states[(i,)], cand.tags) for i, cand in kept.items()],
                    metrics=[m for scope in scopes for m in scope.metrics])
    rows, effects = [], []
    for i, cand in kept.items():
        found = measure.effects(states[(i,)], scopes, tags=cand.tags, targets=cand.targets)
        found.insert(0, "opportunity", cand.id)
        effects.append(found)
        rows.append(_table_row(cand, baseline, found, affected_by[i], state_tickets, window_mask, language))
    table = pd.DataFrame(rows, columns=list(TABLE_COLUMNS))
    effects_frame = (pd.concat(effects, ignore_index=True) if effects
                     else pd.DataFrame(columns=[c for c in EFFECT_COLUMNS if c != "target"]))
    effects_frame = _with_targets(effects_frame, goals)
    window = (start if start is not None else tickets["created_at"].min(),
              end if end is not None else as_of)
    return Opportunities(table=table, effects=effects_frame, goals=goals, language=language, window=window,
                         as_of=as_of, history_start=tickets["created_at"].min(), _measure=measure,
                         _candidates=kept, _scopes=tuple(scopes), _states=states)


# -- inputs -------------------------------------------------------------------------------------

def _goals(targets) -> list[Goal]:
    if targets is None:
        return []
    if isinstance(targets, Mapping):
        return [Goal(metric=m, target=float(v), deadline=pd.NaT) for m, v in targets.items()]
    goals = [t if isinstance(t, Goal) else Goal.from_dict(dict(t)) for t in targets]
    return [g for g in goals if supported(g.metric)]


def _stamp(value, tz):
    if value is None:
        return None
    value = pd.Timestamp(value)
    return value.tz_localize(tz) if value.tzinfo is None else value.tz_convert(tz)


def _between(stamps: pd.Series, start, end) -> pd.Series:
    keep = stamps.notna()
    if start is not None:
        keep &= stamps >= start
    if end is not None:
        keep &= stamps < end
    return keep.fillna(False).astype(bool)


def _scopes(measure: Measure, goals: list[Goal], segment_by) -> list[Scope]:
    metrics = tuple(m for m in PLAN_METRICS if measure.available(m))
    scopes = [Scope("all", {}, metrics)]
    column = segment_by
    tickets = measure.baseline.tickets
    if segment_by == "auto":
        column = "customer_segment" if "customer_segment" in tickets.columns else None
    if column:
        if column not in tickets.columns:
            raise ValueError(f"segment_by={column!r}: the tickets have no such column")
        for value in sorted(tickets.loc[measure.in_window, column].dropna().astype(str).unique()):
            scopes.append(Scope(f"{column}={value}", {column: value}, metrics))
    for goal in goals:
        if measure.available(goal.metric):
            scopes.append(Scope(goal.label, dict(goal.segment), (goal.metric,), goal=goal.label))
    return scopes


def _with_targets(effects: pd.DataFrame, goals: list[Goal]) -> pd.DataFrame:
    target = {g.label: g.target for g in goals}
    effects = effects.copy()
    effects["target"] = effects["goal"].map(target).astype(float) if len(effects) else pd.Series(dtype=float)
    return effects[list(EFFECT_COLUMNS)]


# -- candidates ---------------------------------------------------------------------------------

def _process_candidates(events: pd.DataFrame, benchmarks, resolution_stages, terminal_stages, as_of,
                        kinds, min_tickets, rework_share, language) -> list[Candidate]:
    table = bottlenecks(events, benchmarks, resolution_stages=resolution_stages, as_of=as_of,
                        terminal_stages=terminal_stages, min_visits=min_tickets, rework_share=rework_share,
                        language=language)
    out = []
    for row in table.itertuples(index=False):
        facts = row._asdict()
        if row.over_benchmark and row.excess_hours > 0:
            kind = "handoff" if row.handoff_share >= 0.5 else "stage"
            if kind in kinds:
                out.append(Candidate(f"{kind}: {row.stage}", kind, row.stage,
                                     (StageCap(row.stage, float(row.benchmark_hours), handoff_only=kind == "handoff"),),
                                     facts=facts))
    if "rework" in kinds:
        looped = table[(table["rework_share"] >= rework_share) & (table["extra_visits"] >= min_tickets)]
        for row in looped.sort_values("extra_visits", ascending=False, kind="stable").itertuples(index=False):
            out.append(Candidate(f"rework: {row.stage}", "rework", row.stage, (ReworkLoops(row.stage),),
                                 facts=row._asdict()))
    return out


def _response_candidate(state: State, window: np.ndarray, sla, min_tickets) -> list[Candidate]:
    fix = ResponseAtTarget(dict(sla))
    late, target = fix.late(state)
    late &= window
    if late.sum() < min_tickets:
        return []
    t = state.tickets
    waited = (t["first_response_at"] - t["created_at"]).dt.total_seconds().to_numpy() / 3600
    answered = t["first_response_at"].notna().to_numpy() & window
    facts = {"late": int(late.sum()), "share": late.sum() / max(answered.sum(), 1),
             "median_late": float(np.median(waited[late] - target[late]))}
    return [Candidate("response: first response", "response", "first response", (fix,), facts=facts)]


def _tag_candidates(model: SatisfactionModel, taxonomy, min_tickets, language) -> list[Candidate]:
    labels = {t.id: (t.label_zh if language == "zh" else t.label_en) for t in load_taxonomy(taxonomy)}
    table = model.table
    harmful = table[(table["kind"] == "tag") & (table["ci_high"] < 0) & (table["n"] >= min_tickets)]
    out = []
    for row in harmful.itertuples(index=False):
        facts = {"label": labels.get(row.driver, row.label), "n": int(row.n), "share": float(row.prevalence),
                 "effect": float(row.effect), "ci_low": float(row.ci_low), "ci_high": float(row.ci_high),
                 "stage": row.stage}
        out.append(Candidate(f"tag: {row.driver}", "tag", row.driver, (TagResolved(row.driver),), facts=facts))
    return out


def _segment_candidates(measure: Measure, goals: list[Goal], min_tickets, per_goal) -> list[Candidate]:
    out = []
    for goal in goals:
        if not measure.available(goal.metric):
            continue
        base = measure.base(goal.metric)
        inside = measure.mask(goal.metric, base.index, goal.segment)
        higher = get(goal.metric).direction != "lower"
        found = []
        for column in ("channel", "category"):
            if column in goal.segment:
                continue
            for value in _values_of(measure, goal.metric, base.index[inside], column):
                where = {**goal.segment, column: value}
                rows = measure.mask(goal.metric, base.index, where)
                # too few rows, or a group whose every row has the same value: a group that
                # is what the metric counts (complaints, for the complaint rate) cannot move
                if rows.sum() < min_tickets or np.ptp(base.to_numpy()[rows]) == 0:
                    continue

                current = float(summarise(base.to_numpy()[rows][None, :], goal.metric)[0])
                short = (goal.target - current) if higher else (current - goal.target)
                if short > 0:
                    facts = {"goal": goal.label, "metric": goal.metric, "column": column, "value": value,
                             "current": current, "target": goal.target, "n": int(rows.sum())}
                    found.append((short * rows.sum(), Candidate(
                        f"segment: {goal.metric} {column}={value}" + (f" ({goal.label})" if goal.segment else ""),
                        "segment", f"{column}={value}", (),
                        (SegmentTarget(goal.metric, where, goal.target),), facts=facts)))
        found.sort(key=lambda item: -item[0])
        out += [cand for _, cand in found[:per_goal] if cand.id not in {c.id for c in out}]
    return out


def _values_of(measure: Measure, metric: str, index: pd.Index, column: str) -> list[str]:
    frame = measure._attributes if measure.is_feedback(metric) else measure.baseline.tickets
    if frame is None or column not in frame.columns:
        return []
    return sorted(frame.loc[index, column].dropna().astype(str).unique())


# -- results ------------------------------------------------------------------------------------

def _affected(cand: Candidate, state: State, measure: Measure, window: np.ndarray) -> np.ndarray:
    """Tickets of the window the opportunity concerns."""
    tickets = measure.baseline.tickets
    if cand.kind == "tag" and measure.model is not None:
        has = measure.model.tagged(cand.subject)
        ids = measure.model.answers.loc[has, "ticket_id"].dropna()
        return among(tickets["ticket_id"], ids) & window
    if cand.kind == "segment":
        target = cand.targets[0]
        out = np.ones(len(tickets), dtype=bool)
        for column, value in target.where.items():
            out &= (tickets[column].astype("string") == str(value)).fillna(False).to_numpy(dtype=bool)
        return out & window
    return state.changed & window


def gains(effects: pd.DataFrame) -> pd.Series:
    """Relative improvement of each effect row: the change over the value before, signed so
    that better is positive (NaN where the value before is zero)."""
    sign = effects["metric"].map(lambda m: -1.0 if get(m).direction == "lower" else 1.0)
    before = effects["before"].abs().where(effects["before"] != 0)
    return sign * effects["change"] / before


def _table_row(cand, baseline, effects, affected, tickets, window, language) -> dict:
    if cand.kind == "segment":
        label = cand.facts.get("goal")
        main = effects[(effects["metric"] == cand.targets[0].metric) & (effects["goal"] == label)]
    else:
        main = effects[effects["segment"] == "all"]
    main = main.assign(gain=gains(main)).sort_values("gain", ascending=False, kind="stable").head(1)
    m = main.iloc[0] if len(main) else pd.Series(dtype=float)
    customers = (tickets.loc[affected, "customer_id"].nunique() if "customer_id" in tickets.columns else np.nan)
    title, evidence, fix = describe(cand, baseline, affected, language)
    return {
        "id": cand.id, "kind": cand.kind, "subject": cand.subject, "title": title,
        "tickets": int(affected.sum()), "ticket_share": affected.sum() / max(window.sum(), 1),
        "customers": customers, "metric": m.get("metric"),
        **{k: float(m[k]) if k in m else np.nan for k in ("before", "after", "change", "ci_low", "ci_high", "gain")},
        "evidence": evidence, "fix": fix,
    }
