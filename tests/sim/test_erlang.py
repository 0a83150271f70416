"""Erlang B/C/A closed forms: public check values, a brute-force chain, and simulation CIs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from ccbench import ParameterError
from sim import load_scenario, simulate
from sim.erlang import erlang_a, erlang_b, erlang_c


def _chain(c: int, lam: float, mu: float, theta: float, n_max: int = 400) -> np.ndarray:
    """Stationary distribution of the M/M/c+M birth-death chain, truncated at n_max."""
    death = np.array([min(n, c) * mu + max(n - c, 0) * theta for n in range(1, n_max + 1)])
    log_p = np.concatenate([[0.0], np.cumsum(np.log(lam) - np.log(death))])
    p = np.exp(log_p - log_p.max())
    return p / p.sum()


def test_pyworkforce_check_value() -> None:
    """100 contacts / 30 min, AHT 3 min, 14 agents, 20 s: the published P(W>0), ASA, SL."""
    m = erlang_c(servers=14, arrival_rate=100 / 1800, mean_handle_s=180)
    assert m.p_wait == pytest.approx(0.174132, abs=1e-6)
    assert m.mean_wait_s == pytest.approx(7.8359, abs=1e-4)
    assert m.service_level(20) == pytest.approx(0.888350, abs=1e-6)


def test_erlang_a_poisson_check_value() -> None:
    """theta = mu = 1, c = 5, a = 4: P(W>0) = 0.371163 = P(Poisson(4) >= 5)."""
    m = erlang_a(servers=5, arrival_rate=4.0, mean_handle_s=1.0, mean_patience_s=1.0)
    assert m.p_wait == pytest.approx(0.371163, abs=1e-6)
    assert m.p_wait == pytest.approx(stats.poisson.sf(4, 4), abs=1e-12)


def test_erlang_b_recursion() -> None:
    """B_c(a) equals the textbook recursion B_k = a B_{k-1} / (k + a B_{k-1})."""
    for c, a in ((1, 0.5), (10, 8.0), (50, 45.0), (200, 190.0)):
        b = 1.0
        for k in range(1, c + 1):
            b = a * b / (k + a * b)
        assert erlang_b(servers=c, load=a) == pytest.approx(b, rel=1e-10)


@pytest.mark.parametrize(
    ("c", "lam", "mean_s", "patience_s"),
    [
        (5, 4.0, 1.0, 2.0),
        (10, 0.03, 300.0, 600.0),
        (20, 25.0, 1.0, 0.5),
        (3, 3.5, 1.0, 10.0),
    ],
)
def test_erlang_a_matches_birth_death_chain(
    c: int, lam: float, mean_s: float, patience_s: float
) -> None:
    """P(W>0) = P(N >= c) and P(Ab) = theta E[(N-c)+] / lambda (PASTA, rate balance)."""
    theta, mu = 1 / patience_s, 1 / mean_s
    p = _chain(c, lam, mu, theta)
    n = np.arange(len(p))
    m = erlang_a(servers=c, arrival_rate=lam, mean_handle_s=mean_s, mean_patience_s=patience_s)
    assert m.p_wait == pytest.approx(p[c:].sum(), abs=1e-6)
    p_ab = theta * float((np.maximum(n - c, 0) * p).sum()) / lam
    assert m.p_abandon == pytest.approx(p_ab, abs=1e-6)
    assert m.mean_wait_s == pytest.approx(p_ab / theta, rel=1e-6)


@pytest.mark.parametrize(("c", "a"), [(5, 4.0), (14, 10.0), (50, 45.0)])
def test_erlang_c_matches_chain(c: int, a: float) -> None:
    """P(W>0), E[W] and SL(t) equal the M/M/c chain's (wait of n-c+1 exponential phases)."""
    mu = 1.0
    p = _chain(c, a * mu, mu, 0.0, n_max=2000)
    m = erlang_c(servers=c, arrival_rate=a * mu, mean_handle_s=1 / mu)
    assert m.p_wait == pytest.approx(p[c:].sum(), abs=1e-6)
    k = np.arange(len(p) - c) + 1  # an arrival finding n >= c waits for n - c + 1 departures
    assert m.mean_wait_s == pytest.approx(float((p[c:] * k / (c * mu)).sum()), abs=1e-6)
    for t in (0.1, 0.5, 2.0):
        late = float((p[c:] * stats.gamma.sf(t, k, scale=1 / (c * mu))).sum())
        assert m.service_level(t) == pytest.approx(1 - late, abs=1e-6)


def test_erlang_a_tends_to_erlang_c() -> None:
    """With very patient consumers Erlang A approaches Erlang C."""
    c = erlang_c(servers=10, arrival_rate=0.03, mean_handle_s=300)
    a = erlang_a(servers=10, arrival_rate=0.03, mean_handle_s=300, mean_patience_s=1e6)
    # theta = 1e-6 /s: the gap to Erlang C is about theta * E[W | W > 0] ~ 1e-3 relative.
    assert a.p_wait == pytest.approx(c.p_wait, rel=2e-3)
    assert a.service_level(20) == pytest.approx(c.service_level(20), rel=2e-3)


