"""The loaders on the real public files in shared/data (see its README).

Expected numbers are counted from the raw files with the csv module, independently of
pandas and of the loaders.
"""

from __future__ import annotations

import csv
from datetime import datetime

import pandas as pd
import pytest

import svcinsight as si

NYC_COLUMNS = {
    "ticket_id": "Unique Key", "created_at": "Created Date", "resolved_at": "Closed Date",
    "due_at": "Due Date", "status": "Status", "business_unit": "Agency",
    "category": "Complaint Type", "channel": "Open Data Channel Type",
}
NYC_FORMAT = "%m/%d/%Y %I:%M:%S %p"


def raw_rows(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def nyc(shared_data, load):
    path = shared_data / "nyc311_2022-05-01_sample.csv"
    formats = dict.fromkeys(["created_at", "resolved_at", "due_at"], NYC_FORMAT)
    tickets, ledger = load(si.io.read_tickets, path, NYC_COLUMNS, formats=formats,
                           timezone="America/New_York")
    return path, tickets, ledger


def test_nyc311_keeps_every_request_including_open_ones(nyc):
    path, tickets, ledger = nyc
    rows = raw_rows(path)
    open_in_file = sum(1 for r in rows if r["Closed Date"].strip() == "")
    assert ledger.rows_in == len(rows) == 924
    assert ledger.rows_kept == 924 and ledger.rows_quarantined == 0
    assert int(tickets["resolved_at"].isna().sum()) == open_in_file
    assert 0.4 < open_in_file / len(rows) < 0.6  # "almost half", as the README says
    assert ledger.encoding == "utf-8"
    assert ledger.source == str(path)


def test_nyc311_timestamps_are_new_york_local(nyc):
    _, tickets, _ = nyc
    for name in ("created_at", "resolved_at", "due_at"):
        assert str(tickets[name].dt.tz) == "America/New_York"
    assert tickets.loc[0, "created_at"] == pd.Timestamp("2022-05-01 00:00:03-04:00")
    assert tickets.loc[0, "created_at"].utcoffset() == pd.Timedelta(hours=-4)
    # Row 2 of the file: closed 05/01/2022 12:07:46 AM, i.e. 7 minutes after midnight.
    assert tickets.loc[1, "resolved_at"] == pd.Timestamp("2022-05-01 00:07:46-04:00")
    assert tickets["due_at"].isna().all()  # the README: Due Date is empty in this sample


def test_nyc311_columns_are_canonical_and_typed(nyc):
    path, tickets, _ = nyc
    assert list(tickets.columns) == [
        "ticket_id", "business_unit", "channel", "category", "created_at", "resolved_at",
        "due_at", "status",
    ]
    assert tickets["ticket_id"].dtype == "string"
    assert tickets["ticket_id"].iloc[0] == raw_rows(path)[0]["Unique Key"] == "54049402"
    assert set(tickets["channel"].dropna()) <= {"ONLINE", "MOBILE", "PHONE", "UNKNOWN", "OTHER"}


def test_nyc311_channel_values_recoded(shared_data, load):
    path = shared_data / "nyc311_2022-05-01_sample.csv"
    tickets, _ = load(
        si.io.read_tickets, path, NYC_COLUMNS, timezone="America/New_York",
        formats=dict.fromkeys(["created_at", "resolved_at", "due_at"], NYC_FORMAT),
        values={"channel": {"ONLINE": "app", "MOBILE": "app", "PHONE": "phone"}},
    )
    raw_channels = pd.Series([r["Open Data Channel Type"] for r in raw_rows(path)])
    expected_app = int(raw_channels.isin(["ONLINE", "MOBILE"]).sum())
    assert int((tickets["channel"] == "app").sum()) == expected_app
    assert "ONLINE" not in set(tickets["channel"].dropna())


@pytest.mark.parametrize("timezone", ["Europe/Rome", "Asia/Shanghai"])
def test_helpdesk_events_keep_the_absolute_instant(shared_data, load, timezone):
    path = shared_data / "helpdesk_event_log.csv"
    events, ledger = load(
        si.io.read_events, path,
        {"ticket_id": "case:concept:name", "stage": ["concept:name", "lifecycle:transition"],
         "entered_at": "time:timestamp", "agent_id": "org:resource"},
        timezone=timezone,
    )
    rows = raw_rows(path)
    assert ledger.rows_in == len(rows) == 21_348
    assert ledger.rows_quarantined == 0
    assert events["ticket_id"].nunique() == len({r["case:concept:name"] for r in rows}) == 4_580
    assert str(events["entered_at"].dt.tz) == timezone
    # Every instant equals the file's, read by the standard library from its +02:00 text.
    expected = [datetime.fromisoformat(r["time:timestamp"]) for r in rows]
    assert [ts.to_pydatetime() for ts in events["entered_at"]] == expected
    assert events.loc[0, "stage"] == "Assign seriousness complete"


def test_helpdesk_stage_from_one_column(shared_data, load):
    path = shared_data / "helpdesk_event_log.csv"
    events, _ = load(
        si.io.read_events, path,
        {"ticket_id": "case:concept:name", "stage": "concept:name", "entered_at": "time:timestamp"},
    )
    assert events["stage"].nunique() == len({r["concept:name"] for r in raw_rows(path)}) == 14
    assert list(events.columns) == ["ticket_id", "stage", "entered_at"]


@pytest.fixture
def reviews(shared_data, load):
    path = shared_data / "chnsenticorp_hotel_reviews.csv"
    feedback, ledger = load(si.io.read_feedback, path, {"comment": "review"},
                            extra_columns=("label",))
    return path, feedback, ledger


def test_chnsenticorp_reviews_all_kept_with_generated_ids(reviews):
    path, feedback, ledger = reviews
    rows = raw_rows(path)
    assert ledger.rows_in == ledger.rows_kept == len(rows) == 7_766
    assert list(feedback.columns) == ["feedback_id", "comment", "label"]
    assert feedback["feedback_id"].is_unique
    assert feedback.loc[0, "feedback_id"] == "chnsenticorp_hotel_reviews.csv:1"
    assert feedback["label"].tolist() == [r["label"] for r in rows]


def test_chnsenticorp_empty_review_kept_as_missing_comment(reviews):
    path, feedback, _ = reviews
    rows = raw_rows(path)
    empty = [i for i, r in enumerate(rows) if r["review"] == ""]
    assert len(empty) == 1
    kept = feedback.loc[empty[0]]
    assert pd.isna(kept["comment"])
    assert kept["feedback_id"] == f"chnsenticorp_hotel_reviews.csv:{empty[0] + 1}"


def test_chnsenticorp_html_entities_kept_verbatim(reviews):
    path, feedback, _ = reviews
    rows = raw_rows(path)
    with_entities = [i for i, r in enumerate(rows) if "&#35828;" in r["review"]]
    assert len(with_entities) == 1
    i = with_entities[0]
    assert feedback.loc[i, "comment"] == rows[i]["review"]
    assert feedback.loc[i, "comment"].startswith("&#35828;&#23454;&#35805;")
    # And nothing else was altered either: every comment equals the file's text.
    expected = [r["review"] if r["review"] != "" else None for r in rows]
    assert [None if pd.isna(c) else c for c in feedback["comment"]] == expected
