"""Staff requirement per interval from a forecast: the Erlang answer, the simulated one, headcount.

For every forecast day, interval and skill :func:`run_requirement` computes the Erlang C/A
answer (:mod:`._erlang_staffing`, one skill at a time, one conversation per agent: what an
Erlang calculator gives), then per agent group the simulated requirement
(:mod:`._staffing_search`: slots, abandonment, pooling across the group's skills and the
day's time variation included) with confidence intervals from the replications, and the
scheduled headcount after shrinkage: ceil(agents / (1 - shrinkage)), computed exactly
(shrinkage taken as the decimal it is written as, so 21 agents at 0.3 give 30, not 31).
docs/plan.md ("Requirement per interval") documents the whole workflow.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ccbench import ParameterError

from ._erlang_staffing import ErlangStaffing, erlang_staffing
from ._forecast import Forecast
from ._forecast_scenario import (
    SkillSetup,
    day_document,
    group_skills,
    measured_grid,
    setups_for,
)
from ._interval_metrics import IntervalEstimates
from ._metrics import Window
from ._service_targets import ServiceTargets
from ._staffing_search import SearchRequest, search_staffing
from ._sweep import replication_seeds

__all__ = ["GroupDay", "RequirementResult", "headcount", "run_requirement"]


def headcount(agents: int, shrinkage: float) -> int:
    """Scheduled headcount for ``agents`` on the floor: ceil(agents / (1 - shrinkage))."""
    return math.ceil(Fraction(agents) / (1 - Fraction(repr(shrinkage))))


@dataclass(frozen=True)
class GroupDay:
    """The requirement of one agent group on one forecast day, per interval.

    ``analytic[i]``: sum of the Erlang agents of the group's skills; ``staffing[i]``: the
    simulated requirement; ``at_analytic``/``at_staffing``: simulated estimates per skill
    name (and "all") at those staffings, one Estimate per interval and metric.
    """

    day: int
    group: str
    skills: tuple[str, ...]
    analytic: list[int]
    staffing: list[int]
    at_analytic: IntervalEstimates
    at_staffing: IntervalEstimates
    rounds: int


@dataclass(frozen=True)
class RequirementResult:
    """Everything a requirement run produced and the settings that reproduce it.

    ``erlang[d][k][i]``: the Erlang answer for day d, skill k (forecast order), interval i.
    """

    forecast: Forecast
    setups: tuple[SkillSetup, ...]
    targets: ServiceTargets
    shrinkage: float
    root_seed: int
    seeds: list[int]
    warmup_s: int
    cooldown_s: float
    erlang: list[list[list[ErlangStaffing]]]
    groups: list[GroupDay]

    def headcount(self, agents: int) -> int:
        return headcount(agents, self.shrinkage)


def _patience(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _guess(
    forecast: Forecast, day: int, ks: list[int], i: int, slots: int, targets: ServiceTargets
) -> int:
    """Pooled Erlang over the group's slots: all skills as one queue, each slot a server."""
    volume = forecast.volume[day, ks, i]
    total = float(volume.sum())
    if total <= 0:
        return 0
    aht = float(np.nansum(forecast.aht_s[day, ks, i] * volume) / total)
    patience = forecast.patience_s[day, ks, i][volume > 0]
    pooled_patience = (
        float((patience * volume[volume > 0]).sum() / total)
        if np.isfinite(patience).all()
        else None
    )
    servers = erlang_staffing(
        volume=total,
        interval_s=forecast.interval_s,
        aht_s=aht,
        patience_s=pooled_patience,
        targets=dataclasses.replace(targets, max_occupancy=1.0),
    ).agents
    return math.ceil(servers / slots)


