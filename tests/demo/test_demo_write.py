"""write(): CSV and Parquet files that read back to the same tables."""

from __future__ import annotations

import pandas as pd
import pytest

import svcinsight as si
from svcinsight import schema

TZ = "Asia/Shanghai"
ISO = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00"


def _read_csv_canonical(path, table: schema.Table) -> pd.DataFrame:
    """How a reader restores canonical dtypes from the CSV (ids and text as strings)."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    out = {}
    for column in raw.columns:
        kind = table[column].kind
        values = raw[column]
        if kind == "timestamp":
            stamps = pd.to_datetime(values, utc=True).dt.tz_convert(TZ)
            out[column] = stamps.astype(f"datetime64[ns, {TZ}]")
        elif kind == "date":
            out[column] = pd.to_datetime(values).astype("datetime64[ns]")
        elif kind in ("count", "score"):
            out[column] = values.astype("Int64")
        elif kind == "flag":
            out[column] = values.map({"True": True, "False": False}).astype("boolean")
        elif kind == "number":
            out[column] = values.astype("float64")
        else:
            out[column] = values.astype("string")
    return pd.DataFrame(out)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_round_trip(small, tmp_path, fmt):
    paths = si.demo.write(small, tmp_path / "out", format=fmt)
    assert set(paths) == {"tickets", "events", "feedback", "orders"}
    for name, path in paths.items():
        assert path == tmp_path / "out" / f"{name}.{fmt}" and path.exists()
        if fmt == "csv":
            back = _read_csv_canonical(path, schema.TABLES[name])
        else:
            back = pd.read_parquet(path)
        pd.testing.assert_frame_equal(back, getattr(small, name))
    assert not list((tmp_path / "out").glob(".*partial"))


def test_csv_is_utf8_with_iso_offsets(small, tmp_path):
    paths = si.demo.write(small, tmp_path)
    raw = pd.read_csv(paths["tickets"], dtype=str)
    assert raw["created_at"].str.fullmatch(ISO).all()
    assert raw["resolved_at"].dropna().str.fullmatch(ISO).all()
    assert pd.read_csv(paths["orders"], dtype=str)["date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    text = paths["feedback"].read_text(encoding="utf-8")
    assert "质检" in text or "退款" in text or "客服" in text


def test_write_skips_missing_tables_and_rejects_unknown_formats(small, tmp_path):
    only = si.Dataset(tickets=small.tickets)
    assert list(si.demo.write(only, tmp_path, format="parquet")) == ["tickets"]
    with pytest.raises(ValueError, match="csv"):
        si.demo.write(small, tmp_path, format="xlsx")
