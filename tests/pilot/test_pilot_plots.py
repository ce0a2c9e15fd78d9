import matplotlib

import svcinsight as si
from svcinsight.pages import pilot_charts as plots

matplotlib.use("Agg")


def test_metric_over_time_draws_pilot_and_controls_with_windows(demo):
    r = si.pilot.diff_in_diff(demo.tickets, metric="fcr_rate", treated="ecommerce", pilot_start="2026-06-01",
                              pre="8W", post="8W")
    ax = plots.metric_over_time(demo.tickets, metric="fcr_rate", treated="ecommerce",
                                pilot_start="2026-06-01", windows=r.windows, language="zh")
    pilot, controls = ax.get_lines()[:2]
    assert len(pilot.get_xdata()) == 17  # the week before the windows and their 16 weeks
    assert max(pilot.get_ydata()) <= 100 and min(controls.get_ydata()) > 50  # percentages
    assert ax.get_ylabel() == "首次解决率 (%)"
    assert len(ax.patches) == 2  # the two shaded windows


def test_panels_one_per_metric_and_no_show(demo, monkeypatch):
    import matplotlib.pyplot as plt

    monkeypatch.setattr(plt, "show", lambda *a, **k: (_ for _ in ()).throw(AssertionError("show called")))
    fig = plots.metric_panels(demo.tickets, metrics=["frt_median_h", "csat_mean"], treated="ecommerce",
                              pilot_start="2026-06-01", feedback=demo.feedback, controls=["finance"])
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 2 and visible[1].get_legend().get_texts()[1].get_text() == "Controls (1 unit)"
