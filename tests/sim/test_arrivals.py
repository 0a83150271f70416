"""Arrivals: the NHPP follows profiles and surges; consumers return at the set share."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import numpy as np

from sim import Scenario
from sim._arrivals import draw_arrivals

ROOT = Path(__file__).resolve().parents[2]


def _one_stream(**stream: Any) -> Scenario:
    doc: dict[str, Any] = copy.deepcopy(
        tomllib.loads((ROOT / "scenarios" / "erlang_c.toml").read_text())
    )
    doc["streams"][0].update(stream)
    return Scenario.from_dict(doc)


def _arrivals(scenario: Scenario, seed: int = 0) -> Any:
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(4)]
    return draw_arrivals(
        scenario, arrivals=rngs[0], attributes=rngs[1], patience=rngs[2], handle=rngs[3]
    )


def test_profile_shapes_hourly_counts() -> None:
    """Hourly counts follow rate x profile: each within 5 Poisson sigmas of its mean."""
    profile = [float(h % 6) for h in range(24)]  # 0, 1, ..., 5 repeating; zero hours stay empty
    doc = _one_stream(rate_per_hour=2000.0).to_dict()
    doc["profiles"] = {"p": profile}
    doc["streams"][0]["profile"] = "p"
    arrivals = _arrivals(Scenario.from_dict(doc))
    counts = np.bincount((arrivals.t // 3600).astype(int), minlength=24)
    expected = 2000.0 * np.asarray(profile)
    assert counts[expected == 0].sum() == 0
    assert np.all(np.abs(counts - expected) <= 5 * np.sqrt(np.maximum(expected, 1)))


def test_surge_multiplies_rate_in_its_window() -> None:
    """A x3 surge from 10:30 to 11:30 triples the expected count there and nowhere else."""
    doc = _one_stream(rate_per_hour=3000.0).to_dict()
    doc["surges"] = [{"start_h": 10.5, "hours": 1.0, "multiplier": 3.0}]
    arrivals = _arrivals(Scenario.from_dict(doc), seed=4)
    inside = ((arrivals.t >= 10.5 * 3600) & (arrivals.t < 11.5 * 3600)).sum()
    before = ((arrivals.t >= 9.5 * 3600) & (arrivals.t < 10.5 * 3600)).sum()
    # Expected 9000 inside (sd ~95) and 3000 the hour before (sd ~55).
    assert abs(inside - 9000) < 500
    assert abs(before - 3000) < 300


def test_arrivals_sorted_and_inside_horizon() -> None:
    """Arrival times are sorted and in [0, horizon)."""
    arrivals = _arrivals(_one_stream(rate_per_hour=500.0), seed=2)
    assert np.all(np.diff(arrivals.t) >= 0)
    assert arrivals.t.min() >= 0
    assert arrivals.t.max() < 24 * 3600


def test_returning_consumers_share() -> None:
    """With returning_share 0.4, about 40% of conversations reuse an earlier consumer."""
    doc = _one_stream(rate_per_hour=1000.0).to_dict()
    doc["consumers"] = {"returning_share": 0.4}
    arrivals = _arrivals(Scenario.from_dict(doc), seed=3)
    first_seen = np.unique(arrivals.consumer, return_index=True)[1]
    returning = 1 - len(first_seen) / len(arrivals)
    assert abs(returning - 0.4) < 0.02  # n ~ 24000: sd of the share ~ 0.003
    # A returning consumer always refers to one seen earlier.
    assert np.all(arrivals.consumer <= np.maximum.accumulate(arrivals.consumer))


def test_handle_and_patience_profiles_scale_times_by_time_of_day() -> None:
    """Constant handle 100 s and patience 50 s with bins [1, 3] / [2, 0.5]: exactly 100 s
    and 100 s before noon, 300 s and 25 s after (the bin the arrival falls in)."""
    doc = _one_stream(rate_per_hour=200.0).to_dict()
    doc["modes"]["chat"]["handle"] = {"kind": "constant", "mean_s": 100.0}
    doc["modes"]["chat"]["patience"] = {"kind": "constant", "mean_s": 50.0}
    doc["profiles"] = {"aht": [1.0, 3.0], "pat": [2.0, 0.5]}
    doc["streams"][0].update(handle_profile="aht", patience_profile="pat")
    arrivals = _arrivals(Scenario.from_dict(doc), seed=1)
    morning = arrivals.t < 43_200
    assert morning.any() and (~morning).any()
    assert set(arrivals.handle[morning]) == {100.0} and set(arrivals.handle[~morning]) == {300.0}
    assert set(arrivals.patience[morning]) == {100.0} and set(arrivals.patience[~morning]) == {25.0}


def test_patience_profile_keeps_never_abandoning_consumers() -> None:
    """No patience (kind none) stays infinite under a patience profile, even a 0 bin."""
    doc = _one_stream(rate_per_hour=100.0).to_dict()
    doc["profiles"] = {"pat": [0.0, 2.0]}
    doc["streams"][0]["patience_profile"] = "pat"
    arrivals = _arrivals(Scenario.from_dict(doc), seed=1)
    assert len(arrivals) > 0 and np.all(np.isinf(arrivals.patience))
