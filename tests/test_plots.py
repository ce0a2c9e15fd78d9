import warnings

import pandas as pd

import svcinsight as si


def test_chinese_labels_render_as_glyphs(tmp_path):
    frame = pd.DataFrame({"period": pd.period_range("2026-01", "2026-06", freq="M"), "metric": "fcr_rate",
                          "value": [0.70, 0.72, 0.73, 0.75, 0.78, 0.80], "n": 10})
    with warnings.catch_warnings():
        # matplotlib warns "Glyph ... missing from font(s)" when it would draw an empty box
        warnings.filterwarnings("error", message=".*missing from font")
        fig = si.plots.metric_trends(frame, metrics=["fcr_rate"], labels={"fcr_rate": "首次解决率"},
                                     percent={"fcr_rate"})
        fig.savefig(tmp_path / "zh.png")
    assert (tmp_path / "zh.png").stat().st_size > 1000


def test_daily_volume_stacks_channels():
    t = pd.DataFrame({"created_at": pd.date_range("2026-10-01", periods=10, freq="12h", tz="Asia/Shanghai"),
                      "channel": ["phone", "chat"] * 5})
    ax = si.plots.daily_volume(t, by="channel")
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["chat", "phone"]


def test_daily_volume_counts_quiet_days_as_zero():
    t = pd.DataFrame({"created_at": pd.to_datetime(["2026-10-01 09:00", "2026-10-04 10:00"]).tz_localize("Asia/Shanghai"),
                      "channel": ["phone", "phone"]})
    ax = si.plots.daily_volume(t, by="channel")
    # one stacked area over four days: two with a ticket, two quiet ones at zero
    vertices = ax.collections[0].get_paths()[0].vertices
    heights = {x: y for x, y in vertices if y > 0 or x not in {v[0] for v in vertices if v[1] > 0}}
    assert len(ax.collections) == 1 and len(heights) == 4  # every day has a point
    assert sorted(heights.values()) == [0, 0, 1, 1]
    ax2 = si.plots.daily_volume(t, by=None)
    assert list(ax2.lines[0].get_ydata()) == [1, 0, 0, 1]
