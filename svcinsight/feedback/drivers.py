"""What goes with low satisfaction: tags, ticket problems and stage delays, ranked.

:func:`drivers` regresses the outcome (CSAT by default) on the candidate drivers
together, so each effect is net of the others: feedback tags (a comment mentions it),
ticket flags (reopened, complaint, late first response ...) and stage delays (the ticket
spent longer than the stage's benchmark in it before the feedback was given). Drivers
are ranked by impact, effect x prevalence: what the driver costs the average score
across all feedback. :func:`svcinsight.feedback.links.stage_links` is the per-stage view.

Examples
--------
>>> import svcinsight as si
>>> from svcinsight import feedback
>>> ds = si.demo.generate(seed=0, months=3, tickets_per_month=1500)
>>> table = feedback.drivers(ds.feedback, ds.tickets, include=("tickets",))
>>> row = table.set_index("driver").loc["reopened"]
>>> row["kind"], bool(row["ci_high"] < 0)
('ticket', True)
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats as sps

from svcinsight import config
from svcinsight.feedback.tagging import tag as tag_comments
from svcinsight.feedback.taxonomy import load_taxonomy
from svcinsight.ids import among
from svcinsight.stats import adjust_pvalues

#: Outcomes drivers() understands: (low-score rule, higher is better).
OUTCOMES = {
    "csat": (lambda s: s <= config.LOW_CSAT_THRESHOLD, True),
    "nps": (lambda s: s <= 6, True),
    "ces": (lambda s: s >= 5, False),
}
FAMILIES = ("tags", "tickets", "stages")

_TICKET_LABELS = {
    "first_response_late": "First response after the priority's target",
    "resolution_slow": "Resolution over twice the category's median",
    "repeat_contact": "Customer had to contact more than once",
    "reopened": "Ticket reopened",
    "escalated": "Ticket escalated",
    "complaint": "Complaint ticket",
}
_TICKET_LABELS_ZH = {
    "first_response_late": "首次响应超过优先级目标",
    "resolution_slow": "解决时长超过该类别中位数两倍",
    "repeat_contact": "客户联系不止一次",
    "reopened": "工单被重开",
    "escalated": "工单被升级",
    "complaint": "投诉工单",
}
_COLUMNS = ["rank", "driver", "kind", "label", "label_zh", "stage", "n", "prevalence", "effect", "ci_low",
            "ci_high", "pvalue", "pvalue_adjusted", "mean_with", "mean_without",
            "low_share_with", "low_share_without", "impact", "benchmark_hours"]


def drivers(feedback: pd.DataFrame, tickets: pd.DataFrame | None = None,
            events: pd.DataFrame | None = None, *, outcome: str = "csat", taxonomy=None,
            benchmarks: Mapping[str, float] | None = None, include=FAMILIES,
            method: str = "ols", min_count: int = 30) -> pd.DataFrame:
    """Rank what goes with low satisfaction: tags, ticket flags and stage delays.

    Parameters
    ----------
    feedback : pandas.DataFrame
        Canonical feedback with the ``outcome`` column; tagged by :func:`~svcinsight.
        feedback.tag` if it has no ``tags`` column yet.
    tickets : pandas.DataFrame, optional
        Canonical tickets; feedback links to them by ``ticket_id``. Adds the ticket flags
        ``first_response_late`` (later than ``config.FIRST_RESPONSE_TARGET_HOURS`` for
        its priority), ``resolution_slow`` (over twice the median of its unit and
        category), ``repeat_contact`` (``contacts`` >= 2), ``reopened``, ``escalated``
        and ``complaint`` (category), as far as the columns exist.
    events : pandas.DataFrame, optional
        Canonical events. Adds, per stage, whether the ticket spent longer in it than
        the benchmark before the feedback was submitted (time in a stage as DESIGN.md
        defines it, summed over visits, cut at ``submitted_at``). Whether the ticket
        visited the stage at all enters as a control, so the effect compares visitors
        over the benchmark with visitors within it.
    outcome : {"csat", "nps", "ces"}
        The score explained. Low scores: CSAT <= ``config.LOW_CSAT_THRESHOLD``, NPS
        0-6, CES >= 5.
    taxonomy : Taxonomy, path, mapping or None
        For tagging when ``feedback`` is not tagged yet, and for the tags' stages.
    benchmarks : mapping of stage -> hours, optional
        Stage benchmarks (as in params). Stages without one are compared with their own
        median hours per ticket over the tickets in ``events`` that visited them;
        ``benchmark_hours`` says which threshold was used. A benchmark nearly every
        visitor exceeds leaves too few within it to compare, and the stage is dropped.
    include : sequence of {"tags", "tickets", "stages"}
        Which driver families to consider (those whose data is given).
    method : {"ols", "ordinal"}
        ``"ols"``: linear regression with HC3 robust standard errors; effects in score
        points. ``"ordinal"``: proportional-odds logit (statsmodels ``OrderedModel``);
        effects in log-odds of a higher score. The ordinal fit uses numerical
        derivatives: seconds on 20,000 rows with a dozen drivers, tens of seconds with
        stage delays.
    min_count : int
        A driver enters the model only with at least this many feedback rows with it
        and without it.

    Returns
    -------
    pandas.DataFrame
        One row per driver, most harmful first, with columns ``rank``, ``driver`` (tag
        id, ticket flag, or ``"slow: <stage>"``), ``kind`` (tag / ticket / stage), ``label``
        (and ``label_zh``),
        ``stage`` (the process stage it concerns, if any), ``n`` (feedback rows with
        it), ``prevalence`` (their share), ``effect`` with ``ci_low`` and ``ci_high``
        (adjusted for the other drivers, see Notes; at ``config`` confidence), ``pvalue`` and
        ``pvalue_adjusted`` (Holm), ``mean_with`` and ``mean_without`` (raw outcome
        means), ``low_share_with`` and ``low_share_without`` (raw shares of low
        scores), ``impact`` (effect x prevalence) and ``benchmark_hours`` (stage rows).
        ``attrs`` holds ``outcome``, ``method``, ``effect_unit``, ``n`` (rows fitted),
        ``dropped`` (candidates too rare, or that other drivers already determine) and
        ``confidence``.

    Notes
    -----
    Rows: feedback with the outcome (and, when ``tickets`` or ``events`` are given, a
    ticket found in them). Tags and ticket flags come from one model,
    ``outcome ~ tags + ticket flags + commented``; stage delays from a second one that
    adds the stage-delay flags and, per stage, whether the ticket visited it (in the
    first model those visit controls would stand in for ticket flags: every complaint
    visits complaint review). ``commented`` (the feedback has a comment) is a control,
    not reported: people who write comments score lower, so without it every tag would
    look like a driver; a tag's effect is against other commented feedback. A column
    the constant and earlier columns already determine is left out (listed in
    ``dropped`` if it is a driver). Effects are associations, not causes:
    a comment is written because of the score as much as the other way round, so tags
    rank issues against each other; ticket flags and stage delays come from the
    process and are the evidence that fixing the process would move the score.

    Examples
    --------
    >>> import svcinsight as si
    >>> from svcinsight import feedback
    >>> ds = si.demo.generate(seed=0, months=3, tickets_per_month=1500)
    >>> top = feedback.drivers(ds.feedback, ds.tickets, ds.events).head(3)
    >>> bool((top["ci_high"] < 0).all())
    True
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
    if method not in ("ols", "ordinal"):
        raise ValueError(f"method must be 'ols' or 'ordinal', not {method!r}")
    unknown = set(include) - set(FAMILIES)
    if unknown:
        raise ValueError(f"include: unknown famil(ies) {sorted(unknown)}; choose from {FAMILIES}")
    if outcome not in feedback:
        raise KeyError(f"feedback has no {outcome!r} column")
    taxonomy = load_taxonomy(taxonomy)
    if "tags" not in feedback and "tags" in include and "comment" in feedback:
        feedback = tag_comments(feedback, taxonomy)

    frame = feedback[pd.to_numeric(feedback[outcome], errors="coerce").notna()]
    if tickets is not None or events is not None:
        if "ticket_id" not in frame:
            raise KeyError("feedback has no 'ticket_id' column to link it to tickets or events")
        frame = frame[_linked(frame["ticket_id"], [t["ticket_id"] for t in (tickets, events) if t is not None])]
    y = pd.to_numeric(frame[outcome]).astype(float).to_numpy()

    candidates: list[tuple[str, str, str, str | None, np.ndarray, float]] = []
    if "tags" in include and "tags" in frame:
        stage_of = {t.id: t.stage for t in taxonomy}
        label_of = {t.id: t.label_en for t in taxonomy}
        tags = frame["tags"]
        for tag_id in taxonomy.ids:
            flag = tags.map(lambda x, t=tag_id: isinstance(x, list) and t in x).to_numpy(bool)
            candidates.append((tag_id, "tag", label_of[tag_id], stage_of[tag_id], flag, np.nan))
    if "tickets" in include and tickets is not None:
        for name, flag in _ticket_flags(frame, tickets).items():
            candidates.append((name, "ticket", _TICKET_LABELS[name], None, flag, np.nan))
    visited = pd.DataFrame(index=np.arange(len(frame)))
    if "stages" in include and events is not None:
        visited, over, thresholds = stage_delays(frame, events, benchmarks)
        for stage in over.columns:
            hours = thresholds[stage]
            candidates.append((f"slow: {stage}", "stage", f"Over {hours:.3g} h in {stage}",
                               stage, over[stage].to_numpy(bool), hours))

    usable = [c for c in candidates if min_count <= c[4].sum() <= len(y) - min_count]
    if any(c[1] == "stage" for c in usable):
        # Within a stage's visitors only: beyond its benchmark vs within it.
        usable = [c for c in usable if c[1] != "stage"
                  or (visited[c[3]].to_numpy(bool) & ~c[4]).sum() >= min_count]
    kept = {c[0] for c in usable}
    dropped = [c[0] for c in candidates if c[0] not in kept and c[4].any()]
    if not usable:
        out = pd.DataFrame(columns=_COLUMNS)
        out.attrs.update(outcome=outcome, method=method, n=len(y), dropped=dropped)
        return out

    commented = []
    if "tags" in include and "comment" in frame:
        has = frame["comment"].astype("string").str.strip().fillna("").ne("").to_numpy(float)
        if 0 < has.sum() < len(has):
            commented = [has]
    confidence = config.get_config()["confidence"]
    # Tags and ticket flags: one model, each compared with all other feedback. Stage
    # delays: the same drivers plus, per stage, whether the ticket visited it, so that a
    # delay compares visitors over the benchmark with visitors within it. (The visit
    # controls would absorb ticket flags such as "complaint", which is why the flags
    # are read from the first model.)
    first = [c for c in usable if c[1] != "stage"]
    estimates = _estimate(y, first, commented, method, confidence)
    if len(first) < len(usable):
        visits = [visited[c[3]].to_numpy(float) for c in usable if c[1] == "stage"]
        stage_estimates = _estimate(y, usable, visits + commented, method, confidence)
        estimates.update({k: v for k, v in stage_estimates.items() if k[1] == "stage"})
    dropped += [c[0] for c in usable if (c[0], c[1]) not in estimates]
    usable = [c for c in usable if (c[0], c[1]) in estimates]
    unit = "score points" if method == "ols" else "log-odds"

    is_low = OUTCOMES[outcome][0](y)
    rows = []
    for name, kind, label, stage, flag, hours in usable:
        rows.append({
            "driver": name, "kind": kind, "label": label, "stage": stage,
            "n": int(flag.sum()), "prevalence": flag.mean(),
            **estimates[(name, kind)],
            "mean_with": y[flag].mean(), "mean_without": y[~flag].mean(),
            "low_share_with": is_low[flag].mean(), "low_share_without": is_low[~flag].mean(),
            "impact": estimates[(name, kind)]["effect"] * flag.mean(), "benchmark_hours": hours,
        })
    out = pd.DataFrame(rows)
    out["pvalue_adjusted"] = adjust_pvalues(out["pvalue"].to_numpy(), method="holm")
    harm = -out["impact"] if OUTCOMES[outcome][1] else out["impact"]
    out = out.assign(_harm=harm).sort_values("_harm", ascending=False, kind="stable")
    out = out.drop(columns="_harm").reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    zh_of = {t.id: t.label_zh for t in taxonomy} | _TICKET_LABELS_ZH
    out["label_zh"] = [
        f"{stage} 超过 {hours:.3g} 小时" if kind == "stage" else zh_of.get(driver, label)
        for driver, kind, label, stage, hours in zip(out["driver"], out["kind"], out["label"], out["stage"],
                                                     out["benchmark_hours"])
    ]
    out = out[_COLUMNS]
    out.attrs.update(outcome=outcome, method=method, effect_unit=unit, n=len(y),
                     dropped=dropped, confidence=confidence)
    return out


