"""A plain, ticket-by-ticket reference for stage_stats, handoffs and rework.

Written the obvious way, independently of ``svcinsight.process``: drop exact duplicate
rows, then walk each ticket's events in time order (ties in input order) with a Python
loop, and summarise with the statistics module and numpy. The tests compare the library
with it on the real help-desk log; the benchmark times it against the library.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict

import numpy as np
import pandas as pd

HOUR = pd.Timedelta(hours=1)


def walk(events: pd.DataFrame, *, terminal: set[str], holder: str | None = "team") -> dict:
    """Per-visit facts gathered ticket by ticket.

    ``events`` has ``ticket_id, stage, entered_at`` and optionally ``left_at`` and the
    ``holder`` column, timestamps as pandas Timestamps (any zone).
    """
    identity = [c for c in ("ticket_id", "stage", "entered_at", "left_at", "team", "agent_id")
                if c in events.columns]
    events = events.drop_duplicates(subset=identity)
    stage_hours = defaultdict(list)      # stage -> durations of timed visits
    stage_visits = Counter()
    stage_tickets = defaultdict(set)
    stage_censored = Counter()
    handoff_hours = defaultdict(list)    # (from, to) -> durations of the receiving stage
    handoff_count = Counter()
    handoff_tickets = defaultdict(set)
    handoff_censored = Counter()
    rework_tickets = Counter()           # stage -> tickets that entered it again
    rework_extra = Counter()             # stage -> visits after a ticket's first
    # Each ticket's rows in input order, then Python's stable sort by entry time.
    columns = [list(events["ticket_id"]), list(events["stage"]), list(events["entered_at"]),
               list(events["left_at"]) if "left_at" in events else [pd.NaT] * len(events),
               list(events[holder]) if holder and holder in events else [None] * len(events)]
    by_ticket = defaultdict(list)
    for ticket, stage, entered, left, who in zip(*columns):
        by_ticket[ticket].append((entered, stage, left, who))
    for ticket, rows in by_ticket.items():
        rows = sorted(rows, key=lambda row: row[0])
        entered = [row[0] for row in rows]
        stages = [row[1] for row in rows]
        left = [row[2] for row in rows]
        holders = [row[3] for row in rows]
        last = len(stages) - 1
        finished = stages[last] in terminal
        durations = []
        for i, stage in enumerate(stages):
            stage_visits[stage] += 1
            stage_tickets[stage].add(ticket)
            if not pd.isna(left[i]):
                hours = (left[i] - entered[i]) / HOUR
            elif i < last:
                hours = (entered[i + 1] - entered[i]) / HOUR
            else:
                hours = None
                if not finished:
                    stage_censored[stage] += 1
            durations.append(hours)
            if hours is not None:
                stage_hours[stage].append(hours)
        for i in range(1, len(stages)):
            before, now = holders[i - 1], holders[i]
            if before is None or now is None or pd.isna(before) or pd.isna(now) or before == now:
                continue
            key = (before, now)
            handoff_count[key] += 1
            handoff_tickets[key].add(ticket)
            if durations[i] is not None:
                handoff_hours[key].append(durations[i])
            elif i == last and not finished:
                handoff_censored[key] += 1
        for stage, visits in Counter(stages).items():
            if visits > 1:
                rework_tickets[stage] += 1
                rework_extra[stage] += visits - 1
    return {
        "stage_hours": stage_hours, "stage_visits": stage_visits, "stage_tickets": stage_tickets,
        "stage_censored": stage_censored, "handoff_hours": handoff_hours,
        "handoff_count": handoff_count, "handoff_tickets": handoff_tickets,
        "handoff_censored": handoff_censored, "rework_tickets": rework_tickets,
        "rework_extra": rework_extra,
    }


def _median(values):
    return statistics.median(values) if values else float("nan")


def _p90(values):
    return float(np.percentile(values, 90)) if values else float("nan")


def stage_table(facts: dict) -> pd.DataFrame:
    grand = sum(sum(v) for v in facts["stage_hours"].values())
    rows = []
    for stage, visits in facts["stage_visits"].items():
        hours = facts["stage_hours"][stage]
        rows.append({
            "stage": stage, "visits": visits, "tickets": len(facts["stage_tickets"][stage]),
            "censored": facts["stage_censored"][stage], "median_hours": _median(hours),
            "p90_hours": _p90(hours), "mean_hours": statistics.fmean(hours) if hours else float("nan"),
            "total_hours": sum(hours), "share_of_time": sum(hours) / grand,
        })
    return pd.DataFrame(rows).set_index("stage").sort_index()


def handoff_table(facts: dict) -> pd.DataFrame:
    rows = []
    for (before, now), count in facts["handoff_count"].items():
        hours = facts["handoff_hours"][(before, now)]
        rows.append({
            "from_team": before, "to_team": now, "count": count,
            "tickets": len(facts["handoff_tickets"][(before, now)]),
            "censored": facts["handoff_censored"][(before, now)],
            "median_hours": _median(hours), "p90_hours": _p90(hours), "total_hours": sum(hours),
        })
    return pd.DataFrame(rows).set_index(["from_team", "to_team"]).sort_index()


def rework_table(facts: dict) -> pd.DataFrame:
    rows = [{
        "stage": stage, "tickets": len(facts["stage_tickets"][stage]),
        "tickets_with_rework": facts["rework_tickets"][stage], "extra_visits": facts["rework_extra"][stage],
    } for stage in facts["stage_visits"]]
    return pd.DataFrame(rows).set_index("stage").sort_index()
