"""The Excel ticket export: every value read back as written, text never a formula."""

import datetime as dt

import numpy as np
import pandas as pd
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
