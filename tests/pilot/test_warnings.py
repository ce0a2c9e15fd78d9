"""Each design warning raised by a case built to trigger it, and none in a clean case."""

import numpy as np
import pandas as pd
import pytest
from synthetic import TZ, arrivals, tickets

import svcinsight as si
from svcinsight.pilot.warnings import skew_check


def checks(result):
    return sorted({w.check for w in result.design_warnings})


def shop(rng, *, start="2026-06-22", days=42, per_day=60, chat_share=(0.5, 0.5), fcr=(0.6, 0.9),
         lift=0.0, trend=0.0, unit="shop", agents=30, pilot_start="2026-07-13"):
    """One unit's tickets: phone and chat with different FCR, an optional channel shift and lift."""
    created = arrivals(rng, start, days, per_day)
    after = np.asarray(created >= pd.Timestamp(pilot_start, tz=TZ))
    weeks = np.asarray((created - pd.Timestamp(pilot_start, tz=TZ)) / pd.Timedelta(days=7))
    chat = rng.random(len(created)) < np.where(after, chat_share[1], chat_share[0])
    p = np.where(chat, fcr[1], fcr[0]) + lift * after + trend * weeks
    frame = tickets(created, unit=unit, fcr=rng.random(len(created)) < p,
                    channel=np.where(chat, "chat", "phone"),
                    agent=np.char.add(f"{unit}-", rng.integers(0, agents, len(created)).astype(str)))
    frame["ticket_id"] = unit + "-" + frame["ticket_id"]
    return frame


def test_clean_before_after_has_no_warning(rng):
    r = si.pilot.before_after(shop(rng), metric="fcr_rate", pilot_start="2026-07-13")
    assert checks(r) == []
    assert r.warnings == ()


def test_clean_diff_in_diff_has_no_warning(rng):
    frame = pd.concat([shop(rng, lift=0.05), shop(rng, unit="north"), shop(rng, unit="south")],
                      ignore_index=True)
    r = si.pilot.diff_in_diff(frame, metric="fcr_rate", treated="shop", pilot_start="2026-07-13")
    assert checks(r) == [] and r.significant


def test_holiday_and_weekday_mix(rng):
    # three weeks before and after 28 September 2026: National Day week falls after
    frame = shop(rng, start="2026-09-07", pilot_start="2026-09-28")
    r = si.pilot.before_after(frame, metric="fcr_rate", pilot_start="2026-09-28")
    assert "holiday_mix" in checks(r) and "weekday_mix" not in checks(r)
    assert r.tables["calendar"].loc["post", "holidays"] > r.tables["calendar"].loc["pre", "holidays"]
    uneven = si.pilot.before_after(shop(rng), metric="fcr_rate", pilot_start="2026-07-13",
                                   pre=("2026-07-03", "2026-07-12"), post=("2026-07-13", "2026-07-26"))
    assert "weekday_mix" in checks(uneven)
    zh = next(w.zh for w in uneven.design_warnings if w.check == "weekday_mix")
    assert "星期构成" in zh


def test_channel_mix_shift_with_simpsons_paradox(rng):
    # FCR rises 5 pts on each channel, but the work moves from chat (90%) to phone (60%)
    frame = shop(rng, chat_share=(0.8, 0.3), lift=0.05)
    r = si.pilot.before_after(frame, metric="fcr_rate", pilot_start="2026-07-13")
    assert {"mix_shift", "simpson"} <= set(checks(r))
    table = r.tables["by_channel"]
    assert r.estimate < 0 < table.attrs["stratified"]
    assert table.attrs["stratified"] == pytest.approx(0.05, abs=0.03)
    # same shift, no lift: the mix shift is flagged, but within channels nothing changed: no paradox
    flat = si.pilot.before_after(shop(rng, chat_share=(0.8, 0.3)), metric="fcr_rate", pilot_start="2026-07-13")
    assert "mix_shift" in checks(flat) and "simpson" not in checks(flat)


def test_mix_shift_in_the_pilot_unit_only_in_diff_in_diff(rng):
    frame = pd.concat([shop(rng, chat_share=(0.8, 0.3), lift=0.03), shop(rng, unit="north"),
                       shop(rng, unit="south")], ignore_index=True)
    r = si.pilot.diff_in_diff(frame, metric="fcr_rate", treated="shop", pilot_start="2026-07-13")
    assert {"mix_shift", "simpson"} <= set(checks(r))
    assert "in the pilot unit" in next(w.en for w in r.design_warnings if w.check == "mix_shift")
    adjusted = si.pilot.diff_in_diff(frame, metric="fcr_rate", treated="shop", pilot_start="2026-07-13",
                                     adjust_for=["channel"])
    assert adjusted.ci_low < 0.03 < adjusted.ci_high and adjusted.estimate > 0


def test_few_clusters(rng):
    frame = pd.concat([shop(rng, agents=4), shop(rng, unit="north", agents=4)], ignore_index=True)
    r = si.pilot.diff_in_diff(frame, metric="fcr_rate", treated="shop", pilot_start="2026-07-13",
                              n_bootstrap=199)
    assert "few_clusters" in checks(r)
    assert "只有8个坐席聚类" in next(w.zh for w in r.design_warnings if w.check == "few_clusters")


