"""plan._interval_metrics: per-interval metrics agree with the whole-window ones by construction."""

from __future__ import annotations

import math

import numpy as np
import pytest

from plan import IntervalGrid, Window, interval_metrics, replication_metrics
from plan._metrics import AgentSteps
from sim import load_scenario, simulate


def test_agent_steps_integrate_over_bins_by_hand() -> None:
    """Online [0, 100) ms, busy [10, 50): bins [0, 25, 50, 75, 100) hold online 25 each and
    busy 15, 25, 0, 0; load 0.5 while busy (one of two slots)."""
    steps = AgentSteps(
        t=np.array([0.0, 10.0, 50.0, 100.0]),
        on=np.array([1.0, 1.0, 1.0, 0.0]),
        busy=np.array([0.0, 1.0, 0.0, 0.0]),
        load=np.array([0.0, 0.5, 0.0, 0.0]),
    )
    on, busy, load = steps.integrate(np.array([0.0, 25.0, 50.0, 75.0, 100.0]))
    assert on.tolist() == [25, 25, 25, 25] and busy.tolist() == [15, 25, 0, 0]
    assert load.tolist() == [7.5, 12.5, 0, 0]


@pytest.fixture(scope="module")
def run() -> object:
    return simulate(scenario=load_scenario("erlang_c"), seed=5, days=0.5)


def test_one_interval_over_the_window_is_the_whole_window(run: object) -> None:
    """A grid of one interval covering the measured window gives exactly the replication's
    offered, service level, ASA, abandon rate and occupancy (same definitions)."""
    start = run.scenario.start_ms  # type: ignore[attr-defined]
    window = Window(start + 3_600_000, start + 10 * 3_600_000)
    grid = IntervalGrid(window.start_ms, window.end_ms - window.start_ms, 1)
    got = interval_metrics(result=run, window=window, threshold_s=20, grid=grid)  # type: ignore[arg-type]
    whole = replication_metrics(result=run, window=window, threshold_s=20)  # type: ignore[arg-type]
    for scope in ("all", "1"):
        for metric in ("offered", "service_level", "asa_s", "abandon_rate", "occupancy"):
            assert got[scope][metric][0] == pytest.approx(whole[scope][metric], rel=1e-12)


def test_folding_collects_the_same_clock_time_of_each_day(run: object) -> None:
    """Hourly intervals over 12 h folded onto 3 (every 3 h): interval j's offered count is
    the sum of hours j, j + 3, j + 6, j + 9 of the unfolded grid."""
    start = run.scenario.start_ms  # type: ignore[attr-defined]
    window = Window(start, start + 12 * 3_600_000)
    flat = interval_metrics(
        result=run,
        window=window,
        threshold_s=20,
        grid=IntervalGrid(start, 3_600_000, 12),  # type: ignore[arg-type]
    )
    folded = interval_metrics(
        result=run, window=window, threshold_s=20,  # type: ignore[arg-type]
        grid=IntervalGrid(start, 3_600_000, 3, fold=True),
    )  # fmt: skip
    hours = flat["all"]["offered"]
    assert folded["all"]["offered"].tolist() == [hours[j::3].sum() for j in range(3)]


def test_empty_interval_is_nan_not_zero(run: object) -> None:
    """An interval after the horizon (no conversation) has offered 0 and NaN service level,
    ASA and abandon rate: no sample is 'unavailable', never 0."""
    start = run.scenario.start_ms  # type: ignore[attr-defined]
    window = Window(start, start + 13 * 3_600_000)
    grid = IntervalGrid(start + 12 * 3_600_000, 3_600_000, 1)
    got = interval_metrics(result=run, window=window, threshold_s=20, grid=grid)  # type: ignore[arg-type]
    assert got["all"]["offered"][0] == 0
    assert all(math.isnan(got["all"][m][0]) for m in ("service_level", "asa_s", "abandon_rate"))
