"""How a fix moves satisfaction: through the driver model of :func:`svcinsight.feedback.drivers`.

The model says how much lower an answer scores when its ticket has a problem (a late
first response, a repeat contact, a stage over its threshold, a tag in the comment),
net of the other problems. A fix changes the tickets, so some answers lose a problem:
each such answer scores the driver's effect higher, and CSAT is recomputed on the
unit's answers with those scores. Only drivers whose interval lies wholly on the
harmful side count; the others could move the score either way.

Stage thresholds are the benchmarks, except where nearly every visit exceeds the
benchmark (fewer than ``min_count`` answered tickets within it): there the stage's own
median per ticket is the threshold, so the model can still tell a slow visit from a
typical one (the QC hand-off in the demo takes 20-44 h against a 4 h benchmark).

The interval of a CSAT change combines the drivers' standard errors (treated as
independent) with the sampling of answers.

Checked against the demo generator's own satisfaction model (``tests/plan``): the gains
of a slow stage, a slow hand-off and late first responses fall inside their intervals.
Rework is overstated by about a third there: the model's repeat-contact flag is yes/no,
while each extra contact costs the generator's customers the same again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats as sps

from svcinsight import config
from svcinsight.feedback.drivers import drivers as driver_table
from svcinsight.feedback.drivers import stage_delays
from svcinsight.feedback.tagging import tag as tag_comments
from svcinsight.plan.fixes import State, positions

#: Ticket flags of the driver model that a fix can change.
_TICKET_FLAGS = ("first_response_late", "resolution_slow", "repeat_contact", "reopened", "escalated",
                 "complaint")
#: The ticket columns those flags read.
_FLAG_COLUMNS = ("created_at", "first_response_at", "resolved_at", "priority", "contacts", "reopened",
                 "escalated", "category")


@dataclass
class SatisfactionModel:
    """The fitted drivers and each modelled answer's problems as the data stands.

    Attributes
    ----------
    table : DataFrame
        :func:`~svcinsight.feedback.drivers` output: ticket flags and stage delays from one
        fit without the tags, tags from a fit of tags and ticket flags.
    answers : DataFrame
        The answers of the plan's window (tagged), in their original order.
    modelled : ndarray of int
        Positions in ``answers`` of the rows the model can rewrite (linked to a ticket of
        the state), and ``ticket`` their ticket's position in the state.
    harmful : DataFrame
        Drivers whose interval lies wholly below zero: ``driver, kind, stage, effect, se``.
    state : State
        The data as it is, which the model was fitted on; :attr:`baseline` holds its
        modelled answers' process-driver flags (worked out with the first changes).
    """

    table: pd.DataFrame
    answers: pd.DataFrame
    modelled: np.ndarray
    ticket: np.ndarray
    harmful: pd.DataFrame
    thresholds: dict
    resolution_limit: np.ndarray
    state: State = field(repr=False)
    _baseline: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def baseline(self) -> pd.DataFrame:
        """Process-driver flags of the modelled answers as the data stands."""
        if self._baseline is None:
            self._baseline = self.flags(self.state, np.arange(len(self.modelled)))
        return self._baseline

    @classmethod
    def fit(cls, answers: pd.DataFrame, state: State, *, benchmarks: Mapping[str, float] | None = None,
            taxonomy=None, min_count: int = 30) -> SatisfactionModel | None:
        """Fit the drivers on ``answers`` and the state's tickets and events.

        Returns None when there are too few scored answers linked to tickets.
        """
        if answers is None or "csat" not in answers.columns:
            return None
        answers = answers.reset_index(drop=True)
        if "tags" not in answers.columns and "comment" in answers.columns:
            answers = tag_comments(answers, taxonomy)
        position = positions(answers["ticket_id"], state.tickets["ticket_id"]) \
            if "ticket_id" in answers.columns else np.full(len(answers), -1)
        modelled = np.flatnonzero((position >= 0) & answers["csat"].notna().to_numpy())
        if len(modelled) < 2 * min_count:
            return None
        events = None  # (stage delays need no team)
        if state.timeline is not None:
            events = state.timeline.to_frame(state.tickets, state.tickets["created_at"].dt.tz, team=False)
        thresholds: dict = {}
        if events is not None:
            thresholds = _usable_thresholds(answers.iloc[modelled].reset_index(drop=True), events,
                                            benchmarks, min_count)
        # Process problems without the tags: a comment is written because of the score, so a
        # tag next to a delay takes over part of the delay's effect (QC delays and "QC took
        # forever" comments); tags are judged in a model of their own, against the other
        # commented answers, as drivers() does.
        visits = events
        if events is not None and thresholds:
            # each answer's stage delays come from its own ticket's visits, and a visit's
            # hours do not depend on the other visits passed (see _usable_thresholds): the
            # answered tickets' visits to stages with a threshold give the same table
            answered = np.zeros(len(state.tickets), dtype=bool)
            answered[position[position >= 0]] = True
            line = state.timeline
            keep = answered[line.ticket] & np.isin(line.stage, list(thresholds))
            visits = line.select(keep).to_frame(state.tickets, state.tickets["created_at"].dt.tz, team=False)
        table = driver_table(answers, state.tickets, visits, taxonomy=taxonomy, include=("tickets", "stages"),
                             benchmarks=thresholds or None, min_count=min_count)
        tags = pd.DataFrame(columns=table.columns)
        if "tags" in answers.columns:
            tags = driver_table(answers, state.tickets, taxonomy=taxonomy, include=("tags", "tickets"),
                                min_count=min_count)
            tags = tags[tags["kind"] == "tag"]
        table = pd.concat([table, tags], ignore_index=True) if len(tags) else table
        z = sps.norm.ppf(0.5 + table.attrs.get("confidence", config.get_config()["confidence"]) / 2)
        harmful = table[(table["ci_high"] < 0)]
        harmful = pd.DataFrame({
            "driver": harmful["driver"].to_numpy(), "kind": harmful["kind"].to_numpy(),
            "stage": harmful["stage"].to_numpy(), "effect": harmful["effect"].to_numpy(dtype=float),
            "se": ((harmful["ci_high"] - harmful["ci_low"]) / (2 * z)).to_numpy(dtype=float),
        })
        limit = _resolution_limit(state.tickets)
        model = cls(table=table, answers=answers, modelled=modelled, ticket=position[modelled],
                    harmful=harmful, thresholds=thresholds, resolution_limit=limit, state=state)
        return model

    @property
    def process_drivers(self) -> list[str]:
        """Harmful drivers a change to the tickets can turn off (ticket flags and stages)."""
        return [d for d, k in zip(self.harmful["driver"], self.harmful["kind"]) if k in ("ticket", "stage")]

    def flags(self, state: State, rows: np.ndarray) -> pd.DataFrame:
        """Process-driver flags of the modelled answers ``rows`` (positions in ``modelled``)."""
        return self.flags_of([(state, rows)])[0]

    def flags_of(self, pairs: Sequence[tuple[State, np.ndarray]]) -> list[pd.DataFrame]:
        """:meth:`flags` of several (state, rows) pairs; the stage delays of all of them are
        measured in one pass (each answer's delays come from its own ticket's visits, so
        the pairs do not mix: a ticket is known by its position plus the tickets of the
        pairs before its own)."""
        wanted = self.process_drivers
        outs = [pd.DataFrame(False, index=rows, columns=wanted) for _, rows in pairs]
        if not wanted:
            return outs
        stages = [w for w in wanted if w.startswith("slow: ")]
        wanted_stages = {w.removeprefix("slow: ") for w in stages}
        limits = {s: h for s, h in self.thresholds.items() if s in wanted_stages}
        names = [w for w in wanted if w in _TICKET_FLAGS]
        answered, frames, visits, spans = [], [], [], []
        offset = 0
        for k, (state, rows) in enumerate(pairs):
            tickets = state.tickets
            offset += len(tickets)
            if not len(rows):
                continue
            position = self.ticket[rows]
            if names:
                answered.append((k, tickets[[c for c in _FLAG_COLUMNS if c in tickets.columns]].iloc[position],
                                 self.resolution_limit[position]))
            if not stages or state.timeline is None:
                continue
            line = state.timeline
            # the visits of these tickets to those stages, in timeline order
            keep = np.isin(line.ticket, np.unique(position)) & np.isin(line.stage, list(limits))
            if not keep.any() or not limits:
                continue
            events = line.select(keep).to_frame(tickets, tickets["created_at"].dt.tz, team=False)
            events["ticket_id"] = offset - len(tickets) + line.ticket[keep]
            frame = self.answers.iloc[self.modelled[rows]][["submitted_at"]].reset_index(drop=True)
            frame.insert(0, "ticket_id", offset - len(tickets) + position)
            spans.append((k, sum(len(f) for f in frames)))
            frames.append(frame)
            visits.append(events)
        if answered:  # each flag reads its own ticket's row: all pairs' rows at once
            rows_of = pd.concat([frame for _, frame, _ in answered], ignore_index=True)
            limit = np.concatenate([limit for _, _, limit in answered])
            flags = {name: _ticket_flag(name, rows_of, limit) for name in names}
            start = 0
            for k, frame, _ in answered:
                for name in names:
                    outs[k][name] = flags[name][start:start + len(frame)]
                start += len(frame)
        if frames:
            _, over, _ = stage_delays(pd.concat(frames, ignore_index=True), pd.concat(visits, ignore_index=True),
                                       limits)
            for k, start in spans:
                part = over.iloc[start:start + len(pairs[k][1])]
                for stage in limits:
                    if stage in part.columns:
                        outs[k][f"slow: {stage}"] = part[stage].to_numpy(dtype=bool)
        return outs

    def changes(self, state: State, tags: tuple[str, ...] = ()) -> pd.DataFrame:
        """Per answer (all answers, in order) and harmful driver: -1 where the state turns
        the problem off, +1 where it turns it on, else 0."""
        return self.changes_of([(state, tags)])[0]

    def changes_of(self, items: Sequence[tuple[State, tuple[str, ...]]]) -> list[pd.DataFrame]:
        """:meth:`changes` of several (state, tags) pairs (their flags in one pass)."""
        rows_of = [np.flatnonzero(state.changed[self.ticket])
                   if state.changed is not None and state.changed.any() else np.array([], dtype=np.int64)
                   for state, _ in items]
        pairs = [(state, rows) for (state, _), rows in zip(items, rows_of)]
        if self._baseline is None and any(len(rows) for rows in rows_of):  # the data as it stands, alongside
            *flags, self._baseline = self.flags_of(pairs + [(self.state, np.arange(len(self.modelled)))])
        else:
            flags = self.flags_of(pairs)
        harmful_tags = set(self.harmful.loc[self.harmful["kind"] == "tag", "driver"])
        outs = []
        for (_state, tags), rows, after in zip(items, rows_of, flags):
            out = pd.DataFrame(0.0, index=np.arange(len(self.answers)), columns=list(self.harmful["driver"]))
            if len(rows):
                before = self.baseline.loc[rows, after.columns]
                diff = after.to_numpy(dtype=float) - before.to_numpy(dtype=float)
                out.loc[self.modelled[rows], list(after.columns)] = diff
            for tag in tags:
                if tag in harmful_tags and "tags" in self.answers.columns:
                    has = self.answers["tags"].map(lambda x, t=tag: isinstance(x, list) and t in x).to_numpy(bool)
                    out.loc[has, tag] = -1.0
            outs.append(out)
        return outs

    def deltas(self, changes: pd.DataFrame) -> np.ndarray:
        """Each answer's score change: the drivers it loses, times their effects (negated)."""
        effect = self.harmful.set_index("driver")["effect"].reindex(changes.columns).to_numpy(dtype=float)
        return changes.to_numpy(dtype=float) @ effect

    def model_variance(self, changes: pd.DataFrame, rows: np.ndarray) -> float:
        """Variance of the mean change over ``rows`` from the drivers' standard errors."""
        if not len(rows):
            return 0.0
        se = self.harmful.set_index("driver")["se"].reindex(changes.columns).to_numpy(dtype=float)
        weight = changes.to_numpy(dtype=float)[rows].sum(axis=0) / len(rows)
        return float(np.sum((weight * se) ** 2))

    def tagged(self, tag: str) -> np.ndarray:
        """Which answers mention ``tag``."""
        if "tags" not in self.answers.columns:
            return np.zeros(len(self.answers), dtype=bool)
        return self.answers["tags"].map(lambda x: isinstance(x, list) and tag in x).to_numpy(bool)


