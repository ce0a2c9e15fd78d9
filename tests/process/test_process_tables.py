"""Rework, hand-offs, flows and variants on small hand-built tables, counted by hand."""

from __future__ import annotations

import numpy as np
from process_tables import at, event_table

from svcinsight import process

CLOSED = {"closed"}


def loan_events():
    """Two loan applications; L1 loops back for documents twice."""
    return event_table([
        ("L1", "new", "2026-04-01 09:00", "desk"),
        ("L1", "document check", "2026-04-01 10:00", "credit"),
        ("L1", "agent review", "2026-04-01 11:00", "credit"),
        ("L1", "awaiting customer", "2026-04-01 13:00", "desk"),
        ("L1", "document check", "2026-04-02 09:00", "credit"),
        ("L1", "agent review", "2026-04-02 10:00", "credit"),
        ("L1", "awaiting customer", "2026-04-02 11:00", "desk"),
        ("L1", "document check", "2026-04-03 09:00", "credit"),
        ("L1", "agent review", "2026-04-03 09:30", "credit"),
        ("L1", "closed", "2026-04-03 12:00", "desk"),
        ("L2", "new", "2026-04-01 09:00", "desk"),
        ("L2", "document check", "2026-04-01 09:15", "credit"),
        ("L2", "agent review", "2026-04-01 10:15", "credit"),
    ], columns=("ticket_id", "stage", "entered_at", "team"))


def test_rework_counts_tickets_and_extra_visits():
    table = process.rework(loan_events()).set_index("stage")
    assert table.loc["document check"].to_dict() == {
        "tickets": 2, "tickets_with_rework": 1, "rework_share": 0.5, "extra_visits": 2,
        "returns_from": "awaiting customer"}
    assert table.loc["agent review", "extra_visits"] == 2
    assert table.loc["agent review", "returns_from"] == "document check"
    assert table.loc["awaiting customer", ["tickets_with_rework", "extra_visits"]].tolist() == [1, 1]
    assert table.loc["new", "extra_visits"] == 0
    assert table.index[:2].tolist() == ["agent review", "document check"]  # most extra visits first


def test_a_straight_repeat_is_rework_too():
    events = event_table([("A", "work", "2026-04-01 09:00"), ("A", "work", "2026-04-01 10:00"),
                          ("A", "closed", "2026-04-01 11:00")])
    table = process.rework(events).set_index("stage")
    assert table.loc["work", ["tickets_with_rework", "extra_visits", "returns_from"]].tolist() == [1, 1, "work"]


def test_handoffs_count_team_changes_and_time_in_the_receiving_stage():
    table = process.handoffs(loan_events(), as_of=at("2026-04-03 12:00"), terminal_stages=CLOSED)
    table = table.set_index(["from_team", "to_team"])
    # L1: desk->credit three times (new->doc check, awaiting->doc check twice), credit->desk
    # three times; L2: desk->credit once.
    desk_credit = table.loc[("desk", "credit")]
    assert (desk_credit["count"], desk_credit["tickets"], desk_credit["censored"]) == (4, 2, 0)
    # time in the document check after each hand-off: 1 h, 1 h, 0.5 h (L1), 1 h (L2)
    assert desk_credit["median_hours"] == 1.0
    assert desk_credit["total_hours"] == 3.5
    credit_desk = table.loc[("credit", "desk")]
    # awaiting customer 20 h and 22 h; the hand-off into "closed" carries no time
    assert (credit_desk["count"], credit_desk["median_hours"]) == (3, 21.0)
    assert len(table) == 2


def test_handoffs_skip_unknown_teams_and_can_split_by_stage():
    events = event_table([
        ("A", "new", "2026-04-01 09:00", "desk"), ("A", "queue", "2026-04-01 10:00", None),
        ("A", "work", "2026-04-01 12:00", "qc"), ("A", "refund", "2026-04-01 13:00", "payments"),
        ("A", "resolved", "2026-04-01 15:00", "desk"), ("A", "closed", "2026-04-04 15:00", "desk"),
    ], columns=("ticket_id", "stage", "entered_at", "team"))
    table = process.handoffs(events, terminal_stages=CLOSED, by_stage=True,
                             resolution_stages={"resolved"})
    assert table[["from_team", "to_team", "to_stage", "count"]].values.tolist() == [
        ["payments", "desk", "resolved", 1], ["qc", "payments", "refund", 1]]
    # waiting for the automatic close is no delay of the payments -> desk hand-off
    assert np.isnan(table.loc[0, "median_hours"])
    assert table.loc[1, "median_hours"] == 2.0


def test_flows_and_variants():
    events = loan_events()
    moves = process.flows(events, terminal_stages=CLOSED)
    top = moves.iloc[0]
    assert (top["from_stage"], top["to_stage"], top["count"], top["tickets"]) == (
        "document check", "agent review", 4, 2)
    assert moves["count"].sum() == len(events) - 2  # one move fewer than events per ticket

    paths = process.variants(events, terminal_stages=CLOSED)
    assert len(paths) == 1 and paths.loc[0, "tickets"] == 1  # L2 is open: not a variant yet
    assert paths.loc[0, "median_cycle_hours"] == 51.0
    assert paths.loc[0, "steps"] == 10
    both = process.variants(events, terminal_stages=CLOSED, include_open=True)
    assert both["tickets"].sum() == 2 and both["share"].sum() == 1.0
    assert np.isnan(both.set_index("steps").loc[3, "median_cycle_hours"])
