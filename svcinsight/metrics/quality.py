"""Quality metrics: first contact resolution and reopens, over resolved tickets."""

from __future__ import annotations

import numpy as np

from svcinsight.metrics.context import NAT, Context, Result, ratio


def rows(ctx: Context) -> list[Result]:
    t = ctx.tickets
    if "contacts" not in t.columns and "reopened" not in t.columns:
        return []  # nothing tells one contact from several: FCR would be a guess
    want_reopen = "reopened" in t.columns and ctx.wants("reopen_rate")
    if not (ctx.wants("fcr_rate") or want_reopen):
        return []
    resolved = ctx.known_ns("resolved_at") != NAT
    contacts = ctx.column("contacts", 1, "float64") if "contacts" in t.columns else np.ones(len(t))
    was_reopened = ctx.column("reopened", 0, "float64") > 0 if "reopened" in t.columns else np.zeros(len(t), bool)
    first_contact = (contacts <= 1) & ~was_reopened
    present = ctx.ticket_counts  # a cell without tickets has NaN counts, as a groupby sum would
    n_resolved = np.where(present > 0, ctx.resolved_counts, np.nan)
    out = []
    if ctx.wants("fcr_rate"):
        fcr = ctx.present_sums(ctx.gid, resolved & first_contact, present)
        out.append(Result("fcr_rate", ratio(fcr, n_resolved), np.nan_to_num(n_resolved), fcr, n_resolved))
    if want_reopen:
        reopened = ctx.present_sums(ctx.gid, resolved & was_reopened, present)
        out.append(Result("reopen_rate", ratio(reopened, n_resolved), np.nan_to_num(n_resolved), reopened, n_resolved))
    return out
