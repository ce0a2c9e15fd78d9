"""svcinsight: evidence for improving customer-service processes.

>>> import svcinsight as si
>>> isinstance(si.__version__, str)
True
"""

from __future__ import annotations

import importlib

from svcinsight import config, schema
from svcinsight._version import __version__
from svcinsight.dataset import Dataset

__all__ = ["__version__", "Dataset", "config", "schema", "io", "demo", "report", "calendar", "stats",
           "metrics", "goals", "plots", "process", "feedback", "privacy", "pilot", "plan", "unit", "staging",
           "studies", "pages"]

# Submodules are imported on first use so that ``import svcinsight`` stays light
# (papermill and nbconvert load only when a report is run).
_LAZY = {"io", "demo", "report", "cli", "plots", "calendar", "stats", "metrics", "goals",
         "process", "feedback", "privacy", "pilot", "plan", "unit", "staging", "studies", "pages"}


def __getattr__(name: str):
    if name in _LAZY:
        module = importlib.import_module(f"svcinsight.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'svcinsight' has no attribute {name!r}")
