"""Each metric on small hand-built tables; expected numbers are worked out in comments."""

import numpy as np
import pandas as pd
import pytest

from svcinsight import metrics

TZ = "Asia/Shanghai"


def ts(text):
    return pd.Timestamp(text, tz=TZ) if text else pd.NaT


def frame(columns, rows, time_cols):
    out = pd.DataFrame(rows, columns=columns)
    for c in time_cols:
        out[c] = pd.to_datetime(out[c].map(ts))
        if out[c].dt.tz is None:  # all empty: still a tz-aware column, as loaders give
            out[c] = out[c].dt.tz_localize(TZ)
    return out


TICKET_COLS = ["ticket_id", "channel", "category", "priority", "created_at", "first_response_at",
               "resolved_at", "due_at", "contacts", "reopened", "escalated", "agent_id", "handle_minutes"]
TIMES = ["created_at", "first_response_at", "resolved_at", "due_at"]


@pytest.fixture
def tickets():
    rows = [
        # September
        ("s1", "chat", "request", "normal", "2026-09-30 22:00", "2026-09-30 23:00", "2026-10-01 02:00", None, 1, 0, False, "a1", 10.0),  # crosses into October
        ("s2", "phone", "complaint", "important", "2026-09-15 09:00", "2026-09-15 09:30", None, "2026-09-16 09:00", 1, 0, True, "a1", 20.0),  # open, past due
        # October
        ("o1", "chat", "complaint", "urgent", "2026-10-01 09:00", "2026-10-01 09:10", "2026-10-01 10:00", "2026-10-01 12:00", 1, 0, False, "a1", 5.0),
        ("o2", "chat", "request", "urgent", "2026-10-02 09:00", "2026-10-02 10:00", "2026-10-03 09:00", "2026-10-02 12:00", 2, 0, True, "a2", 30.0),
        ("o3", "chat", "request", "normal", "2026-10-03 09:00", "2026-10-03 11:00", "2026-10-04 09:00", None, 1, 1, False, "a2", None),
        ("o4", "phone", "consultation", "important", "2026-10-31 23:00", None, None, None, None, None, None, None, None),  # no response yet, within 2 h at as_of
        ("o5", "phone", "complaint", None, "2026-10-10 09:00", None, None, None, None, None, None, None, None),  # unanswered > 24 h: breached
    ]
    return frame(TICKET_COLS, rows, TIMES)


AS_OF = ts("2026-11-01 00:00")


def value(result, metric, period, **groups):
    sel = (result["metric"] == metric) & (result["period"] == pd.Period(period, "M"))
    for col, v in groups.items():
        sel &= result[col] == v
    (row,) = result[sel].to_dict("records")
    return row


def test_volume_and_backlog_across_a_period_boundary(tickets):
    m = metrics.compute(tickets, as_of=AS_OF)
    assert value(m, "tickets_created", "2026-10")["value"] == 5
    assert value(m, "tickets_created", "2026-09")["value"] == 2
    # s1 was created in September and resolved in October: resolved for its September cohort
    assert value(m, "tickets_resolved", "2026-09")["value"] == 1
    # open at 1 October 00:00: s1 (resolved 02:00 that day) and s2
    assert value(m, "backlog_open", "2026-09")["value"] == 2
    # open at as_of = 1 November: s2, o4, o5
    assert value(m, "backlog_open", "2026-10")["value"] == 3
    r = value(m, "resolution_rate", "2026-10")
    assert (r["numerator"], r["denominator"], r["value"]) == (3, 5, pytest.approx(0.6))


def test_first_response_sla_active_vs_breached_at_as_of(tickets):
    m = metrics.compute(tickets, as_of=AS_OF)
    r = value(m, "first_response_sla_rate", "2026-10")
    # o1 urgent 10 min: achieved; o2 urgent 60 min: breached; o3 normal 2 h: achieved;
    # o4 important, unanswered 1 h at as_of: active; o5 no priority (= normal), unanswered 21 days: breached
    assert (r["numerator"], r["denominator"]) == (2, 4)
    # one hour later o4 (2 h target) is still active; two hours later it is breached
    later = metrics.compute(tickets, as_of=ts("2026-11-01 01:30"), metrics=["first_response_sla_rate"])
    assert value(later, "first_response_sla_rate", "2026-10")["denominator"] == 5


