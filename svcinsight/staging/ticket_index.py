"""Each ticket's business unit and created month, by ticket id: how events and feedback
follow their tickets into partitions.

Built from the tickets as they are staged (a whole table, or chunk by chunk), or read
back from a staged copy a batch at a time; about 30 bytes plus the id's length per
ticket (see :mod:`svcinsight.io.keyindex`), so that the events of a large shared source
can be partitioned chunk by chunk without holding the tickets.

Examples
--------
>>> import pandas as pd
>>> index = TicketIndex()
>>> index.extend(pd.Series(["T1", "T2"], dtype="string"), unit=pd.Series(["shop", None], dtype="string"),
...              month=pd.Series(["2026-09", "2026-10"], dtype="string"))
>>> unit, month = index.lookup(pd.Series(["T2", "T9", "T1"], dtype="string"))
>>> unit.tolist(), month.tolist(), index.has_units
([<NA>, <NA>, 'shop'], ['2026-10', <NA>, '2026-09'], True)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from svcinsight.io.keyindex import KeyIndex


class _Codes:
    """Strings as small integer codes (-1 for missing)."""

    def __init__(self) -> None:
        self.values: list[str] = []
        self._codes: dict[str, int] = {}

    def encode(self, values: pd.Series) -> np.ndarray:
        codes, uniques = pd.factorize(pd.Series(values).astype("string"), use_na_sentinel=True)
        table = np.empty(len(uniques) + 1, dtype=np.int32)
        for i, value in enumerate(uniques):
            if value not in self._codes:
                self._codes[value] = len(self.values)
                self.values.append(value)
            table[i] = self._codes[value]
        table[-1] = -1  # factorize's -1 (missing) picks the last entry
        return table[codes]

    def decode(self, codes: np.ndarray) -> pd.Series:
        lookup = np.array([*self.values, None], dtype=object)
        return pd.Series(lookup[codes], dtype="string")


class TicketIndex:
    """Ticket id -> (business unit, created month); see the module's notes."""

    def __init__(self, keys: KeyIndex | None = None) -> None:
        #: The ticket ids, in the order their units and months were added.
        self.keys = keys if keys is not None else KeyIndex()
        self._own_keys = keys is None
        self._units, self._months = _Codes(), _Codes()
        self._unit_parts: list[np.ndarray] = []
        self._month_parts: list[np.ndarray] = []
        self._joined: tuple[np.ndarray, np.ndarray] | None = None
        #: Whether any ticket has a business unit.
        self.has_units = False

    def extend(self, ids: pd.Series | None, *, unit: pd.Series, month: pd.Series) -> None:
        """Add tickets; ``ids`` is None when :attr:`keys` (shared with the loader that
        checks duplicates) already holds them."""
        if ids is not None:
            if not self._own_keys:
                raise ValueError("this index's ids are added by its loader")
            self.keys.add(pd.Series(ids).astype("string"))
        self._unit_parts.append(self._units.encode(unit))
        self._month_parts.append(self._months.encode(month))
        self._joined = None
        self.has_units = self.has_units or bool(pd.Series(unit).notna().any())

    def lookup(self, ids: pd.Series) -> tuple[pd.Series, pd.Series]:
        """The unit and month of each ticket id (missing for ids of no ticket)."""
        if self._joined is None:
            self._joined = (np.concatenate(self._unit_parts or [np.empty(0, np.int32)]),
                            np.concatenate(self._month_parts or [np.empty(0, np.int32)]))
        units, months = self._joined
        if len(units) != len(self.keys):
            raise ValueError(f"{len(self.keys)} ticket ids but {len(units)} units and months")
        found = self.keys.positions(pd.Series(ids).astype("string"))
        unit_codes = np.full(len(found), -1, dtype=np.int32)
        month_codes = unit_codes.copy()
        hit = found >= 0
        unit_codes[hit] = units[found[hit]]
        month_codes[hit] = months[found[hit]]
        return self._units.decode(unit_codes), self._months.decode(month_codes)

    @classmethod
    def from_frame(cls, tickets: pd.DataFrame, unit: pd.Series, month: pd.Series) -> TicketIndex:
        """The index of a whole tickets table (``unit`` and ``month`` aligned with it);
        a repeated id keeps its first row."""
        ids = tickets["ticket_id"].astype("string").reset_index(drop=True)
        first = ~ids.duplicated().to_numpy()
        index = cls()
        index.extend(ids[first], unit=pd.Series(unit).reset_index(drop=True)[first],
                     month=pd.Series(month).reset_index(drop=True)[first])
        return index

    @classmethod
    def from_staged(cls, staged, batch_rows: int = 1_000_000) -> TicketIndex:
        """The index of a staged tickets table, read a batch at a time."""
        unit_name, month_name = staged.manifest["partitioning"]
        index = cls()
        data = staged._data()
        if data is None:
            return index
        for batch in data.to_batches(columns=["ticket_id", unit_name, month_name], batch_size=batch_rows):
            frame = batch.to_pandas()
            ids = frame["ticket_id"].astype("string")
            fresh = (index.keys.positions(ids) < 0) & ~ids.duplicated().to_numpy()
            if fresh.any():
                index.extend(ids[fresh], unit=frame[unit_name][fresh], month=frame[month_name][fresh])
        return index
