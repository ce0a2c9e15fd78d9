"""What each customer went through, and how satisfied it left them.

Satisfaction is a latent score driven by the process as the tickets and events record
it, so a driver analysis can recover it: the unit's base, minus

* 0.45 per doubling of first-response time past its priority's target,
* 0.3 per doubling of resolution time past the category's median,
* 0.4 per extra contact (up to three) and 0.8 per reopen,
* 0.5 for complaints, 0.35 for escalations, 1.3 when a rude agent was rude,
* 0.45 for a QC hand-off over 30 h, 0.3 for a refund over 24 h, 0.3 for agent review
  over 3 h, 0.35 for a technician visit awaited over 48 h;

plus the agent's rapport, the pilot's direct shift and normal noise (sigma 0.75).
CSAT cuts it at 2.0, 2.9, 3.7 and 4.35; NPS and CES follow from it and the effort spent.
A comment's theme is one the ticket's experience supports (:func:`eligible_themes`).

Examples
--------
>>> from svcinsight.demo.experience import csat_from_latent
>>> csat_from_latent([1.5, 3.0, 5.0]).tolist()
[1, 3, 5]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from svcinsight import config
from svcinsight.demo import comments
from svcinsight.demo.pilot import Pilot
from svcinsight.demo.plan import TicketPlan
from svcinsight.demo.profiles import Unit
from svcinsight.demo.staff import Roster

#: Stages whose hours drive satisfaction and comments.
TELLING_STAGES = ("qc result pending", "refund", "agent review", "awaiting visit",
                  "spare parts", "claim assessment")
_CSAT_CUTS = np.array([2.0, 2.9, 3.7, 4.35])


def experience(tickets: pd.DataFrame, events: pd.DataFrame, plan: TicketPlan) -> pd.DataFrame:
    """Per ticket (same order): hours to first response and resolution, in telling stages,
    and the counts and flags that matter to the customer."""
    hours = (events["left_at"] - events["entered_at"]).dt.total_seconds() / 3600
    telling = events["stage"].isin(TELLING_STAGES).to_numpy()
    by_stage = (
        hours[telling].groupby([events["ticket_id"][telling], events["stage"][telling]]).sum()
        .unstack(fill_value=0.0)
        .reindex(index=tickets["ticket_id"], columns=list(TELLING_STAGES), fill_value=0.0)
        .fillna(0.0)
    )
    created = tickets["created_at"]
    out = pd.DataFrame({
        "frt": (tickets["first_response_at"] - created).dt.total_seconds().to_numpy() / 3600,
        "res": (tickets["resolved_at"] - created).dt.total_seconds().to_numpy() / 3600,
        "target": tickets["priority"].map(config.FIRST_RESPONSE_TARGET_HOURS).to_numpy(float),
        "category": tickets["category"].to_numpy(dtype=object),
        "channel": tickets["channel"].to_numpy(dtype=object),
        "contacts": tickets["contacts"].to_numpy(dtype=float),
        "reopened": tickets["reopened"].to_numpy(dtype=float),
        "escalated": tickets["escalated"].to_numpy(dtype=bool),
        "rude": plan.rude_incident,
    })
    out["typical_res"] = out.groupby("category")["res"].transform("median")
    for stage in TELLING_STAGES:
        out[stage] = by_stage[stage].to_numpy()
    return out


def satisfaction(unit: Unit, x: pd.DataFrame, plan: TicketPlan, roster: Roster, pilot: Pilot,
                 rng: np.random.Generator) -> np.ndarray:
    """The latent satisfaction of each ticket's customer (see the module notes)."""
    def doublings(value, reference):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.clip(np.nan_to_num(np.log2(value / reference)), 0, 4)

    stage_penalty = (
        0.45 * (x["qc result pending"] > 30) + 0.3 * (x["refund"] > 24)
        + 0.3 * (x["agent review"] > 3) + 0.35 * (x["awaiting visit"] > 48)
    ).to_numpy()
    rapport = np.where(plan.agent >= 0, roster.rapport[np.maximum(plan.agent, 0)], 0.0)
    return (
        unit.csat_base
        - 0.45 * doublings(x["frt"].to_numpy(), x["target"].to_numpy())
        - 0.3 * doublings(x["res"].to_numpy(), x["typical_res"].to_numpy())
        - 0.4 * np.minimum(x["contacts"].to_numpy() - 1, 3)
        - 0.8 * x["reopened"].to_numpy()
        - 0.5 * (x["category"].to_numpy() == "complaint")
        - 0.35 * x["escalated"].to_numpy()
        - 1.3 * x["rude"].to_numpy()
        - stage_penalty
        + np.where(plan.pilot, pilot.csat_shift, 0.0)
        + rapport
        + rng.normal(0, 0.75, len(x))
    )


