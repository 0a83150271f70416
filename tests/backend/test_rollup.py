"""The prefix-sum rollup behind msgagentsegments: window edges, intervals, open segments, refresh.

The rollup (backend/_rollup.py) answers from sums over segments sorted by
start time, corrected for segments that are still unsettled at ``now``. These
tests pin the places where such a scheme could go wrong: window and interval
boundaries in the middle of a minute, segments and messages at or after
``now``, batches ingested out of order, and the cached rollup going stale
after an ingest or a roster change.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import orjson
import pyarrow as pa
import pytest

from backend import Store, agent_segment_metrics, parse_segment_query
from ccbench.eventlog import EventLog, Roster
from oracle import Oracle
from tests.support.oracle_logs import random_log

ACCOUNT = "acme"
# A is the first segment's start: 20 s past a minute (1_700_000_000_000 % 60_000 == 20_000)
# plus 1 s, so every boundary below falls in the middle of a minute.
T = 1_700_000_000_000
A = T + 1_000
B = A + 300_000  # the second segment starts exactly 5 minutes after the first

ROSTER: dict[str, Any] = {
    "account": ACCOUNT,
    "sites": [{"id": "s1"}],
    "groups": [{"id": 1}, {"id": 2}],
    "skills": [{"id": 1}],
    "agents": [
        {"id": 7, "group_id": 1, "skills": [1], "sites": ["s1"], "max_slots": 5},
        {"id": 8, "group_id": 2, "skills": [1], "sites": ["s1"], "max_slots": 5},
    ],
}


def _records() -> list[dict[str, Any]]:
    """Two conversations, worked out by hand.

    c1 (agent 7, source APP): accepted (new) at A; agent message at A+10 s
    (first 10000, response 10000); consumer at A+20 s; agent at A+25 s
    (response 5000 from the consumer run); closed by the consumer at A+40 s:
    2 messages, duration 40000, interactive.
    c2 (agent 8, source WEB): accepted (new) at B, closed by the agent at
    B+30 s with no message: duration 30000, non-responsive agent.
    """
    out: list[dict[str, Any]] = []

    def add(ts: int, kind: str, **fields: Any) -> None:
        out.append({"ts": ts, "kind": kind, "account": ACCOUNT, **fields})

    add(T - 60_000, "agent.login", agent_id=7, site="s1")
    add(T - 60_000, "agent.login", agent_id=8, site="s1")
    for cid, agent, source, start in (("c1", 7, "APP", A), ("c2", 8, "WEB", B)):
        add(
            start - 1_000,
            "conversation.opened",
            conversation_id=cid,
            site="s1",
            channel="messaging",
            source=source,
            consumer_id=f"u-{cid}",
        )
        add(start - 900, "conversation.queued", conversation_id=cid, skill_id=1)
        add(
            start - 800,
            "assignment.offered",
            conversation_id=cid,
            agent_id=agent,
            skill_id=1,
            reason="new",
        )
        add(
            start,
            "assignment.accepted",
            conversation_id=cid,
            agent_id=agent,
            skill_id=1,
            reason="new",
        )
    add(A + 10_000, "message.sent", conversation_id="c1", sender_role="agent", agent_id=7)
    add(A + 20_000, "message.sent", conversation_id="c1", sender_role="consumer")
    add(A + 25_000, "message.sent", conversation_id="c1", sender_role="agent", agent_id=7)
    add(A + 40_000, "conversation.closed", conversation_id="c1", closed_by="consumer", reason="x")
    add(
        B + 30_000,
        "conversation.closed",
        conversation_id="c2",
        closed_by="agent",
        reason="x",
        agent_id=8,
    )
    out.sort(key=lambda r: r["ts"])
    return [{"event_id": f"e{i}", "seq": i, **r} for i, r in enumerate(out)]


@pytest.fixture
def store() -> Iterator[Store]:
    s = Store(path=":memory:")
    roster = Roster.from_dict(ROSTER)
    s.put_roster(roster=roster)
    s.ingest(account=ACCOUNT, table=EventLog.from_records(_records(), roster=roster).table)
    yield s
    s.close()


def _ask(store: Store, now: int, account: str = ACCOUNT, **params: Any) -> dict[str, Any]:
    query = parse_segment_query([("v", "1"), *((k, str(v)) for k, v in params.items())])
    return agent_segment_metrics(store, account=account, query=query, now_ms=now)


def _agents(section: dict[str, Any]) -> dict[str, int]:
    """agent id -> segment count of a section."""
    per_agent = section["agentsMetrics"]["metricsPerAgent"]
    return {a: m["totalAgentConversationSegments"] for a, m in per_agent.items()}


def test_window_start_is_inclusive_at_any_millisecond(store: Store) -> None:
    """lo == start_ts keeps a segment, lo == start_ts + 1 drops it (mid-minute edges)."""
    # now = A + 5 min: window [A, A + 5 min) holds c1 (start == lo); c2 starts at now: out.
    # c1 has ended (close at A+40 s < now): duration 40000.
    answer = _ask(store, A + 300_000, timeframe=5)
    assert _agents(answer) == {"7": 1}
    assert answer["metricsTotal"]["avgAgentSegmentDuration"] == 40_000
    # one ms later the window [A+1, B+1) drops c1 and holds c2, still open (closes at B+30 s)
    answer = _ask(store, A + 300_001, timeframe=5)
    assert _agents(answer) == {"8": 1}
    assert answer["metricsTotal"]["avgAgentSegmentDuration"] == -1
    assert answer["metricsTotal"]["agentSegmentsWithNonResponsiveAgents"] == 0


@pytest.mark.parametrize(
    ("offset", "msgs", "first", "response", "duration", "interactive"),
    [
        (1, 0, -1, -1, -1, 0),  # just accepted: open, nothing visible
        (10_000, 0, -1, -1, -1, 0),  # a1 at ts == now is not visible
        (10_001, 1, 10_000, 10_000, -1, 0),  # a1 visible: first and one response
        (25_000, 1, 10_000, 10_000, -1, 0),  # a2 at now: not yet
        (25_001, 2, 10_000, 7_500, -1, 0),  # (10000 + 5000) / 2
        (40_000, 2, 10_000, 7_500, -1, 0),  # the close at now: still open, no outcome
        (40_001, 2, 10_000, 7_500, 40_000, 1),  # ended: duration and outcome
    ],
)
def test_open_segment_at_now(
    store: Store,
    offset: int,
    msgs: int,
    first: int,
    response: int,
    duration: int,
    interactive: int,
) -> None:
    """c1 judged at now = A + offset: only events with ts < now count (docs/metrics.md 0)."""
    m = _ask(store, A + offset, timeframe=60)["agentsMetrics"]["metricsPerAgent"]["7"]
    assert m["totalAgentConversationSegments"] == 1
    assert m["avgAgentMessagesinAgentSegment"] == msgs
    assert m["avgTimetoFirstAgentMessageFromAgentAssignment"] == first
    assert m["avgTimeToResponseFromAgentAssignment"] == response
    assert m["avgAgentSegmentDuration"] == duration
    assert m["interactiveAgentSegments"] == interactive


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # lo = A - 150 s: intervals [A-150 s, A+150 s) and [A+150 s, A+450 s)
        (B + 150_000, [{"7": 1}, {"8": 1}]),
        # lo = A: c1 at the first interval's start, c2 exactly at the second's start
        (B + 300_000, [{"7": 1}, {"8": 1}]),
        # lo = A + 1 ms: c1 out of the window, c2 (B < A + 1 + 5 min) in the first interval
        (B + 300_001, [{"8": 1}, {}]),
        # lo = A - 1 ms: the boundary is A + 299_999, one ms before c2's start B
        (B + 299_999, [{"7": 1}, {"8": 1}]),
    ],
)
def test_interval_bucketing_mid_minute(
    store: Store, now: int, expected: list[dict[str, int]]
) -> None:
    """timeframe 10, interval 5: each segment lands in the interval holding its start_ts."""
    answer = _ask(store, now, timeframe=10, interval=5)
    intervals = answer["metricsByIntervals"]
    assert [e["timestamp"] for e in intervals] == [now - 600_000, now - 300_000]
    assert [_agents(e["metricsData"]) for e in intervals] == expected
    summary: dict[str, int] = {}
    for e in expected:
        summary.update(e)
    assert _agents(answer["timeframeSummary"]) == summary


def test_filters_select_rollup_keys(store: Store) -> None:
    """source, agentIds and groupIds pick the right (agent, skill, source) keys."""
    now = B + 60_000  # both segments in a 60-minute window; c2 still open
    assert _agents(_ask(store, now, timeframe=60, source="WEB")) == {"8": 1}
    assert _agents(_ask(store, now, timeframe=60, source="SMS")) == {}
    assert _agents(_ask(store, now, timeframe=60, agentIds="7,99")) == {"7": 1}
    assert _agents(_ask(store, now, timeframe=60, groupIds="2")) == {"8": 1}
    assert _agents(_ask(store, now, timeframe=60, userType="bot")) == {}


def test_roster_change_refreshes_group_filter(store: Store) -> None:
    """A new roster moving agent 7 to group 2 is seen by the next query (no stale rollup)."""
    now = B + 60_000
    assert _agents(_ask(store, now, timeframe=60, groupIds="1")) == {"7": 1}
    moved = {**ROSTER, "agents": [{**a, "group_id": 2} for a in ROSTER["agents"]]}
    store.put_roster(roster=Roster.from_dict(moved))
    assert _agents(_ask(store, now, timeframe=60, groupIds="1")) == {}
    assert _agents(_ask(store, now, timeframe=60, groupIds="2")) == {"7": 1, "8": 1}


def test_empty_account_answers_zero(store: Store) -> None:
    """An account with no segments gives the no-data response (every metric 0)."""
    answer = _ask(store, B, account="other", timeframe=60)
    assert answer["agentsMetrics"] == {"metricsPerAgent": {}}
    assert answer["metricsTotal"]["totalAgentConversationSegments"] == 0
    assert answer["metricsTotal"]["avgAgentSegmentDuration"] == 0


def _batches(table: pa.Table, rng: random.Random, n: int) -> list[pa.Table]:
    """The table's rows dealt at random into ``n`` batches, in random order."""
    rows = list(range(table.num_rows))
    rng.shuffle(rows)
    size = -(-len(rows) // n)
    return [table.take(sorted(rows[i : i + size])) for i in range(0, len(rows), size)]


def test_out_of_order_batches_refresh_and_match_the_oracle() -> None:
    """Shuffled batches: each query sees every batch so far; the end state equals the oracle."""
    log = random_log(seed=11, conversations=60, span_ms=3_600_000)
    oracle = Oracle(log)
    _, last = log.time_range()  # type: ignore[misc]
    rng = random.Random(5)
    store = Store(path=":memory:")
    account = log.roster.account
    try:
        store.put_roster(roster=log.roster)
        accepts = 0
        for batch in _batches(log.table, rng, 7):
            store.ingest(account=account, table=batch)
            # every accept starts one segment, whatever else of its conversation is stored;
            # querying between batches rebuilds the rollup each time
            accepts += batch.column("kind").to_pylist().count("assignment.accepted")
            total = _ask(store, last + 1, account=account, timeframe=1440)["metricsTotal"]
            assert total["totalAgentConversationSegments"] == accepts
        # "now" at event timestamps (the event itself invisible) and one ms after them,
        # so segments end, and messages appear, exactly at and around now
        ts = log.table.column("ts").to_pylist()
        nows = sorted({t + d for t in rng.sample(ts, 40) for d in (0, 1)} | {last + 1})
        for now in nows:
            for query in (
                {"timeframe": "60"},
                {"timeframe": "30", "interval": "5"},
                {"timeframe": "90", "interval": "15", "skillIds": "all", "source": "APP"},
            ):
                expected = oracle.agent_segments_query({"v": "1", **query}, now_ms=now)
                assert _ask(store, now, account=account, **query) == expected, (now, query)
    finally:
        store.close()


def test_small_ingest_refreshes_the_delta_not_the_base() -> None:
    """After a small batch the next view keeps its base and answers from base + delta."""
    from backend._rollup import RollupCache

    log = random_log(seed=4, conversations=40, span_ms=3_600_000)
    account = log.roster.account
    _, last = log.time_range()  # type: ignore[misc]
    table = log.table
    # everything but the last 30 events first, then those 30 (a delta of a few conversations)
    head, tail = table.slice(0, table.num_rows - 30), table.slice(table.num_rows - 30)
    store = Store(path=":memory:")
    try:
        store.put_roster(roster=log.roster)
        store.ingest(account=account, table=head)
        cache = store.cached(name="segment_rollup", factory=RollupCache)
        before = cache.view(store, account=account)
        store.ingest(account=account, table=tail)
        after = cache.view(store, account=account)
        assert after.base is before.base
        assert after.delta.stale is not None and after.delta.stale.any()
        oracle = Oracle(log)
        for now in (last - 60_000, last, last + 1):
            query = {"timeframe": "60", "interval": "10"}
            expected = oracle.agent_segments_query({"v": "1", **query}, now_ms=now)
            assert _ask(store, now, account=account, **query) == expected
    finally:
        store.close()


def test_ready_until_a_write_and_per_account() -> None:
    """The rollup is ready after a view and until the account's next write; another
    account's write leaves it ready (its own counter)."""
    from backend._agent_segments import prepare_segment_rollup, segment_rollup_ready

    log = random_log(seed=5, conversations=10, span_ms=600_000)
    account = log.roster.account
    store = Store(path=":memory:")
    try:
        store.put_roster(roster=log.roster)
        store.ingest(account=account, table=log.table.slice(0, 20))
        assert not segment_rollup_ready(store, account=account)
        prepare_segment_rollup(store, account=account)
        assert segment_rollup_ready(store, account=account)
        other = Roster.from_dict({**log.roster.to_dict(), "account": "other"})
        store.put_roster(roster=other)
        assert segment_rollup_ready(store, account=account)
        store.ingest(account=account, table=log.table.slice(20))
        assert not segment_rollup_ready(store, account=account)
    finally:
        store.close()


def test_extreme_timestamps_answer_exactly() -> None:
    """18,500 agent-skill keys from ts 0 and one segment in the last minute of year 9999: key
    span times keys passes int64 (before, every query of the account was a 500 forever); now
    both ends of the accepted range answer, with values worked out by hand."""
    from ccbench.eventlog import MAX_TS_MS
    from tests.support.backend import backend, ndjson, segments

    keys = 18_500
    events: list[dict[str, Any]] = []

    def add(ts: int, kind: str, **fields: Any) -> None:
        n = len(events)
        events.append({"event_id": f"e{n}", "seq": n, "ts": ts, "kind": kind, "account": ACCOUNT})
        events[-1].update(fields)

    # one open segment per agent 1..keys, accepted at ts 0..keys-1 (agents need no roster)
    for i in range(keys):
        add(i, "assignment.accepted", conversation_id=f"c{i}", agent_id=i + 1, skill_id=1,
            reason="new")  # fmt: skip
    # agent 7 in year 9999: accepted 60 s before the end, answers after 30 s, closed 1 s before
    late = MAX_TS_MS - 60_000
    add(late, "assignment.accepted", conversation_id="z", agent_id=7, skill_id=1, reason="new")
    add(late + 30_000, "message.sent", conversation_id="z", sender_role="agent", agent_id=7)
    add(MAX_TS_MS - 1_000, "conversation.closed", conversation_id="z", closed_by="agent",
        agent_id=7, reason="done")  # fmt: skip
    add(MAX_TS_MS, "agent.status", agent_id=7, status="away")
    with backend() as client:
        r = client.post(
            f"/api/v1/accounts/{ACCOUNT}/events",
            content=ndjson(events),
            headers={"Authorization": "Bearer secret-acme", "Content-Type": "application/x-ndjson"},
        )
        assert r.json() == {"accepted": len(events), "duplicates": 0}
        end = segments(client, now=MAX_TS_MS + 1, timeframe=60)
        assert end.status_code == 200, end.text
        total = end.json()["metricsTotal"]
        # one segment: 59,000 ms long, first agent message 30,000 ms after the accept
        assert total["totalAgentConversationSegments"] == 1
        assert total["avgAgentSegmentDuration"] == 59_000
        assert total["avgTimetoFirstAgentMessageFromAgentAssignment"] == 30_000
        assert list(end.json()["agentsMetrics"]["metricsPerAgent"]) == ["7"]
        start = segments(client, now=keys, timeframe=1)
        assert start.status_code == 200, start.text
        body = start.json()
        # window [keys - 60,000, keys): every early segment, all open (no duration: -1)
        assert body["metricsTotal"]["totalAgentConversationSegments"] == keys
        assert body["metricsTotal"]["avgAgentSegmentDuration"] == -1
        assert len(body["agentsMetrics"]["metricsPerAgent"]) == keys


@pytest.mark.parametrize("edge", ["start", "end"])
def test_a_log_at_either_end_of_time_equals_the_oracle(edge: str, example_path: Any) -> None:
    """The example log moved to start at ts 0, or to end at the last ms of year 9999: both
    endpoints give the oracle's answers (dashboard included) at nows around its events."""
    from ccbench.eventlog import MAX_TS_MS, read_log
    from tests.support.backend import auth, backend, load, segments

    log = read_log(example_path)
    first, last = log.time_range()  # type: ignore[misc]
    shift = -first if edge == "start" else MAX_TS_MS - last
    ts = log.table.column("ts")
    table = log.table.set_column(
        log.table.schema.get_field_index("ts"), "ts", pa.array([t + shift for t in ts.to_pylist()])
    )
    moved = EventLog.from_table(table, roster=log.roster)
    oracle = Oracle(moved)
    nows = [first + shift + 1, (first + last) // 2 + shift, last + shift]
    with backend() as client:
        load(client, log.roster.to_dict(), list(moved.records()))
        for now in nows:
            for query in ({"timeframe": "1440", "interval": "60"}, {"timeframe": "30"}):
                expected = oracle.agent_segments_query({"v": "1", **query}, now_ms=now)
                assert segments(client, now=now, **query).json() == expected, (now, query)
            dash = client.get(
                f"/api/v1/accounts/{ACCOUNT}/dashboard",
                headers={**auth(), "X-Clock-Now": str(now)},
            )
            assert dash.status_code == 200, dash.text
            assert dash.json() == orjson.loads(orjson.dumps(oracle.dashboard(now_ms=now)))
