"""Pilot-test fixtures: reference numbers from results/*.toml and the demo data,
generated once for the session (a second; every demo test reads it, none changes it)."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

import svcinsight as si

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))  # synthetic.py, the tests' own data helpers


@pytest.fixture(scope="session")
def reference():
    """``reference("grunfeld_cluster")`` -> the parsed ``results/grunfeld_cluster.toml``."""

    def load(name: str) -> dict:
        return tomllib.loads((HERE / "results" / f"{name}.toml").read_text(encoding="utf-8"))

    return load


@pytest.fixture(scope="session")
def demo():
    """The documented demo data set: ``si.demo.generate(seed=0)`` at its default size."""
    return si.demo.generate(seed=0)
