"""Row checks: which rows a loader quarantines and why, and how that is reported.

A row with several problems is quarantined once, under the first of its problems in
:data:`REASONS` order (ties between columns go by the schema's column order); the
ledger counts rows by that first reason. Duplicate keys are checked last, among the
rows that passed everything else, so the first *valid* row with a key is the one kept.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from svcinsight import schema
from svcinsight.io.keyindex import KeyIndex
from svcinsight.io.ledger import MAX_EXAMPLES, QUARANTINE_COLUMNS, empty_issues
from svcinsight.io.parse import ParsedColumn

#: Every reason a row can be quarantined for, in the order that decides a row's reason.
REASONS: tuple[str, ...] = (
    "missing_required",
    "unparseable_timestamp",
    "invalid_number",
    "score_out_of_range",
    "invalid_flag",
    "unknown_priority",
    "responded_before_created",
    "resolved_before_created",
    "closed_before_created",
    "left_before_entered",
    "duplicate_id",
)

#: Reasons a value is kept but changed (or read by a guessed format), in report order.
ADJUSTMENTS: tuple[str, ...] = (
    "nonexistent_local_time", "ambiguous_local_time", "timestamp_format_guessed",
)

#: (reason, later column, earlier column): the later one must not precede the earlier.
ORDER_CHECKS: Mapping[str, tuple[tuple[str, str, str], ...]] = {
    "tickets": (
        ("responded_before_created", "first_response_at", "created_at"),
        ("resolved_before_created", "resolved_at", "created_at"),
        ("closed_before_created", "closed_at", "created_at"),
    ),
    "events": (("left_before_entered", "left_at", "entered_at"),),
}


def assign_reasons(table: schema.Table, parsed: Mapping[str, ParsedColumn], *,
                   seen: KeyIndex | None = None) -> pd.DataFrame:
    """Each row's first problem: a frame with ``reason`` and ``column`` (``<NA>`` if none).

    ``seen`` holds the keys of rows kept earlier (a load in chunks): a row repeating one
    of them is a duplicate too.

    Examples
    --------
    >>> import pandas as pd
    >>> from svcinsight import schema
    >>> from svcinsight.io.parse import parse_column
    >>> raw = pd.DataFrame({"business_unit": ["north", "north", None],
    ...                     "date": ["2024-01-01", "", "2024-01-02"], "orders": ["5", "-1", "x"]})
    >>> parsed = {c: parse_column(raw[c], schema.ORDERS[c], timezone="UTC") for c in raw}
    >>> assign_reasons(schema.ORDERS, parsed)
                 reason  column
    0              <NA>    <NA>
    1  missing_required    date
    2    invalid_number  orders
    """
    index = next(iter(parsed.values())).values.index
    reason = pd.Series(pd.NA, index=index, dtype="string")
    column = pd.Series(pd.NA, index=index, dtype="string")
    for why, name, mask in _problems(table, parsed):
        new = mask & reason.isna()
        reason = reason.mask(new, why)
        column = column.mask(new, name)
    if table.key is not None and table.key in parsed:
        keys = parsed[table.key].values
        later = reason.isna() & keys.notna() & keys.where(reason.isna()).duplicated(keep="first")
        if seen is not None and len(seen):
            earlier = pd.Series(seen.positions(keys.where(reason.isna() & ~later)) >= 0, index=keys.index)
            later |= earlier
        reason = reason.mask(later, "duplicate_id")
        column = column.mask(later, table.key)
    return pd.DataFrame({"reason": reason, "column": column})


def _problems(table: schema.Table, parsed: Mapping[str, ParsedColumn]):
    """(reason, column, mask) for every check, in :data:`REASONS` then schema order."""
    found: list[tuple[str, str, pd.Series]] = []
    for col in table:
        if col.required and col.name in parsed:
            found.append(("missing_required", col.name, parsed[col.name].empty))
    for col in table:
        if col.name in parsed:
            found.extend((why, col.name, mask) for why, mask in parsed[col.name].problems.items())
    for why, later, earlier in ORDER_CHECKS.get(table.name, ()):
        if later in parsed and earlier in parsed:
            before = parsed[later].values < parsed[earlier].values
            found.append((why, later, before.fillna(False).astype(bool)))
    found.sort(key=lambda item: REASONS.index(item[0]))  # stable: schema order kept
    return [(why, name, mask.fillna(False).astype(bool)) for why, name, mask in found]


def row_ids(table: schema.Table, parsed: Mapping[str, ParsedColumn], index: pd.Index) -> pd.Series:
    """How examples name a row: its key where the table has one, else ``row N`` (1-based)."""
    rows = "row " + pd.Series(index + 1, index=index).astype("string")
    if table.key is not None and table.key in parsed:
        return parsed[table.key].values.astype("string").fillna(rows)
    return rows


def issues_table(
    verdict: pd.DataFrame,
    adjustments: Mapping[str, Mapping[str, pd.Series]],
    ids: pd.Series,
    columns: tuple[str, ...],
) -> pd.DataFrame:
    """The ledger's issues: quarantined rows by first reason, then adjusted values of kept rows."""
    return merge_issues([issue_records(verdict, adjustments, ids)], columns)