def _usable_thresholds(frame: pd.DataFrame, events: pd.DataFrame, benchmarks: Mapping[str, float] | None,
                       min_count: int) -> dict:
    """Per stage: its benchmark, or its median where too few answered tickets are within it.

    ``events`` are a state's (:meth:`State.events`): a visit without an end is its ticket's
    last, so each visit's hours are the same whichever other stages are passed along, and
    the medians need only the stages that fall back to them."""
    visited, over, thresholds = stage_delays(frame, events, benchmarks)
    within = (visited & ~over).sum()
    short = [stage for stage in thresholds if benchmarks and stage in benchmarks and within.get(stage, 0) < min_count]
    medians = stage_delays(frame, events[events["stage"].isin(short)], None)[2] if short else {}
    out = {}
    for stage, hours in thresholds.items():
        if benchmarks and stage in benchmarks and within.get(stage, 0) < min_count:
            hours = medians.get(stage, hours)
        out[stage] = float(hours)
    return out


def _resolution_limit(tickets: pd.DataFrame) -> np.ndarray:
    """Twice the median resolution hours of each ticket's unit and category, as the model
    flags ``resolution_slow`` (fixed at the data as it is, so a fix does not move it)."""
    if not {"resolved_at", "created_at"} <= set(tickets.columns):
        return np.full(len(tickets), np.nan)
    hours = (tickets["resolved_at"] - tickets["created_at"]).dt.total_seconds() / 3600
    keys = [c for c in ("business_unit", "category") if c in tickets.columns]
    median = hours.groupby([tickets[k] for k in keys], dropna=False).transform("median") if keys \
        else pd.Series(hours.median(), index=tickets.index)
    return 2 * median.to_numpy(dtype=float)


