"""plan._forecast_scenario: a forecast day and a staffing become the scenario that runs."""

from __future__ import annotations

import numpy as np
import pytest

from ccbench import InputError, ParameterError
from plan import SkillSetup, parse_forecast
from plan._forecast_scenario import day_document, group_skills, measured_grid, setups_for, shifts
from plan._metrics import human_agent_steps
from sim import Scenario, simulate

HEAD = "interval_start,skill,volume,aht_s,patience_s\n"


def _flat(volume: float, aht: float = 300.0, patience: str = "", skill: str = "calls") -> str:
    """A 24-interval day (hourly), the same volume every hour."""
    rows = [f"2026-03-02 {h:02d}:00,{skill},{volume},{aht},{patience}" for h in range(24)]
    return HEAD + "\n".join(rows) + "\n"


def test_shifts_cut_a_staffing_level_by_level() -> None:
    """[1, 3, 3, 0, 2] repeats daily: agent 1 works intervals 4, 0, 1, 2 (a run wrapping past
    midnight stays one shift: (4, 4)); agent 2 works 1-2 and 4 (two shifts); agent 3 works
    1-2. So (1, 2) twice, (4, 1) once, (4, 4) once."""
    assert shifts([1, 3, 3, 0, 2]) == [(1, 2, 2), (4, 1, 1), (4, 4, 1)]
    # [2, 0, 1, 1]: agent 1 works 2, 3 and 0 (wrapping), agent 2 only interval 0.
    assert shifts([2, 0, 1, 1]) == [(0, 1, 1), (2, 3, 1)]
    assert shifts([2, 2]) == [(0, 2, 2)] and shifts([0, 0]) == []


def test_setups_default_and_refuse_inconsistent_teams() -> None:
    """A skill named chat is chat; others call with one slot in their own team. A setup of
    an unknown skill, a team mixing slots and a channel mixing patience are refused."""
    f = parse_forecast(_flat(5, skill="chat") + _flat(5, skill="sales")[len(HEAD) :])
    assert [(s.name, s.channel, s.max_slots, s.group_name) for s in setups_for(f, [])] == [
        ("chat", "chat", 1, "chat"),
        ("sales", "call", 1, "sales"),
    ]
    with pytest.raises(ParameterError, match=r"skills\.billing"):
        setups_for(f, [SkillSetup(name="billing")])
    mixed = [SkillSetup(name="chat", max_slots=3, group="g"), SkillSetup(name="sales", group="g")]
    with pytest.raises(ParameterError, match="one max_slots per group"):
        setups_for(f, mixed)
    g = parse_forecast(_flat(5, skill="a", patience="60") + _flat(5, skill="b")[len(HEAD) :])
    with pytest.raises(InputError, match="row 26, column patience_s, value '': skill 'b'"):
        setups_for(g, [])
    assert group_skills(setups_for(f, [SkillSetup(name="sales", group="chat")])) == {
        "chat": ("chat", "sales")
    }


def test_profiles_are_rotated_by_the_warm_up() -> None:
    """Hourly volumes 0..23 with a 2 h warm-up: the scenario starts at 22:00 the day before,
    so its arrival bins start with hours 22 and 23 (the evening replayed), then 0, 1, ..."""
    rows = [f"2026-03-02 {h:02d}:00,calls,{h},300," for h in range(24)]
    f = parse_forecast(HEAD + "\n".join(rows) + "\n")
    doc = day_document(
        forecast=f, day=0, setups=setups_for(f, []), group="calls", staffing=[3] * 24,
        warmup_s=7200, cooldown_s=3600,
    )  # fmt: skip
    assert doc["scenario"]["start"] == "2026-03-01T22:00:00Z" and doc["scenario"]["hours"] == 27
    (stream,) = doc["streams"]
    assert stream["rate_per_hour"] == 23.0
    assert [round(x * 23) for x in doc["profiles"]["arrivals-1"][:4]] == [22, 23, 0, 1]
    assert doc["pools"] == [
        {
            "name": "calls-0-24", "count": 3, "first_id": 1, "group": 1, "skills": [1],
            "sites": ["main"], "max_slots": 1, "shift_starts_h": [0.0], "shift_hours": 24.0,
            "logout_grace_s": 3600.0,
        }
    ]  # fmt: skip
    with pytest.raises(ParameterError, match="whole number"):
        day_document(
            forecast=f, day=0, setups=setups_for(f, []), group="calls", staffing=[1] * 24,
            warmup_s=100, cooldown_s=0,
        )  # fmt: skip


