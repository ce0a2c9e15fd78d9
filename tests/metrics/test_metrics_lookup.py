"""The fast paths added for speed give exactly the answers of plain references: the
feedback -> ticket lookup on ids read as integers equals a dictionary of first rows
(and falls back to text when the integers cannot tell ids apart), and the histogram
selection of order statistics equals a full sort, on random data."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from svcinsight import metrics
from svcinsight.metrics import grouped, lookup
from svcinsight.metrics.context import ticket_positions


def _reference_first_rows(haystack: list, needles: list) -> list[int]:
    first = {}
    for row, value in enumerate(haystack):
        if value is not None:
            first.setdefault(value, row)
    return [-1 if value is None else first.get(value, -1) for value in needles]


def _random_ids(rng, n, kind):
    if kind == "one length":  # the usual ids: a prefix and a zero-padded number
        return [f"EC-{i:06d}" for i in rng.integers(0, n * 2, n)]
    if kind == "uuid-like":
        return ["".join(rng.choice(list("0123456789abcdef-"), 36)) for _ in range(n)]
    # any length from empty to 20 bytes, non-ASCII letters, and trailing NUL bytes that
    # only the length tells apart ("a" and "a\x00")
    alphabet = list("ab\x00") + ["电", "é"]
    return ["".join(rng.choice(alphabet, rng.integers(0, 8))) for _ in range(n)]


def _with_nulls(rng, values, share):
    return [None if rng.random() < share else v for v in values]


def _chunked(rng, values, large):
    """Arrow strings in a few chunks, one of them empty and one a slice (offset > 0)."""
    kind = pa.large_string() if large else pa.string()
    cut = sorted(rng.integers(0, len(values) + 1, 2))
    padded = pa.array(["pad", *values[cut[1]:]], type=kind).slice(1)
    return pa.chunked_array([pa.array(values[:cut[0]], type=kind), pa.array([], type=kind),
                             pa.array(values[cut[0]:cut[1]], type=kind), padded], type=kind)


@pytest.mark.parametrize("kind", ["one length", "uuid-like", "any length"])
@pytest.mark.parametrize("large", [False, True])
def test_integer_lookup_equals_a_dictionary_of_first_rows(rng, kind, large):
    for _ in range(3):
        pool = _random_ids(rng, 400, kind)
        tickets = _with_nulls(rng, list(rng.choice(pool, 600)), 0.05)  # repeated ids too
        needles = _with_nulls(rng, list(rng.choice(pool, 500)) + _random_ids(rng, 50, kind), 0.2)
        expected = _reference_first_rows(tickets, needles)
        got = lookup.first_rows(_chunked(rng, tickets, large), _chunked(rng, needles, large))
        assert got is not None and got.tolist() == expected
        # through the pandas columns compute reads, any dtype of text
        t_series = pd.Series(tickets, dtype="str" if large else object)
        got = ticket_positions(t_series, pd.DataFrame({"ticket_id": pd.Series(needles, dtype="str")}))
        assert got.tolist() == expected


def test_integer_lookup_of_edge_cases():
    assert lookup.first_rows(pa.array(["", "a"]), pa.array(["a", "", None])).tolist() == [1, 0, -1]
    assert lookup.first_rows(pa.array([None, None], type=pa.string()), pa.array(["a"])).tolist() == [-1]
    assert lookup.first_rows(pa.array([], type=pa.string()), pa.array(["a", None])).tolist() == [-1, -1]
    # ids of one length where the last one's word would run past Arrow's buffer
    ids = [f"{i:03d}" for i in range(1000)]
    assert lookup.first_rows(pa.array(ids), pa.array(ids[::-1])).tolist() == list(range(999, -1, -1))
    # too long to read as integers: the caller is told, and ticket_positions compares text
    long_ids = ["x" * 70 + str(i) for i in range(5)]
    assert lookup.first_rows(pa.array(long_ids), pa.array(long_ids)) is None
    feedback = pd.DataFrame({"ticket_id": pd.Series(long_ids[::-1] + [None], dtype="str")})
    assert ticket_positions(pd.Series(long_ids, dtype="str"), feedback).tolist() == [4, 3, 2, 1, 0, -1]


def test_ids_that_are_not_text_repeat_and_miss_too():
    feedback = pd.DataFrame({"ticket_id": pd.array([1, 5, None, 2], dtype="Int64")})
    assert ticket_positions(pd.Series([1, 2, 1, 2]), feedback).tolist() == [0, -1, -1, 1]


def test_ids_sharing_an_integer_are_never_linked(rng, monkeypatch):
    # a deliberately poor integer (the length alone): most ids collide, the check on the
    # ids themselves catches it, and ticket_positions still answers right by text
    monkeypatch.setattr(lookup.StringWords, "hashes", lambda self: self.lengths.astype(np.uint64))
    pool = _random_ids(rng, 300, "any length")
    tickets = _with_nulls(rng, list(rng.choice(pool, 400)), 0.05)
    needles = _with_nulls(rng, list(rng.choice(pool, 300)), 0.1)
    assert lookup.first_rows(pa.array(tickets), pa.array(needles)) is None
    got = ticket_positions(pd.Series(tickets, dtype="str"), pd.DataFrame({"ticket_id": pd.Series(needles, dtype="str")}))
    assert got.tolist() == _reference_first_rows(tickets, needles)


def _sorted_ranks(values, groups, n_groups, ranks):
    out = np.full(ranks.shape, np.nan)
    for g in range(n_groups):
        v = np.sort(values[(groups == g) & ~np.isnan(values)])
        if len(v):
            out[g] = v[ranks[g]]
    return out


@pytest.mark.parametrize("n_groups", [1, 7, 300, 2000])
def test_histogram_selection_equals_a_full_sort(rng, n_groups):
    n = 20_000
    groups = rng.integers(-1, n_groups, n)
    for values in (
        rng.lognormal(1, 3, n),  # long-tailed, as durations
        np.round(rng.normal(0, 5, n), 1),  # negative values and many ties
        rng.choice([0.0, 1.0, 2.0], n),  # a handful of distinct values
        np.where(rng.random(n) < 0.001, np.inf, rng.random(n) * 1e-300),  # tiny values and an outlier
        np.full(n, 3.5),  # one value
    ):
        values = values.copy()
        values[rng.random(n) < 0.1] = np.nan
        counts = np.bincount(groups[(groups >= 0) & ~np.isnan(values)], minlength=n_groups)
        picks = rng.random((n_groups, 3))
        ranks = np.minimum((picks * counts[:, None]).astype(np.int64), np.maximum(counts - 1, 0)[:, None])
        ranks[:, 0] = 0
        got, got_counts = grouped.select_ranks(values, groups, n_groups, lambda c, ranks=ranks: ranks)
        np.testing.assert_array_equal(got_counts, counts)
        np.testing.assert_array_equal(got, _sorted_ranks(values, groups, n_groups, ranks))


def _compute_in_child(tickets, feedback):
    return metrics.compute(tickets, feedback, by="channel", threads=2)


def test_the_kept_thread_pool_is_shared_and_made_anew_in_a_forked_child(rng):
    import importlib
    import multiprocessing

    from test_metrics_fast_path import random_tables

    compute_module = importlib.import_module("svcinsight.metrics.compute")
    tickets, feedback = random_tables(rng, n=300)
    here = metrics.compute(tickets, feedback, by="channel", threads=2)
    assert compute_module._pool(2) is compute_module._pool(2)
    # a child forked after the pool was made has a copy without threads: it must make its own
    with multiprocessing.get_context("fork").Pool(1) as child:
        there = child.apply_async(_compute_in_child, (tickets, feedback)).get(timeout=60)
    pd.testing.assert_frame_equal(there, here, check_exact=True)
