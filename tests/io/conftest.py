"""Shared fixtures for the loader tests: the real data folder and a checked loader call."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from svcinsight.io import QualityLedger

#: The project's shared real data, beside the repository (see shared/data/README.md).
DATA_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def assert_ledger_consistent(frame: pd.DataFrame, ledger: QualityLedger) -> None:
    """What must hold for every load, whatever the input."""
    assert ledger.rows_in == ledger.rows_kept + ledger.rows_quarantined
    assert len(frame) == ledger.rows_kept
    assert len(ledger.quarantine) == ledger.rows_quarantined
    assert list(ledger.quarantine.columns[:3]) == ["row", "reason", "column"]
    rows = ledger.quarantine["row"]
    assert rows.is_unique and ((rows >= 1) & (rows <= ledger.rows_in)).all()
    quarantined = ledger.issues[ledger.issues["action"] == "quarantined"]
    assert quarantined["count"].sum() == ledger.rows_quarantined
    assert set(ledger.issues["action"]) <= {"quarantined", "adjusted"}
    assert all(1 <= len(examples) <= 5 for examples in ledger.issues["examples"])
    assert frame.index.equals(pd.RangeIndex(len(frame)))


@pytest.fixture
def load():
    """Call a loader and check the ledger's invariants before handing back its result."""

    def call(reader, src, *args, **kwargs):
        frame, ledger = reader(src, *args, **kwargs)
        assert_ledger_consistent(frame, ledger)
        return frame, ledger

    return call


@pytest.fixture
def shared_data() -> Path:
    """The shared data folder; tests on real files skip when it is not beside the repo."""
    if not DATA_DIR.is_dir():
        pytest.skip(f"real data not found at {DATA_DIR} (shared/data beside the repository)")
    return DATA_DIR


@pytest.fixture
def issue():
    """``issue(ledger, reason)``: the one issue row for ``reason`` (fails if not exactly one)."""

    def find(ledger: QualityLedger, reason: str) -> pd.Series:
        rows = ledger.issues[ledger.issues["reason"] == reason]
        assert len(rows) == 1, ledger.issues
        return rows.iloc[0]

    return find
