"""Each ticket's sequence of steps, as padded matrices (one row per ticket).

Tickets that share a category, route, number of rework loops, reopens and escalation
share a path, so paths are built once per combination and indexed, not per ticket.

Examples
--------
>>> import numpy as np
>>> from svcinsight.demo.paths import stage_names
>>> from svcinsight.demo.units import UNITS
>>> unit = UNITS["finance"]
>>> loan = [c.name for c in unit.categories].index("loan_application")
>>> stage_names(unit, category=loan, route=0, rework=1, reopen=0, escalate=False)
... # doctest: +NORMALIZE_WHITESPACE
['new', 'identity verification', 'document check', 'agent review', 'awaiting customer',
 'document check', 'agent review', 'credit decision', 'resolved', 'closed']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from svcinsight.demo.profiles import Step, Unit, common_steps


@dataclass(frozen=True)
class Paths:
    """Step table and per-ticket matrices; -1 pads rows shorter than the longest path."""

    steps: tuple[Step, ...]
    #: (tickets, positions) index into ``steps``.
    step: np.ndarray
    #: (tickets, positions) index into ``unit.teams``.
    team: np.ndarray
    #: (tickets, positions) true where a new customer contact starts (rework re-entry, reopen).
    contact: np.ndarray

    def stage_index(self, stage: str) -> np.ndarray:
        """Indices in ``steps`` of every step into ``stage``."""
        return np.array([i for i, s in enumerate(self.steps) if s.stage == stage], dtype=np.int64)


def _sequence(unit: Unit, category: int, route: int, rework: int, reopen: int,
              escalate: bool) -> list[tuple[Step, str, bool]]:
    """(step, team, starts a customer contact) along one path."""
    common = common_steps(unit)
    cat = unit.categories[category]
    chosen = cat.routes[route]
    seq: list[tuple[Step, bool]] = [(common["new"], False)]
    seq += [(s, False) for s in chosen.intake]
    for _ in range(rework if chosen.rework else 0):
        last = len(chosen.rework) - 1
        seq += [(s, i == last) for i, s in enumerate(chosen.rework)]
    seq += [(s, False) for s in chosen.finish]
    if escalate:
        seq.append((common["escalation"], False))
    seq.append((common["resolved"], False))
    redo = cat.reopen_steps or chosen.intake[-1:]
    for _ in range(reopen):
        seq.append((common["reopened"], True))
        seq += [(s, False) for s in redo]
        seq.append((common["resolved"], False))
    seq.append((common["closed"], False))
    return [(step, step.team or cat.owner, contact) for step, contact in seq]


def stage_names(unit: Unit, *, category: int, route: int, rework: int, reopen: int,
                escalate: bool) -> list[str]:
    """The stages one path goes through, in order."""
    return [step.stage for step, _, _ in _sequence(unit, category, route, rework, reopen, escalate)]


def build(unit: Unit, category, route, rework, reopen, escalate) -> Paths:
    """Paths for tickets with these per-ticket draws (equal-length arrays)."""
    draws = (category, route, rework, reopen, escalate)
    keys = np.stack([np.asarray(a, dtype=np.int64) for a in draws], axis=1).reshape(-1, 5)
    combos, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = np.asarray(inverse).reshape(-1)
    table: dict[Step, int] = {}
    team_index = {name: i for i, name in enumerate(unit.team_names)}
    sequences = [
        _sequence(unit, int(c), int(r), int(k), int(o), bool(e)) for c, r, k, o, e in combos
    ]
    length = max((len(seq) for seq in sequences), default=1)
    step = np.full((len(combos), length), -1, dtype=np.int64)
    team = np.full((len(combos), length), -1, dtype=np.int64)
    contact = np.zeros((len(combos), length), dtype=bool)
    for row, seq in enumerate(sequences):
        for col, (s, team_name, starts_contact) in enumerate(seq):
            step[row, col] = table.setdefault(s, len(table))
            team[row, col] = team_index[team_name]
            contact[row, col] = starts_contact
    return Paths(
        steps=tuple(table), step=step[inverse], team=team[inverse], contact=contact[inverse]
    )