def _linked(ids: pd.Series, sources: list[pd.Series]) -> np.ndarray:
    """Whether each of ``ids`` occurs in any of ``sources`` (ticket ids of tickets, events).

    The sources hold far more ids than the feedback: their ids are checked against the
    feedback's few (a small lookup table) instead of building one from all of theirs.
    """
    wanted = ids.dropna().unique()
    found = pd.concat([s[among(s, wanted)] for s in sources]).unique()
    return among(ids, found)  # an answer without a ticket id is linked to nothing


def _independent(columns: list[np.ndarray], tolerance: float = 1e-8) -> list[int]:
    """Indices of the columns to keep, in order, skipping any that the constant and the
    columns kept before it already span (a stage every reopened ticket visits is the
    reopened flag again). Drivers come before controls, so a control gives way first."""
    if not columns:
        return []
    n = len(columns[0])
    basis = np.empty((len(columns) + 1, n))
    basis[0] = 1 / np.sqrt(n)
    size, keep = 1, []
    for i, column in enumerate(columns):
        b = basis[:size]
        residual = column - b.T @ (b @ column)
        norm = np.linalg.norm(residual)
        if norm > tolerance * max(np.linalg.norm(column), 1.0):
            basis[size] = residual / norm
            size += 1
            keep.append(i)
    return keep


