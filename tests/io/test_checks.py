"""Row checks: one bad input per quarantine reason, the reason order, strict mode."""

from __future__ import annotations

import pandas as pd
import pytest

import svcinsight as si
from svcinsight.io.checks import REASONS


def tickets(**columns) -> pd.DataFrame:
    base = {"ticket_id": ["T1", "T2", "T3"],
            "created_at": ["2024-05-01 09:00", "2024-05-01 10:00", "2024-05-01 11:00"]}
    return pd.DataFrame(base | columns)


def assert_one_quarantined(ledger, issue, reason, column, example, row):
    found = issue(ledger, reason)
    assert (found.action, found.column, found["count"], found.examples) == (
        "quarantined", column, 1, [example])
    assert ledger.rows_quarantined == 1
    assert ledger.quarantine[["row", "reason", "column"]].values.tolist() == [[row, reason, column]]


def test_missing_required_value(load, issue):
    t, ledger = load(si.io.read_tickets, tickets(ticket_id=["T1", "  ", "T3"]))
    # The row has no key, so it is named by its 1-based data row.
    assert_one_quarantined(ledger, issue, "missing_required", "ticket_id", "row 2", 2)
    assert t["ticket_id"].tolist() == ["T1", "T3"]


def test_missing_required_timestamp_is_not_unparseable(load, issue):
    _, ledger = load(si.io.read_tickets, tickets(created_at=["2024-05-01", "", "2024-05-01"]))
    assert_one_quarantined(ledger, issue, "missing_required", "created_at", "T2", 2)


def test_unparseable_timestamp(load, issue):
    _, ledger = load(si.io.read_tickets,
                     tickets(first_response_at=["2024-05-01 09:30", "soon", None]))
    assert_one_quarantined(ledger, issue, "unparseable_timestamp", "first_response_at", "T2", 2)
    assert ledger.quarantine.loc[0, "first_response_at"] == "soon"  # the source row as read


def test_duplicate_id_keeps_the_first(load, issue):
    frame = tickets(ticket_id=["T1", "T2", "T1"], channel=["phone", "chat", "email"])
    t, ledger = load(si.io.read_tickets, frame)
    assert_one_quarantined(ledger, issue, "duplicate_id", "ticket_id", "T1", 3)
    assert t["channel"].tolist() == ["phone", "chat"]


def test_duplicate_of_an_invalid_row_is_kept(load):
    frame = tickets(ticket_id=["T1", "T1", "T2"], created_at=["never", "2024-05-01", "2024-05-02"])
    t, ledger = load(si.io.read_tickets, frame)
    assert ledger.quarantine["reason"].tolist() == ["unparseable_timestamp"]
    assert t["ticket_id"].tolist() == ["T1", "T2"]


def test_duplicate_feedback_ids(load, issue):
    frame = pd.DataFrame({"feedback_id": ["F1", "F1", "F2"], "csat": [5, 4, 3]})
    _, ledger = load(si.io.read_feedback, frame)
    assert_one_quarantined(ledger, issue, "duplicate_id", "feedback_id", "F1", 2)


@pytest.mark.parametrize(("column", "reason"), [
    ("first_response_at", "responded_before_created"),
    ("resolved_at", "resolved_before_created"),
    ("closed_at", "closed_before_created"),
])
def test_times_before_creation(load, issue, column, reason):
    frame = tickets(**{column: [None, "2024-05-01 09:59", "2024-05-01 11:00"]})
    t, ledger = load(si.io.read_tickets, frame)
    assert_one_quarantined(ledger, issue, reason, column, "T2", 2)
    # Equal to creation is fine, and an open ticket (no value) is not an error.
    assert t["ticket_id"].tolist() == ["T1", "T3"]


def test_before_creation_compares_instants_not_wall_clocks(load):
    # 09:30 in Rome is 15:30 in Shanghai: after a 10:00 Shanghai creation, not before.
    frame = tickets(resolved_at=[None, "2024-05-01T09:30:00+02:00", None])
    _, ledger = load(si.io.read_tickets, frame, timezone="Asia/Shanghai")
    assert ledger.rows_quarantined == 0


def test_left_before_entered(load, issue):
    frame = pd.DataFrame({
        "ticket_id": ["T1", "T1", "T2"], "stage": ["triage", "review", "triage"],
        "entered_at": ["2024-05-01 09:00", "2024-05-01 10:00", "2024-05-01 11:00"],
        "left_at": ["2024-05-01 10:00", "2024-05-01 09:00", None],
    })
    e, ledger = load(si.io.read_events, frame)
    # Events have no key: the example is the data row.
    assert_one_quarantined(ledger, issue, "left_before_entered", "left_at", "row 2", 2)
    assert e["stage"].tolist() == ["triage", "triage"]


@pytest.mark.parametrize(("column", "bad"), [("csat", 6), ("nps", 11), ("ces", 0), ("csat", -1)])
def test_score_out_of_range(load, issue, column, bad):
    frame = pd.DataFrame({"feedback_id": ["F1", "F2"], column: [3, bad]})
    f, ledger = load(si.io.read_feedback, frame)
    assert_one_quarantined(ledger, issue, "score_out_of_range", column, "F2", 2)
    assert f[column].tolist() == [3]


