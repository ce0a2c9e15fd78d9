"""Per-agency metrics on the real NYC 311 export equal a plain-pandas computation."""

import numpy as np
import pandas as pd
import pytest

import svcinsight as si

FMT = "%m/%d/%Y %I:%M:%S %p"
TZ = "America/New_York"


def test_per_agency_numbers_match_plain_pandas(shared_data):
    path = shared_data / "nyc311_2022-05-01_sample.csv"
    tickets, ledger = si.io.read_tickets(
        path, columns={"ticket_id": "Unique Key", "created_at": "Created Date", "resolved_at": "Closed Date",
                       "business_unit": "Agency", "category": "Complaint Type"},
        formats={"created_at": FMT, "resolved_at": FMT}, timezone=TZ)
    assert ledger.rows_quarantined == 0
    m = si.metrics.compute(tickets, by="business_unit")
    got = m.pivot_table(index="business_unit", columns="metric", values="value")

    # the same numbers, written independently from the raw file
    raw = pd.read_csv(path, dtype=str)
    created = pd.to_datetime(raw["Created Date"], format=FMT).dt.tz_localize(TZ)
    closed = pd.to_datetime(raw["Closed Date"], format=FMT).dt.tz_localize(TZ)
    as_of = max(created.max(), closed.max())
    hours = (closed - created).dt.total_seconds() / 3600
    plain = pd.DataFrame({"agency": raw["Agency"], "closed": closed.notna() & (closed <= as_of), "hours": hours})
    expected = plain.groupby("agency").agg(
        tickets_created=("closed", "size"),
        tickets_resolved=("closed", "sum"),
        resolution_median_h=("hours", "median"),
    )
    expected["resolution_rate"] = expected["tickets_resolved"] / expected["tickets_created"]
    expected["backlog_open"] = expected["tickets_created"] - expected["tickets_resolved"]

    assert len(got) == raw["Agency"].nunique()
    for col in expected.columns:
        np.testing.assert_allclose(got.loc[expected.index, col].to_numpy(dtype=float),
                                   expected[col].to_numpy(dtype=float), rtol=1e-12, err_msg=col)
    # almost half the requests are open and are counted, not dropped
    assert got["backlog_open"].sum() == pytest.approx(raw["Closed Date"].isna().sum())