def run_requirement(
    *,
    forecast: Forecast,
    targets: ServiceTargets,
    executor: Executor,
    setups: Sequence[SkillSetup] = (),
    shrinkage: float = 0.0,
    replications: int = 10,
    seed: int = 0,
    warmup_s: float = 7200.0,
    cooldown_s: float = 3600.0,
    progress: Callable[[int, int], None] | None = None,
) -> RequirementResult:
    """The requirement of every interval, skill and group of ``forecast`` (module docstring).

    ``setups``: how skills are served (default per skill: channel from its name, else call;
    one slot; own group); ``replications`` >= 2 (intervals need two); ``warmup_s`` is
    rounded up to whole intervals; ``cooldown_s`` >= 0 (s).
    """
    if isinstance(replications, bool) or not isinstance(replications, int) or replications < 2:
        raise ParameterError("replications", f"expected an integer >= 2, got {replications!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ParameterError("seed", f"expected an integer >= 0, got {seed!r}")
    if not 0 <= shrinkage < 1:
        raise ParameterError("shrinkage", f"expected a fraction in [0, 1), got {shrinkage!r}")
    for name, value in (("warmup", warmup_s), ("cooldown", cooldown_s)):
        if not 0 <= value <= 86_400:
            raise ParameterError(name, f"expected seconds in [0, 86400], got {value!r}")
    full = tuple(setups_for(forecast, setups))
    step = forecast.interval_s
    warm = math.ceil(warmup_s / step) * step
    erlang = [
        [
            [
                erlang_staffing(
                    volume=float(forecast.volume[d, k, i]),
                    interval_s=step,
                    aht_s=float(forecast.aht_s[d, k, i]),
                    patience_s=_patience(forecast.patience_s[d, k, i]),
                    targets=targets,
                )
                for i in range(forecast.intervals_per_day)
            ]
            for k in range(len(forecast.skills))
        ]
        for d in range(len(forecast.days))
    ]
    requests: list[SearchRequest] = []
    for d in range(len(forecast.days)):
        grid, end = measured_grid(forecast, d, warmup_s=warm)
        for group, skills in group_skills(full).items():
            ks = [forecast.skills.index(s) for s in skills]
            if not forecast.volume[d, ks, :].any():
                continue
            slots = next(s.max_slots for s in full if s.group_name == group)

            def document(
                staffing: Sequence[int], d: int = d, group: str = group
            ) -> dict[str, object]:
                return day_document(
                    forecast=forecast,
                    day=d,
                    setups=full,
                    group=group,
                    staffing=staffing,
                    warmup_s=warm,
                    cooldown_s=cooldown_s,
                )

            m = forecast.intervals_per_day
            requests.append(
                SearchRequest(
                    key=(d, group),
                    document=document,
                    window=Window(grid.origin_ms, end),
                    grid=grid,
                    scopes=[
                        [str(k + 1) for k in ks if forecast.volume[d, k, i] > 0] for i in range(m)
                    ],
                    analytic=[sum(erlang[d][k][i].agents for k in ks) for i in range(m)],
                    guess=[_guess(forecast, d, ks, i, slots, targets) for i in range(m)],
                )
            )
    seeds = replication_seeds(seed, replications)
    found = search_staffing(
        requests=requests, seeds=seeds, targets=targets, executor=executor, progress=progress
    )
    names = {str(k + 1): s for k, s in enumerate(forecast.skills)}

    def by_name(est: IntervalEstimates) -> IntervalEstimates:
        return {names.get(scope, scope): values for scope, values in est.items()}

    groups = []
    for r in requests:
        d, group = r.key
        out = found[r.key]
        groups.append(
            GroupDay(
                day=d,
                group=group,
                skills=group_skills(full)[group],
                analytic=r.analytic,
                staffing=out.staffing,
                at_analytic=by_name(out.at_analytic),
                at_staffing=by_name(out.at_staffing),
                rounds=out.rounds,
            )
        )
    return RequirementResult(
        forecast=forecast,
        setups=full,
        targets=targets,
        shrinkage=shrinkage,
        root_seed=seed,
        seeds=seeds,
        warmup_s=warm,
        cooldown_s=cooldown_s,
        erlang=erlang,
        groups=groups,
    )