def _ticket_flag(name: str, t: pd.DataFrame, limit: np.ndarray) -> np.ndarray:
    """One ticket flag of the driver model for the tickets ``t`` (``limit``: their
    resolution limits)."""
    if name == "first_response_late":
        hours = ((t["first_response_at"] - t["created_at"]).dt.total_seconds() / 3600).to_numpy(dtype=float)
        priority = t["priority"] if "priority" in t.columns else pd.Series("normal", index=t.index)
        target = priority.map(dict(config.FIRST_RESPONSE_TARGET_HOURS)).astype(float)
        target = target.fillna(config.FIRST_RESPONSE_TARGET_HOURS["normal"]).to_numpy()
        return np.nan_to_num(hours, nan=-np.inf) > target
    if name == "resolution_slow":
        hours = ((t["resolved_at"] - t["created_at"]).dt.total_seconds() / 3600).to_numpy(dtype=float)
        return np.nan_to_num(hours, nan=-np.inf) > np.nan_to_num(limit, nan=np.inf)
    if name == "repeat_contact":
        return (pd.to_numeric(t["contacts"]) >= 2).fillna(False).to_numpy(dtype=bool)
    if name == "reopened":
        return (pd.to_numeric(t["reopened"]) >= 1).fillna(False).to_numpy(dtype=bool)
    if name == "escalated":
        return t["escalated"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    return (t["category"] == "complaint").fillna(False).to_numpy(dtype=bool)
