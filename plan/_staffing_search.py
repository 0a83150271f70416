"""The simulated requirement: per interval, the fewest agents that meet the targets in simulation.

One search per forecast day and agent group. A round simulates the whole day R times with a
staffing vector (agents per interval; :mod:`._forecast_scenario`) and measures every
interval (:mod:`._interval_metrics`); an interval *passes* when every skill of the group
with conversations in it meets every target by its one-sided bound at the targets'
confidence (:func:`plan.meets_targets`). A skill-interval where fewer than 2 replications
had a conversation cannot be checked and imposes nothing (with volume, the interval still
gets at least one agent).

Per interval the search keeps ``lo`` (a staffing seen failing; 0 with volume, as no agent
answers nothing) and ``hi`` (the smallest staffing seen passing) and probes:

1. the first round runs the Erlang staffing (the analytic answer, so its simulated values
   are reported as well);
2. after the first round, an interval that passed jumps to the guess when it lies
   between lo and hi (the pooled Erlang staffing of all the group's slots, divided by
   max_slots: close to the answer when slots and pooling are what Erlang misses);
   otherwise the probe moves from the last result's side in doubling steps (hi - 1, 2, 4,
   ... after a pass; lo + 1, 2, 4, ... after a failure, at most the cap; back to 1 when
   the result turns), kept strictly between lo and hi once both are known;
3. when lo + 1 = hi in every interval the round runs hi; an interval failing there (its
   neighbours now have fewer agents) restarts from lo = hi. The search ends when a round
   of all-hi passes everywhere: that round's values are the ones reported.

Replication r uses the same seed in every round (common random numbers), so rounds differ
by their staffing, not by their luck. Staffing only rises after a failed final round, so
the search ends; the cap (max(2 A, A + 20) for an Erlang answer A) bounds it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ccbench import ParameterError
from sim import Scenario, simulate

from ._interval_metrics import (
    INTERVAL_METRICS,
    IntervalEstimates,
    IntervalGrid,
    IntervalValues,
    interval_estimates,
    interval_metrics,
)
from ._metrics import Window
from ._recommend import meets_targets
from ._service_targets import ServiceTargets

__all__ = [
    "IntervalTask",
    "SearchRequest",
    "SearchResult",
    "run_interval_task",
    "search_staffing",
]


@dataclass(frozen=True, slots=True)
class IntervalTask:
    """One replication of a round: a scenario document, its seed, what to measure."""

    document: dict[str, Any]
    seed: int
    window: Window
    grid: IntervalGrid
    threshold_s: float


def run_interval_task(task: IntervalTask) -> IntervalValues:
    """Simulate one replication and measure its intervals (runs in a worker)."""
    result = simulate(scenario=Scenario.from_dict(task.document), seed=task.seed)
    return interval_metrics(
        result=result, window=task.window, threshold_s=task.threshold_s, grid=task.grid
    )


@dataclass(frozen=True)
class SearchRequest:
    """One search: ``document(staffing)`` builds the day's scenario for a staffing vector;
    ``scopes[i]`` lists the skill scopes with volume in interval i; ``analytic`` and
    ``guess`` are staffing vectors (0 where no scope has volume)."""

    key: tuple[int, str]
    document: Callable[[Sequence[int]], dict[str, Any]]
    window: Window
    grid: IntervalGrid
    scopes: list[list[str]]
    analytic: list[int]
    guess: list[int]


@dataclass(frozen=True)
class SearchResult:
    """``staffing``: the requirement per interval; ``at_analytic``/``at_staffing``: the
    estimates of the Erlang staffing's round and of the final round; ``rounds`` run."""

    staffing: list[int]
    at_analytic: IntervalEstimates
    at_staffing: IntervalEstimates
    rounds: int


