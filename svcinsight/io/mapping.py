"""Mapping source columns onto canonical names (``columns=`` and ``extra_columns=``).

A canonical column comes from the source column(s) ``columns`` names for it, or, when
it is not named there, from a source column that already has the canonical name.
Several source columns for one canonical column are joined with a space, skipping
empty values. Source columns neither mapped nor listed in ``extra_columns`` are dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from svcinsight import schema
from svcinsight.io.errors import SchemaError
from svcinsight.io.text import as_text

#: How events are read from an XES log when no ``columns=`` are given.
XES_EVENT_COLUMNS: Mapping[str, str] = {
    "ticket_id": "case:concept:name",
    "stage": "concept:name",
    "entered_at": "time:timestamp",
    "team": "org:group",
    "agent_id": "org:resource",
}

#: Required columns a loader can make up when the source has none: the row's identity.
GENERATED: frozenset[str] = frozenset({"feedback_id"})


@dataclass(frozen=True)
class ColumnMap:
    """Where each canonical column comes from, and the extra columns kept as they are."""

    sources: dict[str, tuple[str, ...]]
    extras: tuple[str, ...] = ()

    def describe(self, canonical: str) -> str:
        """``created_at (from 'Created Date')``: how messages name a column."""
        cols = self.sources.get(canonical, ())
        if not cols or cols == (canonical,):
            return canonical
        return f"{canonical} (from {' + '.join(map(repr, cols))})"


def resolve_columns(
    table: schema.Table,
    present: Iterable,
    columns: Mapping | None,
    extra_columns: Iterable[str],
    *,
    source: str,
) -> ColumnMap:
    """Check ``columns`` against the source's columns and return the full mapping.

    Raises :class:`SchemaError` listing every problem at once: unknown canonical
    names, mapped source columns that do not exist, required columns not provided.

    Examples
    --------
    >>> from svcinsight import schema
    >>> resolve_columns(schema.EVENTS, ["case", "activity", "ts", "stage"],
    ...                 {"ticket_id": "case", "entered_at": "ts"}, (), source="log.csv").sources
    {'ticket_id': ('case',), 'stage': ('stage',), 'entered_at': ('ts',)}
    >>> try:
    ...     resolve_columns(schema.EVENTS, ["case", "when"],
    ...                     {"ticket_id": "case", "entered_at": "ts"}, (), source="log.csv")
    ... except SchemaError as exc:
    ...     print(exc)
    cannot load events from 'log.csv':
      - required column stage is not mapped and the source has no column 'stage'
      - required column entered_at is mapped from 'ts', which the source does not have
    Columns present: 'case', 'when'
    """
    present = list(present)
    available = set(present)
    problems: list[str] = []
    columns = dict(columns or {})
    unknown = [name for name in columns if name not in table]
    if unknown:
        problems.append(
            f"{', '.join(map(repr, unknown))} not a column of the {table.name} table "
            f"(its columns: {', '.join(table.names)})"
        )
    sources: dict[str, tuple[str, ...]] = {}
    for col in table:
        name = col.name
        label = "required column" if col.required else "column"
        if name in columns:
            cols = _as_tuple(columns[name], name)
            absent = [c for c in cols if c not in available]
            if absent:
                problems.append(
                    f"{label} {name} is mapped from {' + '.join(map(repr, cols))}, which the "
                    f"source does not have" + (f" ({', '.join(map(repr, absent))} missing)"
                                               if len(cols) > 1 else "")
                )
                continue
            sources[name] = cols
        elif name in available:
            sources[name] = (name,)
        elif col.required and name not in GENERATED:
            problems.append(f"{label} {name} is not mapped and the source has no column {name!r}")
    # A lone name (easy to write in YAML or by hand) is one column, not its letters.
    extras = (extra_columns,) if isinstance(extra_columns, str) else tuple(extra_columns)
    for extra in extras:
        if extra in table:
            problems.append(
                f"extra column {extra!r} is a canonical column name; map it with columns= instead"
            )
        elif extra not in available:
            problems.append(f"extra column {extra!r} is not in the source")
    if problems:
        shown = ", ".join(map(repr, present)) if present else "none"
        listed = "".join(f"\n  - {problem}" for problem in problems)
        raise SchemaError(
            f"cannot load {table.name} from {source!r}:{listed}\nColumns present: {shown}"
        )
    return ColumnMap(sources, extras)


def select_columns(frame: pd.DataFrame, column_map: ColumnMap, *, source: str) -> pd.DataFrame:
    """The canonical (still unparsed) columns and the extras, in that order.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"act": ["Resolve", "Close"], "life": ["complete", None]})
    >>> select_columns(frame, ColumnMap({"stage": ("act", "life")}), source="x")["stage"].tolist()
    ['Resolve complete', 'Close']
    """
    used = [c for cols in column_map.sources.values() for c in cols] + list(column_map.extras)
    doubled = sorted({c for c in used if list(frame.columns).count(c) > 1}, key=str)
    if doubled:
        raise SchemaError(
            f"cannot load from {source!r}: column(s) {', '.join(map(repr, doubled))} appear "
            "more than once in the source"
        )
    selected = {}
    for canonical, cols in column_map.sources.items():
        if len(cols) == 1:
            selected[canonical] = frame[cols[0]]
        else:
            selected[canonical] = _join([as_text(frame[c], strip=True) for c in cols])
    for extra in column_map.extras:
        selected[extra] = frame[extra]
    return pd.DataFrame(selected, index=frame.index)


def _as_tuple(value, canonical: str) -> tuple:
    cols = tuple(value) if isinstance(value, (list, tuple)) else (value,)
    if not cols:
        raise SchemaError(f"columns[{canonical!r}] names no source column")
    return cols


def _join(parts: list[pd.Series]) -> pd.Series:
    joined = parts[0]
    for part in parts[1:]:
        both = joined.notna() & part.notna()
        joined = (joined + " " + part).where(both, joined.fillna(part))
    return joined