def test_scores_at_the_range_ends_are_valid(load):
    frame = pd.DataFrame({"csat": ["1", "5"], "nps": ["0", "10"], "ces": ["1", "7"]})
    f, ledger = load(si.io.read_feedback, frame)
    assert ledger.rows_quarantined == 0
    assert str(f["csat"].dtype) == "Int64"


@pytest.mark.parametrize(("table", "column", "bad"), [
    ("tickets", "reopened", "-1"),
    ("tickets", "contacts", "1.5"),
    ("tickets", "contacts", "two"),
    ("tickets", "handle_minutes", "-5"),
    ("tickets", "handle_minutes", "n/a"),
    ("feedback", "csat", "good"),
    ("feedback", "nps", "7.5"),
])
def test_invalid_number(load, issue, table, column, bad):
    if table == "tickets":
        frame = tickets(**{column: ["1", bad, None]})
        expected_id, reader = "T2", si.io.read_tickets
    else:
        frame = pd.DataFrame({"feedback_id": ["F1", "F2", "F3"], column: ["3", bad, None]})
        expected_id, reader = "F2", si.io.read_feedback
    _, ledger = load(reader, frame)
    assert_one_quarantined(ledger, issue, "invalid_number", column, expected_id, 2)


def test_invalid_orders_count(load, issue):
    frame = pd.DataFrame({"date": ["2024-05-01", "2024-05-02"], "orders": ["1200", "many"]})
    o, ledger = load(si.io.read_orders, frame)
    assert_one_quarantined(ledger, issue, "invalid_number", "orders", "row 2", 2)
    assert o["orders"].tolist() == [1200]


def test_unknown_priority(load, issue):
    frame = tickets(priority=[" Urgent ", "P9", None])
    t, ledger = load(si.io.read_tickets, frame)
    assert_one_quarantined(ledger, issue, "unknown_priority", "priority", "T2", 2)
    assert t["priority"].tolist()[0] == "urgent" and pd.isna(t["priority"].tolist()[1])


def test_priority_recoded_before_the_check(load):
    frame = tickets(priority=["P1", "P2", "P3"])
    t, ledger = load(si.io.read_tickets, frame,
                     values={"priority": {"P1": "urgent", "P2": "Important", "P3": "normal"}})
    assert ledger.rows_quarantined == 0
    assert t["priority"].tolist() == ["urgent", "important", "normal"]


def test_invalid_flag(load, issue):
    frame = tickets(escalated=["Yes", "maybe", "0"])
    _, ledger = load(si.io.read_tickets, frame)
    assert_one_quarantined(ledger, issue, "invalid_flag", "escalated", "T2", 2)


def test_a_row_with_several_problems_is_quarantined_once_under_its_first_reason(load, issue):
    frame = tickets(priority=["normal", "P9", "normal"], reopened=["0", "-2", "0"],
                    resolved_at=[None, "2024-04-01", "bad"])
    _, ledger = load(si.io.read_tickets, frame)
    assert ledger.rows_quarantined == 2
    assert ledger.quarantine[["row", "reason", "column"]].values.tolist() == [
        [2, "invalid_number", "reopened"],
        [3, "unparseable_timestamp", "resolved_at"],
    ]
    # The ledger lists reasons in the documented order.
    order = [REASONS.index(r) for r in ledger.issues["reason"]]
    assert order == sorted(order)


def test_examples_are_capped_at_five(load, issue):
    frame = pd.DataFrame({"ticket_id": [f"T{i}" for i in range(8)], "created_at": ["x"] * 8})
    t, ledger = load(si.io.read_tickets, frame)
    found = issue(ledger, "unparseable_timestamp")
    assert found["count"] == 8 and found.examples == ["T0", "T1", "T2", "T3", "T4"]
    assert t.empty and list(t.columns) == ["ticket_id", "created_at"]


def test_strict_raises_with_source_reasons_columns_and_examples():
    frame = tickets(priority=["normal", "P9", "normal"], resolved_at=[None, None, "x"])
    with pytest.raises(si.io.DataQualityError) as excinfo:
        si.io.read_tickets(frame, {"created_at": "created_at"}, strict=True,
                           source_name="crm_export.csv")
    message = str(excinfo.value)
    assert "2 of 3 rows of tickets from 'crm_export.csv'" in message
    assert "unparseable_timestamp in resolved_at: 1 row(s), e.g. T3" in message
    assert "unknown_priority in priority: 1 row(s), e.g. T2" in message


def test_strict_names_the_source_column():
    frame = pd.DataFrame({"Key": ["A", "B"], "Opened": ["2024-05-01", "?"]})
    with pytest.raises(si.io.DataQualityError, match=r"created_at \(from 'Opened'\).*e\.g\. B"):
        si.io.read_tickets(frame, {"ticket_id": "Key", "created_at": "Opened"}, strict=True)


def test_strict_passes_clean_data_and_ignores_adjustments(load):
    frame = tickets(created_at=["2022-03-13 02:30", "2022-05-01", "2022-05-02"])
    t, ledger = load(si.io.read_tickets, frame, strict=True, timezone="America/New_York")
    assert len(t) == 3 and not ledger.issues.empty


def test_quarantine_keeps_source_columns_even_if_named_like_ours(load):
    frame = tickets(reason=["a", "b", "c"], created_at=["2024-05-01", "x", "2024-05-01"])
    _, ledger = load(si.io.read_tickets, frame)
    assert ledger.quarantine.loc[0, "reason"] == "unparseable_timestamp"
    assert ledger.quarantine.loc[0, "source:reason"] == "b"
