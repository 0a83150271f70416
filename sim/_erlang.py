"""Erlang B, C and A in closed form, computed in log space with scipy.

Notation (../shared/reference/queueing-formulas.md): arrival rate lambda
(1/s), mean handle time E[S] = 1/mu (s), offered load a = lambda/mu, c agents,
rho = a/c, patience rate theta = 1/mean patience (1/s, Erlang A). Erlang A is
Garnett, Mandelbaum and Reiman (2002); with theta -> 0 it tends to Erlang C.

Service level definitions (they differ once consumers abandon):
``service_level(t)`` = P(answered within t) over all arrivals (abandoners
count as not answered); ``wait_within(t)`` = P(W <= t) where abandoners'
waits end when they leave. Without abandonment both equal
1 - C exp(-(c mu - lambda) t).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import special, stats

from ccbench import ParameterError

__all__ = ["QueueMetrics", "erlang_a", "erlang_b", "erlang_c"]


def _check(servers: int, arrival_rate: float, mean_handle_s: float) -> None:
    if isinstance(servers, bool) or not isinstance(servers, int) or servers < 1:
        raise ParameterError("servers", f"expected an integer >= 1, got {servers!r}")
    if not arrival_rate > 0:
        raise ParameterError("arrival_rate", f"expected a rate > 0 (1/s), got {arrival_rate!r}")
    if not mean_handle_s > 0:
        raise ParameterError("mean_handle_s", f"expected a duration > 0 (s), got {mean_handle_s!r}")


def erlang_b(*, servers: int, load: float) -> float:
    """Blocking probability B_c(a) = Poisson(a) pmf(c) / cdf(c), in log space."""
    if isinstance(servers, bool) or not isinstance(servers, int) or servers < 0:
        raise ParameterError("servers", f"expected an integer >= 0, got {servers!r}")
    if not load > 0:
        raise ParameterError("load", f"expected an offered load > 0 (Erlangs), got {load!r}")
    return float(
        math.exp(stats.poisson.logpmf(servers, load) - stats.poisson.logcdf(servers, load))
    )


@dataclass(frozen=True)
class QueueMetrics:
    """Steady-state metrics of an M/M/c (Erlang C) or M/M/c+M (Erlang A) queue.

    ``p_wait`` = P(W > 0); ``mean_wait_s`` = E[W] over all arrivals (abandoners
    counted until they leave); ``p_abandon`` = P(Ab) (0 for Erlang C).
    """

    servers: int
    arrival_rate: float
    mean_handle_s: float
    patience_rate: float
    p_wait: float
    mean_wait_s: float
    p_abandon: float

    @property
    def _xy(self) -> tuple[float, float]:
        mu = 1.0 / self.mean_handle_s
        return self.servers * mu / self.patience_rate, self.arrival_rate / self.patience_rate

    def service_level(self, t_s: float) -> float:
        """P(answered within t_s seconds), over all arrivals."""
        if self.patience_rate == 0:
            return self.wait_within(t_s)
        x, y = self._xy
        z = y * math.exp(-self.patience_rate * t_s)
        ratio = (
            x
            * (special.gammainc(x + 1, y) - special.gammainc(x + 1, z))
            / (y * special.gammainc(x, y))
        )
        return float((1 - self.p_wait) + self.p_wait * ratio)

    def wait_within(self, t_s: float) -> float:
        """P(W <= t_s), a consumer who abandons counted as waiting until leaving."""
        if self.patience_rate == 0:
            drain = self.servers / self.mean_handle_s - self.arrival_rate
            return 1.0 - self.p_wait * math.exp(-drain * t_s)
        x, y = self._xy
        theta = self.patience_rate
        tail = special.gammainc(x, y * math.exp(-theta * t_s)) / special.gammainc(x, y)
        return float(1.0 - self.p_wait * tail * math.exp(-theta * t_s))


def erlang_c(*, servers: int, arrival_rate: float, mean_handle_s: float) -> QueueMetrics:
    """Erlang C (no abandonment); requires a stable queue, rho = lambda E[S] / c < 1."""
    _check(servers, arrival_rate, mean_handle_s)
    a = arrival_rate * mean_handle_s
    if a >= servers:
        raise ParameterError(
            "arrival_rate",
            f"expected load below {servers} agents, got "
            f"{a:.4g} Erlangs (the queue grows without bound)",
        )
    b = erlang_b(servers=servers, load=a)
    c = servers * b / (servers - a * (1 - b))
    asa = c / (servers / mean_handle_s - arrival_rate)
    return QueueMetrics(servers, arrival_rate, mean_handle_s, 0.0, c, asa, 0.0)


def _big_a(x: float, y: float) -> float:
    """A = x e^y y^(-x) gamma(x, y) (gamma = lower incomplete gamma = P(x, y) Gamma(x)).

    In log space; when P(x, y) underflows (very patient consumers, y << x) the
    series 1 + sum_j y^j / prod_{k<=j} (x + k) is summed instead.
    """
    p = special.gammainc(x, y)
    if p > 1e-300:
        return math.exp(math.log(x) + y - x * math.log(y) + math.log(p) + special.gammaln(x))
    total, term, j = 1.0, 1.0, 1
    while term > 1e-17 * total:
        term *= y / (x + j)
        total += term
        j += 1
    return total


def erlang_a(
    *, servers: int, arrival_rate: float, mean_handle_s: float, mean_patience_s: float
) -> QueueMetrics:
    """Erlang A (exponential patience with mean ``mean_patience_s``); any load."""
    _check(servers, arrival_rate, mean_handle_s)
    if not mean_patience_s > 0:
        raise ParameterError(
            "mean_patience_s", f"expected a duration > 0 (s), got {mean_patience_s!r}"
        )
    theta = 1.0 / mean_patience_s
    a = arrival_rate * mean_handle_s
    rho = a / servers
    x, y = servers / mean_handle_s / theta, arrival_rate / theta
    big_a = _big_a(x, y)
    e = erlang_b(servers=servers, load=a)
    p_wait = big_a * e / (1 + (big_a - 1) * e)
    p_ab = (1 / (rho * big_a) + 1 - 1 / rho) * p_wait
    return QueueMetrics(servers, arrival_rate, mean_handle_s, theta, p_wait, p_ab / theta, p_ab)
