"""Small event tables written out by hand for the process tests, and the demo benchmarks."""

from __future__ import annotations

import pandas as pd

TZ = "Asia/Shanghai"

#: Benchmark hours per demo stage: what a visit should take in a healthy service (the
#: guides' 0.5 h for agent review; a hand-off passed on the same working half-day; a
#: working day for office work such as refunds and QC). Suggested for params/.
DEMO_BENCHMARKS = {
    "new": 1.0, "triage": 0.5, "identity verification": 0.5, "in progress": 1.0,
    "awaiting customer": 24.0, "complaint review": 8.0, "compensation": 4.0, "escalation": 24.0,
    "reopened": 8.0,
    "return approval": 2.0, "awaiting return parcel": 72.0, "qc inspection": 24.0,
    "qc result pending": 4.0, "refund": 24.0, "carrier investigation": 48.0, "payment check": 4.0,
    "agent review": 0.5, "document check": 4.0, "fraud check": 0.5, "credit decision": 8.0,
    "claim assessment": 48.0, "payout": 24.0,
    "remote diagnosis": 8.0, "spare parts": 72.0, "awaiting visit": 48.0, "onsite repair": 24.0,
    "repair verification": 4.0, "installation": 24.0,
    "billing review": 24.0, "billing adjustment": 8.0, "booking confirmation": 4.0,
    "technical check": 2.0,
}


def at(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=TZ)


def event_table(rows, columns=("ticket_id", "stage", "entered_at")) -> pd.DataFrame:
    """Events from tuples; timestamps as strings (local time in Asia/Shanghai) or None."""
    frame = pd.DataFrame([tuple(r) for r in rows], columns=list(columns))
    for col in ("entered_at", "left_at"):
        if col in frame:
            frame[col] = pd.to_datetime(frame[col]).dt.tz_localize(TZ)
    for col in ("ticket_id", "stage", "team", "agent_id"):
        if col in frame:
            frame[col] = frame[col].astype("string")
    return frame
