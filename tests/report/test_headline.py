import numpy as np
import pandas as pd
import pytest

from svcinsight.pages.headline import format_headline, headline

TZ = "Asia/Shanghai"


def ts(text):
    return pd.Timestamp(text, tz=TZ) if text else pd.NaT


def tickets_frame(rows):
    cols = ["ticket_id", "priority", "category", "created_at", "first_response_at", "resolved_at"]
    frame = pd.DataFrame(rows, columns=cols)
    for c in cols[3:]:
        frame[c] = pd.to_datetime(frame[c].map(ts))
    return frame


@pytest.fixture
def tickets():
    return tickets_frame([
        # previous month (September)
        ("p1", "normal", "request", "2026-09-10 09:00", "2026-09-10 10:00", "2026-09-11 09:00"),
        ("p2", "normal", "complaint", "2026-09-29 09:00", None, None),          # open into October
        # report month (October)
        ("a", "urgent", "complaint", "2026-10-01 09:00", "2026-10-01 09:20", "2026-10-01 11:00"),  # SLA met
        ("b", "urgent", "request", "2026-10-02 09:00", "2026-10-02 10:00", "2026-10-03 09:00"),    # late
        ("c", "important", "request", "2026-10-05 09:00", None, None),        # unanswered, breached
        ("d", "normal", "request", "2026-10-31 12:00", None, None),           # unanswered, not yet due
        ("e", None, "consultation", "2026-10-20 09:00", "2026-10-20 21:00", "2026-10-21 09:00"),   # no priority = normal
    ])


def test_headline_numbers_match_hand_counts(tickets):
    h = headline(tickets, month=pd.Period("2026-10", "M"), as_of=ts("2026-11-01 00:00")).set_index("metric")
    assert h.loc["tickets_created", "value"] == 5
    assert h.loc["resolution_rate", ["numerator", "denominator"]].tolist() == [3, 5]
    # responses: a 20 min, b 60 min, e 12 h -> median 1 h
    assert h.loc["frt_median_h", "value"] == pytest.approx(1.0)
    # achieved: a (20 min <= 30), e (12 h <= 24); breached: b (60 min > 30), c (unanswered
    # 26 days > 2 h); d is still within its 24 h at as_of: active, counted neither way
    assert h.loc["first_response_sla_rate", ["numerator", "denominator"]].tolist() == [2, 4]
    # resolution: a 2 h, b 24 h, e 24 h
    assert h.loc["resolution_median_h", "value"] == pytest.approx(24.0)
    # open at the end of October: p2, c, d
    assert h.loc["backlog_open", "value"] == 3
    assert h.loc["complaint_rate", "value"] == pytest.approx(1 / 5)


def test_previous_month_is_measured_at_its_own_month_end(tickets):
    h = headline(tickets, month=pd.Period("2026-10", "M"), as_of=ts("2026-11-01")).set_index("metric")
    assert h.loc["tickets_created", "previous"] == 2
    assert h.loc["backlog_open", "previous"] == 1     # p2 open on 30 September
    assert h.loc["tickets_created", "change"] == 3


def test_empty_month_gives_nan_not_an_error(tickets):
    h = headline(tickets, month=pd.Period("2027-03", "M"), as_of=ts("2027-04-01")).set_index("metric")
    assert h.loc["tickets_created", "value"] == 0
    assert np.isnan(h.loc["resolution_rate", "value"])
    assert np.isnan(h.loc["frt_median_h", "value"])


def test_csat_from_feedback_submitted_in_month(tickets):
    fb = pd.DataFrame({
        "csat": pd.array([5, 3, 4, pd.NA], dtype="Int64"),
        "submitted_at": [ts("2026-10-02"), ts("2026-10-03"), ts("2026-09-03"), ts("2026-10-04")],
    })
    h = headline(tickets, fb, month=pd.Period("2026-10", "M"), as_of=ts("2026-11-01")).set_index("metric")
    assert h.loc["csat_mean", "value"] == pytest.approx(4.0)
    assert h.loc["csat_mean", "n"] == 2


def test_formatted_table_in_both_languages(tickets):
    h = headline(tickets, month=pd.Period("2026-10", "M"), as_of=ts("2026-11-01"))
    en = format_headline(h, "en").set_index("Metric")
    assert en.loc["Resolution rate", "This month"] == "60.0%"
    zh = format_headline(h, "zh")
    assert list(zh.columns) == ["指标", "本月", "上月", "变化"]
    assert "解决率" in set(zh["指标"])
