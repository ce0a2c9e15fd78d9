"""Time in stage on small hand-built tables: the events table's rules one by one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from process_tables import at, event_table

from svcinsight import process
from svcinsight.calendar import BusinessCalendar

CLOSED = {"closed"}


def hours_of(timed: pd.DataFrame) -> list:
    return [None if np.isnan(h) else round(h, 6) for h in timed["hours"]]


def test_open_ticket_last_stage_is_censored_not_dropped():
    events = event_table([
        ("A", "new", "2026-03-02 09:00"), ("A", "review", "2026-03-02 10:00"),
        ("A", "closed", "2026-03-02 12:00"),
        ("B", "new", "2026-03-02 09:00"), ("B", "review", "2026-03-02 09:30"),
    ])
    timed = process.time_in_stage(events, as_of=at("2026-03-02 15:30"), terminal_stages=CLOSED)
    assert hours_of(timed) == [1.0, 2.0, None, 0.5, None]
    assert timed["censored"].tolist() == [False, False, False, False, True]
    assert timed["finished"].tolist() == [True, True, True, False, False]
    # the open review has run 6 h by as_of: a lower bound, kept apart
    assert timed["hours_so_far"].iloc[4] == 6.0

    stats = process.stage_stats(events, as_of=at("2026-03-02 15:30"), terminal_stages=CLOSED)
    review = stats.set_index("stage").loc["review"]
    assert (review["visits"], review["censored"], review["median_hours"]) == (2, 1, 2.0)
    closed = stats.set_index("stage").loc["closed"]
    assert closed["censored"] == 0 and np.isnan(closed["median_hours"])


def test_left_at_given_wins_over_the_next_entry():
    events = event_table([
        # review left at 11:00 but the next stage is entered at 12:00 (a gap the source records)
        ("A", "new", "2026-03-02 09:00", None),
        ("A", "review", "2026-03-02 10:00", "2026-03-02 11:00"),
        ("A", "decision", "2026-03-02 12:00", None),
        ("A", "closed", "2026-03-02 13:30", None),
        # the open ticket's last stage has a left_at: its time is known, not censored
        ("B", "new", "2026-03-02 09:00", "2026-03-02 09:45"),
    ], columns=("ticket_id", "stage", "entered_at", "left_at"))
    timed = process.time_in_stage(events, as_of=at("2026-03-02 14:00"), terminal_stages=CLOSED)
    assert hours_of(timed) == [1.0, 1.0, 1.5, None, 0.75]
    assert not timed["censored"].any()


def test_left_at_after_as_of_is_not_known_yet():
    events = event_table([
        ("A", "new", "2026-03-02 09:00", "2026-03-02 10:00"),
        ("A", "review", "2026-03-02 10:00", "2026-03-02 18:00"),
        ("A", "closed", "2026-03-02 18:00", None),
    ], columns=("ticket_id", "stage", "entered_at", "left_at"))
    timed = process.time_in_stage(events, as_of=at("2026-03-02 12:00"), terminal_stages=CLOSED)
    assert timed["stage"].tolist() == ["new", "review"]  # closing has not happened yet
    assert hours_of(timed) == [1.0, None]
    assert timed["censored"].tolist() == [False, True]
    assert timed["hours_so_far"].iloc[1] == 2.0


def test_ties_keep_file_order():
    rows = [("A", "new", "2026-03-02 09:00"), ("A", "triage", "2026-03-02 10:00"),
            ("A", "assign", "2026-03-02 10:00"), ("A", "closed", "2026-03-02 12:00")]
    timed = process.time_in_stage(event_table(rows), terminal_stages=CLOSED)
    assert timed["stage"].tolist() == ["new", "triage", "assign", "closed"]
    assert hours_of(timed) == [1.0, 0.0, 2.0, None]

    swapped = [rows[0], rows[2], rows[1], rows[3]]
    timed = process.time_in_stage(event_table(swapped), terminal_stages=CLOSED)
    assert timed["stage"].tolist() == ["new", "assign", "triage", "closed"]
    assert hours_of(timed) == [1.0, 0.0, 2.0, None]


def test_rows_out_of_order_are_sorted_by_ticket_then_time():
    rows = [("B", "work", "2026-03-02 11:00"), ("A", "closed", "2026-03-02 12:00"),
            ("A", "new", "2026-03-02 09:00"), ("B", "new", "2026-03-02 10:00"),
            ("A", "work", "2026-03-02 09:30")]
    timed = process.time_in_stage(event_table(rows), terminal_stages=CLOSED)
    # tickets in order of first appearance (B first), each in time order
    assert list(zip(timed["ticket_id"], timed["stage"])) == [
        ("B", "new"), ("B", "work"), ("A", "new"), ("A", "work"), ("A", "closed")]
    assert timed["position"].tolist() == [0, 1, 0, 1, 2]
    assert hours_of(timed) == [1.0, None, 0.5, 2.5, None]


def test_exact_duplicates_are_one_event_but_differing_rows_are_two():
    events = event_table([
        ("A", "new", "2026-03-02 09:00", "x1"), ("A", "work", "2026-03-02 10:00", "x1"),
        ("A", "work", "2026-03-02 10:00", "x1"),  # recorded twice
        ("A", "work", "2026-03-02 10:00", "x2"),  # same instant, another agent: kept
        ("A", "closed", "2026-03-02 12:00", "x1"), ("A", "closed", "2026-03-02 12:00", "x1"),
    ], columns=("ticket_id", "stage", "entered_at", "agent_id"))
    timed = process.time_in_stage(events, terminal_stages=CLOSED)
    assert timed.attrs["duplicates_dropped"] == 2
    assert timed["agent_id"].tolist() == ["x1", "x1", "x2", "x1"]
    assert hours_of(timed) == [1.0, 0.0, 2.0, None]
    assert process.rework(events).set_index("stage").loc["closed", "extra_visits"] == 0


def test_terminal_stages_inferred_from_where_paths_end():
    rows = []
    for i in range(5):
        rows += [(f"T{i}", "new", "2026-03-02 09:00"), (f"T{i}", "resolved", "2026-03-02 10:00"),
                 (f"T{i}", "closed", "2026-03-05 10:00")]
    rows += [("T9", "new", "2026-03-02 09:00"), ("T9", "resolved", "2026-03-02 10:00")]
    # a closed ticket reopened: "closed" is not always last, but mostly
    rows += [("R", "new", "2026-03-01 09:00"), ("R", "closed", "2026-03-01 10:00"),
             ("R", "new", "2026-03-02 09:00"), ("R", "closed", "2026-03-02 10:00")]
    timed = process.time_in_stage(event_table(rows))
    assert timed.attrs["terminal_stages"] == frozenset({"closed"})
    last_of_t9 = timed[timed["ticket_id"] == "T9"].iloc[-1]
    assert last_of_t9["censored"]  # waiting in "resolved" for the close
    reopened_close = timed[(timed["ticket_id"] == "R") & (timed["stage"] == "closed")].iloc[0]
    assert reopened_close["hours"] == 23.0


def test_business_calendar_counts_working_hours():
    calendar = BusinessCalendar({"mon-fri": [("09:00", "18:00")]}, holidays=None, timezone="Asia/Shanghai")
    events = event_table([
        ("A", "new", "2026-03-06 17:00"),     # Friday
        ("A", "review", "2026-03-09 10:00"),  # Monday
        ("A", "waiting", "2026-03-09 12:00"),
    ])
    timed = process.time_in_stage(events, calendar=calendar, as_of=at("2026-03-10 09:30"), terminal_stages=())
    assert hours_of(timed) == [2.0, 2.0, None]
    assert timed["hours_so_far"].iloc[2] == pytest.approx(6.5)


def test_naive_timestamps_and_missing_columns_are_refused():
    events = event_table([("A", "new", "2026-03-02 09:00")])
    with pytest.raises(ValueError, match="timezone-aware"):
        process.stage_stats(events.assign(entered_at=events["entered_at"].dt.tz_localize(None)))
    with pytest.raises(ValueError, match="stage"):
        process.stage_stats(events.drop(columns="stage"))
    with pytest.raises(ValueError, match="team"):
        process.handoffs(events)


def test_empty_events_give_empty_tables_with_the_columns():
    events = event_table([("A", "new", "2026-03-02 09:00")]).iloc[:0]
    assert list(process.stage_stats(events).columns) == [
        "stage", "visits", "tickets", "censored", "median_hours", "p90_hours", "mean_hours",
        "total_hours", "share_of_time"]
    assert process.rework(events).empty
    assert process.flows(events).empty
    assert process.variants(events).empty
    assert process.handoffs(events.assign(team=pd.Series([], dtype="string"))).empty
    assert process.derive_tickets(events, resolution_stages={"resolved"}).empty