def _estimate(y: np.ndarray, drivers_: list, controls: list[np.ndarray], method: str,
              confidence: float) -> dict[tuple[str, str], dict[str, float]]:
    """(driver, kind) -> effect, ci_low, ci_high, pvalue from one model of y on the
    drivers and controls; drivers the others already span are left out."""
    if not drivers_:
        return {}
    columns = [c[4].astype(float) for c in drivers_] + list(controls)
    keep = _independent(columns)
    fitted = [i for i in keep if i < len(drivers_)]
    x = np.column_stack([columns[i] for i in keep])
    effect, low, high, pvalue = _fit(y, x, method, confidence)
    return {(drivers_[i][0], drivers_[i][1]): {"effect": effect[j], "ci_low": low[j],
                                                "ci_high": high[j], "pvalue": pvalue[j]}
            for j, i in enumerate(fitted)}


def _fit(y: np.ndarray, x: np.ndarray, method: str, confidence: float):
    if method == "ols":
        result = sm.OLS(y, sm.add_constant(x, has_constant="add")).fit(cov_type="HC3")
        interval = result.conf_int(alpha=1 - confidence)
        return result.params[1:], interval[1:, 0], interval[1:, 1], result.pvalues[1:]
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    levels = np.unique(y)
    codes = pd.Categorical(y, categories=levels, ordered=True)
    result = OrderedModel(codes, x, distr="logit").fit(method="lbfgs", disp=False, maxiter=1000)
    k = x.shape[1]
    params, se = np.asarray(result.params)[:k], np.asarray(result.bse)[:k]
    z = sps.norm.ppf(0.5 + confidence / 2)
    return params, params - z * se, params + z * se, np.asarray(result.pvalues)[:k]


