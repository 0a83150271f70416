"""The Oracle answers every family on every valid log: well-formed JSON, no exception.

Two proofs (issue 13, part 1): a Hypothesis property over random valid logs of every
degenerate profile of tests/support/degenerate_logs.py (no accepts, no messages, only
logins, only bot conversations, segments never ended, no conversations, a single event,
no event), and the example log with each event kind removed in turn (repaired to a
valid log). Each answer is checked against the metric catalog: every metric's JSON path
(oracle.CATALOG ``computed_by``) resolves, and counts and ms values are integers.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from ccbench.eventlog import KINDS, EventLog
from oracle import CATALOG, REPORT_TABLES, Oracle, report_csv, supervision_csv, table_csv
from tests.support.degenerate_logs import valid_logs, without_kinds

DAY_MS = 86_400_000
QUIET_NOW = 1_795_171_800_000  # the example log's conformance instant, for empty logs


def _nows(log: EventLog) -> list[int]:
    """Instants around the log: its first event (nothing visible), just after it, the
    middle, the last event, just after it and a day later."""
    if len(log.table) == 0:
        return [QUIET_NOW]
    first, last = log.time_range()  # type: ignore[misc]
    return sorted({first, first + 1, (first + last) // 2, last, last + 1, last + DAY_MS})


def _well_formed(value: Any, where: str) -> None:
    """JSON text without NaN or infinities, and only JSON types (no numpy scalars)."""
    text = json.dumps(value, allow_nan=False)
    assert json.loads(text) == value, where


def answers(oracle: Oracle, now: int) -> Iterator[tuple[str, Any]]:
    """(family, answer) of every family and export at ``now``, for every agent and site."""
    log = oracle.log
    roster = log.roster
    yield "agent_segments", oracle.agent_segments(now_ms=now, timeframe=1440)
    yield (
        "agent_segments",
        oracle.agent_segments(
            now_ms=now, timeframe=120, interval=5, skill_ids="all", user_type="human"
        ),
    )
    for params in ({}, {"last_hours": 1, "skill_ids": [333], "group_ids": [1]}):
        yield "dashboard", oracle.dashboard(now_ms=now, **params)
        for table in ("agents", "skills"):
            rows = oracle.dashboard_table(table, now_ms=now, **params)
            yield "csv", table_csv(rows, table)
    for agent in roster.agents:
        yield (
            "agent_performance",
            oracle.agent_performance(
                agent_id=agent.id, now_ms=now, start_ms=now - DAY_MS, bucket_ms=3_600_000
            ),
        )
    report = oracle.report(start_ms=now - 2 * DAY_MS, end_ms=now + 1)
    yield "report", report
    for table in REPORT_TABLES:
        yield "csv", report_csv(report, table)
    for site in roster.sites:
        page = oracle.supervision(
            now_ms=now, site_id=site.id, channels=["messaging", "chat", "call"]
        )
        yield "supervision", page
        yield "csv", supervision_csv(page["agents"])


def _resolve(answer: Any, path: str) -> list[Any]:
    """Values at a catalog path: ``a.b`` keys, ``rows[]`` every list item, ``<x>`` every
    value of a mapping (each may resolve to nothing when a list or mapping is empty)."""
    found = [answer]
    for token in path.split("."):
        nxt: list[Any] = []
        for node in found:
            if node is None:
                continue  # a section a mode does not show, or an empty value
            if token.startswith("<"):
                nxt += list(node.values())
            elif token.endswith("[]"):
                nxt += list(node[token[:-2]])
            else:
                assert token in node, f"{path}: no {token!r} in {sorted(node)}"
                nxt.append(node[token])
        found = nxt
    return found


def _paths(family: str) -> Iterator[tuple[str, str, str]]:
    """(metric, unit, JSON path) of the catalog's metrics of ``family``."""
    for m in CATALOG:
        if m.family != family or m.computed_by is None:
            continue
        target = m.computed_by.split(" -> ", 1)[1]
        if family == "agent_segments":
            yield m.name, m.unit, f"metricsTotal.{m.name}"
            yield m.name, m.unit, f"agentsMetrics.metricsPerAgent.<agent>.{m.name}"
        else:
            yield m.name, m.unit, target


def check_catalog(family: str, answer: Any) -> None:
    """Every catalog metric of ``family`` is present in ``answer``; counts and ms are ints."""
    if "metricsByIntervals" in answer:  # msgagentsegments by interval: check every section
        for section in [answer["timeframeSummary"]] + [
            i["metricsData"] for i in answer["metricsByIntervals"]
        ]:
            check_catalog(family, section)
        return
    for name, unit, path in _paths(family):
        for value in _resolve(answer, path):
            if unit in ("count", "ms", "timestamp_ms", "minor_units") and not isinstance(
                value, dict | list
            ):
                assert value is None or type(value) is int, (name, value)
            if isinstance(value, float):
                assert math.isfinite(value), (name, value)


def check_everything(log: EventLog) -> None:
    """Build the oracle and query every family at every instant of :func:`_nows`."""
    oracle = Oracle(log)
    for now in _nows(log):
        for family, answer in answers(oracle, now):
            if family == "csv":
                assert isinstance(answer, str) and answer.endswith("\n")
                continue
            _well_formed(answer, family)
            check_catalog(family, answer)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(log=valid_logs())
def test_every_family_answers_any_valid_log(log: EventLog) -> None:
    """Random valid logs of every degenerate profile: every family answers well-formed JSON."""
    check_everything(log)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_family_answers_without_one_event_kind(kind: str) -> None:
    """The example log without one event kind (repaired to validity) answers every family."""
    check_everything(without_kinds({kind}))


def test_every_family_answers_with_only_agent_events() -> None:
    """The example log keeping only agent events (logins, logouts, statuses) answers too."""
    check_everything(without_kinds({k for k in KINDS if not k.startswith("agent.")}))
