"""A unit's agents: ids like ``ec-a017``, their team, and how they differ.

Agents differ in speed (handling and stage times), in rapport (a shift of their
customers' satisfaction) and a few are rude now and then, so agent-level clustering and
a "rude agent" feedback tag have something real behind them.

Examples
--------
>>> import numpy as np
>>> from svcinsight.demo.staff import Roster
>>> from svcinsight.demo.units import UNITS
>>> roster = Roster.of(UNITS["ecommerce"], np.random.default_rng(0))
>>> roster.ids[:2].tolist(), roster.team_name(0)
(['ec-a001', 'ec-a002'], 'customer_service')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from svcinsight.demo.profiles import Unit

#: Share of rude agents in teams of ten or more (at least one there).
RUDE_SHARE = 0.07


@dataclass(frozen=True)
class Roster:
    """A unit's agents: arrays indexed by agent, in team order."""

    unit: Unit
    ids: np.ndarray
    team: np.ndarray
    speed: np.ndarray
    rapport: np.ndarray
    rude: np.ndarray
    #: Relative workload of each agent within its team.
    load: np.ndarray

    @classmethod
    def of(cls, unit: Unit, rng: np.random.Generator) -> Roster:
        sizes = np.array([team.agents for team in unit.teams])
        n = int(sizes.sum())
        team = np.repeat(np.arange(len(sizes)), sizes)
        rude = np.zeros(n, bool)
        for index, size in enumerate(sizes):
            if size >= 10:
                members = np.flatnonzero(team == index)
                count = max(1, round(RUDE_SHARE * size))
                rude[rng.choice(members, count, replace=False)] = True
        return cls(
            unit=unit,
            ids=np.array([f"{unit.code.lower()}-a{i + 1:03d}" for i in range(n)], dtype=object),
            team=team,
            speed=np.exp(rng.normal(0, 0.2, n)),
            rapport=rng.normal(0, 0.12, n),
            rude=rude,
            load=rng.gamma(6.0, 1 / 6.0, n),
        )

    def team_name(self, agent: int) -> str:
        return self.unit.teams[self.team[agent]].name

    def pick(self, teams: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """An agent of each given team (by workload), or -1 for teams without agents."""
        teams = np.asarray(teams)
        agents = np.full(len(teams), -1, dtype=np.int64)
        for index in range(len(self.unit.teams)):
            rows = np.flatnonzero(teams == index)
            members = np.flatnonzero(self.team == index)
            if len(rows) and len(members):
                weights = self.load[members] / self.load[members].sum()
                agents[rows] = rng.choice(members, len(rows), p=weights)
        return agents
