"""Backend vs oracle on degenerate valid logs: never a 500, and the same JSON.

Each degenerate profile of tests/support/degenerate_logs.py (two drawn logs each: no
accepts, no messages, only logins, only bot conversations, segments never ended, no
conversations, one event, none) and the example log without each event kind in turn are
ingested into one reference backend over HTTP, one account per log; every served family
(msgagentsegments, the dashboard in both modes, agent performance, the report,
supervision) is then asked at instants around each log and must answer 200 with exactly
the oracle's JSON (issue 13, part 1).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from ccbench.api import AGENT_PERFORMANCE, DASHBOARD, MSGAGENTSEGMENTS, REPORT, SUPERVISION
from ccbench.eventlog import KINDS, EventLog
from oracle import Oracle
from tests.support.degenerate_logs import PROFILES, draw_log, without_kinds
from tests.support.differential import Outcome, Query, compare, served

DAY_MS = 86_400_000
QUIET_NOW = 1_795_171_800_000  # the example log's conformance instant, for empty logs


def _logs() -> dict[str, EventLog]:
    logs = {}
    for profile in PROFILES:
        for seed in range(2):
            name = f"{profile.replace('_', '-')}-{seed}"
            logs[name] = draw_log(random.Random(seed), profile, account=name)
    for kind in sorted(KINDS):
        name = "without-" + kind.replace(".", "-").replace("_", "-")
        logs[name] = without_kinds({kind}, account=name)
    return logs


@pytest.fixture(scope="module")
def logs() -> dict[str, EventLog]:
    return _logs()


@pytest.fixture(scope="module")
def client(logs: dict[str, EventLog]) -> Iterator[httpx.Client]:
    with served(logs) as c:
        yield c


def _nows(log: EventLog) -> list[int]:
    if len(log.table) == 0:
        return [QUIET_NOW]
    first, last = log.time_range()  # type: ignore[misc]
    return sorted({first + 1, (first + last) // 2, last + 1})


Answer = Callable[..., Any]  # (query, now_ms=...) -> the oracle's JSON-ready answer


def _requests(oracle: Oracle, now: int) -> Iterator[tuple[str | None, Query, Answer]]:
    """(path, query, the oracle's answer function) of every served family at ``now``."""
    roster = oracle.log.roster
    yield MSGAGENTSEGMENTS.path, [("v", "1"), ("timeframe", "60"), ("interval", "5"),
                                  ("skillIds", "all")], oracle.agent_segments_query  # fmt: skip
    yield DASHBOARD.path, [], oracle.dashboard_query
    yield DASHBOARD.path, [("mode", "chat"), ("last_hours", "1"), ("skill_ids", "333"),
                           ("group_ids", "1")], oracle.dashboard_query  # fmt: skip
    agent = roster.agents[now % len(roster.agents)].id
    yield (
        AGENT_PERFORMANCE.path,
        [("agent_id", str(agent)), ("start_ms", str(now - DAY_MS))],
        (oracle.agent_performance_query),
    )
    yield (
        REPORT.path,
        [("start_ms", str(now - 2 * DAY_MS)), ("end_ms", str(now))],
        (lambda q, now_ms: oracle.report_query(q)),
    )
    site = roster.sites[now % len(roster.sites)].id
    yield (
        SUPERVISION.path,
        [("site_id", site), ("channels", "messaging,chat,call")],
        (oracle.supervision_query),
    )


def test_backend_answers_degenerate_logs_as_the_oracle(
    logs: dict[str, EventLog], client: httpx.Client
) -> None:
    """Every degenerate log, every served family: 200s equal to the oracle's answers."""
    outcome = Outcome()
    for name, log in logs.items():
        oracle = Oracle(log)
        for now in _nows(log):
            for path, query, answer in _requests(oracle, now):
                compare(
                    client,
                    path=str(path).format(account=log.roster.account),
                    name=name,
                    query=query,
                    now=now,
                    oracle=lambda q, t, answer=answer: answer(q, now_ms=t),
                    outcome=outcome,
                )
    assert not outcome.rejected, outcome.rejected  # every request here is valid
    assert not outcome.mismatches, (len(outcome.mismatches), outcome.mismatches[:5])
