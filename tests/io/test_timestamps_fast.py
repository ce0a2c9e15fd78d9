"""The fast timestamp paths (RE2 offset test, pyarrow's ISO 8601 cast) give what the
careful path gives, on odd and mixed columns: offsets, DST gaps, day-first, blanks,
garbage, impossible dates, out-of-range years."""

from __future__ import annotations

import random
import re

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_series_equal

from svcinsight.io import timestamps
from svcinsight.io.timestamps import has_offset_suffix, parse_dates, parse_timestamps

# values a column may hold: the common shapes, and everything that must not fool them
VALUES = [
    "2024-05-01 09:30:00", "2024-05-01T09:30", "2024-05-01", "2024-05-01T09:30:15.123456789",
    "2024-05-01T09:30:00+08:00", "2024-05-01 09:30:00Z", "2024-05-01T09:30:00-0500", "2024-05-01T09:30+08",
    "2024-05-01T09:30:00z", "2024-05-01T09:30:00 +08:00", "2024-05-01T09:30:00 UTC",
    "2022-03-13 02:30:00", "2022-11-06 01:30:00",  # New York: in the gap, and twice
    "2022-03-27 02:30:00", "2022-10-30 02:30:00",  # Rome
    "2024-02-29 10:00", "2023-02-29 10:00", "2024-04-31T10:00:00Z", "2024-13-01", "2024-00-10",
    "2024-05-01T24:00:00", "2024-05-01T23:59:60Z", "2024-05-01T10:60", "2024-05-01T10:00:00+24:00",
    "1899-12-31 23:00", "2200-01-01 00:00", "9999-12-31 00:00:00", "1677-09-21 00:12:44", "0001-01-01",
    "31/12/2024 10:00", "12/31/2024 10:00", "05/01/2022 09:00", "May 3 2022 9:00", "2024-05-01 9:30 PM",
    "20240501T093000", "2024-W18-3", "2024-05-01T10:00:00.1234567891Z",
    "", "   ", None, "NA", "garbage", "2024-05-01 garbage", " 2024-05-01 09:30 ", "2024-05-01\n",
    "２０２４-05-01 09:30", "2024-05-01 10:0２Z", "2024-05-01\u00a009:30:00+08:00",
]
ZONES = ["Asia/Shanghai", "America/New_York", "Europe/Rome", "UTC"]


def _compare(fast, careful):
    assert_series_equal(fast.values, careful.values)
    assert_series_equal(fast.unparseable, careful.unparseable, check_names=False)
    assert_series_equal(fast.empty, careful.empty, check_names=False)
    assert fast.adjustments.keys() == careful.adjustments.keys()
    for reason, mask in careful.adjustments.items():
        assert_series_equal(fast.adjustments[reason], mask, check_names=False, obj=reason)


def _run(parser, raw, zone):
    """Both paths' results, or both paths' error."""
    outcome = []
    for careful in (False, True):
        try:
            outcome.append(parser(raw, zone, careful=careful))
        except ValueError as exc:
            outcome.append(str(exc))
    return outcome


@pytest.mark.parametrize("parser", [parse_timestamps, parse_dates])
def test_fast_and_careful_paths_agree_on_mixed_columns(parser):
    rng = random.Random(3)
    fast_parsed = 0
    for _ in range(60):
        # mostly one common shape, as exports are, with a few odd values mixed in
        common = rng.choice(VALUES[:8])
        size = rng.randint(1, 40)
        values = [common if rng.random() < 0.7 else rng.choice(VALUES) for _ in range(size)]
        raw = pd.Series(values, dtype=rng.choice([object, "string"]))
        fast, careful = _run(parser, raw, rng.choice(ZONES))
        if isinstance(careful, str):
            assert fast == careful, values
            continue
        _compare(fast, careful)
        fast_parsed += int(timestamps._iso_fast(raw.astype("string").str.strip(), utc=False).notna().sum())
    assert fast_parsed > 200  # the fast path did the work, not only the careful one


def test_a_column_of_one_shape_is_parsed_fast(monkeypatch):
    raw = pd.Series(["2024-05-01T09:30:00+08:00", "2024-05-02T10:00:00+08:00", ""])

    def refuse(*args, **kwargs):
        raise AssertionError("the careful parser was called")

    monkeypatch.setattr(timestamps.pd, "to_datetime", refuse)
    parsed = parse_timestamps(raw, "Asia/Shanghai")
    assert parsed.values.dt.hour.tolist()[:2] == [9, 10] and parsed.empty.tolist() == [False, False, True]


