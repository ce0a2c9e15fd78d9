"""A source's quality ledger kept beside its staged copy: the counts and issues in the
manifest (JSON), the quarantined rows in ``quarantine.parquet``, so a report read from
the store shows the same "data quality" section as one read from the raw source.

Examples
--------
>>> import tempfile, pathlib
>>> import pandas as pd
>>> from svcinsight.io import QualityLedger
>>> from svcinsight.io.ledger import ISSUE_COLUMNS
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> issues = pd.DataFrame([["missing_required", "quarantined", "ticket_id", 1, ["row 4"]]],
...                       columns=list(ISSUE_COLUMNS)).astype({"reason": "string", "action": "string",
...                                                           "column": "string"})
>>> quarantine = pd.DataFrame({"row": [4], "reason": ["missing_required"], "column": ["ticket_id"]})
>>> ledger = QualityLedger(source="t.csv", table="tickets", rows_in=5, rows_kept=4, rows_quarantined=1,
...                        issues=issues, quarantine=quarantine.astype({"reason": "string", "column": "string"}))
>>> back = read_ledger(write_ledger(ledger, folder), folder)
>>> (back.rows_in, back.rows_kept, back.rows_quarantined, back.issues["examples"][0])
(5, 4, 1, ['row 4'])
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from svcinsight.io.ledger import QualityLedger, empty_issues
from svcinsight.staging import dtypes

QUARANTINE_FILE = "quarantine.parquet"


def _plain(value):
    """A JSON-able example id (numpy scalars become Python ones)."""
    return value.item() if hasattr(value, "item") else value


def write_ledger(ledger: QualityLedger, folder: Path) -> dict:
    """The manifest entry of ``ledger``; writes its quarantined rows into ``folder``."""
    issues = ledger.issues
    entry = {
        "source": ledger.source, "table": ledger.table, "rows_in": int(ledger.rows_in),
        "rows_kept": int(ledger.rows_kept), "rows_quarantined": int(ledger.rows_quarantined),
        "encoding": ledger.encoding,
        "issues": [{col: ([_plain(x) for x in row[col]] if col == "examples" else _plain(row[col]))
                    for col in issues.columns} for _, row in issues.iterrows()],
        "issue_dtypes": dtypes.describe(issues.drop(columns=["examples"], errors="ignore")),
        "quarantine_dtypes": dtypes.describe(ledger.quarantine),
    }
    if len(ledger.quarantine):
        quarantine = ledger.quarantine
        objects = [c for c in quarantine.columns if quarantine[c].dtype == object]
        # raw cells of a spreadsheet can mix types; Parquet needs one per column
        stored = quarantine.astype(dict.fromkeys(objects, "string")) if objects else quarantine
        stored.to_parquet(Path(folder) / QUARANTINE_FILE, index=False)
    return entry


def read_ledger(entry: dict, folder: Path) -> QualityLedger:
    """The ledger written by :func:`write_ledger`."""
    issue_dtypes = entry["issue_dtypes"]
    if entry["issues"]:
        issues = pd.DataFrame(entry["issues"])
        examples = issues["examples"] if "examples" in issues.columns else None
        issues = dtypes.restore(issues, issue_dtypes)
        if examples is not None:
            issues["examples"] = examples.to_numpy(dtype=object)
        issues = issues.loc[:, list(entry["issues"][0])]
    else:
        issues = empty_issues()
    quarantine_spec = entry["quarantine_dtypes"]
    if entry["rows_quarantined"]:
        stored = pd.read_parquet(Path(folder) / QUARANTINE_FILE)
        objects = {c for c, item in quarantine_spec.items() if item == {"kind": "plain", "name": "object"}}
        quarantine = dtypes.restore(stored, {c: v for c, v in quarantine_spec.items() if c not in objects})
        for col in objects:  # kept as the text it was read as
            quarantine[col] = stored[col].astype(object).where(stored[col].notna(), None)
        quarantine = quarantine.loc[:, list(quarantine_spec)]
    else:
        quarantine = pd.DataFrame({c: pd.Series(dtype=dtypes.dtype_of(v)) for c, v in quarantine_spec.items()})
    return QualityLedger(source=entry["source"], table=entry["table"], rows_in=entry["rows_in"],
                         rows_kept=entry["rows_kept"], rows_quarantined=entry["rows_quarantined"],
                         encoding=entry["encoding"], issues=issues, quarantine=quarantine)
