"""A load in chunks gives the table and the ledger of a load in one piece: rows numbered
in the file, duplicates across chunks, examples in file order, strict errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import svcinsight as si
from svcinsight.io import keyindex
from svcinsight.io.chunks import read_table_in_chunks
from svcinsight.io.keyindex import KeyIndex

# T2's first row is invalid, so its second is the one kept; T1 repeats two chunks later;
# a DST gap in a kept row and in a quarantined one; a guessed format; blanks; garbage.
TICKETS = """\
Ticket,Opened,Resolved,Priority,Note
T1,2022-03-13 02:30:00,2022-03-13 05:00,normal,gap
T2,garbage,,urgent,bad time
T2,2022-03-14 09:00,2022-03-14 08:00,urgent,resolved before created
T2,2022-03-14 10:00,,urgent,kept
,2022-03-14 11:00,,normal,no id
T3,03/15/2022 09:00,,normal,guessed
T1,2022-03-13 02:45:00,,normal,duplicate with a gap
T4,2022-03-16 09:00,,asap,unknown priority
T5,2022-11-06 01:30:00,,important,overlap
T6,  ,,normal,blank time
T1,2022-03-17 09:00,,normal,duplicate again
T7,2022-03-18 09:00,2022-03-18 10:00,Normal,kept
"""
COLUMNS = {"ticket_id": "Ticket", "created_at": "Opened", "resolved_at": "Resolved", "priority": "Priority"}
OPTIONS = {"timezone": "America/New_York", "extra_columns": ["Note"]}


def whole_and_chunks(table, path, columns, rows, **options):
    whole, ledger = si.io.read_table(table, path, columns, **options)
    load = read_table_in_chunks(table, path, columns, rows=rows, **options)
    chunks = list(load)
    return whole, ledger, chunks, load.ledger


def assert_same_ledger(a, b):
    assert (a.source, a.table, a.rows_in, a.rows_kept, a.rows_quarantined, a.encoding) == (
        b.source, b.table, b.rows_in, b.rows_kept, b.rows_quarantined, b.encoding)
    assert_frame_equal(a.issues, b.issues)
    assert_frame_equal(a.quarantine, b.quarantine)


@pytest.mark.parametrize("rows", [1, 2, 3, 5, 100])
def test_chunked_load_equals_the_load_in_one_piece(tmp_path, rows):
    path = tmp_path / "tickets.csv"
    path.write_text(TICKETS, encoding="utf-8")
    whole, ledger, chunks, chunked = whole_and_chunks("tickets", path, COLUMNS, rows, **OPTIONS)
    assert all(chunk.index.equals(pd.RangeIndex(len(chunk))) for chunk in chunks)
    assert_frame_equal(pd.concat(chunks, ignore_index=True), whole)
    assert_same_ledger(ledger, chunked)
    # what the fixture is for: the rules a chunk boundary could break
    assert whole["ticket_id"].tolist() == ["T1", "T2", "T3", "T5", "T7"]
    assert whole.loc[1, "created_at"] == pd.Timestamp("2022-03-14 10:00", tz="America/New_York")
    duplicates = ledger.quarantine[ledger.quarantine["reason"] == "duplicate_id"]
    assert duplicates["row"].tolist() == [7, 11]
    assert set(ledger.issues["reason"]) >= {"nonexistent_local_time", "timestamp_format_guessed",
                                            "ambiguous_local_time", "unknown_priority"}


def test_generated_feedback_ids_number_rows_in_the_file(tmp_path):
    path = tmp_path / "survey.csv"
    pd.DataFrame({"score": ["5", "9", "4", "", "3"], "when": ["2024-05-01"] * 5}).to_csv(path, index=False)
    whole, ledger, chunks, chunked = whole_and_chunks("feedback", path, {"csat": "score", "submitted_at": "when"},
                                                      2, source_name="survey")
    assert_frame_equal(pd.concat(chunks, ignore_index=True), whole)
    assert_same_ledger(ledger, chunked)
    assert whole["feedback_id"].tolist() == ["survey:1", "survey:3", "survey:4", "survey:5"]


def test_strict_raises_the_same_error_once_every_chunk_is_read(tmp_path):
    path = tmp_path / "tickets.csv"
    path.write_text(TICKETS, encoding="utf-8")
    with pytest.raises(si.io.DataQualityError) as whole:
        si.io.read_table("tickets", path, COLUMNS, strict=True, **OPTIONS)
    with pytest.raises(si.io.DataQualityError) as chunked:
        list(read_table_in_chunks("tickets", path, COLUMNS, rows=2, strict=True, **OPTIONS))
    assert str(chunked.value) == str(whole.value)


def test_mapping_mistakes_fail_before_a_row_is_read(tmp_path):
    path = tmp_path / "tickets.csv"
    path.write_text(TICKETS, encoding="utf-8")
    with pytest.raises(si.io.SchemaError, match="'Opened At'"):
        list(read_table_in_chunks("tickets", path, {**COLUMNS, "created_at": "Opened At"}, rows=2))
    with pytest.raises(ValueError, match="unknown timezone"):
        read_table_in_chunks("tickets", path, COLUMNS, timezone="Mars/Olympus")
    with pytest.raises(ValueError, match="only delimited text"):
        read_table_in_chunks("tickets", tmp_path / "tickets.parquet")


def test_key_index_is_exact_when_keys_share_a_hash(monkeypatch):
    # every key hashes alike: positions must still come from comparing the keys
    monkeypatch.setattr(keyindex, "_hash", lambda keys: np.zeros(len(keys), dtype=np.uint64))
    index = KeyIndex()
    index.add(pd.Series(["a", "b"], dtype="string"))
    index.add(pd.Series(["c"], dtype="string"))
    query = pd.Series(["c", "x", "a", None, "b"], dtype="string")
    assert index.positions(query).tolist() == [2, -1, 0, -1, 1]


def test_key_index_on_many_keys(rng):
    ids = pd.Series([f"T{i:07d}" for i in rng.permutation(20_000)], dtype="string")
    index = KeyIndex()
    for start in range(0, len(ids), 3_000):
        index.add(ids.iloc[start:start + 3_000])
    probe = pd.concat([ids.sample(500, random_state=1), pd.Series(["T9999999", "T-1"], dtype="string")])
    expected = [ids.index.get_loc(ids[ids == v].index[0]) if (ids == v).any() else -1 for v in probe]
    assert index.positions(probe).tolist() == expected
    assert index.nbytes < 60 * len(ids)
