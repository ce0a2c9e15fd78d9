"""What the demo generator itself says a fix is worth: its satisfaction model rerun on the
rewritten tickets and events.

The generator draws each customer's satisfaction from what the ticket went through
(:mod:`svcinsight.demo.experience`). Generating the same seed again, with that step fed
the counterfactual tickets and events of a fix instead of the real ones, gives the
scores the same customers would have given had the problem been fixed: every random
draw is the same, only the experience differs. The mean change of the window's CSAT
answers is the truth an opportunity's estimate should recover.
"""

from __future__ import annotations

import pandas as pd

import svcinsight as si
from svcinsight.demo import experience

TZ = "Asia/Shanghai"


def true_csat_change(unit: str, seed: int, fixed: si.Dataset, start: str, end: str) -> float:
    """Mean CSAT change over the answers submitted in ``[start, end)`` (all of them count;
    answers without a ticket cannot change) when the generator sees ``fixed``."""
    rewritten = fixed.tickets.set_index("ticket_id")
    changed_events = fixed.events
    original = experience.experience

    def with_the_fix(tickets: pd.DataFrame, events: pd.DataFrame, plan):
        t = tickets.copy()
        rows = rewritten.reindex(t["ticket_id"])
        known = rows["created_at"].notna().to_numpy()
        for column in ("first_response_at", "resolved_at", "contacts", "reopened"):
            t.loc[known, column] = rows[column].to_numpy()[known]
        kept = events[~events["ticket_id"].isin(rewritten.index)]
        columns = ["ticket_id", "stage", "entered_at", "left_at", "team"]
        return original(t, pd.concat([kept, changed_events[columns]], ignore_index=True), plan)

    experience.experience = with_the_fix
    try:
        counterfactual = si.demo.generate(seed=seed, units=[unit]).feedback
    finally:
        experience.experience = original
    actual = si.demo.generate(seed=seed, units=[unit]).feedback
    inside = ((actual["submitted_at"] >= pd.Timestamp(start, tz=TZ))
              & (actual["submitted_at"] < pd.Timestamp(end, tz=TZ)) & actual["csat"].notna())
    linked = actual[inside & actual["ticket_id"].notna()][["ticket_id", "csat"]]
    # survey answers are drawn in the same order, so each ticket keeps its answer; only
    # unlinked feedback (drawn after the surveys) may differ, and it has no ticket to fix
    pairs = linked.merge(counterfactual[["ticket_id", "csat"]].dropna(subset=["ticket_id"]),
                         on="ticket_id", suffixes=("", "_fixed"), validate="one_to_one")
    assert len(pairs) == len(linked)
    return float((pairs["csat_fixed"].astype(float) - pairs["csat"].astype(float)).sum() / inside.sum())
