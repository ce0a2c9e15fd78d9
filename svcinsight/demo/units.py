"""The four demo business units: channels, categories, teams, routes and demand.

Each unit has its own process stages and teams. Two stages are deliberate bottlenecks
(sizes measured in :mod:`svcinsight.demo`): ``agent review`` in ``finance`` (loan and
insurance applications wait for a reviewer with office hours) and the manual
``qc result pending`` hand-off in ``ecommerce`` returns (QC passes its result to customer
service by hand, 1-2 days).

Examples
--------
>>> from svcinsight.demo.units import UNITS
>>> list(UNITS)
['ecommerce', 'finance', 'manufacturing', 'consumer_services']
>>> UNITS["finance"].name
'Financial services: banking & insurance'
>>> [c.name for c in UNITS["ecommerce"].categories]
['consultation', 'request', 'return', 'delivery', 'complaint', 'urgent']
"""

from __future__ import annotations

from types import MappingProxyType

from svcinsight.demo.profiles import Category, Route, Step, Team, Unit

_PRIORITY_ROUTINE = (0.03, 0.17, 0.80)
_PRIORITY_COMPLAINT = (0.12, 0.62, 0.26)
_PRIORITY_URGENT = (0.85, 0.15, 0.0)

# Steps several units share by name; each unit's own durations are set where it differs.
_AWAIT_CUSTOMER = Step("awaiting customer", "wait", 14.0, 1.0)
_TRIAGE = Step("triage", "work", 0.25, 0.7)
_IDENTITY = Step("identity verification", "work", 0.2, 0.6)
_COMPLAINT_REVIEW = Step("complaint review", "work", 3.0, 0.9)
_COMPENSATION = Step("compensation", "work", 1.5, 0.8)


def _ecommerce() -> Unit:
    in_progress = Step("in progress", "work", 1.2, 1.0)
    return_approval = Step("return approval", "work", 0.8, 0.8)
    refund = Step("refund", "work", 5.0, 0.9, "payments")
    returns_with_parcel = (
        Step("awaiting return parcel", "wait", 48.0, 0.45, "logistics"),
        Step("qc inspection", "work", 3.0, 0.6, "qc"),
        # QC e-mails its result; customer service picks it up by hand a day or two later.
        Step("qc result pending", "handoff", 30.0, 0.3, "customer_service"),
        refund,
    )
    return Unit(
        id="ecommerce", name="E-commerce", code="EC", volume=1.4,
        channels=MappingProxyType(
            {"chat": 0.40, "app": 0.22, "phone": 0.14, "social": 0.12, "email": 0.08, "store": 0.04}
        ),
        teams=(
            Team("customer_service", 30, (8, 22), every_day=True),
            Team("complaints", 6, (9, 21), every_day=True),
            Team("qc", 5),
            Team("payments", 4),
            Team("logistics", 0, (0, 24), every_day=True),
            Team("supervisors", 3),
        ),
        categories=(
            Category("consultation", 0.30, "customer_service",
                     (Route((in_progress,), (_AWAIT_CUSTOMER, in_progress)),),
                     _PRIORITY_ROUTINE, rework=0.14, reopen=0.02, escalate=0.01, handle_minutes=7),
            Category("request", 0.12, "customer_service",
                     (Route((_TRIAGE, in_progress), (_AWAIT_CUSTOMER, in_progress)),),
                     _PRIORITY_ROUTINE, rework=0.20, reopen=0.03, escalate=0.02, handle_minutes=9),
            Category("return", 0.26, "customer_service",
                     (Route((_TRIAGE, return_approval), (_AWAIT_CUSTOMER, return_approval),
                            returns_with_parcel, weight=0.85),
                      Route((_TRIAGE, return_approval), (_AWAIT_CUSTOMER, return_approval),
                            (refund,), weight=0.15)),
                     (0.02, 0.18, 0.80), rework=0.18, reopen=0.04, escalate=0.03,
                     handle_minutes=11, reopen_steps=(in_progress, refund)),
            Category("delivery", 0.12, "customer_service",
                     (Route((_TRIAGE, in_progress), (_AWAIT_CUSTOMER, in_progress),
                            (Step("carrier investigation", "wait", 30.0, 0.7, "logistics"),
                             _COMPENSATION)),),
                     (0.04, 0.30, 0.66), rework=0.20, reopen=0.04, escalate=0.03,
                     handle_minutes=10),
            Category("complaint", 0.15, "complaints",
                     (Route((_COMPLAINT_REVIEW,), (_AWAIT_CUSTOMER, _COMPLAINT_REVIEW),
                            (_COMPENSATION,)),),
                     _PRIORITY_COMPLAINT, rework=0.30, reopen=0.06, escalate=0.15,
                     callback_hours=6.0, handle_minutes=16),
            Category("urgent", 0.05, "customer_service",
                     (Route((Step("in progress", "work", 0.5, 0.8),),
                            (_AWAIT_CUSTOMER, Step("in progress", "work", 0.5, 0.8)),
                            (Step("payment check", "work", 1.0, 0.8, "payments"),)),),
                     _PRIORITY_URGENT, rework=0.12, reopen=0.03, escalate=0.08, handle_minutes=12),
        ),
        escalation_team="supervisors", vip_share=0.08,
        weekend_volume=0.75, holiday_volume=0.55,
        orders_per_ticket=60.0, orders_weekly=(0.95, 0.95, 0.95, 0.97, 1.0, 1.12, 1.06),
        orders_holiday=0.9,
        # Double 11, 618 and Double 12 shopping festivals.
        campaigns=((11, 1, 10, 1.5), (11, 11, 11, 3.0), (6, 1, 17, 1.3), (6, 18, 18, 2.0),
                   (12, 12, 12, 1.6)),
        zh_share=0.7, csat_base=5.0,
    )


