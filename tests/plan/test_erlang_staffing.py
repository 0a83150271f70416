"""plan._erlang_staffing: the Erlang answer per interval, by hand and against pyworkforce."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from ccbench import ParameterError
from plan import ServiceTargets, erlang_staffing, headcount, read_forecast
from plan._erlang_staffing import answered_share_and_wait
from sim.erlang import erlang_a, erlang_c

ROOT = Path(__file__).resolve().parents[2]


def test_erlang_c_answer_matches_the_erlang_c_scenario() -> None:
    """51 chats in 30 min (102/h), AHT 300 s, 80% in 20 s: 12 agents (SL 0.845; 11 give
    0.721, scenarios/erlang_c.toml); occupancy 8.5 Erlangs / 12."""
    e = erlang_staffing(
        volume=51, interval_s=1800, aht_s=300, patience_s=None, targets=ServiceTargets()
    )
    assert (e.model, e.agents) == ("Erlang C", 12)
    assert e.service_level == pytest.approx(0.845, abs=5e-4)
    assert e.occupancy == pytest.approx(8.5 / 12)
    assert e.abandon_rate == 0.0


def test_occupancy_and_asa_caps_raise_the_answer() -> None:
    """An occupancy cap of 0.7 needs N >= 8.5 / 0.7 = 12.14, so 13; an ASA cap of 10 s needs
    the first N whose Erlang C mean wait is <= 10 s (12 agents wait 13.5 s on average)."""
    base = {"volume": 51, "interval_s": 1800, "aht_s": 300, "patience_s": None}
    capped = erlang_staffing(**base, targets=ServiceTargets(max_occupancy=0.7))  # type: ignore[arg-type]
    assert capped.agents == 13
    asa = erlang_staffing(**base, targets=ServiceTargets(max_asa_s=10))  # type: ignore[arg-type]
    twelve = erlang_c(servers=12, arrival_rate=51 / 1800, mean_handle_s=300).mean_wait_s
    assert twelve > 10 and asa.agents == 13 and asa.asa_s <= 10


def test_no_volume_needs_nobody_and_unreachable_targets_are_refused() -> None:
    """Volume 0 gives 0 agents with NaN values; an occupancy cap of 0 cannot be reached."""
    e = erlang_staffing(
        volume=0, interval_s=1800, aht_s=300, patience_s=None, targets=ServiceTargets()
    )
    assert e.agents == 0 and math.isnan(e.service_level)
    with pytest.raises(ParameterError, match="no staffing up to"):
        erlang_staffing(
            volume=51,
            interval_s=1800,
            aht_s=300,
            patience_s=60,
            targets=ServiceTargets(max_occupancy=0.0),
        )


@pytest.mark.parametrize(
    ("servers", "rate", "aht", "patience"),
    [(10, 100 / 1800, 150, 300), (5, 0.05, 300, 120), (50, 0.5, 120, 60), (100, 2.0, 60, 30)],
)
def test_erlang_a_state_sum_reproduces_the_closed_form(
    servers: int, rate: float, aht: float, patience: float
) -> None:
    """P(answered) from the state sum equals 1 - P(abandon) of Garnett's closed form, also
    overloaded (rate x AHT = 120 > 100 agents)."""
    m = erlang_a(servers=servers, arrival_rate=rate, mean_handle_s=aht, mean_patience_s=patience)
    answered, _ = answered_share_and_wait(m)
    assert answered == pytest.approx(1 - m.p_abandon, rel=1e-12)


def test_erlang_a_answered_wait_tends_to_erlang_c() -> None:
    """With patience 1e7 s nobody leaves: the answered's mean wait is Erlang C's 26.60 s."""
    m = erlang_a(servers=12, arrival_rate=0.03, mean_handle_s=300, mean_patience_s=1e7)
    c = erlang_c(servers=12, arrival_rate=0.03, mean_handle_s=300)
    assert answered_share_and_wait(m)[1] == pytest.approx(c.mean_wait_s, rel=1e-3)


def test_erlang_a_answered_wait_one_server_by_hand() -> None:
    """M/M/1+M with lambda = mu = theta = 1: pi_{1+j} = pi_1 / (j + 1)! ... summed by hand.

    An arrival finding j waiting is answered after V = sum_{m=0..j} Exp(1 + m); with
    theta = 1, L_j = prod_m (1+m)/(2+m) = 1/(j+2) and sum_m 1/(2+m). Weights (relative to
    pi_1): pi_0 = 1, pi_{1+j} = prod_{i=1..j} 1/(1+i) = 1/(j+1)!. So P(answered) =
    (1 + sum_j L_j / (j+1)!) / (1 + sum_j 1/(j+1)!) and the answered's wait is
    sum_j L_j H_j / (j+1)! / (1 + sum_j L_j/(j+1)!), H_j = sum_{m=0..j} 1/(2+m).
    """
    m = erlang_a(servers=1, arrival_rate=1.0, mean_handle_s=1.0, mean_patience_s=1.0)
    weights = [1 / math.factorial(j + 1) for j in range(40)]
    served = [w / (j + 2) for j, w in enumerate(weights)]
    harmonic = [sum(1 / (2 + k) for k in range(j + 1)) for j in range(40)]
    p_answered = (1 + sum(served)) / (1 + sum(weights))
    wait = sum(s * h for s, h in zip(served, harmonic, strict=True)) / (1 + sum(served))
    got = answered_share_and_wait(m)
    assert got[0] == pytest.approx(p_answered, rel=1e-12)
    assert got[1] == pytest.approx(wait, rel=1e-12)


def test_headcount_is_exact() -> None:
    """21 agents at 30% shrinkage are 30 heads (21 / 0.7 = 30; the float division gives
    30.000000000000004, whose ceiling is 31); 22 need 31.43, so 32."""
    assert 21 / (1 - 0.3) > 30
    assert headcount(21, 0.3) == 30 and headcount(22, 0.3) == 32 and headcount(0, 0.5) == 0


def test_voice_forecast_matches_pyworkforce_interval_by_interval() -> None:
    """Every skill of examples/forecast.csv as a single-skill voice queue without patience:
    ccbench's Erlang C agents equal pyworkforce's raw positions in all 144 intervals
    (80% in 20 s, occupancy cap 0.85), and its positions (30% shrinkage) equal the headcount
    wherever pyworkforce's float division does not land a hair above a whole number."""
    from pyworkforce.queuing import ErlangC

    f = read_forecast(ROOT / "examples" / "forecast.csv")
    targets = ServiceTargets(service_level=0.8, threshold_s=20, max_occupancy=0.85)
    for k in range(len(f.skills)):
        for i in range(f.intervals_per_day):
            volume, aht = float(f.volume[0, k, i]), float(f.aht_s[0, k, i])
            ours = erlang_staffing(
                volume=volume, interval_s=1800, aht_s=aht, patience_s=None, targets=targets
            )
            theirs = ErlangC(
                transactions=volume, aht=aht / 60, asa=20 / 60, interval=30, shrinkage=0.3
            ).required_positions(service_level=0.8, max_occupancy=0.85)
            assert ours.agents == theirs["raw_positions"], (f.skills[k], i)
            assert ours.service_level == pytest.approx(theirs["service_level"], rel=1e-9)
            if (ours.agents / (1 - 0.3)) % 1 > 1e-9:
                assert headcount(ours.agents, 0.3) == theirs["positions"], (f.skills[k], i)
