"""Project-wide defaults taken from the service-improvement guides (DESIGN.md).

Every default here can be overridden per business unit in its params file.

Examples
--------
>>> from svcinsight import config
>>> config.DEFAULT_TIMEZONE
'Asia/Shanghai'
>>> config.FIRST_RESPONSE_TARGET_HOURS["urgent"]
0.5
"""

from __future__ import annotations

from types import MappingProxyType

#: A unit's timezone when its params do not name one.
DEFAULT_TIMEZONE = "Asia/Shanghai"

#: First-response targets per priority, in hours: urgent 30 min, important 2 h, normal 24 h.
FIRST_RESPONSE_TARGET_HOURS = MappingProxyType({"urgent": 0.5, "important": 2.0, "normal": 24.0})

#: Progress update interval per priority, in hours (urgent every 4 h, others every 24 h).
PROGRESS_UPDATE_HOURS = MappingProxyType({"urgent": 4.0, "important": 24.0, "normal": 24.0})

#: A satisfaction survey is sent within this many hours of resolution.
SURVEY_WITHIN_HOURS = 24.0

#: Scores at or below this get a supervisor follow-up ...
LOW_CSAT_THRESHOLD = 3
#: ... within this many hours of submission.
LOW_SCORE_FOLLOWUP_HOURS = 1.0

#: Report language when params do not say.
DEFAULT_LANGUAGE = "en"

#: Name of the Jupyter kernel the notebooks run on (registered by ``make install``).
KERNEL_NAME = "svcinsight"
