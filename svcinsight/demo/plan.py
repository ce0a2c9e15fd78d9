"""What happens to each ticket, drawn before its timeline: who, how, and what goes wrong.

First-response queue time (before waiting for the team's opening hours) is lognormal
with sigma 1.2 and median = channel base (or, for complaints, the complaint team's
call-back time, 6 h) x priority factor x 0.7 for VIP customers x daily load^0.3 x the
common pressure shock. Channel bases (hours, normal priority): phone 0.05, chat 0.08,
store 0.12, app 2, social 2.5, e-mail 5; priority factors: urgent 0.12, important 0.4,
normal 1. The pilot's ratio multiplies the whole first response (see the timeline).

Extra customer contacts (rework loops: 1 to 3, two thirds of them 1), reopens (1, or 2
in one case in ten) and escalations are drawn per category. The pilot turns a share of
would-be failures into first-contact resolutions so that FCR rises by
:attr:`Pilot.fcr_change` in expectation.

Examples
--------
>>> from svcinsight.demo.plan import expected_fcr
>>> from svcinsight.demo.units import UNITS
>>> round(expected_fcr(UNITS["ecommerce"]), 3)
0.784
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from svcinsight import schema
from svcinsight.demo import arrivals
from svcinsight.demo.clock import Span, WorkCalendar
from svcinsight.demo.pilot import Pilot
from svcinsight.demo.profiles import CHANNELS, LIVE_CHANNELS, Unit
from svcinsight.demo.staff import Roster

CHANNEL_FRT_HOURS = {
    "phone": 0.05, "chat": 0.08, "store": 0.12, "app": 2.0, "social": 2.5, "email": 5.0,
}
PRIORITY_FRT_FACTOR = {"urgent": 0.12, "important": 0.4, "normal": 1.0}
VIP_FRT_FACTOR = 0.7
#: Share of tickets that get stuck for weeks or months before resolution.
STUCK_SHARE = 0.004
#: Category shares shift with the channel: complaints go to social media and the phone.
_CHANNEL_TILT = {("complaint", "social"): 2.2, ("complaint", "phone"): 1.2,
                 ("complaint", "store"): 0.7, ("return", "phone"): 0.7}


@dataclass(frozen=True)
class TicketPlan:
    """Per-ticket draws, in order of creation (arrays of equal length)."""

    created: np.ndarray
    day: np.ndarray
    channel: np.ndarray
    category: np.ndarray
    route: np.ndarray
    priority: np.ndarray
    customer: np.ndarray
    vip: np.ndarray
    owner_team: np.ndarray
    agent: np.ndarray
    rework: np.ndarray
    reopen: np.ndarray
    escalate: np.ndarray
    stall_hours: np.ndarray
    queue_hours: np.ndarray
    queue_factor: np.ndarray
    #: Served within the contact itself (live channel, not a call-back category).
    live: np.ndarray
    pilot: np.ndarray
    rude_incident: np.ndarray

    @property
    def n(self) -> int:
        return len(self.created)


def expected_fcr(unit: Unit) -> float:
    """First-contact resolution rate the unit's category mix implies (no pilot)."""
    return sum(c.share * (1 - c.rework) * (1 - c.reopen) for c in unit.categories) / sum(
        c.share for c in unit.categories
    )


def _categorical(rng: np.random.Generator, p: np.ndarray, size: int) -> np.ndarray:
    return rng.choice(len(p), size=size, p=p / p.sum())