def csat_from_latent(latent) -> np.ndarray:
    """CSAT 1-5 from the latent score."""
    return 1 + np.searchsorted(_CSAT_CUTS, np.asarray(latent, dtype=float))


def nps_from_latent(latent: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return np.clip(np.round(2.1 * latent - 0.2 + rng.normal(0, 1.2, len(latent))), 0, 10)


def ces_from_effort(x: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Customer effort 1-7: more contacts, longer waits and escalations are harder."""
    effort = (
        1.6 + 0.8 * (x["contacts"].to_numpy() - 1)
        + 0.6 * np.log1p(np.nan_to_num(x["res"].to_numpy()) / 24)
        + 0.7 * x["escalated"].to_numpy() + rng.normal(0, 0.9, len(x))
    )
    return np.clip(np.round(effort), 1, 7)


def eligible_themes(unit: Unit, x: pd.DataFrame) -> dict[str, np.ndarray]:
    """Theme key -> which tickets' experience supports a comment on it."""
    category, contacts = x["category"].to_numpy(), x["contacts"].to_numpy()
    frt = x["frt"].to_numpy()
    slow_first = frt > x["target"].to_numpy()
    refund, review = x["refund"].to_numpy(), x["agent review"].to_numpy()
    rules = {
        "slow_first_response": slow_first,
        "long_phone_hold": (x["channel"].to_numpy() == "phone") & (frt > 0.05),
        "repeated_explanation": contacts >= 2,
        "not_fixed": x["reopened"].to_numpy() >= 1,
        "rude_agent": x["rude"].to_numpy(),
        "slow_resolution": x["res"].to_numpy() > 1.5 * x["typical_res"].to_numpy(),
        "escalation": x["escalated"].to_numpy(),
        "poor_service": np.ones(len(x), bool),
        "qc_delay": x["qc result pending"].to_numpy() > 30,
        "slow_refund": refund > 24,
        "delivery_damage": category == "delivery",
        "loan_documents": (category == "loan_application") & (contacts >= 2),
        "review_wait": review > 3,
        "claim_slow": x["claim assessment"].to_numpy() > 36,
        "technician_wait": x["awaiting visit"].to_numpy() > 48,
        "parts_delay": x["spare parts"].to_numpy() > 72,
        "billing_error": category == "billing",
        "booking_problem": category == "booking",
        "fast_helpful": (contacts == 1) & ~slow_first,
        "friendly_agent": ~x["rude"].to_numpy(),
        "quick_refund": (category == "return") & (refund > 0) & (refund < 12),
        "quick_approval": (category == "loan_application") & (review > 0) & (review < 1.5),
        "smooth_repair": (category == "repair") & (x["reopened"].to_numpy() == 0),
    }
    return {key: rule for key, rule in rules.items() if serves(key, unit)}


def serves(key: str, unit: Unit) -> bool:
    """Whether the unit's customers raise this theme."""
    units = comments.THEMES[key].units
    return units is None or unit.id in units
