"""The roster as aligned arrays for the dashboard, and the request's filters over them.

Agents are in ascending id order (the tables' row order before sorting), skills
likewise; an agent's or skill's *index* is its position there. The filters are
the dashboard's (docs/metrics.md 3.1): ``skill_ids`` keeps agents having one of
the skills, conversations/stays/closes/segments whose skill is one of them (a
NULL skill never); ``group_ids`` keeps agents of those groups, and rows by the
group of their agent (-1: none or not on the roster, never kept).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ccbench.eventlog import Roster

from ._dashboard_params import DashboardQuery

__all__ = ["RosterArrays", "kept_ids"]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]


def kept_ids(values: I64, ids: tuple[int, ...] | None) -> B:
    """Where ``values`` is one of ``ids`` (None: everywhere; a few ids are a few
    comparisons, cheaper than np.isin's sort)."""
    if ids is None:
        return np.ones(values.shape[0], dtype=bool)
    if len(ids) > 8:
        return np.isin(values, np.asarray(ids, dtype=np.int64))
    out = np.zeros(values.shape[0], dtype=bool)
    for i in ids:
        out |= values == i
    return out


@dataclass(frozen=True, slots=True)
class RosterArrays:
    """Agents (``agent_*``, ascending id) and skills (``skill_*``, ascending id)."""

    agent_ids: I64
    agent_names: list[str]
    group: I64
    slots: I64  # max_slots
    human: B
    has_skill: B  # (agent, skill index): the agent has the skill
    skill_ids: I64
    skill_names: list[str]
    intensity: F64  # load weight factor of each skill

    @classmethod
    def of(cls, roster: Roster) -> RosterArrays:
        agents = sorted(roster.agents, key=lambda a: a.id)
        skills = sorted(roster.skills, key=lambda s: s.id)
        skill_index = {s.id: j for j, s in enumerate(skills)}
        has = np.zeros((len(agents), len(skills)), dtype=bool)
        for i, a in enumerate(agents):
            has[i, [skill_index[s] for s in a.skills]] = True
        return cls(
            agent_ids=np.asarray([a.id for a in agents], dtype=np.int64),  # stored as BIGINT
            agent_names=[a.name for a in agents],
            group=np.asarray([a.group_id for a in agents], dtype=np.int64),
            slots=_integers([a.max_slots for a in agents]),
            human=np.asarray([a.user_type == "human" for a in agents], dtype=bool),
            has_skill=has,
            skill_ids=_integers([s.id for s in skills]),
            skill_names=[s.name for s in skills],
            intensity=np.asarray([s.intensity for s in skills], dtype=np.float64),
        )

    def agent_index(self, ids: I64) -> I64:
        """Index of each agent id (-1: not on the roster)."""
        return _index(self.agent_ids, ids)

    def skill_index(self, ids: I64) -> I64:
        """Index of each skill id (-1: not on the roster)."""
        return _index(self.skill_ids, ids)

    def kept_agents(self, query: DashboardQuery) -> B:
        """Agents kept by the filters: of a kept group, with a kept skill."""
        kept = kept_ids(self.group, query.group_ids)
        if query.skill_ids is not None:
            kept &= (self.has_skill & kept_ids(self.skill_ids, query.skill_ids)).any(axis=1)
        return kept


def _integers(values: list[int]) -> I64:
    """``values`` as int64, or as Python ints (an object array, the same arithmetic) when
    they or their sum would not fit: the roster bounds neither skill ids nor slots."""
    limit = 2**63 - 1
    fits = all(-limit <= v <= limit for v in values) and abs(sum(values)) <= limit
    return np.asarray(values, dtype=np.int64 if fits else object)


def _index(sorted_ids: I64, ids: I64) -> I64:
    at = np.searchsorted(sorted_ids, ids)
    found = at < sorted_ids.shape[0]
    found[found] = sorted_ids[at[found]] == ids[found]
    out: I64 = np.where(found, at, -1)
    return out
