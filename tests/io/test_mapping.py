"""Column mapping: identity, lists, extras, value recoding, and SchemaError messages."""

from __future__ import annotations

import pandas as pd
import pytest

import svcinsight as si

RAW = pd.DataFrame({
    "Case": ["C1", "C2"], "Opened": ["2024-05-01 09:00", "2024-05-01 10:00"],
    "channel": ["ONLINE", "PHONE"], "Internal note": ["x", "y"], "Region": ["N", "S"],
})


def test_identity_mapping_and_unmapped_columns_dropped(load):
    t, _ = load(si.io.read_tickets, RAW, {"ticket_id": "Case", "created_at": "Opened"})
    assert list(t.columns) == ["ticket_id", "channel", "created_at"]


def test_explicit_mapping_wins_over_a_same_named_column(load):
    frame = RAW.assign(ticket_id=["old1", "old2"])
    t, _ = load(si.io.read_tickets, frame, {"ticket_id": "Case", "created_at": "Opened"})
    assert t["ticket_id"].tolist() == ["C1", "C2"]


def test_one_source_column_for_two_canonical_ones(load):
    frame = RAW.assign(Closed=["2024-05-01 12:00", None])
    t, _ = load(si.io.read_tickets, frame, {"ticket_id": "Case", "created_at": "Opened",
                                            "resolved_at": "Closed", "closed_at": "Closed"})
    assert t["resolved_at"].equals(t["closed_at"])


def test_list_of_columns_joined_skipping_empties(load):
    frame = pd.DataFrame({
        "case": ["T1", "T1", "T1"], "ts": ["2024-05-01 09:00"] * 3,
        "activity": ["Resolve ticket", "Closed", None], "life": ["complete", "", "start"],
    })
    e, _ = load(si.io.read_events, frame, {"ticket_id": "case", "entered_at": "ts",
                                           "stage": ["activity", "life"]})
    assert e["stage"].tolist() == ["Resolve ticket complete", "Closed", "start"]


def test_extra_columns_kept_under_their_own_name(load):
    t, _ = load(si.io.read_tickets, RAW, {"ticket_id": "Case", "created_at": "Opened"},
                extra_columns=["Internal note", "Region"])
    assert list(t.columns)[-2:] == ["Internal note", "Region"]
    assert t["Region"].tolist() == ["N", "S"]


def test_values_recoded_and_others_pass_through(load):
    t, _ = load(si.io.read_tickets, RAW.assign(channel=["ONLINE", "STORE 7"]),
                {"ticket_id": "Case", "created_at": "Opened"},
                values={"channel": {"ONLINE": "app", "PHONE": "phone"}})
    assert t["channel"].tolist() == ["app", "STORE 7"]


def test_values_can_mark_placeholders_missing(load):
    frame = RAW.assign(Closed=["N/A", "2024-05-01 12:00"])
    t, ledger = load(si.io.read_tickets, frame,
                     {"ticket_id": "Case", "created_at": "Opened", "resolved_at": "Closed"},
                     values={"resolved_at": {"N/A": None}})
    assert ledger.rows_quarantined == 0 and t["resolved_at"].isna().tolist() == [True, False]


def test_values_for_a_column_the_source_lacks_are_ignored(load):
    _, ledger = load(si.io.read_tickets, RAW, {"ticket_id": "Case", "created_at": "Opened"},
                     values={"priority": {"P1": "urgent"}})
    assert ledger.rows_kept == 2


def test_missing_required_column_message():
    with pytest.raises(si.io.SchemaError) as excinfo:
        si.io.read_tickets(RAW, {"ticket_id": "Case"})
    message = str(excinfo.value)
    assert "cannot load tickets from 'DataFrame'" in message
    assert "required column created_at is not mapped" in message
    assert "Columns present: 'Case', 'Opened', 'channel', 'Internal note', 'Region'" in message


def test_mapped_from_a_column_that_does_not_exist(tmp_path):
    path = tmp_path / "export.csv"
    RAW.to_csv(path, index=False)
    with pytest.raises(si.io.SchemaError) as excinfo:
        si.io.read_tickets(path, {"ticket_id": "Case", "created_at": "Created Date"})
    message = str(excinfo.value)
    assert f"from {str(path)!r}" in message
    assert "required column created_at is mapped from 'Created Date'" in message
    assert "'Opened'" in message  # what the source does have


def test_optional_column_mapped_from_nothing_is_an_error_too():
    with pytest.raises(si.io.SchemaError, match="column team is mapped from 'Dept'"):
        si.io.read_tickets(RAW, {"ticket_id": "Case", "created_at": "Opened", "team": "Dept"})


def test_list_mapping_names_the_missing_part():
    expected = r"'channel' \+ 'Sub', which the source does not have \('Sub' missing\)"
    with pytest.raises(si.io.SchemaError, match=expected):
        si.io.read_events(RAW, {"ticket_id": "Case", "entered_at": "Opened",
                                "stage": ["channel", "Sub"]})


def test_source_name_in_the_message():
    with pytest.raises(si.io.SchemaError, match="cannot load events from 'crm.tickets'"):
        si.io.read_events(RAW, source_name="crm.tickets")


def test_all_problems_reported_at_once():
    with pytest.raises(si.io.SchemaError) as excinfo:
        si.io.read_events(RAW, {"ticket_id": "Ticket", "agent": "Case"},
                          extra_columns=("Nope",))
    message = str(excinfo.value)
    for part in ("'agent' not a column of the events table", "ticket_id is mapped from 'Ticket'",
                 "stage is not mapped", "entered_at is not mapped",
                 "extra column 'Nope' is not in the source"):
        assert part in message


def test_extra_column_with_a_canonical_name_is_refused():
    with pytest.raises(si.io.SchemaError, match="'channel' is a canonical column name"):
        si.io.read_tickets(RAW, {"ticket_id": "Case", "created_at": "Opened"},
                           extra_columns=("channel",))


def test_feedback_without_ids_gets_generated_ones_but_not_other_required_columns(load):
    f, _ = load(si.io.read_feedback, pd.DataFrame({"csat": [4, 5]}), source_name="survey_may")
    assert f["feedback_id"].tolist() == ["survey_may:1", "survey_may:2"]
    with pytest.raises(si.io.SchemaError, match="date"):
        si.io.read_orders(pd.DataFrame({"orders": [1]}))


def test_unknown_table():
    with pytest.raises(ValueError, match="unknown table 'ticket'; choose one of events"):
        si.io.read_table("ticket", RAW)


def test_values_with_an_unknown_column_is_refused():
    with pytest.raises(si.io.SchemaError, match="values= names 'chanel'"):
        si.io.read_tickets(RAW, {"ticket_id": "Case", "created_at": "Opened"},
                           values={"chanel": {"ONLINE": "app"}})


def test_source_column_appearing_twice():
    frame = pd.DataFrame([["C1", "2024-05-01", "x"]], columns=["Case", "Opened", "Case"])
    with pytest.raises(si.io.SchemaError, match="'Case' appear more than once"):
        si.io.read_tickets(frame, {"ticket_id": "Case", "created_at": "Opened"})


def test_a_single_extra_column_name_as_a_string(load):
    t, _ = load(si.io.read_tickets, RAW, {"ticket_id": "Case", "created_at": "Opened"},
                extra_columns="Region")
    assert list(t.columns)[-1] == "Region"
