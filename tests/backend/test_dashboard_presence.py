"""Presence for the dashboard (backend/_dashboard_presence.py): the state after each
event, and each roster agent's status, since and online ms at a now.

Events (ms; rows are log positions):

    r0 99 login s @10 (not on the roster: ignored)
    r1 20 status online @50 (no login: the status still holds)
    r2 10 login s1 @100   -> online since 100
    r3 20 login s @120    -> a first site: a session starts online since 120
    r4 10 login s2 @150   -> a second site: online since 100 still
    r5 10 status away @200 -> away since 200
    r6 10 logout s1 @300  -> s2 remains: away since 200
    r7 10 logout s2 @400  -> logged in nowhere: no status
    r8 20 logout s @500   -> no status
"""

from __future__ import annotations

import numpy as np

from backend._dashboard_presence import PresenceLog, presence_log, presence_now
from backend._dashboard_roster import RosterArrays
from backend._dashboard_sql import AgentEvent
from ccbench.eventlog import Roster

ROSTER = Roster.from_dict(
    {
        "account": "a",
        "sites": [{"id": "s"}, {"id": "s1"}, {"id": "s2"}],
        "groups": [{"id": 1}],
        "agents": [
            {"id": a, "name": str(a), "group_id": 1, "sites": ["s"], "max_slots": 1}
            for a in (10, 20, 30)
        ],
    }
)
LOG = [  # (row, event) in log order
    (0, AgentEvent(99, 10, "agent.login", "s", None)),
    (1, AgentEvent(20, 50, "agent.status", None, "online")),
    (2, AgentEvent(10, 100, "agent.login", "s1", None)),
    (3, AgentEvent(20, 120, "agent.login", "s", None)),
    (4, AgentEvent(10, 150, "agent.login", "s2", None)),
    (5, AgentEvent(10, 200, "agent.status", None, "away")),
    (6, AgentEvent(10, 300, "agent.logout", "s1", None)),
    (7, AgentEvent(10, 400, "agent.logout", "s2", None)),
    (8, AgentEvent(20, 500, "agent.logout", "s", None)),
]


def _log() -> PresenceLog:
    by_agent = sorted(LOG, key=lambda r: (r[1].agent, r[0]))  # as the index orders them
    return presence_log([e for _, e in by_agent], roster=RosterArrays.of(ROSTER))


def _at(now: int, start: int) -> list[tuple[str | None, int | None, int]]:
    """(status, since, online ms) of agents 10, 20, 30 at ``now``."""
    p = _log()
    got = presence_now(p, now=now, start=start)
    return [
        (None, None, ms) if s < 0 else (p.statuses[s], since, ms)
        for s, since, ms in zip(got.status.tolist(), got.since.tolist(),
                                got.online_ms.tolist(), strict=True)
    ]  # fmt: skip


def test_the_state_after_each_event() -> None:
    """Agent 10: online 100, still online since 100 (second site), away 200, away 200
    (a site left), none; agent 20: online 50 (a status alone), online 120 (a first
    login), none. The agent off the roster has no state."""
    p = _log()
    statuses = [None if s < 0 else p.statuses[s] for s in p.status.tolist()]
    assert statuses == ["online", "online", "away", "away", None, "online", "online", None]
    assert p.since.tolist()[:4] == [100, 100, 200, 200]
    assert p.since.tolist()[5:7] == [50, 120]
    assert p.next_ts.tolist()[4] == p.next_ts.tolist()[7] == np.iinfo(np.int64).max


def test_at_250() -> None:
    """10 is away since 200, online 100 ms before (100-150 and 150-200); 20 is online
    since 120, online 70 ms (50-120) plus 130 (120-250); 30 has no event."""
    assert _at(250, 0) == [("away", 200, 100), ("online", 120, 200), (None, None, 0)]


def test_online_time_is_cut_to_the_window() -> None:
    """At 450 from 320: 10 is logged out and was away; 20's 120-500 interval counts
    320-450."""
    assert _at(450, 320) == [(None, None, 0), ("online", 120, 130), (None, None, 0)]


def test_after_the_last_event() -> None:
    """At 600: both logged out; 20 was online 70 + 380 ms."""
    assert _at(600, 0) == [(None, None, 100), (None, None, 450), (None, None, 0)]


def test_events_at_now_are_not_visible() -> None:
    """At 100 (half-open: ts < now) 10's login is not seen yet."""
    assert _at(100, 0)[0] == (None, None, 0)
