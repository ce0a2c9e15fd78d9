"""Service metrics: the catalogue and ``compute``.

>>> import svcinsight as si
>>> len(si.metrics.catalog()) >= 24
True
"""

from svcinsight.metrics.compute import add_changes, compute, latest_timestamp
from svcinsight.metrics.registry import METRICS, REGISTRY, Metric, catalog, get

__all__ = ["compute", "add_changes", "latest_timestamp", "catalog", "get", "Metric", "METRICS", "REGISTRY"]
