"""Small building blocks the report notebook shows: title, scope, data quality,
parameters and versions. Each returns something Jupyter displays well."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from svcinsight._version import software_versions
from svcinsight.ids import among
from svcinsight.report.unit import UnitData

#: Chinese names of the words the report's tables use as column or row labels.
_ZH = {
    "table": "数据表", "source": "来源", "rows in": "读入行数", "kept": "保留", "quarantined": "隔离",
    "rows in source (kept)": "来源行数（保留）", "rows for this unit": "本单元行数",
    "reason": "原因", "action": "处理", "column": "字段", "count": "行数", "examples": "示例",
    "item": "项目", "value": "值", "unit": "单元", "month": "月份", "language": "语言", "timezone": "时区",
    "business_unit filter": "业务单元筛选", "params file": "参数文件",
    "first-response targets (h)": "首次响应目标（小时）", "git revision": "代码版本", "rendered at": "生成时间",
    "channel": "渠道", "category": "类别", "priority": "优先级", "total": "合计",
    "tickets": "工单", "events": "流程事件", "feedback": "反馈", "orders": "订单",
    # metric units and directions (glossary)
    "fraction": "比例", "hours": "小时", "minutes": "分钟", "score": "分", "nps": "净推荐值",
    "per_1k_orders": "每千单", "per_agent_day": "每坐席日",
    "higher": "越高越好", "lower": "越低越好", "neutral": "中性",
    # the canonical priorities (svcinsight.schema) and the label of a missing value
    "urgent": "紧急", "important": "重要", "normal": "普通", "(none)": "（无）",
    # what the ledger did with a row
    "adjusted": "已调整", "kept, in no month": "保留，不计入任何月份", "kept, linked to no ticket": "保留，未关联任何工单",
}


def _words(unit: "UnitData", frame: pd.DataFrame, values: tuple[str, ...] = ()) -> pd.DataFrame:
    """The frame with its column labels (and the words in ``values`` columns) in the
    report's language."""
    if unit.params.language != "zh":
        return frame
    frame = frame.copy()
    for col in values:
        frame[col] = frame[col].map(lambda v: _ZH.get(v, v))
    return frame.rename(columns=lambda c: _ZH.get(c, c))


_PACKAGES = ("pandas", "numpy", "statsmodels", "seaborn", "matplotlib", "papermill", "nbconvert")


def title(unit: UnitData):
    """The report's heading with its month and the data's as-of time (escaped HTML)."""
    from IPython.display import HTML

    zh = unit.params.language == "zh"
    heading = f"{unit.params.display_title} — {unit.month}"
    as_of = unit.as_of.strftime("%Y-%m-%d %H:%M %Z")
    line = f"数据截至 {as_of}" if zh else f"Data as of {as_of}"
    return HTML(f"<h1>{html.escape(heading)}</h1><p><em>{html.escape(line)}</em></p>")


def scope(unit: UnitData) -> pd.DataFrame:
    """Rows per source: in the source, and belonging to this unit."""
    rows = [{"table": name, "rows in source (kept)": c["all"], "rows for this unit": c["unit"]}
            for name, c in unit.scope.items()]
    return _words(unit, pd.DataFrame(rows), values=("table",))


def quality(unit: UnitData):
    """Rows read, kept and quarantined per source."""
    frame = pd.DataFrame([
        {"table": name, "source": ledger.source, "rows in": ledger.rows_in,
         "kept": ledger.rows_kept, "quarantined": ledger.rows_quarantined}
        for name, ledger in unit.ledgers.items()
    ])
    counts = [c for c in ("rows in", "kept", "quarantined")]
    frame[counts] = frame[counts].map("{:,}".format) if len(frame) else frame[counts]
    return _words(unit, frame, values=("table",)).style.hide(axis="index")


