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

    results = si.report.run("2022-05", params_dir=ROOT / "examples" / "params", output=tmp_path)
    (result,) = results
    assert result.status == "ok", result.error
    html = Path(result.output).read_text(encoding="utf-8")
    assert "Data as of 2022-05-01" in html and "EDT" in html
    # the headline table states the month's tickets and the open ones, both from the raw file
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", html)
    assert f"{len(nypd):,}" in cells
    assert f"{still_open:,}" in cells
