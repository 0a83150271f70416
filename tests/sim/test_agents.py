"""Workforce: shift periods per day, merged overlaps, breaks inside shifts, the roster."""

from __future__ import annotations

import numpy as np

from sim import load_scenario
from sim._agents import _periods, build_workforce


def test_periods_repeat_daily_and_clip_to_horizon() -> None:
    """An 8 h shift at 22:00 over two days: the previous night's tail, day 0, day 1."""
    day = 86_400.0
    assert _periods(22.0, 8.0, 2 * day) == [
        (0.0, 6 * 3600.0),
        (22 * 3600.0, day + 6 * 3600.0),
        (day + 22 * 3600.0, 2 * day + 6 * 3600.0),
    ]


def test_back_to_back_shifts_merge() -> None:
    """24 h shifts every day merge into one login period covering the horizon."""
    assert _periods(0.0, 24.0, 3 * 86_400.0) == [(0.0, 3 * 86_400.0)]


def test_workforce_from_smoke() -> None:
    """Pools expand to consecutive ids; breaks fall inside login periods; managers have no
    routing skills; the bot is always logged in; the roster lists everyone; smoke's busy
    periods are breaks with status busy, for some agent."""
    scenario = load_scenario("smoke")
    wf = build_workforce(scenario, np.random.default_rng(0))
    ids = [a.id for a in wf.agents]
    assert ids == [*range(100, 106), *range(200, 204), *range(300, 303), 500, 501, 900]
    for a in wf.agents:
        for at, _, status in a.breaks:
            assert any(s <= at < e for s, e in a.periods)
            assert status in ("away", "back_soon", "busy")
    assert any(st == "busy" for a in wf.agents for _, _, st in a.breaks)
    assert all(m.skills == () for m in wf.managers)
    assert [m.id for m in wf.managers] == [500, 501]
    bot = wf.agents[-1]
    assert bot.is_bot
    assert bot.periods == [(0.0, float("inf"))]
    assert {a.id for a in wf.roster.agents} == set(ids)
    assert wf.roster.agent(900).user_type == "bot"  # type: ignore[union-attr]
