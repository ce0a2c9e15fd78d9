"""The staged store: one copy per distinct source, re-staged exactly when a source
changes, the quality ledger kept, each unit reading only its own partitions."""

from __future__ import annotations

import json
import os
import sqlite3

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from staging_workspace import demo_workspace, write_unit

import svcinsight as si
from svcinsight import cli, staging
from svcinsight.studies.monthly import unit_month as prepare

MONTH = "2026-10"


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """Three units whose params all read the same four demo files, staged once."""
    base = tmp_path_factory.mktemp("shared")
    params = demo_workspace(base, units=("ecommerce", "finance", "manufacturing"), tickets_per_month=30)
    files = [write_unit(params, u) for u in ("ecommerce", "finance", "manufacturing")]
    store = base / "reports" / staging.STORE_FOLDER
    outcomes = staging.stage(files, store)
    return base, params, files, store, outcomes


def test_a_source_shared_by_units_is_staged_once(shared):
    base, _, files, store, outcomes = shared
    assert [(o.table, o.status) for o in outcomes] == [
        ("tickets", "staged"), ("events", "staged"), ("feedback", "staged"), ("orders", "staged")]
    assert all(o.units == ["ecommerce", "finance", "manufacturing"] for o in outcomes)
    assert sorted(p.name.split("-")[0] for p in store.iterdir() if p.is_dir()) == [
        "events", "feedback", "orders", "tickets"]
    tickets = pd.read_csv(base / "data" / "tickets.csv")
    assert outcomes[0].rows == len(tickets)
    # partitioned by unit and month: each unit's 14 months
    assert outcomes[0].partitions == tickets["business_unit"].nunique() * 14
    again = staging.stage(files, store)
    assert [o.status for o in again] == ["up to date"] * 4


def test_a_unit_reads_only_its_own_partitions(shared):
    base, _, files, store, _ = shared
    params = si.unit.load_params(files[1])  # finance
    part = staging.read_unit(store, params, MONTH)
    for table, paths in part.files.items():
        assert paths, table
        assert all("unit=finance" in p.parts[-3] for p in paths), (table, paths[:3])
    raw = pd.read_csv(base / "data" / "tickets.csv")
    assert len(part.data.tickets) == (raw["business_unit"] == "finance").sum()
    assert set(part.data.tickets["business_unit"]) == {"finance"}
    # the events read are the finance tickets' and nothing else
    assert part.data.events["ticket_id"].isin(part.data.tickets["ticket_id"]).all()
    assert len(part.data.events) == part.scope["events"]["unit"] < part.scope["events"]["all"]


def test_a_changed_source_is_staged_again_and_an_unchanged_one_is_not(shared, tmp_path):
    base, _, files, store, _ = shared
    tickets = base / "data" / "tickets.csv"
    text = tickets.read_text(encoding="utf-8")
    try:
        lines = text.splitlines(keepends=True)
        tickets.write_text("".join(lines[:-1]), encoding="utf-8")  # the last ticket removed
        outcomes = {o.table: o for o in staging.stage(files, store)}
        # the tickets, and the tables partitioned by them, are staged again; orders are not
        assert {t: o.status for t, o in outcomes.items()} == {
            "tickets": "staged", "events": "staged", "feedback": "staged", "orders": "up to date"}
        assert outcomes["tickets"].rows == len(lines) - 2
        # a report started with the store reads the new copy
        unit = prepare(unit="ecommerce", month=MONTH, params_path=files[0], staged_store=store)
        assert unit.staged_store == str(store)
        assert unit.scope["tickets"]["all"] == len(lines) - 2
    finally:
        tickets.write_text(text, encoding="utf-8")
    # a source changed after staging is not read from its stale copy
    os.utime(tickets, ns=(tickets.stat().st_atime_ns, tickets.stat().st_mtime_ns + 10**9))
    assert staging.read_unit(store, si.unit.load_params(files[0]), MONTH) is None
    fallback = prepare(unit="ecommerce", month=MONTH, params_path=files[0], staged_store=store)
    assert fallback.staged_store is None and fallback.scope["tickets"]["all"] == len(lines) - 1
    assert [o.status for o in staging.stage(files, store)][:3] == ["staged"] * 3


