"""Small building blocks the report notebook shows: title, scope, data quality,
parameters and versions. Each returns something Jupyter displays well."""

from __future__ import annotations

import html
import platform
from importlib import metadata

import pandas as pd

from svcinsight._version import __version__
from svcinsight.report.unit import UnitData

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
    return pd.DataFrame(rows)


def quality(unit: UnitData) -> pd.DataFrame:
    """Rows read, kept and quarantined per source."""
    return pd.DataFrame([
        {"table": name, "source": ledger.source, "rows in": ledger.rows_in,
         "kept": ledger.rows_kept, "quarantined": ledger.rows_quarantined}
        for name, ledger in unit.ledgers.items()
    ])


def provenance(unit: UnitData) -> pd.DataFrame:
    """The parameters and software versions this report was made with."""
    p = unit.params
    rows = [
        ("unit", p.unit), ("month", str(unit.month)), ("language", p.language),
        ("timezone", p.timezone), ("business_unit filter", p.business_unit or "(none)"),
        ("params file", str(p.source_file.name if p.source_file else "")),
        ("first-response targets (h)", ", ".join(f"{k} {v:g}" for k, v in p.sla.items())),
    ]
    for name in ("tickets", "events", "feedback", "orders"):
        spec = getattr(p.sources, name)
        if spec is not None:
            rows.append((f"source: {name}", spec.describe()))
    rows.append(("svcinsight", __version__))
    rows.append(("python", platform.python_version()))
    for pkg in _PACKAGES:
        try:
            rows.append((pkg, metadata.version(pkg)))
        except metadata.PackageNotFoundError:
            pass
    return pd.DataFrame(rows, columns=["item", "value"])


def _table(frame: pd.DataFrame):
    """A frame as a stakeholder reads it: no index column."""
    return frame.style.hide(axis="index")


def headline_table(unit: UnitData):
    """The headline numbers of the month next to last month's."""
    from svcinsight.report.headline import format_headline, headline

    numbers = headline(unit.data.tickets, unit.data.feedback, month=unit.month,
                       as_of=unit.as_of, sla_hours=unit.params.sla)
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
    table = pd.crosstab(t[rows].fillna("(none)"), t[cols].fillna("(none)"), margins=True, margins_name="total")
    return table
