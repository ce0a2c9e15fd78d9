"""Tickets look like a real service desk's: units, mixes, calendar, timings, open tickets."""

from __future__ import annotations

import numpy as np
import pandas as pd

import svcinsight as si
from svcinsight import config
from svcinsight.demo.tickets import RESOLUTION_TARGET_HOURS


def _daily(tickets: pd.DataFrame) -> pd.DataFrame:
    day = tickets["created_at"].dt.tz_localize(None).dt.normalize()
    counts = tickets.groupby([day, tickets["business_unit"]]).size().unstack(fill_value=0)
    return counts.reindex(pd.date_range("2025-09-01", "2026-10-31"), fill_value=0)


def test_four_units_with_ids_and_names(ds):
    names = {unit.id: unit.name for unit in si.demo.UNITS.values()}
    assert names == {
        "ecommerce": "E-commerce",
        "finance": "Financial services: banking & insurance",
        "manufacturing": "Manufacturing after-sales",
        "consumer_services": "Consumer services",
    }
    assert set(ds.tickets["business_unit"]) == set(names)


def test_channels_and_categories(ds):
    t = ds.tickets
    assert set(t["channel"]) == {"phone", "chat", "email", "app", "social", "store"}
    for unit in si.demo.UNITS:
        categories = set(t.loc[t["business_unit"] == unit, "category"])
        assert {"consultation", "request", "complaint", "urgent"} <= categories, unit
    own = {"ecommerce": "return", "finance": "loan_application", "manufacturing": "repair"}
    for unit, category in own.items():
        assert category in set(t.loc[t["business_unit"] == unit, "category"])
    mixes = t.groupby("business_unit")["channel"].value_counts(normalize=True).unstack()
    assert mixes.loc["ecommerce"].idxmax() == "chat"
    assert mixes.loc["finance"].idxmax() == "phone"


def test_priority_shares_are_realistic(ds):
    shares = ds.tickets["priority"].value_counts(normalize=True)
    assert shares["urgent"] < shares["important"] < shares["normal"]
    assert 0.03 < shares["urgent"] < 0.15
    urgent = ds.tickets[ds.tickets["category"] == "urgent"]
    assert (urgent["priority"] == "urgent").mean() > 0.7


def test_agents_belong_to_one_team_and_customers_repeat(ds):
    t = ds.tickets
    assert t["agent_id"].dropna().str.fullmatch(r"(ec|fs|mf|cs)-a\d{3}").all()
    assert (t.dropna(subset=["agent_id"]).groupby("agent_id")["team"].nunique() == 1).all()
    per_customer = t["customer_id"].value_counts()
    assert (per_customer >= 3).sum() > 100
    assert set(t["customer_segment"]) == {"vip", "standard"}
    assert 0.03 < (t["customer_segment"] == "vip").mean() < 0.2


def test_fewer_contacts_at_weekends(ds):
    daily = _daily(ds.tickets)
    kinds = si.demo.holidays_cn.day_kinds(daily.index)
    weekday = daily[kinds == 0].mean()
    weekend = daily[kinds == 1].mean()
    assert (weekend < 0.85 * weekday).all()


def test_national_day_dip_and_make_up_working_days(ds):
    daily = _daily(ds.tickets).sum(axis=1)
    national_day = daily["2025-10-01":"2025-10-08"].mean()
    around = pd.concat([daily["2025-09-15":"2025-09-26"], daily["2025-10-13":"2025-10-24"]])
    working_around = around[around.index.day_of_week < 5].mean()
    assert national_day < 0.7 * working_around
    # 28 Sep (Sun) and 11 Oct (Sat) 2025 were worked; they look like working days.
    kinds = si.demo.holidays_cn.day_kinds(daily.index)
    plain_weekend = daily[kinds == 1].mean()
    assert daily["2025-09-28"] > 1.1 * plain_weekend
    assert daily["2025-10-11"] > 1.1 * plain_weekend


