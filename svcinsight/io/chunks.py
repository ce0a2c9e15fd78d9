"""Loading a large delimited-text source in chunks of rows, in memory bounded by the
chunk rather than the file.

Each chunk is parsed and checked as :func:`svcinsight.io.read_table` checks a whole
source, and the chunks' ledgers add up to the ledger of a load in one piece: rows are
numbered in the file (not in the chunk), the examples of an issue are its first rows in
the file, and a key kept in an earlier chunk makes a later row with it a duplicate (the
first *valid* row with a key is kept, as in one piece). What grows with the file is the
set of keys kept (about 24 bytes plus the key's length each, see
:mod:`svcinsight.io.keyindex`) and the quarantined rows the ledger holds.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "tickets.csv"
>>> _ = path.write_text("ticket_id,created_at\\nT1,2024-05-01 09:00\\nT2,2024-05-01 10:00\\n"
...                     "T1,2024-05-02 08:00\\nT3,soon\\n", encoding="utf-8")
>>> load = read_table_in_chunks("tickets", path, rows=2)
>>> [chunk["ticket_id"].tolist() for chunk in load]
[['T1', 'T2'], []]
>>> load.ledger.quarantine[["row", "reason", "column"]]
   row                 reason      column
0    3           duplicate_id   ticket_id
1    4  unparseable_timestamp  created_at
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pandas as pd

from svcinsight import config
from svcinsight.io.delimited import DelimitedChunks
from svcinsight.io.keyindex import KeyIndex
from svcinsight.io.ledger import QualityLedger
from svcinsight.io.loaders import check_options, load_rows, make_ledger
from svcinsight.io.mapping import resolve_columns
from svcinsight.io.sources import RawSource, file_format

#: Rows per chunk by default: about 300 MB of parsing work at most.
CHUNK_ROWS = 100_000


class TableChunks:
    """A source loaded chunk by chunk: iterate for the kept rows of each chunk (indexed
    from 0 within the chunk; chunk ``k`` follows the rows of chunks before it), then
    read :attr:`ledger`. Made by :func:`read_table_in_chunks`."""

    def __init__(self, canonical: str, path: Path, columns, *, rows: int, timezone: str,
                 formats, values, strict: bool, encoding: str | None, extra_columns,
                 source_name: str | None):
        self.spec, self._formats, self._values = check_options(canonical, timezone, formats, values)
        self._columns = columns
        self._timezone = timezone
        self._strict = strict
        self._extra_columns = extra_columns
        if not path.exists():
            raise FileNotFoundError(f"no such file: {str(path)!r}")
        self._reader = DelimitedChunks(path, encoding, rows=rows)
        self.name = source_name if source_name is not None else str(path)
        self._label = source_name if source_name is not None else path.name
        #: The keys of the rows kept so far, in the order kept (tables with a key).
        self.keys = KeyIndex()
        #: The quality ledger, once every chunk has been read.
        self.ledger: QualityLedger | None = None
        self._used = False

    @property
    def encoding(self) -> str:
        return self._reader.encoding

    def __iter__(self) -> Iterator[pd.DataFrame]:
        if self._used:
            raise RuntimeError("a chunked load is read once")
        self._used = True
        parts = []
        column_map = None
        for frame in self._reader:
            raw = RawSource(frame, self.name, self._label, "csv", self.encoding)
            if column_map is None:
                column_map = resolve_columns(self.spec, frame.columns, self._columns,
                                             self._extra_columns, source=self.name)
            rows = load_rows(self.spec, raw, column_map, timezone=self._timezone,
                             formats=self._formats, values=self._values, seen=self.keys)
            if rows.keys is not None:
                self.keys.add(rows.keys)
            clean = rows.clean
            parts.append(dataclasses.replace(rows, clean=None, keys=None))
            del frame, raw, rows
            yield clean
        self.ledger = make_ledger(self.spec, self.name, self.encoding, parts, column_map,
                                  strict=self._strict)


def read_table_in_chunks(
    canonical: str,
    src: str | Path,
    columns: Mapping[str, str | list[str]] | None = None,
    *,
    rows: int = CHUNK_ROWS,
    timezone: str = config.DEFAULT_TIMEZONE,
    formats: Mapping[str, str] | None = None,
    values: Mapping[str, Mapping] | None = None,
    strict: bool = False,
    encoding: str | None = None,
    extra_columns: Iterable[str] = (),
    source_name: str | None = None,
) -> TableChunks:
    """Load a .csv/.tsv/.txt file as the canonical table ``canonical``, ``rows`` rows at a
    time; options as for :func:`svcinsight.io.read_table`.

    The chunks' kept rows, concatenated, and the ledger equal what ``read_table`` returns
    for the same file. With ``strict=True`` the :class:`~svcinsight.io.DataQualityError`
    comes once every chunk has been read (it counts every row).
    """
    path = Path(src)
    if file_format(path) != "csv":
        raise ValueError(f"cannot read {str(path)!r} in chunks: only delimited text "
                         "(.csv, .tsv, .txt) is read in chunks")
    return TableChunks(canonical, path, columns, rows=rows, timezone=timezone, formats=formats,
                       values=values, strict=strict, encoding=encoding,
                       extra_columns=extra_columns, source_name=source_name)
