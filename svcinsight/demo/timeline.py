"""When each ticket enters each step: durations drawn step by step, all tickets at once.

A step's duration depends on its kind:

``queue``
    ``new``: wait for the owning team's opening hours (urgent tickets: 24/7 duty),
    then the planned queue time; the whole is the first-response time and is what the
    pilot shortens. ``reopened``: opening hours, then a lognormal pick-up time.
``work``
    wait for the team's opening hours (office teams: working days 9-18; contact
    centres every day), then lognormal work time x agent speed x the common pressure
    shock x staffing (contact centres: 1.15 at weekends, 1.5 on public holidays);
    live channels (phone, chat, store) handle the first step within the contact (x0.3),
    urgent tickets go first (x0.6).
``wait``
    lognormal calendar time (customer, carrier, parts).
``handoff``
    lognormal calendar time, x1.4 when it starts on a day off (nobody picks it up).
``resolved``
    until a reopen (lognormal, median 20 h) or the automatic close (72 h + exp(4 h)).

A stuck ticket adds weeks before its resolution. Every stage but ``new`` lasts at least a
minute, and times are whole seconds, so entries strictly increase within a ticket.

Examples
--------
>>> import pandas as pd, svcinsight as si
>>> e = si.demo.generate(seed=2, months=1, tickets_per_month=20, units=["ecommerce"]).events
>>> stay = e["left_at"] - e["entered_at"]
>>> bool((stay[e["stage"] != "new"].dropna() >= pd.Timedelta(minutes=1)).all())
True
"""

from __future__ import annotations

import numpy as np

from svcinsight import schema
from svcinsight.demo import holidays_cn
from svcinsight.demo.arrivals import CommonShocks
from svcinsight.demo.clock import HOUR, WorkCalendar
from svcinsight.demo.paths import Paths
from svcinsight.demo.plan import TicketPlan
from svcinsight.demo.profiles import STEP_KINDS, Unit
from svcinsight.demo.staff import Roster

QUEUE, WORK, WAIT, HANDOFF, RESOLVED, CLOSED = range(len(STEP_KINDS))
_URGENT = schema.PRIORITIES.index("urgent")


def entry_times(
    unit: Unit, plan: TicketPlan, paths: Paths, calendar: WorkCalendar,
    shocks: CommonShocks, roster: Roster, rng: np.random.Generator,
) -> np.ndarray:
    """Seconds at which each ticket enters each position of its path (NaN past its end)."""
    steps = paths.steps
    kind_of = np.array([STEP_KINDS.index(s.kind) for s in steps] or [0])
    log_hours = np.log(np.array([s.hours for s in steps] or [1.0]))
    spread = np.array([s.spread for s in steps] or [0.0])
    is_new = np.array([s.stage == "new" for s in steps] or [False])
    is_reopened = np.array([s.stage == "reopened" for s in steps] or [False])
    opens = np.array([t.hours[0] for t in unit.teams], dtype=float)
    closes = np.array([t.hours[1] for t in unit.teams], dtype=float)
    every_day = np.array([t.every_day for t in unit.teams])

    urgent = plan.priority == _URGENT
    speed = np.where(plan.agent >= 0, roster.speed[np.maximum(plan.agent, 0)], 1.0)
    first_resolution = np.argmax(np.isin(paths.step, np.flatnonzero(kind_of == RESOLVED)), axis=1)

    n, length = paths.step.shape
    entered = np.full((n, length), np.nan)
    entered[:, 0] = plan.created
    for pos in range(length - 1):
        rows = np.flatnonzero(paths.step[:, pos + 1] >= 0)
        if not len(rows):
            break
        step, team, now = paths.step[rows, pos], paths.team[rows, pos], entered[rows, pos]
        kind = kind_of[step]
        on_duty = urgent[rows] & ((kind == QUEUE) | (team == plan.owner_team[rows]))
        ready = calendar.next_open(
            now, np.where(on_duty, 0.0, opens[team]), np.where(on_duty, 24.0, closes[team]),
            on_duty | every_day[team],
        )
        day_kind = calendar.kind_at(now)
        staffing = np.where(
            every_day[team],
            np.select(
                [day_kind == holidays_cn.WEEKEND, day_kind == holidays_cn.HOLIDAY], [1.15, 1.5], 1.0
            ),
            1.0,
        )
        drawn = np.exp(log_hours[step] + spread[step] * rng.standard_normal(len(rows))) * HOUR
        owner = team == plan.owner_team[rows]
        work = (
            drawn * staffing * shocks.pressure[calendar.day_of(now)]
            * np.where(owner, speed[rows], 1.0)
            * np.where((pos == 1) & plan.live[rows] & owner, 0.3, 1.0)
            * np.where(urgent[rows], 0.6, 1.0)
        )
        queue = plan.queue_hours[rows] * HOUR * staffing
        first_response = (ready - now + queue) * plan.queue_factor[rows]
        reopens_next = is_reopened[paths.step[rows, pos + 1]]
        after_resolution = np.where(
            reopens_next,
            rng.lognormal(np.log(20.0), 0.8, len(rows)) * HOUR,
            72 * HOUR + rng.exponential(4 * HOUR, len(rows)),
        )
        duration = np.select(
            [
                is_new[step],
                kind == QUEUE,
                kind == WORK,
                kind == HANDOFF,
                kind == RESOLVED,
            ],
            [
                first_response,
                ready - now + drawn * staffing,
                ready - now + work,
                drawn * np.where(day_kind == holidays_cn.WORKDAY, 1.0, 1.4),
                after_resolution,
            ],
            drawn,  # wait
        )
        duration += np.where(first_resolution[rows] == pos + 1, plan.stall_hours[rows] * HOUR, 0.0)
        # A phone call can be answered in seconds; anything else takes at least a minute.
        shortest = np.where(is_new[step], 1.0, 60.0)
        entered[rows, pos + 1] = now + np.maximum(np.ceil(duration), shortest)
    return entered
