"""Two-group comparisons for every metric kind, multiplicity, and pilot planning.

Every comparison returns a :class:`Comparison`: effect of group 2 against group 1
(after against before, pilot against control), interval, p-value, method, sample
sizes, warnings, and a plain sentence in English or Chinese. Alpha, the confidence
level and the bootstrap come from :func:`svcinsight.config.get_config`.

Examples
--------
>>> from svcinsight import stats
>>> print(stats.compare_proportions(780, 1000, 841, 1000, label="FCR").summary())
FCR rose from 78.0% to 84.1% (+6.1 pts, 95% CI +2.7 to +9.5); p < 0.001, significant at the 5% level.
"""

from svcinsight.stats.durations import compare_durations
from svcinsight.stats.means import compare_means
from svcinsight.stats.multiplicity import adjust_pvalues
from svcinsight.stats.nps import compare_nps
from svcinsight.stats.ordinal import compare_ordinal
from svcinsight.stats.planning import KINDS, PowerPlan, mde, power, sample_size
from svcinsight.stats.proportions import compare_proportions
from svcinsight.stats.rates import compare_rates
from svcinsight.stats.result import Comparison

__all__ = [
    "KINDS",
    "Comparison",
    "PowerPlan",
    "adjust_pvalues",
    "compare_durations",
    "compare_means",
    "compare_nps",
    "compare_ordinal",
    "compare_proportions",
    "compare_rates",
    "mde",
    "power",
    "sample_size",
]
