"""Realistic synthetic demo data: four business units, 14 months, one documented pilot.

``generate()`` returns a :class:`~svcinsight.Dataset` (tickets, events, feedback, orders)
in the canonical schema; ``write()`` exports it as CSV or Parquet. Everything is drawn
from one seed, vectorised (about a second for the default 67,000 tickets and 410,000
events).

The scenario
------------
Units (:data:`UNITS`): ``ecommerce`` (E-commerce), ``finance`` (Financial services:
banking & insurance), ``manufacturing`` (Manufacturing after-sales) and
``consumer_services`` (Consumer services), each with its own teams, stages, channel and
category mix (``return``, ``delivery``; ``loan_application``, ``insurance_claim``;
``repair``, ``installation``; ``billing``, ``booking``; plus consultation, request,
complaint and urgent everywhere). Agents (``ec-a017``) belong to one team; customers
repeat and are ``vip`` or ``standard``.

Calendar: fewer contacts at weekends (45-80% of a working day) and on mainland-China
public holidays (30-60%; make-up working days count as working days), a surge on the
first working days after a long break, sales campaigns in e-commerce (Double 11, 618,
Double 12). Contact centres work every day, with thinner staff at weekends (x1.15) and
on holidays (x1.5); office teams (QC, review, claims, billing, field service) work
working days only, so a return that reaches QC on the eve of National Day waits a week.
Shocks every unit shares: monthly pressure on queue and work times, day-to-day volume
noise, slow growth, and a CRM outage on 10-12 March 2026 (queue and work times x1.8).

Bottlenecks
-----------
Measured on ``generate(seed=0)``:

1. **Agent review in finance** (``agent review``, teams ``credit_review`` for loans and
   ``claims`` for insurance; office hours): median 1.9 h (p25 1.0 h, p75 4.4 h, p90 15 h)
   against a 0.5 h benchmark, about 5,900 visits. Missing documents send applications
   back: ``awaiting customer`` -> ``document check`` -> ``agent review`` again.
2. **QC hand-off in e-commerce returns** (``qc result pending``): QC finishes its
   inspection (median 12 h, team ``qc``), then the result reaches ``customer_service``
   by hand: median 30 h (p10 20 h, p90 44 h; 71% of hand-offs take 24-48 h), before the
   ``refund`` (team ``payments``, median 14 h).

Complaints are called back by each unit's complaints team: median first response 3.5 h
(against the 2 h target for important tickets; the guides' baseline is 4 h).

The pilot
---------
:data:`PILOT`: **smart routing** in ``ecommerce`` for tickets created from 2026-06-01.
True effects: first-response time x0.70 on every treated ticket, first-contact
resolution +5 pts, a direct CSAT latent shift of +0.05 (CSAT also rises through the
faster response and better FCR). The other three units are controls: same calendar,
seasonality and shocks, no effect. Measured on seed 0 (after vs before 2026-06-01):

=================================  ================  ==================================
metric                             ecommerce         controls
=================================  ================  ==================================
median first response              0.34 -> 0.29 h    ratio 1.04 to 1.06
median first response, by channel  ratio 0.60-0.77   ratio 1.01-1.14 on busy channels
geometric-mean first response      ratio 0.77        ratio 1.01 to 1.09; DiD 0.74
FCR                                78.0 -> 82.9%     -0.2 to +0.3 pts; DiD +4.8 pts
CSAT mean (1-5)                    4.13 -> 4.29      -0.04 to +0.01; DiD +0.17
CSAT top-2-box                     74.0 -> 78.9%     DiD +5.1 pts
=================================  ================  ==================================

The overall median moves less (ratio 0.85) than the 0.70 every ticket gets because it
sits between the modes of the live channels (minutes) and the async ones (hours), where
a small shift in channel mix moves it; compare within channels or on the log scale.

Overall on seed 0: FCR 79%, reopened 3.4% of resolved, escalated 4.8%, survey response
30%, CSAT mean 4.2 (top-2-box 75%), 325 tickets still open at the end of the data.

Examples
--------
>>> import svcinsight as si
>>> list(si.demo.UNITS)
['ecommerce', 'finance', 'manufacturing', 'consumer_services']
>>> si.demo.PILOT.unit, si.demo.PILOT.first_response_ratio
('ecommerce', 0.7)
>>> ds = si.demo.generate(seed=0, months=1, tickets_per_month=30)
>>> sorted(ds.tickets["business_unit"].unique())
['consumer_services', 'ecommerce', 'finance', 'manufacturing']
"""

from __future__ import annotations

from svcinsight.demo.generate import generate
from svcinsight.demo.pilot import PILOT, Pilot
from svcinsight.demo.units import UNITS
from svcinsight.demo.write import write

__all__ = ["PILOT", "UNITS", "Pilot", "generate", "write"]
