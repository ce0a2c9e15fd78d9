"""The events table: one row per stage entry that has happened by the end of the data.

``left_at`` is the next entry of the same ticket; the last row of a ticket has none
(``closed``, or the stage an open ticket is still in). ``agent_id`` is the ticket's agent
on its owning team's steps, an agent of the other team on another team's work, and
empty in the ``new`` queue, at hand-offs nobody has picked up yet and in other teams'
waits (carrier, parts).

Examples
--------
>>> import svcinsight as si
>>> ds = si.demo.generate(seed=2, months=1, tickets_per_month=20, units=["finance"])
>>> first = ds.events.groupby("ticket_id", sort=False).head(1)
>>> first["stage"].unique().tolist(), bool((first["entered_at"].to_numpy()
...                                         == ds.tickets["created_at"].to_numpy()).all())
(['new'], True)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from svcinsight.demo.clock import Span
from svcinsight.demo.paths import Paths
from svcinsight.demo.plan import TicketPlan
from svcinsight.demo.profiles import Unit
from svcinsight.demo.staff import Roster
from svcinsight.demo.tickets import observed


def event_frame(
    unit: Unit, plan: TicketPlan, paths: Paths, entered: np.ndarray, span: Span,
    roster: Roster, ticket_ids: np.ndarray, rng: np.random.Generator,
) -> pd.DataFrame:
    """The unit's stage entries up to the end of the span, ticket by ticket, in time order."""
    seen = observed(entered, span)
    row, col = np.nonzero(seen)  # row-major: tickets in order, stages in time order
    step = paths.step[row, col]
    team = paths.team[row, col]
    kind = np.array([s.kind for s in paths.steps] or ["queue"], dtype=object)[step]
    is_new = np.array([s.stage == "new" for s in paths.steps] or [False])[step]

    owner = team == plan.owner_team[row]
    agent = np.full(len(row), -1, dtype=np.int64)
    keeps_agent = owner & ~is_new & (kind != "handoff")
    agent[keeps_agent] = plan.agent[row[keeps_agent]]
    others = ~owner & (kind == "work")
    agent[others] = roster.pick(team[others], rng)

    following = np.minimum(col + 1, seen.shape[1] - 1)
    has_next = (col + 1 < seen.shape[1]) & seen[row, following]
    left = np.where(has_next, entered[row, following], np.nan)
    return pd.DataFrame({
        "ticket_id": ticket_ids[row],
        "stage": np.array([s.stage for s in paths.steps] or [""], dtype=object)[step],
        "entered_at": span.timestamps(entered[row, col]),
        "left_at": span.timestamps(left),
        "team": np.array(unit.team_names, dtype=object)[team],
        "agent_id": np.append(roster.ids, None).astype(object)[agent],
    })