def test_an_impossible_date_sends_the_column_the_careful_way():
    raw = pd.Series(["2024-02-30 10:00", "2024-02-28 10:00"])
    parsed = parse_timestamps(raw, "UTC")
    assert parsed.unparseable.tolist() == [True, False]
    assert parsed.values[1] == pd.Timestamp("2024-02-28 10:00", tz="UTC")


def test_zoned_and_plain_values_are_read_alike_by_both_paths():
    # pandas refuses a column mixing them; both paths read the zoned value as zoned
    raw = pd.Series(["2024-05-01 10:00", "2024-05-01T10+08:00"])
    fast, careful = _run(parse_timestamps, raw, "UTC")
    assert not isinstance(careful, str) and not isinstance(fast, str)
    assert [str(v) for v in fast.values] == [str(v) for v in careful.values] == [
        "2024-05-01 10:00:00+00:00", "2024-05-01 02:00:00+00:00"]


def test_offset_rule_in_re2_equals_pythons():
    rng = random.Random(5)
    alphabet = list("0123456789:+-.,TZzUTCGM ") + ["\t", "\n", "\x0b", "\x0c", "\r", "\x1c", "\x1f", "\u00a0",
                                                   "\u3000", "２", "٣", "UTC", "GMT", "UT"]
    pattern = re.compile(timestamps._OFFSET)
    spaces = ["", " ", "  ", "\t", "\x1c", "\u00a0", "\u3000", "\n"]
    zones = ["Z", "z", "+08:00", "-0500", "+08", "+8", "UTC", "GMT", "UT", "EST", "+08:00:00", ""]

    def near_miss() -> str:
        # a time, maybe seconds and a fraction, a space, a zone, maybe a tail: most end in an offset
        digits = ["0", "9", "٣", "２"]
        time = rng.choice(digits) + ":" + rng.choice(digits) + rng.choice(digits)
        if rng.random() < 0.5:
            time += ":" + rng.choice(digits) * 2 + rng.choice(["", ".5", ",25", "."])
        tail = rng.choice(["", "", "", "\n", "x", " ", "\n\n"])
        return "2024-05-01T" + time + rng.choice(spaces) + rng.choice(zones) + tail

    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14))) for _ in range(5_000)]
    texts += [near_miss() for _ in range(5_000)]
    texts += [v for v in VALUES if v]
    text = pd.Series(texts, dtype="string").str.strip()
    text = text.mask(text == "")
    expected = [bool(pattern.search(v)) if isinstance(v, str) else False for v in text.astype(object)]
    assert has_offset_suffix(text).tolist() == expected
    assert 1_000 < sum(expected) < len(expected) - 1_000  # both answers, often


def test_iso_cast_reads_values_of_the_fast_shapes_as_pandas_does():
    rng = np.random.default_rng(8)
    n = 5000
    parts = {
        "year": rng.choice(["1900", "1970", "2024", "2100", "2199"], n),
        "month": rng.integers(1, 13, n), "day": rng.integers(1, 32, n),  # 31 April, 30 February ...
        "hour": rng.integers(0, 24, n), "minute": rng.integers(0, 60, n), "second": rng.integers(0, 60, n),
    }
    fraction = rng.choice(["", ".5", ".123", ".123456", ".123456789"], n)
    offset = rng.choice(["Z", "+08:00", "-05:00", "+0530", "-1200", "+23:59"], n)
    texts = [f"{y}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}{f}{o}" for y, mo, d, h, mi, s, f, o in zip(
        *parts.values(), fraction, offset)]
    text = pd.Series(texts, dtype="string")
    careful = pd.to_datetime(text.astype(object), format="ISO8601", errors="coerce", utc=True)
    chunks_compared = 0
    # one impossible date makes pyarrow refuse the whole cast: compare in small groups
    for start in range(0, n, 10):
        part = text.iloc[start:start + 10]
        fast = timestamps._iso_fast(part, utc=True)
        hit = fast.notna()
        assert (fast[hit] == careful.iloc[start:start + 10][hit]).all()
        chunks_compared += int(hit.any())
    assert chunks_compared > 50


def test_a_zone_the_offset_rule_misses_is_read_as_an_offset_not_a_crash():
    # "T10+08:00" has no minutes before its offset; pandas reads the zone and refused the
    # column when it also held plain values (it raised "Mixed timezones detected")
    raw = pd.Series(["2024-05-01 10:00:00", "2024-05-01T10+08:00", ""])
    for careful in (False, True):
        parsed = parse_timestamps(raw, "Europe/Berlin", careful=careful)
        assert [str(v) for v in parsed.values] == ["2024-05-01 10:00:00+02:00", "2024-05-01 04:00:00+02:00", "NaT"]
        assert not parsed.unparseable.any()
