"""One staged table on disk: Parquet files partitioned by business unit and month
(hive layout), a manifest and the source's quarantined rows.

::

    <store>/tickets-<key>/manifest.json
    <store>/tickets-<key>/quarantine.parquet          (when rows were quarantined)
    <store>/tickets-<key>/data/unit=ecommerce/month=2026-10/part-0.parquet
    <store>/tickets-<key>/data/unit=__HIVE_DEFAULT_PARTITION__/month=...  (no unit)

``unit`` is the row's ``business_unit`` (for events and feedback: their ticket's, and
feedback's own where it has one); ``month`` is the local month of ``created_at``
(tickets, and events by their ticket), ``submitted_at`` (feedback) or ``date``
(orders). Each row keeps its position in the loaded table, so a read returns rows in
the order the raw loader gave them.

Examples
--------
>>> import tempfile, pathlib
>>> import pandas as pd
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "tickets-x"
>>> t = pd.DataFrame({"ticket_id": pd.array(["a", "b", "c"], dtype="string"),
...                   "business_unit": pd.array(["shop", "bank", "shop"], dtype="string"),
...                   "created_at": pd.to_datetime(["2026-09-30 23:00", "2026-10-01 09:00", "2026-10-02 09:00"])
...                                   .tz_localize("Asia/Shanghai").as_unit("ns")})
>>> staged = write_table(t, folder, table="tickets", unit=t["business_unit"],
...                      month=pd.Series(["2026-09", "2026-10", "2026-10"], dtype="string"),
...                      manifest={"rows": 3})
>>> staged.read(units=["shop"])["ticket_id"].tolist()
['a', 'c']
>>> [p.parent.name for p in staged.files(units=["shop"], months=("2026-10", "2026-10"))]
['month=2026-10']
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from svcinsight.staging import dtypes
from svcinsight.staging.ledgers import write_ledger

MANIFEST = "manifest.json"
DATA = "data"
ROW = "_staged_row"


def _names(columns) -> tuple[str, str]:
    """Partition field names that no data column already uses."""
    unit, month = "unit", "month"
    while unit in columns or month in columns:
        unit, month = f"staged_{unit}", f"staged_{month}"
    return unit, month


_NAT = np.iinfo(np.int64).min


def _ns(series: pd.Series) -> np.ndarray:
    """Nanoseconds since the epoch (UTC) of timestamps; missing ones as the smallest int64."""
    values = series.dt.tz_convert("UTC").dt.tz_localize(None) if isinstance(series.dtype, pd.DatetimeTZDtype) else series
    return values.to_numpy(dtype="datetime64[ns]").view(np.int64)


def _iso(nanoseconds, tz: str | None) -> str | None:
    if nanoseconds is None or pd.isna(nanoseconds) or int(nanoseconds) in (_NAT, np.iinfo(np.int64).max):
        return None
    return pd.Timestamp(int(nanoseconds), unit="ns", tz="UTC").tz_convert(tz).isoformat()


def _chunk_stats(frame: pd.DataFrame, table: str, keys: pd.DataFrame, positions: np.ndarray) -> pd.DataFrame:
    """Per partition, of the rows written from one frame: rows, the latest timestamp, and
    what readers decide on (the span of creation and submission times, tickets still
    unresolved), as integers (nanoseconds) that add up over chunks (:func:`_stats_list`)."""
    tz_cols = [c for c in frame.columns if isinstance(frame[c].dtype, pd.DatetimeTZDtype)]
    stats = keys.copy()
    stats["rows"] = 1
    if tz_cols:
        stats["latest"] = np.max(np.stack([_ns(frame[c]) for c in tz_cols]), axis=0)[positions]
    stamp = {"tickets": "created_at", "feedback": "submitted_at"}.get(table)
    if stamp in frame.columns:
        values = _ns(frame[stamp])[positions]
        stats["last_stamp"] = values
        stats["first_stamp"] = np.where(values == _NAT, np.iinfo(np.int64).max, values)
    if table == "tickets" and "resolved_at" in frame.columns:
        resolved = _ns(frame["resolved_at"])[positions]
        stats["unresolved"] = (resolved == _NAT).astype(np.int64)
        stats["resolved_max"] = resolved
    return _aggregate(stats)


_HOW = {"rows": "sum", "latest": "max", "first_stamp": "min", "last_stamp": "max", "unresolved": "sum",
        "resolved_max": "max"}


def _aggregate(stats: pd.DataFrame) -> pd.DataFrame:
    how = {col: _HOW[col] for col in stats.columns if col in _HOW}
    return stats.groupby(["unit", "month"], dropna=False, sort=True).agg(how)


def _stats_list(grouped: pd.DataFrame, tz: str | None) -> list[dict]:
    out = []
    for (unit, month), row in zip(grouped.index, grouped.itertuples(index=False)):
        values = row._asdict()
        item = {"unit": None if pd.isna(unit) else str(unit), "month": None if pd.isna(month) else str(month),
                "rows": int(values["rows"])}
        for col in ("latest", "first_stamp", "last_stamp", "resolved_max"):
            if col in values:
                item[col] = _iso(values[col], tz)
        if "unresolved" in values:
            item["unresolved"] = int(values["unresolved"])
        out.append(item)
    return out


def write_table(frame: pd.DataFrame, folder: Path, *, table: str, unit: pd.Series, month: pd.Series,
                positions: np.ndarray | None = None, manifest: dict | None = None,
                ledger=None) -> StagedTable:
    """Write ``frame`` partitioned by ``unit`` and ``month`` into ``folder`` (replacing
    what was there only once the new copy is complete).

    ``positions`` (optional) are rows of ``frame`` to write, a row repeated for each
    partition it belongs to (feedback of one unit about another's ticket); ``unit``
    and ``month`` are aligned with them. ``manifest`` entries are added to the
    manifest written beside the data, and ``ledger`` (the source's quality ledger) with
    its quarantined rows. (:class:`TableWriter` writes a table that comes in chunks.)
    """
    writer = TableWriter(folder, table=table)
    try:
        writer.write(frame, unit=unit, month=month, positions=positions)
        return writer.finish(manifest=manifest, ledger=ledger)
    except BaseException:
        writer.abort()
        raise


class TableWriter:
    """A staged table written chunk by chunk: :meth:`write` each chunk of the loaded
    table in order, then :meth:`finish` (or :meth:`abort`). Until ``finish`` the rows go
    to a work folder beside ``folder``; readers see the old copy, then the new one.

    Each chunk's rows are written to their partitions as they come; at the end a
    partition written by several chunks is rewritten as one file (so the layout does
    not depend on the chunk size).
    """

    def __init__(self, folder: Path, *, table: str):
        self.folder = Path(folder)
        self.table = table
        self.folder.parent.mkdir(parents=True, exist_ok=True)
        self.work = Path(tempfile.mkdtemp(prefix=f".{self.folder.name}.", dir=self.folder.parent))
        self.rows = 0  # rows of the loaded table written so far (ROW of the next chunk's first row)
        self._chunks = 0
        self._columns: dict | None = None
        self._names: tuple[str, str] | None = None
        self._tz: str | None = None
        self._stats: list[pd.DataFrame] = []

    def write(self, frame: pd.DataFrame, *, unit: pd.Series, month: pd.Series,
              positions: np.ndarray | None = None) -> None:
        """Write the next ``len(frame)`` rows of the loaded table (see :func:`write_table`
        for ``unit``, ``month`` and ``positions``, which count rows within ``frame``)."""
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.dataset as ds

        if self._columns is None:
            self._columns = dtypes.describe(frame)
            self._names = _names(set(frame.columns))
            tz_cols = [c for c in frame.columns if isinstance(frame[c].dtype, pd.DatetimeTZDtype)]
            self._tz = str(frame[tz_cols[0]].dt.tz) if tz_cols else None
        elif dtypes.describe(frame) != self._columns:
            raise ValueError(f"chunk {self._chunks} of {self.table} has other columns or dtypes than the first")
        unit_name, month_name = self._names
        positions = np.arange(len(frame)) if positions is None else np.asarray(positions, dtype=np.int64)
        keys = pd.DataFrame({"unit": pd.Series(unit).astype("string").to_numpy(),
                             "month": pd.Series(month).astype("string").to_numpy()})
        arrow = pa.Table.from_pandas(frame, preserve_index=False)
        if len(positions) != len(frame) or not np.array_equal(positions, np.arange(len(frame))):
            arrow = arrow.take(pa.array(positions))
        arrow = (arrow.append_column(ROW, pa.array(positions + self.rows, type=pa.int64()))
                 .append_column(unit_name, pa.array(keys["unit"].to_numpy(dtype=object, na_value=None),
                                                    type=pa.string()))
                 .append_column(month_name, pa.array(keys["month"].to_numpy(dtype=object, na_value=None),
                                                     type=pa.string())))
        # one file per partition: write the rows of each partition together
        order = pc.sort_indices(arrow, sort_keys=[(unit_name, "ascending", "at_end"),
                                                  (month_name, "ascending", "at_end"), (ROW, "ascending", "at_end")])
        arrow = arrow.take(order)
        ds.write_dataset(
            arrow, self.work / DATA, format="parquet",
            partitioning=ds.partitioning(pa.schema([(unit_name, pa.string()), (month_name, pa.string())]),
                                         flavor="hive"),
            basename_template=f"part-{self._chunks}-{{i}}.parquet", max_partitions=1_000_000, max_open_files=512,
            existing_data_behavior="overwrite_or_ignore", create_dir=True)
        self._stats.append(_chunk_stats(frame, self.table, keys, positions))
        self._chunks += 1
        self.rows += len(frame)

    def finish(self, *, manifest: dict | None = None, ledger=None) -> StagedTable:
        """Write the manifest (and the ledger) and put the new copy in place."""
        if self._columns is None:
            raise ValueError(f"no chunk of {self.table} was written")
        self._compact()
        stats = _aggregate(pd.concat(self._stats).reset_index()) if len(self._stats) > 1 else self._stats[0]
        entry = {
            "table": self.table, "columns": self._columns, "partitioning": list(self._names),
            "partitions": _stats_list(stats, self._tz), **(manifest or {}),
        }
        if ledger is not None:
            entry["ledger"] = write_ledger(ledger, self.work)
        (self.work / MANIFEST).write_text(json.dumps(entry, indent=1, ensure_ascii=False), encoding="utf-8")
        _replace_folder(self.work, self.folder)
        return StagedTable(self.folder, entry)

    def abort(self) -> None:
        """Leave ``folder`` as it was and remove the work folder."""
        shutil.rmtree(self.work, ignore_errors=True)

    def _compact(self) -> None:
        """One file per partition: a partition that several chunks wrote is rewritten."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        folders: dict[Path, list[Path]] = {}
        for path in (self.work / DATA).rglob("*.parquet"):
            folders.setdefault(path.parent, []).append(path)
        for folder, paths in folders.items():
            if len(paths) < 2:
                paths[0].rename(folder / "part-0.parquet")
                continue
            merged = pa.concat_tables([pq.read_table(p, partitioning=None) for p in paths])
            merged = merged.take(merged.column(ROW).to_numpy().argsort(kind="stable"))
            pq.write_table(merged, folder / "part-0.tmp")
            for p in paths:
                p.unlink()
            (folder / "part-0.tmp").rename(folder / "part-0.parquet")


def _replace_folder(new: Path, folder: Path) -> None:
    """Put ``new`` in place of ``folder``; a reader sees the old copy or the new one."""
    os.chmod(new, 0o777 & ~_umask())
    if folder.exists():
        old = folder.with_name(f".{folder.name}.old-{os.getpid()}")
        os.replace(folder, old)
        os.replace(new, folder)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(new, folder)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@dataclass
class StagedTable:
    """A staged table: its folder and manifest; reads select partitions by unit and month."""

    folder: Path
    manifest: dict
    _dataset: object = field(default=None, repr=False)

    @classmethod
    def open(cls, folder: Path) -> StagedTable | None:
        """The staged table in ``folder``, or ``None`` when there is none (or it is unreadable)."""
        try:
            manifest = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return cls(Path(folder), manifest)

    @property
    def partitions(self) -> pd.DataFrame:
        """One row per partition: ``unit, month, rows`` and the stats readers use."""
        frame = pd.DataFrame(self.manifest["partitions"])
        return frame.astype({"unit": "string", "month": "string"}) if len(frame) else frame

    @property
    def has_units(self) -> bool:
        """Whether rows carry a business unit (else every row is in the no-unit partition)."""
        return bool(self.manifest.get("has_units", True))

    @property
    def timezone(self) -> str | None:
        for item in self.manifest["columns"].values():
            if item["kind"] == "datetimetz":
                return item["tz"]
        return None

    def _fields(self):
        import pyarrow.dataset as ds

        unit_name, month_name = self.manifest["partitioning"]
        return ds.field(unit_name), ds.field(month_name)

    def _data(self):
        import pyarrow as pa
        import pyarrow.dataset as ds

        if self._dataset is None:
            data = self.folder / DATA
            names = self.manifest["partitioning"]
            partitioning = ds.partitioning(pa.schema([(n, pa.string()) for n in names]), flavor="hive")
            self._dataset = ds.dataset(data, format="parquet", partitioning=partitioning) if data.exists() else None
        return self._dataset

    def expression(self, *, units=None, months: tuple[str | None, str | None] | None = None, rows=None):
        """The filter selecting ``units`` (``None``: all, ``[None]`` the no-unit partition),
        ``months`` (inclusive ``(first, last)``, either end ``None`` for open) and the row
        filter ``rows`` (a pyarrow expression)."""
        unit_field, month_field = self._fields()
        expr = None

        def both(a, b):
            return b if a is None else a & b

        if units is not None:
            named = [u for u in units if u is not None]
            part = unit_field.isin(named) if named else None
            if None in units:
                part = unit_field.is_null() if part is None else part | unit_field.is_null()
            expr = both(expr, part)
        if months is not None:
            first, last = months
            if first is not None:
                expr = both(expr, month_field >= first)
            if last is not None:
                expr = both(expr, month_field <= last)
        if rows is not None:
            expr = both(expr, rows)
        return expr

    def files(self, expression=None, **selection) -> list[Path]:
        """The Parquet files a read with this selection opens (pruned by partition)."""
        data = self._data()
        if data is None:
            return []
        expr = expression if expression is not None else self.expression(**selection)
        return sorted(Path(f.path) for f in data.get_fragments(filter=expr))

    def read(self, expression=None, *, columns=None, dedupe: bool = False, **selection) -> pd.DataFrame:
        """The selected rows in their loaded order, with the loader's dtypes.

        ``dedupe`` drops the second copy of a row staged in two partitions (needed when
        reading several units' feedback).
        """
        spec = self.manifest["columns"]
        if columns is not None:
            spec = {c: spec[c] for c in columns}
        data = self._data()
        expr = expression if expression is not None else self.expression(**selection)
        if data is None:
            frame = pd.DataFrame({c: pd.Series(dtype=dtypes.dtype_of(v)) for c, v in spec.items()})
            return frame
        table = data.to_table(columns=[*spec, ROW], filter=expr)
        frame = table.to_pandas(ignore_metadata=False)
        frame = frame.sort_values(ROW, kind="stable")
        if dedupe:
            frame = frame.drop_duplicates(ROW)
        frame = frame.reset_index(drop=True)
        return dtypes.restore(frame, spec)
