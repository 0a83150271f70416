"""A forecast day and a staffing per interval become a scenario document for the simulator.

Skills are served by agent groups (:class:`SkillSetup`): the agents of a group hold every
skill of the group (pooling; the simulator routes the oldest waiting conversation of any
of them to a free slot), with ``max_slots`` concurrent conversations each. One scenario
covers one group on one day:

- arrivals: one stream per skill whose hourly profile is the forecast's volume per
  interval (a Poisson process, piecewise constant per interval);
- handle and patience times: exponential, the channel's mean scaled per interval and
  skill to the forecast's AHT and patience (``streams[].handle_profile``/``patience_profile``);
- staffing: ``staffing[i]`` agents online in interval i. The profile is cut into shifts
  level by level (agent number n works every run of intervals with at least n agents), so
  an agent stays logged in while the staffing does not drop below its number. Leaving
  agents finish their conversations (up to an hour) and take no new ones;
- offers are accepted at once and nothing ends a segment early (the Erlang assumptions
  except those the simulator exists for: slots, abandonment, pooling, time variation).

The simulated day starts ``warmup_s`` (a whole number of intervals) before local midnight
and ends ``cooldown_s`` after the next one. Profiles repeat daily, so the warm-up replays
the day's own last hours (yesterday evening as this evening) and the cool-down its first
hours. Local wall-clock times map one to one to simulated times (no DST shifts).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ccbench import InputError, ParameterError
from ccbench.eventlog import CHANNELS

from ._forecast import DAY_S, Forecast
from ._interval_metrics import IntervalGrid

__all__ = [
    "SkillSetup",
    "day_document",
    "group_skills",
    "measured_grid",
    "setups_for",
    "shifts",
]

# Time a leaving agent may take to finish its conversations before they go back to queue.
_LOGOUT_GRACE_S = 3600.0


@dataclass(frozen=True, slots=True, kw_only=True)
class SkillSetup:
    """How a forecast skill is served: ``channel`` (messaging, chat or call), concurrent
    ``max_slots`` per agent and the agent ``group`` (empty: a group of its own, named after
    the skill). All skills of a group share its agents and must have equal ``max_slots``."""

    name: str
    channel: str = "call"
    max_slots: int = 1
    group: str = ""

    def __post_init__(self) -> None:
        where = f"skills.{self.name}"
        if self.channel not in CHANNELS:
            raise ParameterError(
                f"{where}.channel", f"expected one of {', '.join(CHANNELS)}, got {self.channel!r}"
            )
        if isinstance(self.max_slots, bool) or not isinstance(self.max_slots, int):
            raise ParameterError(
                f"{where}.max_slots", f"expected an integer, got {self.max_slots!r}"
            )
        if self.max_slots < 1:
            raise ParameterError(f"{where}.max_slots", f"expected >= 1, got {self.max_slots}")

    @property
    def group_name(self) -> str:
        return self.group or self.name

    @classmethod
    def default(cls, name: str) -> SkillSetup:
        """A skill named after a channel is served on it, any other on call; one slot."""
        return cls(name=name, channel=name if name in CHANNELS else "call")


def setups_for(forecast: Forecast, given: Sequence[SkillSetup]) -> tuple[SkillSetup, ...]:
    """One setup per forecast skill, in the forecast's order: the given one, or the default
    (channel = the skill's name when it names a channel, else call; one slot; own group).

    ParameterError for a setup of a skill the forecast lacks, two setups of one skill, a
    group whose skills differ in max_slots or channels mixing skills with and without
    patience (InputError naming the forecast row)."""
    by_name: dict[str, SkillSetup] = {}
    for s in given:
        if s.name in by_name:
            raise ParameterError(f"skills.{s.name}", "set twice; expected one setup per skill")
        if s.name not in forecast.skills:
            raise ParameterError(
                f"skills.{s.name}",
                f"the forecast has no rows for it; expected one of {', '.join(forecast.skills)}",
            )
        by_name[s.name] = s
    out = tuple(by_name.get(k) or SkillSetup.default(k) for k in forecast.skills)
    slots: dict[str, SkillSetup] = {}
    for s in out:
        first = slots.setdefault(s.group_name, s)
        if first.max_slots != s.max_slots:
            raise ParameterError(
                f"skills.{s.name}.max_slots",
                f"{s.max_slots} differs from {first.max_slots} of {first.name!r} in group "
                f"{s.group_name!r}; expected one max_slots per group (its agents hold all)",
            )
    patience: dict[str, SkillSetup] = {}
    for s in out:
        first = patience.setdefault(s.channel, s)
        if forecast.has_patience(first.name) != forecast.has_patience(s.name):
            with_, without = (first, s) if forecast.has_patience(first.name) else (s, first)
            raise InputError(
                f"forecast {forecast.source}: row {forecast.first_row[without.name]}, column "
                f"patience_s, value '': skill {without.name!r} has no patience but "
                f"{with_.name!r} of the same channel {s.channel} has; expected a patience "
                "for every skill of a channel or for none"
            )
    return out


def shifts(staffing: Sequence[int]) -> list[tuple[int, int, int]]:
    """(first interval, length in intervals, agents) of each shift serving a daily staffing.

    The staffing repeats every day, so shifts may run past midnight; agent number n works
    each run of consecutive intervals with at least n agents (a full day: (0, len, n))."""
    need = np.asarray(staffing, dtype=np.int64)
    m = len(need)
    counts: dict[tuple[int, int], int] = {}
    for level in range(1, int(need.max(initial=0)) + 1):
        on = need >= level
        if on.all():
            counts[(0, m)] = counts.get((0, m), 0) + 1
            continue
        begin = int(np.argmin(on))  # an off interval: runs cannot wrap across it
        run_start, length = -1, 0
        for step in range(1, m + 1):
            i = (begin + step) % m
            if on[i]:
                run_start, length = (i, 1) if length == 0 else (run_start, length + 1)
            elif length:
                counts[(run_start, length)] = counts.get((run_start, length), 0) + 1
                length = 0
    return [(s, n, c) for (s, n), c in sorted(counts.items())]


def measured_grid(forecast: Forecast, day: int, *, warmup_s: int) -> tuple[IntervalGrid, int]:
    """The grid of the day's intervals in the simulated day, and its end (epoch ms)."""
    midnight = dt.datetime.combine(forecast.days[day], dt.time(), tzinfo=dt.UTC)
    origin = int(midnight.timestamp() * 1000)
    grid = IntervalGrid(origin, forecast.interval_s * 1000, forecast.intervals_per_day)
    return grid, origin + DAY_S * 1000


def _rotated(values: np.ndarray, shift: int) -> list[float]:
    return [float(x) for x in np.roll(values, shift)]


def _weighted_mean(values: np.ndarray, volume: np.ndarray) -> float:
    """The volume-weighted mean of the finite ``values`` (1 when nothing has volume)."""
    weight = np.where(np.isfinite(values), volume, 0.0)
    total = float(weight.sum())
    return float((np.nan_to_num(values) * weight).sum() / total) if total > 0 else 1.0


def day_document(
    *,
    forecast: Forecast,
    day: int,
    setups: Sequence[SkillSetup],
    group: str,
    staffing: Sequence[int],
    warmup_s: int,
    cooldown_s: float,
) -> dict[str, Any]:
    """The scenario document of ``group`` on forecast day ``day`` (module docstring).

    ``staffing[i]``: agents in local interval i; ``warmup_s`` must be a whole number of
    intervals. Skill ids are the forecast's skill index + 1.
    """
    L = forecast.interval_s
    if warmup_s % L:
        raise ParameterError("warmup", f"{warmup_s} s is not a whole number of {L} s intervals")
    shift = warmup_s // L
    members = [s for s in setups if s.group_name == group]
    midnight = dt.datetime.combine(forecast.days[day], dt.time())
    start = midnight - dt.timedelta(seconds=warmup_s)
    profiles: dict[str, list[float]] = {}
    streams: list[dict[str, Any]] = []
    modes: dict[str, dict[str, Any]] = {}
    for channel in dict.fromkeys(s.channel for s in members):
        ks = [forecast.skills.index(s.name) for s in members if s.channel == channel]
        volume = forecast.volume[day, ks, :]
        handle = _weighted_mean(forecast.aht_s[day, ks, :], volume)
        mode: dict[str, Any] = {"handle": {"kind": "exponential", "mean_s": handle}}
        patience = forecast.patience_s[day, ks, :]
        if np.isfinite(patience).any():
            mean = _weighted_mean(patience, volume)
            mode["patience"] = {"kind": "exponential", "mean_s": mean}
        modes[channel] = mode
    for s in members:
        k = forecast.skills.index(s.name)
        volume = forecast.volume[day, k, :]
        per_hour = volume * 3600.0 / L
        peak = float(per_hour.max())
        if peak <= 0:
            continue
        mode = modes[s.channel]
        aht = np.where(volume > 0, forecast.aht_s[day, k, :] / mode["handle"]["mean_s"], 1.0)
        profiles[f"arrivals-{k + 1}"] = _rotated(per_hour / peak, shift)
        profiles[f"aht-{k + 1}"] = _rotated(aht, shift)
        stream: dict[str, Any] = {
            "name": s.name,
            "channel": s.channel,
            "site": "main",
            "rate_per_hour": peak,
            "skill": k + 1,
            "profile": f"arrivals-{k + 1}",
            "handle_profile": f"aht-{k + 1}",
        }
        if "patience" in mode:
            pat = forecast.patience_s[day, k, :] / mode["patience"]["mean_s"]
            profiles[f"patience-{k + 1}"] = _rotated(np.where(volume > 0, pat, 1.0), shift)
            stream["patience_profile"] = f"patience-{k + 1}"
        streams.append(stream)
    ids = [forecast.skills.index(s.name) + 1 for s in members]
    pools = []
    next_id = 1
    for first, length, count in shifts(
        np.roll(np.asarray(staffing, dtype=np.int64), shift).tolist()
    ):
        pools.append(
            {
                "name": f"{group}-{first}-{length}",
                "count": count,
                "first_id": next_id,
                "group": 1,
                "skills": ids,
                "sites": ["main"],
                "max_slots": members[0].max_slots,
                "shift_starts_h": [first * L / 3600.0],
                "shift_hours": length * L / 3600.0,
                "logout_grace_s": _LOGOUT_GRACE_S,
            }
        )
        next_id += count
    return {
        "scenario": {
            "name": f"{group} {forecast.days[day]}",
            "description": f"forecast {forecast.source}, group {group}",
            "account": "forecast",
            "start": start.isoformat() + "Z",
            "hours": (warmup_s + DAY_S + cooldown_s) / 3600.0,
        },
        "sites": [{"id": "main"}],
        "groups": [{"id": 1}],
        "skills": [{"id": forecast.skills.index(s.name) + 1, "name": s.name} for s in members],
        "pools": pools,
        "streams": streams,
        "profiles": profiles,
        "modes": modes,
        "routing": {"accept_delay": {"kind": "constant", "mean_s": 0.0}},
    }


def group_skills(setups: Sequence[SkillSetup]) -> Mapping[str, tuple[str, ...]]:
    """Group name -> its skills, in the setups' order."""
    out: dict[str, tuple[str, ...]] = {}
    for s in setups:
        out[s.group_name] = (*out.get(s.group_name, ()), s.name)
    return out
