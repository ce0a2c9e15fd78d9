"""Kept rows that no number can count (answers without a submission time, events of a
ticket the tickets source does not have) are counted and listed in the data-quality
section, the same from the staged store as from the raw sources."""

from __future__ import annotations

import pandas as pd
import pytest
from staging_workspace import demo_workspace, write_unit

from svcinsight import staging
from svcinsight.pages import monthly as sections
from svcinsight.studies.monthly import unit_month as prepare

MONTH = "2026-10"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    base = tmp_path_factory.mktemp("unused")
    params = demo_workspace(base, units=("ecommerce", "finance"), tickets_per_month=30)
    data = base / "data"
    feedback = pd.read_csv(data / "feedback.csv", dtype=str, keep_default_na=False)
    blank = feedback.sample(9, random_state=1).index  # of both units
    feedback.loc[blank, "submitted_at"] = ""
    feedback.to_csv(data / "feedback.csv", index=False)
    events = pd.read_csv(data / "events.csv", dtype=str, keep_default_na=False)
    ghosts = events.head(4).assign(ticket_id=[f"GHOST-{i}" for i in range(4)])
    pd.concat([events, ghosts]).to_csv(data / "events.csv", index=False)
    files = [write_unit(params, "ecommerce"), write_unit(params, "finance", "language: zh\n")]
    (params / "everything.yaml").write_text("unit: everything\n", encoding="utf-8")  # no business_unit filter
    files.append(params / "everything.yaml")
    store = base / "_staged"
    staging.stage(files, store)
    tickets = pd.read_csv(data / "tickets.csv", dtype=str)
    return files, store, feedback.loc[blank], tickets


def _expected(unit: str, blank: pd.DataFrame, tickets: pd.DataFrame) -> dict:
    if unit == "everything":
        return {"feedback": len(blank), "events": 4}
    ids = set(tickets.loc[tickets["business_unit"] == unit, "ticket_id"])
    mine = (blank["business_unit"] == unit) | blank["ticket_id"].isin(ids)
    return {"feedback": int(mine.sum()), "events": 0}  # an unknown ticket's events are in no unit


@pytest.mark.parametrize("unit", ["ecommerce", "finance", "everything"])
def test_unused_rows_counted_alike_from_raw_sources_and_store(workspace, unit):
    files, store, blank, tickets = workspace
    path = next(f for f in files if f.stem == unit)
    raw = prepare(unit=unit, month=MONTH, params_path=path)
    staged = prepare(unit=unit, month=MONTH, params_path=path, staged_store=store)
    expected = _expected(unit, blank, tickets)
    assert raw.unused == staged.unused == expected
    assert expected["feedback"] > 0
    page = sections.quality_issues(raw).set_uuid("t").to_html()
    assert page == sections.quality_issues(staged).set_uuid("t").to_html()
    assert "no_submission_time" in page
    assert ("保留，不计入任何月份" if unit == "finance" else "kept, in no month") in page
    assert ("ticket_not_in_tickets" in page) == (unit == "everything")
    # the answers without a submission time are in no month's numbers, but still in the unit's rows
    assert raw.data.feedback["submitted_at"].notna().all()
    assert raw.scope["feedback"]["unit"] >= len(raw.data.feedback) + expected["feedback"]
