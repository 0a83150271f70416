"""Scenario: everything a simulation run needs, read from TOML and cross-checked.

A scenario file is TOML (docs/scenarios.md documents every key with its unit
and default). ``extends = "other.toml"`` at the top level loads that file first
(path relative to the extending file) and overlays this one: tables merge key
by key, arrays (including arrays of tables) replace the base's, except
``surges``, which append, so a what-if can add a spike to a base day.

Times inside a scenario are seconds, minutes or hours as each key's unit says;
hours of day (``shift_starts_h``, surge ``start_h``) count from the start of
each simulated day, and a simulated day starts at ``scenario.start`` plus a
whole number of days.
"""

# key() returns dataclasses.field(...), which RUF009 cannot see through.
# ruff: noqa: RUF009
from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ccbench import InputError, RosterError
from ccbench._errors import describe
from ccbench.eventlog import CHANNELS, Roster

from ._spec import key, parse_section, section_to_dict

__all__ = [
    "BehaviourSpec",
    "BotSpec",
    "DistSpec",
    "IntentSpec",
    "ModeSpec",
    "OutcomeSpec",
    "PoolSpec",
    "Scenario",
    "StreamSpec",
    "SurgeSpec",
    "load_scenario",
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
        24.0, unit="h", check="pos", doc="horizon length (CLI --days D sets it to 24*D)"
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


@dataclass(frozen=True, kw_only=True)
class PoolSpec:
    """A pool of identical agents, spread round-robin over the shift start hours."""

    name: str = key(doc="pool name; agents are named <name>-<n>")
    count: int = key(doc="number of agents", check="pos")
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
    bot_flow: str = key("", doc="bot flow conversations start at; empty = straight to a human")
    skill: int | None = key(None, check="nonneg", doc="human skill when no intents are given")
    intents: dict[str, float] = key({}, check="nonneg", doc="intent name -> weight")
    languages: dict[str, float] = key({"en": 1.0}, check="nonneg", doc="language tag -> weight")


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
    """Timing of one channel (messaging, chat or call)."""

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
class ModesSpec:
    messaging: ModeSpec = key(ModeSpec(), doc="messaging mode")
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


@dataclass(frozen=True, kw_only=True)
class OutcomeSpec:
    survey: float = key(0.0, check="prob", doc="closed conversations with a CSAT answer")
    survey_criteria: float = key(0.5, check="prob", doc="surveys that also rate the criteria")
    mcs: float = key(0.0, check="prob", doc="closed conversations with an MCS")
    sale: float = key(0.0, check="prob", doc="closed conversations with a sale")
    sale_mean_minor: float = key(
        5000.0, unit="minor units", check="pos", doc="mean sale amount (exponential)"
    )


@dataclass(frozen=True, kw_only=True)
class Scenario:
    """A validated scenario; build with :func:`load_scenario` or :meth:`from_dict`."""

    scenario: MetaSpec = key(doc="run metadata and horizon")
    sites: list[SiteSpec] = key(doc="sites")
    groups: list[GroupSpec] = key(doc="agent groups")
    skills: list[SkillSpec] = key(doc="skills (queues)")
    pools: list[PoolSpec] = key(doc="agent pools (humans and managers)")
    streams: list[StreamSpec] = key(doc="arrival streams")
    bots: list[BotSpec] = key([], doc="bots in front of humans")
    intents: list[IntentSpec] = key([], doc="intents and the skills they route to")
    profiles: dict[str, list[float]] = key(
        {}, check="nonneg", doc="name -> rate multipliers, equal bins covering a day (24 = hourly)"
    )
    surges: list[SurgeSpec] = key([], doc="temporary arrival multipliers")
    consumers: ConsumerSpec = key(ConsumerSpec(), doc="consumer population")
    modes: ModesSpec = key(ModesSpec(), doc="per-channel timing")
    routing: RoutingSpec = key(RoutingSpec(), doc="offers")
    behaviour: BehaviourSpec = key(BehaviourSpec(), doc="segment endings and extras")
    outcomes: OutcomeSpec = key(OutcomeSpec(), doc="surveys, MCS, sales")

    @classmethod
    def from_dict(cls, data: Any) -> Scenario:
        """Parse and cross-check a scenario document (``extends`` already resolved)."""
        scenario = parse_section(cls, data, "")
        _cross_check(scenario)
        return scenario

    def to_dict(self) -> dict[str, Any]:
        """The resolved document; ``Scenario.from_dict(s.to_dict()) == s``."""
        return section_to_dict(self)  # type: ignore[no-any-return]

    def with_hours(self, hours: float) -> Scenario:
        """The same scenario with another horizon length (h)."""
        return dataclasses.replace(self, scenario=dataclasses.replace(self.scenario, hours=hours))

    @property
    def start_ms(self) -> int:
        """Horizon start, ms since the Unix epoch (UTC)."""
        return _parse_start(self.scenario.start)

    @property
    def horizon_s(self) -> float:
        return self.scenario.hours * 3600.0


def _parse_start(text: str) -> int:
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InputError(
            f"scenario .scenario.start: expected an ISO 8601 time such as "
            f"2026-01-05T00:00:00Z, got {describe(text)}"
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return int(moment.timestamp() * 1000)


def _bad(path: str, expected: str, value: Any) -> InputError:
    return InputError(f"scenario {path}: expected {expected}, got {describe(value)}")


def _check_dist(d: DistSpec, path: str) -> None:
    if d.kind not in DIST_KINDS:
        raise _bad(f"{path}.kind", "one of " + ", ".join(DIST_KINDS), d.kind)
    if d.kind == "empirical":
        if not d.values_s:
            raise _bad(f"{path}.values_s", "a non-empty array for kind empirical", d.values_s)
        if d.weights and (len(d.weights) != len(d.values_s) or sum(d.weights) <= 0):
            raise _bad(
                f"{path}.weights", f"{len(d.values_s)} weights with a positive sum", d.weights
            )


def _check_weights(weights: dict[str, float], path: str) -> None:
    if weights and sum(weights.values()) <= 0:
        raise _bad(path, "weights with a positive sum", weights)


def _cross_check(s: Scenario) -> None:
    """References between sections, and skills someone can serve at each stream's site."""
    sites = {x.id for x in s.sites}
    skills = {x.id for x in s.skills}
    groups = {x.id for x in s.groups}
    _parse_start(s.scenario.start)
    human_ids: set[int] = set()
    servable: set[tuple[int, str]] = set()
    for i, p in enumerate(s.pools):
        path = f".pools[{i}]"
        if p.role not in ("support", "admin", "tech", "manager"):
            raise _bad(f"{path}.role", "one of support, admin, tech, manager", p.role)
        if p.group not in groups:
            raise _bad(f"{path}.group", "a group id from [[groups]]", p.group)
        for k in p.skills:
            if k not in skills:
                raise _bad(f"{path}.skills", "skill ids from [[skills]]", k)
        for site in p.sites:
            if site not in sites:
                raise _bad(f"{path}.sites", "site ids from [[sites]]", site)
        if not p.sites:
            raise _bad(f"{path}.sites", "at least one site", p.sites)
        ids = set(range(p.first_id, p.first_id + p.count))
        if ids & human_ids:
            raise _bad(
                f"{path}.first_id", "agent ids that do not overlap another pool's", p.first_id
            )
        human_ids |= ids
        if p.role != "manager":
            servable |= {(k, site) for k in p.skills for site in p.sites}
    bot_flows: dict[str, BotSpec] = {}
    for i, b in enumerate(s.bots):
        path = f".bots[{i}]"
        if b.agent_id in human_ids:
            raise _bad(f"{path}.agent_id", "an id no agent pool uses", b.agent_id)
        if b.skill not in skills:
            raise _bad(f"{path}.skill", "a skill id from [[skills]]", b.skill)
        if b.group not in groups:
            raise _bad(f"{path}.group", "a group id from [[groups]]", b.group)
        for site in b.sites:
            if site not in sites:
                raise _bad(f"{path}.sites", "site ids from [[sites]]", site)
        _check_dist(b.handle, f"{path}.handle")
        for flow in b.flows:
            bot_flows[flow] = b
    intents = {x.name: x for x in s.intents}
    for i, it in enumerate(s.intents):
        if (
            not it.name.replace("_", "a").isalnum()
            or not it.name[0].isalpha()
            or it.name.lower() != it.name
        ):
            raise _bad(f".intents[{i}].name", "an identifier matching ^[a-z][a-z0-9_]*$", it.name)
        if it.skill not in skills:
            raise _bad(f".intents[{i}].skill", "a skill id from [[skills]]", it.skill)
    names = set()
    for i, st in enumerate(s.streams):
        path = f".streams[{i}]"
        names.add(st.name)
        if st.channel not in CHANNELS:
            raise _bad(f"{path}.channel", "one of " + ", ".join(CHANNELS), st.channel)
        if st.site not in sites:
            raise _bad(f"{path}.site", "a site id from [[sites]]", st.site)
        if st.profile and st.profile not in s.profiles:
            raise _bad(f"{path}.profile", "a profile name from [profiles] (or empty)", st.profile)
        if st.bot_flow:
            bot = bot_flows.get(st.bot_flow)
            if bot is None:
                raise _bad(
                    f"{path}.bot_flow", "a flow of one of the [[bots]] (or empty)", st.bot_flow
                )
            if st.site not in bot.sites:
                raise _bad(f"{path}.site", f"a site bot {bot.agent_id} serves", st.site)
        _check_weights(st.languages, f"{path}.languages")
        _check_weights(st.intents, f"{path}.intents")
        if not st.intents and st.skill is None:
            raise _bad(path, "a skill or intents", "neither")
        if st.skill is not None and st.skill not in skills:
            raise _bad(f"{path}.skill", "a skill id from [[skills]]", st.skill)
        targets = [(f"{path}.skill", st.skill)] if st.skill is not None else []
        for name in st.intents:
            if name not in intents:
                raise _bad(f"{path}.intents", "intent names from [[intents]]", name)
            targets.append((f"{path}.intents.{name}", intents[name].skill))
        for where, k in targets:
            if k is not None and (k, st.site) not in servable:
                raise InputError(
                    f"scenario {where}: skill {k} at site {st.site!r} has no agent "
                    "pool that can serve it; expected a non-manager pool with "
                    "that skill and site"
                )
    for name, bins in s.profiles.items():
        if not bins or len(bins) > 24 * 60:
            raise _bad(f".profiles.{name}", "a non-empty array of at most 1440 multipliers", bins)
    for i, sg in enumerate(s.surges):
        for name in sg.streams:
            if name not in names:
                raise _bad(f".surges[{i}].streams", "stream names from [[streams]]", name)
    for channel in CHANNELS:
        mode: ModeSpec = getattr(s.modes, channel)
        _check_dist(mode.handle, f".modes.{channel}.handle")
        _check_dist(mode.patience, f".modes.{channel}.patience")
        if mode.handle.kind == "none":
            raise _bad(f".modes.{channel}.handle.kind", "a finite distribution", "none")
    _check_dist(s.routing.accept_delay, ".routing.accept_delay")
    if s.routing.accept_delay.kind == "none":
        raise _bad(".routing.accept_delay.kind", "a finite distribution", "none")
    beh = s.behaviour
    ends = sum(getattr(beh, name) for name in SEGMENT_ENDINGS)
    if ends > 1:
        raise _bad(
            ".behaviour",
            "segment-ending probabilities (transfer_skill ... idle_close) summing to at most 1",
            round(ends, 6),
        )
    try:
        Roster.from_dict({"account": s.scenario.account, "timezone": s.scenario.timezone})
    except RosterError as exc:
        raise InputError(f"scenario .scenario: {exc}") from exc


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        if k == "surges" and isinstance(v, list):
            out[k] = list(base.get(k, [])) + v
        elif isinstance(v, dict) and isinstance(base.get(k), dict):
            out[k] = _merge(base[k], v)
        else:
            out[k] = v
    return out


def _read_toml(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    if path in seen:
        raise InputError(f"scenario {path}: extends cycle through {[str(p) for p in seen]}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"scenario {path}: cannot read file: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"scenario {path}: not valid TOML: {exc}") from exc
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise _bad(".extends", "a path to a scenario file", parent)
    base = _read_toml((path.parent / parent).resolve(), (*seen, path))
    return _merge(base, data)


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario TOML file (following ``extends``) and validate it.

    A bare name such as ``smoke`` is looked up as ``scenarios/<name>.toml``
    in the current directory, then in the repository this package lives in.
    """
    p = Path(path)
    if not p.exists() and p.suffix == "" and len(p.parts) == 1:
        for root in (Path.cwd(), Path(__file__).resolve().parent.parent):
            candidate = root / "scenarios" / f"{p.name}.toml"
            if candidate.exists():
                p = candidate
                break
    if not p.is_file():
        raise InputError(f"scenario {path}: no such file (or scenarios/{path}.toml)")
    try:
        return Scenario.from_dict(_read_toml(p.resolve(), ()))
    except InputError as exc:
        raise InputError(f"{p.name}: {exc}") from exc
