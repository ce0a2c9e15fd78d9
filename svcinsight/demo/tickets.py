"""The tickets table, read off each ticket's timeline as it stands at the end of the data.

``first_response_at`` is the entry into the first step after ``new``; ``resolved_at``
the entry into the last ``resolved`` step and ``closed_at`` into ``closed``, when the
ticket is resolved or closed by the end of the span. Counts (``contacts``,
``reopened``) and ``escalated`` count what has happened by then, so open tickets are
partly done. ``due_at`` is creation plus the demo's resolution target for the priority
(:data:`RESOLUTION_TARGET_HOURS`) and may lie after the end of the data.

Examples
--------
>>> from svcinsight.demo.tickets import RESOLUTION_TARGET_HOURS
>>> dict(RESOLUTION_TARGET_HOURS)
{'urgent': 24.0, 'important': 72.0, 'normal': 120.0}
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np
import pandas as pd

from svcinsight import schema
from svcinsight.demo.clock import HOUR, Span
from svcinsight.demo.paths import Paths
from svcinsight.demo.plan import TicketPlan
from svcinsight.demo.profiles import CHANNELS, STEP_KINDS, Unit
from svcinsight.demo.staff import Roster

#: Resolution targets behind ``due_at`` (the demo's own; DESIGN sets response targets only).
RESOLUTION_TARGET_HOURS = MappingProxyType({"urgent": 24.0, "important": 72.0, "normal": 120.0})
_HANDLE_CHANNEL = {"phone": 1.0, "chat": 1.3, "email": 0.8, "app": 0.8, "social": 0.8, "store": 1.4}


def ticket_ids(unit: Unit, n: int) -> np.ndarray:
    """``EC-000001``, ... in order of creation."""
    return np.array([f"{unit.code}-{i:06d}" for i in range(1, n + 1)], dtype=object)


def observed(entered: np.ndarray, span: Span) -> np.ndarray:
    """Which entries have happened by the end of the span (a prefix of each row)."""
    with np.errstate(invalid="ignore"):
        return entered < span.end_seconds


def _last(mask: np.ndarray) -> np.ndarray:
    """Column of the last true cell in each row (-1 if none)."""
    flipped = np.argmax(mask[:, ::-1], axis=1)
    return np.where(mask.any(axis=1), mask.shape[1] - 1 - flipped, -1)


def ticket_frame(
    unit: Unit, plan: TicketPlan, paths: Paths, entered: np.ndarray, span: Span,
    roster: Roster, rng: np.random.Generator,
) -> pd.DataFrame:
    """The unit's tickets as they stand at the end of the span (canonical names, raw dtypes)."""
    seen = observed(entered, span)
    n = plan.n
    rows = np.arange(n)
    kind = np.array([STEP_KINDS.index(s.kind) for s in paths.steps] or [0])
    step_kind = np.where(paths.step >= 0, kind[np.maximum(paths.step, 0)], -1)
    last = _last(seen)
    last_kind = step_kind[rows, last]

    responded = seen[:, 1] if entered.shape[1] > 1 else np.zeros(n, bool)
    done = (last_kind == STEP_KINDS.index("resolved")) | (last_kind == STEP_KINDS.index("closed"))
    resolved_pos = _last(seen & (step_kind == STEP_KINDS.index("resolved")))
    closed_pos = _last(seen & (step_kind == STEP_KINDS.index("closed")))
    status = np.select(
        [last_kind == STEP_KINDS.index("closed"), done, last_kind == STEP_KINDS.index("wait")],
        ["closed", "resolved", "pending"],
        "open",
    )
    reopened = (seen & np.isin(paths.step, paths.stage_index("reopened"))).sum(axis=1)
    contacts = 1 + (seen & paths.contact).sum(axis=1)
    escalated = (seen & np.isin(paths.step, paths.stage_index("escalation"))).any(axis=1)

    priority = np.array(schema.PRIORITIES, dtype=object)[plan.priority]
    target = np.array([RESOLUTION_TARGET_HOURS[p] for p in schema.PRIORITIES])[plan.priority]
    handle = (
        np.array([category.handle_minutes for category in unit.categories])[plan.category]
        * np.array([_HANDLE_CHANNEL[c] for c in CHANNELS])[plan.channel]
        * contacts ** 0.85
        * np.where(plan.agent >= 0, roster.speed[np.maximum(plan.agent, 0)], 1.0)
        * rng.lognormal(0, 0.4, n)
    )
    segment = np.where(plan.vip, "vip", "standard").astype(object)
    teams = np.array(unit.team_names, dtype=object)
    agent_ids = np.append(roster.ids, None).astype(object)  # index -1 -> None

    def at(position: np.ndarray, keep: np.ndarray) -> pd.DatetimeIndex:
        seconds = np.where(keep & (position >= 0), entered[rows, np.maximum(position, 0)], np.nan)
        return span.timestamps(seconds)

    return pd.DataFrame({
        "ticket_id": ticket_ids(unit, n),
        "business_unit": unit.id,
        "channel": np.array(CHANNELS, dtype=object)[plan.channel],
        "category": np.array([c.name for c in unit.categories], dtype=object)[plan.category],
        "priority": priority,
        "created_at": span.timestamps(plan.created),
        "first_response_at": at(np.ones(n, dtype=np.int64), responded),
        "resolved_at": at(resolved_pos, done),
        "closed_at": at(closed_pos, done),
        "due_at": span.timestamps(plan.created + target * HOUR),
        "status": status.astype(object),
        "agent_id": np.where(responded, agent_ids[plan.agent], None),
        "team": teams[plan.owner_team],
        "customer_id": np.array(
            [f"{unit.code.lower()}-c{c + 1:06d}" for c in plan.customer], dtype=object
        ),
        "customer_segment": segment,
        "contacts": contacts,
        "reopened": reopened,
        "escalated": escalated,
        "handle_minutes": np.where(responded, np.round(handle, 1), np.nan),
    })