def test_resolution_sla_against_due_at(tickets):
    m = metrics.compute(tickets, as_of=AS_OF, metrics=["resolution_sla_rate"])
    # October: o1 resolved 10:00 <= due 12:00 achieved; o2 resolved next day > due breached; others no due_at
    r = value(m, "resolution_sla_rate", "2026-10")
    assert (r["numerator"], r["denominator"]) == (1, 2)
    # September: s2 unresolved and past due at as_of: breached
    r = value(m, "resolution_sla_rate", "2026-09")
    assert (r["numerator"], r["denominator"]) == (0, 1)


def test_durations_plain_and_kaplan_meier(tickets):
    m = metrics.compute(tickets, as_of=AS_OF)
    # October answered: o1 1/6 h, o2 1 h, o3 2 h -> median 1 h, mean 7/6 h
    assert value(m, "frt_median_h", "2026-10")["value"] == pytest.approx(1.0)
    assert value(m, "frt_mean_h", "2026-10")["value"] == pytest.approx((1 / 6 + 1 + 2) / 3)
    assert value(m, "frt_median_h", "2026-10")["n"] == 3
    # p90 by linear interpolation over [1/6, 1, 2]: 1 + 0.8 * (2 - 1)
    assert value(m, "frt_p90_h", "2026-10")["value"] == pytest.approx(1.8)
    km = value(m, "frt_km_median_h", "2026-10")
    # 5 tickets, 2 censored (o4 at 1 h, o5 at 519 h). KM: S drops at 1/6 (4/5), at 1 h
    # (o4's censoring at 1 h comes after the event at 1 h) S = 4/5 * 3/4 = 0.6, at 2 h S = 0.6 * 1/2 = 0.3
    # -> median 2 h, above the plain median of 1 h: the plain one is biased low
    assert (km["numerator"], km["denominator"]) == (3, 5)
    assert km["value"] == pytest.approx(2.0)
    # resolution: o1 1 h, o2 24 h, o3 24 h
    assert value(m, "resolution_median_h", "2026-10")["value"] == pytest.approx(24.0)


def test_fcr_reopen_escalation_complaints(tickets):
    m = metrics.compute(tickets, as_of=AS_OF)
    # October resolved: o1 (1 contact, not reopened) FCR; o2 (2 contacts) no; o3 (reopened) no
    r = value(m, "fcr_rate", "2026-10")
    assert (r["numerator"], r["denominator"]) == (1, 3)
    r = value(m, "reopen_rate", "2026-10")
    assert (r["numerator"], r["denominator"]) == (1, 3)
    # escalated known for o1, o2, o3 only; o2 escalated
    r = value(m, "escalation_rate", "2026-10")
    assert (r["numerator"], r["denominator"]) == (1, 3)
    r = value(m, "complaint_rate", "2026-10")
    assert (r["numerator"], r["denominator"]) == (2, 5)


def test_productivity(tickets):
    m = metrics.compute(tickets, as_of=AS_OF)
    # resolved in October (by resolved_at): s1 a1 on 1 Oct, o1 a1 on 1 Oct, o2 a2 on 3 Oct, o3 a2 on 4 Oct
    # agent-days: (a1, 1 Oct), (a2, 3 Oct), (a2, 4 Oct) -> 4 / 3
    r = value(m, "resolved_per_agent_day", "2026-10")
    assert (r["numerator"], r["denominator"]) == (4, 3)
    assert value(m, "handle_minutes_median", "2026-10")["value"] == pytest.approx(17.5)  # 5 and 30


