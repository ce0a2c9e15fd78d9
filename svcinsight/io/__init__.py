"""Loaders: sources in, canonical tables plus a quality ledger out.

>>> import pandas as pd, svcinsight as si
>>> t, ledger = si.io.read_tickets(pd.DataFrame({"ticket_id": ["T1"],
...                                              "created_at": ["2024-05-01 09:00"]}))
>>> str(t["created_at"].dtype), ledger.rows_kept
('datetime64[ns, Asia/Shanghai]', 1)
"""

from __future__ import annotations

from svcinsight.io.errors import DataQualityError, SchemaError
from svcinsight.io.ledger import QualityLedger
from svcinsight.io.loaders import read_events, read_feedback, read_orders, read_table, read_tickets
from svcinsight.io.sources import require_folder

__all__ = [
    "DataQualityError",
    "QualityLedger",
    "SchemaError",
    "read_events",
    "read_feedback",
    "read_orders",
    "read_table",
    "read_tickets",
    "require_folder",
]
