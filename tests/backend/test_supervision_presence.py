"""backend/_supervision_presence.py: every agent's status, site and connected time at once,
on hand-written walks whose answers are worked out in each test, and against a direct
walk of random timelines (Hypothesis)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from backend._supervision_presence import BUSY, ONLINE, PresenceTimeline

SITES = ("p", "q")
OUT, OTHER = 0, 3


@dataclass(frozen=True)
class State:
    sites: frozenset[str]
    status: str | None


def _walks() -> PresenceTimeline:
    # agent 1: login p at 100 (online), status away at 200, login q at 300, logout p at
    # 400, logout q at 500 (out). Agent 5: login q at 300 and busy at 300 (same ts).
    # Agent 3 has no event; agent 7 is not in the roster (ignored).
    times = {1: [100, 200, 300, 400, 500], 5: [300, 300], 7: [0]}
    p, q, pq = frozenset("p"), frozenset("q"), frozenset("pq")
    states = {
        1: [
            State(p, "online"),
            State(p, "away"),
            State(pq, "away"),
            State(q, "away"),
            State(frozenset(), None),
        ],
        5: [State(q, "online"), State(q, "busy")],
        7: [State(p, "online")],
    }
    return PresenceTimeline.of([1, 3, 5], times, states, SITES)


def test_state_at_now_sees_events_before_now_only() -> None:
    """At 300 agent 1 is away on p only (the q login at 300 is not visible yet); agent 5's
    two events at 300 are not visible, so it is out; agent 3 never logged in."""
    status, on_p = _walks().at(300, 0)
    assert status.tolist() == [OTHER, OUT, OUT]
    assert on_p.tolist() == [True, False, False]
    status, on_q = _walks().at(301, 1)
    assert status.tolist() == [OTHER, OUT, BUSY]  # the last of two events at 300 holds
    assert on_q.tolist() == [True, False, True]


def test_online_before_away_and_out_after_logout() -> None:
    """At 150 agent 1 is online on p; at 501 it is out everywhere."""
    timeline = _walks()
    status, on_p = timeline.at(150, 0)
    assert (status[0], bool(on_p[0])) == (ONLINE, True)
    status, on_q = timeline.at(501, 1)
    assert (status[0], bool(on_q[0])) == (OUT, False)


def test_connected_ms_by_hand() -> None:
    """Agent 1 is on p during [100, 400) and on q during [300, 500): over [150, 450) that
    is 250 ms on p and 150 ms on q; agent 5 is on q from 300: 150 ms; agent 3: 0."""
    timeline = _walks()
    assert timeline.connected_ms(0, 150, 450).tolist() == [250, 0, 0]
    assert timeline.connected_ms(1, 150, 450).tolist() == [150, 0, 150]
    # a window before every event, and an empty one at an event
    assert timeline.connected_ms(0, 0, 100).tolist() == [0, 0, 0]
    assert timeline.connected_ms(1, 300, 300).tolist() == [0, 0, 0]


def test_no_event_at_all() -> None:
    """A roster without presence events: everyone out, nothing connected."""
    timeline = PresenceTimeline.of([1, 2], {}, {}, SITES)
    status, on_p = timeline.at(10, 0)
    assert status.tolist() == [OUT, OUT] and not on_p.any()
    assert timeline.connected_ms(0, 0, 10).tolist() == [0, 0]


def _direct(times: list[int], states: list[State], site: str, start: int, end: int) -> int:
    """The walk read one interval at a time (the state after an event holds until the next)."""
    total = 0
    for i, t in enumerate(times):
        lo = max(t, start)
        hi = min(times[i + 1] if i + 1 < len(times) else end, end)
        if site in states[i].sites and lo < hi:
            total += hi - lo
    return total


@st.composite
def _timelines(draw: st.DrawFn) -> tuple[list[int], list[State]]:
    gaps = draw(st.lists(st.integers(0, 50), max_size=12))
    times = np.cumsum(gaps).tolist() if gaps else []
    states = [
        State(
            frozenset(draw(st.sets(st.sampled_from(SITES)))),
            draw(st.sampled_from([None, "online", "busy", "away"])),
        )
        for _ in times
    ]
    return times, states


@settings(max_examples=200, deadline=None)
@given(st.lists(_timelines(), min_size=1, max_size=4), st.integers(-10, 700), st.integers(0, 700))
def test_equals_a_direct_walk(
    walks: list[tuple[list[int], list[State]]], start: int, width: int
) -> None:
    """Random walks: connected ms over [start, start + width) and the state at start equal
    those read directly from each agent's events."""
    ids = list(range(len(walks)))
    timeline = PresenceTimeline.of(
        ids, {a: w[0] for a, w in enumerate(walks)}, {a: w[1] for a, w in enumerate(walks)}, SITES
    )
    for k, site in enumerate(SITES):
        got = timeline.connected_ms(k, start, start + width).tolist()
        assert got == [_direct(t, s, site, start, start + width) for t, s in walks]
        status, on = timeline.at(start, k)
        for a, (t, s) in enumerate(walks):
            seen = [x for x, ts in zip(s, t, strict=True) if ts < start]
            last = seen[-1] if seen else State(frozenset(), None)
            code = {None: OUT, "online": ONLINE, "busy": BUSY}.get(last.status, OTHER)
            assert (int(status[a]), bool(on[a])) == (code, site in last.sites)