def test_pre_trend(rng):
    drifting = shop(rng, start="2026-05-04", days=140, pilot_start="2026-07-13", trend=0.01)
    r = si.pilot.before_after(drifting, metric="fcr_rate", pilot_start="2026-07-13")
    assert "pre_trend" in checks(r)
    frame = pd.concat([drifting, shop(rng, unit="north", start="2026-05-04", days=140)], ignore_index=True)
    did = si.pilot.diff_in_diff(frame, metric="fcr_rate", treated="shop", pilot_start="2026-07-13")
    assert "pre_trend" in checks(did) and did.extra["pre_trend_pvalue"] < 0.05


def _survey(frame, rng, rate_before, rate_after, pilot_start="2026-07-13"):
    after = (frame["created_at"] >= pd.Timestamp(pilot_start, tz=TZ)).to_numpy()
    answered = frame[rng.random(len(frame)) < np.where(after, rate_after, rate_before)]
    return pd.DataFrame({
        "feedback_id": "F" + answered["ticket_id"], "ticket_id": answered["ticket_id"].to_numpy(),
        "business_unit": answered["business_unit"].to_numpy(),
        "submitted_at": answered["resolved_at"].to_numpy() + pd.Timedelta(hours=3),
        "csat": pd.array(rng.choice([2, 3, 4, 5], len(answered)), dtype="Int64"),
    })


def test_survey_response_rate_change(rng):
    frame = shop(rng)
    dropped = si.pilot.before_after(frame, metric="csat_mean", pilot_start="2026-07-13",
                                    feedback=_survey(frame, rng, 0.5, 0.3))
    assert "response_rate" in checks(dropped)
    steady = si.pilot.before_after(frame, metric="csat_mean", pilot_start="2026-07-13",
                                   feedback=_survey(frame, rng, 0.4, 0.4))
    assert "response_rate" not in checks(steady)
    north = shop(rng, unit="north")
    both = pd.concat([frame, north], ignore_index=True)
    feedback = pd.concat([_survey(frame, rng, 0.5, 0.3), _survey(north, rng, 0.5, 0.5)], ignore_index=True)
    did = si.pilot.diff_in_diff(both, metric="csat_mean", treated="shop", pilot_start="2026-07-13",
                                feedback=feedback)
    assert "response_rate" in checks(did)
    assert did.tables["response_rate"].attrs["change"] == pytest.approx(-0.2, abs=0.05)


def test_skew_too_heavy_for_the_sample(rng):
    created = arrivals(rng, "2026-06-22", 42, 3)
    # mostly instant answers, a few after days: log durations heavily skewed, n small
    frt = np.where(rng.random(len(created)) < 0.93, rng.uniform(0.01, 0.03, len(created)),
                   rng.uniform(50, 200, len(created)))
    r = si.pilot.before_after(tickets(created, frt_hours=frt), metric="frt_median_h", pilot_start="2026-07-13")
    assert "skew" in checks(r)
    fine = si.pilot.before_after(tickets(created, frt_hours=rng.lognormal(0, 1, len(created))),
                                 metric="frt_median_h", pilot_start="2026-07-13")
    assert "skew" not in checks(fine)
    assert skew_check({"a": rng.normal(size=50)}) == []


def test_forced_cluster_robust_or_iid_errors_are_flagged(rng):
    frame = pd.concat([shop(rng, agents=4), shop(rng, unit="north", agents=4)], ignore_index=True)
    forced = si.pilot.diff_in_diff(frame, metric="fcr_rate", treated="shop", pilot_start="2026-07-13",
                                   inference="cluster")
    assert "inference='cluster'" in next(w.en for w in forced.design_warnings if w.check == "few_clusters")
    big = pd.concat([shop(rng), shop(rng, unit="north")], ignore_index=True)
    naive = si.pilot.diff_in_diff(big, metric="fcr_rate", treated="shop", pilot_start="2026-07-13",
                                  inference="iid")
    assert "comparison only" in next(w.en for w in naive.design_warnings if w.check == "few_clusters")


def test_autocorrelated_daily_values_are_noted(rng):
    created = arrivals(rng, "2026-03-09", 168, 80)
    day = np.asarray((created.normalize() - pd.Timestamp("2026-03-09", tz=TZ)).days)
    shock = np.zeros(168)
    for i in range(1, 168):  # a backlog carries over: AR(1) daily shocks
        shock[i] = 0.8 * shock[i - 1] + rng.normal(0, 0.04)
    p = np.clip(0.75 + shock[day], 0, 1)
    frame = tickets(created, fcr=rng.random(len(created)) < p)
    r = si.pilot.interrupted_time_series(frame, metric="fcr_rate", pilot_start="2026-06-01")
    assert "autocorrelation" in checks(r)
    assert r.extra["lag1_autocorrelation"] > 0.3
