"""Timestamps: DST gaps and overlaps, offsets, explicit and guessed formats, dates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import svcinsight as si
from svcinsight.io.timestamps import parse_timestamps


def tickets(created, **more) -> pd.DataFrame:
    return pd.DataFrame({"ticket_id": [f"T{i + 1}" for i in range(len(created))],
                         "created_at": created, **more})


def test_dst_gap_and_overlap_are_kept_and_reported(load, issue):
    frame = tickets(["2022-03-13 02:30:00", "2022-11-06 01:30:00", "2022-07-01 12:00:00"])
    t, ledger = load(si.io.read_tickets, frame, timezone="America/New_York")
    assert ledger.rows_kept == 3 and ledger.rows_quarantined == 0
    # 02:30 does not exist on 13 March: moved to the first instant after the gap.
    assert t.loc[0, "created_at"] == pd.Timestamp("2022-03-13 03:00:00-04:00")
    # 01:30 happens twice on 6 November: the first (daylight-saving, -04:00) is taken.
    assert t.loc[1, "created_at"] == pd.Timestamp("2022-11-06 01:30:00-04:00")
    gap = issue(ledger, "nonexistent_local_time")
    assert (gap.action, gap.column, gap["count"], gap.examples) == (
        "adjusted", "created_at", 1, ["T1"])
    overlap = issue(ledger, "ambiguous_local_time")
    assert (overlap.action, overlap.column, overlap["count"], overlap.examples) == (
        "adjusted", "created_at", 1, ["T2"])
    assert "adjusted: nonexistent_local_time in created_at 1" in ledger.summary()


def test_dst_adjustments_on_datetime_columns(load, issue):
    frame = tickets(pd.to_datetime(["2022-03-13 02:30", "2022-03-13 02:45", "2022-03-14 09:00"]))
    t, ledger = load(si.io.read_tickets, frame, timezone="America/New_York")
    assert issue(ledger, "nonexistent_local_time")["count"] == 2
    assert t["created_at"].notna().all()


def test_adjustments_of_quarantined_rows_are_not_counted(load):
    frame = tickets(["2022-03-13 02:30:00", "2022-03-13 02:30:00"])
    _, ledger = load(si.io.read_tickets, frame.assign(ticket_id=["T1", "T1"]),
                     timezone="America/New_York")
    adjusted = ledger.issues[ledger.issues["action"] == "adjusted"]
    assert adjusted["count"].tolist() == [1]  # the duplicate's own adjustment is not kept


def test_offsets_are_converted_mixed_offsets_too(load):
    frame = tickets(["2010-01-13 08:40:25+02:00", "2010-07-13T08:40:25+01:00",
                     "2010-01-13T06:40:25Z", "2010-01-13 14:40:25"])
    t, ledger = load(si.io.read_tickets, frame, timezone="Asia/Shanghai")
    assert str(t["created_at"].dt.tz) == "Asia/Shanghai"
    expected = pd.to_datetime(["2010-01-13 06:40:25Z", "2010-07-13 07:40:25Z",
                               "2010-01-13 06:40:25Z", "2010-01-13 06:40:25Z"])
    assert (t["created_at"].dt.tz_convert("UTC").to_numpy() == expected.to_numpy()).all()
    assert ledger.issues.empty


def test_results_are_nanosecond_and_tz_aware(load):
    t, _ = load(si.io.read_tickets, tickets(["2024-05-01T09:00:00.123456789"]))
    assert str(t["created_at"].dtype) == "datetime64[ns, Asia/Shanghai]"
    assert t.loc[0, "created_at"].nanosecond == 789


def test_explicit_format(load):
    frame = tickets(["05/01/2022 12:00:03 AM", "05/01/2022 01:15:00 PM", "2022-05-01 13:15:00"])
    t, ledger = load(si.io.read_tickets, frame, timezone="America/New_York",
                     formats={"created_at": "%m/%d/%Y %I:%M:%S %p"})
    assert t["created_at"].tolist() == [
        pd.Timestamp("2022-05-01 00:00:03-04:00"), pd.Timestamp("2022-05-01 13:15:00-04:00"),
    ]
    # A value in another layout does not match the stated format: it is not guessed.
    assert ledger.quarantine[["row", "reason", "column"]].values.tolist() == [
        [3, "unparseable_timestamp", "created_at"]]


def test_explicit_format_with_offset(load):
    frame = tickets(["01/05/2022 09:00 +0200"])
    t, _ = load(si.io.read_tickets, frame, formats={"created_at": "%d/%m/%Y %H:%M %z"},
                timezone="UTC")
    assert t.loc[0, "created_at"] == pd.Timestamp("2022-05-01 07:00", tz="UTC")


def test_guessed_formats_are_reported_not_silent(load, issue):
    frame = tickets(["2022-05-01 09:00", "05/02/2022 09:00", "May 3 2022 9:00"])
    t, ledger = load(si.io.read_tickets, frame, timezone="UTC")
    guessed = issue(ledger, "timestamp_format_guessed")
    assert (guessed.action, guessed["count"], guessed.examples) == ("adjusted", 2, ["T2", "T3"])
    # Month before day, as documented.
    assert t.loc[1, "created_at"] == pd.Timestamp("2022-05-02 09:00", tz="UTC")


def test_placeholder_far_future_is_unparseable(load, issue):
    frame = tickets(["2024-05-01 09:00", "2024-05-01 10:00"],
                    resolved_at=["9999-12-31 00:00:00", None])
    t, ledger = load(si.io.read_tickets, frame)
    found = issue(ledger, "unparseable_timestamp")
    assert (found.column, found.examples) == ("resolved_at", ["T1"])
    assert t["ticket_id"].tolist() == ["T2"]


def test_aware_datetime_column_converted(load):
    created = pd.Series(pd.to_datetime(["2024-05-01 09:00"]).tz_localize("Europe/Rome"))
    t, _ = load(si.io.read_tickets, tickets(created), timezone="Asia/Shanghai")
    assert t.loc[0, "created_at"] == pd.Timestamp("2024-05-01 15:00", tz="Asia/Shanghai")


def test_object_column_of_python_datetimes(load):
    from datetime import UTC, datetime, timedelta, timezone

    created = pd.Series([datetime(2024, 5, 1, 9), datetime(2024, 5, 1, 9, tzinfo=UTC),
                         datetime(2024, 5, 1, 9, tzinfo=timezone(timedelta(hours=8)))],
                        dtype=object)
    t, _ = load(si.io.read_tickets, tickets(created), timezone="Asia/Shanghai")
    assert t["created_at"].dt.hour.tolist() == [9, 17, 9]


def test_dates_are_naive_midnights(load):
    frame = pd.DataFrame({"date": ["2024-05-01", "2024-05-01T23:30:00Z", "2024-05-02 10:00"],
                          "orders": [1, 2, 3]})
    o, _ = load(si.io.read_orders, frame, timezone="Asia/Shanghai")
    assert str(o["date"].dtype) == "datetime64[ns]"
    # 23:30 UTC is already 2 May in Shanghai.
    assert o["date"].tolist() == [pd.Timestamp("2024-05-01"), pd.Timestamp("2024-05-02"),
                                  pd.Timestamp("2024-05-02")]


def test_unknown_timezone_is_refused():
    with pytest.raises(ValueError, match="unknown timezone 'Mars/Olympus'"):
        si.io.read_tickets(tickets(["2024-05-01"]), timezone="Mars/Olympus")


def test_formats_must_name_timestamp_columns():
    with pytest.raises(ValueError, match="timestamp and date columns, not channel"):
        si.io.read_tickets(tickets(["2024-05-01"]), formats={"channel": "%Y"})
    with pytest.raises(si.io.SchemaError, match="'opened_at'"):
        si.io.read_tickets(tickets(["2024-05-01"]), formats={"opened_at": "%Y"})


def test_parse_is_vectorised_on_a_large_column():
    # 200,000 values with two offsets: should take well under a few seconds.
    rng = np.random.default_rng(0)
    base = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 10**7, 200_000), unit="s")
    text = pd.Series(base.strftime("%Y-%m-%dT%H:%M:%S")) + np.where(
        rng.random(200_000) < 0.5, "+02:00", "+01:00")
    parsed = parse_timestamps(text, "Asia/Shanghai")
    assert parsed.values.notna().all() and not parsed.adjustments
