"""The quality ledger: what a loader kept, quarantined and adjusted, and why.

A loader never drops or changes a row silently. Rows that fail a check go to the
ledger's ``quarantine`` with the reason; values it had to adjust (a local time that
does not exist or occurs twice on a DST change) are counted in ``issues``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

#: Columns of :attr:`QualityLedger.issues`.
ISSUE_COLUMNS: tuple[str, ...] = ("reason", "action", "column", "count", "examples")

#: Columns every quarantine frame starts with, before the source's own columns.
QUARANTINE_COLUMNS: tuple[str, ...] = ("row", "reason", "column")

#: How many row identities an issue lists as examples.
MAX_EXAMPLES = 5


def empty_issues() -> pd.DataFrame:
    """An issues table with no rows (and the right columns)."""
    return pd.DataFrame({
        "reason": pd.Series(dtype="string"), "action": pd.Series(dtype="string"),
        "column": pd.Series(dtype="string"), "count": pd.Series(dtype="int64"),
        "examples": pd.Series(dtype=object),
    })


def empty_quarantine() -> pd.DataFrame:
    """A quarantine frame with no rows (and only the loader's own columns)."""
    return pd.DataFrame({
        "row": pd.Series(dtype="int64"), "reason": pd.Series(dtype="string"),
        "column": pd.Series(dtype="string"),
    })


@dataclass
class QualityLedger:
    """The record of one load: rows in, kept and quarantined, and each issue.

    ``issues`` has one row per reason and column: ``reason``, ``action``
    (``"quarantined"`` or ``"adjusted"``), ``column`` (canonical name), ``count`` and
    ``examples`` (up to five row identities: the key value where the table has a key,
    else ``"row N"`` with N the 1-based data row in the source). ``quarantine`` holds
    the quarantined source rows with ``row``, ``reason`` and ``column`` in front.

    Construction enforces ``rows_in == rows_kept + rows_quarantined``.

    Examples
    --------
    >>> from svcinsight.io import QualityLedger
    >>> ledger = QualityLedger(source="tickets.csv", table="tickets", rows_in=3, rows_kept=3,
    ...                        rows_quarantined=0, encoding="utf-8")
    >>> ledger.summary()
    'tickets from tickets.csv: 3 rows in, 3 kept, 0 quarantined (encoding utf-8)'
    >>> QualityLedger(source="x", table="tickets", rows_in=3, rows_kept=1, rows_quarantined=1)
    Traceback (most recent call last):
    ...
    ValueError: ledger for x: rows_in (3) != rows_kept (1) + rows_quarantined (1)
    """

    source: str
    table: str
    rows_in: int
    rows_kept: int
    rows_quarantined: int
    encoding: str | None = None
    # Left out of the repr: a quarantine can hold many thousands of rows.
    issues: pd.DataFrame = field(default_factory=empty_issues, repr=False)
    quarantine: pd.DataFrame = field(default_factory=empty_quarantine, repr=False)

    def __post_init__(self) -> None:
        # A ValueError rather than an assert: the check must survive ``python -O``.
        if self.rows_in != self.rows_kept + self.rows_quarantined:
            raise ValueError(
                f"ledger for {self.source}: rows_in ({self.rows_in}) != rows_kept "
                f"({self.rows_kept}) + rows_quarantined ({self.rows_quarantined})"
            )
        if len(self.quarantine) != self.rows_quarantined:
            raise ValueError(
                f"ledger for {self.source}: quarantine holds {len(self.quarantine)} rows, "
                f"rows_quarantined says {self.rows_quarantined}"
            )

    def to_frame(self) -> pd.DataFrame:
        """The issues table with ``source`` and ``table`` in front.

        Examples
        --------
        >>> from svcinsight.io import QualityLedger
        >>> QualityLedger(source="s", table="events", rows_in=0, rows_kept=0,
        ...               rows_quarantined=0).to_frame().columns.tolist()
        ['source', 'table', 'reason', 'action', 'column', 'count', 'examples']
        """
        frame = self.issues.loc[:, list(ISSUE_COLUMNS)].copy()
        frame.insert(0, "table", self.table)
        frame.insert(0, "source", self.source)
        return frame.astype({"source": "string", "table": "string"}).reset_index(drop=True)

    def summary(self) -> str:
        """One line: rows in, kept, quarantined, the encoding and each issue's count."""
        line = (
            f"{self.table} from {self.source}: {self.rows_in:,} rows in, "
            f"{self.rows_kept:,} kept, {self.rows_quarantined:,} quarantined"
        )
        if self.encoding:
            line += f" (encoding {self.encoding})"
        for action in ("quarantined", "adjusted"):
            rows = self.issues[self.issues["action"] == action]
            if len(rows):
                parts = [f"{r.reason} in {r.column} {r.count:,}" for r in rows.itertuples()]
                line += f"; {action}: " + ", ".join(parts)
        return line

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        # Built by hand so that every value, including source names and row ids taken
        # from customer data, goes through html.escape.
        esc = html.escape
        head = "".join(f"<th>{esc(c)}</th>" for c in ISSUE_COLUMNS)
        body = "".join(
            "<tr>"
            + "".join(
                f"<td>{esc(', '.join(map(str, row[c])) if c == 'examples' else str(row[c]))}</td>"
                for c in ISSUE_COLUMNS
            )
            + "</tr>"
            for _, row in self.issues.iterrows()
        )
        table = (
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            if len(self.issues) else "<p>No issues.</p>"
        )
        return (
            f"<div class=\"svcinsight-ledger\"><p><strong>Quality ledger</strong>: "
            f"{esc(self.summary())}</p>{table}</div>"
        )

    @staticmethod
    def combine(ledgers: Iterable[QualityLedger]) -> pd.DataFrame:
        """Several ledgers as one tidy frame, e.g. for a report that loads several sources.

        One row per ledger and issue, with the ledger's row counts repeated on each;
        a ledger without issues still gives one row (its issue columns empty), so every
        source shows up with its counts.

        Examples
        --------
        >>> from svcinsight.io import QualityLedger
        >>> a = QualityLedger(source="a.csv", table="tickets", rows_in=2, rows_kept=2,
        ...                   rows_quarantined=0)
        >>> b = QualityLedger(source="b.csv", table="feedback", rows_in=5, rows_kept=5,
        ...                   rows_quarantined=0)
        >>> QualityLedger.combine([a, b])[["source", "rows_in", "reason"]]
          source  rows_in reason
        0  a.csv        2   <NA>
        1  b.csv        5   <NA>
        """
        frames = []
        for ledger in ledgers:
            frame = ledger.to_frame()
            if frame.empty:
                frame = pd.DataFrame({"source": [ledger.source], "table": [ledger.table]})
            frame.insert(2, "rows_in", ledger.rows_in)
            frame.insert(3, "rows_kept", ledger.rows_kept)
            frame.insert(4, "rows_quarantined", ledger.rows_quarantined)
            frames.append(frame)
        columns = ["source", "table", "rows_in", "rows_kept", "rows_quarantined", *ISSUE_COLUMNS]
        if not frames:
            return pd.DataFrame(columns=columns)
        combined = pd.concat(frames, ignore_index=True).reindex(columns=columns)
        return combined.astype({
            "source": "string", "table": "string", "reason": "string", "action": "string",
            "column": "string", "count": "Int64",
        })
