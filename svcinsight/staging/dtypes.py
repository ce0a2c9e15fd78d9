"""The pandas dtypes of a staged table, written into its manifest as JSON so that a
table read back from Parquet has exactly the dtypes the raw loader gave it (Parquet
keeps the values; the categories' order, the string storage and the NA flavour are
pandas' own and are restored from here).

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"created_at": pd.to_datetime(["2026-10-01 09:00"]).tz_localize("Asia/Shanghai").as_unit("ns"),
...                       "priority": pd.Categorical(["urgent"], categories=["urgent", "normal"]),
...                       "contacts": pd.array([2], dtype="Int64")})
>>> spec = describe(frame)
>>> spec["created_at"]
{'kind': 'datetimetz', 'unit': 'ns', 'tz': 'Asia/Shanghai'}
>>> restored = restore(frame.astype({"priority": "string"}), spec)
>>> restored.dtypes.equals(frame.dtypes)
True
"""

from __future__ import annotations

import pandas as pd


def _dtype_spec(dtype) -> dict:
    if isinstance(dtype, pd.DatetimeTZDtype):
        return {"kind": "datetimetz", "unit": dtype.unit, "tz": str(dtype.tz)}
    if isinstance(dtype, pd.CategoricalDtype):
        categories = dtype.categories
        return {"kind": "category", "categories": categories.tolist(), "categories_dtype": str(categories.dtype),
                "ordered": bool(dtype.ordered)}
    if isinstance(dtype, pd.StringDtype):
        return {"kind": "string", "storage": dtype.storage, "na": "NA" if dtype.na_value is pd.NA else "nan"}
    return {"kind": "plain", "name": str(dtype)}


def dtype_of(spec: dict):
    """The pandas dtype a spec of :func:`describe` stands for."""
    kind = spec["kind"]
    if kind == "datetimetz":
        return pd.DatetimeTZDtype(unit=spec["unit"], tz=spec["tz"])
    if kind == "category":
        categories = pd.Index(spec["categories"], dtype=spec["categories_dtype"])
        return pd.CategoricalDtype(categories, ordered=spec["ordered"])
    if kind == "string":
        import numpy as np

        return pd.StringDtype(storage=spec["storage"], na_value=pd.NA if spec["na"] == "NA" else np.nan)
    return pd.api.types.pandas_dtype(spec["name"])


def describe(frame: pd.DataFrame) -> dict[str, dict]:
    """``{column: dtype spec}`` in column order, JSON-able."""
    return {str(col): _dtype_spec(dtype) for col, dtype in frame.dtypes.items()}


def restore(frame: pd.DataFrame, spec: dict[str, dict]) -> pd.DataFrame:
    """``frame`` with the columns of ``spec``, in its order and with its dtypes.

    Raises
    ------
    KeyError
        A column of ``spec`` is not in ``frame`` (the staged copy is damaged).
    """
    missing = [col for col in spec if col not in frame.columns]
    if missing:
        raise KeyError(f"staged table lacks column(s) {missing}")
    out = frame.loc[:, list(spec)]
    changes = {}
    for col, item in spec.items():
        dtype = dtype_of(item)
        if out[col].dtype != dtype or (isinstance(dtype, pd.CategoricalDtype)
                                       and not out[col].dtype.categories.equals(dtype.categories)):
            changes[col] = dtype
    return out.astype(changes) if changes else out
