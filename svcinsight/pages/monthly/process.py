"""The monthly page's process sections: the process map, the bottlenecks with their
evidence, where the time goes (working and waiting), hand-offs and rework, all on the
stage events of the month's tickets."""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler

from svcinsight import feedback, plots, process
from svcinsight.pages.tables import note, table
from svcinsight.studies.monthly import UnitData


def _zh(unit: UnitData) -> bool:
    return unit.params.language == "zh"


def _no_events(unit: UnitData) -> Styler:
    return note("本单元没有流程事件数据。" if _zh(unit) else "This unit has no stage events.")


def process_map(unit: UnitData):
    """The process map of the month's tickets, stages coloured against their benchmarks."""
    events = unit.month_events()
    if events is None or events.empty:
        return _no_events(unit)
    return plots.shown_once(process.process_map(
        events, benchmarks=unit.params.benchmarks or None, as_of=unit.as_of, calendar=unit.calendar,
        terminal_stages=unit.params.process.terminal_stages, language=unit.params.language).figure)


def negative_share_by_stage(unit: UnitData) -> pd.Series | None:
    """Share of the month's negative feedback that points at each stage (for bottlenecks)."""
    tagged = unit.tagged_month_feedback()
    if tagged is None or tagged.empty:
        return None
    links = feedback.stage_links(tagged)
    shares = links.set_index("stage")["negative_share"].dropna() if len(links) else None
    return shares if shares is not None and len(shares) else None


def bottleneck_table(unit: UnitData, top: int = 5) -> Styler:
    """The stages that hold tickets up most, each with the evidence in a sentence."""
    events = unit.month_events()
    if events is None or events.empty:
        return _no_events(unit)
    ranked = process.bottlenecks(events, unit.params.benchmarks or None, as_of=unit.as_of, calendar=unit.calendar,
                                 feedback=negative_share_by_stage(unit), language=unit.params.language,
                                 resolution_stages=unit.params.process.resolution_stages,
                                 terminal_stages=unit.params.process.terminal_stages).head(top)
    zh = _zh(unit)
    frame = pd.DataFrame({
        ("排名" if zh else "Rank"): ranked["rank"],
        ("环节" if zh else "Stage"): ranked["stage"],
        ("中位时长（小时）" if zh else "Median (h)"): ranked["median_hours"].map(lambda v: f"{v:.1f}"),
        ("基准（小时）" if zh else "Benchmark (h)"): ranked["benchmark_hours"].map(
            lambda v: "–" if pd.isna(v) else f"{v:g}"),
        ("信号数" if zh else "Signals"): ranked["signals"],
        ("证据" if zh else "Evidence"): ranked["evidence"],
    })
    return table(frame, left=[("证据" if zh else "Evidence")])


def waiting_table(unit: UnitData) -> Styler:
    """Where the month's process time went: working, waiting in a stage, waiting between stages."""
    events = unit.month_events()
    if events is None or events.empty:
        return _no_events(unit)
    proc = unit.params.process
    split = process.waiting_vs_working(events, waiting_stages=proc.waiting_stages, as_of=unit.as_of,
                                       calendar=unit.calendar, terminal_stages=proc.terminal_stages,
                                       resolution_stages=proc.resolution_stages)
    # no gap between leaving a stage and entering the next (or no left_at to tell): no row
    split = split[(split["kind"] != "waiting between stages") | (split["visits"] > 0)]
    zh = _zh(unit)
    kinds = {"working": "处理中", "waiting in stage": "环节内等待", "waiting between stages": "环节间等待"}
    frame = pd.DataFrame({
        ("时间类型" if zh else "Time"): split["kind"].map(kinds) if zh else split["kind"].str.capitalize(),
        ("环节" if zh else "Stages"): split["stages"].replace("", "–"),
        ("工单数" if zh else "Tickets"): split["tickets"].map("{:,}".format),
        ("占流程时间" if zh else "Share of process time"): split["share_of_time"].map(
            lambda v: "–" if pd.isna(v) else f"{v:.0%}"),
        ("每单中位数（小时）" if zh else "Median per ticket (h)"): split["median_hours_per_ticket"].map(
            lambda v: "–" if pd.isna(v) else f"{v:.1f}"),
    })
    by_params = split.attrs["waiting_rule"] == "params"
    if zh:
        caption = "等待环节由参数 process.waiting_stages 指定。" if by_params else \
            "等待环节按环节名称识别（含“等待”“待”“pending”“wait”等词）；可在参数 process.waiting_stages 中指定。"
    else:
        caption = "Waiting stages are named in params (process.waiting_stages)." if by_params else \
            ("Waiting stages are recognised by their names (wait, awaiting, pending, on hold ...); "
             "name them in params (process.waiting_stages) to be exact.")
    return table(frame, caption=caption)


def handoff_table(unit: UnitData, top: int = 8) -> Styler:
    """The busiest hand-offs between teams and the time the next stage takes."""
    events = unit.month_events()
    if events is None or events.empty or "team" not in events.columns:
        return _no_events(unit)
    handoffs = process.handoffs(events, resolution_stages=unit.params.process.resolution_stages, as_of=unit.as_of,
                                calendar=unit.calendar, terminal_stages=unit.params.process.terminal_stages).head(top)
    zh = _zh(unit)
    return table(pd.DataFrame({
        ("移交方" if zh else "From team"): handoffs["from_team"],
        ("接收方" if zh else "To team"): handoffs["to_team"],
        ("次数" if zh else "Hand-offs"): handoffs["count"].map("{:,}".format),
        ("接收后中位时长（小时）" if zh else "Median hours after hand-off"): handoffs["median_hours"].map(
            lambda v: "–" if pd.isna(v) else f"{v:.1f}"),
    }))


def rework_table(unit: UnitData, top: int = 5) -> Styler:
    """Stages tickets come back to, with how often and from where."""
    events = unit.month_events()
    if events is None or events.empty:
        return _no_events(unit)
    loops = process.rework(events, as_of=unit.as_of)
    loops = loops[loops["extra_visits"] > 0].head(top)
    zh = _zh(unit)
    return table(pd.DataFrame({
        ("环节" if zh else "Stage"): loops["stage"],
        ("返工工单" if zh else "Tickets with rework"): loops["tickets_with_rework"].map("{:,}".format),
        ("返工占比" if zh else "Share of its tickets"): loops["rework_share"].map("{:.0%}".format),
        ("额外访问" if zh else "Extra visits"): loops["extra_visits"].map("{:,}".format),
        ("多来自" if zh else "Mostly back from"): loops["returns_from"],
    }))
