"""Shared demo datasets: generated once per test session (about a second each)."""

from __future__ import annotations

import pandas as pd
import pytest

import svcinsight as si

TZ = "Asia/Shanghai"


@pytest.fixture(scope="session")
def ds():
    """The default demo dataset, as users get it from ``si.demo.generate(seed=0)``."""
    return si.demo.generate(seed=0)


@pytest.fixture(scope="session")
def small():
    """A small dataset for checks that do not need the full volume."""
    return si.demo.generate(seed=3, months=3, tickets_per_month=150)


@pytest.fixture(scope="session")
def tickets_hours(ds):
    """Tickets with first-response and resolution hours added."""
    t = ds.tickets.copy()
    t["frt_hours"] = (t["first_response_at"] - t["created_at"]).dt.total_seconds() / 3600
    t["resolution_hours"] = (t["resolved_at"] - t["created_at"]).dt.total_seconds() / 3600
    t["after_pilot"] = t["created_at"] >= pd.Timestamp(si.demo.PILOT.start).tz_localize(TZ)
    return t


@pytest.fixture(scope="session")
def events_hours(ds):
    """Events with the hours spent in each stage (NaN for a ticket's last event)."""
    e = ds.events.copy()
    e["hours"] = (e["left_at"] - e["entered_at"]).dt.total_seconds() / 3600
    e["business_unit"] = e["ticket_id"].map(ds.tickets.set_index("ticket_id")["business_unit"])
    return e