def test_handle_profile_follows_the_forecast_aht() -> None:
    """Two calls skills in one team: the call handle mean is the volume-weighted AHT
    (10 x 200 + 30 x 400) / 40 = 350 s and each skill's bins are its AHT / 350."""
    text = _flat(10, aht=200, skill="a") + _flat(30, aht=400, skill="b")[len(HEAD) :]
    f = parse_forecast(text)
    setups = setups_for(f, [SkillSetup(name="a", group="t"), SkillSetup(name="b", group="t")])
    doc = day_document(
        forecast=f, day=0, setups=setups, group="t", staffing=[5] * 24, warmup_s=0, cooldown_s=0
    )
    assert doc["modes"]["call"]["handle"] == {"kind": "exponential", "mean_s": 350.0}
    assert doc["profiles"]["aht-1"] == [pytest.approx(200 / 350)] * 24
    assert doc["profiles"]["aht-2"] == [pytest.approx(400 / 350)] * 24
    assert doc["pools"][0]["skills"] == [1, 2]


def test_simulated_agents_online_follow_the_staffing() -> None:
    """Agents online per hour integrate to the staffing exactly (a volume of 1e-9 per hour
    sends no conversation, so nobody stays on to finish one)."""
    staffing = [0] * 6 + [2, 4, 4, 3] + [5] * 8 + [1] * 6
    f = parse_forecast(_flat(1e-9))
    grid, end = measured_grid(f, 0, warmup_s=3600)
    doc = day_document(
        forecast=f, day=0, setups=setups_for(f, []), group="calls", staffing=staffing,
        warmup_s=3600, cooldown_s=0,
    )  # fmt: skip
    result = simulate(scenario=Scenario.from_dict(doc), seed=0)
    assert result.queue.num_rows == 0
    edges = grid.origin_ms + np.arange(25, dtype=float) * 3_600_000
    online = sum(st.integrate(edges)[0] for st in human_agent_steps(result).values())
    assert (np.asarray(online) / 3_600_000).tolist() == staffing
    assert end == grid.origin_ms + 86_400_000


def test_a_messaging_skill_is_simulated_as_sessions_of_its_aht() -> None:
    """A forecast's AHT says how long a messaging conversation holds a slot, not its turns:
    the day's scenario gives modes.messaging a handle time (exponential, mean the AHT), so
    the simulator runs its segments as sessions; made constant here (600 s, flat profile
    1), each human segment holds its slot exactly that long, with no turn messages."""
    f = parse_forecast(_flat(2, aht=600.0, skill="messaging"))
    doc = day_document(
        forecast=f,
        day=0,
        setups=setups_for(f, []),
        group="messaging",
        staffing=[2] * 24,
        warmup_s=0,
        cooldown_s=0,
    )
    doc["modes"]["messaging"]["handle"] = {"kind": "constant", "mean_s": 600.0}
    result = simulate(scenario=Scenario.from_dict(doc), seed=1, days=0.25)
    segments = result.segments.filter(result.segments["end_ms"].is_valid())
    lengths = (segments["end_ms"].to_numpy() - segments["start_ms"].to_numpy()).tolist()
    assert lengths and set(lengths) == {600_000}
    senders = {r["sender_role"] for r in result.log.records() if r["kind"] == "message.sent"}
    assert senders == {"consumer"}  # only each conversation's opening message