def _ticket_flags(frame: pd.DataFrame, tickets: pd.DataFrame) -> dict[str, np.ndarray]:
    t = tickets.drop_duplicates("ticket_id").set_index("ticket_id")
    flags: dict[str, pd.Series] = {}
    if {"first_response_at", "created_at"} <= set(t.columns):
        hours = (t["first_response_at"] - t["created_at"]).dt.total_seconds() / 3600
        priority = t["priority"] if "priority" in t else pd.Series("normal", index=t.index)
        target = priority.map(dict(config.FIRST_RESPONSE_TARGET_HOURS)).astype(float)
        target = target.fillna(config.FIRST_RESPONSE_TARGET_HOURS["normal"])
        flags["first_response_late"] = (hours > target).fillna(False)
    if {"resolved_at", "created_at"} <= set(t.columns):
        hours = (t["resolved_at"] - t["created_at"]).dt.total_seconds() / 3600
        keys = [c for c in ("business_unit", "category") if c in t]
        median = hours.groupby([t[k] for k in keys]).transform("median") if keys else hours.median()
        flags["resolution_slow"] = (hours > 2 * median).fillna(False)
    if "contacts" in t:
        flags["repeat_contact"] = (pd.to_numeric(t["contacts"]) >= 2).fillna(False)
    if "reopened" in t:
        flags["reopened"] = (pd.to_numeric(t["reopened"]) >= 1).fillna(False)
    if "escalated" in t:
        flags["escalated"] = t["escalated"].astype("boolean").fillna(False)
    if "category" in t:
        flags["complaint"] = (t["category"] == "complaint").fillna(False)
    ticket = frame["ticket_id"]
    return {name: ticket.map(flag.astype(bool)).fillna(False).to_numpy(bool)
            for name, flag in flags.items()}


