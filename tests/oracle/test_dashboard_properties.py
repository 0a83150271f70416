"""Dashboard invariants on random valid logs, against a plain event-by-event walk."""

from __future__ import annotations

from collections import Counter
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from oracle import Oracle
from tests.support.oracle_logs import random_log

T0 = 1_700_000_000_000


def _walk(records: list[dict[str, Any]], now: int) -> dict[str, Any]:
    """Open/assigned state and closed conversations at ``now``, one event at a time: a
    conversation closed more than once counts once, as closed by its last closer."""
    open_, assigned = set(), set()
    last_close: dict[str, str] = {}
    for e in records:
        if e["ts"] >= now:
            break
        cid, kind = e.get("conversation_id"), e["kind"]
        if kind in ("conversation.opened", "conversation.resumed", "conversation.reopened"):
            open_.add(cid)
        elif kind in ("conversation.closed", "conversation.abandoned"):
            open_.discard(cid)
            assigned.discard(cid)
            if kind == "conversation.closed":
                last_close[cid] = e["closed_by"]
        elif kind == "assignment.accepted":
            assigned.add(cid)
        elif kind in (
            "conversation.transferred",
            "conversation.back_to_queue",
            "conversation.taken_over",
        ):
            assigned.discard(cid)
    closed_by = Counter(last_close.values())
    return {"open": len(open_), "assigned": len(assigned), "closed_by": closed_by}


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), at=st.integers(0, 3_700_000))
def test_counts_match_a_plain_walk(seed: int, at: int) -> None:
    """open, assigned, unassigned and closed-by counts equal an event-by-event walk (the
    random logs are messaging conversations within 24 hours: the default mode and window)."""
    log = random_log(seed=seed, conversations=30)
    now = T0 + at
    snap = Oracle(log).dashboard(now_ms=now)
    ref = _walk(list(log.records()), now)
    c = snap["current"]
    assert (c["open"], c["assigned"]) == (ref["open"], ref["assigned"])
    assert c["unassigned"] == c["open"] - c["assigned"]
    assert snap["closed"]["closed_by"] == {k: ref["closed_by"][k] for k in
                                           ("consumer", "agent", "system")}  # fmt: skip
    assert snap["closed"]["closed"] == sum(ref["closed_by"].values())
    # Every assigned conversation is some logged-in agent's, and has a skill.
    assert (
        sum(r["open"] for r in Oracle(log).dashboard_table("agents", now_ms=now)) == (c["assigned"])
    )
    skills = snap["skills"]["rows"]
    assert sum(r["assigned"] for r in skills) == c["assigned"]
    assert c["active"] <= c["assigned"]