def test_groups_and_empty_groups(tickets):
    m = metrics.compute(tickets, by="channel", as_of=AS_OF)
    assert value(m, "tickets_created", "2026-10", channel="chat")["value"] == 3
    # phone in October: o4 and o5 unanswered -> no first response time: NaN with n = 0
    r = value(m, "frt_median_h", "2026-10", channel="phone")
    assert np.isnan(r["value"]) and r["n"] == 0
    # chat in September has s1; a channel absent in a period still gets rows
    r = value(m, "fcr_rate", "2026-09", channel="phone")
    assert np.isnan(r["value"]) and r["n"] == 0 and r["denominator"] == 0
    assert value(m, "tickets_created", "2026-09", channel="phone")["value"] == 1


def test_missing_group_values_are_kept_as_unknown(tickets):
    t = tickets.copy()
    t.loc[t["ticket_id"] == "o5", "channel"] = pd.NA
    m = metrics.compute(t, by="channel", as_of=AS_OF, metrics=["tickets_created"])
    assert value(m, "tickets_created", "2026-10", channel="(unknown)")["value"] == 1
    assert m.loc[m["period"] == pd.Period("2026-10", "M"), "value"].sum() == 5


FEEDBACK_COLS = ["feedback_id", "ticket_id", "submitted_at", "csat", "nps", "ces", "followed_up_at"]


@pytest.fixture
def feedback():
    rows = [
        ("f1", "o1", "2026-10-01 12:00", 5, 10, 1, None),
        ("f2", "o2", "2026-10-03 10:00", 2, 3, 6, "2026-10-03 10:30"),   # low, followed up in 30 min
        ("f3", "o3", "2026-10-04 10:00", 3, 8, 3, "2026-10-04 13:00"),   # low, followed up after 3 h
        ("f4", None, "2026-10-20 10:00", 1, 0, None, None),              # low, never followed up: breached
        ("f5", None, "2026-10-31 23:30", 2, None, None, None),           # low, inside the hour at as_of: active
        ("f6", "s1", "2026-09-30 23:30", 4, 9, 2, None),
    ]
    fb = frame(FEEDBACK_COLS, rows, ["submitted_at", "followed_up_at"])
    for c in ("csat", "nps", "ces"):
        fb[c] = fb[c].astype("Int64")
    return fb


def test_satisfaction(tickets, feedback):
    m = metrics.compute(tickets, feedback, as_of=AS_OF)
    r = value(m, "csat_mean", "2026-10")
    assert (r["numerator"], r["denominator"]) == (13, 5) and r["value"] == pytest.approx(2.6)
    assert value(m, "csat_top2_rate", "2026-10")["numerator"] == 1
    # NPS October: 10 promoter; 3, 0 detractors; 8 passive -> 100 * (1 - 2) / 4
    assert value(m, "nps", "2026-10")["value"] == pytest.approx(-25.0)
    assert value(m, "ces_mean", "2026-10")["value"] == pytest.approx(10 / 3)
    # low scores in October: f2 achieved, f3 and f4 breached, f5 active
    r = value(m, "low_score_followup_1h_rate", "2026-10")
    assert (r["numerator"], r["denominator"]) == (1, 3)
    # survey response: October resolved o1, o2, o3 all answered; September s1 answered
    r = value(m, "survey_response_rate", "2026-10")
    assert (r["numerator"], r["denominator"]) == (3, 3)


def test_no_feedback_in_a_group(tickets, feedback):
    m = metrics.compute(tickets, feedback, by="channel", as_of=AS_OF)
    # phone tickets have no linked feedback; unlinked feedback goes to (unknown)
    r = value(m, "csat_mean", "2026-10", channel="phone")
    assert np.isnan(r["value"]) and r["n"] == 0
    assert value(m, "csat_mean", "2026-10", channel="(unknown)")["n"] == 2
    assert value(m, "csat_mean", "2026-10", channel="chat")["value"] == pytest.approx(10 / 3)


def test_complaints_per_thousand_orders_and_zero_orders(tickets):
    orders = pd.DataFrame({
        "date": pd.to_datetime(["2026-09-10", "2026-10-05", "2026-10-20"]),
        "orders": pd.array([0, 600, 400], dtype="Int64"),
    })
    m = metrics.compute(tickets, orders=orders, as_of=AS_OF, metrics=["complaints_per_1k_orders"])
    r = value(m, "complaints_per_1k_orders", "2026-10")
    assert (r["numerator"], r["denominator"], r["value"]) == (2, 1000, pytest.approx(2.0))
    r = value(m, "complaints_per_1k_orders", "2026-09")  # zero orders: NaN, never inf
    assert np.isnan(r["value"]) and r["n"] == 0


