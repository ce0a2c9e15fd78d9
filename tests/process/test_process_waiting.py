"""Waiting versus working: the split of process time, on hand-built logs (gaps between
stages from ``left_at``, params-named waits, a business calendar) and on the real
help-desk log against a ticket-by-ticket loop."""

from __future__ import annotations  # noqa: I001

import pandas as pd
import pytest
from process_reference import walk

import svcinsight as si
from svcinsight.process import waiting_vs_working

def ts(h):
    return pd.Timestamp("2026-03-02 09:00", tz="Asia/Shanghai") + pd.Timedelta(hours=h)  # a Monday


def test_left_at_gaps_are_waiting_between_stages():
    events = pd.DataFrame({
        "ticket_id": ["A", "A", "A"],
        "stage": ["triage", "repair", "closed"],
        "entered_at": [ts(0), ts(3), ts(10)],
        "left_at": [ts(1), ts(8), pd.NaT],
    })
    split = waiting_vs_working(events, terminal_stages={"closed"}).set_index("kind")
    assert split.loc["working", "total_hours"] == pytest.approx(1 + 5)
    assert split.loc["waiting between stages", "total_hours"] == pytest.approx(2 + 2)
    assert split.loc["waiting between stages", "visits"] == 2
    assert split.loc["waiting in stage", "total_hours"] == 0
    # the three kinds add up to the cycle time, first entry to the terminal entry
    assert split["total_hours"].sum() == pytest.approx(10)
    assert split["share_of_time"].sum() == pytest.approx(1)


def test_params_name_the_waits_and_a_misspelt_one_is_an_error():
    events = pd.DataFrame({"ticket_id": ["A"] * 3, "stage": ["new", "parts", "done"],
                           "entered_at": [ts(0), ts(2), ts(12)]})
    by_name = waiting_vs_working(events, terminal_stages={"done"}).set_index("kind")
    assert by_name.loc["waiting in stage", "total_hours"] == 0  # "parts" says nothing of waiting
    named = waiting_vs_working(events, waiting_stages=["parts"], terminal_stages={"done"})
    assert named.attrs["waiting_rule"] == "params"
    assert named.set_index("kind").loc["waiting in stage", "total_hours"] == pytest.approx(10)
    with pytest.raises(ValueError, match="part'.*the stages are"):
        waiting_vs_working(events, waiting_stages=["part"])


def test_open_tickets_last_stage_is_left_out_and_calendar_hours_count():
    events = pd.DataFrame({"ticket_id": ["A", "A", "B", "B"],
                           "stage": ["new", "awaiting customer", "new", "done"],
                           # Friday 17:00 -> Monday 10:00 for B's "new" stage
                           "entered_at": [ts(0), ts(1), ts(4 * 24 + 8), ts(7 * 24 + 1)]})
    split = waiting_vs_working(events, terminal_stages={"done"}, as_of=ts(8 * 24)).set_index("kind")
    # A still awaits the customer: censored, not counted
    assert split.loc["waiting in stage", "visits"] == 0
    assert split.loc["working", "total_hours"] == pytest.approx(1 + 65)
    cal = si.calendar.BusinessCalendar({"mon-fri": ["09:00-18:00"]},
                                       holidays=None, timezone="Asia/Shanghai")
    working = waiting_vs_working(events, terminal_stages={"done"}, as_of=ts(8 * 24), calendar=cal)
    assert working.set_index("kind").loc["working", "total_hours"] == pytest.approx(1 + 1 + 1)


def test_helpdesk_log_matches_a_ticket_by_ticket_loop(helpdesk):
    split = waiting_vs_working(helpdesk, terminal_stages={"Closed"}).set_index("kind")
    assert split.attrs["waiting_rule"] == "stage names" and split.attrs["waiting_stages"] == ["Wait"]
    # the plain ticket-by-ticket walk of process_reference, summed by kind
    facts = walk(helpdesk, terminal={"Closed"}, holder=None)
    hours = facts["stage_hours"]
    waiting = sum(hours["Wait"])
    working = sum(sum(v) for stage, v in hours.items() if stage != "Wait")
    assert split.loc["waiting in stage", "total_hours"] == pytest.approx(waiting, rel=1e-9)
    assert split.loc["working", "total_hours"] == pytest.approx(working, rel=1e-9)
    # every ticket that waited, less those still waiting (a censored visit has no duration yet)
    waited = helpdesk.loc[helpdesk["stage"] == "Wait", "ticket_id"].nunique()
    still_waiting = facts["stage_censored"]["Wait"]
    assert still_waiting > 0
    assert waited - still_waiting <= split.loc["waiting in stage", "tickets"] < waited
    assert 0 < split.loc["waiting in stage", "share_of_time"] < 1


def test_time_in_a_resolution_stage_is_left_out():
    events = pd.DataFrame({"ticket_id": ["A"] * 4, "stage": ["new", "pending parts", "resolved", "closed"],
                           "entered_at": [ts(0), ts(1), ts(5), ts(77)]})
    split = waiting_vs_working(events, terminal_stages={"closed"}, resolution_stages={"resolved"}).set_index("kind")
    assert split.loc["working", "total_hours"] == 1 and split.loc["waiting in stage", "total_hours"] == 4
    counted = waiting_vs_working(events, terminal_stages={"closed"}).set_index("kind")
    assert counted.loc["working", "total_hours"] == 1 + 72
