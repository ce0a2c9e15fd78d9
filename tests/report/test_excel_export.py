"""The Excel ticket export: every value read back as written, text never a formula."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from svcinsight.report.exports import _write_xlsx


def test_values_round_trip_and_text_stays_text(tmp_path):
    frame = pd.DataFrame({
        "ticket_id": ["T1", "T2", "T3"],
        "category": ["=HYPERLINK(\"http://evil\")", "http://example.com", "退货"],
        "created_at": pd.to_datetime(["2026-10-01 09:30:00", "2026-10-02 23:59:59", None]),
        "resolution_hours": [1.25, np.nan, 30.0],
        "reopened": pd.array([1, pd.NA, 0], dtype="Int64"),
        "open_at_as_of": [False, True, False],
        "feedback_tags": pd.array(["slow; rude", pd.NA, "refund"], dtype="string"),
    })
    path = tmp_path / "tickets.xlsx"
    _write_xlsx(frame, path, sheet_name="tickets")

    sheet = load_workbook(path)["tickets"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == tuple(frame.columns)
    assert sheet["A1"].font.bold
    assert len(rows) == 1 + len(frame)
    first, second, third = rows[1:]
    assert first == ("T1", "=HYPERLINK(\"http://evil\")", dt.datetime(2026, 10, 1, 9, 30), 1.25, 1, False,
                     "slow; rude")
    assert sheet["B2"].data_type == "s"  # a string cell, not a formula
    assert sheet["B3"].hyperlink is None and second[1] == "http://example.com"
    assert second[3] is None and second[4] is None and second[6] is None  # missing: empty cells
    assert second[2] == dt.datetime(2026, 10, 2, 23, 59, 59) and second[5] is True
    assert third[1] == "退货" and third[2] is None and third[3] == 30.0
    assert sheet["C2"].number_format == "yyyy-mm-dd hh:mm:ss"

    back = pd.read_excel(path)
    assert back["resolution_hours"].tolist()[::2] == [1.25, 30.0]


def _reference_xlsx(frame, path):
    """The sheet as XlsxWriter's per-value ``write_row`` writes it (the reference)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                           "strings_to_urls": False, "strings_to_numbers": False,
                                           "default_date_format": "yyyy-mm-dd hh:mm:ss"})
    sheet = book.add_worksheet("tickets")
    sheet.write_row(0, 0, [str(name) for name in frame.columns], book.add_format({"bold": True}))
    columns = [frame[c].astype(object).where(frame[c].notna(), None).tolist() for c in frame.columns]
    for row, values in enumerate(zip(*columns), start=1):
        sheet.write_row(row, 0, values)
    book.close()


def _sheet_xml(path):
    import zipfile

    with zipfile.ZipFile(path) as book:
        return {name: book.read(name) for name in ("xl/worksheets/sheet1.xml", "xl/styles.xml")}


def test_column_writers_give_the_per_value_writers_file(tmp_path):
    """Typed column writers and whole-column date serials: byte for byte the sheet and
    styles that per-value ``write_row`` gives, on random stamps (with microseconds,
    1900-03-01 and year 9999), numbers, flags, text with empty strings, mixed objects."""
    rng = np.random.default_rng(7)
    n = 400
    micros = rng.integers(0, 4_000_000_000_000_000, n)  # 1900-03-01 .. about 2026
    stamps = pd.Series(pd.Timestamp("1900-03-01") + pd.to_timedelta(micros, unit="us"))
    stamps[::9] = pd.NaT
    stamps[1], stamps[2] = pd.Timestamp("1900-03-01"), pd.Timestamp("9999-12-31 23:59:59.999999")
    whole = stamps.dt.floor("s")
    frame = pd.DataFrame({
        "created_at": whole,
        "resolved_at": stamps,
        "hours": np.where(rng.random(n) < 0.2, np.nan, rng.normal(10, 30, n)),
        "contacts": pd.array(np.where(rng.random(n) < 0.2, None, rng.integers(-5, 5, n)), dtype="Int64"),
        "count": rng.integers(0, 10**12, n),
        "open": rng.random(n) < 0.5,
        "escalated": pd.array(np.where(rng.random(n) < 0.2, None, rng.random(n) < 0.5), dtype="boolean"),
        "channel": pd.array(rng.choice(["", "phone", "邮件", None, "=1+1"], n), dtype="string"),
        "tags": pd.Series(rng.choice(["", "slow", None], n), dtype="str"),
        "mixed": pd.Series(rng.choice([1, "a", 2.5, None, True], n), dtype=object),
    })
    ours, reference = tmp_path / "ours.xlsx", tmp_path / "reference.xlsx"
    _write_xlsx(frame, ours, sheet_name="tickets")
    _reference_xlsx(frame, reference)
    assert _sheet_xml(ours) == _sheet_xml(reference)


def test_stamps_before_march_1900_keep_excels_calendar(tmp_path):
    """Before 1900-03-01 Excel counts a day that never was; such a column is written one
    value at a time by XlsxWriter, so its serials stay Excel's."""
    frame = pd.DataFrame({"created_at": pd.to_datetime(["1900-02-28 12:00", "1900-01-01 00:00", "2026-10-01 00:00"])})
    ours, reference = tmp_path / "ours.xlsx", tmp_path / "reference.xlsx"
    _write_xlsx(frame, ours, sheet_name="tickets")
    _reference_xlsx(frame, reference)
    assert _sheet_xml(ours) == _sheet_xml(reference)


@pytest.mark.parametrize("rows", [0, 3])
def test_columns_without_any_value(tmp_path, rows):
    frame = pd.DataFrame({"first_response_at": pd.Series(pd.NaT, index=range(rows), dtype="datetime64[ns]"),
                          "hours": np.full(rows, np.nan), "tags": pd.Series([None] * rows, dtype="string")})
    ours, reference = tmp_path / "ours.xlsx", tmp_path / "reference.xlsx"
    _write_xlsx(frame, ours, sheet_name="tickets")
    _reference_xlsx(frame, reference)
    assert _sheet_xml(ours) == _sheet_xml(reference)