def test_the_quality_ledger_survives_staging(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    pd.DataFrame({
        "Ticket No": ["T1", "T2", "T2", None, "T5", "T6"],
        "Created": ["2026-09-03 09:00", "2026-10-01 10:00", "2026-10-01 10:00", "2026-10-02 11:00", "garbage",
                    "2026-10-05 12:00"],
        "Resolved": ["2026-09-03 08:00", None, None, None, None, "2026-10-05 13:00"],
        "Priority": ["normal", "urgent", "urgent", "normal", "normal", "important"],
    }).to_csv(data / "t.csv", index=False)
    path = tmp_path / "shop.yaml"
    path.write_text("unit: shop\nsources:\n  tickets:\n    path: data/t.csv\n    columns: {ticket_id: Ticket No, "
                    "created_at: Created, resolved_at: Resolved, priority: Priority}\n", encoding="utf-8")
    store = tmp_path / "_staged"
    staging.stage([path], store)
    raw = prepare(unit="shop", month=MONTH, params_path=path)
    staged = prepare(unit="shop", month=MONTH, params_path=path, staged_store=store)
    assert staged.staged_store == str(store)
    a, b = raw.ledgers["tickets"], staged.ledgers["tickets"]
    assert b.rows_quarantined > 0 and b.rows_in == b.rows_kept + b.rows_quarantined
    assert (a.source, a.rows_in, a.rows_kept, a.rows_quarantined, a.encoding) == (
        b.source, b.rows_in, b.rows_kept, b.rows_quarantined, b.encoding)
    assert_frame_equal(a.issues, b.issues)
    assert_frame_equal(a.quarantine, b.quarantine)
    assert_frame_equal(a.to_frame(), b.to_frame())
    # no business_unit column: one partition holds the unit's rows
    manifest = json.loads(next(store.glob("tickets-*/manifest.json")).read_text(encoding="utf-8"))
    assert {p["unit"] for p in manifest["partitions"]} == {None} and manifest["has_units"] is False
    assert_frame_equal(raw.data.tickets, staged.data.tickets)


@pytest.mark.filterwarnings("ignore:Query string argument")  # the URL's made-up secret, ignored by SQLite
def test_a_sql_source_is_read_again_by_every_stage_and_keeps_no_secret(tmp_path, monkeypatch):
    db = tmp_path / "service.db"
    with sqlite3.connect(db) as con:
        pd.DataFrame({"ticket_id": ["A", "B"], "created_at": ["2026-10-01 09:00", "2026-10-02 09:00"]}).to_sql(
            "tickets", con, index=False)
    monkeypatch.setenv("DB_SECRET", "s3cr3t")
    path = tmp_path / "db.yaml"
    path.write_text("unit: db\nsources:\n  tickets:\n    url: sqlite:///" + str(db) + "?x=${DB_SECRET}\n"
                    "    query: SELECT * FROM tickets\n", encoding="utf-8")
    store = tmp_path / "_staged"
    assert [o.status for o in staging.stage([path], store)] == ["staged"]
    assert [o.status for o in staging.stage([path], store)] == ["staged"]  # a database can change unseen
    for file in store.rglob("*.json"):
        assert "s3cr3t" not in file.read_text(encoding="utf-8")
    unit = prepare(unit="db", month=MONTH, params_path=path, staged_store=store)
    assert unit.staged_store == str(store) and unit.data.tickets["ticket_id"].tolist() == ["A", "B"]


def test_the_stage_command_stages_and_tells_what_each_report_reads(tmp_path, capsys):
    params = demo_workspace(tmp_path, units=("ecommerce", "finance"), tickets_per_month=10)
    write_unit(params, "ecommerce")
    write_unit(params, "finance")
    args = ["stage", "--month", MONTH, "--params-dir", str(params), "--output", str(tmp_path / "reports")]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert out.count(" staged ") == 4 and "finance: tickets" in out
    assert (tmp_path / "reports" / "_staged").is_dir()
    assert cli.main(args) == 0
    assert capsys.readouterr().out.count("up to date") == 4
    assert cli.main(["stage", "--month", "2026-13", "--params-dir", str(params)]) == 2


def test_units_that_share_no_source_are_staged_side_by_side(tmp_path):
    files = []
    for unit in ("finance", "manufacturing"):
        si.demo.write(si.demo.generate(seed=2, months=2, tickets_per_month=15, units=[unit]),
                      tmp_path / unit, format="csv")
        files.append(write_unit(tmp_path, unit, f"sources:\n  tickets: {unit}/tickets.csv\n"
                                                f"  feedback: {unit}/feedback.csv\n"))
    store = tmp_path / "_staged"
    outcomes = staging.stage(files, store, workers=2)
    assert [(o.table, o.units, o.status) for o in outcomes] == [
        ("tickets", ["finance"], "staged"), ("tickets", ["manufacturing"], "staged"),
        ("feedback", ["finance"], "staged"), ("feedback", ["manufacturing"], "staged")]
    for path in files:
        params = si.unit.load_params(path)
        part = staging.read_unit(store, params, "2025-10")
        raw, _ = si.unit.load_sources(params)
        assert_frame_equal(part.data.tickets, raw.tickets)
