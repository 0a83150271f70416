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
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ccbench import InputError, RosterError, shown_with_type
from ccbench.eventlog import CHANNELS, DIRECTIONS, Roster

from ._outcome_sections import OutcomeSpec, TargetsSpec
from ._sections import (
    DIST_KINDS,
    SEGMENT_ENDINGS,
    BehaviourSpec,
    BotSpec,
    ConsumerSpec,
    DistSpec,
    GroupSpec,
    IntentSpec,
    MessagingSpec,
    MetaSpec,
    ModeSpec,
    ModesSpec,
    PoolSpec,
    RoutingSpec,
    SiteSpec,
    SkillSpec,
    StreamSpec,
    SurgeSpec,
)
from ._service_sections import BusinessHoursSpec, SlaPolicySpec
from ._spec import MAX_CONVERSATIONS, check_number, key, parse_section, section_to_dict

__all__ = [
    "SEGMENT_ENDINGS",
    "DistSpec",
    "MessagingSpec",
    "ModeSpec",
    "ModesSpec",
    "Scenario",
    "load_scenario",
]


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
    sla_policies: list[SlaPolicySpec] = key([], doc="SLA policies written to the roster")
    business_hours: list[BusinessHoursSpec] = key(
        [], doc="weekly business hours written to the roster"
    )
    targets: TargetsSpec = key(TargetsSpec(), doc="capacity-planning targets (ccbench plan)")

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
        """The same scenario with another horizon length (h), checked against the bounds
        of a run (InputError naming ``.scenario.hours``)."""
        check_number(hours, ".scenario.hours", "horizon", False)
        longer = dataclasses.replace(self, scenario=dataclasses.replace(self.scenario, hours=hours))
        _check_volume(longer)
        return longer

    @property
    def start_ms(self) -> int:
        """Horizon start, ms since the Unix epoch (UTC)."""
        return _parse_start(self.scenario.start)

    @property
    def horizon_s(self) -> float:
        return self.scenario.hours * 3600.0

    def skill_channels(self) -> dict[int, frozenset[str]]:
        """For each skill id, the channels whose streams route conversations to it
        (directly or through an intent); empty for a skill no stream uses."""
        intents = {x.name: x.skill for x in self.intents}
        seen: dict[int, set[str]] = {k.id: set() for k in self.skills}
        for st in self.streams:
            targets = [intents[name] for name in st.intents]
            if st.skill is not None:
                targets.append(st.skill)
            for k in targets:
                seen[k].add(st.channel)
        return {k: frozenset(v) for k, v in seen.items()}


