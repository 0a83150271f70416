"""The fast path: same queue facts as the general SimPy engine, valid logs."""

from __future__ import annotations

import pytest

from ccbench.eventlog import validate
from sim import load_scenario, simulate


@pytest.mark.parametrize(("name", "seed"), [("erlang_c", 11), ("erlang_a", 12)])
def test_fast_path_equals_general_engine(name: str, seed: int) -> None:
    """Both engines give identical per-conversation queue facts (arrival, answer, abandon,
    agent) and identical event counts by kind."""
    scenario = load_scenario(name)
    fast = simulate(scenario=scenario, seed=seed, engine="fast", days=0.5)
    general = simulate(scenario=scenario, seed=seed, engine="general", days=0.5)
    assert fast.engine == "fast"
    assert general.engine == "general"
    assert fast.queue.equals(general.queue)
    assert fast.log.kind_counts() == general.log.kind_counts()


@pytest.mark.parametrize("name", ["erlang_c", "erlang_a"])
def test_fast_path_log_is_valid(name: str) -> None:
    """The fast path's log passes the contract validator."""
    result = simulate(scenario=load_scenario(name), seed=3, days=0.25)
    assert result.engine == "fast"
    assert validate(result.log) == []


def test_auto_picks_general_when_needed() -> None:
    """A scenario with bots and messaging runs on the general engine under auto."""
    assert simulate(scenario=load_scenario("smoke"), seed=0, days=0.02).engine == "general"