#: Kept rows no number can count (:func:`svcinsight.report.unit.unused_rows`): reason,
#: what the report does with them, and the column that says so.
_UNUSED = {
    "feedback": ("no_submission_time", "kept, in no month", "submitted_at"),
    "events": ("ticket_not_in_tickets", "kept, linked to no ticket", "ticket_id"),
}


def quality_issues(unit: UnitData):
    """Each quarantine reason or adjustment with its count and example rows, then the
    kept rows no number can count (answers without a submission time, events of an
    unknown ticket); a plain sentence when there is none."""
    frames = [ledger.to_frame() for ledger in unit.ledgers.values()]
    unused = [{"source": unit.ledgers[name].source if name in unit.ledgers else "", "table": name,
               "reason": _UNUSED[name][0], "action": _UNUSED[name][1], "column": _UNUSED[name][2],
               "count": count, "examples": []}
              for name, count in unit.unused.items() if count and name in _UNUSED]
    if unused:
        frames.append(pd.DataFrame(unused))
    issues = pd.concat([f for f in frames if len(f)], ignore_index=True) if any(len(f) for f in frames) else None
    if issues is None or issues.empty:
        note = "所有来源均无隔离或调整的行。" if _zh(unit) else "No source had a row quarantined or adjusted."
        return pd.DataFrame({"": [note]}).style.hide(axis="index")
    issues = issues.assign(examples=issues["examples"].map(lambda xs: ", ".join(map(str, xs)) or "–"),
                           count=issues["count"].map("{:,}".format))
    return _words(unit, issues, values=("table", "action")).style.hide(axis="index").format(escape="html")


def _git_revision() -> str:
    """The project checkout's revision, marked when files differ from it."""
    import subprocess

    root = Path(__file__).resolve().parents[2]
    try:
        rev = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, timeout=5, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=5, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "(not a git checkout)"
    return f"{rev} (with local changes)" if dirty else rev