def _finance() -> Unit:
    in_progress = Step("in progress", "work", 0.8, 1.0)
    # Applications wait for a reviewer in office hours: the unit's bottleneck.
    loan_review = Step("agent review", "work", 1.5, 0.8, "credit_review")
    claim_review = Step("agent review", "work", 1.5, 0.8, "claims")
    loan_documents = Step("document check", "work", 1.0, 0.8, "credit_review")
    claim_documents = Step("document check", "work", 1.5, 0.8, "claims")
    await_documents = Step("awaiting customer", "wait", 30.0, 0.9)
    fraud_check = Step("fraud check", "work", 0.3, 0.8, "risk")
    return Unit(
        id="finance", name="Financial services: banking & insurance", code="FS", volume=0.8,
        channels=MappingProxyType(
            {"phone": 0.40, "app": 0.22, "chat": 0.15, "store": 0.12, "email": 0.08, "social": 0.03}
        ),
        teams=(
            Team("service_desk", 32, (8, 22), every_day=True),
            Team("credit_review", 8),
            Team("claims", 6),
            Team("complaints", 5),
            Team("risk", 4, (0, 24), every_day=True),
            Team("supervisors", 3),
        ),
        categories=(
            Category("consultation", 0.30, "service_desk",
                     (Route((in_progress,), (_AWAIT_CUSTOMER, in_progress)),),
                     _PRIORITY_ROUTINE, rework=0.12, reopen=0.02, escalate=0.01, handle_minutes=8),
            Category("request", 0.18, "service_desk",
                     (Route((_IDENTITY, in_progress), (_AWAIT_CUSTOMER, in_progress)),),
                     _PRIORITY_ROUTINE, rework=0.18, reopen=0.03, escalate=0.02, handle_minutes=10),
            Category("loan_application", 0.17, "service_desk",
                     (Route((_IDENTITY, loan_documents, loan_review),
                            (await_documents, loan_documents, loan_review),
                            (Step("credit decision", "work", 4.0, 0.8, "credit_review"),)),),
                     (0.01, 0.25, 0.74), rework=0.38, reopen=0.03, escalate=0.03,
                     handle_minutes=18),
            Category("insurance_claim", 0.12, "service_desk",
                     (Route((in_progress, claim_documents, claim_review),
                            (await_documents, claim_review),
                            (Step("claim assessment", "work", 20.0, 0.8, "claims"),
                             Step("payout", "work", 6.0, 0.7, "claims"))),),
                     (0.03, 0.30, 0.67), rework=0.30, reopen=0.04, escalate=0.05,
                     handle_minutes=15),
            Category("complaint", 0.15, "complaints",
                     (Route((_COMPLAINT_REVIEW,), (_AWAIT_CUSTOMER, _COMPLAINT_REVIEW)),),
                     _PRIORITY_COMPLAINT, rework=0.28, reopen=0.05, escalate=0.18,
                     callback_hours=6.0, handle_minutes=17),
            Category("urgent", 0.08, "service_desk",
                     (Route((fraud_check,), (_AWAIT_CUSTOMER, fraud_check),
                            (Step("in progress", "work", 0.5, 0.8),)),),
                     _PRIORITY_URGENT, rework=0.10, reopen=0.02, escalate=0.06, handle_minutes=11),
        ),
        escalation_team="supervisors", vip_share=0.15,
        weekend_volume=0.45, holiday_volume=0.3,
        orders_per_ticket=15.0, orders_weekly=(1.1, 1.05, 1.05, 1.05, 1.1, 0.4, 0.25),
        orders_holiday=0.2,
        zh_share=0.75, csat_base=5.05,
    )


