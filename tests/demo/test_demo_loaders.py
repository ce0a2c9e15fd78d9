"""The demo files load through the project's own loaders with nothing quarantined."""

from __future__ import annotations

import pandas as pd
import pytest

import svcinsight as si

io = pytest.importorskip("svcinsight.io")

READERS = {"tickets": "read_tickets", "events": "read_events",
           "feedback": "read_feedback", "orders": "read_orders"}


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_loaders_keep_every_row_unchanged(small, tmp_path, fmt):
    paths = si.demo.write(small, tmp_path, format=fmt)
    for name, reader in READERS.items():
        loaded, ledger = getattr(io, reader)(paths[name])
        assert ledger.rows_kept == len(getattr(small, name)), name
        assert len(ledger.issues) == 0, ledger.issues
        pd.testing.assert_frame_equal(loaded.reset_index(drop=True), getattr(small, name))
