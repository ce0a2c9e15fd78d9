"""The pilot page: what changed, the windows compared, the results by metric with their
verdicts, the design checks, the chart over time and the provenance, for one
:class:`~svcinsight.studies.pilot.PilotStudy`. The monthly page shows
:func:`results_table` and :func:`verdicts` of each pilot running in its month."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pandas.io.formats.style import Styler

from svcinsight.metrics import get
from svcinsight.pages import common
from svcinsight.pages.pilot_charts import metric_panels
from svcinsight.pages.pilot_texts import TEXTS
from svcinsight.pages.tables import html_block, note, table
from svcinsight.pilot.result import DESIGNS
from svcinsight.studies.pilot import PilotStudy


def title(study: PilotStudy):
    """The page's heading: pilot, unit and the data's as-of time."""
    d = study.definition
    as_of = common.as_of_text(study.as_of)
    return common.title(f"{d.name} — {d.unit}",
                        f"试点评估 · 数据截至 {as_of}" if study.zh else f"Pilot evaluation · data as of {as_of}")


def heading(study: PilotStudy, key: str):
    """A section heading and its short explanation in the page's language."""
    return common.heading(TEXTS, key, study.language)


def describe(study: PilotStudy) -> Styler:
    """What changed, where and when, and how it is judged."""
    d, zh = study.definition, study.zh
    design = DESIGNS[d.resolved_design][zh]
    labels = ("；" if zh else "; ").join(get(m).label_zh if zh else get(m).label_en for m in d.metrics)
    rows = [
        ("试点" if zh else "Pilot", d.name),
        ("变更内容" if zh else "What changed", d.change or "–"),
        ("试点单元" if zh else "Unit", d.unit),
        ("开始" if zh else "Start", d.start.isoformat()),
        ("结束" if zh else "End", d.end.isoformat() if d.end else ("进行中" if zh else "ongoing")),
        ("对照单元" if zh else "Control units", ", ".join(study.controls) or "–"),
        ("设计" if zh else "Design", design),
        ("指标" if zh else "Metrics", labels),
        ("聚类" if zh else "Errors clustered by", d.cluster),
        ("分层调整" if zh else "Adjusted for", ", ".join(d.adjust_for) or "–"),
        ("多重比较校正" if zh else "Multiplicity correction", d.correction.capitalize()),
    ]
    return table(pd.DataFrame(rows, columns=["", ""]), header=False)


def windows_table(study: PilotStudy) -> Styler:
    """Each window's days and its tickets in the pilot unit and the controls."""
    windows = study.windows()
    frame = windows.to_frame(study.language)
    tickets = study.data.tickets
    unit = tickets[study.definition.unit_column].astype("string")
    where = windows.assign(tickets["created_at"])
    pilot = unit == study.definition.unit
    counts = []
    for label in ("pre", "post"):
        inside = (where == label).fillna(False)
        counts.append((int((inside & pilot).sum()), int((inside & unit.isin(study.controls)).sum())))
    frame["试点单元工单" if study.zh else "tickets, pilot unit"] = [c[0] for c in counts]
    if study.controls:
        frame["对照单元工单" if study.zh else "tickets, controls"] = [c[1] for c in counts]
    return table(frame, precision=0, thousands=",")


def results_table(study: PilotStudy) -> Styler:
    """Per metric: design, effect, interval, p-value, adjusted p-value, outcome."""
    return table(study.evaluation.formatted(study.language))


def verdicts(study: PilotStudy):
    """The plain sentences, one per metric."""
    return html_block(*(("li", v) for v in study.evaluation.verdicts(study.language)))


def warnings_table(study: PilotStudy) -> Styler:
    """Every design warning, or a sentence saying there are none."""
    found = study.evaluation.warnings(study.language)
    if found.empty:
        return note("所有设计检查均通过。" if study.zh else "Every design check passed.")
    return table(found)


def chart(study: PilotStudy):
    """Each metric over time in the pilot unit and the controls; returns the Figure."""
    d = study.definition
    return metric_panels(study.data.tickets, metrics=d.metrics, treated=d.unit,
                         pilot_start=d.start, controls=study.controls, windows=study.windows(),
                         feedback=study.data.feedback, as_of=study.as_of, calendar=study.calendar,
                         unit_column=d.unit_column, language=study.language)


def provenance(study: PilotStudy) -> Styler:
    """The parameters and software versions this evaluation was made with."""
    p, d = study.params, study.definition
    rows = [("unit", p.unit), ("pilot", d.name), ("language", p.language), ("timezone", p.timezone),
            ("params file", Path(p.source_file).name if p.source_file else "")]
    for name in study.data.tables():
        rows.append((f"source: {name}", getattr(p.sources, name).describe()))
    return common.provenance(rows, "pilot")
