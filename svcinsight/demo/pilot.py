"""The documented pilot the demo data carries, so pilot analyses have a known answer.

Examples
--------
>>> from svcinsight.demo.pilot import PILOT
>>> PILOT.unit, PILOT.name, PILOT.start.isoformat()
('ecommerce', 'smart routing', '2026-06-01')
>>> PILOT.first_response_ratio, PILOT.fcr_change
(0.7, 0.05)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Pilot:
    """A change introduced in one unit on a date, with its true effect sizes.

    The other units are controls: they get the same calendar, seasonality and common
    shocks, and no effect.
    """

    unit: str
    name: str
    #: Tickets created on or after this local date are treated.
    start: dt.date
    description: str
    #: Multiplies each treated ticket's first-response time (0.7 = 30% faster).
    first_response_ratio: float
    #: Absolute change in the probability of first-contact resolution (+0.05 = +5 pts).
    fcr_change: float
    #: Direct shift of the satisfaction model's latent score (CSAT also rises through
    #: the faster first response and the better FCR).
    csat_shift: float

    def applies(self, unit_id: str) -> bool:
        return unit_id == self.unit


#: Smart routing in e-commerce from 1 June 2026.
PILOT = Pilot(
    unit="ecommerce",
    name="smart routing",
    start=dt.date(2026, 6, 1),
    description=(
        "Contacts are routed by intent and customer history to an agent with the right "
        "skills, instead of the next free agent."
    ),
    first_response_ratio=0.70,
    fcr_change=0.05,
    csat_shift=0.05,
)