def _manufacturing() -> Unit:
    in_progress = Step("in progress", "work", 0.8, 1.0)
    diagnosis = Step("remote diagnosis", "work", 2.0, 0.9, "tech_support")
    urgent_diagnosis = Step("remote diagnosis", "work", 0.7, 0.8, "tech_support")
    await_visit = Step("awaiting visit", "wait", 36.0, 0.6, "field_service")
    onsite = Step("onsite repair", "work", 2.5, 0.5, "field_service")
    verify = Step("repair verification", "work", 1.0, 0.8)
    return Unit(
        id="manufacturing", name="Manufacturing after-sales", code="MF", volume=0.6,
        channels=MappingProxyType(
            {"phone": 0.45, "email": 0.20, "chat": 0.12, "app": 0.10, "store": 0.10, "social": 0.03}
        ),
        teams=(
            Team("hotline", 20, (8, 20), every_day=True),
            Team("tech_support", 10),
            Team("field_service", 14, (8, 18)),
            Team("spare_parts", 4),
            Team("complaints", 4),
            Team("supervisors", 2),
        ),
        categories=(
            Category("consultation", 0.25, "hotline",
                     (Route((in_progress,), (_AWAIT_CUSTOMER, in_progress)),),
                     _PRIORITY_ROUTINE, rework=0.12, reopen=0.02, escalate=0.01, handle_minutes=8),
            Category("request", 0.12, "hotline",
                     (Route((_TRIAGE, in_progress), (_AWAIT_CUSTOMER, in_progress)),),
                     _PRIORITY_ROUTINE, rework=0.15, reopen=0.03, escalate=0.02, handle_minutes=9),
            Category("repair", 0.35, "hotline",
                     (Route((_TRIAGE, diagnosis), (_AWAIT_CUSTOMER, diagnosis),
                            (Step("spare parts", "wait", 48.0, 0.6, "spare_parts"),
                             await_visit, onsite, verify), weight=0.6),
                      Route((_TRIAGE, diagnosis), (_AWAIT_CUSTOMER, diagnosis),
                            (await_visit, onsite, verify), weight=0.4)),
                     (0.04, 0.30, 0.66), rework=0.20, reopen=0.08, escalate=0.04,
                     handle_minutes=14, reopen_steps=(diagnosis, await_visit, onsite)),
            Category("installation", 0.10, "hotline",
                     (Route((in_progress,), (_AWAIT_CUSTOMER, in_progress),
                            (await_visit,
                             Step("installation", "work", 3.0, 0.5, "field_service"))),),
                     (0.01, 0.15, 0.84), rework=0.10, reopen=0.04, escalate=0.02,
                     handle_minutes=10),
            Category("complaint", 0.12, "complaints",
                     (Route((_COMPLAINT_REVIEW,), (_AWAIT_CUSTOMER, _COMPLAINT_REVIEW),
                            (_COMPENSATION,)),),
                     _PRIORITY_COMPLAINT, rework=0.30, reopen=0.06, escalate=0.16,
                     callback_hours=6.0, handle_minutes=16),
            Category("urgent", 0.06, "hotline",
                     (Route((urgent_diagnosis,), (_AWAIT_CUSTOMER, urgent_diagnosis),
                            (Step("onsite repair", "work", 3.0, 0.6, "field_service"),)),),
                     _PRIORITY_URGENT, rework=0.10, reopen=0.04, escalate=0.10, handle_minutes=13),
        ),
        escalation_team="supervisors", vip_share=0.10,
        weekend_volume=0.45, holiday_volume=0.3,
        orders_per_ticket=8.0, orders_weekly=(1.15, 1.1, 1.05, 1.05, 1.0, 0.5, 0.3),
        orders_holiday=0.2,
        zh_share=0.6, csat_base=4.95,
    )


