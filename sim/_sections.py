"""The sections of a scenario file: one frozen dataclass per TOML table.

Each field's unit, constraint and description live in its ``key(...)``
metadata; docs/scenarios.md documents the same keys (a test keeps them in
step). Cross-section checks live in :mod:`._scenario`.
"""

# key() returns dataclasses.field(...), which RUF009 cannot see through.
# ruff: noqa: RUF009
from __future__ import annotations

from dataclasses import dataclass

from ._spec import key

__all__ = [
    "DIST_KINDS",
    "SEGMENT_ENDINGS",
    "BehaviourSpec",
    "BotSpec",
    "ConsumerSpec",
    "DistSpec",
    "GroupSpec",
    "IntentSpec",
    "MessagingSpec",
    "MetaSpec",
    "ModeSpec",
    "ModesSpec",
    "PoolSpec",
    "RoutingSpec",
    "SiteSpec",
    "SkillSpec",
    "StreamSpec",
    "SurgeSpec",
]

# Exclusive ways a human segment can end early; their probabilities sum to <= 1.
SEGMENT_ENDINGS = (
    "transfer_skill",
    "transfer_agent",
    "back_to_queue",
    "takeover",
    "leave_early",
    "unresponsive",
    "idle_close",
)
DIST_KINDS = ("exponential", "lognormal", "empirical", "constant", "none")


@dataclass(frozen=True, kw_only=True)
class DistSpec:
    """A duration distribution in seconds (``none`` = infinite, e.g. no abandonment)."""

    kind: str = key("exponential", doc="exponential, lognormal, empirical, constant or none")
    mean_s: float = key(
        60.0, unit="s", check="nonneg", doc="mean (exponential, lognormal, constant)"
    )
    sd_s: float = key(60.0, unit="s", check="pos", doc="standard deviation (lognormal)")
    values_s: list[float] = key([], unit="s", check="nonneg", doc="support points (empirical)")
    weights: list[float] = key(
        [], check="nonneg", doc="weights of values_s (empirical; default equal)"
    )


@dataclass(frozen=True, kw_only=True)
class MetaSpec:
    name: str = key(doc="scenario name (written to the manifest)")
    description: str = key("", doc="one line about what the scenario models")
    account: str = key("acme", doc="account id of the log and roster")
    timezone: str = key("UTC", doc="IANA business time zone written to the roster")
    start: str = key("2026-01-05T00:00:00Z", doc="ISO 8601 UTC start of the horizon")
    hours: float = key(
        24.0,
        unit="h",
        check="horizon",
        doc="horizon length, at most 366 days (CLI --days D sets it to 24*D)",
    )
    currency: str = key("EUR", doc="ISO 4217 code of sales")


@dataclass(frozen=True, kw_only=True)
class SiteSpec:
    id: str = key(doc="site id")
    name: str = key("", doc="display name")


@dataclass(frozen=True, kw_only=True)
class GroupSpec:
    id: int = key(doc="group id", check="nonneg")
    name: str = key("", doc="display name")


@dataclass(frozen=True, kw_only=True)
class SkillSpec:
    id: int = key(doc="skill id", check="nonneg")
    name: str = key("", doc="display name")
    intensity: float = key(1.0, check="nonneg", doc="load weight multiplier (roster)")
    transfer_to: list[int] | None = key(
        None,
        check="nonneg",
        doc="skills a transfer to a skill goes to from this one (default: the other skills "
        "of the conversation's channel served at its site)",
    )
    sale: float | None = key(
        None,
        check="prob",
        doc="chance of a sale when a conversation ends in this skill, before service "
        "effects (default: outcomes.sale)",
    )


@dataclass(frozen=True, kw_only=True)
class PoolSpec:
    """A pool of identical agents, spread round-robin over the shift start hours."""

    name: str = key(doc="pool name; agents are named <name>-<n>")
    count: int = key(doc="number of agents, at most 10000", check="agents")
    first_id: int = key(doc="agent id of the first agent; ids are consecutive", check="nonneg")
    role: str = key(
        "support",
        doc="support, admin, tech or manager (managers take over and are never routed to)",
    )
    group: int = key(doc="group id", check="nonneg")
    skills: list[int] = key([], check="nonneg", doc="skill ids the agents serve")
    sites: list[str] = key(doc="sites the agents log in to")
    max_slots: int = key(1, check="pos", doc="concurrent conversations per agent")
    shift_starts_h: list[float] = key(
        [0.0], unit="h", check="hour", doc="hours of day shifts start at (round-robin)"
    )
    shift_hours: float = key(24.0, unit="h", check="pos", doc="shift length")
    breaks_per_shift: float = key(
        0.0, check="nonneg", doc="mean number of away/back-soon breaks per shift (Poisson)"
    )
    break_minutes: float = key(10.0, unit="min", check="pos", doc="mean break length (exponential)")
    back_soon_share: float = key(
        0.3, check="prob", doc="share of breaks with status back_soon instead of away"
    )
    busy_per_shift: float = key(
        0.0,
        check="nonneg",
        doc="mean number of busy periods per shift (Poisson): status busy, online but "
        "taking no new conversation",
    )
    busy_minutes: float = key(5.0, unit="min", check="pos", doc="mean busy period (exponential)")
    logout_grace_s: float = key(
        600.0,
        unit="s",
        check="nonneg",
        doc="after shift end, time to finish conversations before the rest go back to queue",
    )


