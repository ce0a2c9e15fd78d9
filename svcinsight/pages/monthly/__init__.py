"""The monthly page, section by section: each function takes the notebook's
:class:`~svcinsight.studies.monthly.UnitData` and returns what Jupyter displays (an
escaped table, a chart, a heading). ``notebooks/monthly_report.ipynb`` calls them in
the order a service director reads them.
"""

from svcinsight.pages.monthly.feedback import driver_chart, top_issues
from svcinsight.pages.monthly.overview import (
    KEY_METRICS,
    breakdown,
    glossary,
    heading,
    headline_table,
    mix,
    sla_by_priority,
    title,
    trends,
    volume_charts,
)
from svcinsight.pages.monthly.pilots import pilot_summary
from svcinsight.pages.monthly.process import (
    bottleneck_table,
    handoff_table,
    negative_share_by_stage,
    process_map,
    rework_table,
    waiting_table,
)
from svcinsight.pages.monthly.quality import provenance, quality, quality_issues, scope
from svcinsight.pages.monthly.targets import goal_status, scorecard
from svcinsight.pages.plan import chart as plan_chart
from svcinsight.pages.plan import summary as plan_summary

__all__ = [
    "KEY_METRICS", "bottleneck_table", "breakdown", "driver_chart", "glossary", "goal_status", "handoff_table",
    "heading", "headline_table", "mix", "negative_share_by_stage", "pilot_summary", "plan_chart", "plan_summary",
    "process_map", "provenance", "quality", "quality_issues", "rework_table", "scope", "scorecard",
    "sla_by_priority", "title", "top_issues", "trends", "volume_charts", "waiting_table",
]
