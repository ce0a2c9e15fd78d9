"""Shared fixtures for the process tests: the demo data set once and the real help-desk log."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import svcinsight as si

HELPDESK = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "helpdesk_event_log.csv"
HELPDESK_COLUMNS = {
    "ticket_id": "case:concept:name", "stage": "concept:name", "entered_at": "time:timestamp",
    "agent_id": "org:resource",
}


@pytest.fixture(scope="session")
def demo():
    return si.demo.generate(seed=0)


@pytest.fixture(scope="session")
def demo_unit(demo):
    """``demo_unit(name)``: the events of one demo business unit."""
    unit_of = demo.tickets.set_index("ticket_id")["business_unit"]

    def events(unit: str) -> pd.DataFrame:
        keep = demo.events["ticket_id"].map(unit_of).to_numpy() == unit
        return demo.events[keep].reset_index(drop=True)

    return events


@pytest.fixture(scope="session")
def helpdesk_path() -> Path:
    if not HELPDESK.is_file():
        pytest.skip(f"real help-desk log not found at {HELPDESK}")
    return HELPDESK


@pytest.fixture(scope="session")
def helpdesk(helpdesk_path) -> pd.DataFrame:
    events, ledger = si.io.read_events(helpdesk_path, columns=HELPDESK_COLUMNS, timezone="Europe/Rome")
    assert ledger.rows_quarantined == 0
    return events

