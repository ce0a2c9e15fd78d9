"""The :class:`Dataset` container: one unit's (or a group's) canonical tables together."""

from __future__ import annotations

from dataclasses import dataclass, fields

import pandas as pd


@dataclass
class Dataset:
    """Canonical tables that belong together (see :mod:`svcinsight.schema`).

    ``tickets`` is always present; the other tables may be ``None`` when a source
    has none.

    Examples
    --------
    >>> import pandas as pd, svcinsight as si
    >>> ds = si.Dataset(tickets=pd.DataFrame({"ticket_id": ["T1"]}))
    >>> ds.tables()
    ['tickets']
    """

    tickets: pd.DataFrame
    events: pd.DataFrame | None = None
    feedback: pd.DataFrame | None = None
    orders: pd.DataFrame | None = None

    def tables(self) -> list[str]:
        """Names of the tables present."""
        return [f.name for f in fields(self) if getattr(self, f.name) is not None]

    def __repr__(self) -> str:
        parts = [f"{name}={len(getattr(self, name)):,} rows" for name in self.tables()]
        return f"Dataset({', '.join(parts)})"
