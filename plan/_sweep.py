"""The sweep: every grid point times R replications, run on an executor, summarised.

Seeds: ``numpy.random.SeedSequence(seed).spawn(R)`` gives one seed per replication
index, and replication r uses that same seed at every grid point (common random
numbers: the points differ by their parameters, not by their luck, so curves are
smoother and differences between points sharper). Replications of one point are
independent, which is what the confidence intervals need. Tasks carry their seed
and results are stored by task index, so the numbers are identical whatever the
executor and however many workers run them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass
from typing import Any

import numpy as np

from ccbench import InputError, ParameterError
from sim import Scenario, simulate

from ._grid import Number, Vary, apply_point, expand_grid
from ._interval_metrics import (
    IntervalEstimates,
    IntervalGrid,
    IntervalValues,
    interval_estimates,
    interval_metrics,
)
from ._metrics import CAPACITY_METRICS, Window, replication_metrics
from ._service_targets import ServiceTargets
from ._stats import CI_LEVEL, Estimate, estimate

__all__ = [
    "CI_LEVEL",
    "SweepResult",
    "Task",
    "auto_warmup_s",
    "replication_seeds",
    "run_sweep",
    "run_task",
]

Metrics = dict[str, dict[str, float]]
DAY_S = 86_400


@dataclass(frozen=True, slots=True)
class Task:
    """One replication: a resolved scenario document, its seed and how to measure it."""

    document: dict[str, Any]
    seed: int
    days: float | None
    warmup_s: float
    cooldown_s: float
    threshold_s: float
    interval_s: int = 3600


def run_task(task: Task) -> tuple[Metrics, IntervalValues]:
    """Simulate one replication; its metrics and its time-of-day metrics (in a worker)."""
    scenario = Scenario.from_dict(task.document)
    result = simulate(scenario=scenario, seed=task.seed, days=task.days)
    window = Window.of(result.scenario, warmup_s=task.warmup_s, cooldown_s=task.cooldown_s)
    grid = IntervalGrid(
        result.scenario.start_ms, task.interval_s * 1000, DAY_S // task.interval_s, fold=True
    )
    return (
        replication_metrics(result=result, window=window, threshold_s=task.threshold_s),
        interval_metrics(result=result, window=window, threshold_s=task.threshold_s, grid=grid),
    )


def replication_seeds(seed: int, replications: int) -> list[int]:
    """The simulator seed of each replication index, spawned from the root ``seed``."""
    children = np.random.SeedSequence(seed).spawn(replications)
    return [int(c.generate_state(1, dtype=np.uint64)[0]) for c in children]


def auto_warmup_s(scenario: Scenario) -> float:
    """Warm-up (= cool-down) deleted by default, s.

    Steady-state scenarios (flat arrivals and times, no surges, every agent on one shift covering
    the horizon without breaks) start empty: the first and last min(2 h, horizon / 10)
    are left out. Anything with a daily shape is a terminating run measured whole (0).
    """
    # A shift of 24 h starting at 0 every day merges with the next day's: always logged in.
    flat = not scenario.surges and all(
        not (s.profile or s.handle_profile or s.patience_profile) for s in scenario.streams
    )
    always_on = all(
        p.shift_starts_h == [0.0]
        and min(p.shift_hours, 24.0) * 3600.0 >= min(scenario.horizon_s, 86400.0)
        and p.breaks_per_shift == 0
        for p in scenario.pools
    )
    if flat and always_on:
        return min(7200.0, scenario.horizon_s / 10.0)
    return 0.0


def _staff(document: Mapping[str, Any]) -> int:
    return sum(int(p["count"]) for p in document["pools"] if p.get("role") != "manager")


@dataclass(frozen=True)
class SweepResult:
    """What a sweep produced.

    ``points[i]``: the varied values of grid point i; ``staff[i]``: its non-manager
    agents; ``replications[i][r]``: metrics of replication r; ``estimates[i]``:
    ``{scope: {metric: Estimate}}`` (mean and two-sided 95% Student t interval);
    ``time_of_day[i]``: the same per ``interval_s`` interval of the day (every day of the
    horizon folded onto one), ``{scope: {metric: [Estimate per interval]}}``.
    """

    scenario: Scenario
    keys: tuple[str, ...]
    points: list[dict[str, Number]]
    staff: list[int]
    seeds: list[int]
    replications: list[list[Metrics]]
    estimates: list[dict[str, dict[str, Estimate]]]
    targets: ServiceTargets
    root_seed: int
    days: float | None
    warmup_s: float
    cooldown_s: float
    interval_s: int
    time_of_day: list[IntervalEstimates]

    @property
    def scopes(self) -> list[str]:
        """ "all" then the skill ids, in the order the metrics report them."""
        return list(self.estimates[0]) if self.estimates else []

    def document(self, index: int) -> dict[str, Any]:
        """The resolved scenario document of grid point ``index``."""
        return apply_point(self.scenario.to_dict(), self.points[index])


def _summarise(reps: Sequence[Metrics], confidence: float) -> dict[str, dict[str, Estimate]]:
    return {
        scope: {
            m: estimate([r[scope][m] for r in reps], confidence=confidence)
            for m in CAPACITY_METRICS
        }
        for scope in reps[0]
    }


def run_sweep(
    *,
    scenario: Scenario,
    varies: Sequence[Vary],
    replications: int,
    executor: Executor,
    seed: int = 0,
    days: float | None = None,
    warmup_s: float | None = None,
    cooldown_s: float | None = None,
    targets: ServiceTargets | None = None,
    interval_s: int = 3600,
    progress: Callable[[int, int], None] | None = None,
) -> SweepResult:
    """Run every grid point ``replications`` times on ``executor``.

    ``days`` overrides the horizon (24 h x days); ``warmup_s``/``cooldown_s`` (s) default
    to :func:`auto_warmup_s`; ``targets`` defaults to the scenario's (its threshold is the
    service level threshold). ``interval_s`` (s, dividing 24 h) is the width of the
    time-of-day intervals. ``progress(done, total)`` is called with 0 done first, then
    as replications finish. With no ``varies`` the scenario itself is the one point.
    Every grid point is validated before anything runs (InputError naming the point).
    """
    if isinstance(replications, bool) or not isinstance(replications, int) or replications < 1:
        raise ParameterError("replications", f"expected an integer >= 1, got {replications!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ParameterError("seed", f"expected an integer >= 0, got {seed!r}")
    if days is not None and not days > 0:
        raise ParameterError("days", f"expected a number of days > 0, got {days!r}")
    if isinstance(interval_s, bool) or not isinstance(interval_s, int) or interval_s < 60:
        raise ParameterError("interval", f"expected whole seconds >= 60, got {interval_s!r}")
    if DAY_S % interval_s:
        raise ParameterError("interval", f"{interval_s} s does not divide 24 h; expected a divisor")
    targets = targets or ServiceTargets.of(scenario)
    try:
        measured = scenario.with_hours(24.0 * days) if days is not None else scenario
    except InputError as exc:
        raise ParameterError("days", f"{days!r} days: {exc}") from exc
    auto = auto_warmup_s(measured)
    warm = auto if warmup_s is None else warmup_s
    cool = auto if cooldown_s is None else cooldown_s
    for name, value in (("warmup", warm), ("cooldown", cool)):
        if not value >= 0:
            raise ParameterError(name, f"expected seconds >= 0, got {value!r}")
    if warm + cool >= measured.horizon_s:
        raise ParameterError(
            "warmup",
            f"warm-up {warm} s + cool-down {cool} s leave nothing of the "
            f"{measured.horizon_s} s horizon; expected less in total",
        )
    points = expand_grid(varies)
    base = scenario.to_dict()
    documents = []
    for point in points:
        doc = apply_point(base, point)
        try:
            variant = Scenario.from_dict(doc)
            if days is not None:  # the bounds of a run with the horizon it will have
                variant.with_hours(24.0 * days)
        except InputError as exc:
            raise ParameterError("vary", f"grid point {point}: {exc}") from exc
        documents.append(doc)
    seeds = replication_seeds(seed, replications)
    tasks = [
        Task(doc, s, days, warm, cool, targets.threshold_s, interval_s)
        for doc in documents
        for s in seeds
    ]
    results: list[tuple[Metrics, IntervalValues] | None] = [None] * len(tasks)
    if progress is not None:
        progress(0, len(tasks))  # the total before the first replication ends: a bar with an ETA
    futures = {executor.submit(run_task, task): i for i, task in enumerate(tasks)}
    for done, future in enumerate(as_completed(futures), start=1):
        results[futures[future]] = future.result()
        if progress is not None:
            progress(done, len(tasks))
    reps = [
        [r for r in results[i * replications : (i + 1) * replications] if r is not None]
        for i in range(len(points))
    ]
    return SweepResult(
        scenario=scenario,
        keys=tuple(v.key for v in varies),
        points=points,
        staff=[_staff(d) for d in documents],
        seeds=seeds,
        replications=[[m for m, _ in r] for r in reps],
        estimates=[_summarise([m for m, _ in r], CI_LEVEL) for r in reps],
        targets=targets,
        root_seed=seed,
        days=days,
        warmup_s=warm,
        cooldown_s=cool,
        interval_s=interval_s,
        time_of_day=[interval_estimates([v for _, v in r]) for r in reps],
    )
