"""Difference-in-differences on ticket tables: the effect, its scale, clusters, warnings."""

import numpy as np
import pandas as pd
import pytest
from synthetic import TZ, arrivals, tickets

import svcinsight as si

START = "2026-06-01"


def units_frame(rng, *, agents_per_unit=20, units=("pilot", "north", "south"), frt_ratio=0.7,
                fcr_lift=0.05, per_day=60):
    frames = []
    for k, unit in enumerate(units):
        created = arrivals(rng, "2026-04-06", 112, per_day)
        after = created >= pd.Timestamp(START, tz=TZ)
        treated = unit == units[0]
        agent = rng.integers(0, agents_per_unit, len(created))
        skill = rng.normal(0, 0.3, agents_per_unit)[agent]
        frt = np.exp(np.log(1.5) + 0.2 * k + skill + rng.normal(0, 0.8, len(created)))
        frt *= np.where(after & treated, frt_ratio, 1.0)
        fcr = rng.random(len(created)) < 0.75 + np.where(after & treated, fcr_lift, 0.0)
        frame = tickets(created, unit=unit, frt_hours=frt, fcr=fcr,
                        agent=np.char.add(f"{unit}-", agent.astype(str)))
        frame["ticket_id"] = unit + "-" + frame["ticket_id"]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def test_log_scale_effect_is_a_ratio_and_the_cells_explain_it(rng):
    frame = units_frame(rng)
    r = si.pilot.diff_in_diff(frame, metric="frt_median_h", treated="pilot", pilot_start=START)
    assert r.effect_kind == "ratio" and r.ci_low < 0.7 < r.ci_high
    cells = r.tables["cells"]
    assert cells["clusters"].tolist() == [20, 20, 40, 40]
    assert r.extra["clusters"] == 60 and r.extra["treated_clusters"] == 20
    assert r.method.endswith("cluster-robust (CR1) errors by agent_id")
    # the crude 2 x 2 ratio of geometric means is close to the regression's
    crude = (cells.loc[("pilot", "after"), "value"] / cells.loc[("pilot", "before"), "value"]) / (
        cells.loc[("controls", "after"), "value"] / cells.loc[("controls", "before"), "value"])
    assert crude == pytest.approx(r.estimate, rel=0.03)
    assert r.value2 == pytest.approx(cells.loc[("pilot", "after"), "value"])
    assert r.value1 == pytest.approx(r.value2 / r.estimate)
    assert r.n2 == cells.loc["pilot", "rows"].sum()
    assert "against the control units" in r.summary() and "相对对照单元" in r.summary("zh")
    row = r.to_frame().iloc[0]
    assert row["design"] == "diff_in_diff" and row["metric_id"] == "frt_median_h"


def test_proportion_effect_in_points_and_explicit_controls(rng):
    frame = units_frame(rng)
    r = si.pilot.diff_in_diff(frame, metric="fcr_rate", treated="pilot", controls=["north"],
                              pilot_start=START)
    assert r.effect_kind == "difference" and r.unit == "%" and r.ci_low < 0.05 < r.ci_high
    assert r.extra["control_units"] == "north" and r.tables["cells"].loc["controls", "clusters"].max() == 20


def test_few_clusters_switch_to_the_wild_bootstrap_with_a_warning(rng):
    frame = units_frame(rng, agents_per_unit=5)
    r = si.pilot.diff_in_diff(frame, metric="fcr_rate", treated="pilot", pilot_start=START,
                              n_bootstrap=199)
    assert r.method.startswith("OLS") and "wild cluster bootstrap" in r.method
    assert [w.check for w in r.design_warnings if w.check == "few_clusters"] == ["few_clusters"]
    assert r.ci_low < r.estimate < r.ci_high
    forced = si.pilot.diff_in_diff(frame, metric="fcr_rate", treated="pilot", pilot_start=START,
                                   inference="cluster")
    assert "CR1" in forced.method and forced.estimate == pytest.approx(r.estimate)
    # team-level clusters: a unit is one cluster, far too few
    teams = frame.assign(team=frame["business_unit"])
    coarse = si.pilot.diff_in_diff(teams, metric="fcr_rate", treated="pilot", pilot_start=START,
                                   cluster="team", n_bootstrap=199)
    assert coarse.extra["clusters"] == 3 and "Webb" in coarse.method


def test_open_tickets_are_left_out_with_a_warning(rng):
    frame = units_frame(rng)
    recent = frame["created_at"] > pd.Timestamp("2026-07-20", tz=TZ)
    frame.loc[recent, ["first_response_at", "resolved_at"]] = pd.NaT
    r = si.pilot.diff_in_diff(frame, metric="frt_km_median_h", treated="pilot", pilot_start=START,
                              as_of=pd.Timestamp("2026-07-27", tz=TZ))
    assert any(w.check == "censored" for w in r.design_warnings)


def test_bad_units_are_clear_errors(rng):
    frame = units_frame(rng, units=("pilot", "north"))
    with pytest.raises(ValueError, match="pilot unit"):
        si.pilot.diff_in_diff(frame, metric="fcr_rate", treated="south", pilot_start=START)
    with pytest.raises(ValueError, match="control unit"):
        si.pilot.diff_in_diff(frame, metric="fcr_rate", treated="pilot", controls=["west"], pilot_start=START)
    with pytest.raises(ValueError, match="at least one control"):
        si.pilot.diff_in_diff(frame[frame["business_unit"] == "pilot"], metric="fcr_rate",
                              treated="pilot", pilot_start=START)
