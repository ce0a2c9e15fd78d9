"""The CSV ticket export: zoned timestamps written from arrays read back as pandas'
own ``to_csv`` text, in zones with daylight saving, half-hour and historic offsets."""

import io

import numpy as np
import pandas as pd
import pytest

from svcinsight.report.exports import _write_csv, _zoned_text

ZONES = ["Asia/Shanghai", "America/New_York", "Australia/Adelaide", "Asia/Kolkata", "America/St_Johns", "UTC"]


def _stamps(zone, n=500, seed=0, *, start="2020-01-01", span_days=2500, fraction=False):
    rng = np.random.default_rng(seed)
    seconds = rng.integers(0, span_days * 86400, n)
    naive = pd.Timestamp(start) + pd.to_timedelta(seconds, unit="s")
    if fraction:
        naive = naive + pd.to_timedelta(rng.integers(0, 1000, n), unit="ms")
    s = pd.Series(naive).dt.tz_localize(zone, ambiguous="NaT", nonexistent="NaT")
    s[::11] = pd.NaT
    return s


def _read(path_or_text):
    return pd.read_csv(path_or_text, dtype=str, keep_default_na=False)


@pytest.mark.parametrize("zone", ZONES)
def test_zoned_timestamps_read_back_as_pandas_writes_them(tmp_path, zone):
    frame = pd.DataFrame({"ticket_id": [f"T{i}" for i in range(500)], "created_at": _stamps(zone),
                          "resolved_at": _stamps(zone, seed=1), "hours": np.linspace(0, 50, 500)})
    ours = tmp_path / "ours.csv"
    _write_csv(frame, ours)
    assert _zoned_text(frame["created_at"]) is not None  # the array path ran
    reference = io.StringIO(frame.to_csv(index=False))
    pd.testing.assert_frame_equal(_read(ours), _read(reference))
    assert ours.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel opens UTF-8 correctly


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/St_Johns"])
def test_values_the_short_format_cannot_hold_take_pandas_path(tmp_path, zone):
    """Fractions of a second and historic local-mean-time offsets (+08:05:43) are left
    to pandas, which writes them its own way; the file reads the same."""
    fractions = _stamps(zone, fraction=True)
    historic = _stamps(zone, start="1880-01-01", span_days=9000)
    assert _zoned_text(fractions) is None and _zoned_text(historic) is None
    frame = pd.DataFrame({"a": fractions, "b": historic, "c": _stamps(zone, seed=3)})
    ours = tmp_path / "ours.csv"
    _write_csv(frame, ours)
    pd.testing.assert_frame_equal(_read(ours), _read(io.StringIO(frame.to_csv(index=False))))


@pytest.mark.parametrize("rows", [0, 3])
def test_columns_without_any_timestamp(tmp_path, rows):
    """A zone-aware column with no value (no first responses yet), or no rows at all."""
    empty = pd.Series(pd.NaT, index=range(rows), dtype="datetime64[ns, America/New_York]")
    frame = pd.DataFrame({"ticket_id": [f"T{i}" for i in range(rows)], "first_response_at": empty,
                          "created_at": _stamps("America/New_York", n=rows)})
    ours = tmp_path / "ours.csv"
    _write_csv(frame, ours)
    assert _zoned_text(empty).isna().all() and len(_zoned_text(empty)) == rows
    pd.testing.assert_frame_equal(_read(ours), _read(io.StringIO(frame.to_csv(index=False))))
