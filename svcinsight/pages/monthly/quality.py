"""The monthly page's closing sections: rows per source and for this unit, the quality
ledgers (rows read, kept and quarantined, each issue with examples), and the
parameters and versions the report was made with."""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler

from svcinsight.pages import common
from svcinsight.pages.labels import ZH, words
from svcinsight.pages.tables import note, table
from svcinsight.studies.monthly import UnitData

#: Kept rows no number can count (:func:`svcinsight.unit.unused_rows`): reason, what the
#: report does with them, and the column that says so.
_UNUSED = {
    "feedback": ("no_submission_time", "kept, in no month", "submitted_at"),
    "events": ("ticket_not_in_tickets", "kept, linked to no ticket", "ticket_id"),
}


def scope(unit: UnitData) -> Styler:
    """Rows per source: in the source, and belonging to this unit."""
    rows = [{"table": name, "rows in source (kept)": c["all"], "rows for this unit": c["unit"]}
            for name, c in unit.scope.items()]
    return table(words(pd.DataFrame(rows), unit.params.language, values=("table",)))


def quality(unit: UnitData) -> Styler:
    """Rows read, kept and quarantined per source."""
    frame = pd.DataFrame([
        {"table": name, "source": ledger.source, "rows in": ledger.rows_in,
         "kept": ledger.rows_kept, "quarantined": ledger.rows_quarantined}
        for name, ledger in unit.ledgers.items()
    ])
    counts = ["rows in", "kept", "quarantined"]
    frame[counts] = frame[counts].map("{:,}".format) if len(frame) else frame[counts]
    return table(words(frame, unit.params.language, values=("table",)))


def quality_issues(unit: UnitData) -> Styler:
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
    shown = [f for f in frames if len(f)]
    if not shown:
        zh = unit.params.language == "zh"
        return note("所有来源均无隔离或调整的行。" if zh else "No source had a row quarantined or adjusted.")
    issues = pd.concat(shown, ignore_index=True)
    issues = issues.assign(examples=issues["examples"].map(lambda xs: ", ".join(map(str, xs)) or "–"),
                           count=issues["count"].map("{:,}".format))
    return table(words(issues, unit.params.language, values=("table", "action")))


def provenance(unit: UnitData) -> Styler:
    """The parameters and software versions this report was made with."""
    p = unit.params
    zh = p.language == "zh"
    rows = [
        ("unit", p.unit), ("month", str(unit.month)), ("language", p.language),
        ("timezone", p.timezone), ("business_unit filter", p.business_unit or "(none)"),
        ("params file", str(p.source_file.name if p.source_file else "")),
        ("first-response targets (h)", ", ".join(
            f"{ZH.get(k, k) if zh else k} {v:g}" for k, v in p.sla.items())),
    ]
    for name in ("tickets", "events", "feedback", "orders"):
        spec = getattr(p.sources, name)
        if spec is not None:
            rows.append((f"source: {name}", spec.describe()))
    rows.append(("git revision", common.git_revision()))
    rows.append(("rendered at", pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%d %H:%M UTC")))

    def translate(item: str) -> str:
        if item.startswith("source: "):
            return ZH.get(item) or "数据源：" + ZH.get(item[8:], item[8:])
        return ZH.get(item, item)

    columns = ("项目", "值") if zh else ("item", "value")
    return common.provenance(rows, "monthly", columns=columns, translate=translate if zh else None)
