"""Shared fixtures for the feedback tests: the real reviews and one demo dataset."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import svcinsight as si

REVIEWS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "chnsenticorp_hotel_reviews.csv"


@pytest.fixture(scope="session")
def hotel_reviews() -> pd.DataFrame:
    """ChnSentiCorp hotel reviews as shipped in ../shared/data (label, review)."""
    if not REVIEWS.is_file():
        pytest.skip(f"real data file {REVIEWS} is not beside the project")
    return pd.read_csv(REVIEWS)


@pytest.fixture(scope="session")
def demo():
    """The default demo dataset (about a second to generate)."""
    return si.demo.generate(seed=0)
