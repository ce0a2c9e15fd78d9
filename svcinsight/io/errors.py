"""The two errors a loader raises on purpose.

Both derive from :class:`ValueError`, so code that already guards against bad input
with ``except ValueError`` keeps working.
"""

from __future__ import annotations


class SchemaError(ValueError):
    """The source cannot be mapped onto the canonical table.

    Raised for a required canonical column the source does not provide, a mapping to a
    source column that does not exist, or an unknown canonical name in ``columns=``.
    The message names the source, the table, what is missing, what it was mapped from
    and the columns the source does have.
    """


class DataQualityError(ValueError):
    """Rows fail the loader's checks and ``strict=True`` forbids quarantining them."""
