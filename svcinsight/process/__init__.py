"""Process analysis on the events table: where the time goes, where work stalls and loops.

One module per question, all built on :func:`time_in_stage` (the events table's time
rules: order, duplicates, ``left_at`` versus the next entry, terminal stages, censoring):

=========================  ==================================================================
:func:`stage_stats`        visits and time per stage (median, p90, mean, share of time)
:func:`handoffs`           hand-offs between teams and the hours lost at them
:func:`rework`             tickets re-entering a stage, extra visits
:func:`flows`              stage-to-stage transitions with their volume
:func:`variants`           the main paths, their share and cycle time
:func:`bottlenecks`        stages ranked by evidence, each with a plain sentence
:func:`derive_tickets`     a canonical tickets table from an event log, for the metrics
:func:`process_map`        the chart: stages, flows, time against benchmark
:func:`waiting_vs_working` the process's time split into working and waiting
=========================  ==================================================================

Everything is vectorised (one stable sort, then array operations); no function loops
over tickets in Python.

Examples
--------
>>> import svcinsight as si
>>> from svcinsight import process
>>> ds = si.demo.generate(seed=0, months=2, tickets_per_month=150, units=["ecommerce"])
>>> table = process.bottlenecks(ds.events, {"qc result pending": 4, "in progress": 1.0},
...                             resolution_stages={"resolved"})
>>> table.loc[0, "stage"]
'qc result pending'
"""

from svcinsight.process.bottlenecks import bottlenecks
from svcinsight.process.derive import derive_tickets
from svcinsight.process.durations import time_in_stage
from svcinsight.process.flows import flows
from svcinsight.process.handoffs import handoffs
from svcinsight.process.processmap import process_map
from svcinsight.process.rework import rework
from svcinsight.process.stages import stage_stats
from svcinsight.process.variants import variants
from svcinsight.process.waiting import waiting_vs_working

__all__ = [
    "bottlenecks", "derive_tickets", "flows", "handoffs", "process_map", "rework", "stage_stats",
    "time_in_stage", "variants", "waiting_vs_working",
]
