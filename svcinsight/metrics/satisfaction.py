"""Satisfaction metrics from feedback (by submitted_at), and the survey response rate
(by the tickets' creation period)."""

from __future__ import annotations

import numpy as np

from svcinsight import config
from svcinsight.metrics.context import NAT, Context, Result, ratio, utc_ns


class _Answers:
    """The feedback rows that count (submitted by ``as_of``), as arrays."""

    def __init__(self, ctx: Context):
        fb = ctx.feedback
        submitted = utc_ns(fb["submitted_at"])
        self.keep = (submitted != NAT) & (submitted <= ctx.as_of_ns)
        self.submitted = submitted
        # rows without a cell at ctx.size: ctx.sums leaves them out without a copy of the weights
        self.positions = np.where(self.keep & (ctx.feedback_gid >= 0), ctx.feedback_gid, ctx.size)
        self.present = ctx.sums(self.positions)  # rows per cell: empty cells give NaN sums

    def score(self, ctx: Context, column: str) -> np.ndarray | None:
        fb = ctx.feedback
        return fb[column].astype("float64").to_numpy(na_value=np.nan) if column in fb.columns else None

    def sums(self, ctx: Context, weights) -> np.ndarray:
        return ctx.present_sums(self.positions, weights, self.present)


def _score_rows(ctx: Context, answers: _Answers) -> list[Result]:
    out = []
    csat = answers.score(ctx, "csat")
    if csat is not None and ctx.wants("csat_mean", "csat_top2_rate"):
        answered = answers.sums(ctx, ~np.isnan(csat))
        total = answers.sums(ctx, np.nan_to_num(csat))
        top2 = answers.sums(ctx, csat >= 4)
        n = np.nan_to_num(answered)
        if ctx.wants("csat_mean"):
            out.append(Result("csat_mean", ratio(total, answered), n, total, answered))
        if ctx.wants("csat_top2_rate"):
            out.append(Result("csat_top2_rate", ratio(top2, answered), n, top2, answered))
    nps = answers.score(ctx, "nps")
    if nps is not None and ctx.wants("nps"):
        net = answers.sums(ctx, (nps >= 9).astype("float64") - (nps <= 6))
        answered = answers.sums(ctx, ~np.isnan(nps))
        out.append(Result("nps", 100 * ratio(net, answered), np.nan_to_num(answered), net, answered))
    ces = answers.score(ctx, "ces")
    if ces is not None and ctx.wants("ces_mean"):
        total = answers.sums(ctx, np.nan_to_num(ces))
        answered = answers.sums(ctx, ~np.isnan(ces))
        out.append(Result("ces_mean", ratio(total, answered), np.nan_to_num(answered), total, answered))
    if csat is not None and "followed_up_at" in ctx.feedback.columns and ctx.wants("low_score_followup_1h_rate"):
        out.append(_followup_rows(ctx, answers, csat))
    return out


def _followup_rows(ctx: Context, answers: _Answers, csat: np.ndarray) -> Result:
    """Low scores followed up within the hour: achieved / (achieved + breached)."""
    low = csat <= config.LOW_CSAT_THRESHOLD
    followed = utc_ns(ctx.feedback["followed_up_at"])
    followed = np.where(followed <= ctx.as_of_ns, followed, NAT)
    was_followed = followed != NAT
    waited = ctx.hours_ns(answers.submitted, np.where(was_followed, followed, ctx.as_of_ns))
    limit = config.LOW_SCORE_FOLLOWUP_HOURS
    achieved = low & was_followed & (waited <= limit)
    breached = low & (waited > limit)
    achieved_n = answers.sums(ctx, achieved)
    decided = answers.sums(ctx, achieved | breached)
    return Result("low_score_followup_1h_rate", ratio(achieved_n, decided), np.nan_to_num(decided), achieved_n, decided)


def _response_rate_rows(ctx: Context, answers: _Answers) -> Result | None:
    fb = ctx.feedback
    if "ticket_id" not in fb.columns or ctx.feedback_ticket_position is None:
        return None
    answered = np.zeros(len(fb), dtype=bool)
    for col in ("csat", "nps"):
        if col in fb.columns:
            answered |= fb[col].notna().to_numpy()
    # the feedback -> ticket lookup was made once for the whole call
    position = ctx.feedback_ticket_position
    has_answer = np.zeros(ctx.n_tickets, dtype=bool)
    has_answer[position[answered & answers.keep & (position >= 0)]] = True
    resolved = ctx.known_ns("resolved_at") != NAT
    n_resolved = ctx.sums(ctx.gid, resolved)
    with_answer = ctx.sums(ctx.gid, resolved & has_answer)
    return Result("survey_response_rate", ratio(with_answer, n_resolved), n_resolved, with_answer, n_resolved)


def rows(ctx: Context) -> list[Result]:
    if ctx.feedback is None or ctx.feedback_gid is None:
        return []
    answers = _Answers(ctx)  # feedback submitted after as_of has not happened yet
    out = _score_rows(ctx, answers)
    if ctx.wants("survey_response_rate"):
        rate = _response_rate_rows(ctx, answers)
        if rate is not None:
            out.append(rate)
    return out
