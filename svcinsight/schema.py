"""The canonical tables: every column declared once, with its kind, whether it is
required, and what it means.

Loaders map source columns onto these names; everything downstream uses only these
names. A column's ``kind`` decides how a loader parses it:

=========== ============================================================
kind        stored as
=========== ============================================================
id          string (``ticket_id``, ``agent_id`` ...), stripped
text        string, as written (comments)
category    string from an open vocabulary (channel, category, team ...)
priority    string from :data:`PRIORITIES`
timestamp   timezone-aware datetime (the unit's timezone)
date        calendar date (midnight, timezone-naive)
count       nullable integer (``Int64``), >= 0
score       nullable integer (``Int64``) within ``valid_range``
number      float, >= 0 where ``valid_range`` says so
flag        nullable boolean
=========== ============================================================

Examples
--------
>>> from svcinsight import schema
>>> schema.TICKETS.required
('ticket_id', 'created_at')
>>> schema.TICKETS["created_at"].kind
'timestamp'
>>> schema.FEEDBACK["csat"].valid_range
(1, 5)
>>> sorted(schema.TABLES)
['events', 'feedback', 'orders', 'tickets']
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

#: Priorities and their default first-response targets come from DESIGN.md.
PRIORITIES: tuple[str, ...] = ("urgent", "important", "normal")

#: Column kinds a loader knows how to parse.
KINDS: tuple[str, ...] = (
    "id", "text", "category", "priority", "timestamp", "date", "count", "score", "number", "flag",
)


@dataclass(frozen=True)
class Column:
    """One canonical column."""

    name: str
    kind: str
    required: bool
    meaning: str
    valid_range: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.name!r}: unknown kind {self.kind!r}")

    @property
    def dtype(self) -> str:
        """The pandas dtype this column is stored as (timestamps: tz-aware)."""
        return {
            "id": "string", "text": "string", "category": "string", "priority": "string",
            "timestamp": "datetime64[ns, tz]", "date": "datetime64[ns]",
            "count": "Int64", "score": "Int64", "number": "float64", "flag": "boolean",
        }[self.kind]


@dataclass(frozen=True)
class Table:
    """A canonical table: its columns and the column that identifies a row (if any)."""

    name: str
    columns: tuple[Column, ...]
    key: str | None = None
    description: str = ""
    _by_name: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {c.name: c for c in self.columns})

    def __getitem__(self, name: str) -> Column:
        return self._by_name[name]

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __iter__(self):
        return iter(self.columns)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def of_kind(self, *kinds: str) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.kind in kinds)

    def to_frame(self) -> pd.DataFrame:
        """The table's declaration as a DataFrame (column, kind, dtype, required, meaning)."""
        return pd.DataFrame(
            [
                {
                    "column": c.name, "kind": c.kind, "dtype": c.dtype,
                    "required": c.required, "valid_range": c.valid_range, "meaning": c.meaning,
                }
                for c in self.columns
            ]
        )


TICKETS = Table(
    name="tickets",
    key="ticket_id",
    description="One row per ticket / contact case.",
    columns=(
        Column("ticket_id", "id", True, "Unique id of the ticket."),
        Column("business_unit", "category", False, "Business unit that owns the ticket."),
        Column("channel", "category", False, "Contact channel: phone, chat, email, app, social, store, ..."),
        Column("category", "category", False, "Ticket category: consultation, request, complaint, urgent, ... or a unit's own."),
        Column("priority", "priority", False, "Priority: urgent, important or normal (sets the SLA targets)."),
        Column("created_at", "timestamp", True, "When the customer's contact created the ticket."),
        Column("first_response_at", "timestamp", False, "First agent response; empty while unanswered."),
        Column("resolved_at", "timestamp", False, "Final resolution; empty while the ticket is open."),
        Column("closed_at", "timestamp", False, "When the ticket was closed; empty while open."),
        Column("due_at", "timestamp", False, "Resolution due time (SLA), if the source sets one."),
        Column("status", "category", False, "Status as the source states it (open, pending, solved, closed, ...)."),
        Column("agent_id", "id", False, "Agent assigned at resolution (or last assigned)."),
        Column("team", "category", False, "Team or department that handled the ticket."),
        Column("customer_id", "id", False, "Customer who raised the ticket."),
        Column("customer_segment", "category", False, "Customer segment or tier (e.g. vip, standard), where known."),
        Column("contacts", "count", False, "Customer contacts needed to resolve the ticket (1 = first contact)."),
        Column("reopened", "count", False, "How many times the ticket was reopened after a resolution."),
        Column("escalated", "flag", False, "Whether the ticket was escalated."),
        Column("handle_minutes", "number", False, "Agent handling time in minutes.", (0, float("inf"))),
    ),
)

EVENTS = Table(
    name="events",
    key=None,
    description="One row per stage (status) entry of a ticket.",
    columns=(
        Column("ticket_id", "id", True, "The ticket the event belongs to."),
        Column("stage", "category", True, "Stage or status entered (e.g. triage, agent review, QC)."),
        Column("entered_at", "timestamp", True, "When the ticket entered the stage."),
        Column("left_at", "timestamp", False, "When it left the stage; else the next entry of the same ticket."),
        Column("team", "category", False, "Team (department) responsible for the stage."),
        Column("agent_id", "id", False, "Agent or resource who worked on the stage."),
    ),
)

FEEDBACK = Table(
    name="feedback",
    key="feedback_id",
    description="One row per piece of customer feedback (survey answer, review, complaint text).",
    columns=(
        Column("feedback_id", "id", True, "Unique id of the feedback (generated from the row when the source has none)."),
        Column("ticket_id", "id", False, "Ticket the feedback is about, where linked."),
        Column("business_unit", "category", False, "Business unit the feedback concerns."),
        Column("source", "category", False, "Where it came from: survey, hotline, chat, email, app, social, store, ..."),
        Column("submitted_at", "timestamp", False, "When the customer gave the feedback."),
        Column("csat", "score", False, "Customer satisfaction score, 1 (worst) to 5 (best).", (1, 5)),
        Column("nps", "score", False, "Likelihood to recommend, 0 to 10.", (0, 10)),
        Column("ces", "score", False, "Customer effort score, 1 (very easy) to 7 (very hard).", (1, 7)),
        Column("comment", "text", False, "Free text in any language."),
        Column("followed_up_at", "timestamp", False, "When a supervisor followed the feedback up."),
    ),
)

ORDERS = Table(
    name="orders",
    key=None,
    description="Order volume per unit and day, to normalise complaint counts.",
    columns=(
        Column("business_unit", "category", False, "Business unit."),
        Column("date", "date", True, "Calendar day."),
        Column("orders", "count", True, "Orders placed that day."),
    ),
)

TABLES: dict[str, Table] = {t.name: t for t in (TICKETS, EVENTS, FEEDBACK, ORDERS)}
