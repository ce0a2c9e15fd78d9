"""The generated tables conform to the canonical schema, so loaders quarantine nothing."""

from __future__ import annotations

import pandas as pd
import pytest

from svcinsight import schema

TZ = "Asia/Shanghai"
TABLES = ("tickets", "events", "feedback", "orders")


@pytest.mark.parametrize("name", TABLES)
def test_columns_are_canonical_in_schema_order(ds, name):
    frame, table = getattr(ds, name), schema.TABLES[name]
    assert set(table.required) <= set(frame.columns)
    assert list(frame.columns) == [c for c in table.names if c in frame.columns]


@pytest.mark.parametrize("name", TABLES)
def test_dtypes_are_canonical(ds, name):
    frame, table = getattr(ds, name), schema.TABLES[name]
    for column in frame.columns:
        declared, dtype = table[column].dtype, frame[column].dtype
        if declared == "datetime64[ns, tz]":
            assert isinstance(dtype, pd.DatetimeTZDtype), column
            assert (dtype.unit, str(dtype.tz)) == ("ns", TZ), column
        else:
            assert str(dtype) == declared, column


@pytest.mark.parametrize("name", TABLES)
def test_required_columns_are_filled(ds, name):
    frame = getattr(ds, name)
    for column in schema.TABLES[name].required:
        assert frame[column].notna().all(), column


def test_keys_are_unique(ds):
    assert ds.tickets["ticket_id"].is_unique
    assert ds.feedback["feedback_id"].is_unique
    assert not ds.orders.duplicated(["business_unit", "date"]).any()


def test_ticket_times_are_in_order(ds):
    t = ds.tickets
    responded = t[t["first_response_at"].notna()]
    assert (responded["first_response_at"] >= responded["created_at"]).all()
    resolved = t[t["resolved_at"].notna()]
    assert (resolved["resolved_at"] >= resolved["first_response_at"]).all()
    closed = t[t["closed_at"].notna()]
    assert (closed["closed_at"] >= closed["resolved_at"]).all()
    assert (t["due_at"] > t["created_at"]).all()


def test_status_agrees_with_the_timestamps(ds):
    t = ds.tickets
    assert set(t["status"]) == {"open", "pending", "resolved", "closed"}
    done = t["status"].isin(["resolved", "closed"])
    assert (t["resolved_at"].notna() == done).all()
    assert (t["closed_at"].notna() == (t["status"] == "closed")).all()
    assert (t["agent_id"].notna() == t["first_response_at"].notna()).all()


def test_values_are_in_range(ds):
    t, f = ds.tickets, ds.feedback
    assert set(t["priority"]) == set(schema.PRIORITIES)
    for column in ("csat", "nps", "ces"):
        low, high = schema.FEEDBACK[column].valid_range
        assert f[column].dropna().between(low, high).all(), column
    assert (t["contacts"] >= 1).all() and (t["reopened"] >= 0).all()
    assert (t["handle_minutes"].dropna() > 0).all()
    assert (ds.orders["orders"] >= 0).all()
    assert (ds.orders["date"] == ds.orders["date"].dt.normalize()).all()
