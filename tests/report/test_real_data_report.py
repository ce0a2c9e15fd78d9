"""The report on a real export (NYC 311, ../shared/data), not only on demo data."""

import re
from pathlib import Path

import pandas as pd
import pytest

import svcinsight as si

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def test_nypd_report_counts_match_the_raw_export(shared_data, tmp_path):
    raw = pd.read_csv(shared_data / "nyc311_2022-05-01_sample.csv", dtype=str)
    nypd = raw[raw["Agency"] == "NYPD"]
    still_open = nypd["Closed Date"].isna().sum()
    assert 0 < still_open < len(nypd)

    results = si.report.run("2022-05", params_dir=ROOT / "examples" / "params", output=tmp_path, units=["nypd"])
    (result,) = results
    assert result.status == "ok", result.error
    html = Path(result.output).read_text(encoding="utf-8")
    assert "Data as of 2022-05-01" in html and "EDT" in html
    # the headline table states the month's tickets and the open ones, both from the raw file
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", html)
    assert f"{len(nypd):,}" in cells
    assert f"{still_open:,}" in cells


def test_an_event_log_alone_gets_a_report_from_derived_tickets(shared_data, tmp_path):
    events = pd.read_csv(shared_data / "helpdesk_event_log.csv", dtype=str)
    created = pd.to_datetime(events["time:timestamp"], utc=True).dt.tz_convert("Europe/Rome")
    first_seen = created.groupby(events["case:concept:name"]).min()
    october = int((first_seen.dt.tz_localize(None).dt.to_period("M") == pd.Period("2013-10", "M")).sum())
    assert october > 0

    (result,) = si.report.run("2013-10", params_dir=ROOT / "examples" / "params", output=tmp_path,
                              units=["helpdesk"])
    assert result.status == "ok", result.error
    html = Path(result.output).read_text(encoding="utf-8")
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", html)
    assert f"{october:,}" in cells  # tickets created in the month = cases whose first event is in it
    assert "Process and bottlenecks" in html and "Take in charge ticket" in html