def test_erlang_a_series_branch() -> None:
    """When P(x, y) underflows (theta = 1e-6, x = 5e6, y = 4e6), the series for A still
    gives Erlang C's P(W>0) for c = 5, a = 4 (abandonment is negligible)."""
    c = erlang_c(servers=5, arrival_rate=4.0, mean_handle_s=1.0)
    a = erlang_a(servers=5, arrival_rate=4.0, mean_handle_s=1.0, mean_patience_s=1e6)
    assert a.p_wait == pytest.approx(c.p_wait, rel=1e-5)
    assert a.p_abandon == pytest.approx(0.0, abs=1e-5)


def test_bad_parameters() -> None:
    """Unstable Erlang C and non-positive inputs raise ParameterError naming the parameter."""
    with pytest.raises(ParameterError, match=r"'arrival_rate'.*without bound"):
        erlang_c(servers=2, arrival_rate=1.0, mean_handle_s=3.0)
    with pytest.raises(ParameterError, match="'servers'"):
        erlang_c(servers=0, arrival_rate=1.0, mean_handle_s=0.5)
    with pytest.raises(ParameterError, match="'mean_patience_s'"):
        erlang_a(servers=2, arrival_rate=1.0, mean_handle_s=1.0, mean_patience_s=0)


def _replications(name: str, engine: str, reps: int, t_sl: float) -> dict[str, np.ndarray]:
    """Per-replication P(W>0), E[W] (s), SL(t) = answered within t / arrivals, P(Ab).

    Two-day runs; arrivals in the first 2 h (warm-up from empty) and the last 2 h
    (may still be waiting at the horizon) are left out.
    """
    scenario = load_scenario(name)
    out: dict[str, list[float]] = {"p_wait": [], "mean_wait": [], "sl": [], "p_ab": []}
    for seed in range(reps):
        q = simulate(scenario=scenario, seed=1000 + seed, days=2, engine=engine).queue
        arr = q.column("arrival_ms").to_numpy().astype(float)
        t0 = arr.min() if len(arr) else 0.0
        keep = (arr >= t0 + 2 * 3600e3) & (arr < t0 + 46 * 3600e3)
        queued = q.column("queued_ms").to_numpy(zero_copy_only=False).astype(float)[keep]
        ans = np.asarray(q.column("answered_ms").to_pylist(), dtype=float)[keep]
        ab = np.asarray(q.column("abandoned_ms").to_pylist(), dtype=float)[keep]
        left = np.where(np.isnan(ans), ab, ans)
        assert not np.isnan(left).any()
        wait = (left - queued) / 1000.0
        out["p_wait"].append(float((wait > 0).mean()))
        out["mean_wait"].append(float(wait.mean()))
        out["sl"].append(float((~np.isnan(ans) & (wait <= t_sl)).mean()))
        out["p_ab"].append(float((~np.isnan(ab)).mean()))
    return {k: np.asarray(v) for k, v in out.items()}


def _assert_inside(samples: dict[str, np.ndarray], expected: dict[str, float]) -> None:
    for key, value in expected.items():
        x = samples[key]
        half = stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x))
        assert abs(x.mean() - value) <= half, (
            f"{key}: analytic {value:.5f} outside {x.mean():.5f} +- {half:.5f}"
        )


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["general", "fast"])
def test_erlang_c_scenario_inside_confidence_intervals(engine: str) -> None:
    """erlang_c: analytic P(W>0), E[W], SL(20 s) inside the 95% CI of 40 replications."""
    m = erlang_c(servers=10, arrival_rate=102 / 3600, mean_handle_s=300)
    samples = _replications("erlang_c", engine, 40, 20.0)
    _assert_inside(
        samples, {"p_wait": m.p_wait, "mean_wait": m.mean_wait_s, "sl": m.service_level(20.0)}
    )
    assert samples["p_ab"].max() == 0


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["general", "fast"])
def test_erlang_a_scenario_inside_confidence_intervals(engine: str) -> None:
    """erlang_a: analytic P(W>0), E[W], SL(20 s) (answered within t / arrivals) and P(Ab)
    inside the 95% CI of 40 replications."""
    m = erlang_a(servers=10, arrival_rate=114 / 3600, mean_handle_s=300, mean_patience_s=600)
    samples = _replications("erlang_a", engine, 40, 20.0)
    _assert_inside(
        samples,
        {
            "p_wait": m.p_wait,
            "mean_wait": m.mean_wait_s,
            "sl": m.service_level(20.0),
            "p_ab": m.p_abandon,
        },
    )