def provenance(unit: UnitData) -> pd.DataFrame:
    """The parameters and software versions this report was made with."""
    p = unit.params
    rows = [
        ("unit", p.unit), ("month", str(unit.month)), ("language", p.language),
        ("timezone", p.timezone), ("business_unit filter", p.business_unit or "(none)"),
        ("params file", str(p.source_file.name if p.source_file else "")),
        ("first-response targets (h)", ", ".join(
            f"{_ZH.get(k, k) if p.language == 'zh' else k} {v:g}" for k, v in p.sla.items())),
    ]
    for name in ("tickets", "events", "feedback", "orders"):
        spec = getattr(p.sources, name)
        if spec is not None:
            rows.append((f"source: {name}", spec.describe()))
    rows.append(("git revision", _git_revision()))
    rows.append(("rendered at", pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%d %H:%M UTC")))
    rows += software_versions(_PACKAGES)
    if unit.params.language == "zh":
        rows = [(_ZH.get(k) or ("数据源：" + _ZH.get(k[8:], k[8:]) if k.startswith("source: ") else k), v)
                for k, v in rows]
    return _words(unit, pd.DataFrame(rows, columns=["item", "value"]))


def _table(frame: pd.DataFrame):
    """A frame as a stakeholder reads it: no index column."""
    return frame.style.hide(axis="index")


def headline_table(unit: UnitData):
    """The headline numbers of the month next to last month's."""
    from svcinsight.report.headline import format_headline, select_headline

    numbers = select_headline(unit.metrics(), unit.month)
    return _table(format_headline(numbers, unit.params.language))


def month_tickets(unit: UnitData) -> pd.DataFrame:
    """Tickets created in the report month."""
    t = unit.data.tickets
    return t[(t["created_at"] >= unit.month_start) & (t["created_at"] < unit.month_end)]


def mix(unit: UnitData, rows: str = "category", cols: str = "channel"):
    """Tickets created in the month, ``rows`` by ``cols``, with totals."""
    t = month_tickets(unit)
    if rows not in t.columns or cols not in t.columns:
        missing = [c for c in (rows, cols) if c not in t.columns]
        return pd.DataFrame({"note": [f"no {', '.join(missing)} column in this unit's tickets"]})
    zh = _zh(unit)
    table = pd.crosstab(t[rows].fillna("(none)"), t[cols].fillna("(none)"), margins=True,
                        margins_name=_ZH["total"] if zh else "total")
    if zh:
        table = table.rename_axis(index=_ZH.get(rows, rows), columns=_ZH.get(cols, cols))
    return table


# --- metrics sections (scorecard, trends, breakdowns, SLA, glossary) ---------------------

#: Metrics shown in breakdown tables and trends.
KEY_METRICS = ("tickets_created", "frt_median_h", "first_response_sla_rate", "resolution_median_h",
               "resolution_rate", "fcr_rate", "reopen_rate", "csat_mean", "nps")
_STATUS_COLOURS = {"on track": "#d4edda", "at risk": "#fff3cd", "off track": "#f8d7da", "no data": "#e2e3e5"}
_STATUS_ZH = {"on track": "正常推进", "at risk": "有风险", "off track": "偏离目标", "no data": "无数据"}


def _shown_once(fig):
    """Return a figure for the cell to display, closed so pyplot does not show it again."""
    from svcinsight.plots import shown_once

    return shown_once(fig)


def _zh(unit: UnitData) -> bool:
    return unit.params.language == "zh"


def _label(unit: UnitData, metric: str) -> str:
    """A metric's label in the report's language, with its unit where it is not obvious."""
    from svcinsight.metrics import get

    return get(metric).display_label(unit.params.language)


def _format(metric: str, value: float) -> str:
    from svcinsight.metrics import get
    from svcinsight.report.headline import format_value

    unit_kind = {"count": "count", "fraction": "rate"}.get(get(metric).unit, "number")
    return format_value(value, unit_kind)


def goal_status(unit: UnitData) -> pd.DataFrame:
    """The unit's goals tracked on its monthly metrics (bootstrap intervals for medians
    and means, from the month's ticket- or answer-level values)."""
    from svcinsight import goals as si_goals
    from svcinsight.metrics import get, metric_values

    rows = []
    for goal in (si_goals.Goal.from_dict(g) for g in unit.params.goals):
        frame = unit.metrics(tuple(sorted(goal.segment)))
        frame = frame[frame["period"] <= unit.month]
        values = {}
        feedback_metric = get(goal.metric).attribution == "submitted_at"
        # feedback rows carry no ticket segment: no interval rather than a wrong one
        if get(goal.metric).unit in ("hours", "minutes", "score") and not (feedback_metric and goal.segment):
            t = unit.data.tickets
            for col, val in goal.segment.items():
                t = t[t[col] == val]
            v = metric_values(t, goal.metric, feedback=unit.data.feedback, as_of=unit.as_of,
                              calendar=unit.calendar, sla=unit.params.sla)
            stamp = "created_at" if get(goal.metric).attribution.startswith("created_at") else "submitted_at"
            local = v[stamp].dt.tz_localize(None).dt.to_period("M")
            values[goal.label] = v.loc[local == unit.month, "value"]
        rows.append(si_goals.track(frame, [goal], values=values))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def scorecard(unit: UnitData):
    """KPI scorecard against the unit's targets, coloured by status."""
    status = goal_status(unit)
    zh = _zh(unit)
    if status.empty:
        note = "本单元参数中未设定目标。" if zh else "No targets are set in this unit's params."
        return pd.DataFrame({"": [note]}).style.hide(axis="index")
    rows = []
    for _, r in status.iterrows():
        metric = r["metric"]
        interval = ("–" if pd.isna(r.get("ci_low")) else
                    f"[{_format(metric, r['ci_low'])}, {_format(metric, r['ci_high'])}]")
        projected = r.get("projected_date")
        rows.append({
            ("目标" if zh else "Goal"): r["goal"] if r["goal"] != metric else _label(unit, metric),
            ("当前" if zh else "Current"): _format(metric, r.get("current", float("nan"))),
            ("95%区间" if zh else "95% interval"): interval,
            ("基线" if zh else "Baseline"): _format(metric, r.get("baseline", float("nan"))),
            ("目标值" if zh else "Target"): _format(metric, r["target"]),
            ("截止" if zh else "Deadline"): pd.Timestamp(r["deadline"]).strftime("%Y-%m-%d"),
            ("进度" if zh else "Progress"): "–" if pd.isna(r.get("progress")) else f"{r['progress']:.0%}",
            ("预计达成" if zh else "Projected"): "–" if pd.isna(projected) else pd.Timestamp(projected).strftime("%Y-%m"),
            ("状态" if zh else "Status"): _STATUS_ZH[r["status"]] if zh else r["status"],
            "_status": r["status"],
        })
    table = pd.DataFrame(rows)
    colours = table.pop("_status").map(_STATUS_COLOURS)
    status_col = "状态" if zh else "Status"
    return (table.style.hide(axis="index")
            .apply(lambda col: [f"background-color: {c}" for c in colours], subset=[status_col]))


def trends(unit: UnitData, months: int = 13):
    """13-month trends of the key metrics, targets dashed."""
    from svcinsight import plots

    frame = unit.metrics()
    frame = frame[(frame["period"] <= unit.month) & (frame["period"] > unit.month - months)]
    targets = {g["metric"]: g["target"] for g in unit.params.goals if not g.get("segment")}
    fractions = {m for m in KEY_METRICS if m.endswith("_rate")}
    shown = [m for m in KEY_METRICS if frame.loc[frame["metric"] == m, "n"].sum() > 0]
    return _shown_once(plots.metric_trends(frame, metrics=shown, labels={m: _label(unit, m) for m in shown},
                                           targets=targets, highlight=unit.month, percent=fractions))


def breakdown(unit: UnitData, by: str):
    """Key metrics of the month per ``by`` group (channel, category, priority ...)."""
    if by not in unit.data.tickets.columns:
        note = f"本单元的工单没有{_ZH.get(by, by)}字段" if _zh(unit) else f"no {by} column in this unit's tickets"
        return pd.DataFrame({"": [note]}).style.hide(axis="index")
    frame = unit.metrics((by,))
    month = frame[(frame["period"] == unit.month) & frame["metric"].isin(KEY_METRICS)]
    table = month.pivot(index=by, columns="metric", values="value")
    table = table[[m for m in KEY_METRICS if m in table.columns]]
    created = table["tickets_created"] if "tickets_created" in table else None
    if created is not None:
        table = table[created > 0].sort_values("tickets_created", ascending=False)
    shown = pd.DataFrame({_label(unit, m): [_format(m, v) for v in table[m]] for m in table.columns},
                         index=table.index)
    if _zh(unit) and by == "priority":
        shown.index = shown.index.map(lambda v: _ZH.get(v, v))
    shown.index.name = _ZH.get(by, by) if _zh(unit) else by
    return shown


def sla_by_priority(unit: UnitData) -> pd.DataFrame:
    """First-response and resolution SLA per priority for the month, with counts and targets."""
    zh = _zh(unit)
    if "priority" not in unit.data.tickets.columns:
        return pd.DataFrame({"": ["本单元的工单没有优先级字段" if zh else "no priority column in this unit's tickets"]})
    frame = unit.metrics(("priority",))
    month = frame[frame["period"] == unit.month].set_index(["priority", "metric"])
    created = month.xs("tickets_created", level="metric")["value"]
    rows = []
    for priority in created[created > 0].index:
        def pick(metric, field):
            key = (priority, metric)
            return month.loc[key, field] if key in month.index else float("nan")
        fr = pick("first_response_sla_rate", "value")
        rows.append({
            ("优先级" if zh else "Priority"): _ZH.get(priority, priority) if zh else priority,
            ("首响目标（小时）" if zh else "First-response target (h)"):
                f"{unit.params.sla[priority]:g}" if priority in unit.params.sla else "–",
            ("首响达标率" if zh else "First response within SLA"): _format("first_response_sla_rate", fr),
            ("达标/判定" if zh else "Achieved / decided"):
                f"{pick('first_response_sla_rate', 'numerator'):,.0f} / {pick('first_response_sla_rate', 'denominator'):,.0f}",
            ("首响中位数（小时）" if zh else "First response, median (h)"): _format("frt_median_h", pick("frt_median_h", "value")),
            ("解决达标率" if zh else "Resolution within SLA"): _format("resolution_sla_rate", pick("resolution_sla_rate", "value")),
        })
    return pd.DataFrame(rows).style.hide(axis="index")


def glossary(unit: UnitData):
    """Every metric's definition from the catalogue, in the report's language."""
    from svcinsight.metrics import catalog

    c = catalog(language=unit.params.language)
    zh = _zh(unit)
    definition = c["definition_zh"] if zh else c["definition"]
    table = pd.DataFrame({
        ("指标" if zh else "Metric"): c["label"],
        ("编号" if zh else "Id"): c.index,
        ("单位" if zh else "Unit"): c["unit"].map(lambda u: ("个" if u == "count" else _ZH.get(u, u)) if zh else u),
        ("方向" if zh else "Better when"): c["direction"].map(lambda d: _ZH.get(d, d) if zh else d),
        ("定义" if zh else "Definition"): definition,
    })
    return table.style.hide(axis="index")


def heading(unit: UnitData, key: str):
    """A section's heading and short explanation in the report's language."""
    from IPython.display import Markdown

    from svcinsight.report.texts import TEXTS

    title_text, intro = TEXTS[key][unit.params.language]
    parts = ([f"## {html.escape(title_text)}"] if title_text else []) + ([html.escape(intro)] if intro else [])
    return Markdown("\n\n".join(parts))


# --- process sections --------------------------------------------------------------------

def month_events(unit: UnitData) -> pd.DataFrame | None:
    """Stage events of the tickets created in the report month."""
    events = unit.data.events
    if events is None or events.empty:
        return None
    return events[among(events["ticket_id"], month_tickets(unit)["ticket_id"])]


def _no_events(unit: UnitData):
    note = "本单元没有流程事件数据。" if _zh(unit) else "This unit has no stage events."
    return pd.DataFrame({"": [note]}).style.hide(axis="index")


def process_map(unit: UnitData):
    """The process map of the month's tickets, stages coloured against their benchmarks."""
    from svcinsight import process

    events = month_events(unit)
    if events is None or events.empty:
        return _no_events(unit)
    return _shown_once(process.process_map(
        events, benchmarks=unit.params.benchmarks or None, as_of=unit.as_of, calendar=unit.calendar,
        terminal_stages=unit.params.process.terminal_stages, language=unit.params.language).figure)


def bottleneck_table(unit: UnitData, top: int = 5):
    """The stages that hold tickets up most, each with the evidence in a sentence."""
    from svcinsight import process

    events = month_events(unit)
    if events is None or events.empty:
        return _no_events(unit)
    ranked = process.bottlenecks(events, unit.params.benchmarks or None, as_of=unit.as_of, calendar=unit.calendar,
                                 feedback=_negative_share_by_stage(unit), language=unit.params.language,
                                 resolution_stages=unit.params.process.resolution_stages,
                                 terminal_stages=unit.params.process.terminal_stages).head(top)
    zh = _zh(unit)
    table = pd.DataFrame({
        ("排名" if zh else "Rank"): ranked["rank"],
        ("环节" if zh else "Stage"): ranked["stage"],
        ("中位时长（小时）" if zh else "Median (h)"): ranked["median_hours"].map(lambda v: f"{v:.1f}"),
        ("基准（小时）" if zh else "Benchmark (h)"): ranked["benchmark_hours"].map(
            lambda v: "–" if pd.isna(v) else f"{v:g}"),
        ("信号数" if zh else "Signals"): ranked["signals"],
        ("证据" if zh else "Evidence"): ranked["evidence"],
    })
    return table.style.hide(axis="index").set_properties(subset=[("证据" if zh else "Evidence")],
                                                         **{"text-align": "left"})


def waiting_table(unit: UnitData):
    """Where the month's process time went: working, waiting in a stage, waiting between stages."""
    from svcinsight import process

    events = month_events(unit)
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
    table = pd.DataFrame({
        ("时间类型" if zh else "Time"): split["kind"].map(kinds) if zh else split["kind"].str.capitalize(),
        ("环节" if zh else "Stages"): split["stages"].replace("", "–"),
        ("工单数" if zh else "Tickets"): split["tickets"].map("{:,}".format),
        ("占流程时间" if zh else "Share of process time"): split["share_of_time"].map(
            lambda v: "–" if pd.isna(v) else f"{v:.0%}"),
        ("每单中位数（小时）" if zh else "Median per ticket (h)"): split["median_hours_per_ticket"].map(
            lambda v: "–" if pd.isna(v) else f"{v:.1f}"),
    })
    rule = split.attrs["waiting_rule"]
    if zh:
        note = "等待环节由参数 process.waiting_stages 指定。" if rule == "params" else \
            "等待环节按环节名称识别（含“等待”“待”“pending”“wait”等词）；可在参数 process.waiting_stages 中指定。"
    else:
        note = "Waiting stages are named in params (process.waiting_stages)." if rule == "params" else \
            ("Waiting stages are recognised by their names (wait, awaiting, pending, on hold ...); "
             "name them in params (process.waiting_stages) to be exact.")
    return table.style.hide(axis="index").set_caption(note)


def _negative_share_by_stage(unit: UnitData) -> pd.Series | None:
    """Share of the month's negative feedback that points at each stage (for bottlenecks)."""
    from svcinsight import feedback

    tagged = tagged_month_feedback(unit)
    if tagged is None or tagged.empty:
        return None
    links = feedback.stage_links(tagged)
    shares = links.set_index("stage")["negative_share"].dropna() if len(links) else None
    return shares if shares is not None and len(shares) else None


def handoff_table(unit: UnitData, top: int = 8):
    """The busiest hand-offs between teams and the time the next stage takes."""
    from svcinsight import process

    events = month_events(unit)
    if events is None or events.empty or "team" not in events.columns:
        return _no_events(unit)
    table = process.handoffs(events, resolution_stages=unit.params.process.resolution_stages, as_of=unit.as_of,
                             calendar=unit.calendar, terminal_stages=unit.params.process.terminal_stages).head(top)
    zh = _zh(unit)
    return pd.DataFrame({
        ("移交方" if zh else "From team"): table["from_team"],
        ("接收方" if zh else "To team"): table["to_team"],
        ("次数" if zh else "Hand-offs"): table["count"].map("{:,}".format),
        ("接收后中位时长（小时）" if zh else "Median hours after hand-off"): table["median_hours"].map(
            lambda v: "–" if pd.isna(v) else f"{v:.1f}"),
    }).style.hide(axis="index")


def rework_table(unit: UnitData, top: int = 5):
    """Stages tickets come back to, with how often and from where."""
    from svcinsight import process

    events = month_events(unit)
    if events is None or events.empty:
        return _no_events(unit)
    table = process.rework(events, as_of=unit.as_of)
    table = table[table["extra_visits"] > 0].head(top)
    zh = _zh(unit)
    return pd.DataFrame({
        ("环节" if zh else "Stage"): table["stage"],
        ("返工工单" if zh else "Tickets with rework"): table["tickets_with_rework"].map("{:,}".format),
        ("返工占比" if zh else "Share of its tickets"): table["rework_share"].map("{:.0%}".format),
        ("额外访问" if zh else "Extra visits"): table["extra_visits"].map("{:,}".format),
        ("多来自" if zh else "Mostly back from"): table["returns_from"],
    }).style.hide(axis="index")


# --- pilots ------------------------------------------------------------------------------

def active_pilots(unit: UnitData) -> list[dict]:
    """The unit's pilots that ran during the report month."""
    month_start, month_end = unit.month.start_time.date(), unit.month.end_time.date()
    active = []
    for raw in unit.params.pilots:
        start = pd.Timestamp(raw.get("start")).date() if raw.get("start") else None
        end = pd.Timestamp(raw.get("end")).date() if raw.get("end") else None
        if start is not None and start <= month_end and (end is None or end >= month_start):
            active.append(raw)
    return active


def pilot_summary(unit: UnitData):
    """Results and plain-language verdicts of each pilot running this month."""
    from IPython.display import HTML

    pilots = active_pilots(unit)
    if not pilots:
        note = "本月没有进行中的试点。" if _zh(unit) else "No pilot ran this month."
        return pd.DataFrame({"": [note]}).style.hide(axis="index")
    parts = []
    for raw in pilots:
        # the sources this notebook already loaded, or the staged store it read from
        study = unit.pilot_study(raw.get("name"))
        parts.append(f"<h3>{html.escape(str(raw.get('name')))}</h3>")
        parts.append(study.results_table().to_html())
        parts.append(study.verdicts().data)
    return HTML("".join(parts))


# --- feedback sections -------------------------------------------------------------------

def _taxonomy(unit: UnitData):
    from svcinsight import feedback

    key = "_taxonomy"
    if key not in unit._metrics_cache:
        extension = unit.params.taxonomy
        if isinstance(extension, str):
            extension = str((Path(unit.params.source_file).parent / extension).resolve())
        unit._metrics_cache[key] = feedback.load_taxonomy(extend=extension or None)
    return unit._metrics_cache[key]


def _feedback_between(unit: UnitData, start: pd.Timestamp) -> pd.DataFrame | None:
    fb = unit.data.feedback
    if fb is None or "submitted_at" not in fb.columns or "comment" not in fb.columns:
        return None
    return fb[(fb["submitted_at"] >= start) & (fb["submitted_at"] < unit.month_end) & (fb["submitted_at"] <= unit.as_of)]


def tagged_month_feedback(unit: UnitData) -> pd.DataFrame | None:
    """The month's feedback with tags and stages (computed once per report)."""
    return tagged_feedback_since(unit, unit.month_start)


def tagged_feedback_since(unit: UnitData, start: pd.Timestamp) -> pd.DataFrame | None:
    """Feedback submitted from ``start`` to the end of the report month, tagged once per
    report and start. Each comment is tagged on its own, so answers of the report month
    keep the tags the month's sections gave them and only earlier ones are tagged again
    (the drivers chart and the improvement plan read the last three months)."""
    from svcinsight import feedback

    key = ("_tagged_since", start)
    cache = unit._metrics_cache
    if key not in cache:
        fb = _feedback_between(unit, start)
        if fb is None or start >= unit.month_start or not fb.index.is_unique:
            cache[key] = None if fb is None else feedback.tag(fb, _taxonomy(unit))
        else:
            month = tagged_feedback_since(unit, unit.month_start)
            earlier = fb[~fb.index.isin(month.index)]
            cache[key] = pd.concat([feedback.tag(earlier, _taxonomy(unit)), month]).loc[fb.index]
    return cache[key]


def top_issues(unit: UnitData, top: int = 5):
    """The most frequent issues in the month's negative feedback, by stage, each with a
    redacted example comment and the share of comments no tag matched."""
    from svcinsight import feedback, privacy

    tagged = tagged_month_feedback(unit)
    zh = _zh(unit)
    if tagged is None or tagged.empty:
        note = "本月没有反馈文本。" if zh else "No feedback text this month."
        return pd.DataFrame({"": [note]}).style.hide(axis="index")
    negative = tagged[feedback.negative(tagged).fillna(False).to_numpy(dtype=bool)]
    summary = feedback.tag_summary(negative, _taxonomy(unit))
    summary = summary[(summary["tag"] != "(untagged)") & (summary["comments"] > 0)].head(top)
    examples = []
    for tag in summary["tag"]:
        hits = negative[negative["tags"].map(lambda tags, t=tag: t in tags)]["comment"].dropna()
        examples.append(privacy.redact(str(hits.iloc[0]))[:160] if len(hits) else "")
    with_text = tagged["comment"].notna()
    untagged_share = (~tagged.loc[with_text, "tagged"]).mean() if with_text.any() else float("nan")
    table = pd.DataFrame({
        ("问题" if zh else "Issue"): summary["label_zh" if zh else "label_en"],
        ("环节" if zh else "Stage"): summary["stage"].fillna("–"),
        ("负面反馈数" if zh else "Negative comments"): summary["comments"].map("{:,}".format),
        ("占负面反馈" if zh else "Share of negative"): (summary["comments"] / max(len(negative), 1)).map("{:.0%}".format),
        ("示例（已脱敏）" if zh else "Example (redacted)"): examples,
    })
    note = (f"未匹配任何标签的评论占 {untagged_share:.0%}。" if zh else
            f"{untagged_share:.0%} of this month's comments matched no tag (listed by si.feedback.untagged).")
    caption = html.escape(note)
    return (table.style.hide(axis="index").format(escape="html").set_caption(caption)
            .set_properties(subset=[table.columns[-1]], **{"text-align": "left"}))


def driver_chart(unit: UnitData, top: int = 10):
    """Effects on CSAT of issues and slow stages, with intervals, over the last three months."""
    from svcinsight import feedback, plots

    fb = tagged_feedback_since(unit, (unit.month - 2).start_time.tz_localize(unit.timezone))
    zh = _zh(unit)
    if fb is None or "csat" not in fb.columns or fb["csat"].notna().sum() < 50:
        note = "反馈评分太少，无法估计驱动因素。" if zh else "Too few scored answers to estimate drivers."
        return pd.DataFrame({"": [note]}).style.hide(axis="index")
    table = feedback.drivers(fb, unit.data.tickets, unit.data.events, taxonomy=_taxonomy(unit),
                             benchmarks=unit.params.benchmarks or None)
    table = table[table["effect"] < 0].head(top)
    if table.empty:
        note = "没有发现显著拉低满意度的因素。" if zh else "No issue or stage lowered CSAT."
        return pd.DataFrame({"": [note]}).style.hide(axis="index")
    ax = plots.driver_effects(table, xlabel="对满意度的影响（分）" if zh else "Effect on CSAT (points)",
                              label="label_zh" if zh else "label")
    return _shown_once(ax.figure)


def volume_charts(unit: UnitData):
    """Tickets created per month over the history, and per day of the month by channel."""
    import matplotlib.pyplot as plt

    from svcinsight import plots

    zh = _zh(unit)
    ylabel = "新建工单数" if zh else "Tickets created"
    fig, (ax_month, ax_day) = plt.subplots(2, 1, figsize=(9, 6.5), layout="constrained")
    plots.monthly_volume(unit.ticket_history, highlight=unit.month, ax=ax_month, ylabel=ylabel)
    plots.daily_volume(month_tickets(unit), by="channel", ax=ax_day, ylabel=ylabel,
                       legend_title="渠道" if zh else "channel", missing="（无）" if zh else "(none)")
    return _shown_once(fig)