def _consumer_services() -> Unit:
    in_progress = Step("in progress", "work", 0.8, 1.0)
    booking = Step("booking confirmation", "work", 2.0, 0.9, "bookings")
    return Unit(
        id="consumer_services", name="Consumer services", code="CS", volume=1.2,
        channels=MappingProxyType(
            {"phone": 0.30, "chat": 0.25, "app": 0.20, "social": 0.10, "store": 0.10, "email": 0.05}
        ),
        teams=(
            Team("contact_center", 30, (8, 22), every_day=True),
            Team("billing", 6),
            Team("bookings", 4, (9, 21), every_day=True),
            Team("complaints", 5, (9, 21), every_day=True),
            Team("tech", 5, (0, 24), every_day=True),
            Team("supervisors", 3),
        ),
        categories=(
            Category("consultation", 0.36, "contact_center",
                     (Route((in_progress,), (_AWAIT_CUSTOMER, in_progress)),),
                     _PRIORITY_ROUTINE, rework=0.12, reopen=0.02, escalate=0.01, handle_minutes=6),
            Category("request", 0.20, "contact_center",
                     (Route((_IDENTITY, in_progress), (_AWAIT_CUSTOMER, in_progress)),),
                     _PRIORITY_ROUTINE, rework=0.16, reopen=0.03, escalate=0.02, handle_minutes=8),
            Category("billing", 0.17, "contact_center",
                     (Route((_IDENTITY, Step("billing review", "work", 6.0, 0.8, "billing")),
                            (_AWAIT_CUSTOMER, Step("billing review", "work", 6.0, 0.8, "billing")),
                            (Step("billing adjustment", "work", 3.0, 0.8, "billing"),)),),
                     (0.02, 0.25, 0.73), rework=0.22, reopen=0.05, escalate=0.03,
                     handle_minutes=11),
            Category("booking", 0.07, "contact_center",
                     (Route((in_progress, booking),
                            (_AWAIT_CUSTOMER, in_progress)),),
                     (0.02, 0.20, 0.78), rework=0.12, reopen=0.03, escalate=0.02, handle_minutes=7),
            Category("complaint", 0.15, "complaints",
                     (Route((_COMPLAINT_REVIEW,), (_AWAIT_CUSTOMER, _COMPLAINT_REVIEW),
                            (_COMPENSATION,)),),
                     _PRIORITY_COMPLAINT, rework=0.28, reopen=0.05, escalate=0.14,
                     callback_hours=6.0, handle_minutes=14),
            Category("urgent", 0.05, "contact_center",
                     (Route((Step("technical check", "work", 1.5, 0.8, "tech"),),
                            (_AWAIT_CUSTOMER, Step("technical check", "work", 1.5, 0.8, "tech")),
                            (in_progress,)),),
                     _PRIORITY_URGENT, rework=0.10, reopen=0.03, escalate=0.08, handle_minutes=10),
        ),
        escalation_team="supervisors", vip_share=0.10,
        weekend_volume=0.8, holiday_volume=0.6,
        orders_per_ticket=25.0, orders_weekly=(0.85, 0.85, 0.9, 0.95, 1.1, 1.35, 1.3),
        orders_holiday=1.4,
        zh_share=0.7, csat_base=5.0,
    )


#: The demo business units by id, in a fixed order (read-only).
UNITS: MappingProxyType[str, Unit] = MappingProxyType(
    {unit.id: unit for unit in (_ecommerce(), _finance(), _manufacturing(), _consumer_services())}
)