def stage_hours(events: pd.DataFrame) -> pd.DataFrame:
    """Each event's time in its stage: ``left_at`` if given, else the next entry of the
    same ticket (events in time order, ties in file order); NaT for a last stage.

    Examples
    --------
    >>> import pandas as pd
    >>> e = pd.DataFrame({"ticket_id": ["T1", "T1", "T1"], "stage": ["new", "review", "closed"],
    ...                   "entered_at": pd.to_datetime(["2026-01-01 09:00", "2026-01-01 11:00",
    ...                                                 "2026-01-01 12:30"]),
    ...                   "left_at": pd.NaT})
    >>> stage_hours(e)[["stage", "hours"]]
        stage  hours
    0     new    2.0
    1  review    1.5
    2  closed    NaN
    """
    e = events[["ticket_id", "stage", "entered_at"]].copy()
    e["left_at"] = events.get("left_at", pd.NaT)
    e["_order"] = np.arange(len(e))
    e = e.sort_values(["ticket_id", "entered_at", "_order"], kind="stable")
    following = e.groupby("ticket_id", sort=False)["entered_at"].shift(-1)
    e["left_at"] = e["left_at"].fillna(following)
    e["hours"] = (e["left_at"] - e["entered_at"]).dt.total_seconds() / 3600
    return e.sort_values("_order").drop(columns="_order")


def stage_delays(frame: pd.DataFrame, events: pd.DataFrame,
                  benchmarks: Mapping[str, float] | None) -> tuple[pd.DataFrame, dict]:
    timed = stage_hours(events)
    per_ticket = timed.groupby(["ticket_id", "stage"], observed=True)["hours"].sum(min_count=1)
    median = per_ticket.groupby(level="stage").median()  # over the tickets that visited it
    thresholds = {stage: float((benchmarks or {}).get(stage, median.get(stage, np.nan)))
                  for stage in timed["stage"].dropna().unique()}
    thresholds = {s: h for s, h in thresholds.items() if np.isfinite(h)}

    rows = frame[["ticket_id"]].assign(_row=np.arange(len(frame)))
    rows["submitted_at"] = frame.get("submitted_at", pd.NaT)
    joined = rows.merge(timed, on="ticket_id", how="inner")
    submitted = joined["submitted_at"]
    # Only what happened before the customer spoke can have shaped the score.
    end = joined["left_at"].where(submitted.isna() | (joined["left_at"] < submitted), submitted)
    joined = joined[submitted.isna() | (joined["entered_at"] < submitted)]
    end = end.loc[joined.index]
    hours = (end - joined["entered_at"]).dt.total_seconds() / 3600
    total = hours.groupby([joined["_row"], joined["stage"]]).sum(min_count=1).unstack()
    total = total.reindex(index=np.arange(len(frame)), columns=sorted(thresholds))
    visited = total.notna()
    over = total.gt(pd.Series(thresholds)[total.columns], axis=1) & visited
    return visited, over, thresholds