def issue_records(
    verdict: pd.DataFrame,
    adjustments: Mapping[str, Mapping[str, pd.Series]],
    ids: pd.Series,
) -> list[tuple]:
    """``(reason, action, column, count, examples)`` of one load, or of one chunk of it."""
    records = []
    quarantined = verdict[verdict["reason"].notna()]
    for (why, name), group in quarantined.groupby(["reason", "column"], sort=False):
        records.append((why, "quarantined", name, len(group), _examples(ids[group.index])))
    kept = verdict["reason"].isna()
    for name, masks in adjustments.items():
        for why, mask in masks.items():
            hit = mask & kept
            if hit.any():
                records.append((why, "adjusted", name, int(hit.sum()), _examples(ids[hit])))
    return records


def merge_issues(parts: list[list[tuple]], columns: tuple[str, ...]) -> pd.DataFrame:
    """The issues table of a load from the records of its chunks, in row order: counts
    add up and the examples are the first rows' (as a load in one piece gives them).

    Examples
    --------
    >>> first = [("duplicate_id", "quarantined", "ticket_id", 4, ["T1", "T2", "T3", "T4"])]
    >>> second = [("duplicate_id", "quarantined", "ticket_id", 2, ["T8", "T9"]),
    ...           ("missing_required", "quarantined", "created_at", 1, ["T7"])]
    >>> merge_issues([first, second], ("ticket_id", "created_at"))[["reason", "count", "examples"]]
                 reason  count              examples
    0  missing_required      1                  [T7]
    1      duplicate_id      6  [T1, T2, T3, T4, T8]
    """
    merged: dict[tuple, list] = {}
    for records in parts:
        for why, action, name, count, examples in records:
            entry = merged.setdefault((why, action, name), [0, []])
            entry[0] += count
            entry[1] = (entry[1] + examples)[:MAX_EXAMPLES]

    def order(key):
        why, action, name = key
        if action == "quarantined":
            return (0, REASONS.index(why), columns.index(name))
        return (1, columns.index(name), ADJUSTMENTS.index(why))

    records = [(*key, *merged[key]) for key in sorted(merged, key=order)]
    if not records:
        return empty_issues()
    issues = pd.DataFrame.from_records(records, columns=["reason", "action", "column", "count",
                                                         "examples"])
    return issues.astype({"reason": "string", "action": "string", "column": "string",
                          "count": "int64"})


def quarantine_frame(raw: pd.DataFrame, verdict: pd.DataFrame) -> pd.DataFrame:
    """The quarantined source rows as read, with ``row``, ``reason`` and ``column`` in front."""
    bad = verdict["reason"].notna()
    rows = raw[bad.to_numpy()]
    # A source column called "reason" (say) must not collide with the loader's own.
    rows = rows.rename(columns={c: f"source:{c}" for c in rows.columns if c in QUARANTINE_COLUMNS})
    front = pd.DataFrame({
        "row": (rows.index + 1).astype("int64"),
        "reason": verdict.loc[bad, "reason"].to_numpy(),
        "column": verdict.loc[bad, "column"].to_numpy(),
    }, index=rows.index).astype({"reason": "string", "column": "string"})
    return pd.concat([front, rows], axis=1).reset_index(drop=True)


def strict_message(issues: pd.DataFrame, describe, *, table: str, source: str, rows_in: int) -> str:
    """The :class:`~svcinsight.io.DataQualityError` text: every reason, its column and examples."""
    bad = issues[issues["action"] == "quarantined"]
    total = int(bad["count"].sum())
    head = f"{total:,} of {rows_in:,} rows of {table} from {source!r} fail the loader's checks"
    lines = [head + " (strict=True):"]
    for issue in bad.itertuples():
        lines.append(
            f"  - {issue.reason} in {describe(issue.column)}: {issue.count:,} row(s), "
            f"e.g. {', '.join(issue.examples)}"
        )
    return "\n".join(lines)


def _examples(ids: pd.Series) -> list[str]:
    return [str(v) for v in ids.head(MAX_EXAMPLES).tolist()]
