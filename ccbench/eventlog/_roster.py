"""The roster: configuration that metrics need but events do not carry.

Agents (roles, groups, skills, sites, max concurrent slots, human or bot),
skills, groups, sites, bots and their flows, SLA policies, objectives, the
business time zone, conversation load weights and supervision signals.
It is a JSON document (stored in Parquet file metadata or as the NDJSON
header line); :func:`Roster.from_dict` validates it and every error names the
JSON path, the value and what was expected.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import asdict, dataclass, field
from typing import Any

from .._errors import RosterError, shown_with_type
from ._roster_fields import FieldReader, int_item, str_item
from ._roster_sla import BUSINESS_DAYS, SLA_CLOCKS, BusinessHours, SlaPolicy, check_business_hours
from ._schema import KINDS

__all__ = [
    "AGENT_ROLES",
    "BUSINESS_DAYS",
    "OBJECTIVE_METRICS",
    "SLA_CLOCKS",
    "USER_TYPES",
    "Agent",
    "Bot",
    "BusinessHours",
    "Group",
    "LoadWeights",
    "Objective",
    "Roster",
    "Signals",
    "Site",
    "Skill",
    "SlaPolicy",
]

AGENT_ROLES = ("support", "admin", "tech", "manager")
USER_TYPES = ("human", "bot")
#: Days of a business-hours window, Monday first (Python's ``date.weekday()`` order).
OBJECTIVE_METRICS = (
    "contacts",
    "transactions",
    "turnover_minor",
    "conversion_rate_pct",
    "satisfaction_pct",
)


@dataclass(frozen=True, slots=True)
class Site:
    id: str
    name: str

    @classmethod
    def parse(cls, data: Any, path: str) -> Site:
        r = FieldReader(data, path)
        site = cls(id=r.string("id"), name=r.name())
        r.done()
        return site


@dataclass(frozen=True, slots=True)
class Group:
    id: int
    name: str

    @classmethod
    def parse(cls, data: Any, path: str) -> Group:
        r = FieldReader(data, path)
        group = cls(id=r.integer("id"), name=r.name())
        r.done()
        return group


@dataclass(frozen=True, slots=True)
class Skill:
    """A skill (queue). ``intensity`` scales the load weight of its conversations."""

    id: int
    name: str
    intensity: float = 1.0

    @classmethod
    def parse(cls, data: Any, path: str) -> Skill:
        r = FieldReader(data, path)
        skill = cls(id=r.integer("id"), name=r.name(), intensity=r.number("intensity", default=1.0))
        r.done()
        return skill


@dataclass(frozen=True, slots=True)
class Agent:
    """A user who can be assigned conversations: a human agent, a manager or a bot.

    ``max_slots`` is the maximum number of conversations assigned at once.
    """

    id: int
    name: str
    user_type: str
    role: str
    group_id: int
    skills: tuple[int, ...]
    sites: tuple[str, ...]
    max_slots: int

    @classmethod
    def parse(cls, data: Any, path: str) -> Agent:
        r = FieldReader(data, path)
        agent = cls(
            id=r.integer("id"),
            name=r.name(),
            user_type=r.string("user_type", default="human", choices=USER_TYPES),
            role=r.string("role", default="support", choices=AGENT_ROLES),
            group_id=r.integer("group_id"),
            skills=tuple(r.items("skills", int_item)),
            sites=tuple(r.items("sites", str_item, required=True)),
            max_slots=r.integer("max_slots"),
        )
        r.done()
        return agent


@dataclass(frozen=True, slots=True)
class Bot:
    """A bot user (an agent with user_type bot) and the flows conversations can start at."""

    agent_id: int
    flows: tuple[str, ...]

    @classmethod
    def parse(cls, data: Any, path: str) -> Bot:
        r = FieldReader(data, path)
        bot = cls(agent_id=r.integer("agent_id"), flows=tuple(r.items("flows", str_item)))
        r.done()
        return bot


@dataclass(frozen=True, slots=True)
class Objective:
    """A daily productivity objective; agent_id None means every agent."""

    id: str
    metric: str
    target: float
    agent_id: int | None = None

    @classmethod
    def parse(cls, data: Any, path: str) -> Objective:
        r = FieldReader(data, path)
        objective = cls(
            id=r.string("id"),
            metric=r.string("metric", choices=OBJECTIVE_METRICS),
            target=r.number("target", default=0.0),
            agent_id=r.opt_int("agent_id"),
        )
        r.done()
        return objective


@dataclass(frozen=True, slots=True)
class LoadWeights:
    """Weights of open conversations in agent load (vendor dynamic-capacity defaults).

    A conversation is active while its last non-system message is the consumer's
    or its last agent message is younger than ``inactivity_timeout_ms``.
    """

    active_weight: float = 1.0
    inactive_weight: float = 0.1
    inactivity_timeout_ms: int = 240_000

    @classmethod
    def parse(cls, data: Any, path: str) -> LoadWeights:
        r = FieldReader(data, path)
        weights = cls(
            active_weight=r.number("active_weight", default=1.0),
            inactive_weight=r.number("inactive_weight", default=0.1),
            inactivity_timeout_ms=r.integer("inactivity_timeout_ms", default=240_000),
        )
        r.done()
        return weights


@dataclass(frozen=True, slots=True)
class Signals:
    """Supervision signal thresholds (ms): handling duration and consumer wait."""

    max_handling_ms: int = 1_200_000
    max_response_ms: int = 120_000

    @classmethod
    def parse(cls, data: Any, path: str) -> Signals:
        r = FieldReader(data, path)
        signals = cls(
            max_handling_ms=r.integer("max_handling_ms", default=1_200_000, low=1),
            max_response_ms=r.integer("max_response_ms", default=120_000, low=1),
        )
        r.done()
        return signals


def _unique(items: list[Any], key: str, path: str) -> None:
    seen: set[Any] = set()
    for i, item in enumerate(items):
        value = getattr(item, key)
        if value in seen:
            raise RosterError(f"{path}[{i}].{key}: duplicate {value!r}")
        seen.add(value)


def _kind_item(value: Any, path: str) -> str:
    if value not in KINDS:
        raise RosterError(
            f"{path}: expected an event kind (docs/eventlog.md), got {shown_with_type(value)}"
        )
    return str(value)


@dataclass(frozen=True)
class Roster:
    """Everything about an account that events do not carry. Immutable."""

    account: str
    timezone: str = "UTC"
    sites: tuple[Site, ...] = ()
    groups: tuple[Group, ...] = ()
    skills: tuple[Skill, ...] = ()
    agents: tuple[Agent, ...] = ()
    bots: tuple[Bot, ...] = ()
    sla_policies: tuple[SlaPolicy, ...] = ()
    #: weekly business time (roster.timezone) for SLA policies with clock business
    business_hours: tuple[BusinessHours, ...] = ()
    objectives: tuple[Objective, ...] = ()
    load: LoadWeights = field(default_factory=LoadWeights)
    signals: Signals = field(default_factory=Signals)
    #: event kinds the log's source cannot record in full (docs/eventlog.md, "Unrecorded
    #: kinds"): metrics that need them are unavailable, never 0
    unrecorded_kinds: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "_agents", {a.id: a for a in self.agents})
        object.__setattr__(self, "_skills", {s.id: s for s in self.skills})

    def agent(self, agent_id: int) -> Agent | None:
        """The agent with this id, or None."""
        return self._agents.get(agent_id)  # type: ignore[attr-defined,no-any-return]

    def skill(self, skill_id: int) -> Skill | None:
        """The skill with this id, or None."""
        return self._skills.get(skill_id)  # type: ignore[attr-defined,no-any-return]

    @classmethod
    def from_dict(cls, data: Any) -> Roster:
        """Parse and cross-check a roster document; raises RosterError naming the path."""
        r = FieldReader(data, "roster")
        timezone = r.string("timezone", default="UTC")
        try:
            zoneinfo.ZoneInfo(timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise r.fail(
                "timezone", "an IANA time zone name such as Europe/Paris", timezone
            ) from exc
        load = r._get("load", False)
        signals = r._get("signals", False)
        roster = cls(
            account=r.string("account"),
            timezone=timezone,
            sites=tuple(r.items("sites", Site.parse)),
            groups=tuple(r.items("groups", Group.parse)),
            skills=tuple(r.items("skills", Skill.parse)),
            agents=tuple(r.items("agents", Agent.parse)),
            bots=tuple(r.items("bots", Bot.parse)),
            sla_policies=tuple(r.items("sla_policies", SlaPolicy.parse)),
            business_hours=tuple(r.items("business_hours", BusinessHours.parse)),
            objectives=tuple(r.items("objectives", Objective.parse)),
            load=LoadWeights() if load is None else LoadWeights.parse(load, "roster.load"),
            signals=Signals() if signals is None else Signals.parse(signals, "roster.signals"),
            unrecorded_kinds=tuple(sorted(set(r.items("unrecorded_kinds", _kind_item)))),
        )
        r.done()
        roster._cross_check()
        return roster

    def _cross_check(self) -> None:
        for key, items, attr in (
            ("sites", self.sites, "id"),
            ("groups", self.groups, "id"),
            ("skills", self.skills, "id"),
            ("agents", self.agents, "id"),
            ("bots", self.bots, "agent_id"),
            ("sla_policies", self.sla_policies, "id"),
            ("objectives", self.objectives, "id"),
        ):
            _unique(list(items), attr, f"roster.{key}")
        sites = {s.id for s in self.sites}
        groups = {g.id for g in self.groups}
        for i, a in enumerate(self.agents):
            p = f"roster.agents[{i}]"
            if a.group_id not in groups:
                raise RosterError(
                    f"{p}.group_id: expected a group id from roster.groups, got {a.group_id!r}"
                )
            for s in a.skills:
                if self.skill(s) is None:
                    raise RosterError(
                        f"{p}.skills: expected skill ids from roster.skills, got {s!r}"
                    )
            for site in a.sites:
                if site not in sites:
                    raise RosterError(
                        f"{p}.sites: expected site ids from roster.sites, got {site!r}"
                    )
        for i, b in enumerate(self.bots):
            agent = self.agent(b.agent_id)
            if agent is None or agent.user_type != "bot":
                raise RosterError(
                    f"roster.bots[{i}].agent_id: expected the id of an agent "
                    f"with user_type bot, got {b.agent_id!r}"
                )
        check_business_hours(self.business_hours, self.sla_policies)
        for i, o in enumerate(self.objectives):
            if o.agent_id is not None and self.agent(o.agent_id) is None:
                raise RosterError(
                    f"roster.objectives[{i}].agent_id: expected an agent id "
                    f"from roster.agents, got {o.agent_id!r}"
                )

    def sla_policy(self, policy_id: str) -> SlaPolicy | None:
        """The SLA policy with this id, or None."""
        return next((p for p in self.sla_policies if p.id == policy_id), None)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document form; ``Roster.from_dict(r.to_dict()) == r``."""
        data = asdict(self)
        for a in data["agents"]:
            a["skills"], a["sites"] = list(a["skills"]), list(a["sites"])
        for b in data["bots"]:
            b["flows"] = list(b["flows"])
        for p in data["sla_policies"]:
            p["channels"] = list(p["channels"])
            if p["clock"] == "calendar":
                del p["clock"]  # format-1 roster documents stay unchanged
        for key in ("sites", "groups", "skills", "agents", "bots", "sla_policies", "objectives"):
            data[key] = list(data[key])
        # absent when empty, so logs of complete sources keep their roster documents unchanged
        if self.business_hours:
            data["business_hours"] = [w.to_dict() for w in self.business_hours]
        else:
            del data["business_hours"]
        if self.unrecorded_kinds:
            data["unrecorded_kinds"] = list(self.unrecorded_kinds)
        else:
            del data["unrecorded_kinds"]
        return data

    def bot_flows(self) -> frozenset[str]:
        """Every flow of every bot."""
        return frozenset(f for b in self.bots for f in b.flows)
