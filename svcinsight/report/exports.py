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

import numpy as np
import pandas as pd

from svcinsight.files import readable
from svcinsight.metrics.context import Context
from svcinsight.metrics.sla import STATUS_NAMES, first_response_status, resolution_status
from svcinsight.studies.monthly import UnitData


def ticket_table(unit: UnitData) -> pd.DataFrame:
    """Tickets created in the report month with hours, SLA status, open flag and feedback tags."""
    t = unit.month_tickets().reset_index(drop=True)
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
    tagged = unit.tagged_month_feedback()
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
        readable(tmp)
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
    _atomic(paths["csv"], lambda p: _write_csv(table, p))
    _atomic(paths["xlsx"], lambda p: _write_xlsx(local, p, sheet_name="tickets"))
    return paths


def _write_csv(frame: pd.DataFrame, path) -> None:
    """``frame`` as CSV (UTF-8 with BOM); zoned timestamps as pandas writes them,
    ``2026-10-01 09:30:00+08:00``, and missing ones as empty fields.

    pandas formats zoned timestamps one Python object at a time (about 40 ms per
    thousand values); :func:`_zoned_text` writes the same text from arrays.
    """
    out = frame
    for col in frame.columns:
        if isinstance(frame[col].dtype, pd.DatetimeTZDtype):
            text = _zoned_text(frame[col])
            if text is not None:
                if out is frame:
                    out = frame.copy()
                out[col] = text
    out.to_csv(path, index=False, encoding="utf-8-sig")


def _zoned_text(stamps: pd.Series) -> pd.Series | None:
    """Zoned timestamps as ``YYYY-MM-DD HH:MM:SS+HH:MM`` text (None where missing), the
    text ``str(pd.Timestamp)`` gives; None when a value needs more than that format
    (fractions of a second, an offset in seconds, a year outside 1000-9999).

    >>> s = pd.Series(pd.to_datetime(["2026-03-08 01:30", "2026-11-01 01:30", None])).dt.tz_localize(
    ...     "America/New_York", ambiguous=True)
    >>> _zoned_text(s).tolist()
    ['2026-03-08 01:30:00-05:00', '2026-11-01 01:30:00-04:00', None]
    """
    local = stamps.dt.tz_localize(None).to_numpy()  # datetime64 in the column's own unit
    utc = stamps.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
    present = ~np.isnat(local)
    text = np.full(len(local), None, dtype=object)
    if not present.any():  # (numpy's string functions fail on empty arrays)
        return pd.Series(text, index=stamps.index, name=stamps.name, dtype=object)
    seconds = local[present].astype("datetime64[s]")
    offsets = (local[present] - utc[present]).astype("timedelta64[s]").astype("int64")
    if (seconds != local[present]).any() or (offsets % 60).any():
        return None
    if not (np.datetime64("1000-01-01", "s") <= seconds.min() and seconds.max() < np.datetime64("10000-01-01", "s")):
        return None
    clock = np.char.replace(np.datetime_as_string(seconds, unit="s"), "T", " ")
    signs = {o: f"{'-' if o < 0 else '+'}{abs(o) // 3600:02d}:{abs(o) % 3600 // 60:02d}"
             for o in np.unique(offsets).tolist()}
    suffix = pd.Series(offsets).map(signs).to_numpy(dtype=str)
    text[present] = np.char.add(clock, suffix)
    return pd.Series(text, index=stamps.index, name=stamps.name, dtype=object)


#: Excel's day 0 in the 1900 date system, counting its phantom 1900-02-29 (the serial of
#: a date from 1900-03-01 on is its day count from here)
_EXCEL_EPOCH = np.datetime64("1899-12-31", "us")
_FIRST_PLAIN_DAY = np.datetime64("1900-03-01", "us")


def _excel_serials(stamps: pd.Series) -> list | None:
    """Naive timestamps as Excel serial numbers (None where missing), equal to the numbers
    XlsxWriter's ``write_datetime`` computes one ``datetime`` at a time; None when a
    value falls before 1900-03-01, where Excel's calendar has its leap-year quirk.
    """
    values = stamps.to_numpy("datetime64[us]")  # XlsxWriter sees datetimes: microseconds
    present = ~np.isnat(values)
    if present.any() and values[present].min() < _FIRST_PLAIN_DAY:
        return None
    micros = (values[present] - _EXCEL_EPOCH).astype("int64")
    days, rest = np.divmod(micros, 86_400_000_000)
    seconds, fraction = np.divmod(rest, 1_000_000)
    # the same arithmetic in the same order: days + (seconds + micros / 1e6) / 86400, + 1
    serial = (days + (seconds.astype(float) + fraction.astype(float) / 1e6) / 86400.0) + 1.0
    out = np.full(len(values), None, dtype=object)
    out[present] = serial.tolist()
    return out.tolist()


def _write_xlsx(frame: pd.DataFrame, path, *, sheet_name: str) -> None:
    """``frame`` as one Excel sheet with a bold header row and empty cells for missing values,
    streamed row by row (XlsxWriter's constant-memory mode: about twice as fast as
    openpyxl's write-only mode, and many times faster than ``DataFrame.to_excel``).

    Text is always written as text: a value such as ``=HYPERLINK(...)`` or ``http://...``
    from a source field stays a string, never a formula or a link (no formula injection).
    Each column of one kind (timestamps, numbers, flags, text) is written with that
    kind's writer and timestamps as serial numbers worked out for the whole column; a
    column of mixed Python objects goes through XlsxWriter's per-value ``write``. The
    file is the one ``write_row`` gives for the same values.
    """
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                           "strings_to_urls": False, "strings_to_numbers": False,
                                           "default_date_format": "yyyy-mm-dd hh:mm:ss"})
    try:
        sheet = book.add_worksheet(sheet_name)
        sheet.write_row(0, 0, [str(name) for name in frame.columns], book.add_format({"bold": True}))
        columns, writers = [], []
        for name in frame.columns:
            values, writer = _column_writer(frame[name], sheet, book.default_date_format)
            columns.append(values)
            writers.append(writer)
        for row, values in enumerate(zip(*columns), start=1):
            for col, value in enumerate(values):
                if value is not None:  # None: no cell
                    writers[col](row, col, value)
    finally:
        book.close()


def _column_writer(column: pd.Series, sheet, date_format):
    """A column's values as Python objects (None where missing) and the sheet method
    that writes one of them."""
    dtype = column.dtype
    if pd.api.types.is_datetime64_dtype(dtype):
        serials = _excel_serials(column)
        if serials is not None:
            return serials, lambda row, col, value: sheet.write_number(row, col, value, date_format)
    elif pd.api.types.is_bool_dtype(dtype):
        return _objects(column), sheet.write_boolean
    elif pd.api.types.is_numeric_dtype(dtype):
        return _objects(column), sheet.write_number
    elif isinstance(dtype, pd.StringDtype):  # "" is no cell, as write() has it
        return [value or None for value in _objects(column)], sheet.write_string
    return _objects(column), sheet.write


def _objects(column: pd.Series) -> list:
    return column.astype(object).where(column.notna(), None).tolist()
