"""Reference numbers for the statistics tests live in results/*.toml, each with its source."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

RESULTS = Path(__file__).parent / "results"


@pytest.fixture(scope="session")
def reference():
    """``reference("proportions")`` -> the parsed ``results/proportions.toml``."""

    def load(name: str) -> dict:
        return tomllib.loads((RESULTS / f"{name}.toml").read_text(encoding="utf-8"))

    return load
