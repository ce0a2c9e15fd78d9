"""svcinsight.ids.among: Series.isin's answer (missing values never found), in Arrow."""

import numpy as np
import pandas as pd
import pytest

from svcinsight.ids import among


def _reference(values, wanted):
    return values.isin(list(wanted)).fillna(False).to_numpy(dtype=bool) & values.notna().to_numpy()


@pytest.mark.parametrize("dtype", ["string[pyarrow]", "str", "object", "string[python]"])
@pytest.mark.parametrize("wanted_kind", ["list", "series", "unique", "numpy"])
def test_answers_as_isin_does(dtype, wanted_kind):
    rng = np.random.default_rng(11)
    pool = np.array([f"T{i}" for i in range(3000)] + ["", "退货-1", "a,b"], dtype=object)
    values = pd.Series(rng.choice(pool, 5000), dtype=dtype)
    values[rng.random(5000) < 0.05] = None
    picked = list(rng.choice(pool, 800)) + [None, "not-there"]
    wanted = {"list": picked, "series": pd.Series(picked, dtype="string[pyarrow]"),
              "unique": pd.Series(picked, dtype="string[pyarrow]").dropna().unique(),
              "numpy": np.array(picked, dtype=object)}[wanted_kind]
    got = among(values, wanted)
    assert got.dtype == bool and got.shape == (5000,)
    np.testing.assert_array_equal(got, _reference(values, [w for w in picked if w is not None]))


def test_non_text_wanted_values_and_columns_fall_back_to_isin():
    ids = pd.Series(["1", "2", None], dtype="string[pyarrow]")
    assert among(ids, [1, 2]).tolist() == _reference(ids, [1, 2]).tolist()
    numbers = pd.Series([1.0, np.nan, 3.0])
    assert among(numbers, [3.0, np.nan]).tolist() == [False, False, True]
    assert among(ids, []).tolist() == [False, False, False]