@dataclass(frozen=True, kw_only=True)
class BotSpec:
    agent_id: int = key(doc="agent id of the bot user", check="nonneg")
    name: str = key("bot", doc="display name")
    group: int = key(doc="group id", check="nonneg")
    skill: int = key(doc="skill id of the bot's queue (routing to the bot)", check="nonneg")
    flows: list[str] = key(doc="bot flows conversations can start at")
    sites: list[str] = key(doc="sites the bot serves")
    max_slots: int = key(100_000, check="pos", doc="concurrent conversations")
    containment: float = key(
        0.3, check="prob", doc="share of conversations the bot closes without a human"
    )
    handle: DistSpec = key(
        DistSpec(kind="lognormal", mean_s=60.0, sd_s=40.0), doc="time the bot holds a conversation"
    )


@dataclass(frozen=True, kw_only=True)
class IntentSpec:
    name: str = key(doc="intent identifier (lowercase, digits, _)")
    skill: int = key(doc="human skill conversations with this intent are routed to", check="nonneg")


@dataclass(frozen=True, kw_only=True)
class StreamSpec:
    """Arrivals from one channel and source: a non-homogeneous Poisson process."""

    name: str = key(doc="stream name")
    channel: str = key(doc="messaging, chat or call")
    source: str = key("WEB", doc="integration source (APP, WEB, SMS...)")
    site: str = key(doc="site conversations are opened on")
    rate_per_hour: float = key(doc="base arrival rate", unit="1/h", check="nonneg")
    profile: str = key("", doc="name of an hourly profile in [profiles]; empty = flat")
    handle_profile: str = key(
        "", doc="[profiles] name whose bins multiply the handle times by arrival time of day"
    )
    patience_profile: str = key(
        "", doc="[profiles] name whose bins multiply the patience times by arrival time of day"
    )
    bot_flow: str = key("", doc="bot flow conversations start at; empty = straight to a human")
    skill: int | None = key(None, check="nonneg", doc="human skill when no intents are given")
    intents: dict[str, float] = key({}, check="nonneg", doc="intent name -> weight")
    languages: dict[str, float] = key({"en": 1.0}, check="nonneg", doc="language tag -> weight")
    direction: str = key(
        "inbound",
        doc="inbound (the consumer writes first) or outbound (a campaign: the brand's "
        "system message opens each conversation)",
    )
    sla_policy: str = key("", doc="id of an [[sla_policies]] entry its conversations name")


@dataclass(frozen=True, kw_only=True)
class SurgeSpec:
    start_h: float = key(doc="hour of day the surge starts", unit="h", check="hour")
    hours: float = key(doc="surge length", unit="h", check="pos")
    multiplier: float = key(doc="arrival rate multiplier during the surge", check="nonneg")
    day: int = key(0, check="nonneg", doc="simulated day (0 = first) of the surge")
    streams: list[str] = key([], doc="stream names affected; empty = all")


@dataclass(frozen=True, kw_only=True)
class ConsumerSpec:
    returning_share: float = key(
        0.2, check="prob", doc="share of conversations opened by a consumer seen earlier in the run"
    )


@dataclass(frozen=True, kw_only=True)
class ModeSpec:
    """Timing of a synchronous session channel (chat or call)."""

    handle: DistSpec = key(DistSpec(), doc="agent segment length before it ends")
    patience: DistSpec = key(
        DistSpec(kind="none"),
        doc="time a consumer waits in the first human queue before abandoning",
    )
    first_response_s: float = key(
        20.0,
        unit="s",
        check="pos",
        doc="mean delay of the agent's first message after assignment (exponential)",
    )
    agent_reply_s: float = key(
        30.0, unit="s", check="pos", doc="mean agent reply delay (exponential)"
    )
    consumer_reply_s: float = key(
        40.0, unit="s", check="pos", doc="mean consumer think time (exponential)"
    )
    idle_share: float = key(
        0.0, check="prob", doc="share of consumer replies that come after a long idle gap"
    )
    idle_s: float = key(1800.0, unit="s", check="pos", doc="mean long idle gap (exponential)")
    auto_close_s: float = key(
        600.0, unit="s", check="pos", doc="inactivity after which the system closes"
    )


