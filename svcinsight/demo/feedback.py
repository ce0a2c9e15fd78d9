"""The feedback table: post-resolution surveys linked to tickets, plus unlinked feedback.

Surveys go to every resolved ticket; about 30% answer (by channel: app 38%, chat 35%,
phone 28%, e-mail 25%, store 20%, social 15%), within 24 h of resolution. Every answer
has a CSAT (1-5); 70% also an NPS (0-10) and 55% a CES (1-7). Scores come from
:mod:`svcinsight.demo.experience`. Low scores get comments about what went wrong on that
ticket (65% of 1-2, 50% of 3), high scores praise (25-30%).

Unlinked feedback (app reviews, social posts, hotline, store, e-mail and chat remarks,
about 6% of the ticket volume) has no ``ticket_id``; app, store and chat carry a score.
Scores of 3 or less get a supervisor follow-up: 55% within the hour, 30% later, 15% never.

Examples
--------
>>> from svcinsight.demo.feedback import SURVEY_RESPONSE
>>> max(SURVEY_RESPONSE, key=SURVEY_RESPONSE.get)
'app'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from svcinsight import config
from svcinsight.demo import comments, experience
from svcinsight.demo.clock import Span
from svcinsight.demo.pilot import Pilot
from svcinsight.demo.plan import TicketPlan
from svcinsight.demo.profiles import Unit
from svcinsight.demo.staff import Roster

SURVEY_RESPONSE = {
    "app": 0.38, "chat": 0.35, "phone": 0.28, "email": 0.25, "store": 0.20, "social": 0.15,
}
UNLINKED_PER_TICKET = 0.06
# source: (share, share negative, carries a score, share with a comment)
_UNLINKED_SOURCES = {
    "app": (0.35, 0.45, True, 0.7), "social": (0.30, 0.70, False, 1.0),
    "hotline": (0.12, 0.80, False, 1.0), "store": (0.10, 0.35, True, 0.6),
    "email": (0.08, 0.60, False, 1.0), "chat": (0.05, 0.40, True, 0.5),
}
_COMMENT_SHARE_BY_CSAT = np.array([0.0, 0.65, 0.65, 0.5, 0.3, 0.25])


def _end(span: Span) -> pd.Timestamp:
    return pd.Timestamp(span.end).tz_localize(span.timezone)


def _pick_themes(eligible: dict[str, np.ndarray], rows: np.ndarray, positive: np.ndarray,
                 rng: np.random.Generator) -> list[str]:
    """Per row, a theme it is eligible for, of the right polarity, by weight (Gumbel-max)."""
    keys = list(eligible)
    weight = np.array([comments.THEMES[k].weight for k in keys])
    polar = np.array([comments.THEMES[k].positive for k in keys])
    allowed = np.stack([eligible[k][rows] for k in keys], axis=1)
    allowed &= polar[None, :] == positive[:, None]
    score = np.where(allowed, np.log(weight)[None, :] + rng.gumbel(size=allowed.shape), -np.inf)
    return [keys[i] for i in np.argmax(score, axis=1)]


def _languages(unit: Unit, n: int, rng: np.random.Generator) -> list[str]:
    return np.where(rng.random(n) < unit.zh_share, "zh", "en").tolist()


def _follow_up(submitted: pd.Series, csat: np.ndarray, end: pd.Timestamp,
               rng: np.random.Generator) -> pd.Series:
    n = len(submitted)
    low = ~np.isnan(csat) & (csat <= config.LOW_CSAT_THRESHOLD)
    u = rng.random(n)
    minutes = np.where(
        u < 0.55, np.minimum(rng.exponential(20, n), 59), 60 + rng.lognormal(np.log(360), 1.0, n)
    )
    minutes = np.where(low & (u < 0.85), np.maximum(1, np.round(minutes)), np.nan)
    followed = submitted + pd.to_timedelta(minutes, unit="m")
    return followed.where(followed < end)


def survey_frame(unit: Unit, tickets: pd.DataFrame, events: pd.DataFrame, plan: TicketPlan,
                 roster: Roster, pilot: Pilot, span: Span, rng: np.random.Generator
                 ) -> pd.DataFrame:
    """Survey answers to resolved tickets."""
    x = experience.experience(tickets, events, plan)
    latent = experience.satisfaction(unit, x, plan, roster, pilot, rng)
    n = len(tickets)
    rate = tickets["channel"].map(SURVEY_RESPONSE).to_numpy(dtype=float)
    delay_seconds = np.round(np.minimum(rng.lognormal(np.log(2.0), 1.0, n), 23.5) * 3600)
    submitted = tickets["resolved_at"] + pd.to_timedelta(delay_seconds, unit="s")
    end = _end(span)
    answered = (rng.random(n) < rate) & (submitted < end).to_numpy()  # NaT compares False
    rows = np.flatnonzero(answered)

    csat = experience.csat_from_latent(latent[rows])
    nps = experience.nps_from_latent(latent[rows], rng)
    ces = experience.ces_from_effort(x.iloc[rows], rng)
    nps = np.where(rng.random(len(rows)) < 0.70, nps, np.nan)
    ces = np.where(rng.random(len(rows)) < 0.55, ces, np.nan)

    commented = np.flatnonzero(rng.random(len(rows)) < _COMMENT_SHARE_BY_CSAT[csat])
    text = np.full(len(rows), None, dtype=object)
    if len(commented):
        about = rows[commented]
        themes = _pick_themes(experience.eligible_themes(unit, x), about, csat[commented] >= 4, rng)
        frt, res = x["frt"].to_numpy()[about], x["res"].to_numpy()[about]
        negative = csat[commented] <= config.LOW_CSAT_THRESHOLD
        text[commented] = comments.render(
            themes, _languages(unit, len(commented), rng),
            hours=np.maximum(1, np.round(frt)), minutes=np.maximum(3, np.round(frt * 60)),
            days=np.maximum(1, np.round(res / 24)),
            contact=rng.random(len(commented)) < np.where(negative, 0.15, 0.03),
            unit_id=unit.id, rng=rng,
        )
    submitted = submitted.iloc[rows].reset_index(drop=True)
    return pd.DataFrame({
        "ticket_id": tickets["ticket_id"].to_numpy(dtype=object)[rows],
        "business_unit": unit.id,
        "source": "survey",
        "submitted_at": submitted,
        "csat": csat.astype(float), "nps": nps, "ces": ces,
        "comment": text,
        "followed_up_at": _follow_up(submitted, csat.astype(float), end, rng),
    })


def unlinked_frame(unit: Unit, tickets: pd.DataFrame, span: Span,
                   rng: np.random.Generator) -> pd.DataFrame:
    """App reviews, social posts and other feedback with no ticket, timed like the tickets."""
    n = int(rng.poisson(UNLINKED_PER_TICKET * len(tickets))) if len(tickets) else 0
    names = list(_UNLINKED_SOURCES)
    share, negative_share, scored, commented = map(np.array, zip(*_UNLINKED_SOURCES.values()))
    source = rng.choice(len(names), n, p=share / share.sum())
    end = _end(span)
    like = tickets["created_at"].iloc[rng.integers(0, max(len(tickets), 1), n)]
    like = like.reset_index(drop=True)
    submitted = like + pd.to_timedelta(np.round(rng.uniform(0, 36 * 3600, n)), unit="s")
    submitted = submitted.where(submitted < end, like)

    negative = rng.random(n) < negative_share[source]
    csat = np.where(negative, rng.choice([1, 2, 3], n, p=[0.45, 0.35, 0.2]),
                    rng.choice([4, 5], n, p=[0.4, 0.6]))
    csat = np.where(scored[source], csat, np.nan)
    rows = np.flatnonzero(rng.random(n) < commented[source])
    text = np.full(n, None, dtype=object)
    if len(rows):
        anything = {k: np.ones(n, bool) for k in comments.THEMES if experience.serves(k, unit)}
        text[rows] = comments.render(
            _pick_themes(anything, rows, ~negative[rows], rng),
            _languages(unit, len(rows), rng),
            hours=rng.integers(2, 30, len(rows)), minutes=rng.integers(5, 45, len(rows)),
            days=rng.integers(2, 12, len(rows)),
            contact=rng.random(len(rows)) < 0.08, unit_id=unit.id, rng=rng,
        )
    return pd.DataFrame({
        "ticket_id": None,
        "business_unit": unit.id,
        "source": np.array(names, dtype=object)[source],
        "submitted_at": submitted,
        "csat": csat, "nps": np.nan, "ces": np.nan,
        "comment": text,
        "followed_up_at": _follow_up(submitted, csat, end, rng),
    })


def feedback_frame(unit: Unit, tickets: pd.DataFrame, events: pd.DataFrame, plan: TicketPlan,
                   roster: Roster, pilot: Pilot, span: Span, rng: np.random.Generator
                   ) -> pd.DataFrame:
    """Survey answers and unlinked feedback, in order of submission, with ids."""
    both = pd.concat(
        [survey_frame(unit, tickets, events, plan, roster, pilot, span, rng),
         unlinked_frame(unit, tickets, span, rng)],
        ignore_index=True,
    )
    both = both.sort_values("submitted_at", kind="stable", ignore_index=True)
    both.insert(0, "feedback_id", [f"FB-{unit.code}-{i:06d}" for i in range(1, len(both) + 1)])
    return both