def test_changes_period_over_period_and_year_over_year(tickets):
    older = frame(TICKET_COLS, [("y1", "chat", "request", "normal", "2025-10-05 09:00", None, None, None,
                                 1, 0, False, "a1", 5.0)], TIMES)
    m = metrics.compute(pd.concat([tickets, older]), as_of=AS_OF, metrics=["tickets_created"], changes=True)
    r = value(m, "tickets_created", "2026-10")
    assert (r["previous"], r["change"], r["year_ago"], r["yoy_change"]) == (2, 3, 1, 4)


def test_weekly_periods_run_monday_to_sunday(tickets):
    m = metrics.compute(tickets, freq="W", as_of=AS_OF, metrics=["tickets_created"])
    week = m[m["period"] == pd.Period("2026-10-01", "W-SUN")]
    # week of Mon 28 Sep - Sun 4 Oct: s1 (30 Sep), o1, o2, o3
    assert week["value"].item() == 4


def test_catalogue_lists_every_required_metric():
    required = ["tickets_created", "tickets_resolved", "backlog_open", "frt_median_h", "frt_p90_h", "frt_mean_h", "first_response_sla_rate", "resolution_median_h", "resolution_p90_h", "resolution_sla_rate", "resolution_rate", "fcr_rate", "reopen_rate", "escalation_rate", "csat_mean", "csat_top2_rate", "nps", "ces_mean", "survey_response_rate", "complaint_rate", "complaints_per_1k_orders", "low_score_followup_1h_rate", "resolved_per_agent_day", "handle_minutes_median"]
    c = metrics.catalog()
    assert set(required) <= set(c.index)
    assert c["direction"].isin(["higher", "lower", "neutral"]).all()
    assert c["label_zh"].str.len().gt(0).all() and c["definition"].str.len().gt(20).all()


def test_rejects_naive_timestamps():
    t = pd.DataFrame({"ticket_id": ["a"], "created_at": [pd.Timestamp("2026-10-01")]})
    with pytest.raises(ValueError, match="timezone-aware"):
        metrics.compute(t)
    t = pd.DataFrame({"ticket_id": ["a"], "created_at": [ts("2026-10-01")],
                      "resolved_at": [pd.Timestamp("2026-10-02")]})
    with pytest.raises(ValueError, match="resolved_at"):
        metrics.compute(t)


def test_business_calendar_clock_for_durations_and_sla():
    from svcinsight.calendar import BusinessCalendar

    cal = BusinessCalendar({"mon-fri": [("09:00", "12:00"), ("13:30", "18:00")]}, holidays="CN")
    # Tuesday 30 Sep 2025 17:00 -> Thursday 9 Oct 10:00 spans the National Day holiday week:
    # 1 working hour on the 30th (17-18) and 1 on the 9th (9-10)
    rows = [("h1", "chat", "request", "important", "2025-09-30 17:00", "2025-10-09 10:00", None, None,
             1, 0, False, "a1", 5.0)]
    t = frame(TICKET_COLS, rows, TIMES)
    as_of = ts("2025-10-10 00:00")
    elapsed = metrics.compute(t, as_of=as_of, metrics=["frt_median_h", "first_response_sla_rate"])
    business = metrics.compute(t, as_of=as_of, calendar=cal, metrics=["frt_median_h", "first_response_sla_rate"])
    assert value(elapsed, "frt_median_h", "2025-09")["value"] == pytest.approx(209.0)
    assert value(business, "frt_median_h", "2025-09")["value"] == pytest.approx(2.0)
    # important = 2 h: breached on the elapsed clock, achieved on the business clock
    assert value(elapsed, "first_response_sla_rate", "2025-09")["value"] == 0.0
    assert value(business, "first_response_sla_rate", "2025-09")["value"] == 1.0
