"""The kept open conversations summed (backend/_dashboard_current.py), on the hand log of
tests/oracle/test_dashboard.py at its now (1000 s).

Open at now: A (messaging, agent 1, skill 1, last message the consumer's at 900 s:
active), C (messaging, unassigned, skill 1), D (messaging, agent 2, skill 2, last
message the agent's at 430 s: 570 s ago, past the 240 s timeout: inactive) and G
(chat, unassigned, skill 1). Agents 1 and 2 are in groups 1 and 2; skill 2 has
intensity 2; the roster's weights are 1 (active) and 0.1 (inactive).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend import Store
from backend._dashboard_current import Current, current, weight_sum
from backend._dashboard_data import dashboard_data
from backend._dashboard_facts import open_conversations
from backend._dashboard_params import parse_dashboard_query
from backend._dashboard_roster import RosterArrays
from ccbench.eventlog import EventLog
from tests.oracle.test_dashboard import NOW, ROSTER, S
from tests.oracle.test_dashboard import _events as hand_events


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    s = Store(path=":memory:")
    s.put_roster(roster=ROSTER)
    s.ingest(account="a", table=EventLog.from_records(hand_events(), roster=ROSTER).table)
    yield s
    s.close()


def _current(store: Store, *items: tuple[str, str]) -> Current:
    d = dashboard_data(store, account="a")
    assert d is not None
    q = parse_dashboard_query(list(items))
    return current(
        open_conversations(d.index, d.openings, now=NOW), r=RosterArrays.of(ROSTER), query=q,
        now=NOW, active_weight=1.0, inactive_weight=0.1, timeout_ms=240_000,
    )  # fmt: skip


def test_messaging(store: Store) -> None:
    """A, C, D kept: two assigned, A active; agent 1 carries A (1.0), agent 2 carries D
    (0.1 * 2); skill 1 has A and C open, A assigned; skill 2 has D, assigned."""
    c = _current(store)
    assert (c.open, c.assigned, c.active) == (3, 2, 1)
    assert c.agent_open.tolist() == [1, 1, 0, 0]  # agents 1, 2, 3, 100
    assert c.agent_active.tolist() == [1, 0, 0, 0]
    assert c.agent_weight.tolist() == [1.0, 0.1 * 2, 0.0, 0.0]
    assert c.skill_open.tolist() == [2, 1] and c.skill_assigned.tolist() == [1, 1]


def test_active_load_weighs_one_or_nothing(store: Store) -> None:
    """load=active: A weighs 1, D (inactive) 0."""
    assert _current(store, ("load", "active")).agent_weight.tolist() == [1.0, 0.0, 0.0, 0.0]


def test_filters(store: Store) -> None:
    """Skill 2 keeps D only; group 1 keeps A only (C has no agent: group -1)."""
    c = _current(store, ("skill_ids", "2"))
    assert (c.open, c.assigned, c.active) == (1, 1, 0)
    c = _current(store, ("group_ids", "1"))
    assert (c.open, c.assigned, c.active) == (1, 1, 1)


def test_chat_mode(store: Store) -> None:
    """Only G is an open chat: unassigned."""
    c = _current(store, ("mode", "chat"))
    assert (c.open, c.assigned, c.active) == (1, 0, 0)


def test_the_sample_response_times(store: Store) -> None:
    """A's agent responses: 50 s (c100 to a150) and 30 s (c170 to a200); D's: 10 s (c420
    to a430); C has none. opened_within 700 s keeps C (opened 300 s) and D (400 s)."""
    f = _current(store).sample
    assert (f.a_sum, f.a_n) == (90 * S, 3)
    f = _current(store, ("opened_within_ms", str(700 * S))).sample
    assert (f.a_sum, f.a_n) == (10 * S, 1)


@given(
    st.lists(
        st.tuples(
            st.integers(-1, 5),
            st.floats(0, 1e6, allow_nan=False, allow_infinity=False)
            | st.sampled_from([0.1, 0.2, 1 / 3, -0.0, 0.0, 1e300]),  # repeated weights
        ),
        max_size=40,
    )
)
def test_weight_sum_is_fsum_per_owner(items: list[tuple[int, float]]) -> None:
    """Per owner 0..5, exactly math.fsum of its weights, bit for bit (owner -1 dropped,
    none: 0.0; fsum makes a lone -0.0 weight 0.0, which a roster weight of -0.0 gives;
    equal weights are one product; sums that overflow raise as fsum does)."""
    owner = np.asarray([o for o, _ in items], dtype=np.int64)
    weight = np.asarray([w for _, w in items], dtype=np.float64)
    try:
        want = [math.fsum(w for o, w in items if o == k) for k in range(6)]
    except OverflowError:
        with pytest.raises(OverflowError):
            weight_sum(weight, owner, 6)
        return
    got = weight_sum(weight, owner, 6).tolist()
    assert [math.copysign(1, v) for v in got] == [math.copysign(1, v) for v in want]
    assert got == want
