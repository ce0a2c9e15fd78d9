"""The loaders: a source in, a canonical table and its quality ledger out."""

from __future__ import annotations

import inspect
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from svcinsight import config, schema
from svcinsight.io import checks
from svcinsight.io.errors import DataQualityError, SchemaError
from svcinsight.io.keyindex import KeyIndex
from svcinsight.io.ledger import QualityLedger
from svcinsight.io.mapping import GENERATED, XES_EVENT_COLUMNS, resolve_columns, select_columns
from svcinsight.io.parse import ParsedColumn, parse_column
from svcinsight.io.sources import RawSource, read_source

Source = pd.DataFrame | str | Path


def read_table(
    canonical: str,
    src: Source,
    columns: Mapping[str, str | list[str]] | None = None,
    *,
    timezone: str = config.DEFAULT_TIMEZONE,
    formats: Mapping[str, str] | None = None,
    values: Mapping[str, Mapping] | None = None,
    strict: bool = False,
    query: str | None = None,
    table: str | None = None,
    sheet_name: str | int = 0,
    encoding: str | None = None,
    extra_columns: Iterable[str] = (),
    source_name: str | None = None,
) -> tuple[pd.DataFrame, QualityLedger]:
    """Load ``src`` as the canonical table ``canonical`` ("tickets", "events", ...).

    Parameters
    ----------
    canonical : str
        Name of the canonical table (see :data:`svcinsight.schema.TABLES`).
    src : DataFrame, path or SQLAlchemy URL
        A DataFrame; a file (.csv/.txt/.tsv, .xlsx/.xls, .parquet/.pq or a directory
        of Parquet files, .xes/.xes.gz), chosen by its ending; or a URL such as
        ``"sqlite:///service.db"`` together with ``query=`` or ``table=``.
    columns : mapping, optional
        ``{canonical_name: source_column}``; a list of source columns is joined with a
        space, skipping empty values. A source column that already has a canonical name
        is used for it unless mapped otherwise. Other source columns are dropped.
        For events from XES, canonical names not mapped come from ``case:concept:name``
        (ticket_id), ``concept:name`` (stage), ``time:timestamp`` (entered_at),
        ``org:group`` (team) and ``org:resource`` (agent_id) where present.
    timezone : str
        The unit's timezone: naive times are read as local times there, times with an
        offset are converted to it.
    formats : mapping, optional
        ``{column: strftime format}`` for timestamp and date columns, e.g.
        ``"%m/%d/%Y %I:%M:%S %p"``. Without one, ISO 8601 is tried first, then pandas'
        per-value inference (month before day), which the ledger reports as
        ``timestamp_format_guessed``.
    values : mapping, optional
        ``{column: {source_value: canonical_value}}``, applied to stripped values before
        parsing; values not listed pass through.
    strict : bool
        Raise :class:`DataQualityError` instead of quarantining rows.
    query, table : str, optional
        The SQL to run, or the table to read, for a URL source.
    sheet_name : str or int
        Excel sheet to read (name or 0-based position).
    encoding : str, optional
        Text encoding of a CSV; detected from the bytes when not given.
    extra_columns : iterable of str
        Source columns to keep as they are, under their own names.
    source_name : str, optional
        How the ledger names the source (and the prefix of generated feedback ids).

    Returns
    -------
    (DataFrame, QualityLedger)
        The kept rows with the canonical columns the source provides (schema order,
        typed per :mod:`svcinsight.schema`) then the extra columns; and the ledger.

    Notes
    -----
    Rows are quarantined, under the first reason in
    :data:`svcinsight.io.checks.REASONS` order, for: a required value missing, a
    timestamp that does not parse, a negative or non-numeric count or number, a score
    outside its range, a flag that is not yes/no, an unknown priority, a response,
    resolution or close before creation, leaving a stage before entering it, and a
    repeated key (the first valid row is kept). An open ticket (no ``resolved_at``) is
    not a problem. Local times skipped or repeated by a DST change are kept and counted
    as adjusted. A feedback source without ids gets ``"<name>:<row>"``, where name is
    ``source_name`` or else the file name ("DataFrame", the SQL table or "query").
    Rows are numbered from 1 in source order (the first line after a CSV header is 1).

    Examples
    --------
    >>> import pandas as pd, svcinsight as si
    >>> raw = pd.DataFrame({"Case": ["A1", "A2", "A2"],
    ...                     "Opened": ["2024-03-01 09:00", "2024-03-01 10:00", "2024-03-02 08:00"]})
    >>> t, ledger = si.io.read_table("tickets", raw, {"ticket_id": "Case", "created_at": "Opened"})
    >>> t
      ticket_id                created_at
    0        A1 2024-03-01 09:00:00+08:00
    1        A2 2024-03-01 10:00:00+08:00
    >>> ledger.issues[["reason", "column", "count", "examples"]]
             reason     column  count examples
    0  duplicate_id  ticket_id      1     [A2]
    """
    # Configuration mistakes fail before a possibly large source is read.
    spec, formats, values = check_options(canonical, timezone, formats, values)
    raw = read_source(
        src, query=query, table=table, sheet_name=sheet_name, encoding=encoding,
        source_name=source_name,
    )
    if raw.format == "xes" and spec is schema.EVENTS:
        # The standard's keys are XES's own canonical names, so they fill in what
        # columns= leaves out, as a same-named column would in any other source.
        defaults = {k: v for k, v in XES_EVENT_COLUMNS.items() if v in raw.frame.columns}
        columns = defaults | dict(columns or {})
    column_map = resolve_columns(spec, raw.frame.columns, columns, extra_columns, source=raw.name)
    rows = load_rows(spec, raw, column_map, timezone=timezone, formats=formats, values=values)
    ledger = make_ledger(spec, raw.name, raw.encoding, [rows], column_map, strict=strict)
    return rows.clean, ledger


