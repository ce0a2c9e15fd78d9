"""Reading a source into a raw DataFrame: files by extension, SQL by URL, frames as given.

Nothing here knows the canonical tables; a raw frame keeps the source's own column
names and, for text formats, the values as written (strings, only empty fields missing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from svcinsight.io import xes
from svcinsight.io.delimited import detect_encoding, read_delimited  # noqa: F401 (detect_encoding: its old home)

#: File name endings and the reader each selects (checked in this order).
FORMATS: tuple[tuple[str, str], ...] = (
    (".xes.gz", "xes"), (".xes", "xes"),
    (".csv", "csv"), (".txt", "csv"), (".tsv", "csv"),
    (".xlsx", "excel"), (".xlsm", "excel"), (".xls", "excel"),
    (".parquet", "parquet"), (".pq", "parquet"),
)

# "dialect+driver://..." as SQLAlchemy spells a URL; a Windows path ("C:\...") never
# has "://", so the two cannot be confused.
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")


@dataclass(frozen=True)
class RawSource:
    """A source read as it is, with the names a loader reports it by."""

    frame: pd.DataFrame
    #: How the ledger and error messages name the source (path, "DataFrame", URL).
    name: str
    #: A short, machine-independent name (file name, table name) for generated ids.
    label: str
    #: "dataframe", "csv", "excel", "parquet", "xes" or "sql".
    format: str
    encoding: str | None = None


def read_source(
    src,
    *,
    query: str | None = None,
    table: str | None = None,
    sheet_name: str | int = 0,
    encoding: str | None = None,
    source_name: str | None = None,
) -> RawSource:
    """Read ``src`` (DataFrame, file path or SQLAlchemy URL) into a :class:`RawSource`.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = read_source(pd.DataFrame({"id": ["T1"]}))
    >>> raw.name, raw.format, raw.frame.shape
    ('DataFrame', 'dataframe', (1, 1))
    """
    if isinstance(src, pd.DataFrame):
        if query is not None or table is not None:
            raise ValueError("query= and table= apply to SQL URLs, not to a DataFrame")
        raw = RawSource(src.reset_index(drop=True), "DataFrame", "DataFrame", "dataframe")
    elif isinstance(src, str) and _URL.match(src):
        raw = _read_sql(src, query=query, table=table)
    elif isinstance(src, (str, Path)):
        if query is not None or table is not None:
            raise ValueError(
                f"query= and table= need a SQLAlchemy URL (e.g. 'sqlite:///file.db'), got {src!r}"
            )
        raw = _read_file(Path(src), sheet_name=sheet_name, encoding=encoding)
    else:
        raise TypeError(
            f"src must be a DataFrame, a file path or a SQLAlchemy URL, not {type(src).__name__}"
        )
    if source_name is not None:
        raw = RawSource(raw.frame, source_name, source_name, raw.format, raw.encoding)
    return raw


def file_format(path: Path) -> str:
    """The reader for ``path``, chosen by its ending (a directory is a Parquet dataset).

    Examples
    --------
    >>> from pathlib import Path
    >>> file_format(Path("log.XES.gz")), file_format(Path("t.tsv"))
    ('xes', 'csv')
    >>> file_format(Path("notes.docx"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: cannot read 'notes.docx': unknown file type (known: .xes.gz, .xes, .csv, ...)
    """
    if path.is_dir():
        return "parquet"
    lower = path.name.lower()
    for ending, kind in FORMATS:
        if lower.endswith(ending):
            return kind
    known = ", ".join(ending for ending, _ in FORMATS)
    raise ValueError(
        f"cannot read {str(path)!r}: unknown file type (known: {known}, "
        "or a directory of Parquet files)"
    )


def _read_file(path: Path, *, sheet_name, encoding: str | None) -> RawSource:
    kind = file_format(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file: {str(path)!r}")
    used_encoding = None
    if kind == "csv":
        frame, used_encoding = read_delimited(path, encoding)
    elif kind == "excel":
        if sheet_name is None or isinstance(sheet_name, (list, tuple)):
            raise ValueError("sheet_name must name one sheet (a name or a 0-based position)")
        # dtype=object keeps each cell as Excel gave it (str, int, datetime), so ids
        # such as 00123 stored as text are not turned into numbers.
        frame = pd.read_excel(path, sheet_name=sheet_name, dtype=object)
    elif kind == "parquet":
        frame = pd.read_parquet(path)
    else:
        frame = xes.read_xes(path)
    return RawSource(frame.reset_index(drop=True), str(path), path.name, kind, used_encoding)


def _read_sql(url: str, *, query: str | None, table: str | None) -> RawSource:
    import sqlalchemy as sa

    # The password must never reach a ledger, an error message or a report.
    shown = sa.make_url(url).render_as_string(hide_password=True)
    if (query is None) == (table is None):
        raise ValueError(f"a SQL source needs exactly one of query= or table= (url {shown!r})")
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            if query is not None:
                frame = pd.read_sql_query(sa.text(query), conn)
            else:
                frame = pd.read_sql_table(table, conn)
    finally:
        engine.dispose()
    what = f"table {table}" if table is not None else "query"
    return RawSource(frame, f"{shown} ({what})", table or "query", "sql")


def require_folder(folder, files=()) -> Path:
    """The folder as a Path, after checking it and the named files exist (a notebook's
    one validation call); the error names what is missing.

    >>> import tempfile
    >>> require_folder(tempfile.gettempdir()).is_dir()
    True
    """
    path = Path(folder).expanduser()
    if not path.is_dir():
        raise FileNotFoundError(f"data folder not found: {path.resolve()}")
    missing = [name for name in files if not (path / name).exists()]
    if missing:
        raise FileNotFoundError(f"{path.resolve()}: missing {', '.join(missing)}")
    return path