def _parse_start(text: str) -> int:
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InputError(
            f"scenario .scenario.start: expected an ISO 8601 time such as "
            f"2026-01-05T00:00:00Z, got {shown_with_type(text)}"
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return int(moment.timestamp() * 1000)


def _bad(path: str, expected: str, value: Any) -> InputError:
    return InputError(f"scenario {path}: expected {expected}, got {shown_with_type(value)}")


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


def _check_finite(d: DistSpec, path: str) -> None:
    _check_dist(d, path)
    if d.kind == "none":
        raise _bad(f"{path}.kind", "a finite distribution", "none")


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
        for field in ("profile", "handle_profile", "patience_profile"):
            name = getattr(st, field)
            if name and name not in s.profiles:
                raise _bad(f"{path}.{field}", "a profile name from [profiles] (or empty)", name)
        if st.bot_flow:
            bot = bot_flows.get(st.bot_flow)
            if bot is None:
                raise _bad(
                    f"{path}.bot_flow", "a flow of one of the [[bots]] (or empty)", st.bot_flow
                )
            if st.site not in bot.sites:
                raise _bad(f"{path}.site", f"a site bot {bot.agent_id} serves", st.site)
        if not st.languages:
            raise _bad(f"{path}.languages", "at least one language tag with a weight", {})
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
    _check_volume(s)
    for i, sg in enumerate(s.surges):
        for name in sg.streams:
            if name not in names:
                raise _bad(f".surges[{i}].streams", "stream names from [[streams]]", name)
    for channel in ("chat", "call"):
        mode: ModeSpec = getattr(s.modes, channel)
        _check_dist(mode.patience, f".modes.{channel}.patience")
        _check_finite(mode.handle, f".modes.{channel}.handle")
    msg = s.modes.messaging
    for name in ("patience", "consumer_reply", "silence"):
        _check_dist(getattr(msg, name), f".modes.messaging.{name}")
    for name in ("first_response", "agent_reply"):
        _check_finite(getattr(msg, name), f".modes.messaging.{name}")
    if msg.handle is not None:
        _check_finite(msg.handle, ".modes.messaging.handle")
    for i, sk in enumerate(s.skills):
        for k in sk.transfer_to or []:
            if k not in skills or k == sk.id:
                raise _bad(f".skills[{i}].transfer_to", "ids of other skills from [[skills]]", k)
    shares = s.outcomes.csat_shares
    if len(shares) != 5 or sum(shares) <= 0:
        raise _bad(".outcomes.csat_shares", "5 shares (answers 1..5) with a positive sum", shares)
    _check_finite(s.routing.accept_delay, ".routing.accept_delay")
    beh = s.behaviour
    ends = sum(getattr(beh, name) for name in SEGMENT_ENDINGS)
    if ends > 1:
        raise _bad(
            ".behaviour",
            "segment-ending probabilities (transfer_skill ... idle_close) summing to at most 1",
            round(ends, 6),
        )
    if not 0 < s.targets.confidence < 1:
        raise _bad(
            ".targets.confidence",
            "a confidence level strictly between 0 and 1",
            s.targets.confidence,
        )
    try:
        Roster.from_dict({"account": s.scenario.account, "timezone": s.scenario.timezone})
    except RosterError as exc:
        raise InputError(f"scenario .scenario: {exc}") from exc
    _check_service(s)


def _check_service(s: Scenario) -> None:
    """Event-log format 2 keys: stream direction and policy, SLA policies and business hours
    (checked as the roster will be: its errors name the scenario path), currencies."""
    policies = {p.id for p in s.sla_policies}
    for i, p in enumerate(s.sla_policies):
        if None is p.first_response_s is p.next_response_s is p.resolution_s:
            raise _bad(
                f".sla_policies[{i}]",
                "at least one of first_response_s, next_response_s, resolution_s",
                "none",
            )
    for i, st in enumerate(s.streams):
        if st.direction not in DIRECTIONS:
            raise _bad(f".streams[{i}].direction", "one of " + ", ".join(DIRECTIONS), st.direction)
        if st.sla_policy and st.sla_policy not in policies:
            raise _bad(f".streams[{i}].sla_policy", "an id from [[sla_policies]]", st.sla_policy)
    try:
        Roster.from_dict(
            {
                "account": s.scenario.account,
                "timezone": s.scenario.timezone,
                "sla_policies": [p.to_roster() for p in s.sla_policies],
                "business_hours": [w.to_roster() for w in s.business_hours],
            }
        )
    except RosterError as exc:
        raise InputError(f"scenario {str(exc).replace('roster.', '.', 1)}") from exc
    _check_weights(s.outcomes.currencies, ".outcomes.currencies")
    for code in (s.scenario.currency, *s.outcomes.currencies):
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise _bad(".outcomes.currencies", "ISO 4217 codes such as EUR", code)


def _check_volume(s: Scenario) -> None:
    """Refuse a run the arrival rates make too large to simulate (MAX_CONVERSATIONS).

    The estimate is each stream's rate x horizon x its profile's mean, plus, per surge,
    the extra (multiplier - 1) at the profile's peak over the surge's hours: an estimate
    of the Poisson mean, enough to stop a rate or a horizon off by orders of magnitude.
    """
    hours = s.scenario.hours
    total = 0.0
    for st in s.streams:
        bins = s.profiles.get(st.profile) or [1.0]
        total += st.rate_per_hour * hours * sum(bins) / len(bins)
        for sg in s.surges:
            if not sg.streams or st.name in sg.streams:
                extra = max(sg.multiplier - 1.0, 0.0) * min(sg.hours, hours)
                total += st.rate_per_hour * max(bins) * extra
    if total > MAX_CONVERSATIONS:
        raise InputError(
            f"scenario .streams: the arrival rates bring about {total:,.0f} conversations "
            f"over {hours:g} h; expected at most {MAX_CONVERSATIONS:,} in one run (lower "
            "rate_per_hour or the horizon, or split the horizon into several runs)"
        )


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
    in the current directory, then in the repository this package lives in, then
    among the copies an installed wheel carries in ``sim/scenarios/`` (setup.py).
    """
    p = Path(path)
    if not p.exists() and p.suffix == "" and len(p.parts) == 1:
        here = Path(__file__).resolve().parent
        for folder in (Path.cwd() / "scenarios", here.parent / "scenarios", here / "scenarios"):
            candidate = folder / f"{p.name}.toml"
            if candidate.exists():
                p = candidate
                break
    if not p.is_file():
        raise InputError(f"scenario {path}: no such file (or scenarios/{path}.toml)")
    try:
        return Scenario.from_dict(_read_toml(p.resolve(), ()))
    except InputError as exc:
        raise InputError(f"{p.name}: {exc}") from exc
