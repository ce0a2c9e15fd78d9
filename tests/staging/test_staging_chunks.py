"""Staging a source in chunks of rows gives the store a stage in one piece gives: the
same partitions and files, rows, dtypes, partition stats and quality ledger."""

from __future__ import annotations

import json
import os

import pytest
from pandas.testing import assert_frame_equal
from staging_workspace import demo_workspace, write_unit

import svcinsight as si
from svcinsight import staging
from svcinsight.staging.ledgers import read_ledger
from svcinsight.staging.store import StagedTable

MONTH = "2026-10"
UNITS = ("ecommerce", "finance")


def _dirty(data):
    """Rows each loader must quarantine, some repeating keys of rows many chunks before."""
    def append(name: str, lines: list[str]) -> None:
        path = data / f"{name}.csv"
        text = path.read_text(encoding="utf-8")
        first = text.splitlines()[1]
        path.write_text(text + "".join(line.replace("FIRST", first) + "\n" for line in lines), encoding="utf-8")

    append("tickets", ["FIRST"])  # the first ticket again: a duplicate
    tickets = (data / "tickets.csv").read_text(encoding="utf-8").splitlines()
    broken = tickets[2].split(",")
    broken[0], broken[5] = "ZZ-1", "garbage"  # ticket_id, created_at
    missing = tickets[3].split(",")
    missing[0] = ""
    append("tickets", [",".join(broken), ",".join(missing)])
    append("events", ["FIRST", "NOPE-1,triage,2026-10-01T09:00:00+08:00,,support,"])
    append("feedback", ["FIRST"])
    append("orders", ["ecommerce,2026-10-01,many"])


def _stage(base, files, name, chunk_rows):
    store = base / name
    outcomes = staging.stage(files, store, chunk_rows=chunk_rows)
    assert {o.status for o in outcomes} == {"staged"}, [o.error for o in outcomes]
    for outcome in outcomes:
        manifest = json.loads((store / os.path.basename(outcome.folder) / "manifest.json").read_text(encoding="utf-8"))
        assert outcome.rows == manifest["rows"] == manifest["ledger"]["rows_kept"]
    return store


def _tables(store) -> dict[str, StagedTable]:
    return {path.name.split("-")[0]: StagedTable.open(path) for path in sorted(store.iterdir()) if path.is_dir()}


def _assert_same_store(one, chunked):
    a, b = _tables(one), _tables(chunked)
    assert a.keys() == b.keys() == {"tickets", "events", "feedback", "orders"}
    for table in a:
        x, y = a[table], b[table]
        assert_frame_equal(x.read(), y.read(), obj=table)
        manifest_x = {k: v for k, v in x.manifest.items() if k not in ("staged_at", "ledger")}
        manifest_y = {k: v for k, v in y.manifest.items() if k not in ("staged_at", "ledger")}
        assert manifest_x == manifest_y, table
        files = [sorted(str(p.relative_to(t.folder)) for p in t.folder.rglob("*.parquet")) for t in (x, y)]
        assert files[0] == files[1], table
        lx, ly = read_ledger(x.manifest["ledger"], x.folder), read_ledger(y.manifest["ledger"], y.folder)
        assert (lx.rows_in, lx.rows_kept, lx.rows_quarantined, lx.source) == (
            ly.rows_in, ly.rows_kept, ly.rows_quarantined, ly.source)
        assert_frame_equal(lx.issues, ly.issues, obj=table)
        assert_frame_equal(lx.quarantine, ly.quarantine, obj=table)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    base = tmp_path_factory.mktemp("chunks")
    params = demo_workspace(base, units=UNITS, tickets_per_month=4)
    _dirty(base / "data")
    files = [write_unit(params, unit) for unit in UNITS]
    one = _stage(base, files, "one", chunk_rows=None)
    return base, files, one


def test_a_stage_in_tiny_chunks_equals_one_in_one_piece(workspace):
    base, files, one = workspace
    chunked = _stage(base, files, "chunked", chunk_rows=23)
    _assert_same_store(one, chunked)
    # the dirty rows are in the ledgers, the duplicates found across chunks
    tickets = _tables(chunked)["tickets"]
    ledger = read_ledger(tickets.manifest["ledger"], tickets.folder)
    assert set(ledger.quarantine["reason"]) == {"duplicate_id", "unparseable_timestamp", "missing_required"}
    assert ledger.rows_in > 23 * 4  # several chunks
    for path in files:
        params = si.unit.load_params(path)
        a = staging.read_unit(one, params, MONTH).data
        b = staging.read_unit(base / "chunked", params, MONTH).data
        for table in a.tables():
            assert_frame_equal(getattr(a, table), getattr(b, table), obj=table)


def test_events_staged_after_their_tickets_read_the_staged_tickets(workspace):
    base, files, one = workspace
    store = _stage(base, files, "later", chunk_rows=37)
    events = base / "data" / "events.csv"
    stat = events.stat()
    os.utime(events, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    try:
        outcomes = {o.table: o.status for o in staging.stage(files, store, chunk_rows=37)}
        assert outcomes == {"tickets": "up to date", "events": "staged", "feedback": "up to date",
                            "orders": "up to date"}
        staging.stage(files, one, chunk_rows=None)  # the same change, staged in one piece
        _assert_same_store(one, store)
    finally:
        os.utime(events, ns=(stat.st_atime_ns, stat.st_mtime_ns))
