"""Invariants of simulated logs on small random scenarios (Hypothesis)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccbench.eventlog import validate
from sim import Scenario, SimResult, simulate
from tests.support.strategies import small_scenarios

_ENDED = {
    "conversation.closed": "closed",
    "conversation.abandoned": "abandoned",
    "conversation.merged": "closed",
}
_LIFECYCLE = {
    "conversation.opened",
    "conversation.queued",
    "assignment.offered",
    "assignment.declined",
    "assignment.accepted",
    "conversation.transferred",
    "conversation.back_to_queue",
    "conversation.taken_over",
    "conversation.closed",
    "conversation.resumed",
    "conversation.reopened",
    "conversation.merged",
    "conversation.abandoned",
}


def _run(scenario: Scenario, seed: int) -> tuple[SimResult, list[dict[str, Any]]]:
    result = simulate(scenario=scenario, seed=seed)
    return result, list(result.log.records())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=small_scenarios(), seed=st.integers(0, 2**32 - 1))
def test_random_scenarios_keep_invariants(scenario: Scenario, seed: int) -> None:
    """Valid log; arrivals = closed + abandoned + open at the horizon; no agent above
    max_slots; FCFS within each (skill, site) queue; accepts only by logged-in online agents."""
    result, events = _run(scenario, seed)
    assert validate(result.log) == []
    roster = result.log.roster

    # Conservation: every opened conversation ends in exactly one final state.
    last: dict[str, str] = {}
    for e in events:
        if e["kind"] in _LIFECYCLE:
            last[e["conversation_id"]] = e["kind"]
    final = defaultdict(set)
    for cid, kind in last.items():
        final[_ENDED.get(kind, "open")].add(cid)
    assert len(last) == result.queue.num_rows
    assert sum(len(v) for v in final.values()) == len(last)
    open_segments = {
        r["conversation_id"] for r in result.segments.to_pylist() if r["end_ms"] is None
    }
    assert open_segments <= final["open"]
    abandoned_facts = result.queue.num_rows - result.queue.column("abandoned_ms").null_count
    assert len(final["abandoned"]) == abandoned_facts

    # No agent above max_slots: overlapping non-takeover segments, by a sweep over time.
    changes: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for r in result.segments.to_pylist():
        if r["reason"] != "takeover":
            changes[r["agent_id"]].append((r["start_ms"], 1))
            if r["end_ms"] is not None:
                changes[r["agent_id"]].append((r["end_ms"], -1))
    for agent_id, points in changes.items():
        load, peak = 0, 0
        for _, delta in sorted(points, key=lambda p: (p[0], p[1])):  # ends before starts
            load += delta
            peak = max(peak, load)
        agent = roster.agent(agent_id)
        assert agent is not None
        assert peak <= agent.max_slots

    # FCFS within (skill, site): first offers follow queue-entry order.
    site_of: dict[str, str] = {}
    entered: dict[str, tuple[int, int, tuple[int, int]]] = {}  # cid -> (skill, order, pos)
    firsts: dict[tuple[int, str], list[tuple[tuple[int, int], tuple[int, int]]]] = defaultdict(list)
    for e in events:
        pos = (e["ts"], e["seq"])
        cid = e.get("conversation_id")
        if e["kind"] == "conversation.opened":
            site_of[cid] = e["site"]
        elif e["kind"] == "conversation.queued":
            entered[cid] = (e["skill_id"], 0, pos)
        elif e["kind"] == "assignment.offered" and cid in entered:
            skill, _, queued_at = entered.pop(cid)
            firsts[(skill, site_of[cid])].append((queued_at, pos))
        elif e["kind"] in ("conversation.abandoned", "conversation.closed"):
            entered.pop(cid, None)
    for pairs in firsts.values():
        offers = [offer for _, offer in sorted(pairs)]
        assert offers == sorted(offers)

    # Accepts (other than takeovers) only by agents logged in to the site and online.
    sites: dict[int, set[str]] = defaultdict(set)
    status: dict[int, str | None] = {}
    for e in events:
        kind = e["kind"]
        if kind == "agent.login":
            sites[e["agent_id"]].add(e["site"])
            status[e["agent_id"]] = "online"
        elif kind == "agent.logout":
            sites[e["agent_id"]].discard(e["site"])
        elif kind == "agent.status":
            status[e["agent_id"]] = e["status"]
        elif kind == "assignment.accepted" and e["reason"] != "takeover":
            assert site_of[e["conversation_id"]] in sites[e["agent_id"]]
            assert status.get(e["agent_id"]) == "online"
