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
