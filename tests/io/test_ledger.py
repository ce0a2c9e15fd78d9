"""The quality ledger: invariant, tables, text and HTML display, combining."""

from __future__ import annotations

import pandas as pd
import pytest

import svcinsight as si
from svcinsight.io import QualityLedger


def bad_tickets() -> pd.DataFrame:
    return pd.DataFrame({
        "ticket_id": ["<script>alert(1)</script>", "T2", "T2"],
        "created_at": ["never", "2024-05-01 09:00", "2024-05-01 10:00"],
    })


def test_invariant_enforced_on_construction():
    with pytest.raises(ValueError, match=r"rows_in \(5\) != rows_kept \(3\) \+ rows_quarantined"):
        QualityLedger(source="s", table="tickets", rows_in=5, rows_kept=3, rows_quarantined=1)


def test_quarantine_must_match_its_count():
    with pytest.raises(ValueError, match="quarantine holds 0 rows"):
        QualityLedger(source="s", table="tickets", rows_in=2, rows_kept=1, rows_quarantined=1)


def test_empty_ledger_frame_has_the_columns():
    frame = QualityLedger(source="s", table="orders", rows_in=0, rows_kept=0,
                          rows_quarantined=0).to_frame()
    assert frame.empty
    assert list(frame.columns) == ["source", "table", "reason", "action", "column", "count",
                                   "examples"]


def test_to_frame_and_summary_from_a_load(load):
    _, ledger = load(si.io.read_tickets, bad_tickets(), source_name="crm")
    frame = ledger.to_frame()
    assert frame[["source", "table", "reason", "count"]].values.tolist() == [
        ["crm", "tickets", "unparseable_timestamp", 1], ["crm", "tickets", "duplicate_id", 1]]
    assert frame.loc[1, "examples"] == ["T2"]
    assert ledger.summary() == (
        "tickets from crm: 3 rows in, 1 kept, 2 quarantined; quarantined: "
        "unparseable_timestamp in created_at 1, duplicate_id in ticket_id 1"
    )
    assert str(ledger) == ledger.summary()
    assert "\n" not in ledger.summary()


def test_html_escapes_every_value(load):
    _, ledger = load(si.io.read_tickets, bad_tickets(), source_name="<b>crm</b>")
    page = ledger._repr_html_()
    assert "<script>" not in page and "<b>crm" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;crm&lt;/b&gt;" in page
    assert "<table>" in page and "duplicate_id" in page


def test_html_of_a_clean_ledger(load):
    _, ledger = load(si.io.read_tickets, bad_tickets().iloc[1:2])
    assert "No issues." in ledger._repr_html_()


def test_combine_keeps_every_source(load):
    _, dirty = load(si.io.read_tickets, bad_tickets(), source_name="crm")
    _, clean = load(si.io.read_feedback, pd.DataFrame({"csat": [5]}), source_name="survey")
    combined = QualityLedger.combine([dirty, clean])
    assert list(combined.columns) == ["source", "table", "rows_in", "rows_kept",
                                      "rows_quarantined", "reason", "action", "column", "count",
                                      "examples"]
    assert combined["source"].tolist() == ["crm", "crm", "survey"]
    assert combined["rows_in"].tolist() == [3, 3, 1]
    assert combined["reason"].isna().tolist() == [False, False, True]
    assert QualityLedger.combine([]).empty


def test_repr_stays_short(load):
    frame = pd.DataFrame({"ticket_id": [f"T{i}" for i in range(1000)], "created_at": ["x"] * 1000})
    _, ledger = load(si.io.read_tickets, frame)
    assert len(repr(ledger)) < 300 and "rows_quarantined=1000" in repr(ledger)
