"""Seed 000-002 requests of the mix: agent performance, report and supervision draws.

The HTTP encoding and every rule are the API contract's
(:data:`ccbench.api.AGENT_PERFORMANCE`, ``REPORT``, ``SUPERVISION``;
docs/loadtest.md "Seed 000-002 queries"). Valid draws take agents and sites
from the roster and instants from the log's time range, every parameter
over its range (a report one of its CSV tables in a share of the draws); invalid
ones are the contract's conformance cases (:func:`loadtest._draws.invalid_pool`).
:func:`family_answer` is the oracle's answer to such a query and
:func:`report_table` the CSV table a report query asks for. The RNG is always
the caller's.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ccbench.api import AGENT_PERFORMANCE, REPORT, SUPERVISION, Family, parse_query
from ccbench.eventlog import OBJECTIVE_METRICS

from ._draws import InvalidQuery, draw_integer
from ._recording import QueryValue

__all__ = [
    "FAMILY_ENDPOINTS",
    "FamilyPools",
    "draw_family_query",
    "family_answer",
    "report_table",
]

#: Mapping endpoint names of the three families, in the mix's order (the contract's names).
FAMILY_ENDPOINTS: tuple[str, ...] = (AGENT_PERFORMANCE.name, REPORT.name, SUPERVISION.name)
FAMILIES: Mapping[str, Family] = {
    f.name: f for f in (AGENT_PERFORMANCE, REPORT, SUPERVISION)
}  # fmt: skip
_DAY_MS = 86_400_000
_BUCKETS = AGENT_PERFORMANCE.parameter("bucket_ms")
_TABLES = REPORT.parameter("csv")
#: share of the valid report draws asking for one of its CSV tables instead of JSON
CSV_SHARE = 0.25


@dataclass(frozen=True, slots=True)
class FamilyPools:
    """What valid draws pick from: roster agents and sites, the log's range (epoch ms)."""

    agent_ids: tuple[int, ...]
    site_ids: tuple[str, ...]
    first_ms: int
    last_ms: int


def family_answer(
    oracle: Any, endpoint: str, query: Mapping[str, QueryValue], *, now_ms: int
) -> Any:
    """The oracle's answer to a family query at ``now_ms`` (the report ignores it: it is seen
    at its end). Raises ParameterError naming the parameter of a 400."""
    if endpoint == AGENT_PERFORMANCE.name:
        return oracle.agent_performance_query(query, now_ms=now_ms)
    if endpoint == REPORT.name:
        return oracle.report_query(query)
    return oracle.supervision_query(query, now_ms=now_ms)


def report_table(endpoint: str, query: Mapping[str, QueryValue]) -> str | None:
    """The CSV table (one of the contract's ``REPORT_TABLES``) a valid ``query`` of
    ``endpoint`` asks for, None for a JSON answer (every other family or no ``csv``)."""
    if endpoint != REPORT.name or "csv" not in query:
        return None
    return parse_query(REPORT, query).text("csv")


def _agent_performance(rng: random.Random, pools: FamilyPools, clock: int) -> dict[str, str]:
    start = rng.randint(max(0, pools.first_ms - 3_600_000), max(clock - 1, 0))
    q = {"agent_id": str(rng.choice(pools.agent_ids)), "start_ms": str(start)}
    if rng.random() < 0.5:
        # at most the contract's bucket count over [start, clock)
        low = max(int(_BUCKETS.low or 1), -(-(clock - start) // 10_000))
        q["bucket_ms"] = str(rng.randint(low, max(low, 2 * _DAY_MS)))
    return q


def _report(rng: random.Random, pools: FamilyPools) -> dict[str, str]:
    start = rng.randint(pools.first_ms - _DAY_MS, pools.last_ms)
    span = rng.randint(60_000, max(60_000, pools.last_ms - pools.first_ms + _DAY_MS))
    q = {"start_ms": str(start), "end_ms": str(start + span)}
    if rng.random() < 0.3:
        q["top_intents"] = str(draw_integer(rng, REPORT.parameter("top_intents"), high=20))
    if rng.random() < CSV_SHARE:
        q["csv"] = rng.choice(_TABLES.choices)
    return q


def _supervision(rng: random.Random, pools: FamilyPools) -> dict[str, str]:
    q = {"site_id": rng.choice(pools.site_ids)}
    for p in SUPERVISION.parameters:
        if p.name == "site_id" or rng.random() >= 0.25:
            continue
        if p.kind == "integer":
            q[p.name] = str(draw_integer(rng, p, high=3_600_000))
        elif p.kind == "choice":
            q[p.name] = rng.choice(p.choices)
        elif p.kind == "names":
            q[p.name] = ",".join(rng.sample(p.choices, rng.randint(1, len(p.choices))))
        elif p.name == "objectives":
            q[p.name] = json.dumps(
                [
                    {"id": f"o{i}", "metric": rng.choice(OBJECTIVE_METRICS),
                     "target": rng.choice([1, 5, 80, 1000]),
                     "agent_id": rng.choice([None, *pools.agent_ids[:20]])}
                    for i in range(rng.randint(0, 3))
                ]
            )  # fmt: skip
    good = rng.choice([50, 70, 80, 90])
    if rng.random() < 0.3:
        q["satisfaction_good_pct"] = str(good)
        q["satisfaction_poor_pct"] = str(rng.randint(0, good))
    return q


def draw_family_query(
    rng: random.Random,
    endpoint: str,
    pools: FamilyPools,
    *,
    clock_ms: int,
    invalid: Sequence[InvalidQuery] | None = None,
) -> tuple[dict[str, QueryValue], str | None]:
    """(query, parameter it breaks or None) of one request of ``endpoint``: a draw from the
    ``invalid`` pool when given, else a valid draw at the instant ``clock_ms``."""
    if invalid:
        parameter, query = rng.choice(list(invalid))
        return {k: list(v) if isinstance(v, list) else v for k, v in query.items()}, parameter
    if endpoint == AGENT_PERFORMANCE.name:
        return dict(_agent_performance(rng, pools, clock_ms)), None
    if endpoint == REPORT.name:
        return dict(_report(rng, pools)), None
    return dict(_supervision(rng, pools)), None
