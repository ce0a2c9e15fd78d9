"""Workspaces the staging tests share: the report tests' demo workspace, and a longer
history in which the report window leaves months out and some old tickets are still
open (so that the carried-over rule is exercised)."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

import svcinsight as si

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "report"))

from report_workspace import DEFAULTS, demo_workspace

__all__ = ["demo_workspace", "long_workspace", "write_unit"]


def write_unit(params: Path, unit: str, extra: str = "") -> Path:
    """A unit's params file: its business unit and whatever ``extra`` YAML adds."""
    path = params / f"{unit}.yaml"
    path.write_text(f"unit: {unit}\nbusiness_unit: {unit}\n{extra}", encoding="utf-8")
    return path


def long_workspace(base: Path, units=("ecommerce", "finance"), *, months: int = 24, open_old: int = 5,
                   tickets_per_month: int = 30, seed: int = 11) -> Path:
    """Demo data from 2024-11 over ``months`` months, where ``open_old`` tickets of each
    unit's first two months never got resolved; returns the params folder."""
    ds = si.demo.generate(seed=seed, start="2024-11-01", months=months, tickets_per_month=tickets_per_month,
                          units=list(units))
    t = ds.tickets.copy()
    early = t["created_at"] < pd.Timestamp("2025-01-01", tz=t["created_at"].dt.tz)
    chosen = t[early].groupby("business_unit", observed=True).head(open_old).index
    for col in ("resolved_at", "closed_at"):
        t.loc[chosen, col] = pd.NaT
    t.loc[chosen, "status"] = "open"
    ds = si.Dataset(tickets=t, events=ds.events, feedback=ds.feedback, orders=ds.orders)
    si.demo.write(ds, base / "data", format="csv")
    params = base / "params"
    params.mkdir()
    (params / "_defaults.yaml").write_text(DEFAULTS, encoding="utf-8")
    return params