@dataclass
class _State:
    request: SearchRequest
    lo: np.ndarray
    hi: np.ndarray  # -1 = no passing staffing seen
    failed: np.ndarray  # lo comes from a simulated failure
    last_pass: np.ndarray  # the interval's result in the last round
    step: np.ndarray
    cap: np.ndarray
    probe: np.ndarray
    rounds: int = 0
    at_analytic: IntervalEstimates = field(default_factory=dict)
    done: SearchResult | None = None

    @classmethod
    def start(cls, request: SearchRequest) -> _State:
        analytic = np.asarray(request.analytic, dtype=np.int64)
        need = np.asarray([bool(s) for s in request.scopes])
        return cls(
            request=request,
            lo=np.where(need, 0, -1),
            hi=np.where(need, -1, 0),
            failed=np.zeros(len(need), dtype=bool),
            last_pass=np.ones(len(need), dtype=bool),
            step=np.ones(len(need), dtype=np.int64),
            cap=np.where(need, np.maximum(2 * analytic, analytic + 20), 0),
            probe=np.where(need, np.maximum(analytic, 1), 0),
        )

    def update(self, est: IntervalEstimates, targets: ServiceTargets) -> None:
        """Record a round's pass/fail per interval and choose the next probe."""
        self.rounds += 1
        if self.rounds == 1:
            self.at_analytic = est
        x = self.probe
        for i, scopes in enumerate(self.request.scopes):
            if not scopes:
                continue
            ok = all(_passes(est, scope, i, targets) for scope in scopes)
            if ok != self.last_pass[i]:
                self.step[i] = 1  # the search turned: small steps again
            self.last_pass[i] = ok
            if ok:
                self.hi[i] = x[i] if self.hi[i] < 0 else min(self.hi[i], x[i])
                continue
            if x[i] >= self.cap[i]:
                raise ParameterError(
                    "targets",
                    f"no staffing up to {self.cap[i]} agents meets them in simulation in "
                    f"interval {i} of {self.request.key}; expected reachable targets",
                )
            self.lo[i], self.failed[i] = max(self.lo[i], x[i]), True
            if 0 <= self.hi[i] <= self.lo[i]:
                self.hi[i] = -1  # failed at its old answer: search upwards again
        settled = (self.hi >= 0) & (self.hi <= self.lo + 1)
        if settled.all() and np.array_equal(x, self.hi):
            self.done = SearchResult(
                staffing=[int(v) for v in self.hi],
                at_analytic=self.at_analytic,
                at_staffing=est,
                rounds=self.rounds,
            )
            return
        self.probe = np.array([self._next(i, bool(settled[i])) for i in range(len(x))])

    def _next(self, i: int, settled: bool) -> int:
        lo, hi, step = int(self.lo[i]), int(self.hi[i]), int(self.step[i])
        if settled:
            return hi
        self.step[i] *= 2
        if hi < 0:
            return min(lo + step, int(self.cap[i]))
        guess = int(self.request.guess[i])
        if self.rounds == 1 and lo < guess < hi:
            self.step[i] = 1
            return guess
        x = hi - step if self.last_pass[i] else lo + step
        return min(max(x, lo + 1), hi - 1)


def _passes(est: IntervalEstimates, scope: str, i: int, targets: ServiceTargets) -> bool:
    values = {m: est[scope][m][i] for m in INTERVAL_METRICS}
    if values["service_level"].n < 2:
        return True  # unverifiable with fewer than 2 samples: no constraint (docstring)
    return meets_targets(values, targets)[0]


def search_staffing(
    *,
    requests: Sequence[SearchRequest],
    seeds: Sequence[int],
    targets: ServiceTargets,
    executor: Executor,
    progress: Callable[[int, int], None] | None = None,
) -> dict[tuple[int, str], SearchResult]:
    """Run every search (module docstring) on ``executor``, all rounds in step.

    ``progress(done, total)`` counts replications of the rounds so far.
    """
    states = [_State.start(r) for r in requests]
    done_reps = total_reps = 0
    while any(s.done is None for s in states):
        active = [s for s in states if s.done is None]
        tasks = [
            IntervalTask(
                s.request.document([int(v) for v in s.probe]),
                seed,
                s.request.window,
                s.request.grid,
                targets.threshold_s,
            )
            for s in active
            for seed in seeds
        ]
        total_reps += len(tasks)
        if progress is not None:
            progress(done_reps, total_reps)  # this round's replications counted from its start
        results: list[IntervalValues | None] = [None] * len(tasks)
        futures = {executor.submit(run_interval_task, t): j for j, t in enumerate(tasks)}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            done_reps += 1
            if progress is not None:
                progress(done_reps, total_reps)
        for n, s in enumerate(active):
            reps = [r for r in results[n * len(seeds) : (n + 1) * len(seeds)] if r is not None]
            s.update(interval_estimates(reps), targets)
    return {s.request.key: s.done for s in states if s.done is not None}