@dataclass(frozen=True, kw_only=True)
class MessagingSpec:
    """Messaging: a conversation in time, driven by consumer and agent turns.

    How long a slot is held, idle periods and the conversation's duration are
    not drawn: they follow from these timings (docs/scenarios.md, "Messaging").
    """

    patience: DistSpec = key(
        DistSpec(kind="none"),
        doc="time a consumer waits in the first human queue before abandoning",
    )
    handle: DistSpec | None = key(
        None,
        doc="when given, segments are sessions holding their slot for this time, without "
        "turns (a workforce forecast's AHT); none = the conversation lives in time",
    )
    turns_mean: float = key(
        4.0,
        check="ge1",
        doc="mean number of consumer messages the agent answers before the conversation "
        "is resolved (geometric on 1, 2, ...)",
    )
    first_response: DistSpec = key(
        DistSpec(kind="lognormal", mean_s=60.0, sd_s=60.0),
        doc="delay of an agent's first message in a segment, holding one conversation",
    )
    agent_reply: DistSpec = key(
        DistSpec(kind="lognormal", mean_s=40.0, sd_s=40.0),
        doc="delay of an agent's answer to a consumer message, holding one conversation",
    )
    reply_elasticity: float = key(
        0.5,
        check="nonneg",
        doc="agent delays are multiplied by n ** reply_elasticity, n = conversations "
        "the agent holds when the delay starts",
    )
    consumer_reply: DistSpec = key(
        DistSpec(kind="lognormal", mean_s=90.0, sd_s=150.0),
        doc="consumer think time before answering an agent message (no long silence)",
    )
    silence_share: float = key(
        0.1, check="prob", doc="consumer answers that come after a long silence instead"
    )
    silence: DistSpec = key(
        DistSpec(kind="lognormal", mean_s=14400.0, sd_s=21600.0),
        doc="length of a long consumer silence",
    )
    walk_away: float = key(
        0.05,
        check="prob",
        doc="chance the consumer never answers an agent message (silent abandonment)",
    )
    auto_close_s: float = key(
        3600.0,
        unit="s",
        check="pos",
        doc="time a conversation pending the consumer's answer stays open before the "
        "system closes it",
    )


@dataclass(frozen=True, kw_only=True)
class ModesSpec:
    messaging: MessagingSpec = key(MessagingSpec(), doc="messaging mode")
    chat: ModeSpec = key(ModeSpec(), doc="chat mode")
    call: ModeSpec = key(ModeSpec(), doc="call mode")


@dataclass(frozen=True, kw_only=True)
class RoutingSpec:
    accept_delay: DistSpec = key(
        DistSpec(kind="constant", mean_s=1.0), doc="offer to accept/decline"
    )
    decline_prob: float = key(0.0, check="prob", doc="chance an offer is declined")


@dataclass(frozen=True, kw_only=True)
class BehaviourSpec:
    """How human agent segments end, and what happens around them (probabilities)."""

    transfer_skill: float = key(0.0, check="prob", doc="segment ends by transfer to a skill")
    transfer_agent: float = key(0.0, check="prob", doc="segment ends by transfer to an agent")
    transfer_back: float = key(
        0.0, check="prob", doc="an agent-to-agent transfer goes back to the first agent"
    )
    back_to_queue: float = key(0.0, check="prob", doc="segment ends back in the same queue")
    takeover: float = key(0.0, check="prob", doc="a manager takes the conversation over")
    leave_early: float = key(
        0.0, check="prob", doc="consumer leaves after assignment before any agent message"
    )
    unresponsive: float = key(0.0, check="prob", doc="consumer stops answering (system auto-close)")
    idle_close: float = key(
        0.0, check="prob", doc="conversation goes idle and the system auto-closes it"
    )
    agent_close_share: float = key(
        0.6, check="prob", doc="share of ordinary closes by the agent (the rest by the consumer)"
    )
    resume: float = key(0.0, check="prob", doc="consumer resumes a closed conversation")
    resume_window_s: float = key(
        3600.0, unit="s", check="pos", doc="resumes come within this time after close (uniform)"
    )
    reopen: float = key(0.0, check="prob", doc="an agent reopens a closed conversation")
    merge: float = key(
        0.0,
        check="prob",
        doc="a closed conversation of a returning consumer is merged into an earlier one",
    )
    snooze: float = key(0.0, check="prob", doc="the agent snoozes a messaging segment")
    view: float = key(0.0, check="prob", doc="the agent opens a view session in a segment")
    manager_message: float = key(
        0.0, check="prob", doc="a manager writes in a segment without being assigned"
    )
    participant_message: float = key(0.0, check="prob", doc="another agent writes in a segment")
    system_message: float = key(0.0, check="prob", doc="the controller bot writes in a segment")
    note: float = key(
        0.0, check="prob", doc="the assigned agent writes an internal note in a segment"
    )