@dataclass
class LoadedRows:
    """What loading a raw frame (a whole source, or one chunk of it) gives."""

    #: The kept rows, typed, indexed from 0 (None once a chunked load handed them on).
    clean: pd.DataFrame | None
    rows_in: int
    #: Issue records (see :func:`svcinsight.io.checks.issue_records`).
    records: list
    quarantine: pd.DataFrame
    #: The canonical columns parsed, in schema order (how issues are sorted).
    columns: tuple[str, ...]
    #: The key of each kept row (None when the table has no key or it was generated).
    keys: pd.Series | None = None


def load_rows(spec: schema.Table, raw: RawSource, column_map, *, timezone: str,
              formats: Mapping[str, str], values: Mapping[str, Mapping],
              seen: KeyIndex | None = None) -> LoadedRows:
    """Parse and check the rows of ``raw`` (the rows' index numbers them in the source:
    0 is the first data row); ``seen`` holds keys kept from earlier chunks."""
    selected = select_columns(raw.frame, column_map, source=raw.name)
    parsed = {
        name: parse_column(
            selected[name], spec[name], timezone=timezone, fmt=formats.get(name),
            values=values.get(name),
        )
        for name in column_map.sources
    }
    generated = _generated_ids(spec, parsed, raw)
    parsed.update(generated)

    verdict = checks.assign_reasons(spec, parsed, seen=seen)
    ids = checks.row_ids(spec, parsed, raw.frame.index)
    order = tuple(c for c in spec.names if c in parsed)
    records = checks.issue_records(verdict, {name: p.adjustments for name, p in parsed.items()}, ids)
    kept = verdict["reason"].isna().to_numpy()
    clean = pd.DataFrame(
        {name: parsed[name].values for name in order}
        | {extra: selected[extra] for extra in column_map.extras},
        index=raw.frame.index,
    )
    clean = clean[kept].reset_index(drop=True)
    keys = clean[spec.key] if spec.key in parsed and spec.key not in generated else None
    return LoadedRows(clean, len(raw.frame), records, checks.quarantine_frame(raw.frame, verdict),
                      order, keys)


def make_ledger(spec: schema.Table, source: str, encoding: str | None, parts: list[LoadedRows],
                column_map, *, strict: bool) -> QualityLedger:
    """The ledger of a load from its parts (one, or a chunked load's chunks in order);
    with ``strict``, the :class:`DataQualityError` a quarantined row raises."""
    order = parts[0].columns
    issues = checks.merge_issues([part.records for part in parts], order)
    rows_in = sum(part.rows_in for part in parts)
    kept = rows_in - sum(len(part.quarantine) for part in parts)
    quarantines = [part.quarantine for part in parts]
    quarantine = (quarantines[0] if len(quarantines) == 1
                  else pd.concat(quarantines, ignore_index=True))
    ledger = QualityLedger(
        source=source, table=spec.name, rows_in=rows_in, rows_kept=kept,
        rows_quarantined=rows_in - kept, encoding=encoding, issues=issues, quarantine=quarantine,
    )
    if strict and ledger.rows_quarantined:
        raise DataQualityError(checks.strict_message(
            issues, column_map.describe, table=spec.name, source=source, rows_in=rows_in,
        ))
    return ledger


def read_tickets(src: Source, columns=None, **options) -> tuple[pd.DataFrame, QualityLedger]:
    """Load tickets (one row per ticket); options as for :func:`read_table`.

    Examples
    --------
    >>> import pandas as pd, svcinsight as si
    >>> t, ledger = si.io.read_tickets(pd.DataFrame({
    ...     "ticket_id": ["T1", "T2"], "created_at": ["2024-05-01 09:00", "2024-05-01 10:00"],
    ...     "resolved_at": ["2024-05-01 08:00", None]}))
    >>> t["ticket_id"].tolist(), ledger.quarantine["reason"].tolist()
    (['T2'], ['resolved_before_created'])
    """
    return read_table("tickets", src, columns, **options)


