"""Before/after: each metric kind goes to its comparison, on exactly the rows of the windows."""

import numpy as np
import pandas as pd
import pytest
from synthetic import TZ, arrivals, tickets

import svcinsight as si
from svcinsight import stats

START = "2026-06-01"


@pytest.fixture
def shop(rng):
    created = arrivals(rng, "2026-04-20", 84, 30)
    after = created >= pd.Timestamp(START, tz=TZ)
    frt = rng.lognormal(np.log(2.0), 1.0, len(created)) * np.where(after, 0.7, 1.0)
    fcr = rng.random(len(created)) < np.where(after, 0.85, 0.78)
    frame = tickets(created, frt_hours=frt, fcr=fcr,
                    channel=rng.choice(["chat", "phone"], len(created)))
    answered = frame.sample(frac=0.5, random_state=1)
    feedback = pd.DataFrame({
        "feedback_id": [f"F{i}" for i in range(len(answered))],
        "ticket_id": answered["ticket_id"].to_numpy(),
        "business_unit": "shop",
        "submitted_at": answered["resolved_at"].to_numpy() + pd.Timedelta(hours=2),
        "csat": pd.array(rng.choice([1, 2, 3, 4, 5], len(answered), p=[.05, .05, .15, .4, .35]), dtype="Int64"),
        "nps": pd.array(rng.integers(0, 11, len(answered)), dtype="Int64"),
        "ces": pd.array(rng.integers(1, 8, len(answered)), dtype="Int64"),
    })
    return frame, feedback


def windows_rows(frame, column="created_at"):
    at = frame[column]
    pre = (at >= pd.Timestamp("2026-04-20", tz=TZ)) & (at < pd.Timestamp(START, tz=TZ))
    post = (at >= pd.Timestamp(START, tz=TZ)) & (at < pd.Timestamp("2026-07-13", tz=TZ))
    return frame[pre], frame[post]


def test_proportion_uses_the_counts_of_the_windows(shop):
    frame, _ = shop
    r = si.pilot.before_after(frame, metric="fcr_rate", pilot_start=START)
    before, after = windows_rows(frame)
    def solved(f):
        return int((f["contacts"] == 1).sum())
    expected = stats.compare_proportions(solved(before), len(before), solved(after), len(after))
    assert (r.estimate, r.ci_low, r.ci_high, r.pvalue) == pytest.approx(
        (expected.estimate, expected.ci_low, expected.ci_high, expected.pvalue), rel=1e-12)
    assert r.windows.pre.weeks == r.windows.post.weeks == 6
    assert r.metric == "fcr_rate" and r.design == "before_after" and r.n1 == len(before)
    assert r.summary().startswith("First contact resolution rose")


def test_duration_is_a_ratio_of_geometric_means_and_switches_to_km_with_open_tickets(shop):
    frame, _ = shop
    r = si.pilot.before_after(frame, metric="frt_median_h", pilot_start=START)
    before, after = windows_rows(frame)
    def hours(f):
        return (f["first_response_at"] - f["created_at"]).dt.total_seconds() / 3600
    expected = stats.compare_durations(hours(before), hours(after))
    assert r.estimate == pytest.approx(expected.estimate, rel=1e-10)
    assert r.effect_kind == "ratio" and r.unit == "h" and 0.6 < r.estimate < 0.8
    # still-unanswered tickets at as_of: censored, Kaplan-Meier medians and the log-rank test
    late = frame.copy()
    recent = late["created_at"] > pd.Timestamp("2026-07-10", tz=TZ)
    late.loc[recent, ["first_response_at", "resolved_at"]] = pd.NaT
    km = si.pilot.before_after(late, metric="frt_km_median_h", pilot_start=START,
                               as_of=pd.Timestamp("2026-07-13", tz=TZ))
    assert km.value_kind == "km_median" and km.extra["censored2"] == int(
        (recent & (late["created_at"] < pd.Timestamp("2026-07-13", tz=TZ))).sum())


def test_satisfaction_kinds(shop):
    frame, feedback = shop
    csat = si.pilot.before_after(frame, metric="csat_mean", pilot_start=START, feedback=feedback)
    assert csat.metric_kind == "ordinal" and csat.effect_kind == "probability"
    nps = si.pilot.before_after(frame, metric="nps", pilot_start=START, feedback=feedback)
    before, after = windows_rows(feedback, "submitted_at")
    expected = stats.compare_nps(before["nps"], after["nps"])
    assert nps.estimate == pytest.approx(expected.estimate) and nps.unit == "pts"
    ces = si.pilot.before_after(frame, metric="ces_mean", pilot_start=START, feedback=feedback)
    assert ces.metric_kind == "mean" and ces.method == "Welch t-test"
    rate = si.pilot.before_after(frame, metric="survey_response_rate", pilot_start=START, feedback=feedback)
    assert 0.4 < rate.value1 < 0.6


def test_unit_filter_and_chinese_sentence(shop):
    frame, _ = shop
    other = frame.assign(business_unit="other", ticket_id="X" + frame["ticket_id"])
    both = pd.concat([frame, other], ignore_index=True)
    r = si.pilot.before_after(both, metric="fcr_rate", pilot_start=START, unit="shop")
    alone = si.pilot.before_after(frame, metric="fcr_rate", pilot_start=START)
    assert (r.n1, r.n2, r.estimate) == (alone.n1, alone.n2, alone.estimate)
    assert r.summary("zh").startswith("首次解决率从")


def test_metrics_without_per_ticket_values_are_refused(shop):
    frame, _ = shop
    with pytest.raises(ValueError, match="pilot designs compare metrics of kind"):
        si.pilot.before_after(frame, metric="tickets_created", pilot_start=START)
    with pytest.raises(ValueError, match="needs feedback"):
        si.pilot.before_after(frame, metric="csat_mean", pilot_start=START)
