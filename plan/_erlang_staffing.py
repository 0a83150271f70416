"""The Erlang answer per interval: the fewest agents an Erlang calculator says meet the targets.

Each interval and skill is taken on its own as a stationary queue (what Erlang calculators
and planners' spreadsheets do): arrival rate lambda = volume / interval length, mean handle
time AHT, one conversation per agent. Without a patience that is Erlang C (M/M/N), with
one Erlang A (M/M/N+M, exponential patience with the given mean). The answer is the
smallest N >= 1 whose steady-state values meet every target:

- service level P(answered within threshold_s), over all arrivals, >= target;
- ASA, the mean wait of the answered conversations, <= max_asa_s (when set);
- abandon rate P(abandon) <= max_abandon_rate (Erlang A; Erlang C never abandons);
- occupancy, answered load lambda (1 - P(abandon)) AHT / N, <= max_occupancy;

and, for Erlang C, N > lambda AHT (a stable queue). Each value improves with N, so the
first N meeting all of them is the minimum. Units: s and 1/s.

The mean wait of the answered in Erlang A (not in :mod:`sim.erlang`) is derived here. An
arrival that finds N + j in the system (j >= 0 waiting ahead) would be served after
V = sum_{m=0..j} Exp(r_m), r_m = N mu + m theta (services and the abandonment of those
ahead); it is served iff its own Exp(theta) patience exceeds V, with probability
L_j = prod_m r_m / (r_m + theta), and E[V; served] = -d/ds E[e^{-sV}] at s = theta =
L_j sum_m 1 / (r_m + theta). With PASTA weights pi_{N+j} = pi_N prod_{i=1..j} lambda /
(N mu + i theta): ASA = sum_j pi_{N+j} L_j sum_m 1/(r_m + theta) / P(served).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

from ccbench import ParameterError
from sim.erlang import QueueMetrics, erlang_a, erlang_c

from ._service_targets import ServiceTargets

__all__ = ["ErlangStaffing", "erlang_a_answered_wait_s", "erlang_staffing"]


@dataclass(frozen=True, slots=True)
class ErlangStaffing:
    """The Erlang answer for one interval: ``agents`` and the values it gives.

    ``model`` is "Erlang C" or "Erlang A"; rates are fractions, times s. With no volume,
    ``agents`` is 0 and the values are NaN (nothing to measure).
    """

    model: str
    agents: int
    service_level: float
    asa_s: float
    abandon_rate: float
    occupancy: float


def erlang_a_answered_wait_s(m: QueueMetrics) -> float:
    """Mean wait (s) of the answered conversations of an Erlang A queue (module docstring)."""
    return answered_share_and_wait(m)[1]


def answered_share_and_wait(m: QueueMetrics) -> tuple[float, float]:
    """P(answered) and the answered's mean wait (s) of an Erlang A queue, by the sum over
    states (P(answered) = 1 - P(abandon) of the closed form checks the sum)."""
    n, lam, theta = m.servers, m.arrival_rate, m.patience_rate
    mu = 1.0 / m.mean_handle_s
    a = lam / mu
    # Unnormalised state weights relative to pi_N: below N they are Poisson pmf ratios.
    p_below = math.exp(float(stats.poisson.logcdf(n - 1, a) - stats.poisson.logpmf(n, a)))
    weight, served, waited = 1.0, 0.0, 0.0
    survive, inverse_sum = 1.0, 0.0
    total = p_below
    j = 0
    while True:
        r = n * mu + j * theta
        survive *= r / (r + theta)
        inverse_sum += 1.0 / (r + theta)
        served += weight * survive
        waited += weight * survive * inverse_sum
        total += weight
        j += 1
        weight *= lam / (n * mu + j * theta)
        if weight < 1e-16 * total and j * theta > lam - n * mu:
            break
    p_served = (p_below + served) / total
    return p_served, (waited / total) / p_served


def _metrics(
    servers: int, rate: float, aht_s: float, patience_s: float | None, threshold_s: float
) -> ErlangStaffing | None:
    if patience_s is None:
        if rate * aht_s >= servers:
            return None  # unstable: the queue grows without bound
        m = erlang_c(servers=servers, arrival_rate=rate, mean_handle_s=aht_s)
        asa = m.mean_wait_s
        model = "Erlang C"
    else:
        m = erlang_a(
            servers=servers, arrival_rate=rate, mean_handle_s=aht_s, mean_patience_s=patience_s
        )
        asa = erlang_a_answered_wait_s(m)
        model = "Erlang A"
    return ErlangStaffing(
        model=model,
        agents=servers,
        service_level=m.service_level(threshold_s),
        asa_s=asa,
        abandon_rate=m.p_abandon,
        occupancy=rate * (1.0 - m.p_abandon) * aht_s / servers,
    )


def _meets(e: ErlangStaffing, t: ServiceTargets) -> bool:
    return (
        e.service_level >= t.service_level
        and (t.max_asa_s is None or e.asa_s <= t.max_asa_s)
        and e.abandon_rate <= t.max_abandon_rate
        and e.occupancy <= t.max_occupancy
    )


def erlang_staffing(
    *,
    volume: float,
    interval_s: float,
    aht_s: float,
    patience_s: float | None,
    targets: ServiceTargets,
) -> ErlangStaffing:
    """The fewest agents meeting ``targets`` for one interval (module docstring).

    ``volume`` conversations in ``interval_s`` s with mean handle ``aht_s`` s and mean
    patience ``patience_s`` s (None = no abandonment: Erlang C). ParameterError when no
    staffing up to load + 50 sqrt(load) + 100 agents meets the targets.
    """
    model = "Erlang C" if patience_s is None else "Erlang A"
    if volume <= 0:
        nan = math.nan
        return ErlangStaffing(model, 0, nan, nan, nan, nan)
    rate = volume / interval_s
    load = rate * aht_s
    first = max(1, math.floor(load) + 1) if patience_s is None else 1
    limit = math.ceil(load + 50 * math.sqrt(load) + 100)
    for servers in range(first, limit + 1):
        e = _metrics(servers, rate, aht_s, patience_s, targets.threshold_s)
        if e is not None and _meets(e, targets):
            return e
    raise ParameterError(
        "targets",
        f"no staffing up to {limit} agents meets them for {volume:g} conversations in "
        f"{interval_s / 60:g} min with AHT {aht_s:g} s ({model}); expected reachable targets",
    )
