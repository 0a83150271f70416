"""The roster as arrays (backend/_dashboard_roster.py): order, lookups and the filters."""

from __future__ import annotations

import numpy as np

from backend._dashboard_params import parse_dashboard_query
from backend._dashboard_roster import RosterArrays, kept_ids
from ccbench.eventlog import Roster

ROSTER = Roster.from_dict(
    {
        "account": "a",
        "sites": [{"id": "s"}],
        "groups": [{"id": 1}, {"id": 2}],
        "skills": [{"id": 9, "name": "nine", "intensity": 2}, {"id": 3, "name": "three"}],
        "agents": [
            {"id": 20, "name": "B", "group_id": 2, "skills": [9], "sites": ["s"], "max_slots": 2},
            {"id": 10, "name": "A", "group_id": 1, "skills": [3, 9], "sites": ["s"],
             "max_slots": 4},
            {"id": 30, "name": "Bot", "user_type": "bot", "group_id": 1, "skills": [],
             "sites": ["s"], "max_slots": 9},
        ],
    }
)  # fmt: skip


def test_agents_and_skills_in_id_order() -> None:
    """Agents 10, 20, 30 and skills 3, 9 whatever the roster's order, columns aligned."""
    r = RosterArrays.of(ROSTER)
    assert r.agent_ids.tolist() == [10, 20, 30]
    assert r.agent_names == ["A", "B", "Bot"]
    assert r.group.tolist() == [1, 2, 1]
    assert r.slots.tolist() == [4, 2, 9]
    assert r.human.tolist() == [True, True, False]
    assert r.skill_ids.tolist() == [3, 9]
    assert r.intensity.tolist() == [1.0, 2.0]
    assert r.has_skill.tolist() == [[True, True], [False, True], [False, False]]


def test_lookups_miss_with_minus_one() -> None:
    """An id off the roster has index -1."""
    r = RosterArrays.of(ROSTER)
    assert r.agent_index(np.asarray([30, 11, 10, 99])).tolist() == [2, -1, 0, -1]
    assert r.skill_index(np.asarray([9, 4, 3])).tolist() == [1, -1, 0]


def test_kept_agents() -> None:
    """skill 3 keeps agent 10 only; group 2 keeps agent 20; both filters: nobody; an
    unknown skill keeps nobody; no filter keeps everyone."""
    r = RosterArrays.of(ROSTER)

    def kept(*items: tuple[str, str]) -> list[bool]:
        return r.kept_agents(parse_dashboard_query(list(items))).tolist()

    assert kept(("skill_ids", "3")) == [True, False, False]
    assert kept(("group_ids", "2")) == [False, True, False]
    assert kept(("skill_ids", "3"), ("group_ids", "2")) == [False, False, False]
    assert kept(("skill_ids", "77")) == [False, False, False]
    assert kept() == [True, True, True]


def test_kept_ids_few_and_many() -> None:
    """A few ids are compared one by one, many go through np.isin: same answer."""
    values = np.asarray([1, 5, 12, 40, -1])
    assert kept_ids(values, None).tolist() == [True] * 5
    assert kept_ids(values, (5, 40)).tolist() == [False, True, False, True, False]
    many = tuple(range(0, 50, 4))  # 0, 4, ..., 48: 13 ids
    assert kept_ids(values, many).tolist() == [False, False, True, True, False]


def test_numbers_beyond_64_bits_keep_their_value() -> None:
    """A skill id or slot count beyond 64 bits (the roster bounds neither) is kept as a
    Python int: found by its id, summed exactly, never matched by an event skill."""
    doc = ROSTER.to_dict()
    doc["skills"].append({"id": 2**70, "name": "big"})
    doc["agents"][0] = {**doc["agents"][0], "max_slots": 2**64, "skills": [9, 2**70]}
    r = RosterArrays.of(Roster.from_dict(doc))
    assert r.skill_ids.tolist() == [3, 9, 2**70]
    assert r.skill_index(np.asarray([9, 4])).tolist() == [1, -1]
    assert int(r.slots.sum()) == 2**64 + 4 + 9
    assert r.kept_agents(parse_dashboard_query([("skill_ids", "3")])).tolist() == [
        True, False, False,
    ]  # fmt: skip
