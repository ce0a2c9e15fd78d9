"""The counterfactual rewrite of tickets and events, on timelines small enough to check by hand."""

import numpy as np
import pandas as pd
import pytest

from svcinsight.plan.fixes import ResponseAtTarget, ReworkLoops, StageCap, State, apply

T0 = pd.Timestamp("2026-03-02 09:00", tz="Asia/Shanghai")


def at(hours: float) -> pd.Timestamp:
    return T0 + pd.Timedelta(hours=hours)


def loan_case():
    """L1 is reviewed twice (a loop through 'await docs' and a reopen), L2 once, L3 is open."""
    tickets = pd.DataFrame({
        "ticket_id": ["L1", "L2", "L3"],
        "priority": ["normal", "important", "normal"],
        "created_at": [at(0), at(0), at(0)],
        "first_response_at": [at(1), at(5), at(0.5)],
        "resolved_at": [at(40), at(9), pd.NaT],
        "closed_at": [at(60), at(20), pd.NaT],
        "contacts": pd.array([3, 1, 1], dtype="Int64"),
        "reopened": pd.array([1, 0, 0], dtype="Int64"),
    })
    rows = [
        ("L1", "new", "desk", 0), ("L1", "review", "credit", 1), ("L1", "await docs", "desk", 4),
        ("L1", "review", "credit", 20), ("L1", "resolved", "desk", 22), ("L1", "reopened", "desk", 30),
        ("L1", "review", "credit", 31), ("L1", "resolved", "desk", 40), ("L1", "closed", "desk", 60),
        ("L2", "new", "desk", 0), ("L2", "review", "credit", 5), ("L2", "resolved", "desk", 9),
        ("L2", "closed", "desk", 20),
        ("L3", "new", "desk", 0), ("L3", "review", "credit", 0.5),
    ]
    events = pd.DataFrame(rows, columns=["ticket_id", "stage", "team", "h"])
    events["entered_at"] = events.pop("h").map(at)
    return tickets, events


@pytest.fixture
def state():
    tickets, events = loan_case()
    return State.build(tickets, events, as_of=at(70), terminal_stages={"closed"},
                       resolution_stages={"resolved"})


def test_stage_cap_moves_everything_after_the_visit_by_its_excess(state):
    fixed = apply(state, [StageCap("review", 1.0)])
    t = fixed.tickets.set_index("ticket_id")
    # L1: review visits of 3 h, 2 h and 9 h -> 2 + 1 + 8 = 11 h removed before resolution
    assert t.loc["L1", "resolved_at"] == at(40 - 11)
    assert t.loc["L1", "closed_at"] == at(60 - 11)
    assert t.loc["L1", "first_response_at"] == at(1)  # answered before the first review
    # L2: 4 h review -> 3 h earlier; L3 is still in review (censored): untouched
    assert t.loc["L2", "resolved_at"] == at(6)
    assert t.loc["L3"].equals(state.tickets.set_index("ticket_id").loc["L3"])
    hours = pd.Series(fixed.timeline.hours, index=fixed.timeline.stage)
    assert hours["review"].dropna().max() == pytest.approx(1.0)
    assert fixed.changed.tolist() == [True, True, False]


def test_handoff_cap_touches_only_visits_that_arrive_from_another_team(state):
    tickets, events = loan_case()
    events.loc[(events["ticket_id"] == "L2") & (events["stage"] == "review"), "team"] = "desk"
    mixed = State.build(tickets, events, as_of=at(70), terminal_stages={"closed"})
    fixed = apply(mixed, [StageCap("review", 1.0, handoff_only=True)])
    t = fixed.tickets.set_index("ticket_id")
    assert t.loc["L2", "resolved_at"] == at(9)  # its review stayed with the desk: no hand-off
    assert t.loc["L1", "resolved_at"] == at(29)


def test_rework_loops_remove_the_loop_its_contacts_and_the_reopen(state):
    fixed = apply(state, [ReworkLoops("review")])
    t = fixed.tickets.set_index("ticket_id")
    # L1 goes on after its first review (ended at 4 h) as if the last (ended at 40 h) were it
    assert t.loc["L1", "resolved_at"] == at(4)
    assert t.loc["L1", "closed_at"] == at(24)
    assert t.loc["L1", "contacts"] == 1 and t.loc["L1", "reopened"] == 0
    assert t.loc["L2", "contacts"] == 1  # no loop, nothing changes
    stages = [s for s, k in zip(fixed.timeline.stage, fixed.timeline.ticket) if k == 0]
    assert stages == ["new", "review", "resolved", "closed"]
    assert fixed.changed.tolist() == [True, False, False]


def test_response_at_target_moves_late_answers_and_what_follows(state):
    fixed = apply(state, [ResponseAtTarget({"urgent": 0.5, "important": 2.0, "normal": 24.0})])
    t = fixed.tickets.set_index("ticket_id")
    assert t.loc["L2", "first_response_at"] == at(2)  # important, answered after 5 h
    assert t.loc["L2", "resolved_at"] == at(6)
    assert t.loc["L1", "first_response_at"] == at(1)  # normal priority, within 24 h
    assert fixed.changed.tolist() == [False, True, False]


def test_fixes_compose_each_seeing_the_last(state):
    both = apply(state, [ReworkLoops("review"), StageCap("review", 1.0)])
    # after the loop is gone L1 has one review of 3 h: 2 h more come off
    assert both.tickets.loc[0, "resolved_at"] == at(2)
    events = both.events()
    assert list(events.columns[:3]) == ["ticket_id", "stage", "team"]
    assert isinstance(events["entered_at"].dtype, pd.DatetimeTZDtype)
    assert (events.groupby("ticket_id")["entered_at"].diff().dropna() >= pd.Timedelta(0)).all()


def test_a_state_without_events_still_takes_the_response_fix():
    tickets, _ = loan_case()
    state = State.build(tickets)
    assert state.timeline is None and state.events() is None
    fixed = apply(state, [StageCap("review", 1.0), ResponseAtTarget()])
    assert np.flatnonzero(fixed.changed).tolist() == [1]
