"""The seeded query mix: random valid msgagentsegments and dashboard requests, some invalid.

Valid requests combine the seed 004 parameters of the API contract
(:data:`ccbench.api.MSGAGENTSEGMENTS`: timeframe over 1..1440, interval over
the divisors >= 5 of the timeframe, userType and metrics over their choices)
with ids and sources drawn from the roster and the log. In deterministic mode
each request also carries a query instant (``clock_ms``) drawn uniformly from
``[first event, last event + 1 h]`` so windows cover busy and quiet periods.
Invalid requests are the contract's conformance cases
(:func:`loadtest._draws.invalid_pool`); the parameter they must be rejected
for is recorded with them, but verification asks the expected-answer
provider, not this module. A share ``dashboard_share`` of the requests goes
to the dashboard endpoint instead (draws in :mod:`loadtest._dashboard_queries`),
and a share per seed 000-002 family (``family_shares``) to that family's
endpoint (draws in :mod:`loadtest._family_queries`); all 0 sends
msgagentsegments only. One draw picks the endpoint: dashboard, then the
families in the contract's order, the rest msgagentsegments.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ccbench.api import AGENT_SEGMENT_METRICS, DASHBOARD, MSGAGENTSEGMENTS, load_conformance
from ccbench.eventlog import EventLog

from ._dashboard_queries import (
    DASHBOARD_ENDPOINT,
    draw_dashboard_query,
    draw_invalid_dashboard_query,
)
from ._draws import InvalidQuery, invalid_pool
from ._family_queries import FAMILIES, FAMILY_ENDPOINTS, FamilyPools, draw_family_query
from ._recording import QueryValue

__all__ = ["METRIC_NAMES", "PlannedQuery", "QueryMix"]

#: The seed 004 metric names the mix may ask for (response key order): the contract's.
METRIC_NAMES: tuple[str, ...] = AGENT_SEGMENT_METRICS
_HOUR_MS = 3_600_000
_TIMEFRAME = MSGAGENTSEGMENTS.parameter("timeframe")
_TIMEFRAMES = (int(_TIMEFRAME.low or 1), int(_TIMEFRAME.high or 1))  # bounds, inclusive
_INTERVAL = MSGAGENTSEGMENTS.parameter("interval")
_USER_TYPES = MSGAGENTSEGMENTS.parameter("userType").choices
_METRIC_CHOICES = (*METRIC_NAMES, "all")


@dataclass(frozen=True, slots=True)
class PlannedQuery:
    """One request of the mix: endpoint, query-string values, query instant, intent.

    ``clock_ms`` is the ``X-Clock-Now`` to send (None in live mode);
    ``invalid_parameter`` names the parameter an invalid request breaks.
    """

    endpoint: str
    params: Mapping[str, QueryValue]
    clock_ms: int | None
    invalid_parameter: str | None = None


@dataclass
class QueryMix:
    """Draws :class:`PlannedQuery` values from one seeded RNG (no global state).

    ``first_ms``/``last_ms``: the log's time range (epoch ms). ``invalid_share``:
    probability in [0, 1] of an invalid request. ``deterministic``: draw a
    query instant per request. ``intervals``: may add ``interval`` (off in
    live mode, where interval timestamps follow the backend's own clock).
    ``dashboard_share``: probability in [0, 1] that a request goes to the
    dashboard; ``timezone``: the roster's, for the dashboard's "today from".
    """

    agent_ids: Sequence[int]
    skill_ids: Sequence[int]
    group_ids: Sequence[int]
    sources: Sequence[str]
    first_ms: int
    last_ms: int
    seed: int
    invalid_share: float = 0.02
    deterministic: bool = True
    intervals: bool = True
    endpoint: str = "msgagentsegments"
    dashboard_share: float = 0.0
    timezone: str = "UTC"
    family_shares: Mapping[str, float] = field(default_factory=dict)
    site_ids: Sequence[str] = ()
    _rng: random.Random = field(init=False, repr=False)
    # drawn from on every request: built once (the sending loop pays for each draw)
    _divisors: dict[int, tuple[int, ...]] = field(init=False, repr=False)
    _pools: tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]] = field(init=False, repr=False)
    _source_choices: tuple[str, ...] = field(init=False, repr=False)
    _invalid: tuple[InvalidQuery, ...] = field(init=False, repr=False)
    _invalid_dashboard: tuple[InvalidQuery, ...] = field(init=False, repr=False)
    _invalid_family: dict[str, tuple[InvalidQuery, ...]] = field(init=False, repr=False)
    _family_pools: FamilyPools = field(init=False, repr=False)

    def __post_init__(self) -> None:
        for name in ("invalid_share", "dashboard_share"):
            share = getattr(self, name)
            if not 0.0 <= share <= 1.0:
                raise ValueError(f"{name}: expected a probability in [0, 1], got {share}")
        for name, share in self.family_shares.items():
            if name not in FAMILY_ENDPOINTS or not 0.0 <= share <= 1.0:
                raise ValueError(f"family_shares.{name}: expected a probability, got {share}")
        if self.dashboard_share + sum(self.family_shares.values()) > 1.0 + 1e-9:
            raise ValueError("dashboard_share + family_shares: expected a sum <= 1")
        self._rng = random.Random(self.seed)
        self._divisors = {}  # filled on first use of each timeframe
        self._pools = (tuple(self.agent_ids), tuple(self.skill_ids), tuple(self.group_ids))
        self._source_choices = (*self.sources, "all", "SMS")
        cases = load_conformance()
        self._invalid = invalid_pool(MSGAGENTSEGMENTS, cases)
        self._invalid_dashboard = invalid_pool(DASHBOARD, cases)
        self._invalid_family = {n: invalid_pool(FAMILIES[n], cases) for n in FAMILY_ENDPOINTS}
        self._family_pools = FamilyPools(
            agent_ids=tuple(self.agent_ids),
            site_ids=tuple(self.site_ids),
            first_ms=self.first_ms,
            last_ms=self.last_ms,
        )

    @classmethod
    def from_log(
        cls,
        log: EventLog,
        *,
        seed: int,
        invalid_share: float = 0.02,
        deterministic: bool = True,
        intervals: bool = True,
        dashboard_share: float = 0.0,
        family_shares: Mapping[str, float] | None = None,
    ) -> QueryMix:
        """A mix drawing ids from ``log.roster`` and sources and instants from the log."""
        roster = log.roster
        span = log.time_range() or (0, 0)
        sources = sorted({s for s in log.table.column("source").to_pylist() if s})
        return cls(
            agent_ids=sorted(a.id for a in roster.agents),
            skill_ids=sorted(s.id for s in roster.skills),
            group_ids=sorted(g.id for g in roster.groups),
            sources=sources,
            first_ms=span[0],
            last_ms=span[1],
            seed=seed,
            invalid_share=invalid_share,
            deterministic=deterministic,
            intervals=intervals,
            dashboard_share=dashboard_share,
            timezone=roster.timezone,
            family_shares=dict(family_shares or {}),
            site_ids=tuple(s.id for s in roster.sites),
        )

    def _ids(self, pool: tuple[int, ...]) -> str:
        rng = self._rng
        if not pool or rng.random() < 0.25:
            return "all"
        k = rng.randint(1, min(4, len(pool)))
        return ",".join(map(str, sorted(rng.sample(pool, k))))

    def _valid(self) -> dict[str, QueryValue]:
        rng = self._rng
        timeframe = rng.randint(_TIMEFRAMES[0], _TIMEFRAMES[1])
        params: dict[str, QueryValue] = {"timeframe": str(timeframe), "v": "1"}
        if self.intervals and rng.random() < 0.25:
            divisors = self._divisors.get(timeframe)
            if divisors is None:
                # the interval rule: >= its lower bound, <= timeframe and dividing it
                low = int(_INTERVAL.low or 1)
                divisors = tuple(d for d in range(low, timeframe + 1) if timeframe % d == 0)
                self._divisors[timeframe] = divisors
            if divisors:
                params["interval"] = str(rng.choice(divisors))
        agents, skills, groups = self._pools
        if rng.random() < 0.6:
            params["agentIds"] = self._ids(agents)
        if rng.random() < 0.4:
            params["skillIds"] = self._ids(skills)
        if rng.random() < 0.3:
            params["groupIds"] = self._ids(groups)
        if rng.random() < 0.3:
            params["userType"] = rng.choice(_USER_TYPES)
        if rng.random() < 0.3:
            params["source"] = rng.choice(self._source_choices)
        if rng.random() < 0.4:
            k = rng.randint(1, 4)
            # "all" inside a list selects every metric (the contract's rule)
            names = rng.sample(_METRIC_CHOICES, k)
            params["metrics"] = ",".join(names)
        return params

    def _clock(self) -> int | None:
        if not self.deterministic:
            return None
        return self._rng.randint(self.first_ms, self.last_ms + _HOUR_MS)

    def next(self) -> PlannedQuery:
        """The next request of the mix."""
        rng = self._rng
        # no draw at shares 0: msgagentsegments-only mixes keep their seeded sequences
        if self.dashboard_share or any(self.family_shares.values()):
            u = rng.random()
            if u < self.dashboard_share:
                return self._dashboard()
            edge = self.dashboard_share
            for name in FAMILY_ENDPOINTS:
                edge += self.family_shares.get(name, 0.0)
                if u < edge:
                    return self._family(name)
        if rng.random() < self.invalid_share:
            parameter, query = rng.choice(self._invalid)
            params = {k: list(v) if isinstance(v, list) else v for k, v in query.items()}
            return PlannedQuery(self.endpoint, params, self._clock(), parameter)
        return PlannedQuery(self.endpoint, self._valid(), self._clock())

    def _dashboard(self) -> PlannedQuery:
        rng = self._rng
        clock = self._clock()
        if rng.random() < self.invalid_share:
            parameter, query = draw_invalid_dashboard_query(
                rng, self._invalid_dashboard, clock_ms=clock, timezone=self.timezone
            )
            return PlannedQuery(DASHBOARD_ENDPOINT, query, clock, parameter)
        query = draw_dashboard_query(
            rng,
            skill_ids=self.skill_ids,
            group_ids=self.group_ids,
            clock_ms=clock,
            timezone=self.timezone,
        )
        return PlannedQuery(DASHBOARD_ENDPOINT, query, clock)

    def _family(self, endpoint: str) -> PlannedQuery:
        rng = self._rng
        clock = self._clock()
        pool = self._invalid_family[endpoint] if rng.random() < self.invalid_share else None
        query, parameter = draw_family_query(
            rng,
            endpoint,
            self._family_pools,
            clock_ms=self.last_ms if clock is None else clock,
            invalid=pool,
        )
        return PlannedQuery(endpoint, query, clock, parameter)
