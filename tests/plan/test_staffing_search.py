"""plan._staffing_search: the per-interval search finds each interval's threshold exactly."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from ccbench import ParameterError
from plan import Estimate, IntervalGrid, ServiceTargets, Window
from plan._staffing_search import SearchRequest, _State

METRICS = ("offered", "service_level", "asa_s", "abandon_rate", "occupancy")


def _request(analytic: Sequence[int], guess: Sequence[int]) -> SearchRequest:
    n = len(analytic)
    return SearchRequest(
        key=(0, "team"),
        document=lambda staffing: {},
        window=Window(0, 1),
        grid=IntervalGrid(0, 1, n),
        scopes=[["1"] if a > 0 else [] for a in analytic],
        analytic=list(analytic),
        guess=list(guess),
    )


def _round(staffing: np.ndarray, need: Sequence[int], nudge: np.ndarray | None = None) -> dict:
    """Estimates of a round: interval i's service level is 0.9 when staffing >= need[i]
    (a pass at the 0.8 target) and 0.5 otherwise; ``nudge`` marks intervals forced to fail."""
    sl = []
    for i, x in enumerate(staffing):
        ok = x >= need[i] and not (nudge is not None and nudge[i])
        sl.append(Estimate(0.9 if ok else 0.5, 0.01, None, None, 10))
    blank = [Estimate(0.0, 0.0, 0.0, 0.0, 10)] * len(staffing)
    return {"1": {m: sl if m == "service_level" else blank for m in METRICS}}


def _search(analytic: list[int], guess: list[int], need: list[int]) -> _State:
    state = _State.start(_request(analytic, guess))
    targets = ServiceTargets(confidence=0.5)
    while state.done is None:
        state.update(_round(state.probe, need), targets)
        assert state.rounds < 30
    return state


def test_search_finds_every_threshold_from_an_overstaffed_erlang_answer() -> None:
    """Erlang says 30 where 10 suffice (a 3-slot team), the guess says 10: the search ends
    at exactly the needs, with the Erlang round first, in at most 6 rounds."""
    need = [10, 7, 12, 1, 0]
    state = _search([30, 20, 35, 4, 0], [10, 7, 11, 1, 0], need)
    assert state.done is not None
    assert state.done.staffing == need and state.rounds <= 6


def test_search_climbs_from_an_understaffed_start() -> None:
    """Erlang below the need (e.g. a time-varying peak): doubling steps up, then back down."""
    need = [9, 25, 3]
    state = _search([5, 5, 3], [5, 5, 3], need)
    assert state.done is not None and state.done.staffing == need


def test_final_round_failure_searches_upwards_again() -> None:
    """An interval passing alone but failing in the all-settled round (its neighbour moved)
    restarts above its old answer; the search still ends passing everywhere."""
    need = [4, 4]
    state = _State.start(_request([4, 4], [4, 4]))
    targets = ServiceTargets(confidence=0.5)
    forced = 0
    while state.done is None:
        settled_round = bool((state.hi >= 0).all() and np.array_equal(state.probe, state.hi))
        nudge = np.array([settled_round and forced == 0, False])
        forced += int(nudge[0])
        state.update(_round(state.probe, need, nudge), targets)
    assert forced == 1 and state.done.staffing == [5, 4]


def test_unreachable_targets_stop_at_the_cap() -> None:
    """An interval that never passes is refused at max(2 x Erlang, Erlang + 20) agents."""
    with pytest.raises(ParameterError, match="no staffing up to 24 agents"):
        _search([4], [4], [10_000])


def test_fewer_than_two_samples_impose_nothing() -> None:
    """A skill-interval with one replication holding conversations passes at one agent."""
    state = _State.start(_request([3], [3]))
    single = [Estimate(0.0, None, None, None, 1)]
    est = {"1": dict.fromkeys(METRICS, single)}
    while state.done is None:
        state.update(est, ServiceTargets())
    assert state.done.staffing == [1]
