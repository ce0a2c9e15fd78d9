"""Service metrics: the catalogue and ``compute``.

>>> import svcinsight as si
>>> len(si.metrics.catalog()) >= 24
True
"""

from svcinsight.metrics.compute import add_changes, compute, latest_timestamp
from svcinsight.metrics.registry import METRICS, REGISTRY, Metric, catalog, get
from svcinsight.metrics.values import metric_values

__all__ = ["compute", "add_changes", "metric_values", "latest_timestamp", "catalog", "get", "Metric", "METRICS", "REGISTRY"]
