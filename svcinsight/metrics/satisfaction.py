"""Satisfaction metrics from feedback (by submitted_at), and the survey response rate
(by the tickets' creation period)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from svcinsight import config
from svcinsight.metrics.context import Context, ratio, tidy


def _score_rows(ctx: Context, fb: pd.DataFrame) -> list[pd.DataFrame]:
    out = []
    csat = fb["csat"].astype("float64") if "csat" in fb.columns else None
    if csat is not None:
        g = ctx.group_feedback(pd.DataFrame({
            "sum": csat.fillna(0), "n": csat.notna().astype("int64"),
            "top2": (csat >= 4).astype("int64"),
        })).sum()
        out.append(tidy(ctx, "csat_mean", value=ratio(g["sum"], g["n"]), numerator=g["sum"], denominator=g["n"], n=g["n"]))
        out.append(tidy(ctx, "csat_top2_rate", value=ratio(g["top2"], g["n"]), numerator=g["top2"], denominator=g["n"], n=g["n"]))
    if "nps" in fb.columns:
        nps = fb["nps"].astype("float64")
        g = ctx.group_feedback(pd.DataFrame({
            "net": (nps >= 9).astype("int64") - (nps <= 6).astype("int64"),
            "n": nps.notna().astype("int64"),
        })).sum()
        out.append(tidy(ctx, "nps", value=100 * ratio(g["net"], g["n"]), numerator=g["net"], denominator=g["n"], n=g["n"]))
    if "ces" in fb.columns:
        ces = fb["ces"].astype("float64")
        g = ctx.group_feedback(pd.DataFrame({"sum": ces.fillna(0), "n": ces.notna().astype("int64")})).sum()
        out.append(tidy(ctx, "ces_mean", value=ratio(g["sum"], g["n"]), numerator=g["sum"], denominator=g["n"], n=g["n"]))
    if csat is not None and "followed_up_at" in fb.columns:
        out.append(_followup_rows(ctx, fb, csat))
    return out


def _followup_rows(ctx: Context, fb: pd.DataFrame, csat: pd.Series) -> pd.DataFrame:
    """Low scores followed up within the hour: achieved / (achieved + breached)."""
    low = csat <= config.LOW_CSAT_THRESHOLD
    followed = fb["followed_up_at"].where(fb["followed_up_at"] <= ctx.as_of)
    waited = ctx.hours(fb["submitted_at"], followed.where(followed.notna(), ctx.as_of))
    limit = config.LOW_SCORE_FOLLOWUP_HOURS
    achieved = low & followed.notna() & (waited <= limit)
    breached = low & (waited > limit)
    g = ctx.group_feedback(pd.DataFrame({
        "achieved": achieved.astype("int64"), "decided": (achieved | breached).astype("int64"),
    })).sum()
    return tidy(ctx, "low_score_followup_1h_rate", value=ratio(g["achieved"], g["decided"]),
                numerator=g["achieved"], denominator=g["decided"], n=g["decided"])


def _response_rate_rows(ctx: Context, fb: pd.DataFrame) -> pd.DataFrame | None:
    if "ticket_id" not in fb.columns:
        return None
    answered = pd.Series(False, index=fb.index)
    for col in ("csat", "nps"):
        if col in fb.columns:
            answered |= fb[col].notna()
    # the feedback -> ticket lookup was made once for the whole call
    position = pd.Series(ctx.feedback_ticket_position, index=ctx.feedback.index).loc[fb.index].to_numpy()
    has_answer = np.zeros(len(ctx.tickets), dtype=bool)
    has_answer[position[answered.to_numpy() & (position >= 0)]] = True
    resolved = ctx.known_by("resolved_at").notna().to_numpy()
    g = ctx.sums(ctx.gid, resolved=resolved, answered=resolved & has_answer)
    return tidy(ctx, "survey_response_rate", value=ratio(g["answered"], g["resolved"]),
                numerator=g["answered"], denominator=g["resolved"], n=g["resolved"])


def rows(ctx: Context) -> list[pd.DataFrame]:
    fb = ctx.feedback
    if fb is None or ctx.feedback_keys is None:
        return []
    # feedback submitted after as_of has not happened yet
    fb = fb[fb["submitted_at"].notna() & (fb["submitted_at"] <= ctx.as_of)]
    out = _score_rows(ctx, fb)
    rate = _response_rate_rows(ctx, fb)
    if rate is not None:
        out.append(rate)
    return out
