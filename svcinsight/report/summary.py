"""A unit report's headline numbers and goal status as a small JSON file, written by the
report notebook from the numbers it has already computed, so the batch runner's index
page shows them without loading or computing anything again.

The notebook's last cell (tagged ``notebook-only``) is::

    from svcinsight.report.summary import write_summary
    if summary_path:
        write_summary(unit_report, summary_path)

with ``summary_path = None`` in its parameters cell; the runner passes the path.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from svcinsight.files import write_atomically
from svcinsight.pages.headline import select_headline
from svcinsight.pages.monthly.targets import goal_status

#: The headline numbers the index page shows, in order.
INDEX_METRICS = ("tickets_created", "first_response_sla_rate", "resolution_rate", "csat_mean")


def _number(value) -> float | None:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def summarise(unit_report) -> dict:
    """The summary of one unit's report: title, month, as-of time, headline numbers (each
    with the status of an unsegmented goal on the same metric, if any) and every goal's status."""
    params = unit_report.params
    # metrics() is cached on the unit: the numbers the notebook's headline table showed
    headline = select_headline(unit_report.metrics(), unit_report.month)
    goals = goal_status(unit_report)
    goal_rows = []
    metric_status: dict[str, str] = {}
    for _, g in goals.iterrows():
        segment = g.get("segment") or {}
        goal_rows.append({"goal": str(g["goal"]), "metric": str(g["metric"]), "segment": dict(segment),
                          "status": str(g["status"]), "current": _number(g.get("current")),
                          "target": _number(g.get("target"))})
        if not segment:
            metric_status.setdefault(str(g["metric"]), str(g["status"]))
    numbers = []
    for _, row in headline.iterrows():
        numbers.append({
            "metric": row["metric"], "label_en": row["label_en"], "label_zh": row["label_zh"],
            "kind": row["kind"], "value": _number(row["value"]), "previous": _number(row["previous"]),
            "change": _number(row["change"]), "numerator": _number(row["numerator"]),
            "denominator": _number(row["denominator"]),
            "status": metric_status.get(row["metric"]),
        })
    return {
        "unit": params.unit,
        "title": params.display_title,
        "language": params.language,
        "month": str(unit_report.month),
        "as_of": str(unit_report.as_of),
        "headline": numbers,
        "goals": goal_rows,
    }


def write_summary(unit_report, path: str | Path) -> Path:
    """Write :func:`summarise` of ``unit_report`` to ``path`` as JSON, atomically."""
    path = Path(path)
    write_atomically(path, json.dumps(summarise(unit_report), indent=2, ensure_ascii=False, default=str))
    return path


def read_summary(path: str | Path) -> dict | None:
    """A summary written by :func:`write_summary`, or ``None`` when there is none."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
