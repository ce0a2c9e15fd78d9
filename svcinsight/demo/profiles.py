"""The shapes a demo business unit is described in: teams, process steps, routes, categories.

A ticket's path through the unit is built from its category's :class:`Route`::

    new -> intake... -> (rework...) x extra contacts -> finish... -> [escalation]
        -> resolved -> (reopened -> reopen steps... -> resolved) x reopens -> closed

``new``, ``escalation``, ``resolved``, ``reopened`` and ``closed`` are common to every
unit (see :func:`common_steps`); the rest is the unit's own.

Examples
--------
>>> from svcinsight.demo.profiles import Step
>>> Step("agent review", "work", hours=1.6, team="credit_review").team
'credit_review'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

#: How a step's duration is drawn (see :mod:`svcinsight.demo.timeline`).
STEP_KINDS = ("queue", "work", "wait", "handoff", "resolved", "closed")

CHANNELS: tuple[str, ...] = ("phone", "chat", "email", "app", "social", "store")
#: Channels where the customer is served live, in the conversation itself.
LIVE_CHANNELS: frozenset[str] = frozenset({"phone", "chat", "store"})


@dataclass(frozen=True)
class Step:
    """One stage entry on a route.

    ``hours`` is the median time in the stage (lognormal with ``spread`` as sigma)
    before schedule waits and modifiers; ``team`` None means the team owning the ticket.
    """

    stage: str
    kind: str
    hours: float = 1.0
    spread: float = 0.8
    team: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in STEP_KINDS:
            raise ValueError(f"step {self.stage!r}: unknown kind {self.kind!r}")


@dataclass(frozen=True)
class Route:
    """A path variant of a category: intake, the rework loop, the finishing steps."""

    intake: tuple[Step, ...]
    #: Repeated once per extra customer contact; its last step re-enters an earlier stage.
    rework: tuple[Step, ...] = ()
    finish: tuple[Step, ...] = ()
    weight: float = 1.0


@dataclass(frozen=True)
class Category:
    """A ticket category in one unit, with its routes and how often things go wrong."""

    name: str
    share: float
    owner: str
    routes: tuple[Route, ...]
    #: Shares of urgent, important, normal priority.
    priority: tuple[float, float, float]
    #: Probability of at least one extra customer contact (a rework loop).
    rework: float
    #: Probability of a reopen after resolution.
    reopen: float
    escalate: float
    #: Median first-response queue hours (normal priority) when the owning team calls
    #: back rather than answering in the contact itself, whatever the channel (complaints).
    callback_hours: float | None = None
    #: Median agent handling minutes for one contact.
    handle_minutes: float = 10.0
    #: Work done after a reopen, before resolving again.
    reopen_steps: tuple[Step, ...] = ()


@dataclass(frozen=True)
class Team:
    """A team (department), its agents and when it works."""

    name: str
    agents: int
    #: Opening hours, local time [open, close).
    hours: tuple[int, int] = (9, 18)
    #: Contact-centre teams work every day; office teams only on working days.
    every_day: bool = False


@dataclass(frozen=True)
class Unit:
    """A demo business unit: its channels, categories, teams and demand."""

    id: str
    name: str
    #: Upper-case prefix of ticket ids; lower-case prefix of agent and customer ids.
    code: str
    #: Ticket volume relative to the average unit.
    volume: float
    channels: Mapping[str, float]
    categories: tuple[Category, ...]
    teams: tuple[Team, ...]
    escalation_team: str
    vip_share: float
    #: Contacts on weekend days and public holidays relative to an average working day.
    weekend_volume: float
    holiday_volume: float
    #: Orders per ticket, and the orders' own weekly (Mon..Sun) and holiday pattern.
    orders_per_ticket: float
    orders_weekly: tuple[float, ...]
    orders_holiday: float
    #: Sales campaigns as (month, first day, last day, order multiplier), every year.
    campaigns: tuple[tuple[int, int, int, float], ...] = ()
    #: Share of comments written in Chinese (the rest in English).
    zh_share: float = 0.7
    #: Mean of the satisfaction model's latent score before process effects.
    csat_base: float = 4.5

    def category(self, name: str) -> Category:
        for category in self.categories:
            if category.name == name:
                return category
        raise KeyError(name)

    @property
    def team_names(self) -> tuple[str, ...]:
        return tuple(team.name for team in self.teams)


def common_steps(unit: Unit) -> Mapping[str, Step]:
    """The steps every unit shares: new, escalation, resolved, reopened, closed."""
    return MappingProxyType({
        "new": Step("new", "queue"),
        "escalation": Step("escalation", "work", 5.0, 0.8, unit.escalation_team),
        "resolved": Step("resolved", "resolved"),
        "reopened": Step("reopened", "queue", 2.0, 0.9),
        "closed": Step("closed", "closed"),
    })