def test_intraday_pattern(ds):
    t = ds.tickets
    hour = t["created_at"].dt.hour
    assert (hour[t["channel"] == "phone"].between(8, 19)).all()
    busy = hour.isin([9, 10, 11, 14, 15, 16, 17]).mean() / 7
    night = hour.isin([1, 2, 3, 4, 5]).mean() / 5
    lunch = (hour == 12).mean()
    assert busy > 5 * night and busy > lunch


def test_first_response_depends_on_priority_and_channel(tickets_hours):
    t = tickets_hours
    # Within a channel and outside complaints (called back by their own team).
    routine = t[(t["category"] != "complaint")]
    for channel in ("phone", "chat", "email", "app"):
        in_channel = routine[routine["channel"] == channel]
        by_priority = in_channel.groupby("priority")["frt_hours"].median()
        assert by_priority["urgent"] < by_priority["important"] < by_priority["normal"], channel
    by_channel = t.groupby("channel")["frt_hours"].median()
    assert by_channel["phone"] < 0.25 < by_channel["email"]
    target = t["priority"].map(config.FIRST_RESPONSE_TARGET_HOURS).astype(float)
    breached = (t["frt_hours"] > target).groupby(t["priority"]).mean()
    assert ((breached > 0.005) & (breached < 0.5)).all(), breached


def test_durations_are_skewed_and_last_hours_to_days(tickets_hours):
    t = tickets_hours
    resolution = t["resolution_hours"].dropna()
    assert resolution.mean() > 1.5 * resolution.median()
    by_category = t.groupby("category")["resolution_hours"].median()
    assert by_category["consultation"] < 4
    assert by_category["return"] > 48 and by_category["repair"] > 48
    assert t["handle_minutes"].mean() > t["handle_minutes"].median()


def test_open_tickets_exist_and_are_mostly_recent(tickets_hours):
    t = tickets_hours
    is_open = t["resolved_at"].isna()
    assert is_open.sum() > 100
    assert set(t.loc[is_open, "status"]) == {"open", "pending"}
    last_month = t["created_at"] >= pd.Timestamp("2026-10-01", tz="Asia/Shanghai")
    older = t["created_at"] < pd.Timestamp("2026-07-01", tz="Asia/Shanghai")
    assert is_open[last_month].mean() > 10 * is_open[older].mean()
    assert is_open[older].sum() > 0  # a few stuck tickets make an aged backlog


def test_contacts_reopens_and_escalations(ds):
    t = ds.tickets
    assert (t["contacts"] == 1).mean() > 0.7
    assert t["contacts"].between(2, 3).mean() > 0.05
    resolved = t[t["resolved_at"].notna()]
    assert 0.01 < (resolved["reopened"] > 0).mean() < 0.08
    escalated = t.groupby("category")["escalated"].mean()
    assert 0.01 < t["escalated"].mean() < 0.1
    assert escalated["complaint"] > 2 * escalated.drop("complaint").max()


def test_due_at_follows_priority(ds):
    t = ds.tickets
    hours = (t["due_at"] - t["created_at"]).dt.total_seconds() / 3600
    assert (hours == t["priority"].map(RESOLUTION_TARGET_HOURS).astype(float)).all()


def test_orders_follow_the_week_and_the_holidays(ds):
    o = ds.orders
    assert len(o) == 4 * 426
    finance = o[o["business_unit"] == "finance"].set_index("date")["orders"].astype(float)
    kinds = si.demo.holidays_cn.day_kinds(finance.index)
    assert finance[kinds == 1].mean() < 0.6 * finance[kinds == 0].mean()
    assert finance[kinds == 2].mean() < 0.5 * finance[kinds == 0].mean()
    shop = o[o["business_unit"] == "ecommerce"].set_index("date")["orders"].astype(float)
    assert shop["2025-11-11"] > 2 * shop["2025-10-20":"2025-10-31"].mean()
    assert np.isfinite(shop).all()
