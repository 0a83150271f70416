"""Supervision invariants on random valid logs, against a plain event-by-event walk."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from oracle import Oracle
from tests.support.oracle_logs import SITE, random_log

MIDNIGHT = 1_699_920_000_000  # 2023-11-14 00:00 UTC (the random roster's time zone)
T0 = MIDNIGHT - 1_800_000  # logs start half an hour before midnight


def _walk(records: list[dict[str, Any]], now: int, day: int) -> dict[str, Any]:
    """Per agent: contacts since ``day`` (discussions: distinct conversations), the summed
    segment time of each discussion all of whose segments ended, open segments at now."""
    spans: defaultdict[tuple[int, str], list[int | None]] = defaultdict(list)
    holder: dict[str, tuple[int, int]] = {}  # conversation -> (agent, start ts)
    for e in records:
        if e["ts"] >= now:
            break
        cid, kind = e.get("conversation_id"), e["kind"]
        if kind == "assignment.accepted":
            holder[cid] = (e["agent_id"], e["ts"])
            if e["ts"] >= day:
                spans[(e["agent_id"], cid)].append(None)  # open until its end is seen
        elif (
            kind
            in (
                "conversation.closed",
                "conversation.transferred",
                "conversation.back_to_queue",
                "conversation.taken_over",
            )
            and cid in holder
        ):
            agent, start = holder.pop(cid)
            if start >= day:
                spans[(agent, cid)][-1] = e["ts"] - start
    contacts = Counter(agent for agent, _ in spans)
    durations: defaultdict[int, list[int]] = defaultdict(list)
    for (agent, _), lengths in spans.items():
        if None not in lengths:
            durations[agent].append(sum(x for x in lengths if x is not None))
    ongoing = Counter(agent for agent, _ in holder.values())
    return {"contacts": contacts, "durations": durations, "ongoing": ongoing}


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), at=st.integers(1, 3_700_000))
def test_table_matches_a_plain_walk(seed: int, at: int) -> None:
    """Contacts (discussions), AHT and in-progress per agent equal a walk; visitors = assigned
    conversations."""
    log = random_log(seed=seed, conversations=30, t0=T0)
    now = T0 + at
    oracle = Oracle(log)
    page = oracle.supervision(now_ms=now, site_id=SITE, channels=["messaging", "chat", "call"])
    day = MIDNIGHT if now >= MIDNIGHT else MIDNIGHT - 86_400_000  # local midnight of now
    ref = _walk(list(log.records()), now, day)
    for row in page["agents"]:
        a = row["agent_id"]
        assert row["contacts"] == ref["contacts"][a]
        d = ref["durations"][a]
        assert row["aht"] == (sum(d) // len(d) if d else None)
        assert row["in_progress"] == row["ongoing_all_sites"] == ref["ongoing"][a]
        # every agent logs in at T0 to the only site and stays: present since then or midnight
        assert row["presence_ms"] == now - max(day, T0)
    # One site: every assigned conversation is a visitor when all channels are shown.
    assert page["visitors"]["total"] == oracle.dashboard(now_ms=now)["current"]["assigned"]
    states = page["agents_by_status"]
    assert states["available"] + states["busy"] + states["unavailable"] == states["total"]
    assert states["total"] == len(page["agents"])
