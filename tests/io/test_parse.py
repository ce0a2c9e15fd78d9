"""Parsing by kind: ids, categories, text, flags, numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import svcinsight as si
from svcinsight import schema
from svcinsight.io.parse import parse_column


def parse(values, table, column, **options):
    return parse_column(pd.Series(values), schema.TABLES[table][column], timezone="UTC", **options)


def test_ids_are_stripped_strings_and_whole_floats_lose_their_point():
    assert parse([" A7 ", "", None], "tickets", "ticket_id").values.tolist() == ["A7", pd.NA, pd.NA]
    parsed = parse([54049402.0, np.nan], "tickets", "agent_id")
    assert parsed.values.tolist() == ["54049402", pd.NA]
    assert str(parsed.values.dtype) == "string"


def test_categories_are_stripped_but_keep_their_case():
    assert parse([" Noise - Residential ", "   "], "tickets", "category").values.tolist() == [
        "Noise - Residential", pd.NA]


def test_text_is_kept_exactly():
    raw = ["  padded  ", "&#35828; &amp; <b>", "line\nbreak", "", "   "]
    parsed = parse(raw, "feedback", "comment")
    assert parsed.values.tolist() == [*raw[:3], pd.NA, "   "]


@pytest.mark.parametrize(("raw", "expected"), [
    ("true", True), ("FALSE", False), (" Yes ", True), ("no", False), ("Y", True), ("n", False),
    ("1", True), ("0", False), (1.0, True), (0.0, False),
])
def test_flag_spellings(raw, expected):
    parsed = parse([raw], "tickets", "escalated")
    assert parsed.values.tolist() == [expected]
    assert not parsed.problems["invalid_flag"].any()


def test_flag_problems_and_boolean_columns():
    parsed = parse(["maybe", "2", None], "tickets", "escalated")
    assert parsed.problems["invalid_flag"].tolist() == [True, True, False]
    assert str(parsed.values.dtype) == "boolean"
    assert parse([True, False], "tickets", "escalated").values.tolist() == [True, False]


def test_counts_accept_whole_numbers_in_any_spelling():
    parsed = parse(["3", "3.0", " 4 ", None], "tickets", "reopened")
    assert parsed.values.tolist() == [3, 3, 4, pd.NA]
    assert str(parsed.values.dtype) == "Int64"
    assert not parsed.problems["invalid_number"].any()


def test_numbers_reject_negatives_and_infinities():
    parsed = parse(["12.5", "-1", "inf", "nan", None], "tickets", "handle_minutes")
    assert parsed.problems["invalid_number"].tolist() == [False, True, True, True, False]
    assert parsed.values.dtype == "float64" and parsed.values.iloc[0] == 12.5


def test_numeric_source_columns_take_the_fast_path():
    parsed = parse(np.array([1, 5, 7]), "feedback", "csat")
    assert parsed.problems["score_out_of_range"].tolist() == [False, False, True]
    assert parsed.values.tolist() == [1, 5, pd.NA]


def test_values_recode_numbers_and_flags(load):
    frame = pd.DataFrame({"ticket_id": ["T1", "T2"], "created_at": ["2024-05-01"] * 2,
                          "escalated": ["是", "否"], "contacts": ["one", "2"]})
    t, _ = load(si.io.read_tickets, frame,
                values={"escalated": {"是": "yes", "否": "no"}, "contacts": {"one": 1}})
    assert t["escalated"].tolist() == [True, False]
    assert t["contacts"].tolist() == [1, 2]
