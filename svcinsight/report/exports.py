"""Exports for analysts: the month's tickets with the fields the report computed from
them, so a reader can go from a number to the tickets behind it.

Written next to the report as ``exports/<unit>-tickets.csv`` (UTF-8 with BOM, which
Excel opens correctly) and ``.xlsx`` (written with XlsxWriter). Comments are not exported (they carry customer
text); their tags are.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from svcinsight.metrics.context import Context
from svcinsight.metrics.sla import STATUS_NAMES, first_response_status, resolution_status
from svcinsight.report.runner import _readable
from svcinsight.report.unit import UnitData


def ticket_table(unit: UnitData) -> pd.DataFrame:
    """Tickets created in the report month with hours, SLA status, open flag and feedback tags."""
    from svcinsight.report.sections import month_tickets, tagged_month_feedback

    t = month_tickets(unit).reset_index(drop=True)
    ctx = Context(tickets=t, by=(), freq="M", as_of=unit.as_of, sla_hours=dict(unit.params.sla),
                  calendar=unit.calendar)
    out = t.copy()
    for column, end in (("first_response_hours", "first_response_at"), ("resolution_hours", "resolved_at")):
        if end in t.columns:
            done = ctx.known_by(end)
            out[column] = ctx.hours(t["created_at"], done).where(done.notna())
    if "first_response_at" in t.columns:
        out["first_response_sla"] = first_response_status(ctx).map(STATUS_NAMES)
    due = resolution_status(ctx)
    if due is not None:
        out["resolution_sla"] = due.map(STATUS_NAMES)
    out["open_at_as_of"] = ctx.known_by("resolved_at").isna() if "resolved_at" in t.columns else True
    tagged = tagged_month_feedback(unit)
    if tagged is not None and "ticket_id" in tagged.columns:
        linked = tagged[tagged["ticket_id"].notna()]
        tags = linked.groupby("ticket_id")["tags"].agg(lambda lists: "; ".join(sorted({t for ts in lists for t in ts})))
        out["feedback_tags"] = out["ticket_id"].map(tags)
        if "csat" in linked.columns:
            out["csat"] = out["ticket_id"].map(linked.groupby("ticket_id")["csat"].mean())
    return out


def _atomic(path: Path, write) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix)
    os.close(fd)
    try:
        write(tmp)
        _readable(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_exports(unit: UnitData, folder: str | Path) -> dict[str, Path]:
    """Write the ticket table as CSV and Excel into ``folder``; returns the paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    table = ticket_table(unit)
    # Excel cannot hold timezone-aware timestamps: local wall-clock times of the unit
    local = table.copy()
    for col in local.columns:
        if isinstance(local[col].dtype, pd.DatetimeTZDtype):
            local[col] = local[col].dt.tz_localize(None)
    stem = f"{unit.params.unit}-tickets"
    paths = {"csv": folder / f"{stem}.csv", "xlsx": folder / f"{stem}.xlsx"}
    _atomic(paths["csv"], lambda p: table.to_csv(p, index=False, encoding="utf-8-sig"))
    _atomic(paths["xlsx"], lambda p: _write_xlsx(local, p, sheet_name="tickets"))
    return paths


def _write_xlsx(frame: pd.DataFrame, path, *, sheet_name: str) -> None:
    """``frame`` as one Excel sheet with a bold header row and empty cells for missing values,
    streamed row by row (XlsxWriter's constant-memory mode: about twice as fast as
    openpyxl's write-only mode, and many times faster than ``DataFrame.to_excel``).

    Text is always written as text: a value such as ``=HYPERLINK(...)`` or ``http://...``
    from a source field stays a string, never a formula or a link (no formula injection).
    """
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                           "strings_to_urls": False, "strings_to_numbers": False,
                                           "default_date_format": "yyyy-mm-dd hh:mm:ss"})
    try:
        sheet = book.add_worksheet(sheet_name)
        sheet.write_row(0, 0, [str(name) for name in frame.columns], book.add_format({"bold": True}))
        columns = [frame[c].astype(object).where(frame[c].notna(), None).tolist() for c in frame.columns]
        for row, values in enumerate(zip(*columns), start=1):
            sheet.write_row(row, 0, values)  # None: no cell
    finally:
        book.close()
