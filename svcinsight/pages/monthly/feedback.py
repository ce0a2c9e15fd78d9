"""The monthly page's feedback sections: the top issues in the month's negative
feedback (by stage, with a redacted example) and what drives low satisfaction."""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler

from svcinsight import feedback, plots, privacy
from svcinsight.pages.tables import note, table
from svcinsight.studies.monthly import UnitData


def top_issues(unit: UnitData, top: int = 5) -> Styler:
    """The most frequent issues in the month's negative feedback, by stage, each with a
    redacted example comment and the share of comments no tag matched."""
    tagged = unit.tagged_month_feedback()
    zh = unit.params.language == "zh"
    if tagged is None or tagged.empty:
        return note("本月没有反馈文本。" if zh else "No feedback text this month.")
    negative = tagged[feedback.negative(tagged).fillna(False).to_numpy(dtype=bool)]
    summary = feedback.tag_summary(negative, unit.taxonomy)
    summary = summary[(summary["tag"] != "(untagged)") & (summary["comments"] > 0)].head(top)
    examples = []
    for tag in summary["tag"]:
        hits = negative[negative["tags"].map(lambda tags, t=tag: t in tags)]["comment"].dropna()
        examples.append(privacy.redact(str(hits.iloc[0]))[:160] if len(hits) else "")
    with_text = tagged["comment"].notna()
    untagged_share = (~tagged.loc[with_text, "tagged"]).mean() if with_text.any() else float("nan")
    frame = pd.DataFrame({
        ("问题" if zh else "Issue"): summary["label_zh" if zh else "label_en"],
        ("环节" if zh else "Stage"): summary["stage"].fillna("–"),
        ("负面反馈数" if zh else "Negative comments"): summary["comments"].map("{:,}".format),
        ("占负面反馈" if zh else "Share of negative"):
            (summary["comments"] / max(len(negative), 1)).map("{:.0%}".format),
        ("示例（已脱敏）" if zh else "Example (redacted)"): examples,
    })
    caption = (f"未匹配任何标签的评论占 {untagged_share:.0%}。" if zh else
               f"{untagged_share:.0%} of this month's comments matched no tag (listed by si.feedback.untagged).")
    return table(frame, caption=caption, left=[frame.columns[-1]])


def driver_chart(unit: UnitData, top: int = 10):
    """Effects on CSAT of issues and slow stages, with intervals, over the last three months."""
    fb = unit.tagged_feedback_since((unit.month - 2).start_time.tz_localize(unit.timezone))
    zh = unit.params.language == "zh"
    if fb is None or "csat" not in fb.columns or fb["csat"].notna().sum() < 50:
        return note("反馈评分太少，无法估计驱动因素。" if zh else "Too few scored answers to estimate drivers.")
    drivers = feedback.drivers(fb, unit.data.tickets, unit.data.events, taxonomy=unit.taxonomy,
                               benchmarks=unit.params.benchmarks or None)
    drivers = drivers[drivers["effect"] < 0].head(top)
    if drivers.empty:
        return note("没有发现显著拉低满意度的因素。" if zh else "No issue or stage lowered CSAT.")
    ax = plots.driver_effects(drivers, xlabel="对满意度的影响（分）" if zh else "Effect on CSAT (points)",
                              label="label_zh" if zh else "label")
    return plots.shown_once(ax.figure)
