"""Sampling the scenario's duration distributions in seconds: vectorised, and as scalar
draws for the event loop (blocks drawn ahead, consumed in the loop's order)."""

from __future__ import annotations

import math

import numpy as np

from ._sections import DistSpec, MessagingSpec

__all__ = ["DrawBank", "Draws", "MessagingTimes", "sample"]


def sample(dist: DistSpec, rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` draws (float64 seconds) from ``dist``; kind ``none`` gives +inf.

    Lognormal is parametrised by its own mean and standard deviation (not the
    underlying normal's): sigma^2 = ln(1 + sd^2/mean^2), mu = ln(mean) - sigma^2/2.
    Empirical draws the listed values with the given (or equal) weights.
    """
    if dist.kind == "exponential":
        return rng.exponential(dist.mean_s, n)
    if dist.kind == "lognormal":
        sigma2 = math.log1p((dist.sd_s / dist.mean_s) ** 2)
        return rng.lognormal(math.log(dist.mean_s) - sigma2 / 2, math.sqrt(sigma2), n)
    if dist.kind == "empirical":
        values = np.asarray(dist.values_s, dtype=float)
        if dist.weights:
            p = np.asarray(dist.weights, dtype=float)
            return rng.choice(values, size=n, p=p / p.sum())
        return rng.choice(values, size=n)
    if dist.kind == "constant":
        return np.full(n, dist.mean_s)
    return np.full(n, np.inf)


class Draws:
    """Scalar draws from one distribution, pre-drawn in blocks (fast inside the event loop).

    Blocks come from ``rng`` as they are used up, so the sequence of values is
    fixed by the seed and the order of the calls (the event loop's order).
    """

    def __init__(self, dist: DistSpec, rng: np.random.Generator, block: int = 4096) -> None:
        self.dist, self.rng, self.block = dist, rng, block
        self.values: list[float] = []
        self.next = 0

    def __call__(self) -> float:
        if self.next == len(self.values):
            self.values = sample(self.dist, self.rng, self.block).tolist()
            self.next = 0
        self.next += 1
        return float(self.values[self.next - 1])


class DrawBank:
    """Scalar draws from any of a scenario's distributions, one :class:`Draws` each,
    all from one generator (the scenario objects live as long as the run)."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self._draws: dict[int, Draws] = {}

    def __call__(self, dist: DistSpec) -> float:
        """One draw from ``dist`` (s)."""
        draws = self._draws.get(id(dist))
        if draws is None:
            draws = self._draws[id(dist)] = Draws(dist, self.rng)
        return draws()


class MessagingTimes:
    """The messaging timings of a scenario as scalar draws, in seconds.

    Agent delays are the drawn value times ``held ** reply_elasticity`` (held =
    conversations the agent holds when the delay starts). A consumer gap is
    infinite with probability ``walk_away`` (the consumer never answers), else
    a long silence with probability ``silence_share``, else a think time.
    """

    def __init__(self, spec: MessagingSpec, rng: np.random.Generator) -> None:
        self.spec = spec
        self._first = Draws(spec.first_response, rng)
        self._reply = Draws(spec.agent_reply, rng)
        self._think = Draws(spec.consumer_reply, rng)
        self._silence = Draws(spec.silence, rng)
        self._unit = Draws(DistSpec(kind="exponential", mean_s=1.0), rng)
        self._rng = rng
        self._u: list[float] = []
        self._next_u = 0
        self._q = 1.0 - 1.0 / spec.turns_mean  # geometric: P(more turns after each one)

    def uniform(self) -> float:
        """A uniform draw in [0, 1)."""
        if self._next_u == len(self._u):
            self._u = self._rng.random(4096).tolist()
            self._next_u = 0
        self._next_u += 1
        return float(self._u[self._next_u - 1])

    def first_response(self, held: int) -> float:
        """Delay of an agent's first message in a segment (s)."""
        return self._first() * math.pow(held, self.spec.reply_elasticity)

    def reply(self, held: int) -> float:
        """Delay of an agent's answer to a consumer message (s)."""
        return self._reply() * math.pow(held, self.spec.reply_elasticity)

    def consumer_gap(self) -> float:
        """Time until the consumer answers an agent message (s; inf = never)."""
        u = self.uniform()
        spec = self.spec
        if u < spec.walk_away:
            return math.inf
        if u < spec.walk_away + (1.0 - spec.walk_away) * spec.silence_share:
            return self._silence()
        return self._think()

    def turns(self) -> int:
        """Consumer messages to answer before resolution: geometric on 1, 2, ...

        An exponential E with mean 1 gives 1 + floor(E / -ln q), which is
        geometric with P(K > k) = q ** k and mean 1 / (1 - q) = turns_mean.
        """
        if self._q <= 0.0:
            return 1
        return 1 + int(self._unit() / -math.log(self._q))
