"""Feedback: surveys after resolution, unlinked voices, process-driven scores, comments with PII."""

from __future__ import annotations

import pandas as pd
import pytest

from svcinsight import config
from svcinsight.demo import comments

CJK = r"[\u4e00-\u9fff]"
MOBILE = r"(?<!\d)1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)"
LANDLINE = r"(?<!\d)0\d{2,3}-\d{7,8}(?!\d)"


@pytest.fixture(scope="module")
def surveys(ds, tickets_hours):
    s = ds.feedback[ds.feedback["source"] == "survey"]
    return s.merge(tickets_hours, on="ticket_id", suffixes=("", "_ticket"), validate="one_to_one")


def test_sources_and_links(ds):
    f, tickets = ds.feedback, set(ds.tickets["ticket_id"])
    assert set(f["source"]) == {"survey", "hotline", "chat", "email", "app", "social", "store"}
    linked = f["ticket_id"].notna()
    assert f.loc[linked, "ticket_id"].isin(tickets).all()
    assert (f.loc[linked, "source"] == "survey").all()
    unlinked = f[~linked]
    assert len(unlinked) > 0.03 * len(ds.tickets)
    assert unlinked["csat"].notna().any() and unlinked["csat"].isna().any()
    assert unlinked.loc[unlinked["source"] == "social", "comment"].notna().all()


def test_survey_response_rate(ds, surveys):
    resolved = ds.tickets["resolved_at"].notna().sum()
    assert 0.25 < len(surveys) / resolved < 0.40
    assert surveys["csat"].notna().all()
    assert 0.5 < surveys["nps"].notna().mean() < 0.9
    assert 0.3 < surveys["ces"].notna().mean() < 0.8


def test_surveys_arrive_within_a_day_of_resolution(surveys):
    delay = surveys["submitted_at"] - surveys["resolved_at"]
    assert (delay > pd.Timedelta(0)).all()
    assert (delay <= pd.Timedelta(hours=config.SURVEY_WITHIN_HOURS)).all()


def test_satisfaction_follows_the_process(surveys):
    s = surveys
    csat = s["csat"].astype(float)
    clean = (s["contacts"] == 1) & (s["reopened"] == 0)
    assert csat[clean].mean() > csat[s["reopened"] > 0].mean() + 1.0
    assert csat[clean].mean() > csat[s["contacts"] >= 2].mean() + 0.5
    by_category = csat.groupby(s["category"]).mean()
    assert by_category["complaint"] < by_category["consultation"] - 0.3
    target = s["priority"].map(config.FIRST_RESPONSE_TARGET_HOURS).astype(float)
    late = s["frt_hours"] > 4 * target
    assert csat[late].mean() < csat[~late].mean() - 0.2
    assert 0.65 < (csat >= 4).mean() < 0.9
    nps = s["nps"].dropna().astype(float)
    assert nps[csat[nps.index] >= 4].mean() > nps[csat[nps.index] <= 2].mean() + 3


def test_comments_are_bilingual_and_name_issues(ds):
    text = ds.feedback["comment"].dropna()
    chinese = text.str.contains(CJK)
    assert 0.5 < chinese.mean() < 0.9
    assert text[~chinese].str.contains(r"[A-Za-z]{4,}").all()
    for phrase in ("质检", "QC", "退款", "refund", "态度", "rude", "反复", "again and again",
                   "贷款材料", "loan documents", "on hold", "damaged"):
        assert text.str.contains(phrase).any(), phrase
    positive = text.str.contains("很快就解决了|Quick and helpful|friendly and patient")
    assert positive.mean() > 0.1


def test_low_scores_get_comments_about_their_own_ticket(ds, events_hours, surveys):
    pending = events_hours[events_hours["stage"] == "qc result pending"]
    qc_hours = pending.groupby("ticket_id")["hours"].sum()
    qc_comments = surveys[surveys["comment"].fillna("").str.contains("质检|QC")]
    assert len(qc_comments) > 20
    assert (qc_hours.reindex(qc_comments["ticket_id"]).fillna(0) > 30).all()
    rude = surveys[surveys["comment"].fillna("").str.contains("态度很差|说话很冲|rude|unfriendly")]
    assert len(rude) > 10 and (rude["csat"] <= 3).all()
    not_fixed = "根本没解决|问题还在|still there|had to reopen"
    reopened = surveys[surveys["comment"].fillna("").str.contains(not_fixed)]
    assert (reopened["reopened"] > 0).all()


def test_comments_carry_pii_to_redact(ds):
    text = ds.feedback["comment"].dropna()
    assert text.str.contains(MOBILE).sum() > 50
    assert text.str.contains(LANDLINE).sum() > 10
    assert text.str.contains(r"\+86").sum() > 10
    emails = text.str.extractall(r"[\w.]+@([\w.]+\w)")[0]
    assert len(emails) > 20 and set(emails) <= {"example.com", "example.cn"}
    assert text.str.contains("4111 1111 1111 1111").any()
    assert text.str.contains("11010519491231002X").any()
    assert text.str.contains(MOBILE).mean() < 0.2  # most comments have none


def test_card_and_id_number_are_the_published_test_values():
    digits = [int(d) for d in comments._TEST_CARD.replace(" ", "")][::-1]
    luhn = sum(d if i % 2 == 0 else (2 * d if d < 5 else 2 * d - 9) for i, d in enumerate(digits))
    assert luhn % 10 == 0
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    number = comments._EXAMPLE_ID_NUMBER
    check = "10X98765432"[sum(int(c) * w for c, w in zip(number[:17], weights)) % 11]
    assert number[17] == check


def test_low_scores_are_followed_up_some_late_some_never(ds):
    f = ds.feedback
    followed = f["followed_up_at"].notna()
    assert (f.loc[followed, "csat"] <= config.LOW_CSAT_THRESHOLD).all()
    low = f[f["csat"] <= config.LOW_CSAT_THRESHOLD]
    delay = (low["followed_up_at"] - low["submitted_at"]).dt.total_seconds() / 3600
    assert (delay.dropna() > 0).all()
    assert 0.4 < (delay <= config.LOW_SCORE_FOLLOWUP_HOURS).mean() < 0.7
    assert 0.15 < (delay > config.LOW_SCORE_FOLLOWUP_HOURS).mean() < 0.45
    assert 0.05 < delay.isna().mean() < 0.3


def test_every_theme_occurs(ds):
    text = ds.feedback["comment"].dropna()
    for key, theme in comments.THEMES.items():
        fixed = [t for t in theme.zh + theme.en if "{" not in t]
        pattern = "|".join(pd.Series(fixed).str.replace(r"([.?'!()])", r"\\\1", regex=True))
        assert text.str.contains(pattern).any(), key