def read_events(src: Source, columns=None, **options) -> tuple[pd.DataFrame, QualityLedger]:
    """Load events (one row per stage entry of a ticket); options as for :func:`read_table`.

    Examples
    --------
    >>> import pandas as pd, svcinsight as si
    >>> e, ledger = si.io.read_events(pd.DataFrame({
    ...     "case": ["T1", "T1"], "activity": ["Triage", "Resolve"],
    ...     "time": ["2024-05-01T09:00:00+02:00", "2024-05-01T11:30:00+02:00"]}),
    ...     {"ticket_id": "case", "stage": "activity", "entered_at": "time"},
    ...     timezone="Europe/Rome")
    >>> e["entered_at"].dt.hour.tolist(), ledger.rows_kept
    ([9, 11], 2)
    """
    return read_table("events", src, columns, **options)


def read_feedback(src: Source, columns=None, **options) -> tuple[pd.DataFrame, QualityLedger]:
    """Load feedback (one row per piece of feedback); options as for :func:`read_table`.

    Without a ``feedback_id`` column, ids are made from the source name and row number.

    Examples
    --------
    >>> import pandas as pd, svcinsight as si
    >>> f, ledger = si.io.read_feedback(pd.DataFrame({"score": [5, 9], "text": ["好", "bad"]}),
    ...                                 {"csat": "score", "comment": "text"}, source_name="survey")
    >>> f[["feedback_id", "csat", "comment"]]
      feedback_id  csat comment
    0    survey:1     5       好
    >>> ledger.quarantine[["row", "reason", "column"]]
       row              reason column
    0    2  score_out_of_range   csat
    """
    return read_table("feedback", src, columns, **options)


def read_orders(src: Source, columns=None, **options) -> tuple[pd.DataFrame, QualityLedger]:
    """Load daily order volumes; options as for :func:`read_table`.

    Examples
    --------
    >>> import pandas as pd, svcinsight as si
    >>> o, ledger = si.io.read_orders(pd.DataFrame({"day": ["2024-05-01"], "n": ["1200"]}),
    ...                               {"date": "day", "orders": "n"})
    >>> o.dtypes.astype(str).tolist()
    ['datetime64[ns]', 'Int64']
    """
    return read_table("orders", src, columns, **options)


def check_options(canonical: str, timezone: str, formats: Mapping | None,
                  values: Mapping | None) -> tuple[schema.Table, dict, dict]:
    """The table's spec and the checked ``formats`` and ``values`` (raises on a mistake)."""
    spec = _table(canonical)
    _check_timezone(timezone)
    formats, values = _options(spec, formats, "formats"), _options(spec, values, "values")
    _check_formats(spec, formats)
    return spec, formats, values


def _table(canonical: str) -> schema.Table:
    try:
        return schema.TABLES[canonical]
    except KeyError:
        raise ValueError(
            f"unknown table {canonical!r}; choose one of {', '.join(sorted(schema.TABLES))}"
        ) from None


def _check_timezone(timezone: str) -> None:
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"unknown timezone {timezone!r} (use an IANA name such as "
                         "'Asia/Shanghai')") from None


def _options(spec: schema.Table, options: Mapping | None, what: str) -> dict:
    # Names the table does not have are typos; canonical names the source lacks are
    # fine, so one params file can serve units whose exports differ.
    options = dict(options or {})
    unknown = [name for name in options if name not in spec]
    if unknown:
        raise SchemaError(
            f"{what}= names {', '.join(map(repr, unknown))}, not column(s) of the "
            f"{spec.name} table (its columns: {', '.join(spec.names)})"
        )
    return options


def _check_formats(spec: schema.Table, formats: Mapping[str, str]) -> None:
    wrong = [name for name in formats if spec[name].kind not in ("timestamp", "date")]
    if wrong:
        raise ValueError(f"formats= applies to timestamp and date columns, not {', '.join(wrong)}")


def _generated_ids(spec: schema.Table, parsed: Mapping[str, ParsedColumn],
                   raw: RawSource) -> dict[str, ParsedColumn]:
    if spec.key not in GENERATED or spec.key in parsed:
        return {}
    index = raw.frame.index
    # numbered in the source (the index counts rows from 0, also in a chunk)
    rows = pd.Series(np.asarray(index, dtype=np.int64) + 1, index=index).astype("string")
    ids = (raw.label + ":" + rows).astype("string")
    return {spec.key: ParsedColumn(ids, pd.Series(False, index=index))}


# help() and IDEs show the wrappers with read_table's options spelled out.
_WRAPPER_SIGNATURE = inspect.signature(read_table).replace(
    parameters=list(inspect.signature(read_table).parameters.values())[1:]
)
for _wrapper in (read_tickets, read_events, read_feedback, read_orders):
    _wrapper.__signature__ = _WRAPPER_SIGNATURE
del _wrapper
