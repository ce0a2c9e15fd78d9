"""Quality metrics: first contact resolution and reopens, over resolved tickets."""

from __future__ import annotations

import pandas as pd

from svcinsight.metrics.context import Context, ratio, tidy


def rows(ctx: Context) -> list[pd.DataFrame]:
    t = ctx.tickets
    if "contacts" not in t.columns and "reopened" not in t.columns:
        return []  # nothing tells one contact from several: FCR would be a guess
    resolved = ctx.known_by("resolved_at").notna()
    contacts = t["contacts"] if "contacts" in t.columns else pd.Series(1, index=t.index, dtype="Int64")
    reopened = t["reopened"] if "reopened" in t.columns else pd.Series(0, index=t.index, dtype="Int64")
    was_reopened = (reopened.fillna(0) > 0).astype(bool)
    first_contact = (contacts.fillna(1) <= 1).astype(bool) & ~was_reopened
    counts = ctx.group(pd.DataFrame({
        "resolved": resolved.astype("int64"),
        "fcr": (resolved & first_contact).astype("int64"),
        "reopened": (resolved & was_reopened).astype("int64"),
    })).sum()
    out = [tidy(ctx, "fcr_rate", value=ratio(counts["fcr"], counts["resolved"]),
                numerator=counts["fcr"], denominator=counts["resolved"], n=counts["resolved"])]
    if "reopened" in t.columns:
        out.append(tidy(ctx, "reopen_rate", value=ratio(counts["reopened"], counts["resolved"]),
                        numerator=counts["reopened"], denominator=counts["resolved"], n=counts["resolved"]))
    return out
