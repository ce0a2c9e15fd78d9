"""The monthly page's pilot section: results and verdicts of each pilot that ran in the
report month."""

from __future__ import annotations

from svcinsight.pages import pilot as pilot_page
from svcinsight.pages.tables import html_block, note
from svcinsight.studies.monthly import UnitData
from svcinsight.studies.pilot import for_unit


def pilot_summary(unit: UnitData):
    """Results and plain-language verdicts of each pilot running this month."""
    pilots = [p for p in unit.params.pilots if p.runs_in(unit.month)]
    if not pilots:
        return note("本月没有进行中的试点。" if unit.params.language == "zh" else "No pilot ran this month.")
    parts = []
    for definition in pilots:
        # the sources this notebook already loaded, or the staged store it read from
        study = for_unit(unit, definition)
        parts += [("h3", definition.name), pilot_page.results_table(study),
                  *(("li", v) for v in study.evaluation.verdicts(study.language))]
    return html_block(*parts)
