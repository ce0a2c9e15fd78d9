"""Pilot plans for the chosen opportunities: where, against what, for how long, judged how.

For each opportunity the plan picks

where
    the narrowest ticket group that holds at least 80% of the tickets the fix changes and
    belongs to this unit alone (a category, team or channel: returns for the QC hand-off),
    else the whole unit;
control
    the other units in the data (difference-in-differences, errors clustered by agent) for
    a whole-unit pilot when there are any, else the same weeks before the start
    (before/after);
metrics and decision rule
    the metric the kind of fix is about (resolution time for a slow stage or hand-off,
    first contact resolution for rework, the first-response SLA for late responses, CSAT
    for a feedback issue), plus CSAT when the fix moves it; the change is adopted if the
    first improves with a Holm-adjusted p below alpha;
size and duration
    the expected effect is the fix's effect on the pilot's own tickets (the counterfactual
    of :mod:`svcinsight.plan.fixes`), on the scale the evaluation tests it (ratio of
    geometric means for durations, a difference for rates, the probability of
    superiority for CSAT); :func:`svcinsight.stats.sample_size` gives the rows needed per
    window at the chosen power and at alpha divided by the number of metrics (Holm's
    strictest step), with the design effect of agents for a clustered design and, for a
    difference-in-differences, the control units' own noise; the unit's rows per week
    give the whole weeks needed (whole weeks keep the day-of-week mix equal).

:func:`svcinsight.unit.write_pilot_plans` writes the plans to a unit's params: each pilot under
``pilots:`` in the format ``notebooks/pilot_evaluation.ipynb`` reads, and its plan (the
expected effect, sample size, power and decision rule) under ``plan: pilots:``.

Examples
--------
>>> import tempfile, pathlib, yaml, svcinsight as si
>>> ds = si.demo.generate(seed=0, months=3, tickets_per_month=400, units=["finance"])
>>> opps = si.plan.opportunities(ds, kinds=["response"], n_boot=0)
>>> plan = si.plan.propose_pilots(opps, si.plan.rank(opps))[0]
>>> plan.primary, plan.design, plan.start.weekday(), plan.n_per_window <= plan.weeks * plan.rows_per_week
('first_response_sla_rate', 'before_after', 0, True)
>>> path = si.unit.write_pilot_plans([plan], pathlib.Path(tempfile.mkdtemp()) / "finance.yaml")
>>> written = yaml.safe_load(path.read_text())
>>> written["pilots"][0]["metrics"], written["plan"]["pilots"][plan.name]["weeks"] == plan.weeks
(['first_response_sla_rate', 'csat_mean'], True)
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from svcinsight import config
from svcinsight.metrics import get
from svcinsight.plan import texts
from svcinsight.plan.measure import summarise
from svcinsight.plan.opportunities import Opportunities
from svcinsight.stats import display, sample_size
from svcinsight.stats import power as power_of
from svcinsight.stats.planning import EFFECT_DISPLAY

#: The metric each kind of opportunity is piloted on first.
PRIMARY = {"stage": "resolution_median_h", "handoff": "resolution_median_h", "rework": "fcr_rate",
           "response": "first_response_sla_rate", "tag": "csat_mean"}
#: Metric kind -> sample-size kind.
_PLAN_KIND = {"duration": "duration", "proportion": "proportion", "ordinal": "ordinal", "mean": "mean"}
WHERE_COLUMNS = ("category", "team", "channel")
COVERAGE = 0.8
#: Fewest rows per window a plan asks for: below it the large-sample formulas (and the
#: evaluation's design checks) are not to be trusted; the plan states the power it gives.
MIN_ROWS = 30


@dataclass(frozen=True)
class PilotPlan:
    """One proposed pilot (see the module notes); :meth:`definition` is its params entry.

    Attributes
    ----------
    name, opportunity : str
        The pilot's name (the opportunity's title) and the opportunity's id.
    unit, unit_column : str
        Where it runs: tickets whose ``unit_column`` is ``unit`` (``business_unit`` for a
        whole unit); ``where`` says it in words, ``params_unit`` names the business unit.
    design, controls, control : str
        ``before_after`` or ``diff_in_diff``, its control units, and the control in words.
    metrics, primary : tuple of str, str
        The metrics judged (Holm over all of them) and the one the decision rests on.
    baseline, expected, effect, effect_kind : float, float, float, str
        The primary metric's value now and with the fix for the pilot's tickets, and the
        effect on the scale the evaluation tests (ratio of geometric means, a difference
        of rates, or the probability of superiority for CSAT).
    sd, icc, design_effect : float
        Spread of the tested values, intra-agent correlation, and the design effect applied
        (1 unless the design clusters errors by agent).
    n_per_window, rows_per_week, weeks : int, float, int
        Rows needed in each window, the unit's rows per week for them, and whole weeks.
    start, end : date
        Monday the pilot starts, and its last day.
    power, alpha : float
        Power at ``n_per_window`` (the one asked for, or more when the floor of
        :data:`MIN_ROWS` rows applies) and the level, split over the metrics.
    feasible, notes, change, decision_rule
        Whether it fits in the allowed weeks, warnings, and the texts params carry.
    """

    name: str
    opportunity: str
    unit: str
    unit_column: str
    where: str
    design: str
    controls: tuple | str | None
    control: str
    metrics: tuple[str, ...]
    primary: str
    baseline: float
    expected: float
    effect: float
    effect_kind: str
    sd: float
    icc: float
    design_effect: float
    n_per_window: int
    rows_per_week: float
    weeks: int
    start: dt.date
    end: dt.date
    power: float
    alpha: float
    feasible: bool
    change: str
    decision_rule: str
    notes: tuple[str, ...] = ()
    cluster: str = "agent_id"
    params_unit: str = ""

    def definition(self) -> dict:
        """The ``pilots:`` entry :class:`svcinsight.pilot.PilotDefinition` reads."""
        out = {"name": self.name, "unit": self.unit, "change": self.change,
               "start": self.start.isoformat(), "end": self.end.isoformat(),
               "pre": int(self.weeks), "post": int(self.weeks), "metrics": list(self.metrics),
               "design": self.design, "cluster": self.cluster, "correction": "holm"}
        if self.controls:
            out["controls"] = self.controls if isinstance(self.controls, str) else list(self.controls)
        if self.unit_column != "business_unit":
            out["unit_column"] = self.unit_column
        return out

    def record(self) -> dict:
        """The plan behind the pilot, for ``plan: pilots:`` in params."""
        return {"opportunity": self.opportunity, "primary_metric": self.primary,
                "baseline": _plain(self.baseline), "expected": _plain(self.expected),
                "effect": _plain(self.effect), "effect_kind": self.effect_kind,
                "n_per_window": int(self.n_per_window), "weeks": int(self.weeks),
                "power": _plain(self.power), "alpha": _plain(self.alpha),
                "design_effect": _plain(self.design_effect), "decision_rule": self.decision_rule}


def _plain(x) -> float:
    return float(round(float(x), 6)) if x is not None and not (isinstance(x, float) and math.isnan(x)) else None


@dataclass
class PilotPlans:
    """The proposed pilots, in rank order."""

    plans: list
    language: str = "en"

    def __iter__(self):
        return iter(self.plans)

    def __len__(self) -> int:
        return len(self.plans)

    def __getitem__(self, i):
        return self.plans[i]

    def ready(self) -> dict:
        """Opportunity id -> the day after its pilot ends (when the result can be known)."""
        return {p.opportunity: pd.Timestamp(p.end) + pd.Timedelta(days=1) for p in self.plans}

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([dict(asdict(p)) for p in self.plans])

    def formatted(self, language: str | None = None) -> pd.DataFrame:
        """What a reader needs: where, against what, effect, size and duration."""
        language = language or self.language
        zh = language == "zh"
        rows = []
        for p in self.plans:
            metric = get(p.primary)
            effect_kind, unit = EFFECT_DISPLAY[_PLAN_KIND[metric.kind]]
            rows.append({
                ("试点" if zh else "Pilot"): p.name,
                ("范围" if zh else "Where"): p.where,
                ("对照" if zh else "Against"): p.control,
                ("主要指标" if zh else "Judged by"): metric.display_label(language),
                ("预期效应" if zh else "Expected effect"): display.format_effect(p.effect, effect_kind, unit, language),
                ("每窗口样本" if zh else "Per window"): f"{p.n_per_window:,}",
                ("周数" if zh else "Weeks"): p.weeks,
                ("日期" if zh else "Dates"): f"{p.start.isoformat()} – {p.end.isoformat()}",
                ("说明" if zh else "Notes"): "; ".join(p.notes) or "–",
            })
        return pd.DataFrame(rows)

    def _repr_html_(self) -> str:
        return self.formatted().to_html(index=False, border=0, escape=True)

    def yaml(self) -> str:
        """The ``pilots:`` entries and their plans as YAML, to paste into params."""
        import yaml

        body = {"pilots": [p.definition() for p in self.plans],
                "plan": {"pilots": {p.name: p.record() for p in self.plans}}}
        return yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100)


def propose_pilots(opps: Opportunities, ranking: pd.DataFrame, *, top: int = 3, power: float = 0.8,
                   alpha: float | None = None, population: pd.DataFrame | None = None, unit: str | None = None,
                   start=None, max_weeks: int = 26, min_weeks: int = 2, language: str | None = None) -> PilotPlans:
    """Pilot plans for the top opportunities of a ranking.

    Parameters
    ----------
    opps : Opportunities
    ranking : DataFrame
        From :func:`svcinsight.plan.rank`; segments are diagnoses, not changes, and are
        skipped.
    top : int
        How many pilots to propose.
    power : float
        Wanted probability that the pilot detects its expected effect.
    alpha : float, optional
        The evaluation's significance level (default the configured one, which the pilot
        notebook uses).
    population : DataFrame, optional
        Every ticket the pilot evaluation will read (all units of the params' sources):
        control units come from here, and a narrow pilot must be a group no other unit
        has. Without it, pilots cover the whole unit and are judged before/after.
    unit : str, optional
        The unit's name in ``business_unit`` (default: the tickets' only value).
    start : date, optional
        First day of the pilots (default: the Monday after the data's as-of day).
    max_weeks, min_weeks : int
        Longest and shortest pilot; a plan needing more than ``max_weeks`` is marked not
        feasible (and still sized).
    language : {"en", "zh"}, optional

    Returns
    -------
    PilotPlans
    """
    language = language or opps.language
    alpha = float(alpha if alpha is not None else config.get_config()["alpha"])
    measure = opps._measure
    tickets = measure.baseline.tickets
    unit = unit or _unit_name(tickets)
    begin = _first_monday(opps.as_of) if start is None else pd.Timestamp(start).date()
    chosen = ranking[ranking["kind"] != "segment"]["id"].tolist()[:top]
    plans = []
    for opportunity in chosen:
        plan = _plan(opps, opportunity, unit=unit, population=population, power=power, alpha=alpha,
                     start=begin, max_weeks=max_weeks, min_weeks=min_weeks, language=language)
        if plan is not None:
            plans.append(plan)
    return PilotPlans(plans, language)


def _unit_name(tickets: pd.DataFrame) -> str:
    if "business_unit" in tickets.columns:
        values = tickets["business_unit"].dropna().unique()
        if len(values) == 1:
            return str(values[0])
    raise ValueError("cannot tell the unit's name from the tickets (no single business_unit); pass unit=")


def _first_monday(as_of: pd.Timestamp) -> dt.date:
    day = (pd.Timestamp(as_of).tz_localize(None).normalize() + pd.Timedelta(days=1)).date()
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def _plan(opps: Opportunities, opportunity: str, *, unit, population, power, alpha, start, max_weeks,
          min_weeks, language) -> PilotPlan | None:
    measure = opps._measure
    cand = opps.candidate(opportunity)
    row = opps.table.set_index("id").loc[opportunity]
    state = opps.state(opportunity)
    tickets = measure.baseline.tickets
    window = measure.in_window
    changed = state.changed & window
    if cand.kind == "tag" and measure.model is not None:
        ids = measure.model.answers.loc[measure.model.tagged(cand.subject), "ticket_id"].dropna()
        changed = tickets["ticket_id"].isin(ids).to_numpy(dtype=bool) & window
    say = texts.say(language)
    where, column, value, design, controls, control_text = _where(tickets, changed, window, unit, population, say)

    primary = PRIMARY.get(cand.kind, row["metric"])
    if not measure.available(primary) or get(primary).kind not in _PLAN_KIND:
        primary = row["metric"]
    metrics = [primary]
    _, deltas = measure.changes(state, cand.tags)
    csat_moves = deltas is not None and np.any(deltas != 0)
    if primary != "csat_mean" and csat_moves and measure.available("csat_mean"):
        metrics.append("csat_mean")
    base = measure.base(primary)
    after = measure.after(state, primary, deltas)
    inside = measure.mask(primary, base.index, {column: value} if column else {})
    b, a = base.to_numpy()[inside], after.to_numpy()[inside]
    metric = get(primary)
    effect, effect_kind, baseline, sd, extra = _effect(metric, b, a)
    notes = []
    alpha_each = alpha / len(metrics)
    weeks_seen = max((opps.window[1] - opps.window[0]) / pd.Timedelta(weeks=1), 1e-9)
    per_week = inside.sum() / weeks_seen
    icc = _icc(measure, primary, base.index[inside], b, metric)
    clusters = _clusters(measure, primary, base.index[inside])
    if effect is None:
        return None
    kind = _PLAN_KIND[metric.kind]
    ratio_controls = 0.0
    if design == "diff_in_diff" and population is not None:
        control_rows = population["business_unit"].isin([u for u in population["business_unit"].dropna().unique()
                                                          if u != unit]).sum()
        unit_rows = (population["business_unit"] == unit).sum()
        ratio_controls = unit_rows / max(control_rows, 1)
    n_needed, deff = _size(kind, effect, baseline, sd, alpha_each, power, icc if design == "diff_in_diff" else 0.0,
                           clusters, ratio_controls)
    if n_needed is None:
        return None
    n_rows = max(math.ceil(n_needed - 1e-9), MIN_ROWS)
    if n_rows > math.ceil(n_needed - 1e-9):  # a floor on the size: say the power it gives
        power = _achieved(kind, effect, baseline, sd, alpha_each, n_rows / (deff * (1 + ratio_controls)))
    weeks = max(min_weeks, math.ceil(n_rows / max(per_week, 1e-9)))
    feasible = weeks <= max_weeks
    if not feasible:
        notes.append(say["too_long"].format(weeks=weeks, max=max_weeks))
    first = opps.history_start if opps.history_start is not None else opps.window[0]
    history = (pd.Timestamp(start) - first.tz_localize(None).normalize()) / pd.Timedelta(weeks=1)
    if history < weeks:
        notes.append(say["short_history"].format(weeks=int(history)))
    end = start + dt.timedelta(days=7 * weeks - 1)
    if control_text is None:
        control_text = say["control_before"].format(weeks=weeks)
    name = str(row["title"])
    change = say["change_text"].format(title=row["title"], fix=row["fix"]).replace("..", ".")
    rule = say["decision"].format(metric=metric.display_label(language), alpha=display.format_level(alpha),
                                  weeks=weeks)
    return PilotPlan(
        name=name, opportunity=opportunity, unit=value if column else unit,
        unit_column=column or "business_unit", where=where, design=design, controls=controls,
        control=control_text, metrics=tuple(metrics), primary=primary, baseline=baseline,
        expected=extra, effect=effect, effect_kind=effect_kind, sd=sd, icc=icc, design_effect=deff,
        n_per_window=n_rows, rows_per_week=float(per_week), weeks=weeks, start=start, end=end,
        power=power, alpha=alpha, feasible=feasible, change=change, decision_rule=rule, notes=tuple(notes),
        params_unit=unit)


def _where(tickets, changed, window, unit, population, say):
    """(text, column, value, design, controls, control text) of the pilot's place."""
    best = None
    if changed.any() and population is not None:
        for column in WHERE_COLUMNS:
            if column not in tickets.columns:
                continue
            values = tickets[column].astype("string")
            for value, hits in values[changed].value_counts().items():
                coverage = hits / changed.sum()
                if coverage < COVERAGE:
                    continue
                group = (values == value).fillna(False).to_numpy(dtype=bool) & window
                concentration = hits / max(group.sum(), 1)
                if not _exclusive(population, column, value, unit):
                    continue
                if best is None or concentration > best[0]:
                    best = (concentration, column, str(value))
    if best is not None:
        _, column, value = best
        text = say["where_value"].format(column=column, value=value)
        return text, column, value, "before_after", None, None
    others = []
    if population is not None and "business_unit" in population.columns:
        others = sorted(set(population["business_unit"].dropna().astype(str)) - {unit})
    text = say["where_unit"].format(value=unit)
    if others and "agent_id" in tickets.columns:
        return text, None, None, "diff_in_diff", "all", say["control_units"].format(units=", ".join(others))
    return text, None, None, "before_after", None, None


def _exclusive(population: pd.DataFrame, column: str, value: str, unit: str) -> bool:
    """Whether every ticket of the population with ``column == value`` is this unit's."""
    if column not in population.columns:
        return False
    if "business_unit" not in population.columns:
        return True
    rows = (population[column].astype("string") == value).fillna(False).to_numpy(dtype=bool)
    owners = population.loc[rows, "business_unit"].astype("string").dropna().unique()
    return len(owners) == 1 and owners[0] == unit


def _effect(metric, before: np.ndarray, after: np.ndarray):
    """(effect on the test's scale, effect kind, baseline, sd, expected metric value)."""
    if len(before) < 10:
        return None, None, np.nan, np.nan, np.nan
    expected = float(summarise(after[None, :], metric.id)[0])
    if metric.kind == "duration":
        positive = np.concatenate([before[before > 0], after[after > 0]])
        floor = positive.min() / 2 if len(positive) else 1.0
        lb, la = np.log(np.maximum(before, floor)), np.log(np.maximum(after, floor))
        ratio = float(np.exp(la.mean() - lb.mean()))
        sd = float(np.sqrt((lb.var(ddof=1) + la.var(ddof=1)) / 2))
        if abs(math.log(ratio)) < 1e-9:
            return None, None, np.nan, np.nan, np.nan
        return ratio, "ratio", float(np.exp(lb.mean())), sd, expected
    if metric.kind == "proportion":
        p1, p2 = float(before.mean()), float(np.clip(after.mean(), 0, 1))
        if abs(p2 - p1) < 1e-9 or not 0 < p1 < 1:
            return None, None, np.nan, np.nan, np.nan
        return p2 - p1, "difference", p1, float(np.sqrt(p1 * (1 - p1))), expected
    if metric.kind == "ordinal":
        superiority = _superiority(before, after)
        if abs(superiority - 0.5) < 1e-9:
            return None, None, np.nan, np.nan, np.nan
        return superiority, "probability", float(before.mean()), float(before.std(ddof=1)), expected
    sd = float(np.sqrt((before.var(ddof=1) + after.var(ddof=1)) / 2))
    if abs(after.mean() - before.mean()) < 1e-12:
        return None, None, np.nan, np.nan, np.nan
    return float(after.mean() - before.mean()), "difference", float(before.mean()), sd, expected


def _superiority(before: np.ndarray, after: np.ndarray) -> float:
    """P(X2 > X1) + P(X2 = X1) / 2 of scores after against before, where an answer raised
    by a fraction of a point moves up a whole level with that probability (capped at the
    top of the scale), as a survey records it."""
    levels = np.arange(1, int(max(5, np.nanmax(before))) + 1)
    p1 = np.array([(before == k).mean() for k in levels])
    shift = after - before
    low, frac = np.floor(shift), shift - np.floor(shift)
    top = levels[-1]
    p2 = np.zeros(len(levels))
    for up, weight in ((low, 1 - frac), (low + 1, frac)):
        moved = np.clip(before + up, 1, top).astype(int)
        np.add.at(p2, moved - 1, weight / len(before))
    below = np.cumsum(p1) - p1
    return float(np.sum(p2 * (below + p1 / 2)))


def _icc(measure, metric: str, index, values: np.ndarray, m) -> float:
    """One-way ANOVA intra-class correlation of the rows by agent (0 when it cannot tell)."""
    frame = measure._attributes if measure.is_feedback(metric) else measure.baseline.tickets
    if frame is None or "agent_id" not in frame.columns or len(values) < 20:
        return 0.0
    agent = frame.loc[index, "agent_id"].astype("string").to_numpy()
    y = np.log(np.maximum(values, values[values > 0].min() / 2)) if m.kind == "duration" and (values > 0).any() else values
    ok = pd.notna(agent)
    groups = pd.Series(y[ok]).groupby(agent[ok])
    k = groups.ngroups
    n = ok.sum()
    if k < 2 or n <= k:
        return 0.0
    sizes = groups.size().to_numpy(dtype=float)
    means = groups.mean().to_numpy()
    grand = y[ok].mean()
    between = np.sum(sizes * (means - grand) ** 2) / (k - 1)
    within = float(groups.var(ddof=1).fillna(0).to_numpy() @ (sizes - 1)) / (n - k)
    n0 = (n - np.sum(sizes ** 2) / n) / (k - 1)
    icc = (between - within) / (between + (n0 - 1) * within) if between + (n0 - 1) * within > 0 else 0.0
    return float(min(max(icc, 0.0), 0.99))


def _clusters(measure, metric: str, index) -> int:
    frame = measure._attributes if measure.is_feedback(metric) else measure.baseline.tickets
    if frame is None or "agent_id" not in frame.columns:
        return 0
    return int(frame.loc[index, "agent_id"].dropna().nunique())


def _achieved(kind, effect, baseline, sd, alpha, n_independent) -> float:
    args = {"effect": effect, "alpha": alpha, "n": n_independent}
    if kind == "proportion":
        args["baseline"] = baseline
    elif kind in ("duration", "mean"):
        args["sd"] = sd
    return float(power_of(kind, **args).power)


def _size(kind, effect, baseline, sd, alpha, power, icc, clusters, control_ratio):
    """(rows per window, design effect): independent size x design effect x (1 + unit /
    controls) for a difference-in-differences, whose controls add their own noise."""
    args = {"effect": effect, "alpha": alpha, "power": power}
    if kind == "proportion":
        args["baseline"] = baseline
    elif kind in ("duration", "mean"):
        args["sd"] = sd
    try:
        independent = sample_size(kind, **args).n1
    except ValueError:
        return None, 1.0
    deff = 1.0
    if icc > 0 and clusters > 1:
        # cluster size grows with the sample: n = n0 (1 + (n / k - 1) icc)  ->  solve for n
        shrink = 1 - independent * icc / clusters
        n = independent * (1 - icc) / shrink if shrink > 0 else independent * (1 + (independent / clusters - 1) * icc)
        deff = n / independent
    return independent * deff * (1 + control_ratio), deff