def plan_tickets(
    unit: Unit, span: Span, calendar: WorkCalendar, shocks: arrivals.CommonShocks,
    pilot: Pilot, tickets_per_month: float, roster: Roster, rng: np.random.Generator,
) -> TicketPlan:
    """Arrivals and per-ticket draws for one unit over the span."""
    total = tickets_per_month * unit.volume * span.months
    counts = rng.poisson(arrivals.expected_daily(unit, span, calendar, shocks, total, rng))
    n = int(counts.sum())
    channel_p = np.array([unit.channels.get(name, 0.0) for name in CHANNELS])
    channel = _categorical(rng, channel_p, n)
    created = arrivals.creation_times(counts, channel, rng)
    order = np.argsort(created, kind="stable")
    created, channel = created[order], channel[order]
    day = calendar.day_of(created)

    category = np.empty(n, dtype=np.int64)
    shares = np.array([c.share for c in unit.categories])
    for code, name in enumerate(CHANNELS):
        rows = np.flatnonzero(channel == code)
        tilt = np.array([_CHANNEL_TILT.get((c.name, name), 1.0) for c in unit.categories])
        category[rows] = _categorical(rng, shares * tilt, len(rows))

    route = np.zeros(n, dtype=np.int64)
    priority = np.empty(n, dtype=np.int64)
    owner_team = np.empty(n, dtype=np.int64)
    rework_p, reopen_p, escalate_p, callback = (np.empty(n) for _ in range(4))
    teams = unit.team_names
    for index, cat in enumerate(unit.categories):
        rows = np.flatnonzero(category == index)
        route[rows] = _categorical(rng, np.array([r.weight for r in cat.routes]), len(rows))
        priority[rows] = _categorical(rng, np.array(cat.priority), len(rows))
        owner_team[rows] = teams.index(cat.owner)
        rework_p[rows], reopen_p[rows] = cat.rework, cat.reopen
        escalate_p[rows] = cat.escalate
        callback[rows] = np.nan if cat.callback_hours is None else cat.callback_hours

    # Repeat customers: a few customers raise many tickets.
    pool = max(1, int(0.6 * n))
    customer = rng.choice(pool, size=n, p=_normalised(rng.gamma(0.5, size=pool)))
    vip = (rng.random(pool) < unit.vip_share)[customer]
    upgrade = vip & (priority == 2) & (rng.random(n) < 0.4)
    priority[upgrade] = 1

    pilot_on = pilot.applies(unit.id) & (created >= span.seconds_at(pilot.start))
    rework = (rng.random(n) < rework_p) * (1 + (rng.random(n) < 0.3) + (rng.random(n) < 0.075))
    reopen = (rng.random(n) < reopen_p) * (1 + (rng.random(n) < 0.1))
    fixed_by_pilot = pilot_on & (rng.random(n) < pilot.fcr_change / (1 - expected_fcr(unit)))
    rework[fixed_by_pilot] = 0
    reopen[fixed_by_pilot] = 0
    escalate = rng.random(n) < escalate_p * np.where(vip, 1.5, 1.0)

    load = (counts / max(counts.mean(), 1e-9))[np.minimum(day, len(counts) - 1)]
    channel_hours = np.array([CHANNEL_FRT_HOURS[name] for name in CHANNELS])[channel]
    channel_hours = np.where(np.isnan(callback), channel_hours, callback)
    priority_factor = np.array([PRIORITY_FRT_FACTOR[p] for p in schema.PRIORITIES])[priority]
    queue_hours = (
        channel_hours * priority_factor * np.where(vip, VIP_FRT_FACTOR, 1.0)
        * np.maximum(load, 0.2) ** 0.3 * shocks.pressure[day] * rng.lognormal(0, 1.2, n)
    )
    agent = roster.pick(owner_team, rng)
    stuck = rng.random(n) < STUCK_SHARE
    return TicketPlan(
        created=created, day=day, channel=channel, category=category, route=route,
        priority=priority, customer=customer, vip=vip, owner_team=owner_team, agent=agent,
        rework=rework.astype(np.int64), reopen=reopen.astype(np.int64), escalate=escalate,
        stall_hours=np.where(stuck, rng.uniform(10, 150, n) * 24, 0.0),
        queue_hours=queue_hours,
        queue_factor=np.where(pilot_on, pilot.first_response_ratio, 1.0),
        live=np.isin(channel, [CHANNELS.index(c) for c in LIVE_CHANNELS]) & np.isnan(callback),
        pilot=pilot_on,
        rude_incident=roster.rude[agent] & (rng.random(n) < 0.35),
    )


def _normalised(weights: np.ndarray) -> np.ndarray:
    return weights / weights.sum()
