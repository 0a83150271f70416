"""Unavailable is not zero: a metric needing a kind the log's source cannot record is
null, with the reason, in every family's response."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from ccbench.eventlog import EventLog, read_log
from oracle import CATALOG, Oracle
from oracle._needs import NEEDS, apply_unavailable, needs

T_1030 = 1_795_170_600_000  # 2026-11-20 10:30 UTC, inside the example's span
_AGENT_KINDS = ("agent.login", "agent.logout", "agent.status")


def _without_agent_states(log: EventLog) -> EventLog:
    """The example as a source without logins and statuses would give it."""
    kinds = log.table.column("kind").to_pylist()
    keep = [not k.startswith("agent.") for k in kinds]
    roster = replace(log.roster, unrecorded_kinds=_AGENT_KINDS)
    return EventLog.from_table(log.table.filter(keep), roster=roster)


def test_every_metric_states_its_needs() -> None:
    """Each registered metric needs at least one kind; LOAD needs agent statuses, the
    agent-segment metrics none of them."""
    assert set(NEEDS) == {m.name for m in CATALOG} and all(NEEDS.values())
    assert set(_AGENT_KINDS) <= set(needs("dashboard.load"))
    assert not set(_AGENT_KINDS) & set(needs("avgAgentSegmentDuration"))
    assert {"view.started", "view.ended"} <= set(needs("agent_performance.aht"))


def test_complete_logs_answer_unchanged(example_path: Path) -> None:
    """A roster listing no unrecorded kind adds no "unavailable" and nulls nothing."""
    body = Oracle(read_log(example_path)).dashboard(now_ms=T_1030)
    assert "unavailable" not in body and isinstance(body["current"]["load"], float)


def test_load_without_agent_states_is_unavailable_not_zero(example_path: Path) -> None:
    """Without logins the LOAD is null with the reason, and so is the agents table (it
    lists the logged-in agents), while OPEN (the conversations' state, which the log
    records) is what the complete log says."""
    complete = Oracle(read_log(example_path)).dashboard(now_ms=T_1030)
    body = Oracle(_without_agent_states(read_log(example_path))).dashboard(now_ms=T_1030)
    assert body["current"]["load"] is None
    assert "agent.login" in body["unavailable"]["current.load"]
    assert body["current"]["open"] == complete["current"]["open"]
    assert body["agents"]["rows"] is None and "agents.rows" in body["unavailable"]


@pytest.mark.parametrize(
    ("family", "call", "path"),
    [
        (
            "supervision",
            lambda o: o.supervision(now_ms=T_1030, site_id="paris"),
            "agents_by_status",
        ),
        (
            "report",
            lambda o: o.report(start_ms=T_1030 - 7_200_000, end_ms=T_1030),
            "agents[].connection_hours",
        ),
    ],
)
def test_every_family_reports_its_unavailable_values(
    example_path: Path, family: str, call: object, path: str
) -> None:
    """Supervision and report name their login-based values as unavailable too."""
    body = call(Oracle(_without_agent_states(read_log(example_path))))  # type: ignore[operator]
    assert path in body["unavailable"]
    assert body["unavailable"][path].endswith("(roster.unrecorded_kinds)")


def test_paths_reach_every_row_and_key(example_path: Path) -> None:
    """``a[].b`` nulls b in every row, ``a.<x>.b`` b under every key, a path the body
    lacks nothing; the reasons land under "unavailable"."""
    log = read_log(example_path)
    no_messages = replace(log.roster, unrecorded_kinds=("message.sent",))
    body = {
        "response_times": {
            "chat": {"first_routed_response_time": 5, "other": 1},
            "messaging": {"first_routed_response_time": 6},
        },
        "messages_sent": [{"start": 0, "count": 3}, {"start": 1, "count": 4}],
        "marked_done": 2,
    }
    out = apply_unavailable(body, no_messages, family="agent_performance")
    assert out["response_times"] == {
        "chat": {"first_routed_response_time": None, "other": 1},
        "messaging": {"first_routed_response_time": None},
    }
    assert out["messages_sent"] == [{"start": 0, "count": None}, {"start": 1, "count": None}]
    assert out["marked_done"] == 2
    assert "messages_sent[].count" in out["unavailable"]
