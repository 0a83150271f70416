"""What the records say about the account: agents, skills, groups (for the roster).

The importer reads agents (id, names, user type, role, group) from agentParticipants,
transfers and interactions, and skills from transfers, dialogs and info. Ids are
strings in the records; ccbench's are integers. :class:`Ids` maps a numeric string to
its number and any other string to 10^12 plus a 40-bit hash of it (reported once).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Final

from ._problems import Problems

__all__ = ["UNASSIGNED", "AgentFact", "Facts", "Ids", "decimal_id"]

#: skill and group id standing for the vendor's -1 "Unassigned"
UNASSIGNED: Final = 0
#: base of the ids given to non-numeric agent ids
_FRESH_BASE: Final = 10**12
#: agent ids are 64-bit integers in the log
_LARGEST: Final = 2**63


@dataclass(slots=True)
class AgentFact:
    """An agent as the records describe it. ``user_type`` is human, bot or system."""

    id: int
    name: str = ""
    user_type: str = "human"
    manager: bool = False
    group_id: int = UNASSIGNED
    group_name: str = ""
    skills: set[int] = field(default_factory=set)
    most_held: int = 0  # most conversations assigned at once (a lower bound of its slots)


@dataclass
class Facts:
    """Agents, skills and groups seen across all records, and the account."""

    agents: dict[int, AgentFact] = field(default_factory=dict)
    skills: dict[int, str] = field(default_factory=dict)
    groups: dict[int, str] = field(default_factory=dict)
    brand: str | None = None

    def merge(self, other: Facts) -> None:
        """Add what another share of the records says (names and groups fill gaps; bot,
        manager and skills accumulate; the most conversations held is the larger)."""
        for aid, fact in other.agents.items():
            mine = self.agent(aid)
            mine.name = mine.name or fact.name
            mine.user_type = "bot" if "bot" in (mine.user_type, fact.user_type) else mine.user_type
            mine.manager = mine.manager or fact.manager
            if mine.group_id == UNASSIGNED:
                mine.group_id, mine.group_name = fact.group_id, fact.group_name
            mine.skills |= fact.skills
            mine.most_held = max(mine.most_held, fact.most_held)
        for sid, name in other.skills.items():
            self.skill(sid, name)
        for gid, name in other.groups.items():
            self.groups[gid] = self.groups.get(gid) or name
        self.brand = self.brand or other.brand

    def agent(self, agent_id: int) -> AgentFact:
        fact = self.agents.get(agent_id)
        if fact is None:
            fact = self.agents[agent_id] = AgentFact(agent_id)
        return fact

    def skill(self, skill_id: int | None, name: str | None = None) -> int:
        """Register a skill (None, the vendor's -1, is Unassigned); returns its id."""
        sid = UNASSIGNED if skill_id is None else skill_id
        if sid not in self.skills or (name and not self.skills[sid]):
            self.skills[sid] = name or ("Unassigned" if sid == UNASSIGNED else "")
        return sid


@dataclass
class Ids:
    """External agent id (string) -> integer id; non-numeric ones get fresh ids."""

    fresh: dict[str, int] = field(default_factory=dict)

    def agent(self, text: str, path: str, problems: Problems) -> int:
        number = decimal_id(text)
        if number is not None:
            return number
        got = self.fresh.get(text)
        if got is None:
            # a hash, not a counter: shares converted apart give an id the same number
            digest = hashlib.blake2b(text.encode(), digest_size=5).digest()
            got = self.fresh[text] = _FRESH_BASE + int.from_bytes(digest, "big")
            problems.add(path, text, f"expected a decimal agent id; mapped to {got}")
        return got


def decimal_id(text: str) -> int | None:
    """The agent id a string of decimal digits stands for, or None: ASCII digits only
    (str.isdigit takes superscripts int() refuses) and an id a 64-bit column holds."""
    if text.isascii() and text.isdigit() and int(text) < _LARGEST:
        return int(text)
    return None
