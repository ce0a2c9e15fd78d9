"""Ranking opportunities by their gain toward the unit's SMART targets, and which of the
top ones together reach each target.

A goal's *gap* is the distance from its value in the plan's window to its target; an
opportunity closes the share ``change / (target - before)`` of it ("closing the agent
review gap reaches 62% of the FRT target"). An opportunity's score is the mean share it
closes over the goals not yet met, each share capped at the whole gap; ties (and units
without goals) are ordered by ``gain``, the largest relative improvement it brings to a
headline metric of the whole unit.

Examples
--------
>>> import svcinsight as si
>>> ds = si.demo.generate(seed=0, months=3, tickets_per_month=400, units=["finance"])
>>> goals = [{"metric": "first_response_sla_rate", "target": 0.95, "deadline": "2026-12-31"}]
>>> opps = si.plan.opportunities(ds, targets=goals, kinds=["response", "segment"], n_boot=0)
>>> ranked = si.plan.rank(opps)
>>> ranked.loc[0, "id"], bool(ranked.loc[0, "score"] > 0)
('response: first response', True)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from svcinsight.metrics import get
from svcinsight.plan import texts
from svcinsight.plan.opportunities import Opportunities

#: Effort words and the 1-5 scale they stand for.
EFFORT_WORDS = {"low": 1, "medium": 3, "high": 5}
RANK_COLUMNS = ("rank", "id", "kind", "title", "score", "gain", "best_goal", "best_share", "reaches",
                "effort", "owner", "tickets", "metric", "before", "after", "change", "ci_low", "ci_high")


def goal_gains(opps: Opportunities) -> pd.DataFrame:
    """Per opportunity and goal: the share of the goal's gap the opportunity closes.

    Returns ``opportunity, goal, metric, before, after, target, gap, share, share_low,
    share_high, met`` (``met``: the goal's value in the window already meets its target;
    its share is then NaN).
    """
    e = opps.effects[opps.effects["goal"].notna()].copy()
    if e.empty:
        return pd.DataFrame(columns=["opportunity", "goal", "metric", "before", "after", "target", "gap",
                                     "share", "share_low", "share_high", "met"])
    higher = e["metric"].map(lambda m: get(m).direction != "lower")
    gap = e["target"] - e["before"]
    met = np.where(higher, gap <= 0, gap >= 0)
    safe = gap.where(~met & (gap != 0))
    low, high = e["ci_low"] / safe, e["ci_high"] / safe
    return pd.DataFrame({
        "opportunity": e["opportunity"], "goal": e["goal"], "metric": e["metric"], "before": e["before"],
        "after": e["after"], "target": e["target"], "gap": gap, "share": e["change"] / safe,
        "share_low": np.minimum(low, high), "share_high": np.maximum(low, high), "met": met,
    }).reset_index(drop=True)


def rank(opps: Opportunities, *, settings: Mapping[str, Mapping] | None = None, language: str | None = None
         ) -> pd.DataFrame:
    """Opportunities in order of their expected gain toward the unit's targets.

    Parameters
    ----------
    opps : Opportunities
    settings : mapping of opportunity id -> {"effort", "owner", "exclude"}, optional
        From the params' ``plan.opportunities``: effort (1-5, or low / medium / high),
        who owns the change, and whether to leave it out of the plan.
    language : {"en", "zh"}, optional
        Of the ``reaches`` sentence (default: the opportunities' language).

    Returns
    -------
    DataFrame
        ``rank, id, kind, title, score`` (mean share of the open goals' gaps closed, each
        capped at 1), ``gain`` (largest relative improvement of a headline metric),
        ``best_goal, best_share`` (the goal it moves most, and how far), ``reaches`` (that
        in words), ``effort, owner, tickets`` and the main effect (``metric, before,
        after, change, ci_low, ci_high``).
    """
    language = language or opps.language
    settings = {str(k): dict(v) for k, v in (settings or {}).items()}
    unknown = set(settings) - set(opps.ids)
    table = opps.table.copy()
    shares = goal_gains(opps)
    open_goals = shares[~shares["met"].astype(bool)]
    per = open_goals.assign(capped=open_goals["share"].clip(lower=0, upper=1))
    n_open = per["goal"].nunique()
    score = per.groupby("opportunity")["capped"].sum() / n_open if n_open else pd.Series(dtype=float)
    best = per.sort_values("share", ascending=False, kind="stable").drop_duplicates("opportunity")
    best = best.set_index("opportunity")
    table["score"] = table["id"].map(score).fillna(0.0).astype(float)
    table["best_goal"] = table["id"].map(best["goal"]) if len(best) else None
    table["best_share"] = table["id"].map(best["share"]).astype(float) if len(best) else np.nan
    table["reaches"] = [_reaches(g, s, language) for g, s in zip(table["best_goal"], table["best_share"])]
    effort = {k: _effort(v.get("effort"), k) for k, v in settings.items()}
    table["effort"] = table["id"].map(effort).astype(float)
    table["owner"] = table["id"].map({k: v.get("owner") for k, v in settings.items()})
    excluded = {k for k, v in settings.items() if v.get("exclude")}
    table = table[~table["id"].isin(excluded)]
    table = table.sort_values(["score", "gain", "tickets"], ascending=False, kind="stable",
                              na_position="last").reset_index(drop=True)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    out = table[list(RANK_COLUMNS)]
    out.attrs["unknown_settings"] = sorted(unknown)
    return out


def _effort(value, opportunity: str) -> float:
    if value is None:
        return np.nan
    if isinstance(value, str):
        if value.lower() not in EFFORT_WORDS:
            raise ValueError(f"opportunity {opportunity!r}: effort {value!r} is not one of "
                             f"{', '.join(EFFORT_WORDS)} or 1-5")
        return float(EFFORT_WORDS[value.lower()])
    if isinstance(value, bool) or not 1 <= float(value) <= 5:
        raise ValueError(f"opportunity {opportunity!r}: effort {value!r} must be 1-5 (or low, medium, high)")
    return float(value)


def _reaches(goal, share, language: str) -> str:
    say = texts.say(language)
    if not isinstance(goal, str) or share is None or np.isnan(share) or share <= 0:
        return say["no_goal"]
    if share >= 1:
        return say["exceeds"].format(goal=goal)
    return say["reaches"].format(share=texts.percent(share), goal=goal)


def against_targets(opps: Opportunities, ranking: pd.DataFrame, *, top: int = 5,
                    ready: Mapping[str, pd.Timestamp] | None = None) -> pd.DataFrame:
    """Which combination of the top opportunities reaches each target, and by when.

    The top ``top`` opportunities of ``ranking`` are added one at a time and fixed
    together (each fix sees the ones before it); for every goal the first combination
    whose value meets the target is the one that reaches it.

    Parameters
    ----------
    opps : Opportunities
    ranking : DataFrame
        From :func:`rank`.
    top : int
    ready : mapping of opportunity id -> Timestamp, optional
        When each change can be in place (e.g. the end of its pilot, from
        :func:`svcinsight.plan.propose_pilots`); the latest of a combination is compared with
        the goal's deadline.

    Returns
    -------
    DataFrame
        One row per goal: ``goal, metric, before, target, deadline, after`` (all ``top``
        fixed), ``share`` (of the gap), ``reached`` (bool), ``reached_with`` (the ids that reach
        it, in rank order; empty if none does), ``ready_by`` and ``on_time``.
    """
    ids = ranking["id"].head(top).tolist()
    goals = {g.label: g for g in opps.goals}
    found: dict[str, list] = {}
    last = None
    opps.prepare((ids[:k] for k in range(1, len(ids) + 1)), goals_only=True)
    for k in range(1, len(ids) + 1):
        estimate = opps.estimate(ids[:k], goals_only=True)
        estimate = estimate[estimate["goal"].notna()]
        last = estimate
        for row in estimate.itertuples(index=False):
            goal = goals[row.goal]
            higher = get(goal.metric).direction != "lower"
            meets = row.after >= goal.target if higher else row.after <= goal.target
            if meets and row.goal not in found:
                found[row.goal] = ids[:k]
    if last is None:
        last = opps.effects[opps.effects["goal"].notna()].drop_duplicates("goal")
        last = last.assign(after=last["before"])
    out = []
    for label, goal in goals.items():
        row = last[last["goal"] == label]
        if row.empty:
            continue
        row = row.iloc[0]
        gap = goal.target - row["before"]
        higher = get(goal.metric).direction != "lower"
        met_before = row["before"] >= goal.target if higher else row["before"] <= goal.target
        combo = [] if met_before else found.get(label, [])
        ready_by = pd.NaT
        if combo and ready:
            stamps = [pd.Timestamp(ready[i]) for i in combo if i in ready and not pd.isna(ready[i])]
            ready_by = max(stamps) if len(stamps) == len(combo) else pd.NaT
        deadline = goal.deadline
        on_time = (bool(ready_by.tz_localize(None) <= pd.Timestamp(deadline).tz_localize(None))
                   if not pd.isna(ready_by) and not pd.isna(deadline) else None)
        out.append({
            "goal": label, "metric": goal.metric, "before": row["before"], "target": goal.target,
            "deadline": deadline, "after": row["after"],
            "share": np.nan if met_before or gap == 0 else (row["after"] - row["before"]) / gap,
            "reached": bool(met_before or label in found), "already_met": bool(met_before),
            "reached_with": combo, "ready_by": ready_by, "on_time": on_time,
        })
    return pd.DataFrame(out, columns=["goal", "metric", "before", "target", "deadline", "after", "share",
                                      "reached", "already_met", "reached_with", "ready_by", "on_time"])


def top_ids(ranking: pd.DataFrame, top: int, kinds: Sequence[str] | None = None) -> list[str]:
    """The first ``top`` ids of a ranking (of the given kinds)."""
    rows = ranking if kinds is None else ranking[ranking["kind"].isin(list(kinds))]
    return rows["id"].head(top).tolist()
