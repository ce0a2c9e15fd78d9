"""generate(): determinism, arguments, units and span."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import svcinsight as si

TABLES = ("tickets", "events", "feedback", "orders")


def _assert_same(a, b):
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))


def test_same_seed_gives_identical_tables(small):
    again = si.demo.generate(seed=3, months=3, tickets_per_month=150)
    _assert_same(small, again)


def test_different_seeds_differ(small):
    other = si.demo.generate(seed=4, months=3, tickets_per_month=150)
    assert len(other.tickets) != len(small.tickets) or not other.tickets.equals(small.tickets)
    assert not other.events["entered_at"].head(50).equals(small.events["entered_at"].head(50))


def test_a_unit_alone_equals_its_share_of_all_units(small):
    alone = si.demo.generate(seed=3, months=3, tickets_per_month=150, units=["finance"])
    for name in TABLES:
        full = getattr(small, name)
        if "business_unit" in full:
            part = full[full["business_unit"] == "finance"]
        else:
            part = full[full["ticket_id"].str.startswith("FS-")]
        pd.testing.assert_frame_equal(getattr(alone, name), part.reset_index(drop=True))


def test_units_restricts_the_data():
    ds = si.demo.generate(seed=0, months=1, tickets_per_month=60, units=["ecommerce", "finance"])
    assert set(ds.tickets["business_unit"]) == {"ecommerce", "finance"}
    assert set(ds.feedback["business_unit"]) == {"ecommerce", "finance"}
    assert set(ds.orders["business_unit"]) == {"ecommerce", "finance"}
    assert set(ds.events["ticket_id"].str[:2]) == {"EC", "FS"}


def test_unknown_unit_names_the_valid_ones():
    valid = "'ecommerce', 'finance', 'manufacturing', 'consumer_services'"
    with pytest.raises(ValueError, match=valid):
        si.demo.generate(units=["ecommerce", "retail"])


@pytest.mark.parametrize("kwargs", [{"months": 0}, {"months": 1.5}, {"tickets_per_month": 0},
                                    {"units": []}, {"timezone": "Mars/Olympus"}])
def test_bad_arguments_raise(kwargs):
    with pytest.raises(ValueError):
        si.demo.generate(**kwargs)


def test_default_span_is_fourteen_months(ds):
    created = ds.tickets["created_at"]
    assert created.min() >= pd.Timestamp("2025-09-01", tz="Asia/Shanghai")
    assert created.max() < pd.Timestamp("2026-11-01", tz="Asia/Shanghai")
    months = created.dt.tz_localize(None).dt.to_period("M").nunique()
    assert months == 14
    assert ds.orders["date"].min() == pd.Timestamp("2025-09-01")
    assert ds.orders["date"].max() == pd.Timestamp("2026-10-31")


def test_no_observed_timestamp_after_the_span(ds):
    end = pd.Timestamp("2026-11-01", tz="Asia/Shanghai")
    observed = {
        "tickets": ("created_at", "first_response_at", "resolved_at", "closed_at"),
        "events": ("entered_at", "left_at"),
        "feedback": ("submitted_at", "followed_up_at"),
    }
    for name, columns in observed.items():
        for column in columns:
            assert getattr(ds, name)[column].max() < end, (name, column)
    # due_at is a deadline, not an observation: recent tickets are due after the end.
    assert ds.tickets["due_at"].max() > end


def test_start_and_months_set_the_span():
    ds = si.demo.generate(seed=0, start="2026-01-15", months=2, tickets_per_month=50)
    created = ds.tickets["created_at"]
    assert created.min() >= pd.Timestamp("2026-01-15", tz="Asia/Shanghai")
    assert created.max() < pd.Timestamp("2026-03-15", tz="Asia/Shanghai")
    assert len(ds.orders) == 4 * (pd.Timestamp("2026-03-15") - pd.Timestamp("2026-01-15")).days


def test_tickets_per_month_is_the_average_per_unit(ds):
    per_unit_month = len(ds.tickets) / 4 / 14
    assert 1100 < per_unit_month < 1300
    smaller = si.demo.generate(seed=0, months=2, tickets_per_month=100)
    assert 0.8 < len(smaller.tickets) / (4 * 2 * 100) < 1.2


def test_years_without_holiday_data_warn_and_still_generate():
    with pytest.warns(UserWarning, match="2027"):
        ds = si.demo.generate(seed=0, start="2027-01-01", months=1, tickets_per_month=30)
    assert len(ds.tickets) > 0


def test_default_span_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        si.demo.generate(seed=0, months=2, tickets_per_month=30)


def test_timezone_sets_the_dtype_and_survives_a_dst_change():
    ds = si.demo.generate(seed=0, start="2025-10-01", months=2, tickets_per_month=60,
                          timezone="Europe/Berlin")
    assert str(ds.tickets["created_at"].dtype) == "datetime64[ns, Europe/Berlin]"
    entered = ds.events.groupby("ticket_id", sort=False)["entered_at"]
    assert (entered.diff().dropna() >= pd.Timedelta(0)).all()


def test_tiny_volumes_still_give_canonical_tables():
    ds = si.demo.generate(seed=1, months=1, tickets_per_month=0.01)
    assert len(ds.tickets) == 0 and len(ds.events) == 0 and len(ds.feedback) == 0
    assert str(ds.tickets["escalated"].dtype) == "boolean"
    assert str(ds.feedback["submitted_at"].dtype) == "datetime64[ns, Asia/Shanghai]"
    assert len(ds.orders) == 4 * 30
